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
from operator import attrgetter
from typing import Any, NamedTuple

from sqlalchemy import bindparam, func, null, select
from sqlalchemy.orm import Session

from nbdesk.common import clock
from nbdesk.common.changes import Done, person_in_round
from nbdesk.common.text import tidy
from nbdesk.storage.models.survey import (
    CareLeaver,
    Completion,
    OutreachContact,
    RoundMember,
)
from nbdesk.storage.prepared import many_rows
from nbdesk.storage.roles import signed_in_person
from nbdesk.survey.register import (
    CHANNELS,
    FLAG_TEXT,
    flag_mask,
)
from nbdesk.survey.rounds import round_row

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
    survey_round = round_row(session, round_id)
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
    member = session.get(RoundMember, (round_id, person_id))
    if member is not None:
        # In the same transaction as the contact: the member's row is what the lists read. This
        # contact is the last logged, so it is the latest unless an earlier day was given.
        member.contacts = (member.contacts or 0) + 1
        if member.last_contact_on is None or contacted_on >= member.last_contact_on:
            member.last_contact_on = contacted_on
            member.last_outcome = outcome
    session.flush()
    return Done(number, person_in_round(round_id, person_id, contacts=True))


def take_back_contact(session: Session, round_id: int, person_id: int, number: int) -> Done[None]:
    """Take back a contact logged by mistake (the wrong person, the wrong outcome), as if it had
    never been logged: only the person's latest in the round, since a later one was logged
    knowing of it. The member's count, latest day and outcome are read again from those left."""
    mine = (OutreachContact.round_id == round_id, OutreachContact.care_leaver_id == person_id)
    latest = session.scalar(select(func.max(OutreachContact.number)).where(*mine))
    if latest is None or number > latest:
        raise LookupError("That contact is no longer there to take back.")
    if number != latest:
        raise ValueError("A later contact with this person has been logged since: it stays.")
    session.delete(session.get_one(OutreachContact, (round_id, person_id, number)))
    session.flush()
    member = session.get(RoundMember, (round_id, person_id))
    if member is not None:
        last = session.execute(
            select(OutreachContact.contacted_on, OutreachContact.outcome)
            .where(*mine)
            .order_by(OutreachContact.contacted_on.desc(), OutreachContact.number.desc())
            .limit(1)
        ).first()
        member.contacts = max(0, (member.contacts or 0) - 1)
        member.last_contact_on, member.last_outcome = last if last is not None else (None, "")
    session.flush()
    return Done(None, person_in_round(round_id, person_id, contacts=True))


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
    """A person as the lists of a round show them. No phone number or email address: the person
    panel reads those for the one person chosen, and a list of 50,000 held them all for nothing
    (and read them, a sixth of who-next's read)."""

    person_id: int
    unique_id: str
    name: str
    pa_name: str
    preferred_channel: str
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
    return (*_standing(row), row.name.casefold(), row.unique_id)


def _standing(row: WhoNextRow) -> tuple[bool, bool, bool, date]:
    """who_next_key without the name and id: a few dozen values in a round (one a contact day)."""
    last = row.last_contact_on
    return (row.state != "To contact", not row.in_round, last is not None, last or date.min)


def in_who_next_order(rows: Iterable[WhoNextRow]) -> list[WhoNextRow]:
    """The rows sorted by who_next_key, as a sort by it would put them, in about half its time:
    grouped by their standing (a few dozen groups, one a contact day), the groups in order, and
    each group by name and id, in two stable sorts of plain strings rather than one of tuples
    (at 50,000 people the sort was the part of who-next that grew fastest)."""
    groups: dict[tuple[bool, bool, bool, date], list[WhoNextRow]] = {}
    for row in rows:
        standing = _standing(row)
        group = groups.get(standing)
        if group is None:
            group = groups[standing] = []
        group.append(row)
    found: list[WhoNextRow] = []
    for standing in sorted(groups):
        group = groups[standing]
        group.sort(key=_unique_id)
        group.sort(key=_folded_name)  # stable: the same name keeps the ids' order
        found += group
    return found


_unique_id = attrgetter("unique_id")


def _folded_name(row: WhoNextRow) -> str:
    return row.name.casefold()


def in_list(row: WhoNextRow, pa_name: str | None, everyone: bool) -> bool:
    """Whether round_people(…, pa_name, everyone) lists this row."""
    return (pa_name is None or row.pa_name == pa_name) and (everyone or row.state == "To contact")


def round_people(
    session: Session, round_id: int, pa_name: str | None = None, everyone: bool = True
) -> list[WhoNextRow]:
    """The round's members with their contacts so far, in who-next order. With `everyone`, also
    those completed, not counted or do-not-contact, and people on the register who are not in the
    round at all (added after it opened), so a PA can find anyone and the lead can count them in."""
    query = _people_query(round_id, everyone)
    if pa_name is not None:
        query = query.where(CareLeaver.pa_name == pa_name)
    result = _rows(session, query)
    if everyone:
        _outsiders_contacts(session, round_id, result)
    return in_who_next_order(result)


# Ids asked for at once: well under any database's limit on a statement's parameters.
_CHUNK = 500


def who_next_rows(
    session: Session, round_id: int, person_ids: Iterable[int]
) -> dict[int, WhoNextRow]:
    """These people's rows as round_people(…, everyone=True) gives them, by person id (someone no
    longer on the register is missing), each read by key: after a contact or a completion, a list
    updates just their rows (update_list)."""
    wanted = sorted(set(person_ids))
    found: list[WhoNextRow] = []
    for start in range(0, len(wanted), _CHUNK):
        chunk = wanted[start : start + _CHUNK]
        found += _rows(session, _some_people(), {"round_id": round_id, "people": chunk})
    _outsiders_contacts(session, round_id, found)
    return {row.person_id: row for row in found}


@cache
def _some_people() -> Any:
    """who_next_rows' statement, made once: building it took longer than SQLite takes to run it."""
    people: Any = bindparam("people", expanding=True)
    query = _people_query(bindparam("round_id"), everyone=True)
    return query.where(CareLeaver.id.in_(people))


def _outsiders_contacts(session: Session, round_id: int, rows: list[WhoNextRow]) -> None:
    """Put into `rows` the contacts of those not in the round (whose rows have no member row to
    hold them: a PA may log a contact before the lead counts someone in), read by their keys.
    Few people or none; the members' come with their rows."""
    outside = {row.person_id: at for at, row in enumerate(rows) if not row.in_round}
    ids = sorted(outside)
    for start in range(0, len(ids), _CHUNK):
        chunk = ids[start : start + _CHUNK]
        latest: dict[int, tuple[date, int, str]] = {}
        counts: dict[int, int] = {}
        for pid, day, number, outcome in session.execute(
            _outsiders_statement(), {"round_id": round_id, "people": chunk}
        ).tuples():
            counts[pid] = counts.get(pid, 0) + 1
            if pid not in latest or (day, number) > latest[pid][:2]:
                latest[pid] = (day, number, outcome)
        for pid, (day, _number, outcome) in latest.items():
            at = outside[pid]
            rows[at] = rows[at]._replace(
                contacts=counts[pid], last_contact_on=day, last_outcome=outcome
            )


@cache
def _outsiders_statement() -> Any:
    people: Any = bindparam("people", expanding=True)
    return select(
        OutreachContact.care_leaver_id,
        OutreachContact.contacted_on,
        OutreachContact.number,
        OutreachContact.outcome,
    ).where(
        OutreachContact.round_id == bindparam("round_id"),
        OutreachContact.care_leaver_id.in_(people),
    )


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


def _people_query(round_id: Any, everyone: bool) -> Any:
    """Everything a WhoNextRow holds, for the round's members (`everyone`: and the rest of the
    register). A member's contacts so far are read from their member row (kept by log_contact),
    one row a person: grouping the round's contacts (ten a person in the huge demonstration) took
    most of the read and grew faster than the round."""
    membership = (RoundMember.care_leaver_id == CareLeaver.id) & (RoundMember.round_id == round_id)
    completed = (Completion.care_leaver_id == CareLeaver.id) & (Completion.round_id == round_id)
    # Those still to complete (not `everyone`) have no completion day: none is read for them.
    completed_on = Completion.confirmed_on if everyone else null()
    columns = [
        CareLeaver.id,
        CareLeaver.unique_id,
        CareLeaver.name,
        CareLeaver.pa_name,
        CareLeaver.preferred_channel,
        RoundMember.contacts,
        RoundMember.last_contact_on,
        RoundMember.last_outcome,
        RoundMember.eligible,
        CareLeaver.do_not_contact,
        completed_on,
        RoundMember.reason,
        RoundMember.round_id,
        flag_mask(),
    ]
    if everyone:
        return (
            select(*columns)
            .select_from(CareLeaver)
            .outerjoin(RoundMember, membership)
            .outerjoin(Completion, completed)
        )
    # Those still to complete, without looking each member up among every round's completions:
    # that table holds every round there has ever been, and the look-ups grew faster than the
    # round (bench_growth). The round's own completions are read once, in key order, instead.
    done = select(Completion.care_leaver_id).where(Completion.round_id == round_id)
    return (
        select(*columns)
        .select_from(RoundMember)
        .join(CareLeaver, membership)
        .where(
            RoundMember.round_id == round_id,
            RoundMember.eligible.is_(True),
            CareLeaver.do_not_contact.is_(False),
            RoundMember.care_leaver_id.not_in(done),
        )
    )


def _rows(session: Session, query: Any, values: dict[str, Any] | None = None) -> list[WhoNextRow]:
    flags, make = FLAG_TEXT, WhoNextRow._make
    found: list[WhoNextRow] = []
    add = found.append
    for r in many_rows(session, query, values):
        if r[12] is None:  # not in the round: nothing of theirs in a member row
            add(make((*r[:5], 0, None, "", False, r[9], r[10], NOT_IN_ROUND, False, flags[r[13]])))
        else:
            add(make((*r[:12], True, flags[r[13]])))
    return found


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
