"""Separable kernels: what they save, how to tell one, and depthwise-separable convolution.

Goodfellow et al., *Deep Learning*, 9.8: a kernel is *separable* when it is the outer product of
``d`` vectors, one per dimension.  Convolving with it equals ``d`` one-dimensional convolutions in
turn, so a kernel ``w`` wide in each of ``d`` dimensions costs ``w * d`` multiplications per output
(and ``w * d`` parameters) instead of ``w ** d``.  A 2-D kernel is separable exactly when its
matrix has rank 1, which the singular value decomposition shows: ``K = s1 u1 v1^T``.

Depthwise-separable convolution (Sifre 2014; Chollet 2017, Xception; Howard et al. 2017,
MobileNets, section 3.1) splits a standard ``k x k`` convolution from ``C_in`` to ``C_out``
channels into a depthwise ``k x k`` convolution per input channel (``groups=C_in``) and a pointwise
``1 x 1`` convolution.  Per output position the multiplies drop from ``k^2 C_in C_out`` to
``k^2 C_in + C_in C_out``, a ratio of ``1/C_out + 1/k^2``.
"""

from __future__ import annotations

import math
import numbers
from collections.abc import Sequence

import numpy as np

__all__ = [
    "conv_macs",
    "conv_params",
    "depthwise_separable_macs",
    "depthwise_separable_params",
    "full_kernel_cost",
    "is_separable",
    "separable_factors",
    "separable_kernel_cost",
]

Size = int | Sequence[int]


def _int(value: object, name: str, minimum: int = 1) -> int:
    if isinstance(value, bool) or not isinstance(value, numbers.Integral) or value < minimum:
        raise ValueError(f"{name} must be an integer >= {minimum}, got {value!r}")
    return int(value)


def full_kernel_cost(width: int, ndim: int) -> int:
    """``width ** ndim``: multiplies per output (and parameters) of a full ``ndim``-D kernel."""
    return _int(width, "width") ** _int(ndim, "ndim")


def separable_kernel_cost(width: int, ndim: int) -> int:
    """``width * ndim``: multiplies per output (and parameters) of ``ndim`` 1-D passes."""
    return _int(width, "width") * _int(ndim, "ndim")


def _matrix(kernel: object) -> np.ndarray:
    k = np.asarray(kernel, dtype=float)
    if k.ndim != 2 or k.size == 0:
        raise ValueError(f"kernel must be a non-empty 2-D array, got shape {k.shape}")
    if not np.all(np.isfinite(k)):
        raise ValueError("kernel must hold finite numbers")
    return k


def is_separable(kernel: object, rtol: float = 1e-10) -> bool:
    """Whether a 2-D kernel is an outer product ``col row^T`` (rank at most 1).

    Rank 1 up to ``rtol``: every singular value after the first is at most ``rtol`` times the first.
    """
    s = np.linalg.svd(_matrix(kernel), compute_uv=False)
    return bool(s.size < 2 or s[1] <= rtol * s[0])


def separable_factors(kernel: object, rtol: float = 1e-10) -> tuple[np.ndarray, np.ndarray]:
    """``(col, row)`` with ``kernel == np.outer(col, row)``, from the leading singular triple.

    The scale is split evenly (``sqrt(s1)`` on each side) and the sign chosen so that the largest
    entry of ``row`` in absolute value is positive; any other split is as good.
    """
    k = _matrix(kernel)
    if not is_separable(k, rtol):
        raise ValueError("kernel is not separable: its rank is more than 1")
    u, s, vt = np.linalg.svd(k)
    root = math.sqrt(s[0])
    col, row = u[:, 0] * root, vt[0] * root
    if row[np.argmax(np.abs(row))] < 0:
        col, row = -col, -row
    return col, row


def _kernel(kernel_size: Size) -> tuple[int, ...]:
    ks = (kernel_size, kernel_size) if isinstance(kernel_size, numbers.Integral) else tuple(kernel_size)
    return tuple(_int(k, "kernel_size") for k in ks)


def conv_params(in_channels: int, out_channels: int, kernel_size: Size, bias: bool = True) -> int:
    """Parameters of a standard ``nn.Conv2d``: ``C_out * C_in * kh * kw`` (+ ``C_out``)."""
    ci, co = _int(in_channels, "in_channels"), _int(out_channels, "out_channels")
    return co * ci * math.prod(_kernel(kernel_size)) + (co if bias else 0)


def depthwise_separable_params(
    in_channels: int, out_channels: int, kernel_size: Size, bias: bool = True, depth_multiplier: int = 1
) -> int:
    """Depthwise ``k x k`` conv (``groups=C_in``, ``M = depth_multiplier`` filters per channel) then 1x1.

    ``M C_in kh kw + M C_in C_out`` weights, plus ``M C_in + C_out`` biases when ``bias``.
    """
    ci, co = _int(in_channels, "in_channels"), _int(out_channels, "out_channels")
    m = _int(depth_multiplier, "depth_multiplier")
    mid = m * ci
    weights = mid * math.prod(_kernel(kernel_size)) + mid * co
    return weights + ((mid + co) if bias else 0)


def _positions(out_size: Size) -> int:
    dims = (out_size, out_size) if isinstance(out_size, numbers.Integral) else tuple(out_size)
    return math.prod(_int(d, "out_size") for d in dims)


def conv_macs(in_channels: int, out_channels: int, kernel_size: Size, out_size: Size) -> int:
    """Multiply-accumulates of a standard conv: ``kh kw C_in C_out`` per output position."""
    ci, co = _int(in_channels, "in_channels"), _int(out_channels, "out_channels")
    return math.prod(_kernel(kernel_size)) * ci * co * _positions(out_size)


def depthwise_separable_macs(
    in_channels: int, out_channels: int, kernel_size: Size, out_size: Size, depth_multiplier: int = 1
) -> int:
    """Multiply-accumulates of depthwise (``kh kw M C_in``) plus pointwise (``M C_in C_out``) per position.

    Both parts run at the output resolution (any stride is taken by the depthwise conv).
    """
    ci, co = _int(in_channels, "in_channels"), _int(out_channels, "out_channels")
    mid = _int(depth_multiplier, "depth_multiplier") * ci
    return (math.prod(_kernel(kernel_size)) * mid + mid * co) * _positions(out_size)
