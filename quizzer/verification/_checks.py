"""Bookkeeping shared by the cross-checks of the smaller compute topics.

A :class:`Tally` collects one compute function's comparisons with torch into a
:class:`CheckResult`: the number of cases, the largest relative error and the first few failures.
"""

from __future__ import annotations

import functools
from collections.abc import Callable

import numpy as np

from quizzer.verification import CheckResult

__all__ = ["MAX_FAILURES", "RTOL", "Tally", "rel_error", "single_threaded"]

MAX_FAILURES = 5
RTOL = 1e-12  # float64 results must agree to this relative error


def rel_error(ours: object, theirs: object, floor: float = 1e-300) -> float:
    """Largest ``|ours - theirs| / max(|theirs|, floor)``; equal infinities agree, shapes must match.

    ``floor`` is the scale below which a difference counts as absolute, for values that are the
    small difference of large ones (a parameter that ends near 0, a norm of a tiny vector).
    """
    a = np.asarray(ours, dtype=np.float64)
    b = np.asarray(theirs, dtype=np.float64)
    if a.shape != b.shape:
        return float("inf")
    same = (a == b) | (np.isnan(a) & np.isnan(b))
    with np.errstate(invalid="ignore", over="ignore", divide="ignore"):
        err = np.abs(a - b) / np.maximum(np.abs(b), floor)
    err = np.where(same, 0.0, np.where(np.isnan(err), np.inf, err))
    return float(np.max(err)) if err.size else 0.0


class Tally:
    """Accumulates the comparisons of one function."""

    def __init__(self, module: str, function: str) -> None:
        self.result = CheckResult(module, function)

    def _fail(self, message: str) -> None:
        if len(self.result.failures) < MAX_FAILURES:
            self.result.failures.append(message)

    def real(self, label: str, ours: object, theirs: object, floor: float = 1e-300, rtol: float = RTOL) -> None:
        """Compare reals to ``rtol`` relative error (relative to ``max(|theirs|, floor)``)."""
        err = rel_error(ours, theirs, floor)
        self.result.cases += 1
        self.result.max_error = max(self.result.max_error, err)
        if not err <= rtol:
            self._fail(f"{label}: quizzer {np.asarray(ours).ravel()[:4]}, torch {np.asarray(theirs).ravel()[:4]}, relative error {err:.3g} > {rtol:g}")

    def exact(self, label: str, ours: object, theirs: object) -> None:
        """Compare integers (or anything with ``==``) exactly."""
        self.result.cases += 1
        if ours != theirs:
            self.result.max_error = float("inf")
            self._fail(f"{label}: quizzer {ours!r}, torch {theirs!r}")

    def check(self, label: str, ok: bool, detail: str = "") -> None:
        """Record a yes/no check (e.g. both sides raise, a sample lies within a bound)."""
        self.result.cases += 1
        if not ok:
            self.result.max_error = float("inf")
            self._fail(f"{label}: {detail or 'disagrees with torch'}")


def single_threaded(run: Callable) -> Callable:
    """Run a check with torch on one thread, then restore the caller's thread count.

    The checks evaluate thousands of tiny tensors, for which starting worker threads costs more
    than the work (ten times more on a busy two-core machine).
    """

    @functools.wraps(run)
    def wrapper(torch, rng, cases: int) -> list[CheckResult]:
        previous = torch.get_num_threads()
        torch.set_num_threads(1)
        try:
            return run(torch, rng, cases)
        finally:
            torch.set_num_threads(previous)

    return wrapper
