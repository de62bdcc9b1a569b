"""Filling the register from a spreadsheet: Ofsted's Annex A care-leaver list or a plain list.

Every cell is read as text (nbdesk.common.tabular) and checked here, so what a council's export contains
(dates in several formats or as Excel serial numbers, numbers stored as text, stray spaces, blank
rows) is either understood or reported with its row, column and reason.

An import never drops a person for a detail. A row is refused only when it cannot name a person:
it has no unique id, or Excel shortened the id (1.00239E+11) so its digits are lost. Any other
cell that cannot be read (a broken email, a date that does not exist, "maybe" for yes or no) is a
warning: the person is imported with that field blank, or, if they are already on the register,
with the value held left as it is. A landline is kept as the person's phone (they can be called)
and listed as a warning because it cannot take texts. Two rows with the same id that read the
same are one person; two that differ are shown side by side until the person importing chooses
which to keep (`ImportPreview.resolve`).

The import is all or nothing: `preview_import` finds every problem without changing anything, and
`apply_import` either stores every person in the caller's transaction or, if a row was refused and
the caller has not said the refusals were seen, or an id's rows still differ, raises and stores
nothing.

Re-importing matches people by their unique id and updates only the fields the file's mapped
columns hold; a blank cell leaves what nbdesk holds as it was (a mobile number typed by a PA is not
wiped by a list that lacks it). Contacts, completions and round membership hang off the person's
row and are kept.

A workbook may hold several lists (Ofsted's Annex A has one sheet per list, each with a Child
Unique ID column); without a sheet named, the one whose headers look most like a care-leaver list
is read.
"""

from __future__ import annotations

import re
from collections import defaultdict
from collections.abc import Callable, Iterable
from collections.abc import Mapping as ReadOnlyMapping
from dataclasses import dataclass, field, replace
from datetime import date
from pathlib import Path
from typing import Any

from sqlalchemy import insert, select, update
from sqlalchemy.orm import Session

from nbdesk.common import clock
from nbdesk.common.dates import not_known, parse_birth_date
from nbdesk.common.tabular import (
    HEADER_SEARCH_ROWS,
    Row,
    Table,
    TableError,
    cell_text,
    header_row_index,
    read_table,
)
from nbdesk.common.text import excel_shortened, tidy, yes_no
from nbdesk.storage.models.survey import CareLeaver
from nbdesk.survey.contact_details import email_address, is_landline, takes_texts, uk_phone
from nbdesk.survey.register import FIELD_NAMES, parse_channel


@dataclass(frozen=True)
class Target:
    key: str  # a PersonFields name, or first_name / surname (joined into name)
    label: str
    headers: tuple[str, ...]  # headers it is recognised by, compared without case or punctuation
    required: bool = False


TARGETS: tuple[Target, ...] = (
    Target(
        "unique_id",
        "Unique id",
        (
            "Child Unique ID",
            "Unique ID",
            "UPN",
            "Child ID",
            "Person ID",
            "Client ID",
            "LCS ID",
            "Mosaic ID",
            "ID",
            "Reference",
        ),
        required=True,
    ),
    Target("name", "Name", ("Name", "Full name", "Young person", "Care leaver")),
    Target("first_name", "First name", ("First name", "Forename", "Forenames", "Given name")),
    Target("surname", "Surname", ("Surname", "Last name", "Family name")),
    Target("preferred_name", "Preferred name", ("Preferred name", "Known as", "Nickname")),
    Target("date_of_birth", "Date of birth", ("Date of Birth", "DOB", "Birth date")),
    Target("gender", "Gender", ("Gender", "Sex")),
    Target("ethnicity", "Ethnicity", ("Ethnicity", "Ethnic origin")),
    Target("uasc", "UASC", ("UASC", "Unaccompanied asylum seeking child", "Former UASC")),
    Target("disability", "Disability", ("Disability", "Disabled")),
    Target(
        "pa_name",
        "Allocated PA",
        (
            "Allocated Personal Advisor",
            "Allocated Personal Adviser",
            "Personal Advisor",
            "Personal Adviser",
            "PA",
            "PA name",
            "Allocated worker",
            "Worker",
        ),
    ),
    Target("team", "Team", ("Team", "PA team")),
    Target("eligibility_category", "Eligibility category", ("Eligibility Category",)),
    Target(
        "accommodation",
        "Accommodation type",
        ("Type of Accommodation", "Accommodation type", "Accommodation"),
    ),
    Target("activity", "Activity", ("Activity Status", "Activity", "Main activity")),
    Target(
        "phone",
        "Phone number",
        (
            "Mobile",
            "Mobile number",
            "Mobile phone",
            "Phone",
            "Phone number",
            "Telephone",
            "Contact number",
        ),
    ),
    Target("email", "Email", ("Email", "Email address", "E-mail")),
    Target(
        "preferred_channel",
        "Preferred channel",
        ("Preferred channel", "Preferred contact", "Preferred contact method"),
    ),
    Target("in_custody", "In custody", ("In custody", "Custody")),
    Target(
        "needs_interpreter",
        "Needs an interpreter",
        ("Needs interpreter", "Interpreter", "Interpreter needed", "Needs an interpreter"),
    ),
    Target("young_parent", "Young parent", ("Young parent", "Parent")),
    Target("out_of_area", "Lives out of area", ("Out of area", "Lives out of area")),
    Target("do_not_contact", "Do not contact", ("Do not contact", "DNC")),
    Target(
        "do_not_contact_reason",
        "Do not contact: reason",
        ("Do not contact reason", "DNC reason", "Reason not to contact"),
    ),
)
TARGET_BY_KEY = {t.key: t for t in TARGETS}
BOOLEAN_KEYS = {
    "uasc",
    "in_custody",
    "needs_interpreter",
    "young_parent",
    "out_of_area",
    "do_not_contact",
}

Mapping = dict[str, str]  # target key -> the file's header


class ImportRejected(ValueError):
    """Rows were refused and the import was not told to leave them out: nothing was stored."""

    def __init__(self, preview: ImportPreview) -> None:
        rows = len(preview.rejected_rows)
        super().__init__(
            f"{_count(rows, 'row')} {'names' if rows == 1 else 'name'} no one (no usable unique "
            "id); nothing was imported. Confirm you have seen them to import everyone else."
        )
        self.preview = preview


class DuplicatesUnresolved(ValueError):
    """An id is on rows that differ and no row was chosen: nothing was stored."""

    def __init__(self, preview: ImportPreview) -> None:
        super().__init__(
            " ".join(d.text()[:1].upper() + d.text()[1:] + "." for d in preview.duplicates)
            + " Choose which row to keep for each; nothing was imported."
        )
        self.preview = preview


def _key(header: str) -> str:
    return re.sub(r"[^a-z0-9]", "", header.lower())


def _bare_key(header: str) -> str:
    """The key without notes in brackets: "Date of Birth (DD/MM/YYYY)" is "dateofbirth"."""
    return _key(re.sub(r"\([^)]*\)|\[[^\]]*\]", " ", header))


def guess_mapping(headers: tuple[str, ...] | list[str]) -> Mapping:
    """Which column of the file feeds each field, recognised from Annex A's and common headers
    (ignoring case, spaces, punctuation and notes in brackets)."""
    by_key: dict[str, str] = {}
    for h in headers:
        if h:
            by_key.setdefault(_key(h), h)
    for h in headers:
        if h:
            by_key.setdefault(_bare_key(h), h)
    mapping: Mapping = {}
    used: set[str] = set()
    for target in TARGETS:
        for known in target.headers:
            header = by_key.get(_key(known))
            if header and header not in used:
                mapping[target.key] = header
                used.add(header)
                break
    return mapping


NO_ID = "has no unique id"

# What a warning is about, so the summary can say in words why people are listed.
LEFT_BLANK = "left blank"  # a cell that could not be read: the field is blank or left as held
LANDLINE = "landline"  # kept for calls: it cannot take texts
NOT_MOBILE = "not a mobile"  # 03, 08, 070 or 076: kept for calls, cannot take texts either
NO_DNC_REASON = "no do-not-contact reason"  # the flag is kept with a reason saying where from


@dataclass(frozen=True)
class Rejection:
    """A row refused because it cannot name a person: nothing from it is imported."""

    row: int  # as the spreadsheet shows it
    column: str  # the file's header, or "" for the whole row
    reason: str

    def text(self) -> str:
        where = f"row {self.row}" + (f", column '{self.column}'" if self.column else "")
        return f"{where}: {self.reason}"


@dataclass(frozen=True)
class FieldWarning:
    """A cell that could not be used as written; the person on the row is imported all the same."""

    row: int
    column: str  # the file's header
    reason: str  # says what was done instead: left blank, left as held, kept for calls
    kind: str = field(default=LEFT_BLANK, compare=False)

    def text(self) -> str:
        return f"row {self.row}, column '{self.column}': {self.reason}"


@dataclass(frozen=True)
class SourceRow:
    number: int
    cells: ReadOnlyMapping[str, str]  # the file's text, by header, as the spreadsheet shows it
    values: ReadOnlyMapping[str, Any]  # the fields as read (first name and surname still apart)


@dataclass(frozen=True)
class DuplicateId:
    """One unique id on rows that read differently: the person importing chooses which to keep."""

    unique_id: str
    rows: tuple[SourceRow, ...]
    differing: tuple[str, ...]  # the file's headers whose cells read differently, in file order
    on_register: bool

    @property
    def row_numbers(self) -> tuple[int, ...]:
        return tuple(r.number for r in self.rows)

    @property
    def names(self) -> tuple[str, ...]:
        """The names its rows give (usually one), to say which person the id is."""
        found: list[str] = []
        for row in self.rows:
            name = _stored(row.values).get("name", "")
            if name and name not in found:
                found.append(name)
        return tuple(found)

    def text(self) -> str:
        return (
            f"the unique id '{self.unique_id}' is on rows {_and(map(str, self.row_numbers))}, "
            f"which differ in {_and(self.differing)}"
        )


@dataclass(frozen=True)
class ImportPreview:
    source: str
    headers: tuple[str, ...]
    mapping: Mapping
    rows_read: int
    valid: tuple[tuple[int, dict[str, Any]], ...]  # (row number, fields to store): one per person
    rejections: tuple[Rejection, ...]
    new_ids: frozenset[str]
    updated_ids: frozenset[str]
    ignored_headers: tuple[str, ...] = ()
    problems: tuple[str, ...] = field(default=())  # whole-file problems: nothing can be imported
    warnings: tuple[FieldWarning, ...] = ()
    duplicates: tuple[DuplicateId, ...] = ()  # ids on rows that differ, no row chosen yet
    repeats: tuple[tuple[int, int], ...] = ()  # (row, the earlier row it repeats exactly)
    kept: tuple[tuple[DuplicateId, int], ...] = ()  # ids on rows that differ, with the row chosen

    @property
    def rejected_rows(self) -> list[int]:
        return sorted({r.row for r in self.rejections})

    @property
    def can_import(self) -> bool:
        return not self.problems and bool(self.valid) and not self.duplicates

    def resolve(self, choices: ReadOnlyMapping[str, int]) -> ImportPreview:
        """The preview with a row chosen for ids on rows that differ (unique id -> row number):
        the chosen row is imported and the id's other rows, and their warnings, are left out."""
        by_id = {d.unique_id: d for d in self.duplicates}
        for uid in choices:
            if uid not in by_id:
                raise ValueError(f"The unique id '{uid}' is not on rows that differ.")
        valid = list(self.valid)
        new, updated = set(self.new_ids), set(self.updated_ids)
        kept = list(self.kept)
        unresolved: list[DuplicateId] = []
        set_aside: set[int] = set()
        for duplicate in self.duplicates:
            number = choices.get(duplicate.unique_id)
            if number is None:
                unresolved.append(duplicate)
                continue
            chosen = next((r for r in duplicate.rows if r.number == number), None)
            if chosen is None:
                raise ValueError(
                    f"Row {number} does not hold the unique id '{duplicate.unique_id}' (rows "
                    f"{_and(map(str, duplicate.row_numbers))} do)."
                )
            valid.append((chosen.number, _stored(chosen.values)))
            (updated if duplicate.on_register else new).add(duplicate.unique_id)
            set_aside |= {n for n in duplicate.row_numbers if n != number}
            kept.append((duplicate, number))
        return replace(
            self,
            valid=tuple(sorted(valid, key=lambda v: v[0])),
            new_ids=frozenset(new),
            updated_ids=frozenset(updated),
            warnings=tuple(w for w in self.warnings if w.row not in set_aside),
            duplicates=tuple(unresolved),
            kept=tuple(kept),
        )

    def keep(self, which: str) -> ImportPreview:
        """Every id on rows that differ resolved to its first or its last row."""
        if which not in ("first", "last"):
            raise ValueError(f"Keep the 'first' or the 'last' row, not '{which}'.")
        index = 0 if which == "first" else -1
        return self.resolve({d.unique_id: d.rows[index].number for d in self.duplicates})

    def people_warned(self, kind: str | None = None) -> frozenset[str]:
        """The ids of the people to be imported with a warning (of one kind, if given), counting
        a warning on a row that repeats theirs."""
        person = {number: values["unique_id"] for number, values in self.valid}
        for repeat, earlier in self.repeats:
            if earlier in person:
                person[repeat] = person[earlier]
        return frozenset(
            person[w.row]
            for w in self.warnings
            if w.row in person and (kind is None or w.kind == kind)
        )

    def summary(self) -> str:
        """What the import will do, in words, for the preview dialog and the command line."""
        if self.problems:
            return "Nothing can be imported until this is fixed: " + " ".join(self.problems)
        if not self.rows_read:
            return "The list has no rows below its header, so there is no one to import."
        added, updated = len(self.new_ids), len(self.updated_ids)
        if added and updated:
            people = f"{_count(added, 'person', 'people')} will be added and {updated} updated"
        elif added or updated:
            people = f"{_count(added or updated, 'person', 'people')} will be " + (
                "added" if added else "updated"
            )
        else:
            people = "No one will be added or updated"
        if updated:
            people += " (matched by unique id: their contacts and completions are kept)"
        sentences = [people + "."]

        blank = self.people_warned(LEFT_BLANK)
        if blank:
            held = " or as held" if blank & self.updated_ids else ""
            sentences.append(
                f"{len(blank)} of them {_has(len(blank))} a detail left blank{held} "
                "(see the warnings)."
            )
        landline, other = self.people_warned(LANDLINE), self.people_warned(NOT_MOBILE)
        if landline or other:
            n = len(landline | other)
            what = "a landline" + (" or another number that is not a mobile" if other else "")
            sentences.append(
                f"{n} of them {_has(n)} {what}: kept for calls, but it cannot take texts."
            )
        no_reason = self.people_warned(NO_DNC_REASON)
        if no_reason:
            sentences.append(
                f"{len(no_reason)} of them {'is' if len(no_reason) == 1 else 'are'} marked do "
                "not contact with no reason given (see the warnings)."
            )

        if len(self.repeats) <= 3:
            sentences += [f"Row {r} repeats row {e}: imported once." for r, e in self.repeats]
        else:
            sentences.append(
                f"{len(self.repeats)} rows repeat an earlier row with the same id and details: "
                "each person is imported once."
            )
        if len(self.kept) <= 3:
            for duplicate, number in self.kept:
                others = [str(n) for n in duplicate.row_numbers if n != number]
                sentences.append(
                    f"For the id {duplicate.unique_id}, row {number} is kept and "
                    f"{'row' if len(others) == 1 else 'rows'} {_and(others)} left out."
                )
        else:
            sentences.append(
                f"{len(self.kept)} ids are on rows that differ: the row chosen for each is kept "
                "and the others left out."
            )

        refused = self.rejected_rows
        if refused:
            no_id = len({r.row for r in self.rejections if r.reason == NO_ID})
            shortened = len(refused) - no_id
            if not shortened:
                why = "it has no unique id" if no_id == 1 else "they have no unique id"
            elif not no_id:
                why = (
                    "Excel shortened its id, so the digits are lost"
                    if shortened == 1
                    else "Excel shortened their ids, so the digits are lost"
                )
            else:
                why = (
                    f"{no_id} with no unique id and {shortened} with an id Excel shortened, so "
                    "the digits are lost"
                )
            sentences.append(
                f"{_count(len(refused), 'row')} {'is' if len(refused) == 1 else 'are'} left "
                f"out: {why}."
            )
        if self.duplicates:
            n = len(self.duplicates)
            where = "two rows" if n == 1 and len(self.duplicates[0].rows) == 2 else "rows"
            sentences.append(
                f"{_count(n, 'id')} {'is' if n == 1 else 'are'} on {where} that differ: "
                + ("choose which to keep." if n == 1 else "choose which row to keep for each.")
            )
        return " ".join(sentences)


def _count(n: int, one: str, many: str | None = None) -> str:
    return f"{n} {one if n == 1 else many or one + 's'}"


def _has(n: int) -> str:
    return "has" if n == 1 else "have"


def _and(items: Iterable[str]) -> str:
    """a, b and c"""
    listed = list(items)
    return ", ".join(listed[:-1]) + " and " + listed[-1] if len(listed) > 1 else "".join(listed)


@dataclass(frozen=True)
class ImportResult:
    added: int
    updated: int
    skipped_rows: int  # rows refused: they name no one
    warned: int = 0  # people imported with a detail left blank, a landline or a default reason


def mapping_problems(mapping: Mapping, headers: tuple[str, ...]) -> list[str]:
    problems = []
    for target in TARGETS:
        if target.required and not mapping.get(target.key):
            problems.append(
                f"No column is mapped to '{target.label}' (it is required; Annex A calls it "
                f"'{target.headers[0]}'). Columns found: {', '.join(h for h in headers if h)}."
            )
    for key, header in mapping.items():
        if key not in TARGET_BY_KEY:
            problems.append(f"'{key}' is not a register field.")
        elif header and header not in headers:
            problems.append(
                f"The file has no column '{header}' (mapped to {TARGET_BY_KEY[key].label})."
            )
    used = [h for h in mapping.values() if h]
    for header in sorted({h for h in used if used.count(h) > 1}):
        problems.append(f"The column '{header}' is mapped to more than one field.")
    if mapping.get("name") and (mapping.get("first_name") or mapping.get("surname")):
        problems.append("Map either 'Name' or 'First name' and 'Surname', not both.")
    return problems


# What a blank cell stands for when a new person is added (an update leaves the field alone).
BLANK: dict[str, Any] = {n: "" for n in FIELD_NAMES} | {k: False for k in BOOLEAN_KEYS}
BLANK["date_of_birth"] = None
DEFAULT_DNC_REASON = "Marked do not contact in the imported list"
# Contact details and dates that lists write as "n/k" or "-": the same as a blank cell.
NOT_KNOWN_ALLOWED = {"date_of_birth", "phone", "email"}


def _read_cell(key: str, text: str, today: date) -> Any:
    """The cell's value, None for "not known", or ValueError saying why it cannot be read."""
    if key in NOT_KNOWN_ALLOWED and not_known(text):
        return None
    if key == "date_of_birth":
        return parse_birth_date(text, today)
    if key == "phone":
        # A landline is kept: the person can still be called (the preview warns it takes no texts).
        return uk_phone(text)
    if key == "email":
        return email_address(text)
    if key == "preferred_channel":
        return parse_channel(text)
    if key in BOOLEAN_KEYS:
        return yes_no(text)
    return tidy(text)


def _read_row(
    row: Row, uid: str, mapping: Mapping, today: date, held_reason: str | None
) -> tuple[dict[str, Any], list[FieldWarning]]:
    """A row's fields as read, and a warning for each cell that cannot be used as written.
    `held_reason` is the do-not-contact reason on the register, None for someone new."""
    values: dict[str, Any] = {"unique_id": uid}
    warnings: list[FieldWarning] = []
    on_register = held_reason is not None
    for key, header in mapping.items():
        text = row.get(header)
        if key == "unique_id" or not text.strip().lstrip("'").strip():
            continue  # blank: nothing to store (an update keeps what is held)
        try:
            value = _read_cell(key, text, today)
        except ValueError as exc:
            if on_register:
                instead = "left as it is on the register"
            elif key in BOOLEAN_KEYS:
                instead = "left blank (taken as no)"
            else:
                instead = "left blank"
            warnings.append(FieldWarning(row.number, header, f"{exc}; {instead}"))
            continue
        if value is None:
            continue
        if key == "phone" and not takes_texts(value):
            landline = is_landline(value)
            warnings.append(
                FieldWarning(
                    row.number,
                    header,
                    f"'{value}' is {'a landline' if landline else 'not a mobile number'}: kept "
                    "for calls; it cannot take texts",
                    LANDLINE if landline else NOT_MOBILE,
                )
            )
        values[key] = value
    if values.get("do_not_contact") and not values.get("do_not_contact_reason"):
        # The flag matters more than the missing reason: keep it, and say where it came from.
        instead = (
            "the reason on the register is kept"
            if held_reason
            else f"recorded as '{DEFAULT_DNC_REASON}'"
        )
        reason_header = mapping.get("do_not_contact_reason")
        warnings.append(
            FieldWarning(
                row.number,
                reason_header or mapping["do_not_contact"],
                "do not contact is set but "
                + ("no reason is given" if reason_header else "the list has no reason column")
                + f"; {instead}",
                NO_DNC_REASON,
            )
        )
    return values, warnings


def _stored(read: ReadOnlyMapping[str, Any]) -> dict[str, Any]:
    """The fields an import stores for a row read: names joined, a cleared flag's reason gone."""
    values = dict(read)
    if values.get("do_not_contact") is False:
        values["do_not_contact_reason"] = ""  # no longer do-not-contact: no reason to keep
    first = values.pop("first_name", None)
    last = values.pop("surname", None)
    if first or last:
        values["name"] = " ".join(p for p in (first, last) if p)
    return values


def preview_import(
    session: Session, table: Table, mapping: Mapping | None = None, today: date | None = None
) -> ImportPreview:
    """Check every row against the mapping (guessed if not given) and say what an import would do.
    Changes nothing."""
    today = today or clock.today()
    mapping = {k: v for k, v in (mapping or guess_mapping(table.headers)).items() if v}
    problems = mapping_problems(mapping, table.headers)
    ignored = tuple(h for h in table.headers if h and h not in mapping.values())
    if problems:
        return ImportPreview(
            table.source,
            table.headers,
            mapping,
            len(table.rows),
            (),
            (),
            frozenset(),
            frozenset(),
            ignored,
            tuple(problems),
        )
    id_header = mapping["unique_id"]
    held = {
        uid: reason
        for uid, reason in session.execute(
            select(CareLeaver.unique_id, CareLeaver.do_not_contact_reason)
        ).tuples()
    }
    rejections: list[Rejection] = []
    warnings: list[FieldWarning] = []
    rows_by_id: dict[str, list[SourceRow]] = defaultdict(list)
    for row in table.rows:
        uid = tidy(row.get(id_header).lstrip("'"))
        if not uid:
            rejections.append(Rejection(row.number, id_header, NO_ID))
            continue
        if excel_shortened(uid):
            rejections.append(
                Rejection(
                    row.number,
                    id_header,
                    f"'{uid}' is a number Excel has shortened, so the id is lost; format the "
                    "column as text in the case system's export and save the list again",
                )
            )
            continue
        values, row_warnings = _read_row(row, uid, mapping, today, held.get(uid))
        warnings += row_warnings
        rows_by_id[uid].append(SourceRow(row.number, row.cells, values))

    position = {header: index for index, header in enumerate(table.headers)}
    valid: list[tuple[int, dict[str, Any]]] = []
    duplicates: list[DuplicateId] = []
    repeats: list[tuple[int, int]] = []
    for uid, rows in rows_by_id.items():
        first = rows[0]
        differing = [
            header
            for key, header in mapping.items()
            if len(rows) > 1 and len({repr(r.values.get(key)) for r in rows}) > 1
        ]
        if not differing:
            valid.append((first.number, _stored(first.values)))
            repeats += [(r.number, first.number) for r in rows[1:]]
        else:
            differing.sort(key=position.__getitem__)
            duplicates.append(DuplicateId(uid, tuple(rows), tuple(differing), uid in held))

    ids = {v["unique_id"] for _, v in valid}
    return ImportPreview(
        source=table.source,
        headers=table.headers,
        mapping=mapping,
        rows_read=len(table.rows),
        valid=tuple(sorted(valid, key=lambda v: v[0])),
        rejections=tuple(rejections),
        new_ids=frozenset(ids - held.keys()),
        updated_ids=frozenset(ids & held.keys()),
        ignored_headers=ignored,
        warnings=tuple(sorted(warnings, key=lambda w: (w.row, position[w.column]))),
        duplicates=tuple(duplicates),
        repeats=tuple(sorted(repeats)),
    )


def apply_import(
    session: Session,
    preview: ImportPreview,
    *,
    skip_invalid: bool = False,
    progress: Callable[[int, int], None] | None = None,
) -> ImportResult:
    """Store the preview's people in the caller's transaction. Stores nothing while an id is on
    rows that differ (see ImportPreview.resolve), nor, with any refused row, unless
    `skip_invalid` says the person has seen the refused rows."""
    if preview.problems:
        raise ValueError(" ".join(preview.problems))
    if preview.duplicates:
        raise DuplicatesUnresolved(preview)
    if preview.rejections and not skip_invalid:
        raise ImportRejected(preview)
    stamp = clock.now()
    existing = {
        uid: (row_id, reason)
        for uid, row_id, reason in session.execute(
            select(CareLeaver.unique_id, CareLeaver.id, CareLeaver.do_not_contact_reason)
        ).tuples()
    }
    fresh: list[dict[str, Any]] = []
    # Updates grouped by the fields they set: an executemany needs the same keys in every row.
    changes: dict[tuple[str, ...], list[dict[str, Any]]] = defaultdict(list)
    for _, values in preview.valid:
        known = existing.get(values["unique_id"])
        if known is None:
            row = BLANK | values
            if row["do_not_contact"] and not row["do_not_contact_reason"]:
                # A flag with no reason (no column, or a blank cell): say where it came from.
                row["do_not_contact_reason"] = DEFAULT_DNC_REASON
            fresh.append(row | {"updated_at": stamp})
        else:
            row_id, reason = known
            row = dict(values)
            if row.get("do_not_contact") and not row.get("do_not_contact_reason"):
                row["do_not_contact_reason"] = reason or DEFAULT_DNC_REASON  # keep the one held
            row |= {"id": row_id, "updated_at": stamp}
            changes[tuple(sorted(row))].append(row)
    batches: list[tuple[list[dict[str, Any]], Any]] = [(fresh, insert(CareLeaver))]
    batches += [(rows, update(CareLeaver)) for rows in changes.values()]
    total = sum(len(rows) for rows, _ in batches)
    chunk = 2000
    done = 0
    for rows, statement in batches:
        for start in range(0, len(rows), chunk):
            session.execute(statement, rows[start : start + chunk])
            done += len(rows[start : start + chunk])
            if progress:
                progress(done, total)
    session.flush()
    return ImportResult(
        len(fresh), total - len(fresh), len(preview.rejected_rows), len(preview.people_warned())
    )


def workbook_sheets(path: Path) -> list[str]:
    """The sheets of an xlsx workbook, in order ([] for a csv file)."""
    path = Path(path)
    if path.suffix.lower() not in {".xlsx", ".xlsm"}:
        return []
    from openpyxl import load_workbook

    try:
        book = load_workbook(path, read_only=True)
    except Exception as exc:  # openpyxl raises many types for a damaged file
        raise TableError(f"{path.name}: cannot be read as an Excel workbook ({exc}).") from exc
    try:
        return list(book.sheetnames)
    finally:
        book.close()


def likeliest_sheet(path: Path) -> str | None:
    """The sheet of a workbook that looks most like a care-leaver list: it has a unique id
    column and the most recognised headers; a sheet named for care leavers wins a tie."""
    path = Path(path)
    if path.suffix.lower() not in {".xlsx", ".xlsm"}:
        return None
    from openpyxl import load_workbook

    try:
        book = load_workbook(path, read_only=True, data_only=True)
    except Exception as exc:  # openpyxl raises many types for a damaged file
        raise TableError(f"{path.name}: cannot be read as an Excel workbook ({exc}).") from exc
    try:
        best: tuple[int, int, str] | None = None
        for order, sheet in enumerate(book.worksheets):
            top = [
                [cell_text(v) for v in row]
                for row in sheet.iter_rows(max_row=HEADER_SEARCH_ROWS, values_only=True)
            ]
            header = top[header_row_index(top, is_register_header)] if top else []
            if not is_register_header(header):
                continue
            mapping = guess_mapping(header)
            score = len(mapping) + (1 if "leaver" in sheet.title.lower() else 0)
            if best is None or (score, -order) > (best[0], best[1]):
                best = (score, -order, sheet.title)
        return best[2] if best else None
    finally:
        book.close()


def is_register_header(cells: list[str]) -> bool:
    """The header row names a unique id column; a title or note above it does not."""
    return "unique_id" in guess_mapping(cells)


def read_register_file(path: Path, sheet: str | None = None) -> Table:
    """The list as text cells: the named sheet, else the likeliest sheet of a workbook; the header
    is the first row naming a unique id column (a title block above it is skipped)."""
    path = Path(path)
    if sheet is None and path.is_file():
        sheet = likeliest_sheet(path)
    return read_table(path, sheet, is_header=is_register_header)
