"""``quizzer exercise``, ``quizzer check`` and ``quizzer drill``: seeded numeric exercises."""

from __future__ import annotations

import json
import random
import sys
import time

import click

from quizzer.cli.main import AppContext, pass_app

__all__ = ["check", "drill", "exercise"]

_LANGS = click.Choice(["zh", "en", "both"])


def _langs(app: AppContext, lang: str | None) -> list[str]:
    chosen = lang or app.lang_option or "both"
    return ["zh", "en"] if chosen == "both" else [chosen]


def _print_md(text: str) -> None:
    from rich.console import Console

    from quizzer.render import markdown

    Console(highlight=False).print(markdown(text, pad=False))


def _list_kinds(module: str | None, as_json: bool) -> None:
    from quizzer.exercises.registry import kinds, module_names

    if module is not None and module not in module_names():
        raise click.BadParameter(f"unknown module {module!r}; choose from: {', '.join(module_names())}",
                                 param_hint="--module")
    rows = kinds(module)
    if as_json:
        click.echo(json.dumps([{"kind": k.name, "module": k.module, "description": k.description} for k in rows],
                              indent=1))
        return
    width = max(len(k.name) for k in rows)
    current = None
    for k in rows:
        if k.module != current:
            current = k.module
            click.secho(f"{current}", bold=True)
        click.echo(f"  {k.name:<{width}}  {k.description}")
    click.echo(f"{len(rows)} kinds", err=True)


@click.command()
@click.argument("kind", required=False)
@click.option("--seed", type=click.IntRange(min=0), help="Seed of the variant [default: a random one, printed].")
@click.option("--difficulty", "-d", type=click.IntRange(1, 3), default=2, show_default=True, help="1 (easy) to 3.")
@click.option("--lang", type=_LANGS, help="Language [default: the global --lang, else both].")
@click.option("--solution", is_flag=True, help="Show the answer and the worked solution too.")
@click.option("--list", "list_kinds", is_flag=True, help="List the exercise kinds.")
@click.option("--module", help="With --list: only this module's kinds (e.g. conv).")
@click.option("--json", "as_json", is_flag=True, help="Print JSON (kind, seed, difficulty, prompts, answer, solutions).")
@pass_app
def exercise(app: AppContext, kind: str | None, seed: int | None, difficulty: int, lang: str | None, solution: bool,
             list_kinds: bool, module: str | None, as_json: bool) -> None:
    """Print a seeded exercise of KIND; the same seed gives the same exercise everywhere.

    Without KIND (or with --list) lists the kinds.  Check an answer with 'quizzer check'.

    \b
    Examples:
      quizzer exercise --list
      quizzer exercise conv.output_size --seed 7
      quizzer exercise information.kl_divergence --seed 3 --solution --lang en
    """
    if list_kinds or kind is None:
        _list_kinds(module, as_json)
        return
    from quizzer.exercises import generate

    if seed is None:
        seed = random.SystemRandom().randrange(1_000_000)
    ex = generate(kind, seed, difficulty)
    if as_json:
        d = ex.to_dict()
        keys = ("kind", "seed", "difficulty", "prompt_zh", "prompt_en", "answer", "solution_zh", "solution_en")
        out = {k: d[k] for k in keys}
        out.update(expected=d["expected"], misconceptions=d["misconceptions"])
        click.echo(json.dumps(out, ensure_ascii=False, indent=1))
        return
    click.secho(f"{ex.kind} · seed {ex.seed} · difficulty {ex.difficulty}", dim=True)
    for lg in _langs(app, lang):
        _print_md(ex.prompt(lg))
        hint = ex.answer.format_hint_zh if lg == "zh" else ex.answer.format_hint_en
        if hint:
            click.secho(("答案格式：" if lg == "zh" else "Answer format: ") + hint, dim=True)
    if solution:
        click.secho(f"Answer: {ex.answer.display()}", bold=True)
        for lg in _langs(app, lang):
            _print_md(ex.solution(lg))
    else:
        extra = "" if difficulty == 2 else f" -d {difficulty}"
        click.secho(f"Check: quizzer check {ex.kind} --seed {ex.seed}{extra} --answer '...'", dim=True)


@click.command()
@click.argument("kind")
@click.option("--seed", type=click.IntRange(min=0), required=True, help="Seed of the exercise answered.")
@click.option("--difficulty", "-d", type=click.IntRange(1, 3), default=2, show_default=True, help="Its difficulty.")
@click.option("--answer", "-a", "answer", required=True, help="The answer, as you would write it (e.g. 16x16, 3/4, 1.2e-3).")
@click.option("--lang", type=click.Choice(["zh", "en"]), help="Language of the feedback [default: en].")
@click.option("--json", "as_json", is_flag=True, help="Print JSON (correct, status, feedback, misconception).")
@pass_app
def check(app: AppContext, kind: str, seed: int, difficulty: int, answer: str, lang: str | None, as_json: bool) -> None:
    """Check an answer to the exercise KIND --seed S.

    Exit status: 0 when the answer is right, 1 when it is wrong or cannot be read (the feedback
    says which format is expected).

    \b
    Example:
      quizzer check conv.output_size --seed 7 --answer 56x56
    """
    from quizzer.answers import check as check_answer
    from quizzer.exercises import generate

    lg = app.one_lang(lang)
    ex = generate(kind, seed, difficulty)
    verdict = check_answer(ex, answer, lg)
    if as_json:
        out = verdict.to_dict(lg)
        out["expected"] = verdict.expected
        click.echo(json.dumps(out, ensure_ascii=False, indent=1))
    else:
        mark = {"correct": ("✓ Correct", "green"), "incorrect": ("✗ Incorrect", "red"),
                "unreadable": ("? Could not read the answer", "yellow")}[verdict.status.value]
        click.secho(mark[0], fg=mark[1], bold=True)
        _print_md(verdict.feedback(lg))
    sys.exit(0 if verdict.correct else 1)


def _drill_kinds(target: str | None) -> list[str]:
    from quizzer.errors import ExerciseError
    from quizzer.exercises.registry import KINDS, kind_names, kinds, module_names

    if target is None:
        return kind_names()
    if target in KINDS:
        return [target]
    if target in module_names():
        return [k.name for k in kinds(target)]
    raise ExerciseError(f"{target!r} is neither an exercise kind nor a module; modules: {', '.join(module_names())}; "
                        "see 'quizzer exercise --list' for the kinds")


@click.command()
@click.argument("target", metavar="[KIND|MODULE]", required=False)
@click.option("--count", "-n", type=click.IntRange(1, 500), default=10, show_default=True, help="How many exercises.")
@click.option("--seed", type=click.IntRange(min=0), help="Seed of the run: the same seed, the same exercises.")
@click.option("--difficulty", "-d", type=click.IntRange(1, 3), help="Fix the difficulty [default: 1, rising to 3].")
@click.option("--lang", type=_LANGS, help="Language [default: the global --lang, else both].")
@pass_app
def drill(app: AppContext, target: str | None, count: int, seed: int | None, difficulty: int | None,
          lang: str | None) -> None:
    """A quick loop of auto-checked exercises, with a score at the end.

    Type the answer and press Enter; an empty line skips, 'q' quits.  An answer that cannot be
    read is explained and asked again.  Nothing is recorded: for scheduled practice use
    'quizzer study'.

    \b
    Examples:
      quizzer drill conv --count 5
      quizzer drill information.kl_divergence -n 3 --seed 1
    """
    from quizzer.answers import check as check_answer
    from quizzer.exercises import generate

    names = _drill_kinds(target)
    if seed is None:
        seed = random.SystemRandom().randrange(1_000_000)
    rng = random.Random(seed)
    order = rng.sample(names, len(names))  # every kind once before any repeats
    langs = _langs(app, lang)
    feedback_lang = langs[-1] if len(langs) == 1 else "en"
    right = wrong = skipped = 0
    started = time.monotonic()
    click.secho(f"drill · {target or 'all kinds'} · {count} exercises · seed {seed}", dim=True)
    asked = 0
    for n in range(1, count + 1):
        kind = order[(n - 1) % len(order)]
        level = difficulty or min(3, 1 + (3 * (n - 1)) // count)
        ex = generate(kind, rng.randrange(1_000_000), level)
        click.echo()
        click.secho(f"[{n}/{count}] {ex.kind} · seed {ex.seed} · difficulty {ex.difficulty}", bold=True)
        for lg in langs:
            _print_md(ex.prompt(lg))
        hint = ex.answer.format_hint_zh if feedback_lang == "zh" else ex.answer.format_hint_en
        if hint:
            click.secho(("答案格式：" if feedback_lang == "zh" else "Answer format: ") + hint, dim=True)
        while True:
            text = _ask()
            if text is None or text.strip().lower() in ("q", "quit", "exit"):
                _score(right, wrong, skipped, asked, time.monotonic() - started, stopped=True)
                return
            if not text.strip():
                skipped += 1
                asked += 1
                click.secho(f"Skipped. Answer: {ex.answer.display()}", fg="yellow")
                break
            verdict = check_answer(ex, text, feedback_lang)
            if verdict.status.value == "unreadable":
                click.secho(verdict.feedback(feedback_lang), fg="yellow")
                continue
            asked += 1
            if verdict.correct:
                right += 1
                click.secho("✓ Correct", fg="green", bold=True)
            else:
                wrong += 1
                click.secho("✗ Incorrect", fg="red", bold=True)
            _print_md(verdict.feedback(feedback_lang))
            if not verdict.correct:
                _print_md(ex.solution(feedback_lang))
            break
    _score(right, wrong, skipped, asked, time.monotonic() - started)


def _ask() -> str | None:
    try:
        return click.prompt("", default="", show_default=False, prompt_suffix="› ")
    except (EOFError, click.Abort):
        return None


def _score(right: int, wrong: int, skipped: int, asked: int, seconds: float, stopped: bool = False) -> None:
    click.echo()
    pct = f" ({100 * right / asked:.0f}%)" if asked else ""
    click.secho(f"Score: {right}/{asked}{pct} · {wrong} wrong · {skipped} skipped · {seconds:.0f} s"
                + (" · stopped early" if stopped else ""), bold=True)
