"""The study session without a terminal: order rules, limits, undo, skip, drills, cram, summary."""

from __future__ import annotations

import datetime as dt
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest
from sqlalchemy import func, select

from quizzer.content import load_content
from quizzer.db import open_database
from quizzer.errors import ProfileError, QuizzerError
from quizzer.exercises import generate
from quizzer.models import CardState, Review
from quizzer.scheduler import ItemState, Scheduler
from quizzer.session import SessionOptions, StudySession, day_start, next_day_start
from quizzer.study import StudyService
from quizzer.sync import sync
from tests.conftest import NOW

UTC = dt.UTC


class Clock:
    """The session's clock, moved by the test."""

    def __init__(self, start: dt.datetime):
        self.t = start

    def __call__(self) -> dt.datetime:
        return self.t

    def tick(self, **delta: float) -> dt.datetime:
        self.t += dt.timedelta(**delta)
        return self.t


def write_bank(root: Path, cards: list[tuple[str, str, int, str | None]]) -> Path:
    """A content folder: topics t1, t2, t3 in that order; cards as (id, topic, stars, exercise)."""
    root.mkdir(parents=True, exist_ok=True)
    (root / "topics.toml").write_text(
        "".join(f'[[topic]]\nid = "{t}"\nzh = "主题{t}"\nen = "Topic {t}"\n\n' for t in ("t1", "t2", "t3")), encoding="utf-8")
    for cid, topic, stars, exercise in cards:
        (root / topic).mkdir(exist_ok=True)
        ex = f'exercise = "{exercise}"\n' if exercise else ""
        (root / topic / f"{cid}.md").write_text(
            f'+++\nid = "{cid}"\nstars = {stars}\ntags = []\nsource = ""\n{ex}+++\n\n## 问题\n问 {cid}？\n\n## 答案\n答 {cid}。\n\n'
            f"## Question\nQ {cid}?\n\n## Answer\nA {cid}.\n", encoding="utf-8")
    return root


BANK = [  # file names sort within a topic: a-..., b-..., c-...
    ("a-one", "t1", 1, None), ("b-three", "t1", 3, None), ("c-two", "t1", 2, "norms.vector"),
    ("a-three", "t2", 3, None), ("b-one", "t2", 1, None), ("c-two", "t2", 2, None),
    ("a-two", "t3", 2, "norms.vector"), ("b-three", "t3", 3, None),
]
BANK = [(f"{t}-{cid}", t, s, ex) for cid, t, s, ex in BANK]


@pytest.fixture
def db(db_url, tmp_path):
    database = open_database(db_url, sync_bundled=False)
    sync(database, load_content(write_bank(tmp_path / "bank", BANK)), now=NOW)
    yield database
    database.close()


@pytest.fixture
def service(db) -> StudyService:
    return StudyService(db, now=NOW)


def session(service: StudyService, clock: Clock, **options) -> StudySession:  # type: ignore[no-untyped-def]
    return StudySession(service, SessionOptions(**options), now=clock, tz=UTC)


def walk(s: StudySession, clock: Clock, rating: int = 4, n: int = 100) -> list[str]:
    """Rate every item shown (Easy by default, so nothing comes back today); the order shown."""
    shown = []
    while (item := s.current()) is not None and len(shown) < n:
        shown.append(item.item_id)
        clock.tick(seconds=5)
        if item.is_drill:
            s.answer(item.exercise.answer.display())
            s.rate(rating)
        else:
            s.rate(rating)
    return shown


def state_row(db, item: str) -> dict | None:  # type: ignore[no-untyped-def]
    with db.session() as s:
        row = s.get(CardState, (1, item))
        return None if row is None else {c.key: getattr(row, c.key) for c in CardState.__table__.columns}


def reviews(db) -> list[tuple]:  # type: ignore[no-untyped-def]
    with db.session() as s:
        return [tuple(r) for r in s.execute(select(Review.id, Review.item_id, Review.rating, Review.reviewed_at, Review.ahead,
                                                   Review.verdict, Review.response).order_by(Review.id))]


def test_day_start_is_4am_local_time_in_utc():
    berlin, shanghai = ZoneInfo("Europe/Berlin"), ZoneInfo("Asia/Shanghai")
    assert day_start(dt.datetime(2026, 11, 23, 2, 0, tzinfo=UTC), berlin) == dt.datetime(2026, 11, 22, 3, 0, tzinfo=UTC)
    assert day_start(dt.datetime(2026, 11, 23, 3, 0, tzinfo=UTC), berlin) == dt.datetime(2026, 11, 23, 3, 0, tzinfo=UTC)
    assert next_day_start(dt.datetime(2026, 11, 23, 9, 0, tzinfo=UTC), shanghai) == dt.datetime(2026, 11, 23, 20, 0, tzinfo=UTC)
    # The night clocks go forward: 4 a.m. is already summer time.
    assert next_day_start(dt.datetime(2026, 3, 28, 12, 0, tzinfo=UTC), berlin) == dt.datetime(2026, 3, 29, 2, 0, tzinfo=UTC)
    assert day_start(NOW, UTC) == NOW.replace(hour=4)


def test_new_items_three_stars_first_then_topic_order(service):
    clock = Clock(NOW)
    order = walk(session(service, clock, new=20), clock)
    stars = {cid: s for cid, _, s, _ in BANK}
    recall = [cid for cid, *_ in sorted(BANK, key=lambda c: (-c[2], ("t1", "t2", "t3").index(c[1]), c[0]))]
    # drills become new once their card is recalled: when the first queue is used up
    assert order == [f"{cid}:recall" for cid in recall] + ["t1-c-two:drill", "t3-a-two:drill"]
    assert [stars[i.split(":")[0]] for i in order[:8]] == sorted(stars.values(), reverse=True)


def test_drills_wait_for_their_card_and_count_as_new(service):
    clock = Clock(NOW)
    assert len(walk(session(service, clock, new=8), clock)) == 8
    clock.tick(hours=1)
    assert walk(session(service, clock, new=9), clock) == ["t1-c-two:drill"]
    assert walk(session(service, clock, new=10), clock) == ["t3-a-two:drill"]


def test_daily_new_limit_then_new_overrides_it_then_next_day(service):
    clock = Clock(NOW)
    service.new_per_day = 3
    assert len(walk(session(service, clock), clock)) == 3
    assert session(service, clock).current() is None
    assert len(walk(session(service, clock, new=5), clock)) == 2  # 5 today, 3 already introduced
    clock.t = next_day_start(NOW, UTC) + dt.timedelta(minutes=1)
    assert len(walk(session(service, clock), clock)) == 3


def test_topic_stars_limit_narrow_the_queue(service):
    clock = Clock(NOW)
    assert walk(session(service, clock, new=20, topic="t2"), clock) == ["t2-a-three:recall", "t2-c-two:recall", "t2-b-one:recall"]
    assert walk(session(service, clock, new=20, stars=(3,)), clock) == ["t1-b-three:recall", "t3-b-three:recall"]
    assert walk(session(service, clock, new=20, stars=(1, 2), limit=2), clock) == ["t1-c-two:recall", "t3-a-two:recall"]
    with pytest.raises(QuizzerError, match="stars must be 1, 2 or 3"):
        SessionOptions(stars=(4,))


def test_due_items_first_most_overdue_relative_to_stability_then_stars(db, service):
    past = NOW - dt.timedelta(days=40)
    plan = {"t1-a-one:recall": [3], "t2-a-three:recall": [3, 3], "t1-b-three:recall": [1],
            "t2-b-one:recall": [1], "t2-c-two:recall": [4]}
    for item, ratings in plan.items():
        t = past
        for r in ratings:
            service.record(item, r, t)
            t += dt.timedelta(days=3)
    due = []
    for item in plan:
        row = state_row(db, item)
        stars = next(s for cid, _, s, _ in BANK if f"{cid}:recall" == item)
        overdue = (NOW - row["due"]).total_seconds() / 86400 / max(row["stability"], 0.1)
        due.append((-overdue, -stars, item))
    # the two items rated Again at the same moment have the same state: the tie goes to more stars
    tie = [{k: v for k, v in state_row(db, i).items() if k not in ("item_id", "card_id")} for i in ("t1-b-three:recall", "t2-b-one:recall")]
    assert tie[0] == tie[1]
    clock = Clock(NOW)
    shown = walk(session(service, clock, new=1), clock)
    assert shown[: len(plan)] == [item for *_, item in sorted(due)]
    assert shown.index("t1-b-three:recall") < shown.index("t2-b-one:recall")
    assert shown[len(plan):] == ["t3-b-three:recall"]  # then new items, here one


def test_first_card_from_a_quick_read_then_the_full_order(db, service, monkeypatch):
    for item, days in [("t1-a-one:recall", 30), ("t2-a-three:recall", 20), ("t1-b-three:recall", 10)]:
        service.record(item, 1, NOW - dt.timedelta(days=days))
    clock = Clock(NOW)
    full = [e.item_id for e in service.queue(NOW, day_start=day_start(NOW, UTC), new_limit=2)]
    monkeypatch.setattr("quizzer.session.QUICK_FETCH", 1)
    s = session(service, clock, new=2)
    assert s.current().item_id == "t1-a-one:recall" and s.progress().left == 1  # the longest due
    s.prefetch()
    assert s.progress().left == len(full)
    assert walk(s, clock) == ["t1-a-one:recall"] + [i for i in full if i != "t1-a-one:recall"]


def test_undo_restores_the_state_exactly(db, service):
    clock = Clock(NOW)
    s = session(service, clock, new=1)
    first = s.current()
    s.rate(3)  # new -> learning step, back in 10 minutes
    clock.tick(minutes=11)
    again = s.current()
    assert again.item_id == first.item_id and again.entry.reason == "learning"
    before_row, before_log, before_progress = state_row(db, first.item_id), reviews(db), s.progress().done
    clock.tick(seconds=20)
    s.rate(2)
    assert state_row(db, first.item_id) != before_row
    back = s.undo()
    assert back.item_id == first.item_id
    assert state_row(db, first.item_id) == before_row
    assert reviews(db) == before_log and s.progress().done == before_progress
    s.undo()
    assert state_row(db, first.item_id) is None and reviews(db) == []
    with pytest.raises(QuizzerError, match="nothing to undo"):
        s.undo()
    assert s.current().item_id == first.item_id


def test_undo_brings_back_the_item_and_keeps_the_one_on_screen(service):
    clock = Clock(NOW)
    s = session(service, clock, new=3)
    a = s.current().item_id
    s.rate(4)
    b = s.current().item_id
    assert s.undo().item_id == a
    s.rate(4)
    assert s.current().item_id == b


def test_skip_buries_until_tomorrows_day_start(db, service):
    clock = Clock(NOW)
    s = session(service, clock, new=2)
    skipped = s.current().item_id
    s.skip()
    assert state_row(db, skipped)["buried_until"] == next_day_start(NOW, UTC) == s.tomorrow
    assert skipped not in walk(s, clock)
    clock.tick(hours=2)
    assert skipped not in walk(session(service, clock, new=10), clock)
    clock.t = s.tomorrow + dt.timedelta(minutes=1)
    assert walk(session(service, clock, new=10), clock)[0] == skipped
    assert s.summary().skipped == 1


def _learn_recall(service: StudyService, card: str) -> None:
    service.record(f"{card}:recall", 4, NOW - dt.timedelta(days=1))


def test_drill_right_wrong_and_unreadable(db, service):
    _learn_recall(service, "t1-c-two")
    clock = Clock(NOW)
    s = session(service, clock, topic="t1", stars=(2,))
    shown = s.current()
    assert shown.item_id == "t1-c-two:drill" and shown.exercise == service.exercise_for("t1-c-two:drill")
    clock.tick(seconds=4)
    bad = s.answer("three and a half")
    assert bad.verdict.status.value == "unreadable" and not bad.recorded and "Expected" in bad.verdict.feedback_en
    assert len(reviews(db)) == 1 and s.current() is shown
    with pytest.raises(QuizzerError, match="type an answer"):
        s.rate(None)
    right = s.answer(shown.exercise.answer.display())
    assert right.verdict.correct and right.recorded and right.rating == 4  # right within 0.4 x 30 s: Easy
    log = reviews(db)[-1]
    assert log[1:3] == ("t1-c-two:drill", 4) and log[5:] == ("correct", shown.exercise.answer.display())
    with db.session() as q:
        r = q.get(Review, right.review_id)
        assert generate(r.exercise_kind, r.seed, r.difficulty) == shown.exercise  # the log re-creates the question
        assert r.duration_ms == 4000
    s.rate(None)
    assert s.summary().drills == 1 and s.summary().drills_correct == 1

    # the next drill of the item is a fresh variant; a known wrong answer is diagnosed and rated Again
    clock.tick(days=30)
    s2 = session(service, clock, topic="t1", stars=(2,), ahead=60)
    nxt = s2.current()
    assert nxt.item_id == "t1-c-two:drill" and nxt.exercise.seed != shown.exercise.seed
    miss = nxt.exercise.misconceptions[0]
    wrong = s2.answer(str(miss.value))
    assert not wrong.verdict.correct and wrong.verdict.misconception == miss.name and wrong.rating == 1
    s2.rate(None)
    assert reviews(db)[-1][2] == 1 and reviews(db)[-1][5] == "incorrect"
    assert s2.summary().to_dict()["drills_correct"] == 0 and s2.summary().accuracy == 0


def test_derived_rating_by_time_and_overriding_it(db, service):
    _learn_recall(service, "t1-c-two")
    clock = Clock(NOW)
    s = session(service, clock, topic="t1", stars=(2,))
    shown = s.current()
    before = service.state(shown.item_id)
    clock.tick(seconds=45)  # difficulty 1: target 30 s, so a right answer in 45 s is Hard
    checked = s.answer(shown.exercise.answer.display())
    assert checked.rating == 2 and reviews(db)[-1][2] == 2
    answered_at = clock()
    state = s.rate(3)
    assert reviews(db)[-1][2] == 3 and len(reviews(db)) == 2
    assert state == Scheduler().review(before, 3, answered_at) == service.state(shown.item_id)


def test_undo_of_an_answered_drill_shows_the_same_exercise_again(db, service):
    _learn_recall(service, "t1-c-two")
    clock = Clock(NOW)
    s = session(service, clock, topic="t1", stars=(2,))
    shown = s.current()
    s.answer("12345")
    back = s.undo()
    assert back.item_id == shown.item_id and back.exercise == shown.exercise and s.checked is None
    assert len(reviews(db)) == 1


def test_cram_ahead_reviews_are_flagged_and_learning_steps_are_not(db, service):
    service.record("t1-a-one:recall", 4, NOW - dt.timedelta(days=1))  # Easy: due some days from now
    due = state_row(db, "t1-a-one:recall")["due"]
    assert due > NOW + dt.timedelta(days=1)
    clock = Clock(NOW)
    assert session(service, clock, new=0).current() is None
    s = session(service, clock, new=0, ahead=(due - NOW).days + 1)
    shown = s.current()
    assert shown.item_id == "t1-a-one:recall" and shown.entry.reason == "ahead"
    s.rate(3)
    assert reviews(db)[-1][4] is True
    assert s.current() is None  # still within the cram window, but done for this run
    # a learning step taken a few minutes early, because nothing else is left, is not cram
    s = session(service, clock, new=1)
    item = s.current().item_id
    s.rate(1)  # Again: back in a minute
    clock.tick(seconds=30)
    assert s.current().item_id == item
    s.rate(3)
    assert reviews(db)[-1][4] is False


def test_learning_steps_come_back_during_the_run(service):
    clock = Clock(NOW)
    s = session(service, clock, new=3)
    first = s.current().item_id
    s.rate(3)  # due in 10 minutes
    second = s.current().item_id
    clock.tick(minutes=11)
    s.rate(4)
    assert s.current().item_id == first  # due again: before the rest of the queue
    s.rate(4)
    third = s.current().item_id
    s.rate(3)
    assert s.current().item_id == third  # nothing else left and due within 20 minutes: shown early
    assert s.progress().left == 1
    s.rate(4)
    assert s.current() is None and second != third
    s.service.new_per_day = 10
    assert session(service, clock, new=3).current() is None  # the day's three new items are used


def test_a_second_session_skips_what_the_first_just_did(service):
    clock = Clock(NOW)
    a, b = session(service, clock, new=5), session(service, clock, new=5)
    done = a.current().item_id
    a.rate(4)
    assert b.current().item_id != done


def test_progress_and_summary(db, service):
    clock = Clock(NOW)
    s = session(service, clock, new=4)
    assert s.progress().done == 0 and s.progress().left == 4
    for rating in (1, 4, 3):
        clock.tick(seconds=10)
        s.rate(rating)
    s.skip()
    clock.tick(seconds=10)
    p = s.progress()
    assert (p.done, p.elapsed) == (3, dt.timedelta(seconds=40))
    summary = s.summary()
    with db.session() as q:
        due = q.scalar(select(func.count()).select_from(CardState).where(
            CardState.reps > 0, CardState.due < next_day_start(NOW, UTC, days=2)))
    assert (summary.reviews, summary.items, summary.passed, summary.skipped) == (3, 3, 2, 1)
    assert summary.accuracy == pytest.approx(2 / 3) and summary.due_tomorrow == due >= 2
    assert summary.drill_accuracy is None


def test_nothing_to_study_says_when_the_next_review_is_due(db, service):
    clock = Clock(NOW)
    walk(session(service, clock, new=8), clock)  # every recall item; the two drills are not started
    s = session(service, clock, new=0)
    assert s.current() is None
    outlook = s.outlook()
    with db.session() as q:
        assert outlook.next_due == q.scalar(select(func.min(CardState.due)))
    assert outlook.next_due > NOW and outlook.new_waiting


def test_unknown_profile_is_a_clear_error(db):
    with pytest.raises(ProfileError) as err:
        StudyService(db, "nobody")
    assert str(err.value) == "unknown profile 'nobody'; create it with 'quizzer profile add nobody' or see 'quizzer profile list'"


def test_fresh_item_state_is_new(service):
    assert service.state("t1-a-one:recall") == ItemState("t1-a-one:recall")
