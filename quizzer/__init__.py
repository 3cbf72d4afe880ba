"""quizzer: deep-learning interview questions as spaced-repetition cards with verified exercises.

The public API is re-exported here lazily: ``import quizzer`` loads nothing heavy (no SQLAlchemy
until a database is used, never torch or alembic), so the command line starts fast.
"""

from __future__ import annotations

import importlib
from typing import Any

__version__ = "0.1.0"

_EXPORTS = {
    "QuizzerError": "quizzer.errors",
    "ContentError": "quizzer.errors",
    "DatabaseError": "quizzer.errors",
    "ProfileError": "quizzer.errors",
    "ExerciseError": "quizzer.errors",
    "AnswerFormatError": "quizzer.errors",
    "ExportError": "quizzer.errors",
    "DependencyError": "quizzer.errors",
    "CardSpec": "quizzer.content",
    "load_content": "quizzer.content",
    "check_content": "quizzer.content",
    "Database": "quizzer.db",
    "open_database": "quizzer.db",
    "sync": "quizzer.sync",
    "SyncReport": "quizzer.sync",
    "Exercise": "quizzer.exercises",
    "generate": "quizzer.exercises",
    "kinds": "quizzer.exercises",
    "check": "quizzer.answers",
    "parse": "quizzer.answers",
    "Verdict": "quizzer.answers",
}

__all__ = ["__version__", *_EXPORTS]


def __getattr__(name: str) -> Any:
    module = _EXPORTS.get(name)
    if module is None:
        raise AttributeError(f"module 'quizzer' has no attribute {name!r}")
    value = getattr(importlib.import_module(module), name)
    globals()[name] = value
    return value


def __dir__() -> list[str]:
    return sorted(__all__)
