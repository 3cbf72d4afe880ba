"""Batch normalization, forward pass and running statistics, as ``torch.nn.functional.batch_norm``.

Ioffe & Szegedy (2015), "Batch Normalization", Algorithm 1 (Goodfellow et al., *Deep Learning*,
8.7.1): in training, each channel is normalized with the mean and the *biased* variance of the
mini-batch, ``x_hat = (x - mean) / sqrt(var + eps)``, then scaled and shifted,
``y = gamma * x_hat + beta``.  For inference the paper (Algorithm 2) uses population estimates
with the *unbiased* variance ``m / (m - 1) * var``; PyTorch keeps exponential moving averages::

    running_mean = (1 - momentum) * running_mean + momentum * mean
    running_var  = (1 - momentum) * running_var  + momentum * var * n / (n - 1)

with ``momentum=0.1`` and ``n`` the number of values per channel.  Inputs are ``(N, C)`` or
``(N, C, *)`` (e.g. ``(N, C, H, W)``); statistics are taken per channel over every other axis.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

__all__ = ["BatchNormResult", "batch_norm", "batch_stats", "update_running_stats"]


@dataclass(frozen=True)
class BatchNormResult:
    """Output of :func:`batch_norm` and the statistics it used or updated."""

    output: np.ndarray
    mean: np.ndarray  # per-channel mean used to normalize
    var: np.ndarray  # per-channel variance used to normalize (biased batch variance in training)
    running_mean: np.ndarray | None  # updated running mean (training) or the one given
    running_var: np.ndarray | None


def _input(x: object) -> np.ndarray:
    a = np.asarray(x, dtype=float)
    if a.ndim < 2:
        raise ValueError(f"input must have shape (N, C) or (N, C, *), got shape {a.shape}")
    return a


def _channel_shape(a: np.ndarray) -> tuple[int, ...]:
    return (1, a.shape[1]) + (1,) * (a.ndim - 2)


def _per_channel(v: object | None, a: np.ndarray, name: str) -> np.ndarray | None:
    if v is None:
        return None
    arr = np.asarray(v, dtype=float)
    if arr.shape != (a.shape[1],):
        raise ValueError(f"{name} must have one value per channel, shape ({a.shape[1]},), got {arr.shape}")
    return arr


def batch_stats(input: object) -> tuple[np.ndarray, np.ndarray, int]:
    """Per-channel ``(mean, biased variance, n)`` of a batch; ``n`` values per channel."""
    a = _input(input)
    axes = (0,) + tuple(range(2, a.ndim))
    n = a.size // a.shape[1] if a.shape[1] else 0
    if n <= 1:
        raise ValueError(f"batch norm in training needs more than 1 value per channel, got input shape {a.shape}")
    mean = a.mean(axis=axes)
    var = ((a - mean.reshape(_channel_shape(a))) ** 2).mean(axis=axes)
    return mean, var, n


def update_running_stats(
    running_mean: object, running_var: object, mean: object, var: object, n: int, momentum: float = 0.1
) -> tuple[np.ndarray, np.ndarray]:
    """One running-statistics update from a batch's ``mean`` and *biased* ``var`` over ``n`` values.

    The variance enters unbiased, ``var * n / (n - 1)``, as in torch.
    """
    if not 0 <= momentum <= 1:
        raise ValueError(f"momentum must be in [0, 1], got {momentum}")
    if n <= 1:
        raise ValueError(f"n must be at least 2 for an unbiased variance, got {n}")
    rm = np.asarray(running_mean, dtype=float)
    rv = np.asarray(running_var, dtype=float)
    new_mean = (1 - momentum) * rm + momentum * np.asarray(mean, dtype=float)
    new_var = (1 - momentum) * rv + momentum * np.asarray(var, dtype=float) * (n / (n - 1))
    return new_mean, new_var


def batch_norm(
    input: object,
    running_mean: object | None = None,
    running_var: object | None = None,
    weight: object | None = None,
    bias: object | None = None,
    training: bool = False,
    momentum: float = 0.1,
    eps: float = 1e-5,
) -> BatchNormResult:
    """``torch.nn.functional.batch_norm`` without the in-place update: the new running stats are returned.

    ``weight`` is gamma and ``bias`` is beta (default 1 and 0).  In training the batch statistics
    normalize and the running statistics (if given) are updated; in evaluation the running
    statistics normalize and must be given.
    """
    a = _input(input)
    if eps < 0:
        raise ValueError(f"eps must be non-negative, got {eps}")
    rm = _per_channel(running_mean, a, "running_mean")
    rv = _per_channel(running_var, a, "running_var")
    gamma = _per_channel(weight, a, "weight")
    beta = _per_channel(bias, a, "bias")
    if (rm is None) != (rv is None):
        raise ValueError("running_mean and running_var must be given together")
    if training:
        mean, var, n = batch_stats(a)
        if rm is not None:
            rm, rv = update_running_stats(rm, rv, mean, var, n, momentum)
    else:
        if rm is None or rv is None:
            raise ValueError("evaluation mode (training=False) needs running_mean and running_var")
        if np.any(rv < 0):
            raise ValueError("running_var must be non-negative")
        mean, var = rm, rv
    shape = _channel_shape(a)
    out = (a - mean.reshape(shape)) / np.sqrt(var.reshape(shape) + eps)
    if gamma is not None:
        out = out * gamma.reshape(shape)
    if beta is not None:
        out = out + beta.reshape(shape)
    return BatchNormResult(out, mean, var, rm, rv)
