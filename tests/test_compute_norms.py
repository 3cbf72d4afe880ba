"""quizzer.compute.norms against torch.linalg, plus golden values, properties and errors."""

from __future__ import annotations

import math

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from hypothesis.extra.numpy import array_shapes, arrays

from quizzer.compute import norms

torch = pytest.importorskip("torch")

ORDS = [0, 1, 2, math.inf, -math.inf, 0.5, 3, -1, 2.5]
# Zero or 1e-60..1e6 in size: torch sums plain powers, which underflow for tinier entries.
finite = st.builds(lambda sign, size: sign * size, st.sampled_from([-1.0, 1.0]), st.one_of(st.just(0.0), st.floats(1e-60, 1e6)))


def rel(a, b, floor=1e-300):
    a, b = np.asarray(a, dtype=float), np.asarray(b, dtype=float)
    assert a.shape == b.shape
    same = a == b
    return float(np.max(np.where(same, 0.0, np.abs(a - b) / np.maximum(np.abs(b), floor)), initial=0.0))


def test_golden_vector_norms():
    x = [3, -4, 0, 12]
    assert norms.l0_norm(x) == 3
    assert norms.l1_norm(x) == 19
    assert norms.l2_norm(x) == 13
    assert norms.linf_norm(x) == 12
    assert norms.vector_norm(x, -math.inf) == 0
    assert norms.vector_norm([0.0, 0.0], 0) == 0.0


def test_golden_frobenius():
    assert norms.frobenius_norm([[1, 2], [3, 4]]) == pytest.approx(math.sqrt(30), rel=1e-15)
    assert norms.matrix_norm([[1, 2], [3, 4]], "fro") == pytest.approx(math.sqrt(30), rel=1e-15)


@settings(max_examples=150, deadline=None)
@given(arrays(np.float64, array_shapes(min_dims=1, max_dims=3, max_side=5), elements=finite), st.sampled_from(ORDS))
def test_vector_norm_matches_torch(x, ord_):
    assert rel(norms.vector_norm(x, ord_), torch.linalg.vector_norm(torch.from_numpy(x), ord_).item()) <= 1e-12


@settings(max_examples=80, deadline=None)
@given(arrays(np.float64, array_shapes(min_dims=2, max_dims=3, max_side=4), elements=finite), st.sampled_from(ORDS),
       st.data())
def test_vector_norm_over_a_dim_matches_torch(x, ord_, data):
    dim = data.draw(st.integers(-x.ndim, x.ndim - 1))
    keepdim = data.draw(st.booleans())
    ours = norms.vector_norm(x, ord_, dim=dim, keepdim=keepdim)
    theirs = torch.linalg.vector_norm(torch.from_numpy(x), ord_, dim=dim, keepdim=keepdim).numpy()
    assert np.shape(ours) == theirs.shape
    assert rel(ours, theirs) <= 1e-12


@settings(max_examples=100, deadline=None)
@given(arrays(np.float64, array_shapes(min_dims=2, max_dims=3, max_side=5), elements=finite),
       st.sampled_from(["fro", "nuc", math.inf, -math.inf, 1, -1, 2, -2]))
def test_matrix_norm_matches_torch(a, ord_):
    scale = float(np.max(np.abs(a))) or 1.0  # singular values come from different LAPACK calls
    assert rel(norms.matrix_norm(a, ord_), torch.linalg.matrix_norm(torch.from_numpy(a), ord_).numpy(), scale) <= 1e-12


@settings(max_examples=100, deadline=None)
@given(arrays(np.float64, array_shapes(min_dims=2, max_dims=2, max_side=6), elements=finite))
def test_frobenius_matches_torch_and_trace_identity(a):
    ours = norms.frobenius_norm(a)
    assert rel(ours, torch.linalg.matrix_norm(torch.from_numpy(a), "fro").item()) <= 1e-12
    assert ours == pytest.approx(math.sqrt(np.trace(a @ a.T)), rel=1e-9, abs=1e-12)
    assert ours == pytest.approx(norms.vector_norm(a.ravel(), 2), rel=1e-15)


@settings(max_examples=100, deadline=None)
@given(arrays(np.float64, st.integers(1, 8), elements=finite), arrays(np.float64, st.integers(1, 8), elements=finite),
       st.sampled_from([1, 2, 3, math.inf]), st.floats(-100, 100))
def test_norm_properties(x, y, p, alpha):
    n = min(x.size, y.size)
    x, y = x[:n], y[:n]
    tol = 1e-9 * (norms.vector_norm(x, p) + norms.vector_norm(y, p) + 1)
    assert norms.vector_norm(x + y, p) <= norms.vector_norm(x, p) + norms.vector_norm(y, p) + tol  # triangle
    assert norms.vector_norm(alpha * x, p) == pytest.approx(abs(alpha) * norms.vector_norm(x, p), rel=1e-9, abs=1e-9)
    # L-inf <= L2 <= L1 <= sqrt(n) L2
    linf, l2, l1 = norms.linf_norm(x), norms.l2_norm(x), norms.l1_norm(x)
    assert linf <= l2 * (1 + 1e-12) + 1e-300 and l2 <= l1 * (1 + 1e-12) + 1e-300
    assert l1 <= math.sqrt(n) * l2 * (1 + 1e-12) + 1e-300


def test_l0_is_not_homogeneous():
    x = [0.0, 2.0, -3.0]
    assert norms.l0_norm([10 * v for v in x]) == norms.l0_norm(x) == 2


def test_scaled_where_torch_overflows_or_underflows():
    assert torch.linalg.vector_norm(torch.tensor([1e200, -1e200], dtype=torch.float64)).item() == math.inf
    assert norms.vector_norm([1e200, -1e200]) == pytest.approx(math.hypot(1e200, 1e200), rel=1e-15)
    assert norms.vector_norm([3e-200, 4e-200]) == pytest.approx(5e-200, rel=1e-15)
    assert norms.frobenius_norm([[3e200], [4e200]]) == pytest.approx(5e200, rel=1e-15)
    assert norms.vector_norm([1e300, 1e300], 3) == pytest.approx(2 ** (1 / 3) * 1e300, rel=1e-14)
    assert norms.vector_norm(np.zeros((0, 3)), 2, dim=0).tolist() == [0.0, 0.0, 0.0]


@pytest.mark.parametrize(
    ("call", "message"),
    [
        (lambda: norms.matrix_norm([1.0, 2.0]), "at least 2 dimensions"),
        (lambda: norms.matrix_norm([[1.0]], "max"), "ord must be one of"),
        (lambda: norms.matrix_norm([[1.0]], dim=(0, 0)), "two different dimensions"),
        (lambda: norms.vector_norm([], math.inf), "at least one element"),
        (lambda: norms.vector_norm([1.0], math.nan), "ord must be a real number"),
        (lambda: norms.vector_norm([1.0], "fro"), "ord must be a real number"),
        (lambda: norms.frobenius_norm(np.ones((2, 2, 2))), "must be a matrix"),
    ],
)
def test_errors_name_the_rule(call, message):
    with pytest.raises(ValueError, match=message):
        call()
