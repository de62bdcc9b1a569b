"""Recording a workshop's work: ratings, evidence, flags and overall scores, with history and undo.

Every change goes through one of the `set_*` functions, which write the new value and a row of
history (what, old, new, when, which sitting) in the caller's transaction, and return a `Change`
that `undo` can reverse. The caller commits straight away: a rating reported saved is on disk.

Writes use single UPDATE/INSERT statements rather than loading ORM objects, because recording a
rating in a workshop must cost little more than the commit itself (see benchmarks/bench_rating.py).
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

from sqlalchemy import Integer, String, Text, bindparam, cast, insert, literal, select, update
from sqlalchemy.orm import Session

from nbdesk.common import clock
from nbdesk.common.changes import Changes
from nbdesk.self_assessment.assessments import AssessmentError
from nbdesk.storage.models import Framework, FrameworkRating
from nbdesk.storage.models.assessment import (
    AreaOverall,
    Assessment,
    AssessmentChange,
    Rating,
)
from nbdesk.storage.prepared import Prepared

# The fields a Change can touch; statement fields carry a statement id, area fields an area id.
RATING, EVIDENCE, FLAG = "rating", "evidence", "flag"
OVERALL, OVERALL_NOTE = "overall", "overall-note"
STATEMENT_FIELDS = (RATING, EVIDENCE, FLAG)
AREA_FIELDS = (OVERALL, OVERALL_NOTE)
FIELD_LABELS = {
    RATING: "Rating",
    EVIDENCE: "Evidence",
    FLAG: "Flag to revisit",
    OVERALL: "Overall score",
    OVERALL_NOTE: "Overall note",
}


@dataclass(frozen=True)
class Change:
    """One change as made, enough to reverse it. `target` is a statement id or an area id."""

    assessment_id: int
    field: str
    target: int
    old: str | None
    new: str | None

    @property
    def changes(self) -> Changes:
        return Changes(assessments=frozenset({self.assessment_id}))


# Recording changes ---------------------------------------------------------------------------


def _text(value: int | bool | None) -> str | None:
    if value is None:
        return None
    if isinstance(value, bool):
        return "yes" if value else "no"
    return str(value)


def _record(
    session: Session,
    assessment_id: int,
    field: str,
    target: int,
    old: str | None,
    new: str | None,
    sitting_id: int | None,
) -> Change:
    is_statement = field in STATEMENT_FIELDS
    session.execute(
        insert(AssessmentChange).values(
            assessment_id=assessment_id,
            statement_id=target if is_statement else None,
            area_id=None if is_statement else target,
            field=field,
            old_value=old,
            new_value=new,
            changed_at=clock.now(),
            sitting_id=sitting_id,
        )
    )
    return Change(assessment_id, field, target, old, new)


def _rating_row(session: Session, assessment_id: int, statement_id: int) -> tuple[Any, ...]:
    row = session.execute(
        select(Rating.points, Rating.evidence, Rating.flagged).where(
            Rating.assessment_id == assessment_id, Rating.statement_id == statement_id
        )
    ).first()
    if row is None:
        raise LookupError(
            f"Statement {statement_id} is not part of assessment {assessment_id}'s framework."
        )
    return tuple(row)


def _scale(session: Session, assessment_id: int) -> tuple[set[int], int]:
    points = session.scalars(
        select(FrameworkRating.points)
        .join(Assessment, Assessment.framework_id == FrameworkRating.framework_id)
        .where(Assessment.id == assessment_id)
    ).all()
    out_of = session.scalar(
        select(Framework.overall_out_of)
        .join(Assessment, Assessment.framework_id == Framework.id)
        .where(Assessment.id == assessment_id)
    )
    return set(points), int(out_of or 10)


def set_rating(
    session: Session,
    assessment_id: int,
    statement_id: int,
    points: int | None,
    sitting_id: int | None = None,
    *,
    valid_points: Iterable[int] | None = None,
) -> Change | None:
    """Rate a statement (None clears it). Returns None if it already had that rating.

    `valid_points` lets a caller that already knows the scale (the workshop) skip looking it up.
    """
    if points is not None:
        allowed = (
            set(valid_points) if valid_points is not None else _scale(session, assessment_id)[0]
        )
        if points not in allowed:
            raise AssessmentError(
                f"{points} is not a rating on this framework's scale "
                f"({', '.join(map(str, sorted(allowed)))})."
            )
    # The history row is written from the rating row itself (its old value read by the database,
    # not fetched first), then the rating is updated: two Core statements built once below and
    # compiled once (storage.prepared), because this runs for every key press in a workshop and
    # must cost little more than the commit (benchmarks/bench_rating.py). Both skip a rating that
    # is unchanged ("IS DISTINCT FROM", which SQLite spells "IS NOT").
    recorded = _RECORD_RATING.run(
        session,
        {
            "a": assessment_id,
            "s": statement_id,
            "points": points,
            "new": _text(points),
            "when": clock.now(),
            "sitting": sitting_id,
        },
    )
    if not recorded:
        _rating_row(session, assessment_id, statement_id)  # raises if the statement is not there
        return None
    _UPDATE_RATING.run(session, {"a": assessment_id, "s": statement_id, "points": points})
    return Change(assessment_id, RATING, statement_id, recorded[0][0], _text(points))


def _rating_statements() -> tuple[Any, Any]:
    """INSERT INTO assessment_change … SELECT … FROM rating … RETURNING old_value, and the UPDATE
    of the rating."""
    points = bindparam("points", type_=Integer)
    unchanged = (
        (Rating.assessment_id == bindparam("a"))
        & (Rating.statement_id == bindparam("s"))
        & Rating.points.is_distinct_from(points)
    )
    history = select(
        Rating.assessment_id,
        Rating.statement_id,
        literal(RATING, String),
        cast(Rating.points, Text),
        bindparam("new", type_=Text),
        bindparam("when", type_=AssessmentChange.changed_at.type),
        bindparam("sitting", type_=Integer),
    ).where(unchanged)
    record = (
        insert(AssessmentChange)
        .from_select(
            [
                "assessment_id",
                "statement_id",
                "field",
                "old_value",
                "new_value",
                "changed_at",
                "sitting_id",
            ],
            history,
        )
        .returning(AssessmentChange.old_value)
    )
    return record, update(Rating).where(unchanged).values(points=points)


# The statements themselves are read by benchmarks/bench_rating.py, to time them on the bare driver.
RATING_STATEMENTS = _rating_statements()
_RECORD_RATING, _UPDATE_RATING = (Prepared(statement) for statement in RATING_STATEMENTS)


def set_evidence(
    session: Session,
    assessment_id: int,
    statement_id: int,
    text: str,
    sitting_id: int | None = None,
) -> Change | None:
    old = _rating_row(session, assessment_id, statement_id)[1] or ""
    if old == text:
        return None
    session.execute(
        update(Rating)
        .where(Rating.assessment_id == assessment_id, Rating.statement_id == statement_id)
        .values(evidence=text)
    )
    return _record(session, assessment_id, EVIDENCE, statement_id, old, text, sitting_id)


def set_flag(
    session: Session,
    assessment_id: int,
    statement_id: int,
    flagged: bool,
    sitting_id: int | None = None,
) -> Change | None:
    old = bool(_rating_row(session, assessment_id, statement_id)[2])
    if old == flagged:
        return None
    session.execute(
        update(Rating)
        .where(Rating.assessment_id == assessment_id, Rating.statement_id == statement_id)
        .values(flagged=flagged)
    )
    return _record(
        session, assessment_id, FLAG, statement_id, _text(old), _text(flagged), sitting_id
    )


def _overall_row(session: Session, assessment_id: int, area_id: int) -> tuple[int | None, str]:
    row = session.execute(
        select(AreaOverall.score, AreaOverall.note).where(
            AreaOverall.assessment_id == assessment_id, AreaOverall.area_id == area_id
        )
    ).first()
    if row is None:
        raise LookupError(f"Area {area_id} is not part of assessment {assessment_id}'s framework.")
    return row[0], row[1] or ""


def set_overall(
    session: Session,
    assessment_id: int,
    area_id: int,
    value: int | None,
    sitting_id: int | None = None,
) -> Change | None:
    """The group's overall rating of an area, 0 to the framework's maximum (None clears it)."""
    if value is not None:
        out_of = _scale(session, assessment_id)[1]
        if not 0 <= value <= out_of:
            raise AssessmentError(f"An overall score is from 0 to {out_of}, not {value}.")
    old = _overall_row(session, assessment_id, area_id)[0]
    if old == value:
        return None
    session.execute(
        update(AreaOverall)
        .where(AreaOverall.assessment_id == assessment_id, AreaOverall.area_id == area_id)
        .values(score=value)
    )
    return _record(session, assessment_id, OVERALL, area_id, _text(old), _text(value), sitting_id)


def set_overall_note(
    session: Session,
    assessment_id: int,
    area_id: int,
    text: str,
    sitting_id: int | None = None,
) -> Change | None:
    old = _overall_row(session, assessment_id, area_id)[1]
    if old == text:
        return None
    session.execute(
        update(AreaOverall)
        .where(AreaOverall.assessment_id == assessment_id, AreaOverall.area_id == area_id)
        .values(note=text)
    )
    return _record(session, assessment_id, OVERALL_NOTE, area_id, old, text, sitting_id)


def _as_int(value: str | None) -> int | None:
    return None if value is None or value == "" else int(value)


def undo(session: Session, change: Change, sitting_id: int | None = None) -> Change | None:
    """Put back the value a change replaced. The undo is itself kept in the history."""
    a, t = change.assessment_id, change.target
    if change.field == RATING:
        return set_rating(session, a, t, _as_int(change.old), sitting_id)
    if change.field == EVIDENCE:
        return set_evidence(session, a, t, change.old or "", sitting_id)
    if change.field == FLAG:
        return set_flag(session, a, t, change.old == "yes", sitting_id)
    if change.field == OVERALL:
        return set_overall(session, a, t, _as_int(change.old), sitting_id)
    if change.field == OVERALL_NOTE:
        return set_overall_note(session, a, t, change.old or "", sitting_id)
    raise ValueError(f"Unknown field {change.field!r}")
