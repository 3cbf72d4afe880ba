"""Fitting FSRS parameters: samples built as fsrs-rs expects, a fit that recovers a known model, replay."""

from __future__ import annotations

import datetime as dt
import random
import re
import sys

import pytest
from sqlalchemy import select

from quizzer.content import load_content
from quizzer.errors import DependencyError, QuizzerError
from quizzer.models import CardState, Profile, Review
from quizzer.optimize import (
    MIN_REVIEWS,
    evaluate,
    fit_parameters,
    histories,
    optimize_profile,
    to_scheduler_parameters,
    training_items,
    usable_reviews,
)
from quizzer.scheduler import DEFAULT_PARAMETERS, ItemState, ReviewEvent, Scheduler
from quizzer.study import StudyService
from quizzer.sync import sync
from tests.conftest import NOW

pytest.importorskip("fsrs_rs_python")

T0 = dt.datetime(2025, 11, 1, 8, tzinfo=dt.UTC)
# The model the synthetic learner follows: higher initial stabilities and a steeper decay than the defaults.
TRUE = (0.6, 2.5, 6.0, 20.0, *DEFAULT_PARAMETERS[4:20], 0.35)
# A deliberately bad start: everything looks remembered for months, and forgetting is very steep.
BAD = (40.0, 60.0, 80.0, 100.0, *DEFAULT_PARAMETERS[4:20], 0.8)


def synthetic_log(items: list[str], seed: int, params=TRUE, days: int = 180) -> list[ReviewEvent]:
    """Reviews of a learner whose memory follows ``params``: each review comes a little after the item
    falls due and is recalled with the model's probability at that moment (seeded, reproducible)."""
    rng = random.Random(seed)
    model = Scheduler(params, fuzz=False)
    events = []
    for item in items:
        state = ItemState(item)
        when = T0 + dt.timedelta(days=rng.randrange(60), hours=rng.randrange(12))
        rating = rng.choice([1, 2, 3, 3, 3, 4])
        while when < T0 + dt.timedelta(days=days):
            events.append(ReviewEvent(item, rating, when))
            state = model.review(state, rating, when)
            when = state.due + dt.timedelta(hours=rng.randrange(30))
            recalled = rng.random() < model.retrievability(state, when)
            rating = rng.choice([2, 3, 3, 3, 4]) if recalled else 1
    return events


def test_histories_and_samples_follow_fsrs_rs():
    t = T0
    log = [ReviewEvent("a:recall", 3, t), ReviewEvent("a:recall", 3, t + dt.timedelta(minutes=10)),
           ReviewEvent("a:recall", 1, t + dt.timedelta(days=2, hours=3)),
           ReviewEvent("a:recall", 3, t + dt.timedelta(days=2, hours=3, minutes=10)),
           ReviewEvent("a:recall", 4, t + dt.timedelta(days=9, hours=1)),
           ReviewEvent("b:recall", 4, t + dt.timedelta(hours=5)),
           ReviewEvent("b:recall", 3, t + dt.timedelta(days=1, hours=4, minutes=59)),  # 23 h 59 min later: 0 days
           ReviewEvent("b:recall", 3, t + dt.timedelta(days=3))]
    hists = histories(reversed(log))
    # whole days since the previous review of the same item, as the scheduler counts them
    assert [[(r, d) for r, d, _ in h] for h in hists] == [[(3, 0), (3, 0), (1, 2), (3, 0), (4, 6)],
                                                         [(4, 0), (3, 0), (3, 1)]]
    assert [w for _, _, w in hists[0]] == [e.reviewed_at for e in log[:5]]
    assert usable_reviews(hists) == 3
    items = training_items(hists)
    # one sample per review a day or more after the previous one, holding the history up to it, in the
    # order of those reviews (a at day 2, b at day 3, a at day 9); FSRSReview shows its fields only in its repr
    assert [[(int(r), int(d)) for r, d in re.findall(r"rating: (\d+), delta_t: (\d+)", repr(it))] for it in items] == [
        [(3, 0), (3, 0), (1, 2)], [(4, 0), (3, 0), (3, 1)], [(3, 0), (3, 0), (1, 2), (3, 0), (4, 6)]]


def test_too_few_reviews_says_how_many_more_are_needed():
    log = synthetic_log([f"c{i}:recall" for i in range(10)], seed=3, days=60)
    usable = usable_reviews(histories(log))
    assert 0 < usable < MIN_REVIEWS
    with pytest.raises(QuizzerError) as err:
        fit_parameters(log)
    assert str(err.value) == (
        f"not enough reviews to fit parameters: {usable} of the 400 needed (reviews made a day or more after the "
        f"previous review of the same item); {400 - usable} more are needed")


def test_fit_recovers_the_generating_model_better_than_a_bad_start():
    log = synthetic_log([f"c{i}:recall" for i in range(300)], seed=1)
    fit = fit_parameters(log, BAD)
    items = training_items(histories(log))
    assert fit.samples == len(items) == usable_reviews(histories(log)) >= 1000
    bad = evaluate(BAD, items)
    assert fit.before.log_loss == pytest.approx(bad.log_loss, rel=1e-5)
    assert fit.before.rmse_bins == pytest.approx(bad.rmse_bins, rel=1e-5)
    assert fit.improved and fit.parameters == fit.fitted
    assert fit.after.log_loss < fit.before.log_loss - 0.02
    assert fit.after.rmse_bins < fit.before.rmse_bins
    # in-sample, the fit is at least about as good as the true model, and beats the defaults
    assert fit.after.log_loss <= evaluate(TRUE, items).log_loss + 0.005
    assert fit.after.log_loss < evaluate(DEFAULT_PARAMETERS, items).log_loss
    assert len(fit.fitted) == 21
    Scheduler(fit.fitted)  # the fsrs scheduler accepts them (it validates bounds)
    # the optimizer is seeded: fitting again from the fitted vector finds nothing better, so it is kept
    again = fit_parameters(log, fit.fitted)
    assert again.fitted == fit.fitted and not again.improved and again.parameters == fit.fitted


def test_parameters_are_converted_for_the_scheduler():
    import fsrs_rs_python

    raw = list(fsrs_rs_python.DEFAULT_PARAMETERS)
    raw[20] = 0.800000011920929  # 0.8 in 32-bit floats: above the scheduler's upper bound as a double
    converted = to_scheduler_parameters(raw)
    assert converted[20] == 0.8 and converted[0] == 0.212
    Scheduler(converted)
    old = to_scheduler_parameters(list(DEFAULT_PARAMETERS[:19]))  # an FSRS-5 vector: w19 = 0, decay 0.5
    assert len(old) == 21 and old[19:] == (0.0, 0.5)
    with pytest.raises(QuizzerError) as err:
        to_scheduler_parameters([1.0] * 5)
    assert str(err.value) == "the optimizer returned 5 parameters; expected 21 finite values"


def test_missing_optimizer_names_the_extra(monkeypatch):
    log = synthetic_log([f"c{i}:recall" for i in range(300)], seed=1)
    monkeypatch.setitem(sys.modules, "fsrs_rs_python", None)
    with pytest.raises(DependencyError) as err:
        fit_parameters(log)
    assert str(err.value) == "fitting parameters needs fsrs-rs-python; install it with: pip install 'quizzer[optimizer]'"


# -- a profile in the database -----------------------------------------------------------------


def add_reviewed_cards(db, content_dir, count: int = 150) -> list[ReviewEvent]:
    """``count`` generated cards with eight months of a synthetic learner's reviews, on a profile that starts
    from a poor vector (near the defaults, a few hundred reviews cannot reliably tell a fit apart)."""
    for i in range(count):
        (content_dir / "basics" / f"gen-{i:03d}.md").write_text(
            f"+++\nid = 'gen-{i:03d}'\nstars = {1 + i % 3}\n+++\n\n## 问题\n问 {i}？\n\n## 答案\n答 {i}。\n\n"
            f"## Question\nQ {i}?\n\n## Answer\nA {i}.\n", encoding="utf-8")
    sync(db, load_content(content_dir), now=NOW)
    log = synthetic_log([f"gen-{i:03d}:recall" for i in range(count)], seed=7, days=240)
    svc = StudyService(db, now=NOW)
    svc.set_parameters(BAD)
    with db.transaction() as s:
        s.add_all(Review(profile_id=svc.profile_id, item_id=e.item_id, card_id=e.item_id.split(":")[0], rating=e.rating,
                         reviewed_at=e.reviewed_at, ahead=False, source="study") for e in log)
    svc.rebuild()
    return log


@pytest.fixture
def reviewed_db(db, content_dir):
    return db, add_reviewed_cards(db, content_dir)


def states(db) -> dict[str, tuple]:
    with db.session() as s:
        return {r.item_id: (r.stability, r.difficulty, r.due, r.state) for r in s.scalars(select(CardState))}


def test_optimize_profile_keeps_better_parameters_and_replays(reviewed_db):
    db, log = reviewed_db
    before = states(db)
    dry = optimize_profile(db, "default", NOW, dry_run=True)
    assert dry.fit.improved and not dry.applied and dry.rebuilt == 0
    assert dry.fit.current == BAD
    with db.session() as s:
        assert tuple(s.scalar(select(Profile.parameters))) == BAD
    assert states(db) == before

    result = optimize_profile(db, "default", NOW)
    assert result.applied and result.rebuilt == 150
    assert result.fit.fitted == dry.fit.fitted and result.fit.after.log_loss < result.fit.before.log_loss
    with db.session() as s:
        assert tuple(s.scalar(select(Profile.parameters))) == result.fit.fitted
    replayed = Scheduler(result.fit.fitted).replay(log)
    after = states(db)
    assert after == {i: (st.stability, st.difficulty, st.due, int(st.state)) for i, st in replayed.items()}
    assert after != before
    assert StudyService(db, now=NOW).scheduler.parameters == result.fit.fitted
    d = result.to_dict()
    assert set(d) == {"reviews", "samples", "before", "after", "improved", "applied", "rebuilt", "seconds",
                      "parameters_before", "parameters_fitted"}
    assert d["reviews"] == len(log)

    # a second run starts from the fitted vector and finds nothing better: nothing changes
    second = optimize_profile(db, "default", NOW)
    assert not second.fit.improved and not second.applied
    assert states(db) == after


def test_optimize_profile_with_too_few_reviews(db, content_dir):
    sync(db, load_content(content_dir), now=NOW)
    svc = StudyService(db, now=NOW)
    svc.record("card-1:recall", 3, NOW)
    svc.record("card-1:recall", 3, NOW + dt.timedelta(days=3))
    with pytest.raises(QuizzerError, match=r"1 of the 400 needed .*; 399 more are needed"):
        optimize_profile(db, "default", NOW)
