"""Register import: messy council files, exact rejections, all-or-nothing, re-import keeps history."""

from __future__ import annotations

import shutil
from datetime import date, datetime
from pathlib import Path

import pytest

from nbdesk.cli import main
from nbdesk.register import (
    FIELD_NAMES,
    PersonFields,
    find_person,
    list_register,
    register_size,
    update_person,
)
from nbdesk.register_import import (
    DEFAULT_DNC_REASON,
    ImportRejected,
    Rejection,
    apply_import,
    guess_mapping,
    preview_import,
    read_register_file,
)
from nbdesk.rounds import (
    completion_state,
    contact_history,
    log_contact,
    mark_completed,
    open_round,
    unmark_completed,
)
from nbdesk.storage import Database, create_database
from nbdesk.tabular import TableError

DATA = Path(__file__).parent / "data"
MESSY = DATA / "register_messy.csv"
CLEAN = DATA / "register_clean.csv"


@pytest.fixture
def db(tmp_path: Path) -> Database:
    database = create_database(tmp_path / "a.nbdesk", "Testshire County Council")
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


def test_messy_rejections_row_column_and_reason(db: Database) -> None:
    with db.session() as session:
        preview = preview_import(session, read_register_file(MESSY), today=date(2026, 6, 1))
    assert preview.rows_read == 9  # the blank row 5 is skipped, not counted or rejected
    assert list(preview.rejections) == [
        Rejection(3, "Unique ID", "the unique id 'A002' is also on row 9"),
        Rejection(
            7,
            "Date of birth",
            "'31/02/2006' is not a real date (dates are read day first: 31/12/2006)",
        ),
        Rejection(
            8,
            "Mobile",
            "'020 7946 0000' is not a UK mobile number (they start 071–075 or 077–079)",
        ),
        Rejection(8, "Email", "'gus@example' is not an email address"),
        Rejection(9, "Unique ID", "the unique id 'A002' is also on row 3"),
        Rejection(10, "Date of birth", "'12/12/2030' is in the future"),
        Rejection(
            10,
            "Preferred channel",
            "'Pigeon' is not a channel (one of: Text message, WhatsApp, Phone call, Email, "
            "Letter or paper copy, In person, Through a trusted adult)",
        ),
    ]
    assert preview.rejected_rows == [3, 7, 8, 9, 10]
    assert [n for n, _ in preview.valid] == [2, 4, 6, 11]
    assert preview.new_ids == {"A001", "A003", "A004", "A008"}
    assert preview.rejections[0].text() == (
        "row 3, column 'Unique ID': the unique id 'A002' is also on row 9"
    )


def test_a_rejected_import_changes_nothing(db: Database) -> None:
    table = read_register_file(CLEAN)
    with db.transaction() as session:
        apply_import(session, preview_import(session, table))
    before = list_register_snapshot(db)
    with pytest.raises(ImportRejected), db.transaction() as session:
        apply_import(session, preview_import(session, read_register_file(MESSY)))
    assert list_register_snapshot(db) == before


def list_register_snapshot(db: Database) -> list[tuple[object, ...]]:
    with db.session() as session:
        return [tuple(r[1:]) for r in list_register(session)]


def test_valid_rows_are_read_as_councils_write_them(db: Database) -> None:
    with db.transaction() as session:
        preview = preview_import(session, read_register_file(MESSY), today=date(2026, 6, 1))
        result = apply_import(session, preview, skip_invalid=True)
    assert (result.added, result.updated, result.skipped_rows) == (4, 0, 5)
    with db.session() as session:
        bea = find_person(session, "A001")
        eli = find_person(session, "A004")
        dara = find_person(session, "A003")
        jude = find_person(session, "A008")
        assert register_size(session) == 4
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
        assert [r.text() for r in preview.rejections] == [
            "row 6, column 'Date of Birth': 'not known' is not a date nbdesk can read "
            "(use 31/12/2006, 31-Dec-2006 or 2006-12-31)",
            "row 6, column 'UASC': 'maybe' is not yes or no",
        ]
        apply_import(session, preview, skip_invalid=True)
    with db.session() as session:
        first, second, third = (find_person(session, i) for i in ("100234", "100235", "100236"))
    assert first.date_of_birth == date(2006, 3, 1) and not first.uasc
    assert second.date_of_birth == date(2007, 4, 3) and second.uasc
    assert third.date_of_birth == date(2005, 4, 3) and third.pa_name == "Jo Periwinkle"


def test_re_import_updates_by_unique_id_and_keeps_history(db: Database, tmp_path: Path) -> None:
    with db.transaction() as session:
        apply_import(session, preview_import(session, read_register_file(CLEAN)))
        rnd = open_round(session, "Time 2", date(2026, 1, 10), date(2026, 3, 1))
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
    reopened = Database(db.path)
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


def test_cli_import_refuses_rejected_rows_unless_told(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    path = tmp_path / "cli.nbdesk"
    create_database(path, "Testshire").close()
    before = path.read_bytes()

    code = main(["register", "import", str(MESSY), "--db", str(path)])
    out, _ = capsys.readouterr()
    assert code == 1
    assert "Rejected row 8, column 'Email': 'gus@example' is not an email address" in out
    assert "Nothing was imported" in out

    code = main(["register", "import", str(MESSY), "--db", str(path), "--dry-run"])
    out, _ = capsys.readouterr()
    assert code == 1 and "Dry run: 4 valid rows (4 new, 0 updates), 5 rejected." in out
    database = Database(path)
    with database.session() as session:
        assert register_size(session) == 0
    database.close()
    assert before  # the file exists and was opened, but holds no one

    code = main(["register", "import", str(MESSY), "--db", str(path), "--skip-invalid"])
    out, _ = capsys.readouterr()
    assert code == 0 and "Imported: 4 added, 0 updated, 5 rows skipped." in out

    clean_copy = tmp_path / "clean.csv"
    shutil.copyfile(CLEAN, clean_copy)
    code = main(["register", "import", str(clean_copy), "--db", str(path)])
    out, _ = capsys.readouterr()
    assert code == 0 and "Imported: 6 added, 0 updated, 0 rows skipped." in out


ANNEX_A = DATA / "register_annex_a.xlsx"  # made by tests/data/make_register_annex_a.py


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
                6,
                dob,
                "'not known' is not a date nbdesk can read (use 31/12/2006, 31-Dec-2006 or "
                "2006-12-31)",
            ),
            Rejection(6, "UASC", "'maybe' is not yes or no"),
            # The same id once as text and once as a number is still the same id.
            Rejection(7, "Child Unique ID", "the unique id '100238' is also on row 8"),
            Rejection(8, "Child Unique ID", "the unique id '100238' is also on row 7"),
            Rejection(
                9,
                "Child Unique ID",
                "'1.00239E+11' is a number Excel has shortened, so the id is lost; format the "
                "column as text in the case system's export and save the list again",
            ),
            Rejection(
                10, dob, "'2007-13-01' is not a real date (dates are read day first: 31/12/2006)"
            ),
            Rejection(12, "Child Unique ID", "has no unique id"),
            Rejection(13, dob, "'2030-01-01' is in the future"),
        ]
        assert [n for n, _ in preview.valid] == [2, 3, 5, 11]
        with pytest.raises(ImportRejected):
            apply_import(session, preview)
        assert register_size(session) == 0
        apply_import(session, preview, skip_invalid=True)
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


def test_a_mobile_number_excel_shortened_is_rejected_with_why(db: Database, tmp_path: Path) -> None:
    path = tmp_path / "shortened.csv"
    path.write_text("Unique ID,Name,Mobile\nC1,Ada Wobblesock,7.7009E+09\nC2,Bo Nettlehop,\n")
    with db.session() as session:
        preview = preview_import(session, read_register_file(path))
    assert [r.text() for r in preview.rejections] == [
        "row 2, column 'Mobile': '7.7009E+09' is a number Excel has shortened, so digits are "
        "lost; format the column as text and save the list again"
    ]
    assert [n for n, _ in preview.valid] == [3]


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
        result = apply_import(session, preview_import(session, read_register_file(again)))
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
        apply_import(session, preview_import(session, read_register_file(path)))
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
    assert [n for n, _ in preview.valid] == [5, 6, 8, 14]  # rows 2, 3, 5 and 11, three down
    assert preview.rejections[0].row == 9

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
