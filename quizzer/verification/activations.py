"""Cross-check of ``quizzer.compute.activations`` against torch's functions and autograd.

Values against ``torch.sigmoid``, ``F.logsigmoid``, ``F.softplus`` (random ``beta`` and
``threshold``), ``torch.tanh``, ``F.relu``, ``F.leaky_relu`` and ``F.elu``; derivatives against
autograd through the same functions.  Inputs span 1e-3 to 1e3 in size plus the points where naive
formulas overflow (|x| of 710 and more) and the kinks (0, the softplus threshold).  Reals must
agree to 1e-12 relative; values below 1e-280 are compared absolutely, as the two libraries
underflow to 0 at different points (torch's ``sigmoid(-710)`` is 0, quizzer's a subnormal).

torch's backward passes of sigmoid and tanh compute ``y (1 - y)`` and ``1 - y^2`` from the rounded
output ``y``, which carries an absolute error near 1e-16 once ``y`` is close to 1: those two
derivatives are compared with autograd to 1e-15 absolute (1e-12 relative to a floor of 1e-3), and
to full relative precision with the exact forms ``sigmoid(x) sigmoid(-x)`` and ``1 / cosh(x)^2``
evaluated by torch.
"""

from __future__ import annotations

import numpy as np

from quizzer.compute import activations as act
from quizzer.verification import CheckResult
from quizzer.verification._checks import Tally, single_threaded

__all__ = ["run"]

FLOOR = 1e-280

EDGES = [0.0, -0.0, 1e-300, 20.0, 20.000001, -20.0, 36.0, -36.0, 709.0, 710.0, -745.0, -800.0, 800.0, 1e4, -1e4, 1e308, -1e308]


def _inputs(rng, cases: int) -> np.ndarray:
    signs = rng.choice([-1.0, 1.0], cases)
    return np.concatenate([np.array(EDGES), signs * 10.0 ** rng.uniform(-3, 3, cases)])


def _value_and_grad(torch, f, x: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    t = torch.from_numpy(x.copy()).requires_grad_(True)
    y = f(t)
    (g,) = torch.autograd.grad(y.sum(), t)
    return y.detach().numpy(), g.numpy()


@single_threaded
def run(torch, rng, cases: int) -> list[CheckResult]:
    """Compare every activation and its derivative with torch on ``cases`` random inputs plus edges."""
    F = torch.nn.functional
    x = _inputs(rng, cases)
    beta = float(rng.choice([0.5, 2.0, float(rng.uniform(0.1, 5))]))
    threshold = float(rng.choice([20.0, 5.0, float(rng.uniform(1, 50))]))
    slope = float(rng.uniform(0.0, 0.5))
    alpha = float(rng.uniform(0.1, 2.0))
    pairs = [
        ("sigmoid", act.sigmoid, act.sigmoid_grad, torch.sigmoid),
        ("log_sigmoid", act.log_sigmoid, None, F.logsigmoid),
        ("softplus", act.softplus, act.softplus_grad, F.softplus),
        (f"softplus(beta={beta:.3g}, threshold={threshold:.3g})", lambda v: act.softplus(v, beta, threshold),
         lambda v: act.softplus_grad(v, beta, threshold), lambda t: F.softplus(t, beta=beta, threshold=threshold)),
        ("tanh", act.tanh, act.tanh_grad, torch.tanh),
        ("relu", act.relu, act.relu_grad, F.relu),
        (f"leaky_relu({slope:.3g})", lambda v: act.leaky_relu(v, slope), lambda v: act.leaky_relu_grad(v, slope),
         lambda t: F.leaky_relu(t, slope)),
        (f"elu({alpha:.3g})", lambda v: act.elu(v, alpha), lambda v: act.elu_grad(v, alpha), lambda t: F.elu(t, alpha)),
    ]
    results = []
    for name, value, grad, torch_f in pairs:
        tv = Tally("activations", name)
        tg = Tally("activations", f"{name}'") if grad else None
        theirs_v, theirs_g = _value_and_grad(torch, torch_f, x)
        ours_v = value(x)
        for i in range(x.size):
            tv.real(f"x={x[i]:.6g}", ours_v[i], theirs_v[i], floor=FLOOR)
        if grad:
            ours_g = grad(x)
            floor = 1e-3 if name in ("sigmoid", "tanh") else FLOOR
            for i in range(x.size):
                tg.real(f"x={x[i]:.6g}", ours_g[i], theirs_g[i], floor=floor)
        results.append(tv.result)
        if tg:
            results.append(tg.result)
    t = torch.from_numpy(x)
    exact = {
        "sigmoid' = sigmoid(x) sigmoid(-x)": (act.sigmoid_grad(x), (torch.sigmoid(t) * torch.sigmoid(-t)).numpy()),
        "tanh' = 1 / cosh(x)^2": (act.tanh_grad(x), (1.0 / torch.cosh(t) ** 2).numpy()),
    }
    for name, (ours, theirs) in exact.items():
        tally = Tally("activations", name)
        for i in range(x.size):
            tally.real(f"x={x[i]:.6g}", ours[i], theirs[i], floor=FLOOR)
        results.append(tally.result)
    return results
