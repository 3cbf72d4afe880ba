"""The database schema as SQLAlchemy 2 typed models.

The Alembic migrations are the source of the schema; these models describe it for queries, and a
test checks that the two agree.  Review rows are an append-only log: scheduling state in
``card_states`` is a cache that can always be rebuilt by replaying them.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from sqlalchemy import (
    JSON,
    Boolean,
    Date,
    DateTime,
    Float,
    ForeignKey,
    Index,
    Integer,
    MetaData,
    String,
    Text,
    TypeDecorator,
    false,
)
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column

__all__ = ["Base", "Card", "CardState", "Meta", "Profile", "Review", "Topic", "UTCDateTime"]

NAMING_CONVENTION = {
    "ix": "ix_%(column_0_label)s",
    "uq": "uq_%(table_name)s_%(column_0_name)s",
    "ck": "ck_%(table_name)s_%(constraint_name)s",
    "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
    "pk": "pk_%(table_name)s",
}


class UTCDateTime(TypeDecorator[dt.datetime]):
    """A timezone-aware UTC datetime on every engine (SQLite hands back naive values otherwise)."""

    impl = DateTime(timezone=True)
    cache_ok = True

    def process_bind_param(self, value: dt.datetime | None, dialect: Any) -> dt.datetime | None:
        if value is None:
            return None
        if value.tzinfo is None:
            raise ValueError("naive datetime given; pass a timezone-aware UTC datetime")
        value = value.astimezone(dt.UTC)
        return value.replace(tzinfo=None) if dialect.name == "sqlite" else value

    def process_result_value(self, value: dt.datetime | None, dialect: Any) -> dt.datetime | None:
        if value is None:
            return None
        if value.tzinfo is None:
            return value.replace(tzinfo=dt.UTC)
        return value.astimezone(dt.UTC)


class Base(DeclarativeBase):
    metadata = MetaData(naming_convention=NAMING_CONVENTION)


class Meta(Base):
    """Small key/value facts about the database (e.g. the bundled content's fingerprint)."""

    __tablename__ = "meta"
    key: Mapped[str] = mapped_column(String(64), primary_key=True)
    value: Mapped[str] = mapped_column(Text)


class Topic(Base):
    __tablename__ = "topics"
    id: Mapped[str] = mapped_column(String(64), primary_key=True)
    name_zh: Mapped[str] = mapped_column(String(200))
    name_en: Mapped[str] = mapped_column(String(200))
    position: Mapped[int] = mapped_column(Integer)


class Card(Base):
    __tablename__ = "cards"
    id: Mapped[str] = mapped_column(String(128), primary_key=True)
    topic: Mapped[str] = mapped_column(String(64), index=True)
    stars: Mapped[int] = mapped_column(Integer)
    tags: Mapped[list[str]] = mapped_column(JSON, default=list)
    question_zh: Mapped[str] = mapped_column(Text)
    question_en: Mapped[str] = mapped_column(Text)
    answer_zh: Mapped[str] = mapped_column(Text)
    answer_en: Mapped[str] = mapped_column(Text)
    exercise: Mapped[str | None] = mapped_column(String(64))
    source: Mapped[str] = mapped_column(String(300), default="")
    path: Mapped[str] = mapped_column(String(300), default="")
    position: Mapped[int] = mapped_column(Integer, default=0)
    content_hash: Mapped[str] = mapped_column(String(64))
    retired: Mapped[bool] = mapped_column(Boolean, default=False)
    updated_at: Mapped[dt.datetime] = mapped_column(UTCDateTime)

    # New cards are introduced by stars (most asked first), then in bank order.
    __table_args__ = (Index("ix_cards_queue", "stars", "position"),)

    def to_dict(self) -> dict[str, Any]:
        return {
            "id": self.id,
            "topic": self.topic,
            "stars": self.stars,
            "tags": list(self.tags or []),
            "question_zh": self.question_zh,
            "question_en": self.question_en,
            "answer_zh": self.answer_zh,
            "answer_en": self.answer_en,
            "exercise": self.exercise,
            "source": self.source,
            "retired": self.retired,
        }


class Profile(Base):
    """A learner. One database can hold many; the 'default' profile needs no flag."""

    __tablename__ = "profiles"
    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    name: Mapped[str] = mapped_column(String(64), unique=True)
    desired_retention: Mapped[float] = mapped_column(Float, default=0.9)
    parameters: Mapped[list[float] | None] = mapped_column(JSON)
    new_per_day: Mapped[int] = mapped_column(Integer, default=10)
    interview_date: Mapped[dt.date | None] = mapped_column(Date)
    created_at: Mapped[dt.datetime] = mapped_column(UTCDateTime)


class CardState(Base):
    """FSRS state of one item for one profile: a cache rebuilt by replaying reviews."""

    __tablename__ = "card_states"
    profile_id: Mapped[int] = mapped_column(ForeignKey("profiles.id", ondelete="CASCADE"), primary_key=True)
    item_id: Mapped[str] = mapped_column(String(160), primary_key=True)  # "<card id>:recall" / ":drill"
    card_id: Mapped[str] = mapped_column(ForeignKey("cards.id"), index=True)
    state: Mapped[int] = mapped_column(Integer)  # fsrs.State value
    step: Mapped[int | None] = mapped_column(Integer)
    stability: Mapped[float | None] = mapped_column(Float)
    difficulty: Mapped[float | None] = mapped_column(Float)
    due: Mapped[dt.datetime] = mapped_column(UTCDateTime)
    last_review: Mapped[dt.datetime | None] = mapped_column(UTCDateTime)
    reps: Mapped[int] = mapped_column(Integer, default=0)
    lapses: Mapped[int] = mapped_column(Integer, default=0)
    buried_until: Mapped[dt.datetime | None] = mapped_column(UTCDateTime)

    __table_args__ = (Index("ix_card_states_profile_due", "profile_id", "due"),)


class Review(Base):
    """One rating of one item: the append-only source of truth for scheduling."""

    __tablename__ = "reviews"
    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    profile_id: Mapped[int] = mapped_column(ForeignKey("profiles.id", ondelete="CASCADE"))
    item_id: Mapped[str] = mapped_column(String(160))
    card_id: Mapped[str] = mapped_column(ForeignKey("cards.id"), index=True)
    rating: Mapped[int] = mapped_column(Integer)  # 1 Again, 2 Hard, 3 Good, 4 Easy
    reviewed_at: Mapped[dt.datetime] = mapped_column(UTCDateTime)
    duration_ms: Mapped[int | None] = mapped_column(Integer)
    exercise_kind: Mapped[str | None] = mapped_column(String(64))
    seed: Mapped[int | None] = mapped_column(Integer)
    difficulty: Mapped[int | None] = mapped_column(Integer)
    response: Mapped[str | None] = mapped_column(Text)
    verdict: Mapped[str | None] = mapped_column(String(16))
    ahead: Mapped[bool] = mapped_column(Boolean, default=False, server_default=false())  # reviewed before due (cram)
    source: Mapped[str] = mapped_column(String(16), default="study", server_default="study")  # study, sheet

    __table_args__ = (
        Index("ix_reviews_profile_time", "profile_id", "reviewed_at"),
        Index("ix_reviews_profile_item", "profile_id", "item_id"),
    )
