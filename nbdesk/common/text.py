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


# What makes a spreadsheet program run a CSV cell as a formula (OWASP's list): = + - @ at the
# start, and a tab or carriage return before them.
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


def csv_safe(value: str) -> str:
    """A value for a CSV file people open in a spreadsheet program: text that program would run
    as a formula (a name typed as =HYPERLINK(…) or @SUM(…)) gets a leading apostrophe, the
    standard defence against CSV injection and how Excel itself marks typed text."""
    return f"'{value}" if value.startswith(FORMULA_STARTS) else value
