"""The authority and the frameworks it has loaded."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import (
    Boolean,
    CheckConstraint,
    DateTime,
    ForeignKey,
    Integer,
    String,
    Text,
    UniqueConstraint,
)
from sqlalchemy.orm import Mapped, mapped_column, relationship

from nbdesk.storage.models.base import Base


class Authority(Base):
    """The one local authority whose data this file holds (a single row, id 1)."""

    __tablename__ = "authority"
    __table_args__ = (CheckConstraint("id = 1", name="single_row"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    name: Mapped[str] = mapped_column(String(200))
    created_at: Mapped[datetime] = mapped_column(DateTime)


class Framework(Base):
    """A loaded instrument. Never changed once stored: assessments keep pointing at what they used."""

    __tablename__ = "framework"
    __table_args__ = (UniqueConstraint("name", "version"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    name: Mapped[str] = mapped_column(String(200))
    version: Mapped[str] = mapped_column(String(100))
    description: Mapped[str] = mapped_column(Text, default="")
    demonstration: Mapped[bool] = mapped_column(Boolean, default=False)
    overall_out_of: Mapped[int] = mapped_column(Integer, default=10)
    source: Mapped[str] = mapped_column(String(500), default="")
    loaded_at: Mapped[datetime] = mapped_column(DateTime)

    ratings: Mapped[list[FrameworkRating]] = relationship(
        back_populates="framework", order_by="FrameworkRating.points.desc()"
    )
    areas: Mapped[list[FrameworkArea]] = relationship(
        back_populates="framework", order_by="FrameworkArea.number"
    )


class FrameworkRating(Base):
    __tablename__ = "framework_rating"
    __table_args__ = (UniqueConstraint("framework_id", "points"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    framework_id: Mapped[int] = mapped_column(ForeignKey("framework.id", ondelete="CASCADE"))
    points: Mapped[int] = mapped_column(Integer)
    label: Mapped[str] = mapped_column(String(100))

    framework: Mapped[Framework] = relationship(back_populates="ratings")


class FrameworkArea(Base):
    __tablename__ = "framework_area"
    __table_args__ = (UniqueConstraint("framework_id", "number"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    framework_id: Mapped[int] = mapped_column(ForeignKey("framework.id", ondelete="CASCADE"))
    number: Mapped[int] = mapped_column(Integer)
    title: Mapped[str] = mapped_column(String(300))

    framework: Mapped[Framework] = relationship(back_populates="areas")
    statements: Mapped[list[Statement]] = relationship(
        back_populates="area", order_by="Statement.position"
    )


class Statement(Base):
    """One indicator statement, lettered within its area ("7 / m" is area 7's 13th)."""

    __tablename__ = "statement"
    __table_args__ = (
        UniqueConstraint("area_id", "letter"),
        UniqueConstraint("area_id", "position"),
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    area_id: Mapped[int] = mapped_column(ForeignKey("framework_area.id", ondelete="CASCADE"))
    position: Mapped[int] = mapped_column(Integer)
    letter: Mapped[str] = mapped_column(String(4))
    text: Mapped[str] = mapped_column(Text)

    area: Mapped[FrameworkArea] = relationship(back_populates="statements")
