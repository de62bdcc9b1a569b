"""Checks on a care-leaver list's cells that the register itself cannot make: ids nbdesk cannot use
(control characters, longer than the register keeps), cells longer than their field, ids a workbook
stored as numbers (which lose leading zeros) and text a spreadsheet would run as a formula.

Ids are compared as text throughout: 000123 and 123 are two ids. A number cell cannot hold
000123, so an id read from one is shown with a warning when the list's other ids (or the
register's) suggest leading zeros were lost.
"""

from __future__ import annotations

import unicodedata
from collections import Counter
from collections.abc import Iterable

from sqlalchemy import String

from nbdesk.storage.models.survey import CareLeaver

# The most characters each register field keeps (the String(n) lengths of the care_leaver table);
# first name and surname are joined into the name, so share its limit.
FIELD_LIMITS: dict[str, int] = {
    column.name: column.type.length
    for column in CareLeaver.__table__.columns
    if isinstance(column.type, String) and column.type.length
}
FIELD_LIMITS["first_name"] = FIELD_LIMITS["surname"] = FIELD_LIMITS["name"]

# Where a spreadsheet program would take text beginning with one of these for a formula.
FORMULA_STARTS = ("=", "+", "-", "@")
# Fields whose text nbdesk writes into lists others open in a spreadsheet program.
NAME_KEYS = ("unique_id", "name", "first_name", "surname", "preferred_name", "pa_name", "team")


def invisible(text: str) -> list[str]:
    """The control and format characters in `text` (NUL, line breaks, zero-width spaces …), as
    U+ codes."""
    return [
        f"U+{ord(c):04X}" for c in dict.fromkeys(text) if unicodedata.category(c) in ("Cc", "Cf")
    ]


def id_problem(raw: str) -> str | None:
    """Why a unique id, as its cell holds it, cannot be used; None if it can."""
    found = invisible(raw)
    if found:
        reason = (
            f"the id holds control characters ({', '.join(found[:3])}), which no case system "
            "writes in an id"
        )
        if "\n" in raw or "\r" in raw:
            reason += (
                "; it runs over more than one line: a quote left open in the file may have "
                "joined the rows below it into this cell"
            )
        return reason
    limit = FIELD_LIMITS["unique_id"]
    if len(raw) > limit:
        return f"the id has {len(raw):,} characters; the register keeps ids of up to {limit}"
    return None


def too_long(key: str, text: str) -> str | None:
    """Why a cell is longer than its field keeps; None if it fits."""
    limit = FIELD_LIMITS.get(key)
    if limit is None or len(text) <= limit:
        return None
    return f"holds {len(text):,} characters; the register keeps at most {limit:,} here"


def like_formula(text: str) -> bool:
    return text.startswith(FORMULA_STARTS)


def formula_warning(text: str) -> str:
    return (
        f"'{text[:40]}' begins with '{text[0]}', which a spreadsheet program could run as a "
        "formula; kept as typed, and written as text in every file nbdesk exports"
    )


class LostZeros:
    """Whether an id read from a number cell may have lost leading zeros, judged from the other
    ids known (the list's and the register's): one of them is the id with zeros in front, ids
    beginning with 0 are longer, or four in five ids share a width it falls short of."""

    def __init__(self, known: Iterable[str]) -> None:
        digits = sorted({k for k in known if k.isdigit()})
        self.padded: dict[str, str] = {}
        for k in digits:
            if k.startswith("0"):
                self.padded.setdefault(k.lstrip("0"), k)
        self.zero_width = max((len(k) for k in digits if k.startswith("0")), default=0)
        self.width = 0
        if digits:
            width, count = Counter(len(k) for k in digits).most_common(1)[0]
            if count * 5 >= len(digits) * 4:
                self.width = width

    def __call__(self, uid: str) -> str | None:
        """Why `uid`, read from a number cell, may be wrong; None if nothing suggests it."""
        if not uid.isdigit():
            return None
        if uid.lstrip("0") in self.padded:
            hint = f"it may be the id '{self.padded[uid.lstrip('0')]}'"
        elif len(uid) < self.zero_width:
            hint = "other ids begin with 0, so its own may have been dropped"
        elif len(uid) < self.width:
            hint = f"the other ids have {self.width} digits"
        else:
            return None
        return (
            f"'{uid}' was a number cell, and a number keeps no leading zeros: {hint}. Imported "
            f"as '{uid}' (ids are compared as text); if that is wrong, format the id column as "
            "text in the export and import the list again"
        )
