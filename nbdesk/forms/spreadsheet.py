"""A framework from a spreadsheet with the columns Area, Area title, Item, Statement.

Every row is checked before the file is refused, and each fault names its row and column as the
spreadsheet program shows them, so one pass through the sheet fixes everything.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

from nbdesk.common import clock
from nbdesk.common.tabular import Limits, TableError, read_table
from nbdesk.forms.framework import (
    MAX_AREAS,
    MAX_CHARS,
    MAX_FILE_BYTES,
    MAX_STATEMENTS,
    MAX_STATEMENTS_PER_AREA,
    AreaDef,
    FrameworkDef,
    FrameworkError,
    FrameworkFault,
    StatementDef,
    letter_for,
    position_of,
)

COLUMNS = ["Area", "Area title", "Item", "Statement"]
SPREADSHEET_SUFFIXES = (".xlsx", ".xlsm", ".csv")
FRAMEWORK_SUFFIXES = (".toml", *SPREADSHEET_SUFFIXES)


@dataclass
class _Area:
    title: str
    title_row: int
    items: dict[str, tuple[int, str]] = field(default_factory=dict)  # letter: (row, text)


def load_framework_spreadsheet(
    path: Path, name: str | None = None, version: str | None = None
) -> FrameworkDef:
    path = Path(path)
    try:
        table = read_table(path, limits=Limits(file_bytes=MAX_FILE_BYTES, rows=MAX_STATEMENTS))
    except TableError as exc:
        raise FrameworkError(str(exc)) from exc
    where = table.source
    faults: list[FrameworkFault] = []

    def fault(problem: str, row: int | None = None, column: str = "") -> None:
        faults.append(FrameworkFault(where, problem, row=row, column=column))

    present = set(table.headers)
    found = ", ".join(repr(h) for h in table.headers if h) or "none"
    for column in COLUMNS:
        if column not in present:
            fault(
                f"no such column in the header row (columns found: {found}).",
                table.header_row,
                column,
            )

    by_area: dict[int, _Area] = {}
    # A row that could not be placed (no area number, or no letter) makes a gap in the areas or
    # items a guess: that row may be the one "missing". Gaps are reported only without such rows.
    unplaced_area = "Area" not in present
    unplaced_items: set[int] = set()
    for row in table.rows:
        area: int | None = None
        if "Area" in present:
            area_text = row.get("Area")
            numeric = area_text.isascii() and area_text.isdecimal()
            if numeric and len(area_text) <= 3 and 1 <= int(area_text) <= MAX_AREAS:
                area = int(area_text)
            else:
                found = f"found '{area_text[:20]}{'…' if len(area_text) > 20 else ''}'"
                fault(
                    f"areas are numbered from 1 to {MAX_AREAS}, {found}."
                    if numeric
                    else f"expected an area number, {found}.",
                    row.number,
                    "Area",
                )
                unplaced_area = True
        title = row.get("Area title")
        raw_letter = row.get("Item")
        letter = raw_letter.lower()
        text = row.get("Statement")
        for column, value in (("Area title", title), ("Item", letter), ("Statement", text)):
            if column in present and not value:
                fault("is empty.", row.number, column)
        for column, value in (("Area title", title), ("Statement", text)):
            most = MAX_CHARS["title" if column == "Area title" else "text"]
            if len(value) > most:
                fault(
                    f"has {len(value):,} characters; at most {most:,} are kept.", row.number, column
                )
        position = position_of(letter) if letter else None
        letter_ok = position is not None and position <= MAX_STATEMENTS_PER_AREA
        if letter and not letter_ok:
            fault(
                f"expected a letter (a, b, c … up to {letter_for(MAX_STATEMENTS_PER_AREA)}), "
                f"found '{raw_letter[:20]}'.",
                row.number,
                "Item",
            )
        if area is None:
            continue
        known = by_area.setdefault(area, _Area(title, row.number))
        if title and not known.title:
            known.title, known.title_row = title, row.number
        elif title and title != known.title:
            fault(
                f"area {area} is called '{known.title}' on row {known.title_row} and '{title}' here.",
                row.number,
                "Area title",
            )
        if not letter_ok:
            if "Item" in present:
                unplaced_items.add(area)
            continue
        if letter in known.items:
            fault(
                f"{area} / {letter.upper()} is already on row {known.items[letter][0]}.",
                row.number,
                "Item",
            )
            continue
        known.items[letter] = (row.number, text)

    if not table.rows:
        fault("has a header row but no statements.")
    if not unplaced_area and by_area:
        for number in range(1, max(by_area) + 1):
            if number not in by_area:
                fault(f"there is no area {number}; areas run 1, 2, 3 … with no gap.", column="Area")
    if "Item" in present and not unplaced_area:
        for number, known in sorted(by_area.items()):
            if number in unplaced_items:
                continue
            have = {position_of(letter) or 0 for letter in known.items}
            for position in range(1, max(have, default=0) + 1):
                if position not in have:
                    fault(
                        f"area {number} has no item '{letter_for(position)}'; items must run a, "
                        "b, c … with no gap.",
                        column="Item",
                    )
    if faults:
        raise FrameworkError.of(faults)

    areas: list[AreaDef] = []
    for number, known in sorted(by_area.items()):
        statements = tuple(
            StatementDef(number, letter, " ".join(text.split()))
            for letter, (_row, text) in sorted(
                known.items.items(), key=lambda item: position_of(item[0]) or 0
            )
        )
        areas.append(AreaDef(number, known.title, statements))
    name = (name if name is not None else path.stem).strip()
    version = (version if version is not None else clock.today().isoformat()).strip()
    if not name or not version:
        raise FrameworkError(
            f"{path.name}: the framework needs a name and a version that are not blank."
        )
    return FrameworkDef(
        name=name,
        version=version,
        areas=tuple(areas),
        source=str(path),
    )


def names_itself(path: Path) -> bool:
    """A TOML file carries its own name and version; a spreadsheet is given them."""
    return Path(path).suffix.lower() == ".toml"


def load_any_framework(
    path: Path, name: str | None = None, version: str | None = None
) -> FrameworkDef:
    """The TOML format, or a spreadsheet, chosen by the file's ending."""
    from nbdesk.forms.framework import load_framework_file

    suffix = Path(path).suffix.lower()
    if names_itself(path):
        if name or version:
            raise FrameworkError(
                "--name and --version apply to spreadsheets; a TOML file names itself."
            )
        return load_framework_file(path)
    if suffix in SPREADSHEET_SUFFIXES:
        return load_framework_spreadsheet(path, name, version)
    raise FrameworkError(
        f"{Path(path).name}: a framework is a .toml file or an .xlsx / .csv spreadsheet."
    )
