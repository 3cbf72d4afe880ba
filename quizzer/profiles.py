"""Learner profiles: one database can hold several; the default one is created on first use."""

from __future__ import annotations

import datetime as dt
import re

from sqlalchemy import select
from sqlalchemy.orm import Session

from quizzer.config import DEFAULT_PROFILE
from quizzer.errors import ProfileError
from quizzer.models import Profile

__all__ = ["create_profile", "get_profile", "list_profiles"]

_NAME_RE = re.compile(r"^[A-Za-z0-9][A-Za-z0-9_.-]{0,63}$")


def get_profile(session: Session, name: str, *, now: dt.datetime | None = None) -> Profile:
    """The profile called ``name``; the default profile is created if it does not exist yet."""
    profile = session.scalar(select(Profile).where(Profile.name == name))
    if profile is not None:
        return profile
    if name == DEFAULT_PROFILE:
        return create_profile(session, name, now=now)
    raise ProfileError(f"unknown profile {name!r}; create it with 'quizzer profile add {name}' or see 'quizzer profile list'")


def create_profile(session: Session, name: str, *, desired_retention: float = 0.9, now: dt.datetime | None = None) -> Profile:
    if not _NAME_RE.match(name):
        raise ProfileError(f"profile name {name!r} must be 1-64 letters, digits, '.', '_' or '-'")
    if not 0.7 <= desired_retention <= 0.99:
        raise ProfileError("desired retention must be between 0.70 and 0.99")
    if session.scalar(select(Profile.id).where(Profile.name == name)) is not None:
        raise ProfileError(f"profile {name!r} already exists")
    profile = Profile(
        name=name,
        desired_retention=desired_retention,
        new_per_day=10,
        created_at=now or dt.datetime.now(dt.UTC),
    )
    session.add(profile)
    session.flush()
    return profile


def list_profiles(session: Session) -> list[Profile]:
    return list(session.scalars(select(Profile).order_by(Profile.name)))
