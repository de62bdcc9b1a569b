"""Survey rounds and who they count.

Opening a round fixes its denominator: everyone on the register aged 16 to 25 on the opening day
(and anyone whose date of birth is not recorded). The lead can count people in or leave them out
afterwards, always with a reason.
"""

from __future__ import annotations

from collections.abc import Collection
from dataclasses import dataclass
from datetime import date
from typing import Any, NamedTuple, cast

from sqlalchemy import Table, func, insert, select, update
from sqlalchemy.orm import Session

from nbdesk.common.changes import Changes, Done, person_in_round
from nbdesk.common.dates import format_day
from nbdesk.common.text import tidy
from nbdesk.storage.models.survey import (
    CareLeaver,
    Completion,
    OutreachContact,
    RoundMember,
    SurveyRound,
)
from nbdesk.survey.membership import counted_by_age
from nbdesk.survey.register import (
    band_number,
)


@dataclass(frozen=True)
class RoundInfo:
    """A round as a list to choose from shows it: no counting needed."""

    id: int
    name: str
    opens_on: date
    closes_on: date
    closed: bool
    contact_details_erased_on: date | None

    @property
    def title(self) -> str:
        state = " (closed)" if self.closed else ""
        return f"{self.name}: {format_day(self.opens_on)} to {format_day(self.closes_on)}{state}"


@dataclass(frozen=True)
class RoundSummary(RoundInfo):
    eligible: int
    completed: int

    @property
    def rate(self) -> float | None:
        return self.completed / self.eligible if self.eligible else None


def _counts(session: Session, round_id: int | None) -> tuple[dict[int, int], dict[int, int]]:
    """Eligible members and their completions, by round: every round's, or one round's. (Read
    from ix_round_member_counted alone: with ten rounds of 50,000 people, every round's took a
    quarter of a second.)"""
    eligible = (
        select(RoundMember.round_id, func.count())
        .where(RoundMember.eligible.is_(True))
        .group_by(RoundMember.round_id)
    )
    completed = (
        select(Completion.round_id, func.count())
        .join(
            RoundMember,
            (RoundMember.round_id == Completion.round_id)
            & (RoundMember.care_leaver_id == Completion.care_leaver_id),
        )
        .where(RoundMember.eligible.is_(True))
        .group_by(Completion.round_id)
    )
    if round_id is not None:
        eligible = eligible.where(RoundMember.round_id == round_id)
        completed = completed.where(Completion.round_id == round_id)
    return (
        dict(session.execute(eligible).tuples().all()),
        dict(session.execute(completed).tuples().all()),
    )


def round_row(session: Session, round_id: int) -> SurveyRound:
    """The round's row, or LookupError saying there is no such round."""
    row = session.get(SurveyRound, round_id)
    if row is None:
        raise LookupError(f"No survey round with id {round_id}.")
    return row


def summary_of(row: SurveyRound, eligible: int, completed: int) -> RoundSummary:
    """A round's row with its counts, however they were counted."""
    return RoundSummary(
        row.id,
        row.name,
        row.opens_on,
        row.closes_on,
        row.closed,
        row.contact_details_erased_on,
        eligible,
        completed,
    )


def _summary(row: SurveyRound, eligible: dict[int, int], completed: dict[int, int]) -> RoundSummary:
    return summary_of(row, eligible.get(row.id, 0), completed.get(row.id, 0))


def _in_order() -> Any:
    return select(SurveyRound).order_by(SurveyRound.opens_on, SurveyRound.id)


def round_infos(session: Session) -> list[RoundInfo]:
    """Every round, oldest first, without counting anyone: what a choice of rounds shows."""
    return [
        RoundInfo(r.id, r.name, r.opens_on, r.closes_on, r.closed, r.contact_details_erased_on)
        for r in session.scalars(_in_order())
    ]


def list_rounds(session: Session) -> list[RoundSummary]:
    eligible, completed = _counts(session, None)
    return [_summary(r, eligible, completed) for r in session.scalars(_in_order())]


def find_round(session: Session, name: str) -> RoundSummary:
    wanted = tidy(name).casefold()
    rounds = list_rounds(session)
    for r in rounds:
        if r.name.casefold() == wanted:
            return r
    known = ", ".join(f"'{r.name}'" for r in rounds) or "none"
    raise LookupError(f"No survey round called '{tidy(name)}' (rounds: {known}).")


def get_round(session: Session, round_id: int) -> RoundSummary:
    """One round with its counts (only its own members counted)."""
    row = round_row(session, round_id)
    return _summary(row, *_counts(session, round_id))


def open_round(session: Session, name: str, opens_on: date, closes_on: date) -> Done[RoundSummary]:
    """Create a round and fix who it counts: everyone on the register aged 16 to 25 on the day it
    opens, or whose date of birth is not recorded (the lead can exclude them). Others are kept as
    members marked not eligible, with the reason, so the lead can see and change it."""
    name = tidy(name)
    if not name:
        raise ValueError("The round needs a name.")
    if closes_on < opens_on:
        raise ValueError("The round must close on or after the day it opens.")
    if session.scalar(select(SurveyRound.id).where(func.lower(SurveyRound.name) == name.lower())):
        raise ValueError(f"There is already a round called '{name}'.")
    row = SurveyRound(name=name, opens_on=opens_on, closes_on=closes_on, closed=False)
    session.add(row)
    session.flush()
    members = []
    for person_id, born in session.execute(select(CareLeaver.id, CareLeaver.date_of_birth)):
        members.append((person_id, *counted_by_age(born, opens_on), band_number(born, opens_on)))
    if members:
        session.execute(
            insert(RoundMember),
            [
                {
                    "round_id": row.id,
                    "care_leaver_id": p,
                    "eligible": e,
                    "reason": why,
                    "age_band": band,
                }
                for p, e, why, band in members
            ],
        )
    session.flush()
    return Done(get_round(session, row.id), Changes(rounds=True, members=True))


def set_round_closed(session: Session, round_id: int, closed: bool) -> Changes:
    row = round_row(session, round_id)
    row.closed = closed
    session.flush()
    return Changes(rounds=True)


def include_person(session: Session, round_id: int, person_id: int, reason: str) -> Changes:
    """Count a person in the round (someone who came on to the register after it opened, say)."""
    _set_membership(session, round_id, person_id, True, reason)
    return person_in_round(round_id, person_id, members=True)


def exclude_person(session: Session, round_id: int, person_id: int, reason: str) -> Changes:
    """Take a person out of the round's count, with the reason (moved away, died, asked not to)."""
    _set_membership(session, round_id, person_id, False, reason)
    return person_in_round(round_id, person_id, members=True)


def _set_membership(
    session: Session, round_id: int, person_id: int, eligible: bool, reason: str
) -> None:
    reason = tidy(reason)
    if not reason:
        raise ValueError("Give a reason: it is kept with the round's figures.")
    survey_round = round_row(session, round_id)
    person = session.get(CareLeaver, person_id)
    if person is None:
        raise LookupError(f"No person with row {person_id} on the register.")
    member = session.get(RoundMember, (round_id, person_id))
    if member is None:
        session.add(
            RoundMember(
                round_id=round_id,
                care_leaver_id=person_id,
                eligible=eligible,
                reason=reason,
                age_band=band_number(person.date_of_birth, survey_round.opens_on),
            )
        )
        session.flush()
        # Contacts logged before they were counted in (someone new to the register) are theirs.
        recount_member_contacts(session, round_id, [person_id])
    else:
        member.eligible = eligible
        member.reason = reason
    session.flush()


def recount_member_contacts(
    session: Session, round_id: int | None = None, person_ids: Collection[int] | None = None
) -> None:
    """Set the members' contact columns (RoundMember.contacts, last_contact_on, last_outcome)
    from their contacts: the count, the latest day and the outcome of the last contact logged that
    day. log_contact keeps them up to date one contact at a time; this is for rows made another
    way (a member counted in, contacts put in in bulk). Every round's members, one round's, or
    those of `person_ids` in it; by each member's key, in Core any database runs."""
    contact, member = OutreachContact, RoundMember
    mine = (contact.round_id == member.round_id) & (contact.care_leaver_id == member.care_leaver_id)
    which = []
    if round_id is not None:
        which.append(member.round_id == round_id)
    if person_ids is not None:
        which.append(member.care_leaver_id.in_(sorted(person_ids)))
    # Core UPDATEs (not the ORM's bulk path, which would look for the rows in the session).
    table = cast(Table, member.__table__)
    session.execute(
        update(table)
        .where(*which)
        .values(
            contacts=select(func.count()).where(mine).scalar_subquery(),
            last_contact_on=select(func.max(contact.contacted_on)).where(mine).scalar_subquery(),
        ),
    )
    session.execute(
        update(table)
        .where(*which)
        .values(
            last_outcome=func.coalesce(
                select(contact.outcome)
                .where(mine, contact.contacted_on == member.last_contact_on)
                .order_by(contact.number.desc())
                .limit(1)
                .scalar_subquery(),
                "",
            )
        ),
    )
    # Rows the session holds would otherwise keep their old values.
    session.expire_all()


class MemberRow(NamedTuple):
    person_id: int
    unique_id: str
    name: str
    pa_name: str
    eligible: bool
    reason: str
    completed_on: date | None


def list_members(session: Session, round_id: int) -> list[MemberRow]:
    query = (
        select(
            CareLeaver.id,
            CareLeaver.unique_id,
            CareLeaver.name,
            CareLeaver.pa_name,
            RoundMember.eligible,
            RoundMember.reason,
            Completion.confirmed_on,
        )
        .join(RoundMember, RoundMember.care_leaver_id == CareLeaver.id)
        .outerjoin(
            Completion,
            (Completion.care_leaver_id == CareLeaver.id) & (Completion.round_id == round_id),
        )
        .where(RoundMember.round_id == round_id)
        .order_by(CareLeaver.name, CareLeaver.unique_id)
    )
    return [MemberRow(*r) for r in session.execute(query).tuples()]
