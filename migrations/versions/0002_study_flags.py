"""Study sessions: bury items, flag reviews done ahead of schedule, record origin, index new cards.

Revision ID: 0002
Revises: 0001
Create Date: 2026-11-23
"""

import sqlalchemy as sa
from alembic import op

from quizzer.models import UTCDateTime

revision = "0002"
down_revision = "0001"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("card_states") as batch:
        batch.add_column(sa.Column("buried_until", UTCDateTime(), nullable=True))
    with op.batch_alter_table("reviews") as batch:
        batch.add_column(sa.Column("ahead", sa.Boolean(), nullable=False, server_default=sa.false()))
        batch.add_column(sa.Column("source", sa.String(16), nullable=False, server_default="study"))
    op.create_index("ix_cards_queue", "cards", ["stars", "position"])


def downgrade() -> None:
    op.drop_index("ix_cards_queue", table_name="cards")
    with op.batch_alter_table("reviews") as batch:
        batch.drop_column("source")
        batch.drop_column("ahead")
    with op.batch_alter_table("card_states") as batch:
        batch.drop_column("buried_until")
