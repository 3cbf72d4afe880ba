"""Render cards in the terminal: Markdown through rich, LaTeX math as readable Unicode."""

from __future__ import annotations

from typing import Any

__all__ = ["print_card"]


def print_card(card: Any, lang: str = "both") -> None:
    from rich.console import Console
    from rich.markdown import Markdown
    from rich.rule import Rule

    console = Console()
    stars = "★" * card.stars
    console.print(Rule(f"{card.id}  {stars}  [{card.topic}]"))
    parts = []
    if lang in ("zh", "both"):
        parts.append(("问题", card.question_zh, "答案", card.answer_zh))
    if lang in ("en", "both"):
        parts.append(("Question", card.question_en, "Answer", card.answer_en))
    from quizzer.mathtext import render_math

    for qh, q, ah, a in parts:
        console.print(Markdown(render_math(f"## {qh}\n\n{q}\n\n## {ah}\n\n{a}")))
    if card.source:
        console.print(f"[dim]source: {card.source}[/dim]")
