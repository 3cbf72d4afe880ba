"""``quizzer sheet``: printable exercise sheets with answer keys, and ``quizzer sheet grade``."""

from __future__ import annotations

import dataclasses
import datetime as dt
import json
import secrets
import sys
from pathlib import Path

import click

from quizzer.cli.main import AppContext, pass_app

__all__ = ["sheet"]

_MAKE_OPTIONS = ("output", "fmt", "modules", "topics", "kinds", "count", "difficulty", "seed", "lang", "key", "code")


@click.group(invoke_without_command=True)
@click.option("-o", "--output", type=click.Path(dir_okay=False, path_type=Path), metavar="FILE",
              help="The sheet to write (.pdf, .md or .html); replaced if it exists.")
@click.option("--format", "fmt", type=click.Choice(["pdf", "md", "html"]),
              help="Output format [default: from the file name].")
@click.option("--module", "modules", multiple=True, metavar="M", help="Draw from this module's kinds (repeatable; e.g. conv).")
@click.option("--topic", "topics", multiple=True, metavar="T",
              help="Draw from the modules this topic's cards drill (repeatable; see 'quizzer cards topics').")
@click.option("--kind", "kinds", multiple=True, metavar="K", help="Draw from this exercise kind (repeatable).")
@click.option("--count", "-n", type=click.IntRange(1, 500), default=10, show_default=True, help="Number of problems.")
@click.option("--difficulty", "-d", type=click.IntRange(1, 3), help="1 (easy) to 3 [default: a mix, easy first].")
@click.option("--seed", type=click.IntRange(0, 2**32 - 1), help="Seed [default: a random one; the sheet code keeps it].")
@click.option("--lang", type=click.Choice(["zh", "en"]), help="Language [default: the global --lang if zh/en, else en].")
@click.option("--key", type=click.Path(dir_okay=False, path_type=Path), metavar="KEYFILE",
              help="Where to write the answer key [default: FILE with -key before the suffix].")
@click.option("--code", help="Write the sheet this code stands for again (instead of choosing problems).")
@click.pass_context
def sheet(ctx: click.Context, output: Path | None, fmt: str | None, modules: tuple[str, ...], topics: tuple[str, ...],
          kinds: tuple[str, ...], count: int, difficulty: int | None, seed: int | None, lang: str | None,
          key: Path | None, code: str | None) -> None:
    """Make a printable sheet of fresh exercises and its answer key.

    Problems are drawn from the chosen modules, topics and kinds (all kinds when none is chosen) in
    proportion, never twice the same, ordered from easy to hard. The header carries a sheet code:
    the same code, options and seed give the same sheet, and 'quizzer sheet grade' checks answers
    against it.

    \b
    Example:
      quizzer sheet -o conv.pdf --module conv --count 12
      quizzer sheet -o mixed.html --topic foundations --difficulty 1 --seed 7
      quizzer sheet -o again.pdf --code S-040G-02G0-0002-NZR7-7CAG
      quizzer sheet grade answers.txt --code S-040G-02G0-0002-NZR7-7CAG
    """
    if ctx.invoked_subcommand is not None:
        given = [f"--{n}" for n in _MAKE_OPTIONS if ctx.get_parameter_source(n) == click.core.ParameterSource.COMMANDLINE]
        if given:
            raise click.UsageError(f"{', '.join(given)} belong(s) to making a sheet, not to 'sheet {ctx.invoked_subcommand}'")
        return
    if output is None:
        raise click.UsageError("missing option '-o' / '--output': the file to write, e.g. -o sheet.pdf")
    from quizzer.export.sheet import SheetSpec, kinds_for
    from quizzer.export.sheet_render import write_sheet

    app: AppContext = ctx.obj
    if code is not None:
        if modules or topics or kinds or seed is not None or difficulty is not None or \
                ctx.get_parameter_source("count") == click.core.ParameterSource.COMMANDLINE:
            raise click.UsageError("--code already fixes the problems; drop --module/--topic/--kind/--count/--difficulty/--seed")
        spec = SheetSpec.from_code(code)
        if lang is not None:
            spec = dataclasses.replace(spec, lang=lang)
    else:
        spec = SheetSpec(kinds_for(kinds, modules, topics), count=count, difficulty=difficulty,
                         seed=secrets.randbelow(1_000_000) if seed is None else seed, lang=app.one_lang(lang))

    status = None
    if sys.stderr.isatty() and spec.count >= 30:
        from rich.console import Console

        status = Console(stderr=True).status(f"typesetting {spec.count} problems…")
        status.start()
    try:
        files = write_sheet(spec, output, fmt=fmt, key_path=key, today=dt.date.today())
    finally:
        if status is not None:
            status.stop()
    for warning in files.warnings:
        click.echo(f"Warning: {warning}", err=True)
    n = len(files.sheet.problems)
    click.echo(f"Wrote {files.path} ({n} problem{'s' if n != 1 else ''}) and its key {files.key_path}")
    click.echo(f"Sheet code: {files.sheet.code}")


@sheet.command("grade")
@click.argument("answers", type=click.File("r", encoding="utf-8"))
@click.option("--code", required=True, help="The code printed in the sheet's header.")
@click.option("--json", "as_json", is_flag=True, help="Print the results as JSON.")
@click.option("--record", is_flag=True, help="Also record the results as drill reviews for the profile.")
@click.option("--lang", type=click.Choice(["zh", "en"]), help="Language of the feedback [default: the sheet's].")
@pass_app
def grade_command(app: AppContext, answers, code: str, as_json: bool, record: bool, lang: str | None) -> None:  # type: ignore[no-untyped-def]
    """Grade a filled-in answers file against the sheet a code names.

    ANSWERS is a text file (or - for standard input) with one numbered answer per line, such as
    '3. 112', '3) 16x16' or '3: 0.25'; blank lines and lines starting with # are skipped. Every
    problem gets a verdict with feedback (known mistakes are named); lines that cannot be read are
    reported with their line number and the rest is still graded.

    \b
    Example:
      quizzer sheet grade answers.txt --code S-040G-02G0-0002-NZR7-7CAG
      quizzer sheet grade answers.txt --code S-040G-02G0-0002-NZR7-7CAG --record --json
    """
    from quizzer.export.sheet import SheetSpec, build_sheet, grade, record_grading

    spec = SheetSpec.from_code(code)
    lg = lang or spec.lang
    result = grade(build_sheet(spec), answers.read(), lg)
    if record:
        result = record_grading(app.store(), app.settings.profile, result, dt.datetime.now(dt.UTC))
    for line, message in result.errors:
        click.echo(f"{answers.name}:{line}: {message}", err=True)
    if as_json:
        click.echo(json.dumps(result.to_dict(lg), ensure_ascii=False, indent=1))
        return
    from rich.console import Console

    from quizzer.mathtext import render_math

    console = Console(highlight=False)
    marks = {"correct": ("✓", "green"), "incorrect": ("✗", "red"), "unreadable": ("?", "yellow"),
             "unanswered": ("–", "dim")}
    zh = lg == "zh"
    for r in result.results:
        mark, colour = marks[r.status]
        given = r.answer.text if r.answer and r.answer.text else ("未作答" if zh else "no answer")
        line = f"[{colour}]{mark}[/] {r.problem.number:>3}. {_esc(given)}"
        if r.status != "correct":
            expected = _esc(r.problem.exercise.answer.display())
            line += f"  [dim]({'正确答案' if zh else 'expected'} {expected})[/]"
        console.print(line)
        if r.verdict is not None and r.status != "correct":
            console.print("       " + _esc(render_math(r.verdict.feedback(lg))))
    console.print(f"{'得分' if zh else 'Score'}: {result.correct}/{result.total} ({result.score:.0%})", style="bold")
    if result.recorded is not None:
        click.echo(f"Recorded {result.recorded} drill review(s) for profile '{app.settings.profile}'.", err=True)
        if result.not_recorded:
            click.echo(f"Not recorded (no card drills them): {', '.join(result.not_recorded)}", err=True)


def _esc(text: str) -> str:
    from rich.markup import escape

    return escape(text)
