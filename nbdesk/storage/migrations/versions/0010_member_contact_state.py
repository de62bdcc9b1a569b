"""each round member's contacts so far (count, latest day, its outcome) kept on the member's row
(issue 16): who-next and the dashboard read one row a member, not every contact of the round

Revision ID: 0010
Revises: 0009
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0010"
down_revision = "0009"
branch_labels = None
depends_on = None

member = sa.table(
    "round_member",
    sa.column("round_id", sa.Integer),
    sa.column("care_leaver_id", sa.Integer),
    sa.column("contacts", sa.Integer),
    sa.column("last_contact_on", sa.Date),
    sa.column("last_outcome", sa.String),
)
contact = sa.table(
    "outreach_contact",
    sa.column("round_id", sa.Integer),
    sa.column("care_leaver_id", sa.Integer),
    sa.column("number", sa.Integer),
    sa.column("contacted_on", sa.Date),
    sa.column("outcome", sa.String),
)


def upgrade() -> None:
    with op.batch_alter_table("round_member") as batch_op:
        batch_op.add_column(sa.Column("contacts", sa.Integer(), server_default="0", nullable=False))
        batch_op.add_column(sa.Column("last_contact_on", sa.Date(), nullable=True))
        batch_op.add_column(
            sa.Column("last_outcome", sa.String(length=30), server_default="", nullable=False)
        )
    # Filled from the contacts already logged, by each member's key (Core, so it runs on any
    # database): the count, the latest day, then the outcome of the last contact logged that day.
    mine = (contact.c.round_id == member.c.round_id) & (
        contact.c.care_leaver_id == member.c.care_leaver_id
    )
    op.execute(
        member.update().values(
            contacts=sa.select(sa.func.count()).where(mine).scalar_subquery(),
            last_contact_on=sa.select(sa.func.max(contact.c.contacted_on))
            .where(mine)
            .scalar_subquery(),
        )
    )
    op.execute(
        member.update()
        .where(member.c.last_contact_on.is_not(None))
        .values(
            last_outcome=sa.select(contact.c.outcome)
            .where(mine, contact.c.contacted_on == member.c.last_contact_on)
            .order_by(contact.c.number.desc())
            .limit(1)
            .scalar_subquery()
        )
    )


def downgrade() -> None:
    with op.batch_alter_table("round_member") as batch_op:
        batch_op.drop_column("last_outcome")
        batch_op.drop_column("last_contact_on")
        batch_op.drop_column("contacts")
