"""Sync: idempotent, one transaction, never loses review history."""

from __future__ import annotations

import datetime as dt

import pytest
from sqlalchemy import func, select

from quizzer.content import load_content
from quizzer.errors import ContentError
from quizzer.models import Card, CardState, Review, Topic
from quizzer.profiles import get_profile
from quizzer.sync import sync
from tests.conftest import NOW


def add_history(db, card_id="card-1"):
    with db.transaction() as s:
        p = get_profile(s, "default", now=NOW)
        s.add(CardState(profile_id=p.id, item_id=f"{card_id}:recall", card_id=card_id, state=2, stability=4.0,
                        difficulty=5.0, due=NOW + dt.timedelta(days=4), last_review=NOW, reps=1, lapses=0))
        s.add(Review(profile_id=p.id, item_id=f"{card_id}:recall", card_id=card_id, rating=3, reviewed_at=NOW, duration_ms=900))


def counts(db):
    with db.session() as s:
        return (s.scalar(select(func.count()).select_from(Card)), s.scalar(select(func.count()).select_from(Review)),
                s.scalar(select(func.count()).select_from(CardState)))


def test_first_sync_adds_everything_and_second_changes_nothing(db, content_dir):
    first = sync(db, load_content(content_dir), now=NOW)
    assert sorted(first.added) == ["card-1", "card-2", "card-3", "conv-size"]
    assert (first.changed, first.retired) == ([], [])
    second = sync(db, load_content(content_dir), now=NOW + dt.timedelta(hours=1))
    assert (second.added, second.changed, second.retired, second.unchanged) == ([], [], [], 4)
    with db.session() as s:
        assert {c.id: c.updated_at for c in s.scalars(select(Card))} == dict.fromkeys(first.added, NOW)
        assert [t.id for t in s.scalars(select(Topic).order_by(Topic.position))] == ["basics", "nets"]


def test_editing_text_keeps_reviews_and_state(db, content_dir):
    sync(db, load_content(content_dir), now=NOW)
    add_history(db)
    p = content_dir / "basics" / "card-1.md"
    p.write_text(p.read_text(encoding="utf-8").replace("Answer 1", "A better answer 1"), encoding="utf-8")
    report = sync(db, load_content(content_dir), now=NOW)
    assert report.changed == ["card-1"] and report.added == [] and report.unchanged == 3
    with db.session() as s:
        assert s.get(Card, "card-1").answer_en.startswith("A better answer 1")
        assert s.scalars(select(CardState)).one().stability == 4.0
        assert s.scalars(select(Review)).one().card_id == "card-1"


def test_removed_card_is_retired_with_history_and_comes_back(db, content_dir):
    sync(db, load_content(content_dir), now=NOW)
    add_history(db, "card-2")
    moved = (content_dir / "basics" / "card-2.md").read_text(encoding="utf-8")
    (content_dir / "basics" / "card-2.md").unlink()
    report = sync(db, load_content(content_dir), now=NOW)
    assert report.retired == ["card-2"]
    assert counts(db) == (4, 1, 1)
    with db.session() as s:
        assert s.get(Card, "card-2").retired is True
    again = sync(db, load_content(content_dir), now=NOW)
    assert again.retired == [] and again.unchanged == 3
    (content_dir / "nets" / "card-2.md").write_text(moved, encoding="utf-8")  # reappears in another topic
    back = sync(db, load_content(content_dir), now=NOW)
    assert back.changed == ["card-2"]
    with db.session() as s:
        card = s.get(Card, "card-2")
        assert (card.retired, card.topic) == (False, "nets")


def test_malformed_content_changes_nothing(db, content_dir):
    sync(db, load_content(content_dir), now=NOW)
    add_history(db)
    before = counts(db)
    (content_dir / "basics" / "card-3.md").write_text("+++\nid = 'card-3'\nstars = 7\n+++\n", encoding="utf-8")
    (content_dir / "basics" / "card-1.md").unlink()
    with pytest.raises(ContentError, match=r"card-3.md:3: stars must be 1, 2 or 3, not 7"):
        sync(db, load_content(content_dir), now=NOW)
    assert counts(db) == before
    with db.session() as s:
        assert s.get(Card, "card-1").retired is False


def test_bundled_bank_syncs_on_first_use_and_when_changed(bundled_db):
    from quizzer.sync import sync_bundled_if_changed

    with bundled_db.session() as s:
        n = s.scalar(select(func.count()).select_from(Card).where(Card.retired.is_(False)))
    assert n >= 1
    assert sync_bundled_if_changed(bundled_db) is None  # unchanged: nothing to do


def test_sync_of_a_large_bank_is_batched(db, tmp_path):
    # 600 cards in one transaction; the benchmark covers 10,000.
    from tests.benchmarks.make_bank import make_bank

    root = make_bank(tmp_path / "big", 600)
    report = sync(db, load_content(root), now=NOW)
    assert len(report.added) == 600
    assert sync(db, load_content(root), now=NOW).unchanged == 600
