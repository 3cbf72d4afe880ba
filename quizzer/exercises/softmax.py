"""Exercises on softmax, log-softmax and log-sum-exp, and on why the textbook formula fails.

The interview point behind all of them is the same: shift by the maximum before exponentiating.
Small logits are worked by hand; large ones (1000, 1002, ...) can only be worked the stable way,
which is the lesson.  Answers come from ``quizzer.compute.softmax``.
"""

from __future__ import annotations

import math
import random

from quizzer.compute import softmax as sm
from quizzer.exercises._drafting import finish, mis, num, real, seq
from quizzer.exercises.types import Draft, Expected, Rule

__all__ = ["log_softmax", "logsumexp", "naive_failure", "temperature", "value"]

ORDINAL_ZH = "一二三四五"
ORDINAL_EN = ("first", "second", "third", "fourth", "fifth")


def _logits(rng: random.Random, difficulty: int) -> list:
    """Distinct logits that a person can exponentiate with a calculator."""
    while True:
        if difficulty == 1:
            x = [rng.randint(-2, 4) for _ in range(3)]
        elif difficulty == 2:
            x = [rng.randint(-20, 30) / 10 for _ in range(4)]
        else:
            base = rng.choice((1000, -1000, 500, 100))
            x = [base + rng.randint(-3, 3) for _ in range(rng.choice((3, 4)))]
        if len(set(x)) == len(x):
            return x


def _work(x: list, t: float = 1.0) -> tuple[str, str, list[float], float]:
    """LaTeX for the shifted exponentials and their sum; returns (exps, sum, values, total)."""
    m = max(x)
    shifted = [(v - m) / t for v in x]
    exps = [math.exp(z) for z in shifted]
    total = sum(exps)
    parts = ", ".join(f"e^{{{num(z)}}} = {num(e, 5)}" for z, e in zip(shifted, exps, strict=True))
    return parts, " + ".join(num(e, 5) for e in exps) + f" = {num(total, 6)}", exps, total


def _question(rng: random.Random, difficulty: int, t: float = 1.0) -> tuple[list, int, float]:
    """Logits, the entry asked about, and its probability: never a near-certain or near-zero one."""
    while True:
        x = _logits(rng, difficulty)
        j = rng.randrange(len(x))
        p = float(sm.softmax([float(v) for v in x], temperature=t)[j])
        if 1e-3 <= p <= 0.999:
            return x, j, p


def _draft(prompt, solution, answer, cands, params, shown: str | None = None) -> Draft:
    if shown is None:
        shown = answer.value if isinstance(answer.value, str) else f"${num(answer.value)}$"
    return Draft(prompt_zh=prompt[0], prompt_en=prompt[1], solution_zh=f"{solution[0]}\n\n答案：{shown}。",
                 solution_en=f"{solution[1]}\n\nAnswer: {shown}.", answer=answer, misconceptions=finish(answer, cands),
                 params=params)


def value(rng: random.Random, difficulty: int) -> Draft:
    """One probability of softmax(x)."""
    x, j, p = _question(rng, difficulty)
    parts, total_tex, exps, total = _work(x)
    m = max(x)
    cands = [
        mis("forgot-exp", x[j] / sum(x) if all(v > 0 for v in x) else math.nan,
            "没有取指数：softmax 是 $e^{x_j}/\\sum_k e^{x_k}$，不是 $x_j/\\sum_k x_k$。",
            "You normalised without exponentiating: softmax is $e^{x_j}/\\sum_k e^{x_k}$, not $x_j/\\sum_k x_k$."),
        mis("forgot-normalize", exps[j], "只算了（平移后的）分子 $e^{x_j - m}$，还要除以所有项之和。",
            "You stopped at the (shifted) numerator $e^{x_j - m}$; divide by the sum of all terms."),
        mis("negated-logits", float(sm.softmax([-float(v) for v in x])[j]),
            "用了 $e^{-x}$：softmax 给大的 logit 更大的概率。", "You used $e^{-x}$: softmax gives larger logits larger probabilities."),
    ]
    k = ORDINAL_ZH[j], ORDINAL_EN[j]
    prompt = (f"设 logits $x = {seq(x)}$。求 $\\mathrm{{softmax}}(x)$ 的第{k[0]}个分量 $p_{j + 1}$。",
              f"Let the logits be $x = {seq(x)}$. Compute the {k[1]} entry $p_{j + 1}$ of $\\mathrm{{softmax}}(x)$.")
    zh = [f"先减去最大值 $m = {num(m)}$（softmax 对平移不变，这样不会溢出）：${parts}$。",
          f"分母 ${total_tex}$。", f"$p_{j + 1} = {num(exps[j], 5)} / {num(total, 6)} \\approx {num(p)}$"]
    en = [f"Subtract the maximum $m = {num(m)}$ first (softmax is shift-invariant, and nothing can overflow): ${parts}$.",
          f"Denominator: ${total_tex}$.", f"$p_{j + 1} = {num(exps[j], 5)} / {num(total, 6)} \\approx {num(p)}$"]
    return _draft(prompt, ("\n\n".join(zh), "\n\n".join(en)), real(p), cands, {"x": x, "index": j})


def temperature(rng: random.Random, difficulty: int) -> Draft:
    """One probability of softmax(x / T)."""
    t = rng.choice({1: (2, 0.5), 2: (0.5, 2, 5, 0.2), 3: (0.1, 0.3, 3, 10)}[difficulty])
    x, j, p = _question(rng, min(difficulty, 2), t)
    parts, total_tex, exps, total = _work(x, t)
    plain = sm.softmax([float(v) for v in x])
    powered = plain[j] ** (1 / t)
    cands = [
        mis("multiplied-by-t", float(sm.softmax([float(v) * t for v in x])[j]), "乘以了温度：应是 $x/T$，$T > 1$ 使分布更平坦。",
            "You multiplied by the temperature: it is $x/T$, and $T > 1$ flattens the distribution."),
        mis("ignored-temperature", float(plain[j]), "忽略了温度 $T$。", "You ignored the temperature $T$."),
        mis("powered-not-renormalized", float(powered), "把 $p_j^{1/T}$ 当成了答案，没有重新归一化。",
            "You raised $p_j$ to $1/T$ without renormalising."),
    ]
    prompt = (f"设 logits $x = {seq(x)}$，温度 $T = {num(t)}$。求 $\\mathrm{{softmax}}(x/T)$ 的第{ORDINAL_ZH[j]}个分量。",
              f"Let the logits be $x = {seq(x)}$ and the temperature $T = {num(t)}$. "
              f"Compute the {ORDINAL_EN[j]} entry of $\\mathrm{{softmax}}(x/T)$.")
    m = max(x)
    zh = [f"用 $(x_i - m)/T$，$m = {num(m)}$：${parts}$。", f"分母 ${total_tex}$。",
          f"$p_{j + 1} = {num(exps[j], 5)} / {num(total, 6)} \\approx {num(p)}$（$T {'<' if t < 1 else '>'} 1$ 使分布更{'尖锐' if t < 1 else '平坦'}）"]
    en = [f"Use $(x_i - m)/T$ with $m = {num(m)}$: ${parts}$.", f"Denominator: ${total_tex}$.",
          f"$p_{j + 1} = {num(exps[j], 5)} / {num(total, 6)} \\approx {num(p)}$ ($T {'<' if t < 1 else '>'} 1$ makes the "
          f"distribution {'sharper' if t < 1 else 'flatter'})"]
    return _draft(prompt, ("\n\n".join(zh), "\n\n".join(en)), real(p), cands, {"x": x, "index": j, "temperature": t})


def log_softmax(rng: random.Random, difficulty: int) -> Draft:
    """One entry of log_softmax(x), computed as x_j - logsumexp(x)."""
    x, j, _ = _question(rng, difficulty)
    v = float(sm.log_softmax([float(a) for a in x])[j])
    lse = float(sm.logsumexp([float(a) for a in x]))
    parts, total_tex, exps, total = _work(x)
    m = max(x)
    p = math.exp(v)
    cands = [
        mis("forgot-log-sum", float(x[j] - m), "只减了最大值，漏了 $-\\log\\sum_k e^{x_k - m}$ 这一项。",
            "You subtracted the maximum only; the term $-\\log\\sum_k e^{x_k - m}$ is missing."),
        mis("gave-softmax", p, "这是 softmax 概率本身，还要取自然对数。", "That is the softmax probability; take its natural log."),
        mis("log10", math.log10(p) if p > 0 else math.nan, "用了以 10 为底的对数；log-softmax 用自然对数。",
            "You used log base 10; log-softmax uses the natural log."),
        mis("sign-flipped", -v, "符号反了：概率不超过 1，所以 log-softmax 总是 $\\le 0$。",
            "Wrong sign: a probability is at most 1, so log-softmax is always $\\le 0$."),
    ]
    prompt = (f"设 $x = {seq(x)}$。求 $\\log\\mathrm{{softmax}}(x)$ 的第{ORDINAL_ZH[j]}个分量（自然对数）。",
              f"Let $x = {seq(x)}$. Compute the {ORDINAL_EN[j]} entry of $\\log\\mathrm{{softmax}}(x)$ (natural log).")
    zh = [f"$\\log\\mathrm{{softmax}}(x)_j = (x_j - m) - \\log\\sum_k e^{{x_k - m}}$，$m = {num(m)}$，从不计算 $\\log 0$。",
          f"${parts}$，和为 ${total_tex}$，$\\ln {num(total, 6)} = {num(lse - m, 5)}$。",
          f"$({num(x[j])} - {num(m)}) - {num(lse - m, 5)} \\approx {num(v)}$"]
    en = [f"$\\log\\mathrm{{softmax}}(x)_j = (x_j - m) - \\log\\sum_k e^{{x_k - m}}$ with $m = {num(m)}$, which never takes $\\log 0$.",
          f"${parts}$, summing to ${total_tex}$, and $\\ln {num(total, 6)} = {num(lse - m, 5)}$.",
          f"$({num(x[j])} - {num(m)}) - {num(lse - m, 5)} \\approx {num(v)}$"]
    return _draft(prompt, ("\n\n".join(zh), "\n\n".join(en)), real(v), cands, {"x": x, "index": j})


def logsumexp(rng: random.Random, difficulty: int) -> Draft:
    """log(sum(exp(x))) of a vector whose entries are too large to exponentiate directly."""
    while True:
        if difficulty == 1:
            x = [rng.randint(0, 5) for _ in range(3)]
        elif difficulty == 2:
            base = rng.choice((100, 1000, 500))
            x = [base + rng.randint(-3, 3) for _ in range(3)]
        else:
            base = rng.choice((-1000, 1000, -500, 800))
            x = [base + rng.randint(-30, 30) / 10 for _ in range(4)]
        if len(set(x)) == len(x):
            break
    value = float(sm.logsumexp([float(a) for a in x]))
    m = max(x)
    parts, total_tex, exps, total = _work(x)
    # Absolute tolerance: at 1000 the interesting part is the fraction, which a relative
    # tolerance of 1e-2 would not even look at.
    answer = Expected(value=value, rule=Rule.TOLERANCE, rel_tol=0.0, abs_tol=0.01,
                      format_hint_en="a number to 2 decimal places", format_hint_zh="保留两位小数")
    cands = [
        mis("max-only", float(m), "只取了最大值：$\\log\\sum e^{x}$ 比最大值还多 $\\log\\sum_k e^{x_k - m} > 0$。",
            "You took the maximum only: log-sum-exp exceeds it by $\\log\\sum_k e^{x_k - m} > 0$."),
        mis("forgot-add-back-max", value - m, "忘了把减去的最大值 $m$ 加回来：$\\mathrm{LSE}(x) = m + \\log\\sum_k e^{x_k - m}$。",
            "You forgot to add the maximum back: $\\mathrm{LSE}(x) = m + \\log\\sum_k e^{x_k - m}$."),
        mis("forgot-log", m + total, "忘了对和取对数：$m + \\log\\sum_k e^{x_k - m}$，不是 $m + \\sum_k e^{x_k - m}$。",
            "You forgot the log of the sum: $m + \\log\\sum_k e^{x_k - m}$, not $m + \\sum_k e^{x_k - m}$."),
        mis("log10", m + math.log10(total), "用了以 10 为底的对数；这里是自然对数。", "You used log base 10; this is the natural log."),
    ]
    prompt = (f"求 $\\log\\sum_k e^{{x_k}}$（自然对数），其中 $x = {seq(x)}$。保留两位小数。",
              f"Compute $\\log\\sum_k e^{{x_k}}$ (natural log) for $x = {seq(x)}$, to 2 decimal places.")
    zh = [f"提出最大值 $m = {num(m)}$：$\\log\\sum_k e^{{x_k}} = m + \\log\\sum_k e^{{x_k - m}}$（直接算 $e^{{{num(m)}}}$ 会溢出或下溢）。",
          f"${parts}$，和为 ${total_tex}$。", f"${num(m)} + \\ln {num(total, 6)} = {num(m)} + {num(value - m, 5)} \\approx {value:.4f}$"]
    en = [f"Factor out the maximum $m = {num(m)}$: $\\log\\sum_k e^{{x_k}} = m + \\log\\sum_k e^{{x_k - m}}$ "
          f"(computing $e^{{{num(m)}}}$ directly would overflow or underflow).",
          f"${parts}$, summing to ${total_tex}$.", f"${num(m)} + \\ln {num(total, 6)} = {num(m)} + {num(value - m, 5)} \\approx {value:.4f}$"]
    return _draft(prompt, ("\n\n".join(zh), "\n\n".join(en)), answer, cands, {"x": x}, shown=f"${value:.2f}$")


CHOICES = ("overflow|上溢|溢出", "underflow|下溢", "inaccurate|不准确|精度损失", "ok|正常|fine|没问题")
_LIMITS = {  # (overflow above, all-zero below), from the largest float and the smallest subnormal
    "float32": (88.72, -103.97),
    "float64": (709.78, -745.13),
}
_FEEDBACK = {
    "overflow": ("有 $e^{x_i}$（或它们的和）超过了最大浮点数，变成 inf，inf/inf 得到 nan。",
                 "Some $e^{x_i}$ (or their sum) exceeds the largest float and becomes inf; inf/inf is nan."),
    "underflow": ("所有 $e^{x_i}$ 都小到舍入成 0，结果是 0/0 = nan。", "Every $e^{x_i}$ rounds to 0, so the result is 0/0 = nan."),
    "inaccurate": ("没有 nan，但部分 $e^{x_i}$ 落入次正规数或变成 0，某些概率错得离谱。",
                   "No nan, but some $e^{x_i}$ fall into the subnormal range or to 0, so some probabilities are badly wrong."),
    "ok": ("所有 $e^{x_i}$ 及其和都在正常浮点范围内，直接公式没有问题。",
           "Every $e^{x_i}$ and their sum stay in the normal float range, so the direct formula is fine."),
}


def _failure_vector(rng: random.Random, difficulty: int, dtype: str, target: str) -> list[int]:
    hi, lo = _LIMITS[dtype]
    spread = rng.choice((5, 10, 20))
    if target == "overflow":
        top = rng.randint(int(hi) + 5, int(hi) * 2)
    elif target == "underflow":
        top = rng.randint(int(lo) * 2, int(lo) - 5)
    elif target == "inaccurate":
        top = rng.randint(int(lo) + 1, int(lo) + 12)
        spread = rng.choice((6, 8, 10))
    else:
        top = rng.randint(-int(hi) // 2, int(hi) - 10) if difficulty > 1 else rng.randint(-5, 10)
    return [top, top - rng.randint(1, spread), top - rng.randint(spread, 2 * spread)]


def naive_failure(rng: random.Random, difficulty: int) -> Draft:
    """What the direct formula exp(x)/sum(exp(x)) does in float32 or float64."""
    targets = ("overflow", "underflow", "ok") + (("inaccurate",) if difficulty == 3 else ())
    dtype = "float32" if difficulty == 1 else rng.choice(("float32", "float64"))
    target = rng.choice(targets)
    while True:
        x = _failure_vector(rng, difficulty, dtype, target)
        rng.shuffle(x)
        outcome = sm.naive_failure(x, dtype).failure.value
        if outcome == target:
            break
    answer = Expected(value=outcome, rule=Rule.CHOICE, choices=CHOICES,
                      format_hint_en="overflow, underflow, inaccurate or ok", format_hint_zh="上溢、下溢、不准确或正常")
    wrong = {
        "overflow": ("上溢只发生在很大的正数上：$e^{x}$ 超过最大浮点数。这里并没有。", "Overflow needs a large positive input, with $e^x$ beyond the largest float; not here."),
        "underflow": ("下溢（0/0）要求所有 $e^{x_i}$ 都舍入成 0。这里并非如此。", "Underflow (0/0) needs every $e^{x_i}$ to round to 0; not here."),
        "inaccurate": ("这里不是“悄悄算错”的情形。", "This is not the silently-wrong case."),
        "ok": ("直接公式在这里会出问题：" + _FEEDBACK[outcome][0], "The direct formula does fail here: " + _FEEDBACK[outcome][1]),
    }
    # The value is the whole choice entry, so a wrong answer typed as an alias (下溢) is diagnosed too.
    entry = {c.split("|")[0]: c for c in CHOICES}
    cands = [mis(f"said-{w}", entry[w], wrong[w][0] + " " + _FEEDBACK[outcome][0], wrong[w][1] + " " + _FEEDBACK[outcome][1])
             for w in ("overflow", "underflow", "inaccurate", "ok") if w != outcome and (w != "inaccurate" or difficulty == 3)]
    hi, lo = _LIMITS[dtype]
    if difficulty < 3:
        hint_zh = f"（{dtype} 中 $e^x$ 在 $x > {hi}$ 时上溢，在 $x < {lo}$ 时舍入为 0。）"
        hint_en = f"(In {dtype}, $e^x$ overflows for $x > {hi}$ and rounds to 0 for $x < {lo}$.)"
    else:
        big, tiny = ("3.4\\times10^{38}", "1.4\\times10^{-45}") if dtype == "float32" else ("1.8\\times10^{308}", "4.9\\times10^{-324}")
        hint_zh = f"（{dtype} 的最大值约 ${big}$，最小正次正规数约 ${tiny}$。）"
        hint_en = f"(The largest {dtype} is about ${big}$, the smallest positive subnormal about ${tiny}$.)"
    options_zh = "上溢（overflow）、下溢（underflow）、" + ("不准确（inaccurate，无 nan 但结果明显错误）、" if difficulty == 3 else "") + "或正常（ok）"
    options_en = "overflow, underflow, " + ("inaccurate (no nan, but visibly wrong), " if difficulty == 3 else "") + "or ok"
    prompt = (f"在 {dtype} 中直接按教科书公式 $e^{{x_i}}/\\sum_k e^{{x_k}}$（不减最大值）计算 $x = {seq(x)}$ 的 softmax，会发生什么？"
              f"回答{options_zh}。{hint_zh}",
              f"The textbook formula $e^{{x_i}}/\\sum_k e^{{x_k}}$ is evaluated directly (no max subtracted) in {dtype} for "
              f"$x = {seq(x)}$. What happens? Answer {options_en}. {hint_en}")
    m = max(x)
    zh = [f"最大项 $x = {m}$，最小项 $x = {min(x)}$；{dtype} 中 $e^x$ 的上溢界约 ${hi}$，全部舍入为 0 的界约 ${lo}$。",
          _FEEDBACK[outcome][0], f"稳定做法是先减去最大值：$x - m = {seq([v - m for v in x])}$，最大项变为 $e^0 = 1$。"]
    en = [f"The largest entry is ${m}$ and the smallest ${min(x)}$; in {dtype}, $e^x$ overflows above about ${hi}$ and "
          f"rounds to 0 below about ${lo}$.", _FEEDBACK[outcome][1],
          f"The stable way subtracts the maximum first: $x - m = {seq([v - m for v in x])}$, so the largest term is $e^0 = 1$."]
    return _draft(prompt, ("\n\n".join(zh), "\n\n".join(en)), answer, cands, {"x": x, "dtype": dtype})
