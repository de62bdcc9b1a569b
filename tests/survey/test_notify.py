"""The GOV.UK Notify upload list, read back from the written file."""

from __future__ import annotations

import csv
import os
from collections.abc import Callable
from datetime import date
from pathlib import Path

import pytest

from nbdesk.cli import main
from nbdesk.storage import Database, create_database
from nbdesk.storage.location import Location
from nbdesk.survey.completion import mark_completed
from nbdesk.survey.notify import NOTIFY_ROW_LIMIT, notify_list, write_notify_file
from nbdesk.survey.register import PersonFields, add_person, find_person, update_person
from nbdesk.survey.register_columns import read_register_file
from nbdesk.survey.register_import import apply_import, preview_import
from nbdesk.survey.rounds import exclude_person, find_round, open_round
from tests.support.paths import DATA

CLEAN = DATA / "register_clean.csv"


@pytest.fixture
def db(database_at: Callable[..., Location]) -> Database:
    database = create_database(database_at("n.nbdesk"), "Testshire County Council")
    with database.transaction() as session:
        apply_import(session, preview_import(session, read_register_file(CLEAN)))
        rnd = open_round(session, "Time 2", date(2026, 1, 10), date(2026, 3, 1)).value
        mark_completed(session, rnd.id, find_person(session, "B001").id, "pa", date(2026, 1, 12))
        add_person(session, PersonFields("B010", name="", phone="07700 900150"))
        # Added after opening, and included; no name to personalise a message with.
        from nbdesk.survey.rounds import include_person

        include_person(session, rnd.id, find_person(session, "B010").id, "New to the service")
        eli = find_person(session, "B004")
        exclude_person(session, rnd.id, eli.id, "In hospital")
    yield database
    database.close()


def test_text_list_and_the_left_out_reasons(db: Database, tmp_path: Path) -> None:
    with db.session() as session:
        data = notify_list(session, find_round(session, "Time 2").id, "text")
    assert data.headers == ("phone number", "first name", "pa name")
    # Cai is known as Caz; Dara has no mobile; Finn is do-not-contact; Bea completed.
    assert data.rows == (("07700900124", "Caz", "Pat Honeysock"),)
    reasons = {p.unique_id: p.reason for p in data.left_out}
    assert reasons == {
        "B001": "completed on 12 Jan 2026 (confirmed by their PA)",
        "B003": "no mobile number",
        "B004": "not counted in this round (In hospital)",
        "B005": "do not contact (Asked not to be contacted)",
        "B006": "not counted in this round (Aged 36 when the round opened)",
        "B010": "no first name or pa name for the message",
    }

    out = tmp_path / "remind.csv"
    write_notify_file(out, data)
    with out.open(newline="", encoding="utf-8") as fh:
        rows = list(csv.reader(fh))
    assert rows == [
        ["phone number", "first name", "pa name"],
        ["07700900124", "Caz", "Pat Honeysock"],
    ]


def test_email_list_as_xlsx(db: Database, tmp_path: Path) -> None:
    from openpyxl import load_workbook

    with db.session() as session:
        data = notify_list(
            session, find_round(session, "Time 2").id, "email", ("first name", "round closes")
        )
    assert data.headers == ("email address", "first name", "round closes")
    assert data.rows == (("dara@example.com", "Dara", "01 Mar 2026"),)
    out = tmp_path / "remind.xlsx"
    write_notify_file(out, data)
    sheet = load_workbook(out, read_only=True).worksheets[0]
    assert [list(r) for r in sheet.iter_rows(values_only=True)] == [
        ["email address", "first name", "round closes"],
        ["dara@example.com", "Dara", "01 Mar 2026"],
    ]


def test_the_write_is_atomic(db: Database, tmp_path: Path) -> None:
    from nbdesk.common.atomic import ExportError, write_atomically

    out = tmp_path / "remind.csv"
    out.write_text("the previous list\n")
    with db.session() as session:
        data = notify_list(session, find_round(session, "Time 2").id, "text")
    with pytest.raises(ValueError, match="xlsx"):
        write_notify_file(tmp_path / "remind.pdf", data)

    def fail(temp: Path) -> None:
        assert temp.parent == out.parent  # same folder, so the final step is a rename
        temp.write_text("half a list")
        raise OSError("disk full")

    with pytest.raises(ExportError, match="disk full"):
        write_atomically(out, fail)
    # A failure part-way leaves the old file as it was and no temporary file behind.
    assert out.read_text() == "the previous list\n"
    assert [n for n in os.listdir(tmp_path) if n.startswith(".remind")] == []
    write_notify_file(out, data)
    assert out.read_text().splitlines()[0] == "phone number,first name,pa name"


def test_too_many_rows_for_notify_is_refused(db: Database, monkeypatch: pytest.MonkeyPatch) -> None:
    import nbdesk.survey.notify

    assert NOTIFY_ROW_LIMIT == 100_000
    monkeypatch.setattr(nbdesk.survey.notify, "NOTIFY_ROW_LIMIT", 0)
    with db.session() as session, pytest.raises(ValueError, match="at most 0 rows"):
        notify_list(session, find_round(session, "Time 2").id, "text")


def test_an_invalid_number_typed_later_is_left_out_with_its_reason(db: Database) -> None:
    with db.transaction() as session:
        cai = find_person(session, "B002")
        update_person(
            session, cai.id, PersonFields("B002", name="Cai Thistlebottom", pa_name="Pat Honeysock")
        )
        data = notify_list(session, find_round(session, "Time 2").id, "text")
    assert data.rows == ()
    assert {p.unique_id: p.reason for p in data.left_out}["B002"] == "no mobile number"


def test_a_landline_from_an_imported_list_is_left_out_with_why(
    db: Database, tmp_path: Path
) -> None:
    """The register keeps a landline so a PA can ring; Notify can only text mobiles, so the list
    says the person has a landline rather than that their number is wrong."""
    update = tmp_path / "landline.csv"
    update.write_text("Unique ID,Mobile\nB002,020 7946 0000\n")
    with db.transaction() as session:
        preview = preview_import(session, read_register_file(update))
        assert [w.text() for w in preview.warnings] == [
            "row 2, column 'Mobile': '020 7946 0000' is a landline: kept for calls; it cannot "
            "take texts"
        ]
        apply_import(session, preview)
        assert find_person(session, "B002").phone == "020 7946 0000"
        data = notify_list(session, find_round(session, "Time 2").id, "text")
    assert data.rows == ()
    assert {p.unique_id: p.reason for p in data.left_out}["B002"] == (
        "has a landline (020 7946 0000), which cannot take texts"
    )


def test_a_number_stored_before_it_was_checked_is_left_out_with_its_reason(db: Database) -> None:
    from sqlalchemy import update as sql_update

    from nbdesk.storage.models.survey import CareLeaver

    with db.transaction() as session:
        session.execute(
            sql_update(CareLeaver).where(CareLeaver.unique_id == "B002").values(phone="ring mum")
        )
        data = notify_list(session, find_round(session, "Time 2").id, "text")
    assert {p.unique_id: p.reason for p in data.left_out}["B002"] == (
        "phone number not valid: 'ring mum' is not a phone number"
    )


def test_cli_export_notify(
    db: Database, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    out = tmp_path / "notify.csv"
    left = tmp_path / "left.csv"
    db.close()
    code = main(
        [
            "export",
            "notify",
            "Time 2",
            "--db",
            str(db.location),
            "--out",
            str(out),
            "--left-out",
            str(left),
        ]
    )
    printed, _ = capsys.readouterr()
    assert code == 0
    assert "Wrote 1 person to remind" in printed and "B003: no mobile number" in printed
    assert "Caz" not in printed.split("Left out")[1]  # the printed list holds ids, not names
    assert out.read_text().splitlines() == [
        "phone number,first name,pa name",
        "07700900124,Caz,Pat Honeysock",
    ]
    assert "Dara Quillfinch,Sam Wafflethorpe,no mobile number" in left.read_text()
    code = main(
        [
            "export",
            "notify",
            "Time 2",
            "--db",
            str(db.location),
            "--out",
            str(out),
            "--channel",
            "email",
            "--columns",
            "first name,shoe size",
        ]
    )
    _, err = capsys.readouterr()
    assert code == 1 and "shoe size" in err


def test_exactly_the_row_limit_is_accepted(db: Database, monkeypatch: pytest.MonkeyPatch) -> None:
    import nbdesk.survey.notify

    monkeypatch.setattr(
        nbdesk.survey.notify, "NOTIFY_ROW_LIMIT", 1
    )  # the fixture has one to remind
    with db.session() as session:
        data = notify_list(session, find_round(session, "Time 2").id, "text")
    assert len(data.rows) == 1


def test_a_notify_file_of_100000_rows_reads_back_whole(tmp_path: Path) -> None:
    from nbdesk.survey.notify import NotifyList

    rows = tuple((f"07700{n:06d}", f"Pip{n}", "Pat Honeysock") for n in range(NOTIFY_ROW_LIMIT))
    data = NotifyList("Time 2", "text", ("phone number", "first name", "pa name"), rows, ())
    out = write_notify_file(tmp_path / "all.csv", data)
    with out.open(newline="", encoding="utf-8") as fh:
        back = list(csv.reader(fh))
    assert len(back) == 100_001
    assert back[0] == ["phone number", "first name", "pa name"]
    assert back[1] == ["07700000000", "Pip0", "Pat Honeysock"]  # the leading 0 kept
    assert back[-1] == ["07700099999", "Pip99999", "Pat Honeysock"]


def test_a_name_that_starts_with_an_equals_sign_stays_text_in_xlsx(
    db: Database, tmp_path: Path
) -> None:
    from openpyxl import load_workbook

    with db.transaction() as session:
        cai = find_person(session, "B002")
        update_person(
            session,
            cai.id,
            PersonFields(
                "B002",
                name="Cai Thistlebottom",
                preferred_name="=1+1",
                phone=cai.phone,
                pa_name=cai.pa_name,
                date_of_birth=cai.date_of_birth,
            ),
        )
    with db.session() as session:
        data = notify_list(session, find_round(session, "Time 2").id, "text")
    out = write_notify_file(tmp_path / "remind.xlsx", data)
    cell = load_workbook(out)["Notify"]["B2"]
    assert (cell.value, cell.data_type) == ("=1+1", "s")


def test_the_left_out_list_keeps_formula_like_text_as_text(db: Database, tmp_path: Path) -> None:
    """PAs open the left-out list in Excel: a name Excel would run as a formula is kept as text."""
    from nbdesk.survey.notify import write_left_out_file

    with db.transaction() as session:
        dara = find_person(session, "B003")
        update_person(
            session,
            dara.id,
            PersonFields(
                "B003",
                name='=HYPERLINK("http://example.com","Dara")',
                pa_name=dara.pa_name,
                date_of_birth=dara.date_of_birth,
            ),
        )
    with db.session() as session:
        data = notify_list(session, find_round(session, "Time 2").id, "text")
    out = write_left_out_file(tmp_path / "left-out.csv", data)
    with out.open(newline="", encoding="utf-8") as fh:
        rows = {r[0]: r for r in csv.reader(fh)}
    assert rows["B003"][1] == '\'=HYPERLINK("http://example.com","Dara")'
    assert rows["B005"][1] == "Finn Nettlewhistle"  # ordinary names as they are


@pytest.mark.parametrize("typed", ["=1+1", "+SUM(A1)", "-2+3", "@SUM(1)"])
def test_a_name_a_spreadsheet_would_run_gets_an_apostrophe_in_the_csv(
    db: Database, tmp_path: Path, typed: str
) -> None:
    """CSV injection: a name beginning = + - @ (or a tab) reaches the CSV with a leading
    apostrophe, so a spreadsheet shows it as text; the phone number is left as it is."""
    with db.transaction() as session:
        cai = find_person(session, "B002")
        update_person(
            session,
            cai.id,
            PersonFields(
                "B002",
                name="Cai Thistlebottom",
                preferred_name=typed,
                phone=cai.phone,
                pa_name="@Pat",
                date_of_birth=cai.date_of_birth,
            ),
        )
    with db.session() as session:
        data = notify_list(session, find_round(session, "Time 2").id, "text")
    out = write_notify_file(tmp_path / "remind.csv", data)
    with out.open(newline="", encoding="utf-8") as fh:
        rows = list(csv.reader(fh))
    assert rows[1] == ["07700900124", "'" + typed, "'@Pat"]


def test_csv_safe_follows_owasp() -> None:
    from nbdesk.common.text import csv_safe

    assert [csv_safe(v) for v in ("=1", "+1", "-1", "@A", "\t=1", "\r=1")] == [
        "'=1",
        "'+1",
        "'-1",
        "'@A",
        "'\t=1",
        "'\r=1",
    ]
    assert [csv_safe(v) for v in ("Jo", "07700 900123", "a=b", "")] == [
        "Jo",
        "07700 900123",
        "a=b",
        "",
    ]


def test_an_email_address_a_spreadsheet_would_run_is_left_out(db: Database) -> None:
    with db.transaction() as session:
        cai = find_person(session, "B002")
        update_person(
            session,
            cai.id,
            PersonFields(
                "B002",
                name="Cai Thistlebottom",
                email="-cai@example.com",
                pa_name=cai.pa_name,
                date_of_birth=cai.date_of_birth,
            ),
        )
    with db.session() as session:
        data = notify_list(session, find_round(session, "Time 2").id, "email")
    reasons = {p.unique_id: p.reason for p in data.left_out}
    assert reasons["B002"] == (
        "the email address begins with '-', which a spreadsheet could run as a formula; send "
        "this one by hand"
    )
