"""Register import of lists an attacker wrote (issue 11): ids compared as text, a number cell that
lost its leading zeros warned about, unusable ids and over-long cells refused by row and column,
text a spreadsheet would run warned about; a bad detail is still a warning, never a lost person."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from pathlib import Path

import pytest
from openpyxl import Workbook

from nbdesk.storage import Database, create_database
from nbdesk.storage.location import Location
from nbdesk.survey.import_preview import (
    BAD_ID,
    ID_NUMBER,
    LIKE_FORMULA,
    TOO_LONG,
    ImportRejected,
)
from nbdesk.survey.register import find_person, register_size
from nbdesk.survey.register_columns import read_register_file
from nbdesk.survey.register_import import apply_import, preview_import


@pytest.fixture
def db(database_at: Callable[..., Location]) -> Iterator[Database]:
    database = create_database(database_at("a.nbdesk"), "Testshire County Council")
    yield database
    database.close()


def csv_file(path: Path, text: str) -> Path:
    path.write_text(text, encoding="utf-8")
    return path


def xlsx_file(path: Path, rows: list[list[object]]) -> Path:
    book = Workbook()
    for row in rows:
        book.active.append(row)
    book.save(path)
    return path


def imported(db: Database, path: Path) -> None:
    with db.transaction() as session:
        apply_import(session, preview_import(session, read_register_file(path)))


def test_an_id_from_a_number_cell_is_text_and_warned_about(db: Database, tmp_path: Path) -> None:
    """000123 from a CSV and 123 from a workbook's number cell are two ids (compared as text),
    and the second is shown with the id it may have been."""
    imported(db, csv_file(tmp_path / "a.csv", "Unique ID,Name\n000123,Jo Bloggs\n"))
    book = xlsx_file(tmp_path / "b.xlsx", [["Unique ID", "Name"], [123, "Jo Bloggs"]])
    with db.transaction() as session:
        preview = preview_import(session, read_register_file(book))
        assert preview.new_ids == {"123"} and preview.updated_ids == frozenset()
        (warning,) = preview.warnings
        assert (warning.row, warning.column, warning.kind) == (2, "Unique ID", ID_NUMBER)
        assert "'123' was a number cell" in warning.reason
        assert "it may be the id '000123'" in warning.reason
        assert "1 of them has an id from a number cell, which may have lost its leading zeros" in (
            preview.summary()
        )
        apply_import(session, preview)
    with db.session() as session:
        assert register_size(session) == 2
        assert find_person(session, "000123").name == "Jo Bloggs"


def test_a_number_cell_shorter_than_the_ids_beside_it_is_warned_about(
    tmp_path: Path, db: Database
) -> None:
    rows: list[list[object]] = [["Unique ID", "Name"]]
    rows += [[str(n), f"Person {n}"] for n in range(500100, 500108)]
    rows += [[54321, "Short Id"], [500200, "Number Of Full Width"]]
    book = xlsx_file(tmp_path / "list.xlsx", rows)
    with db.session() as session:
        preview = preview_import(session, read_register_file(book))
    assert [(w.row, w.kind) for w in preview.warnings] == [(10, ID_NUMBER)]
    assert "the other ids have 6 digits" in preview.warnings[0].reason
    assert len(preview.valid) == 10  # everyone imported


def test_number_ids_of_mixed_widths_are_not_warned_about(tmp_path: Path, db: Database) -> None:
    book = xlsx_file(tmp_path / "list.xlsx", [["Unique ID"], [7], [1234], [99]])
    with db.session() as session:
        assert preview_import(session, read_register_file(book)).warnings == ()


@pytest.mark.parametrize("uid", ["\x00\x00", "A\x07B", "\u200b12"])
def test_an_id_of_control_characters_is_refused(tmp_path: Path, db: Database, uid: str) -> None:
    path = csv_file(tmp_path / "list.csv", f"Unique ID,Name\nA1,Al\n{uid},Bo\n")
    with db.session() as session:
        preview = preview_import(session, read_register_file(path))
    (refused,) = preview.rejections
    assert (refused.row, refused.column, refused.kind) == (3, "Unique ID", BAD_ID)
    assert refused.reason.startswith("the id holds control characters (U+")
    with pytest.raises(ImportRejected, match="1 row names no one"), db.transaction() as session:
        apply_import(session, preview)


def test_quotes_that_join_rows_into_an_id_are_refused(tmp_path: Path, db: Database) -> None:
    """A quote opened on one row and closed rows later reads the rows between into one cell."""
    text = 'Unique ID,Name\n"A1,Al\nA2,Bo\nA3",Cy\nA4,Di\n'
    with db.session() as session:
        preview = preview_import(session, read_register_file(csv_file(tmp_path / "l.csv", text)))
    (refused,) = preview.rejections
    assert refused.row == 2 and "a quote left open in the file may have joined" in refused.reason
    assert [v["unique_id"] for _, v in preview.valid] == ["A4"]


def test_ids_and_teams_longer_than_the_register_keeps_are_refused(
    tmp_path: Path, db: Database
) -> None:
    long_id, long_team = "9" * 101, "T" * 201
    text = f"Unique ID,Name,Team\n{long_id},Al,North\nA2,Bo,{long_team}\nA3,Cy,South\n"
    with db.session() as session:
        preview = preview_import(session, read_register_file(csv_file(tmp_path / "l.csv", text)))
    assert [(r.row, r.column, r.kind) for r in preview.rejections] == [
        (2, "Unique ID", BAD_ID),
        (3, "Team", TOO_LONG),
    ]
    assert preview.rejections[0].reason == (
        "the id has 101 characters; the register keeps ids of up to 100"
    )
    assert preview.rejections[1].text() == (
        "row 3, column 'Team': holds 201 characters; the register keeps at most 200 here"
    )
    assert "2 rows are left out: 1 with no unique id" not in preview.summary()
    assert "2 rows are left out: they have an id or a cell nbdesk cannot store" in preview.summary()
    refused = r"2 rows are refused \(row 2, column 'Unique ID'"
    with pytest.raises(ImportRejected, match=refused), db.transaction() as session:
        apply_import(session, preview)


def test_names_that_look_like_formulas_are_warned_about_and_kept(
    tmp_path: Path, db: Database
) -> None:
    text = (
        "Unique ID,Name,Allocated Personal Adviser,Mobile\n"
        'A1,"=HYPERLINK(""http://x"",""Jo"")",Pat,07700 900123\n'
        "A2,@Bo,+Sam,01632 960123\n"
        "A3,Cy Smith,Pat,not a phone\n"
    )
    path = csv_file(tmp_path / "list.csv", text)
    with db.transaction() as session:
        preview = preview_import(session, read_register_file(path))
        formula = [(w.row, w.column) for w in preview.warnings if w.kind == LIKE_FORMULA]
        assert formula == [(2, "Name"), (3, "Name"), (3, "Allocated Personal Adviser")]
        assert "begins with '@', which a spreadsheet program could run as a formula" in (
            preview.warnings[1].reason
        )
        assert "2 of them have a name or detail beginning with =, +, - or @" in preview.summary()
        result = apply_import(session, preview)
    # A bad detail is still a warning, never a lost person.
    assert (result.added, result.skipped_rows) == (3, 0)
    with db.session() as session:
        assert find_person(session, "A2").name == "@Bo"
        assert find_person(session, "A3").phone == ""
