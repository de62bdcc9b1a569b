"""Workshop sittings (who took part, by kind) and the history of every change to an assessment."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import func, insert, select
from sqlalchemy.orm import Session

from nbdesk.common import clock
from nbdesk.common.changes import Done
from nbdesk.common.changes import assessment as assessment_changed
from nbdesk.self_assessment.assessments import MAX_NAME, AssessmentError, _check_choice, _require
from nbdesk.self_assessment.summaries import KIND_LABELS as KIND_LABELS
from nbdesk.self_assessment.summaries import PARTICIPANT_KINDS as PARTICIPANT_KINDS
from nbdesk.self_assessment.summaries import ParticipantInfo as ParticipantInfo
from nbdesk.self_assessment.summaries import SittingInfo as SittingInfo
from nbdesk.self_assessment.summaries import sitting_name as sitting_name
from nbdesk.storage.models.assessment import (
    AssessmentChange,
    Participant,
    Sitting,
)


@dataclass(frozen=True)
class HistoryEntry:
    field: str
    old: str | None
    new: str | None
    changed_at: datetime
    sitting: str  # "" when the change was made outside a workshop sitting (e.g. by an import)


# Sittings and history ------------------------------------------------------------------------


def start_sitting(
    session: Session,
    assessment_id: int,
    participants: Sequence[tuple[str, str]],
    label: str = "",
) -> Done[int]:
    """Open a sitting, recording who took part as (name or role, kind); the value is its id."""
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
        assessment_id=assessment_id, started_at=clock.now(), label=label.strip()[:MAX_NAME]
    )
    session.add(sitting)
    session.flush()
    if cleaned:
        session.execute(
            insert(Participant),
            [{"sitting_id": sitting.id, "name_or_role": w, "kind": k} for w, k in cleaned],
        )
    return Done(sitting.id, assessment_changed(assessment_id))


def last_participants(session: Session, assessment_id: int) -> list[tuple[str, str]]:
    """Who took part in the assessment's latest sitting, as (name or role, kind): a group often
    meets again, and the next sitting's dialog starts from them."""
    latest = session.scalar(
        select(func.max(Sitting.id)).where(
            Sitting.assessment_id == assessment_id,
            Sitting.id.in_(select(Participant.sitting_id)),
        )
    )
    if latest is None:
        return []
    rows = session.execute(
        select(Participant.name_or_role, Participant.kind)
        .where(Participant.sitting_id == latest)
        .order_by(Participant.id)
    )
    return [(who, kind) for who, kind in rows]


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
