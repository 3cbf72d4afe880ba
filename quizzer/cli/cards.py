"""``quizzer cards list`` and ``quizzer cards show``."""

from __future__ import annotations

import json

import click

from quizzer.cli.main import AppContext, pass_app

__all__ = ["cards"]


@click.group()
def cards() -> None:
    """List and show the cards in the database.

    \b
    Example:
      quizzer cards list --topic convolution --stars 3
    """


@cards.command("list")
@click.option("--topic", help="Only this topic (see 'quizzer cards topics').")
@click.option("--stars", type=click.IntRange(1, 3), help="Only cards with this many stars.")
@click.option("--retired", is_flag=True, help="Include retired cards.")
@click.option("--json", "as_json", is_flag=True, help="Print JSON (one object per card).")
@pass_app
def cards_list(app: AppContext, topic: str | None, stars: int | None, retired: bool, as_json: bool) -> None:
    """List cards, in study order.

    \b
    Example:
      quizzer cards list --stars 3 --json
    """
    from quizzer.cards import list_cards

    rows = list_cards(app.store(), topic=topic, stars=stars, include_retired=retired)
    if as_json:
        click.echo(json.dumps([c.to_dict() for c in rows], ensure_ascii=False, indent=1))
        return
    lang = app.settings.lang
    for c in rows:
        title = c.question_en if lang == "en" else c.question_zh
        title = " ".join(title.split())
        if len(title) > 60:
            title = title[:59] + "…"
        ex = f"  [{c.exercise}]" if c.exercise else ""
        click.echo(f"{'★' * c.stars:<3} {c.id:<40} {c.topic:<15} {title}{ex}")
    click.echo(f"{len(rows)} cards", err=True)


@cards.command("show")
@click.argument("card_id")
@click.option("--json", "as_json", is_flag=True, help="Print JSON.")
@pass_app
def cards_show(app: AppContext, card_id: str, as_json: bool) -> None:
    """Show one card, question and answer.

    \b
    Example:
      quizzer cards show conv-output-size --lang en
    """
    from quizzer.cards import get_card

    card = get_card(app.store(), card_id)
    if as_json:
        click.echo(json.dumps(card.to_dict(), ensure_ascii=False, indent=2))
        return
    from quizzer.render import print_card

    print_card(card, app.settings.lang)


@cards.command("topics")
@click.option("--json", "as_json", is_flag=True, help="Print JSON.")
@pass_app
def cards_topics(app: AppContext, as_json: bool) -> None:
    """List topics in study order with their card counts.

    \b
    Example:
      quizzer cards topics
    """
    from quizzer.cards import list_topics

    rows = list_topics(app.store())
    if as_json:
        click.echo(json.dumps(rows, ensure_ascii=False, indent=2))
        return
    for r in rows:
        click.echo(f"{r['id']:<16} {r['cards']:>4}  {r['name_en']} / {r['name_zh']}")
