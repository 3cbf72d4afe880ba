"""The perceptron, its margins and Novikoff's mistake bound.

The perceptron is the one learning algorithm whose convergence proof is asked in interviews, and
the proof has exactly two quantities: the radius ``R`` of the data and the margin ``gamma`` of a
separating hyperplane.  This module trains the perceptron exactly as the proof describes it, and
computes ``R``, margins (including the best one, by solving the hard-margin problem exactly) and
the bound, so exercises can check each step.

Conventions, used consistently:

* :func:`train` appends the bias as a constant-1 feature *last*, so it works on the augmented
  points ``(x, 1)`` and returns ``d + 1`` weights.
* :func:`radius` and :func:`margin` measure the points *as given*.  The bound for :func:`train`
  therefore uses ``radius(augment(X))`` and the through-origin margin of the augmented points,
  ``max_margin(augment(X), y, bias=False)``; :func:`novikoff_bound` does exactly that.
"""

from __future__ import annotations

import itertools
import math
import operator
from dataclasses import dataclass

import numpy as np

__all__ = [
    "MaxMargin",
    "TrainResult",
    "augment",
    "distance",
    "margin",
    "max_margin",
    "mistake_bound",
    "novikoff_bound",
    "radius",
    "train",
]


def _points(X: object) -> np.ndarray:
    a = np.asarray(X, dtype=np.float64)
    if a.ndim != 2 or a.shape[0] == 0 or a.shape[1] == 0:
        raise ValueError("X must be a non-empty 2-D array: one row per point")
    if not np.all(np.isfinite(a)):
        raise ValueError("X must hold finite numbers")
    return a


def _data(X: object, y: object) -> tuple[np.ndarray, np.ndarray]:
    a = _points(X)
    labels = np.asarray(y, dtype=np.float64).reshape(-1)
    if labels.size != a.shape[0]:
        raise ValueError(f"X has {a.shape[0]} points but y has {labels.size} labels")
    if not np.all((labels == 1) | (labels == -1)):
        raise ValueError("labels y must be -1 or +1")
    return a, labels


def _small_rows(X: object, y: object) -> tuple[list[list[float]], list[float]] | None:
    """``_data`` for a short list of short rows of plain numbers, without numpy; None otherwise."""
    if not (isinstance(X, (list, tuple)) and isinstance(y, (list, tuple)) and 0 < len(X) <= 256):
        return None
    if not all(isinstance(r, (list, tuple)) and all(type(v) is int or type(v) is float for v in r) for r in X):
        return None
    d = len(X[0])
    if d == 0 or any(len(r) != d for r in X):
        return None  # let _data say what is wrong
    if not all(type(v) is int or type(v) is float for v in y) or len(y) != len(X):
        return None
    rows = [[float(v) for v in r] for r in X]
    if not all(math.isfinite(v) for r in rows for v in r):
        raise ValueError("X must hold finite numbers")
    if not all(v == 1 or v == -1 for v in y):
        raise ValueError("labels y must be -1 or +1")
    return rows, [float(v) for v in y]


def _vector(w: object, d: int, name: str = "w") -> np.ndarray:
    v = np.asarray(w, dtype=np.float64).reshape(-1)
    if v.size != d:
        raise ValueError(f"{name} must have {d} entries (one per feature), got {v.size}")
    if not np.all(np.isfinite(v)):
        raise ValueError(f"{name} must hold finite numbers")
    if not np.any(v):
        raise ValueError(f"{name} must not be the zero vector: it defines no hyperplane")
    return v


def augment(X: object) -> np.ndarray:
    """The points with a constant-1 feature appended last: ``w . (x, 1) = w[:-1] . x + w[-1]``."""
    a = _points(X)
    return np.hstack([a, np.ones((a.shape[0], 1))])


@dataclass(frozen=True)
class TrainResult:
    """Outcome of :func:`train`."""

    weights: tuple[float, ...]  # d + 1 entries, the bias last (d entries when trained without bias)
    mistakes: int  # number of updates
    epochs: int  # passes over the data, including the final pass without a mistake
    converged: bool  # a full pass made no mistake
    updates: tuple[tuple[int, int], ...]  # (pass, point index), 1-based pass, of each update in order


def train(X: object, y: object, max_epochs: int = 1000, bias: bool = True) -> TrainResult:
    """Rosenblatt's perceptron: ``w = 0``, cycle through the points in order, and on every
    ``y_i (w . x_i) <= 0`` (a mistake; ``0`` counts, or ``w = 0`` would never move) update
    ``w += y_i x_i``.  Stops after the first pass without a mistake, or after ``max_epochs``.

    The points are augmented with a constant-1 feature last, so the bias is learned as the last
    weight; ``bias=False`` trains a hyperplane through the origin on the points as given.  On
    separable data Novikoff's theorem bounds ``mistakes`` by ``(R / gamma)^2`` with
    ``R`` and ``gamma`` measured on the augmented points (see :func:`novikoff_bound`).
    """
    rows = _small_rows(X, y)
    if rows is None:
        a, labels_array = _data(X, y)
        rows = (a.tolist(), labels_array.tolist())
    if isinstance(max_epochs, bool) or int(max_epochs) != max_epochs or max_epochs < 1:
        raise ValueError(f"max_epochs must be a positive integer, got {max_epochs!r}")
    points = [[*x, 1.0] for x in rows[0]] if bias else rows[0]
    labels = rows[1]
    # Plain floats, not numpy: the points are few and short, and a numpy call per dot product
    # costs more than the arithmetic.  Sums run left to right, as written in the docstring.
    w = [0.0] * len(points[0])
    updates: list[tuple[int, int]] = []
    converged = False
    epochs = 0
    # y_i x_i once per point: multiplying by +-1 is exact, so w . (y x) is y (w . x) to the bit.
    signed = [[label * v for v in x] for x, label in zip(points, labels, strict=True)]
    while epochs < max_epochs and not converged:
        epochs += 1
        converged = True
        for i, yx in enumerate(signed):
            if sum(map(operator.mul, w, yx)) <= 0:
                w = list(map(operator.add, w, yx))
                updates.append((epochs, i))
                converged = False
    return TrainResult(tuple(w), len(updates), epochs, converged, tuple(updates))


def radius(X: object) -> float:
    """``R = max_i ||x_i||``, the radius of the smallest origin-centred ball holding the points.

    Measured on the points as given; pass ``augment(X)`` for the ``R`` of :func:`train`'s bound
    (the constant feature makes every norm at least 1).
    """
    return float(np.max(np.linalg.norm(_points(X), axis=1)))


def distance(x: object, w: object, b: float = 0.0, signed: bool = False) -> float:
    """Distance from the point ``x`` to the hyperplane ``w . x + b = 0``: ``|w . x + b| / ||w||``.

    ``w . x + b`` alone (the functional margin) changes when ``w`` and ``b`` are scaled; dividing
    by ``||w||`` gives the geometric distance.  ``signed=True`` keeps the sign (positive on the
    side ``w`` points to).
    """
    p = np.asarray(x, dtype=np.float64).reshape(-1)
    v = _vector(w, p.size)
    s = (float(v @ p) + float(b)) / float(np.linalg.norm(v))
    return s if signed else abs(s)


def margin(X: object, y: object, w: object, b: float = 0.0) -> float:
    """Geometric margin of the hyperplane ``w . x + b = 0``: ``min_i y_i (w . x_i + b) / ||w||``.

    Positive iff the hyperplane separates the classes; it is then the distance from the
    hyperplane to the closest point.  For the margin of :func:`train`'s weights in its own space
    use ``margin(augment(X), y, result.weights)``.
    """
    a, labels = _data(X, y)
    v = _vector(w, a.shape[1])
    return float(np.min(labels * (a @ v + float(b)))) / float(np.linalg.norm(v))


@dataclass(frozen=True)
class MaxMargin:
    """The separating hyperplane with the largest geometric margin (hard-margin SVM)."""

    margin: float
    weights: tuple[float, ...]  # unit length, so margin(X, y, weights, bias) == margin
    bias: float  # 0.0 when solved with bias=False
    support: tuple[int, ...]  # indices of the points at distance exactly `margin`


def max_margin(X: object, y: object, bias: bool = True) -> MaxMargin:
    """Largest geometric margin over all separating hyperplanes, solved exactly.

    The hard-margin problem ``min ||w||^2 s.t. y_i (w . x_i + b) >= 1`` has its optimum at
    ``w = sum_S mu_i y_i x_i`` over a set ``S`` of support points with ``mu >= 0`` (and
    ``sum mu_i y_i = 0`` when there is a bias); Caratheodory's theorem lets ``S`` be linearly
    independent, so it has at most ``d`` (``d + 1`` with bias) points.  Every such set is tried,
    its equality system solved, and the Karush-Kuhn-Tucker conditions checked; for a convex
    problem those are sufficient, so the first set that passes gives the global optimum (to
    rounding).  The cost is ``O(n^(d+1))`` small solves: meant for the small sets of exercises
    and tests.  ``bias=False`` restricts to
    hyperplanes through the origin (Novikoff's setting).  Raises ValueError when the points are
    not linearly separable.
    """
    a, labels = _data(X, y)
    n, d = a.shape
    if bias and (np.all(labels == 1) or np.all(labels == -1)):
        raise ValueError("max_margin with a bias needs points of both classes")
    v = labels[:, None] * a
    gram = v @ v.T
    tol = 1e-9
    best: tuple[float, np.ndarray, float] | None = None
    for size in range(1, min(n, d + 1 if bias else d) + 1):
        # All support sets of this size at once; pinv also copes with dependent sets, whose
        # solutions are then checked like any other.
        subsets = np.array(list(itertools.combinations(range(n), size)))
        k = size + 1 if bias else size
        m = np.zeros((len(subsets), k, k))
        m[:, :size, :size] = gram[subsets[:, :, None], subsets[:, None, :]]
        rhs = np.ones(k)
        if bias:
            m[:, :size, size] = labels[subsets]
            m[:, size, :size] = labels[subsets]
            rhs[size] = 0.0
        sol = np.einsum("cij,j->ci", np.linalg.pinv(m), rhs)
        residual = np.linalg.norm(np.einsum("cij,cj->ci", m, sol) - rhs, axis=1)
        scale = np.linalg.norm(m, axis=(1, 2)) * np.linalg.norm(sol, axis=1) + 1.0
        mu = sol[:, :size]
        b = sol[:, size] if bias else np.zeros(len(subsets))
        w = np.einsum("cs,csd->cd", mu, v[subsets])
        functional = labels[None, :] * (w @ a.T + b[:, None])
        norms = np.linalg.norm(w, axis=1)
        ok = (
            (residual <= tol * scale)
            & np.all(mu >= -tol * np.maximum(1.0, np.max(np.abs(mu), axis=1, initial=0.0))[:, None], axis=1)
            & (np.min(functional, axis=1) >= 1 - tol)
            & (norms > 0)
        )
        if np.any(ok):
            # Every candidate satisfies the KKT conditions, so each is optimal: the smallest
            # size that has one is enough.
            i = int(np.flatnonzero(ok)[np.argmin(norms[ok])])
            best = (float(norms[i]), w[i], float(b[i]))
            break
    if best is None:
        raise ValueError("the points are not linearly separable" + ("" if bias else " by a hyperplane through 0"))
    norm, w, b = best
    functional = labels * (a @ w + b)
    support = tuple(int(i) for i in np.flatnonzero(functional <= 1 + 1e-7))
    return MaxMargin(1.0 / norm, tuple(float(c) for c in w / norm), b / norm, support)


def mistake_bound(radius: float, margin: float) -> float:
    """Novikoff's bound ``(R / gamma)^2`` on the number of perceptron updates.

    Holds when every point has ``||x_i|| <= R`` and some unit ``w*`` has ``y_i w* . x_i >= gamma``
    for all ``i`` (``gamma`` is the geometric margin of ``w*``; any separating ``w*`` gives a
    valid bound, the best one gives the tightest).  Proof: each update raises ``w . w*`` by at
    least ``gamma`` and ``||w||^2`` by at most ``R^2``, so after ``k`` updates
    ``k gamma <= ||w|| <= sqrt(k) R``.

    Lecture notes often write ``4 R^2 / gamma^2``.  That is the same theorem with the assumption
    written ``y_i w* . x_i >= gamma / 2``: there ``gamma`` is the *width* of the empty band
    between the classes, twice the margin, and ``(R / (gamma/2))^2 = 4 R^2 / gamma^2``.  Use
    ``4 R^2 / gamma^2`` only with that band-width ``gamma``; with the ordinary margin it
    overstates the bound four times.  The number of mistakes is at most the floor of the bound.
    """
    r, g = float(radius), float(margin)
    if not (math.isfinite(r) and r > 0):
        raise ValueError(f"radius must be positive and finite, got {radius!r}")
    if not (math.isfinite(g) and g > 0):
        raise ValueError(f"margin must be positive (the data must be separable), got {margin!r}")
    # A separating hyperplane through 0 is at most min ||x_i|| <= R from the points; with a bias,
    # two points of opposite classes are at most 2R apart and each gamma from the plane between.
    if g > r * (1 + 1e-12):
        raise ValueError(f"margin {g} cannot exceed radius {r}; are the arguments swapped?")
    return (r / g) ** 2


def novikoff_bound(X: object, y: object, bias: bool = True) -> float:
    """The tightest Novikoff bound for ``train(X, y, bias=bias)``.

    With a bias, ``train`` runs on the augmented points, so ``R = radius(augment(X))`` and
    ``gamma`` is the best through-origin margin of the augmented points; without, both are
    measured on ``X`` itself.
    """
    points = augment(X) if bias else _points(X)
    return mistake_bound(radius(points), max_margin(points, y, bias=False).margin)
