"""A file nbdesk wrote, read back whole as plain values, to compare one export with another.

An xlsx workbook is read by openpyxl's normal mode: every sheet's cells (value, type and each part
of the cell's style), column widths, row heights, merged cells, frozen panes, print titles and page
set-up. Styles are listed once and cells name them by number, so a snapshot stays small and a
difference names the cell. A CSV file is read as its rows of text.
"""

from __future__ import annotations

import csv
from datetime import date, datetime
from pathlib import Path
from typing import Any

STYLE_PARTS = ("font", "fill", "border", "alignment", "number_format", "protection")


def _value(value: Any) -> Any:
    if isinstance(value, datetime | date):
        return f"{type(value).__name__}:{value.isoformat()}"
    if isinstance(value, float):
        return f"float:{value!r}"
    return value


def _style(cell: Any) -> str:
    parts = []
    for part in STYLE_PARTS:
        style = getattr(cell, part)
        parts.append(f"{part}={style!r}" if part == "number_format" else repr(style))
    return "\n".join(parts)


def workbook(path: Path) -> dict[str, Any]:
    from openpyxl import load_workbook

    book = load_workbook(path)
    styles: list[str] = []
    numbers: dict[str, int] = {}
    sheets = []
    for ws in book.worksheets:
        cells = []
        for row in ws.iter_rows():
            for cell in row:
                if cell.value is None and not cell.has_style:
                    continue
                style = _style(cell)
                if style not in numbers:
                    numbers[style] = len(styles)
                    styles.append(style)
                cells.append([cell.coordinate, _value(cell.value), cell.data_type, numbers[style]])
        setup = ws.page_setup
        sheets.append(
            {
                "title": ws.title,
                "cells": cells,
                "widths": {k: d.width for k, d in sorted(ws.column_dimensions.items())},
                "heights": {
                    str(k): d.height
                    for k, d in sorted(ws.row_dimensions.items())
                    if d.height is not None
                },
                "merged": sorted(str(r) for r in ws.merged_cells.ranges),
                "freeze": ws.freeze_panes,
                "print_titles": ws.print_title_rows,
                "page": [
                    setup.orientation,
                    setup.paperSize,
                    setup.fitToWidth,
                    setup.fitToHeight,
                    ws.sheet_properties.pageSetUpPr.fitToPage
                    if ws.sheet_properties.pageSetUpPr
                    else None,
                    ws.print_options.gridLines,
                    repr(ws.page_margins),
                    ws.oddFooter.center.text,
                ],
            }
        )
    properties = book.properties
    book.close()
    return {"sheets": sheets, "styles": styles, "creator": properties.creator}


def csv_rows(path: Path) -> list[list[str]]:
    with path.open(newline="", encoding="utf-8") as fh:
        return list(csv.reader(fh))


def read_back(path: Path) -> Any:
    return workbook(path) if path.suffix == ".xlsx" else csv_rows(path)


def first_difference(expected: Any, actual: Any, where: str = "") -> str:
    """Where two read-backs first differ ('' when they are the same), for a failing test."""
    if type(expected) is not type(actual):
        return f"{where}: {expected!r} != {actual!r}"
    if isinstance(expected, dict):
        for key in sorted(set(expected) | set(actual), key=str):
            if key not in expected or key not in actual:
                return f"{where}/{key}: only in one"
            found = first_difference(expected[key], actual[key], f"{where}/{key}")
            if found:
                return found
        return ""
    if isinstance(expected, list):
        for i, (a, b) in enumerate(zip(expected, actual, strict=False)):
            found = first_difference(a, b, f"{where}[{i}]")
            if found:
                return found
        if len(expected) != len(actual):
            return f"{where}: {len(expected)} items != {len(actual)}"
        return ""
    return "" if expected == actual else f"{where}: {expected!r} != {actual!r}"
