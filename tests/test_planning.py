"""Interview-date planning on constructed cases whose answers follow by hand from the FSRS formula."""

from __future__ import annotations

import datetime as dt
import math
from pathlib import Path

import fsrs
import pytest

from quizzer.content import load_content
from quizzer.errors import QuizzerError
from quizzer.models import CardState
from quizzer.planning import (
    PlanItem,
    interview_moment,
    plan_for_profile,
    readiness,
    recall_on_day,
    reviews_needed,
    set_interview_date,
)
from quizzer.scheduler import ItemState, Scheduler
from quizzer.study import StudyService
from quizzer.sync import sync
from tests.conftest import NOW

INTERVIEW = dt.date(2026, 12, 15)  # 22 days after NOW (2026-11-23 09:00 UTC)
DAY = dt.datetime(2026, 12, 15, 9, 0, tzinfo=dt.UTC)
W20 = 0.1542  # FSRS-6 default decay, the fsrs library's parameters[20]
F = 0.9 ** (-1 / W20) - 1


def by_hand(days_elapsed: int, stability: float) -> float:
    """R = (1 + F t / S) ^ (-w20): the FSRS-6 forgetting curve, t in whole days."""
    return (1 + F * days_elapsed / stability) ** -W20


def review_state(item: str, stability: float, reviewed_days_ago: int, due_in_days: float) -> ItemState:
    return ItemState(item, state=fsrs.State.Review, step=None, stability=stability, difficulty=5.0,
                     due=NOW + dt.timedelta(days=due_in_days), last_review=NOW - dt.timedelta(days=reviewed_days_ago),
                     reps=3)


def test_the_formula_constants_are_the_libraries():
    assert fsrs.Scheduler().parameters[20] == W20
    assert Scheduler().parameters[20] == W20
    assert interview_moment(INTERVIEW) == DAY


def test_recall_on_the_day_is_the_fsrs_forgetting_curve():
    s = Scheduler()
    # reviewed 2 days ago, 22 days to go: t = 24 days
    assert recall_on_day(s, review_state("a:recall", 100, 2, 80), DAY) == pytest.approx(by_hand(24, 100), rel=1e-12)
    assert recall_on_day(s, review_state("b:recall", 5, 3, 2), DAY) == pytest.approx(by_hand(25, 5), rel=1e-12)
    # elapsed days are whole days: reviewed 2 days and 20 hours before 09:00 counts as 2 days
    st = review_state("c:recall", 10, 0, 30)
    st = ItemState(**{**st.__dict__, "last_review": DAY - dt.timedelta(days=2, hours=20)})
    assert recall_on_day(s, st, DAY) == pytest.approx(by_hand(2, 10), rel=1e-12)
    assert recall_on_day(s, None, DAY) == 0.0


def constructed_items() -> list[PlanItem]:
    return [
        PlanItem("a:recall", "nets", 3, review_state("a:recall", 100, 2, 80)),   # R(24, 100) = 0.968 ready
        PlanItem("b:recall", "nets", 3, review_state("b:recall", 5, 3, 2)),      # R(25, 5) = 0.761, due before
        PlanItem("c:recall", "basics", 2, review_state("c:recall", 20, 30, 30)),  # R(52, 20) = 0.823, due after
        PlanItem("d:recall", "basics", 1, review_state("d:recall", 40, 20, 40)),  # R(42, 40) = 0.897, due after
        PlanItem("e:recall", "basics", 2),                                         # never studied
        PlanItem("f:recall", "nets", 3),                                           # never studied
    ]


def test_readiness_per_star_level_and_topic_by_hand():
    r = readiness(constructed_items(), Scheduler(), NOW, INTERVIEW, topic_names={"basics": "Basics", "nets": "Networks"})
    ra, rb, rc, rd = by_hand(24, 100), by_hand(25, 5), by_hand(52, 20), by_hand(42, 40)
    assert r.days_left == 22 and r.interview_at == DAY and r.desired_retention == 0.9
    assert [g.key for g in r.by_stars] == ["3", "2", "1"]
    three, two, one = r.by_stars
    assert (three.items, three.studied, three.ready) == (3, 2, 1)
    assert three.mean_recall == pytest.approx((ra + rb + 0) / 3)
    assert three.share_ready == pytest.approx(1 / 3)
    assert (two.items, two.studied, two.ready) == (2, 1, 0)
    assert two.mean_recall == pytest.approx(rc / 2)
    assert (one.items, one.ready) == (1, 0) and one.mean_recall == pytest.approx(rd)
    assert [(g.key, g.name) for g in r.by_topic] == [("basics", "Basics"), ("nets", "Networks")]
    assert r.by_topic[0].mean_recall == pytest.approx((rc + rd + 0) / 3)
    assert r.by_topic[1].mean_recall == pytest.approx((ra + rb + 0) / 3)
    assert r.overall.items == 6 and r.overall.ready == 1
    assert r.overall.mean_recall == pytest.approx((ra + rb + rc + rd) / 6)
    # brought forward: due after the interview and below 0.9 on the day, stars first
    assert r.bring_forward == ("c:recall", "d:recall")
    d = r.to_dict()
    assert d["by_stars"][0] == {"stars": 3, "items": 3, "studied": 2, "mean_recall": round((ra + rb) / 3, 4),
                                "ready": 1, "share_ready": 0.3333}
    assert set(d) == {"interview_date", "interview_at", "days_left", "desired_retention", "overall", "by_stars",
                      "by_topic", "workload", "bring_forward"}


def library_reviews_until(card: fsrs.Card, start: dt.datetime, day: dt.datetime) -> int:
    """Good reviews at each due time until the next one falls after ``day``, with the fsrs library itself."""
    lib = fsrs.Scheduler(enable_fuzzing=False)
    n, when = 0, start
    while True:
        card, _ = lib.review_card(card, fsrs.Rating.Good, when)
        n += 1
        if card.due > day:
            return n
        when = max(card.due, start)


def test_reviews_needed_for_each_kind_of_item():
    sim = Scheduler(fuzz=False)
    # A new item with the interview tomorrow morning: the two learning steps, then the first interval
    # (w2-based, a few days) already reaches past 09:00 tomorrow with R >= 0.9.
    tomorrow = NOW + dt.timedelta(days=1)
    assert reviews_needed(sim, None, NOW, tomorrow) == 2
    two_goods = sim.review(sim.review(ItemState("x"), 3, NOW), 3, NOW + dt.timedelta(minutes=10))
    assert two_goods.due > tomorrow and sim.retrievability(two_goods, tomorrow) >= 0.9
    # A new item 22 days out: as many Good reviews as the library schedules before the interview.
    assert reviews_needed(sim, None, NOW, DAY) == library_reviews_until(fsrs.Card(), NOW, DAY) >= 3
    # Due after the interview and at target on the day: nothing to do.
    assert reviews_needed(sim, review_state("a", 100, 2, 80), NOW, DAY) == 0
    # Due after the interview but below target: one review now, which pushes it past the interview.
    stale = review_state("c", 20, 30, 30)
    assert reviews_needed(sim, stale, NOW, DAY) == 1
    assert sim.review(stale, 3, NOW).due > DAY
    # Due before the interview: its scheduled reviews, as the library would give them.
    soon = review_state("b", 5, 3, 2)
    card = soon.to_fsrs(NOW)
    assert reviews_needed(sim, soon, NOW, DAY) == library_reviews_until(card, soon.due, DAY)


def test_workload_adds_up_and_spreads_over_the_days_left():
    items = constructed_items()
    r = readiness(items, Scheduler(), NOW, INTERVIEW)
    sim = Scheduler(fuzz=False)
    w = r.workload
    per_new = reviews_needed(sim, None, NOW, DAY)
    assert (w.new_items, w.new_reviews) == (2, 2 * per_new)
    assert w.scheduled_reviews == reviews_needed(sim, items[1].state, NOW, DAY)
    assert w.extra_reviews == 2  # c and d: one review each
    assert w.total == w.new_reviews + w.scheduled_reviews + 2
    assert w.per_day == math.ceil(w.total / 22) and w.days_left == 22
    assert w.new_per_day == 1


def test_readiness_refuses_a_past_date_and_naive_times():
    with pytest.raises(QuizzerError, match="the interview date 2026-11-22 has passed"):
        readiness([], Scheduler(), NOW, dt.date(2026, 11, 22))
    with pytest.raises(ValueError):
        readiness([], Scheduler(), NOW.replace(tzinfo=None), INTERVIEW)
    # the interview day itself: no days left, nothing brought forward once 09:00 has passed
    late = readiness(constructed_items(), Scheduler(), dt.datetime(2026, 12, 15, 10, tzinfo=dt.UTC), INTERVIEW)
    assert late.days_left == 0 and late.bring_forward == ()


# -- the database and the study queue ----------------------------------------------------------

EXTRA_CARDS = {"card-4": 3, "card-5": 2, "card-6": 3}


@pytest.fixture
def planned_db(db, content_dir: Path):
    for cid, stars in EXTRA_CARDS.items():
        (content_dir / "basics" / f"{cid}.md").write_text(
            f"+++\nid = '{cid}'\nstars = {stars}\n+++\n\n## 问题\n问 {cid}？\n\n## 答案\n答 {cid}。\n\n"
            f"## Question\nQ {cid}?\n\n## Answer\nA {cid}.\n", encoding="utf-8")
    sync(db, load_content(content_dir), now=NOW)
    svc = StudyService(db, now=NOW)

    def put(item: str, stability: float, ago: int, due_in: float, buried: float | None = None) -> None:
        st = review_state(item, stability, ago, due_in)
        with db.transaction() as s:
            s.add(CardState(profile_id=svc.profile_id, item_id=item, card_id=item.split(":")[0], state=2, step=None,
                            stability=st.stability, difficulty=st.difficulty, due=st.due, last_review=st.last_review,
                            reps=3, lapses=0,
                            buried_until=None if buried is None else NOW + dt.timedelta(days=buried)))

    put("card-3:recall", 20, 30, 30)      # ★★★ R(52, 20) = 0.823  -> forward
    put("card-6:recall", 20, 40, 30)      # ★★★ R(62, 20) = 0.806  -> forward, before card-3 (lower R)
    put("conv-size:recall", 100, 2, 80)   # ★★★ R(24, 100) = 0.968 -> at target
    put("conv-size:drill", 5, 3, 1)       # ★★★ due before the interview -> its own due date, not forward
    put("card-2:recall", 40, 20, 40)      # ★★  R(42, 40) = 0.897 -> forward
    put("card-1:recall", 10, 25, 25)      # ★   R(47, 10) = 0.767 -> forward
    put("card-4:recall", 15, 10, 40, buried=1)  # ★★★ R(32, 15) = 0.840 but skipped until tomorrow
    return db


def test_queue_brings_forward_exactly_the_items_below_target_on_the_day(planned_db):
    expected = ["card-6:recall", "card-3:recall", "card-2:recall", "card-1:recall"]
    assert by_hand(62, 20) < by_hand(52, 20) < 0.9 and by_hand(42, 40) < 0.9 and by_hand(24, 100) > 0.9
    svc = StudyService(planned_db, now=NOW)
    before = svc.queue(NOW, day_start=NOW)  # no date yet: nothing due, nothing brought forward
    assert [(e.item_id, e.reason) for e in before] == [("card-5:recall", "new")]
    set_interview_date(planned_db, "default", INTERVIEW, NOW)
    svc = StudyService(planned_db, now=NOW)
    queue = svc.queue(NOW, day_start=NOW)
    forward = [e for e in queue if e.reason == "interview"]
    assert [e.item_id for e in forward] == expected
    assert [e.stars for e in forward] == [3, 3, 2, 1]
    # planning names the same items in the same order
    plan = plan_for_profile(planned_db, "default", NOW)
    assert list(plan.bring_forward) == expected
    three = plan.by_stars[0]
    assert (three.key, three.items, three.studied, three.ready) == ("3", 5, 5, 1)  # only conv-size:recall at target
    # once reviewed (Good), an item is at target on the day and leaves the list
    svc.record("card-6:recall", 3, NOW)
    later = [e.item_id for e in svc.queue(NOW + dt.timedelta(minutes=1), day_start=NOW) if e.reason == "interview"]
    assert later == expected[1:]
    assert list(plan_for_profile(planned_db, "default", NOW + dt.timedelta(minutes=1)).bring_forward) == expected[1:]


def test_interview_date_is_stored_validated_and_cleared(planned_db):
    with pytest.raises(QuizzerError) as err:
        plan_for_profile(planned_db, "default", NOW)
    assert str(err.value) == "no interview date is set; set one with 'quizzer plan --interview YYYY-MM-DD'"
    with pytest.raises(QuizzerError) as err:
        set_interview_date(planned_db, "default", dt.date(2026, 11, 22), NOW)
    assert str(err.value) == "the interview date 2026-11-22 is in the past (today is 2026-11-23 UTC)"
    set_interview_date(planned_db, "default", NOW.date(), NOW)  # today is allowed
    assert StudyService(planned_db, now=NOW).interview_date == NOW.date()
    set_interview_date(planned_db, "default", INTERVIEW, NOW)
    r = plan_for_profile(planned_db, "default", NOW)
    assert r.interview_date == INTERVIEW and r.overall.items == 8  # 7 recall items + 1 drill
    assert r.overall.studied == 7
    assert r.workload.new_items == 1
    set_interview_date(planned_db, "default", None, NOW)
    assert StudyService(planned_db, now=NOW).interview_date is None
