"""``quizzer verify``: cross-check every compute function against PyTorch."""

from __future__ import annotations

import json
import sys
import time

import click

__all__ = ["verify"]


def _error(e: float) -> str:
    return "exact" if e == 0 else f"{e:.1e}"


@click.command()
@click.option("--module", "-m", "modules", multiple=True, metavar="M",
              help="Only this compute module (repeatable), e.g. conv, softmax, information, perceptron.")
@click.option("--cases", type=click.IntRange(min=1), default=None,
              help="Random configurations per function [default: 200].")
@click.option("--seed", type=click.IntRange(min=0), default=0, show_default=True, help="Seed of the random cases.")
@click.option("--json", "as_json", is_flag=True, help="Print JSON: one object per checked function.")
def verify(modules: tuple[str, ...], cases: int | None, seed: int, as_json: bool) -> None:
    """Cross-check the compute modules against PyTorch on random and edge cases.

    Prints a table (module, function, cases, max error, status) and exits 1 if quizzer and torch
    disagree anywhere.  Needs the torch extra: pip install 'quizzer[torch]'.

    \b
    Examples:
      quizzer verify
      quizzer verify --module conv --module softmax --cases 1000
    """
    from quizzer.verify import DEFAULT_CASES
    from quizzer.verify import verify as run

    started = time.perf_counter()
    progress = None
    if not as_json and sys.stderr.isatty():
        def progress(topic: str, done: int, total: int) -> None:
            click.echo(f"\r  checked {done}/{total} modules ({topic})".ljust(60), nl=done == total, err=True)

    results = run(modules or None, cases or DEFAULT_CASES, seed, progress)
    seconds = time.perf_counter() - started
    failed = [r for r in results if not r.ok]
    if as_json:
        click.echo(json.dumps([{"module": r.module, "function": r.function, "cases": r.cases,
                                "max_error": r.max_error, "ok": r.ok, "failures": r.failures} for r in results],
                              indent=1))
    else:
        from rich.console import Console
        from rich.table import Table

        table = Table(title=None, box=None, header_style="bold", pad_edge=False)
        for col, justify in (("module", "left"), ("function", "left"), ("cases", "right"), ("max error", "right"),
                             ("status", "left")):
            table.add_column(col, justify=justify)  # type: ignore[arg-type]
        for r in results:
            table.add_row(r.module, r.function, str(r.cases), _error(r.max_error),
                          "[green]ok[/]" if r.ok else f"[red]FAIL ({len(r.failures)})[/]")
        console = Console(highlight=False)
        console.print(table)
        for r in failed:
            for line in r.failures[:5]:
                console.print(f"[red]{r.module}.{r.function}[/]: {line}")
        total = sum(r.cases for r in results)
        console.print(f"{len(results)} functions, {total} cases, {len(failed)} disagreeing · {seconds:.1f} s")
    sys.exit(1 if failed else 0)
