"""Reading dates, UK phone numbers and email addresses as councils' lists hold them."""

from __future__ import annotations

from datetime import date

import pytest

from nbdesk.common.dates import not_known, parse_birth_date, parse_date
from nbdesk.common.text import yes_no
from nbdesk.survey.contact_details import (
    email_address,
    is_landline,
    takes_texts,
    uk_mobile,
    uk_phone,
)

TODAY = date(2026, 6, 1)


@pytest.mark.parametrize(
    "text",
    [
        "03/04/2007",
        "3/4/2007",
        "03-04-2007",
        "03.04.2007",
        "3-Apr-2007",
        "03-Apr-07",
        "3 April 2007",
        "3rd April 2007",
        "2007-04-03",
        "2007-04-03 00:00:00",
        "39175",
        " 03/04/2007 ",
        "'03/04/2007",
    ],
)
def test_dates_councils_export(text: str) -> None:
    assert parse_date(text, TODAY) == date(2007, 4, 3)


@pytest.mark.parametrize(
    ("text", "reason"),
    [
        ("31/02/2006", "is not a real date"),
        ("04/13/2007", "is not a real date"),  # American month-first
        ("3-Smarch-2007", "has no month called 'Smarch'"),
        ("12", "is not a date nbdesk can read"),
        ("99999", "is not a date nbdesk can read"),
        ("", "is blank"),
    ],
)
def test_dates_that_are_refused(text: str, reason: str) -> None:
    with pytest.raises(ValueError, match=reason):
        parse_date(text, TODAY)


def test_two_digit_years_and_birth_dates() -> None:
    assert parse_date("01/01/25", TODAY) == date(2025, 1, 1)
    assert parse_date("01/01/30", TODAY) == date(1930, 1, 1)
    with pytest.raises(ValueError, match="future"):
        parse_birth_date("01/07/2026", TODAY)


@pytest.mark.parametrize(
    "text",
    [
        "07700 900123",
        "07700900123",
        "+44 7700 900123",
        "+447700900123",
        "+44 (0)7700 900123",
        "0044 7700 900123",
        "447700900123",
        "7700900123",  # stored as a number: the leading 0 is gone
        "'07700 900123",
        "(07700) 900-123",
    ],
)
def test_uk_mobiles(text: str) -> None:
    assert uk_mobile(text) == "07700 900123"


@pytest.mark.parametrize(
    ("text", "reason"),
    [
        ("020 7946 0000", "not a UK mobile"),
        ("07700 90012", "has 10 digits"),
        ("+33 6 12 34 56 78", "not a UK number"),
        ("ring mum", "not a phone number"),
    ],
)
def test_not_mobiles(text: str, reason: str) -> None:
    with pytest.raises(ValueError, match=reason):
        uk_mobile(text)


def test_a_landline_is_a_phone_number_that_takes_no_texts() -> None:
    """The import keeps a landline (the person can be called); only texting needs a mobile."""
    assert uk_phone("020 7946 0000") == "020 7946 0000"
    assert uk_phone("+44 1632 960000") == "01632 960000"
    assert uk_phone("0113 496 0000") == "0113 496 0000"
    assert is_landline("020 7946 0000") and not takes_texts("020 7946 0000")
    assert is_landline("01632 960000") and not takes_texts("01632 960000")
    assert not is_landline("07700 900123") and takes_texts("07700 900123")
    assert not is_landline("0300 123 4567") and not takes_texts("0300 123 4567")
    with pytest.raises(ValueError, match="not a UK phone number"):
        uk_phone("0900 123456")


@pytest.mark.parametrize("text", ["n/k", "N/K", "nk", "NK", "not known", "Not  Known", "unknown",
                                  "-", "'n/k", " ", ""])  # fmt: skip
def test_ways_of_writing_not_known(text: str) -> None:
    assert not_known(text)


@pytest.mark.parametrize("text", ["03/04/2007", "none given", "0", "n"])
def test_values_that_are_not_not_known(text: str) -> None:
    assert not not_known(text)


def test_emails_and_yes_no() -> None:
    assert email_address(" Bea@Example.COM ") == "Bea@example.com"
    for bad in ("bea@example", "bea example.com", "bea@@example.com", "a@b..com"):
        with pytest.raises(ValueError):
            email_address(bad)
    assert [yes_no(t) for t in ("Y", "yes", "TRUE", "1", "", "N", "no")] == [
        True,
        True,
        True,
        True,
        False,
        False,
        False,
    ]
    with pytest.raises(ValueError):
        yes_no("maybe")
