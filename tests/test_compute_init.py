"""quizzer.compute.init against torch.nn.init: gains, fans and the scales torch draws with."""

from __future__ import annotations

import math

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from quizzer.compute import init

torch = pytest.importorskip("torch")
nn_init = torch.nn.init

shapes = st.lists(st.integers(1, 40), min_size=2, max_size=2).flatmap(
    lambda head: st.lists(st.integers(1, 5), max_size=3).map(lambda tail: tuple(head + tail)))


def test_golden_values():
    assert init.fan_in_and_fan_out((256, 784)) == (784, 256)  # nn.Linear(784, 256)
    assert init.fan_in_and_fan_out((64, 32, 3, 3)) == (288, 576)  # nn.Conv2d(32, 64, 3)
    assert init.xavier_uniform_bound((256, 784)) == pytest.approx(math.sqrt(6 / 1040), rel=1e-15)
    assert init.xavier_normal_std((256, 784)) == pytest.approx(math.sqrt(2 / 1040), rel=1e-15)
    assert init.kaiming_normal_std((256, 784), nonlinearity="relu") == pytest.approx(math.sqrt(2 / 784), rel=1e-15)
    assert init.kaiming_normal_std((64, 32, 3, 3), mode="fan_out", nonlinearity="relu") == pytest.approx(math.sqrt(2 / 576))
    assert init.kaiming_uniform_bound((256, 784), nonlinearity="relu") == pytest.approx(math.sqrt(6 / 784), rel=1e-15)
    # torch's default: leaky_relu with a=0 is the ReLU gain
    assert init.kaiming_normal_std((10, 100)) == pytest.approx(math.sqrt(2 / 100), rel=1e-15)
    assert init.calculate_gain("leaky_relu", 0.2) == pytest.approx(math.sqrt(2 / 1.04), rel=1e-15)


@pytest.mark.parametrize("name", ["linear", "conv1d", "conv2d", "conv3d", "conv_transpose1d", "conv_transpose2d",
                                  "conv_transpose3d", "sigmoid", "tanh", "relu", "leaky_relu", "selu"])
def test_gains_match_torch(name):
    assert init.calculate_gain(name) == nn_init.calculate_gain(name)
    assert init.calculate_gain(name, 0.3) == nn_init.calculate_gain(name, 0.3)


@settings(max_examples=60, deadline=None)
@given(shapes)
def test_fans_match_torch(shape):
    assert init.fan_in_and_fan_out(shape) == nn_init._calculate_fan_in_and_fan_out(torch.empty(shape, device="meta"))


def _draws(shape, seed, torch_init, ours):
    a = torch.empty(shape, dtype=torch.float64)
    b = torch.empty(shape, dtype=torch.float64)
    torch_init(a, torch.Generator().manual_seed(seed))
    ours(b, torch.Generator().manual_seed(seed))
    return a, b


@settings(max_examples=60, deadline=None)
@given(shapes, st.floats(0.1, 3.0), st.integers(0, 2**31 - 1))
def test_xavier_scales_are_the_ones_torch_draws_with(shape, gain, seed):
    bound = init.xavier_uniform_bound(shape, gain)
    theirs, ours = _draws(shape, seed, lambda t, g: nn_init.xavier_uniform_(t, gain, generator=g),
                          lambda t, g: t.uniform_(-bound, bound, generator=g))
    assert torch.equal(theirs, ours)
    assert float(theirs.abs().max()) <= bound
    std = init.xavier_normal_std(shape, gain)
    theirs, ours = _draws(shape, seed, lambda t, g: nn_init.xavier_normal_(t, gain, generator=g),
                          lambda t, g: t.normal_(0.0, std, generator=g))
    assert torch.equal(theirs, ours)


@settings(max_examples=60, deadline=None)
@given(shapes, st.floats(0.0, 1.0), st.sampled_from(["fan_in", "fan_out"]),
       st.sampled_from(["leaky_relu", "relu", "tanh", "linear", "selu"]), st.integers(0, 2**31 - 1))
def test_kaiming_scales_are_the_ones_torch_draws_with(shape, a, mode, nonlinearity, seed):
    bound = init.kaiming_uniform_bound(shape, a, mode, nonlinearity)
    theirs, ours = _draws(shape, seed, lambda t, g: nn_init.kaiming_uniform_(t, a, mode, nonlinearity, generator=g),
                          lambda t, g: t.uniform_(-bound, bound, generator=g))
    assert torch.equal(theirs, ours)
    std = init.kaiming_normal_std(shape, a, mode, nonlinearity)
    theirs, ours = _draws(shape, seed, lambda t, g: nn_init.kaiming_normal_(t, a, mode, nonlinearity, generator=g),
                          lambda t, g: t.normal_(0.0, std, generator=g))
    assert torch.equal(theirs, ours)


@settings(max_examples=100, deadline=None)
@given(shapes, st.floats(0.1, 3.0))
def test_uniform_bound_gives_the_normal_variance(shape, gain):
    # U(-a, a) has variance a^2 / 3: the uniform and normal versions have the same variance.
    assert init.xavier_uniform_bound(shape, gain) ** 2 / 3 == pytest.approx(init.xavier_normal_std(shape, gain) ** 2, rel=1e-12)
    assert init.kaiming_uniform_bound(shape) ** 2 / 3 == pytest.approx(init.kaiming_normal_std(shape) ** 2, rel=1e-12)


def test_he_variance_keeps_relu_activations_stable():
    # The property He et al. derive: with Var(W) = 2 / fan_in, E[y^2] stays about E[x^2] through ReLU layers.
    rng = np.random.default_rng(0)
    x = rng.standard_normal((4000, 256))
    for _ in range(10):
        w = rng.standard_normal((256, 256)) * init.kaiming_normal_std((256, 256), nonlinearity="relu")
        x = np.maximum(x @ w.T, 0.0)
    assert 0.5 < np.mean(x**2) < 2.0


@pytest.mark.parametrize(
    ("call", "message"),
    [
        (lambda: init.fan_in_and_fan_out((5,)), "at least 2 dimensions"),
        (lambda: init.fan_in_and_fan_out((5, 2.0)), "non-negative integers"),
        (lambda: init.kaiming_normal_std((5, 3), mode="fan_avg"), "mode must be 'fan_in' or 'fan_out'"),
        (lambda: init.calculate_gain("gelu"), "nonlinearity must be one of"),
        (lambda: init.calculate_gain("leaky_relu", True), "negative_slope must be a finite number"),
        (lambda: init.xavier_uniform_bound((0, 0)), "fan_in \\+ fan_out must be positive"),
        (lambda: init.kaiming_normal_std((4, 0, 3)), "fan_in must be positive"),
    ],
)
def test_errors_name_the_rule(call, message):
    with pytest.raises(ValueError, match=message):
        call()
