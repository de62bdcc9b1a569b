"""Register import: messy council files, a warning (never a lost person) for a bad detail, refusals
only for rows that name no one, all-or-nothing, re-import keeps history."""

from __future__ import annotations

import shutil
from collections.abc import Callable
from datetime import date, datetime
from pathlib import Path

import pytest

from nbdesk.cli import main
from nbdesk.common.tabular import TableError
from nbdesk.storage import Database, create_database, open_database
from nbdesk.storage.location import Location
from nbdesk.survey.completion import completion_state, mark_completed, unmark_completed
from nbdesk.survey.contacts import contact_history, log_contact
from nbdesk.survey.import_preview import (
    DuplicatesUnresolved,
    FieldWarning,
    ImportRejected,
    Rejection,
)
from nbdesk.survey.register import (
    FIELD_NAMES,
    PersonFields,
    add_person,
    find_person,
    list_register,
    register_size,
    update_person,
)
from nbdesk.survey.register_columns import guess_mapping, read_register_file
from nbdesk.survey.register_import import DEFAULT_DNC_REASON, apply_import, preview_import
from nbdesk.survey.rounds import open_round
from tests.support.fingerprint import fingerprint
from tests.support.paths import DATA

MESSY = DATA / "register_messy.csv"
CLEAN = DATA / "register_clean.csv"


@pytest.fixture
def db(database_at: Callable[..., Location]) -> Database:
    database = create_database(database_at("a.nbdesk"), "Testshire County Council")
    yield database
    database.close()


def test_plain_list_headers_are_mapped() -> None:
    table = read_register_file(MESSY)
    mapping = guess_mapping(table.headers)
    assert mapping["unique_id"] == "Unique ID"
    assert mapping["first_name"] == "First name" and mapping["surname"] == "Surname"
    assert mapping["pa_name"] == "Allocated Personal Adviser"
    assert mapping["accommodation"] == "Type of Accommodation"
    assert mapping["phone"] == "Mobile"


def test_messy_list_warnings_duplicates_and_refusals(db: Database) -> None:
    """Every bad detail is a warning by row, column and reason and its person is imported; only
    the row with no id is refused; the id on two rows that differ waits for a choice."""
    with db.session() as session:
        preview = preview_import(session, read_register_file(MESSY), today=date(2026, 6, 1))
    assert preview.rows_read == 10  # the blank row 5 is skipped, not counted or refused
    assert list(preview.rejections) == [Rejection(12, "Unique ID", "has no unique id")]
    assert list(preview.warnings) == [
        FieldWarning(
            7,
            "Date of birth",
            "'31/02/2006' is not a real date (dates are read day first: 31/12/2006); left blank",
        ),
        FieldWarning(
            8, "Mobile", "'020 7946 0000' is a landline: kept for calls; it cannot take texts"
        ),
        FieldWarning(8, "Email", "'gus@example' is not an email address; left blank"),
        FieldWarning(10, "Date of birth", "'12/12/2030' is in the future; left blank"),
        FieldWarning(
            10,
            "Preferred channel",
            "'Pigeon' is not a channel (one of: Text message, WhatsApp, Phone call, Email, "
            "Letter or paper copy, In person, Through a trusted adult); left blank",
        ),
    ]
    assert preview.warnings[2].text() == (
        "row 8, column 'Email': 'gus@example' is not an email address; left blank"
    )
    [a002] = preview.duplicates
    assert (a002.unique_id, a002.row_numbers) == ("A002", (3, 9))
    assert a002.differing == (
        "First name",
        "Surname",
        "Date of birth",
        "Gender",
        "Allocated Personal Adviser",
        "Team",
        "Mobile",
        "Type of Accommodation",
        "Preferred channel",
    )
    assert a002.rows[1].cells["First name"] == "Hana"
    assert preview.rejected_rows == [12]
    assert [n for n, _ in preview.valid] == [2, 4, 6, 7, 8, 10, 11]
    assert preview.new_ids == {f"A00{i}" for i in (1, 3, 4, 5, 6, 7, 8)}
    assert not preview.can_import  # until a row is chosen for A002
    assert preview.summary() == (
        "7 people will be added. 3 of them have a detail left blank (see the "
        "warnings). 1 of them has a landline: kept for calls, but it cannot take texts. 1 row is "
        "left out: it has no unique id. 1 id is on two rows that differ: choose which to keep."
    )

    chosen = preview.resolve({"A002": 9})
    assert chosen.can_import and not chosen.duplicates
    assert [n for n, _ in chosen.valid] == [2, 4, 6, 7, 8, 9, 10, 11]
    assert dict(chosen.valid)[9]["name"] == "Hana Wobblethorpe"
    assert chosen.summary() == (
        "8 people will be added. 3 of them have a detail left blank (see the "
        "warnings). 1 of them has a landline: kept for calls, but it cannot take texts. For the "
        "id A002, row 9 is kept and row 3 left out. 1 row is left out: it has no unique id."
    )
    assert preview.keep("last") == chosen
    assert dict(preview.keep("first").valid)[3]["name"] == "Cai Thistlebottom"


def test_a_choice_must_name_a_row_of_an_id_that_differs(db: Database, tmp_path: Path) -> None:
    path = tmp_path / "thrice.csv"
    path.write_text(
        "Unique ID,Name,Email,Team\n"
        "T1,Ada Wobblesock,ada@example,North\n"
        "T1,Ada Wobblesock,ada@example.com,North\n"
        "T1,Ada Wobblesock,ada@example.com,South\n"
        "T2,Bo Nettlehop,,\n"
    )
    with db.session() as session:
        preview = preview_import(session, read_register_file(path))
    [t1] = preview.duplicates
    assert t1.text() == "the unique id 'T1' is on rows 2, 3 and 4, which differ in Email and Team"
    assert preview.summary().endswith("1 id is on rows that differ: choose which to keep.")
    with pytest.raises(ValueError, match=r"Row 5 does not hold the unique id 'T1' \(rows 2, 3"):
        preview.resolve({"T1": 5})
    with pytest.raises(ValueError, match="'T2' is not on rows that differ"):
        preview.resolve({"T2": 5})
    with pytest.raises(ValueError, match="'first' or the 'last'"):
        preview.keep("middle")
    # Row 2's broken email is listed until another row is chosen: it is then not imported.
    assert [w.row for w in preview.warnings] == [2]
    assert preview.keep("last").warnings == ()
    assert [w.row for w in preview.keep("first").warnings] == [2]
    with pytest.raises(DuplicatesUnresolved, match="rows 2, 3 and 4"), db.transaction() as s:
        apply_import(s, preview)
    with db.transaction() as session:
        result = apply_import(session, preview.resolve({"T1": 3}))
    assert (result.added, result.updated, result.warned) == (2, 0, 0)
    with db.session() as session:
        ada = find_person(session, "T1")
    assert (ada.email, ada.team) == ("ada@example.com", "North")


def test_a_refused_import_changes_nothing(db: Database) -> None:
    table = read_register_file(CLEAN)
    with db.transaction() as session:
        apply_import(session, preview_import(session, table))
    before = list_register_snapshot(db)
    with pytest.raises(DuplicatesUnresolved), db.transaction() as session:
        apply_import(session, preview_import(session, read_register_file(MESSY)))
    assert list_register_snapshot(db) == before
    with pytest.raises(ImportRejected, match="1 row names no one"), db.transaction() as session:
        apply_import(session, preview_import(session, read_register_file(MESSY)).keep("first"))
    assert list_register_snapshot(db) == before


def list_register_snapshot(db: Database) -> list[tuple[object, ...]]:
    with db.session() as session:
        return [tuple(r[1:]) for r in list_register(session)]


def test_rows_are_read_as_councils_write_them(db: Database) -> None:
    with db.transaction() as session:
        preview = preview_import(session, read_register_file(MESSY), today=date(2026, 6, 1))
        result = apply_import(session, preview.keep("first"), skip_invalid=True)
    assert (result.added, result.updated, result.skipped_rows, result.warned) == (8, 0, 1, 3)
    with db.session() as session:
        bea = find_person(session, "A001")
        eli = find_person(session, "A004")
        dara = find_person(session, "A003")
        jude = find_person(session, "A008")
        cai, finn, gus, isla = (find_person(session, f"A00{i}") for i in (2, 5, 6, 7))
        assert register_size(session) == 8
    # Stray spaces around ids and names, day-first dates, a text channel label.
    assert (bea.name, bea.date_of_birth, bea.phone, bea.preferred_channel) == (
        "Bea Puddlewick",
        date(2007, 4, 3),
        "07700 900123",
        "text",
    )
    # An Excel serial date, a number kept as text with an apostrophe, an email in capitals.
    assert (eli.date_of_birth, eli.phone, eli.email) == (
        date(2007, 4, 3),
        "07700 900126",
        "ELI@example.com",
    )
    # A mobile number stored as a number, so its leading 0 was lost.
    assert (dara.date_of_birth, dara.phone, dara.team) == (
        date(2005, 12, 31),
        "07700 900125",
        "South team",
    )
    assert (jude.date_of_birth, jude.phone, jude.preferred_channel) == (
        date(2005, 6, 15),
        "07700 900130",
        "phone",
    )
    # A bad detail is left blank and the person kept; a landline is kept for calls.
    assert (cai.name, cai.phone) == ("Cai Thistlebottom", "07700 900124")  # row 3, chosen
    assert (finn.date_of_birth, finn.phone) == (None, "07700 900127")
    assert (gus.phone, gus.email) == ("020 7946 0000", "")
    assert (isla.date_of_birth, isla.preferred_channel, isla.phone) == (None, "", "07700 900129")


def test_a_missing_required_column_imports_nothing(db: Database, tmp_path: Path) -> None:
    path = tmp_path / "no_id.csv"
    lines = CLEAN.read_text().splitlines()
    path.write_text("\n".join(",".join(line.split(",")[1:]) for line in lines) + "\n")
    with db.transaction() as session:
        preview = preview_import(session, read_register_file(path))
        assert preview.problems and "Unique id" in preview.problems[0]
        assert not preview.can_import
        with pytest.raises(ValueError, match="required"):
            apply_import(session, preview, skip_invalid=True)
    with db.session() as session:
        assert register_size(session) == 0


def write_annex_a(path: Path) -> None:
    from openpyxl import Workbook

    book = Workbook()
    sheet = book.active
    sheet.append(
        [
            "Child Unique ID",
            "Gender",
            "Ethnicity",
            "Date of Birth",
            "Eligibility Category",
            "UASC",
            "Disability",
            "Allocated Personal Advisor",
            "Type of Accommodation",
            "Suitability of Accommodation",
            "Activity Status",
        ]
    )
    sheet.append(
        [
            100234,
            "F",
            "WBRI",
            datetime(2006, 3, 1),
            "Former relevant",
            "N",
            "No",
            "Pat Honeysock",
            "Independent living",
            "Suitable",
            "Education",
        ]
    )
    sheet.append(
        [
            100235,
            "M",
            "BAFR",
            39175,
            "Relevant",
            "Y",
            "No",
            "Sam Wafflethorpe",
            "Supported lodgings",
            "Suitable",
            "NEET",
        ]
    )
    sheet.append([None] * 11)
    sheet.append(
        [
            "100236 ",
            "M",
            "AIND",
            "03/04/2005",
            "Former relevant",
            "n",
            "Yes",
            " Jo  Periwinkle ",
            "Custody",
            "Not suitable",
            "Training or employment",
        ]
    )
    sheet.append(
        [
            100237,
            "F",
            "WBRI",
            "not known",
            "Former relevant",
            "maybe",
            "No",
            "Jo Periwinkle",
            "Custody",
            "Not suitable",
            "NEET",
        ]
    )
    book.save(path)


def test_annex_a_workbook_is_recognised(db: Database, tmp_path: Path) -> None:
    path = tmp_path / "annex_a.xlsx"
    write_annex_a(path)
    table = read_register_file(path)
    mapping = guess_mapping(table.headers)
    assert mapping == {
        "unique_id": "Child Unique ID",
        "date_of_birth": "Date of Birth",
        "gender": "Gender",
        "ethnicity": "Ethnicity",
        "uasc": "UASC",
        "disability": "Disability",
        "pa_name": "Allocated Personal Advisor",
        "eligibility_category": "Eligibility Category",
        "accommodation": "Type of Accommodation",
        "activity": "Activity Status",
    }
    with db.transaction() as session:
        preview = preview_import(session, table)
        assert preview.ignored_headers == ("Suitability of Accommodation",)
        assert preview.rejections == ()
        # "not known" is a date of birth nobody has: blank, and no warning.
        assert [w.text() for w in preview.warnings] == [
            "row 6, column 'UASC': 'maybe' is not yes or no; taken as no",
        ]
        apply_import(session, preview)
    with db.session() as session:
        first, second, third, fourth = (
            find_person(session, i) for i in ("100234", "100235", "100236", "100237")
        )
    assert first.date_of_birth == date(2006, 3, 1) and not first.uasc
    assert second.date_of_birth == date(2007, 4, 3) and second.uasc
    assert third.date_of_birth == date(2005, 4, 3) and third.pa_name == "Jo Periwinkle"
    assert (fourth.date_of_birth, fourth.uasc, fourth.activity) == (None, False, "NEET")


def test_re_import_updates_by_unique_id_and_keeps_history(db: Database, tmp_path: Path) -> None:
    with db.transaction() as session:
        apply_import(session, preview_import(session, read_register_file(CLEAN)))
        rnd = open_round(session, "Time 2", date(2026, 1, 10), date(2026, 3, 1)).value
        cai = find_person(session, "B002")
        log_contact(session, rnd.id, cai.id, date(2026, 1, 12), "text", "link-sent", "spoke")
        mark_completed(session, rnd.id, cai.id, "young-person", date(2026, 1, 20))
        unmark_completed(session, rnd.id, cai.id, "Marked the wrong Cai", date(2026, 1, 21))
        mark_completed(session, rnd.id, cai.id, "pa", date(2026, 1, 22))

    changed = tmp_path / "changed.csv"
    text = CLEAN.read_text().replace(
        "Cai Thistlebottom,Caz,03/04/2006,Male,Pat Honeysock",
        "Cai Thistlebottom,Caz,03/04/2006,Male,Jo Periwinkle",
    )
    changed.write_text(text + "B007,Hana Wobblethorpe,,04/05/2004,Female,Jo Periwinkle,,,,,,,\n")
    with db.transaction() as session:
        preview = preview_import(session, read_register_file(changed))
        assert preview.updated_ids == {f"B00{i}" for i in range(1, 7)}
        assert preview.new_ids == {"B007"}
        result = apply_import(session, preview)
    assert (result.added, result.updated) == (1, 6)

    db.close()
    reopened = open_database(db.location)
    with reopened.session() as session:
        cai = find_person(session, "B002")
        assert cai.pa_name == "Jo Periwinkle" and cai.preferred_name == "Caz"
        assert [c.outcome for c in contact_history(session, cai.id)] == ["spoke"]
        state = completion_state(session, rnd.id, cai.id)
        assert state.completed and state.confirmed_by == "pa"
        assert [(h.action, h.reason) for h in state.history] == [
            ("marked", ""),
            ("unmarked", "Marked the wrong Cai"),
            ("marked", ""),
        ]
        assert register_size(session) == 7
    reopened.close()


def test_cli_import_refuses_rows_that_name_no_one_unless_told(
    database_at: Callable[..., Location], tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    path = database_at("cli.nbdesk")
    create_database(path, "Testshire").close()
    before = fingerprint(path)

    code = main(["register", "import", str(MESSY), "--db", str(path), "--keep", "first"])
    out, err = capsys.readouterr()
    assert code == 1
    assert "Left out row 12, column 'Unique ID': has no unique id" in out
    assert "Warning: row 8, column 'Email': 'gus@example' is not an email address" in out
    assert err == (
        "nbdesk: error: register_messy.csv: row 12, column 'Unique ID': has no unique id. "
        "Nothing was imported: some rows name no one. Fix them, or use --skip-invalid to import "
        "everyone else.\n"
    )

    code = main(["register", "import", str(MESSY), "--db", str(path), "--dry-run"])
    out, _ = capsys.readouterr()
    assert code == 1 and "Dry run: nothing was changed." in out
    assert fingerprint(path) == before  # opened and read, but not written

    code = main(
        ["register", "import", str(MESSY), "--db", str(path), "--skip-invalid", "--keep", "first"]
    )
    out, _ = capsys.readouterr()
    assert code == 0 and "Imported: 8 added, 0 updated, 1 row left out; 3 with a warning." in out

    clean_copy = tmp_path / "clean.csv"
    shutil.copyfile(CLEAN, clean_copy)
    code = main(["register", "import", str(clean_copy), "--db", str(path)])
    out, _ = capsys.readouterr()
    assert code == 0 and "Imported: 6 added, 0 updated, 0 rows left out; 1 with a warning." in out
    # Gus, born in 1990, is kept and said to be outside the programme's ages (a tester's 46-year-
    # old came in without a word).
    assert (
        "row 7, column 'Date of birth': 01 Jan 1990 makes them 36 today, outside 16 to 25: kept"
    ) in out
    assert "1 of them is under 16 or over 25 by the date of birth given" in out


ANNEX_A = DATA / "register_annex_a.xlsx"  # made by tests/data/make_register_annex_a.py
CONTACTS = DATA / "register_annex_a_contacts.xlsx"  # made by the same script


def test_annex_a_file_sheet_headers_and_exact_rejections(db: Database) -> None:
    """Ofsted's Annex A keeps one list per sheet, each with a Child Unique ID column: the care
    leaver list (not the first sheet) is found, its headers recognised even with notes in
    brackets and line breaks, and every messy cell is either read or rejected by row and column."""
    table = read_register_file(ANNEX_A)
    assert table.sheet == "List 10 Care leavers"
    assert guess_mapping(table.headers) == {
        "unique_id": "Child Unique ID",
        "date_of_birth": "Date of Birth (DD/MM/YYYY)",
        "gender": "Gender",
        "ethnicity": "Ethnicity",
        "uasc": "UASC",
        "disability": "Disability",
        "pa_name": "Allocated Personal Advisor",
        "eligibility_category": "Eligibility Category",
        "accommodation": "Type of Accommodation",
        "activity": "Activity Status",
    }
    dob = "Date of Birth (DD/MM/YYYY)"
    with db.transaction() as session:
        preview = preview_import(session, table, today=date(2026, 6, 1))
        assert preview.rows_read == 11  # the blank row 4 is skipped
        assert preview.ignored_headers == ("Age", "In touch", "Suitability of Accommodation")
        assert list(preview.rejections) == [
            Rejection(
                9,
                "Child Unique ID",
                "'1.00239E+11' is a number Excel has shortened, so the id is lost; format the "
                "column as text in the case system's export and save the list again",
            ),
            Rejection(12, "Child Unique ID", "has no unique id"),
        ]
        assert list(preview.warnings) == [
            FieldWarning(6, "UASC", "'maybe' is not yes or no; taken as no"),
            FieldWarning(
                10,
                dob,
                "'2007-13-01' is not a real date (dates are read day first: 31/12/2006); "
                "left blank",
            ),
            FieldWarning(13, dob, "'2030-01-01' is in the future; left blank"),
        ]
        # The same id once as text and once as a number, its date written two ways: one person.
        assert preview.repeats == ((8, 7),) and preview.duplicates == ()
        assert [n for n, _ in preview.valid] == [2, 3, 5, 6, 7, 10, 11, 13]
        assert preview.summary() == (
            "8 people will be added. 3 of them have a detail left blank (see the warnings). Row 8 "
            "repeats row 7: imported once. 2 rows are left out: 1 with no unique id and 1 with an "
            "id Excel shortened, so the digits are lost."
        )
        with pytest.raises(ImportRejected):
            apply_import(session, preview)
        assert register_size(session) == 0
        result = apply_import(session, preview, skip_invalid=True)
        assert (result.added, result.skipped_rows, result.warned) == (8, 2, 3)
    with db.session() as session:
        people = {i: find_person(session, i) for i in ("100234", "100235", "100236", "100241")}
    # A date cell, an Excel serial number, day-first text and a month in words.
    assert [p.date_of_birth for p in people.values()] == [
        date(2006, 3, 1),
        date(2007, 4, 3),
        date(2005, 4, 3),
        date(2006, 6, 15),
    ]
    assert [p.uasc for p in people.values()] == [False, True, False, True]  # N, Y, n, TRUE
    assert people["100236"].gender == "M" and people["100236"].pa_name == "Jo Periwinkle"
    assert people["100235"].activity == "NEET"
    assert people["100234"].eligibility_category == "Former relevant"
    with db.session() as session:
        born_later, bad_month, not_known = (
            find_person(session, i) for i in ("100242", "100240", "100237")
        )
        repeated = find_person(session, "100238")
    assert [p.date_of_birth for p in (born_later, bad_month, not_known)] == [None, None, None]
    assert (repeated.date_of_birth, repeated.pa_name) == (date(2004, 1, 12), "Kit Bramblehay")


def test_another_sheet_can_be_named(db: Database) -> None:
    table = read_register_file(ANNEX_A, "List 1 Contacts")
    assert table.sheet == "List 1 Contacts" and "Source" in table.headers
    with pytest.raises(TableError, match="has no sheet named 'List 99'"):
        read_register_file(ANNEX_A, "List 99")


def test_headers_with_notes_in_brackets_are_recognised() -> None:
    mapping = guess_mapping(
        ["Child Unique ID (CUID)", "Date of birth [dd/mm/yyyy]", "Mobile (work)", "Name"]
    )
    assert mapping == {
        "unique_id": "Child Unique ID (CUID)",
        "name": "Name",
        "date_of_birth": "Date of birth [dd/mm/yyyy]",
        "phone": "Mobile (work)",
    }


def test_a_mobile_number_excel_shortened_is_left_blank_with_why(
    db: Database, tmp_path: Path
) -> None:
    path = tmp_path / "shortened.csv"
    path.write_text("Unique ID,Name,Mobile\nC1,Ada Wobblesock,7.7009E+09\nC2,Bo Nettlehop,\n")
    with db.session() as session:
        preview = preview_import(session, read_register_file(path))
    assert preview.rejections == ()
    assert [w.text() for w in preview.warnings] == [
        "row 2, column 'Mobile': '7.7009E+09' is a number Excel has shortened, so digits are "
        "lost; format the column as text and save the list again; left blank"
    ]
    assert [n for n, _ in preview.valid] == [2, 3]
    assert "phone" not in dict(preview.valid)[2]


def test_re_import_leaves_what_a_blank_cell_does_not_say(db: Database, tmp_path: Path) -> None:
    """A list without someone's mobile must not wipe the number a PA typed in by hand, nor a
    do-not-contact reason written by hand when the list only says yes."""
    with db.transaction() as session:
        apply_import(session, preview_import(session, read_register_file(CLEAN)))
        dara = find_person(session, "B003")
        finn = find_person(session, "B005")
        update_person(
            session,
            dara.id,
            PersonFields(**{n: getattr(dara, n) for n in FIELD_NAMES} | {"phone": "07700900199"}),
        )
        update_person(
            session,
            finn.id,
            PersonFields(
                **{n: getattr(finn, n) for n in FIELD_NAMES}
                | {"do_not_contact_reason": "Asked through his advocate, 2 Feb"}
            ),
        )
    again = tmp_path / "again.csv"
    again.write_text(
        "Unique ID,Name,Mobile,Team,Do not contact\n"
        "B003,Dara Quillfinch,,East team,\n"
        "B005,Finn Nettlewhistle,,,yes\n"
        "B006,,07700 900177,,no\n"
    )
    with db.transaction() as session:
        preview = preview_import(session, read_register_file(again))
        assert [w.text() for w in preview.warnings] == [
            "row 3, column 'Do not contact': do not contact is set but the list has no reason "
            "column; the reason on the register is kept"
        ]
        result = apply_import(session, preview)
    assert (result.added, result.updated) == (0, 3)
    with db.session() as session:
        dara, finn, gus = (find_person(session, i) for i in ("B003", "B005", "B006"))
    assert (dara.phone, dara.team, dara.email) == ("07700 900199", "East team", "dara@example.com")
    assert finn.do_not_contact and finn.do_not_contact_reason == "Asked through his advocate, 2 Feb"
    assert finn.phone == "07700 900127"
    assert (gus.name, gus.phone, gus.do_not_contact) == ("Gus Marrowbury", "07700 900177", False)

    # Saying "no" does clear the flag, and its reason with it.
    off = tmp_path / "off.csv"
    off.write_text("Unique ID,Do not contact\nB005,no\n")
    with db.transaction() as session:
        apply_import(session, preview_import(session, read_register_file(off)))
    with db.session() as session:
        finn = find_person(session, "B005")
    assert (finn.do_not_contact, finn.do_not_contact_reason) == (False, "")


def test_a_new_person_flagged_without_a_reason_column_says_where_it_came_from(
    db: Database, tmp_path: Path
) -> None:
    path = tmp_path / "dnc.csv"
    path.write_text("Unique ID,Name,DNC\nD1,Ada Wobblesock,Y\n")
    with db.transaction() as session:
        preview = preview_import(session, read_register_file(path))
        assert [w.text() for w in preview.warnings] == [
            "row 2, column 'DNC': do not contact is set but the list has no reason column; "
            f"recorded as '{DEFAULT_DNC_REASON}'"
        ]
        apply_import(session, preview)
    with db.session() as session:
        ada = find_person(session, "D1")
    assert ada.do_not_contact and ada.do_not_contact_reason == DEFAULT_DNC_REASON


def test_an_import_stopped_part_way_stores_nothing(db: Database, tmp_path: Path) -> None:
    """Stored in one transaction: a failure after the first thousands of rows (a crash, a full
    disk) leaves the register as it was, never half imported."""
    path = tmp_path / "big.csv"
    lines = ["Unique ID,Name,Date of birth"]
    lines += [f"E{n:05d},Person {n} Tumblesock,01/02/2005" for n in range(5000)]
    path.write_text("\n".join(lines) + "\n")
    seen: list[int] = []

    def fail_after_the_first_chunk(done: int, total: int) -> None:
        seen.append(done)
        raise OSError("disk full")

    with pytest.raises(OSError, match="disk full"), db.transaction() as session:
        preview = preview_import(session, read_register_file(path))
        apply_import(session, preview, progress=fail_after_the_first_chunk)
    assert seen == [2000]  # rows had been written in the transaction when it failed
    with db.session() as session:
        assert register_size(session) == 0


def test_a_title_block_above_the_header_row_is_skipped(db: Database, tmp_path: Path) -> None:
    """Lists downloaded from a portal often carry a title and a note above the header: the header
    is the first row naming a unique id, the sheet is still found, and rejections keep the row
    numbers the spreadsheet shows."""
    from openpyxl import load_workbook

    titled = tmp_path / "annex-a-with-title.xlsx"
    book = load_workbook(ANNEX_A)
    sheet = book["List 10 Care leavers"]
    sheet.insert_rows(1, amount=3)
    sheet["A1"] = "Annex A: List 10 – care leavers"
    sheet["A2"] = "Please provide the list as at the start of the inspection"
    book.save(titled)

    table = read_register_file(titled)
    assert (table.sheet, table.header_row) == ("List 10 Care leavers", 4)
    assert table.headers == read_register_file(ANNEX_A).headers
    with db.transaction() as session:
        preview = preview_import(session, table, today=date(2026, 6, 1))
    assert [n for n, _ in preview.valid] == [5, 6, 8, 9, 10, 13, 14, 16]  # three rows down
    assert preview.repeats == ((11, 10),)
    assert [r.row for r in preview.rejections] == [12, 15]

    # A CSV with a title line, and one with no recognisable header at all.
    (tmp_path / "titled.csv").write_text(
        "Care leavers at 1 May 2026,,\nUnique ID,Name,Date of birth\nX1,Ada Plumtwig,01/02/2006\n"
    )
    table = read_register_file(tmp_path / "titled.csv")
    assert (table.header_row, table.rows[0].number) == (2, 3)
    (tmp_path / "no-id.csv").write_text("Name,Date of birth\nAda Plumtwig,01/02/2006\n")
    table = read_register_file(tmp_path / "no-id.csv")
    assert table.header_row == 1
    with pytest.raises(TableError, match=r"header row \(row 1\) has no column 'Unique ID'"):
        table.require(["Unique ID"])


def test_a_messy_list_with_contact_details_imports_everyone_it_names(
    database_at: Callable[..., Location],
) -> None:
    """A landline, a broken email, an n/k date of birth, an id repeated with the same details, an
    id on two rows that differ and a row with no id: everyone with an id is imported, each bad
    detail is a warning by row and column, and nothing is written until the import is confirmed."""
    path = database_at("messy.nbdesk")
    create_database(path, "Testshire County Council").close()
    before = fingerprint(path)

    db = open_database(path)
    with db.session() as session:
        preview = preview_import(session, read_register_file(CONTACTS))
    assert [w.text() for w in preview.warnings] == [
        "row 3, column 'Mobile': '020 7946 0000' is a landline: kept for calls; it cannot take "
        "texts",
        "row 4, column 'Email': 'ellie@example' is not an email address; left blank",
        "row 10, column 'Do not contact reason': do not contact is set but no reason is given; "
        f"recorded as '{DEFAULT_DNC_REASON}'",
    ]
    assert [r.text() for r in preview.rejections] == [
        "row 6, column 'Child Unique ID': has no unique id"
    ]
    assert preview.repeats == ((8, 5),)
    [fen] = preview.duplicates
    assert fen.text() == (
        "the unique id '300005' is on rows 7 and 9, which differ in Allocated Personal Advisor "
        "and Mobile"
    )
    assert preview.summary() == (
        "5 people will be added. 1 of them has a detail left blank (see the warnings). 1 of them "
        "has a landline: kept for calls, but it cannot take texts. 1 of them is marked do not "
        "contact with no reason given (see the warnings). Row 8 repeats row 5: imported once. "
        "1 row is left out: it has no unique id. 1 id is on two rows that differ: choose which "
        "to keep."
    )
    # Cancelled: the preview was read from the database, which is as it was (a file byte for byte).
    db.close()
    assert fingerprint(path) == before

    db = open_database(path)
    with db.transaction() as session:
        preview = preview_import(session, read_register_file(CONTACTS)).resolve({"300005": 9})
        result = apply_import(session, preview, skip_invalid=True)
    db.close()
    assert (result.added, result.updated, result.skipped_rows, result.warned) == (6, 0, 1, 3)

    reopened = open_database(path)
    with reopened.session() as session:
        people = {
            uid: find_person(session, uid)
            for uid in ("300001", "300002", "300003", "300004", "300005", "300006")
        }
        assert register_size(session) == 6
    reopened.close()
    assert (people["300002"].phone, people["300002"].date_of_birth) == ("020 7946 0000", None)
    assert (people["300003"].name, people["300003"].email) == ("Ellie Crumblewick", "")
    assert people["300004"].date_of_birth == date(2005, 6, 15)
    assert (people["300005"].pa_name, people["300005"].phone) == ("Kit Bramblehay", "07700 900299")
    gil = people["300006"]
    assert (gil.do_not_contact, gil.do_not_contact_reason, gil.date_of_birth) == (
        True,
        DEFAULT_DNC_REASON,
        None,
    )


def test_a_bad_detail_for_someone_on_the_register_leaves_what_is_held(
    db: Database, tmp_path: Path
) -> None:
    with db.transaction() as session:
        apply_import(session, preview_import(session, read_register_file(CLEAN)))
    again = tmp_path / "again.csv"
    again.write_text(
        "Unique ID,Date of birth,Email,Mobile,Do not contact,Do not contact reason\n"
        "B001,n/k,bea@example,020 7946 0000,,\n"
        "B002,31/02/2006,,,maybe,\n"
        "B005,,,,yes,\n"
        "B006,unknown,,,yes,\n"
    )
    with db.transaction() as session:
        preview = preview_import(session, read_register_file(again))
        assert [w.text() for w in preview.warnings] == [
            "row 2, column 'Email': 'bea@example' is not an email address; left as it is on "
            "the register",
            "row 2, column 'Mobile': '020 7946 0000' is a landline: kept for calls; it cannot "
            "take texts",
            "row 3, column 'Date of birth': '31/02/2006' is not a real date (dates are read day "
            "first: 31/12/2006); left as it is on the register",
            "row 3, column 'Do not contact': 'maybe' is not yes or no; left as it is on the "
            "register",
            "row 4, column 'Do not contact reason': do not contact is set but no reason is "
            "given; the reason on the register is kept",
            "row 5, column 'Do not contact reason': do not contact is set but no reason is "
            f"given; recorded as '{DEFAULT_DNC_REASON}'",
        ]
        assert preview.summary() == (
            "4 people will be updated (matched by unique id: their contacts and completions are "
            "kept). 2 of them have a detail left blank or as held (see the warnings). 1 of them "
            "has a landline: kept for calls, but it cannot take texts. 2 of them are marked do "
            "not contact with no reason given (see the warnings)."
        )
        apply_import(session, preview)
    with db.session() as session:
        bea, cai, finn, gus = (find_person(session, i) for i in ("B001", "B002", "B005", "B006"))
    assert (bea.date_of_birth, bea.email, bea.phone) == (
        date(2007, 4, 3),
        "bea@example.com",
        "020 7946 0000",
    )
    assert (cai.date_of_birth, cai.do_not_contact) == (date(2006, 4, 3), False)
    assert finn.do_not_contact_reason == "Asked not to be contacted"
    assert (gus.date_of_birth, gus.do_not_contact, gus.do_not_contact_reason) == (
        date(1990, 1, 1),
        True,
        DEFAULT_DNC_REASON,
    )


def test_someone_new_with_no_name_is_added_with_a_warning(db: Database, tmp_path: Path) -> None:
    """A tester's row with a blank name was added without a word: a nameless line on the
    register. Someone new with no name is added by the id and warned about by row and column;
    someone already on the register keeps their name (a blank cell changes nothing)."""
    with db.transaction() as session:
        add_person(session, PersonFields("K1", name="Kit Bramblehay"))
    path = tmp_path / "list.csv"
    path.write_text(
        "Unique ID,Name,Date of birth\nK1,,01/02/2008\nN1,,03/04/2008\nN2,Nell Quill,05/06/2008\n",
        encoding="utf-8",
    )
    with db.session() as session:
        preview = preview_import(session, read_register_file(path))
    assert [(w.row, w.column, w.reason) for w in preview.warnings] == [
        (3, "Name", "no name is given: added by the id alone")
    ]
    assert "1 of them has no name in the list: added by the id alone" in preview.summary()
    with db.transaction() as session:
        apply_import(session, preview)
    db.close()
    reopened = open_database(db.location)
    with reopened.session() as session:
        assert (find_person(session, "K1").name, find_person(session, "N1").name) == (
            "Kit Bramblehay",
            "",
        )
    reopened.close()
