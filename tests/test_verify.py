"""quizzer.verify: the cross-check runner, against real torch."""

from __future__ import annotations

import sys

import pytest

from quizzer.errors import DependencyError, ExerciseError
from quizzer.verify import available_topics, verify

MINE = ["conv", "softmax", "information", "perceptron"]


def test_missing_torch_names_the_extra(monkeypatch):
    monkeypatch.setitem(sys.modules, "torch", None)  # makes `import torch` fail as if not installed
    with pytest.raises(DependencyError, match=r"pip install 'quizzer\[torch\]'"):
        verify(modules=["conv"], cases=1)


def test_bad_arguments_are_rejected_before_importing_torch(monkeypatch):
    monkeypatch.setitem(sys.modules, "torch", None)
    with pytest.raises(ExerciseError, match="unknown topic 'nope'"):
        verify(modules=["nope"])
    with pytest.raises(ExerciseError, match="cases must be a positive integer"):
        verify(cases=0)


def test_the_four_topics_agree_with_torch():
    pytest.importorskip("torch")
    calls = []
    results = verify(modules=MINE, cases=20, seed=3, progress=lambda *a: calls.append(a))
    assert calls == [(topic, n, 4) for n, topic in enumerate(MINE, start=1)]
    assert [r.module for r in results] == sorted((r.module for r in results), key=MINE.index)
    functions = {(r.module, r.function) for r in results}
    for expected in [("conv", "conv_output_size"), ("conv", "pool_output_size"), ("conv", "receptive_field"),
                     ("softmax", "logsumexp"), ("softmax", "naive_failure"), ("information", "kl_divergence"),
                     ("perceptron", "max_margin"), ("perceptron", "mistake_bound")]:
        assert expected in functions
    for r in results:
        assert r.ok, (r.module, r.function, r.failures)
        assert r.cases >= 5  # some functions share the cases (float32/float64, separable or not)
        assert r.max_error <= (1e-5 if "float32" in r.function else 1e-12)


def test_runs_are_reproducible_and_seeded():
    pytest.importorskip("torch")
    a = verify(modules=["softmax"], cases=10, seed=1)
    b = verify(modules=["softmax"], cases=10, seed=1)
    c = verify(modules=["softmax"], cases=10, seed=2)
    assert [(r.function, r.cases, r.max_error) for r in a] == [(r.function, r.cases, r.max_error) for r in b]
    assert [r.max_error for r in a] != [r.max_error for r in c]


def test_a_wrong_formula_is_caught(monkeypatch):
    pytest.importorskip("torch")
    from quizzer.compute import conv

    real = conv.conv_output_size
    monkeypatch.setattr(conv, "conv_output_size", lambda *a, **k: _ceil_instead_of_floor(real, *a, **k))
    results = {r.function: r for r in verify(modules=["conv"], cases=30)}
    assert not results["conv_output_size"].ok
    assert "quizzer" in results["conv_output_size"].failures[0] and "torch" in results["conv_output_size"].failures[0]
    assert results["conv_params"].ok


def _ceil_instead_of_floor(real, input_size, kernel_size, stride=1, padding=0, dilation=1):
    out = real(input_size, kernel_size, 1, padding, dilation)  # stride-1 size, then round up
    if isinstance(out, tuple):
        s = stride if isinstance(stride, tuple) else (stride,) * len(out)
        return tuple(-(-(o - 1) // st) + 1 for o, st in zip(out, s, strict=True))
    return -(-(out - 1) // stride) + 1


def test_topics_without_a_checker_are_skipped_or_refused():
    topics = available_topics()
    assert topics[:4] == MINE
    missing = [t for t in ("norms", "init", "optim") if t not in topics]
    for topic in missing:
        with pytest.raises(ExerciseError, match="no cross-check yet"):
            verify(modules=[topic])
