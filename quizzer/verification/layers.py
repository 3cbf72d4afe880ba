"""Cross-check of ``quizzer.compute.layers`` against the parameters torch actually allocates.

``sum(p.numel() for p in module.parameters())`` of ``nn.Linear``, stacks of them, ``nn.RNN``,
``nn.LSTM`` (with and without ``proj_size``) and ``nn.GRU`` for random sizes, layer counts,
directions and bias settings.  Modules are built on the ``meta`` device: shapes without memory.
The ``"single"`` bias convention is checked as torch's count minus one bias vector per gate block.
Counts must be equal.
"""

from __future__ import annotations

import itertools

from quizzer.compute import layers
from quizzer.verification import CheckResult
from quizzer.verification._checks import Tally, single_threaded

__all__ = ["run"]

_GATES = {"RNN": 1, "GRU": 3, "LSTM": 4}


def _numel(module) -> int:
    return sum(p.numel() for p in module.parameters())


@single_threaded
def run(torch, rng, cases: int) -> list[CheckResult]:
    """Compare parameter counts with torch modules on ``cases`` random configurations each."""
    nn = torch.nn
    dense = Tally("layers", "linear_params")
    mlp = Tally("layers", "mlp_params")
    recurrent = {mode: Tally("layers", f"{mode.lower()}_params") for mode in _GATES}
    single = Tally("layers", "recurrent bias='single'")
    ours_f = {"RNN": layers.rnn_params, "GRU": layers.gru_params, "LSTM": layers.lstm_params}
    for k in range(cases):
        i, o, bias = int(rng.integers(1, 3000)), int(rng.integers(1, 3000)), bool(rng.random() < 0.7)
        dense.exact(f"Linear({i}, {o}, bias={bias})", layers.linear_params(i, o, bias), _numel(nn.Linear(i, o, bias=bias, device="meta")))
        if k % 4 == 0:  # a stack is a sum of Linear counts: fewer cases suffice
            sizes = [int(rng.integers(1, 1000)) for _ in range(int(rng.integers(2, 6)))]
            stack = nn.Sequential(*[nn.Linear(a, b, bias=bias, device="meta") for a, b in itertools.pairwise(sizes)])
            mlp.exact(f"sizes={sizes} bias={bias}", layers.mlp_params(sizes, bias), _numel(stack))
        for mode in _GATES:
            i, h = int(rng.integers(1, 300)), int(rng.integers(2, 300))
            num_layers, bidir = int(rng.integers(1, 4)), bool(rng.random() < 0.5)
            bias = bool(rng.random() < 0.8)
            kwargs = {"num_layers": num_layers, "bias": bias, "bidirectional": bidir}
            proj = int(rng.integers(1, h)) if mode == "LSTM" and rng.random() < 0.3 else 0
            if proj:
                kwargs["proj_size"] = proj
            module = getattr(nn, mode)(i, h, device="meta", **kwargs)
            theirs = _numel(module)
            label = f"{mode}({i}, {h}, {kwargs})"
            recurrent[mode].exact(label, ours_f[mode](i, h, **kwargs), theirs)
            if bias:
                vectors = num_layers * (2 if bidir else 1)
                one_bias = theirs - vectors * _GATES[mode] * h
                single.exact(label + " single bias", ours_f[mode](i, h, **{**kwargs, "bias": "single"}), one_bias)
    return [dense.result, mlp.result, *(t.result for t in recurrent.values()), single.result]
