"""Cross-check of ``quizzer.compute.optim`` against ``torch.optim`` stepping real parameters.

Each case draws a parameter vector, hyper-parameters (weight decay, Nesterov, dampening, lr decay,
centered RMSprop, momentum, AMSGrad...) and either a list of gradients, set as ``.grad`` before
each ``step()``, or a quadratic loss whose gradient autograd computes at the current parameter.
The parameter and every state tensor must agree with torch after every step, to 1e-12 relative to
the largest parameter value seen.  The textbook velocity form must track ``torch.optim.SGD``, and
the terminal speed must match the step length torch reaches under a constant gradient.
"""

from __future__ import annotations

import math

import numpy as np

from quizzer.compute import optim
from quizzer.verification import CheckResult
from quizzer.verification._checks import Tally, single_threaded

__all__ = ["run"]


def _config(name: str, rng) -> dict:
    lr = float(10.0 ** rng.uniform(-3, 0))
    wd = float(rng.choice([0.0, 0.0, 0.01, 0.1]))
    if name == "sgd":
        momentum = float(rng.choice([0.0, 0.5, 0.9, float(rng.uniform(0, 1))]))
        nesterov = bool(momentum > 0 and rng.random() < 0.4)
        dampening = 0.0 if nesterov or rng.random() < 0.6 else float(rng.uniform(0, 1))
        return {"lr": lr, "momentum": momentum, "dampening": dampening, "weight_decay": wd, "nesterov": nesterov}
    if name == "adagrad":
        return {"lr": lr, "lr_decay": float(rng.choice([0.0, 0.1])), "weight_decay": wd,
                "initial_accumulator_value": float(rng.choice([0.0, 0.1])), "eps": float(rng.choice([1e-10, 1e-3]))}
    if name == "rmsprop":
        return {"lr": lr, "alpha": float(rng.choice([0.99, 0.9, float(rng.uniform(0.5, 1))])), "eps": float(rng.choice([1e-8, 1e-3])),
                "weight_decay": wd, "momentum": float(rng.choice([0.0, 0.0, 0.9])), "centered": bool(rng.random() < 0.3)}
    betas = (float(rng.choice([0.9, float(rng.uniform(0, 1))])), float(rng.choice([0.999, float(rng.uniform(0, 1))])))
    return {"lr": lr, "betas": betas, "eps": float(rng.choice([1e-8, 1e-3])), "weight_decay": wd, "amsgrad": bool(rng.random() < 0.3)}


OURS = {"sgd": optim.sgd, "adagrad": optim.adagrad, "rmsprop": optim.rmsprop, "adam": optim.adam}


def _torch_class(torch, name: str):
    return {"sgd": torch.optim.SGD, "adagrad": torch.optim.Adagrad, "rmsprop": torch.optim.RMSprop, "adam": torch.optim.Adam}[name]


def _torch_trace(torch, name: str, config: dict, p0: np.ndarray, grads, quad, steps: int) -> list[tuple[np.ndarray, dict]]:
    p = torch.nn.Parameter(torch.from_numpy(p0.copy()))
    opt = _torch_class(torch, name)([p], **config)
    out = []
    for t in range(steps):
        opt.zero_grad()
        if quad is None:
            p.grad = torch.from_numpy(grads[t].copy())
        else:
            a, b = quad
            loss = (0.5 * torch.from_numpy(a) * p * p + torch.from_numpy(b) * p).sum()
            loss.backward()
        opt.step()
        state = {k: v.detach().numpy().copy() for k, v in opt.state[p].items() if hasattr(v, "numpy")}
        out.append((p.detach().numpy().copy(), state))
    return out


def _compare(tally: Tally, label: str, ours: list, theirs: list) -> None:
    """One comparison per case: every step's parameter and state, each relative to its own scale."""
    scale = max(max(float(np.max(np.abs(s.param))) for s in ours), 1e-300)
    mine, torch_values = [], []
    for s, (tp, tstate) in zip(ours, theirs, strict=True):
        mine.append(s.param / scale)
        torch_values.append(tp / scale)
        if set(s.state) != set(tstate):
            tally.check(f"{label} step {s.step}", False, f"state keys {sorted(s.state)} vs torch {sorted(tstate)}")
            return
        for key in s.state:
            key_scale = max(float(np.max(np.abs(tstate[key]))), 1e-300)
            mine.append(np.ravel(s.state[key]) / key_scale)
            torch_values.append(np.ravel(tstate[key]) / key_scale)
    # Values are now on the scale of 1: a floor of 1 makes small entries count absolutely.
    tally.real(label, np.concatenate([np.ravel(v) for v in mine]), np.concatenate([np.ravel(v) for v in torch_values]), floor=1.0)


def _case(torch, rng, name: str, tally: Tally) -> None:
    config = _config(name, rng)
    shape = (int(rng.integers(1, 5)),)
    p0 = rng.standard_normal(shape) * 10.0 ** rng.uniform(-1, 1)
    steps = int(rng.integers(1, 6))
    if rng.random() < 0.5:
        grads = [rng.standard_normal(shape) * 10.0 ** rng.uniform(-2, 2) for _ in range(steps)]
        ours = OURS[name](p0, grads, **config)
        theirs = _torch_trace(torch, name, config, p0, grads, None, steps)
        label = f"{name} {config} grads"
    else:
        a, b = rng.uniform(0.1, 3.0, shape), rng.standard_normal(shape)
        ours = OURS[name](p0, lambda p: a * p + b, steps=steps, **config)
        theirs = _torch_trace(torch, name, config, p0, None, (a, b), steps)
        label = f"{name} {config} quadratic loss"
    _compare(tally, label, ours, theirs)


def _velocity(torch, rng, tally: Tally, cases: int) -> None:
    for _ in range(cases):
        lr, momentum = float(10.0 ** rng.uniform(-3, 0)), float(rng.uniform(0, 0.99))
        steps = int(rng.integers(1, 8))
        grads = [rng.standard_normal(3) for _ in range(steps)]
        p0 = rng.standard_normal(3)
        ours = optim.momentum_velocity(p0, grads, lr=lr, momentum=momentum)
        theirs = _torch_trace(torch, "sgd", {"lr": lr, "momentum": momentum}, p0, grads, None, steps)
        scale = max(float(np.max(np.abs(s.param))) for s in ours)
        for s, (tp, tstate) in zip(ours, theirs, strict=True):
            tally.real(f"lr={lr:.3g} momentum={momentum:.3g} step {s.step}", s.param, tp, floor=scale)
            tally.real(f"lr={lr:.3g} momentum={momentum:.3g} step {s.step} v=-lr*buf", s.state["velocity"], -lr * tstate["momentum_buffer"],
                       floor=float(np.max(np.abs(s.state["velocity"]))) or 1e-300)


def _terminal(torch, rng, tally: Tally, cases: int) -> None:
    for _ in range(cases):
        lr, momentum = float(10.0 ** rng.uniform(-3, 0)), float(rng.uniform(0, 0.9))
        g = rng.standard_normal(int(rng.integers(1, 5)))
        # Enough steps for momentum**steps to drop below 1e-15 of the terminal speed.
        steps = max(2, math.ceil(math.log(1e-15) / math.log(momentum))) if momentum > 0 else 2
        p = torch.nn.Parameter(torch.zeros(g.shape, dtype=torch.float64))
        opt = torch.optim.SGD([p], lr=lr, momentum=momentum)
        gt = torch.from_numpy(g)
        for _ in range(steps):
            p.grad = gt.clone()
            opt.step()
        # The step torch takes is lr * momentum_buffer; its length is the speed reached.
        step_length = lr * torch.linalg.vector_norm(opt.state[p]["momentum_buffer"]).item()
        ours = optim.momentum_terminal_speed(lr, float(np.linalg.norm(g)), momentum)
        tally.real(f"lr={lr:.3g} momentum={momentum:.3g} |g|={np.linalg.norm(g):.3g}", ours, step_length)


@single_threaded
def run(torch, rng, cases: int) -> list[CheckResult]:
    """Step each torch optimizer alongside quizzer's on ``cases`` random configurations."""
    results = []
    for name in ("sgd", "adagrad", "rmsprop", "adam"):
        tally = Tally("optim", name)
        for _ in range(cases):
            _case(torch, rng, name, tally)
        results.append(tally.result)
    velocity = Tally("optim", "momentum_velocity")
    _velocity(torch, rng, velocity, cases)
    terminal = Tally("optim", "momentum_terminal_speed")
    _terminal(torch, rng, terminal, max(1, cases // 40))
    return results + [velocity.result, terminal.result]
