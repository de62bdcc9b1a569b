"""Who has completed a round's survey, kept apart from the survey itself.

nbdesk stores that a person completed a round, who confirmed it (the young person, their PA or a
trusted adult) and the day, and nothing else: never an answer, never a time, never an id that orders
completions across people (see the model). Marking or un-marking changes no other table, so no
other row's stamp can date it either. Un-marking needs a reason; both go to the person's completion
history for the round.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from sqlalchemy import delete, func, select
from sqlalchemy.orm import Session

from nbdesk.common import clock
from nbdesk.common.changes import Changes
from nbdesk.common.dates import format_day
from nbdesk.common.text import tidy
from nbdesk.storage.models.survey import (
    Completion,
    CompletionChange,
    RoundMember,
    SurveyRound,
)

CONFIRMERS = ("young-person", "pa", "trusted-adult")
CONFIRMER_LABELS = {
    "young-person": "The young person",
    "pa": "Their PA",
    "trusted-adult": "A trusted adult",
}
CONFIRMED_BY_PHRASES = {
    "young-person": "the young person",
    "pa": "their PA",
    "trusted-adult": "a trusted adult",
}


@dataclass(frozen=True)
class CompletionEntry:
    number: int
    action: str  # marked | unmarked
    changed_on: date
    confirmed_by: str
    reason: str


@dataclass(frozen=True)
class CompletionState:
    completed: bool
    confirmed_by: str
    confirmed_on: date | None
    history: tuple[CompletionEntry, ...]


def _next_number(session: Session, round_id: int, person_id: int) -> int:
    top = session.scalar(
        select(func.max(CompletionChange.number)).where(
            CompletionChange.round_id == round_id, CompletionChange.care_leaver_id == person_id
        )
    )
    return (top or 0) + 1


COMPLETIONS_CHANGED = Changes(completions=True)


def mark_completed(
    session: Session, round_id: int, person_id: int, confirmed_by: str, on: date
) -> Changes:
    """Record that the person completed the round's survey: who confirmed it, and the day."""
    if confirmed_by not in CONFIRMERS:
        raise ValueError(f"'{confirmed_by}' cannot confirm a completion ({', '.join(CONFIRMERS)}).")
    if on > clock.today():
        raise ValueError("A completion cannot be dated in the future.")
    survey_round = session.get(SurveyRound, round_id)
    if survey_round is None:
        raise LookupError(f"No survey round with id {round_id}.")
    if on < survey_round.opens_on:
        raise ValueError(
            f"A completion cannot be dated {format_day(on)}: '{survey_round.name}' opened on "
            f"{format_day(survey_round.opens_on)}."
        )
    member = session.get(RoundMember, (round_id, person_id))
    if member is None:
        raise LookupError("That person is not in this round; count them in to the round first.")
    if session.get(Completion, (round_id, person_id)) is not None:
        raise ValueError("Already marked as completed in this round.")
    session.add(
        Completion(
            round_id=round_id, care_leaver_id=person_id, confirmed_by=confirmed_by, confirmed_on=on
        )
    )
    session.add(
        CompletionChange(
            round_id=round_id,
            care_leaver_id=person_id,
            number=_next_number(session, round_id, person_id),
            action="marked",
            changed_on=on,
            confirmed_by=confirmed_by,
            reason="",
        )
    )
    session.flush()
    return COMPLETIONS_CHANGED


def unmark_completed(
    session: Session, round_id: int, person_id: int, reason: str, on: date
) -> Changes:
    """Take back a completion marked in error; the reason is kept in the history."""
    reason = tidy(reason)
    if not reason:
        raise ValueError("Say why the completion is being taken back; it is kept in the history.")
    row = session.get(Completion, (round_id, person_id))
    if row is None:
        raise ValueError("That person is not marked as completed in this round.")
    session.execute(
        delete(Completion).where(
            Completion.round_id == round_id, Completion.care_leaver_id == person_id
        )
    )
    session.add(
        CompletionChange(
            round_id=round_id,
            care_leaver_id=person_id,
            number=_next_number(session, round_id, person_id),
            action="unmarked",
            changed_on=on,
            confirmed_by="",
            reason=reason,
        )
    )
    session.flush()
    return COMPLETIONS_CHANGED


def completion_state(session: Session, round_id: int, person_id: int) -> CompletionState:
    row = session.get(Completion, (round_id, person_id))
    history = tuple(
        CompletionEntry(c.number, c.action, c.changed_on, c.confirmed_by, c.reason)
        for c in session.scalars(
            select(CompletionChange)
            .where(
                CompletionChange.round_id == round_id, CompletionChange.care_leaver_id == person_id
            )
            .order_by(CompletionChange.number)
        )
    )
    return CompletionState(
        row is not None,
        row.confirmed_by if row else "",
        row.confirmed_on if row else None,
        history,
    )
