"""Erasing a closed round's contact notes and its members' contact details, keeping the counts the
returns need.

Erased means gone from the bytes, not only from what nbdesk shows (issue 11). Every connection
overwrites what it deletes with zeros (secure_delete); once the erasure has committed the file is
rebuilt (VACUUM, so no free space keeps an older copy of a number) and its -wal folded in and
truncated to nothing; then every copy nbdesk keeps of the file (the backups beside it, and the copies
taken before upgrades) is erased the same way, person by person (by unique id) and the round's notes
(by the round's name), and rebuilt; a copy that cannot be changed is deleted. What this cannot
reach is said before and after: copies written elsewhere, and files exported from nbdesk.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from pathlib import Path

from sqlalchemy import func, select, update
from sqlalchemy.orm import Session

from nbdesk.common.changes import Changes, Done
from nbdesk.storage.backup import Copy, copies_of, scrub_copy
from nbdesk.storage.database import Database, after_commit
from nbdesk.storage.models.survey import (
    CareLeaver,
    OutreachContact,
    RoundMember,
    SurveyRound,
)
from nbdesk.survey.rounds import round_row

CARE_LEAVER, CONTACT, SURVEY_ROUND = (
    CareLeaver.__tablename__,
    OutreachContact.__tablename__,
    SurveyRound.__tablename__,
)


@dataclass(frozen=True)
class ErasurePlan:
    round_name: str
    notes: int  # contact notes of this round that hold text
    people: int  # people whose phone number or email will be removed from the register
    kept_for_open_rounds: int  # round members whose details stay because another round is open
    phones: int = 0  # of those people, how many have a mobile number on the register
    emails: int = 0  # and how many an email address
    copies: int = 0  # backups and pre-upgrade copies of the file, erased the same way

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
            "round's counts and returns stay as they are. The details are erased from the file "
            "itself, leaving nothing in its free space, and from "
            + (
                f"the {count(self.copies, 'copy', 'copies')} nbdesk keeps of it (backups, and "
                "copies taken before an upgrade; a copy that cannot be changed is deleted)"
                if self.copies
                else "any copy nbdesk keeps of it (there is none yet)"
            )
            + ". Not reached: copies saved anywhere else, and files exported from nbdesk such "
            "as Notify lists; delete those yourself. This cannot be undone."
        )


@dataclass
class Scrubbed:
    """What happened to the file and its copies once the erasure had committed."""

    wal_cleared: bool = False  # False while another nbdesk reads the file: cleared when it closes
    erased: list[str] = field(default_factory=list)  # copies erased the same way (file names)
    deleted: list[str] = field(default_factory=list)  # copies that could not be, removed instead
    kept: list[str] = field(default_factory=list)  # copies neither erased nor removed


@dataclass(frozen=True)
class Erasure:
    plan: ErasurePlan
    scrubbed: Scrubbed

    def summary(self) -> str:
        plan, done = self.plan, self.scrubbed
        text = (
            f"Erased {plan.notes} contact note(s), {plan.phones} mobile number(s) and "
            f"{plan.emails} email address(es) from the file"
        )
        copies = len(done.erased) + len(done.deleted)
        text += f" and {copies} cop{'y' if copies == 1 else 'ies'} of it." if copies else "."
        if done.deleted:
            text += f" Deleted (could not be changed): {', '.join(done.deleted)}."
        if done.kept:
            text += (
                f" Still holding them (open in another program or read-only; delete them): "
                f"{', '.join(done.kept)}."
            )
        if not done.wal_cleared:
            text += (
                " Another nbdesk has the file open: the last traces go when every nbdesk "
                "window on it has closed."
            )
        return text


def _erasure_targets(session: Session, round_id: int) -> tuple[SurveyRound, set[int], set[int]]:
    survey_round = round_row(session, round_id)
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
    copies = len(copies_of(_file_of(session)))
    return ErasurePlan(survey_round.name, notes or 0, people, len(kept), phones, emails, copies)


def _file_of(session: Session) -> Path:
    return Path(str(session.get_bind().engine.url.database))


def erase_contact_details(session: Session, round_id: int, on: date) -> Done[Erasure]:
    """Once a round is closed: erase its contact notes and its members' phone numbers and email
    addresses (not those still needed by another open round), from the file and, once that has
    committed, from its free space, its -wal and every copy nbdesk keeps of it. Returns what was
    erased; its `scrubbed` part is filled in after the commit."""
    survey_round, erase, _ = _erasure_targets(session, round_id)
    if not survey_round.closed:
        raise ValueError(f"Close '{survey_round.name}' before erasing its contact details.")
    plan = erasure_plan(session, round_id)
    ids = sorted(erase)
    unique_ids = sorted(
        unique_id
        for start in range(0, len(ids), 500)
        for unique_id in session.scalars(
            select(CareLeaver.unique_id).where(CareLeaver.id.in_(ids[start : start + 500]))
        )
    )
    scrubbed = Scrubbed()
    name = survey_round.name
    after_commit(session, lambda db: _scrub(db, name, unique_ids, scrubbed))
    session.execute(
        update(OutreachContact).where(OutreachContact.round_id == round_id).values(note="")
    )
    for start in range(0, len(ids), 500):
        session.execute(
            update(CareLeaver)
            .where(CareLeaver.id.in_(ids[start : start + 500]))
            .values(phone="", email="")
        )
    survey_round.contact_details_erased_on = on
    session.flush()
    return Done(Erasure(plan, scrubbed), Changes(rounds=True, register=True, contacts=True))


def _scrub(db: Database, round_name: str, unique_ids: list[str], scrubbed: Scrubbed) -> None:
    """After the commit: the file rebuilt and its -wal emptied, then each copy erased alike."""
    scrubbed.wal_cleared = db.compact()

    def erase_in_copy(copy: Copy) -> None:
        columns = {table: copy.columns(table) for table in (CARE_LEAVER, CONTACT, SURVEY_ROUND)}
        if {"unique_id", "phone", "email"} <= columns[CARE_LEAVER]:
            for start in range(0, len(unique_ids), 500):
                chunk = unique_ids[start : start + 500]
                copy.execute(
                    update(CareLeaver)
                    .where(CareLeaver.unique_id.in_(chunk))
                    .values(phone="", email="")
                )
        if "note" in columns[CONTACT] and "name" in columns[SURVEY_ROUND]:
            copy.execute(
                update(OutreachContact)
                .where(
                    OutreachContact.round_id.in_(
                        select(SurveyRound.id).where(SurveyRound.name == round_name)
                    )
                )
                .values(note="")
            )

    if db.is_server:  # no copies beside a file: a server's backups are its administrator's
        return
    for copy in copies_of(db.path):
        outcome = scrub_copy(copy, erase_in_copy)
        getattr(scrubbed, outcome).append(copy.name)
