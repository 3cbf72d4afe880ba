"""Exercise on the cost of separable kernels and of depthwise-separable convolution."""

from __future__ import annotations

import random

from quizzer.compute import separable
from quizzer.exercises._drafting import exact, finish, mis, num, real
from quizzer.exercises.types import Draft

__all__ = ["cost"]

_DIMS_ZH = {2: "二维（图像）", 3: "三维（视频或体数据）", 4: "四维"}
_DIMS_EN = {2: "2-D (image)", 3: "3-D (video or volume)", 4: "4-D"}


def _kernel_cost(rng: random.Random, difficulty: int) -> Draft:
    d = 2 if difficulty == 1 else 3 if difficulty == 2 else rng.choice([3, 4])
    w = rng.choice([3, 5, 7, 9, 11]) if d == 2 else rng.choice([3, 5, 7])
    ask = rng.choice(["separable", "ratio"]) if difficulty == 1 else rng.choice(["full", "separable", "ratio"])
    full = separable.full_kernel_cost(w, d)
    sep = separable.separable_kernel_cost(w, d)
    setup_zh = f"一个{_DIMS_ZH[d]}卷积核在每个维度上宽 $w = {w}$，并且是可分离的（$d = {d}$ 个一维向量的外积）。"
    setup_en = f"A {_DIMS_EN[d]} convolution kernel is $w = {w}$ wide in each dimension and separable (the outer product of $d = {d}$ one-dimensional vectors)."
    explain_zh = f"直接卷积每个输出需要 $w^d = {w}^{d} = {full}$ 次乘法；可分离时依次做 $d$ 次一维卷积，只需 $w \\cdot d = {w} \\times {d} = {sep}$ 次（《深度学习》9.8）。"
    explain_en = f"A direct convolution needs $w^d = {w}^{d} = {full}$ multiplications per output; a separable kernel runs $d$ one-dimensional convolutions in turn, $w \\cdot d = {w} \\times {d} = {sep}$ (Goodfellow et al. 9.8)."
    if ask == "full":
        value, answer = full, exact(full)
        q_zh, q_en = "如果不利用可分离性、直接用完整的核做卷积，每个输出位置需要多少次乘法？", "Convolving with the full kernel directly (ignoring separability), how many multiplications does each output need?"
        cands = [
            mis("gave-separable-cost", sep, "这是可分离实现的代价 $w \\cdot d$；完整的核有 $w^d$ 个元素。", "That is the separable cost $w \\cdot d$; the full kernel has $w^d$ entries."),
            mis("swapped-exponent", d**w, f"底数和指数反了：是 $w^d = {w}^{d}$，不是 $d^w$。", f"Base and exponent swapped: it is $w^d = {w}^{d}$, not $d^w$."),
            mis("w-times-d-squared", w * d * d, "完整的核在每个维度上都有 $w$ 个元素，共 $w^d$ 个。", "The full kernel has $w$ entries along every dimension, $w^d$ in all."),
        ]
    elif ask == "separable":
        value, answer = sep, exact(sep)
        q_zh, q_en = "利用可分离性，每个输出位置需要多少次乘法？", "Using separability, how many multiplications does each output need?"
        cands = [
            mis("gave-full-cost", full, "这是完整核的代价 $w^d$；可分离时只需 $d$ 次一维卷积，$w \\cdot d$。", "That is the full kernel's cost $w^d$; separable needs $d$ one-dimensional passes, $w \\cdot d$."),
            mis("one-pass", w, "要在 $d$ 个维度上各做一次一维卷积：$w \\cdot d$。", "One pass per dimension, $d$ of them: $w \\cdot d$."),
            mis("w-plus-d", w + d, "每次一维卷积 $w$ 次乘法，共 $d$ 次：$w \\cdot d$，不是 $w + d$。", "Each 1-D pass costs $w$ and there are $d$ passes: $w \\cdot d$, not $w + d$."),
        ]
    else:
        value = full / sep
        answer = real(value)
        q_zh, q_en = "直接卷积的乘法次数是可分离实现的多少倍？", "How many times more multiplications per output does the direct convolution need than the separable one?"
        cands = [
            mis("inverted-ratio", sep / full, "比值倒了：直接卷积更贵，比值大于 1。", "Ratio upside down: the direct convolution is the expensive one, so the ratio exceeds 1."),
            mis("forgot-d", float(w ** (d - 1)), "可分离实现要做 $d$ 次一维卷积，比值是 $w^d / (w d) = w^{d-1}/d$。", "The separable version runs $d$ passes; the ratio is $w^d/(w d) = w^{d-1}/d$."),
            mis("gave-difference", float(full - sep), "问的是倍数（比值），不是差值。", "The question asks for a ratio, not a difference."),
        ]
    tail_zh = f"\n\n比值 $\\frac{{{full}}}{{{sep}}} = {num(value)}$。" if ask == "ratio" else ""
    tail_en = f"\n\nThe ratio is $\\frac{{{full}}}{{{sep}}} = {num(value)}$." if ask == "ratio" else ""
    return Draft(
        prompt_zh=setup_zh + q_zh,
        prompt_en=setup_en + " " + q_en,
        solution_zh=f"{explain_zh}{tail_zh}\n\n答案：${num(value)}$。",
        solution_en=f"{explain_en}{tail_en}\n\nAnswer: ${num(value)}$.",
        answer=answer,
        misconceptions=finish(answer, cands),
        params={"ask": ask, "width": w, "ndim": d},
    )


def _depthwise(rng: random.Random) -> Draft:
    cin = rng.choice([32, 64, 128, 256])
    cout = rng.choice([c for c in (64, 128, 256, 512) if c >= cin])
    k = rng.choice([3, 5])
    ask = rng.choice(["params", "ratio"])
    dw, pw = cin * k * k, cin * cout
    standard = separable.conv_params(cin, cout, k, bias=False)
    sep = separable.depthwise_separable_params(cin, cout, k, bias=False)
    lines_zh = [
        f"标准卷积：$k^2 C_\\text{{in}} C_\\text{{out}} = {k * k} \\times {cin} \\times {cout} = {standard}$。",
        f"深度可分离：深度卷积 $k^2 C_\\text{{in}} = {dw}$，逐点 $1 \\times 1$ 卷积 $C_\\text{{in}} C_\\text{{out}} = {pw}$，合计 ${sep}$（MobileNets 3.1）。",
    ]
    lines_en = [
        f"Standard convolution: $k^2 C_\\text{{in}} C_\\text{{out}} = {k * k} \\times {cin} \\times {cout} = {standard}$.",
        f"Depthwise separable: depthwise $k^2 C_\\text{{in}} = {dw}$ plus pointwise $1 \\times 1$ $C_\\text{{in}} C_\\text{{out}} = {pw}$, {sep} in all (MobileNets, section 3.1).",
    ]
    setup_zh = f"把一个 `nn.Conv2d({cin}, {cout}, kernel_size={k}, bias=False)` 换成深度可分离卷积：`nn.Conv2d({cin}, {cin}, {k}, groups={cin}, bias=False)` 接 `nn.Conv2d({cin}, {cout}, 1, bias=False)`。"
    setup_en = f"A `nn.Conv2d({cin}, {cout}, kernel_size={k}, bias=False)` is replaced by a depthwise separable pair: `nn.Conv2d({cin}, {cin}, {k}, groups={cin}, bias=False)` then `nn.Conv2d({cin}, {cout}, 1, bias=False)`."
    if ask == "params":
        value, answer = sep, exact(sep)
        q_zh, q_en = "新结构有多少个参数？", "How many parameters does the pair have?"
        cands = [
            mis("standard-conv", standard, "这是原来标准卷积的参数量。", "That is the original standard convolution's count."),
            mis("forgot-pointwise", dw, "别漏了 $1 \\times 1$ 逐点卷积 $C_\\text{in} C_\\text{out}$。", "Count the $1 \\times 1$ pointwise convolution too, $C_\\text{in} C_\\text{out}$."),
            mis("forgot-depthwise", pw, "别漏了深度卷积 $k^2 C_\\text{in}$。", "Count the depthwise convolution too, $k^2 C_\\text{in}$."),
            mis("depthwise-full", standard + pw, "深度卷积每个通道只有一个 $k \\times k$ 核（groups=C_in），共 $k^2 C_\\text{in}$。", "The depthwise conv has one $k \\times k$ kernel per channel (groups = C_in), $k^2 C_\\text{in}$ in all."),
        ]
        lines_zh.append(f"答案：${sep}$。")
        lines_en.append(f"Answer: ${sep}$.")
    else:
        value = separable.conv_macs(cin, cout, k, 1) / separable.depthwise_separable_macs(cin, cout, k, 1)
        answer = real(value)
        q_zh, q_en = "在相同的输出尺寸下，标准卷积的乘加次数是深度可分离卷积的多少倍？", "At the same output size, how many times more multiply-accumulates does the standard convolution need?"
        cands = [
            mis("inverted-ratio", 1 / value, "比值倒了：标准卷积更贵。", "Ratio upside down: the standard convolution is the expensive one."),
            mis("k-squared-only", float(k * k), f"$k^2 = {k * k}$ 只是近似；精确比值是 $1 / (1/C_\\text{{out}} + 1/k^2)$。", f"$k^2 = {k * k}$ is only the limit; the exact ratio is $1 / (1/C_\\text{{out}} + 1/k^2)$."),
            mis("forgot-pointwise", float(cout), "别漏了逐点卷积的代价 $C_\\text{in} C_\\text{out}$。", "Count the pointwise convolution's cost $C_\\text{in} C_\\text{out}$ too."),
        ]
        lines_zh.append(f"每个输出位置的乘加次数与参数量成正比，比值 $\\frac{{{standard}}}{{{sep}}} = \\frac{{1}}{{1/{cout} + 1/{k * k}}} \\approx {num(value)}$。\n\n答案：${num(value)}$。")
        lines_en.append(f"Per output position the multiply-accumulates equal these weight counts, so the ratio is $\\frac{{{standard}}}{{{sep}}} = \\frac{{1}}{{1/{cout} + 1/{k * k}}} \\approx {num(value)}$.\n\nAnswer: ${num(value)}$.")
    return Draft(
        prompt_zh=setup_zh + q_zh,
        prompt_en=setup_en + " " + q_en,
        solution_zh="\n\n".join(lines_zh),
        solution_en="\n\n".join(lines_en),
        answer=answer,
        misconceptions=finish(answer, cands),
        params={"ask": f"depthwise_{ask}", "in_channels": cin, "out_channels": cout, "kernel_size": k},
    )


def cost(rng: random.Random, difficulty: int) -> Draft:
    """Multiplies of a separable vs full ``d``-D kernel; at difficulty 3 also depthwise separable conv."""
    if difficulty == 3 and rng.random() < 0.5:
        return _depthwise(rng)
    return _kernel_cost(rng, difficulty)
