"""Shared look of the workbooks: headings, header rows, widths, row heights and print set-up.

Workbooks are written in openpyxl's write-only mode (rows streamed, styles per cell), which is what
keeps an export close to the cost of writing bare cells (see benchmarks/bench_returns.py).
Call these only from inside the functions that write, since they import openpyxl.

- Wrapping and top alignment are set cell by cell. (Giving the workbook's default format that
  alignment instead would be quicker to write, and Excel would honour it, but LibreOffice shows a
  cell without a style of its own in its built-in default and cuts the text off.) A styled cell
  costs several times a bare one, so cells whose default look will do are written bare, and each
  (style, column) reuses one styled cell object from row to row.
- Row heights: a spreadsheet program does not always fit a row to its wrapped text when it opens a
  file (LibreOffice keeps the default height, so wrapped lines print on top of the next row), so a
  row whose text may take several lines is given a height for the lines its longest cell needs at
  its column's width.
- Every styled cell names its font: a font with no name is drawn in the program's own default (a
  serif in LibreOffice), not the workbook's.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Sequence
from datetime import date, datetime
from typing import Any
from weakref import WeakKeyDictionary

from nbdesk.common.xlsx_text import cell_value, keep_text, text_row

Progress = Callable[[int, int, str], None]

HEADER_FILL = "DDE6F0"
DATE_FORMAT, DATETIME_FORMAT = "yyyy-mm-dd", "yyyy-mm-dd hh:mm"
_STYLES: WeakKeyDictionary[Any, dict[tuple[Any, ...], Any]] = WeakKeyDictionary()
TITLE_SIZE = 14
FONT_NAME = "Calibri"  # the default font of a new workbook in Excel and in openpyxl
LINE_HEIGHT = 15.0  # points per line of 11-point Calibri, Excel's default row height
# Characters of ordinary prose that fit on one line of a column `width` units wide (a unit is the
# width of a "0"; prose averages a little narrower, bold a little wider). Kept on the low side, so a
# row is rather too tall than cut off.
CHARS_PER_UNIT = 1.05
BOLD_CHARS_PER_UNIT = 0.95


def new_workbook() -> Any:
    """A write-only workbook, made by nbdesk (its properties say so rather than "openpyxl")."""
    from openpyxl import Workbook

    book = Workbook(write_only=True)
    book.properties.creator = "nbdesk"
    return book


def lines_needed(text: str, width: float, bold: bool = False) -> int:
    """How many lines `text` takes when wrapped in a column `width` units wide (an estimate on the
    high side: a wrapped line loses on average half a word at its end, taken here as 5 characters)."""
    per_line = max(1, int((width - 1) * (BOLD_CHARS_PER_UNIT if bold else CHARS_PER_UNIT)))
    if len(text) <= per_line and "\n" not in text:
        return 1
    usable = max(1, per_line - 5)
    return sum(1 if len(part) <= per_line else -(-len(part) // usable) for part in text.split("\n"))


def no_progress(done: int, total: int, text: str = "") -> None:
    """The progress callback used when nobody is watching."""


class Sheet:
    """A write-only sheet with helpers for the few kinds of rows the returns use."""

    def __init__(
        self,
        book: Any,
        title: str,
        widths: Sequence[float],
        header_row: int | None,
        landscape: bool = True,
    ) -> None:
        from openpyxl.utils import get_column_letter

        self.ws = book.create_sheet(title)
        self.rows = 0
        self.widths = tuple(widths)
        # Styled cells to reuse, one per (style, column): a row is written out as it is appended,
        # so the next row can put its value in the same cell object (see _cell).
        self._pool: dict[tuple[Any, ...], Any] = {}
        # Styles built once per workbook and shared by its sheets (style ids are the workbook's).
        self._styles: dict[tuple[Any, ...], Any] = _STYLES.setdefault(book, {})
        # A write-only sheet writes its widths, frozen panes and page properties with its first
        # row, so all of them are set here, before any row.
        for number, width in enumerate(widths, start=1):
            self.ws.column_dimensions[get_column_letter(number)].width = width
        self._print_setup(header_row, landscape)

    def _cell(
        self,
        value: Any,
        *,
        bold: bool = False,
        size: float | None = None,
        wrap: bool = False,
        fill: str | None = None,
        number_format: str | None = None,
        center: bool = False,
        top: bool = False,
        column: int = 0,
    ) -> Any:
        """The value itself when the default look will do, else a styled cell."""
        if number_format is None and isinstance(value, date):
            # openpyxl would otherwise give the cell a date format, changing the shared style.
            number_format = DATETIME_FORMAT if isinstance(value, datetime) else DATE_FORMAT
        if value is None and not fill:
            return None  # openpyxl skips an empty cell
        key = (bold, size, wrap, fill, number_format, center, top)
        if key == (False, None, False, None, None, False, False):
            return cell_value(self.ws, value)
        # A write-only row is written out, cell by cell, when it is appended, and its cells are
        # never read again: so each (style, column) keeps one styled cell and only its value
        # changes from row to row. That saves building a cell and looking its style up per value.
        cell = self._pool.get((key, column))
        if cell is not None:
            cell.value = value
            keep_text(cell)
            return cell
        from openpyxl.cell import WriteOnlyCell

        cell = WriteOnlyCell(self.ws, value=value)
        keep_text(cell)
        template = self._styles.get(key)
        if template is None:
            template = self._styled(cell, *key)
            self._styles[key] = template
        else:
            # The style already built for this workbook (openpyxl's StyleArray), shared.
            cell._style = template._style
        self._pool[(key, column)] = cell
        return cell

    def _styled(
        self,
        cell: Any,
        bold: bool,
        size: float | None,
        wrap: bool,
        fill: str | None,
        number_format: str | None,
        center: bool,
        top: bool,
    ) -> Any:
        from openpyxl.styles import Alignment, Border, Font, PatternFill, Side

        cell.font = Font(name=FONT_NAME, bold=bold, size=size or 11)
        if wrap or center or top:
            # Top-aligned, so the cells of a row of several lines start on the same line.
            cell.alignment = Alignment(
                wrap_text=wrap, vertical="top", horizontal="center" if center else None
            )
        if fill:
            cell.fill = PatternFill("solid", fgColor=fill)
            thin = Side(style="thin", color="808080")
            cell.border = Border(bottom=thin)
        if number_format:
            cell.number_format = number_format
        return cell

    def _fit(self, values: Sequence[Any], wrapped: Iterable[int], bold: bool = False) -> None:
        """Give the next row the height its wrapped cells need (before it is appended)."""
        lines = max(
            (
                lines_needed(values[i], self.widths[i], bold)
                for i in wrapped
                if i < len(values) and i < len(self.widths) and isinstance(values[i], str)
            ),
            default=1,
        )
        if lines > 1:
            self.ws.row_dimensions[self.rows + 1].height = lines * LINE_HEIGHT + 2

    def title(self, text: str) -> None:
        self.ws.row_dimensions[self.rows + 1].height = TITLE_SIZE * 1.4
        self.ws.append([self._cell(text, bold=True, size=TITLE_SIZE)])
        self.rows += 1

    def line(self, *values: Any, bold: bool = False) -> None:
        """A line of text that runs on across the empty cells beside it (not wrapped)."""
        self.ws.append([self._cell(v, bold=bold, column=i) for i, v in enumerate(values)])
        self.rows += 1

    def note(self, text: str, columns: int) -> None:
        """A paragraph wrapped across the first `columns` columns (merged), its row as tall as the
        text needs: a long note on one line would make "fit to width" shrink the whole page."""
        from openpyxl.utils import get_column_letter

        row = self.rows + 1
        width = sum(self.widths[:columns])
        self.ws.row_dimensions[row].height = lines_needed(text, width) * LINE_HEIGHT + 2
        self.ws.merged_cells.add(f"A{row}:{get_column_letter(columns)}{row}")
        self.ws.append([self._cell(text, wrap=True)])
        self.rows += 1

    def blank(self) -> None:
        self.ws.append([])
        self.rows += 1

    def header(self, names: Sequence[str], center_from: int | None = None) -> int:
        """A bold, shaded header row; returns its row number (for freezing and printing)."""
        cells = [
            self._cell(
                name,
                bold=True,
                wrap=True,
                fill=HEADER_FILL,
                center=center_from is not None and i >= center_from,
                column=i,
            )
            for i, name in enumerate(names)
        ]
        self._fit(names, range(len(names)), bold=True)
        self.ws.append(cells)
        self.rows += 1
        return self.rows

    def row(
        self,
        values: Sequence[Any],
        *,
        wrap: Sequence[int] = (),
        formats: dict[int, str] | None = None,
        center: Sequence[int] = (),
        bold: bool = False,
    ) -> None:
        """A row of cells; the text of the cells in `wrap` wraps, and sets the row's height. In a
        row with wrapped text every cell sits at the top, so the row reads across one line."""
        top = bool(wrap)
        if wrap:
            self._fit(values, wrap, bold)
        if not (top or formats or center or bold):
            self.ws.append(text_row(self.ws, values))  # nothing to style: the quickest path
        else:
            formats = formats or {}
            self.ws.append(
                [
                    self._cell(
                        v,
                        wrap=i in wrap,
                        number_format=formats.get(i),
                        center=i in center,
                        bold=bold,
                        top=top,
                        column=i,
                    )
                    for i, v in enumerate(values)
                ]
            )
        self.rows += 1

    def _print_setup(self, header_row: int | None, landscape: bool) -> None:
        """Landscape, fitted to the page's width, the header repeated on every printed page, and
        the header frozen on screen."""
        ws = self.ws
        ws.page_setup.orientation = "landscape" if landscape else "portrait"
        ws.page_setup.paperSize = "9"  # A4
        ws.sheet_properties.pageSetUpPr.fitToPage = True
        ws.page_setup.fitToWidth = 1
        ws.page_setup.fitToHeight = 0  # as many pages tall as it needs
        ws.print_options.gridLines = False
        ws.page_margins.left = ws.page_margins.right = 0.5
        ws.oddFooter.center.text = "&A — page &P of &N"
        if header_row is not None:
            ws.freeze_panes = f"A{header_row + 1}"
            ws.print_title_rows = f"1:{header_row}"
