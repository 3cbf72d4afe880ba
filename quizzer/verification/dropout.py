"""Cross-check of ``quizzer.compute.dropout`` against ``torch.nn.functional.dropout``.

- Inverted scaling: torch's training-mode output, with quizzer given the mask torch drew (its
  nonzero pattern), must agree to 1e-12; p = 0, p = 1 and evaluation mode are included.
- Expected activation: the mean of many torch draws lies within six standard errors of it.
- Weight scaling rule and sub-network count: for a small ``nn.Linear`` the exact expectation over
  all ``2^n`` input masks of the unscaled dropout network equals the layer with quizzer's scaled
  weights (exact for one linear layer, Goodfellow et al. 7.12), and the masks number ``2^n``.
"""

from __future__ import annotations

import itertools

import numpy as np

from quizzer.compute import dropout
from quizzer.verification import CheckResult
from quizzer.verification._checks import Tally, single_threaded

__all__ = ["run"]


@single_threaded
def run(torch, rng, cases: int) -> list[CheckResult]:
    """Compare dropout scaling, expectation and the weight-scaling rule with torch."""
    F = torch.nn.functional
    scale = Tally("dropout", "dropout")
    expect = Tally("dropout", "expected_activation")
    weights = Tally("dropout", "weight_scaling")
    count = Tally("dropout", "num_subnetworks")
    with torch.random.fork_rng(devices=[]):
        torch.manual_seed(int(rng.integers(2**31)))
        ps = [0.0, 1.0, 0.5] + [float(rng.uniform(0, 1)) for _ in range(cases)]
        for p in ps:
            x = rng.standard_normal(int(rng.integers(1, 50))) + 3.0  # nonzero, so a zero output means dropped
            out = F.dropout(torch.from_numpy(x), p=p, training=True).numpy()
            mask = (out != 0).astype(float)
            scale.real(f"p={p:.4g}", dropout.dropout(x, mask, p=p), out)
            kept = out[mask == 1]
            if p < 1 and kept.size:
                scale.real(f"p={p:.4g} kept = x / (1 - p)", kept / x[mask == 1], np.full(kept.size, dropout.dropout_scale(p)))
            scale.real(f"p={p:.4g} eval", dropout.dropout(x, mask, p=p, training=False), F.dropout(torch.from_numpy(x), p=p, training=False).numpy())
        for p in [float(rng.uniform(0.05, 0.9)) for _ in range(max(1, cases // 20))]:
            n = 20000
            x = float(rng.uniform(0.5, 3.0))
            draws = F.dropout(torch.full((n,), x, dtype=torch.float64), p=p, training=True)
            mean = draws.mean().item()
            stderr = x * (p / (1 - p) / n) ** 0.5
            ours = dropout.expected_activation(x, p)
            expect.check(f"p={p:.3g} x={x:.3g}", abs(mean - ours) <= 6 * stderr, f"torch mean {mean:.6g}, quizzer {ours:.6g}, 6 s.e. {6 * stderr:.3g}")
        for _ in range(max(1, cases // 10)):
            n_in, n_out = int(rng.integers(1, 8)), int(rng.integers(1, 4))
            p = float(rng.uniform(0.05, 0.95))
            layer = torch.nn.Linear(n_in, n_out, bias=False, dtype=torch.float64)
            x = torch.from_numpy(rng.standard_normal(n_in))
            masks = list(itertools.product([0.0, 1.0], repeat=n_in))
            count.exact(f"n={n_in}", dropout.num_subnetworks(n_in), len(set(masks)))
            with torch.no_grad():
                expected = sum(
                    float(np.prod([1 - p if m else p for m in mask])) * layer(x * torch.tensor(mask, dtype=torch.float64))
                    for mask in masks
                )
                w = layer.weight.detach().numpy()
                scaled = torch.nn.functional.linear(x, torch.from_numpy(np.asarray(dropout.weight_scaling(w, p))))
            weights.real(f"n_in={n_in} p={p:.3g}", scaled.numpy(), expected.numpy(), floor=float(torch.abs(expected).max()) or 1.0)
    return [scale.result, expect.result, weights.result, count.result]
