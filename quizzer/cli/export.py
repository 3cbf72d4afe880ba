"""``quizzer export anki``: the question bank and exercise variants as an Anki package."""

from __future__ import annotations

import sys
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import click

from quizzer.cli.main import AppContext, pass_app

__all__ = ["export"]


@click.group()
def export() -> None:
    """Export cards (Anki decks).

    \b
    Example:
      quizzer export anki -o dl.apkg
    """


@contextmanager
def _progress_bar(enabled: bool) -> Iterator[Any]:
    """A rich progress bar on stderr when it is a terminal; otherwise no callback at all."""
    if not enabled:
        yield None
        return
    from rich.console import Console
    from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeRemainingColumn

    with Progress(TextColumn("building notes"), BarColumn(), MofNCompleteColumn(), TimeRemainingColumn(),
                  console=Console(stderr=True), transient=True) as bar:
        task = bar.add_task("notes", total=None)

        def advance(done: int, total: int) -> None:
            bar.update(task, completed=done, total=total)

        yield advance


def _size(n: int) -> str:
    if n < 1024:
        return f"{n} B"
    if n < 1024 * 1024:
        return f"{n / 1024:.1f} KB"
    return f"{n / (1024 * 1024):.1f} MB"


@export.command("anki")
@click.option("-o", "--output", required=True, type=click.Path(dir_okay=False, path_type=Path), metavar="FILE.apkg",
              help="The package to write (replaced if it exists).")
@click.option("--topic", "topics", multiple=True, metavar="TOPIC",
              help="Only this topic (repeat for several; see 'quizzer cards topics').")
@click.option("--stars", type=click.IntRange(1, 3), help="Only cards with this many stars.")
@click.option("--lang", type=click.Choice(["zh", "en", "both"]),
              help="Language of the notes [default: the global --lang, else both].")
@click.option("--variants", type=click.IntRange(0, 100), default=5, show_default=True,
              help="Exercise variants (seeds 1..N) per card with an exercise.")
@click.option("--content", type=click.Path(exists=True, file_okay=False, path_type=Path),
              help="Content folder to export [default: the bundled question bank].")
@pass_app
def export_anki_command(app: AppContext, output: Path, topics: tuple[str, ...], stars: int | None, lang: str | None,
                        variants: int, content: Path | None) -> None:
    """Write an Anki package: one deck per topic under 'Deep Learning Interview'.

    Importing a newer export updates the notes Anki already has (matched by stable ids) and adds
    none twice. Math is shown by Anki's MathJax.

    \b
    Example:
      quizzer export anki -o dl.apkg
      quizzer export anki -o conv.apkg --topic convolution --lang en --variants 20
    """
    from quizzer.export.anki import export_anki

    chosen = lang or app.lang_option or "both"
    with _progress_bar(sys.stderr.isatty()) as progress:
        result = export_anki(output, content=content, topics=topics, stars=stars, lang=chosen, variants=variants,
                             progress=progress)
    click.echo(f"Wrote {result.path}: {result.notes} notes ({result.question_notes} questions, "
               f"{result.exercise_notes} exercise variants) in {len(result.decks)} decks, {_size(result.size)}")
