"""Cross-check of ``quizzer.compute.clipping`` against ``torch.nn.utils.clip_grad_norm_`` and
``clip_grad_value_`` applied to real parameters' gradients.

Random sets of gradient tensors, with ``max_norm`` drawn both below and above their total norm
(clipping active and inactive), for the 2-, 1-, 3-, 0.5- and inf-norms; plus all-zero gradients.
The returned total norm and every clipped entry must agree to 1e-12 relative.
"""

from __future__ import annotations

import math

import numpy as np

from quizzer.compute import clipping
from quizzer.verification import CheckResult
from quizzer.verification._checks import Tally, single_threaded

__all__ = ["run"]

NORM_TYPES = [2.0, 2.0, 1.0, 3.0, 0.5, math.inf]


def _grads(rng) -> list[np.ndarray]:
    out = []
    for _ in range(int(rng.integers(1, 5))):
        shape = tuple(int(rng.integers(1, 6)) for _ in range(int(rng.integers(1, 3))))
        out.append(rng.standard_normal(shape) * 10.0 ** rng.uniform(-3, 3))
    return out


def _torch_params(torch, grads: list[np.ndarray]) -> list:
    params = []
    for g in grads:
        p = torch.nn.Parameter(torch.zeros(g.shape, dtype=torch.float64))
        p.grad = torch.from_numpy(g.copy())
        params.append(p)
    return params


@single_threaded
def run(torch, rng, cases: int) -> list[CheckResult]:
    """Compare clipping by norm and by value with torch on ``cases`` random gradient sets."""
    norm_tally = Tally("clipping", "clip_grad_norm[total_norm]")
    clip_tally = Tally("clipping", "clip_grad_norm[grads]")
    value_tally = Tally("clipping", "clip_grad_value")
    sets = [[np.zeros(3), np.zeros((2, 2))], [np.array([3.0, 4.0]), np.array([12.0])]] + [_grads(rng) for _ in range(cases)]
    for k, grads in enumerate(sets):
        norm_type = NORM_TYPES[k % len(NORM_TYPES)]
        ours_total = clipping.total_norm(grads, norm_type)
        max_norm = float(ours_total * rng.uniform(0.1, 2.0)) if ours_total > 0 else 1.0
        clipped, total = clipping.clip_grad_norm(grads, max_norm, norm_type)
        params = _torch_params(torch, grads)
        theirs_total = torch.nn.utils.clip_grad_norm_(params, max_norm, norm_type=norm_type).item()
        label = f"{len(grads)} tensors, norm_type={norm_type}, max_norm={max_norm:.4g}"
        norm_tally.real(label, total, theirs_total)
        scale = max((float(np.max(np.abs(g))) for g in grads), default=0.0) or 1.0
        for ours_g, p in zip(clipped, params, strict=True):
            clip_tally.real(label, ours_g, p.grad.numpy())
        clip_value = float(scale * rng.uniform(0.05, 1.2))
        params = _torch_params(torch, grads)
        torch.nn.utils.clip_grad_value_(params, clip_value)
        for ours_g, p in zip(clipping.clip_grad_value(grads, clip_value), params, strict=True):
            value_tally.real(f"clip_value={clip_value:.4g}", ours_g, p.grad.numpy())
    return [norm_tally.result, clip_tally.result, value_tally.result]
