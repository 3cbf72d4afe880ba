"""The exercise generators of the conv, softmax, information and perceptron modules.

For thousands of seeds per kind: the exercise is the same every time it is generated, its answer
agrees with an independent computation from its params (torch, or the compute module, never the
generator's own arithmetic), it is not degenerate, its texts exist in both languages, and every
misconception is told apart from the answer.  Then, through ``quizzer.answers``: the answer typed
the way a person would is accepted and every misconception is rejected and diagnosed by name.
"""

from __future__ import annotations

import functools
import json
import math
import re

import numpy as np
import pytest

torch = pytest.importorskip("torch")

from quizzer.compute import conv, perceptron, softmax  # noqa: E402
from quizzer.exercises import generate, kinds  # noqa: E402
from quizzer.exercises.types import Exercise, Rule  # noqa: E402

MODULES = ("conv", "softmax", "information", "perceptron")
KINDS = [k.name for m in MODULES for k in kinds(m)]
SEEDS = {"perceptron.train": 400, "perceptron.mistake_bound": 1000}
CHEAP_SEEDS = 2000
TORCH_EVERY = 10  # the slower torch re-computations run on every tenth seed
CJK = re.compile(r"[\u4e00-\u9fff]")


def _difficulty(seed: int) -> int:
    return seed % 3 + 1


@functools.cache
def exercises(kind: str) -> tuple[Exercise, ...]:
    return tuple(generate(kind, seed, _difficulty(seed)) for seed in range(SEEDS.get(kind, CHEAP_SEEDS)))


def test_the_four_modules_have_their_kinds():
    assert KINDS == [
        "conv.output_size", "conv.transpose_output_size", "conv.pool_output_size", "conv.params", "conv.macs",
        "conv.receptive_field", "softmax.value", "softmax.log_softmax", "softmax.logsumexp", "softmax.naive_failure",
        "softmax.temperature", "information.entropy", "information.cross_entropy", "information.kl_divergence",
        "perceptron.mistake_bound", "perceptron.train", "perceptron.distance", "perceptron.margin",
    ]


@pytest.mark.parametrize("kind", KINDS)
def test_generation_is_deterministic(kind):
    for ex in exercises(kind)[::25]:
        again = generate(kind, ex.seed, ex.difficulty)
        assert again == ex
        assert json.dumps(again.to_dict(), ensure_ascii=False) == json.dumps(ex.to_dict(), ensure_ascii=False)
    assert len({json.dumps(ex.params) for ex in exercises(kind)}) > 10  # seeds really vary the exercise


def _torch_shape(layer, size):
    """Output shape of a real layer; meta tensors carry shapes without doing the arithmetic."""
    shape = (1, 1, size, size) if isinstance(size, int) else (1, 1, *size)
    return tuple(layer.to("meta")(torch.zeros(shape, device="meta")).shape[2:])


def independent(ex: Exercise, with_torch: bool):
    """The answer recomputed from the exercise's params alone."""
    p, kind = ex.params, ex.kind
    if kind == "conv.output_size":
        value = conv.conv_output_size(**p)
        if with_torch:
            shape = _torch_shape(torch.nn.Conv2d(1, 1, p["kernel_size"], p["stride"], p["padding"], p["dilation"]), p["input_size"])
            assert shape == (value if isinstance(value, tuple) else (value, value))
        return value
    if kind == "conv.transpose_output_size":
        value = conv.conv_transpose_output_size(**p)
        if with_torch:
            layer = torch.nn.ConvTranspose2d(1, 1, p["kernel_size"], p["stride"], p["padding"], p["output_padding"],
                                             dilation=p["dilation"])
            assert _torch_shape(layer, p["input_size"]) == (value, value)
        return value
    if kind == "conv.pool_output_size":
        value = conv.pool_output_size(**p)
        if with_torch:
            layer = torch.nn.MaxPool2d(p["kernel_size"], p["stride"], p["padding"], p["dilation"], ceil_mode=p["ceil_mode"])
            assert _torch_shape(layer, p["input_size"]) == (value, value)
        return value
    if kind == "conv.params":
        k = tuple(p["kernel_size"]) if isinstance(p["kernel_size"], (list, tuple)) else p["kernel_size"]
        layer = getattr(torch.nn, f"Conv{p['dims']}d")(p["in_channels"], p["out_channels"], k, groups=p["groups"],
                                                        bias=p["bias"], device="meta")
        return sum(t.numel() for t in layer.parameters())
    if kind == "conv.macs":
        value = conv.conv_macs(**p)
        if with_torch:
            layer = torch.nn.Conv2d(p["in_channels"], p["out_channels"], p["kernel_size"], p["stride"], p["padding"],
                                    p["dilation"], p["groups"], device="meta")
            out = layer(torch.zeros((1, p["in_channels"], p["input_size"], p["input_size"]), device="meta"))
            assert value == out.numel() * layer.weight[0].numel()
        return value
    if kind == "conv.receptive_field":
        return conv.receptive_field(p["layers"])
    x = torch.tensor(p["x"], dtype=torch.float64) if "x" in p else None
    if kind == "softmax.value":
        return float(torch.softmax(x, 0)[p["index"]])
    if kind == "softmax.temperature":
        return float(torch.softmax(x / p["temperature"], 0)[p["index"]])
    if kind == "softmax.log_softmax":
        return float(torch.log_softmax(x, 0)[p["index"]])
    if kind == "softmax.logsumexp":
        return float(torch.logsumexp(x, 0))
    if kind == "softmax.naive_failure":
        verdict = softmax.naive_failure(p["x"], p["dtype"]).failure.value
        t = torch.tensor(p["x"], dtype=getattr(torch, p["dtype"]))
        naive = torch.exp(t) / torch.exp(t).sum()
        assert bool(torch.isnan(naive).any()) == (verdict in ("overflow", "underflow"))
        return verdict
    if kind.startswith("information."):
        tp = torch.tensor(p["p"], dtype=torch.float64)
        scale = math.log(p["base"]) if p["base"] else 1.0
        if kind == "information.entropy":
            return float(torch.distributions.Categorical(probs=tp).entropy()) / scale
        tq = torch.tensor(p["q"], dtype=torch.float64)
        if kind == "information.cross_entropy":
            return -float(torch.special.xlogy(tp, tq).sum()) / scale
        return float(torch.nn.functional.kl_div(tq.log(), tp, reduction="sum")) / scale
    if kind == "perceptron.distance":
        w, x0 = torch.tensor(p["w"], dtype=torch.float64), torch.tensor(p["x"], dtype=torch.float64)
        return abs(float(w @ x0) + p["b"]) / float(torch.linalg.vector_norm(w))
    if kind == "perceptron.margin":
        X, y = torch.tensor(p["X"], dtype=torch.float64), torch.tensor(p["y"], dtype=torch.float64)
        w = torch.tensor(p["w"], dtype=torch.float64)
        return float((y * (X @ w + p["b"])).min()) / float(torch.linalg.vector_norm(w))
    if kind == "perceptron.mistake_bound":
        if "X" in p:
            return perceptron.mistake_bound(perceptron.radius(p["X"]), perceptron.margin(p["X"], p["y"], p["w"]))
        margin = p["margin"] if "margin" in p else p["gap"] / 2
        return (p["radius"] / margin) ** 2
    if kind == "perceptron.train":
        result = perceptron.train(p["X"], p["y"], max_epochs=p["max_epochs"])
        assert result.converged
        return result.mistakes
    raise AssertionError(f"no independent computation for {kind}")


def _equal(a, b, rule: Rule) -> bool:
    if rule in (Rule.EXACT, Rule.CHOICE):
        return a == b
    return math.isclose(a, b, rel_tol=1e-9, abs_tol=1e-12)


@pytest.mark.parametrize("kind", KINDS)
def test_answer_agrees_with_an_independent_computation(kind):
    for n, ex in enumerate(exercises(kind)):
        value = independent(ex, with_torch=n % TORCH_EVERY == 0)
        assert _equal(ex.answer.value, value, ex.answer.rule), (ex.seed, ex.difficulty, ex.answer.value, value)


def _not_degenerate(ex: Exercise) -> bool:
    v, p = ex.answer.value, ex.params
    if ex.kind in ("conv.output_size", "conv.transpose_output_size", "conv.pool_output_size"):
        return all(o >= 1 for o in (v if isinstance(v, tuple) else (v,))) and v != p["input_size"]
    if ex.kind in ("softmax.value", "softmax.temperature"):
        return 1e-4 < v < 1 - 1e-4
    if ex.kind == "softmax.log_softmax":
        return -1e4 < v < 0
    if ex.kind == "softmax.naive_failure":
        return v in ("overflow", "underflow", "inaccurate", "ok")
    if ex.kind == "softmax.logsumexp":
        return math.isfinite(v) and v > max(p["x"])
    return isinstance(v, (int, float)) and math.isfinite(v) and v > 0


@pytest.mark.parametrize("kind", KINDS)
def test_exercises_are_well_formed(kind):
    with_misconceptions = 0
    for ex in exercises(kind):
        assert _not_degenerate(ex), (ex.seed, ex.difficulty, ex.answer.value, ex.params)
        for text in (ex.prompt_zh, ex.solution_zh):
            assert text.strip() and CJK.search(text)
        for text in (ex.prompt_en, ex.solution_en):
            assert text.strip() and not CJK.search(text)
        assert ex.prompt_en.count("$") % 2 == 0 and ex.solution_zh.count("$") % 2 == 0
        assert "Answer:" in ex.solution_en and "答案" in ex.solution_zh
        names = [m.name for m in ex.misconceptions]
        assert len(names) == len(set(names))
        for m in ex.misconceptions:
            assert m.feedback_en.strip() and m.feedback_zh.strip() and CJK.search(m.feedback_zh)
            assert not _equal_under_rule(m.value, ex), (ex.seed, m.name, m.value, ex.answer.value)
        with_misconceptions += bool(ex.misconceptions)
    assert with_misconceptions >= 0.8 * len(exercises(kind))


def _equal_under_rule(value, ex: Exercise) -> bool:
    e = ex.answer
    if e.rule is Rule.CHOICE:
        return value.split("|")[0] == e.value
    if isinstance(value, tuple) or isinstance(e.value, tuple):
        return value == e.value
    if not math.isfinite(value):
        return True  # a misconception must be a finite value a person could type
    return abs(value - e.value) <= max(e.rel_tol * abs(e.value), e.abs_tol) if e.rule is Rule.TOLERANCE else value == e.value


answers = pytest.importorskip("quizzer.answers")


def typed(value, ex: Exercise, how: str) -> str:
    """A value written the way a person would."""
    if isinstance(value, str):
        return value.split("|")[0]
    if isinstance(value, tuple):
        return "x".join(str(v) for v in value) if how != "list" else ", ".join(str(v) for v in value)
    if ex.answer.rule is Rule.EXACT:
        return str(int(value))
    if ex.answer.rel_tol == 0:  # an absolute tolerance: "to 2 decimal places"
        return f"{value:.2f}"
    return repr(float(value)) if how == "plain" else f"{value:.4g}"


@pytest.mark.parametrize("kind", KINDS)
def test_typed_answers_are_judged_fairly(kind):
    for ex in exercises(kind)[:300]:
        forms = ["plain", "rounded"]
        if isinstance(ex.answer.value, tuple):
            forms.append("list")
        for how in forms:
            verdict = answers.check(ex, typed(ex.answer.value, ex, how))
            assert verdict.status == "correct", (ex.seed, how, typed(ex.answer.value, ex, how), verdict.feedback_en)
        if ex.kind in ("conv.output_size", "conv.transpose_output_size", "conv.pool_output_size") and isinstance(ex.answer.value, int):
            assert answers.check(ex, f"{ex.answer.value}x{ex.answer.value}").status == "correct"
        if ex.answer.rule is Rule.CHOICE:
            chinese = next(c for c in ex.answer.choices if c.startswith(ex.answer.value)).split("|")[1]
            assert answers.check(ex, chinese).status == "correct"
        for m in ex.misconceptions:
            for how in ("plain", "rounded"):
                verdict = answers.check(ex, typed(m.value, ex, how))
                assert verdict.status == "incorrect" and verdict.misconception == m.name, (
                    ex.seed, m.name, typed(m.value, ex, how), verdict.misconception, verdict.status)


def test_answers_accept_a_rounded_real_and_reject_a_far_one():
    ex = generate("softmax.value", 0, 1)
    assert answers.check(ex, f"{ex.answer.value:.3g}").status == "correct"
    assert answers.check(ex, f"{ex.answer.value * 1.05:.4g}").status == "incorrect"
    lse = generate("softmax.logsumexp", 1, 2)
    assert answers.check(lse, f"{lse.answer.value + 0.05:.2f}").status == "incorrect"
    assert np.isfinite(lse.answer.value)
