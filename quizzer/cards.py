"""Reading cards and topics: query builders and the few lookups front ends need."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from sqlalchemy import Select, func, select

from quizzer.errors import QuizzerError
from quizzer.models import Card, Topic

if TYPE_CHECKING:
    from quizzer.db import Database

__all__ = ["cards_query", "get_card", "list_cards", "list_topics", "require_topic"]


def cards_query(*, topic: str | None = None, stars: int | None = None, include_retired: bool = False) -> Select[tuple[Card]]:
    """Cards in study order (topic order, then position in the bank)."""
    q = select(Card).join(Topic, Topic.id == Card.topic, isouter=True)
    if topic is not None:
        q = q.where(Card.topic == topic)
    if stars is not None:
        q = q.where(Card.stars == stars)
    if not include_retired:
        q = q.where(Card.retired.is_(False))
    return q.order_by(Topic.position, Card.position, Card.id)


def require_topic(db: Database, topic: str) -> None:
    with db.session() as s:
        if s.get(Topic, topic) is None:
            names = ", ".join(s.scalars(select(Topic.id).order_by(Topic.position)))
            raise QuizzerError(f"unknown topic {topic!r}; topics are: {names}")


def list_cards(db: Database, *, topic: str | None = None, stars: int | None = None, include_retired: bool = False) -> list[Card]:
    if topic is not None:
        require_topic(db, topic)
    with db.session() as s:
        return list(s.scalars(cards_query(topic=topic, stars=stars, include_retired=include_retired)))


def get_card(db: Database, card_id: str) -> Card:
    with db.session() as s:
        card = s.get(Card, card_id)
    if card is None:
        raise QuizzerError(f"no card with id {card_id!r}; see 'quizzer cards list'")
    return card


def list_topics(db: Database) -> list[dict[str, Any]]:
    with db.session() as s:
        counts = dict(
            s.execute(select(Card.topic, func.count(Card.id)).where(Card.retired.is_(False)).group_by(Card.topic)).all()
        )
        return [
            {"id": t.id, "name_zh": t.name_zh, "name_en": t.name_en, "cards": counts.get(t.id, 0)}
            for t in s.scalars(select(Topic).order_by(Topic.position))
        ]
