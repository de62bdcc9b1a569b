"""Framework files an attacker wrote (issue 11): too large, too many areas or statements, nested
too deeply, numbers and letters too big to count to. Each is refused in a moment, in one line
naming the file and where, never with a traceback or after minutes."""

from __future__ import annotations

import time
from pathlib import Path

import pytest

from nbdesk.forms.framework import (
    MAX_AREAS,
    MAX_STATEMENTS_PER_AREA,
    FrameworkError,
    load_framework_file,
    parse_framework,
)
from nbdesk.forms.spreadsheet import load_any_framework

HEAD = """[framework]
name = "Big"
version = "1"
[scale]
overall_out_of = 10
[[scale.ratings]]
points = 2
label = "Yes"
[[scale.ratings]]
points = 1
label = "No"
"""


def areas(count: int, statements: int = 1) -> str:
    parts = []
    for n in range(1, count + 1):
        parts.append(f'[[areas]]\nnumber = {n}\ntitle = "Area {n}"\n')
        parts += [
            f'[[areas.statements]]\nletter = "{chr(97 + i % 26)}"\ntext = "t"\n'
            for i in range(statements)
        ]
    return "".join(parts)


def one_line(caught: pytest.ExceptionInfo[FrameworkError]) -> str:
    assert "\n" not in str(caught.value)
    return str(caught.value)


def test_a_framework_file_too_large_is_refused_before_it_is_parsed(tmp_path: Path) -> None:
    """The attack: 100,000 areas took 64 s and 973 MB; the file's size refuses it at once."""
    path = tmp_path / "huge.toml"
    path.write_text(HEAD + areas(100_000), encoding="utf-8")
    started = time.monotonic()
    with pytest.raises(FrameworkError) as caught:
        load_framework_file(path)
    assert time.monotonic() - started < 1
    assert one_line(caught).startswith("huge.toml: the file is ")
    assert "a framework file is at most 2 MB" in str(caught.value)


def test_too_many_areas_are_refused_before_each_is_checked() -> None:
    with pytest.raises(FrameworkError) as caught:
        parse_framework(HEAD + areas(MAX_AREAS + 1), "many.toml")
    assert one_line(caught) == (
        f"many.toml: [[areas]]: has {MAX_AREAS + 1} areas; a framework has at most {MAX_AREAS}. "
        "Nothing was loaded."
    )


def test_too_many_statements_in_an_area_are_refused() -> None:
    with pytest.raises(FrameworkError) as caught:
        parse_framework(HEAD + areas(1, MAX_STATEMENTS_PER_AREA + 1), "long.toml")
    assert one_line(caught).startswith(
        f"long.toml: areas[1].statements: has {MAX_STATEMENTS_PER_AREA + 1} statements; an area"
    )


@pytest.mark.parametrize(
    "nesting", ["a = " + "[" * 5000 + "]" * 5000, "a = " + "{b = " * 3000 + "1" + "}" * 3000]
)
def test_a_deeply_nested_file_is_refused_plainly(nesting: str) -> None:
    with pytest.raises(FrameworkError) as caught:
        parse_framework(nesting, "deep.toml")
    assert one_line(caught) == (
        "deep.toml: not a framework: its arrays or tables are nested too deeply"
    )


def test_a_title_longer_than_kept_is_a_fault() -> None:
    text = HEAD + '[[areas]]\nnumber = 1\ntitle = "' + "T" * 301 + '"\n'
    text += '[[areas.statements]]\nletter = "a"\ntext = "t"\n'
    with pytest.raises(FrameworkError) as caught:
        parse_framework(text, "t.toml")
    assert one_line(caught) == "t.toml: areas[1].title: has 301 characters; at most 300 are kept"


def test_a_spreadsheet_with_too_many_rows_is_refused(tmp_path: Path) -> None:
    rows = "".join(f"1,Area,{chr(97 + n % 26)},Statement {n}\n" for n in range(2_100))
    path = tmp_path / "rows.csv"
    path.write_text("Area,Area title,Item,Statement\n" + rows, encoding="utf-8")
    with pytest.raises(FrameworkError) as caught:
        load_any_framework(path)
    assert one_line(caught).startswith("rows.csv: the list has more than 2,000 rows")


@pytest.mark.parametrize(
    ("cells", "column", "problem"),
    [
        ("9" * 5000 + ",Area,a,Text", "Area", "areas are numbered from 1 to 100, found '9999"),
        ("1,Area,zzzzzzzzzz,Text", "Item", "expected a letter (a, b, c … up to gr), found"),
        ("1," + "T" * 301 + ",a,Text", "Area title", "has 301 characters; at most 300 are kept."),
    ],
)
def test_spreadsheet_numbers_letters_and_titles_too_big_are_faults(
    tmp_path: Path, cells: str, column: str, problem: str
) -> None:
    """An area number of 5,000 digits or a letter far past z once counted every area or letter
    up to it (or failed converting the number)."""
    path = tmp_path / "fw.csv"
    path.write_text(f"Area,Area title,Item,Statement\n{cells}\n", encoding="utf-8")
    started = time.monotonic()
    with pytest.raises(FrameworkError) as caught:
        load_any_framework(path)
    assert time.monotonic() - started < 1
    assert one_line(caught).startswith(f"fw.csv: row 2, column '{column}': {problem}")
