"""Exercise on the batch-normalization forward pass in training mode."""

from __future__ import annotations

import math
import random

from quizzer.compute import batchnorm
from quizzer.exercises._drafting import finish, mis, num, real, seq, signed, sum_terms
from quizzer.exercises.types import Draft

__all__ = ["forward"]

_F = 6


def _batch(rng: random.Random, difficulty: int) -> list:
    n = 4 if difficulty == 1 else rng.randint(4, 5) if difficulty == 2 else rng.randint(5, 6)
    if difficulty < 3:
        return [rng.randint(-2, 10) for _ in range(n)]
    return [rng.randint(-30, 80) / 10 for _ in range(n)]


def forward(rng: random.Random, difficulty: int) -> Draft:
    """The output ``y_i`` of one entry of a one-feature batch through ``BatchNorm1d`` in training."""
    while True:
        x = _batch(rng, difficulty)
        if difficulty == 1:
            gamma, beta = 1.0, 0.0
        elif difficulty == 2:
            gamma, beta = rng.choice([0.5, 2.0, 1.5, 3.0]), rng.choice([-1.0, 0.5, 1.0, 2.0])
        else:
            gamma, beta = rng.randint(5, 30) / 10, rng.randint(-20, 20) / 10
        i = rng.randrange(len(x))
        result = batchnorm.batch_norm([[v] for v in x], weight=[gamma], bias=[beta], training=True)
        mean, var = float(result.mean[0]), float(result.var[0])
        if var < 0.5:
            continue
        xhat = (x[i] - mean) / math.sqrt(var + 1e-5)
        y = float(result.output[i][0])
        if abs(xhat) >= 0.3 and abs(y) >= 0.2:
            break
    n = len(x)
    answer = real(y)
    unbiased = var * n / (n - 1)
    cands = [
        mis("unbiased-variance", gamma * (x[i] - mean) / math.sqrt(unbiased + 1e-5) + beta, f"训练时用的是有偏方差（除以 $m = {n}$）；无偏方差（除以 $m-1$）只用于更新 running_var。", f"Training normalizes with the biased variance (divide by $m = {n}$); the unbiased one (divide by $m-1$) only enters running_var."),
        mis("divided-by-variance", gamma * (x[i] - mean) / (var + 1e-5) + beta, "要除以标准差 $\\sqrt{\\sigma^2 + \\epsilon}$，不是方差。", "Divide by the standard deviation $\\sqrt{\\sigma^2 + \\epsilon}$, not the variance."),
        mis("shift-inside-scale", gamma * (xhat + beta), "先缩放后平移：$y = \\gamma \\hat x + \\beta$，不是 $\\gamma(\\hat x + \\beta)$。", "Scale, then shift: $y = \\gamma \\hat x + \\beta$, not $\\gamma(\\hat x + \\beta)$."),
        mis("forgot-affine", xhat, "忘了可学习的 $\\gamma, \\beta$：输出是 $\\gamma \\hat x + \\beta$。", "You forgot the learned $\\gamma$ and $\\beta$: the output is $\\gamma \\hat x + \\beta$."),
        mis("forgot-mean", gamma * x[i] / math.sqrt(var + 1e-5) + beta, "要先减去批均值 $\\mu_B$。", "Subtract the batch mean $\\mu_B$ first."),
    ]
    dev = " + ".join(f"({num(v)} - {num(mean, _F)})^2" for v in x)
    affine_zh = "" if (gamma, beta) == (1.0, 0.0) else f"，$\\gamma = {num(gamma)}$，$\\beta = {num(beta)}$"
    affine_en = "" if (gamma, beta) == (1.0, 0.0) else f", with $\\gamma = {num(gamma)}$ and $\\beta = {num(beta)}$"
    init_zh = "（$\\gamma = 1$，$\\beta = 0$，刚初始化）" if (gamma, beta) == (1.0, 0.0) else affine_zh
    init_en = " (freshly initialized: $\\gamma = 1$, $\\beta = 0$)" if (gamma, beta) == (1.0, 0.0) else affine_en
    lines_zh = [
        f"批均值 $\\mu_B = \\frac{{1}}{{{n}}}({sum_terms(x)}) = {num(mean, _F)}$。",
        f"有偏方差 $\\sigma_B^2 = \\frac{{1}}{{{n}}}[{dev}] = {num(var, _F)}$。",
        f"$\\hat x_{{{i + 1}}} = \\frac{{{num(x[i])} - {num(mean, _F)}}}{{\\sqrt{{{num(var, _F)} + 10^{{-5}}}}}} = {num(xhat, _F)}$。",
        f"$y_{{{i + 1}}} = \\gamma \\hat x + \\beta = {num(gamma)} \\times {signed(xhat, _F)} + {signed(beta)} \\approx {num(y)}$。",
        f"答案：${num(y)}$。",
    ]
    lines_en = [
        f"Batch mean $\\mu_B = \\frac{{1}}{{{n}}}({sum_terms(x)}) = {num(mean, _F)}$.",
        f"Biased variance $\\sigma_B^2 = \\frac{{1}}{{{n}}}[{dev}] = {num(var, _F)}$.",
        f"$\\hat x_{{{i + 1}}} = \\frac{{{num(x[i])} - {num(mean, _F)}}}{{\\sqrt{{{num(var, _F)} + 10^{{-5}}}}}} = {num(xhat, _F)}$.",
        f"$y_{{{i + 1}}} = \\gamma \\hat x + \\beta = {num(gamma)} \\times {signed(xhat, _F)} + {signed(beta)} \\approx {num(y)}$.",
        f"Answer: ${num(y)}$.",
    ]
    return Draft(
        prompt_zh=(f"`nn.BatchNorm1d(1)` 处于训练模式（eps=1e-5）{init_zh}。一个批次里这个特征的取值为 $x = {seq(x)}$。"
                   f"求第 {i + 1} 个样本的输出 $y_{{{i + 1}}}$。"),
        prompt_en=(f"`nn.BatchNorm1d(1)` is in training mode (eps 1e-5){init_en}. In one batch the feature takes the values $x = {seq(x)}$. "
                   f"What is the output $y_{{{i + 1}}}$ for sample {i + 1}?"),
        solution_zh="\n\n".join(lines_zh),
        solution_en="\n\n".join(lines_en),
        answer=answer,
        misconceptions=finish(answer, cands),
        params={"x": x, "gamma": gamma, "beta": beta, "index": i, "eps": 1e-5},
    )
