"""Dropout: inverted scaling, expected activations, the weight-scaling rule and the sub-network count.

Srivastava et al. (2014), "Dropout", and Goodfellow et al., *Deep Learning*, 7.12.  During training
each unit is dropped (set to 0) independently with probability ``p``; PyTorch's ``p`` is the *drop*
probability (the paper and Goodfellow's text use the *keep* probability ``1 - p``).

- Inverted dropout (``torch.nn.functional.dropout``): the kept units are multiplied by
  ``1 / (1 - p)`` during training, so the expected activation is unchanged and inference uses the
  network as is.
- Without that scaling, the expected activation in training is ``(1 - p) * x``, and the
  *weight scaling inference rule* multiplies the weights going out of a unit by its keep
  probability ``1 - p`` at test time.
- A network with ``n`` droppable units contains ``2^n`` sub-networks, all sharing weights.
"""

from __future__ import annotations

import numbers

import numpy as np

__all__ = ["dropout", "dropout_scale", "expected_activation", "num_subnetworks", "weight_scaling"]


def _prob(p: float) -> float:
    if not isinstance(p, numbers.Real) or isinstance(p, bool) or not 0 <= p <= 1:
        raise ValueError(f"dropout probability p must be between 0 and 1, got {p!r}")
    return float(p)


def dropout_scale(p: float) -> float:
    """``1 / (1 - p)``: the factor inverted dropout applies to kept units in training."""
    if _prob(p) == 1:
        raise ValueError("dropout probability p must be below 1 for a finite scale: p = 1 drops every unit")
    return 1.0 / (1.0 - p)


def dropout(input: object, mask: object, p: float = 0.5, training: bool = True) -> np.ndarray:
    """Inverted dropout with a given keep ``mask`` (1 = kept, 0 = dropped), as ``F.dropout``.

    torch draws the mask itself; here it is an argument so that the result is deterministic.
    ``p = 1`` gives zeros, as in torch; outside training the input is returned unchanged.
    """
    x = np.asarray(input, dtype=float)
    p = _prob(p)
    if not training:
        return x.copy()
    m = np.asarray(mask, dtype=float)
    if m.shape != x.shape:
        raise ValueError(f"mask must have the input's shape {x.shape}, got {m.shape}")
    if not np.all((m == 0) | (m == 1)):
        raise ValueError("mask must hold only 0 (dropped) and 1 (kept)")
    if p == 1:
        return np.zeros_like(x)
    return x * m * dropout_scale(p)


def expected_activation(x: object, p: float, inverted: bool = True) -> float | np.ndarray:
    """The expected training-time output of a unit with activation ``x``.

    ``x`` with inverted dropout (``(1 - p) * x / (1 - p)``); ``(1 - p) * x`` without the scaling.
    """
    a = np.asarray(x, dtype=float)
    p = _prob(p)
    out = a.copy() if inverted and p < 1 else (1 - p) * a
    if inverted and p == 1:
        out = np.zeros_like(a)
    return float(out) if out.ndim == 0 else out


def weight_scaling(weight: object, p: float) -> float | np.ndarray:
    """Weights for inference after training *without* inverted scaling: ``weight * (1 - p)``.

    Goodfellow et al. 7.12, the weight scaling inference rule: multiply the weights going out of a
    unit by the probability of keeping that unit, so the expected input to the next unit matches.
    """
    w = np.asarray(weight, dtype=float) * (1 - _prob(p))
    return float(w) if w.ndim == 0 else w


def num_subnetworks(n: int) -> int:
    """``2^n``: the sub-networks dropout samples from with ``n`` droppable (non-output) units."""
    if isinstance(n, bool) or not isinstance(n, numbers.Integral) or n < 0:
        raise ValueError(f"n must be a non-negative integer number of units, got {n!r}")
    return 2 ** int(n)
