"""Fault suite (issue 11): every malformed file an attacker tried, given to the command that reads
it. Each exits 1 with one line on stderr naming the file (and the row and column where there is
one), never a traceback, and the .nbdesk file is byte for byte as it was."""

from __future__ import annotations

import errno
import re
import sqlite3
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from openpyxl import load_workbook

from nbdesk.cli import main
from nbdesk.storage import create_database
from nbdesk.storage.location import Location, server_label
from tests.support.fingerprint import fingerprint

HEADER = "Unique ID,Name,Team,Mobile\n"


def run(capsys: pytest.CaptureFixture[str], *args: object) -> tuple[int, str, str]:
    try:
        code = main([str(a) for a in args])
    except SystemExit as exc:
        code = int(exc.code or 0)
    out, err = capsys.readouterr()
    return code, out, err


def refused(capsys: pytest.CaptureFixture[str], db: Location, *args: object) -> str:
    """Run a command that must refuse its input: exit 1, one line on stderr, the file unchanged.
    Returns the line."""
    before = fingerprint(db)
    code, _, err = run(capsys, *args, "--db", db)
    assert code == 1, err
    assert err.endswith("\n") and err.count("\n") == 1, err
    assert err.startswith("nbdesk: error: ") and "Traceback" not in err
    assert fingerprint(db) == before
    return err.removeprefix("nbdesk: error: ").rstrip("\n")


@pytest.fixture
def db(database_at: Callable[..., Location]) -> Location:
    path = database_at("la.nbdesk")
    create_database(path, "Testshire County Council").close()
    return path


def people(tmp_path: Path, rows: str, name: str = "list.csv", encoding: str = "utf-8") -> Path:
    path = tmp_path / name
    path.write_bytes((HEADER + rows).encode(encoding))
    return path


# Register import ------------------------------------------------------------------------------

REGISTER_FAULTS: dict[str, tuple[Callable[[Path], Path], str]] = {
    "utf-16 with no byte order mark": (
        lambda tmp: people(tmp, "A1,Al,North,\n", encoding="utf-16-le"),
        "list.csv: is not plain text (it looks like UTF-16 with no byte order mark)",
    ),
    "a quote never closed": (
        lambda tmp: people(tmp, 'A1,Al,North,\n"A2,Bo,North,\nA3,Cy,South,\n'),
        "list.csv: row 3, column 'Unique ID': a quote (\") opens this cell and is never closed",
    ),
    "a cell past csv's field limit": (
        lambda tmp: people(tmp, "A1,Al," + "N" * 140_000 + ",\n"),
        "list.csv: row 2, column 'Team': the cell holds 140,000 characters",
    ),
    "an id of NUL characters": (
        lambda tmp: people(tmp, "A1,Al,North,\n\x00\x00,Bo,North,\n"),
        "list.csv: row 3, column 'Unique ID': the id holds control characters (U+0000)",
    ),
    "an id of control characters": (
        lambda tmp: people(tmp, "\x01\x02\x1b,Al,North,\n"),
        "list.csv: row 2, column 'Unique ID': the id holds control characters (U+0001",
    ),
    "an id longer than kept": (
        lambda tmp: people(tmp, "A" * 101 + ",Al,North,\n"),
        "list.csv: row 2, column 'Unique ID': the id has 101 characters; the register keeps "
        "ids of up to 100",
    ),
    "a team longer than kept": (
        lambda tmp: people(tmp, "A1,Al,North,\nA2,Bo," + "T" * 201 + ",\n"),
        "list.csv: row 3, column 'Team': holds 201 characters; the register keeps at most 200",
    ),
    "more rows than any list": (
        lambda tmp: people(tmp, "".join(f"{n},P\n" for n in range(100_020))),
        "list.csv: the list has more than 100,000 rows, the most nbdesk reads",
    ),
}


@pytest.mark.parametrize("fault", REGISTER_FAULTS)
def test_register_import_refuses_a_malformed_list(
    fault: str, db: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    make, message = REGISTER_FAULTS[fault]
    line = refused(capsys, db, "register", "import", make(tmp_path))
    assert line.startswith(message), line


def test_register_import_refuses_a_formula_with_no_saved_value(
    db: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    from openpyxl import Workbook

    book = Workbook()
    book.active.title = "Care leavers"
    book.active.append(["Unique ID", "Name"])
    book.active.append(["A1", "Al"])
    book.active.append(['="A"&2', "Bo"])  # written by a program that does not calculate
    book.save(tmp_path / "list.xlsx")
    line = refused(capsys, db, "register", "import", tmp_path / "list.xlsx")
    assert line.startswith(
        "list.xlsx (sheet 'Care leavers'): row 3, column 'Unique ID': holds a formula with no "
        "saved result"
    )
    assert "save it, and import it again" in line


@pytest.mark.parametrize("encoding", ["utf-16", "utf-8-sig"])
@pytest.mark.parametrize("newline", ["\r", "\r\n"])
def test_register_import_reads_utf16_and_old_mac_lines(
    db: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str], encoding: str, newline: str
) -> None:
    path = people(tmp_path, "000123,Jö Bloggs,North,\n000124,Al,South,\n", encoding=encoding)
    path.write_bytes(path.read_bytes().decode(encoding).replace("\n", newline).encode(encoding))
    code, out, err = run(capsys, "register", "import", path, "--db", db)
    assert (code, err) == (0, ""), err
    assert "Imported: 2 added, 0 updated, 0 rows left out." in out


def _disk_fills(monkeypatch: pytest.MonkeyPatch) -> None:
    """SQLite's own "database or disk is full": the file may not grow by a page."""
    from nbdesk.storage import database

    real = database._set_pragmas

    def full(connection: Any, record: Any) -> None:
        real(connection, record)
        pages = connection.execute("PRAGMA page_count").fetchone()[0]
        connection.execute(f"PRAGMA max_page_count={pages}")

    monkeypatch.setattr(database, "_set_pragmas", full)


@pytest.mark.subject_is_sqlite("the file's page limit stands for a full disk")
def test_a_full_disk_during_import_is_one_line(
    db: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    path = people(tmp_path, "".join(f"A{n:05},Person {n},North,\n" for n in range(3000)))
    _disk_fills(monkeypatch)
    line = refused(capsys, db, "register", "import", path)
    assert line == (
        "la.nbdesk: the disk is full, so nothing was saved and the file is as it was. Free some "
        "space (or move the file to a disk with room) and try again."
    )


def test_no_space_left_on_device_during_import_is_one_line(
    db: Location,
    tmp_path: Path,
    capsys: pytest.CaptureFixture[str],
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    from nbdesk.survey import register_import

    def no_space(*_args: object, **_kwargs: object) -> None:
        raise OSError(errno.ENOSPC, "No space left on device")

    monkeypatch.setattr(register_import, "apply_import", no_space)
    line = refused(capsys, db, "register", "import", people(tmp_path, "A1,Al,North,\n"))
    shown = db.name if isinstance(db, Path) else server_label(db)
    assert line.startswith(f"{shown}: the disk is full, so nothing was saved")


def test_sqlite_full_is_recognised_however_wrapped() -> None:
    from sqlalchemy.exc import OperationalError

    from nbdesk.common.errors import DiskFullError, disk_full, plainly

    wrapped = OperationalError("INSERT …", {}, sqlite3.OperationalError("database or disk is full"))
    assert disk_full(wrapped) and isinstance(plainly(wrapped, "la.nbdesk"), DiskFullError)
    other = OperationalError("INSERT …", {}, sqlite3.OperationalError("no such table: x"))
    assert not disk_full(other) and plainly(other) is other


# Framework import -----------------------------------------------------------------------------

FRAMEWORK_HEAD = (
    '[framework]\nname = "X"\nversion = "1"\n[scale]\noverall_out_of = 10\n'
    '[[scale.ratings]]\npoints = 2\nlabel = "Yes"\n[[scale.ratings]]\npoints = 1\nlabel = "No"\n'
)


def _areas(count: int) -> str:
    return "".join(
        f'[[areas]]\nnumber = {n}\ntitle = "Area {n}"\n'
        '[[areas.statements]]\nletter = "a"\ntext = "A statement."\n'
        for n in range(1, count + 1)
    )


FRAMEWORK_FAULTS: dict[str, tuple[str, str, str]] = {
    "nested too deeply": (
        "deep.toml",
        "a = " + "[" * 3000 + "]" * 3000 + "\n",
        "deep.toml: not a framework: its arrays or tables are nested too deeply",
    ),
    "100,000 areas": (
        "huge.toml",
        FRAMEWORK_HEAD + _areas(100_000),
        "huge.toml: the file is ",
    ),
    "more areas than a framework has": (
        "many.toml",
        FRAMEWORK_HEAD + _areas(150),
        "many.toml: [[areas]]: has 150 areas; a framework has at most 100.",
    ),
    "a spreadsheet quote never closed": (
        "fw.csv",
        'Area,Area title,Item,Statement\n1,One,a,"Text\n1,One,b,More\n',
        "fw.csv: row 2, column 'Statement': a quote (\") opens this cell and is never closed",
    ),
    "a spreadsheet area number of 5,000 digits": (
        "fw.csv",
        "Area,Area title,Item,Statement\n" + "9" * 5000 + ",One,a,Text\n",
        "fw.csv: row 2, column 'Area': areas are numbered from 1 to 100",
    ),
}


@pytest.mark.parametrize("fault", FRAMEWORK_FAULTS)
def test_framework_import_refuses_a_malformed_file(
    fault: str, db: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    name, text, message = FRAMEWORK_FAULTS[fault]
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    line = refused(capsys, db, "framework", "import", path)
    assert line.startswith(message), line


def test_framework_spreadsheet_in_utf16_with_mac_lines_is_read(
    db: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    path = tmp_path / "fw.csv"
    text = "Area,Area title,Item,Statement\r1,Öne,a,First\r1,Öne,b,Second\r2,Two,a,Third\r"
    path.write_bytes(text.encode("utf-16"))
    code, out, err = run(capsys, "framework", "import", path, "--db", db, "--version", "1")
    assert (code, err) == (0, "")
    assert "Loaded: fw 1 — 2 areas, 3 statements (2, 1)." in out


# Ratings workbook import ----------------------------------------------------------------------


@pytest.mark.parametrize(
    ("cell", "formula", "column"),
    [("D3", "=2+1", "Rating"), ("E2", '="see "&"notes"', "Evidence")],
)
def test_ratings_import_refuses_a_formula_with_no_saved_value(
    demo_db: Location,
    tmp_path: Path,
    capsys: pytest.CaptureFixture[str],
    cell: str,
    formula: str,
    column: str,
) -> None:
    """Read for values, an uncalculated formula is blank: the rating or evidence would be lost
    without a word."""
    sheet = tmp_path / "group.xlsx"
    assert run(capsys, "assessment", "template", "--db", demo_db, "--out", sheet)[0] == 0
    book = load_workbook(sheet)
    book["Ratings"][cell] = formula
    book.save(sheet)
    line = refused(capsys, demo_db, "assessment", "import", sheet, "--name", "From a group")
    row = int(re.sub(r"\D", "", cell))
    assert line.startswith("group.xlsx: nothing was imported. ")
    assert (
        f"group.xlsx (sheet 'Ratings'): row {row}, column '{column}': holds a formula with no "
        in (line)
    )
    assert "Open it in Excel or LibreOffice, save it, and import it again." in line
