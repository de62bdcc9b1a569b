"""The Ratings workbook and the assessment commands, run as a lead would run them."""

from __future__ import annotations

import io
import json
from pathlib import Path

import pytest
from openpyxl import load_workbook

from nbdesk.cli import main
from nbdesk.forms.framework import demonstration_framework
from nbdesk.self_assessment.assessments import find_assessment, load_assessment
from nbdesk.self_assessment.exchange import HEADERS, RatingsImportError, parse_rating, read_ratings
from nbdesk.storage import open_database


def run(capsys: pytest.CaptureFixture[str], *args: object) -> tuple[int, str, str]:
    code = main([str(a) for a in args])
    out, err = capsys.readouterr()
    return code, out, err


def snapshot(location: Path | str) -> list[tuple[object, ...]]:
    """Every assessment, rating and change row: what 'nothing changed' is checked against."""
    from sqlalchemy import text

    db = open_database(location)
    try:
        rows: list[tuple[object, ...]] = []
        with db.session() as session:
            for table in ("assessment", "rating", "area_overall", "assessment_change"):
                query = text(f"SELECT '{table}', * FROM {table} ORDER BY id")
                rows.extend(tuple(row) for row in session.execute(query))
        return rows
    finally:
        db.close()


def fill(path: Path, values: dict[tuple[int, str], tuple[object, str]]) -> None:
    """Fill the Ratings sheet as a working group would, in Excel."""
    book = load_workbook(path)
    sheet = book["Ratings"]
    for row in sheet.iter_rows(min_row=2):
        key = (int(row[0].value), str(row[1].value))
        if key in values:
            row[3].value, row[4].value = values[key]
    book.save(path)


def scores(path: Path | str, name: str) -> dict[str, object]:
    db = open_database(path)
    try:
        with db.session() as session:
            detail = load_assessment(session, find_assessment(session, name))
    finally:
        db.close()
    return {f"{s.reference}": (s.points, s.evidence) for s in detail.statements()}


def test_template_is_a_workbook_people_can_fill(
    demo_db: Path | str, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    out = tmp_path / "groups.xlsx"
    code, text, _ = run(capsys, "assessment", "template", "--db", demo_db, "--out", out)
    assert code == 0 and "106 statements" in text
    book = load_workbook(out)
    assert book.sheetnames[0] == "Ratings" and "How to fill in" in book.sheetnames
    sheet = book["Ratings"]
    rows = list(sheet.iter_rows(values_only=True))
    assert rows[0] == HEADERS
    assert len(rows) == 107
    framework = demonstration_framework()
    assert rows[1] == (1, "a", framework.areas[0].statements[0].text, None, None)
    assert rows[-1][:2] == (10, "h")
    assert not list(tmp_path.glob(".groups-*"))  # the temporary file was replaced, not left


def test_a_completed_sheet_becomes_an_assessment_with_the_right_scores(
    demo_db: Path | str, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    sheet = tmp_path / "area7.xlsx"
    run(capsys, "assessment", "template", "--db", demo_db, "--out", sheet)
    # Area 7 group: numbers, labels, "N - label" and a blank are all accepted.
    fill(
        sheet,
        {
            (7, "a"): (4, "Panel audit, June"),
            (7, "b"): ("Mostly agree", ""),
            (7, "c"): ("2 - Mostly disagree", "Only in the city"),
            (7, "d"): ("disagree at present", ""),
            (7, "e"): (None, "Not discussed yet"),
        },
    )
    code, out, err = run(
        capsys,
        "assessment",
        "import",
        sheet,
        "--db",
        demo_db,
        "--name",
        "Housing group 2023",
        "--stage",
        "other",
    )
    assert code == 0, err
    assert "4 rating(s) and 3 evidence note(s)" in out
    got = scores(demo_db, "Housing group 2023")
    assert got["7 / A"] == (4, "Panel audit, June")
    assert got["7 / B"] == (3, "")
    assert got["7 / C"] == (2, "Only in the city")
    assert got["7 / D"] == (1, "")
    assert got["7 / E"] == (None, "Not discussed yet")

    code, out, _ = run(
        capsys, "assessment", "score", "Housing group 2023", "--db", demo_db, "--json"
    )
    doc = json.loads(out)
    area7 = doc["areas"][6]
    # (4 + 3 + 2 + 1) / 4 = 2.5 = 62.5%; total 10; not complete.
    assert area7 == {
        "number": 7,
        "title": "Safe and settled accommodation",
        "statements": 15,
        "rated": 4,
        "mean": 2.5,
        "percent": 62.5,
        "overall_out_of_10": None,
    }
    assert (doc["total"], doc["band"], doc["complete"], doc["overall_mean"]) == (
        10,
        None,
        False,
        2.5,
    )
    assert list(doc) == ["assessment", "areas", "total", "band", "overall_mean", "complete"]
    code, out, _ = run(capsys, "assessment", "list", "--db", demo_db)
    assert "Housing group 2023: Other, staff" in out and "4 of 106 rated" in out


def test_filling_an_existing_assessment_asks_before_changing_ratings(
    demo_db: Path | str, tmp_path: Path, capsys: pytest.CaptureFixture[str], monkeypatch
) -> None:
    name = "Baseline 2020 – staff"
    before = scores(demo_db, name)
    sheet = tmp_path / "back.xlsx"
    run(capsys, "assessment", "template", "--db", demo_db, "--out", sheet, "--from", name)
    # The sheet written from the assessment carries its ratings: importing it unchanged changes none.
    code, out, _ = run(capsys, "assessment", "import", sheet, "--db", demo_db, "--into", name)
    assert code == 0 and "0 rating(s) and 0 evidence note(s)" in out

    old_points = before["1 / A"][0]
    new_points = 1 if old_points != 1 else 4
    fill(sheet, {(1, "a"): (new_points, "Revised by the forum")})
    untouched = snapshot(demo_db)

    monkeypatch.setattr("sys.stdin", io.StringIO("n\n"))
    code, out, _ = run(capsys, "assessment", "import", sheet, "--db", demo_db, "--into", name)
    assert code == 1
    assert "1 existing rating(s)" in out and f"1 / A: {old_points} " in out
    assert "Nothing was imported." in out
    assert snapshot(demo_db) == untouched

    monkeypatch.setattr("sys.stdin", io.StringIO("y\n"))
    code, out, _ = run(capsys, "assessment", "import", sheet, "--db", demo_db, "--into", name)
    assert code == 0 and "1 rating(s) and 1 evidence note(s)" in out
    after = scores(demo_db, name)
    assert after["1 / A"] == (new_points, "Revised by the forum")
    assert {k: v for k, v in after.items() if k != "1 / A"} == {
        k: v for k, v in before.items() if k != "1 / A"
    }
    code, out, _ = run(capsys, "assessment", "history", name, "1/a", "--db", demo_db)
    assert f"Rating: '{old_points}' → '{new_points}'" in out


@pytest.mark.parametrize(
    ("change", "message"),
    [
        ("rating", "Row 4, column Rating: 'Strongly agree' is not a rating"),
        ("statement", "Row 3, columns Area and Item: statement 1 / ZZ is not in"),
        ("text", "Row 2, column Statement: the text of 1 / A does not match"),
        ("duplicate", "Row 5: statement 1 / A is already on row 2"),
        ("header", "Row 1: the header row has no column 'Rating'"),
        ("sheet", "has no sheet named 'Ratings'"),
    ],
)
def test_a_faulty_sheet_is_refused_by_row_and_column_and_changes_nothing(
    demo_db: Path | str,
    tmp_path: Path,
    capsys: pytest.CaptureFixture[str],
    change: str,
    message: str,
) -> None:
    sheet = tmp_path / "faulty.xlsx"
    run(capsys, "assessment", "template", "--db", demo_db, "--out", sheet)
    fill(sheet, {(1, "a"): (3, "fine"), (2, "a"): (4, "fine too")})
    book = load_workbook(sheet)
    ws = book["Ratings"]
    if change == "rating":
        ws["D4"] = "Strongly agree"
    elif change == "statement":
        ws["B3"] = "zz"
    elif change == "text":
        ws["C2"] = "A statement from some other tool"
    elif change == "duplicate":
        ws["A5"], ws["B5"], ws["C5"] = 1, "a", ws["C2"].value
    elif change == "header":
        ws["D1"] = "Score"
    elif change == "sheet":
        ws.title = "Sheet1"
    book.save(sheet)
    before = snapshot(demo_db)
    for extra in (["--name", "Should not exist"], ["--into", "Baseline 2020 – staff", "--yes"]):
        code, _, err = run(capsys, "assessment", "import", sheet, "--db", demo_db, *extra)
        assert code == 1
        assert message in err
        assert "nothing was imported" in err
        assert snapshot(demo_db) == before


def test_rating_cells_accept_points_and_labels() -> None:
    framework = demonstration_framework()
    assert parse_rating(" 4 ", framework) == 4
    assert parse_rating("MOSTLY AGREE", framework) == 3
    assert parse_rating("", framework) is None
    with pytest.raises(ValueError):
        parse_rating("3 - Agree at present", framework)  # number and label disagree
    with pytest.raises(ValueError):
        parse_rating("0", framework)


def test_csv_sheet_with_several_faults(tmp_path: Path) -> None:
    path = tmp_path / "group.csv"
    path.write_text(
        "Area,Item,Statement,Rating,Evidence\n1,a,,4,ok\n1,b,,five,\nx,c,,3,\n1,d,,,\n",
        encoding="utf-8",
    )
    with pytest.raises(RatingsImportError) as caught:
        read_ratings(path, demonstration_framework())
    assert caught.value.problems == [
        "Row 3, column Rating: 'five' is not a rating (use 4 or 'Agree at present', 3 or "
        "'Mostly agree', 2 or 'Mostly disagree', 1 or 'Disagree at present', or leave it blank).",
        "Row 4, column Area: 'x' is not an area number.",
    ]


def test_commands_report_bad_input_in_one_line(
    demo_db: Path | str, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    code, _, err = run(capsys, "assessment", "score", "No such thing", "--db", demo_db)
    assert code == 1 and "No assessment called 'No such thing'" in err
    code, _, err = run(capsys, "assessment", "create", "Baseline 2020 – staff", "--db", demo_db)
    assert code == 1 and "already an assessment called" in err
    code, out, _ = run(
        capsys, "assessment", "create", "Mid-point", "--db", demo_db, "--stage", "other"
    )
    assert code == 0
    code, _, _ = run(capsys, "assessment", "rename", "Mid-point", "Mid-point 2021", "--db", demo_db)
    assert code == 0
    code, _, _ = run(capsys, "assessment", "archive", "Mid-point 2021", "--db", demo_db)
    code, out, _ = run(capsys, "assessment", "list", "--db", demo_db)
    assert "Mid-point" not in out
    code, out, _ = run(capsys, "assessment", "list", "--db", demo_db, "--all")
    assert "Mid-point 2021 [archived]" in out
    code, _, err = run(capsys, "assessment", "import", tmp_path / "none.xlsx", "--db", demo_db)
    assert code == 1 and "either --name" in err


def test_demo_has_a_complete_baseline_and_a_half_done_follow_up(
    demo_db: Path | str, capsys: pytest.CaptureFixture[str]
) -> None:
    code, out, err = run(
        capsys, "assessment", "score", "Baseline 2020 – staff", "--db", demo_db, "--json"
    )
    doc = json.loads(out)
    assert doc["complete"] is True and doc["band"] in {"Good", "Okay", "Poor"}
    assert 106 <= doc["total"] <= 424
    assert all(a["overall_out_of_10"] is not None for a in doc["areas"])
    code, out, err = run(
        capsys, "assessment", "score", "Follow-up 2022 – staff", "--db", demo_db, "--json"
    )
    doc = json.loads(out)
    rated = sum(a["rated"] for a in doc["areas"])
    assert doc["complete"] is False and doc["band"] is None and 30 < rated < 90
    assert "left out of the means and the total" in err
    code, out, _ = run(
        capsys,
        "assessment",
        "compare",
        "Baseline 2020 – staff",
        "Baseline 2020 – young people",
        "--db",
        demo_db,
    )
    assert code == 0 and "Largest gaps" in out


def test_evidence_that_starts_with_an_equals_sign_stays_text(
    demo_db: Path | str, tmp_path: Path
) -> None:
    """openpyxl would store "= agreed by all" as a formula: a broken one in Excel, and not what was
    typed when the workbook comes back."""
    from nbdesk.self_assessment.exchange import write_template
    from nbdesk.self_assessment.ratings import set_evidence

    typed = '=HYPERLINK("http://example.com","agreed by all")'
    db = open_database(demo_db)
    try:
        with db.transaction() as session:
            aid = find_assessment(session, "Baseline 2020 – staff")
            first = load_assessment(session, aid).statements()[0]
            set_evidence(session, aid, first.statement_id, typed)
        with db.session() as session:
            detail = load_assessment(session, aid)
    finally:
        db.close()
    out = write_template(tmp_path / "filled.xlsx", detail.framework, detail)
    cell = load_workbook(out)["Ratings"]["E2"]
    assert (cell.value, cell.data_type) == (typed, "s")
    assert read_ratings(out, detail.framework).rows[0].evidence == typed
