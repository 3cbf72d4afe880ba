"""Numerically stable softmax, log-softmax and log-sum-exp, and how the textbook formula fails.

The softmax question is the classic example of overflow and underflow: ``exp(x) / sum(exp(x))``
is correct on paper and returns ``nan`` for inputs as ordinary as logits of 100 in float32.
This module holds the stable versions (shift by the maximum first; PyTorch's formulas), the
naive formula on purpose, and :func:`naive_failure`, which says whether and how the naive
formula breaks for a given input and float type.  Arrays keep their float dtype (integers become
float64), so float32 questions are answered in float32.
"""

from __future__ import annotations

import enum
from dataclasses import dataclass

import numpy as np

__all__ = [
    "Failure",
    "NaiveCheck",
    "log_softmax",
    "logsumexp",
    "naive_failure",
    "naive_softmax",
    "softmax",
]


def _as_float_array(x: object) -> np.ndarray:
    a = np.asarray(x)
    if not np.issubdtype(a.dtype, np.floating):
        if not (np.issubdtype(a.dtype, np.integer) or a.dtype == np.bool_):
            raise ValueError(f"x must hold real numbers, got an array of {a.dtype}")
        a = a.astype(np.float64)
    if a.ndim == 0:
        raise ValueError("x must have at least one dimension (softmax of a scalar is always 1)")
    return a


def _shifted(a: np.ndarray, axis: int, finite_shift: bool = False) -> tuple[np.ndarray, np.ndarray]:
    """``(a - m, m)`` with ``m`` the maximum along ``axis``.

    Subtracting the maximum makes the largest exponent ``exp(0) = 1``: nothing can overflow and
    the sum is at least 1, so nothing divides by zero.  ``a - m`` itself may overflow to -inf for
    inputs near the float limits; exp(-inf) = 0 is then the right answer.  ``finite_shift``
    shifts by 0 where the maximum is infinite, as ``torch.logsumexp`` does (softmax gives nan).
    """
    if a.shape[axis] == 0:
        raise ValueError("x is empty along axis; softmax needs at least one entry")
    m = np.max(a, axis=axis, keepdims=True)
    if finite_shift:
        m = np.where(np.isfinite(m), m, np.zeros_like(m))
    with np.errstate(over="ignore", invalid="ignore"):
        return a - m, m


def softmax(x: object, axis: int = -1, temperature: float = 1.0) -> np.ndarray:
    """``softmax(x / temperature)`` along ``axis``, stable for any finite input.

    A temperature above 1 flattens the distribution, below 1 sharpens it.  The shift by the
    maximum is applied before dividing by the temperature, so a tiny temperature cannot overflow.
    Entries of -inf get probability 0 (masking); +inf or nan give nan, as in PyTorch.
    """
    t = float(temperature)
    if not (t > 0 and np.isfinite(t)):
        raise ValueError(f"temperature must be positive and finite, got {temperature!r}")
    a = _as_float_array(x)
    z, m = _shifted(a, axis)
    with np.errstate(over="ignore", invalid="ignore", under="ignore"):
        if t != 1.0:
            z = z / a.dtype.type(t)
        e = np.exp(z)
        return (e / np.sum(e, axis=axis, keepdims=True)).astype(a.dtype, copy=False)


def logsumexp(x: object, axis: int = -1) -> np.ndarray | np.floating:
    """``log(sum(exp(x)))`` along ``axis`` as ``m + log(sum(exp(x - m)))``, ``m`` the maximum.

    Without the shift, ``logsumexp([1000, 1000])`` overflows although the answer is
    ``1000 + log 2``.  All -inf gives -inf and any +inf gives +inf, as in ``torch.logsumexp``.
    """
    a = _as_float_array(x)
    z, m = _shifted(a, axis, finite_shift=True)
    with np.errstate(over="ignore", invalid="ignore", under="ignore", divide="ignore"):
        out = np.log(np.sum(np.exp(z), axis=axis, keepdims=True)) + m
    return np.squeeze(out, axis=axis).astype(a.dtype, copy=False)[()]


def log_softmax(x: object, axis: int = -1) -> np.ndarray:
    """``log(softmax(x))`` as ``(x - m) - log(sum(exp(x - m)))``, never through ``log(0)``.

    Taking the log of a computed softmax gives -inf as soon as a probability underflows; this
    form stays finite (``log_softmax([0, -1000]) = [0, -1000]``).  This is the formula PyTorch
    uses, and why ``cross_entropy`` takes logits.
    """
    a = _as_float_array(x)
    z, _ = _shifted(a, axis)
    with np.errstate(over="ignore", invalid="ignore", under="ignore", divide="ignore"):
        return (z - np.log(np.sum(np.exp(z), axis=axis, keepdims=True))).astype(a.dtype, copy=False)


def naive_softmax(x: object, axis: int = -1) -> np.ndarray:
    """The textbook ``exp(x) / sum(exp(x))``, kept to show why it fails.

    It overflows (inf/inf = nan) for large inputs and underflows (0/0 = nan) when every input is
    very negative.  Floating-point warnings are silenced: the nan *is* the lesson.
    """
    a = _as_float_array(x)
    with np.errstate(over="ignore", invalid="ignore", under="ignore", divide="ignore"):
        e = np.exp(a)
        return (e / np.sum(e, axis=axis, keepdims=True)).astype(a.dtype, copy=False)


class Failure(enum.StrEnum):
    """How the naive softmax formula fares on an input."""

    OK = "ok"
    OVERFLOW = "overflow"  # some exp(x_i), or their sum, is inf: the result holds nan or false zeros
    UNDERFLOW = "underflow"  # every exp(x_i) is 0: 0/0 = nan
    INACCURATE = "inaccurate"  # no nan, but some probability is wrong beyond the tolerance


@dataclass(frozen=True)
class NaiveCheck:
    """Result of :func:`naive_failure`: the verdict and both answers, as Python floats."""

    failure: Failure
    naive: tuple[float, ...]
    stable: tuple[float, ...]
    max_rel_error: float  # largest relative error of naive vs stable (inf when naive has nan)


def naive_failure(x: object, dtype: object = np.float64, rtol: float | None = None) -> NaiveCheck:
    """Say whether and how ``exp(x) / sum(exp(x))`` fails for the 1-D ``x`` held in ``dtype``.

    ``x`` is first rounded to ``dtype`` (a value that does not fit is an error, not a softmax
    failure).  Partial underflow is the silent case: ``[-100, -108]`` in float32 gives
    ``[1, 0]`` instead of ``[0.99966, 0.00034]``.  A probability is wrong when it differs from the
    stable float64 result by more than ``rtol`` relative plus the dtype's smallest normal number
    (values below that are legitimately flushed towards 0).  ``rtol`` defaults to 1024 machine
    epsilons of ``dtype``: far beyond the rounding of any correct float computation.
    """
    dt = np.dtype(dtype)
    if not np.issubdtype(dt, np.floating):
        raise ValueError(f"dtype must be a float type such as float32 or float64, got {dt}")
    src = np.asarray(x, dtype=np.float64)
    if src.ndim != 1 or src.size == 0:
        raise ValueError("x must be a non-empty 1-D vector")
    if not np.all(np.isfinite(src)):
        raise ValueError("x must be finite")
    with np.errstate(over="ignore"):
        a = src.astype(dt)
    if not np.all(np.isfinite(a)):
        raise ValueError(f"x has entries too large to be held in {dt.name}")
    finfo = np.finfo(dt)
    tol = float(1024 * finfo.eps) if rtol is None else float(rtol)

    with np.errstate(over="ignore", invalid="ignore", under="ignore", divide="ignore"):
        e = np.exp(a)
        total = np.sum(e)
        naive = e / total
    stable = softmax(a.astype(np.float64))

    if np.any(np.isinf(e)) or np.isinf(total):
        failure = Failure.OVERFLOW
    elif total == 0:
        failure = Failure.UNDERFLOW
    else:
        err = np.abs(naive.astype(np.float64) - stable)
        failure = Failure.INACCURATE if np.any(err > tol * stable + float(finfo.tiny)) else Failure.OK
    if np.all(np.isfinite(naive)):
        with np.errstate(divide="ignore", invalid="ignore"):
            rel = np.abs(naive.astype(np.float64) - stable) / stable
        rel = np.where(stable > 0, rel, np.where(naive == 0, 0.0, np.inf))
        max_rel = float(np.max(rel))
    else:
        max_rel = float("inf")
    return NaiveCheck(failure, tuple(float(v) for v in naive), tuple(float(v) for v in stable), max_rel)
