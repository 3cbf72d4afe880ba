"""quizzer.compute.softmax against torch.softmax / log_softmax / logsumexp, and the naive formula's failures.

Reals agree with torch to 1e-12 relative in float64.  Log-domain values are compared relative to
``max(|value|, 1e-3)``: a log-probability near 0 is ``log(1 + tiny)``, whose absolute rounding
error (a few machine epsilons, whoever sums the terms) is a large relative one.
"""

from __future__ import annotations

import numpy as np
import pytest

torch = pytest.importorskip("torch")

from hypothesis import given, settings  # noqa: E402
from hypothesis import strategies as st  # noqa: E402
from hypothesis.extra import numpy as hnp  # noqa: E402

from quizzer.compute import softmax as sm  # noqa: E402

SETTINGS = settings(max_examples=200, deadline=None)


def rel_error(ours, theirs, floor: float) -> float:
    a, b = np.asarray(ours, dtype=np.float64), np.asarray(theirs, dtype=np.float64)
    assert a.shape == b.shape
    same = (a == b) | (np.isnan(a) & np.isnan(b))
    with np.errstate(invalid="ignore"):
        err = np.abs(a - b) / np.maximum(np.abs(b), floor)
    return float(np.max(np.where(same, 0.0, np.nan_to_num(err, nan=np.inf)), initial=0.0))


arrays = st.integers(1, 3).flatmap(
    lambda nd: hnp.arrays(np.float64, hnp.array_shapes(min_dims=nd, max_dims=nd, max_side=5),
                          elements=st.floats(-1e4, 1e4, allow_nan=False)))


@SETTINGS
@given(arrays, st.data())
def test_float64_matches_torch(x, data):
    axis = data.draw(st.integers(-x.ndim, x.ndim - 1))
    t = torch.from_numpy(x)
    assert rel_error(sm.softmax(x, axis=axis), torch.softmax(t, dim=axis), 1e-280) <= 1e-12
    assert rel_error(sm.log_softmax(x, axis=axis), torch.log_softmax(t, dim=axis), 1e-3) <= 1e-12
    assert rel_error(sm.logsumexp(x, axis=axis), torch.logsumexp(t, dim=axis), 1e-3) <= 1e-12


@SETTINGS
@given(hnp.arrays(np.float64, st.integers(1, 8), elements=st.floats(-50, 50)), st.floats(0.1, 10))
def test_temperature_matches_torch(x, temperature):
    theirs = torch.softmax(torch.from_numpy(x) / temperature, dim=-1)
    assert rel_error(sm.softmax(x, temperature=temperature), theirs, 1e-280) <= 1e-12


HUGE = [[1e4, -1e4, 0.0], [1000.0, 1001.0, 999.0], [-1000.0, -1001.0, -1002.0], [3e38, -3e38, 1.0], [88.0, 89.0, 90.0],
        [-104.0, -110.0, -200.0], [3.4e38, 3.4e38]]


@pytest.mark.parametrize("x", HUGE)
def test_float32_is_stable_on_huge_inputs(x):
    a = np.array(x, dtype=np.float32)
    p, logp, lse = sm.softmax(a), sm.log_softmax(a), sm.logsumexp(a)
    assert p.dtype == np.float32 and logp.dtype == np.float32 and lse.dtype == np.float32
    assert np.all(np.isfinite(p)) and abs(float(p.sum()) - 1) < 1e-6
    assert np.isfinite(lse)
    # log-softmax is x - max - ...; only a difference beyond the float range (-6e38) may be -inf.
    spread = np.float64(a.max()) - np.float64(a)
    assert np.all(np.isfinite(logp) == (spread < np.finfo(np.float32).max))
    t = torch.from_numpy(a)
    assert rel_error(p, torch.softmax(t, 0), 1e-30) <= 1e-6
    assert rel_error(logp, torch.log_softmax(t, 0), 1.0) <= 1e-6
    assert rel_error(lse, torch.logsumexp(t, 0), 1.0) <= 1e-6


def test_golden_values():
    p = sm.softmax([1000.0, 1001.0, 999.0])
    e = np.exp([-1.0, 0.0, -2.0])
    np.testing.assert_allclose(p, e / e.sum(), rtol=1e-15)
    assert sm.logsumexp([1000.0, 1000.0]) == pytest.approx(1000 + np.log(2), rel=1e-15)
    np.testing.assert_array_equal(sm.log_softmax([0.0, -1000.0]), [0.0, -1000.0])
    np.testing.assert_allclose(sm.softmax([1.0, 2.0], temperature=1e-300), [0.0, 1.0])
    assert sm.softmax([7]).dtype == np.float64  # integers become float64


def test_non_finite_inputs_follow_torch():
    for x in ([-np.inf, 1.0, 2.0], [-np.inf, -np.inf], [np.inf, 1.0]):
        a = np.array(x)
        t = torch.from_numpy(a)
        assert rel_error(sm.softmax(a), torch.softmax(t, 0), 1e-280) <= 1e-12
        assert rel_error(sm.log_softmax(a), torch.log_softmax(t, 0), 1e-3) <= 1e-12
        assert rel_error(sm.logsumexp(a), torch.logsumexp(t, 0), 1e-3) <= 1e-12


@pytest.mark.parametrize(
    ("call", "message"),
    [
        (lambda: sm.softmax([1.0, 2.0], temperature=0), "temperature must be positive"),
        (lambda: sm.softmax([1.0, 2.0], temperature=float("inf")), "temperature must be positive"),
        (lambda: sm.softmax(3.0), "at least one dimension"),
        (lambda: sm.logsumexp(np.zeros((2, 0))), "empty along axis"),
        (lambda: sm.softmax(["a", "b"]), "real numbers"),
        (lambda: sm.naive_failure([1e39], np.float32), "too large to be held in float32"),
        (lambda: sm.naive_failure([[1.0]], np.float64), "1-D"),
        (lambda: sm.naive_failure([np.nan], np.float64), "finite"),
        (lambda: sm.naive_failure([1.0], np.int32), "float type"),
    ],
)
def test_errors(call, message):
    with pytest.raises(ValueError, match=message):
        call()


def test_naive_softmax_returns_nan_without_warnings():
    # pytest runs with -W error: a numpy RuntimeWarning here would fail the test.
    assert np.all(np.isnan(sm.naive_softmax(np.array([1000.0, 0.0]))[:1]))
    assert np.all(np.isnan(sm.naive_softmax(np.array([-1000.0, -1001.0]))))
    assert sm.naive_softmax(np.array([1.0, 2.0], dtype=np.float32)).dtype == np.float32


@pytest.mark.parametrize(
    ("x", "dtype", "failure"),
    [
        ([100.0, 1.0, 2.0], np.float32, "overflow"),
        ([88.5, 88.5], np.float32, "overflow"),  # each exp fits, their sum does not
        ([500.0, 495.0, 490.0], np.float64, "ok"),
        ([500.0, 495.0, 490.0], np.float32, "overflow"),
        ([-120.0, -130.0, -110.0], np.float32, "underflow"),
        ([-120.0, -130.0, -110.0], np.float64, "ok"),
        ([-800.0, -790.0], np.float64, "underflow"),
        ([-100.0, -108.0], np.float32, "inaccurate"),  # [1, 0] instead of [0.99966, 0.00034]
        ([-740.0, -745.0], np.float64, "inaccurate"),  # subnormal exponentials
        ([3.0, 1.0, -2.0], np.float32, "ok"),
    ],
)
def test_naive_failure_golden(x, dtype, failure):
    result = sm.naive_failure(x, dtype)
    assert result.failure.value == failure
    assert (result.max_rel_error == np.inf) == (failure in ("overflow", "underflow") and np.isnan(result.naive).any())


def _torch_verdict(x, dtype) -> str:
    t = torch.from_numpy(np.asarray(x, dtype=dtype))
    e = torch.exp(t)
    total = e.sum()
    if bool(torch.isinf(e).any() | torch.isinf(total)):
        return "overflow"
    if float(total) == 0:
        return "underflow"
    ref = torch.softmax(t.double(), 0)
    finfo = np.finfo(dtype)
    bad = ((e / total).double() - ref).abs() > 1024 * float(finfo.eps) * ref + float(finfo.tiny)
    return "inaccurate" if bool(bad.any()) else "ok"


@SETTINGS
@given(st.sampled_from([np.float32, np.float64]), st.floats(-1, 1), st.lists(st.floats(-20, 20), min_size=1, max_size=4))
def test_naive_failure_agrees_with_torch_naive_formula(dtype, where, offsets):
    limit = 800.0 if dtype is np.float64 else 120.0
    x = [where * limit + o for o in offsets]
    result = sm.naive_failure(x, dtype)
    assert result.failure.value == _torch_verdict(x, dtype)
    t = torch.from_numpy(np.asarray(x, dtype=dtype))
    e = torch.exp(t)
    assert rel_error(result.naive, (e / e.sum()).double(), 1e-30 if dtype is np.float32 else 1e-280) <= 1e-6
