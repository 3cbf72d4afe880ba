"""Study-session benchmark on a large history: 100,000 cards and 1,000,000 reviews in SQLite.

Measured in one run, through a real pseudo-terminal:

* time from launching ``quizzer study`` to the first card on screen, against
  ``python -c "import sqlalchemy.orm"`` (target: ratio <= 1.5);
* median time from a rating key to the next card on screen (target <= 20 ms);
* peak memory (VmHWM) of the session process (target < 150 MB);
* that a session imports neither torch nor alembic (``python -X importtime``).

The review history is simulated with quizzer's own scheduler, so every stored item state is what
replaying its reviews gives; building it takes a minute or two, so ``--db PATH`` keeps the file
and reuses it on the next run.

Run: python tests/benchmarks/bench_study.py [--db /tmp/bench-study.sqlite3] [--cards N --reviews N]
"""

from __future__ import annotations

import argparse
import datetime as dt
import multiprocessing
import os
import random
import re
import sqlite3
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[2]))

TOPICS = [("alpha", "主题甲", "Alpha"), ("beta", "主题乙", "Beta"), ("gamma", "主题丙", "Gamma"), ("delta", "主题丁", "Delta")]
EXERCISES = ("norms.vector", "init.he_normal")
RATINGS = (1, 2, 3, 3, 3, 3, 3, 3, 4, 4)  # about 10% Again, 10% Hard, 60% Good, 20% Easy
TS = "%Y-%m-%d %H:%M:%S.%f"  # how SQLAlchemy stores a UTC datetime in SQLite
SCREEN = re.compile(rb"reveal|type the answer")  # the footer of a freshly shown item


def _ts(t: dt.datetime) -> str:
    return t.astimezone(dt.UTC).replace(tzinfo=None).strftime(TS)


# -- building the database ---------------------------------------------------------------------

def _simulate(args: tuple[list[tuple[str, str, int]], int, float]) -> tuple[list[tuple], list[tuple]]:
    """Review histories of some items: (review rows, state rows), states = replay of the reviews."""
    from quizzer.scheduler import ItemState, Scheduler
    from quizzer.study import drill_seed

    items, profile_id, now_ts = args
    now = dt.datetime.fromtimestamp(now_ts, dt.UTC)
    sched = Scheduler()
    reviews, states = [], []
    for item, kind, n in items:
        rng = random.Random(item)
        start = now - dt.timedelta(days=rng.uniform(30, 720))
        span = (now - dt.timedelta(hours=1) - start).total_seconds()
        times = sorted(start + dt.timedelta(seconds=rng.uniform(0, span)) for _ in range(n))
        state = ItemState(item)
        card = item.rsplit(":", 1)[0]
        for t in times:
            rating = rng.choice(RATINGS)
            drill = (kind, drill_seed(profile_id, item, state.reps), 1 if state.reps == 0 else (2 if state.reps < 3 else 3),
                     "1", "correct" if rating > 1 else "incorrect") if kind else (None, None, None, None, None)
            reviews.append((profile_id, item, card, rating, _ts(t), rng.randint(2000, 40000), *drill, 0, "study"))
            state = sched.review(state, rating, t)
        states.append((profile_id, item, card, int(state.state), state.step, state.stability, state.difficulty,
                       _ts(state.due), _ts(state.last_review), state.reps, state.lapses, None))
    return reviews, states


def build(path: Path, n_cards: int, n_reviews: int, now: dt.datetime) -> None:
    from quizzer.db import open_database
    from quizzer.study import StudyService

    db = open_database(f"sqlite:///{path}", sync_bundled=False)
    profile_id = StudyService(db, now=now).profile_id
    db.close()
    con = sqlite3.connect(path)
    con.execute("PRAGMA synchronous = OFF")
    con.executemany("INSERT INTO topics VALUES (?, ?, ?, ?)", [(t, zh, en, i) for i, (t, zh, en) in enumerate(TOPICS)])
    con.execute("INSERT INTO meta VALUES ('content_source', 'bench')")  # not the bundled bank: no re-sync
    cards, items = [], []
    for i in range(n_cards):
        topic = TOPICS[i % len(TOPICS)][0]
        exercise = EXERCISES[(i // 10) % 2] if i % 10 == 0 else None
        cid = f"card-{i:06d}"
        cards.append((cid, topic, i % 3 + 1, '["bench"]', f"第 {i} 个问题：$x_{{{i}}}$ 是多少？", f"What is question {i}, $x_{{{i}}}$?",
                      f"答案是 $$x = {i}$$，因为……\n\n- 一\n- 二", f"The answer is $$x = {i}$$ because...\n\n- one\n- two",
                      exercise, f"bench {i}", f"{topic}/{cid}.md", i, f"{i:064x}", 0, _ts(now)))
        items.append((f"{cid}:recall", None))
        if exercise:
            items.append((f"{cid}:drill", exercise))
    con.executemany("INSERT INTO cards VALUES (" + ",".join("?" * 15) + ")", cards)
    base, extra = divmod(n_reviews, len(items))
    counts = [(item, kind, base + (1 if k < extra else 0)) for k, (item, kind) in enumerate(items)]
    chunks = [(counts[k:k + 2000], profile_id, now.timestamp()) for k in range(0, len(counts), 2000)]
    cols = "profile_id, item_id, card_id, rating, reviewed_at, duration_ms, exercise_kind, seed, difficulty, response, verdict, ahead, source"
    with multiprocessing.Pool() as pool:
        for reviews, states in pool.imap(_simulate, chunks):
            con.executemany(f"INSERT INTO reviews ({cols}) VALUES ({','.join('?' * 13)})", reviews)
            con.executemany(f"INSERT INTO card_states VALUES ({','.join('?' * 12)})", states)
    con.commit()
    con.execute("ANALYZE")
    con.close()


# -- measuring ---------------------------------------------------------------------------------

def _spawn(py: str, db: Path, extra_env: dict[str, str] | None = None):  # type: ignore[no-untyped-def]
    import pexpect

    env = dict(os.environ, **(extra_env or {}))
    env.pop("QUIZZER_PROFILE", None)
    child = pexpect.spawn(py, ["-m", "quizzer", "--db", str(db), "--lang", "en", "study"], env=env, dimensions=(40, 120),
                          timeout=30)
    child.delaybeforesend = None  # pexpect sleeps 50 ms before every send by default: not the app's time
    return child


def first_card_times(py: str, db: Path, repeat: int) -> tuple[float, float]:
    """Median seconds to the first card, and to `import sqlalchemy.orm`, measured alternately."""
    study, orm = [], []
    for _ in range(repeat):
        t = time.perf_counter()
        subprocess.run([py, "-c", "import sqlalchemy.orm"], check=True)
        orm.append(time.perf_counter() - t)
        t = time.perf_counter()
        child = _spawn(py, db)
        child.expect(SCREEN)
        study.append(time.perf_counter() - t)
        child.send("\x03")  # Ctrl-C: quit without rating
        child.expect(pexpect_eof())
    return statistics.median(study), statistics.median(orm)


def pexpect_eof():  # type: ignore[no-untyped-def]
    import pexpect

    return pexpect.EOF


def rating_times(py: str, db: Path, n: int) -> tuple[list[float], int, set[str]]:
    """Seconds from each rating key to the next item on screen; peak memory (kB); torch libraries mapped."""
    child = _spawn(py, db)
    child.expect(SCREEN)
    times = []
    for _ in range(n):
        if child.after == b"reveal":
            child.send(" ")
            child.expect(rb"1-4\S* rate")
            key = "3"
        else:  # a drill: answer, then accept the derived rating
            child.sendline("1")
            child.expect(rb"Enter\S* accept")
            key = "\r"
        child.expect(rb"q\S* quit")  # the end of the footer: the whole screen is drawn
        t = time.perf_counter()
        child.send(key)
        child.expect(SCREEN)
        times.append(time.perf_counter() - t)
    status = Path(f"/proc/{child.pid}/status").read_text()
    hwm = int(re.search(r"VmHWM:\s+(\d+)", status).group(1))  # type: ignore[union-attr]
    maps = {line.split()[-1] for line in Path(f"/proc/{child.pid}/maps").read_text().splitlines() if "torch" in line}
    child.send("\x03")
    child.expect(pexpect_eof())
    return times, hwm, maps


def imported_modules(py: str, db: Path) -> set[str]:
    """Top-level modules a session imports up to its first card (from -X importtime)."""
    import pexpect

    with tempfile.NamedTemporaryFile("r", suffix=".txt") as log:
        child = pexpect.spawn("/bin/sh", ["-c", f"exec {py} -X importtime -m quizzer --db {db} study 2>{log.name}"],
                              dimensions=(40, 120), timeout=30)
        child.expect(SCREEN)
        child.send("\x03")
        child.expect(pexpect.EOF)
        text = Path(log.name).read_text()
    return {line.split("|")[-1].strip().split(".")[0] for line in text.splitlines() if line.startswith("import time:")}


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--db", type=Path, help="database file to build once and reuse")
    ap.add_argument("--cards", type=int, default=100_000)
    ap.add_argument("--reviews", type=int, default=1_000_000)
    ap.add_argument("--repeat", type=int, default=9)
    ap.add_argument("--ratings", type=int, default=60)
    args = ap.parse_args()
    py = sys.executable
    path = args.db or Path(tempfile.mkdtemp()) / "bench-study.sqlite3"
    if not path.exists():
        t = time.perf_counter()
        build(path, args.cards, args.reviews, dt.datetime.now(dt.UTC))
        print(f"built {path}: {args.cards:,} cards, {args.reviews:,} reviews in {time.perf_counter() - t:.0f} s")
    con = sqlite3.connect(path)
    n_cards, n_reviews, n_states = (con.execute(f"SELECT count(*) FROM {t}").fetchone()[0] for t in ("cards", "reviews", "card_states"))
    due = con.execute("SELECT count(*) FROM card_states WHERE due <= ?", (_ts(dt.datetime.now(dt.UTC)),)).fetchone()[0]
    con.close()
    print(f"database: {n_cards:,} cards, {n_reviews:,} reviews, {n_states:,} item states, {due:,} due now; "
          f"{path.stat().st_size / 1e6:.0f} MB")

    mods = imported_modules(py, path)
    heavy = sorted(mods & {"torch", "alembic"})
    print(f"modules imported up to the first card: {len(mods)} top-level; torch/alembic: {heavy or 'none'}")
    study_t, orm_t = first_card_times(py, path, args.repeat)
    print(f"first card on screen      {study_t * 1000:7.1f} ms   import sqlalchemy.orm {orm_t * 1000:6.1f} ms"
          f"   ratio {study_t / orm_t:.2f} (target <= 1.5)")
    times, hwm, torch_maps = rating_times(py, path, args.ratings)
    ms = sorted(x * 1000 for x in times)
    print(f"rate -> next item on screen: median {statistics.median(ms):.1f} ms, p90 {ms[int(len(ms) * 0.9)]:.1f} ms,"
          f" max {ms[-1]:.1f} ms over {len(ms)} ratings (target median <= 20 ms)")
    print(f"peak memory of the session (VmHWM): {hwm / 1024:.0f} MB (target < 150 MB); torch libraries mapped: {len(torch_maps)}")


if __name__ == "__main__":
    main()
