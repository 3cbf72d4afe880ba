"""The README stays true: it shows every command, and its two opening commands are the real ones."""

from __future__ import annotations

import re
from pathlib import Path

import click

from quizzer.cli.main import cli

README = Path(__file__).resolve().parents[1] / "README.md"


def _command_paths(group: click.Group, ctx: click.Context, prefix: tuple[str, ...] = ()) -> list[tuple[str, ...]]:
    paths = []
    for name in group.list_commands(ctx):
        command = group.get_command(ctx, name)
        assert command is not None, name
        path = (*prefix, name)
        paths.append(path)
        if isinstance(command, click.Group):
            paths.extend(_command_paths(command, click.Context(command, parent=ctx, info_name=name), path))
    return paths


def test_readme_shows_every_command_with_an_example():
    text = README.read_text(encoding="utf-8")
    paths = _command_paths(cli, click.Context(cli, info_name="quizzer"))
    assert len(paths) >= 15  # the walk really found the command tree
    missing = [" ".join(p) for p in paths if not re.search(r"(?m)^\$ quizzer (\S+ )*" + re.escape(" ".join(p)) + r"\b", text)]
    assert not missing, f"README has no example ('$ quizzer ...' line) for: {', '.join(missing)}"


def test_readme_opens_with_the_install_and_test_commands_ci_runs():
    text = README.read_text(encoding="utf-8")
    blocks = re.findall(r"```bash\n(.*?)```", text, re.S)
    assert blocks[:2] == ["pip install . && quizzer study\n", "pip install -e '.[test]' && python -m pytest\n"]
    ci = (README.parent / ".ci" / "run").read_text(encoding="utf-8")
    assert ci.rstrip().splitlines()[-1] == blocks[1].strip()
