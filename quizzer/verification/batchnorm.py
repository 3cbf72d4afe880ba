"""Cross-check of ``quizzer.compute.batchnorm`` against ``torch.nn.functional.batch_norm`` and the
running statistics ``nn.BatchNorm1d`` / ``nn.BatchNorm2d`` keep.

Random ``(N, C)``, ``(N, C, L)`` and ``(N, C, H, W)`` batches, with and without gamma/beta, in
training mode (batch statistics, running-stat update with the unbiased variance) and evaluation
mode (running statistics).  Outputs and running statistics must agree to 1e-12 relative.
"""

from __future__ import annotations

import numpy as np

from quizzer.compute import batchnorm
from quizzer.verification import CheckResult
from quizzer.verification._checks import Tally, single_threaded

__all__ = ["run"]


def _batch(rng) -> np.ndarray:
    n, c = int(rng.integers(2, 9)), int(rng.integers(1, 5))
    spatial = [tuple(), (int(rng.integers(1, 6)),), (int(rng.integers(1, 5)), int(rng.integers(1, 5)))][int(rng.integers(3))]
    return rng.standard_normal((n, c, *spatial)) * 10.0 ** rng.uniform(-2, 2) + rng.uniform(-5, 5)


@single_threaded
def run(torch, rng, cases: int) -> list[CheckResult]:
    """Compare training and evaluation batch norm with torch on ``cases`` random batches."""
    F = torch.nn.functional
    train = Tally("batchnorm", "batch_norm[training]")
    stats = Tally("batchnorm", "running_stats")
    evaluate = Tally("batchnorm", "batch_norm[eval]")
    module = Tally("batchnorm", "BatchNorm module running stats")
    for _ in range(cases):
        x = _batch(rng)
        c = x.shape[1]
        weight = rng.uniform(0.5, 2.0, c) if rng.random() < 0.7 else None
        bias = rng.standard_normal(c) if rng.random() < 0.7 else None
        momentum, eps = float(rng.choice([0.1, 0.01, float(rng.uniform(0, 1))])), float(rng.choice([1e-5, 1e-3]))
        rm, rv = rng.standard_normal(c), rng.uniform(0.5, 2.0, c)
        ours = batchnorm.batch_norm(x, rm, rv, weight, bias, training=True, momentum=momentum, eps=eps)
        trm, trv = torch.from_numpy(rm.copy()), torch.from_numpy(rv.copy())
        as_t = (lambda v: None if v is None else torch.from_numpy(v))  # noqa: E731
        out = F.batch_norm(torch.from_numpy(x), trm, trv, as_t(weight), as_t(bias), training=True, momentum=momentum, eps=eps)
        label = f"shape={x.shape} momentum={momentum:.3g} eps={eps:g}"
        # Normalized values near 0 are a difference of near-equal numbers: compare on the output's scale.
        train.real(label, ours.output, out.numpy(), floor=float(np.max(np.abs(out.numpy()))))
        stats.real(label + " running_mean", ours.running_mean, trm.numpy(), floor=float(np.max(np.abs(trm.numpy()))))
        stats.real(label + " running_var", ours.running_var, trv.numpy())
        ev = batchnorm.batch_norm(x, rm, rv, weight, bias, training=False, eps=eps)
        tout = F.batch_norm(torch.from_numpy(x), torch.from_numpy(rm), torch.from_numpy(rv), as_t(weight), as_t(bias), training=False, eps=eps)
        evaluate.real(label, ev.output, tout.numpy(), floor=float(np.max(np.abs(tout.numpy()))))
        if x.ndim in (2, 3, 4):
            layer = (torch.nn.BatchNorm1d if x.ndim < 4 else torch.nn.BatchNorm2d)(c, dtype=torch.float64)
            layer.train()
            layer(torch.from_numpy(x))
            layer(torch.from_numpy(x * 0.5 + 1.0))
            m1, v1 = batchnorm.update_running_stats(np.zeros(c), np.ones(c), *batchnorm.batch_stats(x))
            m2, v2 = batchnorm.update_running_stats(m1, v1, *batchnorm.batch_stats(x * 0.5 + 1.0))
            module.real(f"{type(layer).__name__} {x.shape} mean", m2, layer.running_mean.detach().numpy(), floor=1e-12)
            module.real(f"{type(layer).__name__} {x.shape} var", v2, layer.running_var.detach().numpy())
    for shape in [(1, 3), (1, 2, 1)]:
        x = np.ones(shape)
        try:
            batchnorm.batch_norm(x, training=True)
            ours_ok = True
        except ValueError:
            ours_ok = False
        try:
            F.batch_norm(torch.from_numpy(x), None, None, training=True)
            theirs_ok = True
        except ValueError:
            theirs_ok = False
        train.check(f"one value per channel {shape}", ours_ok == theirs_ok, f"quizzer ok={ours_ok}, torch ok={theirs_ok}")
    return [train.result, stats.result, evaluate.result, module.result]

