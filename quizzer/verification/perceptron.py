"""Cross-check of ``quizzer.compute.perceptron`` against torch.

PyTorch has no perceptron, so the algorithm is run a second time on torch tensors and must make
the same updates; radius, distances and margins are recomputed with torch's linear algebra.  The
exact maximum margin has no torch counterpart either, so each answer is checked by a
certificate computed in torch: the returned hyperplane is feasible, its closest points are all
at the reported margin, and its normal is a non-negative combination of those points' ``y_i x_i``
(with ``sum lambda_i y_i = 0`` when there is a bias).  These are the Karush-Kuhn-Tucker
conditions, which for this convex problem prove optimality.  Finally every run on separable data
must respect Novikoff's bound.
"""

from __future__ import annotations

import itertools
import math

import numpy as np

from quizzer.compute import perceptron as pc
from quizzer.verification import CheckResult

__all__ = ["run"]

MAX_FAILURES = 5
RTOL = 1e-12


def _add(result: CheckResult, label: str, err: float, tol: float = RTOL) -> None:
    result.cases += 1
    result.max_error = max(result.max_error, err)
    if not err <= tol and len(result.failures) < MAX_FAILURES:
        result.failures.append(f"{label}: error {err:.3g}")


def _rel(a: float, b: float) -> float:
    if a == b:
        return 0.0
    return abs(a - b) / max(abs(b), 1e-300) if math.isfinite(a) and math.isfinite(b) else math.inf


def _data(rng, separable: bool) -> tuple[np.ndarray, np.ndarray]:
    d = int(rng.integers(1, 4))
    n = int(rng.integers(2, 11))
    while True:
        X = rng.integers(-6, 7, size=(n, d)).astype(np.float64)
        if rng.random() < 0.3:
            X = X / 2
        if separable:
            w = rng.integers(-3, 4, size=d).astype(np.float64)
            score = X @ w + float(rng.integers(-3, 4))
            if not np.all(score != 0):
                continue
            y = np.sign(score)
        else:
            y = rng.choice([-1.0, 1.0], size=n)
        if np.any(y > 0) and np.any(y < 0):
            return X, y


def _torch_train(torch, X: np.ndarray, y: np.ndarray, max_epochs: int):
    points = torch.cat([torch.from_numpy(X), torch.ones((X.shape[0], 1), dtype=torch.float64)], dim=1)
    labels = torch.from_numpy(y)
    w = torch.zeros(points.shape[1], dtype=torch.float64)
    mistakes, epochs, clean = 0, 0, False
    while epochs < max_epochs and not clean:
        epochs += 1
        clean = True
        for i in range(points.shape[0]):
            if float(labels[i] * torch.dot(w, points[i])) <= 0:
                w = w + labels[i] * points[i]
                mistakes += 1
                clean = False
    return tuple(w.tolist()), mistakes, epochs, clean


def _certificate(torch, X: np.ndarray, y: np.ndarray, mm: pc.MaxMargin, bias: bool) -> float:
    """0 when (w, b, margin) satisfies the optimality conditions in torch, else how far off."""
    Xt, yt = torch.from_numpy(X), torch.from_numpy(y)
    w = torch.tensor(mm.weights, dtype=torch.float64)
    dist = yt * (Xt @ w + mm.bias)
    err = max(abs(float(torch.linalg.vector_norm(w)) - 1.0), _rel(float(dist.min()), mm.margin))
    support = [i for i in range(len(y)) if float(dist[i]) <= mm.margin * (1 + 1e-9)]
    rows = [yt[i] * Xt[i] for i in support]
    columns = torch.stack([torch.cat([r, yt[i : i + 1]]) if bias else r for r, i in zip(rows, support, strict=True)], dim=1)
    target = torch.cat([w, torch.zeros(1, dtype=torch.float64)]) if bias else w
    best = math.inf
    for size in range(1, len(support) + 1):
        for subset in itertools.combinations(range(len(support)), size):
            a = columns[:, list(subset)]
            lam = torch.linalg.lstsq(a, target[:, None]).solution[:, 0]
            residual = float(torch.linalg.vector_norm(a @ lam - target))
            if float(lam.min()) >= -1e-9 * max(1.0, float(lam.abs().max())):
                best = min(best, residual)
        if best <= 1e-9:
            break
    return max(err, best)


def run(torch, rng, cases: int) -> list[CheckResult]:
    """Compare training, radius, margins and distances with torch on ``cases`` random data sets."""
    names = ("train", "radius", "distance", "margin", "max_margin", "mistake_bound")
    res = {n: CheckResult("perceptron", n) for n in names}
    for n in range(cases):
        separable = n % 4 != 3
        X, y = _data(rng, separable)
        label = f"X={X.tolist()} y={y.tolist()}"
        Xt, yt = torch.from_numpy(X), torch.from_numpy(y)

        max_epochs = 1000 if separable else 30
        ours = pc.train(X, y, max_epochs=max_epochs)
        theirs = _torch_train(torch, X, y, max_epochs)
        same = (ours.weights, ours.mistakes, ours.epochs, ours.converged) == theirs
        _add(res["train"], label, 0.0 if same else math.inf)

        _add(res["radius"], label, _rel(pc.radius(X), float(torch.linalg.vector_norm(Xt, dim=1).max())))

        w = rng.integers(-4, 5, size=X.shape[1]).astype(np.float64)
        if not np.any(w):
            w[0] = 1.0
        b = float(rng.uniform(-3, 3))
        wt = torch.from_numpy(w)
        norm = float(torch.linalg.vector_norm(wt))
        x0 = X[0]
        _add(res["distance"], label, _rel(pc.distance(x0, w, b), abs(float(wt @ Xt[0]) + b) / norm))
        _add(res["margin"], label, _rel(pc.margin(X, y, w, b), float((yt * (Xt @ wt + b)).min()) / norm))

        if not separable:
            continue
        for bias, points in ((True, X), (False, pc.augment(X))):
            mm = pc.max_margin(points, y, bias=bias)
            _add(res["max_margin"], f"{label} bias={bias}", _certificate(torch, points, y, mm, bias), 1e-9)
        aug = pc.augment(X)
        found = pc.margin(aug, y, ours.weights)
        best = pc.max_margin(aug, y, bias=False).margin
        bound = pc.novikoff_bound(X, y)
        ok = ours.converged and ours.mistakes <= bound * (1 + 1e-12) and found <= best * (1 + 1e-12)
        _add(res["mistake_bound"], f"{label}: {ours.mistakes} mistakes, bound {bound:.4g}", 0.0 if ok else math.inf)
    return list(res.values())
