"""Self-assessments: creating them, and recording ratings, evidence, flags and overall scores.

Every change goes through one of the `set_*` functions, which write the new value and a row of
history (what, old, new, when, which sitting) in the caller's transaction, and return a `Change`
that `undo` can reverse. The caller commits straight away: a rating reported saved is on disk.

Writes use single UPDATE/INSERT statements rather than loading ORM objects, because recording a
rating in a workshop must cost little more than the commit itself (see benchmarks/bench_rating.py).
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import date, datetime
from typing import Any

from sqlalchemy import case, func, insert, select, update
from sqlalchemy.orm import Session

from nbdesk.common import clock
from nbdesk.forms.framework import FrameworkDef
from nbdesk.forms.scoring import AssessmentScore, score
from nbdesk.forms.store import framework_definition
from nbdesk.storage.models import Framework, FrameworkArea, FrameworkRating, Statement
from nbdesk.storage.models.assessment import (
    AreaOverall,
    Assessment,
    AssessmentChange,
    Participant,
    Rating,
    Sitting,
)

STAGES = ("baseline", "follow-up", "other")
PERSPECTIVES = ("staff", "young-people")
PARTICIPANT_KINDS = ("staff", "partner", "young-person")
KIND_LABELS = {"staff": "Staff", "partner": "Partner agency", "young-person": "Young person"}
PERSPECTIVE_LABELS = {"staff": "Staff", "young-people": "Young people"}
STAGE_LABELS = {"baseline": "Baseline", "follow-up": "Follow-up", "other": "Other"}

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

MAX_NAME = 200


class AssessmentError(ValueError):
    """A request that cannot be carried out; the message says why, for the person who made it."""


@dataclass(frozen=True)
class AssessmentSummary:
    id: int
    name: str
    stage: str
    perspective: str
    held_on: date
    framework_id: int
    framework_title: str
    archived: bool
    statements: int
    rated: int
    flagged: int

    @property
    def complete(self) -> bool:
        return self.rated == self.statements

    @property
    def describe(self) -> str:
        return (
            f"{STAGE_LABELS.get(self.stage, self.stage)}, "
            f"{PERSPECTIVE_LABELS.get(self.perspective, self.perspective).lower()}, "
            f"{self.held_on.isoformat()}"
        )


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


@dataclass(frozen=True)
class Change:
    """One change as made, enough to reverse it. `target` is a statement id or an area id."""

    assessment_id: int
    field: str
    target: int
    old: str | None
    new: str | None


@dataclass(frozen=True)
class HistoryEntry:
    field: str
    old: str | None
    new: str | None
    changed_at: datetime
    sitting: str  # "" when the change was made outside a workshop sitting (e.g. by an import)


@dataclass(frozen=True)
class ParticipantInfo:
    name_or_role: str
    kind: str


@dataclass(frozen=True)
class SittingInfo:
    id: int
    started_at: datetime
    label: str
    participants: tuple[ParticipantInfo, ...]
    changes: int


def _now() -> datetime:
    return clock.now()


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
) -> int:
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
        created_at=_now(),
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
    return row.id


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


def rename_assessment(session: Session, assessment_id: int, name: str) -> None:
    name = _clean_name(name)
    if _name_taken(session, name, except_id=assessment_id):
        raise AssessmentError(f"There is already an assessment called '{name}'.")
    _require(session, assessment_id).name = name
    session.flush()


def update_assessment(
    session: Session,
    assessment_id: int,
    *,
    stage: str | None = None,
    perspective: str | None = None,
    held_on: date | None = None,
) -> None:
    row = _require(session, assessment_id)
    if stage is not None:
        row.stage = _check_choice(stage, STAGES, "stage")
    if perspective is not None:
        row.perspective = _check_choice(perspective, PERSPECTIVES, "perspective")
    if held_on is not None:
        row.held_on = held_on
    session.flush()


def archive_assessment(session: Session, assessment_id: int, archived: bool = True) -> None:
    """Archiving hides an assessment from the everyday list; nothing in it is deleted."""
    _require(session, assessment_id).archived = archived
    session.flush()


def remember_workshop_page(session: Session, assessment_id: int, page: int) -> None:
    """Where the workshop on this assessment is, so it reopens there after a break (or a power
    cut): kept with the assessment, not in one laptop's settings."""
    if page < 0:
        raise ValueError("A workshop page is counted from 0.")
    _require(session, assessment_id).resume_page = page
    session.flush()


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
            changed_at=_now(),
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
    # The history row is written from the rating row itself (its old value read by SQLite, not
    # fetched first), then the rating is updated: two statements sent as plain SQL, because this
    # runs for every key press in a workshop and SQLAlchemy's statement handling cost more than
    # the commit itself (benchmarks/bench_rating.py). Both skip a rating that is unchanged.
    # The session's own SQLite connection, inside its transaction: committed with it.
    connection: Any = session.connection().connection.driver_connection
    when = _now().strftime(_DATETIME_FORMAT)
    recorded = connection.execute(
        _RECORD_RATING_SQL,
        (_text(points), when, sitting_id, assessment_id, statement_id, points),
    ).fetchall()
    if not recorded:
        _rating_row(session, assessment_id, statement_id)  # raises if the statement is not there
        return None
    connection.execute(_UPDATE_RATING_SQL, (points, assessment_id, statement_id, points))
    return Change(assessment_id, RATING, statement_id, recorded[0][0], _text(points))


# SQLAlchemy's DateTime keeps this text in SQLite; rows written here must read back the same way.
_DATETIME_FORMAT = "%Y-%m-%d %H:%M:%S.%f"
_RECORD_RATING_SQL = (
    "INSERT INTO assessment_change (assessment_id, statement_id, area_id, field, old_value, "
    "new_value, changed_at, sitting_id) "
    "SELECT assessment_id, statement_id, NULL, 'rating', CAST(points AS TEXT), ?, ?, ? "
    "FROM rating WHERE assessment_id = ? AND statement_id = ? AND points IS NOT ? "
    "RETURNING old_value"
)
_UPDATE_RATING_SQL = (
    "UPDATE rating SET points = ? WHERE assessment_id = ? AND statement_id = ? AND points IS NOT ?"
)


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


# Sittings and history ------------------------------------------------------------------------


def start_sitting(
    session: Session,
    assessment_id: int,
    participants: Sequence[tuple[str, str]],
    label: str = "",
) -> int:
    """Open a sitting, recording who took part as (name or role, kind)."""
    _require(session, assessment_id)
    cleaned: list[tuple[str, str]] = []
    for number, (who, kind) in enumerate(participants, start=1):
        who = " ".join(who.split())
        if not who:
            raise AssessmentError(f"Participant {number} needs a name or role.")
        if len(who) > MAX_NAME:
            raise AssessmentError(f"Participant {number}: the name or role is too long.")
        _check_choice(kind, PARTICIPANT_KINDS, f"kind of participant {number}")
        cleaned.append((who, kind))
    sitting = Sitting(
        assessment_id=assessment_id, started_at=_now(), label=label.strip()[:MAX_NAME]
    )
    session.add(sitting)
    session.flush()
    if cleaned:
        session.execute(
            insert(Participant),
            [{"sitting_id": sitting.id, "name_or_role": w, "kind": k} for w, k in cleaned],
        )
    return sitting.id


def list_sittings(session: Session, assessment_id: int) -> list[SittingInfo]:
    sittings = session.scalars(
        select(Sitting).where(Sitting.assessment_id == assessment_id).order_by(Sitting.started_at)
    ).all()
    people: dict[int, list[ParticipantInfo]] = {}
    for sid, who, kind in session.execute(
        select(Participant.sitting_id, Participant.name_or_role, Participant.kind)
        .join(Sitting, Sitting.id == Participant.sitting_id)
        .where(Sitting.assessment_id == assessment_id)
        .order_by(Participant.id)
    ):
        people.setdefault(sid, []).append(ParticipantInfo(who, kind))
    changes: dict[int | None, int] = {
        sid: count
        for sid, count in session.execute(
            select(AssessmentChange.sitting_id, func.count(AssessmentChange.id))
            .where(AssessmentChange.assessment_id == assessment_id)
            .group_by(AssessmentChange.sitting_id)
        )
    }
    return [
        SittingInfo(s.id, s.started_at, s.label, tuple(people.get(s.id, [])), changes.get(s.id, 0))
        for s in sittings
    ]


def sitting_name(info: SittingInfo | Sitting) -> str:
    label = f" ({info.label})" if info.label else ""
    return f"Sitting of {info.started_at:%d %b %Y %H:%M}{label}"


def history(
    session: Session,
    assessment_id: int,
    *,
    statement_id: int | None = None,
    area_id: int | None = None,
) -> list[HistoryEntry]:
    """Changes to one statement (rating, evidence, flag) or one area's overall, oldest first."""
    query = (
        select(AssessmentChange, Sitting)
        .outerjoin(Sitting, Sitting.id == AssessmentChange.sitting_id)
        .where(AssessmentChange.assessment_id == assessment_id)
        .order_by(AssessmentChange.id)
    )
    if statement_id is not None:
        query = query.where(AssessmentChange.statement_id == statement_id)
    if area_id is not None:
        query = query.where(AssessmentChange.area_id == area_id)
    return [
        HistoryEntry(
            c.field,
            c.old_value,
            c.new_value,
            c.changed_at,
            sitting_name(s) if s is not None else "",
        )
        for c, s in session.execute(query)
    ]


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
