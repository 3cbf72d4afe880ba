"""quizzer.compute.perceptron: the algorithm replayed in torch, margins by torch, Novikoff's bound.

The maximum margin has no torch counterpart; it is checked against an independent brute force
over directions (with the best bias for each direction, which has a closed form).
"""

from __future__ import annotations

import math

import numpy as np
import pytest

torch = pytest.importorskip("torch")

from hypothesis import assume, given, settings  # noqa: E402
from hypothesis import strategies as st  # noqa: E402

from quizzer.compute import perceptron as pc  # noqa: E402

SETTINGS = settings(max_examples=150, deadline=None)


@st.composite
def labelled(draw, separable=True, bias=True, dims=(1, 3)):
    d = draw(st.integers(*dims))
    n = draw(st.integers(2, 8))
    X = np.array(draw(st.lists(st.lists(st.integers(-6, 6), min_size=d, max_size=d), min_size=n, max_size=n)), float)
    if separable:
        w = np.array(draw(st.lists(st.integers(-3, 3), min_size=d, max_size=d)), float)
        score = X @ w + (draw(st.integers(-3, 3)) if bias else 0)
        assume(np.all(score != 0))
        y = np.sign(score)
    else:
        y = np.array(draw(st.lists(st.sampled_from([-1.0, 1.0]), min_size=n, max_size=n)))
    assume(np.any(y > 0) and np.any(y < 0))
    return X, y


def torch_perceptron(X, y, max_epochs, bias=True):
    points = torch.from_numpy(np.hstack([X, np.ones((len(X), 1))]) if bias else X)
    labels = torch.from_numpy(y)
    w = torch.zeros(points.shape[1], dtype=torch.float64)
    mistakes = epochs = 0
    clean = False
    while epochs < max_epochs and not clean:
        epochs += 1
        clean = True
        for i in range(len(points)):
            if float(labels[i] * (w @ points[i])) <= 0:
                w, mistakes, clean = w + labels[i] * points[i], mistakes + 1, False
    return tuple(w.tolist()), mistakes, epochs, clean


@SETTINGS
@given(labelled(separable=False) | labelled(), st.booleans())
def test_train_matches_torch_run(data, bias):
    X, y = data
    r = pc.train(X, y, max_epochs=40, bias=bias)
    assert (r.weights, r.mistakes, r.epochs, r.converged) == torch_perceptron(X, y, 40, bias)
    assert len(r.updates) == r.mistakes and all(1 <= e <= r.epochs for e, _ in r.updates)


@SETTINGS
@given(labelled(), st.booleans())
def test_separable_data_converge_within_novikoff_bound(data, bias):
    X, y = data
    if not bias:
        assume(np.all(X.any(axis=1)))
        try:
            pc.max_margin(X, y, bias=False)
        except ValueError:
            assume(False)  # not separable through the origin
    r = pc.train(X, y, bias=bias)
    assert r.converged
    assert r.mistakes <= pc.novikoff_bound(X, y, bias=bias) * (1 + 1e-12)
    points = pc.augment(X) if bias else X
    best = pc.max_margin(points, y, bias=False)
    assert pc.margin(points, y, r.weights) <= best.margin * (1 + 1e-12)  # the run's hyperplane is no better
    assert pc.margin(points, y, r.weights) > 0


def best_margin_by_directions(X, y, bias, count=200_000):
    """Max over evenly spaced unit directions (1-D or 2-D data) of the margin; with a bias the
    best offset for a direction has a closed form."""
    if X.shape[1] == 1:
        W = torch.tensor([[1.0], [-1.0]], dtype=torch.float64)
    else:
        angle = torch.linspace(0, 2 * math.pi, count, dtype=torch.float64)
        W = torch.stack([torch.cos(angle), torch.sin(angle)], dim=1)
    s = torch.from_numpy(X) @ W.T  # (n, count)
    yt = torch.from_numpy(y)[:, None]
    if bias:  # (min over + of w.x - max over - of w.x) / 2, at b = -(that min + that max) / 2
        pos = torch.where(yt > 0, s, torch.inf).min(dim=0).values
        neg = torch.where(yt < 0, s, -torch.inf).max(dim=0).values
        return float(((pos - neg) / 2).max())
    return float((yt * s).min(dim=0).values.max())


@settings(max_examples=60, deadline=None)
@given(labelled(dims=(1, 2)), st.booleans())
def test_max_margin_is_the_best_direction(data, bias):
    X, y = data
    try:
        mm = pc.max_margin(X, y, bias=bias)
    except ValueError:
        assume(False)
    assert pc.margin(X, y, mm.weights, mm.bias) == pytest.approx(mm.margin, rel=1e-12)
    assert math.hypot(*mm.weights) == pytest.approx(1.0, rel=1e-12)
    sampled = best_margin_by_directions(X, y, bias)
    assert sampled <= mm.margin * (1 + 1e-12)
    assert sampled >= mm.margin * (1 - 1e-3) - 1e-9  # dense directions get close to the optimum
    support = np.flatnonzero(y * (X @ np.array(mm.weights) + mm.bias) <= mm.margin * (1 + 1e-9))
    assert set(mm.support) == set(support.tolist())


def test_golden_runs_and_margins():
    X, y = [[2, 1], [1, 3], [-1, -1], [-2, 1]], [1, 1, -1, -1]
    r = pc.train(X, y)
    assert r == pc.TrainResult((2.0, 1.0, 1.0), 1, 2, True, ((1, 0),))
    assert pc.max_margin([[1, 0], [-1, 0]], [1, -1], bias=False).margin == pytest.approx(1.0)
    mm = pc.max_margin([[0, 0], [2, 0]], [-1, 1])
    assert (mm.margin, *mm.weights, mm.bias) == pytest.approx((1.0, 1.0, 0.0, -1.0))
    assert mm.support == (0, 1)
    assert pc.radius(X) == pytest.approx(math.sqrt(10))
    assert pc.radius(pc.augment(X)) == pytest.approx(math.sqrt(11))
    assert pc.distance([1, 2], [3, 4], -1) == 2.0 and pc.distance([0, 0], [3, 4], -10, signed=True) == -2.0


@SETTINGS
@given(labelled(separable=False), st.lists(st.integers(-4, 4), min_size=3, max_size=3), st.floats(-3, 3))
def test_radius_distance_margin_match_torch(data, w, b):
    X, y = data
    w = np.array(w[: X.shape[1]], float)
    assume(np.any(w))
    Xt, yt, wt = torch.from_numpy(X), torch.from_numpy(y), torch.from_numpy(w)
    norm = float(torch.linalg.vector_norm(wt))
    assert pc.radius(X) == pytest.approx(float(torch.linalg.vector_norm(Xt, dim=1).max()), rel=1e-12)
    assert pc.distance(X[0], w, b) == pytest.approx(abs(float(wt @ Xt[0]) + b) / norm, rel=1e-12, abs=1e-300)
    assert pc.margin(X, y, w, b) == pytest.approx(float((yt * (Xt @ wt + b)).min()) / norm, rel=1e-12, abs=1e-300)


def test_non_separable_runs_stop_at_max_epochs():
    r = pc.train([[0.0], [0.0]], [1, -1], max_epochs=7)  # the same point with both labels
    assert not r.converged and r.epochs == 7 and r.mistakes == 14  # w flips between (0, 1) and 0


def test_mistake_bound_and_the_lecture_notes_form():
    assert pc.mistake_bound(2, 0.25) == 64
    gap = 0.5  # the notes' gamma: width of the empty band, twice the margin
    assert pc.mistake_bound(3, gap / 2) == pytest.approx(4 * 3**2 / gap**2)


@pytest.mark.parametrize(
    ("call", "message"),
    [
        (lambda: pc.train([[1, 2]], [0]), "labels y must be -1 or \\+1"),
        (lambda: pc.train([[1, 2]], [1, -1]), "1 points but y has 2"),
        (lambda: pc.train([1, 2], [1, -1]), "2-D"),
        (lambda: pc.train([[1.0]], [1], max_epochs=0), "max_epochs"),
        (lambda: pc.margin([[1, 2]], [1], [0, 0]), "zero vector"),
        (lambda: pc.margin([[1, 2]], [1], [1, 2, 3]), "2 entries"),
        (lambda: pc.max_margin([[0.0], [1.0], [2.0]], [1, -1, 1]), "not linearly separable"),
        (lambda: pc.max_margin([[1.0], [2.0]], [1, 1]), "both classes"),
        (lambda: pc.max_margin([[1.0], [-1.0]], [1, 1], bias=False), "through 0"),
        (lambda: pc.mistake_bound(0, 1), "radius must be positive"),
        (lambda: pc.mistake_bound(1, 0), "margin must be positive"),
        (lambda: pc.mistake_bound(0.5, 2), "cannot exceed radius"),
    ],
)
def test_errors(call, message):
    with pytest.raises(ValueError, match=message):
        call()


@settings(max_examples=300, deadline=None)
@given(labelled(separable=False), st.booleans(), st.booleans())
def test_lists_and_arrays_train_alike(data, bias, floats):
    """Short Python lists take a path without numpy; it must train exactly as the array path."""
    X, y = data
    rows = [[float(v) + (0.25 if floats else 0.0) for v in r] for r in X.tolist()]
    labels = [int(v) for v in y.tolist()]
    from_lists = pc.train(rows, labels, max_epochs=20, bias=bias)
    from_arrays = pc.train(np.array(rows), np.array(labels), max_epochs=20, bias=bias)
    assert from_lists == from_arrays
