"""Exercise on the memory a dense layer on raw image pixels would need."""

from __future__ import annotations

import random

from quizzer.compute import memory
from quizzer.exercises._drafting import finish, mis, num, real
from quizzer.exercises.types import Draft

__all__ = ["mlp_image"]

_UNIT_TEXT = {
    "GB": ("GB（$10^9$ 字节）", "GB ($10^9$ bytes)"),
    "GiB": ("GiB（$2^{30}$ 字节）", "GiB ($2^{30}$ bytes)"),
    "MB": ("MB（$10^6$ 字节）", "MB ($10^6$ bytes)"),
}
_OTHER = {"GB": "GiB", "GiB": "GB", "MB": "MiB"}
_UNIT_TEX = {"GB": "10^9", "GiB": "2^{30}", "MB": "10^6"}


def mlp_image(rng: random.Random, difficulty: int) -> Draft:
    """Weights and memory of one fully connected layer on a flattened photo."""
    if difficulty == 1:
        megapixels = rng.choice([8, 12, 16, 24, 48])
        pixels, size_zh, size_en = megapixels * 10**6, f"{megapixels} 百万像素", f"{megapixels}-megapixel"
        channels, dtype, unit = 3, "float32", "GB"
        units = rng.choice([100, 500, 1000, 2000])
    else:
        h, w = rng.choice([(4000, 3000), (1920, 1080), (1024, 768), (3840, 2160), (640, 480), (224, 224)])
        pixels, size_zh, size_en = h * w, f"${h} \\times {w}$ 像素", f"${h} \\times {w}$-pixel"
        channels = rng.choice([3, 3, 1])
        dtype = rng.choice(["float32", "float16"]) if difficulty == 2 else rng.choice(["float32", "float16", "float64"])
        units = rng.choice([256, 512, 1000, 1024, 2048, 4096])
        weights_bytes = pixels * channels * units * memory.DTYPE_BYTES[dtype]
        if difficulty == 2:
            unit = "GB" if weights_bytes >= 10**9 else "MB"
        else:
            unit = "GiB" if weights_bytes >= 2**30 else "MB"
    inputs = pixels * channels
    weights = memory.dense_weights(inputs, units)
    nbytes = memory.tensor_bytes(weights, dtype)
    value = memory.in_unit(nbytes, unit)
    size = memory.DTYPE_BYTES[dtype]
    answer = real(value)
    other = _OTHER[unit]
    cands = [
        mis(f"used-{other.lower()}", memory.in_unit(nbytes, other), f"单位混淆：{unit} 与 {other} 不同（$10^9$ 与 $2^{{30}}$ 相差约 7%）。", f"Unit mix-up: {unit} is not {other} ($10^9$ and $2^{{30}}$ differ by about 7%)."),
        mis("forgot-bytes-per-weight", memory.in_unit(weights, unit), f"每个 {dtype} 权重占 {size} 字节，要乘上。", f"Each {dtype} weight takes {size} bytes; multiply by it."),
        mis("counted-bits", memory.in_unit(nbytes * 8, unit), "这是比特数；1 字节 = 8 比特。", "That counts bits; a byte is 8 bits."),
    ]
    if channels == 3:
        cands.insert(0, mis("forgot-channels", memory.in_unit(nbytes // 3, unit), "RGB 每个像素有 3 个输入（三个通道）。", "An RGB pixel gives 3 inputs, one per channel."))
    if dtype != "float64":
        cands.append(mis("assumed-float64", memory.in_unit(weights * 8, unit), f"{dtype} 每个数 {size} 字节，不是 8 字节。", f"A {dtype} number takes {size} bytes, not 8."))
    if dtype != "float32":
        cands.append(mis("assumed-float32", memory.in_unit(weights * 4, unit), f"{dtype} 每个数 {size} 字节，不是 4 字节。", f"A {dtype} number takes {size} bytes, not 4."))
    color_zh = "RGB 彩色" if channels == 3 else "灰度"
    color_en = "RGB" if channels == 3 else "grayscale"
    unit_zh, unit_en = _UNIT_TEXT[unit]
    return Draft(
        prompt_zh=(f"把一张 {size_zh}的{color_zh}照片展平（每个像素的每个通道一个输入）后接一个有 {units} 个单元的全连接层。"
                   f"不计偏置，这一层的权重以 {dtype} 存储要占多少 {unit_zh}？"),
        prompt_en=(f"A {size_en} {color_en} photo is flattened (one input per pixel per channel) and fed to a fully connected layer of {units} units. "
                   f"Ignoring biases, how much memory do the layer's weights take in {dtype}, in {unit_en}?"),
        solution_zh=(f"输入数：${num(pixels)} \\times {channels} = {num(inputs)}$。\n\n权重数：${num(inputs)} \\times {units} = {num(weights)}$。\n\n"
                     f"字节数：${num(weights)} \\times {size} = {num(nbytes)}$ 字节。\n\n换算：${num(nbytes)} / {_UNIT_TEX[unit]} = {num(value)}$ {unit}。\n\n"
                     f"答案：${num(value)}$ {unit}。这就是图像要用卷积（稀疏连接、参数共享）的原因（《深度学习》9.2）。"),
        solution_en=(f"Inputs: ${num(pixels)} \\times {channels} = {num(inputs)}$.\n\nWeights: ${num(inputs)} \\times {units} = {num(weights)}$.\n\n"
                     f"Bytes: ${num(weights)} \\times {size} = {num(nbytes)}$.\n\nIn {unit}: ${num(nbytes)} / {_UNIT_TEX[unit]} = {num(value)}$.\n\n"
                     f"Answer: ${num(value)}$ {unit}. This is why images call for convolutions: sparse connections and shared weights (Goodfellow et al. 9.2)."),
        answer=answer,
        misconceptions=finish(answer, cands),
        params={"pixels": pixels, "channels": channels, "units": units, "dtype": dtype, "unit": unit},
    )
