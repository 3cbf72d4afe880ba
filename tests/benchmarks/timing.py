"""Timing shared by the benchmarks."""

from __future__ import annotations

import time
from collections.abc import Callable


def best(fn: Callable[[], object], repetitions: int) -> float:
    """The fastest of ``repetitions`` calls, in seconds: interference only ever makes a call slower."""
    times = []
    for _ in range(repetitions):
        start = time.perf_counter()
        fn()
        times.append(time.perf_counter() - start)
    return min(times)
