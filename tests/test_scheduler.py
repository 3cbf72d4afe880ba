"""The FSRS wrapper against the fsrs library itself, and deterministic replay."""

from __future__ import annotations

import datetime as dt
import random

import fsrs
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from quizzer.scheduler import ItemState, ReviewEvent, Scheduler, card_of, item_id, kind_of

T0 = dt.datetime(2026, 1, 1, 8, 0, tzinfo=dt.UTC)


def history(seed: int, n: int) -> list[tuple[int, dt.datetime]]:
    rng = random.Random(seed)
    t = T0
    out = []
    for _ in range(n):
        t += dt.timedelta(minutes=rng.choice([1, 10, 60 * 24, 60 * 24 * rng.randint(1, 60)]))
        out.append((rng.choice([1, 2, 3, 3, 3, 4]), t))
    return out


@pytest.mark.parametrize("seed", range(30))
def test_matches_the_fsrs_library_without_fuzz(seed):
    ours = Scheduler(fuzz=False)
    lib = fsrs.Scheduler(enable_fuzzing=False)
    state = ItemState("c:recall")
    card = fsrs.Card()
    for rating, when in history(seed, 25):
        state = ours.review(state, rating, when)
        card, _ = lib.review_card(card, fsrs.Rating(rating), when)
        assert (state.state, state.step, state.due, state.last_review) == (card.state, card.step, card.due, card.last_review)
        assert state.stability == pytest.approx(card.stability, rel=1e-12)
        assert state.difficulty == pytest.approx(card.difficulty, rel=1e-12)


@pytest.mark.parametrize("seed", range(10))
def test_fuzzed_intervals_stay_within_the_library_fuzz_range(seed):
    ours = Scheduler()
    plain = Scheduler(fuzz=False)
    state = ItemState("c:recall")
    for rating, when in history(seed, 20):
        fuzzed = ours.review(state, rating, when)
        exact = plain.review(state, rating, when)
        days = (exact.due - when).days
        if fuzzed.state == fsrs.State.Review and days >= 3:
            spread = max(2, round(days * 0.15) + 1)
            assert abs((fuzzed.due - exact.due).days) <= spread
        assert fuzzed.stability == pytest.approx(exact.stability)
        state = fuzzed


@settings(max_examples=40, deadline=None)
@given(st.integers(0, 10_000), st.integers(1, 40))
def test_replay_reproduces_states_exactly(seed, n):
    s = Scheduler()
    states: dict[str, ItemState] = {}
    events = []
    rng = random.Random(seed)
    for rating, when in history(seed, n):
        item = item_id(f"card-{rng.randint(0, 3)}", rng.choice(["recall", "drill"]))
        states[item] = s.review(states.get(item) or ItemState(item), rating, when)
        events.append(ReviewEvent(item, rating, when))
    rng.shuffle(events)  # replay sorts by time
    assert s.replay(events) == states
    assert Scheduler().replay(events) == states  # a new scheduler, same fuzz


def test_fuzz_does_not_touch_the_global_random_state():
    random.seed(5)
    expected = random.random()
    random.seed(5)
    s = Scheduler()
    state = ItemState("x:recall")
    for rating, when in history(1, 15):
        state = s.review(state, rating, when)
    assert random.random() == expected


def test_naive_datetimes_are_rejected():
    with pytest.raises(ValueError, match="timezone-aware UTC"):
        Scheduler().review(ItemState("a:recall"), 3, dt.datetime(2026, 1, 1))


def test_item_ids():
    assert item_id("conv-output-size", "drill") == "conv-output-size:drill"
    assert card_of("conv-output-size:drill") == "conv-output-size"
    assert kind_of("a-b:recall").value == "recall"


def test_preview_orders_intervals_by_rating():
    s = Scheduler()
    state = ItemState("a:recall")
    for rating, when in history(3, 6):
        state = s.review(state, rating, when)
    when = state.due
    p = s.preview(state, when)
    assert p[fsrs.Rating.Again] <= p[fsrs.Rating.Hard] <= p[fsrs.Rating.Good] <= p[fsrs.Rating.Easy]


def test_retrievability_decays():
    s = Scheduler(fuzz=False)
    state = s.review(s.review(ItemState("a:recall"), 3, T0), 3, T0 + dt.timedelta(minutes=10))
    r1 = s.retrievability(state, T0 + dt.timedelta(days=2))
    r30 = s.retrievability(state, T0 + dt.timedelta(days=30))
    assert 1 > r1 > r30 > 0
    assert s.retrievability(ItemState("new:recall"), T0) == 0.0
