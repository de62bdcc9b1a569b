"""Self-assessments: creating, listing, renaming and archiving them, reading one whole, and
scoring it as published.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date

from sqlalchemy import case, func, insert, select
from sqlalchemy.orm import Session

from nbdesk.common import clock
from nbdesk.common.changes import NOTHING, Changes, Done
from nbdesk.forms.framework import FrameworkDef
from nbdesk.forms.scoring import AssessmentScore, score
from nbdesk.forms.store import framework_definition
from nbdesk.self_assessment.summaries import PERSPECTIVE_LABELS as PERSPECTIVE_LABELS
from nbdesk.self_assessment.summaries import PERSPECTIVES as PERSPECTIVES
from nbdesk.self_assessment.summaries import STAGE_LABELS as STAGE_LABELS
from nbdesk.self_assessment.summaries import STAGES as STAGES
from nbdesk.self_assessment.summaries import AssessmentSummary as AssessmentSummary
from nbdesk.storage.models import Framework, FrameworkArea, Statement
from nbdesk.storage.models.assessment import (
    AreaOverall,
    Assessment,
    Rating,
)

MAX_NAME = 200


class AssessmentError(ValueError):
    """A request that cannot be carried out; the message says why, for the person who made it."""


@dataclass(frozen=True)
class StatementState:
    statement_id: int
    area_number: int
    letter: str
    text: str
    points: int | None
    evidence: str
    flagged: bool

    @property
    def reference(self) -> str:
        return f"{self.area_number} / {self.letter.upper()}"


@dataclass(frozen=True)
class AreaState:
    area_id: int
    number: int
    title: str
    statements: tuple[StatementState, ...]
    overall: int | None
    overall_note: str

    @property
    def rated(self) -> int:
        return sum(1 for s in self.statements if s.points is not None)


@dataclass(frozen=True)
class AssessmentDetail:
    summary: AssessmentSummary
    framework: FrameworkDef
    areas: tuple[AreaState, ...]

    def statements(self) -> list[StatementState]:
        return [s for a in self.areas for s in a.statements]


def _clean_name(name: str) -> str:
    cleaned = " ".join(name.split())
    if not cleaned:
        raise AssessmentError("The assessment needs a name.")
    if len(cleaned) > MAX_NAME:
        raise AssessmentError(
            f"The name is too long ({len(cleaned)} characters; {MAX_NAME} at most)."
        )
    return cleaned


def _check_choice(value: str, allowed: Sequence[str], what: str) -> str:
    if value not in allowed:
        raise AssessmentError(f"The {what} must be one of {', '.join(allowed)}, not '{value}'.")
    return value


def _name_taken(session: Session, name: str, except_id: int | None = None) -> bool:
    query = select(Assessment.id).where(func.lower(Assessment.name) == name.lower())
    if except_id is not None:
        query = query.where(Assessment.id != except_id)
    return session.scalar(query) is not None


def create_assessment(
    session: Session,
    name: str,
    *,
    framework_id: int,
    stage: str = "baseline",
    perspective: str = "staff",
    held_on: date | None = None,
) -> Done[int]:
    """Create an assessment with every statement of its framework unrated; return its id."""
    name = _clean_name(name)
    _check_choice(stage, STAGES, "stage")
    _check_choice(perspective, PERSPECTIVES, "perspective")
    if _name_taken(session, name):
        raise AssessmentError(f"There is already an assessment called '{name}'.")
    if session.get(Framework, framework_id) is None:
        raise AssessmentError(f"No framework with id {framework_id} is loaded.")
    row = Assessment(
        name=name,
        stage=stage,
        perspective=perspective,
        held_on=held_on or clock.today(),
        framework_id=framework_id,
        archived=False,
        created_at=clock.now(),
    )
    session.add(row)
    session.flush()
    # One row per statement and per area from the start, so recording a change is a plain UPDATE.
    statement_ids = session.scalars(
        select(Statement.id)
        .join(FrameworkArea, Statement.area_id == FrameworkArea.id)
        .where(FrameworkArea.framework_id == framework_id)
    ).all()
    area_ids = session.scalars(
        select(FrameworkArea.id).where(FrameworkArea.framework_id == framework_id)
    ).all()
    session.execute(
        insert(Rating),
        [
            {
                "assessment_id": row.id,
                "statement_id": sid,
                "points": None,
                "evidence": "",
                "flagged": False,
            }
            for sid in statement_ids
        ],
    )
    session.execute(
        insert(AreaOverall),
        [{"assessment_id": row.id, "area_id": aid, "score": None, "note": ""} for aid in area_ids],
    )
    return Done(row.id, Changes(assessment_list=True))


def list_assessments(
    session: Session, *, include_archived: bool = False
) -> list[AssessmentSummary]:
    counts = (
        select(
            Rating.assessment_id,
            func.count(Rating.id).label("statements"),
            func.count(Rating.points).label("rated"),
            func.coalesce(func.sum(case((Rating.flagged.is_(True), 1), else_=0)), 0).label(
                "flagged"
            ),
        )
        .group_by(Rating.assessment_id)
        .subquery()
    )
    query = (
        select(Assessment, Framework, counts.c.statements, counts.c.rated, counts.c.flagged)
        .join(Framework, Framework.id == Assessment.framework_id)
        .outerjoin(counts, counts.c.assessment_id == Assessment.id)
        .order_by(Assessment.held_on.desc(), Assessment.name)
    )
    if not include_archived:
        query = query.where(Assessment.archived.is_(False))
    out = []
    for a, fw, statements, rated, flagged in session.execute(query):
        demo = " (demonstration)" if fw.demonstration else ""
        out.append(
            AssessmentSummary(
                id=a.id,
                name=a.name,
                stage=a.stage,
                perspective=a.perspective,
                held_on=a.held_on,
                framework_id=fw.id,
                framework_title=f"{fw.name} {fw.version}{demo}",
                archived=a.archived,
                statements=statements or 0,
                rated=rated or 0,
                flagged=int(flagged or 0),
            )
        )
    return out


def assessment_summary(session: Session, assessment_id: int) -> AssessmentSummary:
    for item in list_assessments(session, include_archived=True):
        if item.id == assessment_id:
            return item
    raise LookupError(f"No assessment with id {assessment_id}.")


def find_assessment(session: Session, name: str) -> int:
    found = session.scalar(
        select(Assessment.id).where(func.lower(Assessment.name) == " ".join(name.split()).lower())
    )
    if found is None:
        known = ", ".join(f"'{a.name}'" for a in list_assessments(session, include_archived=True))
        raise LookupError(f"No assessment called '{name}' (there are: {known or 'none'}).")
    return found


def rename_assessment(session: Session, assessment_id: int, name: str) -> Changes:
    name = _clean_name(name)
    if _name_taken(session, name, except_id=assessment_id):
        raise AssessmentError(f"There is already an assessment called '{name}'.")
    _require(session, assessment_id).name = name
    session.flush()
    return _listed(assessment_id)


def update_assessment(
    session: Session,
    assessment_id: int,
    *,
    stage: str | None = None,
    perspective: str | None = None,
    held_on: date | None = None,
) -> Changes:
    row = _require(session, assessment_id)
    if stage is not None:
        row.stage = _check_choice(stage, STAGES, "stage")
    if perspective is not None:
        row.perspective = _check_choice(perspective, PERSPECTIVES, "perspective")
    if held_on is not None:
        row.held_on = held_on
    session.flush()
    return _listed(assessment_id)


def archive_assessment(session: Session, assessment_id: int, archived: bool = True) -> Changes:
    """Archiving hides an assessment from the everyday list; nothing in it is deleted."""
    _require(session, assessment_id).archived = archived
    session.flush()
    return _listed(assessment_id)


def _listed(assessment_id: int) -> Changes:
    """What a change to an assessment's name, stage, date or archiving changes: every list of
    assessments, and the windows showing this one (their titles)."""
    return Changes(assessment_list=True, assessments=frozenset({assessment_id}))


def remember_workshop_page(session: Session, assessment_id: int, page: int) -> Changes:
    """Where the workshop on this assessment is, so it reopens there after a break (or a power
    cut): kept with the assessment, not in one laptop's settings."""
    if page < 0:
        raise ValueError("A workshop page is counted from 0.")
    _require(session, assessment_id).resume_page = page
    session.flush()
    return NOTHING  # no view shows where a workshop stopped: nothing to redraw


def workshop_page(session: Session, assessment_id: int) -> int | None:
    """The page the workshop last showed, or None if it has never been run."""
    return _require(session, assessment_id).resume_page


def _require(session: Session, assessment_id: int) -> Assessment:
    row = session.get(Assessment, assessment_id)
    if row is None:
        raise LookupError(f"No assessment with id {assessment_id}.")
    return row


def load_assessment(session: Session, assessment_id: int) -> AssessmentDetail:
    """Everything the workshop and the results need, as plain values."""
    summary = assessment_summary(session, assessment_id)
    framework = framework_definition(session, summary.framework_id)
    rows = session.execute(
        select(
            FrameworkArea.id,
            FrameworkArea.number,
            FrameworkArea.title,
            Statement.id,
            Statement.letter,
            Statement.text,
            Rating.points,
            Rating.evidence,
            Rating.flagged,
        )
        .join(Statement, Statement.area_id == FrameworkArea.id)
        .join(
            Rating,
            (Rating.statement_id == Statement.id) & (Rating.assessment_id == assessment_id),
        )
        .where(FrameworkArea.framework_id == summary.framework_id)
        .order_by(FrameworkArea.number, Statement.position)
    ).all()
    overall = {
        area_id: (points, note)
        for area_id, points, note in session.execute(
            select(AreaOverall.area_id, AreaOverall.score, AreaOverall.note).where(
                AreaOverall.assessment_id == assessment_id
            )
        )
    }
    areas: list[AreaState] = []
    current: list[StatementState] = []
    head: tuple[int, int, str] | None = None

    def close_area() -> None:
        if head is not None:
            points, note = overall.get(head[0], (None, ""))
            areas.append(AreaState(head[0], head[1], head[2], tuple(current), points, note))

    for area_id, number, title, sid, letter, text, points, evidence, flagged in rows:
        if head is None or head[0] != area_id:
            close_area()
            head = (area_id, number, title)
            current = []
        current.append(
            StatementState(sid, number, letter, text, points, evidence or "", bool(flagged))
        )
    close_area()
    return AssessmentDetail(summary, framework, tuple(areas))


# Scores --------------------------------------------------------------------------------------


def score_assessment(
    session: Session, assessment_id: int
) -> tuple[AssessmentDetail, AssessmentScore]:
    detail = load_assessment(session, assessment_id)
    return detail, score_detail(detail)


def score_detail(detail: AssessmentDetail) -> AssessmentScore:
    ratings = {(s.area_number, s.letter): s.points for s in detail.statements()}
    overall = {a.number: a.overall for a in detail.areas}
    return score(detail.framework, ratings, overall)
