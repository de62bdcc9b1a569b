"""Reading a spreadsheet (xlsx or csv) as text cells, for imports that validate every cell themselves.

Councils' exports mix types freely (numbers stored as text, dates as Excel serials, stray spaces), so
nothing here interprets a value beyond turning it into the text a person would see. Row numbers are
the spreadsheet's own so messages match what the user sees on screen. The header is row 1, unless the
caller says how to recognise it: official lists (Ofsted's Annex A among them) often put a title or a
note above the header row.
"""

from __future__ import annotations

import csv
import datetime as dt
import io
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any


def unreadable_workbook(path: Path) -> str:
    """Why a workbook cannot be read, in words for the person who chose it (the library's own
    words, such as "File is not a zip file", help nobody)."""
    return (
        f"{path.name}: cannot be read as an Excel workbook. It may be damaged, still being "
        "written, or another kind of file with an Excel name: open it in Excel and save it "
        "again as an .xlsx workbook."
    )


class TableError(ValueError):
    """A file that cannot be read as a table; the message says which file and why."""


@dataclass(frozen=True)
class Row:
    number: int  # as the spreadsheet program shows it
    cells: dict[str, str]

    def get(self, column: str) -> str:
        return self.cells.get(column, "")


@dataclass(frozen=True)
class Table:
    source: str
    sheet: str | None
    headers: tuple[str, ...]
    rows: tuple[Row, ...]
    header_row: int = 1

    def require(self, columns: list[str]) -> None:
        missing = [c for c in columns if c not in self.headers]
        if missing:
            raise TableError(
                f"{self.source}: the header row (row {self.header_row}) has no column "
                + ", ".join(f"'{c}'" for c in missing)
                + f". Columns found: {', '.join(repr(h) for h in self.headers if h) or 'none'}."
            )


def cell_text(value: Any) -> str:
    """The text a person would read in the cell; Excel's float-for-integer quirk undone."""
    if value is None:
        return ""
    if isinstance(value, bool):
        return "TRUE" if value else "FALSE"
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    if isinstance(value, dt.datetime):
        if value.time() == dt.time(0, 0):
            return value.date().isoformat()
        return value.isoformat(sep=" ")
    if isinstance(value, dt.date):
        return value.isoformat()
    return " ".join(str(value).split())


HeaderTest = Callable[[list[str]], bool]

# How far down a title block may push the header row before the file is taken to have none.
HEADER_SEARCH_ROWS = 10


def read_table(path: Path, sheet: str | None = None, is_header: HeaderTest | None = None) -> Table:
    """The table in a file. With `is_header`, the header is the first of the first ten rows it
    accepts (rows above it are a title block); if none is accepted, row 1 is the header, so a
    missing column is reported against it."""
    path = Path(path)
    suffix = path.suffix.lower()
    if not path.is_file():
        raise TableError(f"{path}: no such file.")
    if suffix in {".xlsx", ".xlsm"}:
        return _read_xlsx(path, sheet, is_header)
    if suffix in {".csv", ".txt"}:
        return _read_csv(path, is_header)
    raise TableError(
        f"{path.name}: nbdesk reads .xlsx and .csv files, not '{suffix or 'no ending'}'."
    )


def header_row_index(rows: list[list[str]], is_header: HeaderTest | None) -> int:
    """Index (from 0) of the header among `rows`, which start at the file's first row."""
    if is_header is not None:
        for index, row in enumerate(rows[:HEADER_SEARCH_ROWS]):
            if is_header([c.strip() for c in row]):
                return index
    return 0


def _build(
    source: str, sheet: str | None, raw_rows: list[list[str]], is_header: HeaderTest | None
) -> Table:
    if not raw_rows:
        raise TableError(f"{source}: the file is empty.")
    start = header_row_index(raw_rows, is_header)
    headers = tuple(h.strip() for h in raw_rows[start])
    seen: set[str] = set()
    for h in headers:
        if h and h in seen:
            raise TableError(f"{source}: the header row has the column '{h}' twice.")
        seen.add(h)
    rows: list[Row] = []
    for number, values in enumerate(raw_rows[start + 1 :], start=start + 2):
        if not any(v.strip() for v in values):
            continue  # blank rows are common between blocks in hand-kept lists
        cells = {
            h: (values[i].strip() if i < len(values) else "") for i, h in enumerate(headers) if h
        }
        rows.append(Row(number, cells))
    return Table(source, sheet, headers, tuple(rows), header_row=start + 1)


def _read_csv(path: Path, is_header: HeaderTest | None = None) -> Table:
    raw = path.read_bytes()
    for encoding in ("utf-8-sig", "cp1252"):
        try:
            text = raw.decode(encoding)
            break
        except UnicodeDecodeError:
            continue
    else:  # pragma: no cover - cp1252 decodes almost anything
        raise TableError(f"{path.name}: cannot tell the text encoding; save it as UTF-8 CSV.")
    try:
        dialect = csv.Sniffer().sniff(text[:4096], delimiters=",;\t")
    except csv.Error:
        dialect = csv.excel
    reader = csv.reader(io.StringIO(text), dialect)
    return _build(path.name, None, [list(r) for r in reader], is_header)


def _read_xlsx(path: Path, sheet: str | None, is_header: HeaderTest | None = None) -> Table:
    from openpyxl import load_workbook

    try:
        book = load_workbook(path, read_only=True, data_only=True)
    except Exception as exc:  # openpyxl raises many types for a damaged file
        raise TableError(unreadable_workbook(path)) from exc
    try:
        if sheet is not None:
            if sheet not in book.sheetnames:
                raise TableError(
                    f"{path.name}: has no sheet named '{sheet}' "
                    f"(sheets: {', '.join(book.sheetnames)})."
                )
            ws = book[sheet]
        else:
            ws = book.worksheets[0]
        rows = [[cell_text(v) for v in row] for row in ws.iter_rows(values_only=True)]
        return _build(f"{path.name} (sheet '{ws.title}')", ws.title, rows, is_header)
    finally:
        book.close()
