"""The study loop without a terminal: what to show next, and recording what the learner did.

Every rating is committed in its own transaction together with the item's new state, so a crash
or Ctrl-C loses nothing already rated; on SQLite the write lock is taken up front, so two sessions
on one database wait for each other instead of failing.  Front ends (terminal, tests) drive a
:class:`StudyService`; it never prints.
"""

from __future__ import annotations

import datetime as dt
import hashlib
from collections.abc import Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from sqlalchemy import case, delete, exists, func, or_, select

from quizzer.errors import QuizzerError
from quizzer.models import Card, CardState, Profile, Review, Topic
from quizzer.profiles import get_profile
from quizzer.scheduler import ItemKind, ItemState, ReviewEvent, Scheduler, card_of, item_id, kind_of

if TYPE_CHECKING:
    from quizzer.db import Database
    from quizzer.exercises import Exercise

__all__ = ["LEARN_AHEAD", "QueueEntry", "Recorded", "StudyService", "derive_drill_rating", "drill_seed"]

DUE_FETCH = 2000  # due rows examined per queue build (the index gives them oldest-due first)
# A learning step due this soon may be taken early when nothing else is left (as Anki does).
LEARN_AHEAD = dt.timedelta(minutes=20)


@dataclass(frozen=True)
class QueueEntry:
    item_id: str
    card_id: str
    kind: ItemKind
    reason: str  # "due", "new", "interview" (brought forward for the interview), "ahead" (cram)
    stars: int


@dataclass(frozen=True)
class Recorded:
    review_id: int
    state: ItemState
    previous: ItemState | None


def drill_seed(profile_id: int, item: str, reps: int) -> int:
    """A fresh but reproducible exercise seed for the n-th drill of an item."""
    digest = hashlib.sha256(f"{profile_id}|{item}|{reps}".encode()).digest()
    return int.from_bytes(digest[:4], "big") % 1_000_000


def derive_drill_rating(correct: bool, seconds: float, difficulty: int) -> int:
    """Again when wrong; when right, Easy/Good/Hard by time against a per-difficulty target."""
    if not correct:
        return 1
    target = 30.0 * difficulty
    if seconds <= 0.4 * target:
        return 4
    if seconds <= target:
        return 3
    return 2


def _is_ahead(previous: ItemState | None, now: dt.datetime) -> bool:
    """Reviewed before it was due (cram); a learning step taken up to LEARN_AHEAD early is not."""
    if previous is None or previous.due is None or previous.due <= now:
        return False
    import fsrs

    learning = previous.state in (fsrs.State.Learning, fsrs.State.Relearning)
    return not (learning and previous.due <= now + LEARN_AHEAD)


def _state_from_row(row: CardState) -> ItemState:
    import fsrs

    return ItemState(item_id=row.item_id, state=fsrs.State(row.state), step=row.step, stability=row.stability,
                     difficulty=row.difficulty, due=row.due, last_review=row.last_review, reps=row.reps, lapses=row.lapses)


class StudyService:
    """Queue and record reviews for one profile."""

    def __init__(self, db: Database, profile: str = "default", *, now: dt.datetime | None = None):
        self.db = db
        with db.transaction() as s:
            p = get_profile(s, profile, now=now)
            self.profile_id = p.id
            self.profile_name = p.name
            self.desired_retention = p.desired_retention
            self.new_per_day = p.new_per_day
            self.interview_date = p.interview_date
            params = p.parameters
        self.scheduler = Scheduler(params, self.desired_retention)

    # -- queue ---------------------------------------------------------------------------------

    def _filters(self, topic: str | None, stars: Sequence[int] | None) -> list:
        f = [Card.retired.is_(False)]
        if topic is not None:
            f.append(Card.topic == topic)
        if stars:
            f.append(Card.stars.in_(list(stars)))
        return f

    def new_introduced_since(self, since: dt.datetime) -> int:
        """Items whose first review was at or after ``since`` (counts against the daily new limit)."""
        with self.db.session() as s:
            r = Review.__table__.alias("r")
            older = (
                select(Review.id)
                .where(Review.profile_id == self.profile_id, Review.item_id == r.c.item_id, Review.reviewed_at < since)
                .exists()
            )
            q = select(func.count(func.distinct(r.c.item_id))).where(
                r.c.profile_id == self.profile_id, r.c.reviewed_at >= since, r.c.ahead.is_(False), ~older
            )
            return int(s.scalar(q) or 0)

    def queue(
        self,
        now: dt.datetime,
        *,
        day_start: dt.datetime,
        topic: str | None = None,
        stars: Sequence[int] | None = None,
        limit: int | None = None,
        new_limit: int | None = None,
        ahead_days: int = 0,
    ) -> list[QueueEntry]:
        """Due items (most overdue relative to stability first, ties by stars), then items brought
        forward for the interview date, then new items up to the day's limit."""
        entries = self.due_queue(now, topic=topic, stars=stars, ahead_days=ahead_days)
        entries += self.later_queue(now, day_start=day_start, topic=topic, stars=stars, new_limit=new_limit,
                                    ahead_days=ahead_days, seen={e.item_id for e in entries})
        return entries[:limit] if limit is not None else entries

    def due_queue(self, now: dt.datetime, *, topic: str | None = None, stars: Sequence[int] | None = None,
                  ahead_days: int = 0, fetch: int = DUE_FETCH) -> list[QueueEntry]:
        """The first part of :meth:`queue`: items due now (or within ``ahead_days``), ordered among
        the ``fetch`` longest-due ones; cheap to build."""
        horizon = now + dt.timedelta(days=ahead_days)
        with self.db.session() as s:
            rows = s.execute(
                select(CardState.item_id, CardState.card_id, CardState.due, CardState.stability, Card.stars)
                .join(Card, Card.id == CardState.card_id)
                .where(CardState.profile_id == self.profile_id, CardState.due <= horizon, CardState.reps > 0,
                       or_(CardState.buried_until.is_(None), CardState.buried_until <= now), *self._filters(topic, stars))
                .order_by(CardState.due)
                .limit(fetch)
            ).all()

        def overdue(row: Any) -> tuple[float, int, str]:
            late = (now - row.due).total_seconds() / 86400
            return (-late / max(row.stability or 0.1, 0.1), -row.stars, row.item_id)

        return [QueueEntry(r.item_id, r.card_id, kind_of(r.item_id), "due" if r.due <= now else "ahead", r.stars)
                for r in sorted(rows, key=overdue)]

    def later_queue(self, now: dt.datetime, *, day_start: dt.datetime, topic: str | None = None,
                    stars: Sequence[int] | None = None, new_limit: int | None = None, ahead_days: int = 0,
                    seen: set[str] | frozenset[str] = frozenset()) -> list[QueueEntry]:
        """The rest of :meth:`queue`: items brought forward for the interview, then new items.  On a
        large bank this is the slow part, so a session may build it after the first card is shown."""
        if ahead_days:
            return []  # cram reviews what is scheduled; it introduces nothing
        filters = self._filters(topic, stars)
        entries: list[QueueEntry] = []
        with self.db.session() as s:
            if self.interview_date is not None:
                entries.extend(self._interview_items(s, now, filters, set(seen)))
            if new_limit is None:
                new_limit = max(0, self.new_per_day - self.new_introduced_since(day_start))
            if new_limit > 0:
                entries.extend(self._new_items(s, now, filters, new_limit))
        return entries

    def _interview_items(self, s, now: dt.datetime, filters: list, seen: set[str]) -> list[QueueEntry]:  # type: ignore[no-untyped-def]
        day = dt.datetime.combine(self.interview_date, dt.time(9), tzinfo=dt.UTC)
        if day <= now:
            return []
        rows = s.execute(
            select(CardState, Card.stars).join(Card, Card.id == CardState.card_id)
            .where(CardState.profile_id == self.profile_id, CardState.reps > 0, CardState.due > day,
                   or_(CardState.buried_until.is_(None), CardState.buried_until <= now), *filters)
        ).all()
        picked = []
        for st, card_stars in rows:
            if st.item_id in seen:
                continue
            r = self.scheduler.retrievability(_state_from_row(st), day)
            if r < self.desired_retention:
                picked.append((-card_stars, r, st.item_id, st.card_id, card_stars))
        picked.sort()
        return [QueueEntry(i, c, kind_of(i), "interview", n) for _, _, i, c, n in picked]

    def _new_items(self, s, now: dt.datetime, filters: list, n: int) -> list[QueueEntry]:  # type: ignore[no-untyped-def]
        def started(kind: ItemKind, include_buried: bool = True):  # type: ignore[no-untyped-def]
            cond = [CardState.reps > 0]
            if include_buried:
                cond = [or_(CardState.reps > 0, CardState.buried_until > now)]
            return exists().where(CardState.profile_id == self.profile_id,
                                  CardState.item_id == Card.id + f":{kind.value}", *cond)

        order = (Card.stars.desc(), Card.position, Card.id)
        cols = (Card.id, Card.stars, Card.position)
        recall = s.execute(select(*cols).where(*filters, ~started(ItemKind.RECALL)).order_by(*order).limit(n)).all()
        recall_learned = exists().where(CardState.profile_id == self.profile_id,
                                        CardState.item_id == Card.id + ":recall", CardState.reps > 0)
        drill = s.execute(
            select(*cols)
            .where(*filters, Card.exercise.is_not(None), recall_learned, ~started(ItemKind.DRILL)).order_by(*order).limit(n)
        ).all()
        # Stars first, recall before drill within a star level, then bank (topic) order.
        merged = sorted([(-st, 0, pos, cid, ItemKind.RECALL) for cid, st, pos in recall]
                        + [(-st, 1, pos, cid, ItemKind.DRILL) for cid, st, pos in drill])
        return [QueueEntry(item_id(cid, kind), cid, kind, "new", -neg) for neg, _, _, cid, kind in merged[:n]]

    def count_due(self, when: dt.datetime) -> int:
        with self.db.session() as s:
            return int(s.scalar(select(func.count()).select_from(CardState).join(Card, Card.id == CardState.card_id).where(
                CardState.profile_id == self.profile_id, CardState.reps > 0, CardState.due <= when, Card.retired.is_(False))) or 0)

    def next_due(self, now: dt.datetime, *, topic: str | None = None, stars: Sequence[int] | None = None) -> dt.datetime | None:
        """When the earliest studied item is (or was) due, counting burial; None when nothing was studied."""
        shown = case((CardState.buried_until > CardState.due, CardState.buried_until), else_=CardState.due)
        with self.db.session() as s:
            return s.scalar(select(func.min(shown)).join(Card, Card.id == CardState.card_id).where(
                CardState.profile_id == self.profile_id, CardState.reps > 0, *self._filters(topic, stars)))

    def has_new(self, now: dt.datetime, *, topic: str | None = None, stars: Sequence[int] | None = None) -> bool:
        """Whether any item has never been studied (regardless of the daily limit)."""
        with self.db.session() as s:
            return bool(self._new_items(s, now, self._filters(topic, stars), 1))

    # -- reading -------------------------------------------------------------------------------

    def card(self, card_id: str) -> Card:
        with self.db.session() as s:
            card = s.get(Card, card_id)
        if card is None:
            raise QuizzerError(f"no card with id {card_id!r}")
        return card

    def state(self, item: str) -> ItemState:
        with self.db.session() as s:
            row = s.get(CardState, (self.profile_id, item))
        return _state_from_row(row) if row is not None and row.reps > 0 else ItemState(item)

    def exercise_for(self, item: str) -> Exercise:
        """The fresh exercise variant shown for a drill item now (same until it is rated)."""
        from quizzer.exercises import generate

        card = self.card(card_of(item))
        if not card.exercise:
            raise QuizzerError(f"card {card.id!r} has no exercise")
        st = self.state(item)
        difficulty = 1 if st.reps == 0 else (2 if st.reps < 3 else 3)
        return generate(card.exercise, drill_seed(self.profile_id, item, st.reps), difficulty)

    # -- writing -------------------------------------------------------------------------------

    def record(
        self,
        item: str,
        rating: int,
        now: dt.datetime,
        *,
        duration_ms: int | None = None,
        exercise: Exercise | None = None,
        response: str | None = None,
        verdict: str | None = None,
        source: str = "study",
    ) -> Recorded:
        """Append a review and update the item's state, in one transaction."""
        if rating not in (1, 2, 3, 4):
            raise QuizzerError(f"rating must be 1-4, not {rating!r}")
        with self.db.transaction() as s:
            row = s.get(CardState, (self.profile_id, item))
            previous = _state_from_row(row) if row is not None and row.reps > 0 else None
            new = self.scheduler.review(previous or ItemState(item), rating, now)
            ahead = _is_ahead(previous, now)
            review = Review(
                profile_id=self.profile_id, item_id=item, card_id=card_of(item), rating=rating, reviewed_at=now,
                duration_ms=duration_ms, exercise_kind=exercise.kind if exercise else None,
                seed=exercise.seed if exercise else None, difficulty=exercise.difficulty if exercise else None,
                response=response, verdict=verdict, ahead=ahead, source=source,
            )
            s.add(review)
            self._write_state(s, new, row)
            s.flush()
            return Recorded(review.id, new, previous)

    def _write_state(self, s, new: ItemState, row: CardState | None) -> None:  # type: ignore[no-untyped-def]
        values = dict(state=int(new.state), step=new.step, stability=new.stability, difficulty=new.difficulty,
                      due=new.due, last_review=new.last_review, reps=new.reps, lapses=new.lapses, buried_until=None)
        if row is None:
            s.add(CardState(profile_id=self.profile_id, item_id=new.item_id, card_id=card_of(new.item_id), **values))
        else:
            for k, v in values.items():
                setattr(row, k, v)

    def undo(self, review_id: int) -> ItemState | None:
        """Take back a review (the item's latest) and restore the item's state by replay."""
        with self.db.transaction() as s:
            review = s.get(Review, review_id)
            if review is None or review.profile_id != self.profile_id:
                raise QuizzerError("nothing to undo")
            later = s.scalar(select(func.count()).select_from(Review).where(
                Review.profile_id == self.profile_id, Review.item_id == review.item_id, Review.id > review.id))
            if later:
                raise QuizzerError("only the latest review of an item can be undone")
            item = review.item_id
            s.delete(review)
            s.flush()
            restored = self._replay_item(s, item)
            row = s.get(CardState, (self.profile_id, item))
            if restored is None:
                if row is not None:
                    s.delete(row)
            else:
                self._write_state(s, restored, row)
            return restored

    def rerate(self, review_id: int, rating: int) -> ItemState:
        """Change the rating of an item's latest review and replay the item, in one transaction
        (the learner overriding the rating derived for a drill answer)."""
        if rating not in (1, 2, 3, 4):
            raise QuizzerError(f"rating must be 1-4, not {rating!r}")
        with self.db.transaction() as s:
            review = s.get(Review, review_id)
            if review is None or review.profile_id != self.profile_id:
                raise QuizzerError("no such review to change")
            later = s.scalar(select(func.count()).select_from(Review).where(
                Review.profile_id == self.profile_id, Review.item_id == review.item_id, Review.id > review.id))
            if later:
                raise QuizzerError("only the latest review of an item can be changed")
            review.rating = rating
            s.flush()
            restored = self._replay_item(s, review.item_id)
            assert restored is not None
            self._write_state(s, restored, s.get(CardState, (self.profile_id, review.item_id)))
            return restored

    def _replay_item(self, s, item: str) -> ItemState | None:  # type: ignore[no-untyped-def]
        events = [ReviewEvent(r.item_id, r.rating, r.reviewed_at, r.duration_ms) for r in s.scalars(
            select(Review).where(Review.profile_id == self.profile_id, Review.item_id == item))]
        return self.scheduler.replay(events).get(item)

    def bury(self, item: str, until: dt.datetime, now: dt.datetime) -> None:
        """Hide an item until ``until`` (a skipped card comes back tomorrow)."""
        with self.db.transaction() as s:
            row = s.get(CardState, (self.profile_id, item))
            if row is None:
                s.add(CardState(profile_id=self.profile_id, item_id=item, card_id=card_of(item), state=1, step=0,
                                due=now, reps=0, lapses=0, buried_until=until))
            else:
                row.buried_until = until

    def rebuild(self) -> int:
        """Recompute every item state of this profile from its review log; returns items rebuilt."""
        with self.db.transaction() as s:
            events = [ReviewEvent(r.item_id, r.rating, r.reviewed_at, r.duration_ms) for r in s.execute(
                select(Review.item_id, Review.rating, Review.reviewed_at, Review.duration_ms)
                .where(Review.profile_id == self.profile_id))]
            states = self.scheduler.replay(events)
            s.execute(delete(CardState).where(CardState.profile_id == self.profile_id, CardState.reps > 0))
            s.flush()
            for st in states.values():
                self._write_state(s, st, s.get(CardState, (self.profile_id, st.item_id)))
            return len(states)

    def set_parameters(self, parameters: Sequence[float] | None) -> None:
        with self.db.transaction() as s:
            s.get(Profile, self.profile_id).parameters = list(parameters) if parameters is not None else None
        self.scheduler = Scheduler(parameters, self.desired_retention)

    def set_interview(self, date: dt.date | None) -> None:
        with self.db.transaction() as s:
            s.get(Profile, self.profile_id).interview_date = date
        self.interview_date = date

    def topic_names(self) -> dict[str, tuple[str, str]]:
        with self.db.session() as s:
            return {t.id: (t.name_zh, t.name_en) for t in s.scalars(select(Topic))}

