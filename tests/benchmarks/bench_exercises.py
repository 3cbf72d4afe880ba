"""Exercise benchmark: generating and checking exercises of the conv, softmax, information and
perceptron modules, per second on one core, without importing torch.

Each exercise is generated from a fresh seed and checked twice, as a study session does: once
with its right answer and once with its first known wrong answer (or a far-off number).  Each
kind runs three rounds and keeps its best, since interference only ever slows a round down.

Run: python tests/benchmarks/bench_exercises.py [seconds per kind, default 1]
"""

from __future__ import annotations

import os

for var in ("OMP_NUM_THREADS", "OPENBLAS_NUM_THREADS", "MKL_NUM_THREADS"):
    os.environ.setdefault(var, "1")  # before numpy is imported: one core means one thread

import sys  # noqa: E402
import time  # noqa: E402
from pathlib import Path  # noqa: E402

sys.path.insert(0, str(Path(__file__).resolve().parents[2]))

from quizzer.answers import check  # noqa: E402
from quizzer.exercises import generate, kinds  # noqa: E402
from quizzer.exercises.types import format_value  # noqa: E402

MODULES = ("conv", "softmax", "information", "perceptron")


def typed(value) -> str:
    if isinstance(value, str):
        return value.split("|")[0]
    if isinstance(value, tuple):
        return "x".join(str(v) for v in value)
    return format_value(value)


def run_kind(kind: str, seconds: float) -> tuple[int, float]:
    done, start = 0, time.perf_counter()
    while time.perf_counter() - start < seconds:
        ex = generate(kind, done, done % 3 + 1)
        assert check(ex, typed(ex.answer.value)).status == "correct", (kind, done)
        wrong = typed(ex.misconceptions[0].value) if ex.misconceptions else "-12345"
        assert check(ex, wrong).status != "correct", (kind, done)
        done += 1
    return done, time.perf_counter() - start


def main() -> None:
    if hasattr(os, "sched_setaffinity"):
        os.sched_setaffinity(0, {min(os.sched_getaffinity(0))})
    seconds = float(sys.argv[1]) if len(sys.argv) > 1 else 1.0
    names = [k.name for m in MODULES for k in kinds(m)]
    for name in names:  # warm up: imports and first-call costs are not what is measured
        run_kind(name, 0.0)
        generate(name, 0, 1)
    seconds_each = 0.0  # time for one exercise of every kind
    for name in names:
        # Best of three rounds: a shared machine's hiccups only ever make a round slower.
        n, t = min((run_kind(name, seconds / 3) for _ in range(3)), key=lambda r: r[1] / r[0])
        seconds_each += t / n
        print(f"{name:32s} {n / t:8.0f} exercises/s")
    rate = len(names) / seconds_each  # every kind equally often
    print(f"{'all four modules':32s} {rate:8.0f} exercises/s (generate + check right and wrong answer, one core)")
    # How fast this machine is right now, for comparing runs on a shared host.
    import timeit

    calib = min(timeit.repeat("sum(range(10000))", number=2000, repeat=5)) / 2000
    print(f"{'machine: sum(range(10000))':32s} {calib * 1e6:8.0f} us (a quiet run here: about 155 us)")
    loaded = "torch" in sys.modules
    print(f"torch imported: {loaded}")
    assert not loaded, "generating or checking an exercise imported torch"


if __name__ == "__main__":
    main()
