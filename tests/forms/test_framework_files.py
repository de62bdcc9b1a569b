"""Frameworks as data: the shipped demonstration, the TOML format and the spreadsheet form."""

from __future__ import annotations

import csv
from importlib import resources
from pathlib import Path

import pytest

from nbdesk.forms.framework import (
    FrameworkError,
    demonstration_framework,
    letter_for,
    load_framework_file,
    parse_framework,
)
from nbdesk.forms.spreadsheet import load_any_framework, load_framework_spreadsheet

PUBLISHED_COUNTS = [10, 13, 13, 8, 10, 10, 15, 11, 8, 8]

MINIMAL = """
[framework]
name = "Tiny"
version = "1"

[scale]
overall_out_of = 10
[[scale.ratings]]
points = 4
label = "Agree at present"
[[scale.ratings]]
points = 1
label = "Disagree at present"

[[areas]]
number = 1
title = "One"
  [[areas.statements]]
  letter = "a"
  text = "First statement."
  [[areas.statements]]
  letter = "b"
  text = "Second statement."
"""


def test_demonstration_framework_has_the_published_structure() -> None:
    fw = demonstration_framework()
    assert fw.demonstration is True
    assert "demonstration" in fw.name.lower()
    assert "demonstration" in fw.description.lower()
    assert [len(a.statements) for a in fw.areas] == PUBLISHED_COUNTS
    assert fw.statement_count == 106
    assert [a.number for a in fw.areas] == list(range(1, 11))
    assert fw.areas[0].title == "Listening and responding to care leavers' views"
    assert fw.areas[6].statements[12].reference == "7 / M"
    assert [(p.points, p.label) for p in fw.scale] == [
        (4, "Agree at present"),
        (3, "Mostly agree"),
        (2, "Mostly disagree"),
        (1, "Disagree at present"),
    ]
    assert fw.overall_out_of == 10
    texts = [s.text for a in fw.areas for s in a.statements]
    assert len(set(texts)) == 106
    assert all(len(t.split()) >= 6 for t in texts)


def test_letters_run_past_z() -> None:
    assert [letter_for(n) for n in (1, 2, 13, 26, 27, 28)] == ["a", "b", "m", "z", "aa", "ab"]


def test_minimal_file_loads(tmp_path: Path) -> None:
    path = tmp_path / "tiny.toml"
    path.write_text(MINIMAL, encoding="utf-8")
    fw = load_framework_file(path)
    assert fw.name == "Tiny" and fw.version == "1"
    assert [s.text for s in fw.areas[0].statements] == ["First statement.", "Second statement."]
    assert fw.max_points == 4 and fw.min_points == 1


@pytest.mark.parametrize(
    ("change", "message"),
    [
        (('name = "Tiny"', 'name = ""'), "tiny.toml: framework.name: is empty"),
        (('version = "1"\n', ""), "tiny.toml: framework.version: is missing"),
        (('letter = "b"', 'letter = "c"'), "areas[1].statements[2].letter: statements must be"),
        (("number = 1\ntitle", "number = 2\ntitle"), "areas[1].number: areas must be numbered"),
        (("points = 1", "points = 4"), "scale.ratings[2].points: ratings must be listed highest"),
        (('text = "First statement."', 'txt = "First statement."'), "unknown key 'txt'"),
        (("overall_out_of = 10", "overall_out_of = 0"), "scale.overall_out_of: should be from 1"),
        (("overall_out_of = 10", 'overall_out_of = "ten"'), "should be a whole number"),
        (('title = "One"', 'title = "One"\ncolour = "red"'), "areas[1]: unknown key 'colour'"),
    ],
)
def test_broken_files_name_the_field(tmp_path: Path, change: tuple[str, str], message: str) -> None:
    old, new = change
    assert old in MINIMAL
    path = tmp_path / "tiny.toml"
    path.write_text(MINIMAL.replace(old, new, 1), encoding="utf-8")
    with pytest.raises(FrameworkError) as caught:
        load_framework_file(path)
    assert message in str(caught.value)


def test_syntax_error_names_the_line() -> None:
    broken = MINIMAL.replace('title = "One"', 'title = "One')
    with pytest.raises(FrameworkError) as caught:
        parse_framework(broken, "tiny.toml")
    line = MINIMAL.splitlines().index('title = "One"') + 1
    assert f"tiny.toml: line {line}: not valid TOML" in str(caught.value)
    [fault] = caught.value.faults
    assert (fault.line, fault.place) == (line, f"line {line}")


def test_file_that_is_not_utf8(tmp_path: Path) -> None:
    path = tmp_path / "latin.toml"
    path.write_bytes(MINIMAL.replace("First", "Caf\xe9").encode("latin-1"))
    with pytest.raises(FrameworkError, match="latin.toml: is not UTF-8"):
        load_framework_file(path)


def write_csv(path: Path, rows: list[list[str]]) -> Path:
    with path.open("w", newline="", encoding="utf-8") as fh:
        csv.writer(fh).writerows(rows)
    return path


HEADER = ["Area", "Area title", "Item", "Statement"]


def test_spreadsheet_csv_loads_in_any_row_order(tmp_path: Path) -> None:
    path = write_csv(
        tmp_path / "Our tool.csv",
        [
            ["Notes", *HEADER],
            ["", "2", "Second area", "a", "Two a."],
            ["", "1", "First area", "B", "One b."],
            ["", "1", "First area", "a", " One   a. "],
            ["", "", "", "", ""],
        ],
    )
    fw = load_framework_spreadsheet(path, version="2020")
    assert fw.name == "Our tool" and fw.version == "2020"
    assert [(a.number, a.title) for a in fw.areas] == [(1, "First area"), (2, "Second area")]
    assert [s.text for s in fw.areas[0].statements] == ["One a.", "One b."]
    assert fw.statement_count == 3
    assert fw.scale[0].label == "Agree at present"


def test_spreadsheet_xlsx_loads(tmp_path: Path) -> None:
    from openpyxl import Workbook

    book = Workbook()
    sheet = book.active
    sheet.append(HEADER)
    demo = demonstration_framework()
    for area in demo.areas:
        for st in area.statements:
            sheet.append([area.number, area.title, st.letter.upper(), st.text])
    path = tmp_path / "tool.xlsx"
    book.save(path)
    fw = load_any_framework(path, name="Real tool", version="2020")
    assert [len(a.statements) for a in fw.areas] == PUBLISHED_COUNTS
    assert [a.statements for a in fw.areas] == [a.statements for a in demo.areas]


@pytest.mark.parametrize(
    ("rows", "message"),
    [
        (
            [["Area", "Item", "Statement"]],
            "row 1, column 'Area title': no such column in the header row",
        ),
        ([HEADER, ["one", "T", "a", "x"]], "row 2, column 'Area': expected an area number"),
        ([HEADER, ["²", "T", "a", "x"]], "row 2, column 'Area': expected an area number"),
        ([HEADER, ["1", "T", "a", ""]], "row 2, column 'Statement': is empty"),
        ([HEADER, ["1", "T", "a", "x"], ["1", "U", "b", "y"]], "row 3, column 'Area title'"),
        ([HEADER, ["1", "T", "a", "x"], ["1", "T", "a", "y"]], "row 3, column 'Item': 1 / A is"),
        ([HEADER, ["1", "T", "a", "x"], ["1", "T", "c", "y"]], "no item 'b'"),
        ([HEADER, ["1", "T", "a)", "x"]], "row 2, column 'Item': expected a letter"),
        ([HEADER, ["2", "T", "a", "x"]], "there is no area 1"),
        ([HEADER], "no statements"),
    ],
)
def test_spreadsheet_faults_name_row_and_column(
    tmp_path: Path, rows: list[list[str]], message: str
) -> None:
    path = write_csv(tmp_path / "bad.csv", rows)
    with pytest.raises(FrameworkError) as caught:
        load_framework_spreadsheet(path)
    assert message in str(caught.value)


def test_unreadable_workbook(tmp_path: Path) -> None:
    path = tmp_path / "broken.xlsx"
    path.write_bytes(b"PK\x03\x04 this is not really a workbook")
    with pytest.raises(FrameworkError, match="broken.xlsx: cannot be read as an Excel workbook"):
        load_any_framework(path)


def test_unknown_file_type(tmp_path: Path) -> None:
    path = tmp_path / "tool.docx"
    path.write_bytes(b"x")
    with pytest.raises(FrameworkError, match="a framework is a .toml file"):
        load_any_framework(path)


def test_spreadsheet_needs_a_name_and_version(tmp_path: Path) -> None:
    path = write_csv(tmp_path / "tool.csv", [HEADER, ["1", "T", "a", "x"]])
    with pytest.raises(FrameworkError, match="needs a name and a version"):
        load_framework_spreadsheet(path, name="  ", version="1")


def test_every_toml_fault_is_reported_at_once(tmp_path: Path) -> None:
    broken = (
        MINIMAL.replace('name = "Tiny"', 'name = ""')
        .replace("points = 1", "points = 4")
        .replace('letter = "b"', 'letter = "c"')
        .replace('text = "First statement."', 'txt = "First statement."')
    )
    with pytest.raises(FrameworkError) as caught:
        parse_framework(broken, "tiny.toml")
    faults = caught.value.faults
    assert [(f.key, f.problem.split(" (")[0]) for f in faults] == [
        ("framework.name", "is empty"),
        ("scale.ratings[2].points", "ratings must be listed highest first"),
        ("areas[1].statements[1]", "unknown key 'txt'"),
        ("areas[1].statements[1].text", "is missing"),
        (
            "areas[1].statements[2].letter",
            "statements must be lettered a, b, c …; expected 'b', found 'c'",
        ),
    ]
    assert str(caught.value).startswith("5 faults; nothing was loaded:")
    assert all(f.file == "tiny.toml" and f.row is None for f in faults)


def test_a_missing_statement_or_area_is_one_fault_not_one_per_later_entry() -> None:
    demo = (resources.files("nbdesk.forms") / "frameworks" / "demonstration.toml").read_text(
        encoding="utf-8"
    )
    # Take out 1 / B: the later letters of area 1 follow on from the one before them.
    start = demo.index('letter = "b"')
    start = demo.rindex("[[areas.statements]]", 0, start)
    end = demo.index("[[areas.statements]]", start + 1)
    with pytest.raises(FrameworkError) as caught:
        parse_framework(demo[:start] + demo[end:], "demo.toml")
    assert [f.key for f in caught.value.faults] == ["areas[1].statements[2].letter"]
    # A mistyped number or letter is one fault too: the entries after it are at their place.
    mistyped = demo.replace("number = 2\n", "number = 20\n", 1).replace(
        'letter = "c"', 'letter = "x"', 1
    )
    with pytest.raises(FrameworkError) as caught:
        parse_framework(mistyped, "demo.toml")
    assert [str(f).split(": ", 1)[1] for f in caught.value.faults] == [
        "areas[1].statements[3].letter: statements must be lettered a, b, c …; expected 'c', "
        "found 'x'",
        "areas[2].number: areas must be numbered 1, 2, 3 …; expected 2, found 20",
    ]
    # And a repeated one.
    repeated = demo.replace("number = 2\n", "number = 1\n", 1)
    with pytest.raises(FrameworkError) as caught:
        parse_framework(repeated, "demo.toml")
    assert [f.key for f in caught.value.faults] == ["areas[2].number"]


def test_every_spreadsheet_fault_is_reported_with_its_row_and_column(tmp_path: Path) -> None:
    path = write_csv(
        tmp_path / "faulty.csv",
        [
            ["Area", "Item", "Statement"],  # no Area title
            ["1", "a", "One a."],
            ["one", "b", "One b."],  # a bad area number
            ["1", "c", "One c."],
            ["1", "c", "One c again."],  # the same item twice
            ["2", "a", ""],  # a blank statement
        ],
    )
    with pytest.raises(FrameworkError) as caught:
        load_framework_spreadsheet(path)
    assert [(f.row, f.column, f.problem) for f in caught.value.faults] == [
        (
            1,
            "Area title",
            "no such column in the header row (columns found: 'Area', 'Item', 'Statement').",
        ),
        (3, "Area", "expected an area number, found 'one'."),
        (5, "Item", "1 / C is already on row 4."),
        (6, "Statement", "is empty."),
    ]
    # The row with no area number may be 1 / B, so no gap is reported in area 1.
    assert "no item 'b'" not in str(caught.value)
