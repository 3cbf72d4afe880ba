"""The terminal study screen: draws a :class:`~quizzer.session.StudySession` with rich and turns
key presses into its actions.

Everything the session decides (order, ratings, undo) lives in :mod:`quizzer.session`; this module
only shows it: the card as Markdown with LaTeX turned into Unicode, the stars and topic, a footer
with progress and the keys, and the summary at the end.  One screen per state, redrawn whole, so
what is on the terminal is always exactly the current state.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from typing import TYPE_CHECKING

from quizzer.errors import QuizzerError
from quizzer.keys import CTRL_C, CTRL_D, ENTER, Keyboard

if TYPE_CHECKING:
    from rich.console import Console, RenderableType
    from rich.text import Text

    from quizzer.answers import Verdict
    from quizzer.session import Checked, Outlook, Progress, Shown, StudySession, Summary

__all__ = ["RATING_NAMES", "StudyScreen", "describe_outlook", "format_clock", "format_interval", "run", "summary_lines"]

RATING_NAMES = {1: "Again", 2: "Hard", 3: "Good", 4: "Easy"}
_RATING_STYLE = {1: "red", 2: "yellow", 3: "green", 4: "cyan"}
_QUIT = ("q", "Q", CTRL_C, CTRL_D)
_LABELS = {"zh": ("问题", "答案", "题目", "解答"), "en": ("Question", "Answer", "Exercise", "Solution")}


def format_interval(delta: dt.timedelta) -> str:
    """An interval as Anki shows it next to a rating: <1m, 10m, 5h, 3d, 2.5mo, 1.2y."""
    minutes = delta.total_seconds() / 60
    if minutes < 1:
        return "<1m"
    if minutes < 60:
        return f"{round(minutes)}m"
    if minutes < 60 * 24:
        return f"{round(minutes / 60)}h"
    days = minutes / (60 * 24)
    if days < 30:
        return f"{round(days)}d"
    value, unit = (days / 30, "mo") if days < 365 else (days / 365, "y")
    return f"{value:.1f}".rstrip("0").rstrip(".") + unit


def format_clock(delta: dt.timedelta) -> str:
    seconds = max(0, int(delta.total_seconds()))
    h, rest = divmod(seconds, 3600)
    return f"{h}:{rest // 60:02d}:{rest % 60:02d}" if h else f"{rest // 60:02d}:{rest % 60:02d}"


def _md(text: str) -> RenderableType:
    from quizzer.render import markdown

    return markdown(text)


class StudyScreen:
    """Draws one state of the session: header, card or exercise, rating line, footer.

    Each screen is built as a list of renderables and written in one go after clearing, so the
    terminal never shows half a screen.
    """

    def __init__(self, console: Console, lang: str, topics: dict[str, tuple[str, str]]):
        self.console = console
        self.lang = lang
        self.topics = topics
        self._parts: list[RenderableType] = []
        self.after_draw: Callable[[], None] | None = None  # run once, after the next screen is drawn

    def _langs(self) -> tuple[str, ...]:
        return ("zh", "en") if self.lang == "both" else (self.lang,)

    def _topic(self, topic: str) -> str:
        zh, en = self.topics.get(topic, (topic, topic))
        return {"zh": zh, "en": en}.get(self.lang, f"{en} · {zh}" if zh != en else en)

    def _add(self, *parts: RenderableType) -> None:
        self._parts.extend(parts)

    def _show(self) -> None:
        parts, self._parts = self._parts, []
        with self.console:  # one write for the whole screen
            self.console.clear()
            for part in parts:
                self.console.print(part)
        if self.after_draw is not None:
            hook, self.after_draw = self.after_draw, None
            hook()

    def _rule(self) -> RenderableType:
        from rich.text import Text

        return Text("─" * self.console.width, style="dim", no_wrap=True, overflow="crop")

    def _spread(self, left: Text, right: Text) -> Text:
        """``left`` and ``right`` on one line, pushed to the edges (on two lines when too wide)."""
        gap = self.console.width - left.cell_len - right.cell_len
        if gap < 2:
            return left + "\n" + right
        return left + " " * gap + right

    def _header(self, shown: Shown) -> None:
        from rich.text import Text

        stars = shown.card.stars
        left = Text.assemble(("★" * stars, "bold yellow"), ("☆" * (3 - stars), "dim"), "  ", (self._topic(shown.card.topic), "bold"))
        right = Text(f"{shown.card.id} · {shown.entry.kind.value} · {shown.entry.reason}", style="dim")
        self._add(self._spread(left, right), self._rule())

    def _block(self, label: str, text: str, *, gap: bool = False) -> None:
        from rich.text import Text

        if gap:
            self._add(Text())
        self._add(Text(label, style="bold cyan"), _md(text))

    def _footer(self, progress: Progress, keys: str, message: str | None) -> None:
        from rich.text import Text

        left = Text(f"{progress.done} done · {progress.left} left · {format_clock(progress.elapsed)}")
        self._add(self._rule(), self._spread(left, Text.from_markup(keys)))
        if message:
            self._add(Text(message, style="yellow"))
        self._show()

    def _ratings(self, preview: dict[int, dt.timedelta], derived: int | None = None) -> None:
        from rich.text import Text

        parts = []
        for r in (1, 2, 3, 4):
            mark = "▸" if r == derived else " "
            parts.append(f"{mark}[bold {_RATING_STYLE[r]}]{r}[/] {RATING_NAMES[r]} [dim]{format_interval(preview[r])}[/]")
        self._add(Text.from_markup("   ".join(parts)))

    def recall(self, shown: Shown, progress: Progress, *, revealed: bool, preview: dict[int, dt.timedelta] | None,
               message: str | None = None) -> None:
        from rich.text import Text

        self._header(shown)
        for i, lang in enumerate(self._langs()):
            self._block(_LABELS[lang][0], getattr(shown.card, f"question_{lang}"), gap=i > 0)
        if revealed:
            for lang in self._langs():
                self._add(self._rule())
                self._block(_LABELS[lang][1], getattr(shown.card, f"answer_{lang}"))
            if shown.card.source:
                self._add(Text(shown.card.source, style="dim"))
            self._add(self._rule())
            assert preview is not None
            self._ratings(preview)
            keys = "[bold]1-4[/] rate · [bold]u[/] undo · [bold]s[/] skip · [bold]q[/] quit"
        else:
            keys = "[bold]SPACE[/] reveal · [bold]u[/] undo · [bold]s[/] skip · [bold]q[/] quit"
        self._footer(progress, keys, message)

    def drill(self, shown: Shown, progress: Progress, *, checked: Checked | None, preview: dict[int, dt.timedelta] | None,
              message: str | None = None) -> None:
        from rich.text import Text

        assert shown.exercise is not None
        ex = shown.exercise
        self._header(shown)
        for i, lang in enumerate(self._langs()):
            self._block(_LABELS[lang][2], ex.prompt(lang), gap=i > 0)
        if checked is not None and checked.recorded:
            self._add(Text.assemble(("Your answer: ", "dim"), checked.response))
            self._verdict(checked.verdict)
            for i, lang in enumerate(self._langs()):
                self._block(_LABELS[lang][3], ex.solution(lang), gap=i > 0)
            self._add(self._rule())
            assert preview is not None and checked.rating is not None
            self._ratings(preview, derived=checked.rating)
            how = "right" if checked.verdict.correct else "wrong"
            self._add(Text(f"{RATING_NAMES[checked.rating]}: a {how} answer in {checked.seconds:.0f} s", style="dim"))
            keys = "[bold]Enter[/] accept · [bold]1-4[/] change · [bold]u[/] undo · [bold]q[/] quit"
        else:
            if checked is not None:  # unreadable: not recorded, say how to write it
                message = "  ".join(checked.verdict.feedback(lang) for lang in self._langs())
            keys = "type the answer, [bold]Enter[/] check · empty [bold]Enter[/]: undo/skip/quit"
        self._footer(progress, keys, message)

    def _verdict(self, verdict: Verdict) -> None:
        from rich.text import Text

        mark = Text("✓ Correct", style="bold green") if verdict.correct else Text("✗ Incorrect", style="bold red")
        mark.append(f"   expected {verdict.expected}", style="dim")
        self._add(mark)
        for lang in self._langs():
            text = verdict.feedback(lang)
            if text:  # feedback may carry $...$ math, like the solution
                self._add(_md(text))

    def menu(self) -> None:
        self.console.print("[bold]u[/] undo · [bold]s[/] skip · [bold]q[/] quit · any other key: back to the answer")


def run(session: StudySession, screen: StudyScreen, keyboard: Keyboard) -> None:
    """Show items until the session is over or the learner quits (q, Ctrl-C, end of input)."""
    message: str | None = None
    screen.after_draw = session.prefetch  # the slow part of the queue, while the first card is read
    try:
        while (shown := session.current()) is not None:
            step = _drill if shown.is_drill else _recall
            carry = step(session, screen, keyboard, shown, message)
            if carry is _STOP:
                return
            message = carry
    except KeyboardInterrupt:  # SIGINT from outside the terminal: stop like q, everything rated is kept
        return


_STOP = "\0stop"


def _act(session: StudySession, key: str) -> str | None:
    """u / s shared by every screen; returns a message for the next screen, or None."""
    try:
        if key == "u":
            session.undo()
            return "Undone: the last rating is taken back."
        session.skip()
        return "Skipped until tomorrow."
    except QuizzerError as exc:
        return str(exc)


def _recall(session: StudySession, screen: StudyScreen, keyboard: Keyboard, shown: Shown, message: str | None) -> str | None:
    revealed = False
    while True:
        preview = session.preview() if revealed else None
        screen.recall(shown, session.progress(), revealed=revealed, preview=preview, message=message)
        message = None
        key = keyboard.key()
        if key in _QUIT:
            return _STOP
        if key in ("u", "s"):
            carry = _act(session, key)
            if session.current() is not shown:
                return carry
            message = carry
        elif not revealed:
            if key in (" ", ENTER):
                revealed = True
            else:
                message = "Think of the answer, then press SPACE to reveal it."
        elif key in ("1", "2", "3", "4"):
            session.rate(int(key))
            return None
        else:
            message = "Rate it: 1 Again · 2 Hard · 3 Good · 4 Easy."


def _drill(session: StudySession, screen: StudyScreen, keyboard: Keyboard, shown: Shown, message: str | None) -> str | None:
    while True:
        shown = session.current() or shown
        checked = session.checked
        if checked is None or not checked.recorded:
            screen.drill(shown, session.progress(), checked=checked, preview=None, message=message)
            message = None
            text = keyboard.line("[answer] › " if not keyboard.is_tty else "› ")
            if text is None:
                return _STOP
            if not text.strip():
                screen.menu()
                key = keyboard.key()
                if key in _QUIT:
                    return _STOP
                if key in ("u", "s"):
                    carry = _act(session, key)
                    if session.current() is not shown:
                        return carry
                    message = carry
                continue
            session.answer(text)
            continue
        screen.drill(shown, session.progress(), checked=checked, preview=session.preview(), message=message)
        message = None
        key = keyboard.key()
        if key in _QUIT:
            return _STOP  # the answer is recorded with the derived rating
        if key in (ENTER, " "):
            session.rate(None)
            return None
        if key in ("1", "2", "3", "4"):
            session.rate(int(key))
            return None
        if key == "u":
            message = _act(session, key)
        else:
            message = "Enter keeps the rating, 1-4 changes it, u takes the answer back."


def summary_lines(summary: Summary) -> list[str]:
    """The end-of-session summary, one fact per line."""
    lines = [f"Reviewed      {summary.reviews} review{'s' if summary.reviews != 1 else ''} of {summary.items} item{'s' if summary.items != 1 else ''}"
             + (f", {summary.skipped} skipped" if summary.skipped else "")]
    if summary.accuracy is not None:
        acc = f"Accuracy      {summary.accuracy:.0%} rated Hard or better"
        if summary.drill_accuracy is not None:
            acc += f"; drills {summary.drills_correct}/{summary.drills} correct"
        lines.append(acc)
    lines.append(f"Time          {format_clock(summary.elapsed)}")
    lines.append(f"Due tomorrow  {summary.due_tomorrow}")
    return lines


def describe_outlook(outlook: Outlook, now: dt.datetime) -> str:
    """Why there is nothing to study, and when there will be."""
    parts = ["Nothing to study now."]
    if outlook.next_due is not None and outlook.next_due > now:
        when = outlook.next_due.astimezone()
        today = now.astimezone().date()
        at = when.strftime("%H:%M") if when.date() == today else when.strftime("%a %d %b %H:%M")
        parts.append(f"Next review due in {format_interval(outlook.next_due - now)} ({at}).")
    elif outlook.next_due is None and not outlook.new_waiting:
        parts.append("No cards match; check --topic/--stars or run 'quizzer sync'.")
    if outlook.new_waiting:
        parts.append("New cards wait for tomorrow (today's limit of new cards is reached); 'quizzer study --new N' allows more.")
    return " ".join(parts)
