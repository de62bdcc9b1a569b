"""Erasing a closed round's contact notes and its members' contact details, keeping the counts the
returns need.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from sqlalchemy import func, select, update
from sqlalchemy.orm import Session

from nbdesk.common.changes import Changes, Done
from nbdesk.storage.models.survey import (
    CareLeaver,
    OutreachContact,
    RoundMember,
    SurveyRound,
)


@dataclass(frozen=True)
class ErasurePlan:
    round_name: str
    notes: int  # contact notes of this round that hold text
    people: int  # people whose phone number or email will be removed from the register
    kept_for_open_rounds: int  # round members whose details stay because another round is open
    phones: int = 0  # of those people, how many have a mobile number on the register
    emails: int = 0  # and how many an email address

    def description(self) -> str:
        def count(n: int, one: str, many: str) -> str:
            return f"{n} {one if n == 1 else many}"

        kept = (
            f" {count(self.kept_for_open_rounds, 'person is', 'people are')} also in a round "
            "that is still open; their contact details stay until that round closes."
            if self.kept_for_open_rounds
            else ""
        )
        return (
            f"This will permanently erase, for the round '{self.round_name}': the text of "
            f"{count(self.notes, 'contact note', 'contact notes')}, and from the register "
            f"{count(self.phones, 'mobile number', 'mobile numbers')} and "
            f"{count(self.emails, 'email address', 'email addresses')} "
            f"({count(self.people, 'person', 'people')}).{kept} Kept: names, the dates, "
            "channels and outcomes of contacts, who was eligible and who completed, so the "
            "round's counts and returns stay as they are. This cannot be undone."
        )


def _erasure_targets(session: Session, round_id: int) -> tuple[SurveyRound, set[int], set[int]]:
    survey_round = session.get(SurveyRound, round_id)
    if survey_round is None:
        raise LookupError(f"No survey round with id {round_id}.")
    members = set(
        session.scalars(select(RoundMember.care_leaver_id).where(RoundMember.round_id == round_id))
    )
    still_needed = set(
        session.scalars(
            select(RoundMember.care_leaver_id)
            .join(SurveyRound, SurveyRound.id == RoundMember.round_id)
            .where(
                SurveyRound.closed.is_(False),
                SurveyRound.id != round_id,
                RoundMember.eligible.is_(True),
            )
        )
    )
    return survey_round, members - still_needed, members & still_needed


def erasure_plan(session: Session, round_id: int) -> ErasurePlan:
    survey_round, erase, kept = _erasure_targets(session, round_id)
    notes = session.scalar(
        select(func.count())
        .select_from(OutreachContact)
        .where(OutreachContact.round_id == round_id, OutreachContact.note != "")
    )
    people = phones = emails = 0
    ids = sorted(erase)
    for start in range(0, len(ids), 500):
        found = session.execute(
            select(
                func.count(),
                func.count().filter(CareLeaver.phone != ""),
                func.count().filter(CareLeaver.email != ""),
            ).where(
                CareLeaver.id.in_(ids[start : start + 500]),
                (CareLeaver.phone != "") | (CareLeaver.email != ""),
            )
        ).one()
        people, phones, emails = people + found[0], phones + found[1], emails + found[2]
    return ErasurePlan(survey_round.name, notes or 0, people, len(kept), phones, emails)


def erase_contact_details(session: Session, round_id: int, on: date) -> Done[ErasurePlan]:
    """Once a round is closed: erase its contact notes and its members' phone numbers and email
    addresses (not those still needed by another open round). Returns what was erased."""
    survey_round, erase, _ = _erasure_targets(session, round_id)
    if not survey_round.closed:
        raise ValueError(f"Close '{survey_round.name}' before erasing its contact details.")
    plan = erasure_plan(session, round_id)
    session.execute(
        update(OutreachContact).where(OutreachContact.round_id == round_id).values(note="")
    )
    ids = sorted(erase)
    for start in range(0, len(ids), 500):
        session.execute(
            update(CareLeaver)
            .where(CareLeaver.id.in_(ids[start : start + 500]))
            .values(phone="", email="")
        )
    survey_round.contact_details_erased_on = on
    session.flush()
    return Done(plan, Changes(rounds=True, register=True, contacts=True))
