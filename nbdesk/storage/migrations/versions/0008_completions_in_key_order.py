"""completions in key order: both completion tables rewritten whole, once (issue 16)

A mark or un-mark now rewrites only its own round's completion rows in key order (see
nbdesk/survey/completion.py). A file saved before the rewrite existed holds its rows in the order
they were recorded, and a round nobody marks again (a closed one) would keep that order for good;
so the upgrade rewrites both tables whole, in key order, as every mark used to. Nothing in the
schema changes, so there is nothing to undo.

Revision ID: 0008
Revises: 0007
"""

from __future__ import annotations

from alembic import op

revision = "0008"
down_revision = "0007"
branch_labels = None
depends_on = None

KEYS = {
    "completion": "round_id, care_leaver_id",
    "completion_change": "round_id, care_leaver_id, number",
}


def upgrade() -> None:
    if op.get_bind().dialect.name != "sqlite":
        # The order is that of a WITHOUT ROWID table's pages in a file; a server database is
        # made at a revision after this one's reason (and keeps no such order).
        return
    # secure_delete is on for the upgrade's connection (make_engine), so the rows deleted here
    # are overwritten with zeros; the -wal is folded in when the upgrade's engine is closed.
    for table, key in KEYS.items():
        op.execute(f"CREATE TEMPORARY TABLE rewritten AS SELECT * FROM {table} ORDER BY {key}")
        op.execute(f"DELETE FROM {table}")
        op.execute(f"INSERT INTO {table} SELECT * FROM rewritten ORDER BY {key}")
        op.execute("DROP TABLE rewritten")


def downgrade() -> None:
    pass
