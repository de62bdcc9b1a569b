"""Frameworks held in an authority's file: storing a loaded definition, listing and reading them.

A stored framework is never edited. Loading a file with the same name and version but different
statements is refused, so an assessment always shows the exact statements it was rated against.
"""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from nbdesk.common import clock
from nbdesk.common.changes import NOTHING, Changes
from nbdesk.forms.framework import AreaDef, FrameworkDef, RatingPoint, StatementDef
from nbdesk.forms.summaries import FrameworkSummary as FrameworkSummary
from nbdesk.storage.models import Framework, FrameworkArea, FrameworkRating, Statement


class FrameworkConflictError(ValueError):
    pass


@dataclass(frozen=True)
class StoreResult:
    id: int
    created: bool  # False when an identical framework was already stored

    @property
    def changes(self) -> Changes:
        return Changes(frameworks=True) if self.created else NOTHING


def store_framework(session: Session, definition: FrameworkDef) -> StoreResult:
    existing = session.scalar(
        select(Framework).where(
            Framework.name == definition.name, Framework.version == definition.version
        )
    )
    if existing is not None:
        if framework_definition(session, existing.id) == definition:
            return StoreResult(existing.id, created=False)
        raise FrameworkConflictError(
            f"A different framework called '{definition.name}' version '{definition.version}' is "
            "already loaded. Give the new one another version so assessments rated against the "
            "old statements keep them."
        )
    row = Framework(
        name=definition.name,
        version=definition.version,
        description=definition.description,
        demonstration=definition.demonstration,
        overall_out_of=definition.overall_out_of,
        source=definition.source[:500],
        loaded_at=clock.now(),
    )
    row.ratings = [FrameworkRating(points=p.points, label=p.label) for p in definition.scale]
    for area in definition.areas:
        area_row = FrameworkArea(number=area.number, title=area.title)
        area_row.statements = [
            Statement(position=i, letter=st.letter, text=st.text)
            for i, st in enumerate(area.statements, start=1)
        ]
        row.areas.append(area_row)
    session.add(row)
    session.flush()
    return StoreResult(row.id, created=True)


def list_frameworks(session: Session) -> list[FrameworkSummary]:
    counts = (
        select(
            FrameworkArea.framework_id,
            func.count(func.distinct(FrameworkArea.id)).label("areas"),
            func.count(Statement.id).label("statements"),
        )
        .join(Statement, Statement.area_id == FrameworkArea.id)
        .group_by(FrameworkArea.framework_id)
        .subquery()
    )
    rows = session.execute(
        select(Framework, counts.c.areas, counts.c.statements)
        .join(counts, counts.c.framework_id == Framework.id)
        .order_by(Framework.name, Framework.version)
    )
    return [
        FrameworkSummary(
            fw.id, fw.name, fw.version, fw.demonstration, areas, statements, fw.loaded_at
        )
        for fw, areas, statements in rows
    ]


def framework_definition(session: Session, framework_id: int) -> FrameworkDef:
    """The framework as plain values, read as three plain queries (the framework, its scale, its
    areas with their statements) rather than as ORM objects: every return and workshop reads one."""
    fw = session.execute(
        select(
            Framework.name,
            Framework.version,
            Framework.description,
            Framework.demonstration,
            Framework.overall_out_of,
            Framework.source,
        ).where(Framework.id == framework_id)
    ).first()
    if fw is None:
        raise LookupError(f"No framework with id {framework_id}.")
    scale = session.execute(
        select(FrameworkRating.points, FrameworkRating.label)
        .where(FrameworkRating.framework_id == framework_id)
        .order_by(FrameworkRating.points.desc())
    ).all()
    rows = session.execute(
        select(
            FrameworkArea.id,
            FrameworkArea.number,
            FrameworkArea.title,
            Statement.letter,
            Statement.text,
        )
        .outerjoin(Statement, Statement.area_id == FrameworkArea.id)
        .where(FrameworkArea.framework_id == framework_id)
        .order_by(FrameworkArea.number, FrameworkArea.id, Statement.position)
    ).all()
    areas: dict[int, tuple[int, str, list[StatementDef]]] = {}
    for area_id, number, title, letter, text in rows:
        area = areas.get(area_id)
        if area is None:
            area = areas[area_id] = (number, title, [])
        if letter is not None:  # an area with no statements has one row, without a statement
            area[2].append(StatementDef(number, letter, text))
    return FrameworkDef(
        name=fw.name,
        version=fw.version,
        description=fw.description,
        demonstration=fw.demonstration,
        overall_out_of=fw.overall_out_of,
        scale=tuple(RatingPoint(points, label) for points, label in scale),
        areas=tuple(
            AreaDef(number, title, tuple(statements))
            for number, title, statements in areas.values()
        ),
        source=fw.source,
    )


def newest_first(frameworks: list[FrameworkSummary]) -> list[FrameworkSummary]:
    """The frameworks in the order an authority most likely means them: the newest loaded first
    (a revised tool is loaded after the one it replaces)."""
    return sorted(frameworks, key=lambda f: (f.loaded_at, f.id), reverse=True)


def newest_framework(session: Session) -> int:
    """The id of the framework loaded most recently."""
    loaded = newest_first(list_frameworks(session))
    if not loaded:
        raise LookupError("No framework is loaded yet.")
    return loaded[0].id


def find_framework(session: Session, name: str, version: str | None = None) -> int:
    """The id of a framework by name (the newest load if no version is given)."""
    every = list_frameworks(session)
    found = [f for f in newest_first(every) if f.name == name]
    if version is not None:
        found = [f for f in found if f.version == version]
    if not found:
        known = ", ".join(f.title for f in every) or "none"
        raise LookupError(f"No framework called '{name}' is loaded (loaded: {known}).")
    return found[0].id
