"""Closing the loop from the command line (issue 14, item 6): the Notify list of everyone to tell,
checked against who should and should not be on it, counted by hand; recording that the plan went
out; the plan for young people with its readability; and the evidence pack."""

from __future__ import annotations

import csv
from collections.abc import Callable
from datetime import date
from pathlib import Path

import openpyxl
import pytest

from nbdesk.cli import main
from nbdesk.feedback.results import FindingRow, list_findings, store_findings
from nbdesk.feedback.telling_back import list_feedback
from nbdesk.storage import create_database, open_database
from nbdesk.storage.location import Location
from nbdesk.survey.completion import mark_completed
from nbdesk.survey.register import PersonFields, add_person, find_person
from nbdesk.survey.rounds import exclude_person, open_round

PLAN = "Plan 2026-28"
LINK = "https://www.testshire.gov.uk/care-leavers/plan"


def run(capsys: pytest.CaptureFixture[str], *args: object) -> tuple[int, str, str]:
    try:
        code = main([str(a) for a in args])
    except SystemExit as exc:
        code = int(exc.code or 0)
    out, err = capsys.readouterr()
    return code, out, err


def person(uid: str, name: str, **fields: object) -> PersonFields:
    values: dict[str, object] = {"date_of_birth": date(2005, 5, 1), "pa_name": "Pat Honeysock"}
    values.update(fields)
    return PersonFields(uid, name=name, **values)  # type: ignore[arg-type]


@pytest.fixture
def db(database_at: Callable[..., Location]) -> Location:
    """Ten people on the register, the round opened between P7 and P8 (18 Nov 2026 is today):
    on the text list: P1; P2 (completed the round); P7 (not counted in the round); P8 (added
    after it opened); P9 (a name that starts with =). Left out: P3 do not contact; P4 no mobile
    (an email only); P5 a landline; P6 aged 36; P10 no PA to name."""
    path = database_at("a.nbdesk")
    database = create_database(path, "Testshire County Council")
    with database.transaction() as session:
        add_person(session, person("P1", "Amy Able", phone="07700 900201"))
        add_person(session, person("P2", "Ben Brook", preferred_name="Benny", phone="07700900202"))
        add_person(
            session,
            person(
                "P3", "Cat Cole", phone="07700 900203", do_not_contact=True,
                do_not_contact_reason="Asked not to be contacted",
            ),
        )  # fmt: skip
        add_person(session, person("P4", "Dan Dale", email="dan@example.com"))
        add_person(session, person("P5", "Eve Eden", phone="020 7946 0000"))
        add_person(
            session, person("P6", "Fay Ford", phone="07700 900206", date_of_birth=date(1990, 1, 1))
        )
        add_person(session, person("P7", "Gus Gale", phone="07700 900207"))
        rnd = open_round(session, "Time 1", date(2026, 9, 1), date(2026, 10, 31)).value
        mark_completed(session, rnd.id, find_person(session, "P2").id, "pa", date(2026, 9, 5))
        exclude_person(session, rnd.id, find_person(session, "P7").id, "In hospital")
        add_person(session, person("P8", "Hal Hale", phone="07700 900208"))
        add_person(session, person("P9", "=Ivy Irons", phone="07700 900209"))
        add_person(session, person("P10", "Jo Jay", phone="07700 900210", pa_name=""))
        store_findings(
            session,
            rnd.id,
            [
                FindingRow("Home", "Did not feel safe where they lived", 32, 40),
                FindingRow("Quokka", "Zebra tiny group finding", 50, 4),
            ],
        )
    database.close()
    return path


def test_notify_everyone_against_hand_counts(
    db: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    out_file, left = tmp_path / "everyone.csv", tmp_path / "left.csv"
    code, out, err = run(
        capsys, "export", "notify", "Time 1", "--db", db, "--out", out_file, "--everyone",
        "--plan-link", LINK, "--left-out", left,
    )  # fmt: skip
    assert code == 0, err
    assert "Wrote 5 people to tell" in out and "nbdesk plan feedback-sent PLAN" in out
    with out_file.open(newline="", encoding="utf-8") as fh:
        rows = list(csv.reader(fh))
    assert rows[0] == ["phone number", "first name", "pa name", "plan link"]
    assert sorted(rows[1:]) == sorted(
        [
            ["07700900201", "Amy", "Pat Honeysock", LINK],
            ["07700900202", "Benny", "Pat Honeysock", LINK],
            ["07700900207", "Gus", "Pat Honeysock", LINK],
            ["07700900208", "Hal", "Pat Honeysock", LINK],
            ["07700900209", "'=Ivy", "Pat Honeysock", LINK],  # never a formula
        ]
    )
    with left.open(newline="", encoding="utf-8") as fh:
        reasons = {r["unique id"]: r["reason left out"] for r in csv.DictReader(fh)}
    assert set(reasons) == {"P3", "P4", "P5", "P6", "P10"}
    assert reasons["P3"].startswith("do not contact")
    assert reasons["P4"] == "no mobile number"
    assert "landline" in reasons["P5"]
    assert reasons["P6"].startswith("aged 36")
    assert reasons["P10"] == "no pa name for the message"

    # By email: only P4 has an address.
    emails = tmp_path / "emails.xlsx"
    code, out, _ = run(
        capsys, "export", "notify", "Time 1", "--db", db, "--out", emails, "--everyone",
        "--plan-link", LINK, "--channel", "email",
    )  # fmt: skip
    assert code == 0 and "Wrote 1 person to tell" in out
    sheet = openpyxl.load_workbook(emails).active
    assert [list(r) for r in sheet.iter_rows(values_only=True)] == [
        ["email address", "first name", "pa name", "plan link"],
        ["dan@example.com", "Dan", "Pat Honeysock", LINK],
    ]

    # The reminder list is as it was: the round's eligible non-completers only.
    reminders = tmp_path / "remind.csv"
    code, out, _ = run(capsys, "export", "notify", "Time 1", "--db", db, "--out", reminders)
    assert code == 0 and "Wrote 1 person to remind" in out
    with reminders.open(newline="", encoding="utf-8") as fh:
        numbers = sorted(r[0] for r in list(csv.reader(fh))[1:])
    assert numbers == ["07700900201"]  # P2 completed, P7 not counted, P8 and P9 joined after


@pytest.mark.parametrize("link", ["", "www.example.com", "https://a b.com", "=HYPERLINK(1)"])
def test_notify_everyone_needs_a_plan_link(
    db: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str], link: str
) -> None:
    args = ["export", "notify", "Time 1", "--db", db, "--out", tmp_path / "x.csv", "--everyone"]
    code, _, err = run(capsys, *args, *(["--plan-link", link] if link else []))
    assert code == 1 and "web address" in err and len(err.strip().splitlines()) == 1
    assert not (tmp_path / "x.csv").exists()


def test_plan_shared_back_and_written(
    db: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    assert run(capsys, "plan", "create", PLAN, "--db", db, "--theme", "Your home")[0] == 0
    code, _, err = run(
        capsys, "plan", "action", "add", PLAN, "1", "Ask how safe you feel at home",
        "--db", db, "--who", "Sam Staffname", "--when", "Q1 2027",
    )  # fmt: skip
    assert code == 0, err
    database = open_database(db)
    with database.transaction() as session:
        from nbdesk.action_plan.actions import cite

        for f in list_findings(session, 1):
            cite(session, 1, finding_id=f.id)
    database.close()

    code, out, _ = run(
        capsys, "plan", "feedback-sent", PLAN, "--db", db, "--channel", "text",
        "--how-many", 5, "--date", "10/11/2026",
    )  # fmt: skip
    assert code == 0 and "shared with young people on 10 Nov 2026 (5 by text)" in out
    code, _, err = run(
        capsys, "plan", "feedback-sent", PLAN, "--db", db, "--channel", "pigeon", "--how-many", 5
    )
    assert code == 1 and "channel" in err
    database = open_database(db)
    with database.session() as session:
        assert [(f.sent_on, f.how_many) for f in list_feedback(session, 1)] == [
            (date(2026, 11, 10), 5)
        ]
    database.close()

    code, out, _ = run(capsys, "plan", "show", PLAN, "--db", db)
    assert code == 0 and "Shared with young people on 10 Nov 2026: 5 by text" in out
    workbook = tmp_path / "plan.xlsx"
    assert run(capsys, "plan", "export", PLAN, "--db", db, "--out", workbook)[0] == 0
    facts = {r[0]: r[1] for r in openpyxl.load_workbook(workbook)["Summary"].values if r[0]}
    assert facts["Shared with young people"] == "10 Nov 2026 (5 by text)"

    page = tmp_path / "plan.html"
    code, out, _ = run(capsys, "plan", "young-people-report", PLAN, "--db", db, "--out", page)
    assert code == 0 and f"Wrote {page}" in out
    assert "Readability:" in out and "words a sentence" in out
    assert "Left out: 1 cited finding(s) on a base under 10" in out
    text = page.read_text(encoding="utf-8")
    assert "shared this plan with you on 10 November 2026" in text
    assert "Ask how safe you feel at home" in text and "Ready by June 2027" in text
    assert "Sam Staffname" not in text and "Zebra" not in text and "Quokka" not in text

    code, _, _ = run(
        capsys, "plan", "young-people-report", PLAN, "--db", db, "--out", tmp_path / "o.pdf",
        "--show-owners", "--get-involved", "Text JOIN to 60000",
    )  # fmt: skip
    assert code == 0 and (tmp_path / "o.pdf").read_bytes().startswith(b"%PDF")
    code, _, err = run(
        capsys, "plan", "young-people-report", PLAN, "--db", db, "--out", tmp_path / "o.docx"
    )
    assert code == 1 and ".pdf or .html" in err

    book = tmp_path / "evidence.xlsx"
    code, out, err = run(capsys, "report", "evidence", PLAN, "--db", db, "--out", book)
    assert code == 0, err
    said = list(openpyxl.load_workbook(book)["You said"].iter_rows(values_only=True))
    assert len(said) == 2 and "32% of 40" in said[1][2]
    code, _, _ = run(capsys, "report", "evidence", PLAN, "--db", db, "--out", tmp_path / "e.pdf")
    assert code == 0 and (tmp_path / "e.pdf").read_bytes().startswith(b"%PDF")
    code, _, err = run(capsys, "report", "evidence", PLAN, "--db", db, "--out", tmp_path / "e.csv")
    assert code == 1 and ".pdf, .html or .xlsx" in err
