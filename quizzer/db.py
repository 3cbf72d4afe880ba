"""Opening a database: engine, sessions, SQLite pragmas, and bringing it up to date.

SQLite is the embedded default: WAL mode so a reader never blocks a writer, foreign keys on, a
busy timeout, and write transactions that take the write lock up front (``BEGIN IMMEDIATE``) so two
study sessions on one file wait for each other instead of failing with "database is locked".
PostgreSQL works through the same models and migrations.
"""

from __future__ import annotations

import contextlib
import sqlite3
from collections.abc import Iterator
from pathlib import Path
from typing import Any

from sqlalchemy import create_engine, event
from sqlalchemy.engine import Engine, make_url
from sqlalchemy.exc import DBAPIError, OperationalError
from sqlalchemy.orm import Session, sessionmaker

from quizzer.errors import DatabaseError

__all__ = ["BUSY_TIMEOUT_MS", "Database", "make_engine", "open_database", "sqlite_path"]

BUSY_TIMEOUT_MS = 30_000


def sqlite_path(url: str) -> Path | None:
    """The file of a SQLite URL, or None for in-memory / other engines."""
    u = make_url(url)
    if u.get_backend_name() != "sqlite" or not u.database or u.database == ":memory:":
        return None
    return Path(u.database)


def make_engine(url: str) -> Engine:
    """An engine with quizzer's connection settings; creates a SQLite file's folder if needed."""
    u = make_url(url)
    if u.get_backend_name() == "sqlite":
        path = sqlite_path(url)
        if path is not None:
            try:
                path.parent.mkdir(parents=True, exist_ok=True)
            except OSError as exc:
                raise DatabaseError(f"cannot create the folder for {path}: {exc.strerror}; pass --db with a writable path") from exc
        engine = create_engine(u, connect_args={"timeout": BUSY_TIMEOUT_MS / 1000})
        _configure_sqlite(engine)
        return engine
    if u.get_backend_name() == "postgresql":
        try:
            return create_engine(u, pool_pre_ping=True)
        except ModuleNotFoundError as exc:
            from quizzer.errors import DependencyError

            raise DependencyError("PostgreSQL support needs psycopg: pip install 'quizzer[postgres]'") from exc
    raise DatabaseError(f"unsupported database URL {u.render_as_string(hide_password=True)!r}; use a SQLite file or postgresql+psycopg://...")


def _configure_sqlite(engine: Engine) -> None:
    @event.listens_for(engine, "connect")
    def _on_connect(dbapi_conn: sqlite3.Connection, _record: Any) -> None:
        # Take over transaction control from the sqlite3 module so BEGIN can be IMMEDIATE.
        dbapi_conn.isolation_level = None
        cur = dbapi_conn.cursor()
        cur.execute(f"PRAGMA busy_timeout = {BUSY_TIMEOUT_MS}")
        cur.execute("PRAGMA foreign_keys = ON")
        if cur.execute("PRAGMA journal_mode").fetchone()[0] != "memory":
            cur.execute("PRAGMA journal_mode = WAL")
        cur.execute("PRAGMA synchronous = NORMAL")
        cur.close()

    @event.listens_for(engine, "begin")
    def _on_begin(conn: Any) -> None:
        mode = conn.get_execution_options().get("sqlite_begin", "DEFERRED")
        conn.exec_driver_sql(f"BEGIN {mode}")


class Database:
    """An open, up-to-date quizzer database."""

    def __init__(self, url: str, engine: Engine):
        self.url = url
        self.engine = engine
        self.is_sqlite = engine.dialect.name == "sqlite"
        self._read = sessionmaker(engine, expire_on_commit=False)
        writer = engine.execution_options(sqlite_begin="IMMEDIATE") if self.is_sqlite else engine
        self._write = sessionmaker(writer, expire_on_commit=False)

    @contextlib.contextmanager
    def session(self) -> Iterator[Session]:
        """A read session (closed at the end; nothing committed)."""
        with self._read() as s:
            yield s

    @contextlib.contextmanager
    def transaction(self) -> Iterator[Session]:
        """A write session: committed at the end, rolled back on error, write lock taken up front."""
        with self._write() as s, s.begin():
            yield s

    @property
    def display_url(self) -> str:
        return make_url(self.url).render_as_string(hide_password=True)

    def close(self) -> None:
        self.engine.dispose()


def open_database(url: str, *, upgrade: bool = True, sync_bundled: bool = True, now: Any = None) -> Database:
    """Open ``url``, bring it to head (backing up a SQLite file first) and sync the bundled bank.

    Raises DatabaseError with a one-line explanation for an unreachable, corrupt or newer database.
    """
    from quizzer import migrate

    engine = make_engine(url)
    db = Database(url, engine)
    try:
        status = migrate.status(engine)
        if not status.at_head:
            if not upgrade:
                raise DatabaseError(f"database is at revision {status.current or 'empty'}, not {status.head}; run 'quizzer db upgrade'")
            migrate.upgrade(db)
        if sync_bundled:
            from quizzer.sync import sync_bundled_if_changed

            sync_bundled_if_changed(db, now=now)
    except (OperationalError, DBAPIError) as exc:
        engine.dispose()
        raise DatabaseError(describe_db_error(db.display_url, exc)) from exc
    except BaseException:
        engine.dispose()
        raise
    return db


def describe_db_error(shown: str, exc: Exception) -> str:
    text = str(getattr(exc, "orig", exc)).strip().splitlines()[0] if str(exc).strip() else type(exc).__name__
    if "file is not a database" in text or "malformed" in text:
        return f"{shown} is not a quizzer database or is corrupt ({text}); restore a backup or pass --db with another file"
    if "unable to open database file" in text:
        return f"cannot open {shown} ({text}); check the path and permissions or pass --db"
    if "readonly" in text or "read-only" in text:
        return f"{shown} is read-only ({text}); check its permissions or pass --db"
    return f"cannot use the database {shown}: {text}; check --db / QUIZZER_DB and that the server is running"
