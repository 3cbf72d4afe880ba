"""Exercises on the perceptron: its run on a small data set, distances, margins and Novikoff's bound.

The data sets are tiny and integer so that a run can be traced by hand, which is how the
algorithm is understood; the hyperplanes mostly have whole-number norms (3-4-5, 1-2-2) so that
distances come out clean.  The mistake-bound exercise covers both ways the bound is written,
``(R/gamma)^2`` with the margin and ``4R^2/gamma^2`` with the width of the gap (the lecture-notes
form).  Answers come from ``quizzer.compute.perceptron``.
"""

from __future__ import annotations

import math
import random

from quizzer.compute import perceptron as pc
from quizzer.exercises._drafting import exact, finish, mis, num, real, seq
from quizzer.exercises.types import Draft

__all__ = ["distance", "margin", "mistake_bound", "train"]

_NICE = {2: ((3, 4), (4, 3), (6, 8), (5, 12), (8, 6), (-3, 4), (4, -3)),
         3: ((1, 2, 2), (2, 3, 6), (2, 6, 9), (4, 4, 7), (1, 4, 8), (2, -1, 2), (-2, 3, 6))}
_PLAIN = {2: ((1, 2), (2, -1), (1, 1), (3, 1), (1, -3)), 3: ((1, 1, 1), (2, -1, 3), (1, 2, 3))}


def _hyperplane(rng: random.Random, difficulty: int) -> tuple[tuple[int, ...], int]:
    dim = 2 if difficulty == 1 else rng.choice((2, 3))
    w = rng.choice(_PLAIN[dim] if difficulty == 3 else _NICE[dim])
    return w, rng.choice([b for b in range(-6, 7) if b])


def _norm_tex(w) -> tuple[str, float]:
    sq = sum(v * v for v in w)
    root = math.isqrt(sq)
    n = math.sqrt(sq)
    terms = " + ".join(f"{v}^2" if v >= 0 else f"({v})^2" for v in w)
    return (f"\\sqrt{{{terms}}} = {root}" if root * root == sq else f"\\sqrt{{{terms}}} = \\sqrt{{{sq}}} \\approx {num(n)}"), n


def _dot_tex(w, x, b: float = 0) -> str:
    s = " + ".join(f"{a}\\cdot {v}" if v >= 0 else f"{a}\\cdot({v})" for a, v in zip(w, x, strict=True))
    return s + (f" + {b}" if b > 0 else f" - {-b}" if b < 0 else "")


def _draft(prompt, solution, answer, cands, params) -> Draft:
    shown = num(answer.value)
    return Draft(prompt_zh=prompt[0], prompt_en=prompt[1], solution_zh=f"{solution[0]}\n\n答案：${shown}$。",
                 solution_en=f"{solution[1]}\n\nAnswer: ${shown}$.", answer=answer, misconceptions=finish(answer, cands),
                 params=params)


def distance(rng: random.Random, difficulty: int) -> Draft:
    """Distance from a point to the hyperplane w . x + b = 0."""
    while True:
        w, b = _hyperplane(rng, difficulty)
        x = tuple(rng.randint(-5, 5) for _ in w)
        score = sum(a * v for a, v in zip(w, x, strict=True)) + b
        if score != 0 and any(x):
            break
    value = pc.distance(x, w, b)
    norm_tex, n = _norm_tex(w)
    plain = abs(score - b) / n
    cands = [
        mis("forgot-normalize", float(abs(score)), "没有除以 $\\|w\\|$：$|w\\cdot x + b|$ 是函数间隔，随 $w$ 缩放而变。",
            "You did not divide by $\\|w\\|$: $|w\\cdot x + b|$ is the functional margin, which scales with $w$."),
        mis("forgot-bias", plain, "漏了偏置 $b$：超平面是 $w\\cdot x + b = 0$。", "You left out the bias $b$: the hyperplane is $w\\cdot x + b = 0$."),
        mis("squared-norm", abs(score) / n**2, "除以了 $\\|w\\|^2$；距离只除以 $\\|w\\|$。", "You divided by $\\|w\\|^2$; the distance divides by $\\|w\\|$ once."),
        mis("signed-distance", score / n, "这是有符号距离；距离取绝对值。", "That is the signed distance; a distance is its absolute value."),
        mis("l1-norm", abs(score) / sum(abs(v) for v in w), "用了 $L^1$ 范数；点到超平面的欧氏距离除以 $L^2$ 范数。",
            "You used the L1 norm; the Euclidean distance divides by the L2 norm."),
    ]
    plane = " + ".join(f"{a}x_{i + 1}" for i, a in enumerate(w)).replace("+ -", "- ") + (f" + {b}" if b > 0 else f" - {-b}")
    prompt = (f"求点 $x = {seq(x)}$ 到超平面 ${plane} = 0$ 的距离。",
              f"Find the distance from the point $x = {seq(x)}$ to the hyperplane ${plane} = 0$.")
    step = f"\\frac{{|{_dot_tex(w, x, b)}|}}{{{num(n)}}} = \\frac{{{abs(score)}}}{{{num(n)}}} \\approx {num(value)}"
    zh = (f"点到超平面 $w\\cdot x + b = 0$ 的距离是 $|w\\cdot x + b| / \\|w\\|$。\n\n$\\|w\\| = {norm_tex}$。\n\n$d = {step}$")
    en = (f"The distance from a point to $w\\cdot x + b = 0$ is $|w\\cdot x + b| / \\|w\\|$.\n\n$\\|w\\| = {norm_tex}$.\n\n$d = {step}$")
    return _draft(prompt, (zh, en), real(value), cands, {"x": list(x), "w": list(w), "b": b})


def _separable(rng: random.Random, w, b: int, n: int, span: int = 4) -> tuple[list[tuple[int, ...]], list[int]]:
    """``n`` distinct integer points strictly on both sides of ``w . x + b = 0``, labelled by side."""
    values = range(-span, span + 1)  # rng.choice(values) draws exactly what rng.randint(-span, span) would
    while True:
        pts = {tuple(rng.choice(values) for _ in w) for _ in range(n)}
        if len(pts) < n:
            continue
        pts = sorted(pts)
        rng.shuffle(pts)
        scores = [sum(a * v for a, v in zip(w, p, strict=True)) + b for p in pts]
        if all(scores) and any(s > 0 for s in scores) and any(s < 0 for s in scores):
            return pts, [1 if s > 0 else -1 for s in scores]


def _data_tex(pts, ys) -> str:
    return ", ".join(f"{seq(p)}\\,({'+' if y > 0 else '-'})" for p, y in zip(pts, ys, strict=True))


def margin(rng: random.Random, difficulty: int) -> Draft:
    """Geometric margin of a given separating hyperplane on a small labelled set."""
    w, b = _hyperplane(rng, difficulty)
    pts, ys = _separable(rng, w, b, {1: 4, 2: 5, 3: 6}[difficulty])
    value = pc.margin(pts, ys, w, b)
    norm_tex, n = _norm_tex(w)
    functional = [y * (sum(a * v for a, v in zip(w, p, strict=True)) + b) for p, y in zip(pts, ys, strict=True)]
    cands = [
        mis("functional-margin", float(min(functional)), "这是函数间隔 $\\min_i y_i(w\\cdot x_i + b)$，还要除以 $\\|w\\|$。",
            "That is the functional margin $\\min_i y_i(w\\cdot x_i + b)$; divide by $\\|w\\|$."),
        mis("max-instead-of-min", max(functional) / n, "取了最远的点；间隔由最近的点决定。", "You took the farthest point; the margin is set by the closest one."),
        mis("mean-distance", sum(functional) / len(functional) / n, "取了平均距离；间隔是最小距离。", "You averaged the distances; the margin is the smallest one."),
        mis("squared-norm", min(functional) / n**2, "除以了 $\\|w\\|^2$。", "You divided by $\\|w\\|^2$."),
        mis("forgot-bias", min(y * sum(a * v for a, v in zip(w, p, strict=True)) for p, y in zip(pts, ys, strict=True)) / n,
            "漏了偏置 $b$。", "You left out the bias $b$."),
    ]
    plane = " + ".join(f"{a}x_{i + 1}" for i, a in enumerate(w)).replace("+ -", "- ") + (f" + {b}" if b > 0 else f" - {-b}")
    prompt = (f"带标签的数据：${_data_tex(pts, ys)}$。超平面 ${plane} = 0$ 把两类分开。求它在这组数据上的几何间隔。",
              f"Labelled data: ${_data_tex(pts, ys)}$. The hyperplane ${plane} = 0$ separates the classes. "
              "What is its geometric margin on this data?")
    listing = ", ".join(str(f) for f in functional)
    zh = (f"几何间隔 $\\gamma = \\min_i y_i(w\\cdot x_i + b)/\\|w\\|$。\n\n各点的 $y_i(w\\cdot x_i + b)$：${listing}$，最小为 ${min(functional)}$。"
          f"\n\n$\\|w\\| = {norm_tex}$，$\\gamma = {min(functional)}/{num(n)} \\approx {num(value)}$")
    en = (f"The geometric margin is $\\gamma = \\min_i y_i(w\\cdot x_i + b)/\\|w\\|$.\n\nThe values $y_i(w\\cdot x_i + b)$ are "
          f"${listing}$; the smallest is ${min(functional)}$.\n\n$\\|w\\| = {norm_tex}$, so $\\gamma = {min(functional)}/{num(n)} \\approx {num(value)}$")
    return _draft(prompt, (zh, en), real(value), cands, {"X": [list(p) for p in pts], "y": ys, "w": list(w), "b": b})


def mistake_bound(rng: random.Random, difficulty: int) -> Draft:
    """Novikoff's bound, from R and a margin, from a gap width, or from data and a unit separator."""
    if difficulty < 3:
        r = rng.choice((1, 2, 3, 5, 10))
        g = rng.choice([v for v in (0.1, 0.2, 0.25, 0.4, 0.5, 1, 2) if v < r / 1.5])
        gap = difficulty == 2 and rng.random() < 0.6
        margin_value = g / 2 if gap else g
        value = pc.mistake_bound(r, margin_value)
        params = {"radius": r, "gap" if gap else "margin": g}
    else:
        gap = False
        w = rng.choice(((0.6, 0.8), (0.8, 0.6), (0.6, -0.8), (-0.8, 0.6)))
        while True:
            pts, ys = _separable(rng, [round(5 * v) for v in w], 0, 5, span=5)
            try:
                gamma = pc.margin(pts, ys, w)
                r = pc.radius(pts)
                value = pc.mistake_bound(r, gamma)
            except ValueError:
                continue
            if gamma >= 0.4 and value <= 400:
                break
        g, margin_value = gamma, gamma
        params = {"X": [list(p) for p in pts], "y": ys, "w": list(w)}
    cands = [
        mis("four-times-margin" if not gap else "used-gap-as-margin", 4 * value if not gap else value / 4,
            "把 $4R^2/\\gamma^2$ 用在了普通间隔上：这个形式里的 $\\gamma$ 是两类之间空隙的宽度（间隔的两倍）；用间隔 $\\gamma$ 时界是 $(R/\\gamma)^2$。"
            if not gap else "把空隙宽度当成了间隔：点到超平面的距离只有 $\\gamma/2$，所以界是 $(R/(\\gamma/2))^2 = 4R^2/\\gamma^2$。",
            "You used the $4R^2/\\gamma^2$ form with the ordinary margin: there $\\gamma$ is the width of the gap between the "
            "classes (twice the margin); with the margin $\\gamma$ the bound is $(R/\\gamma)^2$." if not gap else
            "You treated the gap width as the margin: points are only $\\gamma/2$ from the hyperplane, so the bound is "
            "$(R/(\\gamma/2))^2 = 4R^2/\\gamma^2$."),
        mis("forgot-square", math.sqrt(value), "忘了平方：界是 $(R/\\gamma)^2$。", "You forgot the square: the bound is $(R/\\gamma)^2$."),
        mis("squared-r-only", r**2 / margin_value, "只平方了 $R$：界是 $R^2/\\gamma^2$。", "You squared only $R$: the bound is $R^2/\\gamma^2$."),
        mis("inverted", 1 / value, "比值倒过来了：数据越“胖”（$R$ 大）、间隔越小，需要的更新越多。",
            "The ratio is upside down: a larger radius and a smaller margin mean more updates."),
    ]
    if difficulty < 3 and not gap:
        prompt = (f"所有样本满足 $\\|x_i\\| \\le R = {num(r)}$，且存在单位向量 $w^*$ 使 $y_i\\, w^*\\cdot x_i \\ge \\gamma = {num(g)}$ 对所有 $i$ 成立。"
                  "感知机（从 $w = 0$ 开始）最多会犯多少次错误（更新次数的上界）？",
                  f"Every point has $\\|x_i\\| \\le R = {num(r)}$, and some unit vector $w^*$ has $y_i\\, w^*\\cdot x_i \\ge \\gamma = {num(g)}$ "
                  "for all $i$. What upper bound does the perceptron convergence theorem give on the number of mistakes (updates), starting from $w = 0$?")
        zh = f"Novikoff 定理：每次更新 $w\\cdot w^*$ 至少增加 $\\gamma$，$\\|w\\|^2$ 至多增加 $R^2$，所以 $k\\gamma \\le \\sqrt{{k}}R$，即 $k \\le (R/\\gamma)^2$。\n\n$(R/\\gamma)^2 = ({num(r)}/{num(g)})^2 = {num(value)}$"
        en = f"Novikoff: each update raises $w\\cdot w^*$ by at least $\\gamma$ and $\\|w\\|^2$ by at most $R^2$, so $k\\gamma \\le \\sqrt{{k}}R$, i.e. $k \\le (R/\\gamma)^2$.\n\n$(R/\\gamma)^2 = ({num(r)}/{num(g)})^2 = {num(value)}$"
    elif gap:
        prompt = (f"按讲义的记法：$\\|x_i\\| \\le R = {num(r)}$，存在单位向量 $w^*$ 使 $y_i\\,(x_i\\cdot w^*) \\ge \\gamma/2$，其中 $\\gamma = {num(g)}$ 是两类之间空隙的宽度。"
                  "感知机更新次数的上界是多少？",
                  f"In the lecture-notes notation: $\\|x_i\\| \\le R = {num(r)}$ and a unit vector $w^*$ has $y_i\\,(x_i\\cdot w^*) \\ge \\gamma/2$, "
                  f"where $\\gamma = {num(g)}$ is the width of the gap between the classes. What is the upper bound on the perceptron's updates?")
        zh = f"每个点到超平面至少 $\\gamma/2$，所以用间隔 $\\gamma/2$ 代入 Novikoff 界：$(R/(\\gamma/2))^2 = 4R^2/\\gamma^2$。\n\n$4\\cdot {num(r)}^2/{num(g)}^2 = {num(value)}$"
        en = f"Every point is at least $\\gamma/2$ from the hyperplane, so Novikoff's bound with margin $\\gamma/2$ gives $(R/(\\gamma/2))^2 = 4R^2/\\gamma^2$.\n\n$4\\cdot {num(r)}^2/{num(g)}^2 = {num(value)}$"
    else:
        norms = ", ".join(str(sum(v * v for v in p)) for p in pts)
        r2 = max(sum(v * v for v in p) for p in pts)
        prompt = (f"过原点的感知机（无偏置）在数据 ${_data_tex(pts, ys)}$ 上训练。单位向量 $w^* = {seq(w)}$ 把两类分开。"
                  "用 $w^*$ 的间隔和数据半径，Novikoff 定理给出的更新次数上界是多少？",
                  f"A perceptron through the origin (no bias) is trained on ${_data_tex(pts, ys)}$. The unit vector $w^* = {seq(w)}$ "
                  "separates the classes. Using the margin of $w^*$ and the radius of the data, what bound does Novikoff's theorem give on the number of updates?")
        zh = (f"$R = \\max_i \\|x_i\\|$：各点的 $\\|x_i\\|^2$ 为 ${norms}$，所以 $R^2 = {r2}$。\n\n"
              f"$\\gamma = \\min_i y_i\\, w^*\\cdot x_i = {num(g)}$（$w^*$ 已是单位向量）。"
              f"\n\n$(R/\\gamma)^2 = R^2/\\gamma^2 = {r2}/{num(g)}^2 \\approx {num(value)}$")
        en = (f"$R = \\max_i \\|x_i\\|$: the values $\\|x_i\\|^2$ are ${norms}$, so $R^2 = {r2}$.\n\n"
              f"$\\gamma = \\min_i y_i\\, w^*\\cdot x_i = {num(g)}$ ($w^*$ is already a unit vector)."
              f"\n\n$(R/\\gamma)^2 = R^2/\\gamma^2 = {r2}/{num(g)}^2 \\approx {num(value)}$")
    return _draft(prompt, (zh, en), real(value), cands, params)


def train(rng: random.Random, difficulty: int) -> Draft:
    """Number of updates the perceptron makes on a small data set before a clean pass."""
    lo, hi, n, dim = {1: (2, 5, 4, 2), 2: (3, 8, 5, 2), 3: (5, 16, 6, 3)}[difficulty]
    while True:
        w = tuple(rng.choice([v for v in range(-3, 4) if v]) for _ in range(dim))
        pts, ys = _separable(rng, w, rng.randint(-3, 3), n, span=3)
        result = pc.train(pts, ys, max_epochs=50)
        if result.converged and lo <= result.mistakes <= hi and result.epochs <= {1: 4, 2: 5, 3: 8}[difficulty]:
            break
    no_bias = pc.train(pts, ys, max_epochs=50, bias=False)
    first = sum(1 for epoch, _ in result.updates if epoch == 1)
    cands = [
        mis("forgot-bias", no_bias.mistakes if no_bias.converged else math.nan,
            "没有加偏置特征：每个点要补一个常数 1 作为最后一维，偏置作为最后一个权重一起学。",
            "You left out the bias feature: append a constant 1 to every point, so the bias is learned as the last weight."),
        mis("counted-epochs", result.epochs, "数的是轮数（epoch），题目问的是更新（犯错）次数。",
            "You counted epochs; the question asks for updates (mistakes)."),
        mis("first-epoch-only", first, "只数了第一轮：要一直循环，直到完整一轮没有错误。",
            "You counted the first pass only: keep cycling until a full pass makes no mistake."),
        mis("zero-counts-as-correct", 0, "把 $y_i\\, w\\cdot x_i = 0$ 当成了正确：从 $w = 0$ 开始，这个条件必须算作错误，否则永远不会更新。",
            "You treated $y_i\\, w\\cdot x_i = 0$ as correct: starting from $w = 0$ it must count as a mistake, or nothing ever updates."),
    ]
    prompt = (f"感知机从 $w = 0$ 开始，按给定顺序循环遍历数据 ${_data_tex(pts, ys)}$，当 $y_i\\, w\\cdot \\tilde x_i \\le 0$ 时更新 "
              "$w \\leftarrow w + y_i \\tilde x_i$，其中 $\\tilde x_i$ 是在末尾补上常数 1 的点（偏置是最后一个权重）。直到完整一轮没有错误为止，一共更新多少次？",
              f"A perceptron starts from $w = 0$ and cycles through ${_data_tex(pts, ys)}$ in the order given, updating "
              "$w \\leftarrow w + y_i \\tilde x_i$ whenever $y_i\\, w\\cdot \\tilde x_i \\le 0$, where $\\tilde x_i$ is the point with a "
              "constant 1 appended (the bias is the last weight). How many updates does it make before a full pass without a mistake?")
    rows_zh, rows_en = [], []
    cur = [0] * (dim + 1)
    for epoch, i in result.updates:
        xt = list(pts[i]) + [1]
        before = ys[i] * sum(a * v for a, v in zip(cur, xt, strict=True))
        cur = [a + ys[i] * v for a, v in zip(cur, xt, strict=True)]
        rows_zh.append(f"第 {epoch} 轮，点 {i + 1}：$y\\, w\\cdot\\tilde x = {before} \\le 0$，更新为 $w = {seq(cur)}$")
        rows_en.append(f"pass {epoch}, point {i + 1}: $y\\, w\\cdot\\tilde x = {before} \\le 0$, so $w = {seq(cur)}$")
    zh = "逐个检查，只记录发生更新的步骤：\n\n" + "\n\n".join(rows_zh) + f"\n\n第 {result.epochs} 轮没有错误，停止。共 {result.mistakes} 次更新。"
    en = ("Check the points in order; only the updates are listed:\n\n" + "\n\n".join(rows_en)
          + f"\n\nPass {result.epochs} makes no mistake, so training stops after {result.mistakes} updates.")
    return _draft(prompt, (zh, en), exact(result.mistakes), cands,
                  {"X": [list(p) for p in pts], "y": ys, "max_epochs": 50})

