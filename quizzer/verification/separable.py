"""Cross-check of ``quizzer.compute.separable`` with real torch convolutions.

- Costs: a ``d``-dimensional kernel built by torch as the outer product of ``d`` vectors has
  ``w^d`` entries (the multiplies per output of a direct convolution), its factors ``w * d``; and
  convolving with the full kernel equals the ``d`` one-dimensional convolutions in turn
  (``conv2d``/``conv3d``, to 1e-12 relative to the output's scale).
- Separability test and factors: rank-1 and random kernels are classified as
  ``torch.linalg.matrix_rank`` does, and ``conv2d`` with quizzer's two factors in turn reproduces
  ``conv2d`` with the kernel.
- Conv parameter and MAC counts: ``numel`` of ``nn.Conv2d`` modules (depthwise with ``groups``)
  and the FLOPs ``torch.utils.flop_counter`` counts (2 per multiply-accumulate); exact.
"""

from __future__ import annotations

import numpy as np

from quizzer.compute import separable
from quizzer.verification import CheckResult
from quizzer.verification._checks import Tally, single_threaded

__all__ = ["run"]


def _conv_nd(torch, x, kernel):
    F = torch.nn.functional
    conv = F.conv2d if kernel.dim() == 2 else F.conv3d
    return conv(x, kernel[None, None])


def _check_costs(torch, rng, cases: int, tally: Tally, conv: Tally) -> None:
    for _ in range(cases):
        d, w = int(rng.integers(2, 4)), int(rng.integers(1, 6))
        vectors = [torch.from_numpy(rng.standard_normal(w)) for _ in range(d)]
        kernel = vectors[0]
        for v in vectors[1:]:
            kernel = torch.tensordot(kernel, v, dims=0)
        tally.exact(f"w={w} d={d} full", separable.full_kernel_cost(w, d), kernel.numel())
        tally.exact(f"w={w} d={d} separable", separable.separable_kernel_cost(w, d), sum(v.numel() for v in vectors))
        x = torch.from_numpy(rng.standard_normal((1, 1) + (w + int(rng.integers(0, 5)),) * d))
        full = _conv_nd(torch, x, kernel)
        passes = x
        for axis, v in enumerate(vectors):
            shape = [1] * d
            shape[axis] = w
            passes = _conv_nd(torch, passes, v.reshape(shape))
        conv.real(f"w={w} d={d}", passes.numpy(), full.numpy(), floor=float(full.abs().max()) or 1.0)


def _check_factors(torch, rng, cases: int, classify: Tally, factor: Tally) -> None:
    F = torch.nn.functional
    for k in range(cases):
        kh, kw = int(rng.integers(1, 7)), int(rng.integers(1, 7))
        if k % 2:
            kernel = np.outer(rng.standard_normal(kh), rng.standard_normal(kw)) * 10.0 ** rng.uniform(-3, 3)
        else:
            kernel = rng.standard_normal((kh, kw))
        t = torch.from_numpy(kernel)
        rank_one = int(torch.linalg.matrix_rank(t, rtol=1e-10)) <= 1
        classify.exact(f"{kh}x{kw} kernel, rank-1 by construction: {bool(k % 2)}", separable.is_separable(kernel), rank_one)
        if not rank_one:
            continue
        col, row = separable.separable_factors(kernel)
        x = torch.from_numpy(rng.standard_normal((1, 1, kh + 4, kw + 4)))
        full = F.conv2d(x, t[None, None])
        two = F.conv2d(F.conv2d(x, torch.from_numpy(col).reshape(1, 1, kh, 1)), torch.from_numpy(row).reshape(1, 1, 1, kw))
        factor.real(f"{kh}x{kw}", two.numpy(), full.numpy(), floor=float(full.abs().max()) or 1.0)


def _check_counts(torch, rng, cases: int, params: Tally, macs: Tally) -> None:
    nn = torch.nn
    from torch.utils.flop_counter import FlopCounterMode

    for _ in range(cases):
        cin, cout, m = int(rng.integers(1, 17)), int(rng.integers(1, 17)), int(rng.integers(1, 3))
        kh, kw, bias = int(rng.integers(1, 6)), int(rng.integers(1, 6)), bool(rng.random() < 0.5)
        h, w = kh + int(rng.integers(0, 8)), kw + int(rng.integers(0, 8))
        standard = nn.Conv2d(cin, cout, (kh, kw), bias=bias, device="meta")
        depthwise = nn.Conv2d(cin, cin * m, (kh, kw), groups=cin, bias=bias, device="meta")
        pointwise = nn.Conv2d(cin * m, cout, 1, bias=bias, device="meta")
        label = f"C_in={cin} C_out={cout} k=({kh},{kw}) M={m} bias={bias}"
        numel = lambda *mods: sum(p.numel() for mod in mods for p in mod.parameters())  # noqa: E731
        params.exact(label + " standard", separable.conv_params(cin, cout, (kh, kw), bias), numel(standard))
        params.exact(label + " depthwise separable", separable.depthwise_separable_params(cin, cout, (kh, kw), bias, m), numel(depthwise, pointwise))
        x = torch.zeros(1, cin, h, w, device="meta")  # shapes only: no memory, no random init
        with torch.no_grad(), FlopCounterMode(display=False) as counter:
            y = standard(x)
        out = tuple(y.shape[2:])
        macs.exact(label + " standard", separable.conv_macs(cin, cout, (kh, kw), out), counter.get_total_flops() // 2)
        with torch.no_grad(), FlopCounterMode(display=False) as counter:
            pointwise(depthwise(x))
        macs.exact(label + " depthwise separable", separable.depthwise_separable_macs(cin, cout, (kh, kw), out, m), counter.get_total_flops() // 2)


@single_threaded
def run(torch, rng, cases: int) -> list[CheckResult]:
    """Check kernel costs, separability and conv counts with torch on ``cases`` configurations each."""
    costs = Tally("separable", "full/separable_kernel_cost")
    conv = Tally("separable", "d one-dimensional passes = full conv")
    classify = Tally("separable", "is_separable")
    factor = Tally("separable", "separable_factors")
    params = Tally("separable", "conv/depthwise_separable_params")
    macs = Tally("separable", "conv/depthwise_separable_macs")
    _check_costs(torch, rng, cases, costs, conv)
    _check_factors(torch, rng, cases, classify, factor)
    _check_counts(torch, rng, max(1, cases // 4), params, macs)
    return [costs.result, conv.result, classify.result, factor.result, params.result, macs.result]
