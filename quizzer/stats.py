"""Review statistics: what was done, how much of it was remembered, and what is coming.

``quizzer stats`` answers the questions a learner asks after a few weeks: am I keeping up (reviews
per day, streak), is the scheduler's promise holding (true retention: the share of reviews of items
in the Review state that were not rated Again, overall and per topic, against the desired retention),
what is coming (items due each of the next 14 days) and, with an interview date, how ready I am.
Days are calendar days in a time zone passed in; times stay UTC everywhere else.  Pure functions
compute from review rows; :func:`gather_stats` reads them from the database; :func:`plot_stats` draws
retention and forecast with matplotlib (an optional extra, imported only when plotting).
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

import fsrs

from quizzer.errors import DependencyError, QuizzerError

if TYPE_CHECKING:
    from quizzer.db import Database
    from quizzer.planning import Readiness

__all__ = [
    "FORECAST_DAYS",
    "DayStats",
    "Retention",
    "ReviewRow",
    "Stats",
    "compute_stats",
    "due_forecast",
    "gather_stats",
    "plot_stats",
    "review_phases",
    "streak",
]

FORECAST_DAYS = 14
RATING_NAMES = ("again", "hard", "good", "easy")
# The scheduler uses the fsrs library's default steps; the phase of a review follows from them alone.
_DEFAULTS = fsrs.Scheduler()
LEARNING_STEPS = len(_DEFAULTS.learning_steps)
RELEARNING_STEPS = len(_DEFAULTS.relearning_steps)


@dataclass(frozen=True)
class ReviewRow:
    item_id: str
    topic: str
    rating: int
    reviewed_at: dt.datetime


@dataclass(frozen=True)
class Retention:
    """Reviews of items in the Review state, and how many of them were recalled (rated 2-4)."""

    reviews: int = 0
    passed: int = 0

    @property
    def value(self) -> float | None:
        return self.passed / self.reviews if self.reviews else None

    @property
    def rounded(self) -> float | None:
        return None if self.value is None else round(self.value, 4)

    def to_dict(self) -> dict[str, Any]:
        return {"retention": self.rounded, "reviews": self.reviews, "passed": self.passed}


@dataclass(frozen=True)
class DayStats:
    date: dt.date
    reviews: int
    retention: Retention


@dataclass(frozen=True)
class Stats:
    profile: str
    now: dt.datetime
    timezone: str
    days: int
    desired_retention: float
    per_day: tuple[DayStats, ...]
    ratings: tuple[int, int, int, int]  # Again, Hard, Good, Easy given in the window
    retention: Retention
    retention_by_topic: tuple[tuple[str, str, Retention], ...]  # (topic id, name, retention)
    forecast: tuple[tuple[dt.date, int], ...]  # day 0 (today) includes everything overdue
    streak: int
    interview: Readiness | None = None

    @property
    def reviews(self) -> int:
        return sum(d.reviews for d in self.per_day)

    def to_dict(self) -> dict[str, Any]:
        return {
            "profile": self.profile,
            "generated_at": self.now.isoformat(),
            "timezone": self.timezone,
            "days": self.days,
            "desired_retention": self.desired_retention,
            "reviews": self.reviews,
            "reviews_per_day": [{"date": d.date.isoformat(), "reviews": d.reviews, "retention": d.retention.rounded,
                                 "retention_reviews": d.retention.reviews, "retention_passed": d.retention.passed}
                                for d in self.per_day],
            "ratings": dict(zip(RATING_NAMES, self.ratings, strict=True)),
            "retention": self.retention.to_dict(),
            "retention_by_topic": [{"topic": t, "name": n, **r.to_dict()} for t, n, r in self.retention_by_topic],
            "forecast": [{"date": d.isoformat(), "due": n} for d, n in self.forecast],
            "streak": self.streak,
            "interview": self.interview.to_dict() if self.interview is not None else None,
        }


def review_phases(ratings: Sequence[int]) -> list[fsrs.State]:
    """The state each of one item's reviews (in time order) found it in.

    Only the ratings matter: the ``fsrs`` scheduler moves between Learning, Review and Relearning by
    rating and step count alone, so this is the library's state machine without the memory model
    (a test keeps the two in step) -- cheap enough for a whole review log.
    """
    state, step = fsrs.State.Learning, 0
    out = []
    for r in ratings:
        out.append(state)
        if state == fsrs.State.Review:
            if r == 1 and RELEARNING_STEPS:
                state, step = fsrs.State.Relearning, 0
            continue
        steps = LEARNING_STEPS if state == fsrs.State.Learning else RELEARNING_STEPS
        if steps == 0 or (step >= steps and r > 1) or r == 4 or (r == 3 and step + 1 == steps):
            state, step = fsrs.State.Review, 0
        elif r == 1:
            step = 0
        elif r == 3:
            step += 1
    return out


def streak(review_dates: Iterable[dt.date], today: dt.date) -> int:
    """Consecutive days with at least one review, ending today (or yesterday, if not yet today)."""
    days = set(review_dates)
    day = today if today in days else today - dt.timedelta(days=1)
    n = 0
    while day in days:
        n += 1
        day -= dt.timedelta(days=1)
    return n


def due_forecast(dues: Iterable[dt.datetime], today: dt.date, tz: dt.tzinfo, days: int = FORECAST_DAYS) -> tuple[tuple[dt.date, int], ...]:
    """Items falling due on each of ``days`` local days from today; overdue items count today."""
    counts = [0] * days
    for due in dues:
        offset = max(0, (due.astimezone(tz).date() - today).days)
        if offset < days:
            counts[offset] += 1
    return tuple((today + dt.timedelta(days=i), n) for i, n in enumerate(counts))


def compute_stats(
    history: Iterable[ReviewRow],
    *,
    now: dt.datetime,
    tz: dt.tzinfo,
    days: int = 30,
    dues: Iterable[dt.datetime] = (),
    review_dates: Iterable[dt.date] | None = None,
    topic_names: Mapping[str, str] | None = None,
    profile: str = "default",
    desired_retention: float = 0.9,
    interview: Readiness | None = None,
) -> Stats:
    """Statistics over the ``days`` local days ending today.

    ``history`` must hold every review of each item reviewed in the window (earlier ones too: they
    decide the state a review found its item in).  ``review_dates`` (local dates with a review) feed
    the streak; by default they are taken from ``history``.
    """
    if days < 1:
        raise QuizzerError("the number of days must be at least 1")
    today = now.astimezone(tz).date()
    first = today - dt.timedelta(days=days - 1)
    per_item: dict[str, list[ReviewRow]] = defaultdict(list)
    all_dates: set[dt.date] = set()
    for row in history:
        per_item[row.item_id].append(row)
    per_day = [[0, 0, 0] for _ in range(days)]  # reviews, review-state reviews, passed
    ratings = [0, 0, 0, 0]
    topics: dict[str, list[int]] = defaultdict(lambda: [0, 0])
    for rows in per_item.values():
        rows.sort(key=lambda r: r.reviewed_at)
        for row, phase in zip(rows, review_phases([r.rating for r in rows]), strict=True):
            local = row.reviewed_at.astimezone(tz).date()
            all_dates.add(local)
            i = (local - first).days
            if not 0 <= i < days:
                continue
            per_day[i][0] += 1
            ratings[row.rating - 1] += 1
            if phase == fsrs.State.Review:
                passed = 1 if row.rating > 1 else 0
                per_day[i][1] += 1
                per_day[i][2] += passed
                topics[row.topic][0] += 1
                topics[row.topic][1] += passed
    names = dict(topic_names or {})
    order = [t for t in names if t in topics] + sorted(t for t in topics if t not in names)
    return Stats(
        profile=profile, now=now, timezone=str(tz), days=days, desired_retention=desired_retention,
        per_day=tuple(DayStats(first + dt.timedelta(days=i), n, Retention(rv, p)) for i, (n, rv, p) in enumerate(per_day)),
        ratings=(ratings[0], ratings[1], ratings[2], ratings[3]),
        retention=Retention(sum(d[1] for d in per_day), sum(d[2] for d in per_day)),
        retention_by_topic=tuple((t, names.get(t, t), Retention(*topics[t])) for t in order),
        forecast=due_forecast(dues, today, tz),
        streak=streak(all_dates if review_dates is None else review_dates, today),
        interview=interview,
    )


# -- database ----------------------------------------------------------------------------------


def _streak_dates(s: Any, profile_id: int, tz: dt.tzinfo) -> list[dt.date]:
    """Local review dates, newest first, read only as far back as the first gap."""
    from sqlalchemy import select

    from quizzer.models import Review

    dates: list[dt.date] = []
    q = (select(Review.reviewed_at).where(Review.profile_id == profile_id).order_by(Review.reviewed_at.desc())
         .execution_options(yield_per=2000))
    result = s.execute(q)
    try:  # stopping early must close the (server-side, on PostgreSQL) cursor
        for (when,) in result:
            d = when.astimezone(tz).date()
            if not dates:
                dates.append(d)
            elif d != dates[-1]:
                if (dates[-1] - d).days > 1:
                    break
                dates.append(d)
    finally:
        result.close()
    return dates


def gather_stats(db: Database, profile: str, now: dt.datetime, tz: dt.tzinfo, *, days: int = 30) -> Stats:
    """Statistics of ``profile`` read from the database (see :func:`compute_stats`)."""
    from sqlalchemy import select

    from quizzer.models import Card, CardState, Review, Topic
    from quizzer.planning import plan_for_profile
    from quizzer.study import StudyService

    if days < 1:
        raise QuizzerError("the number of days must be at least 1")
    svc = StudyService(db, profile, now=now)
    today = now.astimezone(tz).date()
    start = dt.datetime.combine(today - dt.timedelta(days=days - 1), dt.time(), tzinfo=tz).astimezone(dt.UTC)
    horizon = dt.datetime.combine(today + dt.timedelta(days=FORECAST_DAYS), dt.time(), tzinfo=tz).astimezone(dt.UTC)
    with db.session() as s:
        names = {t.id: t.name_en for t in s.scalars(select(Topic).order_by(Topic.position, Topic.id))}
        recent = select(Review.item_id).where(Review.profile_id == svc.profile_id, Review.reviewed_at >= start).distinct()
        history = [ReviewRow(i, t, r, w) for i, t, r, w in s.execute(
            select(Review.item_id, Card.topic, Review.rating, Review.reviewed_at).join(Card, Card.id == Review.card_id)
            .where(Review.profile_id == svc.profile_id, Review.item_id.in_(recent)))]
        dues = list(s.scalars(select(CardState.due).join(Card, Card.id == CardState.card_id).where(
            CardState.profile_id == svc.profile_id, CardState.reps > 0, CardState.due < horizon, Card.retired.is_(False))))
        review_dates = _streak_dates(s, svc.profile_id, tz)
    interview = None
    if svc.interview_date is not None and svc.interview_date >= now.date():
        interview = plan_for_profile(db, profile, now)
    return compute_stats(history, now=now, tz=tz, days=days, dues=dues, review_dates=review_dates, topic_names=names,
                         profile=svc.profile_name, desired_retention=svc.desired_retention, interview=interview)


# -- plot --------------------------------------------------------------------------------------


def plot_stats(stats: Stats, path: str | Path) -> Path:
    """Draw daily true retention (with reviews per day) and the due forecast into a PNG file."""
    try:
        from matplotlib.figure import Figure
    except ImportError as exc:
        raise DependencyError("plotting needs matplotlib; install it with: pip install 'quizzer[plot]'") from exc
    path = Path(path)
    # A bare Figure renders with the Agg canvas: no pyplot, no display, no global state.
    fig = Figure(figsize=(9, 6.5), layout="constrained")
    top, bottom = fig.subplots(2, 1)
    dates = [d.date for d in stats.per_day]
    top.bar(dates, [d.reviews for d in stats.per_day], color="#d0d7de", label="reviews")
    top.set_ylabel("reviews")
    ret = top.twinx()
    ret.plot(dates, [float("nan") if d.retention.value is None else d.retention.value for d in stats.per_day],
             marker="o", color="#1f6feb", label="true retention")
    ret.axhline(stats.desired_retention, color="#cf222e", linestyle="--", linewidth=1, label="desired retention")
    ret.set_ylim(0, 1.02)
    ret.set_ylabel("true retention")
    overall = stats.retention.value
    shown = "n/a" if overall is None else f"{overall:.1%}"
    top.set_title(f"Last {stats.days} days: {stats.reviews} reviews, true retention {shown}")
    ret.legend(loc="lower left")
    bottom.bar([d for d, _ in stats.forecast], [n for _, n in stats.forecast], color="#2da44e")
    bottom.set_title(f"Due in the next {len(stats.forecast)} days (today includes overdue)")
    bottom.set_ylabel("items due")
    for ax in (top, bottom):
        ax.tick_params(axis="x", labelrotation=45)
    try:
        fig.savefig(path, format="png", dpi=100)
    except OSError as exc:
        raise QuizzerError(f"cannot write the plot to {path}: {exc.strerror or exc}") from exc
    return path
