"""Load a parsed content folder into the database in one transaction.

Cards are upserted by their stable id.  Review history is never deleted: a card that disappears
from content is marked retired (and comes back, history intact, if it reappears).  Syncing the same
content twice changes nothing the second time.
"""

from __future__ import annotations

import datetime as dt
import hashlib
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING

from sqlalchemy import insert, select, update

from quizzer.content import ContentBundle, load_content
from quizzer.models import Card, Meta, Topic

if TYPE_CHECKING:
    from quizzer.db import Database

__all__ = ["SyncReport", "content_fingerprint", "sync", "sync_bundled_if_changed"]

_FINGERPRINT_KEY = "bundled_content_fingerprint"
_SOURCE_KEY = "content_source"


@dataclass(frozen=True)
class SyncReport:
    added: list[str] = field(default_factory=list)
    changed: list[str] = field(default_factory=list)
    retired: list[str] = field(default_factory=list)
    unchanged: int = 0

    @property
    def total(self) -> int:
        return len(self.added) + len(self.changed) + self.unchanged

    def summary(self) -> str:
        return f"{len(self.added)} added, {len(self.changed)} changed, {len(self.retired)} retired, {self.unchanged} unchanged"

    def to_dict(self) -> dict[str, object]:
        return {"added": self.added, "changed": self.changed, "retired": self.retired, "unchanged": self.unchanged}


def _now(now: dt.datetime | None) -> dt.datetime:
    return now or dt.datetime.now(dt.UTC)


def sync(db: Database, bundle: ContentBundle, *, now: dt.datetime | None = None, source: str | None = None) -> SyncReport:
    """Make the database's cards match ``bundle``; one transaction; returns what changed."""
    now = _now(now)
    added: list[str] = []
    changed: list[str] = []
    retired: list[str] = []
    unchanged = 0
    with db.transaction() as s:
        existing_topics = {t.id: t for t in s.scalars(select(Topic))}
        for t in bundle.topics:
            row = existing_topics.get(t.id)
            if row is None:
                s.add(Topic(id=t.id, name_zh=t.name_zh, name_en=t.name_en, position=t.position))
            elif (row.name_zh, row.name_en, row.position) != (t.name_zh, t.name_en, t.position):
                row.name_zh, row.name_en, row.position = t.name_zh, t.name_en, t.position
        known = {
            r.id: r
            for r in s.execute(select(Card.id, Card.content_hash, Card.retired, Card.path, Card.position, Card.topic))
        }
        inserts: list[dict[str, object]] = []
        updates: list[dict[str, object]] = []
        for spec in bundle.cards:
            h = spec.content_hash
            row = known.pop(spec.id, None)
            values = {
                "id": spec.id, "topic": spec.topic, "stars": spec.stars, "tags": list(spec.tags),
                "question_zh": spec.question_zh, "question_en": spec.question_en,
                "answer_zh": spec.answer_zh, "answer_en": spec.answer_en, "exercise": spec.exercise,
                "source": spec.source, "path": spec.path, "position": spec.position,
                "content_hash": h, "retired": False, "updated_at": now,
            }
            if row is None:
                inserts.append(values)
                added.append(spec.id)
            elif row.content_hash != h or row.retired or row.topic != spec.topic:
                updates.append(values)
                changed.append(spec.id)
            else:
                if (row.path, row.position) != (spec.path, spec.position):
                    updates.append({"id": spec.id, "path": spec.path, "position": spec.position})
                unchanged += 1
        for card_id, row in known.items():
            if not row.retired:
                updates.append({"id": card_id, "retired": True, "updated_at": now})
                retired.append(card_id)
        if inserts:
            s.execute(insert(Card), inserts)
        if updates:
            # Group by key set: ORM bulk UPDATE by primary key needs uniform dictionaries.
            groups: dict[tuple[str, ...], list[dict[str, object]]] = {}
            for u in updates:
                groups.setdefault(tuple(sorted(u)), []).append(u)
            for rows in groups.values():
                s.execute(update(Card), rows)
        if source is not None:
            _set_meta(s, _SOURCE_KEY, source)
    return SyncReport(added, changed, retired, unchanged)


def _set_meta(s, key: str, value: str) -> None:  # type: ignore[no-untyped-def]
    row = s.get(Meta, key)
    if row is None:
        s.add(Meta(key=key, value=value))
    else:
        row.value = value


def content_fingerprint(root: Path) -> str:
    """A cheap fingerprint of a content folder: names, sizes and modification times."""
    h = hashlib.sha256()
    for p in sorted(root.rglob("*")):
        if p.is_file() and p.suffix in (".md", ".toml"):
            st = p.stat()
            h.update(f"{p.relative_to(root).as_posix()}\0{st.st_size}\0{st.st_mtime_ns}\n".encode())
    return h.hexdigest()


def sync_bundled_if_changed(db: Database, *, now: dt.datetime | None = None) -> SyncReport | None:
    """Sync the bundled question bank on first use and whenever it changed since the last sync.

    Skipped when the database was last synced from another content folder (the user's own bank).
    """
    from quizzer.config import bundled_content_dir

    root = bundled_content_dir()
    fp = content_fingerprint(root)
    with db.session() as s:
        rows = dict(s.execute(select(Meta.key, Meta.value).where(Meta.key.in_([_FINGERPRINT_KEY, _SOURCE_KEY]))).all())
    if rows.get(_SOURCE_KEY, "bundled") != "bundled" or rows.get(_FINGERPRINT_KEY) == fp:
        return None
    report = sync(db, load_content(root), now=now, source="bundled")
    with db.transaction() as s:
        _set_meta(s, _FINGERPRINT_KEY, fp)
    return report
