"""Keeping text as text in the workbooks nbdesk writes.

openpyxl stores any string that starts with "=" as a formula. An evidence note such as "= agreed by
everyone" or a name typed as "=Smith" would then reach Excel as a broken formula (or as a formula
that runs), and would not read back as what was typed. Every value nbdesk writes from what people
typed goes through `cell_value`.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any


def cell_value(sheet: Any, value: Any) -> Any:
    """`value` as it should be appended to `sheet`: unchanged, unless it is text openpyxl would
    take for a formula, which becomes a cell marked as text."""
    if not (isinstance(value, str) and value.startswith("=")):
        return value
    from openpyxl.cell import WriteOnlyCell

    cell = WriteOnlyCell(sheet, value)
    keep_text(cell)
    return cell


def keep_text(cell: Any) -> None:
    """Mark a cell whose text openpyxl took for a formula as the text it is."""
    if isinstance(cell.value, str) and cell.value.startswith("="):
        cell.data_type = "s"


def text_row(sheet: Any, values: Iterable[Any]) -> list[Any]:
    return [cell_value(sheet, v) for v in values]
