"""Exercises on convolution and pooling arithmetic: output sizes, parameters, MACs, receptive fields.

Layer sizes are the ones met in real networks (ResNet and VGG stems, AlexNet, U-Net and DCGAN
decoders, MobileNet's depthwise layers), so the numbers themselves teach something.  Every answer
comes from ``quizzer.compute.conv``; every misconception is the result of one specific slip.
"""

from __future__ import annotations

import math
import random

from quizzer.compute import conv
from quizzer.exercises._drafting import exact, finish, mis, num
from quizzer.exercises.types import Draft, Expected, Rule

__all__ = ["macs", "output_size", "params", "pool_output_size", "receptive_field", "transpose_output_size"]

SIDES = (224, 112, 56, 32, 28)


def _size_answer(value: int | tuple[int, ...]) -> Expected:
    if isinstance(value, int):
        return Expected(value=value, rule=Rule.EXACT, format_hint_en="an integer (the output is square: give its side)",
                        format_hint_zh="一个整数（输出为正方形，给出边长）")
    return Expected(value=value, rule=Rule.EXACT, format_hint_en="H×W, e.g. 16x16", format_hint_zh="高×宽，例如 16x16")


def _per_dim(*args) -> list[tuple[int, ...]]:
    """Int-or-tuple arguments as one tuple of plain ints per spatial dimension."""
    n = max((len(a) for a in args if isinstance(a, tuple)), default=1)
    return [tuple(a[j] if isinstance(a, tuple) else a for a in args) for j in range(n)]


def _like(template, values: list[int]):
    """Per-dimension results shaped like ``template``: an int for an int, a tuple for a tuple."""
    return tuple(values) if isinstance(template, tuple) else values[0]


def _keep(candidates):
    """Drop slips that do not apply here (None) or would give an impossible size."""
    return [m for m in candidates if m.value is not None and min(m.value if isinstance(m.value, tuple) else (m.value,)) > 0]


def _tex(v) -> str:
    return r"\times".join(str(x) for x in v) if isinstance(v, tuple) else f"{v}\\times{v}"


def _conv_step(i, k, s, p, d, o) -> str:
    numerator = i + 2 * p - d * (k - 1) - 1
    return (f"\\left\\lfloor \\frac{{{i} + 2\\cdot {p} - {d}\\cdot({k}-1) - 1}}{{{s}}} \\right\\rfloor + 1"
            f" = \\lfloor {numerator}/{s} \\rfloor + 1 = {numerator // s} + 1 = {o}")


def _draft(prompt, solution, answer, cands, params) -> Draft:
    zh, en = solution
    shown = "×".join(map(str, answer.value)) if isinstance(answer.value, tuple) else num(answer.value)
    return Draft(prompt_zh=prompt[0], prompt_en=prompt[1], solution_zh=f"{zh}\n\n答案：${shown}$。",
                 solution_en=f"{en}\n\nAnswer: ${shown}$.", answer=answer, misconceptions=finish(answer, _keep(cands)),
                 params=params)


def output_size(rng: random.Random, difficulty: int) -> Draft:
    """Output size of a Conv2d layer."""
    while True:
        if difficulty == 1:
            i, k = rng.choice(SIDES), rng.choice((1, 3, 5, 7))
            s, d = rng.choice((1, 2)), 1
            p = rng.choice((0, k // 2))
        elif difficulty == 2:
            i, k = rng.choice(SIDES + (227, 64)), rng.choice((3, 5, 7, 11))
            s, d = rng.choice((1, 2, 2, 4)), rng.choice((1, 1, 2))
            p = rng.randint(0, k // 2 + 1)
        else:
            i = rng.choice(((224, 160), (128, 96), (56, 40), (64, 48), (227, 113)))
            k = rng.choice(((3, 3), (5, 5), (1, 7), (7, 1), (3, 5)))
            s = rng.choice(((2, 2), (1, 2), (2, 1), (3, 3)))
            d = rng.choice(((2, 2), (1, 1), (3, 3), (2, 1)))
            p = tuple(rng.randint(0, kk // 2 + 1) for kk in k)
        o = conv.conv_output_size(i, k, s, p, d)
        if o != i:  # a size-preserving layer is too easy to guess
            break
    dims = _per_dim(i, k, s, p, d)

    def slip(formula) -> int | tuple[int, ...]:
        return _like(i, [formula(*dim) for dim in dims])

    cands = [
        mis("forgot-dilation", slip(lambda i, k, s, p, d: (i + 2 * p - (k - 1) - 1) // s + 1),
            "忘了空洞率：空洞卷积核实际覆盖 $d(k-1)+1$ 个像素，而不是 $k$ 个。",
            "You forgot the dilation: a dilated kernel covers $d(k-1)+1$ pixels, not $k$."),
        mis("dilation-times-kernel", slip(lambda i, k, s, p, d: (i + 2 * p - d * k) // s + 1),
            "把空洞卷积核的宽度算成了 $d\\cdot k$；正确的是 $d(k-1)+1$（$k$ 个抽头之间有 $k-1$ 个间隔）。",
            "You took the dilated kernel as $d\\cdot k$ wide; it is $d(k-1)+1$ ($k$ taps, $k-1$ gaps)."),
        mis("padding-one-side", slip(lambda i, k, s, p, d: (i + p - d * (k - 1) - 1) // s + 1),
            "填充只加了一侧：$p$ 是每一侧的填充，公式里是 $2p$。",
            "You padded one side only: $p$ is added on both sides, hence $2p$."),
        mis("ceil-instead-of-floor", slip(lambda i, k, s, p, d: -(-(i + 2 * p - d * (k - 1) - 1) // s) + 1),
            "向上取整了：卷积丢弃最后不完整的窗口，应向下取整。",
            "You rounded up: a convolution drops an incomplete last window, so round down."),
        mis("forgot-plus-one", slip(lambda i, k, s, p, d: (i + 2 * p - d * (k - 1) - 1) // s),
            "少了最后的 $+1$：第一个窗口本身就占一个输出位置。",
            "You dropped the final $+1$: the first window is itself one output position."),
        mis("forgot-stride", slip(lambda i, k, s, p, d: i + 2 * p - d * (k - 1)),
            "忘了除以步幅：步幅为 $s$ 时窗口每次移动 $s$ 个像素。",
            "You forgot to divide by the stride: the window moves $s$ pixels at a time."),
    ]
    shape_zh = f"${_tex(i)}$"
    args = f"kernel_size={k}, stride={s}, padding={p}, dilation={d}"
    prompt = (f"一个二维卷积层 `nn.Conv2d(64, 64, {args})` 作用在大小为 {shape_zh} 的特征图上。"
              f"输出特征图的{'边长（高 = 宽）' if isinstance(i, int) else '高×宽'}是多少？",
              f"A 2-D convolution `nn.Conv2d(64, 64, {args})` is applied to a {shape_zh} feature map. "
              f"What is the output {'side length (height = width)' if isinstance(i, int) else 'height×width'}?")
    steps = [f"${_conv_step(*dim, oo)}$" for dim, oo in zip(dims, o if isinstance(o, tuple) else (o,), strict=True)]
    steps = steps[0] if len(steps) == 1 else f"H: {steps[0]}\n\nW: {steps[1]}"
    solution = (
        "每个空间维度分别用 $o = \\lfloor (i + 2p - d(k-1) - 1)/s \\rfloor + 1$："
        f"$d(k-1)+1$ 是空洞卷积核实际覆盖的宽度，$2p$ 因为两侧都填充，除不尽时丢弃最后的不完整窗口。\n\n{steps}",
        "Per spatial dimension, $o = \\lfloor (i + 2p - d(k-1) - 1)/s \\rfloor + 1$: "
        f"$d(k-1)+1$ is the width the dilated kernel covers, $2p$ because both sides are padded, and an "
        f"incomplete last window is dropped.\n\n{steps}",
    )
    return _draft(prompt, solution, _size_answer(o), cands,
                  {"input_size": i, "kernel_size": k, "stride": s, "padding": p, "dilation": d})


def transpose_output_size(rng: random.Random, difficulty: int) -> Draft:
    """Output size of a ConvTranspose2d layer (decoder upsampling)."""
    while True:
        i = rng.choice((4, 7, 8, 14, 16, 28, 32, 56))
        if difficulty == 1:
            k, s, p, op, d = rng.choice(((2, 2, 0, 0), (4, 2, 1, 0), (3, 2, 0, 0), (4, 2, 0, 0))) + (1,)
        elif difficulty == 2:
            k, s, p, op = rng.choice(((3, 2, 1, 1), (3, 2, 1, 0), (5, 2, 2, 1), (4, 2, 1, 0), (3, 1, 0, 0), (5, 1, 1, 0)))
            d = 1
        else:
            k, s = rng.choice((3, 4, 5)), rng.choice((2, 3))
            d = rng.choice((1, 2))
            p, op = rng.randint(0, k - 1), rng.randint(0, s - 1)
        try:
            o = conv.conv_transpose_output_size(i, k, s, p, op, d)
        except ValueError:
            continue
        if o != i:
            break
    g = lambda i, k, s, p, op, d: (i - 1) * s - 2 * p + d * (k - 1) + op + 1  # noqa: E731
    forward = (i + 2 * p - d * (k - 1) - 1) // s + 1 if i + 2 * p >= d * (k - 1) + 1 else 0
    cands = [
        mis("used-conv-formula", forward, "用了普通卷积的公式；转置卷积是反过来的：$(i-1)s - 2p + d(k-1) + \\mathrm{output\\_padding} + 1$。",
            "You used the forward convolution formula; a transposed convolution inverts it: "
            "$(i-1)s - 2p + d(k-1) + \\mathrm{output\\_padding} + 1$."),
        mis("forgot-output-padding", g(i, k, s, p, 0, d), "忘了 `output_padding`：它在一侧额外加上这么多行/列。",
            "You forgot `output_padding`: it adds that many rows/columns on one side."),
        mis("padding-once", g(i, k, s, p, op, d) + p, "只减了一次 $p$：转置卷积的填充在两侧各裁掉 $p$，共 $2p$。",
            "You subtracted $p$ once: a transposed convolution crops $p$ on each side, $2p$ in all."),
        mis("added-padding", g(i, k, s, p, op, d) + 4 * p, "把填充加上去了：转置卷积的 `padding` 是裁掉输出，应减去 $2p$。",
            "You added the padding: in a transposed convolution `padding` crops the output, so subtract $2p$."),
        mis("forgot-minus-one", g(i, k, s, p, op, d) + s, "用了 $i\\cdot s$：$i$ 个输入位置之间只有 $i-1$ 个步幅间隔，应是 $(i-1)s$。",
            "You used $i\\cdot s$: $i$ input positions are only $i-1$ strides apart, so $(i-1)s$."),
        mis("forgot-dilation", g(i, k, s, p, op, 1), "忘了空洞率：核覆盖 $d(k-1)+1$ 个像素。",
            "You forgot the dilation: the kernel covers $d(k-1)+1$ pixels."),
    ]
    args = f"kernel_size={k}, stride={s}" + (f", padding={p}" if p else "") + (f", output_padding={op}" if op else "")
    args += f", dilation={d}" if d != 1 else ""
    step = (f"({i}-1)\\cdot {s} - 2\\cdot {p} + {d}\\cdot({k}-1) + {op} + 1 = "
            f"{(i - 1) * s} - {2 * p} + {d * (k - 1)} + {op} + 1 = {o}")
    prompt = (f"解码器中的转置卷积 `nn.ConvTranspose2d(128, 64, {args})` 作用在 ${_tex(i)}$ 的特征图上。输出的边长是多少？",
              f"A decoder applies the transposed convolution `nn.ConvTranspose2d(128, 64, {args})` to a ${_tex(i)}$ "
              "feature map. What is the output side length?")
    solution = (
        "转置卷积把普通卷积的尺寸关系反过来：$o = (i-1)s - 2p + d(k-1) + \\mathrm{output\\_padding} + 1$。"
        f"这里的 `padding` 是从输出两侧裁掉的行数。\n\n$o = {step}$",
        "A transposed convolution inverts the size relation of a convolution: "
        "$o = (i-1)s - 2p + d(k-1) + \\mathrm{output\\_padding} + 1$, where `padding` is cropped from both sides "
        f"of the output.\n\n$o = {step}$",
    )
    return _draft(prompt, solution, _size_answer(o), cands,
                  {"input_size": i, "kernel_size": k, "stride": s, "padding": p, "output_padding": op, "dilation": d})


def pool_output_size(rng: random.Random, difficulty: int) -> Draft:
    """Output size of a MaxPool2d layer, floor or ceil mode."""
    stride_given = True
    while True:
        d = 1
        if difficulty == 1:
            i, k, s, p, ceil = rng.choice(((rng.choice(SIDES), 2, 2, 0, False), (112, 3, 2, 1, False),
                                            (56, 3, 2, 1, False), (rng.choice((55, 27, 13)), 3, 2, 0, False)))
            stride_given = k != s or rng.random() < 0.5  # nn.MaxPool2d(2) is the common spelling
        elif difficulty == 2:
            i = rng.choice((7, 13, 27, 55, 56, 57, 112, 113, 75))
            k, s, p = rng.choice(((2, 2, 0), (3, 2, 0), (3, 2, 1), (3, 3, 0), (3, 3, 1)))
            ceil = rng.random() < 0.5
            stride_given = not (s == k and rng.random() < 0.6)
        else:
            i = rng.choice((7, 13, 15, 27, 55, 57, 113))
            k, s, p, d = rng.choice(((2, 2, 1, 1), (2, 2, 1, 1), (3, 2, 1, 2), (3, 3, 1, 1), (4, 4, 2, 1), (3, 2, 0, 2)))
            ceil = rng.random() < 0.7
        try:
            o = conv.pool_output_size(i, k, s, p, d, ceil)
        except ValueError:
            continue
        if o != i:
            break
    floor_o = conv.pool_output_size(i, k, s, p, d, False)
    numerator = i + 2 * p - d * (k - 1) - 1
    raw_ceil = -(-numerator // s) + 1
    naive = lambda i, k, s, p, d: (i + 2 * p - d * (k - 1) - 1) // s + 1  # noqa: E731
    cands = [
        mis("ceil-instead-of-floor", raw_ceil if not ceil else None,
            "向上取整了：`ceil_mode=False`（默认）时向下取整。", "You rounded up: with `ceil_mode=False` (the default) round down."),
        mis("floor-instead-of-ceil", floor_o if ceil else None,
            "向下取整了：`ceil_mode=True` 时保留最后不完整的窗口，向上取整。",
            "You rounded down: `ceil_mode=True` keeps an incomplete last window, so round up."),
        mis("kept-window-in-padding", raw_ceil if ceil else None,
            "`ceil_mode=True` 时，如果最后一个窗口从右侧填充区开始（$(o-1)s \\ge i + p$），PyTorch 会丢掉它。",
            "With `ceil_mode=True`, PyTorch still drops a last window that would start inside the right padding "
            "($(o-1)s \\ge i + p$)."),
        mis("stride-defaults-to-1", None if stride_given else naive(i, k, 1, p, d),
            "池化层的 `stride` 默认等于 `kernel_size`（不重叠的窗口），而不是 1。",
            "A pooling layer's `stride` defaults to `kernel_size` (non-overlapping windows), not 1."),
        mis("padding-one-side", (i + p - d * (k - 1) - 1) // s + 1, "填充只加了一侧：公式里是 $2p$。",
            "You padded one side only: the formula has $2p$."),
        mis("forgot-dilation", naive(i, k, s, p, 1), "忘了空洞率：窗口覆盖 $d(k-1)+1$ 个像素。",
            "You forgot the dilation: the window covers $d(k-1)+1$ pixels."),
    ]
    args = f"kernel_size={k}" + (f", stride={s}" if stride_given else "") + (f", padding={p}" if p else "")
    args += (f", dilation={d}" if d != 1 else "") + (", ceil_mode=True" if ceil else "")
    prompt = (f"最大池化层 `nn.MaxPool2d({args})` 作用在 ${_tex(i)}$ 的特征图上。输出的边长是多少？",
              f"The max-pooling layer `nn.MaxPool2d({args})` is applied to a ${_tex(i)}$ feature map. "
              "What is the output side length?")
    rounding, close = ("\\lceil", "\\rceil") if ceil else ("\\lfloor", "\\rfloor")
    value = raw_ceil if ceil else floor_o
    step = f"{rounding} ({i} + 2\\cdot {p} - {d}\\cdot({k}-1) - 1)/{s} {close} + 1 = {rounding} {numerator}/{s} {close} + 1 = {value}"
    zh = ["池化输出尺寸与卷积同一个公式，只是 `ceil_mode=True` 时向上取整。"]
    en = ["Pooling uses the convolution formula, rounding up instead of down when `ceil_mode=True`."]
    if not stride_given:
        zh.append(f"没有给出 `stride`，它默认等于 `kernel_size`，即 $s = {s}$。")
        en.append(f"No `stride` is given, so it defaults to `kernel_size`: $s = {s}$.")
    zh.append(f"$o = {step}$")
    en.append(f"$o = {step}$")
    if ceil and o != value:
        zh.append(f"但第 {value} 个窗口起点 $({value}-1)\\cdot {s} = {(value - 1) * s} \\ge i + p = {i + p}$，"
                  f"落在右侧填充区里，PyTorch 丢弃它，所以 $o = {o}$。")
        en.append(f"But window {value} would start at $({value}-1)\\cdot {s} = {(value - 1) * s} \\ge i + p = {i + p}$, "
                  f"inside the right padding, so PyTorch drops it: $o = {o}$.")
    return _draft(prompt, ("\n\n".join(zh), "\n\n".join(en)), _size_answer(o), cands,
                  {"input_size": i, "kernel_size": k, "stride": s if stride_given else None, "padding": p,
                   "dilation": d, "ceil_mode": ceil})


def params(rng: random.Random, difficulty: int) -> Draft:
    """Learnable parameters of a Conv2d/Conv3d layer with groups and bias."""
    dims = 2
    if difficulty == 1:
        cin, cout = rng.choice(((3, 16), (3, 32), (3, 64), (16, 32), (32, 64), (64, 64), (64, 128), (128, 256)))
        k, groups, bias = rng.choice((1, 3, 3, 5, 7)), 1, rng.random() < 0.7
    elif difficulty == 2:
        cin, cout, k, groups, bias = rng.choice((
            (32, 32, 3, 32, False), (64, 64, 3, 64, False), (128, 128, 3, 128, True), (96, 256, 5, 2, True),
            (128, 128, 3, 32, False), (256, 256, 3, 32, False), (64, 256, 1, 1, False), (64, 128, 3, 4, True)))
    else:
        cin, cout, k, groups, bias = rng.choice((
            (3, 64, (3, 3, 3), 1, True), (64, 64, (3, 3, 3), 1, False), (32, 64, (1, 3, 3), 1, True),
            (192, 192, (1, 7), 1, False), (192, 224, (7, 1), 1, True), (256, 512, (3, 3), 4, True),
            (64, 128, (3, 3, 3), 2, False)))
        dims = len(k)
    value = conv.conv_params(cin, cout, k, groups=groups, bias=bias, dims=dims)
    area = math.prod(k) if isinstance(k, tuple) else k * k
    weights = cout * (cin // groups) * area
    cands = [
        mis("forgot-bias", weights if bias else None, "漏了偏置：每个输出通道还有一个偏置。",
            "You forgot the bias: one per output channel."),
        mis("counted-bias", value + cout if not bias else None, "这一层 `bias=False`（后面接 BatchNorm），没有偏置参数。",
            "This layer has `bias=False` (BatchNorm follows), so it has no bias parameters."),
        mis("ignored-groups", cout * cin * area + (cout if bias else 0) if groups > 1 else None,
            f"忽略了分组：`groups={groups}` 时每个卷积核只连接 $C_{{in}}/g$ 个输入通道。",
            f"You ignored the groups: with `groups={groups}` each filter sees only $C_{{in}}/g$ input channels."),
        mis("divided-twice", (cout // groups) * (cin // groups) * area + (cout if bias else 0) if groups > 1 else None,
            "除了两次 $g$：输出通道数不用再除以组数，每组有 $C_{out}/g$ 个核，共 $g$ 组。",
            "You divided by $g$ twice: there are $C_{out}/g$ filters per group and $g$ groups, $C_{out}$ in all."),
        mis("forgot-in-channels", cout * area + (cout if bias else 0) if cin // groups > 1 else None,
            "忘了输入通道：每个卷积核的深度是 $C_{in}/g$。", "You forgot the input channels: each filter is $C_{in}/g$ deep."),
    ]
    kernel = "×".join(map(str, k)) if isinstance(k, tuple) else f"{k}×{k}"
    layer = f"nn.Conv{dims}d({cin}, {cout}, kernel_size={k}" + (f", groups={groups}" if groups > 1 else "")
    layer += ", bias=False)" if not bias else ")"
    prompt = (f"卷积层 `{layer}`（卷积核 {kernel}）有多少个可学习参数？", f"How many learnable parameters does `{layer}` (a {kernel} kernel) have?")
    dot = " \\cdot "
    formula = f"{cout}{dot}{cin // groups}{dot}" + (dot.join(map(str, k)) if isinstance(k, tuple) else f"{k}^2")
    bias_zh = f" + {cout}" if bias else ""
    total = f"{weights}{bias_zh} = {value}" if bias else f"{value}"
    solution = (
        f"权重张量形状为 $(C_{{out}}, C_{{in}}/g, k\\ldots) = ({cout}, {cin // groups}, {kernel.replace('×', ', ')})$，"
        f"{'偏置有 $C_{out}$ 个' if bias else '没有偏置'}。\n\n${formula}{bias_zh} = {total}$",
        f"The weight has shape $(C_{{out}}, C_{{in}}/g, k\\ldots) = ({cout}, {cin // groups}, {kernel.replace('×', ', ')})$, "
        f"{'plus $C_{out}$ biases' if bias else 'and there is no bias'}.\n\n${formula}{bias_zh} = {total}$",
    )
    return _draft(prompt, solution, exact(value), cands,
                  {"in_channels": cin, "out_channels": cout, "kernel_size": k, "groups": groups, "bias": bias, "dims": dims})


def macs(rng: random.Random, difficulty: int) -> Draft:
    """Multiply-accumulates of one Conv2d forward pass (batch 1, bias adds not counted)."""
    d = 1
    if difficulty == 1:
        i, cin, cout, k, s, groups = rng.choice(((32, 16, 32, 3, 1, 1), (56, 64, 64, 3, 1, 1), (28, 128, 128, 3, 1, 1),
                                                 (56, 64, 256, 1, 1, 1), (32, 3, 16, 3, 1, 1), (28, 256, 64, 1, 1, 1)))
    elif difficulty == 2:
        i, cin, cout, k, s, groups = rng.choice(((56, 64, 128, 3, 2, 1), (112, 32, 32, 3, 1, 32), (56, 128, 128, 3, 2, 128),
                                                 (224, 3, 64, 7, 2, 1), (28, 256, 256, 3, 1, 32), (56, 128, 128, 3, 1, 4)))
    else:
        i, cin, cout, k, s, groups = rng.choice(((56, 64, 64, 3, 1, 1), (28, 128, 128, 3, 1, 1), (112, 96, 96, 5, 2, 96),
                                                 (64, 32, 64, 3, 2, 2)))
        d = rng.choice((2, 3))
    p = d * (k - 1) // 2
    value = conv.conv_macs(cin, cout, k, i, s, p, d, groups)
    o = conv.conv_output_size(i, k, s, p, d)
    per = (cin // groups) * k * k
    cands = [
        mis("counted-flops", 2 * value, "这是 FLOPs（乘法和加法各算一次，约 $2\\times$MACs）；题目问的是乘加次数。",
            "That is FLOPs (multiplies and adds counted separately, about $2\\times$ MACs); the question asks for MACs."),
        mis("used-input-size", cout * i * i * per if s > 1 else None, f"用了输入尺寸：步幅为 {s} 时输出边长只有输入的 1/{s}，计算量按输出位置算。",
            f"You used the input size: with stride {s} the output side is 1/{s} of the input's, and the cost is per output position."),
        mis("ignored-groups", cout * o * o * cin * k * k if groups > 1 else None, f"忽略了分组：每个输出只和 $C_{{in}}/g = {cin // groups}$ 个输入通道做乘加。",
            f"You ignored the groups: each output combines only $C_{{in}}/g = {cin // groups}$ input channels."),
        mis("forgot-in-channels", cout * o * o * k * k if cin // groups > 1 else None, "忘了乘输入通道数：每个输出值是 $C_{in}/g\\cdot k^2$ 项的点积。",
            "You forgot the input channels: each output value is a dot product of $C_{in}/g\\cdot k^2$ terms."),
        mis("forgot-kernel-area", cout * o * o * (cin // groups) if k > 1 else None, "忘了乘卷积核面积 $k^2$。",
            "You forgot the kernel area $k^2$."),
    ]
    # A tolerance, not EXACT: MACs are quoted rounded ("115.6 M"), and every slip below is off by
    # a factor, far outside 0.1%.
    answer = Expected(value=value, rule=Rule.TOLERANCE, rel_tol=1e-3,
                      format_hint_en="an integer; 4 significant figures (e.g. 1.156e8) are enough",
                      format_hint_zh="一个整数；4 位有效数字（如 1.156e8）即可")
    layer = f"nn.Conv2d({cin}, {cout}, kernel_size={k}, stride={s}, padding={p}" + (f", dilation={d}" if d > 1 else "")
    layer += (f", groups={groups})" if groups > 1 else ")")
    prompt = (f"`{layer}` 作用在 ${cin}\\times{i}\\times{i}$ 的输入上（batch 为 1）。一次前向传播需要多少次乘加运算（MACs）？不计偏置的加法。",
              f"`{layer}` is applied to a ${cin}\\times{i}\\times{i}$ input (batch 1). How many multiply-accumulates (MACs) "
              "does one forward pass take? Do not count the bias additions.")
    step = f"{cout}\\cdot {o}^2 \\cdot {cin // groups}\\cdot {k}^2 = {value:,}".replace(",", "{,}")
    solution = (
        f"输出尺寸 $o = \\lfloor ({i} + 2\\cdot {p} - {d}\\cdot({k}-1) - 1)/{s} \\rfloor + 1 = {o}$。"
        f"每个输出值是长度为 $C_{{in}}/g\\cdot k^2 = {per}$ 的点积，共有 $C_{{out}}\\cdot o^2$ 个输出值：\n\n${step} \\approx {num(float(value))}$",
        f"Output size $o = \\lfloor ({i} + 2\\cdot {p} - {d}\\cdot({k}-1) - 1)/{s} \\rfloor + 1 = {o}$. "
        f"Each output value is a dot product of length $C_{{in}}/g\\cdot k^2 = {per}$, and there are $C_{{out}}\\cdot o^2$ "
        f"output values:\n\n${step} \\approx {num(float(value))}$",
    )
    return _draft(prompt, solution, answer, cands,
                  {"in_channels": cin, "out_channels": cout, "kernel_size": k, "input_size": i, "stride": s,
                   "padding": p, "dilation": d, "groups": groups})


# (kind, kernel, stride, dilation), input first; real stems and blocks.
C, P = "conv", "pool"
_STACKS = {
    1: [[(C, 3, 1, 1)] * 2, [(C, 3, 1, 1)] * 3, [(C, 3, 1, 1)] * 4, [(C, 5, 1, 1), (C, 3, 1, 1)],
        [(C, 3, 1, 1), (C, 3, 1, 2)], [(C, 5, 1, 1)] * 3],
    2: [[(C, 3, 1, 1), (C, 3, 1, 1), (P, 2, 2, 1), (C, 3, 1, 1), (C, 3, 1, 1)],
        [(C, 3, 1, 1), (P, 2, 2, 1), (C, 3, 1, 1), (P, 2, 2, 1)], [(C, 5, 1, 1), (P, 2, 2, 1), (C, 5, 1, 1), (P, 2, 2, 1)],
        [(C, 3, 2, 1), (C, 3, 1, 1), (C, 3, 1, 1)], [(C, 11, 4, 1), (P, 3, 2, 1), (C, 5, 1, 1)],
        [(C, 3, 1, 1), (C, 3, 1, 1), (P, 2, 2, 1), (C, 3, 1, 1), (C, 3, 1, 1), (P, 2, 2, 1)]],
    3: [[(C, 7, 2, 1), (P, 3, 2, 1), (C, 3, 1, 1), (C, 3, 1, 1)], [(C, 2, 1, 1), (C, 2, 1, 2), (C, 2, 1, 4), (C, 2, 1, 8)],
        [(C, 3, 1, 1), (C, 3, 1, 2), (C, 3, 1, 4)], [(C, 7, 2, 1), (P, 3, 2, 1), (C, 3, 1, 1), (C, 3, 2, 1), (C, 3, 1, 1)],
        [(C, 3, 2, 1), (C, 3, 1, 2), (C, 3, 2, 1), (C, 3, 1, 2)], [(C, 11, 4, 1), (P, 3, 2, 1), (C, 5, 1, 1), (P, 3, 2, 1), (C, 3, 1, 1)]],
}


def receptive_field(rng: random.Random, difficulty: int) -> Draft:
    """Receptive field of a stack of conv/pool layers."""
    stack = rng.choice(_STACKS[difficulty])
    full = [(k, s, d) for _, k, s, d in stack]
    steps = conv.receptive_field_steps(full)
    value = steps[-1].receptive_field
    jumps = [1] + [st.jump for st in steps[:-1]]
    cands = [
        mis("ignored-stride", 1 + sum(d * (k - 1) for k, s, d in full), "忽略了步幅：前面各层的步幅会把后面每层增加的感受野放大（乘以累计步幅）。",
            "You ignored the strides: each layer's growth is multiplied by the product of the strides before it."),
        mis("included-own-stride", 1 + sum(d * (k - 1) * j * s for (k, s, d), j in zip(full, jumps, strict=True)),
            "把本层的步幅也乘进去了：一层的步幅只影响它之后的层。", "You multiplied by the layer's own stride: a stride only affects the layers after it."),
        mis("forgot-dilation", 1 + sum((k - 1) * j for (k, s, d), j in zip(full, jumps, strict=True)), "忘了空洞率：空洞卷积核覆盖 $d(k-1)+1$ 个位置。",
            "You forgot the dilation: a dilated kernel spans $d(k-1)+1$ positions."),
        mis("sum-of-kernels", sum(k for k, s, d in full), "直接把卷积核大小相加了：每层只增加 $(k-1)$ 乘以累计步幅。",
            "You added the kernel sizes: each layer adds $(k-1)$ times the accumulated stride."),
    ]
    names_zh, names_en = [], []
    for kind, k, s, d in stack:
        extra_zh, extra_en = (f"，空洞率 {d}", f", dilation {d}") if d > 1 else ("", "")
        names_zh.append(f"{k}×{k} {'卷积' if kind == C else '最大池化'}（步幅 {s}{extra_zh}）")
        names_en.append(f"{k}×{k} {'conv' if kind == C else 'max-pool'} (stride {s}{extra_en})")
    rows_zh, rows_en = [], []
    for n, ((k, _, d), j, st) in enumerate(zip(full, jumps, steps, strict=True), start=1):
        prev = steps[n - 2].receptive_field if n > 1 else 1
        row = f"${prev} + {d}\\cdot({k}-1)\\cdot {j} = {st.receptive_field}$"
        rows_zh.append(f"第 {n} 层：{row}，之后累计步幅 $j = {st.jump}$")
        rows_en.append(f"layer {n}: {row}, then jump $j = {st.jump}$")
    prompt = ("依次堆叠以下层（输入在前）：" + "，".join(names_zh) + "。最后一层一个输出单元在输入上的感受野边长是多少像素？",
              "Layers are stacked in this order (input first): " + ", ".join(names_en)
              + ". What is the side of the receptive field, in input pixels, of one unit of the last layer?")
    solution = (
        "从 $r = 1$、累计步幅 $j = 1$ 开始，逐层 $r \\leftarrow r + d(k-1)\\cdot j$，然后 $j \\leftarrow j\\cdot s$"
        "（本层的步幅只放大之后的层）。\n\n" + "\n\n".join(rows_zh),
        "Start from $r = 1$ and jump $j = 1$; layer by layer, $r \\leftarrow r + d(k-1)\\cdot j$, then "
        "$j \\leftarrow j\\cdot s$ (a layer's stride only enlarges the layers after it).\n\n" + "\n\n".join(rows_en),
    )
    return _draft(prompt, solution, exact(value), cands, {"layers": [list(layer) for layer in full]})
