"""workshop place: where a workshop on an assessment stopped, so it reopens there

Revision ID: 0004
Revises: 0003
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0004"
down_revision = "0003"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("assessment") as batch:
        # NULL for every existing assessment: the workshop then opens at the first unrated page.
        batch.add_column(sa.Column("resume_page", sa.Integer(), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table("assessment") as batch:
        batch.drop_column("resume_page")
