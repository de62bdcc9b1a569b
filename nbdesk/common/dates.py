"""Reading dates as councils export them and staff type them, and writing them as the lists show
them. Each reader takes text and returns a date, or raises ValueError with a reason written for the
person who must fix it."""

from __future__ import annotations

import re
from datetime import date, timedelta

from nbdesk.common import clock

# Excel counts days from 30 December 1899 (its 1900 leap-year bug makes that the right origin for
# every date after February 1900, which is all a register holds).
EXCEL_EPOCH = date(1899, 12, 30)
# Serial numbers from 1 January 1910 to 31 December 2099: a bare number outside that is not a date.
EXCEL_SERIAL_RANGE = (3654, 73050)

MONTHS = {
    name: number
    for number, names in enumerate(
        [
            ("jan", "january"),
            ("feb", "february"),
            ("mar", "march"),
            ("apr", "april"),
            ("may",),
            ("jun", "june"),
            ("jul", "july"),
            ("aug", "august"),
            ("sep", "sept", "september"),
            ("oct", "october"),
            ("nov", "november"),
            ("dec", "december"),
        ],
        start=1,
    )
    for name in names
}

_NUMERIC_DATE = re.compile(r"^(\d{1,2})\s*[/.\-]\s*(\d{1,2})\s*[/.\-]\s*(\d{2}|\d{4})$")
_ISO_DATE = re.compile(r"^(\d{4})[-/](\d{1,2})[-/](\d{1,2})(?:[ T]00:00(?::00(?:\.0+)?)?)?$")
_NAMED_MONTH = re.compile(
    r"^(\d{1,2})(?:st|nd|rd|th)?[\s\-/]+([A-Za-z]+)\.?[\s\-/,]+(\d{2}|\d{4})$"
)
_SERIAL = re.compile(r"^\d{4,5}(?:\.0+)?$")


def _full_year(text: str, today: date, past: bool) -> int:
    year = int(text)
    if len(text) == 4:
        return year
    century = today.year - today.year % 100
    if past:
        # A date of birth: the most recent year ending so that is not after this one.
        return century + year if century + year <= today.year else century - 100 + year
    # Any other date (a round's closing day, say): the year ending so nearest to this one.
    return min(
        (century - 100 + year, century + year, century + 100 + year),
        key=lambda y: abs(y - today.year),
    )


def parse_date(
    text: str, today: date | None = None, *, past: bool = True, serials: bool = True
) -> date:
    """A date as councils export it and staff type it: 03/04/2007 or 3/4/07 (day first, as in
    England), 03-04-2007, 03.04.2007, 3-Apr-2007, 3 April 2007, 2007-04-03, or (where `serials`)
    an Excel serial number such as 39175. A two-digit year is the latest one not after this year
    when `past` (dates of birth), else the nearest."""
    today = today or clock.today()
    value = text.strip().lstrip("'")
    if not value:
        raise ValueError("is blank")
    try:
        if match := _ISO_DATE.match(value):
            return date(int(match[1]), int(match[2]), int(match[3]))
        if match := _NUMERIC_DATE.match(value):
            return date(_full_year(match[3], today, past), int(match[2]), int(match[1]))
        if match := _NAMED_MONTH.match(value):
            month = MONTHS.get(match[2].lower())
            if month is None:
                raise ValueError(f"'{value}' has no month called '{match[2]}'")
            return date(_full_year(match[3], today, past), month, int(match[1]))
    except ValueError as exc:
        if "month called" in str(exc):
            raise
        raise ValueError(
            f"'{value}' is not a real date (dates are read day first: 31/12/2006)"
        ) from None
    if serials and _SERIAL.match(value):
        serial = int(float(value))
        low, high = EXCEL_SERIAL_RANGE
        if low <= serial <= high:
            return EXCEL_EPOCH + timedelta(days=serial)
    raise ValueError(
        f"'{value}' is not a date nbdesk can read (use 31/12/2006, 31-Dec-2006 or 2006-12-31)"
    )


# What lists write for a date of birth (or a contact detail) nobody has: the same as a blank cell.
NOT_KNOWN = {"n/k", "nk", "n.k.", "not known", "unknown", "-", "–", "—"}


def not_known(text: str) -> bool:
    """Blank, or a way of writing "not known" (n/k, N/K, nk, not known, unknown, -)."""
    return " ".join(text.strip().lstrip("'").split()).lower() in NOT_KNOWN | {""}


def parse_birth_date(text: str, today: date | None = None) -> date:
    today = today or clock.today()
    born = parse_date(text, today)
    if born > today:
        raise ValueError(f"'{text.strip()}' is in the future")
    if born.year < 1900:
        raise ValueError(f"'{text.strip()}' is before 1900")
    return born


def format_day(day: date | None) -> str:
    return day.strftime("%d %b %Y") if day else ""
