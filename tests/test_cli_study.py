"""``quizzer study`` end to end in a real pseudo-terminal: reveal, rate, drills, undo, quit; a killed
session loses no rating; two sessions on one database at once lose nothing and never see "locked"."""

from __future__ import annotations

import json
import multiprocessing
import os
import signal
import sqlite3
import subprocess
import sys
from pathlib import Path

import pytest

from quizzer.exercises import generate
from quizzer.exercises.types import format_value
from quizzer.study import drill_seed
from tests.test_session import write_bank

pexpect = pytest.importorskip("pexpect")

ROOT = Path(__file__).resolve().parent.parent
BANK = [("t1-a", "t1", 3, None), ("t1-b", "t1", 2, "conv.output_size"), ("t2-c", "t2", 1, "norms.vector")]


def env_for(db: Path) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith("QUIZZER_")}
    env.update(QUIZZER_DB=str(db), NO_COLOR="1", TERM="xterm", PYTHONPATH=str(ROOT))
    return env


def quizzer(db: Path, *args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run([sys.executable, "-m", "quizzer", *args], env=env_for(db), capture_output=True, text=True,
                          timeout=60, check=False)


@pytest.fixture
def bank_db(tmp_path) -> Path:
    db = tmp_path / "study.sqlite3"
    result = quizzer(db, "sync", str(write_bank(tmp_path / "bank", BANK)))
    assert result.returncode == 0, result.stderr
    return db


def spawn_study(db: Path, *args: str):  # type: ignore[no-untyped-def]
    child = pexpect.spawn(sys.executable, ["-m", "quizzer", "study", "--lang", "en", *args], env=env_for(db),
                          dimensions=(40, 100), encoding="utf-8", timeout=20)
    return child


def reviews(db: Path) -> list[tuple]:
    with sqlite3.connect(db) as con:
        return con.execute("SELECT item_id, rating, exercise_kind, seed, response, verdict FROM reviews ORDER BY id").fetchall()


def rate_recall(child, question: str, rating: str = "3") -> None:  # type: ignore[no-untyped-def]
    child.expect_exact(question)
    child.expect_exact(" reveal")
    child.send(" ")
    child.expect_exact("Easy")
    child.send(rating)


def test_a_whole_session_in_a_terminal(bank_db):
    right = generate("conv.output_size", drill_seed(1, "t1-b:drill", 0), 1)
    wrong = right.misconceptions[0]
    norm = generate("norms.vector", drill_seed(1, "t2-c:drill", 0), 1)

    child = spawn_study(bank_db)
    for cid in ("t1-a", "t1-b", "t2-c"):  # new recall items, ★★★ first
        rate_recall(child, f"Q {cid}?")
    # drill 1: a known wrong answer, diagnosed; Enter keeps the derived rating (Again)
    child.expect_exact("t1-b · drill")
    child.expect_exact(" check ·")
    child.send(format_value(wrong.value))
    child.send("\r")
    child.expect_exact("✗ Incorrect")
    child.expect_exact(" accept ·")
    child.send("\r")
    # drill 2: the right answer, then take that rating back
    child.expect_exact("t2-c · drill")
    child.expect_exact(" check ·")
    child.send(norm.answer.display() + "\r")
    child.expect_exact("✓ Correct")
    child.expect_exact(" accept ·")
    child.send("\r")
    child.expect_exact(" check ·")  # the next item (a learning step coming back, or nothing)
    child.send("\r")  # empty Enter: the menu
    child.expect_exact("back to the answer")
    child.send("u")
    child.expect_exact("Undone: the last rating is taken back.")
    child.expect_exact("› ")  # back at the drill's answer prompt
    child.send("\r")
    child.expect_exact("back to the answer")
    child.send("q")
    child.expect_exact("Session summary")
    child.expect_exact("Reviewed")
    child.expect(pexpect.EOF)
    child.close()
    assert child.exitstatus == 0

    log = reviews(bank_db)
    assert [r[:2] for r in log[:3]] == [("t1-a:recall", 3), ("t1-b:recall", 3), ("t2-c:recall", 3)]
    drill = log[3]
    assert drill[:4] == ("t1-b:drill", 1, "conv.output_size", right.seed)
    assert drill[4] == (format_value(wrong.value))
    assert drill[5] == "incorrect"
    # the undone rating of the second drill is gone; the first drill and the recalls stay
    assert [r[0] for r in log] == ["t1-a:recall", "t1-b:recall", "t2-c:recall", "t1-b:drill"]

    stats = quizzer(bank_db, "stats", "--json")
    assert stats.returncode == 0, stats.stderr
    data = json.loads(stats.stdout)
    assert data["reviews"] == 4


def test_killed_mid_session_keeps_every_rated_review(bank_db):
    child = spawn_study(bank_db)
    rate_recall(child, "Q t1-a?", "4")
    rate_recall(child, "Q t1-b?", "2")
    child.expect_exact("Q t2-c?")  # on screen, not rated
    child.send(" ")
    child.expect_exact("Easy")
    os.kill(child.pid, signal.SIGKILL)
    child.expect(pexpect.EOF)
    child.close()
    assert child.signalstatus == signal.SIGKILL
    assert [r[:2] for r in reviews(bank_db)] == [("t1-a:recall", 4), ("t1-b:recall", 2)]
    with sqlite3.connect(bank_db) as con:
        assert con.execute("PRAGMA integrity_check").fetchone() == ("ok",)
        assert con.execute("SELECT count(*) FROM card_states WHERE reps > 0").fetchone() == (2,)
    # the database opens and studies on as before: t1-b's recall is learned, so its drill (★★) now
    # comes before t2-c's recall (★)
    child = spawn_study(bank_db)
    child.expect_exact("t1-b · drill")
    child.expect_exact(" check ·")
    child.send("\r")
    child.expect_exact("back to the answer")
    child.send("q")
    child.expect_exact("Session summary")
    child.expect(pexpect.EOF)
    child.close()
    assert child.exitstatus == 0
    assert len(reviews(bank_db)) == 2


def test_two_terminals_on_one_database(tmp_path):
    db = tmp_path / "shared.sqlite3"
    bank = [(f"t1-c{i:02d}", "t1", 1 + i % 3, None) for i in range(12)]
    assert quizzer(db, "sync", str(write_bank(tmp_path / "bank", bank))).returncode == 0
    a, b = spawn_study(db, "--new", "12"), spawn_study(db, "--new", "12")
    rated = 0
    for _ in range(5):
        for child in (a, b):
            child.expect_exact(" reveal")
            child.send(" ")
            child.expect_exact("Easy")
            child.send("4")
            rated += 1
    for child in (a, b):
        child.expect_exact(" reveal")
        child.send("q")
        child.expect(pexpect.EOF)
        assert "locked" not in child.before
        child.close()
        assert child.exitstatus == 0
    log = reviews(db)
    assert len(log) == rated == 10


def _record_many(url: str, worker: int, n: int, queue) -> None:  # type: ignore[no-untyped-def]
    import datetime as dt

    from quizzer.db import open_database
    from quizzer.study import StudyService

    db = open_database(url, sync_bundled=False)
    svc = StudyService(db)
    t0 = dt.datetime(2026, 11, 1, tzinfo=dt.UTC)
    errors = []
    for i in range(n):
        try:
            svc.record(f"t1-c{(worker * n + i) % 12:02d}:recall", 1 + i % 4, t0 + dt.timedelta(minutes=i))
        except Exception as exc:
            errors.append(repr(exc))
    db.close()
    queue.put(errors)


def test_two_processes_recording_at_once_lose_nothing(tmp_path):
    db = tmp_path / "busy.sqlite3"
    bank = [(f"t1-c{i:02d}", "t1", 2, None) for i in range(12)]
    assert quizzer(db, "sync", str(write_bank(tmp_path / "bank", bank))).returncode == 0
    ctx = multiprocessing.get_context("spawn")
    queue = ctx.Queue()
    workers = [ctx.Process(target=_record_many, args=(f"sqlite:///{db}", w, 150, queue)) for w in range(2)]
    for w in workers:
        w.start()
    errors = [queue.get(timeout=120) for _ in workers]
    for w in workers:
        w.join(timeout=60)
    assert errors == [[], []]
    assert len(reviews(db)) == 300
