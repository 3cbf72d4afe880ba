"""Exercise on bootstrap samples: the expected share of distinct examples (about 63%)."""

from __future__ import annotations

import math
import random

from quizzer.compute import bagging
from quizzer.exercises._drafting import finish, mis, num, real
from quizzer.exercises.types import Draft

__all__ = ["unique_share"]


def unique_share(rng: random.Random, difficulty: int) -> Draft:
    """Expected share of a data set's examples that a bootstrap sample contains at least once."""
    if difficulty == 1:
        n = rng.choice([2, 3, 4, 5, 10])
        m = n
    elif difficulty == 2:
        n = rng.choice([10, 20, 50, 100, 1000, 10**6])
        m = n
    else:
        n = rng.choice([100, 1000, 10000])
        m = int(n * rng.choice([0.25, 0.5, 2, 3]))
    share = bagging.unique_share(n, m)
    left = bagging.prob_left_out(n, m)
    answer = real(share)
    cands = [
        mis("gave-out-of-bag-share", left, "这是某个样本一次都没被抽中的概率（袋外比例）；问的是至少出现一次的比例 $1 - (1-1/n)^m$。", "That is the chance an example is never drawn (the out-of-bag share); the question asks for the share drawn at least once, $1 - (1-1/n)^m$."),
        mis("one-over-e", 1 / math.e, "$1/e \\approx 0.368$ 是大 $n$ 时袋外的比例；出现过的比例约为 $1 - 1/e \\approx 0.632$。", "$1/e \\approx 0.368$ is the out-of-bag share for large $n$; the share that appears is about $1 - 1/e \\approx 0.632$."),
        mis("used-limit", bagging.UNIQUE_SHARE_LIMIT, f"$1 - 1/e$ 只是 $n \\to \\infty$ 的极限；$n = {n}$ 时要用 $1 - (1-1/n)^m$ 精确计算。", f"$1 - 1/e$ is only the limit as $n \\to \\infty$; for $n = {n}$ use $1 - (1-1/n)^m$ exactly."),
        mis("no-duplicates", min(m, n) / n, "有放回抽样会重复抽到同一个样本，所以不同样本的比例小于 $m/n$。", "Sampling with replacement draws some examples more than once, so the distinct share is below $m/n$."),
        mis("one-minus-one-over-n", 1 - 1 / n, "$1 - 1/n$ 是一次抽取不中的概率；要对 $m$ 次抽取取幂：$(1-1/n)^m$。", "$1 - 1/n$ is the chance one draw misses an example; raise it to the $m$ draws: $(1-1/n)^m$."),
    ]
    if m == n:
        sample_zh, sample_en = f"同样大小（$m = n = {n}$）", f"of the same size ($m = n = {n}$)"
    else:
        sample_zh, sample_en = f"大小为 $m = {m}$", f"of size $m = {m}$"
    formula = f"1 - \\left(1 - \\frac{{1}}{{{n}}}\\right)^{{{m}}}"
    limit_zh = f"（$n$ 很大时约为 $1 - e^{{-m/n}} = {num(-math.expm1(-m / n), 5)}$。）" if n >= 100 else ""
    limit_en = f" (For large $n$ this is about $1 - e^{{-m/n}} = {num(-math.expm1(-m / n), 5)}$.)" if n >= 100 else ""
    return Draft(
        prompt_zh=f"Bagging 从 $n = {n}$ 个训练样本中有放回地抽取一个{sample_zh}的自助样本。平均而言，原训练集中有多大比例的样本至少出现一次？（给出 0 到 1 之间的小数）",
        prompt_en=f"Bagging draws a bootstrap sample {sample_en} with replacement from $n = {n}$ training examples. On average, what fraction of the original examples appears in it at least once? (A number between 0 and 1.)",
        solution_zh=(f"某个样本在一次抽取中没被抽中的概率是 $1 - 1/n$，$m$ 次都没被抽中的概率是 $(1-1/n)^m = {num(left, 6)}$。"
                     f"由期望的线性性，出现过的样本比例为 ${formula} = {num(share, 6)}$。{limit_zh}\n\n答案：${num(share)}$。"),
        solution_en=(f"One draw misses a given example with probability $1 - 1/n$; all $m$ draws miss it with probability $(1-1/n)^m = {num(left, 6)}$. "
                     f"By linearity of expectation the share of examples that appear is ${formula} = {num(share, 6)}$.{limit_en}\n\nAnswer: ${num(share)}$."),
        answer=answer,
        misconceptions=finish(answer, cands),
        params={"n": n, "m": m},
    )
