"""The GOV.UK Notify upload list: the people to remind in a round, one row each.

Notify reads a CSV or Excel file whose first column is `phone number` (for texts) or
`email address` (for emails), then one column per placeholder in the message template. Names go
into this file because personalising the message is its purpose; nothing else about a person does.
Everyone in the round who is left out is listed with the reason, so a PA can reach them another
way.

With `everyone=True` the list is for telling care leavers back what was found and what is being done
(issue 14): every person on the register, whether or not the round counted them or they completed,
with the same checks (do not contact, no usable mobile or email, a value for each column) and a
`plan link` column holding the address the lead gives for the plan. The file is written whole or not at all: into a temporary file in the same folder, flushed,
then moved over the target.

Nothing reaches a file in a form a spreadsheet program would run as a formula (CSV injection). In a
.csv file a name or other value beginning with =, +, - or @ (or a tab or carriage return) gets a
leading apostrophe (`common.text.csv_safe`, OWASP's defence): Notify then puts the apostrophe in
the message, which is harmless, where a formula could run on the PA's computer. In an .xlsx file
every value is a text cell, which never runs. An email address beginning so cannot be given an
apostrophe (Notify would refuse the address): its person is left out with the reason.
"""

from __future__ import annotations

import csv
from dataclasses import dataclass
from datetime import date
from functools import cache
from pathlib import Path
from typing import Any

from sqlalchemy import Integer, Select, bindparam, select
from sqlalchemy.orm import Session

from nbdesk.common import clock
from nbdesk.common.atomic import write_atomically
from nbdesk.common.dates import format_day
from nbdesk.common.text import FORMULA_STARTS, csv_safe
from nbdesk.storage.models.survey import CareLeaver, RoundMember
from nbdesk.storage.prepared import many_rows
from nbdesk.survey.completion import CONFIRMED_BY_PHRASES, round_completions
from nbdesk.survey.contact_details import email_address, is_landline, takes_texts, uk_phone
from nbdesk.survey.register import SURVEY_AGES, age_on, first_name
from nbdesk.survey.rounds import round_row

NOTIFY_ROW_LIMIT = 100_000
RECIPIENT_COLUMN = {"text": "phone number", "email": "email address"}
# Personalisation columns a template can use; lower case, as Notify shows placeholders.
PERSONALISATION = ("first name", "pa name", "round closes")
# For telling everyone back; a column only when the lead has given the plan's address.
PLAN_LINK = "plan link"
ALL_COLUMNS = (*PERSONALISATION, PLAN_LINK)
DEFAULT_PERSONALISATION = ("first name", "pa name")
EVERYONE_PERSONALISATION = ("first name", "pa name", PLAN_LINK)
MAX_LINK = 500


@dataclass(frozen=True)
class LeftOut:
    unique_id: str
    name: str
    pa_name: str
    reason: str


@dataclass(frozen=True)
class NotifyList:
    round_name: str
    channel: str  # text | email
    headers: tuple[str, ...]
    rows: tuple[tuple[str, ...], ...]
    left_out: tuple[LeftOut, ...]
    everyone: bool = False  # everyone on the register (telling back), not the round's reminders


def notify_list(
    session: Session,
    round_id: int,
    channel: str = "text",
    personalisation: tuple[str, ...] | None = None,
    *,
    everyone: bool = False,
    plan_link: str = "",
) -> NotifyList:
    """The people to remind: eligible, not completed, not do-not-contact, with a UK mobile that
    takes texts (texts) or an email address (emails) and a value for every chosen personalisation
    column. A person with a landline is left out with that reason, so a PA knows to call.

    With `everyone`, every person on the register instead (to tell them back), the round's
    counting and completions aside; the columns default to first name, pa name and plan link."""
    if personalisation is None:
        personalisation = EVERYONE_PERSONALISATION if everyone else DEFAULT_PERSONALISATION
    if plan_link.strip() or PLAN_LINK in personalisation:
        plan_link = check_link(plan_link)
    if channel not in RECIPIENT_COLUMN:
        raise ValueError(f"The channel must be 'text' or 'email', not '{channel}'.")
    unknown = [p for p in personalisation if p not in ALL_COLUMNS]
    if unknown:
        raise ValueError(
            f"Unknown personalisation column(s): {', '.join(unknown)} "
            f"(available: {', '.join(ALL_COLUMNS)})."
        )
    survey = round_row(session, round_id)
    today = clock.today()
    completions = round_completions(session, round_id)
    people = many_rows(session, _people_query(everyone), {"round_id": round_id})
    # What is the same for everyone, worked out once rather than per person (10,000 on a large
    # register): the round's closing day, and which of a person's values each column takes.
    by_text = channel == "text"
    what = "phone number" if by_text else "email address"
    low, high = SURVEY_AGES
    closes = format_day(survey.closes_on)
    # Each column's value by its place in ALL_COLUMNS: (first name, pa name, round closes, link).
    places = [ALL_COLUMNS.index(p) for p in personalisation]
    wants_first_name = "first name" in personalisation
    completed_on: dict[date, str] = {}  # a round's completions fall on a few dozen days
    rows: list[tuple[str, ...]] = []
    left_out: list[LeftOut] = []
    leave = left_out.append
    for (
        person,
        uid,
        name,
        preferred,
        pa,
        phone,
        email,
        dnc,
        dnc_reason,
        born,
        eligible,
        why,
    ) in people:
        if everyone:
            # Telling back reaches every care leaver, counted in the round or not, completed or
            # not; someone the register holds past the care-leaving ages is not one any more.
            if born is not None:
                age = age_on(born, today)
                if not low <= age <= high:
                    reason = f"aged {age}, outside care leavers' ages ({low} to {high})"
                    leave(LeftOut(uid, name, pa, reason))
                    continue
        elif not eligible:
            leave(LeftOut(uid, name, pa, f"not counted in this round ({why or 'excluded'})"))
            continue
        elif person in completions:
            done_on, by = completions[person]
            who = CONFIRMED_BY_PHRASES.get(by, by)
            day = completed_on.get(done_on)
            if day is None:
                day = completed_on[done_on] = format_day(done_on)
            reason = f"completed on {day} (confirmed by {who})"
            leave(LeftOut(uid, name, pa, reason))
            continue
        if dnc:
            reason = f"do not contact ({dnc_reason or 'no reason given'})"
            leave(LeftOut(uid, name, pa, reason))
            continue
        if by_text and not phone:
            leave(LeftOut(uid, name, pa, "no mobile number"))
            continue
        if not by_text and not email:
            leave(LeftOut(uid, name, pa, "no email address"))
            continue
        try:
            recipient = (uk_phone(phone) if by_text else email_address(email)).replace(" ", "")
        except ValueError as exc:
            leave(LeftOut(uid, name, pa, f"{what} not valid: {exc}"))
            continue
        if not by_text and recipient.startswith(FORMULA_STARTS):
            reason = (
                f"the email address begins with '{recipient[0]}', which a spreadsheet could run "
                "as a formula; send this one by hand"
            )
            leave(LeftOut(uid, name, pa, reason))
            continue
        if by_text and not takes_texts(recipient):
            # The register keeps landlines so PAs can call; Notify can only text mobiles.
            kind = "a landline" if is_landline(recipient) else "a number that is not a mobile"
            reason = f"has {kind} ({uk_phone(phone)}), which cannot take texts"
            leave(LeftOut(uid, name, pa, reason))
            continue
        values = (first_name(preferred, name) if wants_first_name else "", pa, closes, plan_link)
        row = (recipient, *[values[i] for i in places])
        if not all(map(str.strip, row[1:])):
            missing = [p for p, v in zip(personalisation, row[1:], strict=True) if not v.strip()]
            leave(LeftOut(uid, name, pa, f"no {' or '.join(missing)} for the message"))
            continue
        rows.append(row)
    if len(rows) > NOTIFY_ROW_LIMIT:
        raise ValueError(
            f"{len(rows):,} people to {'tell' if everyone else 'remind'}; Notify takes at most {NOTIFY_ROW_LIMIT:,} rows in "
            "one file. Export one PA team at a time."
        )
    return NotifyList(
        survey.name,
        channel,
        (RECIPIENT_COLUMN[channel], *personalisation),
        tuple(rows),
        tuple(left_out),
        everyone,
    )


@cache
def _people_query(everyone: bool) -> Select[Any]:
    """Everyone the list considers (the round's members, or with `everyone` the whole register)
    with what the checks need, in the order of the list; built once, with the round as the
    parameter `round_id`."""
    round_id = bindparam("round_id", type_=Integer)
    return (
        select(
            CareLeaver.id,
            CareLeaver.unique_id,
            CareLeaver.name,
            CareLeaver.preferred_name,
            CareLeaver.pa_name,
            CareLeaver.phone,
            CareLeaver.email,
            CareLeaver.do_not_contact,
            CareLeaver.do_not_contact_reason,
            CareLeaver.date_of_birth,
            RoundMember.eligible,
            RoundMember.reason,
        )
        .join(
            RoundMember,
            (RoundMember.care_leaver_id == CareLeaver.id) & (RoundMember.round_id == round_id),
            isouter=everyone,
        )
        .order_by(CareLeaver.pa_name, CareLeaver.name, CareLeaver.unique_id)
    )


def check_link(link: str) -> str:
    """The plan's address as the message will carry it: one web address (https:// or http://),
    no spaces, not too long; ValueError otherwise."""
    cleaned = link.strip()
    if not cleaned:
        raise ValueError("Give the plan's link (its web address) for the 'plan link' column.")
    if any(ch.isspace() for ch in cleaned) or len(cleaned) > MAX_LINK:
        raise ValueError(f"'{cleaned[:60]}' is not a web address (no spaces, at most {MAX_LINK}).")
    if not cleaned.lower().startswith(("https://", "http://")) or len(cleaned) < 12:
        raise ValueError(
            f"'{cleaned[:60]}' is not a web address: it should start https:// "
            "(for example https://www.example.gov.uk/care-leavers/plan)."
        )
    return cleaned


def write_notify_file(path: Path, data: NotifyList) -> Path:
    """Write the list as .csv or .xlsx (by the file's ending)."""
    path = Path(path)
    suffix = path.suffix.lower()
    if suffix not in (".csv", ".xlsx"):
        raise ValueError(f"Notify takes .csv or .xlsx files, not '{path.suffix or 'no ending'}'.")

    def write_csv(temp: Path) -> None:
        with temp.open("w", newline="", encoding="utf-8") as fh:
            writer = csv.writer(fh)
            writer.writerow(data.headers)
            # The recipient is a checked number or address; the rest is what people typed.
            writer.writerows((row[0], *(csv_safe(v) for v in row[1:])) for row in data.rows)

    def write_xlsx(temp: Path) -> None:
        from openpyxl import Workbook

        from nbdesk.common.xlsx_text import text_row

        book = Workbook(write_only=True)
        sheet = book.create_sheet("Notify")
        sheet.append(list(data.headers))
        for row in data.rows:
            # Strings throughout (Excel must not drop a leading 0), and text kept as text.
            sheet.append(text_row(sheet, row))
        book.save(temp)

    return write_atomically(path, write_csv if suffix == ".csv" else write_xlsx)


def write_left_out_file(path: Path, data: NotifyList) -> Path:
    """The people left out of a Notify list, with the reason, as CSV (for the PAs to follow up)."""

    def write(temp: Path) -> None:
        with temp.open("w", newline="", encoding="utf-8") as fh:
            writer = csv.writer(fh)
            writer.writerow(("unique id", "name", "pa name", "reason left out"))
            writer.writerows(
                tuple(csv_safe(v) for v in (p.unique_id, p.name, p.pa_name, p.reason))
                for p in data.left_out
            )

    return write_atomically(Path(path), write)
