"""Outreach contacts during a round, and who to contact next.

A contact is numbered within the person and the round and dated by the day only (see the model): a
contact whose outcome is "says completed" stands in for a completion, so nothing may order
contacts across people either.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from typing import Any, NamedTuple

from sqlalchemy import func, select
from sqlalchemy.orm import Session, aliased

from nbdesk.common import clock
from nbdesk.common.changes import Changes, Done
from nbdesk.common.text import tidy
from nbdesk.storage.models.survey import (
    CareLeaver,
    Completion,
    OutreachContact,
    RoundMember,
    SurveyRound,
)
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
    row = OutreachContact(
        round_id=round_id,
        care_leaver_id=person_id,
        number=number,
        contacted_on=contacted_on,
        channel=channel,
        purpose=purpose,
        outcome=outcome,
        note=note.strip(),
        logged_by=tidy(logged_by),
    )
    session.add(row)
    session.flush()
    return Done(number, Changes(contacts=True))


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


def _contact_stats(round_id: int, people: Any | None) -> Any:
    """Per person in the round: the number of contacts, the day of the latest and its number
    (the last logged that day), in SQL that any database runs: the count and the latest day
    grouped per person, joined back to the contacts of that day for the highest number. The
    outcome is then read from that contact by its key. Reading 100,000 contacts into Python
    instead took a second, on every save."""
    contact = OutreachContact
    in_round = contact.round_id == round_id
    per_person = select(
        contact.care_leaver_id.label("pid"),
        func.count().label("n"),
        func.max(contact.contacted_on).label("last_on"),
    ).where(in_round)
    if people is not None:
        per_person = per_person.where(contact.care_leaver_id.in_(people))
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
    stats = _contact_stats(round_id, caseload)
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
        query = query.outerjoin(RoundMember, membership)
    else:
        query = query.join(RoundMember, membership).where(
            RoundMember.eligible.is_(True),
            CareLeaver.do_not_contact.is_(False),
            Completion.confirmed_on.is_(None),
        )
    if pa_name is not None:
        query = query.where(CareLeaver.pa_name == pa_name)
    result = []
    for r in session.execute(query).tuples():
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
    result.sort(
        key=lambda r: (
            r.state != "To contact",
            not r.in_round,
            r.last_contact_on is not None,
            r.last_contact_on or date.min,
            r.name.casefold(),
            r.unique_id,
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
