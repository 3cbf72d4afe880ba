"""The bundled question bank: every interview question is a card with its stars, in both languages.

The ids below are the interview list's 48 questions in its order, each with the star rating the
list gives it (how often it comes up).  The list marks one question, the RNN design patterns, with
no star; it is kept at one.
"""

from __future__ import annotations

import re

import pytest

from quizzer.config import bundled_content_dir
from quizzer.content import check_content, load_content
from quizzer.exercises import generate
from quizzer.exercises.registry import kind_names, module_names

QUESTIONS: list[tuple[str, int]] = [
    ("weight-initialization", 1),
    ("exploding-gradients", 3),
    ("universal-approximation", 1),
    ("depth-vs-width", 2),
    ("nonconvexity-hidden-layers", 2),
    ("sparse-lowdim-independent-repr", 1),
    ("local-constancy-smoothness-prior", 1),
    ("cross-entropy-vs-mse", 2),
    ("relu-vs-sigmoid", 3),
    ("no-bias-penalty", 1),
    ("common-norms", 2),
    ("l1-vs-l2-norm", 3),
    ("l1-sparsity-l2-overfitting", 2),
    ("activation-functions", 3),
    ("jacobian-hessian", 1),
    ("entropy-kl-cross-entropy", 2),
    ("softmax-overflow-underflow", 1),
    ("capacity-overfitting-underfitting", 1),
    ("fighting-overfitting", 3),
    ("why-gaussian", 2),
    ("representation-learning-autoencoders", 2),
    ("regularization-map", 1),
    ("underconstrained-problems", 1),
    ("noise-injection", 1),
    ("multitask-parameter-sharing", 3),
    ("dropout-vs-bagging", 3),
    ("batch-size-effects", 2),
    ("ill-conditioning-saddle-vanishing", 3),
    ("sgd-learning-rate-momentum", 3),
    ("adaptive-learning-rates", 3),
    ("second-order-methods", 1),
    ("batch-normalization", 2),
    ("convolution-motivation", 3),
    ("zero-padding", 2),
    ("transposed-dilated-convolution", 3),
    ("pooling", 3),
    ("conv-pooling-strong-prior", 2),
    ("rnn-design-patterns", 1),
    ("rnn-lstm-gru-equations", 3),
    ("bptt", 2),
    ("autoencoders-significance", 1),
    ("autoencoder-variants", 1),
    ("semi-supervised-learning", 1),
    ("distributed-representation", 3),
    ("curse-of-dimensionality", 3),
    ("transfer-learning", 2),
    ("graphical-models", 1),
    ("deep-generative-models-rbm", 1),
]

# The list's sub-questions: each its own card, tagged parent:<parent id>.
SUB_QUESTIONS: dict[str, set[str]] = {
    "l1-sparsity-l2-overfitting": {"why-l1-sparse-l2-not", "why-l1-l2-prevent-overfitting"},
    "activation-functions": {"relu", "sigmoid-tanh", "other-hidden-units", "sigmoid-softplus-properties"},
    "entropy-kl-cross-entropy": {"self-information-entropy", "kl-divergence-cross-entropy"},
    "capacity-overfitting-underfitting": {"fighting-overfitting"},
    "why-gaussian": {"gaussian-distribution", "gaussian-clt-max-entropy"},
    "multitask-parameter-sharing": {"multi-task-learning", "parameter-tying-vs-sharing"},
    "dropout-vs-bagging": {"bagging-ensembles", "dropout-why-it-works"},
    "ill-conditioning-saddle-vanishing": {"ill-conditioning", "saddle-points", "long-term-dependencies-gradients"},
    "sgd-learning-rate-momentum": {"sgd-learning-rate-schedule", "sgd-momentum-nesterov"},
    "adaptive-learning-rates": {"adagrad", "rmsprop", "adam"},
    "convolution-motivation": {"conv-sparse-connectivity", "conv-parameter-sharing", "translation-equivariance"},
    "transposed-dilated-convolution": {"transposed-convolution", "dilated-convolution"},
    "distributed-representation": {"distributed-representation-definition", "distributed-representation-power"},
}

# Facts from the convolution and lecture notes that the list lacks, each a card of its own.
NOTE_CARDS = [
    "convolution-vs-cross-correlation", "conv-sparse-connectivity", "conv-parameter-sharing",
    "translation-equivariance", "conv-efficiency-edge-detection", "receptive-field-growth",
    "conv-pooling-strong-prior", "locally-connected-tiled-convolution", "separable-kernel-cost",
    "fft-convolution", "mlp-image-parameter-explosion", "fc-to-conv-derivation", "perceptron-algorithm",
    "point-hyperplane-distance", "geometric-margin", "perceptron-convergence-theorem",
    "perceptron-convergence-proof", "expected-vs-empirical-risk", "bias-variance-tradeoff", "knn-choosing-k",
    "tensor-storage-stride", "backpropagation-equations", "conv2d-tensor-shapes", "maxpool-output-shape",
    "conv-output-size", "conv-macs", "learned-invariance-channel-pooling",
]

# Cards about a quantity a computation module generates name an exercise of that module.
EXERCISE_MODULES = {
    "softmax-overflow-underflow": "softmax",
    "self-information-entropy": "information",
    "kl-divergence-cross-entropy": "information",
    "cross-entropy-vs-mse": "information",
    "perceptron-convergence-theorem": "perceptron",
    "perceptron-algorithm": "perceptron",
    "point-hyperplane-distance": "perceptron",
    "conv-output-size": "conv",
    "transposed-convolution": "conv",
    "maxpool-output-shape": "conv",
    "receptive-field-growth": "conv",
    "common-norms": "norms",
    "weight-initialization": "init",
    "exploding-gradients": "clipping",
    "adam": "optim",
    "batch-normalization": "batchnorm",
    "dropout-why-it-works": "dropout",
    "bagging-ensembles": "bagging",
    "sigmoid-softplus-properties": "activations",
    "rnn-lstm-gru-equations": "layers",
    "separable-kernel-cost": "separable",
    "mlp-image-parameter-explosion": "memory",
}


@pytest.fixture(scope="module")
def bank():
    return load_content(bundled_content_dir())


@pytest.fixture(scope="module")
def cards(bank):
    return {c.id: c for c in bank.cards}


def test_the_bundled_bank_has_no_problems():
    assert check_content(bundled_content_dir()) == []


def test_the_question_list_is_48_distinct_questions():
    ids = [q for q, _ in QUESTIONS]
    assert len(ids) == 48 and len(set(ids)) == 48


@pytest.mark.parametrize(("card_id", "stars"), QUESTIONS, ids=[q for q, _ in QUESTIONS])
def test_every_interview_question_is_a_card_with_its_stars(cards, card_id, stars):
    assert card_id in cards, f"no card for the interview question {card_id!r}"
    card = cards[card_id]
    assert card.stars == stars
    for text in (card.question_zh, card.answer_zh):
        assert re.search(r"[\u4e00-\u9fff]", text), f"{card_id}: Chinese text missing"
    for text in (card.question_en, card.answer_en):
        assert re.search(r"[A-Za-z]{3,}", text) and not re.search(r"[\u4e00-\u9fff]{4,}", text), card_id
    assert len(card.answer_en) >= 300 and len(card.answer_zh) >= 150, f"{card_id}: answer too short to earn the point"


@pytest.mark.parametrize("parent", sorted(SUB_QUESTIONS))
def test_sub_questions_are_cards_linked_to_their_parent(cards, parent):
    assert parent in cards
    for sub in SUB_QUESTIONS[parent]:
        assert sub in cards, f"no card for the sub-question {sub!r} of {parent!r}"
        assert f"parent:{parent}" in cards[sub].tags


def test_every_parent_tag_names_a_card(cards):
    dangling = {(c.id, t) for c in cards.values() for t in c.tags if t.startswith("parent:") and t[7:] not in cards}
    assert not dangling


def test_the_list_and_its_sub_questions_give_about_eighty_cards(cards):
    from_list = {q for q, _ in QUESTIONS} | {s for subs in SUB_QUESTIONS.values() for s in subs}
    assert from_list <= set(cards)
    assert len(from_list) >= 75


def test_the_notes_add_their_own_cards(cards):
    missing = [c for c in NOTE_CARDS if c not in cards]
    assert not missing
    assert len(NOTE_CARDS) >= 25


@pytest.mark.parametrize(("card_id", "module"), sorted(EXERCISE_MODULES.items()))
def test_cards_on_computable_quantities_name_their_exercise(cards, card_id, module):
    kind = cards[card_id].exercise
    assert kind is not None, f"{card_id} names no exercise"
    assert kind.split(".")[0] == module
    exercise = generate(kind, seed=1, difficulty=2)  # it really generates
    assert exercise.prompt("en") and exercise.solution("zh")


def test_every_computation_module_is_drilled_by_some_card(cards):
    named = {c.exercise for c in cards.values() if c.exercise}
    assert named <= set(kind_names())
    assert {k.split(".")[0] for k in named} == set(module_names())


def test_topics_come_in_study_order(bank):
    assert [t.id for t in bank.topics] == [
        "foundations", "regularization", "optimization", "convolution", "sequence", "representation",
        "probabilistic", "applications",
    ]
    assert all(t.name_zh and t.name_en for t in bank.topics)
    assert {c.topic for c in bank.cards} == {t.id for t in bank.topics}


def test_corrected_formulas_stay_corrected(cards):
    """Errors of the source notes that the cards fix; a regression here would teach them again."""
    lstm = cards["rnn-lstm-gru-equations"]
    for text in (lstm.answer_zh, lstm.answer_en):
        assert r"o_t&=\sigma(W_{xo}x_t+W_{ho}h_{t-1}+b_o)" in text  # the output gate is a sigmoid
        assert not re.search(r"o_t\s*&?=\s*\\?(mathrm\{)?softmax", text)
    adam = cards["adam"]
    for text in (adam.answer_zh, adam.answer_en):
        assert r"\frac{\hat m_t}{\sqrt{\hat v_t}+\epsilon}" in text  # bias-corrected second moment, under a root


def test_no_escaped_underscore_inside_text(cards):
    r"""Anki's MathJax shows "\_" inside \text{} literally; names like max_norm use \mathrm{max\_norm}."""
    bad = [c.id for c in cards.values()
           if any(re.search(r"\\text\{[^}]*\\_", t) for t in (c.question_zh, c.question_en, c.answer_zh, c.answer_en))]
    assert not bad
