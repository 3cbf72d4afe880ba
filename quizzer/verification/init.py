"""Cross-check of ``quizzer.compute.init`` against ``torch.nn.init`` on real tensors.

The strongest check of a scale is to let torch use it: ``xavier_uniform_`` draws
``uniform_(-a, a)`` from a seeded generator, so drawing ``uniform_(-a_quizzer, a_quizzer)`` from
a generator with the same seed gives the same tensor exactly when the two bounds agree.  The same
holds for the normal initializers with ``normal_(0, std)``.  Fans are compared with
``torch.nn.init._calculate_fan_in_and_fan_out`` and gains with ``calculate_gain``.
"""

from __future__ import annotations

import numpy as np

from quizzer.compute import init
from quizzer.verification import CheckResult
from quizzer.verification._checks import Tally, single_threaded

__all__ = ["run"]

NONLINEARITIES = ["linear", "conv1d", "conv2d", "conv3d", "conv_transpose2d", "sigmoid", "tanh", "relu", "leaky_relu", "selu"]


def _shape(rng) -> tuple[int, ...]:
    ndim = int(rng.integers(2, 6))
    dims = [int(rng.integers(1, 65)), int(rng.integers(1, 65))] + [int(rng.integers(1, 6)) for _ in range(ndim - 2)]
    return tuple(dims)


def _same_draw(torch, shape, seed: int, torch_init, draw) -> tuple[np.ndarray, np.ndarray]:
    """torch's initializer and our scale, each from a generator seeded alike: (theirs, ours)."""
    ta = torch.empty(shape, dtype=torch.float64)
    tb = torch.empty(shape, dtype=torch.float64)
    torch_init(ta, torch.Generator().manual_seed(seed))
    draw(tb, torch.Generator().manual_seed(seed))
    return ta.numpy(), tb.numpy()


@single_threaded
def run(torch, rng, cases: int) -> list[CheckResult]:
    """Compare gains, fans and the four initializers' scales with torch on ``cases`` shapes."""
    nn_init = torch.nn.init
    gain = Tally("init", "calculate_gain")
    fans = Tally("init", "fan_in_and_fan_out")
    xu = Tally("init", "xavier_uniform_bound")
    xn = Tally("init", "xavier_normal_std")
    ku = Tally("init", "kaiming_uniform_bound")
    kn = Tally("init", "kaiming_normal_std")
    for name in NONLINEARITIES:
        gain.real(name, init.calculate_gain(name), nn_init.calculate_gain(name))
    for _ in range(cases):
        slope = float(rng.uniform(0, 1))
        gain.real(f"leaky_relu({slope:.4g})", init.calculate_gain("leaky_relu", slope), nn_init.calculate_gain("leaky_relu", slope))
    for k in range(cases):
        shape = _shape(rng)
        fans.exact(f"shape={shape}", init.fan_in_and_fan_out(shape),
                   tuple(nn_init._calculate_fan_in_and_fan_out(torch.empty(shape, device="meta"))))
        seed = int(rng.integers(2**31))
        g = float(nn_init.calculate_gain(NONLINEARITIES[k % len(NONLINEARITIES)], 0.2))
        bound = init.xavier_uniform_bound(shape, g)
        theirs, ours = _same_draw(torch, shape, seed, lambda t, gen, g=g: nn_init.xavier_uniform_(t, g, generator=gen),
                                  lambda t, gen, b=bound: t.uniform_(-b, b, generator=gen))
        xu.real(f"shape={shape} gain={g:.4g}", ours, theirs, floor=bound)
        xu.check(f"shape={shape} within bound", bool(np.all(np.abs(theirs) <= bound)), "torch drew outside quizzer's bound")
        std = init.xavier_normal_std(shape, g)
        theirs, ours = _same_draw(torch, shape, seed, lambda t, gen, g=g: nn_init.xavier_normal_(t, g, generator=gen),
                                  lambda t, gen, s=std: t.normal_(0.0, s, generator=gen))
        xn.real(f"shape={shape} gain={g:.4g}", ours, theirs, floor=std)
        a = float(rng.choice([0.0, 0.01, 0.1, 0.2, 0.5, float(rng.uniform(0, 1))]))
        mode = "fan_in" if rng.random() < 0.5 else "fan_out"
        nonlinearity = "leaky_relu" if rng.random() < 0.6 else str(rng.choice(["relu", "tanh", "linear", "selu"]))
        bound = init.kaiming_uniform_bound(shape, a, mode, nonlinearity)
        theirs, ours = _same_draw(torch, shape, seed, lambda t, gen, a=a, m=mode, f=nonlinearity: nn_init.kaiming_uniform_(t, a, m, f, generator=gen),
                                  lambda t, gen, b=bound: t.uniform_(-b, b, generator=gen))
        label = f"shape={shape} a={a:.3g} mode={mode} {nonlinearity}"
        ku.real(label, ours, theirs, floor=bound)
        std = init.kaiming_normal_std(shape, a, mode, nonlinearity)
        theirs, ours = _same_draw(torch, shape, seed, lambda t, gen, a=a, m=mode, f=nonlinearity: nn_init.kaiming_normal_(t, a, m, f, generator=gen),
                                  lambda t, gen, s=std: t.normal_(0.0, s, generator=gen))
        kn.real(label, ours, theirs, floor=std)
    # Both sides refuse fans of a 1-D weight.
    try:
        init.fan_in_and_fan_out((5,))
        fans.check("1-D shape", False, "quizzer computed fans of a 1-D shape")
    except ValueError:
        try:
            nn_init._calculate_fan_in_and_fan_out(torch.empty(5))
            fans.check("1-D shape", False, "torch computed fans that quizzer refuses")
        except ValueError:
            fans.check("1-D shape", True)
    return [gain.result, fans.result, xu.result, xn.result, ku.result, kn.result]
