"""Alembic environment: runs on the connection quizzer passes in (or one made from the URL)."""

from alembic import context
from sqlalchemy import create_engine

from quizzer.models import Base

config = context.config
target_metadata = Base.metadata


def _run(connection):
    context.configure(
        connection=connection,
        target_metadata=target_metadata,
        render_as_batch=connection.dialect.name == "sqlite",
        compare_type=True,
    )
    with context.begin_transaction():
        context.run_migrations()


def run_migrations_online() -> None:
    connection = config.attributes.get("connection")
    if connection is not None:
        _run(connection)
        return
    url = config.get_main_option("sqlalchemy.url")
    if not url:
        from quizzer.config import resolve_settings

        url = resolve_settings().db_url
    from quizzer.db import make_engine

    engine = make_engine(url) if url else create_engine(url)
    with engine.begin() as connection:
        _run(connection)
    engine.dispose()


if context.is_offline_mode():
    raise SystemExit("quizzer migrations run online only: use 'quizzer db upgrade'")
run_migrations_online()
