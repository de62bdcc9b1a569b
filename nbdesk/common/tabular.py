"""Reading a spreadsheet (xlsx or csv) as text cells, for imports that validate every cell themselves.

Councils' exports mix types freely (numbers stored as text, dates as Excel serials, stray spaces), so
nothing here interprets a value beyond turning it into the text a person would see. Row numbers are
the spreadsheet's own so messages match what the user sees on screen. The header is row 1, unless the
caller says how to recognise it: official lists (Ofsted's Annex A among them) often put a title or a
note above the header row.

Bad files are refused in one sentence naming the file (and the row and column where there is one),
never with a traceback: text in UTF-16 is read (with its byte order mark) and refused plainly
without one; old Mac line endings (a carriage return alone) are read; a quote left open, a cell
longer than a spreadsheet holds, a formula with no saved result and a file too large for any list
nbdesk reads are refused. Sizes are checked early and cheaply: the file's size before it is parsed,
rows and cells while it is read (`Limits`).
"""

from __future__ import annotations

import csv
import datetime as dt
import io
import re
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any
from xml.etree import ElementTree


@dataclass(frozen=True)
class Limits:
    """The most a file read as a table may hold: checked before parsing (its size) and while it
    is read (rows, the characters in one cell), so a hostile or mistaken file is refused in a
    moment rather than after minutes and gigabytes."""

    file_bytes: int = 32 * 1024 * 1024
    rows: int = 100_000  # more care leavers than all of England has
    cell_chars: int = 32_767  # the most a cell of Excel holds

    def rows_text(self) -> str:
        return f"{self.rows:,} rows"


DEFAULT_LIMITS = Limits()


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
    # The headers whose cell a workbook stored as a number (not text): a number has no leading
    # zeros, so an id typed as 000123 into a number cell reads as 123.
    numbers: frozenset[str] = field(default=frozenset(), compare=False)

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


def read_table(
    path: Path,
    sheet: str | None = None,
    is_header: HeaderTest | None = None,
    limits: Limits = DEFAULT_LIMITS,
) -> Table:
    """The table in a file. With `is_header`, the header is the first of the first ten rows it
    accepts (rows above it are a title block); if none is accepted, row 1 is the header, so a
    missing column is reported against it."""
    path = Path(path)
    suffix = path.suffix.lower()
    if not path.is_file():
        raise TableError(f"{path}: no such file.")
    check_size(path, limits.file_bytes)
    if suffix in {".xlsx", ".xlsm"}:
        return _read_xlsx(path, sheet, is_header, limits)
    if suffix in {".csv", ".txt"}:
        return _read_csv(path, is_header, limits)
    raise TableError(
        f"{path.name}: nbdesk reads .xlsx and .csv files, not '{suffix or 'no ending'}'."
    )


def check_size(path: Path, most: int) -> None:
    """Refuse a file larger than `most` bytes before anything reads it."""
    try:
        size = path.stat().st_size
    except OSError as exc:
        raise TableError(f"{path.name}: cannot be read ({exc.strerror or exc}).") from exc
    if size > most:
        raise TableError(
            f"{path.name}: the file is {_megabytes(size)}; nbdesk reads files of this kind up to "
            f"{_megabytes(most)}. Check it is the right file, or split it."
        )


def _megabytes(size: int) -> str:
    return f"{size / 1024 / 1024:,.1f} MB" if size >= 1024 * 1024 else f"{size / 1024:,.0f} KB"


def column_letter(index: int) -> str:
    """A, B, … Z, AA … for a column's index from 0, as a spreadsheet labels it."""
    letters = ""
    index += 1
    while index > 0:
        index, rem = divmod(index - 1, 26)
        letters = chr(ord("A") + rem) + letters
    return letters


def place(row: int, index: int, headers: tuple[str, ...] | list[str] = ()) -> str:
    """'row 5, column 'Name'' (or 'column C' where the column has no heading)."""
    heading = headers[index].strip() if index < len(headers) else ""
    return f"row {row}, column " + (f"'{heading}'" if heading else column_letter(index))


def header_row_index(rows: list[list[str]], is_header: HeaderTest | None) -> int:
    """Index (from 0) of the header among `rows`, which start at the file's first row."""
    if is_header is not None:
        for index, row in enumerate(rows[:HEADER_SEARCH_ROWS]):
            if is_header([c.strip() for c in row]):
                return index
    return 0


def _build(
    source: str,
    sheet: str | None,
    raw_rows: list[list[str]],
    is_header: HeaderTest | None,
    limits: Limits = DEFAULT_LIMITS,
    numbers: frozenset[tuple[int, int]] = frozenset(),  # (row index, column index) of numbers
) -> Table:
    if not raw_rows:
        raise TableError(f"{source}: the file is empty.")
    start = header_row_index(raw_rows, is_header)
    headers = tuple(h.strip() for h in raw_rows[start])
    for index, values in enumerate(raw_rows):
        for column, value in enumerate(values):
            if len(value) > limits.cell_chars:
                raise TableError(
                    f"{source}: {place(index + 1, column, headers if index > start else ())}: "
                    f"the cell holds {len(value):,} characters; a cell holds at most "
                    f"{limits.cell_chars:,}. Check the column, or the quotes around it."
                )
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
        index = number - 1
        numeric = frozenset(h for i, h in enumerate(headers) if h and (index, i) in numbers)
        rows.append(Row(number, cells, numeric))
    return Table(source, sheet, headers, tuple(rows), header_row=start + 1)


def _too_many_rows(source: str, limits: Limits) -> TableError:
    return TableError(
        f"{source}: the list has more than {limits.rows_text()}, the most nbdesk reads. Check it "
        "is the right file, or split it."
    )


# Byte order marks, longest first (UTF-32's little-endian mark begins with UTF-16's).
_MARKS = (
    (b"\xff\xfe\x00\x00", "utf-32"),
    (b"\x00\x00\xfe\xff", "utf-32"),
    (b"\xef\xbb\xbf", "utf-8-sig"),
    (b"\xff\xfe", "utf-16"),
    (b"\xfe\xff", "utf-16"),
)


def csv_text(path: Path, raw: bytes) -> str:
    """The text of a CSV file: UTF-8 (with or without a byte order mark), UTF-16 or UTF-32 with
    one (Excel's "Unicode text"), else Windows' own encoding; UTF-16 without a mark is refused."""
    for mark, encoding in _MARKS:
        if raw.startswith(mark):
            try:
                return raw.decode(encoding)
            except UnicodeDecodeError as exc:
                raise TableError(
                    f"{path.name}: starts as {encoding.upper()} text but byte {exc.start:,} is not; "
                    "save it again as 'CSV UTF-8'."
                ) from exc
    sample = raw[:4096]
    for magic, what in _NOT_TEXT:
        if sample.startswith(magic):
            raise TableError(f"{path.name}: is not a list but {what}.")
    if len(sample) >= 4 and sample.count(0) * 4 >= len(sample):
        # Every other byte zero: UTF-16 whose byte order is not marked, so cannot be told.
        raise TableError(
            f"{path.name}: is not plain text (it looks like UTF-16 with no byte order mark); "
            "save it again as 'CSV UTF-8'."
        )
    controls = sum(1 for b in sample if b < 9 or 13 < b < 32)
    if controls * 10 > len(sample):
        # Not text (a stray control character in a cell is refused by its row and column later):
        # a tester's picture renamed .csv showed "Columns found: ‰PNG".
        raise TableError(
            f"{path.name}: is not a list: it holds binary data, as a picture or a program does."
        )
    try:
        return raw.decode("utf-8")
    except UnicodeDecodeError:
        return raw.decode("cp1252", errors="replace")  # older Excel exports; never fails


# Files named .csv that are something else, by their first bytes, and what to do.
_NOT_TEXT = (
    (b"PK\x03\x04", "a zipped file, perhaps an Excel workbook: name it .xlsx, or save it as CSV"),
    (b"\xd0\xcf\x11\xe0", "an old Excel (.xls) workbook: save it as .xlsx or CSV"),
    (b"%PDF", "a PDF: export the list from its system as a spreadsheet or CSV"),
    (b"\x89PNG", "a picture (PNG): export the list from its system as a spreadsheet or CSV"),
    (b"\xff\xd8\xff", "a picture (JPEG): export the list from its system as a spreadsheet or CSV"),
)


def _read_csv(
    path: Path, is_header: HeaderTest | None = None, limits: Limits = DEFAULT_LIMITS
) -> Table:
    text = csv_text(path, path.read_bytes())
    try:
        dialect: Any = csv.Sniffer().sniff(text[:4096], delimiters=",;\t")
    except csv.Error:
        dialect = csv.excel
    # A cell as long as the file may hold is read, then measured against the cell limit with its
    # row and column (csv's own limit fails with neither).
    if csv.field_size_limit() < limits.file_bytes:
        csv.field_size_limit(limits.file_bytes)
    rows = _csv_records(path.name, text, dialect, is_header, limits)
    return _build(path.name, None, rows, is_header, limits)


def _csv_records(
    name: str, text: str, dialect: Any, is_header: HeaderTest | None, limits: Limits
) -> list[list[str]]:
    """The records of a CSV text; line endings of any kind (Windows, Unix, old Mac) are read. A
    quote left open, which would swallow every row below it, is refused with its row and
    column."""
    rows: list[list[str]] = []
    filled = 0
    reader = csv.reader(io.StringIO(text, newline=""), dialect, strict=True)
    last_line = 0
    while True:
        try:
            record = next(reader)
        except StopIteration:
            return rows
        except csv.Error as exc:
            if "unexpected end of data" not in str(exc):
                # Stray quotes inside a cell (5'10" or "a"b) are read leniently, as Excel does.
                return _lenient_records(name, text, dialect, limits)
            raise _open_quote(
                name, text, dialect, last_line, len(rows) + 1, rows, is_header
            ) from exc
        last_line = reader.line_num
        rows.append(record)
        if any(v.strip() for v in record):
            filled += 1
            if filled > limits.rows + HEADER_SEARCH_ROWS:
                raise _too_many_rows(name, limits)


def _lenient_records(name: str, text: str, dialect: Any, limits: Limits) -> list[list[str]]:
    rows: list[list[str]] = []
    filled = 0
    for record in csv.reader(io.StringIO(text, newline=""), dialect):
        rows.append(record)
        if any(v.strip() for v in record):
            filled += 1
            if filled > limits.rows + HEADER_SEARCH_ROWS:
                raise _too_many_rows(name, limits)
    return rows


def _open_quote(
    name: str,
    text: str,
    dialect: Any,
    line: int,
    number: int,
    rows: list[list[str]],
    is_header: HeaderTest | None,
) -> TableError:
    """The error for a quote opened on record `number` (which starts after physical line `line`)
    and never closed."""
    lines = io.StringIO(text, newline="").readlines()  # split as csv splits them
    start = lines[line] if line < len(lines) else ""
    cells = next(csv.reader([start], dialect), [""])
    headers = rows[header_row_index(rows, is_header)] if rows else []
    quote = getattr(dialect, "quotechar", '"') or '"'
    return TableError(
        f"{name}: {place(number, max(len(cells) - 1, 0), headers)}: a quote ({quote}) opens "
        "this cell and is never closed, so every row below it would be read into it. Close or "
        "remove the quote and save the file again."
    )


def _read_xlsx(
    path: Path,
    sheet: str | None,
    is_header: HeaderTest | None = None,
    limits: Limits = DEFAULT_LIMITS,
) -> Table:
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
        source = f"{path.name} (sheet '{ws.title}')"
        rows: list[list[str]] = []
        numbers: set[tuple[int, int]] = set()
        filled = 0
        try:
            for index, values in enumerate(ws.iter_rows(values_only=True)):
                rows.append([cell_text(v) for v in values])
                numbers.update(
                    (index, column)
                    for column, v in enumerate(values)
                    if isinstance(v, int | float) and not isinstance(v, bool)
                )
                if any(v is not None and v != "" for v in values):
                    filled += 1
                    if filled > limits.rows + HEADER_SEARCH_ROWS:
                        raise _too_many_rows(source, limits)
            blank = uncalculated_formulas(ws)
        except TableError:
            raise
        except Exception as exc:  # a damaged sheet fails only when it is read
            raise TableError(unreadable_workbook(path)) from exc
        table = _build(source, ws.title, rows, is_header, limits, frozenset(numbers))
        if blank:
            row, column = blank[0]
            headers = table.headers if row > table.header_row else ()
            more = f" (and {len(blank) - 1:,} more such cells)" if len(blank) > 1 else ""
            raise TableError(
                f"{source}: {place(row, column, headers)}: holds a formula with no saved "
                f"result{more}, so its value cannot be read; the workbook was written by a "
                "program that does not calculate. Open it in Excel or LibreOffice, save it, "
                "and import it again."
            )
        return table
    finally:
        book.close()


_FORMULA = re.compile(rb"<(?:\w+:)?f[\s>/]")
_COORDINATE = re.compile(r"^([A-Z]+)(\d+)$")


def uncalculated_formulas(ws: Any) -> list[tuple[int, int]]:
    """The cells (row from 1, column index from 0) of a read-only openpyxl sheet that hold a
    formula with no saved result: read with data_only they are blank, and would be taken as
    left blank. A program that calculates (Excel, LibreOffice) saves each formula's result."""
    get_source = getattr(ws, "_get_source", None)
    if get_source is None:
        return []
    if not _has_formula(get_source):
        return []  # the usual case: no formulas at all, nothing more to read
    found: list[tuple[int, int]] = []
    with get_source() as src:
        for element in _cells(src):
            tags = {child.tag.rsplit("}", 1)[-1]: child for child in element}
            if "f" not in tags:
                continue
            value = tags.get("v")
            typed = element.get("t", "n")
            if value is None or (not value.text and typed not in {"str", "s", "inlineStr"}):
                match = _COORDINATE.match(element.get("r", ""))
                if match:
                    letters, row = match.groups()
                    column = 0
                    for letter in letters:
                        column = column * 26 + ord(letter) - ord("A") + 1
                    found.append((int(row), column - 1))
    return found


def _has_formula(get_source: Callable[[], Any]) -> bool:
    """Whether the sheet's XML holds a formula element, read a megabyte at a time (a sheet's XML
    may be many times the size of the compressed file)."""
    tail = b""
    with get_source() as src:
        while chunk := src.read(1 << 20):
            if _FORMULA.search(tail + chunk):
                return True
            tail = chunk[-16:]
    return False


def _cells(src: Any) -> Iterator[ElementTree.Element]:
    """The sheet's cell elements, streamed (each is cleared once looked at)."""
    for _event, element in ElementTree.iterparse(src):
        if element.tag.rsplit("}", 1)[-1] == "c":
            yield element
            element.clear()
