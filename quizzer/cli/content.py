"""``quizzer content check`` and ``quizzer sync``."""

from __future__ import annotations

import json
from pathlib import Path

import click

from quizzer.cli.main import AppContext, pass_app

__all__ = ["content", "sync"]


def _default_root() -> Path:
    from quizzer.config import bundled_content_dir

    return bundled_content_dir()


@click.group()
def content() -> None:
    """Validate content folders.

    \b
    Example:
      quizzer content check content/
    """


@content.command("check")
@click.argument("path", required=False, type=click.Path(path_type=Path))
@pass_app
def content_check(app: AppContext, path: Path | None) -> None:
    """Validate a content folder; print every problem as path:line: message. Writes nothing.

    PATH defaults to the bundled question bank.

    \b
    Example:
      quizzer content check content/
    """
    from quizzer.content import _scan

    root = path or _default_root()
    bundle, problems = _scan(root)
    for p, line, msg in problems:
        click.echo(f"{p}:{line}: {msg}")
    if problems:
        raise SystemExit(1)
    assert bundle is not None
    click.echo(f"OK: {len(bundle.cards)} cards in {len(bundle.topics)} topics.", err=True)


@click.command()
@click.argument("path", required=False, type=click.Path(path_type=Path))
@click.option("--json", "as_json", is_flag=True, help="Print the report as JSON.")
@pass_app
def sync(app: AppContext, path: Path | None, as_json: bool) -> None:
    """Load a content folder into the database (one transaction; history is never deleted).

    Cards are matched by id: new ones are added, edited ones updated, and cards no longer in the
    folder are retired (their reviews are kept). PATH defaults to the bundled question bank.

    \b
    Example:
      quizzer sync content/
    """
    from quizzer.content import load_content
    from quizzer.sync import sync as do_sync

    root = path or _default_root()
    bundle = load_content(root)  # raises ContentError before the database is touched
    store = app.store(sync_bundled=False)
    report = do_sync(store, bundle, source="bundled" if path is None else str(root.resolve()))
    if as_json:
        click.echo(json.dumps(report.to_dict(), indent=2))
    else:
        click.echo(report.summary())
