"""Optimizer steps (SGD with momentum, AdaGrad, RMSProp, Adam), as ``torch.optim`` takes them.

Each optimizer takes a starting parameter and the gradients it sees, and returns the parameter and
the optimizer state after every step, so that an exercise can ask for any step and a test can
compare every step with ``torch.optim``.  Gradients are given in one of three ways:

- a sequence of arrays, one per step (``grads=[g1, g2, g3]``);
- one array used at every step (``grads=g, steps=3``);
- a function of the current parameter (``grads=lambda p: 2 * p, steps=3``), for a real loss.

Argument names, defaults and update order follow the ``torch.optim`` documentation; each function
says where torch differs from the textbook (Goodfellow et al., *Deep Learning*, chapter 8) or from
the original paper.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field

import numpy as np

__all__ = [
    "OptimStep",
    "adagrad",
    "adam",
    "momentum_speedup",
    "momentum_terminal_speed",
    "momentum_velocity",
    "rmsprop",
    "sgd",
]

Grads = Sequence[object] | object | Callable[[np.ndarray], object]


@dataclass(frozen=True)
class OptimStep:
    """The parameter and optimizer state right after step number ``step`` (1-based)."""

    step: int
    param: np.ndarray
    state: dict[str, np.ndarray] = field(default_factory=dict)

    @property
    def value(self) -> float:
        """The parameter as a float, for a scalar parameter."""
        if self.param.size != 1:
            raise ValueError(f"value needs a scalar parameter, this one has shape {self.param.shape}")
        return float(self.param.reshape(()))


def _check(condition: bool, message: str) -> None:
    if not condition:
        raise ValueError(message)


def _run(params: object, grads: Grads, steps: int | None, update: Callable[[np.ndarray, np.ndarray, int], dict]) -> list[OptimStep]:
    p = np.array(params, dtype=float)
    if callable(grads):
        _check(steps is not None, "steps must be given when grads is a function of the parameter")
        source: Callable[[int], object] = lambda _t: grads(p.copy())  # noqa: E731
        n = steps
    elif steps is not None:
        fixed = grads
        source = lambda _t: fixed  # noqa: E731
        n = steps
    else:
        seq = list(grads)  # type: ignore[arg-type]
        source = lambda t: seq[t]  # noqa: E731
        n = len(seq)
    _check(isinstance(n, int) and not isinstance(n, bool) and n >= 1, f"steps must be a positive integer, got {n!r}")
    out = []
    for t in range(n):
        g = np.asarray(source(t), dtype=float)
        _check(g.shape == p.shape, f"each gradient must have the parameter's shape {p.shape}, got {g.shape} at step {t + 1}")
        state = update(p, g, t + 1)  # updates p in place, returns the state after the step
        out.append(OptimStep(t + 1, p.copy(), {k: np.array(v, dtype=float) for k, v in state.items()}))
    return out


def sgd(
    params: object, grads: Grads, lr: float = 1e-3, momentum: float = 0.0, dampening: float = 0.0,
    weight_decay: float = 0.0, nesterov: bool = False, steps: int | None = None,
) -> list[OptimStep]:
    """Stochastic gradient descent with optional momentum, as ``torch.optim.SGD``.

    torch keeps a buffer ``b`` of past gradients (state ``"momentum_buffer"``)::

        b_1 = g_1                      (first step: no dampening)
        b_t = momentum * b_{t-1} + (1 - dampening) * g_t
        theta_t = theta_{t-1} - lr * b_t                 (nesterov: lr * (g_t + momentum * b_t))

    Goodfellow et al. 8.3.2 (Algorithm 8.2, after Polyak 1964 and Sutskever et al. 2013) keep a
    velocity instead: ``v <- alpha v - eps g``, ``theta <- theta + v`` (see
    :func:`momentum_velocity`).  With a constant learning rate, ``dampening=0`` and ``v_0 = 0``,
    the two are the same algorithm: ``v_t = -lr * b_t`` at every step, so the parameters agree.
    They differ when the learning rate changes during training: torch's buffer does not carry the
    old learning rate, the velocity does.
    """
    _check(lr >= 0, f"lr must be non-negative, got {lr}")
    _check(momentum >= 0, f"momentum must be non-negative, got {momentum}")
    _check(weight_decay >= 0, f"weight_decay must be non-negative, got {weight_decay}")
    _check(not nesterov or (momentum > 0 and dampening == 0), "nesterov momentum requires a positive momentum and zero dampening")
    buf: list[np.ndarray] = []

    def update(p: np.ndarray, g: np.ndarray, t: int) -> dict:
        d = g + weight_decay * p if weight_decay else g
        if momentum == 0:
            p -= lr * d
            return {}
        if not buf:
            buf.append(d.copy())
        else:
            buf[0] = momentum * buf[0] + (1 - dampening) * d
        step = d + momentum * buf[0] if nesterov else buf[0]
        p -= lr * step
        return {"momentum_buffer": buf[0]}

    return _run(params, grads, steps, update)


def momentum_velocity(
    params: object, grads: Grads, lr: float, momentum: float, velocity: object = 0.0, steps: int | None = None
) -> list[OptimStep]:
    """Momentum in the velocity form of Goodfellow et al. 8.3.2, Algorithm 8.2.

    ``v <- momentum * v - lr * g`` then ``theta <- theta + v`` (state ``"velocity"``).  Equal to
    :func:`sgd` with ``dampening=0`` while the learning rate is constant; see its docstring.
    """
    _check(lr >= 0, f"lr must be non-negative, got {lr}")
    _check(0 <= momentum < 1, f"momentum must be in [0, 1), got {momentum}")
    v = [np.asarray(velocity, dtype=float)]

    def update(p: np.ndarray, g: np.ndarray, t: int) -> dict:
        v[0] = momentum * v[0] - lr * g
        p += v[0]
        return {"velocity": v[0]}

    return _run(params, grads, steps, update)


def momentum_speedup(momentum: float) -> float:
    """``1 / (1 - momentum)``: how much longer momentum's terminal step is than plain SGD's.

    Goodfellow et al. 8.3.2: momentum 0.9 multiplies the maximum speed by 10, 0.99 by 100.
    """
    _check(0 <= momentum < 1, f"momentum must be in [0, 1) for a finite terminal speed, got {momentum}")
    return 1.0 / (1.0 - momentum)


def momentum_terminal_speed(lr: float, grad_norm: float, momentum: float) -> float:
    """``lr * ||g|| / (1 - momentum)``: the step length momentum reaches under a constant gradient.

    Goodfellow et al. 8.3.2, eq. 8.17: if every step sees the same gradient ``g``, the velocity
    ``v <- alpha v - eps g`` converges to the fixed point ``v = -eps g / (1 - alpha)``.
    """
    _check(lr >= 0, f"lr must be non-negative, got {lr}")
    _check(grad_norm >= 0, f"grad_norm must be non-negative (it is a norm), got {grad_norm}")
    return lr * grad_norm * momentum_speedup(momentum)


def adagrad(
    params: object, grads: Grads, lr: float = 1e-2, lr_decay: float = 0.0, weight_decay: float = 0.0,
    initial_accumulator_value: float = 0.0, eps: float = 1e-10, steps: int | None = None,
) -> list[OptimStep]:
    """AdaGrad, as ``torch.optim.Adagrad`` (Duchi, Hazan & Singer 2011; Goodfellow et al. Algorithm 8.4).

    ``sum += g^2`` (state ``"sum"``), then ``theta -= clr * g / (sqrt(sum) + eps)`` with
    ``clr = lr / (1 + (t - 1) * lr_decay)``.  The sum of *all* past squared gradients only grows,
    so the effective step keeps shrinking.  torch adds ``eps`` (1e-10) outside the square root, as
    Algorithm 8.4 adds delta (1e-7).
    """
    _check(lr >= 0, f"lr must be non-negative, got {lr}")
    _check(lr_decay >= 0, f"lr_decay must be non-negative, got {lr_decay}")
    _check(weight_decay >= 0, f"weight_decay must be non-negative, got {weight_decay}")
    _check(initial_accumulator_value >= 0, f"initial_accumulator_value must be non-negative, got {initial_accumulator_value}")
    _check(eps >= 0, f"eps must be non-negative, got {eps}")
    acc: list[np.ndarray] = []

    def update(p: np.ndarray, g: np.ndarray, t: int) -> dict:
        if not acc:
            acc.append(np.full_like(p, initial_accumulator_value))
        d = g + weight_decay * p if weight_decay else g
        clr = lr / (1 + (t - 1) * lr_decay)
        acc[0] = acc[0] + d * d
        p -= clr * d / (np.sqrt(acc[0]) + eps)
        return {"sum": acc[0], "step": np.float64(t)}

    return _run(params, grads, steps, update)


def rmsprop(
    params: object, grads: Grads, lr: float = 1e-2, alpha: float = 0.99, eps: float = 1e-8,
    weight_decay: float = 0.0, momentum: float = 0.0, centered: bool = False, steps: int | None = None,
) -> list[OptimStep]:
    """RMSProp, as ``torch.optim.RMSprop`` (Hinton's lecture 6e; Goodfellow et al. Algorithm 8.5).

    ``square_avg = alpha * square_avg + (1 - alpha) * g^2`` starting from 0, then
    ``theta -= lr * g / (sqrt(square_avg) + eps)``.  Unlike AdaGrad the average forgets old
    gradients.  Note torch's ``alpha`` (default 0.99) is Goodfellow's decay rate rho, and torch
    adds ``eps`` *outside* the square root while Algorithm 8.5 writes ``sqrt(delta + r)``.  There
    is no bias correction, so early steps are large: the first is ``lr * g / (sqrt(1 - alpha) |g|)``.
    ``centered`` divides by an estimate of the variance instead; ``momentum`` accumulates
    ``g / avg`` in a buffer (state ``"momentum_buffer"``).
    """
    _check(lr >= 0, f"lr must be non-negative, got {lr}")
    _check(alpha >= 0, f"alpha must be non-negative, got {alpha}")
    _check(eps >= 0, f"eps must be non-negative, got {eps}")
    _check(weight_decay >= 0, f"weight_decay must be non-negative, got {weight_decay}")
    _check(momentum >= 0, f"momentum must be non-negative, got {momentum}")
    st: dict[str, np.ndarray] = {}

    def update(p: np.ndarray, g: np.ndarray, t: int) -> dict:
        if not st:
            st["square_avg"] = np.zeros_like(p)
            if centered:
                st["grad_avg"] = np.zeros_like(p)
            if momentum > 0:
                st["momentum_buffer"] = np.zeros_like(p)
        d = g + weight_decay * p if weight_decay else g
        st["square_avg"] = alpha * st["square_avg"] + (1 - alpha) * d * d
        if centered:
            st["grad_avg"] = st["grad_avg"] + (1 - alpha) * (d - st["grad_avg"])
            avg = np.sqrt(st["square_avg"] - st["grad_avg"] * st["grad_avg"]) + eps
        else:
            avg = np.sqrt(st["square_avg"]) + eps
        if momentum > 0:
            st["momentum_buffer"] = momentum * st["momentum_buffer"] + d / avg
            p -= lr * st["momentum_buffer"]
        else:
            p -= lr * d / avg
        return dict(st, step=np.float64(t))

    return _run(params, grads, steps, update)


def adam(
    params: object, grads: Grads, lr: float = 1e-3, betas: tuple[float, float] = (0.9, 0.999),
    eps: float = 1e-8, weight_decay: float = 0.0, amsgrad: bool = False, steps: int | None = None,
    bias_correction: bool = True,
) -> list[OptimStep]:
    """Adam, as ``torch.optim.Adam`` (Kingma & Ba 2015, Algorithm 1; Goodfellow et al. Algorithm 8.7).

    With ``m_0 = v_0 = 0`` (states ``"exp_avg"``, ``"exp_avg_sq"``)::

        m_t = beta1 m_{t-1} + (1 - beta1) g_t
        v_t = beta2 v_{t-1} + (1 - beta2) g_t^2
        m_hat = m_t / (1 - beta1^t),   v_hat = v_t / (1 - beta2^t)      (bias correction)
        theta_t = theta_{t-1} - lr * m_hat / (sqrt(v_hat) + eps)

    The update divides by the *square root* of ``v_hat`` plus ``eps``, so its size is about ``lr``
    whatever the scale of the gradient: the first step is ``lr * g / (|g| + eps)``.  Without the
    bias correction the zero initialization shrinks ``m`` and ``v`` toward 0 in early steps.
    ``bias_correction=False`` (not a torch option) drops it, to show that effect.  ``amsgrad``
    divides by the running maximum of ``v_t`` (Reddi et al. 2018), as torch does.
    """
    beta1, beta2 = betas
    _check(lr >= 0, f"lr must be non-negative, got {lr}")
    _check(0 <= beta1 < 1, f"betas[0] must be in [0, 1), got {beta1}")
    _check(0 <= beta2 < 1, f"betas[1] must be in [0, 1), got {beta2}")
    _check(eps >= 0, f"eps must be non-negative, got {eps}")
    _check(weight_decay >= 0, f"weight_decay must be non-negative, got {weight_decay}")
    st: dict[str, np.ndarray] = {}

    def update(p: np.ndarray, g: np.ndarray, t: int) -> dict:
        if not st:
            st["exp_avg"] = np.zeros_like(p)
            st["exp_avg_sq"] = np.zeros_like(p)
            if amsgrad:
                st["max_exp_avg_sq"] = np.zeros_like(p)
        d = g + weight_decay * p if weight_decay else g
        st["exp_avg"] = beta1 * st["exp_avg"] + (1 - beta1) * d
        st["exp_avg_sq"] = beta2 * st["exp_avg_sq"] + (1 - beta2) * d * d
        second = st["exp_avg_sq"]
        if amsgrad:
            st["max_exp_avg_sq"] = np.maximum(st["max_exp_avg_sq"], st["exp_avg_sq"])
            second = st["max_exp_avg_sq"]
        bc1 = 1 - beta1**t if bias_correction else 1.0
        bc2 = 1 - beta2**t if bias_correction else 1.0
        p -= (lr / bc1) * st["exp_avg"] / (np.sqrt(second) / math.sqrt(bc2) + eps)
        return dict(st, step=np.float64(t))

    return _run(params, grads, steps, update)
