"""Foundation benchmark: start-up and listing as ratios to bare imports, and a 10,000-card sync.

Run: python tests/benchmarks/bench_foundation.py
"""

from __future__ import annotations

import os
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[2]))

from tests.benchmarks.make_bank import make_bank

REPEAT = 15


def wall(cmd: list[str], env: dict[str, str] | None = None) -> float:
    times = []
    for _ in range(REPEAT):
        t = time.perf_counter()
        subprocess.run(cmd, check=True, stdout=subprocess.DEVNULL, env=env)
        times.append(time.perf_counter() - t)
    return statistics.median(times)


def main() -> None:
    py = sys.executable
    tmp = Path(tempfile.mkdtemp())
    env = dict(os.environ, QUIZZER_DB=str(tmp / "bench.sqlite3"))
    subprocess.run([py, "-m", "quizzer", "cards", "list", "--json"], check=True, stdout=subprocess.DEVNULL, env=env)

    click_t = wall([py, "-c", "import click"])
    help_t = wall([py, "-m", "quizzer", "--help"], env)
    orm_t = wall([py, "-c", "import sqlalchemy.orm"])
    list_t = wall([py, "-m", "quizzer", "cards", "list", "--json"], env)
    print(f"quizzer --help            {help_t * 1000:7.1f} ms   import click        {click_t * 1000:6.1f} ms   ratio {help_t / click_t:.2f} (target <= 1.5)")
    print(f"quizzer cards list --json {list_t * 1000:7.1f} ms   import sqlalchemy.orm {orm_t * 1000:6.1f} ms   ratio {list_t / orm_t:.2f} (target <= 1.5)")

    bank = make_bank(tmp / "bank", 10_000)
    env2 = dict(os.environ, QUIZZER_DB=str(tmp / "sync.sqlite3"))
    subprocess.run([py, "-m", "quizzer", "db", "upgrade"], check=True, stderr=subprocess.DEVNULL, env=env2)
    t = time.perf_counter()
    subprocess.run([py, "-m", "quizzer", "sync", str(bank)], check=True, stdout=subprocess.DEVNULL, env=env2)
    first = time.perf_counter() - t
    t = time.perf_counter()
    subprocess.run([py, "-m", "quizzer", "sync", str(bank)], check=True, stdout=subprocess.DEVNULL, env=env2)
    second = time.perf_counter() - t
    print(f"quizzer sync, 10,000 cards: first {first:.2f} s, again (no change) {second:.2f} s (target < 10 s)")


if __name__ == "__main__":
    main()
