"""Gradient clipping by global norm and by value, as ``torch.nn.utils`` does it.

Exploding gradients (long recurrent chains, steep cliffs in the loss) make one step throw the
parameters far away.  Clipping by norm (Pascanu, Mikolov & Bengio 2013, "On the difficulty of
training recurrent neural networks", Algorithm 1; Goodfellow et al., *Deep Learning*, 10.11.1)
rescales the gradient to length at most ``max_norm`` and keeps its direction:
``g <- g * max_norm / ||g||`` when ``||g|| > max_norm``.  Clipping *by global norm* treats the
gradients of all parameters as one long vector, so every tensor is scaled by the same factor.

``torch.nn.utils.clip_grad_norm_`` always multiplies by
``min(max_norm / (total_norm + 1e-6), 1)``; the ``1e-6`` guards against division by zero.
Clipping by value (``clip_grad_value_``) clamps each entry to ``[-clip_value, clip_value]`` and
changes the direction.
"""

from __future__ import annotations

import math
import numbers
from collections.abc import Sequence

import numpy as np

from quizzer.compute.norms import vector_norm

__all__ = ["EPS", "clip_grad_norm", "clip_grad_value", "total_norm"]

EPS = 1e-6  # added to the total norm by torch.nn.utils.clip_grad_norm_


def _grads(grads: Sequence[object]) -> list[np.ndarray]:
    if isinstance(grads, np.ndarray):
        grads = [grads]
    arrays = [np.asarray(g, dtype=float) for g in grads]
    if not arrays:
        raise ValueError("grads must hold at least one gradient array")
    return arrays


def _norm_type(norm_type: float) -> float:
    p = float(norm_type)
    if not p > 0:
        raise ValueError(f"norm_type must be positive (or inf), got {norm_type!r}")
    return p


def total_norm(grads: Sequence[object], norm_type: float = 2.0) -> float:
    """The ``norm_type``-norm of all gradients viewed as one vector.

    Computed as torch does, as the norm of the per-tensor norms; for a p-norm this equals the norm
    of the concatenation, for ``inf`` the largest absolute entry.
    """
    p = _norm_type(norm_type)
    arrays = _grads(grads)
    if math.isinf(p):
        return float(max((np.max(np.abs(g)) if g.size else 0.0) for g in arrays))
    return float(vector_norm([vector_norm(g, p) for g in arrays], p))


def clip_grad_norm(
    grads: Sequence[object], max_norm: float, norm_type: float = 2.0
) -> tuple[list[np.ndarray], float]:
    """Scale all ``grads`` by ``min(max_norm / (total_norm + 1e-6), 1)``, as ``clip_grad_norm_``.

    Returns ``(clipped, total_norm)``: new arrays (the inputs are not modified) and the total norm
    *before* clipping, which is what torch returns.  Gradients whose total norm is at most
    ``max_norm`` come back (almost) unchanged: the factor is clamped to 1, never above.
    """
    if not isinstance(max_norm, numbers.Real) or isinstance(max_norm, bool) or not max_norm >= 0:
        raise ValueError(f"max_norm must be a non-negative number, got {max_norm!r}")
    arrays = _grads(grads)
    norm = total_norm(arrays, norm_type)
    coef = min(float(max_norm) / (norm + EPS), 1.0)
    return [g * coef for g in arrays], norm


def clip_grad_value(grads: Sequence[object], clip_value: float) -> list[np.ndarray]:
    """Clamp every entry to ``[-clip_value, clip_value]``, as ``torch.nn.utils.clip_grad_value_``."""
    if not isinstance(clip_value, numbers.Real) or isinstance(clip_value, bool) or not clip_value >= 0:
        raise ValueError(f"clip_value must be a non-negative number, got {clip_value!r}")
    return [np.clip(g, -float(clip_value), float(clip_value)) for g in _grads(grads)]
