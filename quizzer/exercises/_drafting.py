"""Small helpers the generators share: number formatting, expected answers, misconception filtering.

A misconception is only useful if a learner who makes that mistake can be told apart from one who
is right, and from one who made a different mistake.  :func:`finish` therefore drops every
misconception that the answer's own checking rule would confuse with the correct answer or with an
earlier misconception, with a safety margin so that a value rounded by a person still lands on
the right side.
"""

from __future__ import annotations

import functools
import math
from collections.abc import Iterable, Sequence

from quizzer.exercises.types import Expected, Misconception, Rule, Value

__all__ = ["exact", "finish", "frac", "mis", "num", "param_answer", "real", "seq", "signed", "sum_terms"]

HINT_INT = ("an integer", "一个整数")
HINT_REAL = ("a number; 4 significant figures are enough", "一个数，保留 4 位有效数字即可")

# A misconception must differ from the answer (and from the others) by this many tolerances.
MARGIN = 2.0


@functools.lru_cache(maxsize=4096)  # the Chinese and English texts format the same numbers
def num(x: float | int, sig: int = 4) -> str:
    """A number for LaTeX math mode: integers in full, reals to ``sig`` significant figures.

    Very large or small values use ``m \\times 10^{k}``.  Equal numbers (``2``, ``2.0``) format
    alike, which is what makes caching by value safe.
    """
    kind = type(x)
    if kind is int or (isinstance(x, int) and kind is not bool):
        return str(x) if -10**9 < x < 10**9 else _sci(float(x), sig)
    x = float(x)
    if x == 0:
        return "0"
    size = -x if x < 0 else x
    if size >= 1e6 or size < 1e-3:
        return _sci(x, sig)
    text = format(x, _G.get(sig) or f".{sig}g")
    if "e" in text:  # e.g. 1.235e+05 for sig=4
        return _sci(x, sig)
    if "." in text:
        text = text.rstrip("0").rstrip(".")
    return "0" if text in ("-0", "") else text


_G = {n: f".{n}g" for n in range(1, 18)}  # format specs, built once: num() runs thousands of times


def _sci(x: float, sig: int) -> str:
    mantissa, exponent = f"{x:.{sig - 1}e}".split("e")
    if "." in mantissa:
        mantissa = mantissa.rstrip("0").rstrip(".")
    k = int(exponent)
    return f"10^{{{k}}}" if mantissa == "1" else f"{mantissa} \\times 10^{{{k}}}"


def signed(x: float | int, sig: int = 4) -> str:
    """``num`` wrapped in parentheses when negative, for use inside a product or power."""
    s = num(x, sig)
    return f"({s})" if s.startswith("-") else s


def sum_terms(values: Iterable[float | int], sig: int = 6) -> str:
    """``a + b - c`` for a sum whose terms may be negative."""
    out = ""
    for i, v in enumerate(values):
        s = num(v, sig)
        if i == 0:
            out = s
        elif s.startswith("-"):
            out += f" - {s[1:]}"
        else:
            out += f" + {s}"
    return out


def frac(value: float, sig: int = 6) -> str:
    """A number with more figures, for intermediate steps."""
    return num(value, sig)


def seq(values: Iterable[float | int], sig: int = 6) -> str:
    """``(a, b, c)`` for a vector."""
    return "(" + ", ".join(num(v, sig) for v in values) + ")"


def exact(value: int) -> Expected:
    """An integer answer that must match exactly."""
    return Expected(value=int(value), rule=Rule.EXACT, format_hint_en=HINT_INT[0], format_hint_zh=HINT_INT[1])


def real(value: float, rel_tol: float = 1e-2, abs_tol: float = 0.0) -> Expected:
    """A real answer checked with a relative (and optional absolute) tolerance."""
    return Expected(
        value=float(value), rule=Rule.TOLERANCE, rel_tol=rel_tol, abs_tol=abs_tol,
        format_hint_en=HINT_REAL[0], format_hint_zh=HINT_REAL[1],
    )


def param_answer(start: float, end: float) -> Expected:
    """A parameter after optimizer steps: within 0.1% of its value, or 0.5% of the distance moved.

    A relative tolerance alone would be unfair both ways: lenient when the steps are small next to
    the starting value, strict when the parameter ends near zero.
    """
    return real(end, rel_tol=1e-3, abs_tol=0.005 * abs(end - start))


def mis(name: str, value: Value, zh: str, en: str) -> Misconception:
    return Misconception(name=name, value=value, feedback_zh=zh, feedback_en=en)


def _finite(v: Value) -> bool:
    if isinstance(v, tuple):
        return all(_finite(x) for x in v)
    return isinstance(v, str) or math.isfinite(v)


def _close(value: Value, target: Value, expected: Expected) -> bool:
    kinds = (type(value), type(target))
    if kinds == (float, float) and expected.rule is Rule.TOLERANCE:  # the common cases first
        tol = expected.rel_tol * max(abs(target), abs(value))
        return abs(value - target) <= MARGIN * (tol if tol > expected.abs_tol else expected.abs_tol)
    if kinds == (int, int) and expected.rule is Rule.EXACT:
        return value == target
    if isinstance(target, tuple) or isinstance(value, tuple):
        if not (isinstance(target, tuple) and isinstance(value, tuple)) or len(value) != len(target):
            return False
        return all(_close(v, t, expected) for v, t in zip(value, target, strict=True))
    if isinstance(target, str) or isinstance(value, str):
        return str(value).lower() == str(target).lower()
    if expected.rule is Rule.EXACT:
        return value == target
    if expected.rule is Rule.SIGFIGS and expected.sig_figs:
        tol = 10 ** (math.floor(math.log10(abs(target))) - expected.sig_figs + 1) if target else 0.0
        return abs(value - target) <= MARGIN * tol
    tol = max(expected.rel_tol * abs(target), expected.rel_tol * abs(value), expected.abs_tol)
    return abs(value - target) <= MARGIN * tol


def finish(answer: Expected, candidates: Sequence[Misconception]) -> tuple[Misconception, ...]:
    """Keep the misconceptions that can be told apart from the answer and from each other.

    Earlier candidates win over later ones with the same value; names must be unique.
    """
    kept: list[Misconception] = []
    for m in candidates:
        if not _finite(m.value) or _close(m.value, answer.value, answer):
            continue
        if any(k.name == m.name or _close(m.value, k.value, answer) for k in kept):
            continue
        if answer.rule is Rule.EXACT and not isinstance(m.value, (int, tuple)):
            continue
        kept.append(m)
    return tuple(kept)
