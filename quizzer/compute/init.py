"""Weight-initialization scales: Glorot/Xavier and He/Kaiming, as ``torch.nn.init`` computes them.

Both schemes pick the scale of the initial weights so that activations (forward) or gradients
(backward) keep their variance from layer to layer.

- Glorot & Bengio (2010), "Understanding the difficulty of training deep feedforward neural
  networks", eq. 16 (Goodfellow et al., *Deep Learning*, 8.4, eq. 8.23): compromise between the
  forward and backward conditions, ``Var(W) = 2 / (fan_in + fan_out)``; as a uniform
  distribution ``U(-a, a)`` with ``a = sqrt(6 / (fan_in + fan_out))`` (a uniform on ``(-a, a)`` has
  variance ``a^2 / 3``).
- He et al. (2015), "Delving Deep into Rectifiers", eqs. 10 and 14: a ReLU zeroes half its inputs,
  so keeping the variance needs ``Var(W) = 2 / fan`` with ``fan`` = fan_in (forward) or fan_out
  (backward); for a leaky ReLU / PReLU with slope ``a``, ``Var(W) = 2 / ((1 + a^2) fan)``.

PyTorch writes both as ``std = gain * sqrt(2 / (fan_in + fan_out))`` and ``std = gain / sqrt(fan)``
with ``gain`` from :func:`calculate_gain`, and a uniform bound of ``sqrt(3) * std``.  Fans follow
``torch.nn.init._calculate_fan_in_and_fan_out``: for a weight of shape
``(out, in, *kernel)``, ``fan_in = in * prod(kernel)`` and ``fan_out = out * prod(kernel)``.
"""

from __future__ import annotations

import math
from collections.abc import Sequence

__all__ = [
    "calculate_gain",
    "fan_in_and_fan_out",
    "kaiming_normal_std",
    "kaiming_uniform_bound",
    "xavier_normal_std",
    "xavier_uniform_bound",
]

_LINEAR = ("linear", "conv1d", "conv2d", "conv3d", "conv_transpose1d", "conv_transpose2d", "conv_transpose3d")


def calculate_gain(nonlinearity: str, param: float | None = None) -> float:
    """The recommended gain for a nonlinearity, as ``torch.nn.init.calculate_gain``.

    linear/conv/sigmoid: 1; tanh: 5/3; relu: sqrt(2); leaky_relu with negative slope ``param``
    (default 0.01): ``sqrt(2 / (1 + slope^2))``; selu: 3/4.
    """
    if nonlinearity in _LINEAR or nonlinearity == "sigmoid":
        return 1.0
    if nonlinearity == "tanh":
        return 5.0 / 3
    if nonlinearity == "relu":
        return math.sqrt(2.0)
    if nonlinearity == "leaky_relu":
        if param is None:
            slope = 0.01
        elif isinstance(param, (int, float)) and not isinstance(param, bool) and math.isfinite(param):
            slope = float(param)
        else:
            raise ValueError(f"negative_slope must be a finite number, got {param!r}")
        return math.sqrt(2.0 / (1 + slope**2))
    if nonlinearity == "selu":
        return 3.0 / 4
    raise ValueError(
        f"nonlinearity must be one of linear, conv1d/2d/3d, conv_transpose1d/2d/3d, sigmoid, tanh, "
        f"relu, leaky_relu, selu; got {nonlinearity!r}"
    )


def fan_in_and_fan_out(shape: Sequence[int]) -> tuple[int, int]:
    """``(fan_in, fan_out)`` of a weight of ``shape``, as ``torch.nn.init._calculate_fan_in_and_fan_out``.

    ``nn.Linear`` weights are ``(out_features, in_features)``; ``nn.ConvNd`` weights are
    ``(out_channels, in_channels / groups, *kernel_size)``.  The receptive field (product of the
    kernel dimensions) multiplies both fans.
    """
    dims = tuple(shape)
    if len(dims) < 2:
        raise ValueError(f"fan in and fan out need a weight shape with at least 2 dimensions, got {dims}")
    if any(isinstance(d, bool) or not isinstance(d, int) or d < 0 for d in dims):
        raise ValueError(f"shape must hold non-negative integers, got {dims}")
    receptive_field = math.prod(dims[2:])
    return dims[1] * receptive_field, dims[0] * receptive_field


def _positive_fan(fan: int, what: str) -> None:
    if fan <= 0:
        raise ValueError(f"{what} must be positive to compute an initialization scale, got {fan}")


def xavier_normal_std(shape: Sequence[int], gain: float = 1.0) -> float:
    """``gain * sqrt(2 / (fan_in + fan_out))``: the std ``torch.nn.init.xavier_normal_`` uses."""
    fan_in, fan_out = fan_in_and_fan_out(shape)
    _positive_fan(fan_in + fan_out, "fan_in + fan_out")
    return gain * math.sqrt(2.0 / float(fan_in + fan_out))


def xavier_uniform_bound(shape: Sequence[int], gain: float = 1.0) -> float:
    """``a = gain * sqrt(6 / (fan_in + fan_out))`` of ``U(-a, a)`` in ``torch.nn.init.xavier_uniform_``.

    Computed as torch does, ``sqrt(3) * std``; equal to ``gain * sqrt(6 / (fan_in + fan_out))``.
    """
    return math.sqrt(3.0) * xavier_normal_std(shape, gain)


def _kaiming_fan(shape: Sequence[int], mode: str) -> int:
    if not isinstance(mode, str) or mode.lower() not in ("fan_in", "fan_out"):
        raise ValueError(f"mode must be 'fan_in' or 'fan_out', got {mode!r}")
    fan_in, fan_out = fan_in_and_fan_out(shape)
    fan = fan_in if mode.lower() == "fan_in" else fan_out
    _positive_fan(fan, mode.lower())
    return fan


def kaiming_normal_std(
    shape: Sequence[int], a: float = 0.0, mode: str = "fan_in", nonlinearity: str = "leaky_relu"
) -> float:
    """``gain / sqrt(fan)``: the std ``torch.nn.init.kaiming_normal_`` uses.

    ``a`` is the negative slope of a leaky ReLU (used only with ``nonlinearity="leaky_relu"``, the
    torch default, where ``a=0`` gives the ReLU gain ``sqrt(2)``).  ``mode="fan_in"`` preserves
    the variance of activations in the forward pass, ``"fan_out"`` that of gradients backward.
    """
    fan = _kaiming_fan(shape, mode)
    gain = calculate_gain(nonlinearity, a)
    return gain / math.sqrt(fan)


def kaiming_uniform_bound(
    shape: Sequence[int], a: float = 0.0, mode: str = "fan_in", nonlinearity: str = "leaky_relu"
) -> float:
    """``sqrt(3) * gain / sqrt(fan)``: the bound of ``U(-b, b)`` in ``torch.nn.init.kaiming_uniform_``."""
    return math.sqrt(3.0) * kaiming_normal_std(shape, a, mode, nonlinearity)
