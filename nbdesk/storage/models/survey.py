"""Survey rounds: the register, who is eligible, outreach contacts and completions.

Anonymity is structural. nbdesk stores no survey answers, and nothing here could hold one. The
completion tables carry only a day (never a time) and have no row id or sequence across people
(WITHOUT ROWID, keyed by round and person), so completions cannot be lined up in the order they were
made against the central team's responses; nor can the bytes, which survey/completion.py rewrites in
key order at every change (issue 11).
"""

from __future__ import annotations

from datetime import date, datetime

from sqlalchemy import (
    Boolean,
    CheckConstraint,
    Date,
    DateTime,
    ForeignKey,
    Index,
    Integer,
    SmallInteger,
    String,
    Text,
)
from sqlalchemy.orm import Mapped, mapped_column

from nbdesk.storage.models.base import Base

CONFIRMERS_SQL = "('young-person', 'pa', 'trusted-adult')"


class CareLeaver(Base):
    __tablename__ = "care_leaver"
    # The register's order (name, then unique id): read in index order, not sorted on every key
    # press of its filter, and carrying the other columns the filter reads, so the filter reads
    # the index alone (issue 16).
    __table_args__ = (
        Index("ix_care_leaver_find", "name", "unique_id", "preferred_name", "pa_name"),
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    unique_id: Mapped[str] = mapped_column(String(100), unique=True)
    name: Mapped[str] = mapped_column(String(200), default="")
    preferred_name: Mapped[str] = mapped_column(String(200), default="")
    date_of_birth: Mapped[date | None] = mapped_column(Date, nullable=True)
    gender: Mapped[str] = mapped_column(String(50), default="")
    ethnicity: Mapped[str] = mapped_column(String(100), default="")
    accommodation: Mapped[str] = mapped_column(String(200), default="")
    activity: Mapped[str] = mapped_column(String(200), default="")
    eligibility_category: Mapped[str] = mapped_column(String(100), default="")
    uasc: Mapped[bool] = mapped_column(Boolean, default=False)
    disability: Mapped[str] = mapped_column(String(100), default="")
    pa_name: Mapped[str] = mapped_column(String(200), default="", index=True)
    team: Mapped[str] = mapped_column(String(200), default="")
    phone: Mapped[str] = mapped_column(String(50), default="")
    email: Mapped[str] = mapped_column(String(200), default="")
    preferred_channel: Mapped[str] = mapped_column(String(30), default="")
    in_custody: Mapped[bool] = mapped_column(Boolean, default=False)
    needs_interpreter: Mapped[bool] = mapped_column(Boolean, default=False)
    young_parent: Mapped[bool] = mapped_column(Boolean, default=False)
    out_of_area: Mapped[bool] = mapped_column(Boolean, default=False)
    do_not_contact: Mapped[bool] = mapped_column(Boolean, default=False)
    do_not_contact_reason: Mapped[str] = mapped_column(String(300), default="")
    updated_at: Mapped[datetime] = mapped_column(DateTime)


class SurveyRound(Base):
    __tablename__ = "survey_round"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    name: Mapped[str] = mapped_column(String(200), unique=True)
    opens_on: Mapped[date] = mapped_column(Date)
    closes_on: Mapped[date] = mapped_column(Date)
    closed: Mapped[bool] = mapped_column(Boolean, default=False)
    contact_details_erased_on: Mapped[date | None] = mapped_column(Date, nullable=True)


class RoundMember(Base):
    """Who the round counts (the denominator), fixed when it opens; the lead may add or exclude."""

    __tablename__ = "round_member"
    # Each round's eligible members and their completions are counted from this index alone
    # (survey.rounds): read from the table, ten rounds of 50,000 took a quarter of a second.
    __table_args__ = (Index("ix_round_member_counted", "round_id", "care_leaver_id", "eligible"),)

    round_id: Mapped[int] = mapped_column(
        ForeignKey("survey_round.id", ondelete="CASCADE"), primary_key=True
    )
    care_leaver_id: Mapped[int] = mapped_column(
        ForeignKey("care_leaver.id", ondelete="CASCADE"), primary_key=True
    )
    eligible: Mapped[bool] = mapped_column(Boolean, default=True)
    reason: Mapped[str] = mapped_column(String(300), default="")
    # What the round's lists need of the member's contacts in it, kept up to date in the same
    # transaction as a contact is logged (survey.contacts): the number of contacts, the day of the
    # latest and its outcome (the last logged that day). Who-next and the dashboard read these,
    # one row a member, instead of grouping every contact of the round (issue 16: ten a person).
    contacts: Mapped[int] = mapped_column(Integer, default=0, server_default="0")
    last_contact_on: Mapped[date | None] = mapped_column(Date, nullable=True)
    last_outcome: Mapped[str] = mapped_column(String(30), default="", server_default="")
    # The member's age band on the day the round opened (register.band_number: -1 not recorded,
    # then AGE_BANDS' numbers, then other ages), set when the row is made and again when their
    # date of birth is edited (register.set_member_bands). The round's figures read it, so a
    # viewer, who may not read dates of birth on a server, sees them too (issue 17).
    age_band: Mapped[int] = mapped_column(SmallInteger)


class OutreachContact(Base):
    """A contact with a person during a round. Numbered within the person and round, dated by day,
    and WITHOUT ROWID like the completion tables: a contact whose outcome is "says completed"
    stands in for a completion, so no id may order contacts across people either."""

    __tablename__ = "outreach_contact"
    # A person's contacts by day (the index carries the key, round and number, after it): their
    # history reads in order, newest first, without a sort (issue 16).
    __table_args__ = (
        Index("ix_outreach_contact_person_day", "care_leaver_id", "contacted_on"),
        {"sqlite_with_rowid": False},
    )

    round_id: Mapped[int] = mapped_column(
        ForeignKey("survey_round.id", ondelete="CASCADE"), primary_key=True
    )
    care_leaver_id: Mapped[int] = mapped_column(
        ForeignKey("care_leaver.id", ondelete="CASCADE"), primary_key=True
    )
    number: Mapped[int] = mapped_column(Integer, primary_key=True)  # 1, 2, … for this person
    contacted_on: Mapped[date] = mapped_column(Date)
    channel: Mapped[str] = mapped_column(String(30))
    purpose: Mapped[str] = mapped_column(String(30))
    outcome: Mapped[str] = mapped_column(String(30))
    note: Mapped[str] = mapped_column(Text, default="")
    logged_by: Mapped[str] = mapped_column(String(200), default="")


class Completion(Base):
    """That a person completed a round's survey: who confirmed it and on which day. Nothing else."""

    __tablename__ = "completion"
    # The check keeps the one text column to its three words: it cannot carry anything else.
    __table_args__ = (
        CheckConstraint(f"confirmed_by IN {CONFIRMERS_SQL}", name="confirmed_by"),
        {"sqlite_with_rowid": False},
    )

    round_id: Mapped[int] = mapped_column(
        ForeignKey("survey_round.id", ondelete="CASCADE"), primary_key=True
    )
    care_leaver_id: Mapped[int] = mapped_column(
        ForeignKey("care_leaver.id", ondelete="CASCADE"), primary_key=True
    )
    confirmed_by: Mapped[str] = mapped_column(String(20))  # young-person | pa | trusted-adult
    confirmed_on: Mapped[date] = mapped_column(Date)


class CompletionChange(Base):
    """Marking and un-marking, per person: numbered within the person, dated by day only."""

    __tablename__ = "completion_change"
    __table_args__ = (
        CheckConstraint("action IN ('marked', 'unmarked')", name="action"),
        CheckConstraint(f"confirmed_by IN ('', {CONFIRMERS_SQL[1:]}", name="confirmed_by"),
        {"sqlite_with_rowid": False},
    )

    round_id: Mapped[int] = mapped_column(
        ForeignKey("survey_round.id", ondelete="CASCADE"), primary_key=True
    )
    care_leaver_id: Mapped[int] = mapped_column(
        ForeignKey("care_leaver.id", ondelete="CASCADE"), primary_key=True
    )
    number: Mapped[int] = mapped_column(Integer, primary_key=True)  # 1, 2, … for this person
    action: Mapped[str] = mapped_column(String(10))  # marked | unmarked
    changed_on: Mapped[date] = mapped_column(Date)
    confirmed_by: Mapped[str] = mapped_column(String(20), default="")
    reason: Mapped[str] = mapped_column(String(300), default="")
    # Who made the change: on a server the database fills it with the person signed in
    # (migration 0011); a file, used by one person, leaves it empty.
    changed_by: Mapped[str] = mapped_column(String(200), server_default="")
