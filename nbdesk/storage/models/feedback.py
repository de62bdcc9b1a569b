"""Closing the loop: what the central team reported about a round, what young people said needs to
change, and when the authority told every care leaver back.

Anonymity is structural here as for completions: nothing in these tables names, numbers or points
to a person. A finding is an aggregate (a percentage of a base); a priority is a count against a
theme; a quote carries no name, no id and no date finer than its month. A test inspects the schema
for this.
"""

from __future__ import annotations

from datetime import date, datetime

from sqlalchemy import Date, DateTime, Float, ForeignKey, Integer, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from nbdesk.storage.models.base import Base


class RoundResult(Base):
    """The central team's official counts for a round (beside nbdesk's own confirmations)."""

    __tablename__ = "round_result"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    round_id: Mapped[int] = mapped_column(
        ForeignKey("survey_round.id", ondelete="CASCADE"), unique=True
    )
    invited: Mapped[int] = mapped_column(Integer)
    completed: Mapped[int] = mapped_column(Integer)
    received_on: Mapped[date] = mapped_column(Date)
    note: Mapped[str] = mapped_column(Text, default="")


class Finding(Base):
    """One aggregate figure from the findings report: "did not feel safe where they live — 32% of
    240"."""

    __tablename__ = "finding"
    __table_args__ = (UniqueConstraint("round_id", "domain", "text"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    round_id: Mapped[int] = mapped_column(
        ForeignKey("survey_round.id", ondelete="CASCADE"), index=True
    )
    position: Mapped[int] = mapped_column(Integer)
    domain: Mapped[str] = mapped_column(String(200))
    text: Mapped[str] = mapped_column(String(500))
    percent: Mapped[float] = mapped_column(Float)
    base: Mapped[int] = mapped_column(Integer)


class PriorityTheme(Base):
    """A theme on the authority's own list of what young people say needs to change."""

    __tablename__ = "priority_theme"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    name: Mapped[str] = mapped_column(String(200), unique=True)


class PriorityCount(Base):
    """How many young people named a theme after a round (a tally, nobody's answer)."""

    __tablename__ = "priority_count"
    __table_args__ = (UniqueConstraint("round_id", "theme_id"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    round_id: Mapped[int] = mapped_column(ForeignKey("survey_round.id", ondelete="CASCADE"))
    theme_id: Mapped[int] = mapped_column(ForeignKey("priority_theme.id", ondelete="RESTRICT"))
    count: Mapped[int] = mapped_column(Integer, default=0)


class PriorityQuote(Base):
    """A short quote, anonymous: its month only ("2026-11"), never a day, a name or an id."""

    __tablename__ = "priority_quote"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    round_id: Mapped[int] = mapped_column(
        ForeignKey("survey_round.id", ondelete="CASCADE"), index=True
    )
    theme_id: Mapped[int] = mapped_column(ForeignKey("priority_theme.id", ondelete="RESTRICT"))
    month: Mapped[str] = mapped_column(String(7))
    text: Mapped[str] = mapped_column(String(300))


class FeedbackSent(Base):
    """That the authority told care leavers back: when, how, to how many, about which plan."""

    __tablename__ = "feedback_sent"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    plan_id: Mapped[int | None] = mapped_column(
        ForeignKey("action_plan.id", ondelete="SET NULL"), nullable=True, index=True
    )
    sent_on: Mapped[date] = mapped_column(Date)
    channel: Mapped[str] = mapped_column(String(30))
    how_many: Mapped[int] = mapped_column(Integer)
    note: Mapped[str] = mapped_column(Text, default="")
    recorded_at: Mapped[datetime] = mapped_column(DateTime)
