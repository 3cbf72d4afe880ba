"""Exercise on gradient clipping by global norm (``torch.nn.utils.clip_grad_norm_``)."""

from __future__ import annotations

import math
import random

from quizzer.compute import clipping
from quizzer.exercises._drafting import finish, mis, num, real, seq, signed
from quizzer.exercises.types import Draft

__all__ = ["global_norm"]


def _grads(rng: random.Random, difficulty: int) -> list[list]:
    sizes = [rng.randint(1, 2), rng.randint(1, 2)] if difficulty == 1 else [rng.randint(1, 3) for _ in range(rng.randint(2, 3))]
    if difficulty < 3:
        pick = lambda: rng.choice([v for v in range(-9, 10) if v != 0])  # noqa: E731
    else:
        pick = lambda: rng.choice([v for v in range(-60, 61) if v % 10 != 0]) / 10  # noqa: E731
    return [[pick() for _ in range(n)] for n in sizes]


def global_norm(rng: random.Random, difficulty: int) -> Draft:
    """One entry of the gradients after clipping all of them by their global L2 norm."""
    while True:
        draft = _attempt(rng, difficulty)
        # When one tensor carries almost all of the norm, per-tensor and by-value clipping give the
        # right answer too; such a draw cannot tell the methods apart, so draw again.
        if len(draft.misconceptions) >= 2:
            return draft


def _attempt(rng: random.Random, difficulty: int) -> Draft:
    while True:
        grads = _grads(rng, difficulty)
        total = clipping.total_norm(grads)
        unclipped = difficulty >= 2 and rng.random() < 0.2  # sometimes the norm is already small enough
        candidates = [m for m in (0.5, 1, 2, 3, 5, 10) if (m >= total * 1.05 if unclipped else m <= total * 0.9)]
        if candidates:
            max_norm = rng.choice(candidates)
            break
    k = rng.randrange(len(grads))
    j = rng.randrange(len(grads[k]))
    clipped, total = clipping.clip_grad_norm(grads, max_norm)
    value = float(clipped[k][j])
    entry = grads[k][j]
    coef = min(max_norm / (total + clipping.EPS), 1.0)
    own = math.sqrt(sum(v * v for v in grads[k]))
    l1 = sum(abs(v) for g in grads for v in g)
    answer = real(value)
    cands = [
        mis("per-tensor-clipping", entry * min(1.0, max_norm / own), "按单个张量自己的范数裁剪了；`clip_grad_norm_` 把所有梯度拼成一个向量，用同一个系数缩放。", "You clipped this tensor by its own norm; `clip_grad_norm_` treats all gradients as one vector and scales them by one common factor."),
        mis("clipped-by-value", max(-max_norm, min(max_norm, entry)), "这是按值裁剪（`clip_grad_value_`）；按范数裁剪保持方向，整体缩放。", "That is clipping by value (`clip_grad_value_`); clipping by norm keeps the direction and rescales everything."),
        mis("used-l1-norm", entry * min(1.0, max_norm / l1), "用了 $L^1$ 范数；默认 `norm_type=2`。", "You used the L1 norm; the default is `norm_type=2`."),
        mis("forgot-max-norm", entry / total, "只除以了总范数，还要乘 `max_norm`：系数是 $\\mathrm{max\\_norm}/\\|g\\|$。", "You only divided by the total norm; the factor is $\\mathrm{max\\_norm}/\\|g\\|$."),
    ]
    if coef >= 1.0:
        cands.insert(0, mis("scaled-up", entry * max_norm / total, "总范数小于 `max_norm` 时梯度不变：系数被截断为 $\\min(\\cdot, 1)$，不会放大。", "When the total norm is below `max_norm` the gradients are left alone: the factor is capped at 1, never enlarged."))
    names = [f"g_{i + 1}" for i in range(len(grads))]
    listing = "，".join(f"${n} = {seq(g)}$" for n, g in zip(names, grads, strict=True))
    listing_en = ", ".join(f"${n} = {seq(g)}$" for n, g in zip(names, grads, strict=True))
    squares = " + ".join(f"{signed(v)}^2" for g in grads for v in g)
    target = f"{names[k]}" + (f"[{j + 1}]" if len(grads[k]) > 1 else "")
    ask_zh = f"${names[k]}$ 的第 {j + 1} 个分量 ${target}$" if len(grads[k]) > 1 else f"${target}$"
    ask_en = f"entry {j + 1} of ${names[k]}$ (${target}$)" if len(grads[k]) > 1 else f"${target}$"
    norm_step = f"\\|g\\| = \\sqrt{{{squares}}} \\approx {num(total, 6)}"
    if coef < 1.0:
        step_zh = (
            f"$\\|g\\| > {num(max_norm)}$，所以所有梯度乘以同一个系数 $c = \\frac{{{num(max_norm)}}}{{\\|g\\| + 10^{{-6}}}} \\approx {num(coef, 6)}$。\n\n"
            f"${target} = {signed(entry)} \\times {num(coef, 6)} \\approx {num(value)}$。"
        )
        step_en = (
            f"$\\|g\\| > {num(max_norm)}$, so every gradient is multiplied by the same factor $c = \\frac{{{num(max_norm)}}}{{\\|g\\| + 10^{{-6}}}} \\approx {num(coef, 6)}$.\n\n"
            f"${target} = {signed(entry)} \\times {num(coef, 6)} \\approx {num(value)}$."
        )
    else:
        step_zh = f"$\\|g\\| \\le {num(max_norm)}$，系数 $\\min(\\frac{{{num(max_norm)}}}{{\\|g\\| + 10^{{-6}}}}, 1) = 1$，梯度不变：${target} = {num(value)}$。"
        step_en = f"$\\|g\\| \\le {num(max_norm)}$, so the factor $\\min(\\frac{{{num(max_norm)}}}{{\\|g\\| + 10^{{-6}}}}, 1) = 1$ and the gradients are unchanged: ${target} = {num(value)}$."
    return Draft(
        prompt_zh=(
            f"一个模型有 {len(grads)} 个参数张量，梯度为 {listing}。调用 "
            f"`torch.nn.utils.clip_grad_norm_(model.parameters(), max_norm={num(max_norm)})`（默认 $L^2$ 范数）后，"
            f"{ask_zh}是多少？"
        ),
        prompt_en=(
            f"A model has {len(grads)} parameter tensors with gradients {listing_en}. After "
            f"`torch.nn.utils.clip_grad_norm_(model.parameters(), max_norm={num(max_norm)})` (L2 norm by default), "
            f"what is {ask_en}?"
        ),
        solution_zh=f"全局范数把所有梯度看成一个向量：${norm_step}$。\n\n{step_zh}\n\n答案：${num(value)}$。",
        solution_en=f"The global norm treats all gradients as one vector: ${norm_step}$.\n\n{step_en}\n\nAnswer: ${num(value)}$.",
        answer=answer,
        misconceptions=finish(answer, cands),
        params={"grads": grads, "max_norm": max_norm, "tensor": k, "index": j},
    )
