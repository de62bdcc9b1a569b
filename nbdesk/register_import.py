"""Filling the register from a spreadsheet: Ofsted's Annex A care-leaver list or a plain list.

Every cell is read as text (nbdesk.tabular) and checked here, so what a council's export contains
(dates in several formats or as Excel serial numbers, numbers stored as text, stray spaces, blank
rows) is either understood or reported with its row, column and reason. The import is all or
nothing: `preview_import` finds every problem without changing anything, and `apply_import` either
stores every valid row in the caller's transaction or, if any row was rejected and the caller has
not said the rejections were seen, raises and stores nothing.

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
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path
from typing import Any

from sqlalchemy import insert, select, update
from sqlalchemy.orm import Session

from nbdesk.common import clock
from nbdesk.register import FIELD_NAMES, parse_channel
from nbdesk.storage.models.survey import CareLeaver
from nbdesk.tabular import (
    HEADER_SEARCH_ROWS,
    Table,
    TableError,
    cell_text,
    header_row_index,
    read_table,
)
from nbdesk.validation import (
    email_address,
    excel_shortened,
    now_for_records,
    parse_birth_date,
    tidy,
    uk_mobile,
    yes_no,
)


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
        "Mobile number",
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
    """Rows were rejected and the import was not told to skip them: nothing was stored."""

    def __init__(self, preview: ImportPreview) -> None:
        super().__init__(
            f"{len(preview.rejections)} problem(s) in {len(preview.rejected_rows)} row(s); "
            "nothing was imported."
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


@dataclass(frozen=True)
class Rejection:
    row: int  # as the spreadsheet shows it
    column: str  # the file's header, or "" for the whole row
    reason: str

    def text(self) -> str:
        where = f"row {self.row}" + (f", column '{self.column}'" if self.column else "")
        return f"{where}: {self.reason}"


@dataclass(frozen=True)
class ImportPreview:
    source: str
    headers: tuple[str, ...]
    mapping: Mapping
    rows_read: int
    valid: tuple[tuple[int, dict[str, Any]], ...]  # (row number, field values) of good rows
    rejections: tuple[Rejection, ...]
    new_ids: frozenset[str]
    updated_ids: frozenset[str]
    ignored_headers: tuple[str, ...] = ()
    problems: tuple[str, ...] = field(default=())  # whole-file problems: nothing can be imported

    @property
    def rejected_rows(self) -> list[int]:
        return sorted({r.row for r in self.rejections})

    @property
    def can_import(self) -> bool:
        return not self.problems and bool(self.valid)


@dataclass(frozen=True)
class ImportResult:
    added: int
    updated: int
    skipped_rows: int


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


def _read_cell(key: str, text: str, today: date) -> Any:
    if key == "date_of_birth":
        return parse_birth_date(text, today)
    if key == "phone":
        return uk_mobile(text)
    if key == "email":
        return email_address(text)
    if key == "preferred_channel":
        return parse_channel(text)
    if key in BOOLEAN_KEYS:
        return yes_no(text)
    if key == "unique_id":
        value = tidy(text.lstrip("'"))
        if excel_shortened(value):
            raise ValueError(
                f"'{value}' is a number Excel has shortened, so the id is lost; format the "
                "column as text in the case system's export and save the list again"
            )
        return value
    return tidy(text)


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
    rows_by_id: dict[str, list[int]] = defaultdict(list)
    for row in table.rows:
        uid = tidy(row.get(id_header).lstrip("'"))
        if uid:
            rows_by_id[uid].append(row.number)

    rejections: list[Rejection] = []
    valid: list[tuple[int, dict[str, Any]]] = []
    for row in table.rows:
        values: dict[str, Any] = {}
        bad = False
        for key, header in mapping.items():
            text = row.get(header)
            if not text.strip().lstrip("'").strip():
                continue  # blank: nothing to store (an update keeps what is held)
            try:
                values[key] = _read_cell(key, text, today)
            except ValueError as exc:
                rejections.append(Rejection(row.number, header, str(exc)))
                bad = True
        uid = values.get("unique_id", "")
        if not uid and not any(r.row == row.number and r.column == id_header for r in rejections):
            rejections.append(Rejection(row.number, id_header, "has no unique id"))
            bad = True
        elif len(rows_by_id.get(uid, [])) > 1:
            others = [n for n in rows_by_id[uid] if n != row.number]
            rejections.append(
                Rejection(
                    row.number,
                    id_header,
                    f"the unique id '{uid}' is also on row{'s' if len(others) > 1 else ''} "
                    + ", ".join(map(str, others)),
                )
            )
            bad = True
        if values.get("do_not_contact") and "do_not_contact_reason" in mapping:
            if not values.get("do_not_contact_reason"):
                rejections.append(
                    Rejection(
                        row.number,
                        mapping["do_not_contact_reason"],
                        "do not contact is set but no reason is given",
                    )
                )
                bad = True
        elif values.get("do_not_contact") is False:
            values["do_not_contact_reason"] = ""  # no longer do-not-contact: no reason to keep
        if not bad:
            valid.append((row.number, _combine_names(values)))

    existing = set(session.scalars(select(CareLeaver.unique_id)))
    ids = {v["unique_id"] for _, v in valid}
    return ImportPreview(
        source=table.source,
        headers=table.headers,
        mapping=mapping,
        rows_read=len(table.rows),
        valid=tuple(valid),
        rejections=tuple(rejections),
        new_ids=frozenset(ids - existing),
        updated_ids=frozenset(ids & existing),
        ignored_headers=ignored,
    )


def _combine_names(values: dict[str, Any]) -> dict[str, Any]:
    first = values.pop("first_name", None)
    last = values.pop("surname", None)
    if first or last:
        values["name"] = " ".join(p for p in (first, last) if p)
    return values


def apply_import(
    session: Session,
    preview: ImportPreview,
    *,
    skip_invalid: bool = False,
    progress: Callable[[int, int], None] | None = None,
) -> ImportResult:
    """Store the preview's valid rows in the caller's transaction. With any rejection, stores
    nothing unless `skip_invalid` says the person has seen the rejected rows."""
    if preview.problems:
        raise ValueError(" ".join(preview.problems))
    if preview.rejections and not skip_invalid:
        raise ImportRejected(preview)
    stamp = now_for_records()
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
                # A flag with no reason column: say where it came from, never leave it unexplained.
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
    return ImportResult(len(fresh), total - len(fresh), len(preview.rejected_rows))


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
