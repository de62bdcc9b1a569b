"""Reading a spreadsheet (xlsx or csv) as text cells, for imports that validate every cell themselves.

Councils' exports mix types freely (numbers stored as text, dates as Excel serials, stray spaces), so
nothing here interprets a value beyond turning it into the text a person would see. Row numbers are
the spreadsheet's own (the header is row 1) so messages match what the user sees on screen.
"""

from __future__ import annotations

import csv
import datetime as dt
import io
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any


class TableError(ValueError):
    """A file that cannot be read as a table; the message says which file and why."""


@dataclass(frozen=True)
class Row:
    number: int  # as the spreadsheet program shows it: the header is row 1
    cells: dict[str, str]

    def get(self, column: str) -> str:
        return self.cells.get(column, "")


@dataclass(frozen=True)
class Table:
    source: str
    sheet: str | None
    headers: tuple[str, ...]
    rows: tuple[Row, ...]

    def require(self, columns: list[str]) -> None:
        missing = [c for c in columns if c not in self.headers]
        if missing:
            raise TableError(
                f"{self.source}: the header row (row 1) has no column "
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


def read_table(path: Path, sheet: str | None = None) -> Table:
    path = Path(path)
    suffix = path.suffix.lower()
    if not path.is_file():
        raise TableError(f"{path}: no such file.")
    if suffix in {".xlsx", ".xlsm"}:
        return _read_xlsx(path, sheet)
    if suffix in {".csv", ".txt"}:
        return _read_csv(path)
    raise TableError(
        f"{path.name}: nbdesk reads .xlsx and .csv files, not '{suffix or 'no ending'}'."
    )


def _build(source: str, sheet: str | None, raw_rows: Iterator[list[str]]) -> Table:
    try:
        header = next(raw_rows)
    except StopIteration:
        raise TableError(f"{source}: the file is empty.") from None
    headers = tuple(h.strip() for h in header)
    seen: set[str] = set()
    for h in headers:
        if h and h in seen:
            raise TableError(f"{source}: the header row has the column '{h}' twice.")
        seen.add(h)
    rows: list[Row] = []
    for number, values in enumerate(raw_rows, start=2):
        if not any(v.strip() for v in values):
            continue  # blank rows are common between blocks in hand-kept lists
        cells = {
            h: (values[i].strip() if i < len(values) else "") for i, h in enumerate(headers) if h
        }
        rows.append(Row(number, cells))
    return Table(source, sheet, headers, tuple(rows))


def _read_csv(path: Path) -> Table:
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
    return _build(path.name, None, iter([list(r) for r in reader]))


def _read_xlsx(path: Path, sheet: str | None) -> Table:
    from openpyxl import load_workbook

    try:
        book = load_workbook(path, read_only=True, data_only=True)
    except Exception as exc:  # openpyxl raises many types for a damaged file
        raise TableError(f"{path.name}: cannot be read as an Excel workbook ({exc}).") from exc
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
        return _build(f"{path.name} (sheet '{ws.title}')", ws.title, iter(rows))
    finally:
        book.close()
