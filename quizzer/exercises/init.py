"""Exercises on initialization scales: the Glorot uniform bound and the He normal std."""

from __future__ import annotations

import math
import random

from quizzer.compute import init
from quizzer.exercises._drafting import finish, mis, num, real
from quizzer.exercises.types import Draft

__all__ = ["glorot_uniform", "he_normal"]


def _layer(rng: random.Random, difficulty: int) -> tuple[str, tuple[int, ...], dict]:
    """A PyTorch layer, its weight shape and its constructor arguments."""
    if difficulty == 1:
        fin = rng.choice([64, 100, 128, 200, 256, 300, 400, 512, 784, 1024])
        fout = rng.choice([10, 32, 64, 100, 128, 256, 512])
        while fout == fin:
            fout = rng.choice([10, 32, 64, 100, 128, 256, 512])
        return f"nn.Linear({fin}, {fout})", (fout, fin), {"in_features": fin, "out_features": fout}
    cin = rng.choice([3, 16, 32, 64, 128])
    cout = rng.choice([c for c in (16, 32, 64, 128, 256) if c != cin])
    k = rng.choice([3, 5]) if difficulty == 2 else rng.choice([3, 5, 7])
    return f"nn.Conv2d({cin}, {cout}, kernel_size={k})", (cout, cin, k, k), {"in_channels": cin, "out_channels": cout, "kernel_size": k}


def _fans_text(shape: tuple[int, ...]) -> tuple[str, str, int, int]:
    fin, fout = init.fan_in_and_fan_out(shape)
    if len(shape) == 2:
        zh = f"权重形状为 $({shape[0]}, {shape[1]})$（out, in），所以 $n_\\text{{in}} = {fin}$，$n_\\text{{out}} = {fout}$。"
        en = f"The weight has shape $({shape[0]}, {shape[1]})$ (out, in), so $n_\\text{{in}} = {fin}$ and $n_\\text{{out}} = {fout}$."
    else:
        rf = shape[2] * shape[3]
        zh = (
            f"权重形状为 $({', '.join(map(str, shape))})$，感受野大小 ${shape[2]} \\times {shape[3]} = {rf}$，"
            f"所以 $n_\\text{{in}} = {shape[1]} \\times {rf} = {fin}$，$n_\\text{{out}} = {shape[0]} \\times {rf} = {fout}$。"
        )
        en = (
            f"The weight has shape $({', '.join(map(str, shape))})$; the receptive field is ${shape[2]} \\times {shape[3]} = {rf}$, "
            f"so $n_\\text{{in}} = {shape[1]} \\times {rf} = {fin}$ and $n_\\text{{out}} = {shape[0]} \\times {rf} = {fout}$."
        )
    return zh, en, fin, fout


def glorot_uniform(rng: random.Random, difficulty: int) -> Draft:
    """The bound ``a`` of ``nn.init.xavier_uniform_`` for a dense or conv layer."""
    layer, shape, args = _layer(rng, difficulty)
    nonlinearity = rng.choice(["tanh", "relu"]) if difficulty == 3 else None
    gain = init.calculate_gain(nonlinearity) if nonlinearity else 1.0
    bound = init.xavier_uniform_bound(shape, gain)
    fzh, fen, fin, fout = _fans_text(shape)
    call = f"nn.init.xavier_uniform_(layer.weight, gain=nn.init.calculate_gain('{nonlinearity}'))" if nonlinearity else "nn.init.xavier_uniform_(layer.weight)"
    gain_tex = {"tanh": "\\tfrac{5}{3}", "relu": "\\sqrt{2}"}.get(nonlinearity or "", "1")
    formula = f"a = \\text{{gain}} \\cdot \\sqrt{{\\frac{{6}}{{n_\\text{{in}} + n_\\text{{out}}}}}} = {gain_tex} \\cdot \\sqrt{{\\frac{{6}}{{{fin} + {fout}}}}} \\approx {num(bound)}"
    answer = real(bound)
    cands = [
        mis("fan-in-only", gain * math.sqrt(6 / fin), "只用了 $n_\\text{in}$；Glorot 取前向与反向的折中，分母是 $n_\\text{in} + n_\\text{out}$。", "You used only fan_in; Glorot compromises between forward and backward passes with $n_\\text{in} + n_\\text{out}$ in the denominator."),
        mis("gave-std", init.xavier_normal_std(shape, gain), "这是标准差 $\\sqrt{2/(n_\\text{in}+n_\\text{out})}$；均匀分布 $U(-a,a)$ 的方差是 $a^2/3$，所以 $a = \\sqrt{3}\\,\\sigma$。", "That is the standard deviation; a uniform $U(-a, a)$ has variance $a^2/3$, so $a = \\sqrt{3}\\,\\sigma$."),
        mis("forgot-sqrt", gain * 6 / (fin + fout), "忘了开平方：$6/(n_\\text{in}+n_\\text{out})$ 是 $a^2$。", "You forgot the square root: $6/(n_\\text{in}+n_\\text{out})$ is $a^2$."),
    ]
    if len(shape) == 4:
        cands.append(mis("forgot-receptive-field", gain * math.sqrt(6 / (shape[0] + shape[1])), "卷积层的扇入/扇出要乘以卷积核大小 $k_h k_w$，不只是通道数。", "For a conv layer the fans include the kernel size $k_h k_w$, not just the channels."))
    if nonlinearity:
        cands.append(mis("forgot-gain", math.sqrt(6 / (fin + fout)), f"忘了乘增益：`calculate_gain('{nonlinearity}')` $= {gain_tex}$。", f"You forgot the gain: `calculate_gain('{nonlinearity}')` $= {gain_tex}$."))
    return Draft(
        prompt_zh=f"PyTorch 层 `{layer}` 用 `{call}` 初始化，权重服从 $U(-a, a)$。求 $a$。",
        prompt_en=f"A PyTorch layer `{layer}` is initialized with `{call}`, which draws weights from $U(-a, a)$. What is $a$?",
        solution_zh=f"{fzh}\n\nGlorot/Xavier 均匀初始化：${formula}$。\n\n答案：${num(bound)}$。",
        solution_en=f"{fen}\n\nGlorot/Xavier uniform: ${formula}$.\n\nAnswer: ${num(bound)}$.",
        answer=answer,
        misconceptions=finish(answer, cands),
        params={"layer": layer, "shape": list(shape), "gain": gain, "nonlinearity": nonlinearity or "linear", **args},
    )


def he_normal(rng: random.Random, difficulty: int) -> Draft:
    """The std of ``nn.init.kaiming_normal_`` for a dense or conv layer."""
    layer, shape, args = _layer(rng, difficulty)
    mode = "fan_in" if difficulty == 1 else rng.choice(["fan_in", "fan_out"])
    if difficulty == 3:
        slope = rng.choice([0.1, 0.2, 0.25, 0.3, 0.5])
        nonlinearity, call_args = "leaky_relu", f"a={slope}, mode='{mode}', nonlinearity='leaky_relu'"
    else:
        slope = 0.0
        nonlinearity, call_args = "relu", (f"mode='{mode}', " if difficulty == 2 else "") + "nonlinearity='relu'"
    std = init.kaiming_normal_std(shape, a=slope, mode=mode, nonlinearity=nonlinearity)
    gain = init.calculate_gain(nonlinearity, slope)
    fzh, fen, fin, fout = _fans_text(shape)
    fan = fin if mode == "fan_in" else fout
    other = fout if mode == "fan_in" else fin
    if nonlinearity == "relu":
        gain_tex = "\\sqrt{2}"
    else:
        gain_tex = f"\\sqrt{{\\frac{{2}}{{1 + {num(slope)}^2}}}} \\approx {num(gain, 5)}"
    formula = f"\\sigma = \\frac{{\\text{{gain}}}}{{\\sqrt{{n}}}} = \\frac{{{num(gain, 5)}}}{{\\sqrt{{{fan}}}}} \\approx {num(std)}"
    answer = real(std)
    cands = [
        mis("fan-in-plus-fan-out", math.sqrt(2 / (fin + fout)), "用了 $n_\\text{in} + n_\\text{out}$（那是 Glorot）；He 初始化只用一个扇（默认 fan_in）：$\\sigma = \\sqrt{2/n}$。", "You used $n_\\text{in} + n_\\text{out}$ (that is Glorot); He uses a single fan (fan_in by default): $\\sigma = \\sqrt{2/n}$."),
        mis("wrong-mode", gain / math.sqrt(other), f"用错了扇：mode='{mode}' 表示 $n = {fan}$。", f"Wrong fan: mode='{mode}' means $n = {fan}$."),
        mis("forgot-gain", 1 / math.sqrt(fan), "忘了增益：ReLU 把一半输入置零，所以方差要乘 2，$\\sigma = \\sqrt{2/n}$。", "You forgot the gain: ReLU zeroes half its inputs, so the variance doubles, $\\sigma = \\sqrt{2/n}$."),
        mis("gave-variance", gain**2 / fan, "这是方差 $\\sigma^2$；题目问的是标准差。", "That is the variance $\\sigma^2$; the question asks for the standard deviation."),
        mis("gave-uniform-bound", math.sqrt(3) * std, "这是 `kaiming_uniform_` 的边界 $\\sqrt{3}\\,\\sigma$；正态分布要的是 $\\sigma$ 本身。", "That is the `kaiming_uniform_` bound $\\sqrt{3}\\,\\sigma$; the normal version uses $\\sigma$ itself."),
    ]
    if nonlinearity == "leaky_relu":
        cands.append(mis("ignored-slope", math.sqrt(2 / fan), f"忽略了负斜率：Leaky ReLU 的增益是 $\\sqrt{{2/(1+a^2)}}$，$a = {num(slope)}$。", f"You ignored the negative slope: the leaky ReLU gain is $\\sqrt{{2/(1+a^2)}}$ with $a = {num(slope)}$."))
        cands.append(mis("slope-not-squared", math.sqrt(2 / (1 + slope)) / math.sqrt(fan), "斜率要平方：增益是 $\\sqrt{2/(1+a^2)}$。", "Square the slope: the gain is $\\sqrt{2/(1+a^2)}$."))
    call = f"nn.init.kaiming_normal_(layer.weight, {call_args})"
    return Draft(
        prompt_zh=f"PyTorch 层 `{layer}` 用 `{call}` 初始化。权重服从 $N(0, \\sigma^2)$，求 $\\sigma$。",
        prompt_en=f"A PyTorch layer `{layer}` is initialized with `{call}`. The weights are drawn from $N(0, \\sigma^2)$; what is $\\sigma$?",
        solution_zh=(
            f"{fzh}\n\nmode='{mode}'，所以 $n = {fan}$。增益 $\\text{{gain}} = {gain_tex}$。\n\n"
            f"He/Kaiming 正态初始化：${formula}$。\n\n答案：${num(std)}$。"
        ),
        solution_en=(
            f"{fen}\n\nmode='{mode}', so $n = {fan}$. The gain is ${gain_tex}$.\n\n"
            f"He/Kaiming normal: ${formula}$.\n\nAnswer: ${num(std)}$."
        ),
        answer=answer,
        misconceptions=finish(answer, cands),
        params={"layer": layer, "shape": list(shape), "mode": mode, "nonlinearity": nonlinearity, "a": slope, **args},
    )
