"""Interview-date readiness: how much will be remembered on the day, and what it takes to fix that.

A spaced-repetition scheduler aims at "remember it eventually"; someone with an interview aims at
"remember it on that morning".  From the current FSRS states this module predicts the probability of
recalling each item at 09:00 UTC on the interview date (the moment ``StudyService.queue`` plans for),
summarises it per star level and per topic, and estimates how many reviews per day it takes to bring
every item to the desired retention by then.

The estimate (:func:`reviews_needed`) replays the scheduler forward, without fuzz, as if every review
were rated Good:

* an item never studied is introduced now and reviewed whenever it falls due until its next due date
  lies past the interview (two learning steps, then growing intervals);
* a studied item due before the interview gets its scheduled reviews, each at its due time (now when
  overdue), and whatever those lead to;
* a studied item due after the interview whose recall on the day is still below the target gets one
  review brought forward (now, as the queue does) -- and whatever that leads to.

Items are reviewed as soon as they fall due, so it is a lower bound for a learner who forgets some of
them; it is deterministic, so the same database gives the same plan.  Pure functions take states and
``now``; :func:`plan_for_profile` gathers them from the database.
"""

from __future__ import annotations

import datetime as dt
import math
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, replace
from typing import TYPE_CHECKING, Any

from quizzer.errors import QuizzerError
from quizzer.scheduler import ItemKind, ItemState, Rating, Scheduler, item_id

if TYPE_CHECKING:
    from quizzer.db import Database

__all__ = [
    "INTERVIEW_HOUR",
    "GroupReadiness",
    "PlanItem",
    "Readiness",
    "Workload",
    "interview_moment",
    "plan_for_profile",
    "readiness",
    "recall_on_day",
    "reviews_needed",
    "set_interview_date",
]

INTERVIEW_HOUR = 9  # the interview is taken to be at 09:00 UTC on its date, as the study queue assumes
MAX_SIMULATED_REVIEWS = 64  # a guard: Good ratings reach any horizon in far fewer reviews


def interview_moment(date: dt.date) -> dt.datetime:
    """The moment recall is predicted for: 09:00 UTC on the interview date."""
    return dt.datetime.combine(date, dt.time(INTERVIEW_HOUR), tzinfo=dt.UTC)


@dataclass(frozen=True)
class PlanItem:
    """One scheduled item with what readiness is grouped by; ``state`` is None until first studied."""

    item_id: str
    topic: str
    stars: int
    state: ItemState | None = None
    buried_until: dt.datetime | None = None


@dataclass(frozen=True)
class GroupReadiness:
    """Predicted recall on the day for a group of items (a star level, a topic, or all)."""

    key: str
    name: str
    items: int
    studied: int
    mean_recall: float  # mean retrievability on the day; never-studied items count as 0
    ready: int  # items whose retrievability on the day is at or above the desired retention

    @property
    def share_ready(self) -> float:
        return self.ready / self.items if self.items else 0.0

    def to_dict(self) -> dict[str, Any]:
        return {"items": self.items, "studied": self.studied, "mean_recall": round(self.mean_recall, 4),
                "ready": self.ready, "share_ready": round(self.share_ready, 4)}


@dataclass(frozen=True)
class Workload:
    """Reviews left before the interview, split by why they are needed (see the module docstring)."""

    new_items: int
    new_reviews: int
    scheduled_reviews: int
    extra_reviews: int
    days_left: int

    @property
    def total(self) -> int:
        return self.new_reviews + self.scheduled_reviews + self.extra_reviews

    @property
    def per_day(self) -> int:
        """Reviews per study day (today up to the day before the interview), rounded up."""
        return math.ceil(self.total / max(self.days_left, 1))

    @property
    def new_per_day(self) -> int:
        """New items to introduce per day so that all are started in time, rounded up."""
        return math.ceil(self.new_items / max(self.days_left, 1))

    def to_dict(self) -> dict[str, Any]:
        return {"new_items": self.new_items, "new_reviews": self.new_reviews,
                "scheduled_reviews": self.scheduled_reviews, "extra_reviews": self.extra_reviews,
                "total_reviews": self.total, "days_left": self.days_left, "reviews_per_day": self.per_day,
                "new_per_day": self.new_per_day}


@dataclass(frozen=True)
class Readiness:
    """Where a profile stands for its interview, and the work left."""

    interview_date: dt.date
    interview_at: dt.datetime
    now: dt.datetime
    desired_retention: float
    days_left: int
    overall: GroupReadiness
    by_stars: tuple[GroupReadiness, ...]
    by_topic: tuple[GroupReadiness, ...]
    workload: Workload
    bring_forward: tuple[str, ...]  # items the queue brings forward now, in queue order

    def to_dict(self) -> dict[str, Any]:
        return {
            "interview_date": self.interview_date.isoformat(),
            "interview_at": self.interview_at.isoformat(),
            "days_left": self.days_left,
            "desired_retention": self.desired_retention,
            "overall": self.overall.to_dict(),
            "by_stars": [{"stars": int(g.key), **g.to_dict()} for g in self.by_stars],
            "by_topic": [{"topic": g.key, "name": g.name, **g.to_dict()} for g in self.by_topic],
            "workload": self.workload.to_dict(),
            "bring_forward": list(self.bring_forward),
        }


def recall_on_day(scheduler: Scheduler, state: ItemState | None, day: dt.datetime) -> float:
    """Predicted probability of recall at ``day`` without further study (0 if never studied)."""
    if state is None or state.reps == 0:
        return 0.0
    return scheduler.retrievability(state, day)


def reviews_needed(scheduler: Scheduler, state: ItemState | None, now: dt.datetime, day: dt.datetime) -> int:
    """Good-rated reviews that take one item from ``state`` to recall >= target at ``day``.

    ``scheduler`` should not fuzz (the count is then a pure function of its inputs).  See the module
    docstring for the rules; reviews never happen after ``day``.
    """
    target = scheduler.desired_retention
    st = state if state is not None and state.reps > 0 else ItemState("")
    count = 0
    while count < MAX_SIMULATED_REVIEWS:
        if st.reps > 0 and st.due is not None and st.due > day:
            if scheduler.retrievability(st, day) >= target:
                break
            # Below target although not due: the queue brings it forward the next time one studies.
            assert st.last_review is not None
            when = max(now, st.last_review + dt.timedelta(days=1))
            if when >= day:
                break
        else:
            when = now if st.reps == 0 or st.due is None else max(now, st.due)
        st = scheduler.review(st, Rating.Good, when)
        count += 1
    return count


def _group(key: str, name: str, rows: Sequence[tuple[PlanItem, float]], target: float) -> GroupReadiness:
    n = len(rows)
    return GroupReadiness(
        key=key, name=name, items=n,
        studied=sum(1 for it, _ in rows if it.state is not None and it.state.reps > 0),
        mean_recall=sum(r for _, r in rows) / n if n else 0.0,
        ready=sum(1 for _, r in rows if r >= target),
    )


def readiness(
    items: Iterable[PlanItem],
    scheduler: Scheduler,
    now: dt.datetime,
    interview_date: dt.date,
    *,
    topic_names: Mapping[str, str] | None = None,
) -> Readiness:
    """Readiness of ``items`` for an interview on ``interview_date`` (topics in ``topic_names`` order)."""
    if now.tzinfo is None or now.utcoffset() != dt.timedelta(0):
        raise ValueError("now must be a timezone-aware UTC datetime")
    today = now.date()
    if interview_date < today:
        raise QuizzerError(f"the interview date {interview_date.isoformat()} has passed; set a new one with "
                           "'quizzer plan --interview YYYY-MM-DD' or remove it with 'quizzer plan --clear'")
    day = interview_moment(interview_date)
    target = scheduler.desired_retention
    sim = Scheduler(scheduler.parameters, target, fuzz=False)
    rows = [(it, recall_on_day(scheduler, it.state, day)) for it in items]

    memo: dict[ItemState, int] = {}
    new_items = new_reviews = scheduled = extra = 0
    forward: list[tuple[int, float, str]] = []
    for it, r in rows:
        st = it.state if it.state is not None and it.state.reps > 0 else None
        key = replace(st, item_id="") if st is not None else ItemState("")
        if key not in memo:
            memo[key] = reviews_needed(sim, st, now, day)
        n = memo[key]
        if st is None:
            new_items += 1
            new_reviews += n
        elif st.due is not None and st.due <= day:
            scheduled += n
        else:
            extra += n
            buried = it.buried_until is not None and it.buried_until > now
            if r < target and day > now and not buried:
                forward.append((-it.stars, r, it.item_id))

    topics = dict(topic_names or {})
    for it, _ in rows:
        topics.setdefault(it.topic, it.topic)
    present_topics = {it.topic for it, _ in rows}
    days_left = max(0, (interview_date - today).days)
    return Readiness(
        interview_date=interview_date, interview_at=day, now=now, desired_retention=target, days_left=days_left,
        overall=_group("all", "All items", rows, target),
        by_stars=tuple(_group(str(s), "★" * s, [x for x in rows if x[0].stars == s], target)
                       for s in sorted({it.stars for it, _ in rows}, reverse=True)),
        by_topic=tuple(_group(t, name, [x for x in rows if x[0].topic == t], target)
                       for t, name in topics.items() if t in present_topics),
        workload=Workload(new_items, new_reviews, scheduled, extra, days_left),
        bring_forward=tuple(i for _, _, i in sorted(forward)),
    )


# -- database ----------------------------------------------------------------------------------


def _state_of(row: Any) -> ItemState:
    import fsrs

    return ItemState(item_id=row.item_id, state=fsrs.State(row.state), step=row.step, stability=row.stability,
                     difficulty=row.difficulty, due=row.due, last_review=row.last_review, reps=row.reps,
                     lapses=row.lapses)


def _plan_items(db: Database, profile_id: int) -> tuple[list[PlanItem], dict[str, str]]:
    from sqlalchemy import select

    from quizzer.models import Card, CardState, Topic

    with db.session() as s:
        topics = {t.id: t.name_en for t in s.scalars(select(Topic).order_by(Topic.position, Topic.id))}
        cards = s.execute(select(Card.id, Card.topic, Card.stars, Card.exercise).where(Card.retired.is_(False))
                          .order_by(Card.stars.desc(), Card.position, Card.id)).all()
        rows = {r.item_id: r for r in s.scalars(select(CardState).where(CardState.profile_id == profile_id))}
        items = []
        for cid, topic, stars, exercise in cards:
            kinds = (ItemKind.RECALL, ItemKind.DRILL) if exercise else (ItemKind.RECALL,)
            for kind in kinds:
                iid = item_id(cid, kind)
                row = rows.get(iid)
                state = _state_of(row) if row is not None and row.reps > 0 else None
                items.append(PlanItem(iid, topic, stars, state, row.buried_until if row is not None else None))
    return items, topics


def plan_for_profile(db: Database, profile: str, now: dt.datetime) -> Readiness:
    """Readiness of ``profile`` for its stored interview date."""
    from quizzer.study import StudyService

    svc = StudyService(db, profile, now=now)
    if svc.interview_date is None:
        raise QuizzerError("no interview date is set; set one with 'quizzer plan --interview YYYY-MM-DD'")
    items, topics = _plan_items(db, svc.profile_id)
    return readiness(items, svc.scheduler, now, svc.interview_date, topic_names=topics)


def set_interview_date(db: Database, profile: str, date: dt.date | None, now: dt.datetime) -> None:
    """Store (or, with None, remove) the profile's interview date; a date before today is refused."""
    from quizzer.study import StudyService

    if date is not None and date < now.date():
        raise QuizzerError(f"the interview date {date.isoformat()} is in the past (today is {now.date().isoformat()} UTC)")
    StudyService(db, profile, now=now).set_interview(date)
