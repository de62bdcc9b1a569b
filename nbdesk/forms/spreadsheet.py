"""A framework from a spreadsheet with the columns Area, Area title, Item, Statement."""

from __future__ import annotations

from pathlib import Path

from nbdesk.common import clock
from nbdesk.forms.framework import (
    AreaDef,
    FrameworkDef,
    FrameworkError,
    StatementDef,
    letter_for,
)
from nbdesk.tabular import TableError, read_table

COLUMNS = ["Area", "Area title", "Item", "Statement"]


def load_framework_spreadsheet(
    path: Path, name: str | None = None, version: str | None = None
) -> FrameworkDef:
    path = Path(path)
    try:
        table = read_table(path)
        table.require(COLUMNS)
    except TableError as exc:
        raise FrameworkError(str(exc)) from exc
    where = table.source
    by_area: dict[int, tuple[str, dict[str, tuple[int, str]]]] = {}
    for row in table.rows:
        area_text = row.get("Area")
        if not (area_text.isascii() and area_text.isdecimal()) or int(area_text) < 1:
            raise FrameworkError(
                f"{where}: row {row.number}, column 'Area': expected an area number, "
                f"found '{area_text}'."
            )
        area = int(area_text)
        title = row.get("Area title")
        letter = row.get("Item").lower()
        text = row.get("Statement")
        for column, value in (("Area title", title), ("Item", letter), ("Statement", text)):
            if not value:
                raise FrameworkError(f"{where}: row {row.number}, column '{column}': is empty.")
        known_title, items = by_area.setdefault(area, (title, {}))
        if title != known_title:
            raise FrameworkError(
                f"{where}: row {row.number}, column 'Area title': area {area} is called "
                f"'{known_title}' on an earlier row and '{title}' here."
            )
        if letter in items:
            raise FrameworkError(
                f"{where}: row {row.number}, column 'Item': {area} / {letter.upper()} is already "
                f"on row {items[letter][0]}."
            )
        items[letter] = (row.number, text)
    if not by_area:
        raise FrameworkError(f"{where}: has a header row but no statements.")
    areas: list[AreaDef] = []
    for expected, number in enumerate(sorted(by_area), start=1):
        if number != expected:
            raise FrameworkError(f"{where}: column 'Area': there is no area {expected}.")
        title, items = by_area[number]
        statements: list[StatementDef] = []
        for position in range(1, len(items) + 1):
            letter = letter_for(position)
            if letter not in items:
                raise FrameworkError(
                    f"{where}: column 'Item': area {number} has {len(items)} statements but no "
                    f"item '{letter}'; items must run a, b, c … with no gap."
                )
            statements.append(StatementDef(number, letter, " ".join(items[letter][1].split())))
        areas.append(AreaDef(number, title, tuple(statements)))
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


def load_any_framework(
    path: Path, name: str | None = None, version: str | None = None
) -> FrameworkDef:
    """The TOML format, or a spreadsheet, chosen by the file's ending."""
    from nbdesk.forms.framework import load_framework_file

    suffix = Path(path).suffix.lower()
    if suffix == ".toml":
        if name or version:
            raise FrameworkError(
                "--name and --version apply to spreadsheets; a TOML file names itself."
            )
        return load_framework_file(path)
    if suffix in {".xlsx", ".xlsm", ".csv"}:
        return load_framework_spreadsheet(path, name, version)
    raise FrameworkError(
        f"{Path(path).name}: a framework is a .toml file or an .xlsx / .csv spreadsheet."
    )
