"""Migrations are the schema: they match the models, and upgrading keeps every row."""

from __future__ import annotations

import datetime as dt
import sqlite3

import pytest
from sqlalchemy import create_engine, func, inspect, select, text

from quizzer import migrate
from quizzer.db import Database, make_engine, open_database
from quizzer.errors import DatabaseError
from quizzer.models import Base, Card, CardState, Profile, Review
from tests.conftest import NOW


def test_revisions_constant_matches_the_scripts():
    from alembic.script import ScriptDirectory

    script = ScriptDirectory.from_config(migrate.alembic_config())
    assert script.get_current_head() == migrate.HEAD
    chain = [rev.revision for rev in reversed(list(script.walk_revisions()))]
    assert tuple(chain) == migrate.REVISIONS


def test_empty_database_upgraded_to_head_matches_models(db_url):
    from alembic.autogenerate import compare_metadata
    from alembic.migration import MigrationContext

    engine = make_engine(db_url)
    db = Database(db_url, engine)
    assert migrate.status(engine).current is None
    migrate.upgrade(db)
    assert migrate.status(engine).at_head
    with engine.connect() as conn:
        ctx = MigrationContext.configure(conn, opts={"compare_type": True})
        diff = compare_metadata(ctx, Base.metadata)
    assert diff == []
    engine.dispose()


def test_upgrade_from_first_revision_keeps_every_row(db_url):
    engine = make_engine(db_url)
    db = Database(db_url, engine)
    migrate.upgrade(db, "0001")
    assert migrate.status(engine).current == "0001"
    with engine.begin() as conn:
        conn.execute(text(
            "INSERT INTO cards (id, topic, stars, tags, question_zh, question_en, answer_zh, answer_en, exercise, source,"
            " path, position, content_hash, retired, updated_at) VALUES ('c1', 't', 2, '[]', 'q', 'q', 'a', 'a', NULL, '',"
            " 't/c1.md', 0, 'h', false, :now)"), {"now": NOW.replace(tzinfo=None)})
        conn.execute(text(
            "INSERT INTO profiles (name, desired_retention, parameters, new_per_day, interview_date, created_at)"
            " VALUES ('default', 0.9, NULL, 10, NULL, :now)"), {"now": NOW.replace(tzinfo=None)})
        pid = conn.execute(text("SELECT id FROM profiles")).scalar_one()
        conn.execute(text(
            "INSERT INTO card_states (profile_id, item_id, card_id, state, step, stability, difficulty, due, last_review, reps, lapses)"
            " VALUES (:p, 'c1:recall', 'c1', 2, NULL, 3.5, 5.0, :now, :now, 1, 0)"), {"p": pid, "now": NOW.replace(tzinfo=None)})
        for i in range(3):
            conn.execute(text(
                "INSERT INTO reviews (profile_id, item_id, card_id, rating, reviewed_at, duration_ms) VALUES (:p, 'c1:recall', 'c1', 3, :t, 1000)"),
                {"p": pid, "t": (NOW + dt.timedelta(minutes=i)).replace(tzinfo=None)})
    migrate.upgrade(db)
    assert migrate.status(engine).at_head
    from sqlalchemy.orm import Session

    with Session(engine) as s:
        assert s.scalar(select(func.count()).select_from(Card)) == 1
        assert s.scalar(select(func.count()).select_from(Profile)) == 1
        state = s.scalars(select(CardState)).one()
        assert (state.stability, state.buried_until) == (3.5, None)
        reviews = list(s.scalars(select(Review).order_by(Review.id)))
        assert [r.reviewed_at for r in reviews] == [NOW + dt.timedelta(minutes=i) for i in range(3)]
        assert all(r.ahead is False and r.source == "study" for r in reviews)
    engine.dispose()


def test_opening_an_old_sqlite_file_backs_it_up_then_upgrades(tmp_path):
    path = tmp_path / "old.sqlite3"
    url = f"sqlite:///{path}"
    engine = make_engine(url)
    migrate.upgrade(Database(url, engine), "0001")
    with engine.begin() as conn:
        conn.execute(text("INSERT INTO meta (key, value) VALUES ('marker', 'kept')"))
    engine.dispose()
    db = open_database(url, sync_bundled=False)
    db.close()
    backups = list(tmp_path.glob("old.sqlite3.*.bak"))
    assert len(backups) == 1
    con = sqlite3.connect(backups[0])
    assert con.execute("SELECT version_num FROM alembic_version").fetchone()[0] == "0001"
    assert con.execute("SELECT value FROM meta WHERE key='marker'").fetchone()[0] == "kept"
    con.close()
    con = sqlite3.connect(path)
    assert con.execute("SELECT version_num FROM alembic_version").fetchone()[0] == migrate.HEAD
    con.close()


def test_opening_a_database_at_head_does_not_import_alembic(tmp_path):
    import subprocess
    import sys

    url = f"sqlite:///{tmp_path / 'q.sqlite3'}"
    open_database(url, sync_bundled=False).close()
    code = (
        f"import sys; from quizzer.db import open_database; open_database({url!r}, sync_bundled=False).close();"
        "print('alembic' in sys.modules)"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True).stdout.strip()
    assert out == "False"


def test_new_sqlite_database_is_not_backed_up(tmp_path):
    open_database(f"sqlite:///{tmp_path / 'new.sqlite3'}", sync_bundled=False).close()
    assert list(tmp_path.glob("*.bak")) == []


def test_sqlite_pragmas(tmp_path):
    db = open_database(f"sqlite:///{tmp_path / 'p.sqlite3'}", sync_bundled=False)
    with db.engine.connect() as conn:
        assert conn.exec_driver_sql("PRAGMA journal_mode").scalar() == "wal"
        assert conn.exec_driver_sql("PRAGMA foreign_keys").scalar() == 1
        assert conn.exec_driver_sql("PRAGMA busy_timeout").scalar() >= 5000
    db.close()


def test_corrupt_sqlite_file_gives_one_clear_error(tmp_path):
    path = tmp_path / "junk.sqlite3"
    path.write_bytes(b"this is not a database" * 100)
    with pytest.raises(DatabaseError, match=r"not a quizzer database or is corrupt"):
        open_database(f"sqlite:///{path}")
    assert path.read_bytes().startswith(b"this is not a database")


def test_foreign_sqlite_database_is_refused(tmp_path):
    path = tmp_path / "other.sqlite3"
    con = sqlite3.connect(path)
    con.execute("CREATE TABLE stuff (x)")
    con.commit()
    con.close()
    with pytest.raises(DatabaseError, match="not a quizzer database"):
        open_database(f"sqlite:///{path}")


def test_newer_revision_is_refused(tmp_path):
    url = f"sqlite:///{tmp_path / 'n.sqlite3'}"
    open_database(url, sync_bundled=False).close()
    engine = create_engine(url)
    with engine.begin() as conn:
        conn.execute(text("UPDATE alembic_version SET version_num = '9999'"))
    engine.dispose()
    with pytest.raises(DatabaseError, match="revision 9999, which this quizzer does not know"):
        open_database(url)


def test_unreachable_postgres_gives_one_clear_error():
    pytest.importorskip("psycopg")
    with pytest.raises(DatabaseError, match="cannot use the database .*check --db"):
        open_database("postgresql+psycopg://nobody@127.0.0.1:1/none")


def test_models_and_migrations_agree_on_indexes(db):
    names = {ix["name"] for ix in inspect(db.engine).get_indexes("card_states")}
    assert "ix_card_states_profile_due" in names
