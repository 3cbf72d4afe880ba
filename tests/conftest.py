"""Shared fixtures: a fresh database on SQLite and on a real PostgreSQL server, a small content folder."""

from __future__ import annotations

import datetime as dt
import itertools
import shutil
from pathlib import Path

import pytest

from tests.pgserver import PgServer, find_bindir

NOW = dt.datetime(2026, 11, 23, 9, 0, tzinfo=dt.UTC)
_counter = itertools.count()


@pytest.fixture(scope="session")
def pg_server():
    bindir = find_bindir()
    if bindir is None:
        pytest.skip("PostgreSQL server binaries (initdb, pg_ctl) not found; install postgresql")
    pytest.importorskip("psycopg")
    server = PgServer(bindir)
    server.start()
    server.wait()
    yield server
    server.stop()


@pytest.fixture(params=["sqlite", pytest.param("postgres", marks=pytest.mark.postgres)])
def db_url(request, tmp_path) -> str:
    """A URL of a fresh, empty database: a SQLite file, then a new PostgreSQL database."""
    if request.param == "sqlite":
        return f"sqlite:///{tmp_path / 'quizzer.sqlite3'}"
    server = request.getfixturevalue("pg_server")
    return server.create_database(f"quizzer_test_{next(_counter)}")


@pytest.fixture
def content_dir(tmp_path) -> Path:
    """A copy of the small test content folder, free to edit."""
    target = tmp_path / "content"
    shutil.copytree(Path(__file__).parent / "data" / "content", target)
    return target


@pytest.fixture
def db(db_url):
    """An opened database at head, with no content synced."""
    from quizzer.db import open_database

    database = open_database(db_url, sync_bundled=False)
    yield database
    database.close()


@pytest.fixture
def bundled_db(db_url):
    """An opened database with the bundled question bank synced."""
    from quizzer.db import open_database

    database = open_database(db_url)
    yield database
    database.close()
