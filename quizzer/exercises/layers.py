"""Exercises on parameter counts of dense stacks and of torch's RNN, LSTM and GRU layers."""

from __future__ import annotations

import itertools
import random

from quizzer.compute import layers
from quizzer.exercises._drafting import exact, finish, mis
from quizzer.exercises.types import Draft

__all__ = ["dense_params", "gru_params", "lstm_params", "rnn_params"]


def dense_params(rng: random.Random, difficulty: int) -> Draft:
    """Parameters of an MLP of ``nn.Linear`` layers with biases."""
    hidden = {1: 1, 2: 2, 3: 3}[difficulty]
    first = rng.choice([784, 100, 64, 32, 20, 10, 3072, 512])
    widths = [rng.choice([512, 256, 128, 100, 64, 50, 32, 1000]) for _ in range(hidden)]
    last = rng.choice([10, 2, 1, 5, 100])
    sizes = [first, *widths, last]
    value = layers.mlp_params(sizes)
    weights = sum(a * b for a, b in itertools.pairwise(sizes))
    biases = sum(sizes[1:])
    answer = exact(value)
    cands = [
        mis("forgot-biases", weights, "每个 `nn.Linear` 还有偏置：每个输出单元一个。", "Every `nn.Linear` also has a bias: one per output unit."),
        mis("bias-per-input", weights + sum(sizes[:-1]), "偏置的个数等于输出单元数，不是输入单元数。", "There is one bias per output unit, not per input unit."),
        mis("counted-units", sum(sizes), "这是单元（神经元）的个数；参数是连接权重加偏置。", "That counts units (neurons); parameters are the connection weights plus biases."),
        mis("one-bias-per-layer", weights + len(sizes) - 1, "每层不是一个偏置，而是每个输出单元一个。", "Not one bias per layer: one per output unit."),
    ]
    arrows = " \\to ".join(map(str, sizes))
    terms = " + ".join(f"({a} \\times {b} + {b})" for a, b in itertools.pairwise(sizes))
    return Draft(
        prompt_zh=f"一个全连接网络（PyTorch `nn.Linear` 层，带偏置）的各层宽度为 ${arrows}$。它共有多少个可训练参数？",
        prompt_en=f"A fully connected network of PyTorch `nn.Linear` layers (with biases) has layer widths ${arrows}$. How many trainable parameters does it have?",
        solution_zh=f"每层 $n_\\text{{in}} \\times n_\\text{{out}}$ 个权重加 $n_\\text{{out}}$ 个偏置：\n\n${terms} = {weights} + {biases} = {value}$。\n\n答案：${value}$。",
        solution_en=f"Each layer has $n_\\text{{in}} \\times n_\\text{{out}}$ weights plus $n_\\text{{out}}$ biases:\n\n${terms} = {weights} + {biases} = {value}$.\n\nAnswer: ${value}$.",
        answer=answer,
        misconceptions=finish(answer, cands),
        params={"sizes": sizes},
    )


_GATES = {"RNN": 1, "GRU": 3, "LSTM": 4}
_FUNCS = {"RNN": layers.rnn_params, "GRU": layers.gru_params, "LSTM": layers.lstm_params}


def _count(mode: str, i: int, h: int, num_layers: int, bidir: bool, biases: int = 2, gates: int | None = None,
           recurrent: bool = True, deep_input: str = "right") -> int:
    """A (possibly wrong) count, for the misconceptions only; the answer comes from ``layers``."""
    g = _GATES[mode] if gates is None else gates
    d = 2 if bidir else 1
    total = 0
    for k in range(num_layers):
        if k == 0 or deep_input == "input_size":
            layer_in = i
        else:
            layer_in = h if deep_input == "not-doubled" else h * d
        per_dir = g * h * layer_in + (g * h * h if recurrent else 0) + biases * g * h
        total += d * per_dir
    return total


def _recurrent(rng: random.Random, difficulty: int, mode: str) -> Draft:
    i = rng.choice([10, 20, 32, 50, 64, 100, 128, 300])
    h = rng.choice([16, 20, 32, 64, 100, 128, 256])
    num_layers = 1 if difficulty == 1 else 2
    bidir = difficulty == 3
    value = _FUNCS[mode](i, h, num_layers=num_layers, bidirectional=bidir)
    g = _GATES[mode]
    d = 2 if bidir else 1
    answer = exact(value)
    keras_zh = {"RNN": "Keras 的 SimpleRNN", "LSTM": "Keras 的 LSTM", "GRU": "Keras 的 GRU（reset_after=False）"}[mode]
    keras_en = {"RNN": "Keras's SimpleRNN", "LSTM": "Keras's LSTM", "GRU": "Keras's GRU with reset_after=False"}[mode]
    cands = [
        mis("single-bias", _count(mode, i, h, num_layers, bidir, biases=1), f"PyTorch 每组门有两个偏置向量 `b_ih` 和 `b_hh`；只算一个是 {keras_zh} 和教科书公式的数法。", f"PyTorch has two bias vectors per gate block, `b_ih` and `b_hh`; one bias is how {keras_en} and the textbook equations count."),
        mis("forgot-recurrent-weights", _count(mode, i, h, num_layers, bidir, recurrent=False), "漏了隐藏到隐藏的循环权重 `weight_hh`：每组门还有 $H \\times H$ 个。", "You left out the hidden-to-hidden recurrent weights `weight_hh`: another $H \\times H$ per gate block."),
        mis("no-bias", _count(mode, i, h, num_layers, bidir, biases=0), "`bias=True` 是默认值：别忘了偏置。", "`bias=True` is the default: count the biases."),
    ]
    if mode == "LSTM":
        cands.append(mis("three-gates", _count(mode, i, h, num_layers, bidir, gates=3), "LSTM 有 4 组：输入门、遗忘门、候选单元、输出门（3 组是 GRU）。", "An LSTM has 4 blocks: input, forget, cell candidate and output (3 is the GRU)."))
    if mode == "GRU":
        cands.append(mis("four-gates", _count(mode, i, h, num_layers, bidir, gates=4), "GRU 有 3 组：重置门、更新门、候选状态（4 组是 LSTM）。", "A GRU has 3 blocks: reset, update and candidate state (4 is the LSTM)."))
        cands.append(mis("two-gates", _count(mode, i, h, num_layers, bidir, gates=2), "别漏了候选状态 $n_t$ 的权重：GRU 有 3 组。", "Count the candidate state $n_t$ too: a GRU has 3 blocks."))
    if num_layers > 1:
        cands.append(mis("deep-layer-input", _count(mode, i, h, num_layers, bidir, deep_input="input_size"), f"第 2 层的输入是第 1 层的输出（大小 {h * d}），不是原始输入 {i}。", f"Layer 2 reads layer 1's output (size {h * d}), not the original input ({i})."))
    if bidir:
        cands.append(mis("deep-input-not-doubled", _count(mode, i, h, num_layers, bidir, deep_input="not-doubled"), f"双向时第 2 层的输入是两个方向输出的拼接：$2H = {2 * h}$。", f"With two directions, layer 2 reads both outputs concatenated: $2H = {2 * h}$."))
        cands.append(mis("one-direction", _count(mode, i, h, num_layers, False), "双向层每个方向各有一套参数，要乘 2。", "A bidirectional layer has a full set of parameters per direction: double it."))
    ctor = f"nn.{mode}(input_size={i}, hidden_size={h}" + (f", num_layers={num_layers}" if num_layers > 1 else "") + (", bidirectional=True" if bidir else "") + ")"
    gate = {"RNN": "1", "GRU": "3", "LSTM": "4"}[mode]
    lines_zh, lines_en = [
        f"每层每个方向：`weight_ih` $({g}H) \\times n_\\text{{in}}$，`weight_hh` $({g}H) \\times H$，`bias_ih` 和 `bias_hh` 各 ${g}H$（{gate} 组门）。"
    ], [
        f"Per layer and direction: `weight_ih` $({g}H) \\times n_\\text{{in}}$, `weight_hh` $({g}H) \\times H$, and `bias_ih`, `bias_hh` of ${g}H$ each ({gate} block{'s' if g > 1 else ''})."
    ]
    total = 0
    for k in range(num_layers):
        layer_in = i if k == 0 else h * d
        per = g * h * layer_in + g * h * h + 2 * g * h
        total += d * per
        expr = f"{g * h} \\times {layer_in} + {g * h} \\times {h} + 2 \\times {g * h} = {per}"
        lines_zh.append(f"第 {k + 1} 层（$n_\\text{{in}} = {layer_in}$）：${expr}$" + (f"，两个方向 ${2 * per}$。" if bidir else "。"))
        lines_en.append(f"Layer {k + 1} ($n_\\text{{in}} = {layer_in}$): ${expr}$" + (f", times two directions: ${2 * per}$." if bidir else "."))
    fewer = value - _count(mode, i, h, num_layers, bidir, biases=1)
    lines_zh.append(f"合计 ${total}$。（{keras_zh} 每组门只有一个偏置，会少算 ${fewer}$ 个。）\n\n答案：${value}$。")
    lines_en.append(f"Total ${total}$. ({keras_en} keeps one bias per gate block and counts ${fewer}$ fewer.)\n\nAnswer: ${value}$.")
    return Draft(
        prompt_zh=f"PyTorch 的 `{ctor}`（默认 bias=True）有多少个参数？",
        prompt_en=f"How many parameters does PyTorch's `{ctor}` have (default bias=True)?",
        solution_zh="\n\n".join(lines_zh),
        solution_en="\n\n".join(lines_en),
        answer=answer,
        misconceptions=finish(answer, cands),
        params={"mode": mode, "input_size": i, "hidden_size": h, "num_layers": num_layers, "bidirectional": bidir},
    )


def rnn_params(rng: random.Random, difficulty: int) -> Draft:
    """Parameters of ``nn.RNN`` (1 or 2 layers, uni- or bidirectional)."""
    return _recurrent(rng, difficulty, "RNN")


def lstm_params(rng: random.Random, difficulty: int) -> Draft:
    """Parameters of ``nn.LSTM`` (1 or 2 layers, uni- or bidirectional)."""
    return _recurrent(rng, difficulty, "LSTM")


def gru_params(rng: random.Random, difficulty: int) -> Draft:
    """Parameters of ``nn.GRU`` (1 or 2 layers, uni- or bidirectional)."""
    return _recurrent(rng, difficulty, "GRU")
