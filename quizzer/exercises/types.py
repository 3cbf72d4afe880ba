"""The values an exercise is made of.

An exercise is a frozen value built from ``(kind, seed, difficulty)``: a review log that stores
those three can re-create exactly what was asked.  The expected answer carries its own checking
rule, so front ends never decide what counts as correct.
"""

from __future__ import annotations

import enum
import math
from dataclasses import asdict, dataclass, field
from typing import Any

__all__ = ["Draft", "Exercise", "Expected", "Misconception", "Rule", "Value"]

# A typed answer is a number, a tuple of numbers (vector or tuple of sizes), or a word (choice).
Value = int | float | tuple[int | float, ...] | str


class Rule(enum.StrEnum):
    """How a typed answer is compared with the expected one."""

    EXACT = "exact"  # integers (or tuples of integers): must be equal
    TOLERANCE = "tolerance"  # |a - e| <= max(rel_tol * |e|, abs_tol), element-wise for vectors
    SIGFIGS = "sigfigs"  # equal after rounding both to `sig_figs` significant figures
    CHOICE = "choice"  # one word out of `choices` (case-insensitive; aliases allowed)


@dataclass(frozen=True)
class Expected:
    """The right answer and how to check it."""

    value: Value
    rule: Rule = Rule.TOLERANCE
    rel_tol: float = 1e-2
    abs_tol: float = 0.0
    sig_figs: int | None = None
    # For Rule.CHOICE: accepted words; each entry is "canonical|alias|alias".
    choices: tuple[str, ...] = ()
    # Free text shown to the learner about the format, e.g. "an integer" or "H×W, e.g. 16x16".
    format_hint_en: str = ""
    format_hint_zh: str = ""

    def display(self) -> str:
        """The answer as a person would write it."""
        return format_value(self.value)

    def to_dict(self) -> dict[str, Any]:
        d = asdict(self)
        d["rule"] = self.rule.value
        d["value"] = _jsonable(self.value)
        d["choices"] = list(self.choices)
        return d


@dataclass(frozen=True)
class Misconception:
    """A known wrong answer and what it reveals."""

    name: str  # slug, e.g. "forgot-dilation"
    value: Value
    feedback_zh: str
    feedback_en: str

    def to_dict(self) -> dict[str, Any]:
        d = asdict(self)
        d["value"] = _jsonable(self.value)
        return d


@dataclass(frozen=True)
class Draft:
    """What a generator function returns; the registry adds kind, seed and difficulty."""

    prompt_zh: str
    prompt_en: str
    solution_zh: str
    solution_en: str
    answer: Expected
    misconceptions: tuple[Misconception, ...] = ()
    # The generator's inputs, for an independent re-computation in tests and for sheets.
    params: dict[str, Any] = field(default_factory=dict)


@dataclass(frozen=True)
class Exercise:
    """One concrete exercise, re-creatable from (kind, seed, difficulty)."""

    kind: str
    seed: int
    difficulty: int
    prompt_zh: str
    prompt_en: str
    solution_zh: str
    solution_en: str
    answer: Expected
    misconceptions: tuple[Misconception, ...] = ()
    params: dict[str, Any] = field(default_factory=dict)

    def prompt(self, lang: str) -> str:
        return self.prompt_zh if lang == "zh" else self.prompt_en

    def solution(self, lang: str) -> str:
        return self.solution_zh if lang == "zh" else self.solution_en

    def to_dict(self) -> dict[str, Any]:
        return {
            "kind": self.kind,
            "seed": self.seed,
            "difficulty": self.difficulty,
            "prompt_zh": self.prompt_zh,
            "prompt_en": self.prompt_en,
            "answer": self.answer.display(),
            "expected": self.answer.to_dict(),
            "solution_zh": self.solution_zh,
            "solution_en": self.solution_en,
            "misconceptions": [m.to_dict() for m in self.misconceptions],
            "params": {k: _jsonable(v) for k, v in self.params.items()},
        }


def format_value(value: Value) -> str:
    """Render an answer value compactly: ints plainly, floats to 6 significant figures."""
    if isinstance(value, str):
        return value
    if isinstance(value, tuple):
        return "(" + ", ".join(format_value(v) for v in value) + ")"
    if isinstance(value, bool):
        return str(value).lower()
    if isinstance(value, int):
        return str(value)
    if math.isinf(value):
        return "inf" if value > 0 else "-inf"
    if math.isnan(value):
        return "nan"
    if value != 0 and (abs(value) >= 1e6 or abs(value) < 1e-4):
        return f"{value:.6g}"
    return f"{value:.6g}"


def _jsonable(v: Any) -> Any:
    if isinstance(v, tuple):
        return [_jsonable(x) for x in v]
    if isinstance(v, list):
        return [_jsonable(x) for x in v]
    if isinstance(v, dict):
        return {k: _jsonable(x) for k, x in v.items()}
    if isinstance(v, float) and (math.isinf(v) or math.isnan(v)):
        return format_value(v)
    if hasattr(v, "tolist"):  # numpy scalars and arrays
        return _jsonable(v.tolist())
    return v
