"""Exercises on vector norms (L0, L1, L2, L-infinity) and the Frobenius norm of a matrix."""

from __future__ import annotations

import math
import random

from quizzer.compute import norms
from quizzer.exercises._drafting import exact, finish, mis, num, real, seq, signed
from quizzer.exercises.types import Draft

__all__ = ["frobenius", "vector"]

_ORDS = ("0", "1", "2", "inf")
_NAMES = {
    "0": (r"$L^0$“范数” $\|x\|_0$", r"$L^0$ “norm” $\|x\|_0$"),
    "1": (r"$L^1$ 范数 $\|x\|_1$", r"$L^1$ norm $\|x\|_1$"),
    "2": (r"$L^2$ 范数 $\|x\|_2$", r"$L^2$ norm $\|x\|_2$"),
    "inf": (r"$L^\infty$ 范数（最大范数）$\|x\|_\infty$", r"$L^\infty$ norm (max norm) $\|x\|_\infty$"),
}


def _entry(rng: random.Random, difficulty: int) -> float | int:
    if difficulty < 3:
        return rng.choice([v for v in range(-9, 10) if v != 0])
    return rng.choice([v for v in range(-99, 100) if v % 10 != 0]) / 10


def _vector(rng: random.Random, difficulty: int, ord_: str) -> list:
    n = rng.randint(3, 4) if difficulty == 1 else rng.randint(4, 6) if difficulty == 2 else rng.randint(5, 7)
    while True:
        x = [_entry(rng, difficulty) for _ in range(n)]
        zeros = rng.randint(1, n - 2) if ord_ == "0" else rng.choice([0, 0, 1])
        for i in rng.sample(range(n), zeros):
            x[i] = 0
        absx = [abs(v) for v in x]
        top = max(absx)
        if ord_ == "inf" and absx.count(top) > 1:
            continue  # one clear largest entry
        if ord_ == "inf" and rng.random() < 0.7 and x[absx.index(top)] > 0:
            x[absx.index(top)] = -x[absx.index(top)]  # usually the largest |x_i| is negative
        if any(v < 0 for v in x) and any(v > 0 for v in x):
            return x


def vector(rng: random.Random, difficulty: int) -> Draft:
    """An L0, L1, L2 or L-infinity norm of a short vector."""
    ord_ = rng.choice(_ORDS)
    x = _vector(rng, difficulty, ord_)
    torch_ord = math.inf if ord_ == "inf" else int(ord_)
    value = norms.vector_norm(x, torch_ord)
    is_int = all(isinstance(v, int) for v in x)
    xs = seq(x)
    name_zh, name_en = _NAMES[ord_]
    l1 = norms.vector_norm(x, 1)
    l2 = norms.vector_norm(x, 2)
    sumsq = sum(v * v for v in x)
    terms_abs = " + ".join(num(abs(v)) for v in x)
    terms_sq = " + ".join(f"{signed(v)}^2" for v in x)
    if ord_ == "0":
        answer = exact(int(value))
        zeros = sum(1 for v in x if v == 0)
        step_zh = f"$\\|x\\|_0$ 数的是非零元素的个数：{len(x)} 个元素中有 {zeros} 个为 0，所以 $\\|x\\|_0 = {len(x)} - {zeros} = {int(value)}$。它不是真正的范数（不满足 $\\|\\alpha x\\| = |\\alpha|\\,\\|x\\|$）。"
        step_en = f"$\\|x\\|_0$ counts the nonzero entries: $x$ has {len(x)} entries and {zeros} of them are zero, so $\\|x\\|_0 = {len(x)} - {zeros} = {int(value)}$. It is not a true norm (scaling $x$ does not scale it)."
        cands = [
            mis("counted-all-entries", len(x), "把所有元素（包括 0）都数进去了；$L^0$ 只数非零元素。", "You counted every entry, zeros included; L0 counts only the nonzero ones."),
            mis("counted-zeros", zeros, "数成了零元素的个数；$L^0$ 数的是非零元素。", "You counted the zeros; L0 counts the nonzero entries."),
        ]
        if is_int:
            cands.append(mis("gave-l1", int(l1), "这是 $L^1$ 范数（绝对值之和），不是非零元素个数。", "That is the L1 norm (sum of absolute values), not the count of nonzeros."))
    elif ord_ == "1":
        answer = exact(int(value)) if is_int else real(value, rel_tol=1e-3)
        step_zh = f"$\\|x\\|_1 = \\sum_i |x_i| = {terms_abs} = {num(value, 6)}$。"
        step_en = f"$\\|x\\|_1 = \\sum_i |x_i| = {terms_abs} = {num(value, 6)}$."
        plain = sum(x)
        cands = [
            mis("forgot-abs", int(plain) if is_int else plain, "忘了取绝对值：$L^1$ 范数是 $\\sum_i |x_i|$，负数也要按正数加。", "You forgot the absolute values: the L1 norm adds $|x_i|$, so negative entries count positively."),
        ]
        if not is_int:
            cands.append(mis("gave-l2", l2, "这是 $L^2$ 范数；$L^1$ 是绝对值之和，不平方也不开方。", "That is the L2 norm; L1 just adds absolute values, no squares or root."))
    elif ord_ == "2":
        answer = real(value)
        step_zh = f"$\\|x\\|_2 = \\sqrt{{\\sum_i x_i^2}} = \\sqrt{{{terms_sq}}} = \\sqrt{{{num(sumsq, 8)}}} \\approx {num(value)}$。"
        step_en = f"$\\|x\\|_2 = \\sqrt{{\\sum_i x_i^2}} = \\sqrt{{{terms_sq}}} = \\sqrt{{{num(sumsq, 8)}}} \\approx {num(value)}$."
        cands = [
            mis("forgot-sqrt", sumsq, "这是平方和 $\\|x\\|_2^2$，还要开平方。", "That is the squared norm $\\|x\\|_2^2$; take the square root."),
            mis("gave-l1", l1, "这是 $L^1$ 范数（绝对值之和）；$L^2$ 是平方和的平方根。", "That is the L1 norm (sum of absolute values); L2 is the root of the sum of squares."),
        ]
    else:
        answer = exact(int(value)) if is_int else real(value, rel_tol=1e-3)
        step_zh = f"$\\|x\\|_\\infty = \\max_i |x_i| = \\max({terms_abs.replace(' + ', ', ')}) = {num(value, 6)}$。"
        step_en = f"$\\|x\\|_\\infty = \\max_i |x_i| = \\max({terms_abs.replace(' + ', ', ')}) = {num(value, 6)}$."
        top = max(x)
        cands = [
            mis("max-without-abs", int(top) if is_int else top, "取了最大的元素而不是最大的绝对值；负数的绝对值可能更大。", "You took the largest entry, not the largest absolute value; a negative entry can be larger in magnitude."),
            mis("gave-l1", int(l1) if is_int else l1, "这是 $L^1$ 范数；$L^\\infty$ 只取绝对值最大的那个元素。", "That is the L1 norm; L-infinity keeps only the entry largest in absolute value."),
        ]
    prompt_zh = f"设向量 $x = {xs}$。求它的{name_zh}。"
    prompt_en = f"Let $x = {xs}$. Compute its {name_en}."
    return Draft(
        prompt_zh=prompt_zh,
        prompt_en=prompt_en,
        solution_zh=step_zh + f"\n\n答案：${num(answer.value, 6)}$。",
        solution_en=step_en + f"\n\nAnswer: ${num(answer.value, 6)}$.",
        answer=answer,
        misconceptions=finish(answer, cands),
        params={"x": x, "ord": ord_},
    )


def _matrix(rng: random.Random, difficulty: int) -> list[list]:
    shape = (2, 2) if difficulty == 1 else rng.choice([(2, 3), (3, 2), (3, 3)]) if difficulty == 2 else rng.choice([(3, 3), (3, 4), (4, 3)])
    while True:
        a = [[_entry(rng, difficulty) for _ in range(shape[1])] for _ in range(shape[0])]
        if difficulty > 1:
            for _ in range(rng.randint(0, 2)):
                a[rng.randrange(shape[0])][rng.randrange(shape[1])] = 0
        flat = [v for row in a for v in row]
        if any(v < 0 for v in flat) and sum(1 for v in flat if v != 0) >= 3 and len({abs(v) for v in flat}) >= 3:
            return a


def _latex_matrix(a: list[list]) -> str:
    rows = r" \\ ".join(" & ".join(num(v) for v in row) for row in a)
    return r"\begin{pmatrix} " + rows + r" \end{pmatrix}"


def frobenius(rng: random.Random, difficulty: int) -> Draft:
    """The Frobenius norm of a small matrix."""
    a = _matrix(rng, difficulty)
    value = norms.frobenius_norm(a)
    flat = [v for row in a for v in row]
    sumsq = sum(v * v for v in flat)
    terms = " + ".join(f"{signed(v)}^2" for v in flat)
    answer = real(value)
    cands = [
        mis("forgot-sqrt", sumsq, "这是元素平方和 $\\|A\\|_F^2$，还要开平方。", "That is the sum of squares $\\|A\\|_F^2$; take the square root."),
        mis("entrywise-l1", sum(abs(v) for v in flat), "这是元素绝对值之和；Frobenius 范数是平方和的平方根。", "That is the sum of absolute entries; the Frobenius norm is the root of the sum of squares."),
        mis("spectral-norm", norms.matrix_norm(a, 2), "这是谱范数（最大奇异值 $\\sigma_1$）；Frobenius 范数是 $\\sqrt{\\sum_i \\sigma_i^2}$。", "That is the spectral norm (largest singular value); Frobenius is $\\sqrt{\\sum_i \\sigma_i^2}$, over all entries."),
        mis("max-abs-entry", max(abs(v) for v in flat), "只取了绝对值最大的元素；Frobenius 范数用到所有元素。", "You took the largest entry; the Frobenius norm uses every entry."),
    ]
    mat = _latex_matrix(a)
    return Draft(
        prompt_zh=f"设矩阵 $A = {mat}$。求它的 Frobenius 范数 $\\|A\\|_F$。",
        prompt_en=f"Let $A = {mat}$. Compute its Frobenius norm $\\|A\\|_F$.",
        solution_zh=(
            f"Frobenius 范数把矩阵当成一个长向量取 $L^2$ 范数：$\\|A\\|_F = \\sqrt{{\\sum_{{i,j}} A_{{ij}}^2}}$。\n\n"
            f"$\\|A\\|_F = \\sqrt{{{terms}}} = \\sqrt{{{num(sumsq, 8)}}} \\approx {num(value)}$。\n\n答案：${num(value)}$。"
        ),
        solution_en=(
            f"The Frobenius norm is the L2 norm of the matrix viewed as one long vector: $\\|A\\|_F = \\sqrt{{\\sum_{{i,j}} A_{{ij}}^2}}$.\n\n"
            f"$\\|A\\|_F = \\sqrt{{{terms}}} = \\sqrt{{{num(sumsq, 8)}}} \\approx {num(value)}$.\n\nAnswer: ${num(value)}$."
        ),
        answer=answer,
        misconceptions=finish(answer, cands),
        params={"A": a},
    )
