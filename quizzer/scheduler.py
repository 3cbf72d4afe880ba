"""Scheduling on FSRS-6 (the ``fsrs`` library): review, replay, and the interview-date horizon.

Pure values in, values out; nothing here touches the database (``quizzer.study`` does).  The
review log is the source of truth: an item's state is whatever replaying its reviews gives, which
is why fuzz is seeded from the item and the review instead of the global random generator.
"""

from __future__ import annotations

import datetime as dt
import enum
import hashlib
import random
import threading
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, replace

import fsrs
import fsrs.scheduler as _fsrs_scheduler

__all__ = [
    "DEFAULT_PARAMETERS",
    "ItemKind",
    "ItemState",
    "Rating",
    "ReviewEvent",
    "Scheduler",
    "card_of",
    "item_id",
    "kind_of",
]

Rating = fsrs.Rating
State = fsrs.State
DEFAULT_PARAMETERS: tuple[float, ...] = tuple(fsrs.Scheduler().parameters)
_FUZZ_LOCK = threading.Lock()


class ItemKind(enum.StrEnum):
    """What gets scheduled: recalling a card's answer, or drilling a fresh exercise of it."""

    RECALL = "recall"
    DRILL = "drill"


def item_id(card_id: str, kind: ItemKind | str) -> str:
    return f"{card_id}:{ItemKind(kind).value}"


def card_of(item: str) -> str:
    return item.rsplit(":", 1)[0]


def kind_of(item: str) -> ItemKind:
    return ItemKind(item.rsplit(":", 1)[1])


@dataclass(frozen=True)
class ItemState:
    """FSRS memory state of one item (for one profile)."""

    item_id: str
    state: fsrs.State = fsrs.State.Learning
    step: int | None = 0
    stability: float | None = None
    difficulty: float | None = None
    due: dt.datetime | None = None
    last_review: dt.datetime | None = None
    reps: int = 0
    lapses: int = 0

    @property
    def card_id(self) -> str:
        return card_of(self.item_id)

    @property
    def is_new(self) -> bool:
        return self.reps == 0

    def to_fsrs(self, now: dt.datetime) -> fsrs.Card:
        return fsrs.Card(card_id=0, state=self.state, step=self.step, stability=self.stability,
                         difficulty=self.difficulty, due=self.due or now, last_review=self.last_review)


@dataclass(frozen=True)
class ReviewEvent:
    """One rating, as the log stores it."""

    item_id: str
    rating: int
    reviewed_at: dt.datetime
    duration_ms: int | None = None


def _check_utc(when: dt.datetime) -> None:
    if when.tzinfo is None or when.utcoffset() != dt.timedelta(0):
        raise ValueError("times must be timezone-aware UTC datetimes")


class Scheduler:
    """An FSRS-6 scheduler whose fuzz is a pure function of (item, review time, rating)."""

    def __init__(self, parameters: Sequence[float] | None = None, desired_retention: float = 0.9, *, fuzz: bool = True):
        self.desired_retention = desired_retention
        self.fuzz = fuzz
        self._fsrs = fsrs.Scheduler(parameters=tuple(parameters or DEFAULT_PARAMETERS),
                                    desired_retention=desired_retention, enable_fuzzing=fuzz)

    @property
    def parameters(self) -> tuple[float, ...]:
        return tuple(self._fsrs.parameters)

    def review(self, state: ItemState, rating: int | fsrs.Rating, when: dt.datetime) -> ItemState:
        """The state after rating ``state`` at ``when``."""
        _check_utc(when)
        rating = fsrs.Rating(int(rating))
        card = state.to_fsrs(when)
        if self.fuzz:
            key = f"{state.item_id}|{when.isoformat()}|{int(rating)}".encode()
            rng = random.Random(int.from_bytes(hashlib.sha256(key).digest()[:8], "big"))
            # The library draws its fuzz from a module-level random(); swap in a seeded one.
            with _FUZZ_LOCK:
                saved = _fsrs_scheduler.random
                _fsrs_scheduler.random = rng.random
                try:
                    new, _ = self._fsrs.review_card(card, rating, when)
                finally:
                    _fsrs_scheduler.random = saved
        else:
            new, _ = self._fsrs.review_card(card, rating, when)
        return ItemState(
            item_id=state.item_id, state=new.state, step=new.step, stability=new.stability,
            difficulty=new.difficulty, due=new.due, last_review=new.last_review, reps=state.reps + 1,
            lapses=state.lapses + (1 if rating == fsrs.Rating.Again and state.state == fsrs.State.Review else 0),
        )

    def preview(self, state: ItemState, when: dt.datetime) -> dict[fsrs.Rating, dt.timedelta]:
        """The interval each rating would give now (shown next to the rating keys)."""
        return {r: self.review(state, r, when).due - when for r in fsrs.Rating}

    def retrievability(self, state: ItemState, when: dt.datetime) -> float:
        """Predicted probability of recall at ``when`` (0 for an item never reviewed)."""
        if state.last_review is None or state.stability is None:
            return 0.0
        return float(self._fsrs.get_card_retrievability(state.to_fsrs(when), when))

    def replay(self, events: Iterable[ReviewEvent]) -> dict[str, ItemState]:
        """States of every item after its reviews, in time order; the inverse of nothing lost."""
        states: dict[str, ItemState] = {}
        for ev in sorted(events, key=lambda e: (e.reviewed_at, e.item_id)):
            current = states.get(ev.item_id) or ItemState(ev.item_id)
            states[ev.item_id] = self.review(current, ev.rating, ev.reviewed_at)
        return states


def with_due(state: ItemState, due: dt.datetime) -> ItemState:
    return replace(state, due=due)
