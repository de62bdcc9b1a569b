"""nbdesk round results and nbdesk priorities (issue 14): a round's official counts, findings and
young people's priorities from the command line, read back with --json; every refusal one line on
stderr with exit 1 and the file byte for byte as it was."""

from __future__ import annotations

import json
from collections.abc import Callable
from datetime import date
from pathlib import Path

import pytest

from nbdesk.storage import open_database
from nbdesk.storage.location import Location
from nbdesk.survey.register_columns import read_register_file
from nbdesk.survey.register_import import apply_import, preview_import
from nbdesk.survey.rounds import open_round
from tests.cli.test_bad_input import refused, run
from tests.support.paths import DATA


@pytest.fixture
def db(database_at: Callable[..., Location]) -> Location:
    from nbdesk.storage import create_database

    path = database_at("la.nbdesk")
    database = create_database(path, "Testshire County Council")
    with database.transaction() as session:
        apply_import(
            session, preview_import(session, read_register_file(DATA / "register_clean.csv"))
        )
        open_round(session, "Time 1", date(2024, 1, 10), date(2024, 3, 1))
        open_round(session, "Time 2", date(2026, 1, 10), date(2026, 3, 1))
    database.close()
    return path


def sheet(tmp_path: Path, body: str, name: str = "findings.csv") -> Path:
    path = tmp_path / name
    path.write_text("Domain,Finding,Percent,Base\n" + body, encoding="utf-8")
    return path


def test_results_set_import_and_show(
    db: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    code, out, _ = run(
        capsys, "round", "results", "set", "Time 2", "--invited", "60", "--completed", "31",
        "--date", "2/4/2026", "--note", "Letter ref 12", "--db", db,
    )  # fmt: skip
    assert code == 0
    assert "Time 2: 60 invited, 31 completed (52%), received 02 Apr 2026." in out
    assert "31 more young people completed than nbdesk was told about" in out
    first = sheet(tmp_path, "Safety,Did not feel safe where they lived,32,118\n", "t1.csv")
    code, out, _ = run(capsys, "round", "results", "import", "Time 1", first, "--db", db)
    assert code == 0 and out.strip() == "Stored 1 findings for Time 1 from t1.csv."
    second = sheet(
        tmp_path,
        "Safety,Did not feel safe where they lived,26%,31\nMoney,Struggling financially,20,8\n",
    )
    code, out, _ = run(capsys, "round", "results", "import", "Time 2", second, "--db", db)
    assert code == 0 and "1 on a small base (never printed)" in out

    code, out, _ = run(
        capsys, "round", "results", "show", "Time 2", "--compare", "Time 1", "--db", db
    )
    assert code == 0
    assert "Money: Struggling financially — 20% of 8 ⚠ small base: never printed" in out
    assert "Change from Time 1 to Time 2" in out
    assert "Did not feel safe where they lived — 32% to 26%, down 6 points" in out
    assert "Money: Struggling financially — only in Time 2" in out

    code, out, _ = run(
        capsys, "round", "results", "show", "Time 2", "--json", "--compare", "Time 1", "--db", db
    )
    data = json.loads(out)
    assert data["official"] == {
        "invited": 60,
        "completed": 31,
        "received_on": "2026-04-02",
        "note": "Letter ref 12",
        "difference": 31,
    }
    assert [f["small_base"] for f in data["findings"]] == [False, True]
    assert data["comparison"]["baseline"] == "Time 1"
    assert data["comparison"]["findings"][0]["points"] == -6.0


def test_priorities_add_and_list_with_a_name_warned(
    db: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    code, out, err = run(
        capsys, "priorities", "add", "Time 2", "Travel and bus fares", "--count", "7",
        "--quote", "The bus costs too much", "--month", "2026-03", "--db", db,
    )  # fmt: skip
    assert code == 0 and err == ""
    assert out.strip() == "Theme 'Travel and bus fares', named by 7 in Time 2, quote 1 kept."
    code, out, err = run(
        capsys, "priorities", "add", "Time 2", "travel and bus fares",
        "--quote", "Bea said the same", "--db", db,
    )  # fmt: skip
    assert code == 0
    assert err.count("\n") == 1 and err.startswith("nbdesk: warning: the quote contains 'Bea'")
    code, out, _ = run(capsys, "priorities", "list", "Time 2", "--json", "--db", db)
    data = json.loads(out)
    assert data["themes"] == [
        {
            "theme": "Travel and bus fares",
            "count": 7,
            "quotes": [
                {"month": "2026-03", "text": "The bus costs too much"},
                {"month": "2026-11", "text": "Bea said the same"},
            ],
        }
    ]
    code, out, _ = run(capsys, "priorities", "list", "Time 2", "--db", db)
    assert "Travel and bus fares: named by 7" in out and "2026-03  “The bus costs too much”" in out


@pytest.mark.parametrize(
    ("args", "expected"),
    [
        (("round", "results", "set", "Time 2", "--invited", "10", "--completed", "11"),
         "Completed (11) cannot be more than invited (10)."),
        (("round", "results", "set", "Time 2", "--invited", "ten", "--completed", "1"),
         "'ten' is not a whole number"),
        (("round", "results", "set", "Time 2", "--invited", "10", "--completed", "1",
          "--date", "1/1/2027"), "a day still to come"),
        (("round", "results", "set", "Time 9", "--invited", "10", "--completed", "1"),
         "No survey round called 'Time 9'"),
        (("round", "results", "show", "Time 2", "--compare", "Time 2"), "names the same round"),
        (("round", "results", "import", "Time 2", "missing.csv"), "no such file"),
        (("priorities", "add", "Time 2", "Travel", "--quote", "Fine", "--month", "13/2026"),
         "is not a month"),
        (("priorities", "add", "Time 2", "Travel", "--month", "2026-11"), "--month is the month"),
        (("priorities", "add", "Time 2", "Travel", "--count", "-3"), "less than 0"),
        (("priorities", "add", "Time 2", "  "), "The theme needs a name."),
        (("priorities", "list", "Nope"), "No survey round called 'Nope'"),
        (("round", "results", "bogus", "Time 2"), "invalid choice"),
    ],
)  # fmt: skip
def test_bad_input_is_one_line_and_the_file_unchanged(
    db: Path, capsys: pytest.CaptureFixture[str], args: tuple[str, ...], expected: str
) -> None:
    assert expected in refused(capsys, db, *args)


@pytest.mark.parametrize(
    ("body", "expected"),
    [
        ("Money,Struggling,20,50\nSafety,Unsafe,140,50\n", "row 3, column 'Percent'"),
        ("Money,Struggling,20,lots\n", "row 2, column 'Base': 'lots' is not a whole number"),
    ],
)
def test_a_bad_findings_sheet_stores_nothing(
    db: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str], body: str, expected: str
) -> None:
    assert expected in refused(
        capsys, db, "round", "results", "import", "Time 2", sheet(tmp_path, body)
    )
    missing = tmp_path / "short.csv"
    missing.write_text("Domain,Finding,Percent\nMoney,Struggling,20\n", encoding="utf-8")
    assert "Base" in refused(capsys, db, "round", "results", "import", "Time 2", missing)
    with open_database(db) as database, database.session() as session:
        from nbdesk.feedback.results import list_findings
        from nbdesk.survey.rounds import find_round

        assert list_findings(session, find_round(session, "Time 2").id) == []
