"""Bring a database to the head revision of the migrations, cheaply when it already is.

Checking the revision reads one row and never imports alembic, so opening an up-to-date database
costs one query.  Alembic is imported only to actually upgrade.  A SQLite file that holds data is
copied to a timestamped backup beside it before any migration runs.
"""

from __future__ import annotations

import datetime as dt
import sqlite3
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

from sqlalchemy import inspect, text
from sqlalchemy.engine import Connection, Engine

from quizzer.errors import DatabaseError

if TYPE_CHECKING:
    from quizzer.db import Database

__all__ = ["HEAD", "REVISIONS", "Status", "alembic_config", "backup_sqlite", "status", "upgrade"]

# Revisions in order; HEAD is the last.  A test checks this agrees with migrations/versions.
REVISIONS = ("0001", "0002")
HEAD = REVISIONS[-1]


@dataclass(frozen=True)
class Status:
    current: str | None  # None: empty database
    head: str

    @property
    def at_head(self) -> bool:
        return self.current == self.head

    @property
    def pending(self) -> list[str]:
        if self.current is None:
            return list(REVISIONS)
        return list(REVISIONS[REVISIONS.index(self.current) + 1:])


def _current(conn: Connection) -> str | None:
    try:
        row = conn.execute(text("SELECT version_num FROM alembic_version")).first()
    except Exception:
        conn.rollback()
        names = inspect(conn).get_table_names()
        if names:
            raise DatabaseError(
                "this database has tables but no quizzer schema revision; it is not a quizzer database, pass --db with another one"
            ) from None
        return None
    return row[0] if row else None


def status(engine: Engine) -> Status:
    with engine.connect() as conn:
        current = _current(conn)
    if current is not None and current not in REVISIONS:
        raise DatabaseError(
            f"database is at schema revision {current}, which this quizzer does not know (newest: {HEAD}); upgrade quizzer"
        )
    return Status(current, HEAD)


def backup_sqlite(path: Path, now: dt.datetime | None = None) -> Path:
    """Copy a SQLite file (consistently, WAL included) to ``<name>.<UTC timestamp>.bak`` beside it."""
    now = now or dt.datetime.now(dt.UTC)
    target = path.with_name(f"{path.name}.{now.strftime('%Y%m%dT%H%M%S%fZ')}.bak")
    src = sqlite3.connect(str(path))
    try:
        dst = sqlite3.connect(str(target))
        try:
            src.backup(dst)
        finally:
            dst.close()
    finally:
        src.close()
    return target


def alembic_config(connection: Connection | None = None) -> Any:
    from alembic.config import Config

    from quizzer.config import migrations_dir

    cfg = Config()
    cfg.set_main_option("script_location", str(migrations_dir()))
    if connection is not None:
        cfg.attributes["connection"] = connection
    return cfg


def upgrade(db: Database, revision: str = "head") -> Path | None:
    """Upgrade to ``revision``; return the backup file made first, if any."""
    from alembic import command

    from quizzer.db import sqlite_path

    before = status(db.engine)
    backup = None
    path = sqlite_path(db.url)
    if before.current is not None and path is not None and path.exists() and not before.at_head:
        backup = backup_sqlite(path)
    with db.engine.begin() as conn:
        command.upgrade(alembic_config(conn), revision)
    return backup
