"""Activation functions and their derivatives, stable for large |x|, with PyTorch semantics.

Goodfellow et al., *Deep Learning*, 3.10 lists the identities of the logistic sigmoid
``sigma(x) = 1 / (1 + exp(-x))`` and the softplus ``zeta(x) = log(1 + exp(x))`` that interviews ask
about; every one holds for the functions here (the tests check them)::

    1 - sigma(x) = sigma(-x)                 d/dx sigma(x) = sigma(x) (1 - sigma(x))
    log sigma(x) = -zeta(-x)                 d/dx zeta(x)  = sigma(x)
    zeta(x) - zeta(-x) = x                   tanh(x) = 2 sigma(2x) - 1

Naive formulas overflow: ``exp(-x)`` is ``inf`` for ``x < -709`` in float64 and ``log(1 + exp(x))``
is ``inf`` for ``x > 709``.  The functions below only ever exponentiate ``-|x|``.  ``softplus``
follows ``torch.nn.functional.softplus(x, beta, threshold)``: ``log(1 + exp(beta x)) / beta``,
and plain ``x`` once ``beta * x > threshold`` (where the difference is below float precision).
The ``*_grad`` functions give the derivative torch's autograd computes, including its choice at
the kinks of relu, leaky_relu and elu (the left derivative at 0).
"""

from __future__ import annotations

import numpy as np

__all__ = [
    "elu",
    "elu_grad",
    "leaky_relu",
    "leaky_relu_grad",
    "log_sigmoid",
    "relu",
    "relu_grad",
    "sigmoid",
    "sigmoid_grad",
    "softplus",
    "softplus_grad",
    "tanh",
    "tanh_grad",
]

def _arr(x: object) -> np.ndarray:
    a = np.asarray(x, dtype=float)
    if np.isnan(a).any():
        raise ValueError("x must not contain NaN")
    return a


def _out(a: np.ndarray) -> float | np.ndarray:
    return float(a) if a.ndim == 0 else a


def _sigmoid(a: np.ndarray) -> np.ndarray:
    e = np.exp(-np.abs(a))  # in (0, 1]: never overflows
    return np.where(a >= 0, 1.0 / (1.0 + e), e / (1.0 + e))


def _softplus_stable(a: np.ndarray) -> np.ndarray:
    # log(1 + e^a) = max(a, 0) + log(1 + e^-|a|)
    return np.maximum(a, 0.0) + np.log1p(np.exp(-np.abs(a)))


def sigmoid(x: object) -> float | np.ndarray:
    """``1 / (1 + exp(-x))``, written as ``exp(x) / (1 + exp(x))`` for negative x to avoid overflow."""
    return _out(_sigmoid(_arr(x)))


def sigmoid_grad(x: object) -> float | np.ndarray:
    """``sigma(x) * (1 - sigma(x))`` = ``sigma(x) * sigma(-x)``; at most 1/4, at x = 0."""
    a = _arr(x)
    return _out(_sigmoid(a) * _sigmoid(-a))


def log_sigmoid(x: object) -> float | np.ndarray:
    """``log sigma(x) = -softplus(-x) = min(x, 0) - log(1 + exp(-|x|))``, as ``F.logsigmoid``."""
    a = _arr(x)
    return _out(np.minimum(a, 0.0) - np.log1p(np.exp(-np.abs(a))))


def _beta_threshold(beta: float, threshold: float) -> None:
    if not beta > 0:
        raise ValueError(f"beta must be positive, got {beta}")
    if np.isnan(threshold):
        raise ValueError("threshold must be a number, got nan")


def softplus(x: object, beta: float = 1.0, threshold: float = 20.0) -> float | np.ndarray:
    """``log(1 + exp(beta x)) / beta``, or ``x`` where ``beta x > threshold`` (torch's rule).

    A smooth ReLU (Dugas et al. 2001): ``softplus(x) - softplus(-x) = x`` and its derivative is the
    sigmoid.  Larger ``beta`` brings it closer to ``max(0, x)``.
    """
    _beta_threshold(beta, threshold)
    a = _arr(x)
    with np.errstate(over="ignore"):  # beta * x = ±inf lands on the right branch
        ba = beta * a
        return _out(np.where(ba > threshold, a, _softplus_stable(ba) / beta))


def softplus_grad(x: object, beta: float = 1.0, threshold: float = 20.0) -> float | np.ndarray:
    """``sigma(beta x)`` (the derivative of softplus), and 1 where torch switches to ``x``."""
    _beta_threshold(beta, threshold)
    a = _arr(x)
    with np.errstate(over="ignore"):
        ba = beta * a
    return _out(np.where(ba > threshold, 1.0, _sigmoid(ba)))


def tanh(x: object) -> float | np.ndarray:
    """``(e^x - e^-x) / (e^x + e^-x) = 2 sigma(2x) - 1``, a sigmoid rescaled to (-1, 1)."""
    return _out(np.tanh(_arr(x)))


def tanh_grad(x: object) -> float | np.ndarray:
    """``1 - tanh(x)^2``; equals 1 at x = 0, four times the sigmoid's peak slope.

    Evaluated as ``4 sigma(2x) sigma(-2x)`` (= ``1 / cosh(x)^2``), which keeps full relative
    precision in the tails where ``1 - tanh(x)^2`` cancels to 0.
    """
    with np.errstate(over="ignore"):  # 2x = ±inf still gives the right limit, 0
        a = 2.0 * _arr(x)
    return _out(4.0 * _sigmoid(a) * _sigmoid(-a))


def relu(x: object) -> float | np.ndarray:
    """``max(0, x)``."""
    return _out(np.maximum(_arr(x), 0.0))


def relu_grad(x: object) -> float | np.ndarray:
    """1 for ``x > 0``, else 0 (torch uses 0 at x = 0)."""
    return _out(np.where(_arr(x) > 0, 1.0, 0.0))


def leaky_relu(x: object, negative_slope: float = 0.01) -> float | np.ndarray:
    """``x`` for ``x > 0``, ``negative_slope * x`` otherwise (Maas et al. 2013)."""
    a = _arr(x)
    return _out(np.where(a > 0, a, negative_slope * a))


def leaky_relu_grad(x: object, negative_slope: float = 0.01) -> float | np.ndarray:
    """1 for ``x > 0``, ``negative_slope`` otherwise (including x = 0, as torch)."""
    return _out(np.where(_arr(x) > 0, 1.0, float(negative_slope)))


def elu(x: object, alpha: float = 1.0) -> float | np.ndarray:
    """``x`` for ``x > 0``, ``alpha (exp(x) - 1)`` otherwise (Clevert et al. 2016)."""
    a = _arr(x)
    return _out(np.where(a > 0, a, alpha * np.expm1(np.minimum(a, 0.0))))


def elu_grad(x: object, alpha: float = 1.0) -> float | np.ndarray:
    """1 for ``x > 0``, ``alpha exp(x)`` otherwise."""
    a = _arr(x)
    return _out(np.where(a > 0, 1.0, alpha * np.exp(np.minimum(a, 0.0))))
