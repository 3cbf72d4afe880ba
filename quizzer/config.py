"""Where things are: the database, the bundled content and migrations, the profile and language.

Precedence for every setting: command-line option, then environment variable, then default.
"""

from __future__ import annotations

import os
from dataclasses import dataclass
from pathlib import Path

from quizzer.errors import QuizzerError

__all__ = [
    "DEFAULT_PROFILE",
    "Settings",
    "bundled_content_dir",
    "default_db_path",
    "migrations_dir",
    "normalize_db_url",
    "resolve_settings",
]

DEFAULT_PROFILE = "default"
_PACKAGE_DIR = Path(__file__).resolve().parent


@dataclass(frozen=True)
class Settings:
    db_url: str
    profile: str
    lang: str  # "zh", "en" or "both"


def default_db_path() -> Path:
    """The SQLite file used when neither --db nor QUIZZER_DB is given (created on first use)."""
    from platformdirs import user_data_dir

    return Path(user_data_dir("quizzer", appauthor=False)) / "quizzer.sqlite3"


def normalize_db_url(value: str) -> str:
    """Accept a SQLAlchemy URL or a plain file path (taken as a SQLite file)."""
    if "://" in value:
        if value.startswith("postgres://"):
            value = "postgresql+psycopg://" + value[len("postgres://"):]
        elif value.startswith("postgresql://"):
            value = "postgresql+psycopg://" + value[len("postgresql://"):]
        return value
    if value == ":memory:":
        return "sqlite://"
    return "sqlite:///" + str(Path(value).expanduser().resolve())


def resolve_settings(db: str | None = None, profile: str | None = None, lang: str | None = None) -> Settings:
    db = db or os.environ.get("QUIZZER_DB") or str(default_db_path())
    profile = profile or os.environ.get("QUIZZER_PROFILE") or DEFAULT_PROFILE
    lang = lang or os.environ.get("QUIZZER_LANG") or "both"
    if lang not in ("zh", "en", "both"):
        raise QuizzerError(f"language must be zh, en or both, not {lang!r} (check QUIZZER_LANG)")
    return Settings(db_url=normalize_db_url(db), profile=profile, lang=lang)


def _resource_dir(name: str) -> Path:
    # In an installed wheel the folder is shipped inside the package as _<name>; in a source
    # checkout (or an editable install) it is the top-level folder of the repository.
    for candidate in (_PACKAGE_DIR / f"_{name}", _PACKAGE_DIR.parent / name):
        if candidate.is_dir():
            return candidate
    raise QuizzerError(f"the bundled {name} folder is missing from this installation; reinstall quizzer")


def bundled_content_dir() -> Path:
    return _resource_dir("content")


def migrations_dir() -> Path:
    return _resource_dir("migrations")
