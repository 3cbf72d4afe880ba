"""Seeded exercise generators built on the verified compute modules.

``generate(kind, seed, difficulty)`` gives the same :class:`Exercise` on every machine.
"""

from quizzer.exercises.registry import KINDS, Kind, generate, get_kind, kind_names, kinds, module_names
from quizzer.exercises.types import Draft, Exercise, Expected, Misconception, Rule

__all__ = [
    "KINDS",
    "Draft",
    "Exercise",
    "Expected",
    "Kind",
    "Misconception",
    "Rule",
    "generate",
    "get_kind",
    "kind_names",
    "kinds",
    "module_names",
]
