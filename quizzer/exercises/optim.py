"""Exercises on optimizer steps: SGD with momentum, its terminal speed, AdaGrad, RMSProp and Adam.

Each step exercise gives a scalar parameter, the hyper-parameters and the gradient seen at every
step, and asks for the parameter after the last step, as ``torch.optim`` would leave it.
"""

from __future__ import annotations

import itertools
import math
import random
from collections.abc import Callable

from quizzer.compute import norms, optim
from quizzer.exercises._drafting import finish, mis, num, param_answer, real, seq, signed
from quizzer.exercises.types import Draft

__all__ = ["adagrad_step", "adam_step", "momentum_terminal_speed", "rmsprop_step", "sgd_momentum_step"]

_F = 6  # significant figures of intermediate values in solutions


def _theta0(rng: random.Random, lr: float) -> float:
    # On the scale of the steps, so that a 4-figure answer pins the steps down, not just theta_0.
    return round(lr * rng.choice([0, 2, 5, 10, -5, -10]), 9) + 0.0


def _n(x: float) -> str:
    """An intermediate value; the 1e-10-sized traces of eps are shown as 0."""
    return num(0.0 if abs(x) < 1e-9 else x, _F)


def _grads(rng: random.Random, steps: int, difficulty: int) -> list[float]:
    if difficulty < 3:
        pool = [v for v in range(-5, 6) if v != 0] + [0.5, -0.5, 1.5, -1.5]
        return [float(rng.choice(pool)) for _ in range(steps)]
    return [rng.choice([v for v in range(-40, 41) if v % 10 != 0]) / 10 for _ in range(steps)]


def _moves(theta0: float, trace: list) -> bool:
    """Whether the steps add up to a clear net move (gradients that cancel make a poor exercise)."""
    points = [theta0] + [step.value for step in trace]
    path = sum(abs(b - a) for a, b in itertools.pairwise(points))
    return abs(points[-1] - theta0) >= 0.25 * path > 0


def _walk(theta0: float, grads: list[float], delta: Callable[[float, int], float]) -> float:
    """The end point of ``theta_t = theta_{t-1} - delta(g_t, t)``, for misconceptions."""
    theta = theta0
    for t, g in enumerate(grads, start=1):
        theta -= delta(g, t)
    return theta


def _given(grads: list[float]) -> str:
    return ", ".join(f"g_{t} = {num(g)}" for t, g in enumerate(grads, start=1))


def _wrong_sign(theta0: float, end: float) -> object:
    return mis("wrong-sign", 2 * theta0 - end, "方向反了：梯度下降是减去更新量 $\\theta \\leftarrow \\theta - \\dots$。", "Wrong direction: gradient descent subtracts the update, $\\theta \\leftarrow \\theta - \\dots$.")


def _draft(prompt_zh: str, prompt_en: str, lines_zh: list[str], lines_en: list[str], theta0: float, end: float, cands: list, params: dict) -> Draft:
    answer = param_answer(theta0, end)
    return Draft(
        prompt_zh=prompt_zh,
        prompt_en=prompt_en,
        solution_zh="\n\n".join(lines_zh + [f"答案：$\\theta_{{{len(params['grads'])}}} \\approx {num(end)}$。"]),
        solution_en="\n\n".join(lines_en + [f"Answer: $\\theta_{{{len(params['grads'])}}} \\approx {num(end)}$."]),
        answer=answer,
        misconceptions=finish(answer, cands),
        params=params,
    )


def sgd_momentum_step(rng: random.Random, difficulty: int) -> Draft:
    """The parameter after 2-3 steps of SGD with momentum (torch or textbook notation)."""
    lr = rng.choice([0.1, 0.05, 0.2, 0.01])
    theta0 = _theta0(rng, lr)
    momentum = rng.choice([0.9, 0.5]) if difficulty == 1 else rng.choice([0.9, 0.5, 0.8])
    nesterov = difficulty == 3 and rng.random() < 0.5
    textbook = difficulty == 2 and rng.random() < 0.5
    while True:
        grads = _grads(rng, 2 if difficulty == 1 else 3, difficulty)
        trace = optim.sgd(theta0, grads, lr=lr, momentum=momentum, nesterov=nesterov)
        if _moves(theta0, trace):
            break
    end = trace[-1].value
    given = _given(grads)
    if textbook:
        prompt_zh = (f"用动量法（《深度学习》算法 8.2）：$v \\leftarrow \\alpha v - \\epsilon g$，$\\theta \\leftarrow \\theta + v$，"
                     f"$\\epsilon = {num(lr)}$，$\\alpha = {num(momentum)}$，$v_0 = 0$，$\\theta_0 = {num(theta0)}$。各步梯度为 ${given}$。求 $\\theta_{{{len(grads)}}}$。")
        prompt_en = (f"Momentum as in Goodfellow et al. Algorithm 8.2: $v \\leftarrow \\alpha v - \\epsilon g$, $\\theta \\leftarrow \\theta + v$, "
                     f"with $\\epsilon = {num(lr)}$, $\\alpha = {num(momentum)}$, $v_0 = 0$, $\\theta_0 = {num(theta0)}$. The gradients are ${given}$. What is $\\theta_{{{len(grads)}}}$?")
    else:
        call = f"torch.optim.SGD([theta], lr={num(lr)}, momentum={num(momentum)}" + (", nesterov=True)" if nesterov else ")")
        prompt_zh = f"标量参数 $\\theta_0 = {num(theta0)}$，优化器 `{call}`（dampening=0）。各步梯度为 ${given}$。求 $\\theta_{{{len(grads)}}}$。"
        prompt_en = f"A scalar parameter starts at $\\theta_0 = {num(theta0)}$ with `{call}` (dampening 0). The gradients are ${given}$. What is $\\theta_{{{len(grads)}}}$?"
    lines_zh, lines_en = [], []
    if textbook:
        lines_zh.append("$v_t = \\alpha v_{t-1} - \\epsilon g_t$，$\\theta_t = \\theta_{t-1} + v_t$。")
        lines_en.append("$v_t = \\alpha v_{t-1} - \\epsilon g_t$, $\\theta_t = \\theta_{t-1} + v_t$.")
        v, theta = 0.0, theta0
        for t, g in enumerate(grads, start=1):
            v_new = momentum * v - lr * g
            line = f"$t={t}$: $v_{t} = {num(momentum)} \\times {signed(v, _F)} - {num(lr)} \\times {signed(g)} = {num(v_new, _F)}$, $\\theta_{t} = {_n(theta)} + {signed(v_new, _F)} = {_n(trace[t - 1].value)}$"
            lines_zh.append(line + "。")
            lines_en.append(line + ".")
            v, theta = v_new, trace[t - 1].value
        lines_zh.append("（与 PyTorch 的写法 $b_t = \\alpha b_{t-1} + g_t$，$\\theta_t = \\theta_{t-1} - \\epsilon b_t$ 等价：$v_t = -\\epsilon b_t$。）")
        lines_en.append("(The same as PyTorch's $b_t = \\alpha b_{t-1} + g_t$, $\\theta_t = \\theta_{t-1} - \\epsilon b_t$: $v_t = -\\epsilon b_t$.)")
    else:
        rule = "$b_1 = g_1$，$b_t = \\mu b_{t-1} + g_t$，" + ("$\\theta_t = \\theta_{t-1} - \\text{lr}\\,(g_t + \\mu b_t)$（Nesterov）。" if nesterov else "$\\theta_t = \\theta_{t-1} - \\text{lr}\\, b_t$。")
        lines_zh.append("PyTorch 的动量缓冲：" + rule)
        lines_en.append("PyTorch's momentum buffer: " + rule.replace("，", ", ").replace("。", ".").replace("（Nesterov）", " (Nesterov)"))
        theta = theta0
        for t, g in enumerate(grads, start=1):
            b = float(trace[t - 1].state["momentum_buffer"])
            b_expr = f"{signed(g)}" if t == 1 else f"{num(momentum)} \\times {signed(float(trace[t - 2].state['momentum_buffer']), _F)} + {signed(g)}"
            d_expr = f"({num(g)} + {num(momentum)} \\times {signed(b, _F)})" if nesterov else f"{signed(b, _F)}"
            line = f"$t={t}$: $b_{t} = {b_expr} = {num(b, _F)}$, $\\theta_{t} = {_n(theta)} - {num(lr)} \\times {d_expr} = {_n(trace[t - 1].value)}$"
            lines_zh.append(line + "。")
            lines_en.append(line + ".")
            theta = trace[t - 1].value
    plain = optim.sgd(theta0, grads, lr=lr)[-1].value
    ema: list[float] = [0.0]

    def ema_delta(g: float, t: int) -> float:
        ema[0] = momentum * ema[0] + (1 - momentum) * g
        return lr * ema[0]

    cands = [
        mis("no-momentum", plain, "没用动量：这是普通 SGD $\\theta - \\epsilon \\sum g_t$。动量会累积过去的梯度。", "No momentum: that is plain SGD. Momentum accumulates past gradients."),
        mis("ema-buffer", _walk(theta0, grads, ema_delta), "把动量当成了指数滑动平均 $b \\leftarrow \\mu b + (1-\\mu) g$；PyTorch 的 SGD（dampening=0）是 $b \\leftarrow \\mu b + g$，第一步 $b_1 = g_1$。", "You used an exponential moving average $b \\leftarrow \\mu b + (1-\\mu) g$; PyTorch's SGD (dampening 0) uses $b \\leftarrow \\mu b + g$ with $b_1 = g_1$."),
        _wrong_sign(theta0, end),
    ]
    if nesterov:
        classic = optim.sgd(theta0, grads, lr=lr, momentum=momentum)[-1].value
        cands.insert(0, mis("ignored-nesterov", classic, "忽略了 Nesterov：更新量是 $g_t + \\mu b_t$，不是 $b_t$。", "You ignored Nesterov: the update uses $g_t + \\mu b_t$, not $b_t$."))
    params = {"theta0": theta0, "lr": lr, "momentum": momentum, "grads": grads, "nesterov": nesterov, "notation": "textbook" if textbook else "torch"}
    return _draft(prompt_zh, prompt_en, lines_zh, lines_en, theta0, end, cands, params)


def momentum_terminal_speed(rng: random.Random, difficulty: int) -> Draft:
    """Terminal step length ``eps ||g|| / (1 - alpha)`` of momentum, or the momentum that reaches one."""
    lr = rng.choice([0.01, 0.1, 0.001, 0.05, 0.02])
    # For the inverse question alpha = 0.5 would equal 1 - alpha, hiding that mistake.
    momentum = rng.choice([0.5, 0.8, 0.9, 0.95, 0.99] if difficulty < 3 else [0.8, 0.9, 0.95, 0.99])
    if difficulty == 1:
        g = None
        gnorm = float(rng.choice([0.5, 1, 2, 3, 4, 5, 10]))
        g_zh = g_en = f"$\\|g\\| = {num(gnorm)}$"
    else:
        g = [rng.choice([v for v in range(-6, 7) if v != 0]) for _ in range(rng.randint(2, 4))]
        gnorm = norms.vector_norm(g, 2)
        g_zh = g_en = f"$g = {seq(g)}$"
    speed = optim.momentum_terminal_speed(lr, gnorm, momentum)
    factor = optim.momentum_speedup(momentum)
    norm_zh = norm_en = ""
    if g is not None:
        norm_zh = norm_en = f"$\\|g\\| = \\sqrt{{{' + '.join(f'{signed(v)}^2' for v in g)}}} \\approx {num(gnorm, _F)}$. "
        norm_zh = norm_zh.replace(". ", "。")
    if difficulty == 3:
        # Inverse question: which momentum gives this terminal speed?
        answer = real(momentum, rel_tol=0.0, abs_tol=0.001)
        cands = [
            mis("gave-one-minus-alpha", 1 - momentum, "这是 $1 - \\alpha$；终端速度是 $\\epsilon\\|g\\|/(1-\\alpha)$，所以 $\\alpha = 1 - \\epsilon\\|g\\|/v$。", "That is $1 - \\alpha$; from $v = \\epsilon\\|g\\|/(1-\\alpha)$, $\\alpha = 1 - \\epsilon\\|g\\|/v$."),
        ]
        alpha_l1 = 1 - lr * sum(abs(v) for v in g) / speed
        if 0 < alpha_l1 < 1:
            cands.append(mis("l1-norm", alpha_l1, "用了 $L^1$ 范数；步长是欧氏长度，用 $L^2$ 范数。", "You used the L1 norm; the step length is Euclidean, the L2 norm."))
        return Draft(
            prompt_zh=(f"用动量 SGD，学习率 $\\epsilon = {num(lr)}$，梯度始终为 {g_zh}。要让每步步长的终端值（终端速度）为 ${num(speed, 8)}$，"
                       f"动量系数 $\\alpha$ 应取多少？"),
            prompt_en=(f"Momentum SGD with learning rate $\\epsilon = {num(lr)}$ always sees the gradient {g_en}. Which momentum $\\alpha$ "
                       f"makes the terminal step length (terminal speed) ${num(speed, 8)}$?"),
            solution_zh=(f"{norm_zh}终端速度 $v = \\frac{{\\epsilon \\|g\\|}}{{1-\\alpha}}$，所以 $1 - \\alpha = \\frac{{\\epsilon\\|g\\|}}{{v}} = "
                         f"\\frac{{{num(lr)} \\times {num(gnorm, _F)}}}{{{num(speed, 8)}}} = {num(1 - momentum, _F)}$，$\\alpha = {num(momentum)}$。\n\n答案：${num(momentum)}$。"),
            solution_en=(f"{norm_en}The terminal speed is $v = \\frac{{\\epsilon \\|g\\|}}{{1-\\alpha}}$, so $1 - \\alpha = \\frac{{\\epsilon\\|g\\|}}{{v}} = "
                         f"\\frac{{{num(lr)} \\times {num(gnorm, _F)}}}{{{num(speed, 8)}}} = {num(1 - momentum, _F)}$ and $\\alpha = {num(momentum)}$.\n\nAnswer: ${num(momentum)}$."),
            answer=answer,
            misconceptions=finish(answer, cands),
            params={"lr": lr, "grad": g, "grad_norm": gnorm, "terminal_speed": speed, "momentum": momentum, "ask": "momentum"},
        )
    answer = real(speed)
    cands = [
        mis("no-momentum-factor", lr * gnorm, "这是没有动量时的步长 $\\epsilon\\|g\\|$；动量把它放大 $1/(1-\\alpha)$ 倍。", "That is the step without momentum, $\\epsilon\\|g\\|$; momentum multiplies it by $1/(1-\\alpha)$."),
        mis("divided-by-alpha", lr * gnorm / momentum, "分母是 $1 - \\alpha$，不是 $\\alpha$。", "The denominator is $1 - \\alpha$, not $\\alpha$."),
        mis("times-one-minus-alpha", lr * gnorm * (1 - momentum), "应除以 $1-\\alpha$，不是乘：动量让步长变大。", "Divide by $1-\\alpha$, don't multiply: momentum makes the steps longer."),
    ]
    if g is not None:
        cands.append(mis("squared-norm", lr * gnorm**2 * factor, "用了 $\\|g\\|^2$；公式里是范数 $\\|g\\|$ 本身。", "You used $\\|g\\|^2$; the formula uses the norm $\\|g\\|$ itself."))
        cands.append(mis("l1-norm", lr * sum(abs(v) for v in g) * factor, "用了 $L^1$ 范数；步长是欧氏长度，用 $L^2$ 范数。", "You used the L1 norm; the step length is Euclidean, the L2 norm."))
    return Draft(
        prompt_zh=(f"动量 SGD（$v \\leftarrow \\alpha v - \\epsilon g$，$\\theta \\leftarrow \\theta + v$），$\\epsilon = {num(lr)}$，$\\alpha = {num(momentum)}$，"
                   f"每一步都看到同一个梯度 {g_zh}。步长最终趋于多少（终端速度）？"),
        prompt_en=(f"Momentum SGD ($v \\leftarrow \\alpha v - \\epsilon g$, $\\theta \\leftarrow \\theta + v$) with $\\epsilon = {num(lr)}$ and $\\alpha = {num(momentum)}$ "
                   f"sees the same gradient {g_en} at every step. What step length does it reach (its terminal speed)?"),
        solution_zh=(f"{norm_zh}速度的不动点 $v = \\alpha v - \\epsilon g$ 给出 $\\|v\\| = \\frac{{\\epsilon\\|g\\|}}{{1-\\alpha}}$，即普通 SGD 步长的 "
                     f"$\\frac{{1}}{{1-\\alpha}} = {num(factor, _F)}$ 倍。\n\n$\\frac{{{num(lr)} \\times {num(gnorm, _F)}}}{{1 - {num(momentum)}}} \\approx {num(speed)}$。\n\n答案：${num(speed)}$。"),
        solution_en=(f"{norm_en}The fixed point of $v = \\alpha v - \\epsilon g$ gives $\\|v\\| = \\frac{{\\epsilon\\|g\\|}}{{1-\\alpha}}$, "
                     f"$\\frac{{1}}{{1-\\alpha}} = {num(factor, _F)}$ times the plain SGD step.\n\n$\\frac{{{num(lr)} \\times {num(gnorm, _F)}}}{{1 - {num(momentum)}}} \\approx {num(speed)}$.\n\nAnswer: ${num(speed)}$."),
        answer=answer,
        misconceptions=finish(answer, cands),
        params={"lr": lr, "grad": g, "grad_norm": gnorm, "momentum": momentum, "ask": "speed"},
    )


def adagrad_step(rng: random.Random, difficulty: int) -> Draft:
    """The parameter after 2-4 AdaGrad steps."""
    lr = rng.choice([0.1, 0.5, 1.0, 0.2])
    theta0 = _theta0(rng, lr)
    steps = {1: 2, 2: 3, 3: rng.randint(3, 4)}[difficulty]
    while True:
        grads = _grads(rng, steps, difficulty)
        trace = optim.adagrad(theta0, grads, lr=lr)
        if _moves(theta0, trace):
            break
    end = trace[-1].value
    lines_zh = ["PyTorch Adagrad：$s_t = s_{t-1} + g_t^2$，$\\theta_t = \\theta_{t-1} - \\text{lr}\\,\\frac{g_t}{\\sqrt{s_t} + 10^{-10}}$（$\\epsilon$ 可忽略）。"]
    lines_en = ["PyTorch Adagrad: $s_t = s_{t-1} + g_t^2$, $\\theta_t = \\theta_{t-1} - \\text{lr}\\,\\frac{g_t}{\\sqrt{s_t} + 10^{-10}}$ ($\\epsilon$ is negligible)."]
    theta = theta0
    for t, g in enumerate(grads, start=1):
        s = float(trace[t - 1].state["sum"])
        line = f"$t={t}$: $s_{t} = {num(s, _F)}$, $\\theta_{t} = {_n(theta)} - {num(lr)} \\times \\frac{{{num(g)}}}{{\\sqrt{{{num(s, _F)}}}}} = {_n(trace[t - 1].value)}$"
        lines_zh.append(line + "。")
        lines_en.append(line + ".")
        theta = trace[t - 1].value

    def variant(denominator: str) -> float:
        s = [0.0]

        def delta(g: float, t: int) -> float:
            s[0] += g * g
            if denominator == "own":
                return lr * g / abs(g)
            if denominator == "sum":
                return lr * g / s[0]
            return lr * g / math.sqrt(s[0] / t)

        return _walk(theta0, grads, delta)

    cands = [
        mis("no-accumulation", variant("own"), "没有累加：AdaGrad 除以所有历史梯度平方和的平方根，不只是当前梯度。", "No accumulation: AdaGrad divides by the root of the sum of *all* past squared gradients, not just the current one."),
        mis("forgot-sqrt", variant("sum"), "忘了开平方：分母是 $\\sqrt{s_t}$。", "You forgot the square root: the denominator is $\\sqrt{s_t}$."),
        mis("mean-not-sum", variant("mean"), "用了平方的平均值（那更像 RMSProp）；AdaGrad 累加的是总和。", "You averaged the squares (closer to RMSProp); AdaGrad keeps the running sum."),
        _wrong_sign(theta0, end),
    ]
    given = _given(grads)
    return _draft(
        f"标量参数 $\\theta_0 = {num(theta0)}$，优化器 `torch.optim.Adagrad([theta], lr={num(lr)})`（其余为默认值）。各步梯度为 ${given}$。求 $\\theta_{{{len(grads)}}}$。",
        f"A scalar parameter starts at $\\theta_0 = {num(theta0)}$ with `torch.optim.Adagrad([theta], lr={num(lr)})` (other arguments default). The gradients are ${given}$. What is $\\theta_{{{len(grads)}}}$?",
        lines_zh, lines_en, theta0, end, cands, {"theta0": theta0, "lr": lr, "grads": grads},
    )


def rmsprop_step(rng: random.Random, difficulty: int) -> Draft:
    """The parameter after 2-3 RMSProp steps (torch's alpha, eps outside the root, no bias correction)."""
    lr = rng.choice([0.01, 0.1, 0.05])
    theta0 = _theta0(rng, lr)
    alpha = 0.9 if difficulty == 1 else rng.choice([0.9, 0.99]) if difficulty == 2 else rng.choice([0.9, 0.95, 0.99])
    while True:
        grads = _grads(rng, 2 if difficulty == 1 else 3, difficulty)
        trace = optim.rmsprop(theta0, grads, lr=lr, alpha=alpha)
        if _moves(theta0, trace):
            break
    end = trace[-1].value
    lines_zh = [f"PyTorch RMSprop：$s_t = \\alpha s_{{t-1}} + (1-\\alpha) g_t^2$（$s_0 = 0$），$\\theta_t = \\theta_{{t-1}} - \\text{{lr}}\\,\\frac{{g_t}}{{\\sqrt{{s_t}} + 10^{{-8}}}}$，$\\alpha = {num(alpha)}$，没有偏差修正。"]
    lines_en = [f"PyTorch RMSprop: $s_t = \\alpha s_{{t-1}} + (1-\\alpha) g_t^2$ ($s_0 = 0$), $\\theta_t = \\theta_{{t-1}} - \\text{{lr}}\\,\\frac{{g_t}}{{\\sqrt{{s_t}} + 10^{{-8}}}}$ with $\\alpha = {num(alpha)}$ and no bias correction."]
    theta, s_prev = theta0, 0.0
    for t, g in enumerate(grads, start=1):
        s = float(trace[t - 1].state["square_avg"])
        line = (f"$t={t}$: $s_{t} = {num(alpha)} \\times {num(s_prev, _F)} + {num(1 - alpha)} \\times {signed(g)}^2 = {num(s, _F)}$, "
                f"$\\theta_{t} = {_n(theta)} - {num(lr)} \\times \\frac{{{num(g)}}}{{\\sqrt{{{num(s, _F)}}}}} = {_n(trace[t - 1].value)}$")
        lines_zh.append(line + "。")
        lines_en.append(line + ".")
        theta, s_prev = trace[t - 1].value, s

    def variant(decay: float, new: float, root: bool = True, correct: bool = False) -> float:
        s = [0.0]

        def delta(g: float, t: int) -> float:
            s[0] = decay * s[0] + new * g * g
            est = s[0] / (1 - alpha**t) if correct else s[0]
            return lr * g / (math.sqrt(est) if root else est)

        return _walk(theta0, grads, delta)

    cands = [
        mis("forgot-one-minus-alpha", variant(alpha, 1.0), "新梯度平方要乘 $1-\\alpha$：$s_t = \\alpha s_{t-1} + (1-\\alpha) g_t^2$。", "The new squared gradient is weighted by $1-\\alpha$: $s_t = \\alpha s_{t-1} + (1-\\alpha) g_t^2$."),
        mis("bias-corrected", variant(alpha, 1 - alpha, correct=True), "RMSprop 没有偏差修正（那是 Adam 的）；前几步的 $s_t$ 偏小，步长因此偏大。", "RMSprop has no bias correction (that is Adam's); early $s_t$ are small, so early steps are large."),
        mis("swapped-alpha", variant(1 - alpha, alpha), "$\\alpha$ 是旧平均的权重（PyTorch 默认 0.99），新梯度的权重是 $1-\\alpha$。", "$\\alpha$ weights the old average (PyTorch default 0.99); the new gradient gets $1-\\alpha$."),
        mis("forgot-sqrt", variant(alpha, 1 - alpha, root=False), "忘了开平方：除以 $\\sqrt{s_t}$（均方根），不是 $s_t$。", "You forgot the square root: divide by $\\sqrt{s_t}$ (root mean square), not $s_t$."),
        mis("adagrad-sum", variant(1.0, 1.0), "这是 AdaGrad 的累加和；RMSprop 用指数滑动平均，会遗忘旧梯度。", "That is AdaGrad's running sum; RMSprop uses an exponential moving average that forgets old gradients."),
        _wrong_sign(theta0, end),
    ]
    given = _given(grads)
    return _draft(
        f"标量参数 $\\theta_0 = {num(theta0)}$，优化器 `torch.optim.RMSprop([theta], lr={num(lr)}, alpha={num(alpha)})`（eps=1e-8，无动量）。各步梯度为 ${given}$。求 $\\theta_{{{len(grads)}}}$。",
        f"A scalar parameter starts at $\\theta_0 = {num(theta0)}$ with `torch.optim.RMSprop([theta], lr={num(lr)}, alpha={num(alpha)})` (eps 1e-8, no momentum). The gradients are ${given}$. What is $\\theta_{{{len(grads)}}}$?",
        lines_zh, lines_en, theta0, end, cands, {"theta0": theta0, "lr": lr, "alpha": alpha, "grads": grads},
    )


def adam_step(rng: random.Random, difficulty: int) -> Draft:
    """The parameter after 1-3 Adam steps with bias correction."""
    lr = 0.1 if difficulty == 1 else rng.choice([0.1, 0.05, 0.01])
    theta0 = _theta0(rng, lr)
    betas = (0.9, 0.999) if difficulty < 3 else rng.choice([(0.9, 0.999), (0.8, 0.99), (0.5, 0.9)])
    steps = rng.randint(1, 2) if difficulty == 1 else 2 if difficulty == 2 else 3
    b1, b2 = betas
    while True:
        grads = _grads(rng, steps, difficulty)
        trace = optim.adam(theta0, grads, lr=lr, betas=betas)
        if _moves(theta0, trace):
            break
    end = trace[-1].value
    lines_zh = [f"PyTorch Adam：$m_t = \\beta_1 m_{{t-1}} + (1-\\beta_1) g_t$，$v_t = \\beta_2 v_{{t-1}} + (1-\\beta_2) g_t^2$，"
                f"$\\hat m_t = \\frac{{m_t}}{{1-\\beta_1^t}}$，$\\hat v_t = \\frac{{v_t}}{{1-\\beta_2^t}}$，$\\theta_t = \\theta_{{t-1}} - \\text{{lr}}\\,\\frac{{\\hat m_t}}{{\\sqrt{{\\hat v_t}} + \\epsilon}}$，"
                f"$\\beta_1 = {num(b1)}$，$\\beta_2 = {num(b2)}$，$\\epsilon = 10^{{-8}}$ 可忽略。"]
    lines_en = [f"PyTorch Adam: $m_t = \\beta_1 m_{{t-1}} + (1-\\beta_1) g_t$, $v_t = \\beta_2 v_{{t-1}} + (1-\\beta_2) g_t^2$, "
                f"$\\hat m_t = \\frac{{m_t}}{{1-\\beta_1^t}}$, $\\hat v_t = \\frac{{v_t}}{{1-\\beta_2^t}}$, $\\theta_t = \\theta_{{t-1}} - \\text{{lr}}\\,\\frac{{\\hat m_t}}{{\\sqrt{{\\hat v_t}} + \\epsilon}}$ "
                f"with $\\beta_1 = {num(b1)}$, $\\beta_2 = {num(b2)}$ and a negligible $\\epsilon = 10^{{-8}}$."]
    theta = theta0
    for t, step in enumerate(trace, start=1):
        m, v = float(step.state["exp_avg"]), float(step.state["exp_avg_sq"])
        mh, vh = m / (1 - b1**t), v / (1 - b2**t)
        line = (f"$t={t}$: $m_{t} = {num(m, _F)}$, $v_{t} = {num(v, _F)}$, $\\hat m_{t} = {num(mh, _F)}$, $\\hat v_{t} = {num(vh, _F)}$, "
                f"$\\theta_{t} = {_n(theta)} - {num(lr)} \\times \\frac{{{num(mh, _F)}}}{{\\sqrt{{{num(vh, _F)}}}}} = {_n(step.value)}$")
        lines_zh.append(line + "。")
        lines_en.append(line + ".")
        theta = step.value
    if steps == 1:
        lines_zh.append("第一步的步长就是 $\\text{lr}$：$\\hat m_1 / \\sqrt{\\hat v_1} = g_1/|g_1| = \\pm 1$。")
        lines_en.append("The first step has length $\\text{lr}$: $\\hat m_1 / \\sqrt{\\hat v_1} = g_1/|g_1| = \\pm 1$.")

    def variant(correct_m: bool, correct_v: bool, root: bool) -> float:
        mv = [0.0, 0.0]

        def delta(g: float, t: int) -> float:
            mv[0] = b1 * mv[0] + (1 - b1) * g
            mv[1] = b2 * mv[1] + (1 - b2) * g * g
            mh = mv[0] / (1 - b1**t) if correct_m else mv[0]
            vh = mv[1] / (1 - b2**t) if correct_v else mv[1]
            return lr * mh / ((math.sqrt(vh) if root else vh) + 1e-8)

        return _walk(theta0, grads, delta)

    cands = [
        mis("no-bias-correction", optim.adam(theta0, grads, lr=lr, betas=betas, bias_correction=False)[-1].value, "忘了偏差修正：$m_t, v_t$ 从 0 开始，要除以 $1-\\beta_1^t$ 和 $1-\\beta_2^t$。", "You skipped the bias correction: $m_t$ and $v_t$ start at 0 and must be divided by $1-\\beta_1^t$ and $1-\\beta_2^t$."),
        mis("divided-by-v-hat", variant(True, True, False), "除的是 $\\sqrt{\\hat v_t}$，不是 $\\hat v_t$：这样更新量与梯度尺度无关。", "Divide by $\\sqrt{\\hat v_t}$, not $\\hat v_t$: that makes the step independent of the gradient's scale."),
        mis("only-m-corrected", variant(True, False, True), "$v_t$ 也要修正：$\\hat v_t = v_t/(1-\\beta_2^t)$。", "Correct $v_t$ too: $\\hat v_t = v_t/(1-\\beta_2^t)$."),
        mis("plain-sgd", optim.sgd(theta0, grads, lr=lr)[-1].value, "这是普通 SGD $\\theta - \\text{lr}\\sum g_t$；Adam 用 $\\hat m/\\sqrt{\\hat v}$ 归一化了梯度。", "That is plain SGD; Adam normalizes by $\\hat m / \\sqrt{\\hat v}$."),
        _wrong_sign(theta0, end),
    ]
    given = _given(grads)
    call = f"torch.optim.Adam([theta], lr={num(lr)}" + (")" if betas == (0.9, 0.999) else f", betas=({num(b1)}, {num(b2)}))")
    return _draft(
        f"标量参数 $\\theta_0 = {num(theta0)}$，优化器 `{call}`（eps=1e-8）。各步梯度为 ${given}$。求 $\\theta_{{{steps}}}$。",
        f"A scalar parameter starts at $\\theta_0 = {num(theta0)}$ with `{call}` (eps 1e-8). The gradients are ${given}$. What is $\\theta_{{{steps}}}$?",
        lines_zh, lines_en, theta0, end, cands, {"theta0": theta0, "lr": lr, "betas": list(betas), "grads": grads},
    )
