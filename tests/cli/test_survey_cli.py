"""The survey commands of issue 4, as a lead would type them: each flag does what it says, and bad
input prints one clear error and exits non-zero without changing the file."""

from __future__ import annotations

import csv
import json
import shutil
from collections.abc import Callable
from datetime import date, timedelta
from pathlib import Path
from urllib.parse import urlsplit

import pytest

from nbdesk.cli import main
from nbdesk.common import clock
from nbdesk.storage import create_database, open_database
from nbdesk.storage.location import Location, is_server_url
from nbdesk.survey.completion import completion_state
from nbdesk.survey.contacts import contact_history
from nbdesk.survey.register import find_person, register_size
from nbdesk.survey.rounds import find_round, list_rounds
from tests.support.fingerprint import fingerprint
from tests.support.paths import DATA

CLEAN = DATA / "register_clean.csv"
MESSY = DATA / "register_messy.csv"
ANNEX_A = DATA / "register_annex_a.xlsx"


def run(capsys: pytest.CaptureFixture[str], *args: object) -> tuple[int, str, str]:
    try:
        code = main([str(a) for a in args])
    except SystemExit as exc:  # argparse refuses a bad flag or value itself, with exit 2
        code = int(exc.code or 0)
    out, err = capsys.readouterr()
    return code, out, err


@pytest.fixture
def db_path(database_at: Callable[..., Location]) -> Location:
    path = database_at("cli.nbdesk")
    create_database(path, "Testshire County Council").close()
    return path


@pytest.fixture
def round_file(db_path: Location, capsys: pytest.CaptureFixture[str]) -> Location:
    """The clean register and the round 'Time 2' (10 Jan to 1 Mar 2026)."""
    assert run(capsys, "register", "import", CLEAN, "--db", db_path)[0] == 0
    assert (
        run(
            capsys,
            "round",
            "open",
            "Time 2",
            "--db",
            db_path,
            "--opens",
            "10/01/2026",
            "--closes",
            "01/03/2026",
        )[0]
        == 0
    )
    return db_path


def people_in(path: Location) -> int:
    db = open_database(path)
    try:
        with db.session() as session:
            return register_size(session)
    finally:
        db.close()


# register import ------------------------------------------------------------------------------


def test_register_import_prints_every_refusal_and_warning_and_imports_nothing(
    db_path: Location, capsys: pytest.CaptureFixture[str]
) -> None:
    code, out, err = run(capsys, "register", "import", ANNEX_A, "--db", db_path)
    assert code == 1
    assert "register_annex_a.xlsx (sheet 'List 10 Care leavers'): 11 rows read." in out
    assert "Child Unique ID → Unique id" in out and "Activity Status → Activity" in out
    assert "Not imported: Age, In touch, Suitability of Accommodation." in out
    assert "Left out row 9, column 'Child Unique ID': '1.00239E+11' is a number Excel" in out
    assert "Left out row 12, column 'Child Unique ID': has no unique id" in out
    assert out.count("Left out row") == 2
    assert "Warning: row 6, column 'UASC': 'maybe' is not yes or no; taken as no" in out
    assert out.count("Warning: row") == 3
    assert "8 people will be added. 3 of them have a detail left blank" in out
    assert "Row 8 repeats row 7: imported once." in out
    assert "Nothing was imported: some rows name no one." in err
    assert people_in(db_path) == 0


def test_register_import_dry_run_changes_nothing(
    db_path: Location, capsys: pytest.CaptureFixture[str]
) -> None:
    before = fingerprint(db_path)
    code, out, _ = run(capsys, "register", "import", CLEAN, "--db", db_path, "--dry-run")
    assert code == 0
    assert "6 people will be added." in out and "Dry run: nothing was changed." in out
    assert fingerprint(db_path) == before
    code, out, _ = run(capsys, "register", "import", MESSY, "--db", db_path, "--dry-run")
    assert code == 1 and "Rows differ: the unique id 'A002' is on rows 3 and 9" in out
    assert "Without --dry-run nothing would be imported: an id is on rows that differ." in out
    code, out, _ = run(
        capsys, "register", "import", MESSY, "--db", db_path, "--dry-run", "--keep", "last"
    )
    assert code == 1 and "Kept row 9 (--keep last): the unique id 'A002'" in out
    code, out, _ = run(
        capsys,
        "register",
        "import",
        MESSY,
        "--db",
        db_path,
        "--dry-run",
        "--keep",
        "last",
        "--skip-invalid",
    )
    assert code == 0 and "Dry run: nothing was changed." in out
    assert fingerprint(db_path) == before
    assert people_in(db_path) == 0


def test_register_import_skip_invalid_imports_everyone_else(
    db_path: Location, capsys: pytest.CaptureFixture[str]
) -> None:
    code, out, _ = run(capsys, "register", "import", ANNEX_A, "--db", db_path, "--skip-invalid")
    assert code == 0
    assert "Left out row 12," in out  # still printed
    assert "Imported: 8 added, 0 updated, 2 rows left out; 3 with a warning." in out
    assert people_in(db_path) == 8


def test_register_import_needs_skip_invalid_only_for_rows_that_name_no_one(
    db_path: Location, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """Bad details are warnings: a list whose every row has an id imports without the flag."""
    details = tmp_path / "details.csv"
    details.write_text(
        "Unique ID,Name,Mobile,Email,Date of birth\n"
        "K1,Ada Wobblesock,020 7946 0000,ada@example,n/k\n"
        "K2,Bo Nettlehop,07700 900123,bo@example.com,soon\n"
    )
    code, out, _ = run(capsys, "register", "import", details, "--db", db_path)
    assert code == 0
    assert out.count("Warning: row") == 3
    assert "Imported: 2 added, 0 updated, 0 rows left out; 2 with a warning." in out
    db = open_database(db_path)
    with db.session() as session:
        ada = find_person(session, "K1")
    db.close()
    assert (ada.phone, ada.email, ada.date_of_birth) == ("020 7946 0000", "", None)


def test_register_import_refuses_an_id_on_rows_that_differ_unless_told_which(
    db_path: Location, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    twice = tmp_path / "twice.csv"
    twice.write_text(
        "Unique ID,Name,Mobile,Team\n"
        "D1,Ada Wobblesock,07700 900123,North\n"
        "D2,Bo Nettlehop,07700 900124,South\n"
        "D1,Ada Wobblesock,07700 900999,East\n"
        "D2,Bo Nettlehop,07700 900124,South\n"
        "D3,Cy Fumblewort,,North\n"
        "D3,Cy Fumbelwort,,North\n"
    )
    before = fingerprint(db_path)
    code, out, err = run(capsys, "register", "import", twice, "--db", db_path)
    assert code == 1
    assert [line for line in out.splitlines() if line.startswith("Rows differ")] == [
        "Rows differ: the unique id 'D1' is on rows 2 and 4, which differ in Mobile and Team.",
        "Rows differ: the unique id 'D3' is on rows 6 and 7, which differ in Name.",
    ]
    assert "Row 5 repeats row 3: imported once." in out
    assert "2 ids are on rows that differ: choose which row to keep for each." in out
    assert err.startswith("nbdesk: error: twice.csv: the unique id 'D1' is on rows 2 and 4, ")
    assert "Nothing was imported: an id is on rows that differ." in err
    assert "--keep first or --keep last" in err and err.count("\n") == 1
    assert fingerprint(db_path) == before

    code, out, _ = run(capsys, "register", "import", twice, "--db", db_path, "--keep", "first")
    assert code == 0 and "Imported: 3 added, 0 updated, 0 rows left out." in out
    db = open_database(db_path)
    with db.session() as session:
        first = (find_person(session, "D1").team, find_person(session, "D3").name)
    db.close()
    assert first == ("North", "Cy Fumblewort")

    code, out, _ = run(capsys, "register", "import", twice, "--db", db_path, "--keep", "last")
    assert code == 0 and "Imported: 0 added, 3 updated, 0 rows left out." in out
    assert "Kept row 4 (--keep last): the unique id 'D1' is on rows 2 and 4" in out
    db = open_database(db_path)
    with db.session() as session:
        ada = find_person(session, "D1")
        last = (ada.team, ada.phone, find_person(session, "D3").name)
    db.close()
    assert last == ("East", "07700 900999", "Cy Fumbelwort")

    code, _, err = run(capsys, "register", "import", twice, "--db", db_path, "--keep", "middle")
    assert code == 2 and "invalid choice: 'middle'" in err


def test_register_import_sheet_and_bad_files(
    db_path: Location, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    code, _, err = run(capsys, "register", "import", ANNEX_A, "--db", db_path, "--sheet", "Nope")
    assert code == 1
    assert "has no sheet named 'Nope' (sheets: List 1 Contacts, List 10 Care leavers, Notes)" in err

    code, _, err = run(capsys, "register", "import", tmp_path / "none.csv", "--db", db_path)
    assert code == 1 and "no such file" in err

    pdf = tmp_path / "list.pdf"
    pdf.write_text("not a list")
    code, _, err = run(capsys, "register", "import", pdf, "--db", db_path)
    assert code == 1 and "nbdesk reads .xlsx and .csv files" in err

    no_id = tmp_path / "no_id.csv"
    no_id.write_text("Name,Mobile\nAda Wobblesock,07700 900123\n")
    code, _, err = run(capsys, "register", "import", no_id, "--db", db_path)
    assert code == 1 and "No column is mapped to 'Unique id'" in err and "Columns found" in err

    empty = tmp_path / "empty.csv"
    empty.write_text("Unique ID,Name\n")
    code, _, err = run(capsys, "register", "import", empty, "--db", db_path)
    assert code == 1 and "the list has no rows below its header" in err

    hopeless = tmp_path / "hopeless.csv"
    hopeless.write_text("Unique ID,Name\n,Ada Wobblesock\n1.00239E+11,Bo Nettlehop\n")
    code, _, err = run(capsys, "register", "import", hopeless, "--db", db_path, "--skip-invalid")
    assert code == 1 and "every row is left out (none has a usable unique id)" in err

    code, _, err = run(capsys, "register", "import", CLEAN, "--db", tmp_path / "none.nbdesk")
    assert code == 1 and "does not exist" in err
    assert people_in(db_path) == 0


def test_register_import_again_updates_by_unique_id(
    round_file: Location, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    assert (
        run(capsys, "round", "complete", "Time 2", "--person", "B002", "--db", round_file)[0] == 0
    )
    changed = tmp_path / "changed.csv"
    shutil.copyfile(CLEAN, changed)
    changed.write_text(changed.read_text().replace("B002,Cai Thistlebottom,Caz", "B002,Cai T,Caz"))
    code, out, _ = run(capsys, "register", "import", changed, "--db", round_file)
    assert code == 0 and "Imported: 0 added, 6 updated, 0 rows left out; 1 with a warning." in out
    db = open_database(round_file)
    with db.session() as session:
        cai = find_person(session, "B002")
        assert cai.name == "Cai T"
        assert completion_state(session, find_round(session, "Time 2").id, cai.id).completed
    db.close()


# round open / status / complete -------------------------------------------------------------


def test_round_open_and_its_refusals(
    round_file: Location, capsys: pytest.CaptureFixture[str]
) -> None:
    common = ("--db", round_file, "--opens", "2026-04-01", "--closes")
    code, out, _ = run(capsys, "round", "open", "Spring", *common, "30 Jun 2026")
    assert code == 0
    assert "Opened Spring: 01 Apr 2026 to 30 Jun 2026; 5 people eligible." in out

    code, _, err = run(capsys, "round", "open", "spring", *common, "30/06/2026")
    assert code == 1 and "already a round called 'spring'" in err
    code, _, err = run(capsys, "round", "open", "Backwards", *common, "01/03/2026")
    assert code == 1 and "close on or after the day it opens" in err
    code, _, err = run(capsys, "round", "open", "Typo", *common, "31/02/2026")
    assert code == 2 and "argument --closes: '31/02/2026' is not a real date" in err
    code, _, err = run(capsys, "round", "open", "No dates", "--db", round_file)
    assert code == 2 and "the following arguments are required: --opens, --closes" in err
    db = open_database(round_file)
    with db.session() as session:
        assert [r.name for r in list_rounds(session)] == ["Time 2", "Spring"]
    db.close()


def test_round_complete_flags_and_refusals(
    round_file: Location, capsys: pytest.CaptureFixture[str]
) -> None:
    base = ("round", "complete", "Time 2", "--db", round_file)
    code, out, _ = run(
        capsys, *base, "--person", "B001", "--confirmed-by", "trusted-adult", "--date", "14/01/2026"
    )
    assert code == 0 and "Marked B001 as completed in Time 2." in out
    code, _, _ = run(capsys, *base, "--person", " B003 ")  # defaults: their PA, today
    assert code == 0

    refusals = [
        (("--person", "B001"), 1, "Already marked as completed in this round"),
        (("--person", "B404"), 1, "No one on the register has the unique id 'B404'"),
        (("--person", "B004", "--date", "09/01/2026"), 1, "opened on 10 Jan 2026"),
        (
            ("--person", "B004", "--date", (clock.today() + timedelta(days=1)).isoformat()),
            1,
            "cannot be dated in the future",
        ),
        (("--person", "B004", "--confirmed-by", "mum"), 2, "invalid choice: 'mum'"),
        (("--person", "B004", "--date", "someday"), 2, "'someday' is not a date"),
        ((), 2, "the following arguments are required: --person"),
    ]
    for extra, expected, message in refusals:
        code, _, err = run(capsys, *base, *extra)
        assert (code, message in err) == (expected, True), (extra, err)
    code, _, err = run(
        capsys, "round", "complete", "Time 3", "--person", "B004", "--db", round_file
    )
    assert code == 1 and "No survey round called 'Time 3' (rounds: 'Time 2')" in err

    db = open_database(round_file)
    with db.session() as session:
        rid = find_round(session, "Time 2").id
        bea = completion_state(session, rid, find_person(session, "B001").id)
        dara = completion_state(session, rid, find_person(session, "B003").id)
        eli = completion_state(session, rid, find_person(session, "B004").id)
    db.close()
    assert (bea.confirmed_by, bea.confirmed_on) == ("trusted-adult", date(2026, 1, 14))
    assert (dara.confirmed_by, dara.confirmed_on) == ("pa", clock.today())
    assert not eli.completed and eli.history == ()


def test_round_contact_records_who_logged_it_and_refuses_bad_input(
    round_file: Location, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    for name in ("LOGNAME", "USER", "LNAME", "USERNAME"):
        monkeypatch.setenv(name, "pa.tester")
    base = ("round", "contact", "Time 2", "--db", round_file, "--person", "B001")
    code, out, _ = run(capsys, *base, "--channel", "phone", "--outcome", "spoke", "--note", "ok")
    assert code == 0 and "Logged contact 1 with B001 in Time 2." in out
    before = fingerprint(round_file)
    code, _, err = run(capsys, *base, "--outcome", "maybe")
    assert code == 1 and "'maybe' is not an outcome" in err
    assert fingerprint(round_file) == before

    db = open_database(round_file)
    with db.session() as session:
        logged = contact_history(session, find_person(session, "B001").id)
    db.close()
    # On a server, the sign-in (the URL's user) whatever the computer's user is.
    who = urlsplit(str(round_file)).username if is_server_url(round_file) else "pa.tester"
    assert [(c.channel, c.outcome, c.note, c.logged_by) for c in logged] == [
        ("phone", "spoke", "ok", who)
    ]


def test_round_status_json_and_text(
    round_file: Location, capsys: pytest.CaptureFixture[str]
) -> None:
    for person, day in (("B001", "12/01/2026"), ("B003", "12/01/2026"), ("B004", "19/01/2026")):
        code = run(
            capsys, "round", "complete", "Time 2", "--person", person, "--db", round_file,
            "--date", day,
        )[0]  # fmt: skip
        assert code == 0
    code, out, _ = run(capsys, "round", "status", "time 2", "--db", round_file, "--json")
    assert code == 0
    status = json.loads(out)
    assert (status["round"], status["opens"], status["closes"]) == (
        "Time 2",
        "2026-01-10",
        "2026-03-01",
    )
    assert (status["eligible"], status["completed"], status["rate"]) == (5, 3, 0.6)
    assert status["by_pa"] == [
        {"group": "Pat Honeysock", "eligible": 3, "completed": 1, "rate": 0.3333},
        {"group": "Sam Wafflethorpe", "eligible": 2, "completed": 2, "rate": 1.0},
    ]
    assert [(g["group"], g["eligible"], g["completed"]) for g in status["by_age_band"]] == [
        ("18 to 20", 4, 3),
        ("21 to 25", 1, 0),
    ]
    assert [(g["group"], g["eligible"]) for g in status["by_gender"]] == [
        ("Female", 1),
        ("Male", 3),
        ("Non-binary", 1),
    ]
    assert [g["group"] for g in status["by_accommodation"]] == [
        "Custody",
        "Independent living",
        "Supported lodgings",
    ]
    assert status["completions_over_time"] == [["2026-01-12", 2], ["2026-01-19", 3]]
    assert "not_contacted_in_14_days" in status

    code, out, _ = run(capsys, "round", "status", "Time 2", "--db", round_file)
    assert code == 0
    assert "Eligible 5, completed 3, response rate 60%" in out
    assert "Sam Wafflethorpe" in out and "Not contacted in the last 14 days" in out

    code, _, err = run(capsys, "round", "status", "Nope", "--db", round_file, "--json")
    assert code == 1 and "No survey round called 'Nope'" in err


# export notify --------------------------------------------------------------------------------


def test_export_notify_text_and_email(
    round_file: Location, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    out = tmp_path / "texts.csv"
    code, printed, _ = run(capsys, "export", "notify", "Time 2", "--db", round_file, "--out", out)
    assert code == 0
    assert "Wrote 3 people to remind" in printed
    with out.open(newline="", encoding="utf-8") as fh:
        rows = list(csv.reader(fh))
    assert rows == [
        ["phone number", "first name", "pa name"],
        ["07700900123", "Bea", "Pat Honeysock"],
        ["07700900124", "Caz", "Pat Honeysock"],
        ["07700900126", "Eli", "Sam Wafflethorpe"],
    ]
    # Left out, by id only on the screen: Dara (no mobile), Finn (do not contact), Gus (too old).
    assert "B003: no mobile number" in printed and "Dara" not in printed

    book = tmp_path / "emails.xlsx"
    code, printed, _ = run(
        capsys, "export", "notify", "Time 2", "--db", round_file, "--out", book,
        "--channel", "email", "--columns", "first name, round closes",
    )  # fmt: skip
    assert code == 0
    from openpyxl import load_workbook

    sheet = load_workbook(book, read_only=True).worksheets[0]
    assert [list(r) for r in sheet.iter_rows(values_only=True)] == [
        ["email address", "first name", "round closes"],
        ["bea@example.com", "Bea", "01 Mar 2026"],
        ["dara@example.com", "Dara", "01 Mar 2026"],
    ]


def test_export_notify_refusals_leave_the_old_file(
    round_file: Location, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    out = tmp_path / "texts.csv"
    out.write_text("last week's list\n")
    base = ("export", "notify", "Time 2", "--db", round_file)
    refusals = [
        (("--out", out, "--channel", "pigeon"), 2, "invalid choice: 'pigeon'"),
        (("--out", out, "--columns", "shoe size"), 1, "Unknown personalisation column"),
        (("--out", tmp_path / "texts.pdf"), 1, "Notify takes .csv or .xlsx files"),
        (("--out", tmp_path / "no" / "texts.csv"), 1, "does not exist"),
        ((), 2, "the following arguments are required: --out"),
    ]
    for extra, expected, message in refusals:
        code, _, err = run(capsys, *base, *extra)
        assert (code, message in err) == (expected, True), (extra, err)
    code, _, err = run(capsys, "export", "notify", "Nope", "--db", round_file, "--out", out)
    assert code == 1 and "No survey round called 'Nope'" in err
    assert out.read_text() == "last week's list\n"
    assert not (tmp_path / "texts.pdf").exists()


# demo -----------------------------------------------------------------------------------------


def test_demo_adds_a_register_a_round_contacts_and_completions(
    demo_db: Location, capsys: pytest.CaptureFixture[str]
) -> None:
    path = demo_db  # the small demonstration, as `nbdesk demo` makes it (tests/cli/test_cli.py)
    code, out, _ = run(capsys, "check", "--db", path, "--json")
    counts = json.loads(out)["counts"]
    assert code == 0
    assert counts["care_leaver"] == 120 and counts["survey_round"] == 2
    assert counts["outreach_contact"] > 100 and counts["completion"] > 20
    db = open_database(path)
    with db.session() as session:
        from nbdesk.survey.register import list_register

        people = list_register(session)
    db.close()
    # Obviously invented: every surname is made of the demo's nonsense syllables, every phone
    # number is in Ofcom's drama range, every email at example.com.
    from nbdesk.demo.survey import SYLLABLE_A, SYLLABLE_B

    for person in people:
        surname = person.name.split()[-1]
        assert any(surname == a + b for a in SYLLABLE_A for b in SYLLABLE_B), person.name
        assert not person.phone or person.phone.startswith("07700 900")
        assert not person.email or person.email.endswith("@example.com")
    code, out, _ = run(capsys, "round", "status", "Time 2 survey", "--db", path, "--json")
    assert code == 0 and json.loads(out)["completed"] > 0


def test_large_demo_has_10000_care_leavers_and_100000_contacts(
    database_at: Callable[..., Location],
) -> None:
    """The synthetic large authority's survey part (the benchmarks open it)."""
    import random

    from sqlalchemy import func, select

    from nbdesk.demo import SIZES, quiet, survey
    from nbdesk.storage.models.survey import CareLeaver, OutreachContact

    db = create_database(database_at("large.nbdesk"), "Synthetic Large Authority (fictional)")
    with db.transaction() as session:
        survey.populate(session, SIZES["large"], random.Random(424), quiet)
    with db.session() as session:
        assert session.scalar(select(func.count()).select_from(CareLeaver)) == 10_000
        assert session.scalar(select(func.count()).select_from(OutreachContact)) == 100_000
        assert len(list_rounds(session)) == 1
    db.close()
