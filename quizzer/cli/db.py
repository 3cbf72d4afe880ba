"""``quizzer db`` and ``quizzer profile``: schema status/upgrade and learner profiles."""

from __future__ import annotations

import json

import click

from quizzer.cli.main import AppContext, pass_app

__all__ = ["db", "profile"]


@click.group()
def db() -> None:
    """Database status and upgrades.

    \b
    Example:
      quizzer db status
    """


@db.command("status")
@click.option("--json", "as_json", is_flag=True, help="Print JSON.")
@pass_app
def db_status(app: AppContext, as_json: bool) -> None:
    """Show where the database is and whether its schema is current.

    \b
    Example:
      quizzer --db study.sqlite3 db status
    """
    from quizzer.db import describe_db_error, make_engine, sqlite_path
    from quizzer.errors import DatabaseError
    from quizzer.migrate import status

    url = app.settings.db_url
    engine = make_engine(url)
    try:
        st = status(engine)
    except DatabaseError:
        raise
    except Exception as exc:  # driver errors: unreachable server, corrupt file
        raise DatabaseError(describe_db_error(engine.url.render_as_string(hide_password=True), exc)) from exc
    finally:
        engine.dispose()
    shown = engine.url.render_as_string(hide_password=True)
    path = sqlite_path(url)
    info = {"url": shown, "engine": engine.dialect.name, "revision": st.current, "head": st.head,
            "at_head": st.at_head, "pending": st.pending}
    if as_json:
        click.echo(json.dumps(info, indent=2))
        return
    click.echo(f"database: {shown}" + ("" if path is None or path.exists() else " (not created yet)"))
    click.echo(f"revision: {st.current or 'empty'} (head {st.head})")
    click.echo("status:   up to date" if st.at_head else f"status:   {len(st.pending)} migration(s) pending; run 'quizzer db upgrade'")


@db.command("upgrade")
@pass_app
def db_upgrade(app: AppContext) -> None:
    """Bring the database schema to the newest revision (a SQLite file is backed up first).

    \b
    Example:
      quizzer db upgrade
    """
    from quizzer.db import Database, make_engine
    from quizzer.migrate import status, upgrade

    engine = make_engine(app.settings.db_url)
    database = Database(app.settings.db_url, engine)
    try:
        before = status(engine)
        if before.at_head:
            click.echo(f"Already at head ({before.head}).", err=True)
            return
        backup = upgrade(database)
        if backup is not None:
            click.echo(f"Backed up to {backup}", err=True)
        click.echo(f"Upgraded {before.current or 'empty'} -> {before.head}.", err=True)
    finally:
        engine.dispose()


@click.group()
def profile() -> None:
    """Manage learner profiles (one database, several learners).

    \b
    Example:
      quizzer profile add alice && quizzer --profile alice study
    """


@profile.command("list")
@click.option("--json", "as_json", is_flag=True, help="Print JSON.")
@pass_app
def profile_list(app: AppContext, as_json: bool) -> None:
    """List profiles.

    \b
    Example:
      quizzer profile list --json
    """
    from quizzer.profiles import get_profile, list_profiles

    with app.store().transaction() as s:
        get_profile(s, "default")
        rows = [
            {"name": p.name, "desired_retention": p.desired_retention, "new_per_day": p.new_per_day,
             "interview_date": p.interview_date.isoformat() if p.interview_date else None}
            for p in list_profiles(s)
        ]
    if as_json:
        click.echo(json.dumps(rows, indent=2))
        return
    for r in rows:
        marker = "*" if r["name"] == app.settings.profile else " "
        interview = f"  interview {r['interview_date']}" if r["interview_date"] else ""
        click.echo(f"{marker} {r['name']}  retention {r['desired_retention']:.2f}  new/day {r['new_per_day']}{interview}")


@profile.command("add")
@click.argument("name")
@click.option("--retention", type=click.FloatRange(0.7, 0.99), default=0.9, show_default=True, help="Desired retention.")
@pass_app
def profile_add(app: AppContext, name: str, retention: float) -> None:
    """Create a learner profile.

    \b
    Example:
      quizzer profile add alice --retention 0.92
    """
    from quizzer.profiles import create_profile

    with app.store().transaction() as s:
        create_profile(s, name, desired_retention=retention)
    click.echo(f"Created profile {name!r}. Use it with --profile {name} or QUIZZER_PROFILE={name}.", err=True)
