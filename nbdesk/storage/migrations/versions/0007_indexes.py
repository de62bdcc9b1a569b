"""indexes where queries filter or sort: the register's order, a person's contacts by day, an
assessment's history by statement (issue 16)

Revision ID: 0007
Revises: 0006
"""

from __future__ import annotations

from alembic import op

revision = "0007"
down_revision = "0006"
branch_labels = None
depends_on = None


def upgrade() -> None:
    # The register is listed, and its filter answered, by name then unique id.
    op.create_index("ix_care_leaver_name", "care_leaver", ["name", "unique_id"])
    # A person's contacts newest first; it serves the lookups by person the old index did.
    op.create_index(
        "ix_outreach_contact_person_day", "outreach_contact", ["care_leaver_id", "contacted_on"]
    )
    op.drop_index("ix_outreach_contact_care_leaver_id", table_name="outreach_contact")
    op.create_index(
        "ix_assessment_change_statement", "assessment_change", ["assessment_id", "statement_id"]
    )


def downgrade() -> None:
    op.drop_index("ix_assessment_change_statement", table_name="assessment_change")
    op.create_index("ix_outreach_contact_care_leaver_id", "outreach_contact", ["care_leaver_id"])
    op.drop_index("ix_outreach_contact_person_day", table_name="outreach_contact")
    op.drop_index("ix_care_leaver_name", table_name="care_leaver")
