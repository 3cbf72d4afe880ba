"""Exercises on the sigmoid, softplus and tanh identities of Goodfellow et al. 3.10."""

from __future__ import annotations

import math
import random

from quizzer.compute import activations as act
from quizzer.exercises._drafting import finish, mis, num, real
from quizzer.exercises.types import Draft

__all__ = ["sigmoid_identity", "softplus", "tanh_sigmoid"]

_S = [0.6, 0.7, 0.75, 0.8, 0.85, 0.9, 0.95, 0.3, 0.2, 0.1, 0.25, 0.4, 0.65]


def _logit(s: float) -> float:
    return math.log(s / (1 - s))


def _x(rng: random.Random, low: int, high: int) -> float:
    return rng.choice([v for v in range(low, high + 1) if v != 0]) / 10


def _draft(prompt: tuple[str, str], lines: tuple[list[str], list[str]], value: float, cands: list, params: dict) -> Draft:
    answer = real(value)
    return Draft(
        prompt_zh=prompt[0],
        prompt_en=prompt[1],
        solution_zh="\n\n".join(lines[0] + [f"答案：${num(value)}$。"]),
        solution_en="\n\n".join(lines[1] + [f"Answer: ${num(value)}$."]),
        answer=answer,
        misconceptions=finish(answer, cands),
        params=params,
    )


def sigmoid_identity(rng: random.Random, difficulty: int) -> Draft:
    """``sigma(-x)`` or ``sigma'(x)`` from ``sigma(x)``, or ``sigma'(x)`` at a given ``x``."""
    if difficulty == 3:
        x = _x(rng, -40, 40)
        s = act.sigmoid(x)
        value = act.sigmoid_grad(x)
        cands = [
            mis("gave-sigmoid", s, "这是 $\\sigma(x)$ 本身；导数是 $\\sigma(x)(1-\\sigma(x))$。", "That is $\\sigma(x)$ itself; the derivative is $\\sigma(x)(1-\\sigma(x))$."),
            mis("tanh-form", 1 - s * s, "$1 - \\sigma^2$ 是 tanh 导数的形式；sigmoid 的导数是 $\\sigma(1-\\sigma)$。", "$1 - \\sigma^2$ is the shape of tanh's derivative; the sigmoid's is $\\sigma(1-\\sigma)$."),
            mis("gave-sigmoid-of-minus-x", 1 - s, "这是 $\\sigma(-x) = 1 - \\sigma(x)$；导数还要乘 $\\sigma(x)$。", "That is $\\sigma(-x) = 1 - \\sigma(x)$; the derivative multiplies it by $\\sigma(x)$."),
        ]
        return _draft(
            (f"求 sigmoid 在 $x = {num(x)}$ 处的导数 $\\sigma'({num(x)})$。", f"Compute the derivative of the sigmoid at $x = {num(x)}$, $\\sigma'({num(x)})$."),
            ([f"$\\sigma({num(x)}) = \\frac{{1}}{{1 + e^{{{-x:g}}}}} = {num(s, 6)}$。", f"$\\sigma'(x) = \\sigma(x)(1 - \\sigma(x)) = {num(s, 6)} \\times {num(1 - s, 6)} = {num(value, 6)}$。"],
             [f"$\\sigma({num(x)}) = \\frac{{1}}{{1 + e^{{{-x:g}}}}} = {num(s, 6)}$.", f"$\\sigma'(x) = \\sigma(x)(1 - \\sigma(x)) = {num(s, 6)} \\times {num(1 - s, 6)} = {num(value, 6)}$."]),
            value, cands, {"ask": "derivative_at", "x": x},
        )
    s = rng.choice(_S)
    x = _logit(s)
    if difficulty == 1:
        value = act.sigmoid(-x)
        cands = [
            mis("assumed-even", s, "sigmoid 不是偶函数：$\\sigma(-x) = 1 - \\sigma(x)$。", "The sigmoid is not even: $\\sigma(-x) = 1 - \\sigma(x)$."),
            mis("assumed-odd", -s, "sigmoid 的取值在 $(0, 1)$ 之间，不会是负数：$\\sigma(-x) = 1 - \\sigma(x)$。", "The sigmoid lies in $(0, 1)$, never negative: $\\sigma(-x) = 1 - \\sigma(x)$."),
            mis("reciprocal", 1 / s, "不是倒数：$\\sigma(-x) = 1 - \\sigma(x)$。", "Not the reciprocal: $\\sigma(-x) = 1 - \\sigma(x)$."),
        ]
        return _draft(
            (f"已知 $\\sigma(x) = {num(s)}$（$\\sigma$ 为 logistic sigmoid）。求 $\\sigma(-x)$。", f"Given $\\sigma(x) = {num(s)}$ for the logistic sigmoid $\\sigma$, what is $\\sigma(-x)$?"),
            (["$\\sigma(-x) = \\frac{1}{1+e^{x}} = \\frac{e^{-x}}{e^{-x}+1} = 1 - \\sigma(x)$。", f"$1 - {num(s)} = {num(value)}$。"],
             ["$\\sigma(-x) = \\frac{1}{1+e^{x}} = \\frac{e^{-x}}{e^{-x}+1} = 1 - \\sigma(x)$.", f"$1 - {num(s)} = {num(value)}$."]),
            value, cands, {"ask": "sigmoid_of_minus_x", "s": s},
        )
    at_minus = rng.random() < 0.5
    value = act.sigmoid_grad(-x if at_minus else x)
    arg = "-x" if at_minus else "x"
    cands = [
        mis("gave-one-minus-s", 1 - s, "这是 $\\sigma(-x)$；导数是 $\\sigma(x)(1-\\sigma(x))$。", "That is $\\sigma(-x)$; the derivative is $\\sigma(x)(1-\\sigma(x))$."),
        mis("s-squared", s * s, "导数是 $\\sigma(1-\\sigma)$，不是 $\\sigma^2$。", "The derivative is $\\sigma(1-\\sigma)$, not $\\sigma^2$."),
        mis("tanh-form", 1 - s * s, "$1 - \\sigma^2$ 是 tanh 导数的形式；sigmoid 的导数是 $\\sigma(1-\\sigma)$。", "$1 - \\sigma^2$ is the shape of tanh's derivative; the sigmoid's is $\\sigma(1-\\sigma)$."),
    ]
    if at_minus:
        cands.insert(0, mis("negated", -value, "sigmoid 单调递增，导数总是正的；$\\sigma'$ 是偶函数，$\\sigma'(-x) = \\sigma'(x)$。", "The sigmoid is increasing, so its derivative is positive; $\\sigma'$ is even, $\\sigma'(-x) = \\sigma'(x)$."))
    even_zh = "$\\sigma'$ 是偶函数：$\\sigma'(-x) = \\sigma(-x)\\sigma(x) = \\sigma'(x)$。" if at_minus else ""
    even_en = "$\\sigma'$ is even: $\\sigma'(-x) = \\sigma(-x)\\sigma(x) = \\sigma'(x)$." if at_minus else ""
    return _draft(
        (f"已知 $\\sigma(x) = {num(s)}$。求 $\\sigma'({arg})$。", f"Given $\\sigma(x) = {num(s)}$, what is $\\sigma'({arg})$?"),
        ([line for line in ["$\\sigma'(x) = \\sigma(x)(1-\\sigma(x))$。", even_zh, f"${num(s)} \\times (1 - {num(s)}) = {num(value)}$。"] if line],
         [line for line in ["$\\sigma'(x) = \\sigma(x)(1-\\sigma(x))$.", even_en, f"${num(s)} \\times (1 - {num(s)}) = {num(value)}$."] if line]),
        value, cands, {"ask": "derivative_from_s", "s": s, "at_minus": at_minus},
    )


def softplus(rng: random.Random, difficulty: int) -> Draft:
    """``softplus(x)``, its derivative ``sigma(x)``, or torch's ``softplus(x, beta)``."""
    x = _x(rng, -30, 30)
    if difficulty == 2:
        value = act.softplus_grad(x)
        cands = [
            mis("gave-value", act.softplus(x), "这是 softplus 的函数值；它的导数是 $\\sigma(x)$。", "That is the value of softplus; its derivative is $\\sigma(x)$."),
            mis("sigmoid-derivative", act.sigmoid_grad(x), "这是 $\\sigma'(x)$，即 softplus 的二阶导数；一阶导数是 $\\sigma(x)$。", "That is $\\sigma'(x)$, the second derivative of softplus; the first is $\\sigma(x)$."),
            mis("relu-derivative", 1.0 if x > 0 else 0.0, "这是 ReLU 的导数；softplus 是平滑的，导数是 $\\sigma(x)$。", "That is ReLU's derivative; softplus is smooth with derivative $\\sigma(x)$."),
        ]
        return _draft(
            (f"求 softplus $\\zeta(x) = \\ln(1 + e^x)$ 在 $x = {num(x)}$ 处的导数。", f"Compute the derivative of softplus $\\zeta(x) = \\ln(1 + e^x)$ at $x = {num(x)}$."),
            (["$\\zeta'(x) = \\frac{e^x}{1+e^x} = \\sigma(x)$。", f"$\\sigma({num(x)}) = \\frac{{1}}{{1 + e^{{{-x:g}}}}} = {num(value)}$。"],
             ["$\\zeta'(x) = \\frac{e^x}{1+e^x} = \\sigma(x)$.", f"$\\sigma({num(x)}) = \\frac{{1}}{{1 + e^{{{-x:g}}}}} = {num(value)}$."]),
            value, cands, {"ask": "derivative", "x": x, "beta": 1.0},
        )
    beta = rng.choice([2.0, 0.5, 3.0]) if difficulty == 3 else 1.0
    value = act.softplus(x, beta=beta)
    inner = math.log1p(math.exp(beta * x))
    cands = [
        mis("relu", max(x, 0.0), "这是 ReLU $\\max(0, x)$；softplus 是它的平滑版，总是大于 $\\max(0, x)$。", "That is ReLU $\\max(0, x)$; softplus is its smooth version and always lies above it."),
        mis("log10", math.log10(1 + math.exp(beta * x)) / beta, "要用自然对数 $\\ln$。", "Use the natural logarithm."),
        mis("gave-derivative", act.sigmoid(beta * x), "这是导数 $\\sigma(\\beta x)$，不是函数值。", "That is the derivative $\\sigma(\\beta x)$, not the value."),
    ]
    if beta != 1.0:
        cands[0:0] = [
            mis("forgot-divide-by-beta", inner, "算出 $\\ln(1+e^{\\beta x})$ 后还要除以 $\\beta$。", "After $\\ln(1+e^{\\beta x})$, divide by $\\beta$."),
            mis("ignored-beta", act.softplus(x), f"忽略了 $\\beta = {num(beta)}$：`F.softplus(x, beta)` $= \\frac{{1}}{{\\beta}}\\ln(1+e^{{\\beta x}})$。", f"You ignored $\\beta = {num(beta)}$: `F.softplus(x, beta)` $= \\frac{{1}}{{\\beta}}\\ln(1+e^{{\\beta x}})$."),
        ]
        prompt = (f"求 `torch.nn.functional.softplus(torch.tensor({num(x)}), beta={num(beta)})` 的值，即 $\\frac{{1}}{{\\beta}}\\ln(1 + e^{{\\beta x}})$。",
                  f"What is `torch.nn.functional.softplus(torch.tensor({num(x)}), beta={num(beta)})`, that is $\\frac{{1}}{{\\beta}}\\ln(1 + e^{{\\beta x}})$?")
        lines = ([f"$\\beta x = {num(beta * x)}$，$\\ln(1 + e^{{{num(beta * x)}}}) = {num(inner, 6)}$。", f"除以 $\\beta$：${num(inner, 6)} / {num(beta)} = {num(value)}$。"],
                 [f"$\\beta x = {num(beta * x)}$, $\\ln(1 + e^{{{num(beta * x)}}}) = {num(inner, 6)}$.", f"Divide by $\\beta$: ${num(inner, 6)} / {num(beta)} = {num(value)}$."])
    else:
        prompt = (f"求 softplus $\\zeta(x) = \\ln(1 + e^x)$ 在 $x = {num(x)}$ 处的值。", f"Compute softplus $\\zeta(x) = \\ln(1 + e^x)$ at $x = {num(x)}$.")
        lines = ([f"$e^{{{num(x)}}} = {num(math.exp(x), 6)}$，$\\ln(1 + {num(math.exp(x), 6)}) = {num(value)}$。"],
                 [f"$e^{{{num(x)}}} = {num(math.exp(x), 6)}$, $\\ln(1 + {num(math.exp(x), 6)}) = {num(value)}$."])
    return _draft(prompt, lines, value, cands, {"ask": "value", "x": x, "beta": beta})


def tanh_sigmoid(rng: random.Random, difficulty: int) -> Draft:
    """``tanh(x) = 2 sigma(2x) - 1`` in either direction, or ``tanh(x)`` from ``sigma(x)``."""
    s = rng.choice(_S)
    if difficulty == 1:
        x = _logit(s) / 2  # sigma(2x) = s
        value = act.tanh(x)
        cands = [
            mis("forgot-minus-one", 2 * s, "还要减 1：$\\tanh(x) = 2\\sigma(2x) - 1$。", "Subtract 1: $\\tanh(x) = 2\\sigma(2x) - 1$."),
            mis("sign-flip", 1 - 2 * s, "符号反了：$\\tanh(x) = 2\\sigma(2x) - 1$。", "Wrong sign: $\\tanh(x) = 2\\sigma(2x) - 1$."),
            mis("used-s", s, "tanh 是把 sigmoid 拉伸到 $(-1, 1)$：$\\tanh(x) = 2\\sigma(2x) - 1$。", "tanh stretches the sigmoid to $(-1, 1)$: $\\tanh(x) = 2\\sigma(2x) - 1$."),
        ]
        return _draft(
            (f"已知 $\\sigma(2x) = {num(s)}$。求 $\\tanh(x)$。", f"Given $\\sigma(2x) = {num(s)}$, what is $\\tanh(x)$?"),
            (["$\\tanh(x) = \\frac{1 - e^{-2x}}{1 + e^{-2x}} = \\frac{2}{1 + e^{-2x}} - 1 = 2\\sigma(2x) - 1$。", f"$2 \\times {num(s)} - 1 = {num(value)}$。"],
             ["$\\tanh(x) = \\frac{1 - e^{-2x}}{1 + e^{-2x}} = \\frac{2}{1 + e^{-2x}} - 1 = 2\\sigma(2x) - 1$.", f"$2 \\times {num(s)} - 1 = {num(value)}$."]),
            value, cands, {"ask": "tanh_from_sigma_2x", "s": s},
        )
    if difficulty == 2:
        t = rng.choice([0.2, 0.4, 0.6, 0.8, -0.6, -0.2, 0.5, 0.9, -0.8, 0.3])
        x = math.atanh(t)
        value = act.sigmoid(2 * x)
        cands = [
            mis("applied-forward", 2 * t - 1, "方向反了：由 $\\tanh(x) = 2\\sigma(2x) - 1$ 解出 $\\sigma(2x) = (1 + \\tanh x)/2$。", "Wrong direction: solving $\\tanh(x) = 2\\sigma(2x) - 1$ gives $\\sigma(2x) = (1 + \\tanh x)/2$."),
            mis("forgot-half", 1 + t, "还要除以 2：$\\sigma(2x) = (1 + \\tanh x)/2$。", "Divide by 2: $\\sigma(2x) = (1 + \\tanh x)/2$."),
            mis("gave-sigma-minus-2x", (1 - t) / 2, "这是 $\\sigma(-2x) = (1 - \\tanh x)/2$。", "That is $\\sigma(-2x) = (1 - \\tanh x)/2$."),
            mis("used-t", t, "$\\sigma(2x)$ 与 $\\tanh(x)$ 不相等：$\\sigma(2x) = (1 + \\tanh x)/2$。", "$\\sigma(2x)$ is not $\\tanh(x)$: $\\sigma(2x) = (1 + \\tanh x)/2$."),
        ]
        return _draft(
            (f"已知 $\\tanh(x) = {num(t)}$。求 $\\sigma(2x)$。", f"Given $\\tanh(x) = {num(t)}$, what is $\\sigma(2x)$?"),
            (["由 $\\tanh(x) = 2\\sigma(2x) - 1$ 得 $\\sigma(2x) = \\frac{1 + \\tanh(x)}{2}$。", f"$\\frac{{1 + {'(' + num(t) + ')' if t < 0 else num(t)}}}{{2}} = {num(value)}$。"],
             ["From $\\tanh(x) = 2\\sigma(2x) - 1$, $\\sigma(2x) = \\frac{1 + \\tanh(x)}{2}$.", f"$\\frac{{1 + {'(' + num(t) + ')' if t < 0 else num(t)}}}{{2}} = {num(value)}$."]),
            value, cands, {"ask": "sigma_2x_from_tanh", "t": t},
        )
    x = _logit(s)  # sigma(x) = s
    value = act.tanh(x)
    r = s / (1 - s)
    s2 = act.sigmoid(2 * x)
    cands = [
        mis("used-sigma-of-x", 2 * s - 1, "$2\\sigma(x) - 1 = \\tanh(x/2)$；要用 $\\sigma(2x)$，不是 $\\sigma(x)$。", "$2\\sigma(x) - 1 = \\tanh(x/2)$; the identity needs $\\sigma(2x)$, not $\\sigma(x)$."),
        mis("doubled-sigma", 4 * s - 1, "$\\sigma(2x) \\ne 2\\sigma(x)$；先由 $e^x = \\sigma/(1-\\sigma)$ 求出 $e^{2x}$。", "$\\sigma(2x) \\ne 2\\sigma(x)$; get $e^{2x}$ from $e^x = \\sigma/(1-\\sigma)$ first."),
        mis("forgot-minus-one", 2 * s2, "还要减 1：$\\tanh(x) = 2\\sigma(2x) - 1$。", "Subtract 1: $\\tanh(x) = 2\\sigma(2x) - 1$."),
    ]
    return _draft(
        (f"已知 $\\sigma(x) = {num(s)}$。求 $\\tanh(x)$。", f"Given $\\sigma(x) = {num(s)}$, what is $\\tanh(x)$?"),
        ([f"$e^x = \\frac{{\\sigma(x)}}{{1 - \\sigma(x)}} = {num(r, 6)}$，所以 $e^{{2x}} = {num(r * r, 6)}$，$\\sigma(2x) = \\frac{{e^{{2x}}}}{{1 + e^{{2x}}}} = {num(s2, 6)}$。",
          f"$\\tanh(x) = 2\\sigma(2x) - 1 = {num(value)}$。"],
         [f"$e^x = \\frac{{\\sigma(x)}}{{1 - \\sigma(x)}} = {num(r, 6)}$, so $e^{{2x}} = {num(r * r, 6)}$ and $\\sigma(2x) = \\frac{{e^{{2x}}}}{{1 + e^{{2x}}}} = {num(s2, 6)}$.",
          f"$\\tanh(x) = 2\\sigma(2x) - 1 = {num(value)}$."]),
        value, cands, {"ask": "tanh_from_sigma_x", "s": s},
    )
