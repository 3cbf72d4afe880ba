"""Heavy optional dependencies stay out of start-up paths."""

from __future__ import annotations

import subprocess
import sys

import pytest

HEAVY = ("torch", "alembic", "typst", "genanki", "anki", "matplotlib")


def modules_after(code: str) -> set[str]:
    out = subprocess.run([sys.executable, "-c", code + "\nimport sys, json; print(json.dumps(sorted(sys.modules)))"],
                         capture_output=True, text=True, check=True).stdout
    import json

    return set(json.loads(out.strip().splitlines()[-1]))


def test_import_quizzer_loads_nothing_heavy():
    mods = modules_after("import quizzer")
    assert not {m for m in mods if m.split(".")[0] in HEAVY}
    assert "sqlalchemy" not in mods


@pytest.mark.parametrize("argv", [["--help"], ["cards", "--help"], ["study", "--help"], ["exercise", "--help"], ["sheet", "--help"]])
def test_help_imports_neither_torch_nor_alembic(argv):
    code = (
        "import sys\nfrom quizzer.cli import cli\n"
        f"try:\n    cli.main(args={argv!r}, prog_name='quizzer', standalone_mode=False)\nexcept SystemExit:\n    pass\n"
    )
    mods = modules_after(code)
    assert "torch" not in mods and "alembic" not in mods


def test_public_api_resolves():
    import quizzer

    for name in quizzer.__all__:
        if name in ("check", "parse", "Verdict") and not _has("quizzer.answers"):
            continue
        assert getattr(quizzer, name) is not None
    with pytest.raises(AttributeError):
        quizzer.nope  # noqa: B018


def _has(module: str) -> bool:
    import importlib.util

    return importlib.util.find_spec(module) is not None


def test_sheet_help_loads_no_typesetting():
    code = ("from quizzer.cli import cli\ntry:\n    cli.main(args=['sheet', '--help'], prog_name='quizzer', "
            "standalone_mode=False)\nexcept SystemExit:\n    pass\n")
    mods = modules_after(code)
    assert not {m for m in mods if m.split(".")[0] in (*HEAVY, "latex2mathml", "sqlalchemy")}
