"""``quizzer sheet`` and ``quizzer sheet grade`` from the command line."""

from __future__ import annotations

import json
import re

import pytest
from click.testing import CliRunner

from quizzer.cli.main import cli
from quizzer.export.sheet import SheetSpec, build_sheet


def run(*args: str, input: str | None = None, env: dict[str, str] | None = None):  # type: ignore[no-untyped-def]
    return CliRunner().invoke(cli, list(args), input=input, env=env, catch_exceptions=False)


def _code(output: str) -> str:
    return re.search(r"Sheet code: (S-[0-9A-Z-]+)", output).group(1)


def test_make_a_markdown_sheet_and_regenerate_it_from_its_code(tmp_path):
    out = run("sheet", "-o", str(tmp_path / "a.md"), "--module", "conv", "-n", "6", "--seed", "9")
    assert out.exit_code == 0, out.output
    assert f"Wrote {tmp_path / 'a.md'} (6 problems) and its key {tmp_path / 'a-key.md'}" in out.output
    code = _code(out.output)
    assert SheetSpec.from_code(code) == SheetSpec(SheetSpec.from_code(code).kinds, 6, None, 9, "en")
    again = run("sheet", "-o", str(tmp_path / "b.md"), "--code", code, "--key", str(tmp_path / "b.answers.md"))
    assert again.exit_code == 0, again.output
    assert (tmp_path / "a.md").read_text() == (tmp_path / "b.md").read_text()
    assert (tmp_path / "a-key.md").read_text() == (tmp_path / "b.answers.md").read_text()


def test_html_by_format_option_and_global_language(tmp_path):
    out = run("--lang", "zh", "sheet", "-o", str(tmp_path / "s.out"), "--format", "html", "--kind", "softmax.value",
              "-n", "3", "--seed", "1", "-d", "1")
    assert out.exit_code == 0, out.output
    page = (tmp_path / "s.out").read_text(encoding="utf-8")
    assert page.startswith("<!DOCTYPE html>") and "深度学习练习题" in page
    assert SheetSpec.from_code(_code(out.output)) == SheetSpec(("softmax.value",), 3, 1, 1, "zh")


def test_grade_prints_verdicts_and_score_and_reports_bad_lines(tmp_path):
    spec = SheetSpec(("conv.output_size", "softmax.value"), 4, 2, 17, "en")
    sheet = build_sheet(spec)
    e = [p.exercise for p in sheet.problems]
    answers = tmp_path / "answers.txt"
    answers.write_text(f"1. {e[0].answer.display()}\n2. 0\nnonsense\n3) {e[2].answer.display()}\n", encoding="utf-8")
    out = CliRunner().invoke(cli, ["sheet", "grade", str(answers), "--code", spec.code])
    assert out.exit_code == 0
    assert f"{answers}:3: expected a problem number, then the answer (e.g. '3. 112'), got 'nonsense'" in out.stderr
    assert "Score: 2/4 (50%)" in out.stdout
    assert re.search(r"✗\s+2\. 0 +\(expected", out.stdout) and "–   4. no answer" in out.stdout
    as_json = json.loads(run("sheet", "grade", str(answers), "--code", spec.code, "--json").stdout)
    assert (as_json["correct"], as_json["total"], as_json["score"]) == (2, 4, 0.5)
    assert [p["status"] for p in as_json["problems"]] == ["correct", "incorrect", "correct", "unanswered"]
    assert as_json["errors"] == [{"line": 3, "message": "expected a problem number, then the answer (e.g. '3. 112'), "
                                                        "got 'nonsense'"}]


def test_grade_from_stdin_and_record(tmp_path):
    spec = SheetSpec(("conv.output_size",), 2, 1, 3, "en")
    sheet = build_sheet(spec)
    text = "".join(f"{p.number}. {p.exercise.answer.display()}\n" for p in sheet.problems)
    env = {"QUIZZER_DB": str(tmp_path / "q.sqlite3")}
    out = run("sheet", "grade", "-", "--code", spec.code, "--record", input=text, env=env)
    assert out.exit_code == 0, out.output
    assert "Score: 2/2 (100%)" in out.stdout and "Recorded 1 drill review(s) for profile 'default'." in out.stderr
    stats = json.loads(run("stats", "--json", env=env).stdout)
    assert stats["reviews"] == 1
    again = run("sheet", "grade", "-", "--code", spec.code, "--record", input=text, env=env)
    assert "Recorded 0 drill review(s)" in again.stderr


@pytest.mark.parametrize("args, code, message", [
    (["sheet"], 2, "missing option '-o' / '--output'"),
    (["sheet", "-o", "x.md", "--count", "0"], 2, "0 is not in the range 1<=x<=500"),
    (["sheet", "-o", "x.md", "--topic", "nope"], 1, "Error: unknown topic 'nope'; topics: foundations"),
    (["sheet", "-o", "x.md", "--module", "nope"], 1, "Error: unknown module 'nope'"),
    (["sheet", "-o", "x.doc"], 1, "Error: x.doc: cannot tell the format from the file name"),
    (["sheet", "-o", "x.md", "--code", "S-1234"], 1, "Error: sheet code 'S-1234' is garbled"),
    (["sheet", "-o", "x.md", "--code", "S-0400-0180-0000-6FZQ-NC", "--seed", "3"], 2, "--code already fixes"),
    (["sheet", "-o", "x.md", "grade", "a.txt", "--code", "S-1"], 2, "--output belong(s) to making a sheet"),
    (["sheet", "grade", "missing.txt", "--code", "S-1"], 2, "'missing.txt': No such file"),
])
def test_errors(tmp_path, monkeypatch, args, code, message):
    monkeypatch.chdir(tmp_path)
    out = CliRunner().invoke(cli, args)
    assert out.exit_code == code, out.output
    assert message in out.output
    assert not list(tmp_path.glob("x*"))  # nothing written


def test_help_has_an_example():
    for args in (["sheet", "--help"], ["sheet", "grade", "--help"]):
        out = run(*args)
        assert out.exit_code == 0 and "Example:" in out.output and "quizzer sheet" in out.output


def test_grade_speaks_the_sheets_language():
    spec = SheetSpec(("conv.output_size",), 2, 1, 3, "zh")
    out = run("sheet", "grade", "-", "--code", spec.code, input="1. 5\n")
    assert "得分: 0/2 (0%)" in out.stdout and "未作答" in out.stdout and "正确答案" in out.stdout
    en = run("sheet", "grade", "-", "--code", spec.code, "--lang", "en", input="1. 5\n")
    assert "Score: 0/2 (0%)" in en.stdout and "no answer" in en.stdout
