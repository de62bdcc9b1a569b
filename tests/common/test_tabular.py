"""Reading a table from a file an attacker (or an unusual export) wrote: each bad file is refused in
one sentence naming the file, row and column, and each readable oddity is read."""

from __future__ import annotations

from pathlib import Path

import pytest
from openpyxl import Workbook

from nbdesk.common.tabular import Limits, TableError, column_letter, read_table

LIST = "Unique ID,Name\r\n000123,Jö Bloggs\r\n000124,Al Smith\r\n"


def written(path: Path, data: bytes) -> Path:
    path.write_bytes(data)
    return path


def one_line(exc: pytest.ExceptionInfo[TableError]) -> str:
    text = str(exc.value)
    assert "\n" not in text
    return text


@pytest.mark.parametrize("encoding", ["utf-16", "utf-16-be", "utf-32", "utf-8-sig"])
def test_text_with_a_byte_order_mark_is_read(tmp_path: Path, encoding: str) -> None:
    data = LIST.encode(encoding)
    if encoding == "utf-16-be":
        data = b"\xfe\xff" + data
    table = read_table(written(tmp_path / "list.csv", data))
    assert table.headers == ("Unique ID", "Name")
    assert table.rows[0].cells == {"Unique ID": "000123", "Name": "Jö Bloggs"}


def test_excel_unicode_text_is_read(tmp_path: Path) -> None:
    """Excel's "Unicode Text": UTF-16 with a mark, tab-separated."""
    data = LIST.replace(",", "\t").encode("utf-16")
    table = read_table(written(tmp_path / "list.txt", data))
    assert table.rows[1].cells == {"Unique ID": "000124", "Name": "Al Smith"}


def test_utf16_without_a_mark_is_refused_plainly(tmp_path: Path) -> None:
    path = written(tmp_path / "list.csv", LIST.encode("utf-16-le"))
    with pytest.raises(TableError) as caught:
        read_table(path)
    assert one_line(caught).startswith("list.csv: is not plain text (it looks like UTF-16")


def test_old_mac_line_endings_are_read(tmp_path: Path) -> None:
    path = written(tmp_path / "list.csv", LIST.replace("\r\n", "\r").encode())
    table = read_table(path)
    assert [(r.number, r.get("Unique ID")) for r in table.rows] == [(2, "000123"), (3, "000124")]


def test_a_quote_left_open_is_refused_by_row_and_column(tmp_path: Path) -> None:
    data = b'Unique ID,Name\n000122,Bo\n000123,"Jo\n000124,Al\n000125,Cy\n'
    with pytest.raises(TableError) as caught:
        read_table(written(tmp_path / "list.csv", data))
    assert one_line(caught).startswith(
        "list.csv: row 3, column 'Name': a quote (\") opens this cell and is never closed"
    )


def test_stray_quotes_inside_cells_are_still_read(tmp_path: Path) -> None:
    data = b'Unique ID,Name\n000122,5\'10" Bo\n000123,"Jo" Smith\n'
    table = read_table(written(tmp_path / "list.csv", data))
    assert [r.get("Name") for r in table.rows] == ["5'10\" Bo", "Jo Smith"]


def test_a_cell_longer_than_csv_allows_is_refused_by_row_and_column(tmp_path: Path) -> None:
    """Past csv's own field limit (131,072), which failed with a traceback."""
    data = b"Unique ID,Name\n000122,Bo\n000123," + b"x" * 140_000 + b"\n"
    with pytest.raises(TableError) as caught:
        read_table(written(tmp_path / "list.csv", data))
    assert one_line(caught) == (
        "list.csv: row 3, column 'Name': the cell holds 140,000 characters; a cell holds at most "
        "32,767. Check the column, or the quotes around it."
    )


def test_a_file_too_large_is_refused_before_it_is_read(tmp_path: Path) -> None:
    path = written(tmp_path / "list.csv", LIST.encode() * 100)
    with pytest.raises(TableError) as caught:
        read_table(path, limits=Limits(file_bytes=1000))
    assert one_line(caught).startswith("list.csv: the file is 5 KB; nbdesk reads files of this")


def test_too_many_rows_are_refused_while_reading(tmp_path: Path) -> None:
    rows = "".join(f"{n:06},Person {n}\n" for n in range(100))
    path = written(tmp_path / "list.csv", ("Unique ID,Name\n" + rows).encode())
    with pytest.raises(TableError) as caught:
        read_table(path, limits=Limits(rows=50))
    assert "the list has more than 50 rows" in one_line(caught)
    assert len(read_table(path, limits=Limits(rows=100)).rows) == 100


def test_an_uncalculated_formula_is_refused_by_row_and_column(tmp_path: Path) -> None:
    """openpyxl (and other programs that do not calculate) save a formula with no result; read
    for values it would be blank, as if nobody had filled it in."""
    book = Workbook()
    sheet = book.active
    sheet.title = "Ratings"
    sheet.append(["Area", "Item", "Rating"])
    sheet.append([1, "a", 3])
    sheet.append([1, "b", "=1+2"])
    book.save(tmp_path / "ratings.xlsx")
    with pytest.raises(TableError) as caught:
        read_table(tmp_path / "ratings.xlsx")
    assert one_line(caught).startswith(
        "ratings.xlsx (sheet 'Ratings'): row 3, column 'Rating': holds a formula with no saved "
        "result"
    )
    assert "Open it in Excel or LibreOffice, save it, and import it again." in str(caught.value)


def test_number_cells_are_marked(tmp_path: Path) -> None:
    book = Workbook()
    sheet = book.active
    sheet.append(["Unique ID", "Name"])
    sheet.append(["000123", "Jo"])
    sheet.append([124, "Al"])
    book.save(tmp_path / "list.xlsx")
    rows = read_table(tmp_path / "list.xlsx").rows
    assert rows[0].numbers == frozenset() and rows[1].numbers == {"Unique ID"}
    assert rows[1].get("Unique ID") == "124"


def test_column_letters() -> None:
    assert [column_letter(i) for i in (0, 25, 26, 701, 702)] == ["A", "Z", "AA", "ZZ", "AAA"]


@pytest.mark.parametrize(
    ("first", "said"),
    [
        (b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR", "is not a list but a picture (PNG)"),
        (b"PK\x03\x04\x14\x00\x06\x00", "is not a list but a zipped file, perhaps an Excel"),
        (b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1", "is not a list but an old Excel (.xls) workbook"),
        (b"%PDF-1.7\n", "is not a list but a PDF"),
        (b"Unique ID,Name\n1,\x00\x01\x02 Bo\n", "is not a list: it holds binary data"),
    ],
)
def test_a_file_that_is_not_text_is_named_for_what_it_is(
    tmp_path: Path, first: bytes, said: str
) -> None:
    """A tester's picture renamed .csv showed "Columns found: ‰PNG"."""
    path = written(tmp_path / "list.csv", first + bytes(range(256)) * 4)
    with pytest.raises(TableError) as caught:
        read_table(path)
    assert one_line(caught).startswith(f"list.csv: {said}"), one_line(caught)
