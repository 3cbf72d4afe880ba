"""One study run, with no screen attached: what to show next, ratings, undo, skip and the summary.

:class:`~quizzer.study.StudyService` knows the database (queue, record, undo, bury); a study *run*
adds what only lasts while the learner sits there: the queue as built when the run started, the
learning steps that fall due again before the run ends, an undo stack of this run's reviews, the
drill answer being checked, and the counts for the summary.  The terminal front end and the tests
drive the same object; the clock is injected so tests control time.
"""

from __future__ import annotations

import collections
import datetime as dt
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field, replace
from typing import TYPE_CHECKING, Any

from quizzer.errors import ExerciseError, QuizzerError
from quizzer.scheduler import ItemKind, ItemState
from quizzer.study import DUE_FETCH, LEARN_AHEAD, QueueEntry, derive_drill_rating

if TYPE_CHECKING:
    from quizzer.answers import Verdict
    from quizzer.exercises import Exercise
    from quizzer.models import Card
    from quizzer.study import StudyService

__all__ = [
    "DAY_START_HOUR",
    "Checked",
    "Outlook",
    "Progress",
    "SessionOptions",
    "Shown",
    "StudySession",
    "Summary",
    "day_start",
    "next_day_start",
]

DAY_START_HOUR = 4  # a study day runs from 4 a.m. to 4 a.m. local time, as in Anki
QUICK_FETCH = 50  # due items read before the first card is shown; the rest right after


def _utcnow() -> dt.datetime:
    return dt.datetime.now(dt.UTC)


def _local_at(date: dt.date, tz: dt.tzinfo | None) -> dt.datetime:
    at = dt.time(DAY_START_HOUR)
    # A naive datetime's astimezone() reads it as system local time, DST included.
    local = dt.datetime.combine(date, at) if tz is None else dt.datetime.combine(date, at, tzinfo=tz)
    return local.astimezone(dt.UTC)


def _study_date(now: dt.datetime, tz: dt.tzinfo | None) -> dt.date:
    local = now.astimezone(tz)
    return local.date() if local.hour >= DAY_START_HOUR else local.date() - dt.timedelta(days=1)


def day_start(now: dt.datetime, tz: dt.tzinfo | None = None) -> dt.datetime:
    """The start (4 a.m. local, in UTC) of the study day ``now`` falls in; ``tz`` None: system zone."""
    return _local_at(_study_date(now, tz), tz)


def next_day_start(now: dt.datetime, tz: dt.tzinfo | None = None, days: int = 1) -> dt.datetime:
    """The start of the study day ``days`` after the one ``now`` falls in."""
    return _local_at(_study_date(now, tz) + dt.timedelta(days=days), tz)


@dataclass(frozen=True)
class SessionOptions:
    """What the learner asked to study (the ``quizzer study`` options)."""

    topic: str | None = None
    stars: tuple[int, ...] = ()
    limit: int | None = None  # at most this many items in the run
    new: int | None = None  # new items allowed today, instead of the profile's per-day limit
    ahead: int = 0  # cram: also items due in the next N days

    def __post_init__(self) -> None:
        if any(s not in (1, 2, 3) for s in self.stars):
            raise QuizzerError(f"stars must be 1, 2 or 3, not {', '.join(map(str, self.stars))}")
        if self.limit is not None and self.limit < 1:
            raise QuizzerError("--limit must be at least 1")
        if self.new is not None and self.new < 0:
            raise QuizzerError("--new must be 0 or more")
        if self.ahead < 0:
            raise QuizzerError("--ahead must be 0 or more days")


@dataclass(frozen=True)
class Shown:
    """The item in front of the learner: its card, its state before rating, a drill's exercise."""

    entry: QueueEntry
    card: Card
    state: ItemState
    exercise: Exercise | None
    shown_at: dt.datetime

    @property
    def item_id(self) -> str:
        return self.entry.item_id

    @property
    def is_drill(self) -> bool:
        return self.entry.kind is ItemKind.DRILL


@dataclass(frozen=True)
class Checked:
    """A checked drill answer.  Unreadable answers are not recorded (``review_id`` None)."""

    verdict: Verdict
    response: str  # what the learner typed
    rating: int | None  # derived from correctness and time; None when unreadable
    seconds: float
    review_id: int | None

    @property
    def recorded(self) -> bool:
        return self.review_id is not None


@dataclass(frozen=True)
class Progress:
    done: int
    left: int
    elapsed: dt.timedelta


@dataclass(frozen=True)
class Outlook:
    """What to tell a learner who has nothing left to study now."""

    next_due: dt.datetime | None  # the earliest scheduled review (None: nothing studied yet)
    new_waiting: bool  # never-studied items exist (held back by the daily limit or the filters)


@dataclass(frozen=True)
class Summary:
    reviews: int
    items: int
    passed: int  # reviews rated Hard or better
    drills: int
    drills_correct: int
    skipped: int
    elapsed: dt.timedelta
    due_tomorrow: int

    @property
    def accuracy(self) -> float | None:
        return self.passed / self.reviews if self.reviews else None

    @property
    def drill_accuracy(self) -> float | None:
        return self.drills_correct / self.drills if self.drills else None

    def to_dict(self) -> dict[str, Any]:
        return {"reviews": self.reviews, "items": self.items, "accuracy": self.accuracy, "drills": self.drills,
                "drills_correct": self.drills_correct, "skipped": self.skipped,
                "seconds": round(self.elapsed.total_seconds(), 1), "due_tomorrow": self.due_tomorrow}


@dataclass
class _Done:
    review_id: int
    entry: QueueEntry
    rating: int
    correct: bool | None  # drills only


@dataclass
class _Run:
    queue: collections.deque[QueueEntry] = field(default_factory=collections.deque)
    front: list[QueueEntry] = field(default_factory=list)  # put back by undo; shown first, last in first
    comebacks: dict[str, tuple[dt.datetime, QueueEntry]] = field(default_factory=dict)  # learning steps
    seen: set[str] = field(default_factory=set)
    done: list[_Done] = field(default_factory=list)
    skipped: list[str] = field(default_factory=list)
    dropped: set[str] = field(default_factory=set)  # reviewed by another session meanwhile
    rated: set[str] = field(default_factory=set)  # rated in this run: back only as a learning step


class StudySession:
    """A study run over a :class:`StudyService`: call :meth:`current`, then :meth:`rate` (recall) or
    :meth:`answer` and :meth:`rate` (drill), :meth:`skip` or :meth:`undo`, until ``current()`` is None."""

    def __init__(self, service: StudyService, options: SessionOptions | None = None, *,
                 now: Callable[[], dt.datetime] = _utcnow, tz: dt.tzinfo | None = None):
        self.service = service
        self.options = options or SessionOptions()
        self._now = now
        self.started = now()
        self.day_start = day_start(self.started, tz)
        self.tomorrow = next_day_start(self.started, tz)
        self._day_after = next_day_start(self.started, tz, days=2)
        self._run = _Run()
        self._complete = False
        self._current: Shown | None = None
        self._checked: Checked | None = None
        self._answered_state: ItemState | None = None
        self.problems: list[str] = []  # items left out of the run, and why (e.g. an exercise that cannot be made)
        self._fill(self.started, quick=True)

    # -- the queue -------------------------------------------------------------------------------

    def _fill(self, now: dt.datetime, *, quick: bool = False) -> None:
        """Queue what the database has for this run, within --limit.

        A quick fill reads only the longest-due few items, enough to put the first card on screen
        at once on a large bank; a full fill (:meth:`prefetch`, or when the queue runs out) reads
        the whole queue -- due items, interview items, new items -- and rebuilds the order.
        """
        o, run, svc = self.options, self._run, self.service
        stars = o.stars or None
        entries = svc.due_queue(now, topic=o.topic, stars=stars, ahead_days=o.ahead, fetch=QUICK_FETCH if quick else DUE_FETCH)
        complete = not (quick and entries)
        skip = {e.item_id for e in run.front} | set(run.comebacks) | run.dropped | run.rated
        if self._current is not None:
            skip.add(self._current.item_id)
        if complete:
            new_limit = None if o.new is None else max(0, o.new - svc.new_introduced_since(self.day_start))
            entries += svc.later_queue(now, day_start=self.day_start, topic=o.topic, stars=stars, new_limit=new_limit,
                                       ahead_days=o.ahead, seen=skip | {e.item_id for e in entries})
            run.queue.clear()  # rebuilt in the full order
        else:
            skip |= {e.item_id for e in run.queue}
        for entry in entries:
            if entry.item_id in skip:
                continue
            if entry.item_id not in run.seen and o.limit is not None and len(run.seen) >= o.limit:
                continue
            skip.add(entry.item_id)
            run.seen.add(entry.item_id)
            run.queue.append(entry)
        self._complete = complete

    def prefetch(self) -> None:
        """Read the whole queue now (a front end calls this once the first card is on screen)."""
        if not self._complete:
            self._fill(self._now())

    def _pick(self, now: dt.datetime) -> tuple[QueueEntry, bool] | None:
        """The next entry, and whether it came from the queue (and so may have gone stale)."""
        run = self._run
        if run.front:
            return run.front.pop(), False
        due = [(when, item) for item, (when, _) in run.comebacks.items() if when <= now]
        if due:
            return run.comebacks.pop(min(due)[1])[1], False
        if not run.queue:
            self._fill(now)
        if run.queue:
            return run.queue.popleft(), True
        soon = [(when, item) for item, (when, _) in run.comebacks.items() if when <= now + LEARN_AHEAD]
        if soon:
            return run.comebacks.pop(min(soon)[1])[1], False
        return None

    def current(self) -> Shown | None:
        """The item to show now (the same one until it is rated or skipped); None when the run is over."""
        if self._current is not None:
            return self._current
        now = self._now()
        while (picked := self._pick(now)) is not None:
            entry, from_queue = picked
            state = self.service.state(entry.item_id)
            if from_queue and self._stale(entry, state, now):
                continue  # another session on this database got to it first
            try:
                card = self.service.card(entry.card_id)
                exercise = self.service.exercise_for(entry.item_id) if entry.kind is ItemKind.DRILL else None
            except ExerciseError as exc:
                self.problems.append(f"{entry.item_id}: {exc}")
                continue
            self._current = Shown(entry, card, state, exercise, now)
            return self._current
        return None

    def _stale(self, entry: QueueEntry, state: ItemState, now: dt.datetime) -> bool:
        if entry.reason == "new":
            stale = not state.is_new
        elif entry.reason == "due":
            stale = state.due is not None and state.due > now + LEARN_AHEAD
        else:  # brought forward (cram, interview): stale once reviewed elsewhere during this run
            stale = state.last_review is not None and state.last_review >= self.started
        if stale:
            self._run.dropped.add(entry.item_id)
        return stale

    def preview(self) -> dict[int, dt.timedelta]:
        """The next interval for each rating (1-4) of the current item, if rated now."""
        shown = self._require()
        return {int(r): d for r, d in self.service.scheduler.preview(shown.state, self._now()).items()}

    # -- the learner's actions -------------------------------------------------------------------

    def _require(self) -> Shown:
        shown = self.current()
        if shown is None:
            raise QuizzerError("nothing left to study in this session")
        return shown

    def answer(self, text: str) -> Checked:
        """Check a typed drill answer; a readable one is recorded at once with the derived rating."""
        from quizzer.answers import Status, check

        shown = self._require()
        if not shown.is_drill or shown.exercise is None:
            raise QuizzerError("this item is recalled, not answered: reveal it and rate it 1-4")
        if self._checked is not None and self._checked.recorded:
            raise QuizzerError("this exercise is already answered; rate it or undo")
        now = self._now()
        seconds = max(0.0, (now - shown.shown_at).total_seconds())
        verdict = check(shown.exercise, text)
        if verdict.status is Status.UNREADABLE:
            self._checked = Checked(verdict, text, None, seconds, None)
            return self._checked
        rating = derive_drill_rating(verdict.correct, seconds, shown.exercise.difficulty)
        rec = self.service.record(shown.item_id, rating, now, duration_ms=round(seconds * 1000), exercise=shown.exercise,
                                  response=text.strip(), verdict=verdict.status.value)
        self._run.done.append(_Done(rec.review_id, shown.entry, rating, verdict.correct))
        self._checked = Checked(verdict, text, rating, seconds, rec.review_id)
        self._answered_state = rec.state
        return self._checked

    @property
    def checked(self) -> Checked | None:
        """The current drill's checked answer, if any."""
        return self._checked

    def rate(self, rating: int | None = None) -> ItemState:
        """Rate the current item 1-4 (recall), or accept (None) / override the rating derived for a
        drill answer.  Committed before returning; the next :meth:`current` is the next item."""
        shown = self._require()
        if rating is not None and rating not in (1, 2, 3, 4):
            raise QuizzerError(f"rating must be 1-4, not {rating!r}")
        if shown.is_drill:
            checked = self._checked
            if checked is None or not checked.recorded:
                raise QuizzerError("type an answer to the exercise first")
            state = self._answered_state
            assert state is not None
            if rating is not None and rating != checked.rating:
                assert checked.review_id is not None
                state = self.service.rerate(checked.review_id, rating)
                self._run.done[-1].rating = rating
        else:
            if rating is None:
                raise QuizzerError("rate a recalled item 1-4")
            now = self._now()
            duration = round(max(0.0, (now - shown.shown_at).total_seconds()) * 1000)
            rec = self.service.record(shown.item_id, rating, now, duration_ms=duration)
            self._run.done.append(_Done(rec.review_id, shown.entry, rating, None))
            state = rec.state
        self._advance(shown, state)
        return state

    def _advance(self, shown: Shown, state: ItemState) -> None:
        import fsrs

        self._current, self._checked = None, None
        self._run.rated.add(shown.item_id)
        if state.due is not None and state.due < self.tomorrow and state.state in (fsrs.State.Learning, fsrs.State.Relearning):
            self._run.comebacks[shown.item_id] = (state.due, replace(shown.entry, reason="learning"))

    def skip(self) -> None:
        """Bury the current item until tomorrow's day start (4 a.m.)."""
        shown = self._require()
        if self._checked is not None and self._checked.recorded:
            raise QuizzerError("this answer is already recorded; rate it or undo it")
        self.service.bury(shown.item_id, self.tomorrow, self._now())
        self._run.skipped.append(shown.item_id)
        self._run.comebacks.pop(shown.item_id, None)
        self._current, self._checked = None, None

    def undo(self) -> Shown | None:
        """Take back this run's last rating: the review is deleted, the item's state restored, and the
        item shown again.  Raises QuizzerError when there is nothing to undo."""
        run = self._run
        if not run.done:
            raise QuizzerError("nothing to undo in this session")
        last = run.done[-1]
        self.service.undo(last.review_id)
        run.done.pop()
        if not any(d.entry.item_id == last.entry.item_id for d in run.done):
            run.rated.discard(last.entry.item_id)
        run.comebacks.pop(last.entry.item_id, None)
        checked = self._checked
        if self._current is not None and checked is not None and checked.review_id == last.review_id:
            # The drill on screen: back to its question (the same exercise), the clock restarted.
            self._checked = None
            self._current = replace(self._current, state=self.service.state(last.entry.item_id), shown_at=self._now())
            return self._current
        if self._current is not None and self._current.item_id != last.entry.item_id:
            run.front.append(self._current.entry)
        self._current, self._checked = None, None
        run.front.append(last.entry)
        return self.current()

    # -- where the run stands --------------------------------------------------------------------

    def progress(self) -> Progress:
        run = self._run
        waiting = self._current is not None and not (self._checked is not None and self._checked.recorded)
        left = len(run.queue) + len(run.front) + len(run.comebacks) + (1 if waiting else 0)
        return Progress(len(run.done), left, self._now() - self.started)

    def summary(self) -> Summary:
        done = self._run.done
        drills = [d for d in done if d.correct is not None]
        return Summary(
            reviews=len(done), items=len({d.entry.item_id for d in done}), passed=sum(d.rating >= 2 for d in done),
            drills=len(drills), drills_correct=sum(bool(d.correct) for d in drills), skipped=len(self._run.skipped),
            elapsed=self._now() - self.started, due_tomorrow=self.service.count_due(self._day_after - dt.timedelta(microseconds=1)),
        )

    def outlook(self) -> Outlook:
        o = self.options
        stars: Sequence[int] | None = o.stars or None
        now = self._now()
        return Outlook(self.service.next_due(now, topic=o.topic, stars=stars),
                       self.service.has_new(now, topic=o.topic, stars=stars))
