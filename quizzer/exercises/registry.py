"""The catalogue of exercise kinds and the one way to make an exercise.

The catalogue maps each kind's name to the generator that makes it, by dotted path, so that
listing kinds or validating a card's ``exercise`` field imports nothing heavy; a generator module
(and numpy) is imported only when an exercise of that kind is asked for.

Every generator is a function ``gen(rng: random.Random, difficulty: int) -> Draft``.  The random
stream is seeded from a SHA-256 of ``kind:seed:difficulty``, which is the same on every machine and
Python version, so a review log can re-create what was asked.
"""

from __future__ import annotations

import hashlib
import importlib
import random
from collections.abc import Callable
from dataclasses import dataclass

from quizzer.errors import ExerciseError
from quizzer.exercises.types import Draft, Exercise

__all__ = ["KINDS", "Kind", "generate", "get_kind", "kind_names", "kinds", "module_names", "resolve"]


@dataclass(frozen=True)
class Kind:
    """One exercise kind: its registry name, what it asks, and where its generator lives."""

    name: str
    description: str
    target: str  # "module:function" under quizzer.exercises

    @property
    def module(self) -> str:
        """The compute topic this kind belongs to (the part of the name before the dot)."""
        return self.name.split(".", 1)[0]


_CATALOGUE: list[tuple[str, str]] = [
    # name, one-line description
    ("conv.output_size", "output size of a convolution (padding, stride, dilation)"),
    ("conv.transpose_output_size", "output size of a transposed convolution"),
    ("conv.pool_output_size", "output size of max pooling, floor or ceil mode"),
    ("conv.params", "number of parameters of a conv layer (groups, bias)"),
    ("conv.macs", "multiply-accumulates of one conv forward pass"),
    ("conv.receptive_field", "receptive field of a stack of conv/pool layers"),
    ("softmax.value", "softmax probability of one entry of a small vector"),
    ("softmax.log_softmax", "log-softmax of one entry, computed stably"),
    ("softmax.logsumexp", "log-sum-exp of a vector with large entries"),
    ("softmax.naive_failure", "how the textbook softmax formula fails in float32/float64"),
    ("softmax.temperature", "softmax probability at a given temperature"),
    ("information.entropy", "entropy of a discrete distribution (nats or bits)"),
    ("information.cross_entropy", "cross-entropy H(P, Q) of two distributions"),
    ("information.kl_divergence", "KL divergence D_KL(P || Q)"),
    ("perceptron.mistake_bound", "Novikoff bound (R/gamma)^2 on perceptron mistakes"),
    ("perceptron.train", "mistakes the perceptron makes on a small data set"),
    ("perceptron.distance", "distance from a point to a hyperplane"),
    ("perceptron.margin", "geometric margin of a separating hyperplane"),
    ("norms.vector", "L0, L1, L2 or L-infinity norm of a vector"),
    ("norms.frobenius", "Frobenius norm of a matrix"),
    ("init.glorot_uniform", "Glorot (Xavier) uniform initialization bound"),
    ("init.he_normal", "He (Kaiming) normal initialization standard deviation"),
    ("clipping.global_norm", "gradient clipping by global norm"),
    ("optim.sgd_momentum_step", "parameter after SGD-with-momentum steps"),
    ("optim.momentum_terminal_speed", "terminal speed eps*|g|/(1-alpha) of momentum SGD"),
    ("optim.adagrad_step", "parameter after AdaGrad steps"),
    ("optim.rmsprop_step", "parameter after RMSProp steps"),
    ("optim.adam_step", "parameter after Adam steps with bias correction"),
    ("batchnorm.forward", "batch normalization output of one entry (training mode)"),
    ("dropout.scale", "inverted-dropout scaling and expected activation"),
    ("bagging.unique_share", "expected share of unique samples in a bootstrap sample"),
    ("activations.sigmoid_identity", "sigmoid identities: 1 - s(x) = s(-x), s'(x)"),
    ("activations.softplus", "softplus value and its derivative"),
    ("activations.tanh_sigmoid", "tanh from sigmoid: tanh(x) = 2 s(2x) - 1"),
    ("layers.dense_params", "parameters of a stack of dense layers"),
    ("layers.rnn_params", "parameters of a vanilla RNN layer"),
    ("layers.lstm_params", "parameters of an LSTM layer"),
    ("layers.gru_params", "parameters of a GRU layer"),
    ("separable.cost", "cost of a separable versus a full d-dimensional kernel"),
    ("memory.mlp_image", "weights and memory of a dense layer on a raw image"),
]


def _target(name: str) -> str:
    module, func = name.split(".", 1)
    return f"quizzer.exercises.{module}:{func}"


KINDS: dict[str, Kind] = {name: Kind(name, desc, _target(name)) for name, desc in _CATALOGUE}


def kinds(module: str | None = None) -> list[Kind]:
    """Every kind, in catalogue order, optionally only those of one module."""
    return [k for k in KINDS.values() if module is None or k.module == module]


def kind_names() -> list[str]:
    return list(KINDS)


def module_names() -> list[str]:
    return list(dict.fromkeys(k.module for k in KINDS.values()))


def get_kind(name: str) -> Kind:
    try:
        return KINDS[name]
    except KeyError:
        raise ExerciseError(
            f"unknown exercise kind {name!r}; run 'quizzer exercise --list' to see the kinds"
        ) from None


def resolve(kind: str) -> Callable[[random.Random, int], Draft]:
    """Import and return the generator function of a kind."""
    module_name, func_name = get_kind(kind).target.split(":")
    module = importlib.import_module(module_name)
    return getattr(module, func_name)


def _rng(kind: str, seed: int, difficulty: int) -> random.Random:
    digest = hashlib.sha256(f"{kind}:{seed}:{difficulty}".encode()).digest()
    return random.Random(int.from_bytes(digest[:16], "big"))


def generate(kind: str, seed: int, difficulty: int = 2) -> Exercise:
    """The exercise of ``kind`` for ``seed`` at ``difficulty`` (1-3); the same everywhere."""
    if difficulty not in (1, 2, 3):
        raise ExerciseError(f"difficulty must be 1, 2 or 3, not {difficulty}")
    if not isinstance(seed, int) or seed < 0:
        raise ExerciseError(f"seed must be a non-negative integer, not {seed!r}")
    draft = resolve(kind)(_rng(kind, seed, difficulty), difficulty)
    return Exercise(
        kind=kind,
        seed=seed,
        difficulty=difficulty,
        prompt_zh=draft.prompt_zh,
        prompt_en=draft.prompt_en,
        solution_zh=draft.solution_zh,
        solution_en=draft.solution_en,
        answer=draft.answer,
        misconceptions=draft.misconceptions,
        params=dict(draft.params),
    )
