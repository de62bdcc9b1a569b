"""The Ratings workbook working groups fill in: writing a blank (or filled) one, and taking it back.

The exchange format is one workbook with a sheet named `Ratings` whose header row is exactly
`Area | Item | Statement | Rating | Evidence`. Rating accepts the points (1–4) or the labels, and a
blank is unrated. nbdesk adds a `How to fill in` sheet for people and an `About` sheet naming the
framework, which an import uses when no framework is given.

Reading checks every row before anything is written: a statement not in the framework, a bad
rating or a missing column is reported with its row and column, and nothing is imported.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, replace
from datetime import date
from pathlib import Path

from sqlalchemy.orm import Session

from nbdesk.common import clock
from nbdesk.common.atomic import write_atomically
from nbdesk.common.changes import NOTHING, Changes
from nbdesk.common.tabular import Limits, TableError, read_table
from nbdesk.forms.framework import MAX_STATEMENTS, FrameworkDef
from nbdesk.forms.store import framework_definition, newest_framework
from nbdesk.self_assessment.assessments import AssessmentDetail, create_assessment, load_assessment
from nbdesk.self_assessment.ratings import EVIDENCE, RATING, Change, set_evidence, set_rating

SHEET = "Ratings"
HEADERS = ("Area", "Item", "Statement", "Rating", "Evidence")
ABOUT_SHEET = "About"
HELP_SHEET = "How to fill in"


class RatingsImportError(ValueError):
    """A workbook that cannot be imported; `problems` lists every fault found, by row and column."""

    def __init__(self, source: str, problems: list[str]) -> None:
        self.source = source
        self.problems = problems
        shown = problems[:20]
        more = f"\n… and {len(problems) - len(shown)} more." if len(problems) > len(shown) else ""
        super().__init__(
            f"{source}: nothing was imported. "
            + ("\n" if len(problems) > 1 else "")
            + "\n".join(shown)
            + more
        )


@dataclass(frozen=True)
class SheetRating:
    row: int
    area: int
    letter: str
    points: int | None  # None: left blank, so the statement keeps whatever it had
    evidence: str


@dataclass(frozen=True)
class RatingsSheet:
    source: str
    framework_name: str  # from the About sheet, "" if absent
    framework_version: str
    rows: tuple[SheetRating, ...]


@dataclass(frozen=True)
class PlannedChange:
    reference: str
    text: str
    old: int | None
    new: int | None
    old_label: str
    new_label: str


@dataclass(frozen=True)
class ImportPlan:
    """What filling an assessment from a sheet would do; `overwrites` is what to ask about."""

    assessment_id: int
    ratings: int  # statements that would get a rating they do not have now
    evidence: int  # statements whose evidence note would change
    overwrites: tuple[PlannedChange, ...]  # statements whose existing rating would change


@dataclass(frozen=True)
class ImportResult:
    assessment_id: int
    ratings_changed: int
    evidence_changed: int
    records: tuple[Change, ...]  # each change as recorded in the history
    created: bool = False  # the assessment was made by this import

    @property
    def changes(self) -> Changes:
        made = Changes(assessment_list=self.created, assessments=frozenset({self.assessment_id}))
        return made if (self.records or self.created) else NOTHING


# Writing -------------------------------------------------------------------------------------


def write_ratings_workbook(
    session: Session,
    path: Path,
    *,
    assessment_id: int | None = None,
    framework_id: int | None = None,
    with_ratings: bool = True,
) -> tuple[Path, FrameworkDef, AssessmentDetail | None]:
    """The Ratings workbook working groups fill in: an assessment's framework (with its ratings
    and evidence if `with_ratings`), else the framework asked for, else the newest loaded. Returns
    the file, the framework and the assessment whose ratings it holds (None for a blank one)."""
    detail = None
    if assessment_id is not None:
        detail = load_assessment(session, assessment_id)
        framework = detail.framework
    else:
        framework = framework_definition(session, framework_id or newest_framework(session))
    filled = detail if with_ratings else None
    return write_template(path, framework, filled), framework, filled


def write_template(
    path: Path, framework: FrameworkDef, detail: AssessmentDetail | None = None
) -> Path:
    """Write the workbook for `framework`; with `detail`, filled with that assessment's ratings."""
    from openpyxl import Workbook
    from openpyxl.styles import Alignment, Font, PatternFill
    from openpyxl.worksheet.datavalidation import DataValidation

    from nbdesk.common.xlsx_text import text_row

    path = Path(path)
    current: dict[tuple[int, str], tuple[int | None, str]] = {}
    if detail is not None:
        current = {(s.area_number, s.letter): (s.points, s.evidence) for s in detail.statements()}
    book = Workbook()
    sheet = book.active
    sheet.title = SHEET
    sheet.append(list(HEADERS))
    for cell in sheet[1]:
        cell.font = Font(bold=True)
        cell.fill = PatternFill("solid", fgColor="DDE6F0")
    for area in framework.areas:
        for st in area.statements:
            points, evidence = current.get((area.number, st.letter), (None, ""))
            sheet.append(
                text_row(
                    sheet,
                    [
                        area.number,
                        st.letter,
                        st.text,
                        framework.label_for(points) if points else "",
                        evidence,
                    ],
                )
            )
    last = sheet.max_row
    labels = ",".join(p.label for p in framework.scale)
    check = DataValidation(
        type="list",
        formula1=f'"{labels}"',
        allow_blank=True,
        showErrorMessage=False,  # numbers 1–4 are accepted too, so typing one must not be refused
        promptTitle="Rating",
        prompt="Choose a rating, or type " + ", ".join(str(p.points) for p in framework.scale),
    )
    sheet.add_data_validation(check)
    check.add(f"D2:D{last}")
    for column, width in zip("ABCDE", (7, 7, 80, 22, 60), strict=True):
        sheet.column_dimensions[column].width = width
    for row in sheet.iter_rows(min_row=2, min_col=3, max_col=5):
        for cell in row:
            cell.alignment = Alignment(wrap_text=True, vertical="top")
    sheet.freeze_panes = "C2"

    about = book.create_sheet(ABOUT_SHEET)
    about.append(["Framework", framework.name])
    about.append(["Version", framework.version])
    if detail is not None:
        about.append(["Assessment", detail.summary.name])
    about.append(["Written by nbdesk on", clock.today().isoformat()])
    about.column_dimensions["A"].width = 22
    about.column_dimensions["B"].width = 60

    help_sheet = book.create_sheet(HELP_SHEET, 1)
    lines = [
        "How to fill in the Ratings sheet",
        "",
        "Each row is one statement: its area number, its letter (Item) and its text.",
        "In the Rating column choose one of the ratings, or type its number:",
        *[f"    {p.points} = {p.label}" for p in framework.scale],
        "Leave Rating blank for a statement your group has not agreed yet.",
        "Write what the rating is based on in the Evidence column: comments, actions, links.",
        "",
        "Do not change the Area, Item or Statement columns or the sheet's name: nbdesk matches "
        "each row to the framework by them, and refuses a sheet it cannot match.",
        "You may delete the rows of areas your group is not rating.",
    ]
    for line in lines:
        help_sheet.append([line])
    help_sheet["A1"].font = Font(bold=True, size=14)
    help_sheet.column_dimensions["A"].width = 110
    write_atomically(path, book.save)
    return path


# Reading -------------------------------------------------------------------------------------

_LEADING_NUMBER = re.compile(r"^\s*(\d+)(?:\s*[-–:.)]\s*|\s+|$)(.*)$")


def parse_rating(text: str, framework: FrameworkDef) -> int | None:
    """Points for a cell: "3", "Mostly agree", "3 - Mostly agree"; None for blank. ValueError if bad."""
    cleaned = " ".join(text.split())
    if not cleaned:
        return None
    by_label = {p.label.casefold(): p.points for p in framework.scale}
    points = {p.points for p in framework.scale}
    if cleaned.casefold() in by_label:
        return by_label[cleaned.casefold()]
    match = _LEADING_NUMBER.match(cleaned)
    if match:
        number, rest = int(match.group(1)), match.group(2).strip()
        if number in points and (not rest or by_label.get(rest.casefold()) == number):
            return number
    choices = ", ".join(f"{p.points} or '{p.label}'" for p in framework.scale)
    raise ValueError(f"'{cleaned}' is not a rating (use {choices}, or leave it blank)")


def _area_number(text: str) -> int | None:
    match = re.match(r"^\s*(\d+)\b", text)
    return int(match.group(1)) if match else None


def _same_text(a: str, b: str) -> bool:
    def norm(s: str) -> str:
        return " ".join(s.replace("’", "'").replace("‘", "'").split()).casefold()

    return norm(a) == norm(b)


def read_ratings(path: Path, framework: FrameworkDef) -> RatingsSheet:
    """Read and check every row of the Ratings sheet against `framework`; raise if anything is wrong."""
    path = Path(path)
    # A sheet has a row per statement: more rows than any framework has statements is refused
    # as it is read. A formula with no saved result (blank when read) is refused by read_table.
    limits = Limits(rows=MAX_STATEMENTS)
    try:
        if path.suffix.lower() in {".xlsx", ".xlsm"}:
            table = read_table(path, SHEET, limits=limits)
        else:
            table = read_table(path, limits=limits)
    except TableError as exc:
        raise RatingsImportError(path.name, [str(exc)]) from exc
    source = table.source
    missing = [h for h in HEADERS if h not in table.headers]
    if missing:
        found = ", ".join(f"'{h}'" for h in table.headers if h) or "none"
        raise RatingsImportError(
            source,
            [
                "Row 1: the header row has no column "
                + ", ".join(f"'{m}'" for m in missing)
                + f" (expected exactly {' | '.join(HEADERS)}; found {found})."
            ],
        )
    statements = {(st.area, st.letter): st for area in framework.areas for st in area.statements}
    problems: list[str] = []
    seen: dict[tuple[int, str], int] = {}
    rows: list[SheetRating] = []
    for row in table.rows:
        where = f"Row {row.number}"
        area = _area_number(row.get("Area"))
        letter = row.get("Item").strip().lower()
        if area is None:
            problems.append(f"{where}, column Area: '{row.get('Area')}' is not an area number.")
            continue
        if not letter:
            problems.append(f"{where}, column Item: the statement's letter is missing.")
            continue
        key = (area, letter)
        statement = statements.get(key)
        reference = f"{area} / {letter.upper()}"
        if statement is None:
            problems.append(
                f"{where}, columns Area and Item: statement {reference} is not in "
                f"{framework.name} {framework.version}."
            )
            continue
        text = row.get("Statement")
        if text and not _same_text(text, statement.text):
            problems.append(
                f"{where}, column Statement: the text of {reference} does not match "
                f"{framework.name} {framework.version} (was the sheet made for another framework?)."
            )
            continue
        if key in seen:
            problems.append(f"{where}: statement {reference} is already on row {seen[key]}.")
            continue
        seen[key] = row.number
        try:
            points = parse_rating(row.get("Rating"), framework)
        except ValueError as exc:
            problems.append(f"{where}, column Rating: {exc}.")
            continue
        rows.append(SheetRating(row.number, area, letter, points, row.get("Evidence")))
    if problems:
        raise RatingsImportError(source, problems)
    if not rows:
        raise RatingsImportError(source, ["The Ratings sheet has no statement rows."])
    name, version = _about(path) if path.suffix.lower() in {".xlsx", ".xlsm"} else ("", "")
    return RatingsSheet(source, name, version, tuple(rows))


def _about(path: Path) -> tuple[str, str]:
    """Framework name and version from the About sheet nbdesk writes, if it is there."""
    try:
        table = read_table(path, ABOUT_SHEET)
    except TableError:
        return "", ""
    values = {table.headers[0]: table.headers[1] if len(table.headers) > 1 else ""}
    for row in table.rows:
        cells = list(row.cells.values())
        if len(cells) >= 2:
            values[cells[0]] = cells[1]
    return values.get("Framework", ""), values.get("Version", "")


def sheet_framework(path: Path) -> tuple[str, str]:
    """The framework a workbook says it was written for, ("", "") if it does not say."""
    if Path(path).suffix.lower() not in {".xlsx", ".xlsm"}:
        return "", ""
    return _about(Path(path))


# Applying ------------------------------------------------------------------------------------


def plan_import(detail: AssessmentDetail, sheet: RatingsSheet) -> ImportPlan:
    current = {(s.area_number, s.letter): s for s in detail.statements()}
    fw = detail.framework
    ratings = evidence = 0
    overwrites: list[PlannedChange] = []
    for row in sheet.rows:
        st = current[(row.area, row.letter)]
        if row.points is not None and row.points != st.points:
            if st.points is None:
                ratings += 1
            else:
                overwrites.append(
                    PlannedChange(
                        st.reference,
                        st.text,
                        st.points,
                        row.points,
                        fw.label_for(st.points),
                        fw.label_for(row.points),
                    )
                )
        if row.evidence and row.evidence != st.evidence:
            evidence += 1
    return ImportPlan(detail.summary.id, ratings, evidence, tuple(overwrites))


def apply_sheet(
    session: Session, assessment_id: int, sheet: RatingsSheet, sitting_id: int | None = None
) -> ImportResult:
    """Fill an assessment from a checked sheet. Blank cells leave what is there; each change is
    recorded in the history like a change made in the workshop."""
    detail = load_assessment(session, assessment_id)
    by_key = {(s.area_number, s.letter): s.statement_id for s in detail.statements()}
    valid = [p.points for p in detail.framework.scale]
    changes: list[Change] = []
    for row in sheet.rows:
        statement_id = by_key.get((row.area, row.letter))
        if statement_id is None:  # read_ratings was given another framework
            raise RatingsImportError(
                sheet.source,
                [
                    f"Row {row.row}: statement {row.area} / {row.letter.upper()} is "
                    "not in this assessment's framework."
                ],
            )
        if row.points is not None:
            change = set_rating(
                session, assessment_id, statement_id, row.points, sitting_id, valid_points=valid
            )
            if change:
                changes.append(change)
        if row.evidence:
            change = set_evidence(session, assessment_id, statement_id, row.evidence, sitting_id)
            if change:
                changes.append(change)
    return ImportResult(
        assessment_id,
        sum(1 for c in changes if c.field == RATING),
        sum(1 for c in changes if c.field == EVIDENCE),
        tuple(changes),
    )


def import_new(
    session: Session,
    sheet: RatingsSheet,
    *,
    name: str,
    framework_id: int,
    stage: str = "baseline",
    perspective: str = "staff",
    held_on: date | None = None,
) -> ImportResult:
    """Create an assessment from a checked sheet."""
    assessment_id = create_assessment(
        session,
        name,
        framework_id=framework_id,
        stage=stage,
        perspective=perspective,
        held_on=held_on,
    ).value
    return replace(apply_sheet(session, assessment_id, sheet), created=True)
