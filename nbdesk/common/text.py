"""Reading the text of a cell: stray spaces, yes and no, and numbers Excel has shortened."""

from __future__ import annotations

import re

_SHORTENED = re.compile(r"^[+-]?\d(?:\.\d+)?[eE][+-]?\d+$")


def excel_shortened(text: str) -> bool:
    """A long number Excel displayed (and a CSV export then saved) in scientific form, such as
    7.7009E+09 or 1.00234E+11: its last digits are gone and cannot be recovered."""
    return bool(_SHORTENED.match(text.strip()))


YES = {"y", "yes", "true", "1", "x", "✓"}
NO = {"n", "no", "false", "0", ""}


def yes_no(text: str) -> bool:
    value = text.strip().lower()
    if value in YES:
        return True
    if value in NO:
        return False
    raise ValueError(f"'{text.strip()}' is not yes or no")


def tidy(text: str) -> str:
    """Stray spaces removed, inside as well as around (names copied from case systems)."""
    return " ".join(text.split())
