"""``quizzer plan``, ``stats`` and ``optimize`` through click's CliRunner: output, exact errors, exit codes."""

from __future__ import annotations

import datetime as dt
import json

import pytest
from click.testing import CliRunner

from quizzer.cli import cli

UTC = dt.UTC


@pytest.fixture
def run(db_url, monkeypatch):
    monkeypatch.delenv("QUIZZER_PROFILE", raising=False)
    monkeypatch.delenv("QUIZZER_LANG", raising=False)
    monkeypatch.setenv("QUIZZER_DB", db_url)
    monkeypatch.setenv("NO_COLOR", "1")
    runner = CliRunner()

    def invoke(*args: str):
        return runner.invoke(cli, list(args), catch_exceptions=False)

    return invoke


@pytest.fixture
def store(db_url):
    """The same database the commands use, opened by the library (bundled bank synced)."""
    from quizzer.db import open_database

    database = open_database(db_url)
    yield database
    database.close()


def today() -> dt.date:
    return dt.datetime.now(UTC).date()


@pytest.mark.parametrize("command", ["plan", "stats", "optimize"])
def test_help_has_a_summary_and_an_example(run, command):
    result = run(command, "--help")
    assert result.exit_code == 0 and "Example:" in result.stdout and f"quizzer {command}" in result.stdout
    listing = run("--help").stdout
    assert any(line.split()[:1] == [command] for line in listing.splitlines())


def test_plan_errors(run):
    bad = run("plan", "--interview", "15/12/2026")
    assert bad.exit_code == 2
    assert bad.stderr.splitlines()[-1] == "Error: Invalid value for '--interview': '15/12/2026' does not match the format '%Y-%m-%d'."
    past = run("plan", "--interview", "2000-01-01")
    assert (past.exit_code, past.stderr) == (1, f"Error: the interview date 2000-01-01 is in the past (today is {today()} UTC)\n")
    assert past.stdout == ""
    unset = run("plan")
    assert (unset.exit_code, unset.stderr) == (1, "Error: no interview date is set; set one with 'quizzer plan --interview YYYY-MM-DD'\n")
    both = run("plan", "--interview", "2099-01-01", "--clear")
    assert both.exit_code == 2 and both.stderr.splitlines()[-1] == "Error: --interview and --clear cannot be used together"
    assert run("plan").exit_code == 1  # neither stored anything


def test_plan_sets_shows_and_clears_the_date(run):
    date = today() + dt.timedelta(days=30)
    result = run("plan", "--interview", date.isoformat())
    assert result.exit_code == 0, result.stderr
    assert result.stderr == f"Interview date set to {date}.\n"
    lines = result.stdout.splitlines()
    assert lines[0] == f"Interview on {date}: 30 days left."
    assert any(line.startswith("│ ★★★ ") for line in lines) and any("All items" in line for line in lines)
    assert "\x1b[" not in result.stdout  # NO_COLOR
    data = json.loads(run("plan", "--json").stdout)
    assert data["interview_date"] == date.isoformat() and data["days_left"] == 30
    assert data["interview_at"] == f"{date}T09:00:00+00:00"
    cards = json.loads(run("cards", "list", "--json").stdout)
    items = len(cards) + sum(1 for c in cards if c["exercise"])
    assert data["overall"]["items"] == items == sum(g["items"] for g in data["by_stars"])
    assert [g["stars"] for g in data["by_stars"]] == [3, 2, 1]
    assert data["overall"]["mean_recall"] == 0 and data["bring_forward"] == []
    w = data["workload"]
    assert w["new_items"] == items and w["total_reviews"] == w["new_reviews"] > items
    assert w["reviews_per_day"] == -(-w["total_reviews"] // 30)
    cleared = run("plan", "--clear")
    assert (cleared.exit_code, cleared.stderr, cleared.stdout) == (0, "Interview date removed.\n", "")
    assert run("plan").exit_code == 1


def test_stats_on_an_empty_profile(run):
    result = run("stats", "--json", "--tz", "UTC", "--days", "5")
    assert result.exit_code == 0, result.stderr
    data = json.loads(result.stdout)
    assert data["days"] == 5 and data["timezone"] == "UTC" and data["reviews"] == 0 and data["streak"] == 0
    assert [d["date"] for d in data["reviews_per_day"]][-1] == today().isoformat() and len(data["reviews_per_day"]) == 5
    assert data["retention"] == {"retention": None, "reviews": 0, "passed": 0}
    assert len(data["forecast"]) == 14 and all(d["due"] == 0 for d in data["forecast"]) and data["interview"] is None
    bad_zone = run("stats", "--tz", "Mars/Base")
    assert bad_zone.exit_code == 2 and bad_zone.stderr.splitlines()[-1] == (
        "Error: Invalid value for '--tz': 'Mars/Base' is not a time zone name such as Europe/Berlin or Asia/Shanghai")
    bad_days = run("stats", "--days", "0")
    assert bad_days.exit_code == 2 and bad_days.stderr.splitlines()[-1] == (
        "Error: Invalid value for '--days': 0 is not in the range 1<=x<=3650.")


def test_stats_after_reviews_with_text_json_and_plot(run, store, tmp_path):
    from quizzer.study import StudyService

    now = dt.datetime.now(UTC)
    svc = StudyService(store, now=now)
    start = now - dt.timedelta(days=3)
    entries = svc.queue(start, day_start=start, new_limit=3)
    for e in entries:  # day 1: learn three items (Good, Good); day 3: one lapse, two passes
        svc.record(e.item_id, 3, start)
        svc.record(e.item_id, 3, start + dt.timedelta(minutes=10))
    for e, rating in zip(entries, (1, 3, 4), strict=True):
        svc.record(e.item_id, rating, now - dt.timedelta(minutes=5))
    data = json.loads(run("stats", "--json", "--tz", "UTC", "--days", "7").stdout)
    assert data["reviews"] == 9 and data["ratings"] == {"again": 1, "hard": 0, "good": 7, "easy": 1}
    assert data["retention"] == {"retention": round(2 / 3, 4), "reviews": 3, "passed": 2}
    assert data["streak"] == 1  # three days ago, then today: the gap ends it
    assert sum(d["due"] for d in data["forecast"]) >= 1  # the lapsed item is due again within minutes
    text = run("stats", "--tz", "UTC", "--days", "7")
    assert text.exit_code == 0 and "\x1b[" not in text.stdout
    assert text.stdout.splitlines()[0] == "Last 7 days (UTC): 9 reviews; streak 1 day."
    assert text.stdout.splitlines()[1] == "True retention: 66.7% of 3 reviews of items in review (desired 90%)."
    pytest.importorskip("matplotlib")
    png = tmp_path / "stats.png"
    plotted = run("stats", "--plot", str(png), "--json")
    assert plotted.exit_code == 0 and plotted.stderr == f"Plot written to {png}\n"
    assert png.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n" and json.loads(plotted.stdout)["reviews"] == 9


def test_optimize_with_too_few_reviews(run):
    result = run("optimize")
    assert result.exit_code == 1 and result.stdout == ""
    assert result.stderr == ("Error: not enough reviews to fit parameters: 0 of the 400 needed (reviews made a day or "
                             "more after the previous review of the same item); 400 more are needed\n")


def test_optimize_dry_run_then_apply(run, store, content_dir):
    pytest.importorskip("fsrs_rs_python")
    from sqlalchemy import select

    from quizzer.models import Profile
    from tests.test_optimize import BAD, add_reviewed_cards

    log = add_reviewed_cards(store, content_dir)
    dry = run("optimize", "--dry-run", "--json")
    assert dry.exit_code == 0, dry.stderr
    data = json.loads(dry.stdout)
    assert data["reviews"] == len(log) and data["samples"] >= 400 and data["improved"] and not data["applied"]
    assert data["after"]["log_loss"] < data["before"]["log_loss"] and len(data["parameters_fitted"]) == 21
    assert dry.stderr == "Dry run: the fitted parameters are better, but nothing was changed.\n"
    with store.session() as s:
        assert tuple(s.scalar(select(Profile.parameters))) == BAD
    applied = run("optimize")
    assert applied.exit_code == 0
    assert applied.stderr == f"Kept the fitted parameters and rescheduled {len({e.item_id for e in log})} items.\n"
    lines = applied.stdout.splitlines()
    assert lines[0].startswith(f"Fit on {data['samples']} reviews ({len(log)} in the log) in ")
    assert any(line.startswith("│ current ") and f"{data['before']['log_loss']:.4f}" in line for line in lines)
    assert any(line.startswith("│ fitted ") and f"{data['after']['log_loss']:.4f}" in line for line in lines)
    with store.session() as s:
        assert s.scalar(select(Profile.parameters)) == data["parameters_fitted"]
    again = run("optimize")
    assert again.stderr == "Kept the current parameters: the fitted ones do not predict these reviews better.\n"
