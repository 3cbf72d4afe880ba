"""quizzer.compute.clipping against torch.nn.utils.clip_grad_norm_ / clip_grad_value_."""

from __future__ import annotations

import math

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from hypothesis.extra.numpy import array_shapes, arrays

from quizzer.compute import clipping

torch = pytest.importorskip("torch")

values = st.builds(lambda s, m: s * m, st.sampled_from([-1.0, 1.0]), st.one_of(st.just(0.0), st.floats(1e-3, 1e3)))
grad_lists = st.lists(arrays(np.float64, array_shapes(min_dims=1, max_dims=2, max_side=4), elements=values), min_size=1, max_size=4)


def _params(grads):
    params = []
    for g in grads:
        p = torch.nn.Parameter(torch.zeros(g.shape, dtype=torch.float64))
        p.grad = torch.from_numpy(g.copy())
        params.append(p)
    return params


def test_golden_clip():
    clipped, total = clipping.clip_grad_norm([np.array([3.0, 4.0]), np.array([12.0])], max_norm=6.5)
    assert total == 13.0
    coef = 6.5 / (13.0 + 1e-6)
    assert clipped[0].tolist() == pytest.approx([3 * coef, 4 * coef], rel=1e-15)
    assert clipped[1].tolist() == pytest.approx([12 * coef], rel=1e-15)
    assert clipping.clip_grad_value([np.array([-3.0, 0.5, 2.0])], 1.0)[0].tolist() == [-1.0, 0.5, 1.0]


@settings(max_examples=100, deadline=None)
@given(grad_lists, st.floats(0.05, 3.0), st.sampled_from([2.0, 1.0, 3.0, 0.5, math.inf]))
def test_clip_grad_norm_matches_torch(grads, ratio, norm_type):
    total = clipping.total_norm(grads, norm_type)
    max_norm = total * ratio if total > 0 else 1.0
    clipped, ours_total = clipping.clip_grad_norm(grads, max_norm, norm_type)
    params = _params(grads)
    theirs_total = torch.nn.utils.clip_grad_norm_(params, max_norm, norm_type=norm_type).item()
    assert ours_total == pytest.approx(theirs_total, rel=1e-12, abs=1e-300)
    for ours_g, p in zip(clipped, params, strict=True):
        np.testing.assert_allclose(ours_g, p.grad.numpy(), rtol=1e-12, atol=0)


@settings(max_examples=100, deadline=None)
@given(grad_lists, st.floats(0.0, 100.0))
def test_clip_grad_value_matches_torch(grads, clip_value):
    params = _params(grads)
    torch.nn.utils.clip_grad_value_(params, clip_value)
    for ours_g, p in zip(clipping.clip_grad_value(grads, clip_value), params, strict=True):
        np.testing.assert_array_equal(ours_g, p.grad.numpy())


@settings(max_examples=100, deadline=None)
@given(grad_lists, st.floats(0.01, 100.0))
def test_clipping_keeps_direction_and_bounds_the_norm(grads, max_norm):
    clipped, total = clipping.clip_grad_norm(grads, max_norm)
    new_total = clipping.total_norm(clipped)
    assert new_total <= max_norm * (1 + 1e-12) or new_total == pytest.approx(total, rel=1e-12)
    flat_old = np.concatenate([g.ravel() for g in grads])
    flat_new = np.concatenate([g.ravel() for g in clipped])
    if total > 0:  # one common factor: the direction is unchanged
        factor = new_total / total
        np.testing.assert_allclose(flat_new, flat_old * factor, rtol=1e-12, atol=1e-300)
    if total <= max_norm - 1e-5:  # no clipping below max_norm, never scaled up
        np.testing.assert_allclose(flat_new, flat_old, rtol=1e-6)


def test_inputs_are_not_modified():
    g = [np.array([30.0, 40.0])]
    clipping.clip_grad_norm(g, 1.0)
    clipping.clip_grad_value(g, 1.0)
    assert g[0].tolist() == [30.0, 40.0]


def test_zero_gradients_stay_zero():
    clipped, total = clipping.clip_grad_norm([np.zeros(3)], 1.0)
    assert total == 0.0 and clipped[0].tolist() == [0.0, 0.0, 0.0]


@pytest.mark.parametrize(
    ("call", "message"),
    [
        (lambda: clipping.clip_grad_norm([np.ones(2)], -1.0), "max_norm must be a non-negative number"),
        (lambda: clipping.clip_grad_norm([np.ones(2)], 1.0, norm_type=0), "norm_type must be positive"),
        (lambda: clipping.clip_grad_norm([], 1.0), "at least one gradient"),
        (lambda: clipping.clip_grad_value([np.ones(2)], -0.5), "clip_value must be a non-negative number"),
    ],
)
def test_errors_name_the_rule(call, message):
    with pytest.raises(ValueError, match=message):
        call()
