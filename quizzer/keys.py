"""Single keys and a small line editor for the study screen, on a terminal or on piped input.

A study session is driven by single key presses (space, 1-4, u, s, q), which a cooked terminal
cannot deliver.  :class:`Keyboard` switches a TTY to non-canonical mode without echo and without
signal keys, so Ctrl-C arrives as a key the session handles like ``q`` (never in the middle of
writing a review), and always gives the terminal back as it found it.  Output processing stays on,
so rich's output is unaffected.  When stdin is not a TTY (a pipe, a script) each line is one key,
and an answer is one line.
"""

from __future__ import annotations

import codecs
import os
import sys
from collections.abc import Callable
from typing import IO

__all__ = ["BACKSPACE", "CTRL_C", "CTRL_D", "ENTER", "ESC", "Keyboard"]

ENTER = "\r"
ESC = "\x1b"
CTRL_C = "\x03"
CTRL_D = "\x04"
BACKSPACE = "\x7f"
_CTRL_U = "\x15"
_CTRL_W = "\x17"


class Keyboard:
    """Keys from ``stdin``: raw single keys on a TTY, one line per key otherwise.

    Use as a context manager; the terminal's settings are restored on exit, whatever the exit.
    """

    def __init__(self, stdin: IO[str] | None = None, echo: Callable[[str], None] | None = None):
        self.stdin = stdin or sys.stdin
        self._echo = echo or _write_stdout
        try:
            self.fd: int | None = self.stdin.fileno() if self.stdin.isatty() else None
        except (AttributeError, OSError, ValueError):
            self.fd = None
        self._saved: list | None = None  # type: ignore[type-arg]
        self._pending = ""
        self._decoder = codecs.getincrementaldecoder("utf-8")("replace")

    @property
    def is_tty(self) -> bool:
        return self.fd is not None

    def __enter__(self) -> Keyboard:
        if self.fd is not None:
            import termios

            self._saved = termios.tcgetattr(self.fd)
            mode = termios.tcgetattr(self.fd)
            mode[3] &= ~(termios.ECHO | termios.ICANON | termios.ISIG | termios.IEXTEN)
            mode[6][termios.VMIN] = 1
            mode[6][termios.VTIME] = 0
            termios.tcsetattr(self.fd, termios.TCSADRAIN, mode)
        return self

    def __exit__(self, *exc: object) -> None:
        self.restore()

    def restore(self) -> None:
        if self.fd is not None and self._saved is not None:
            import termios

            termios.tcsetattr(self.fd, termios.TCSADRAIN, self._saved)
            self._saved = None

    # -- reading -----------------------------------------------------------------------------

    def _fill(self) -> bool:
        assert self.fd is not None
        try:
            data = os.read(self.fd, 1024)
        except InterruptedError:
            return True
        if not data:
            return False
        self._pending += self._decoder.decode(data)
        return True

    def key(self) -> str:
        """The next key: a character, ENTER, ESC, BACKSPACE, CTRL_C, an escape sequence such as
        ``"\\x1b[A"``, or CTRL_D at the end of input."""
        if self.fd is None:
            line = self.stdin.readline()
            if not line:
                return CTRL_D
            line = line.rstrip("\r\n")
            return line[0] if line else ENTER
        while not self._pending:
            if not self._fill():
                return CTRL_D
        ch = self._pending[0]
        if ch == ESC and len(self._pending) > 1 and self._pending[1] in "[O":
            end = 2
            while end < len(self._pending) and not (self._pending[end].isalpha() or self._pending[end] == "~"):
                end += 1
            seq, self._pending = self._pending[: end + 1], self._pending[end + 1:]
            return seq
        self._pending = self._pending[1:]
        if ch == "\n":
            return ENTER
        if ch == "\b":
            return BACKSPACE
        return ch

    def line(self, prompt: str = "") -> str | None:
        """A line typed by the learner (Enter submits; Backspace, Ctrl-U and Ctrl-W edit).

        None when the learner pressed Ctrl-C or input ended.
        """
        self._echo(prompt)
        if self.fd is None:
            text = self.stdin.readline()
            if not text:
                return None
            self._echo("\n")
            return text.rstrip("\r\n")
        from rich.cells import cell_len

        buf = ""
        while True:
            k = self.key()
            if k in (CTRL_C, CTRL_D):
                self._echo("\n")
                return None
            if k == ENTER:
                self._echo("\n")
                return buf
            if k == BACKSPACE:
                if buf:
                    w = cell_len(buf[-1])
                    buf = buf[:-1]
                    self._echo("\b" * w + " " * w + "\b" * w)
                continue
            if k in (_CTRL_U, _CTRL_W):
                cut = 0 if k == _CTRL_U else buf.rstrip().rfind(" ") + 1
                w = cell_len(buf[cut:])
                buf = buf[:cut]
                self._echo("\b" * w + " " * w + "\b" * w)
                continue
            if k.startswith(ESC) or (len(k) == 1 and ord(k) < 32):
                continue  # arrows, Esc and other control keys do nothing here
            buf += k
            self._echo(k)


def _write_stdout(text: str) -> None:
    sys.stdout.write(text)
    sys.stdout.flush()
