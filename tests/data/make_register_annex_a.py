"""Writes the Annex A-shaped workbooks the register import tests read.

Run from the repository root: `.venv/bin/python tests/data/make_register_annex_a.py`. The workbooks
are kept in the repository so the tests read real files; this script says how they were made.

register_annex_a.xlsx: like Ofsted's Annex A it holds one list per sheet, and the care-leaver list
is not the first. Its rows carry what councils' exports do: ids as numbers and as numbers stored as
text, an id Excel shortened to scientific form, dates as date cells, as Excel serial numbers and as
text in several forms, "not known" for a date, a blank row, stray spaces, a repeated id (one a
number, one text, the date written two ways), a row with no id and a TRUE cell.

register_annex_a_contacts.xlsx: the care-leaver list with the contact details a council adds from
its case system, and the mess that comes with them: a landline, a broken email, an n/k date of
birth, an id twice with the same details, an id twice with different details, a row with no id
and a do-not-contact flag with no reason.

Every name is invented.
"""

from __future__ import annotations

from datetime import datetime
from pathlib import Path

from openpyxl import Workbook

HERE = Path(__file__).parent

CONTACTS_HEADERS = ["Child Unique ID", "Gender", "Date of Birth", "Contact date", "Source"]
CARE_LEAVER_HEADERS = [
    "Child Unique ID",
    "Gender",
    "Ethnicity",
    "Date of Birth (DD/MM/YYYY)",
    "Age",
    "UASC",
    "Disability",
    "Eligibility Category",
    "Allocated Personal\nAdvisor",
    "In touch",
    "Type of Accommodation",
    "Suitability of Accommodation",
    " Activity Status ",
]
# fmt: off
ROWS: list[list[object]] = [
    # row 2: a number id and a date cell
    [100234, "F", "WBRI", datetime(2006, 3, 1), 20, "N", "No", "Former relevant",
     "Pat Honeysock", "Yes", "Independent living", "Suitable", "Education"],
    # row 3: the id as a number stored as text; the date an Excel serial number
    ["100235", "M", "BAFR", 39175, 19, "Y", "No", "Relevant",
     "Sam Wafflethorpe", "Yes", "Supported lodgings", "Suitable", "NEET"],
    # row 4: blank
    [None] * 13,
    # row 5: stray spaces; a day-first date as text
    [" 100236 ", " M ", "AIND", "03/04/2005", 21, "n", "Yes", "Former relevant",
     " Jo  Periwinkle ", "Yes", "Custody", "Not suitable", "Training or employment"],
    # row 6: a date written "not known", and a yes/no that is neither
    [100237, "F", "WBRI", "not known", 22, "maybe", "No", "Former relevant",
     "Jo Periwinkle", "No", "Custody", "Not suitable", "NEET"],
    # rows 7 and 8: the same id and details, the id once as text and once as a number
    ["100238", "F", "MWBC", "12-Jan-2004", 22, "N", "No", "Former relevant",
     "Kit Bramblehay", "Yes", "Independent living", "Suitable", "Education"],
    [100238, "F", "MWBC", "2004-01-12", 22, "N", "No", "Former relevant",
     "Kit Bramblehay", "Yes", "Independent living", "Suitable", "Education"],
    # row 9: an id Excel shortened to scientific form
    ["1.00239E+11", "M", "WBRI", "01/02/2003", 23, "N", "No", "Former relevant",
     "Pat Honeysock", "Yes", "Independent living", "Suitable", "Education"],
    # row 10: month 13
    [100240, "M", "WBRI", "2007-13-01", 18, "N", "No", "Relevant",
     "Pat Honeysock", "Yes", "Independent living", "Suitable", "Education"],
    # row 11: a date with the month in words; a TRUE cell for UASC
    [100241, "M", "BAFR", "15 June 2006", 20, True, "No", "Former relevant",
     "Sam Wafflethorpe", "Yes", "Semi-independent", "Suitable", "Education"],
    # row 12: details but no id
    [None, "F", "WBRI", "01/01/2006", 20, "N", "No", "Former relevant",
     "Sam Wafflethorpe", "Yes", "Semi-independent", "Suitable", "Education"],
    # row 13: born in the future
    [100242, "F", "WBRI", datetime(2030, 1, 1), 0, "N", "No", "Relevant",
     "Sam Wafflethorpe", "Yes", "Semi-independent", "Suitable", "Education"],
]

CONTACT_HEADERS = [
    "Child Unique ID", "Forename", "Surname", "Gender", "Date of Birth",
    "Allocated Personal Advisor", "Mobile", "Email", "Type of Accommodation", "Do not contact",
    "Do not contact reason",
]
CONTACT_ROWS: list[list[object]] = [
    # row 2: nothing wrong
    [300001, "Ada", "Wobblesock", "F", datetime(2006, 3, 1), "Pat Honeysock", "07700 900201",
     "ada@example.com", "Independent living", "N", None],
    # row 3: a landline, and a date of birth not known
    [300002, "Bea", "Plumtwig", "F", "n/k", "Pat Honeysock", "020 7946 0000",
     "bea@example.com", "Supported lodgings", "N", None],
    # row 4: an email with no ending
    [300003, "Ellie", "Crumblewick", "F", "03/04/2007", "Sam Wafflethorpe", "07700 900203",
     "ellie@example", "Independent living", None, None],
    # row 5: repeated on row 8
    [300004, "Cal", "Nettlebrook", "M", "15/06/2005", "Sam Wafflethorpe", "07700 900204",
     "cal@example.com", "Custody", "N", None],
    # row 6: no id
    [None, "Dee", "Hollyhock", "F", "01/01/2006", "Sam Wafflethorpe", "07700 900206",
     "dee@example.com", "Semi-independent", "N", None],
    # row 7: the same id as row 9, with another PA and mobile
    [300005, "Fen", "Brackenridge", "M", "12/01/2004", "Jo Periwinkle", "07700 900205",
     "fen@example.com", "Independent living", "N", None],
    # row 8: row 5 again, the id as text and the date written another way
    ["300004", "Cal", "Nettlebrook", "M", datetime(2005, 6, 15), "Sam Wafflethorpe",
     "07700900204", "cal@example.com", "Custody", "no", None],
    # row 9: the same id as row 7
    [300005, "Fen", "Brackenridge", "M", "12/01/2004", "Kit Bramblehay", "07700 900299",
     "fen@example.com", "Independent living", "N", None],
    # row 10: do not contact with no reason; a date of birth not known
    [300006, "Gil", "Thimbleby", "M", "not known", "Jo Periwinkle", None, None, "Custody", "Y",
     None],
]
# fmt: on


def write_contacts_list(path: Path) -> None:
    book = Workbook()
    sheet = book.active
    sheet.title = "List 10 Care leavers"
    sheet.append(CONTACT_HEADERS)
    for row in CONTACT_ROWS:
        sheet.append(row)
    book.save(path)


def main() -> None:
    book = Workbook()
    contacts = book.active
    contacts.title = "List 1 Contacts"
    contacts.append(CONTACTS_HEADERS)
    contacts.append([200001, "F", datetime(2012, 5, 1), datetime(2026, 1, 3), "School"])
    leavers = book.create_sheet("List 10 Care leavers")
    leavers.append(CARE_LEAVER_HEADERS)
    for row in ROWS:
        leavers.append(row)
    book.create_sheet("Notes").append(["This workbook is fictional test data for nbdesk."])
    book.save(HERE / "register_annex_a.xlsx")
    write_contacts_list(HERE / "register_annex_a_contacts.xlsx")


if __name__ == "__main__":
    main()
