"""Exercises on entropy, cross-entropy and KL divergence of small discrete distributions.

Distributions are given in whole percentages so that they sum to exactly 1, and the base of the
logarithm is always stated (bits or nats): mixing the two up is the commonest slip, and one of
the diagnosed misconceptions.  Answers come from ``quizzer.compute.information``.
"""

from __future__ import annotations

import math
import random

from quizzer.compute import information as info
from quizzer.exercises._drafting import finish, mis, num, real, seq
from quizzer.exercises.types import Draft

__all__ = ["cross_entropy", "entropy", "kl_divergence"]

_DYADIC = ((0.5, 0.5), (0.5, 0.25, 0.25), (0.25, 0.25, 0.25, 0.25), (0.5, 0.25, 0.125, 0.125), (0.75, 0.25))


def _percent(rng: random.Random, n: int, step: int, zeros: int = 0) -> list[float]:
    """``n`` probabilities in multiples of ``step`` percent, ``zeros`` of them exactly 0, the rest >= step."""
    live = n - zeros
    while True:
        cuts = sorted(rng.sample(range(1, 100 // step), live - 1))
        parts = [b - a for a, b in zip([0] + cuts, cuts + [100 // step], strict=True)]
        if len(set(parts)) > 1 or live == 1:
            break
    values = [p * step / 100 for p in parts] + [0.0] * zeros
    rng.shuffle(values)
    return values


def _unit(base: float | None) -> tuple[str, str, str]:
    """(log symbol, unit zh, unit en)."""
    return ("\\log_2", "比特", "bits") if base == 2 else ("\\ln", "奈特", "nats")


def _other_base(value_nats_or_bits: float, base: float | None) -> float:
    return value_nats_or_bits * math.log(2) if base == 2 else value_nats_or_bits / math.log(2)


def _base_mistake(value: float, base: float | None) -> object:
    name = "used-nats" if base == 2 else "used-bits"
    zh = "用了自然对数（奈特），题目要比特：除以 $\\ln 2$。" if base == 2 else "用了以 2 为底的对数（比特），题目要自然对数（奈特）。"
    en = ("You used the natural log (nats); the question asks for bits: divide by $\\ln 2$." if base == 2
          else "You used log base 2 (bits); the question asks for the natural log (nats).")
    return mis(name, _other_base(value, base), zh, en)


def _log(x: float, base: float | None) -> float:
    return math.log(x, 2) if base == 2 else math.log(x)


def _terms(p: list[float], q: list[float], base: float | None, ratio: bool = False) -> tuple[str, str]:
    """``p_i log(q_i)`` (or ``p_i log(p_i/q_i)``) terms, written out and evaluated; zero-p terms drop."""
    lg = _unit(base)[0]
    written, values = [], []
    for a, b in zip(p, q, strict=True):
        if a == 0:
            continue
        arg = f"\\frac{{{num(a)}}}{{{num(b)}}}" if ratio else num(b)
        written.append(f"{num(a)}\\,{lg} {arg}")
        values.append(num(a * _log(a / b if ratio else b, base), 5))
    return " + ".join(written), " + ".join(f"({v})" if v.startswith("-") else v for v in values)


def _draft(prompt, solution, value, cands, params) -> Draft:
    answer = real(value)
    return Draft(prompt_zh=prompt[0], prompt_en=prompt[1], solution_zh=f"{solution[0]}\n\n答案：${num(value)}$。",
                 solution_en=f"{solution[1]}\n\nAnswer: ${num(value)}$.", answer=answer,
                 misconceptions=finish(answer, cands), params=params)


def entropy(rng: random.Random, difficulty: int) -> Draft:
    """Entropy of a small distribution, in bits or nats."""
    if difficulty == 1:
        p, base = list(rng.choice(_DYADIC)), 2
    elif difficulty == 2:
        p, base = _percent(rng, rng.choice((3, 4)), 10), rng.choice((2, None))
    else:
        p, base = _percent(rng, rng.choice((4, 5)), 5, zeros=1), rng.choice((2, None))
    h = info.entropy(p, base=base)
    lg, unit_zh, unit_en = _unit(base)
    live = [a for a in p if a > 0]
    cands = [
        _base_mistake(h, base),
        mis("log10", info.entropy(p, base=10), "用了以 10 为底的对数。", "You used log base 10."),
        mis("forgot-minus", -h, "漏了负号：$\\log p_i \\le 0$，熵 $H = -\\sum p_i \\log p_i \\ge 0$。",
            "You dropped the minus sign: $\\log p_i \\le 0$, so $H = -\\sum p_i \\log p_i \\ge 0$."),
        mis("uniform-log-n", _log(len(p), base), "用了 $\\log n$：那是均匀分布的熵（上界），这里的分布不均匀。",
            "You used $\\log n$, the entropy of the uniform distribution (the maximum); this one is not uniform."),
        mis("forgot-weights", -sum(_log(a, base) for a in live), "忘了用 $p_i$ 加权：熵是 $-\\log p_i$ 的期望。",
            "You forgot to weight by $p_i$: entropy is the expectation of $-\\log p_i$."),
    ]
    written, values = _terms(p, p, base)
    prompt = (f"离散分布 $P = {seq(p)}$。求它的熵 $H(P)$，单位为{unit_zh}（${lg}$）。",
              f"A discrete distribution is $P = {seq(p)}$. Compute its entropy $H(P)$ in {unit_en} (${lg}$).")
    zero = any(a == 0 for a in p)
    zh = [f"$H(P) = -\\sum_i p_i {lg} p_i$" + ("，约定 $0\\log 0 = 0$（概率为 0 的结果不贡献）" if zero else "") + "。",
          f"$H = -({written}) = -({values}) \\approx {num(h)}$ {unit_zh}"]
    en = [f"$H(P) = -\\sum_i p_i {lg} p_i$" + (", with $0\\log 0 = 0$ (impossible outcomes contribute nothing)" if zero else "") + ".",
          f"$H = -({written}) = -({values}) \\approx {num(h)}$ {unit_en}"]
    return _draft(prompt, ("\n\n".join(zh), "\n\n".join(en)), h, cands, {"p": p, "base": base})


def _pair(rng: random.Random, difficulty: int) -> tuple[list[float], list[float], float | None]:
    if difficulty == 1:
        q = _percent(rng, 3, 10)
        p = [0.0] * 3
        p[rng.randrange(3)] = 1.0
        return p, q, None
    while True:
        if difficulty == 2:
            n = rng.choice((2, 3))
            p, q, base = _percent(rng, n, 10), _percent(rng, n, 10), rng.choice((2, None))
        else:
            n = rng.choice((4, 5))
            p, q, base = _percent(rng, n, 5, zeros=1), _percent(rng, n, 5), rng.choice((2, None))
        if p != q:
            return p, q, base


def cross_entropy(rng: random.Random, difficulty: int) -> Draft:
    """Cross-entropy H(P, Q) = -sum p log q; at difficulty 1 the one-hot classification loss."""
    p, q, base = _pair(rng, difficulty)
    value = info.cross_entropy(p, q, base=base)
    lg, unit_zh, unit_en = _unit(base)
    swapped = info.cross_entropy(q, p, base=base)
    cands = [
        mis("swapped-p-q", swapped, "把 $P$ 和 $Q$ 颠倒了：$H(P, Q) = -\\sum p_i \\log q_i$，期望在真实分布 $P$ 下取。",
            "You swapped $P$ and $Q$: $H(P, Q) = -\\sum p_i \\log q_i$, an expectation under the true $P$."),
        mis("gave-entropy", info.entropy(p, base=base), "这是 $H(P)$；交叉熵还要加上 $D_{KL}(P\\|Q)$。",
            "That is $H(P)$; cross-entropy adds $D_{KL}(P\\|Q)$ to it."),
        mis("gave-kl", info.kl_divergence(p, q, base=base), "这是 KL 散度；交叉熵 $= H(P) + D_{KL}(P\\|Q)$。",
            "That is the KL divergence; cross-entropy is $H(P) + D_{KL}(P\\|Q)$."),
        _base_mistake(value, base),
        mis("forgot-minus", -value, "漏了负号：交叉熵非负。", "You dropped the minus sign: cross-entropy is non-negative."),
    ]
    written, values = _terms(p, q, base)
    if difficulty == 1:
        c = p.index(1.0)
        prompt = (f"三分类问题，真实类别是第 {c + 1} 类（one-hot 标签 $P = {seq(p)}$），模型输出概率 $Q = {seq(q)}$。"
                  "求交叉熵损失 $H(P, Q)$（自然对数）。",
                  f"In a 3-class problem the true class is class {c + 1} (one-hot label $P = {seq(p)}$) and the model outputs "
                  f"$Q = {seq(q)}$. Compute the cross-entropy loss $H(P, Q)$ (natural log).")
        zh = [f"one-hot 标签只保留真实类别那一项：$H(P, Q) = -\\ln q_{c + 1} = -\\ln {num(q[c])} \\approx {num(value)}$ 奈特"]
        en = [f"A one-hot label keeps only the true class: $H(P, Q) = -\\ln q_{c + 1} = -\\ln {num(q[c])} \\approx {num(value)}$ nats"]
    else:
        prompt = (f"设 $P = {seq(p)}$，$Q = {seq(q)}$。求交叉熵 $H(P, Q)$，单位为{unit_zh}（${lg}$）。",
                  f"Let $P = {seq(p)}$ and $Q = {seq(q)}$. Compute the cross-entropy $H(P, Q)$ in {unit_en} (${lg}$).")
        zh = [f"$H(P, Q) = -\\sum_i p_i {lg} q_i$，$p_i = 0$ 的项为 0。", f"$H = -({written}) = -({values}) \\approx {num(value)}$ {unit_zh}"]
        en = [f"$H(P, Q) = -\\sum_i p_i {lg} q_i$; terms with $p_i = 0$ vanish.",
              f"$H = -({written}) = -({values}) \\approx {num(value)}$ {unit_en}"]
    return _draft(prompt, ("\n\n".join(zh), "\n\n".join(en)), value, cands, {"p": p, "q": q, "base": base})


def kl_divergence(rng: random.Random, difficulty: int) -> Draft:
    """KL divergence D_KL(P || Q)."""
    if difficulty == 1:
        while True:
            a, b = rng.choice((10, 20, 30, 40, 50)), rng.choice((10, 20, 30, 40, 50, 60, 70, 80, 90))
            if a != b:
                break
        p, q, base = [a / 100, (100 - a) / 100], [b / 100, (100 - b) / 100], rng.choice((2, None))
    else:
        p, q, base = _pair(rng, difficulty)
    value = info.kl_divergence(p, q, base=base)
    lg, unit_zh, unit_en = _unit(base)
    cands = [
        mis("swapped-p-q", info.kl_divergence(q, p, base=base), "把 $P$ 和 $Q$ 颠倒了：KL 散度不对称，$D_{KL}(P\\|Q) = \\sum p_i \\log(p_i/q_i)$。",
            "You swapped $P$ and $Q$: KL is not symmetric; $D_{KL}(P\\|Q) = \\sum p_i \\log(p_i/q_i)$."),
        mis("gave-cross-entropy", info.cross_entropy(p, q, base=base), "这是交叉熵 $H(P,Q)$；KL 还要减去 $H(P)$。",
            "That is the cross-entropy $H(P, Q)$; KL subtracts $H(P)$ from it."),
        _base_mistake(value, base),
        mis("inverted-ratio", -value, "比值写反了：是 $\\log(p_i/q_i)$，不是 $\\log(q_i/p_i)$；KL 散度总是 $\\ge 0$。",
            "The ratio is upside down: it is $\\log(p_i/q_i)$, not $\\log(q_i/p_i)$; KL is always $\\ge 0$."),
    ]
    written, values = _terms(p, q, base, ratio=True)
    prompt = (f"设 $P = {seq(p)}$，$Q = {seq(q)}$。求 $D_{{KL}}(P\\,\\|\\,Q)$，单位为{unit_zh}（${lg}$）。",
              f"Let $P = {seq(p)}$ and $Q = {seq(q)}$. Compute $D_{{KL}}(P\\,\\|\\,Q)$ in {unit_en} (${lg}$).")
    zh = [f"$D_{{KL}}(P\\|Q) = \\sum_i p_i {lg}\\frac{{p_i}}{{q_i}}$，期望在 $P$ 下取，$p_i = 0$ 的项为 0。",
          f"$D = {written} = {values} \\approx {num(value)}$ {unit_zh}"]
    en = [f"$D_{{KL}}(P\\|Q) = \\sum_i p_i {lg}\\frac{{p_i}}{{q_i}}$, an expectation under $P$; terms with $p_i = 0$ vanish.",
          f"$D = {written} = {values} \\approx {num(value)}$ {unit_en}"]
    return _draft(prompt, ("\n\n".join(zh), "\n\n".join(en)), value, cands, {"p": p, "q": q, "base": base})
