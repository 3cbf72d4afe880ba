"""Render cards and exercises in the terminal: Markdown through rich, LaTeX math as readable Unicode."""

from __future__ import annotations

import functools
import re
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from rich.console import RenderableType

__all__ = ["markdown", "print_card"]

# Display math ($$...$$) with at most one line break on each side: it often sits inside a list item
# or paragraph, so it becomes an indented line of that block rather than a block of its own.
_DISPLAY = re.compile(r"[ \t]*\n?[ \t]*\$\$(.+?)\$\$[ \t]*\n?", re.S)
_MD_PUNCT = re.compile(r"([!-/:-@\[-`{-~])")


@functools.lru_cache(maxsize=64)
def markdown(text: str, pad: bool = True) -> RenderableType:
    """Markdown with math as Unicode, ready for ``console.print`` (cached: screens redraw often).

    ``pad=False`` leaves no trailing spaces on the lines, for output that may be piped or copied.
    """
    from rich.markdown import Markdown

    from quizzer.mathtext import latex_to_unicode, render_math

    def display(m: re.Match[str]) -> str:
        formula = latex_to_unicode(m.group(1)).replace("\n", " ")
        # Hard line breaks around it; the entity indent survives a paragraph start (spaces would not).
        return "  \n&emsp;&emsp;" + _MD_PUNCT.sub(r"\\\1", formula) + "  \n"

    return Markdown(render_math(_DISPLAY.sub(display, text.strip()).replace("  \n  \n", "  \n")),
                    justify=None if pad else "default")


def print_card(card: Any, lang: str = "both") -> None:
    from rich.console import Console
    from rich.rule import Rule

    console = Console()
    stars = "★" * card.stars
    console.print(Rule(f"{card.id}  {stars}  [{card.topic}]"))
    parts = []
    if lang in ("zh", "both"):
        parts.append(("问题", card.question_zh, "答案", card.answer_zh))
    if lang in ("en", "both"):
        parts.append(("Question", card.question_en, "Answer", card.answer_en))
    for qh, q, ah, a in parts:
        console.print(markdown(f"## {qh}\n\n{q}\n\n## {ah}\n\n{a}"))
    if card.source:
        console.print(f"[dim]source: {card.source}[/dim]")
