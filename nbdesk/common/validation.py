"""Reading the values people type and councils export: dates, UK mobile numbers, email addresses.

Each reader takes the text of a cell (as nbdesk.common.tabular gives it) and returns the value in one
canonical form, or raises ValueError with a reason written for the person who must fix the cell.
"""

from __future__ import annotations

import re
from datetime import date, datetime, timedelta

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
MOBILE_PREFIXES = {"071", "072", "073", "074", "075", "077", "078", "079"}
_EMAIL = re.compile(r"^[^@\s]+@[^@\s]+\.[A-Za-z]{2,}$")


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


_SHORTENED = re.compile(r"^[+-]?\d(?:\.\d+)?[eE][+-]?\d+$")


def excel_shortened(text: str) -> bool:
    """A long number Excel displayed (and a CSV export then saved) in scientific form, such as
    7.7009E+09 or 1.00234E+11: its last digits are gone and cannot be recovered."""
    return bool(_SHORTENED.match(text.strip()))


def _uk_digits(text: str) -> tuple[str, str]:
    """The text as typed (tidied) and its digits in national form (0…), or ValueError."""
    value = text.strip().lstrip("'")
    if not value:
        raise ValueError("is blank")
    if excel_shortened(value):
        raise ValueError(
            f"'{value}' is a number Excel has shortened, so digits are lost; format the column "
            "as text and save the list again"
        )
    if re.search(r"[^\d\s+()\-.]", value):
        raise ValueError(f"'{value}' is not a phone number")
    # "+44 (0)7700 900123": the bracketed 0 is dialled only from inside the UK.
    digits = re.sub(r"\D", "", value.replace("(0)", ""))
    if value.startswith("+") and not digits.startswith("44"):
        raise ValueError(f"'{value}' is not a UK number")
    if digits.startswith("0044"):
        digits = "0" + digits[4:]
    elif digits.startswith("44") and len(digits) in (11, 12):
        digits = "0" + digits[2:]
    elif len(digits) == 10 and digits.startswith("7"):
        digits = "0" + digits
    return value, digits


def takes_texts(phone: str) -> bool:
    """Whether a number (as uk_phone gives it) is a mobile that can take text messages: 071–075
    and 077–079, and the Isle of Man's 07624 (070 is personal numbering, 076 pagers)."""
    digits = re.sub(r"\D", "", phone)
    return len(digits) == 11 and (digits[:3] in MOBILE_PREFIXES or digits.startswith("07624"))


def is_landline(phone: str) -> bool:
    """Whether a number (as uk_phone gives it) is a geographic landline: 01 or 02."""
    digits = re.sub(r"\D", "", phone)
    return digits.startswith(("01", "02"))


def uk_phone(text: str) -> str:
    """A UK phone number, mobile or landline, in one written form (07700 900123, 020 7946 0000,
    01632 960000), from any of the ways people write one: +44 7700 900123, 0044 7700 900123,
    (07700) 900-123, or 7700900123 (a spreadsheet that stored the number as a number and dropped
    its leading 0). A landline is a phone number too: the person can be called, not texted."""
    value, digits = _uk_digits(text)
    if not digits.startswith("0") or digits[1:2] not in {"1", "2", "3", "7", "8"}:
        raise ValueError(f"'{value}' is not a UK phone number (they start 01, 02, 03, 07 or 08)")
    if digits.startswith("07"):
        if len(digits) != 11:
            raise ValueError(f"'{value}' has {len(digits)} digits; a UK mobile number has 11")
        return f"{digits[:5]} {digits[5:]}"
    if len(digits) not in (10, 11) or (len(digits) == 10 and not digits.startswith("01")):
        raise ValueError(f"'{value}' has {len(digits)} digits; a UK phone number has 11")
    if digits.startswith("02"):
        return f"{digits[:3]} {digits[3:7]} {digits[7:]}"
    if digits.startswith(("03", "08")) or digits[:4] in {
        "0113",
        "0114",
        "0115",
        "0116",
        "0117",
        "0118",
        "0121",
        "0131",
        "0141",
        "0151",
        "0161",
        "0191",
    }:
        return f"{digits[:4]} {digits[4:7]} {digits[7:]}"
    return f"{digits[:5]} {digits[5:]}"


def uk_mobile(text: str) -> str:
    """A UK mobile number that can take texts, in the form 07700 900123 (see uk_phone)."""
    value, _ = _uk_digits(text)
    phone = uk_phone(text)
    if not takes_texts(phone):
        raise ValueError(
            f"'{value}' is not a UK mobile number (they start 071–075 or 077–079), so it "
            "cannot take texts"
        )
    return phone


def email_address(text: str) -> str:
    value = text.strip()
    if not value:
        raise ValueError("is blank")
    if value.lower().startswith("mailto:"):
        value = value[7:]
    if not _EMAIL.match(value) or ".." in value:
        raise ValueError(f"'{value}' is not an email address")
    local, domain = value.rsplit("@", 1)
    return f"{local}@{domain.lower()}"


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


def format_day(day: date | None) -> str:
    return day.strftime("%d %b %Y") if day else ""


def now_for_records() -> datetime:
    return clock.now()
