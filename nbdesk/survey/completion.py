"""Who has completed a round's survey, kept apart from the survey itself.

nbdesk stores that a person completed a round, who confirmed it (the young person, their PA or a
trusted adult) and the day, and nothing else: never an answer, never a time, never an id that orders
completions across people (see the model). Marking or un-marking changes no other table, so no
other row's stamp can date it either. Un-marking needs a reason; both go to the person's completion
history for the round.

The bytes must not give the order away either (issue 11). SQLite writes each new row of a table
where there is room, filling a page from its end, so the byte offsets of rows inserted one by one
follow the order they were inserted in; and each commit adds to the -wal an image of every page it
changed, so a -wal holding several commits shows who was added in which. So every mark and un-mark
rewrites both completion tables whole, in key order (round, then person), in its own transaction:
deleted rows are overwritten with zeros (secure_delete, on every connection), and the pages then
hold the rows as if all had been inserted at once in key order. After the commit the -wal is folded
into the file and truncated to nothing (a checkpoint), so no earlier image stays in it; a backup
copies the pages as they are.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from typing import cast

from sqlalchemy import Table, delete, func, insert, select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from nbdesk.common import clock
from nbdesk.common.changes import Changes, person_in_round
from nbdesk.common.dates import format_day
from nbdesk.common.text import tidy
from nbdesk.storage.database import Database, after_commit, before_commit
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


ALREADY_MARKED = "Already marked as completed in this round."


def _checkpoint(db: Database) -> None:
    db.checkpoint()


def _in_key_order(session: Session) -> None:
    """Rewrite both completion tables whole, in key order (see the module's notes): once, just
    before the transaction commits, however many marks it made. A few thousand short rows take
    milliseconds."""
    session.flush()
    for model in (Completion, CompletionChange):
        table = cast(Table, model.__table__)
        key = list(table.primary_key.columns)
        rows = [dict(row) for row in session.execute(select(table).order_by(*key)).mappings()]
        session.execute(delete(table))
        if rows:
            session.execute(insert(table), rows)
    session.expire_all()


def _hide_the_order(session: Session) -> None:
    before_commit(session, _in_key_order)
    after_commit(session, _checkpoint)


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
        raise ValueError(ALREADY_MARKED)
    try:
        session.add(
            Completion(
                round_id=round_id,
                care_leaver_id=person_id,
                confirmed_by=confirmed_by,
                confirmed_on=on,
            )
        )
        session.flush()
    except IntegrityError as exc:
        # Only if two nbdesks raced past the check above (a write holds the file's lock from its
        # start, so they cannot): what the person meant is done either way.
        raise ValueError(ALREADY_MARKED) from exc
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
    _hide_the_order(session)
    return person_in_round(round_id, person_id, completions=True)


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
    _hide_the_order(session)
    return person_in_round(round_id, person_id, completions=True)


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
