"""Outreach contacts during a round, and who to contact next.

A contact is numbered within the person and the round and dated by the day only (see the model): a
contact whose outcome is "says completed" stands in for a completion, so nothing may order
contacts across people either.
"""

from __future__ import annotations

from bisect import bisect_left
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from datetime import date
from functools import cache
from typing import Any, NamedTuple

from sqlalchemy import bindparam, func, select
from sqlalchemy.orm import Session, aliased

from nbdesk.common import clock
from nbdesk.common.changes import Done, person_in_round
from nbdesk.common.text import tidy
from nbdesk.storage.models.survey import (
    CareLeaver,
    Completion,
    OutreachContact,
    RoundMember,
    SurveyRound,
)
from nbdesk.storage.roles import signed_in_person
from nbdesk.survey.register import (
    CHANNELS,
    FLAG_TEXT,
    flag_mask,
)

PURPOSES = ("warm-up", "link-sent", "reminder", "help-to-complete", "paper-copy-sent")
PURPOSE_LABELS = {
    "warm-up": "Warm-up",
    "link-sent": "Link sent",
    "reminder": "Reminder",
    "help-to-complete": "Help to complete",
    "paper-copy-sent": "Paper copy sent",
}
OUTCOMES = ("no-reply", "spoke", "will-complete", "declined", "says-completed")
OUTCOME_LABELS = {
    "no-reply": "No reply",
    "spoke": "Spoke",
    "will-complete": "Will complete",
    "declined": "Declined",
    "says-completed": "Says completed",
}


@dataclass(frozen=True)
class ContactEntry:
    contacted_on: date
    channel: str
    purpose: str
    outcome: str
    note: str
    logged_by: str
    round_id: int


def log_contact(
    session: Session,
    round_id: int,
    person_id: int,
    contacted_on: date,
    channel: str,
    purpose: str,
    outcome: str,
    note: str = "",
    logged_by: str = "",
) -> Done[int]:
    """Record a contact; the value is its number among this person's contacts in the round."""
    if channel not in CHANNELS:
        raise ValueError(f"'{channel}' is not a channel ({', '.join(CHANNELS)}).")
    if purpose not in PURPOSES:
        raise ValueError(f"'{purpose}' is not a purpose ({', '.join(PURPOSES)}).")
    if outcome not in OUTCOMES:
        raise ValueError(f"'{outcome}' is not an outcome ({', '.join(OUTCOMES)}).")
    survey_round = session.get(SurveyRound, round_id)
    if survey_round is None:
        raise LookupError(f"No survey round with id {round_id}.")
    if survey_round.contact_details_erased_on is not None:
        raise ValueError(f"'{survey_round.name}' is closed and its contact notes were erased.")
    if session.get(CareLeaver, person_id) is None:
        raise LookupError(f"No person with row {person_id} on the register.")
    if contacted_on > clock.today():
        raise ValueError("A contact cannot be logged for a day that has not come yet.")
    number = (
        session.scalar(
            select(func.max(OutreachContact.number)).where(
                OutreachContact.round_id == round_id,
                OutreachContact.care_leaver_id == person_id,
            )
        )
        or 0
    ) + 1
    # On a server, who logged it is the person signed in, whatever was typed; a file keeps it.
    signed_in = signed_in_person(session)
    row = OutreachContact(
        round_id=round_id,
        care_leaver_id=person_id,
        number=number,
        contacted_on=contacted_on,
        channel=channel,
        purpose=purpose,
        outcome=outcome,
        note=note.strip(),
        logged_by=signed_in if signed_in is not None else tidy(logged_by),
    )
    session.add(row)
    session.flush()
    return Done(number, person_in_round(round_id, person_id, contacts=True))


def contact_history(
    session: Session, person_id: int, round_id: int | None = None
) -> list[ContactEntry]:
    """A person's contacts, newest first (one round's, or every round's)."""
    query = select(
        OutreachContact.contacted_on,
        OutreachContact.channel,
        OutreachContact.purpose,
        OutreachContact.outcome,
        OutreachContact.note,
        OutreachContact.logged_by,
        OutreachContact.round_id,
    ).where(OutreachContact.care_leaver_id == person_id)
    if round_id is not None:
        query = query.where(OutreachContact.round_id == round_id)
    query = query.order_by(
        OutreachContact.contacted_on.desc(),
        OutreachContact.round_id.desc(),
        OutreachContact.number.desc(),
    )
    return [ContactEntry(*r) for r in session.execute(query).tuples()]


NOT_IN_ROUND = "Not on the register when the round opened"


class WhoNextRow(NamedTuple):
    person_id: int
    unique_id: str
    name: str
    pa_name: str
    preferred_channel: str
    phone: str
    email: str
    contacts: int
    last_contact_on: date | None
    last_outcome: str
    eligible: bool = True
    do_not_contact: bool = False
    completed_on: date | None = None
    # Why the person is or is not counted ("Aged 27 when the round opened", "Moved abroad"…).
    reason: str = ""
    in_round: bool = True  # False: on the register but not a member of the round at all
    flags: str = ""  # the flags that are set, as words ("In custody; Needs an interpreter")

    @property
    def state(self) -> str:
        """In words, so the list never relies on colour alone."""
        if not self.in_round:
            return "Not in this round"
        if not self.eligible:
            return "Not counted"
        if self.completed_on:
            return "Completed"
        if self.do_not_contact:
            return "Do not contact"
        return "To contact"


def who_next(session: Session, round_id: int, pa_name: str | None = None) -> list[WhoNextRow]:
    """Whom to contact next: eligible, not yet completed, not marked do-not-contact; those never
    contacted first, then the oldest last contact first. One PA's caseload, or everyone's."""
    return round_people(session, round_id, pa_name, everyone=False)


def who_next_key(row: WhoNextRow) -> tuple[Any, ...]:
    """Where a row stands in the who-next order: those to contact first (the rest only in the
    list of everyone: completed, not counted, do not contact, then those not in the round),
    never contacted before contacted, the oldest last contact first, then by name. The unique id
    makes the order total, so a row updated on its own goes exactly where a full read puts it."""
    return (
        row.state != "To contact",
        not row.in_round,
        row.last_contact_on is not None,
        row.last_contact_on or date.min,
        row.name.casefold(),
        row.unique_id,
    )


def in_list(row: WhoNextRow, pa_name: str | None, everyone: bool) -> bool:
    """Whether round_people(…, pa_name, everyone) lists this row."""
    return (pa_name is None or row.pa_name == pa_name) and (everyone or row.state == "To contact")


def _contact_stats(round_id: Any, people: Any | None) -> Any:
    """Per person in the round: the number of contacts, the day of the latest and its number
    (the last logged that day), in SQL that any database runs: the count and the latest day
    grouped per person, joined back to the contacts of that day for the highest number. The
    outcome is then read from that contact by its key. Reading 100,000 contacts into Python
    instead took a second, on every save."""
    contact = OutreachContact
    in_round = contact.round_id == round_id
    if people is not None:
        # Both reads of the contacts go by the key (round, person): a few people's, not the round's.
        in_round = in_round & contact.care_leaver_id.in_(people)
    per_person = select(
        contact.care_leaver_id.label("pid"),
        func.count().label("n"),
        func.max(contact.contacted_on).label("last_on"),
    ).where(in_round)
    counts = per_person.group_by(contact.care_leaver_id).subquery()
    return (
        select(
            contact.care_leaver_id.label("pid"),
            func.max(counts.c.n).label("n"),
            func.max(counts.c.last_on).label("last_on"),
            func.max(contact.number).label("number"),
        )
        .join(
            counts,
            (counts.c.pid == contact.care_leaver_id) & (counts.c.last_on == contact.contacted_on),
        )
        .where(in_round)
        .group_by(contact.care_leaver_id)
        .subquery()
    )


def round_people(
    session: Session, round_id: int, pa_name: str | None = None, everyone: bool = True
) -> list[WhoNextRow]:
    """The round's members with their contacts so far, in who-next order. With `everyone`, also
    those completed, not counted or do-not-contact, and people on the register who are not in the
    round at all (added after it opened), so a PA can find anyone and the lead can count them in."""
    caseload = (
        select(CareLeaver.id).where(CareLeaver.pa_name == pa_name) if pa_name is not None else None
    )
    query = _people_query(round_id, caseload, everyone)
    if pa_name is not None:
        query = query.where(CareLeaver.pa_name == pa_name)
    result = _rows(session, query)
    result.sort(key=who_next_key)
    return result


# Ids asked for at once: well under any database's limit on a statement's parameters.
_CHUNK = 500


def who_next_rows(
    session: Session, round_id: int, person_ids: Iterable[int]
) -> dict[int, WhoNextRow]:
    """These people's rows as round_people(…, everyone=True) gives them, by person id (someone no
    longer on the register is missing), each from their own contacts read by key: after a contact
    or a completion, a list updates just their rows (update_list)."""
    wanted = sorted(set(person_ids))
    found: dict[int, WhoNextRow] = {}
    for start in range(0, len(wanted), _CHUNK):
        chunk = wanted[start : start + _CHUNK]
        rows = _rows(session, _some_people(), {"round_id": round_id, "people": chunk})
        found.update((row.person_id, row) for row in rows)
    return found


@cache
def _some_people() -> Any:
    """who_next_rows' statement, made once: building it took longer than SQLite takes to run it."""
    people: Any = bindparam("people", expanding=True)
    query = _people_query(bindparam("round_id"), people, everyone=True)
    return query.where(CareLeaver.id.in_(people))


def update_list(
    rows: Sequence[WhoNextRow],
    changes: Iterable[tuple[WhoNextRow | None, WhoNextRow | None]],
    listed: Callable[[WhoNextRow], bool],
    remove: Callable[[int], object],
    insert: Callable[[int, WhoNextRow], object],
) -> None:
    """Bring a list in who-next order (`rows`, as round_people read it) up to date for some people:
    `changes` holds each one's row as it was (None if it was not read) and as it is now (None if
    gone). The old row is found by its place in the order and taken out; the new one is put where
    the order has it, if `listed(row)` (in_list, say). `remove(index)` and `insert(index, row)`
    must change `rows` (a list, or the model holding it). The others keep their places, since the
    order of two rows depends on those rows alone: a few look-ups, however long the list."""
    for old, new in changes:
        at = None if old is None else place_in(rows, old)
        if at is not None:
            remove(at)
        if new is not None and listed(new):
            insert(bisect_left(rows, who_next_key(new), key=who_next_key), new)


def place_in(rows: Sequence[WhoNextRow], row: WhoNextRow) -> int | None:
    """Where the row stands in a list in who-next order, if it is there."""
    at = bisect_left(rows, who_next_key(row), key=who_next_key)
    return at if at < len(rows) and rows[at].person_id == row.person_id else None


def _people_query(round_id: Any, people: Any | None, everyone: bool) -> Any:
    """Everything a WhoNextRow holds, for the round's members (`everyone`: and the rest of the
    register); `people` (ids, or a select of them) narrows the contacts counted to theirs."""
    stats = _contact_stats(round_id, people)
    latest = aliased(OutreachContact)
    membership = (RoundMember.care_leaver_id == CareLeaver.id) & (RoundMember.round_id == round_id)
    query = (
        select(
            CareLeaver.id,
            CareLeaver.unique_id,
            CareLeaver.name,
            CareLeaver.pa_name,
            CareLeaver.preferred_channel,
            CareLeaver.phone,
            CareLeaver.email,
            func.coalesce(stats.c.n, 0),
            stats.c.last_on,
            func.coalesce(latest.outcome, ""),
            RoundMember.eligible,
            CareLeaver.do_not_contact,
            Completion.confirmed_on,
            RoundMember.reason,
            RoundMember.round_id,
            flag_mask(),
        )
        .outerjoin(stats, stats.c.pid == CareLeaver.id)
        .outerjoin(
            latest,
            (latest.round_id == round_id)
            & (latest.care_leaver_id == stats.c.pid)
            & (latest.number == stats.c.number),
        )
        .outerjoin(
            Completion,
            (Completion.care_leaver_id == CareLeaver.id) & (Completion.round_id == round_id),
        )
    )
    if everyone:
        return query.outerjoin(RoundMember, membership)
    return query.join(RoundMember, membership).where(
        RoundMember.eligible.is_(True),
        CareLeaver.do_not_contact.is_(False),
        Completion.confirmed_on.is_(None),
    )


def _rows(session: Session, query: Any, values: dict[str, Any] | None = None) -> list[WhoNextRow]:
    result = []
    for r in session.execute(query, values).tuples():
        in_round = r[14] is not None
        result.append(
            WhoNextRow(
                r[0],
                r[1],
                r[2],
                r[3],
                r[4],
                r[5],
                r[6],
                r[7],
                r[8],
                r[9],
                bool(r[10]) if in_round else False,
                r[11],
                r[12],
                (r[13] or "") if in_round else NOT_IN_ROUND,
                in_round,
                FLAG_TEXT[r[15]],
            )
        )
    return result


def round_pa_names(session: Session, round_id: int) -> list[str]:
    return list(
        session.scalars(
            select(CareLeaver.pa_name)
            .join(RoundMember, RoundMember.care_leaver_id == CareLeaver.id)
            .where(RoundMember.round_id == round_id)
            .distinct()
            .order_by(CareLeaver.pa_name)
        )
    )
