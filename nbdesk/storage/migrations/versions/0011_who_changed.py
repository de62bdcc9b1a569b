"""who made each change, in the histories of ratings, completions and plans (issue 17): on a
PostgreSQL server the database fills it with the person signed in; a file leaves it empty

Revision ID: 0011
Revises: 0010
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0011"
down_revision = "0010"
branch_labels = None
depends_on = None

HISTORIES = ("assessment_change", "completion_change", "plan_change")


def upgrade() -> None:
    on_server = op.get_bind().dialect.name == "postgresql"
    for table in HISTORIES:
        # ADD COLUMN in place (no batch copy): completion_change must stay WITHOUT ROWID.
        op.add_column(
            table, sa.Column("changed_by", sa.String(length=200), nullable=False, server_default="")
        )
        if on_server:
            # The database, not nbdesk, names who signed in: nothing a service passes (or
            # forgets to pass) can put another person's name there.
            op.execute(f"ALTER TABLE {table} ALTER COLUMN changed_by SET DEFAULT session_user")


def downgrade() -> None:
    for table in HISTORIES:
        op.drop_column(table, "changed_by")
