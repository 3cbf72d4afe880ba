"""The foundation commands through click's CliRunner: output, exact error lines, exit codes."""

from __future__ import annotations

import json
import sqlite3

import pytest
from click.testing import CliRunner

from quizzer.cli import cli


@pytest.fixture
def run(db_url, monkeypatch, tmp_path):
    monkeypatch.delenv("QUIZZER_PROFILE", raising=False)
    monkeypatch.delenv("QUIZZER_LANG", raising=False)
    monkeypatch.setenv("QUIZZER_DB", db_url)
    runner = CliRunner()

    def invoke(*args: str, input: str | None = None):
        return runner.invoke(cli, list(args), input=input, catch_exceptions=False)

    return invoke


def test_content_check_ok_and_problems(run, content_dir):
    ok = run("content", "check", str(content_dir))
    assert ok.exit_code == 0 and ok.stdout == "" and "OK: 4 cards in 2 topics." in ok.stderr
    (content_dir / "nets" / "conv-size.md").write_text("+++\nid = 'conv-size'\nstars = 5\n+++\n", encoding="utf-8")
    bad = run("content", "check", str(content_dir))
    assert bad.exit_code == 1
    lines = bad.stdout.splitlines()
    assert lines[0].endswith("nets/conv-size.md:3: stars must be 1, 2 or 3, not 5")
    assert any("missing section '## 问题'" in line for line in lines)


def test_sync_reports_then_is_idempotent(run, content_dir):
    first = run("sync", str(content_dir))
    assert first.exit_code == 0, first.stderr
    assert first.stdout.strip() == "4 added, 0 changed, 0 retired, 0 unchanged"
    second = run("sync", str(content_dir), "--json")
    assert json.loads(second.stdout) == {"added": [], "changed": [], "retired": [], "unchanged": 4}
    (content_dir / "basics" / "card-3.md").unlink()
    third = run("sync", str(content_dir))
    assert third.stdout.strip() == "0 added, 0 changed, 1 retired, 3 unchanged"


def test_sync_malformed_content_is_an_error_and_writes_nothing(run, content_dir):
    (content_dir / "basics" / "card-2.md").write_text("+++\nid = 'card-2'\nstars = = 2\n+++\n", encoding="utf-8")
    result = run("sync", str(content_dir))
    assert result.exit_code == 1
    assert result.stderr.startswith("Error: ") and "card-2.md:3: invalid TOML in front matter" in result.stderr
    listing = run("cards", "list", "--json")
    assert all(c["id"] not in {"card-1", "card-3"} for c in json.loads(listing.stdout))


def test_cards_list_and_show_json(run, content_dir):
    run("sync", str(content_dir))
    rows = json.loads(run("cards", "list", "--json").stdout)
    assert [r["id"] for r in rows] == ["card-1", "card-2", "card-3", "conv-size"]
    keys = {"id", "topic", "stars", "tags", "question_zh", "question_en", "answer_zh", "answer_en", "exercise", "source"}
    assert keys <= set(rows[0])
    three = json.loads(run("cards", "list", "--stars", "3", "--json").stdout)
    assert [r["id"] for r in three] == ["card-3", "conv-size"]
    nets = json.loads(run("cards", "list", "--topic", "nets", "--json").stdout)
    assert [r["id"] for r in nets] == ["conv-size"]
    card = json.loads(run("cards", "show", "conv-size", "--json").stdout)
    assert card["exercise"] == "conv.output_size" and card["tags"] == ["conv", "parent:card-1"]
    text = run("--lang", "en", "cards", "show", "card-2")
    assert text.exit_code == 0 and "Question 2?" in text.stdout and "问题 2" not in text.stdout


def test_cards_errors(run, content_dir):
    run("sync", str(content_dir))
    missing = run("cards", "show", "nope")
    assert (missing.exit_code, missing.stderr) == (1, "Error: no card with id 'nope'; see 'quizzer cards list'\n")
    topic = run("cards", "list", "--topic", "nope")
    assert topic.exit_code == 1 and topic.stderr == "Error: unknown topic 'nope'; topics are: basics, nets\n"
    bad_flag = run("cards", "list", "--stars", "4")
    assert bad_flag.exit_code == 2 and "Invalid value for '--stars'" in bad_flag.stderr


def test_profiles(run):
    unknown = run("--profile", "alice", "profile", "list")
    assert unknown.exit_code == 0  # listing works whatever profile is selected
    added = run("profile", "add", "alice", "--retention", "0.85")
    assert added.exit_code == 0
    rows = json.loads(run("profile", "list", "--json").stdout)
    assert {(r["name"], r["desired_retention"]) for r in rows} == {("alice", 0.85), ("default", 0.9)}
    dup = run("profile", "add", "alice")
    assert (dup.exit_code, dup.stderr) == (1, "Error: profile 'alice' already exists\n")


def test_db_status_and_upgrade(run, db_url):
    before = json.loads(run("db", "status", "--json").stdout)
    assert before["revision"] is None and before["at_head"] is False and before["pending"] == ["0001", "0002"]
    up = run("db", "upgrade")
    assert up.exit_code == 0 and "Upgraded empty -> 0002." in up.stderr
    after = json.loads(run("db", "status", "--json").stdout)
    assert after["at_head"] is True
    assert "Already at head" in run("db", "upgrade").stderr


def test_corrupt_database_is_one_clear_line(tmp_path, monkeypatch):
    path = tmp_path / "junk.sqlite3"
    path.write_bytes(b"garbage" * 1000)
    result = CliRunner().invoke(cli, ["--db", str(path), "cards", "list"])
    assert result.exit_code == 1
    assert result.stderr.count("\n") == 1
    assert result.stderr.startswith(f"Error: sqlite:///{path} is not a quizzer database or is corrupt")


def test_default_database_lives_in_the_user_data_dir(tmp_path, monkeypatch):
    monkeypatch.delenv("QUIZZER_DB", raising=False)
    monkeypatch.setenv("XDG_DATA_HOME", str(tmp_path / "xdg"))
    result = CliRunner().invoke(cli, ["db", "upgrade"])
    assert result.exit_code == 0, result.stderr
    path = tmp_path / "xdg" / "quizzer" / "quizzer.sqlite3"
    con = sqlite3.connect(path)
    assert con.execute("SELECT version_num FROM alembic_version").fetchone()[0] == "0002"
    con.close()


def test_unknown_command_and_bad_flag_exit_2():
    runner = CliRunner()
    assert runner.invoke(cli, ["nope"]).exit_code == 2
    assert runner.invoke(cli, ["--lang", "fr", "cards", "list"]).exit_code == 2
