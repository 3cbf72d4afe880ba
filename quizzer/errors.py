"""The few exceptions quizzer raises.

Library code raises these instead of printing or exiting; the command line turns any of them into
``Error: <message>`` on stderr and exit code 1.  Every message says what to do about the problem.
"""

from __future__ import annotations

__all__ = [
    "AnswerFormatError",
    "CalcError",
    "ContentError",
    "DatabaseError",
    "DependencyError",
    "ExerciseError",
    "ExportError",
    "ProfileError",
    "QuizzerError",
]


class QuizzerError(Exception):
    """Base class of every error quizzer raises on purpose."""


class ContentError(QuizzerError):
    """A content file is malformed; carries the file and line of each problem."""

    def __init__(self, problems: list[tuple[str, int, str]] | str, line: int | None = None, message: str | None = None):
        # Accept either ContentError(path, line, message) or ContentError([(path, line, message), ...]).
        if isinstance(problems, str):
            problems = [(problems, line or 0, message or "")]
        self.problems = list(problems)
        super().__init__("\n".join(f"{p}:{n}: {m}" for p, n, m in self.problems))

    @property
    def path(self) -> str:
        return self.problems[0][0]

    @property
    def line(self) -> int:
        return self.problems[0][1]


class DatabaseError(QuizzerError):
    """The database cannot be opened, is corrupt, or is at an unknown schema revision."""


class ProfileError(QuizzerError):
    """The requested learner profile does not exist or cannot be created."""


class ExerciseError(QuizzerError):
    """An unknown exercise kind, or parameters no exercise can be made from."""


class AnswerFormatError(QuizzerError):
    """A typed answer could not be read; the message says which format is expected."""


class ExportError(QuizzerError):
    """An export (Anki deck, exercise sheet) cannot be written."""


class DependencyError(QuizzerError):
    """An optional dependency is missing; the message names the extra to install."""


class CalcError(QuizzerError):
    """The calculator was given arguments that break a rule (the message names it)."""
