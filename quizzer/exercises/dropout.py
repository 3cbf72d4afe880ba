"""Exercise on dropout: inverted scaling, the weight-scaling rule and the number of sub-networks."""

from __future__ import annotations

import random

from quizzer.compute import dropout
from quizzer.exercises._drafting import exact, finish, mis, num, real
from quizzer.exercises.types import Draft

__all__ = ["scale"]

_P = [0.1, 0.2, 0.25, 0.3, 0.4, 0.6, 0.75, 0.8]
_X = [0.8, 1.2, 1.5, 2.0, 2.4, 3.0, 0.6, 4.5]


def _kept_output(rng: random.Random, difficulty: int) -> Draft:
    p, x = rng.choice(_P), rng.choice(_X)
    keep_notation = difficulty == 3 and rng.random() < 0.5
    value = float(dropout.dropout([x], [1], p=p)[0])
    scale = dropout.dropout_scale(p)
    q = 1 - p
    answer = real(value)
    cands = [
        mis("used-p", x * p, "缩放因子是 $1/(1-p)$，不是 $p$：保留的单元要放大，使期望不变。", "The factor is $1/(1-p)$, not $p$: kept units are scaled up so the expectation is unchanged."),
        mis("multiplied-by-keep-prob", x * q, "乘 $1-p$ 是不做反向缩放时测试阶段的做法；训练时的反向 dropout 是除以 $1-p$。", "Multiplying by $1-p$ is the test-time rule without inverted scaling; inverted dropout divides by $1-p$ during training."),
        mis("divided-by-p", x / p, f"PyTorch 的 $p$ 是丢弃概率，要除以保留概率 $1-p = {num(q)}$。", f"PyTorch's $p$ is the drop probability; divide by the keep probability $1-p = {num(q)}$."),
        mis("no-scaling", x, "反向 dropout 在训练时就放大保留的单元，输出不是原值。", "Inverted dropout scales the kept units during training; the output is not the raw value."),
    ]
    if keep_notation:
        cands.insert(0, mis("keep-as-drop", x / p if p != 0 else x, f"题目给的是保留概率 {num(q)}，丢弃概率是 $1 - {num(q)} = {num(p)}$。", f"The text gives the keep probability {num(q)}; the drop probability is $1 - {num(q)} = {num(p)}$."))
        setup_zh = f"按原论文的记法，每个单元以保留概率 ${num(q)}$ 保留（PyTorch 中写作 `nn.Dropout(p={num(p)})`）"
        setup_en = f"In the paper's notation each unit is kept with probability ${num(q)}$ (in PyTorch, `nn.Dropout(p={num(p)})`)"
    else:
        setup_zh = f"一个 `nn.Dropout(p={num(p)})` 层"
        setup_en = f"An `nn.Dropout(p={num(p)})` layer"
    return Draft(
        prompt_zh=f"{setup_zh}处于训练模式。某个单元的输入激活为 ${num(x)}$ 且没有被丢弃。它的输出是多少？",
        prompt_en=f"{setup_en} is in training mode. A unit with input activation ${num(x)}$ is not dropped. What is its output?",
        solution_zh=(f"PyTorch 的 $p$ 是丢弃概率；反向 dropout 把保留的单元乘以 $\\frac{{1}}{{1-p}} = \\frac{{1}}{{{num(q)}}} = {num(scale, 6)}$，"
                     f"使期望 $(1-p) \\cdot \\frac{{x}}{{1-p}} = x$ 不变。\n\n${num(x)} \\times {num(scale, 6)} = {num(value)}$。\n\n答案：${num(value)}$。"),
        solution_en=(f"PyTorch's $p$ is the drop probability; inverted dropout multiplies kept units by $\\frac{{1}}{{1-p}} = \\frac{{1}}{{{num(q)}}} = {num(scale, 6)}$, "
                     f"so the expectation $(1-p) \\cdot \\frac{{x}}{{1-p}} = x$ is unchanged.\n\n${num(x)} \\times {num(scale, 6)} = {num(value)}$.\n\nAnswer: ${num(value)}$."),
        answer=answer,
        misconceptions=finish(answer, cands),
        params={"ask": "kept_output", "p": p, "x": x},
    )


def _weight_scaling(rng: random.Random) -> Draft:
    p, w = rng.choice(_P), rng.choice(_X)
    value = dropout.weight_scaling(w, p)
    q = 1 - p
    answer = real(value)
    cands = [
        mis("inverted-at-test-time", w / q, "除以 $1-p$ 是训练时的反向 dropout；没做反向缩放时，测试阶段要乘以保留概率 $1-p$。", "Dividing by $1-p$ is inverted dropout at training time; without it, test-time weights are multiplied by the keep probability $1-p$."),
        mis("used-p", w * p, f"$p = {num(p)}$ 是丢弃概率；要乘以保留概率 $1-p = {num(q)}$。", f"$p = {num(p)}$ is the drop probability; multiply by the keep probability $1-p = {num(q)}$."),
        mis("no-scaling", w, "训练时每个单元平均只有 $1-p$ 的时间在场，测试时全部在场，所以权重要按 $1-p$ 缩小。", "In training each unit is present only a fraction $1-p$ of the time; at test time always, so the weights shrink by $1-p$."),
    ]
    return Draft(
        prompt_zh=(f"训练时用丢弃概率 $p = {num(p)}$ 的普通 dropout（训练时**不**放大保留的单元）。按权重缩放推断规则，"
                   f"一个训练后取值为 ${num(w)}$ 的出边权重在测试时应取多少？"),
        prompt_en=(f"A network is trained with plain dropout of drop probability $p = {num(p)}$ (kept units are **not** scaled up during training). "
                   f"By the weight scaling inference rule, what should an outgoing weight of ${num(w)}$ become at test time?"),
        solution_zh=(f"《深度学习》7.12：测试时把单元的出边权重乘以该单元被保留的概率 $1-p = {num(q)}$，使下一层输入的期望与训练时一致。\n\n"
                     f"${num(w)} \\times {num(q)} = {num(value)}$。\n\n答案：${num(value)}$。"),
        solution_en=(f"Goodfellow et al. 7.12: at test time multiply the weights going out of a unit by the probability of keeping it, $1-p = {num(q)}$, "
                     f"so the next layer sees the same expected input as in training.\n\n${num(w)} \\times {num(q)} = {num(value)}$.\n\nAnswer: ${num(value)}$."),
        answer=answer,
        misconceptions=finish(answer, cands),
        params={"ask": "weight_scaling", "p": p, "w": w},
    )


def _subnetworks(rng: random.Random) -> Draft:
    inputs, hidden = rng.randint(3, 8), rng.randint(4, 12)
    n = inputs + hidden
    value = dropout.num_subnetworks(n)
    answer = exact(value)
    cands = [
        mis("n-squared", n * n, "每个单元独立地在或不在，是 $2^n$ 种组合，不是 $n^2$。", "Each unit is independently in or out: $2^n$ combinations, not $n^2$."),
        mis("two-n", 2 * n, "每个单元两种状态要相乘而不是相加：$2^n$。", "The two states of each unit multiply, not add: $2^n$."),
        mis("hidden-only", dropout.num_subnetworks(hidden), "输入单元也可以被丢弃：所有非输出单元都算。", "Input units can be dropped too: every non-output unit counts."),
    ]
    return Draft(
        prompt_zh=f"一个网络有 {inputs} 个输入单元、{hidden} 个隐藏单元和 1 个输出单元，对输入和隐藏单元都使用 dropout。dropout 实际上在训练多少个共享参数的子网络？",
        prompt_en=f"A network has {inputs} input units, {hidden} hidden units and 1 output unit, with dropout on the input and hidden units. How many weight-sharing sub-networks does dropout train?",
        solution_zh=f"每个非输出单元要么保留要么丢弃，共 $n = {inputs} + {hidden} = {n}$ 个单元，所以有 $2^{{{n}}} = {value}$ 个子网络（《深度学习》7.12）。\n\n答案：${value}$。",
        solution_en=f"Each non-output unit is either kept or dropped; there are $n = {inputs} + {hidden} = {n}$ of them, so $2^{{{n}}} = {value}$ sub-networks (Goodfellow et al. 7.12).\n\nAnswer: ${value}$.",
        answer=answer,
        misconceptions=finish(answer, cands),
        params={"ask": "subnetworks", "inputs": inputs, "hidden": hidden},
    )


def scale(rng: random.Random, difficulty: int) -> Draft:
    """Inverted-dropout output of a kept unit, test-time weight scaling, or the sub-network count."""
    if difficulty == 1:
        return _kept_output(rng, difficulty)
    ask = rng.choice(["kept_output", "weight_scaling"] + (["subnetworks"] if difficulty == 3 else []))
    if ask == "kept_output":
        return _kept_output(rng, difficulty)
    if ask == "weight_scaling":
        return _weight_scaling(rng)
    return _subnetworks(rng)
