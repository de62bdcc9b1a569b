"""Shared look of the workbooks: headings, header rows, widths and print set-up.

Workbooks are written in openpyxl's write-only mode (rows streamed, styles per cell), which is what
keeps an export close to the cost of writing bare cells (see benchmarks/bench_returns.py).
Call these only from inside the functions that write, since they import openpyxl.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import Any
from weakref import WeakKeyDictionary

Progress = Callable[[int, int, str], None]

HEADER_FILL = "DDE6F0"
_STYLES: WeakKeyDictionary[Any, dict[tuple[Any, ...], Any]] = WeakKeyDictionary()
TITLE_SIZE = 14


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
    ) -> Any:
        from openpyxl.cell import WriteOnlyCell

        key = (bold, size, wrap, fill, number_format, center)
        if key == (False, None, False, None, None, False):
            return value  # openpyxl makes the cell itself
        cell = WriteOnlyCell(self.ws, value=value)
        template = self._styles.get(key)
        if template is None:
            template = self._styled(cell, *key)
            self._styles[key] = template
            return cell
        # Setting fonts and alignments cell by cell costs a style lookup each; the style already
        # built is reused instead (openpyxl's StyleArray). Sharing it is safe: a write-only cell is
        # written out when its row is appended and never changed afterwards.
        cell._style = template._style
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
    ) -> Any:
        from openpyxl.styles import Alignment, Border, Font, PatternFill, Side

        if bold or size:
            cell.font = Font(bold=bold, size=size or 11)
        if wrap or center:
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

    def title(self, text: str) -> None:
        self.ws.append([self._cell(text, bold=True, size=TITLE_SIZE)])
        self.rows += 1

    def line(self, *values: Any, bold: bool = False, wrap: bool = False) -> None:
        self.ws.append([self._cell(v, bold=bold, wrap=wrap) for v in values])
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
            )
            for i, name in enumerate(names)
        ]
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
        formats = formats or {}
        self.ws.append(
            [
                self._cell(
                    v,
                    wrap=i in wrap,
                    number_format=formats.get(i),
                    center=i in center,
                    bold=bold,
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
