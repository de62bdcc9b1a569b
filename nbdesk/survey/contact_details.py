"""Reading how a person can be reached: UK phone numbers (mobile or landline) and email addresses.

Each reader takes the text of a cell or a form and returns the value in one written form, or raises
ValueError with a reason written for the person who must fix it.
"""

from __future__ import annotations

import re

from nbdesk.common.text import excel_shortened

MOBILE_PREFIXES = {"071", "072", "073", "074", "075", "077", "078", "079"}
_EMAIL = re.compile(r"^[^@\s]+@[^@\s]+\.[A-Za-z]{2,}$")
# Compiled once: a Notify list checks every number on the register.
_NOT_PHONE = re.compile(r"[^\d\s+()\-.]")
_NOT_DIGIT = re.compile(r"\D")


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
    if _NOT_PHONE.search(value):
        raise ValueError(f"'{value}' is not a phone number")
    # "+44 (0)7700 900123": the bracketed 0 is dialled only from inside the UK.
    digits = _NOT_DIGIT.sub("", value.replace("(0)", ""))
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
    digits = _NOT_DIGIT.sub("", phone)
    return len(digits) == 11 and (digits[:3] in MOBILE_PREFIXES or digits.startswith("07624"))


def is_landline(phone: str) -> bool:
    """Whether a number (as uk_phone gives it) is a geographic landline: 01 or 02."""
    digits = _NOT_DIGIT.sub("", phone)
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
