"""Fit a profile's FSRS parameters to its own review log.

The default FSRS-6 parameters describe an average Anki user; after a few hundred reviews a
learner's own forgetting curve is better known from their log.  The fit uses ``fsrs-rs-python``
(the Rust optimizer Anki ships; an optional extra, imported only here), the fitted parameters are
kept only if they predict the same reviews better (lower log loss), and the profile's states are
then rebuilt by replaying its log under them.

How reviews become training data follows Anki/fsrs-rs: every review that comes at least a day after
the previous review of the same item is one sample (an ``FSRSItem``) holding the item's history up
to and including it; the optimizer predicts the last rating from the ones before.  Same-day reviews
shape the history but are not samples.  Samples go to fsrs-rs oldest first, as Anki sorts them, because
fsrs-rs weights recent samples more (when fitting and when evaluating).  ``delta_t`` is the number of whole days since the previous
review -- the same elapsed-day count the scheduler (the ``fsrs`` library) feeds the model, so the
parameters are fitted to the quantity they will be used with.

Fewer than :data:`MIN_REVIEWS` samples are refused: with fewer, fitted parameters are less reliable
than the defaults (the FSRS benchmark's finding, and Anki's own threshold for a full fit), and the
message says how many more such reviews are needed.
"""

from __future__ import annotations

import datetime as dt
import math
import time
from collections import defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from quizzer.errors import DependencyError, QuizzerError
from quizzer.scheduler import DEFAULT_PARAMETERS, ReviewEvent

if TYPE_CHECKING:
    from quizzer.db import Database

__all__ = [
    "MIN_REVIEWS",
    "Evaluation",
    "Fit",
    "OptimizeResult",
    "evaluate",
    "fit_parameters",
    "histories",
    "optimize_profile",
    "to_scheduler_parameters",
    "training_items",
    "usable_reviews",
]

MIN_REVIEWS = 400
PARAMETER_COUNT = 21  # FSRS-6, as the fsrs scheduler expects
_ROUND = 6


def _fsrs_rs() -> Any:
    try:
        import fsrs_rs_python
    except ImportError as exc:
        raise DependencyError("fitting parameters needs fsrs-rs-python; install it with: "
                              "pip install 'quizzer[optimizer]'") from exc
    return fsrs_rs_python


@dataclass(frozen=True)
class Evaluation:
    """How well a parameter vector predicts a set of reviews (lower is better for both)."""

    log_loss: float
    rmse_bins: float

    def to_dict(self) -> dict[str, float]:
        return {"log_loss": round(self.log_loss, 6), "rmse_bins": round(self.rmse_bins, 6)}


@dataclass(frozen=True)
class Fit:
    """The outcome of fitting: both evaluations on the same samples, and which vector won."""

    reviews: int
    samples: int
    current: tuple[float, ...]
    fitted: tuple[float, ...]
    before: Evaluation
    after: Evaluation
    seconds: float

    @property
    def improved(self) -> bool:
        return self.after.log_loss < self.before.log_loss

    @property
    def parameters(self) -> tuple[float, ...]:
        """The vector to use: the fitted one if it is better, the current one otherwise."""
        return self.fitted if self.improved else self.current


@dataclass(frozen=True)
class OptimizeResult:
    fit: Fit
    applied: bool  # parameters stored and states rebuilt (not on a dry run, nor when no better)
    rebuilt: int  # items whose state was rebuilt

    def to_dict(self) -> dict[str, Any]:
        f = self.fit
        return {
            "reviews": f.reviews, "samples": f.samples, "before": f.before.to_dict(), "after": f.after.to_dict(),
            "improved": f.improved, "applied": self.applied, "rebuilt": self.rebuilt, "seconds": round(f.seconds, 3),
            "parameters_before": list(f.current), "parameters_fitted": list(f.fitted),
        }


Histories = Sequence[Sequence[tuple[int, int, dt.datetime]]]


def histories(events: Iterable[ReviewEvent]) -> list[list[tuple[int, int, dt.datetime]]]:
    """Each item's reviews in time order as (rating, whole days since the previous review, time)."""
    per_item: dict[str, list[ReviewEvent]] = defaultdict(list)
    for ev in events:
        per_item[ev.item_id].append(ev)
    out = []
    for item in sorted(per_item):
        evs = sorted(per_item[item], key=lambda e: e.reviewed_at)
        out.append([(int(e.rating), (e.reviewed_at - p.reviewed_at).days if p else 0, e.reviewed_at)
                    for p, e in zip([None, *evs[:-1]], evs, strict=True)])
    return out


def usable_reviews(hists: Histories) -> int:
    """Reviews that are training samples: a day or more after an earlier review of the same item."""
    return sum(1 for h in hists for i, (_, d, _) in enumerate(h) if i > 0 and d > 0)


def training_items(hists: Histories) -> list[Any]:
    """One ``FSRSItem`` per usable review, holding the item's history up to and including it.

    The samples are in the order of the reviews they end with, oldest first, as Anki passes them:
    fsrs-rs weights later samples more, both when fitting and when evaluating.
    """
    fr = _fsrs_rs()
    dated = []
    for h in hists:
        reviews = [fr.FSRSReview(rating, delta) for rating, delta, _ in h]
        dated.extend((h[i][2], fr.FSRSItem(reviews[: i + 1])) for i in range(1, len(h)) if h[i][1] > 0)
    dated.sort(key=lambda x: x[0])
    return [it for _, it in dated if it.long_term_review_cnt() > 0]


def to_scheduler_parameters(raw: Sequence[float]) -> tuple[float, ...]:
    """fsrs-rs output as the 21 FSRS-6 parameters the scheduler accepts.

    Older 17/19-value vectors are filled in by fsrs-rs itself; values are rounded and nudged into the
    scheduler's bounds (the optimizer works in 32-bit floats, so 0.8 comes back as 0.8000000119).
    """
    from fsrs.scheduler import LOWER_BOUNDS_PARAMETERS, UPPER_BOUNDS_PARAMETERS

    values = [float(v) for v in raw]
    if len(values) != PARAMETER_COUNT:
        try:
            values = [float(v) for v in _fsrs_rs().check_and_fill_parameters(values)]
        except ValueError:
            pass  # reported below with the count
    if len(values) != PARAMETER_COUNT or not all(math.isfinite(v) for v in values):
        raise QuizzerError(f"the optimizer returned {len(values)} parameters; expected {PARAMETER_COUNT} finite values")
    return tuple(min(max(round(v, _ROUND), lo), hi)
                 for v, lo, hi in zip(values, LOWER_BOUNDS_PARAMETERS, UPPER_BOUNDS_PARAMETERS, strict=True))


def evaluate(parameters: Sequence[float], items: Sequence[Any]) -> Evaluation:
    """Log loss and RMSE(bins) of ``parameters`` on ``items``."""
    fr = _fsrs_rs()
    try:
        ev = fr.FSRS(list(parameters)).evaluate(list(items))
    except ValueError as exc:
        raise QuizzerError(f"cannot evaluate FSRS parameters: {exc}") from exc
    return Evaluation(float(ev.log_loss), float(ev.rmse_bins))


def fit_parameters(events: Iterable[ReviewEvent], current: Sequence[float] | None = None, *,
                   min_reviews: int = MIN_REVIEWS) -> Fit:
    """Fit parameters to ``events`` and evaluate them against ``current`` (default: FSRS-6 defaults)."""
    events = list(events)
    hists = histories(events)
    usable = usable_reviews(hists)
    if usable < min_reviews:
        raise QuizzerError(
            f"not enough reviews to fit parameters: {usable} of the {min_reviews} needed (reviews made a day or more "
            f"after the previous review of the same item); {min_reviews - usable} more are needed")
    fr = _fsrs_rs()
    current_params = tuple(float(v) for v in (current or DEFAULT_PARAMETERS))
    items = training_items(hists)
    started = time.perf_counter()
    try:
        raw = fr.FSRS(list(fr.DEFAULT_PARAMETERS)).compute_parameters(items)
    except ValueError as exc:
        raise QuizzerError(f"the optimizer could not fit parameters to these reviews ({exc}); "
                           "keep studying and try again later") from exc
    seconds = time.perf_counter() - started
    fitted = to_scheduler_parameters(raw)
    return Fit(reviews=len(events), samples=len(items), current=current_params, fitted=fitted,
               before=evaluate(current_params, items), after=evaluate(fitted, items), seconds=seconds)


def optimize_profile(db: Database, profile: str, now: dt.datetime, *, dry_run: bool = False) -> OptimizeResult:
    """Fit ``profile``'s parameters; if better (and not a dry run) store them and replay its log."""
    from sqlalchemy import select

    from quizzer.models import Review
    from quizzer.study import StudyService

    svc = StudyService(db, profile, now=now)
    with db.session() as s:
        events = [ReviewEvent(i, r, w) for i, r, w in s.execute(
            select(Review.item_id, Review.rating, Review.reviewed_at).where(Review.profile_id == svc.profile_id))]
    fit = fit_parameters(events, svc.scheduler.parameters)
    if dry_run or not fit.improved:
        return OptimizeResult(fit, applied=False, rebuilt=0)
    svc.set_parameters(fit.fitted)
    return OptimizeResult(fit, applied=True, rebuilt=svc.rebuild())
