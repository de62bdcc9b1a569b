"""nbdesk plan (issue 13, item 8): a plan made, filled, signed off and written out from the
command line, read back with --json; and every refusal one line on stderr with exit 1."""

from __future__ import annotations

import json
from collections.abc import Callable
from pathlib import Path

import openpyxl
import pytest

from nbdesk.cli import main
from nbdesk.demo.plans import REVISED
from nbdesk.storage import create_database
from nbdesk.storage.location import Location

PLAN = "Care leavers plan 2026-28"


def run(capsys: pytest.CaptureFixture[str], *args: object) -> tuple[int, str, str]:
    try:
        code = main([str(a) for a in args])
    except SystemExit as exc:  # the plan parsers refuse a bad flag themselves
        code = int(exc.code or 0)
    out, err = capsys.readouterr()
    return code, out, err


@pytest.fixture
def db(database_at: Callable[..., Location]) -> Location:
    path = database_at("a.nbdesk")
    create_database(path, "Testshire County Council").close()
    return path


def test_a_plan_from_the_command_line(
    db: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    code, out, _ = run(
        capsys, "plan", "create", PLAN, "--db", db, "--starts", "1/4/2026",
        "--theme", "Housing", "--theme", "Money",
    )  # fmt: skip
    assert code == 0 and "Created the plan 'Care leavers plan 2026-28' (id 1)" in out
    code, out, _ = run(
        capsys, "plan", "action", "add", PLAN, "housing", "Find more supported lodgings",
        "--db", db, "--you-said", "Nowhere safe to live", "--who", "Housing Options",
        "--who-kind", "partner", "--when", "31/10/2026", "--involvement", "co-designing,reviewing",
    )  # fmt: skip
    assert code == 0 and out.strip() == "Added action 1."
    code, out, _ = run(
        capsys, "plan", "action", "add", "1", "2", "Budgeting sessions", "--db", db,
        "--when", "Q4 2026", "--not-involved", "resources",
    )  # fmt: skip
    assert code == 0 and out.strip() == "Added action 2."
    code, out, _ = run(
        capsys, "plan", "action", "update", "1", "Two new hosts", "--db", db,
        "--status", "on-track", "--date", "1/8/2026", "--comment", "Meet the hosts first",
    )  # fmt: skip
    assert code == 0
    code, out, _ = run(capsys, "plan", "action", "status", "2", "at risk", "--db", db)
    assert code == 0 and out.strip() == "Action 2 is now ⚠ At risk."
    code, out, _ = run(
        capsys, "plan", "sign-off", PLAN, "--db", db, "--name", "Jo Bloggs", "--role", "DCS",
        "--date", "1/5/2026",
    )  # fmt: skip
    assert code == 0

    code, out, _ = run(capsys, "plan", "list", "--db", db, "--json")
    assert code == 0
    (listed,) = json.loads(out)
    assert listed["name"] == PLAN and listed["signed_off_on"] == "2026-05-01"
    assert listed["actions"] == 2 and listed["by_status"]["at-risk"] == 1

    code, out, _ = run(capsys, "plan", "show", PLAN, "--db", db, "--json")
    shown = json.loads(out)
    housing, money = shown["themes"]
    lodgings = housing["actions"][0]
    assert lodgings["owner"] == "Housing Options" and lodgings["when"] == "31 Oct 2026"
    assert lodgings["status_text"] == "▶ On track" and lodgings["updates"] == 1
    assert lodgings["involvement"] == ["co-designing", "reviewing"]
    assert lodgings["latest_update"] == {
        "written_on": "2026-08-01",
        "text": "Two new hosts",
        "status": "on-track",
        "young_people_comment": "Meet the hosts first",
    }
    assert money["actions"][0]["when"] == "Q4 2026-27 (Jan–Mar 2027)"
    attention = shown["attention"]
    # On the fixed day (18 Nov 2026): lodgings is past its date and quiet since 1 August.
    assert attention["overdue"] == [1] and attention["drifting"] == [1]
    assert attention["share"] == {
        "involving": 1,
        "counted": 2,
        "fraction": 0.5,
        "delivering": 0,
        "delivering_fraction": 0.0,
    }
    assert attention["published_share"] == 0.27 and attention["next_review_on"] == "2026-07-01"

    code, out, _ = run(capsys, "plan", "show", PLAN, "--db", db)
    assert "▶ On track     Find more supported lodgings — Housing Options" in out
    assert "[overdue, drifting]" in out and "1 of 2 (50%)" in out

    book, pdf = tmp_path / "plan.xlsx", tmp_path / "plan.pdf"
    assert run(capsys, "plan", "export", PLAN, "--db", db, "--out", book)[0] == 0
    assert openpyxl.load_workbook(book).sheetnames == ["Summary", "Housing", "Money"]
    assert run(capsys, "plan", "report", "1", "--db", db, "--out", pdf)[0] == 0
    assert pdf.read_bytes().startswith(b"%PDF")


def test_revising_a_plan_copies_it(demo_db: Location, capsys: pytest.CaptureFixture[str]) -> None:
    code, out, _ = run(
        capsys, "plan", "create", "Third plan", "--db", demo_db, "--revises", REVISED,
    )  # fmt: skip
    assert code == 0
    code, out, _ = run(capsys, "plan", "list", "--db", demo_db, "--json")
    third = next(p for p in json.loads(out) if p["name"] == "Third plan")
    assert third["revises"] == REVISED and third["stage"] == "revised" and third["actions"] == 8


BAD = [
    (("plan", "show", "Nope"), "There is no plan called 'Nope'."),
    (("plan", "create", PLAN), "There is already a plan called"),
    (
        ("plan", "create", "X", "--starts", "31/02/2026"),
        "--starts: '31/02/2026' is not a real date",
    ),
    (("plan", "create", "X", "--stage", "final"), "The stage must be one of"),
    (("plan", "create", "X", "--revises", PLAN, "--theme", "Y"), "takes its themes from"),
    (
        ("plan", "sign-off", PLAN, "--name", "A", "--role", "B", "--date", "1/1/2030"),
        "still to come",
    ),
    (("plan", "sign-off", PLAN, "--name", "A"), "the following arguments are required: --role"),
    (("plan", "action", "add", PLAN, "Health", "X"), "The plan has no theme 'Health'"),
    (("plan", "action", "add", PLAN, "Housing", " "), "Say what the authority will do"),
    (("plan", "action", "add", PLAN, "Housing", "X", "--when", "soon"), "or a quarter such as"),
    (
        ("plan", "action", "add", PLAN, "Housing", "X", "--who-kind", "x", "--who", "Y"),
        "kind of owner",
    ),
    (
        ("plan", "action", "add", PLAN, "Housing", "X", "--involvement", "cheering"),
        "way young people",
    ),
    (("plan", "action", "update", "99", "text"), "There is no action with id 99."),
    (("plan", "action", "update", "first", "text"), "An action is named by its number"),
    (("plan", "action", "update", "1", "x", "--date", "1/1/2030"), "cannot be dated in the future"),
    (("plan", "action", "status", "1", "finished"), "The status must be one of"),
    (("plan", "action", "status", "1", "dropped"), "Say why the action is dropped."),
    (("plan", "action", "wave"), "invalid choice: 'wave'"),
    (("plan", "export", PLAN, "--out", "plan.pdf"), "must end in .xlsx"),
    (("plan", "report", PLAN, "--out", "no/such/plan.pdf"), "does not exist"),
    (("plan", "list", "--colour"), "unrecognized arguments: --colour"),
]


@pytest.mark.parametrize(("argv", "message"), BAD)
def test_bad_input_is_refused_in_one_line(
    db: Path,
    tmp_path: Path,
    capsys: pytest.CaptureFixture[str],
    monkeypatch: pytest.MonkeyPatch,
    argv: tuple[str, ...],
    message: str,
) -> None:
    monkeypatch.chdir(tmp_path)
    run(capsys, "plan", "create", PLAN, "--db", db, "--theme", "Housing")
    run(capsys, "plan", "action", "add", PLAN, "Housing", "Lodgings", "--db", db)
    code, out, err = run(capsys, *argv, "--db", db)
    assert code == 1 and out == "", (out, err)
    assert err.startswith("nbdesk: error:") and err.count("\n") == 1 and message in err, err
    assert not list(tmp_path.glob("*.xlsx")) and not list(tmp_path.glob("*.pdf"))
    # Nothing changed: still one theme and one action, not started, not signed off.
    code, out, _ = run(capsys, "plan", "show", PLAN, "--db", db, "--json")
    shown = json.loads(out)
    assert not shown["sign_offs"] and shown["themes"][0]["actions"][0]["status"] == "not-started"
    assert shown["themes"][0]["actions"][0]["updates"] == 0 and len(shown["themes"]) == 1


def test_no_plans_and_a_missing_file(
    db: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    assert run(capsys, "plan", "list", "--db", db) == (0, "No action plans.\n", "")
    assert run(capsys, "plan", "list", "--db", db, "--json")[1].strip() == "[]"
    code, _, err = run(capsys, "plan", "list", "--db", tmp_path / "none.nbdesk")
    assert code == 1 and "does not exist" in err and err.count("\n") == 1
