"""Cross-check of ``quizzer.compute.information`` against torch.

Entropy against ``torch.distributions.Categorical(...).entropy()``; cross-entropy against
``torch.nn.functional.cross_entropy`` with probability targets (and ``torch.special.xlogy`` where
``Q`` has zeros, which ``cross_entropy``'s logits cannot express); KL divergence against
``torch.nn.functional.kl_div`` and ``torch.distributions.kl_divergence`` (which also covers the
infinite cases).  Values are compared to 1e-12 relative, or absolutely below 1e-3: ``Categorical``
renormalises its probabilities, moving each logarithm by about one machine epsilon, which is
a large *relative* change of an entropy or divergence that is itself almost zero.
"""

from __future__ import annotations

import math

import numpy as np

from quizzer.compute import information as info
from quizzer.verification import CheckResult

__all__ = ["run"]

MAX_FAILURES = 5
RTOL = 1e-12
FLOOR = 1e-3


def _error(ours: float, theirs: float) -> float:
    if ours == theirs or (math.isnan(ours) and math.isnan(theirs)):
        return 0.0
    if not (math.isfinite(ours) and math.isfinite(theirs)):
        return math.inf
    return abs(ours - theirs) / max(abs(theirs), FLOOR)


def _add(result: CheckResult, label: str, err: float) -> None:
    result.cases += 1
    result.max_error = max(result.max_error, err)
    if not err <= RTOL and len(result.failures) < MAX_FAILURES:
        result.failures.append(f"{label}: relative error {err:.3g}")


def _distribution(rng, k: int, zeros: bool) -> np.ndarray:
    p = rng.dirichlet(np.full(k, 10.0 ** rng.uniform(-1, 1)))
    if zeros and k > 1:
        p[rng.random(k) < 0.3] = 0.0
        if p.sum() == 0:
            p[0] = 1.0
    return p / p.sum()


def _pairs(rng, cases: int) -> list[tuple[np.ndarray, np.ndarray, float | None]]:
    fixed = [
        ([0.5, 0.25, 0.25], [0.25, 0.5, 0.25]), ([1.0, 0.0, 0.0], [0.7, 0.2, 0.1]), ([0.5, 0.5], [0.9, 0.1]),
        ([0.5, 0.5], [1.0, 0.0]), ([0.0, 1.0], [0.0, 1.0]), ([0.1, 0.2, 0.3, 0.4], [0.1, 0.2, 0.3, 0.4]),
        ([1.0], [1.0]), ([1 - 1e-12, 1e-12], [0.5, 0.5]),
    ]
    out = [(np.array(p), np.array(q), base) for p, q in fixed for base in (None, 2.0)]
    for _ in range(cases):
        k = int(rng.integers(1, 9))
        base = [None, 2.0, 10.0][int(rng.integers(3))]
        out.append((_distribution(rng, k, rng.random() < 0.4), _distribution(rng, k, rng.random() < 0.2), base))
    return out


def run(torch, rng, cases: int) -> list[CheckResult]:
    """Compare entropy, cross-entropy and KL divergence with torch on ``cases`` random pairs."""
    F = torch.nn.functional
    Categorical = torch.distributions.Categorical
    h = CheckResult("information", "entropy")
    ce = CheckResult("information", "cross_entropy")
    kl = CheckResult("information", "kl_divergence")
    for p, q, base in _pairs(rng, cases):
        label = f"p={np.array2string(p, precision=3)} q={np.array2string(q, precision=3)} base={base}"
        scale = 1.0 if base is None else math.log(base)
        tp, tq = torch.from_numpy(p), torch.from_numpy(q)

        _add(h, label, _error(info.entropy(p, base=base), float(Categorical(probs=tp).entropy()) / scale))

        if np.all(q > 0):
            theirs = float(F.cross_entropy(tq.log()[None], tp[None], reduction="sum")) / scale
        else:
            theirs = -float(torch.special.xlogy(tp, tq).sum()) / scale
        _add(ce, label, _error(info.cross_entropy(p, q, base=base), theirs))

        ours = info.kl_divergence(p, q, base=base)
        # Categorical clamps probabilities to [eps, 1 - eps] before the log, so it is only a
        # reference when no nonzero probability is that small.
        if min(p[p > 0].min(), q[q > 0].min()) > 1e-12:
            theirs = float(torch.distributions.kl_divergence(Categorical(probs=tp), Categorical(probs=tq))) / scale
            _add(kl, label, _error(ours, max(theirs, 0.0)))
        if np.all(q > 0):
            theirs = float(F.kl_div(tq.log(), tp, reduction="sum")) / scale
            _add(kl, label + " (kl_div)", _error(ours, max(theirs, 0.0)))
    return [h, ce, kl]
