"""Statistics on a constructed review log whose numbers are counted by hand, in a real time zone."""

from __future__ import annotations

import datetime as dt
import struct
import sys
from zoneinfo import ZoneInfo

import fsrs
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from quizzer.content import load_content
from quizzer.errors import DependencyError, QuizzerError
from quizzer.planning import set_interview_date
from quizzer.stats import ReviewRow, compute_stats, due_forecast, gather_stats, plot_stats, review_phases, streak
from quizzer.study import StudyService
from quizzer.sync import sync
from tests.conftest import NOW

SHANGHAI = ZoneInfo("Asia/Shanghai")  # UTC+8, no daylight saving: NOW is 17:00 on 2026-11-23 there
UTC = dt.UTC


def at(month: int, day: int, hour: int, minute: int = 0) -> dt.datetime:
    return dt.datetime(2026, month, day, hour, minute, tzinfo=UTC)


# (item, topic, rating, time UTC) -- comments give the state the review finds the item in and the
# local (Shanghai) date
LOG = [
    ("card-1:recall", "basics", 3, at(11, 10, 2)),        # Learning            11-10
    ("card-1:recall", "basics", 3, at(11, 10, 2, 10)),    # Learning -> Review  11-10
    ("card-1:recall", "basics", 3, at(11, 18, 1)),        # Review, passed      11-18
    ("card-1:recall", "basics", 1, at(11, 20, 20)),       # Review, failed      11-21 04:00
    ("card-1:recall", "basics", 3, at(11, 20, 20, 10)),   # Relearning          11-21
    ("card-1:recall", "basics", 4, at(11, 22, 23)),       # Review, passed      11-23 07:00
    ("conv-size:recall", "nets", 1, at(11, 22, 15, 30)),  # Learning            11-22 23:30
    ("conv-size:recall", "nets", 4, at(11, 22, 16, 30)),  # Learning -> Review  11-23 00:30
    ("conv-size:recall", "nets", 2, at(11, 23, 8)),       # Review, passed      11-23 16:00
]


def rows() -> list[ReviewRow]:
    return [ReviewRow(*r) for r in reversed(LOG)]  # any order: the items are sorted by time


def test_review_phases_follow_the_states_by_rating():
    L, R, RL = fsrs.State.Learning, fsrs.State.Review, fsrs.State.Relearning
    assert review_phases([3, 3, 3, 1, 3, 4]) == [L, L, R, R, RL, R]
    assert review_phases([4, 2, 1, 2, 1, 4, 3]) == [L, R, R, RL, RL, RL, R]
    assert review_phases([2, 1, 3, 1, 3, 3, 3]) == [L] * 6 + [R]  # Again restarts the learning steps


@settings(max_examples=200, deadline=None)
@given(st.lists(st.tuples(st.integers(1, 4), st.sampled_from([1, 5, 12, 60 * 20, 60 * 24 * 3, 60 * 24 * 40])),
                min_size=1, max_size=30))
def test_review_phases_match_the_fsrs_library(history):
    lib = fsrs.Scheduler(enable_fuzzing=False)
    card, when, seen = fsrs.Card(), at(1, 1, 0), []
    for rating, gap in history:
        when += dt.timedelta(minutes=gap)
        seen.append(card.state)
        card, _ = lib.review_card(card, fsrs.Rating(rating), when)
    assert review_phases([r for r, _ in history]) == seen


def test_streak_ends_today_or_yesterday():
    today = dt.date(2026, 11, 23)
    d = [today - dt.timedelta(days=i) for i in range(6)]
    assert streak([d[0], d[1], d[2]], today) == 3
    assert streak([d[1], d[2]], today) == 2  # nothing yet today: the streak is still alive
    assert streak([d[0], d[2], d[3]], today) == 1
    assert streak([d[2], d[3], d[4]], today) == 0
    assert streak([], today) == 0


def test_due_forecast_uses_local_days_and_counts_overdue_today():
    dues = [NOW - dt.timedelta(days=3), at(11, 23, 15, 59), at(11, 23, 16), at(12, 6, 15, 59), at(12, 6, 16)]
    f = due_forecast(dues, dt.date(2026, 11, 23), SHANGHAI)
    assert len(f) == 14 and f[0][0] == dt.date(2026, 11, 23) and f[-1][0] == dt.date(2026, 12, 6)
    assert [n for _, n in f] == [2, 1] + [0] * 11 + [1]
    in_utc = due_forecast(dues, dt.date(2026, 11, 23), UTC)
    assert [n for _, n in in_utc] == [3] + [0] * 12 + [2]


def test_compute_stats_by_hand():
    s = compute_stats(rows(), now=NOW, tz=SHANGHAI, days=7, topic_names={"basics": "Basics", "nets": "Networks"})
    per_day = {d.date.isoformat(): (d.reviews, d.retention.reviews, d.retention.passed) for d in s.per_day}
    assert per_day == {"2026-11-17": (0, 0, 0), "2026-11-18": (1, 1, 1), "2026-11-19": (0, 0, 0),
                       "2026-11-20": (0, 0, 0), "2026-11-21": (2, 1, 0), "2026-11-22": (1, 0, 0),
                       "2026-11-23": (3, 2, 2)}
    assert s.reviews == 7
    assert s.ratings == (2, 1, 2, 2)
    assert (s.retention.reviews, s.retention.passed, s.retention.value) == (4, 3, 0.75)
    assert [(t, n, r.reviews, r.passed) for t, n, r in s.retention_by_topic] == [("basics", "Basics", 3, 2),
                                                                               ("nets", "Networks", 1, 1)]
    assert s.streak == 3  # 11-21, 11-22, 11-23 in Shanghai
    # the same log read in UTC puts the late-evening reviews on other days
    u = compute_stats(rows(), now=NOW, tz=UTC, days=7)
    assert [d.reviews for d in u.per_day] == [0, 1, 0, 2, 0, 3, 1]
    assert u.streak == 2
    d = s.to_dict()
    assert list(d) == ["profile", "generated_at", "timezone", "days", "desired_retention", "reviews", "reviews_per_day",
                       "ratings", "retention", "retention_by_topic", "forecast", "streak", "interview"]
    assert d["timezone"] == "Asia/Shanghai"
    assert d["ratings"] == {"again": 2, "hard": 1, "good": 2, "easy": 2}
    assert d["retention"] == {"retention": 0.75, "reviews": 4, "passed": 3}
    assert d["reviews_per_day"][-1] == {"date": "2026-11-23", "reviews": 3, "retention": 1.0, "retention_reviews": 2,
                                        "retention_passed": 2}
    assert d["reviews_per_day"][0]["retention"] is None


def test_compute_stats_rejects_an_empty_window():
    with pytest.raises(QuizzerError, match="at least 1"):
        compute_stats([], now=NOW, tz=UTC, days=0)


@pytest.fixture
def logged_db(db, content_dir):
    sync(db, load_content(content_dir), now=NOW)
    svc = StudyService(db, now=LOG[0][3])
    for item, _, rating, when in sorted(LOG, key=lambda r: r[3]):
        svc.record(item, rating, when)
    return db


def test_gather_stats_reads_the_same_numbers_from_the_database(logged_db):
    s = gather_stats(logged_db, "default", NOW, SHANGHAI, days=7)
    expected = compute_stats(rows(), now=NOW, tz=SHANGHAI, days=7, topic_names={"basics": "Basics", "nets": "Networks"})
    assert s.per_day == expected.per_day
    assert (s.ratings, s.retention, s.retention_by_topic, s.streak) == (
        expected.ratings, expected.retention, expected.retention_by_topic, 3)
    svc = StudyService(logged_db, now=NOW)
    dues = [svc.state("card-1:recall").due, svc.state("conv-size:recall").due]
    assert s.forecast == due_forecast(dues, dt.date(2026, 11, 23), SHANGHAI)
    assert sum(n for _, n in s.forecast) == sum(1 for d in dues if d.astimezone(SHANGHAI).date() <= dt.date(2026, 12, 6))
    assert s.interview is None and s.to_dict()["interview"] is None
    # a window of one day only counts today's reviews, but the streak still looks back
    one = gather_stats(logged_db, "default", NOW, SHANGHAI, days=1)
    assert (one.reviews, one.retention.reviews, one.streak) == (3, 2, 3)


def test_gather_stats_includes_interview_readiness(logged_db):
    set_interview_date(logged_db, "default", dt.date(2026, 12, 15), NOW)
    s = gather_stats(logged_db, "default", NOW, SHANGHAI, days=7)
    assert s.interview is not None and s.interview.days_left == 22
    assert s.to_dict()["interview"]["overall"]["items"] == 5  # 4 recall items + 1 drill


def png_size(data: bytes) -> tuple[int, int]:
    assert data[:8] == b"\x89PNG\r\n\x1a\n" and data[12:16] == b"IHDR"
    return struct.unpack(">II", data[16:24])


def test_plot_writes_a_png(tmp_path):
    pytest.importorskip("matplotlib")
    s = compute_stats(rows(), now=NOW, tz=SHANGHAI, days=7, dues=[NOW])
    out = plot_stats(s, tmp_path / "stats.png")
    data = out.read_bytes()
    assert png_size(data) == (900, 650) and len(data) > 10_000
    with pytest.raises(QuizzerError, match="cannot write the plot to"):
        plot_stats(s, tmp_path / "missing" / "stats.png")


def test_plot_without_matplotlib_names_the_extra(monkeypatch, tmp_path):
    monkeypatch.setitem(sys.modules, "matplotlib", None)
    monkeypatch.setitem(sys.modules, "matplotlib.figure", None)
    s = compute_stats(rows(), now=NOW, tz=UTC, days=3)
    with pytest.raises(DependencyError) as err:
        plot_stats(s, tmp_path / "x.png")
    assert str(err.value) == "plotting needs matplotlib; install it with: pip install 'quizzer[plot]'"
    assert not (tmp_path / "x.png").exists()
