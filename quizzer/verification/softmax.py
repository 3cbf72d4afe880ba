"""Cross-check of ``quizzer.compute.softmax`` against ``torch.softmax``, ``log_softmax`` and
``logsumexp``, in float64 and float32, on random inputs and on the inputs that break naive code.

Tolerances: 1e-12 relative in float64 and 1e-5 in float32.  Log-domain values are compared
relative to ``max(|value|, floor)``: a log-probability near 0 is ``log(1 + tiny)`` and carries
an absolute rounding error of a few machine epsilons whichever library sums the terms, so its
relative error means nothing.  Tiny probabilities likewise get a floor near the subnormal range.
"""

from __future__ import annotations

import numpy as np

from quizzer.compute import softmax as sm
from quizzer.verification import CheckResult

__all__ = ["run"]

MAX_FAILURES = 5
RTOL = {np.float64: 1e-12, np.float32: 1e-5}
PROB_FLOOR = {np.float64: 1e-280, np.float32: 1e-30}
LOG_FLOOR = {np.float64: 1e-3, np.float32: 1.0}


def _error(ours: np.ndarray, theirs: np.ndarray, floor: float) -> float:
    """Largest relative error, treating equal infinities and nan-against-nan as agreement."""
    a = np.asarray(ours, dtype=np.float64)
    b = np.asarray(theirs, dtype=np.float64)
    if a.shape != b.shape:
        return np.inf
    same = (a == b) | (np.isnan(a) & np.isnan(b))
    with np.errstate(invalid="ignore", over="ignore"):
        err = np.abs(a - b) / np.maximum(np.abs(b), floor)
    err = np.where(same, 0.0, np.where(np.isnan(err), np.inf, err))
    return float(np.max(err)) if err.size else 0.0


class _Tally:
    def __init__(self, function: str, dtype=np.float64):
        # float32 results are reported apart, so that their larger error does not hide float64's.
        self.result = CheckResult("softmax", function if dtype is np.float64 else f"{function}[float32]")

    def add(self, label: str, err: float, rtol: float) -> None:
        r = self.result
        r.cases += 1
        if err > r.max_error:
            r.max_error = err
        if not err <= rtol and len(r.failures) < MAX_FAILURES:
            r.failures.append(f"{label}: relative error {err:.3g} > {rtol:g}")


def _edge_inputs() -> list[tuple[np.ndarray, int]]:
    inf = np.inf
    vectors = [
        ([1e4, -1e4, 0.0], np.float64), ([1e4, -1e4, 0.0], np.float32), ([1000.0, 1001.0, 999.0], np.float32),
        ([-1000.0, -1001.0], np.float64), ([3e38, -3e38, 1.0], np.float32), ([1e308, -1e308], np.float64),
        ([0.0, -1000.0], np.float64), ([5.0, 5.0, 5.0, 5.0], np.float64), ([7.5], np.float32),
        ([-inf, 1.0, 2.0], np.float64), ([-inf, -inf], np.float64), ([88.0, 89.0, 90.0], np.float32),
        ([-104.0, -110.0], np.float32), ([709.0, 710.0], np.float64), ([-745.0, -746.0], np.float64),
    ]
    return [(np.array(v, dtype=dt), -1) for v, dt in vectors]


def _random_inputs(rng, cases: int) -> list[tuple[np.ndarray, int]]:
    out = []
    for n in range(cases):
        dtype = np.float64 if n % 3 else np.float32
        shape = tuple(int(rng.integers(1, 6)) for _ in range(int(rng.integers(1, 4))))
        scale = 10.0 ** rng.uniform(-2, 4)
        x = (rng.standard_normal(shape) * scale + rng.uniform(-1, 1) * scale).astype(dtype)
        out.append((x, int(rng.integers(-len(shape), len(shape)))))
    return out


def _check_stable(torch, inputs) -> list[CheckResult]:
    tallies = {}
    for dt in (np.float64, np.float32):
        for name in ("softmax", "log_softmax", "logsumexp"):
            tallies[name, dt] = _Tally(name, dt)
    for x, axis in inputs:
        dt = x.dtype.type
        t = torch.from_numpy(x.copy())
        label = f"{x.dtype.name} {np.array2string(x.ravel()[:4], precision=4)} axis={axis}"
        ours = sm.softmax(x, axis=axis)
        tallies["softmax", dt].add(label, _error(ours, torch.softmax(t, dim=axis).numpy(), PROB_FLOOR[dt]), RTOL[dt])
        if ours.dtype != x.dtype:
            tallies["softmax", dt].add(label + " (dtype changed)", np.inf, RTOL[dt])
        tallies["log_softmax", dt].add(
            label, _error(sm.log_softmax(x, axis=axis), torch.log_softmax(t, dim=axis).numpy(), LOG_FLOOR[dt]),
            RTOL[dt])
        tallies["logsumexp", dt].add(
            label, _error(sm.logsumexp(x, axis=axis), torch.logsumexp(t, dim=axis).numpy(), LOG_FLOOR[dt]),
            RTOL[dt])
    return [t.result for t in tallies.values()]


def _check_temperature(torch, rng, cases: int) -> CheckResult:
    # |x / T| stays below ~1e3 so that torch's x/T - max(x/T) and quizzer's (x - max)/T, which
    # round differently, agree to 1e-12; beyond that both are right only to eps * |x/T|.
    tally = _Tally("softmax(temperature)")
    for _ in range(cases):
        temperature = float(10.0 ** rng.uniform(-1, 1))
        x = rng.standard_normal(int(rng.integers(1, 8))) * 10.0 ** rng.uniform(-1, 2) * temperature
        theirs = torch.softmax(torch.from_numpy(x) / temperature, dim=-1).numpy()
        ours = sm.softmax(x, temperature=temperature)
        tally.add(f"T={temperature:.3g} x={np.array2string(x[:4], precision=3)}",
                  _error(ours, theirs, PROB_FLOOR[np.float64]), RTOL[np.float64])
    return tally.result


def _torch_failure(torch, x: np.ndarray, dtype) -> str:
    """How exp(x)/sum(exp(x)) fares in torch, judged by the rule naive_failure documents."""
    t = torch.from_numpy(x.astype(dtype))
    e = torch.exp(t)
    total = e.sum()
    if bool(torch.isinf(e).any()) or bool(torch.isinf(total)):
        return "overflow"
    if float(total) == 0:
        return "underflow"
    naive = (e / total).double()
    ref = torch.softmax(t.double(), dim=-1)
    finfo = np.finfo(dtype)
    bad = (naive - ref).abs() > 1024 * float(finfo.eps) * ref + float(finfo.tiny)
    return "inaccurate" if bool(bad.any()) else "ok"


def _check_naive(torch, rng, cases: int) -> list[CheckResult]:
    values = {dt: _Tally("naive_softmax", dt) for dt in (np.float64, np.float32)}
    verdicts = CheckResult("softmax", "naive_failure")
    inputs = [(np.array(v), dt) for v, dt in [
        ([100.0, 1.0, 2.0], np.float32), ([-120.0, -130.0, -110.0], np.float32), ([-100.0, -108.0], np.float32),
        ([3.0, 1.0, -2.0], np.float32), ([500.0, 495.0, 490.0], np.float64), ([800.0, 0.0], np.float64),
        ([-800.0, -790.0], np.float64), ([-740.0, -745.0], np.float64), ([88.5, 88.5], np.float32),
    ]]
    for _ in range(cases):
        dt = np.float64 if rng.random() < 0.5 else np.float32
        limit = 800.0 if dt is np.float64 else 120.0
        centre = rng.uniform(-limit, limit)
        inputs.append((centre + rng.uniform(-20, 20, int(rng.integers(1, 5))), dt))
    for x, dt in inputs:
        label = f"{np.dtype(dt).name} {np.array2string(x, precision=4)}"
        xd = x.astype(dt)
        t = torch.from_numpy(xd.copy())
        e = torch.exp(t)
        values[dt].add(label, _error(sm.naive_softmax(xd), (e / e.sum()).numpy(), PROB_FLOOR[dt]), RTOL[dt])
        ours = sm.naive_failure(x, dt).failure.value
        theirs = _torch_failure(torch, x, dt)
        verdicts.cases += 1
        if ours != theirs and len(verdicts.failures) < MAX_FAILURES:
            verdicts.failures.append(f"{label}: quizzer {ours}, torch {theirs}")
    return [values[np.float64].result, values[np.float32].result, verdicts]


def run(torch, rng, cases: int) -> list[CheckResult]:
    """Compare the softmax family with torch on ``cases`` random inputs each, plus edge cases."""
    results = _check_stable(torch, _edge_inputs() + _random_inputs(rng, cases))
    results.append(_check_temperature(torch, rng, cases))
    results.extend(_check_naive(torch, rng, cases))
    return results
