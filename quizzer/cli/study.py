"""``quizzer study``: a spaced-repetition session in the terminal."""

from __future__ import annotations

import contextlib
import signal
from collections.abc import Iterator
from typing import Any

import click

from quizzer.cli.main import AppContext, pass_app

__all__ = ["study"]


class StarsType(click.ParamType):
    """3, 2-3 or 1,3: one or more star levels."""

    name = "stars"

    def convert(self, value: Any, param: click.Parameter | None, ctx: click.Context | None) -> tuple[int, ...]:
        if isinstance(value, tuple):
            return value
        text = str(value).strip()
        try:
            if "-" in text:
                lo, hi = (int(p) for p in text.split("-", 1))
                levels = tuple(range(lo, hi + 1))
            else:
                levels = tuple(int(p) for p in text.split(","))
        except ValueError:
            levels = ()
        if not levels or any(n not in (1, 2, 3) for n in levels):
            self.fail(f"{value!r} is not a star level: use 1, 2 or 3, a range such as 2-3, or repeat --stars", param, ctx)
        return levels


@contextlib.contextmanager
def _terminate_as_interrupt() -> Iterator[None]:
    """SIGTERM ends the session like q, so the terminal is restored and the summary shown."""

    def handler(signum: int, frame: Any) -> None:
        raise KeyboardInterrupt

    try:
        previous = signal.signal(signal.SIGTERM, handler)
    except ValueError:  # not the main thread (e.g. under a test runner)
        yield
        return
    try:
        yield
    finally:
        signal.signal(signal.SIGTERM, previous)


@click.command()
@click.option("--topic", help="Only this topic (see 'quizzer cards topics').")
@click.option("--stars", "stars", type=StarsType(), multiple=True, metavar="N|A-B",
              help="Only cards with these stars: 3, or a range such as 2-3; repeatable.")
@click.option("--limit", type=click.IntRange(min=1), metavar="N", help="At most N items in this session.")
@click.option("--new", "new", type=click.IntRange(min=0), metavar="N",
              help="New items allowed today, instead of the profile's daily limit (10).")
@click.option("--ahead", type=click.IntRange(min=0), default=0, metavar="N",
              help="Cram: also review items due in the next N days (recorded as reviewed ahead).")
@click.option("--lang", type=click.Choice(["zh", "en", "both"]), help="Language of the cards [default: the global --lang].")
@pass_app
def study(app: AppContext, topic: str | None, stars: tuple[tuple[int, ...], ...], limit: int | None, new: int | None,
          ahead: int, lang: str | None) -> None:
    """Study due cards in the terminal (spaced repetition).

    Due items come first, then new ones (★★★ first). Recall: think, SPACE shows the answer, rate it
    1-4 (Again, Hard, Good, Easy; the next interval is shown for each). Drill: type the answer and
    press Enter; Enter keeps the rating derived from correctness and time, 1-4 changes it. u takes
    back the last rating, s skips an item until tomorrow, q or Ctrl-C ends the session with a
    summary. Every rating is saved the moment it is given.

    \b
    Example:
      quizzer study --stars 3 --limit 20
      quizzer study --topic convolution --ahead 3    # the night before an interview
    """
    from rich.console import Console

    from quizzer.session import SessionOptions, StudySession
    from quizzer.study import StudyService
    from quizzer.tui import StudyScreen, describe_outlook, run, summary_lines

    levels = tuple(sorted({n for group in stars for n in group}))
    options = SessionOptions(topic=topic, stars=levels, limit=limit, new=new, ahead=ahead)
    db = app.store()
    if topic is not None:
        from quizzer.cards import require_topic

        require_topic(db, topic)
    service = StudyService(db, app.settings.profile)
    session = StudySession(service, options)
    console = Console(highlight=False)
    if session.current() is None:
        click.echo(describe_outlook(session.outlook(), session.started), err=True)
        return
    screen = StudyScreen(console, lang or app.settings.lang, service.topic_names())
    from quizzer.keys import Keyboard

    with Keyboard() as keyboard, _terminate_as_interrupt():
        run(session, screen, keyboard)
    console.clear()
    console.print("[bold]Session summary[/]")
    for line in summary_lines(session.summary()):
        console.print(line)
    for problem in session.problems:
        click.echo(f"Left out: {problem}", err=True)
