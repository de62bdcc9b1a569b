"""Action plans: what young people said, what the authority will do, who does it, and by when.

A plan (initial, revised after the follow-up, other) holds ordered themes, each holding ordered
actions; an action keeps dated updates (never overwritten), the evidence it cites, and how young
people are involved in it or why not. Every change is a row of `plan_change`, which is both the
plan's history and what undo reverses.
"""

from __future__ import annotations

from datetime import date, datetime

from sqlalchemy import Boolean, Date, DateTime, ForeignKey, Integer, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from nbdesk.storage.models.base import Base


class ActionPlan(Base):
    __tablename__ = "action_plan"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    name: Mapped[str] = mapped_column(String(200), unique=True)
    stage: Mapped[str] = mapped_column(String(20))  # initial | revised | other
    starts_on: Mapped[date] = mapped_column(Date)
    ends_on: Mapped[date] = mapped_column(Date)
    # The plan this one revises; kept if that plan is ever removed, so SET NULL.
    revises_id: Mapped[int | None] = mapped_column(
        ForeignKey("action_plan.id", ondelete="SET NULL"), nullable=True
    )
    created_at: Mapped[datetime] = mapped_column(DateTime)


class PlanSignOff(Base):
    """A senior leader's sign-off. The first one marks the plan signed off."""

    __tablename__ = "plan_sign_off"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    plan_id: Mapped[int] = mapped_column(
        ForeignKey("action_plan.id", ondelete="CASCADE"), index=True
    )
    name: Mapped[str] = mapped_column(String(200))
    role: Mapped[str] = mapped_column(String(200))
    signed_on: Mapped[date] = mapped_column(Date)
    note: Mapped[str] = mapped_column(Text, default="")
    recorded_at: Mapped[datetime] = mapped_column(DateTime)


class PlanTheme(Base):
    __tablename__ = "plan_theme"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    plan_id: Mapped[int] = mapped_column(
        ForeignKey("action_plan.id", ondelete="CASCADE"), index=True
    )
    position: Mapped[int] = mapped_column(Integer)
    title: Mapped[str] = mapped_column(String(200))


class PlanOwner(Base):
    """Who an action is for: a person, a team or a partner agency. One list for the authority."""

    __tablename__ = "plan_owner"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    name: Mapped[str] = mapped_column(String(200), unique=True)
    kind: Mapped[str] = mapped_column(String(20))  # person | team | partner


class PlanAction(Base):
    __tablename__ = "plan_action"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    theme_id: Mapped[int] = mapped_column(
        ForeignKey("plan_theme.id", ondelete="CASCADE"), index=True
    )
    position: Mapped[int] = mapped_column(Integer)
    you_said: Mapped[str] = mapped_column(Text, default="")
    we_will: Mapped[str] = mapped_column(Text, default="")
    # RESTRICT: an owner in use cannot vanish from under the actions that name it.
    owner_id: Mapped[int | None] = mapped_column(
        ForeignKey("plan_owner.id", ondelete="RESTRICT"), nullable=True, index=True
    )
    due_on: Mapped[date | None] = mapped_column(Date, nullable=True)
    # True when "When" was given as a quarter: due_on is then the quarter's last day.
    due_is_quarter: Mapped[bool] = mapped_column(Boolean, default=False)
    status: Mapped[str] = mapped_column(String(20), default="not-started")
    dropped_reason: Mapped[str] = mapped_column(Text, default="")
    # Ways young people take part, comma-separated ("co-designing,reviewing"); "" when they do not.
    involvement: Mapped[str] = mapped_column(String(100), default="")
    involvement_note: Mapped[str] = mapped_column(Text, default="")
    # Why they do not (one of the evaluation's four reasons, or "other" with a note).
    not_involved_reason: Mapped[str] = mapped_column(String(30), default="")
    not_involved_note: Mapped[str] = mapped_column(Text, default="")
    # The action of the earlier plan this one was copied from when the plan was revised.
    copied_from_id: Mapped[int | None] = mapped_column(
        ForeignKey("plan_action.id", ondelete="SET NULL"), nullable=True
    )
    created_on: Mapped[date] = mapped_column(Date)


class PlanUpdate(Base):
    """A dated progress note on an action, with the status it left the action in."""

    __tablename__ = "plan_update"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    action_id: Mapped[int] = mapped_column(
        ForeignKey("plan_action.id", ondelete="CASCADE"), index=True
    )
    written_on: Mapped[date] = mapped_column(Date)
    text: Mapped[str] = mapped_column(Text, default="")
    status: Mapped[str] = mapped_column(String(20))
    # The review meeting it was written in, if any.
    review_id: Mapped[int | None] = mapped_column(
        ForeignKey("plan_review.id", ondelete="SET NULL"), nullable=True, index=True
    )
    # Young people's comment on this action, when made in a review.
    young_people_comment: Mapped[str] = mapped_column(Text, default="")


class PlanCitation(Base):
    """Evidence an action answers: a statement or an area (of an assessment), a survey round, a
    finding of a round, or a theme of young people's priorities."""

    __tablename__ = "plan_citation"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    action_id: Mapped[int] = mapped_column(
        ForeignKey("plan_action.id", ondelete="CASCADE"), index=True
    )
    assessment_id: Mapped[int | None] = mapped_column(
        ForeignKey("assessment.id", ondelete="CASCADE"), nullable=True
    )
    statement_id: Mapped[int | None] = mapped_column(
        ForeignKey("statement.id", ondelete="RESTRICT"), nullable=True, index=True
    )
    area_id: Mapped[int | None] = mapped_column(
        ForeignKey("framework_area.id", ondelete="RESTRICT"), nullable=True
    )
    round_id: Mapped[int | None] = mapped_column(
        ForeignKey("survey_round.id", ondelete="CASCADE"), nullable=True
    )
    # What young people said that the action answers: a finding of a round, or a priority theme.
    finding_id: Mapped[int | None] = mapped_column(
        ForeignKey("finding.id", ondelete="CASCADE"), nullable=True, index=True
    )
    priority_theme_id: Mapped[int | None] = mapped_column(
        ForeignKey("priority_theme.id", ondelete="CASCADE"), nullable=True, index=True
    )


class PlanReview(Base):
    """A review meeting: when, who took part by kind, and young people's comments on the plan."""

    __tablename__ = "plan_review"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    plan_id: Mapped[int] = mapped_column(
        ForeignKey("action_plan.id", ondelete="CASCADE"), index=True
    )
    held_on: Mapped[date] = mapped_column(Date)
    staff: Mapped[int] = mapped_column(Integer, default=0)
    partners: Mapped[int] = mapped_column(Integer, default=0)
    young_people: Mapped[int] = mapped_column(Integer, default=0)
    young_people_comments: Mapped[str] = mapped_column(Text, default="")


class PlanChange(Base):
    """One change to a plan. `step` groups the rows one user action made; undo reverses a step.

    `kind` names the table changed, `row_id` the row; for an edit `field` names the column and the
    values are JSON; for an insert `old_value` is NULL and `new_value` the row, for a delete the
    other way round.
    """

    __tablename__ = "plan_change"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    plan_id: Mapped[int] = mapped_column(
        ForeignKey("action_plan.id", ondelete="CASCADE"), index=True
    )
    step: Mapped[int] = mapped_column(Integer, index=True)
    kind: Mapped[str] = mapped_column(String(20))
    row_id: Mapped[int] = mapped_column(Integer)
    action_id: Mapped[int | None] = mapped_column(Integer, nullable=True, index=True)
    field: Mapped[str | None] = mapped_column(String(40), nullable=True)
    old_value: Mapped[str | None] = mapped_column(Text, nullable=True)
    new_value: Mapped[str | None] = mapped_column(Text, nullable=True)
    summary: Mapped[str] = mapped_column(String(300), default="")
    changed_at: Mapped[datetime] = mapped_column(DateTime)
    undone: Mapped[bool] = mapped_column(Boolean, default=False)
    # Who made the change: on a server the database fills it with the person signed in
    # (migration 0011); a file, used by one person, leaves it empty.
    changed_by: Mapped[str] = mapped_column(String(200), server_default="")
