"""Entropy, cross-entropy and KL divergence of discrete distributions.

These three quantities are asked together in interviews because of one identity,
``H(P, Q) = H(P) + D_KL(P || Q)``: minimising cross-entropy against fixed data is minimising KL.
The conventions that trip people up are fixed here once: natural logarithms unless ``base`` is
given (``base=2`` gives bits), ``0 log 0 = 0``, and ``+inf`` where ``P`` puts mass that ``Q``
calls impossible.  Inputs that are not distributions are rejected rather than silently
renormalised, unless ``normalize=True`` is asked for.
"""

from __future__ import annotations

import math

import numpy as np

__all__ = ["cross_entropy", "entropy", "kl_divergence"]

# |sum(p) - 1| allowed: generous for rounding, far below any typo like 0.3 + 0.3 + 0.3.
SUM_TOLERANCE = 1e-9


def _distribution(p: object, name: str, normalize: bool) -> np.ndarray:
    if isinstance(p, (list, tuple)) and 0 < len(p) <= _SMALL:
        checked = _small_distribution(p, name, normalize)
        if checked is not None:
            return checked
    a = np.asarray(p, dtype=np.float64)
    if a.ndim != 1 or a.size == 0:
        raise ValueError(f"{name} must be a non-empty 1-D vector of probabilities")
    if not np.all(np.isfinite(a)):
        raise ValueError(f"{name} must hold finite numbers")
    if np.any(a < 0):
        raise ValueError(f"{name} has a negative entry; probabilities must be >= 0")
    return _normalized(a, float(np.sum(a)), name, normalize)


# Exercises pass short lists; validating them in Python skips half a dozen numpy calls each.
_SMALL = 16


def _small_distribution(p: list | tuple, name: str, normalize: bool) -> np.ndarray | None:
    """The checks of :func:`_distribution` for a short list of plain numbers; None for anything else."""
    if not all(type(v) is float or type(v) is int for v in p):
        return None
    if not all(math.isfinite(v) for v in p):
        raise ValueError(f"{name} must hold finite numbers")
    if any(v < 0 for v in p):
        raise ValueError(f"{name} has a negative entry; probabilities must be >= 0")
    return _normalized(np.array(p, dtype=np.float64), float(sum(p)), name, normalize)


def _normalized(a: np.ndarray, total: float, name: str, normalize: bool) -> np.ndarray:
    if normalize:
        if total <= 0:
            raise ValueError(f"{name} sums to 0 and cannot be normalized")
        return a / total
    if abs(total - 1.0) > SUM_TOLERANCE:
        raise ValueError(f"{name} must sum to 1 (got {total!r}); pass normalize=True to rescale it")
    return a


def _log_base(base: float | None) -> float:
    if base is None:
        return 1.0
    b = float(base)
    if not (b > 0 and b != 1 and math.isfinite(b)):
        raise ValueError(f"base must be positive, finite and not 1, got {base!r}")
    return math.log(b)


def _pair(p: object, q: object, normalize: bool) -> tuple[np.ndarray, np.ndarray]:
    a = _distribution(p, "p", normalize)
    b = _distribution(q, "q", normalize)
    if a.shape != b.shape:
        raise ValueError(f"p and q must have the same length, got {a.size} and {b.size}")
    return a, b


def entropy(p: object, base: float | None = None, normalize: bool = False) -> float:
    """``H(P) = -sum p_i log p_i``: the average surprise of an outcome drawn from ``P``.

    Zero-probability outcomes contribute nothing (``p log p -> 0`` as ``p -> 0``).  In bits
    (``base=2``) a fair coin has entropy 1; in nats ``log 2 = 0.693``.
    """
    a = _distribution(p, "p", normalize)
    nz = a > 0
    h = -float(np.sum(a[nz] * np.log(a[nz])))
    return (h if h > 0 else 0.0) / _log_base(base)  # never -0.0 for a certain outcome


def cross_entropy(p: object, q: object, base: float | None = None, normalize: bool = False) -> float:
    """``H(P, Q) = -sum p_i log q_i``: average code length when coding ``P`` with a code for ``Q``.

    Terms with ``p_i = 0`` are 0 whatever ``q_i`` is; a term with ``p_i > 0`` and ``q_i = 0`` is
    infinite.  With a one-hot ``P`` this is the classification loss ``-log q_y``.
    """
    a, b = _pair(p, q, normalize)
    nz = a > 0
    if np.any(b[nz] == 0):
        return math.inf
    return -float(np.sum(a[nz] * np.log(b[nz]))) / _log_base(base)


def kl_divergence(p: object, q: object, base: float | None = None, normalize: bool = False) -> float:
    """``D_KL(P || Q) = sum p_i log(p_i / q_i)``: the extra cost of coding ``P`` with ``Q``'s code.

    Not symmetric: the expectation is under ``P``, so ``Q`` is punished (infinitely) for missing
    mass that ``P`` has, not the other way round.  Always ``>= 0`` (Gibbs), ``0`` iff ``P = Q``;
    a tiny negative sum from rounding is returned as 0.
    """
    a, b = _pair(p, q, normalize)
    nz = a > 0
    if np.any(b[nz] == 0):
        return math.inf
    pa, qb = a[nz], b[nz]
    # log(p/q) is more accurate than log p - log q when p is close to q; the difference form is
    # only needed when the ratio leaves the float range (q near the smallest subnormal).
    with np.errstate(over="ignore", under="ignore"):
        ratio = pa / qb
    fine = np.isfinite(ratio) & (ratio > 0)
    logs = np.where(fine, np.log(np.where(fine, ratio, 1.0)), np.log(pa) - np.log(qb))
    d = float(np.sum(pa * logs))
    return (d if d > 0 else 0.0) / _log_base(base)
