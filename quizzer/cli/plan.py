"""``quizzer plan``, ``quizzer stats`` and ``quizzer optimize``: looking at and tuning the schedule."""

from __future__ import annotations

import datetime as dt
import json
import os
from pathlib import Path
from typing import Any

import click

from quizzer.cli.main import AppContext, pass_app

__all__ = ["optimize", "plan", "stats"]


def _now() -> dt.datetime:
    return dt.datetime.now(dt.UTC)


def _console() -> Any:
    from rich.console import Console

    return Console(highlight=False)  # rich itself honours NO_COLOR and plain output when piped


def _pct(value: float | None) -> str:
    return "–" if value is None else f"{value:.0%}" if value in (0, 1) else f"{value:.1%}"


class ZoneType(click.ParamType):
    """An IANA time zone name such as Europe/Berlin."""

    name = "zone"

    def convert(self, value: Any, param: click.Parameter | None, ctx: click.Context | None) -> dt.tzinfo:
        if isinstance(value, dt.tzinfo):
            return value
        from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

        try:
            return ZoneInfo(str(value))
        except (ZoneInfoNotFoundError, ValueError):
            self.fail(f"{value!r} is not a time zone name such as Europe/Berlin or Asia/Shanghai", param, ctx)


def _local_zone() -> dt.tzinfo:
    """The system's time zone: $TZ, else /etc/localtime, else the current UTC offset."""
    from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

    candidates = [os.environ.get("TZ", "").lstrip(":")]
    try:
        target = str(Path("/etc/localtime").resolve())
        if "zoneinfo/" in target:
            candidates.append(target.split("zoneinfo/", 1)[1])
    except OSError:
        pass
    for name in candidates:
        if name:
            try:
                return ZoneInfo(name)
            except (ZoneInfoNotFoundError, ValueError):
                continue
    return dt.datetime.now().astimezone().tzinfo or dt.UTC


# -- plan --------------------------------------------------------------------------------------


def _readiness_table(r: Any) -> Any:
    from rich.table import Table

    table = Table(title=f"Predicted recall on {r.interview_date.isoformat()} (09:00 UTC) without more study",
                  title_justify="left")
    table.add_column("Group")
    for name in ("Items", "Studied", "Mean recall", f"At ≥{r.desired_retention:.0%}"):
        table.add_column(name, justify="right")

    def row(label: str, g: Any, **style: Any) -> None:
        table.add_row(label, str(g.items), str(g.studied), _pct(g.mean_recall), f"{g.ready} ({_pct(g.share_ready)})", **style)

    for g in r.by_stars:
        row(g.name, g)
    table.add_section()
    for g in r.by_topic:
        row(g.name, g)
    table.add_section()
    row("All items", r.overall, style="bold")
    return table


def _print_plan(r: Any) -> None:
    console = _console()
    w = r.workload
    left = "today is the interview day" if r.days_left == 0 else f"{r.days_left} day{'s' * (r.days_left != 1)} left"
    console.print(f"Interview on {r.interview_date.isoformat()}: {left}.")
    console.print(_readiness_table(r))
    console.print(f"Reviews to have every item at {r.desired_retention:.0%} on the day: about [bold]{w.per_day}[/] a day, "
                  f"{w.total} in all:")
    console.print(f"  {w.new_reviews:>5}  learning {w.new_items} new items (introduce about {w.new_per_day} a day)")
    console.print(f"  {w.scheduled_reviews:>5}  items falling due before the interview")
    console.print(f"  {w.extra_reviews:>5}  items due after it but below target on the day ({len(r.bring_forward)} queued now)")
    console.print("Counted as if every review were rated Good.", style="dim")

@click.command()
@click.option("--interview", "date", type=click.DateTime(formats=["%Y-%m-%d"]), metavar="YYYY-MM-DD",
              help="Store the interview date (then show the plan).")
@click.option("--clear", is_flag=True, help="Remove the stored interview date.")
@click.option("--json", "as_json", is_flag=True, help="Print the readiness as JSON.")
@pass_app
def plan(app: AppContext, date: dt.datetime | None, clear: bool, as_json: bool) -> None:
    """Set an interview date and see the readiness plan.

    Shows the predicted recall at 09:00 UTC on the interview day for each star level and topic
    (never-studied items count as 0), and how many reviews a day it takes to have every item at the
    desired retention by then. Until the interview, 'quizzer study' also brings forward the items
    that would be below target on the day, ★★★ first.

    \b
    Example:
      quizzer plan --interview 2026-12-15
      quizzer plan --json
    """
    from quizzer.planning import plan_for_profile, set_interview_date

    if clear and date is not None:
        raise click.UsageError("--interview and --clear cannot be used together")
    db = app.store()
    now = _now()
    if clear:
        set_interview_date(db, app.settings.profile, None, now)
        click.echo("Interview date removed.", err=True)
        return
    if date is not None:
        set_interview_date(db, app.settings.profile, date.date(), now)
        click.echo(f"Interview date set to {date.date().isoformat()}.", err=True)
    readiness = plan_for_profile(db, app.settings.profile, now)
    if as_json:
        click.echo(json.dumps(readiness.to_dict(), ensure_ascii=False, indent=2))
    else:
        _print_plan(readiness)


# -- stats -------------------------------------------------------------------------------------


def _print_stats(st: Any) -> None:
    from rich.table import Table

    console = _console()
    days = "day" if st.streak == 1 else "days"
    console.print(f"Last {st.days} days ({st.timezone}): {st.reviews} reviews; streak {st.streak} {days}.")
    ret = st.retention
    console.print(f"True retention: {_pct(ret.value)} of {ret.reviews} reviews of items in review "
                  f"(desired {st.desired_retention:.0%}).")
    console.print("Ratings: " + ", ".join(f"{n.capitalize()} {c}" for n, c in zip(("again", "hard", "good", "easy"), st.ratings, strict=True)))
    if st.retention_by_topic:
        table = Table(title="True retention by topic", title_justify="left", min_width=40)
        for name, justify in (("Topic", "left"), ("Reviews", "right"), ("Retention", "right")):
            table.add_column(name, justify=justify)  # type: ignore[arg-type]
        for _, name, r in st.retention_by_topic:
            table.add_row(name, str(r.reviews), _pct(r.value))
        console.print(table)
    active = [d for d in st.per_day if d.reviews]
    if active:
        table = Table(title="Reviews per day", title_justify="left", min_width=40)
        for name in ("Date", "Reviews", "Retention"):
            table.add_column(name, justify="left" if name == "Date" else "right")
        for d in active:
            table.add_row(d.date.isoformat(), str(d.reviews), _pct(d.retention.value))
        console.print(table)
    table = Table(title="Due per day (today includes overdue)", title_justify="left", min_width=40)
    table.add_column("Date")
    table.add_column("Due", justify="right")
    for d, n in st.forecast:
        table.add_row(d.isoformat(), str(n))
    console.print(table)
    if st.interview is not None:
        r = st.interview
        console.print(f"Interview {r.interview_date.isoformat()} ({r.days_left} days left): recall on the day "
                      f"{_pct(r.overall.mean_recall)}, {r.overall.ready}/{r.overall.items} at target.")
        console.print(f"About {r.workload.per_day} reviews a day get every item there; see 'quizzer plan'.")


@click.command()
@click.option("--days", type=click.IntRange(1, 3650), default=30, show_default=True, metavar="N",
              help="History window in days, ending today.")
@click.option("--tz", "zone", type=ZoneType(), metavar="ZONE",
              help="Time zone for day boundaries, e.g. Asia/Shanghai [default: the system's].")
@click.option("--plot", "plot_path", type=click.Path(dir_okay=False, path_type=Path), metavar="FILE.png",
              help="Also draw retention and forecast into a PNG file (needs quizzer[plot]).")
@click.option("--json", "as_json", is_flag=True, help="Print the statistics as JSON.")
@pass_app
def stats(app: AppContext, days: int, zone: dt.tzinfo | None, plot_path: Path | None, as_json: bool) -> None:
    """Review statistics, retention and forecast.

    Reviews per day, true retention (share of reviews of items in review, not rated Again) overall
    and by topic, the ratings given, items due in each of the next 14 days, the streak of days with
    a review, and interview readiness when a date is set.

    \b
    Example:
      quizzer stats --days 14
      quizzer stats --json --plot progress.png
    """
    from quizzer.stats import gather_stats, plot_stats

    result = gather_stats(app.store(), app.settings.profile, _now(), zone or _local_zone(), days=days)
    if plot_path is not None:
        plot_stats(result, plot_path)
        click.echo(f"Plot written to {plot_path}", err=True)
    if as_json:
        click.echo(json.dumps(result.to_dict(), ensure_ascii=False, indent=2))
    else:
        _print_stats(result)


# -- optimize ----------------------------------------------------------------------------------


@click.command()
@click.option("--dry-run", is_flag=True, help="Fit and report, but keep the current parameters.")
@click.option("--json", "as_json", is_flag=True, help="Print the result as JSON.")
@pass_app
def optimize(app: AppContext, dry_run: bool, as_json: bool) -> None:
    """Fit this profile's FSRS parameters to its reviews.

    Fits with fsrs-rs-python (needs quizzer[optimizer]), compares log loss and RMSE(bins) of the
    current and the fitted parameters on the same reviews, keeps the fitted ones only if their log
    loss is lower, and then reschedules every item by replaying the review log. Needs at least 400
    reviews made a day or more after the previous review of the same item.

    \b
    Example:
      quizzer optimize --dry-run
    """
    from rich.table import Table

    from quizzer.optimize import optimize_profile

    result = optimize_profile(app.store(), app.settings.profile, _now(), dry_run=dry_run)
    if as_json:
        click.echo(json.dumps(result.to_dict(), indent=2))
    else:
        fit = result.fit
        console = _console()
        console.print(f"Fit on {fit.samples} reviews ({fit.reviews} in the log) in {fit.seconds:.2f} s.")
        table = Table()
        for name, justify in (("Parameters", "left"), ("Log loss", "right"), ("RMSE(bins)", "right")):
            table.add_column(name, justify=justify)  # type: ignore[arg-type]
        table.add_row("current", f"{fit.before.log_loss:.4f}", f"{fit.before.rmse_bins:.4f}")
        table.add_row("fitted", f"{fit.after.log_loss:.4f}", f"{fit.after.rmse_bins:.4f}")
        console.print(table)
    if result.applied:
        click.echo(f"Kept the fitted parameters and rescheduled {result.rebuilt} items.", err=True)
    elif not result.fit.improved:
        click.echo("Kept the current parameters: the fitted ones do not predict these reviews better.", err=True)
    else:
        click.echo("Dry run: the fitted parameters are better, but nothing was changed.", err=True)
