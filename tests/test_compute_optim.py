"""quizzer.compute.optim stepped alongside torch.optim, plus textbook identities and errors."""

from __future__ import annotations

import math

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from quizzer.compute import optim

torch = pytest.importorskip("torch")

TORCH = {"sgd": "SGD", "adagrad": "Adagrad", "rmsprop": "RMSprop", "adam": "Adam"}
OURS = {"sgd": optim.sgd, "adagrad": optim.adagrad, "rmsprop": optim.rmsprop, "adam": optim.adam}


def torch_steps(name, config, p0, grads):
    p = torch.nn.Parameter(torch.tensor(p0, dtype=torch.float64))
    opt = getattr(torch.optim, TORCH[name])([p], **config)
    out = []
    for g in grads:
        p.grad = torch.tensor(g, dtype=torch.float64)
        opt.step()
        out.append((p.detach().numpy().copy(), {k: v.numpy().copy() for k, v in opt.state[p].items() if v is not None}))
    return out


def assert_same(ours, theirs):
    scale = max(float(np.max(np.abs(s.param))) for s in ours) or 1.0
    assert len(ours) == len(theirs)
    for s, (tp, tstate) in zip(ours, theirs, strict=True):
        np.testing.assert_allclose(s.param, tp, rtol=1e-12, atol=1e-12 * scale)
        assert set(s.state) == set(tstate)
        for key, value in s.state.items():
            np.testing.assert_allclose(value, tstate[key], rtol=1e-12, atol=1e-12 * (float(np.max(np.abs(tstate[key]))) or 1.0))


small = st.floats(-5, 5).filter(lambda v: abs(v) > 1e-3)
vectors = st.integers(1, 3).flatmap(lambda n: st.lists(st.lists(small, min_size=n, max_size=n), min_size=2, max_size=6))
configs = {
    "sgd": st.fixed_dictionaries({"lr": st.floats(1e-3, 1.0), "momentum": st.sampled_from([0.0, 0.5, 0.9]),
                                  "weight_decay": st.sampled_from([0.0, 0.1])}).flatmap(
        lambda c: st.fixed_dictionaries({**{k: st.just(v) for k, v in c.items()},
                                         "nesterov": st.just(False) if c["momentum"] == 0 else st.booleans()})),
    "adagrad": st.fixed_dictionaries({"lr": st.floats(1e-3, 1.0), "lr_decay": st.sampled_from([0.0, 0.1]),
                                      "initial_accumulator_value": st.sampled_from([0.0, 0.5])}),
    "rmsprop": st.fixed_dictionaries({"lr": st.floats(1e-3, 1.0), "alpha": st.sampled_from([0.99, 0.9, 0.5]),
                                      "momentum": st.sampled_from([0.0, 0.9]), "centered": st.booleans()}),
    "adam": st.fixed_dictionaries({"lr": st.floats(1e-3, 1.0), "betas": st.sampled_from([(0.9, 0.999), (0.5, 0.9)]),
                                   "weight_decay": st.sampled_from([0.0, 0.01]), "amsgrad": st.booleans()}),
}


@pytest.mark.parametrize("name", list(OURS))
def test_matches_torch_on_drawn_cases(name):
    @settings(max_examples=40, deadline=None)
    @given(vectors, configs[name])
    def check(grads, config):
        p0 = [0.5 + 0.1 * i for i in range(len(grads[0]))]
        assert_same(OURS[name](p0, grads, **config), torch_steps(name, config, p0, grads))

    check()


@pytest.mark.parametrize("name", list(OURS))
def test_gradient_function_matches_autograd(name):
    # f(p) = sum(0.5 a p^2 + b p): autograd gives a p + b at the current parameter.
    a, b = np.array([1.5, 0.3]), np.array([-0.2, 0.7])
    config = {"sgd": {"lr": 0.1, "momentum": 0.9}, "adagrad": {"lr": 0.5}, "rmsprop": {"lr": 0.01}, "adam": {"lr": 0.1}}[name]
    p = torch.nn.Parameter(torch.tensor([1.0, -2.0], dtype=torch.float64))
    opt = getattr(torch.optim, TORCH[name])([p], **config)
    for _ in range(7):
        opt.zero_grad()
        (0.5 * torch.from_numpy(a) * p * p + torch.from_numpy(b) * p).sum().backward()
        opt.step()
    ours = OURS[name]([1.0, -2.0], lambda q: a * q + b, steps=7, **config)
    np.testing.assert_allclose(ours[-1].param, p.detach().numpy(), rtol=1e-12)


def test_first_steps_have_the_textbook_sizes():
    # Adam and AdaGrad: the first step is lr * sign(g) whatever |g|; RMSprop: lr / sqrt(1 - alpha).
    for g in (0.5, -7.0, 250.0):  # eps (1e-8 / 1e-10) shifts these by less than 1e-7
        assert optim.adam(0.0, [g], lr=0.1)[0].value == pytest.approx(-0.1 * math.copysign(1, g), rel=1e-6)
        assert optim.adagrad(0.0, [g], lr=0.1)[0].value == pytest.approx(-0.1 * math.copysign(1, g), rel=1e-6)
        assert optim.rmsprop(0.0, [g], lr=0.01, alpha=0.99)[0].value == pytest.approx(-0.1 * math.copysign(1, g), rel=1e-5)


def test_adam_without_bias_correction_is_different_and_smaller_at_first():
    right = optim.adam(1.0, [2.0], lr=0.1)[0].value
    wrong = optim.adam(1.0, [2.0], lr=0.1, bias_correction=False)[0].value
    # m = 0.1 g, v = 0.001 g^2: m / sqrt(v) = 0.1 / sqrt(0.001) = 3.16 instead of 1
    assert right == pytest.approx(0.9, rel=1e-9)
    assert wrong == pytest.approx(1.0 - 0.1 * 0.1 / math.sqrt(0.001), rel=1e-7)  # up to eps


@settings(max_examples=100, deadline=None)
@given(st.floats(1e-3, 1.0), st.floats(0.0, 0.99), st.lists(small, min_size=1, max_size=8))
def test_velocity_form_equals_torch_buffer_form(lr, momentum, grads):
    a = optim.momentum_velocity(0.3, grads, lr=lr, momentum=momentum)
    b = optim.sgd(0.3, grads, lr=lr, momentum=momentum)
    for sa, sb in zip(a, b, strict=True):
        assert sa.value == pytest.approx(sb.value, rel=1e-12, abs=1e-12)
        if momentum:
            assert float(sa.state["velocity"]) == pytest.approx(-lr * float(sb.state["momentum_buffer"]), rel=1e-12, abs=1e-15)


@pytest.mark.parametrize(("lr", "g", "momentum"), [(0.1, 2.0, 0.9), (0.01, 5.0, 0.99), (0.5, 1.0, 0.5)])
def test_terminal_speed_is_reached_under_a_constant_gradient(lr, g, momentum):
    expected = lr * g / (1 - momentum)
    assert optim.momentum_terminal_speed(lr, g, momentum) == pytest.approx(expected, rel=1e-15)
    assert optim.momentum_speedup(momentum) == pytest.approx(1 / (1 - momentum), rel=1e-15)
    trace = optim.sgd(0.0, g, lr=lr, momentum=momentum, steps=5000)
    assert abs(trace[-1].value - trace[-2].value) == pytest.approx(expected, rel=1e-9)


@pytest.mark.parametrize(
    ("call", "message"),
    [
        (lambda: optim.sgd(1.0, [1.0], lr=-0.1), "lr must be non-negative"),
        (lambda: optim.sgd(1.0, [1.0], lr=0.1, nesterov=True), "nesterov momentum requires"),
        (lambda: optim.sgd(1.0, [1.0], lr=0.1, momentum=0.9, dampening=0.1, nesterov=True), "zero dampening"),
        (lambda: optim.adam(1.0, [1.0], betas=(1.0, 0.999)), r"betas\[0\] must be in \[0, 1\)"),
        (lambda: optim.adam(1.0, [1.0], betas=(0.9, -0.1)), r"betas\[1\] must be in \[0, 1\)"),
        (lambda: optim.rmsprop(1.0, [1.0], eps=-1.0), "eps must be non-negative"),
        (lambda: optim.adagrad(1.0, [1.0], lr_decay=-1.0), "lr_decay must be non-negative"),
        (lambda: optim.adam([1.0, 2.0], [[1.0]]), "each gradient must have the parameter's shape"),
        (lambda: optim.adam(1.0, lambda p: p), "steps must be given"),
        (lambda: optim.adam(1.0, [1.0], steps=0), "steps must be a positive integer"),
        (lambda: optim.momentum_terminal_speed(0.1, 1.0, 1.0), r"momentum must be in \[0, 1\)"),
        (lambda: optim.momentum_terminal_speed(0.1, -1.0, 0.9), "grad_norm must be non-negative"),
        (lambda: optim.sgd([1.0, 2.0], [[1.0, 1.0]])[0].value, "value needs a scalar parameter"),
    ],
)
def test_errors_name_the_rule(call, message):
    with pytest.raises(ValueError, match=message):
        call()
