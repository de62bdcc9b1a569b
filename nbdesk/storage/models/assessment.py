"""Self-assessments: ratings and evidence per statement, overall scores per area, sittings, history."""

from __future__ import annotations

from datetime import date, datetime

from sqlalchemy import (
    Boolean,
    Date,
    DateTime,
    ForeignKey,
    Index,
    Integer,
    String,
    Text,
    UniqueConstraint,
)
from sqlalchemy.orm import Mapped, mapped_column

from nbdesk.storage.models.base import Base


class Assessment(Base):
    __tablename__ = "assessment"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    name: Mapped[str] = mapped_column(String(200), unique=True)
    stage: Mapped[str] = mapped_column(String(20))  # baseline | follow-up | other
    perspective: Mapped[str] = mapped_column(String(20))  # staff | young-people
    held_on: Mapped[date] = mapped_column(Date)
    # RESTRICT: a framework an assessment was rated against can never be deleted from under it.
    framework_id: Mapped[int] = mapped_column(ForeignKey("framework.id", ondelete="RESTRICT"))
    archived: Mapped[bool] = mapped_column(Boolean, default=False)
    created_at: Mapped[datetime] = mapped_column(DateTime)
    # The workshop page the group last had on screen (statements then each area's overall score,
    # in framework order; a framework never changes, so the number always means the same page).
    resume_page: Mapped[int | None] = mapped_column(Integer, nullable=True, default=None)


class Rating(Base):
    """One statement's rating (None until rated), evidence note and revisit flag."""

    __tablename__ = "rating"
    __table_args__ = (UniqueConstraint("assessment_id", "statement_id"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    assessment_id: Mapped[int] = mapped_column(ForeignKey("assessment.id", ondelete="CASCADE"))
    statement_id: Mapped[int] = mapped_column(ForeignKey("statement.id", ondelete="RESTRICT"))
    points: Mapped[int | None] = mapped_column(Integer, nullable=True)
    evidence: Mapped[str] = mapped_column(Text, default="")
    flagged: Mapped[bool] = mapped_column(Boolean, default=False)


class AreaOverall(Base):
    """The group's overall rating of an area (0 to the framework's maximum) and its note."""

    __tablename__ = "area_overall"
    __table_args__ = (UniqueConstraint("assessment_id", "area_id"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    assessment_id: Mapped[int] = mapped_column(ForeignKey("assessment.id", ondelete="CASCADE"))
    area_id: Mapped[int] = mapped_column(ForeignKey("framework_area.id", ondelete="RESTRICT"))
    score: Mapped[int | None] = mapped_column(Integer, nullable=True)
    note: Mapped[str] = mapped_column(Text, default="")


class Sitting(Base):
    """One workshop session on an assessment, so the lead can show how it was done."""

    __tablename__ = "sitting"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    assessment_id: Mapped[int] = mapped_column(ForeignKey("assessment.id", ondelete="CASCADE"))
    started_at: Mapped[datetime] = mapped_column(DateTime)
    label: Mapped[str] = mapped_column(String(200), default="")


class Participant(Base):
    __tablename__ = "participant"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    sitting_id: Mapped[int] = mapped_column(ForeignKey("sitting.id", ondelete="CASCADE"))
    name_or_role: Mapped[str] = mapped_column(String(200))
    kind: Mapped[str] = mapped_column(String(20))  # staff | partner | young-person


class AssessmentChange(Base):
    """Every change to a rating, note, flag or overall score: what, old, new, when, which sitting."""

    __tablename__ = "assessment_change"
    # A statement's history, and an assessment's, read without scanning every change ever made.
    __table_args__ = (Index("ix_assessment_change_statement", "assessment_id", "statement_id"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    assessment_id: Mapped[int] = mapped_column(ForeignKey("assessment.id", ondelete="CASCADE"))
    statement_id: Mapped[int | None] = mapped_column(
        ForeignKey("statement.id", ondelete="RESTRICT"), nullable=True
    )
    area_id: Mapped[int | None] = mapped_column(
        ForeignKey("framework_area.id", ondelete="RESTRICT"), nullable=True
    )
    field: Mapped[str] = mapped_column(
        String(20)
    )  # rating | evidence | flag | overall | overall-note
    old_value: Mapped[str | None] = mapped_column(Text, nullable=True)
    new_value: Mapped[str | None] = mapped_column(Text, nullable=True)
    changed_at: Mapped[datetime] = mapped_column(DateTime)
    sitting_id: Mapped[int | None] = mapped_column(
        ForeignKey("sitting.id", ondelete="SET NULL"), nullable=True
    )
    # Who made the change: on a server the database fills it with the person signed in
    # (migration 0011); a file, used by one person, leaves it empty.
    changed_by: Mapped[str] = mapped_column(String(200), server_default="")


class WorkshopLease(Base):
    """Who is running the workshop on an assessment now: one writer at a time. `holder` names the
    workshop window that holds it; a heartbeat older than the stale time frees it (a laptop that
    crashed or lost its connection must not lock the assessment for good)."""

    __tablename__ = "workshop_lease"

    # The assessment's own id, never numbered by a sequence.
    assessment_id: Mapped[int] = mapped_column(
        ForeignKey("assessment.id", ondelete="CASCADE"), primary_key=True, autoincrement=False
    )
    led_by: Mapped[str] = mapped_column(String(200))
    holder: Mapped[str] = mapped_column(String(64))
    taken_at: Mapped[datetime] = mapped_column(DateTime)
    heartbeat_at: Mapped[datetime] = mapped_column(DateTime)
