"""The columns of a care-leaver list: which field each header feeds (recognised from Ofsted's Annex A
and common headers), and finding the list in a workbook.

A workbook may hold several lists (Ofsted's Annex A has one sheet per list, each with a Child
Unique ID column); without a sheet named, the one whose headers look most like a care-leaver list
is read; the header is the first row naming a unique id column (a title block above it is skipped).
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path

from nbdesk.common.tabular import (
    DEFAULT_LIMITS,
    HEADER_SEARCH_ROWS,
    Table,
    TableError,
    cell_text,
    check_size,
    header_row_index,
    read_table,
    unreadable_workbook,
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


def workbook_sheets(path: Path) -> list[str]:
    """The sheets of an xlsx workbook, in order ([] for a csv file)."""
    path = Path(path)
    if path.suffix.lower() not in {".xlsx", ".xlsm"}:
        return []
    from openpyxl import load_workbook

    try:
        book = load_workbook(path, read_only=True)
    except Exception as exc:  # openpyxl raises many types for a damaged file
        raise TableError(unreadable_workbook(path)) from exc
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
        raise TableError(unreadable_workbook(path)) from exc
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
        check_size(path, DEFAULT_LIMITS.file_bytes)  # before any sheet of it is opened
        sheet = likeliest_sheet(path)
    return read_table(path, sheet, is_header=is_register_header)
