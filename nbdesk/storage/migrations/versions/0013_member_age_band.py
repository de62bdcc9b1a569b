"""each round member's age band on the day the round opened kept on the member's row (issue 17):
a round's figures need no date of birth, which a viewer may not read on a server

Revision ID: 0013
Revises: 0012
"""

from __future__ import annotations

from datetime import date
from typing import Any

import sqlalchemy as sa
from alembic import op

revision = "0013"
down_revision = "0012"
branch_labels = None
depends_on = None

member = sa.table(
    "round_member",
    sa.column("round_id", sa.Integer),
    sa.column("care_leaver_id", sa.Integer),
    sa.column("age_band", sa.SmallInteger),
)
person = sa.table(
    "care_leaver",
    sa.column("id", sa.Integer),
    sa.column("date_of_birth", sa.Date),
)
survey_round = sa.table(
    "survey_round",
    sa.column("id", sa.Integer),
    sa.column("opens_on", sa.Date),
)


# The bands as register.AGE_BANDS numbers them when this was written, kept here so the migration
# means the same if they change.
BANDS = ((16, 17), (18, 20), (21, 25))


def _latest_birthday(age: int, day: date) -> date:
    try:
        return day.replace(year=day.year - age)
    except ValueError:  # 29 February, `age` years back had none
        return day.replace(year=day.year - age, day=28)


def _band_number(born: Any, opens_on: date) -> Any:
    """register.age_band_number: -1 not recorded, then the bands, then other ages."""
    whens: list[tuple[Any, int]] = [(born.is_(None), -1)]
    for number, (low, high) in enumerate(BANDS):
        youngest = sa.literal(_latest_birthday(low, opens_on), sa.Date)
        oldest = sa.literal(_latest_birthday(high + 1, opens_on), sa.Date)
        whens.append(((born <= youngest) & (born > oldest), number))
    return sa.case(*whens, else_=len(BANDS))


def upgrade() -> None:
    with op.batch_alter_table("round_member") as batch_op:
        batch_op.add_column(sa.Column("age_band", sa.SmallInteger(), nullable=True))
    # Filled from the dates of birth held now, round by round (each has its own bands' edges), in
    # Core so it runs on any database; as the app does it (register.set_member_bands).
    bind = op.get_bind()
    for round_id, opens_on in bind.execute(sa.select(survey_round.c.id, survey_round.c.opens_on)):
        band = (
            sa.select(_band_number(person.c.date_of_birth, opens_on))
            .where(person.c.id == member.c.care_leaver_id)
            .scalar_subquery()
        )
        bind.execute(member.update().where(member.c.round_id == round_id).values(age_band=band))
    with op.batch_alter_table("round_member") as batch_op:
        batch_op.alter_column("age_band", existing_type=sa.SmallInteger(), nullable=False)


def downgrade() -> None:
    with op.batch_alter_table("round_member") as batch_op:
        batch_op.drop_column("age_band")
