"""The top-level ``quizzer`` group, its global options and error handling."""

from __future__ import annotations

import importlib
from typing import Any

import click

from quizzer.errors import QuizzerError

__all__ = ["AppContext", "LazyGroup", "cli", "main", "pass_app"]

# command name -> "module:attribute"; imported only when the command runs or its help is shown.
COMMANDS: dict[str, str] = {
    "study": "quizzer.cli.study:study",
    "drill": "quizzer.cli.exercise:drill",
    "exercise": "quizzer.cli.exercise:exercise",
    "check": "quizzer.cli.exercise:check",
    "calc": "quizzer.cli.calc:calc",
    "verify": "quizzer.cli.verify:verify",
    "cards": "quizzer.cli.cards:cards",
    "content": "quizzer.cli.content:content",
    "sync": "quizzer.cli.content:sync",
    "plan": "quizzer.cli.plan:plan",
    "stats": "quizzer.cli.plan:stats",
    "optimize": "quizzer.cli.plan:optimize",
    "export": "quizzer.cli.export:export",
    "sheet": "quizzer.cli.sheet:sheet",
    "profile": "quizzer.cli.db:profile",
    "db": "quizzer.cli.db:db",
}

# One-line summaries shown by `quizzer --help` without importing the command modules.
SUMMARIES: dict[str, str] = {
    "study": "Study due cards in the terminal (spaced repetition).",
    "drill": "Quick loop of auto-checked numeric exercises.",
    "exercise": "Print a seeded exercise (or list the kinds).",
    "check": "Check an answer to a seeded exercise.",
    "calc": "Calculator with worked steps (conv sizes, softmax, KL, ...).",
    "verify": "Cross-check the compute modules against PyTorch.",
    "cards": "List and show the cards in the database.",
    "content": "Validate content folders.",
    "sync": "Load a content folder into the database.",
    "plan": "Set an interview date and see the readiness plan.",
    "stats": "Review statistics, retention and forecast.",
    "optimize": "Fit this profile's FSRS parameters to its reviews.",
    "export": "Export cards (Anki decks).",
    "sheet": "Make printable exercise sheets with answer keys; grade them.",
    "profile": "Manage learner profiles.",
    "db": "Database status and upgrades.",
}


class LazyGroup(click.Group):
    """A group whose subcommands are imported on first use."""

    def __init__(self, *args: Any, lazy: dict[str, str] | None = None, **kwargs: Any):
        super().__init__(*args, **kwargs)
        self.lazy = lazy or {}

    def list_commands(self, ctx: click.Context) -> list[str]:
        return sorted(set(super().list_commands(ctx)) | set(self.lazy))

    def get_command(self, ctx: click.Context, name: str) -> click.Command | None:
        if name in self.lazy:
            module_name, attr = self.lazy[name].split(":")
            try:
                module = importlib.import_module(module_name)
            except ModuleNotFoundError as exc:
                if exc.name == module_name:
                    return None  # command not built in this version
                raise
            return getattr(module, attr)
        return super().get_command(ctx, name)

    def invoke(self, ctx: click.Context) -> Any:
        # The one place library errors become "Error: ..." on stderr with exit code 1.
        try:
            return super().invoke(ctx)
        except QuizzerError as exc:
            raise click.ClickException(str(exc)) from exc

    def format_commands(self, ctx: click.Context, formatter: click.HelpFormatter) -> None:
        rows = [(name, SUMMARIES.get(name, "")) for name in self.list_commands(ctx)]
        if rows:
            with formatter.section("Commands"):
                formatter.write_dl(rows)


class AppContext:
    """What the global options select: database URL, profile, language. Opened lazily."""

    def __init__(self, db: str | None, profile: str | None, lang: str | None):
        self.db_option = db
        self.profile_option = profile
        self.lang_option = lang
        self._settings: Any = None
        self._store: Any = None

    @property
    def settings(self) -> Any:
        if self._settings is None:
            from quizzer.config import resolve_settings

            self._settings = resolve_settings(db=self.db_option, profile=self.profile_option, lang=self.lang_option)
        return self._settings

    def one_lang(self, lang: str | None) -> str:
        """The language for output that has exactly one: the option, else the global --lang if it
        is zh or en, else en."""
        return lang or (self.lang_option if self.lang_option in ("zh", "en") else "en")

    def store(self, *, sync_bundled: bool = True) -> Any:
        """The opened database (brought to head, bundled content synced on first use)."""
        if self._store is None:
            from quizzer.db import open_database

            self._store = open_database(self.settings.db_url, sync_bundled=sync_bundled)
        return self._store

    def close(self) -> None:
        if self._store is not None:
            self._store.close()
            self._store = None


pass_app = click.make_pass_decorator(AppContext)


@click.group(
    cls=LazyGroup,
    lazy=COMMANDS,
    context_settings={"help_option_names": ["-h", "--help"], "max_content_width": 100},
)
@click.option("--db", envvar="QUIZZER_DB", metavar="URL", help="Database URL or SQLite file path [env: QUIZZER_DB].")
@click.option("--profile", envvar="QUIZZER_PROFILE", metavar="NAME", help="Learner profile [env: QUIZZER_PROFILE; default: default].")
@click.option("--lang", envvar="QUIZZER_LANG", type=click.Choice(["zh", "en", "both"]), help="Language of cards [env: QUIZZER_LANG; default: both].")
@click.version_option(package_name="quizzer", prog_name="quizzer")
@click.pass_context
def cli(ctx: click.Context, db: str | None, profile: str | None, lang: str | None) -> None:
    """Study deep-learning interview questions with spaced repetition and verified exercises.

    \b
    Example:
      quizzer study                 # review what is due today
      quizzer exercise conv.output_size --seed 7
    """
    app = AppContext(db, profile, lang)
    ctx.obj = app
    ctx.call_on_close(app.close)


def main(argv: list[str] | None = None) -> None:
    """Entry point of the ``quizzer`` script and ``python -m quizzer``."""
    cli.main(args=argv, prog_name="quizzer")
