"""quizzer.compute.batchnorm against torch.nn.functional.batch_norm and nn.BatchNorm running stats."""

from __future__ import annotations

import math

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from hypothesis.extra.numpy import arrays

from quizzer.compute import batchnorm

torch = pytest.importorskip("torch")
F = torch.nn.functional

batches = st.tuples(st.integers(2, 6), st.integers(1, 3), st.sampled_from([(), (3,), (2, 2)])).flatmap(
    lambda t: arrays(np.float64, (t[0], t[1], *t[2]), elements=st.floats(-50, 50)))


def test_golden_value():
    # x = (1, 2, 3, 4): mean 2.5, biased variance 1.25; y_4 = (4 - 2.5) / sqrt(1.25 + 1e-5)
    out = batchnorm.batch_norm([[1.0], [2.0], [3.0], [4.0]], training=True)
    assert out.output[3, 0] == pytest.approx(1.5 / math.sqrt(1.25 + 1e-5), rel=1e-15)
    assert out.var[0] == 1.25
    # running stats from (0, 1): mean 0.1 * 2.5, var 0.9 + 0.1 * 1.25 * 4/3
    r = batchnorm.batch_norm([[1.0], [2.0], [3.0], [4.0]], [0.0], [1.0], training=True)
    assert r.running_mean[0] == pytest.approx(0.25, rel=1e-15)
    assert r.running_var[0] == pytest.approx(0.9 + 0.1 * 1.25 * 4 / 3, rel=1e-15)


@settings(max_examples=80, deadline=None)
@given(batches, st.booleans(), st.floats(0.0, 1.0), st.sampled_from([1e-5, 1e-3]))
def test_training_matches_torch(x, affine, momentum, eps):
    c = x.shape[1]
    weight = np.linspace(0.5, 2.0, c) if affine else None
    bias = np.linspace(-1.0, 1.0, c) if affine else None
    rm, rv = np.linspace(-0.5, 0.5, c), np.linspace(0.5, 1.5, c)
    ours = batchnorm.batch_norm(x, rm, rv, weight, bias, training=True, momentum=momentum, eps=eps)
    trm, trv = torch.from_numpy(rm.copy()), torch.from_numpy(rv.copy())
    as_t = (lambda v: None if v is None else torch.from_numpy(v))  # noqa: E731
    theirs = F.batch_norm(torch.from_numpy(x), trm, trv, as_t(weight), as_t(bias), training=True, momentum=momentum, eps=eps)
    # x - mean carries a rounding error of about eps * |x|, which the division by sqrt(var + eps)
    # magnifies for a (nearly) constant channel: compare on that scale.
    scale = (float(np.max(np.abs(x))) + 1.0) / math.sqrt(float(np.min(ours.var)) + eps) * 2.0
    np.testing.assert_allclose(ours.output, theirs.numpy(), rtol=1e-12, atol=1e-12 * scale)
    np.testing.assert_allclose(ours.running_mean, trm.numpy(), rtol=1e-12, atol=1e-12 * (float(np.max(np.abs(x))) or 1.0))
    np.testing.assert_allclose(ours.running_var, trv.numpy(), rtol=1e-12)
    evaluated = batchnorm.batch_norm(x, rm, rv, weight, bias, training=False, eps=eps)
    t_eval = F.batch_norm(torch.from_numpy(x), torch.from_numpy(rm), torch.from_numpy(rv), as_t(weight), as_t(bias), eps=eps)
    np.testing.assert_allclose(evaluated.output, t_eval.numpy(), rtol=1e-12, atol=1e-12 * 2.0 * (float(np.max(np.abs(x))) + 1.0) / math.sqrt(0.5))


def test_running_stats_match_batchnorm_module_over_several_batches():
    rng = np.random.default_rng(1)
    layer = torch.nn.BatchNorm2d(3, dtype=torch.float64)
    mean, var = np.zeros(3), np.ones(3)
    for _ in range(5):
        x = rng.standard_normal((4, 3, 2, 5)) * 3 + 1
        layer(torch.from_numpy(x))
        m, v, n = batchnorm.batch_stats(x)
        assert n == 40
        mean, var = batchnorm.update_running_stats(mean, var, m, v, n)
    np.testing.assert_allclose(mean, layer.running_mean.numpy(), rtol=1e-12)
    np.testing.assert_allclose(var, layer.running_var.numpy(), rtol=1e-12)


@settings(max_examples=60, deadline=None)
@given(batches)
def test_training_output_is_normalized(x):
    m, v, n = batchnorm.batch_stats(x)
    if np.any(v < 1e-6):
        return  # a constant channel normalizes to 0, not to unit variance
    out = batchnorm.batch_norm(x, training=True, eps=0.0).output
    axes = (0,) + tuple(range(2, x.ndim))
    np.testing.assert_allclose(out.mean(axis=axes), 0.0, atol=1e-9)
    np.testing.assert_allclose(out.var(axis=axes), 1.0, rtol=1e-9)


@pytest.mark.parametrize(
    ("call", "message"),
    [
        (lambda: batchnorm.batch_norm([1.0, 2.0], training=True), r"shape \(N, C\)"),
        (lambda: batchnorm.batch_norm([[1.0, 2.0]], training=True), "more than 1 value per channel"),
        (lambda: batchnorm.batch_norm([[1.0], [2.0]], training=False), "needs running_mean and running_var"),
        (lambda: batchnorm.batch_norm([[1.0], [2.0]], [0.0], None), "given together"),
        (lambda: batchnorm.batch_norm([[1.0], [2.0]], weight=[1.0, 1.0], training=True), "one value per channel"),
        (lambda: batchnorm.batch_norm([[1.0], [2.0]], training=True, eps=-1), "eps must be non-negative"),
        (lambda: batchnorm.update_running_stats([0.0], [1.0], [0.0], [1.0], 4, momentum=1.5), r"momentum must be in \[0, 1\]"),
        (lambda: batchnorm.update_running_stats([0.0], [1.0], [0.0], [1.0], 1), "n must be at least 2"),
    ],
)
def test_errors_name_the_rule(call, message):
    with pytest.raises(ValueError, match=message):
        call()


def test_torch_also_refuses_one_value_per_channel():
    with pytest.raises(ValueError, match="more than 1 value per channel"):
        F.batch_norm(torch.ones(1, 2), None, None, training=True)
