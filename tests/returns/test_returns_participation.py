"""The participation return and the survey-round report (issue 5, points 2 and 3).

A round of 90 fictional people with known groups is added to the demonstration file; every figure in
the workbook is checked against counts made here from that list, every count from 1 to 5 must be
`[c]`, no hidden cell may be recoverable from the totals (the rank audit of test_suppression), and no
name, id, date of birth, phone number or email may appear anywhere in the file.
"""

from __future__ import annotations

import shutil
import subprocess
import zipfile
from collections.abc import Callable
from dataclasses import replace
from datetime import date, timedelta
from pathlib import Path

import openpyxl
import pandas as pd
import pytest

from nbdesk.cli import main
from nbdesk.returns.participation_return import DATA_HEADERS
from nbdesk.returns.suppression import (
    SYMBOL,
    Cell,
    CountTable,
    Group,
    SafeReturn,
    SafeRow,
    SafeTable,
)
from nbdesk.storage.location import Location
from tests.returns.test_returns_self_assessment import libreoffice_csv
from tests.returns.test_suppression import check_safe
from tests.support.raw import raw
from tests.support.returns_round import (
    EARLIER,
    OPENS,
    ROUND,
    Person,
    add_round,
    hand_counts,
    people,
)


@pytest.fixture
def round_file(demo_db: Location) -> tuple[Path, list[Person]]:
    group = people()
    add_round(demo_db, group[:70], name=EARLIER, opens=date(2025, 9, 1))
    add_round(demo_db, group)
    return demo_db, group


def export(capsys: pytest.CaptureFixture[str], db: Path, out: Path) -> None:
    code = main(["export", "participation", ROUND, "--db", str(db), "--out", str(out)])
    printed, err = capsys.readouterr()
    assert code == 0, err
    assert str(out) in printed


def all_text(path: Path) -> str:
    book = openpyxl.load_workbook(path)
    return "\n".join(
        str(v) for ws in book.worksheets for row in ws.iter_rows(values_only=True) for v in row if v
    )


def test_figures_match_hand_counts_and_small_counts_are_hidden(
    round_file: tuple[Path, list[Person]], tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    db, group = round_file
    out = tmp_path / "participation.xlsx"
    export(capsys, db, out)
    expected = hand_counts(group)
    eligible = sum(1 for p in group if p.eligible)
    completed = sum(1 for p in group if p.eligible and p.completed_on is not None)

    data = pd.read_excel(out, sheet_name="Data")
    assert tuple(data.columns) == DATA_HEADERS
    first = data.iloc[0]
    assert (first["Eligible"], first["Completed"]) == (eligible, completed)
    assert first["Response rate"] == pytest.approx(completed / eligible)

    seen: dict[str, dict[str, tuple[object, object, object]]] = {}
    for row in data.iloc[1:].itertuples(index=False):
        seen.setdefault(row[0], {})[row[1]] = (row[2], row[3], row[4])
    assert set(seen) == set(expected)
    hidden_somewhere = False
    for breakdown, groups in expected.items():
        assert set(seen[breakdown]) == set(groups), breakdown
        for label, (e, c) in groups.items():
            shown_e, shown_c, rate = seen[breakdown][label]
            for shown, true in ((shown_e, e), (shown_c, c)):
                if shown == SYMBOL:
                    hidden_somewhere = True
                else:
                    assert int(shown) == true and not 1 <= true <= 5, (breakdown, label)
            if SYMBOL in (shown_e, shown_c):
                assert rate == SYMBOL
            elif e:
                assert float(rate) == pytest.approx(c / e)
    assert hidden_somewhere  # the round was built to have small groups

    # The same pattern, rebuilt from the workbook, passes the independent recoverability audit.
    def cell(shown: object, true: int) -> Cell:
        return Cell(true, shown == SYMBOL)

    tables = [
        CountTable(b, tuple(Group(label, *counts) for label, counts in groups.items()))
        for b, groups in expected.items()
    ]
    rebuilt = SafeReturn(
        SafeRow("All", cell(first["Eligible"], eligible), cell(first["Completed"], completed)),
        tuple(
            SafeTable(
                t.title,
                tuple(
                    SafeRow(
                        g.label,
                        cell(seen[t.title][g.label][0], g.eligible),
                        cell(seen[t.title][g.label][1], g.completed),
                    )
                    for g in t.groups
                ),
            )
            for t in tables
        ),
        5,
    )
    check_safe(Group("All", eligible, completed), tables, rebuilt)

    # The printable sheet and the cover say the same, and explain the symbol.
    book = openpyxl.load_workbook(out)
    cover = {r[0]: r[1] for r in book["Cover"].iter_rows(values_only=True) if r[0]}
    assert cover["Round"] == ROUND and cover["Eligible"] == eligible
    assert cover["Completed"] == completed and "1 to 5" in cover["About [c]"]
    # As many cells read [c] as the preview says (a tester counted 27 against its 18: the rates).
    shown_as_c = [v for row in book["Data"].iter_rows(values_only=True) for v in row if v == SYMBOL]
    assert len(shown_as_c) == rebuilt.hidden_cells > 0
    printable = [r for r in book["Participation"].iter_rows(values_only=True)]
    assert "1 to 5" in printable[1][0]
    assert tuple(v for v in next(r for r in printable if r[0] == "Gender") if v) == ("Gender",)


def personal_values(db: Location) -> set[str]:
    """Every name, id, date of birth, phone number and email address in the file: of every care
    leaver in the register (the demonstration's and the test's), and the PAs' names."""
    columns = ("unique_id", "name", "preferred_name", "phone", "email", "pa_name", "date_of_birth")
    found: set[str] = set()
    with raw(db) as con:
        for row in con.execute(f"SELECT {', '.join(columns)} FROM care_leaver"):
            for value in row:
                text = str(value or "").strip()
                if len(text) >= 4:  # a shorter value (initials) would match ordinary words
                    found.add(text)
                    if len(text) == 10 and text[4] == text[7] == "-":  # a date, also as 02/03/2007
                        found.add(f"{text[8:]}/{text[5:7]}/{text[:4]}")
    return found


def test_no_personal_field_is_in_the_return(
    round_file: tuple[Path, list[Person]], tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """Every cell, and every part of the file (properties included), against every personal value
    in the database. (Row ids are whole numbers like the counts, so they are kept out by
    construction: the return is built from nbdesk.returns.gather's counts, which hold none.)"""
    db, group = round_file
    out = tmp_path / "participation.xlsx"
    export(capsys, db, out)
    personal = personal_values(db)
    assert len(personal) > 5 * len(group)  # the register's people, not just this test's
    text = all_text(out)
    with zipfile.ZipFile(out) as z:
        parts = "\n".join(z.read(name).decode("utf-8", "replace") for name in z.namelist())
    for value in personal:
        assert value not in text, value
        assert value not in parts, value
    assert "@" not in parts


def test_the_report_shows_rates_groups_and_no_small_counts(
    round_file: tuple[Path, list[Person]], tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    if shutil.which("pdftotext") is None:
        pytest.skip("poppler-utils (pdftotext) not installed")
    db, group = round_file
    out = tmp_path / "round.pdf"
    code = main(["report", "participation", ROUND, "--db", str(db), "--out", str(out)])
    assert code == 0, capsys.readouterr().err
    text = subprocess.run(
        ["pdftotext", "-layout", str(out), "-"], capture_output=True, text=True, check=True
    ).stdout
    eligible = sum(1 for p in group if p.eligible)
    completed = sum(1 for p in group if p.eligible and p.completed_on is not None)
    for heading in (
        f"Survey round report: {ROUND}",
        "Headline figures",
        "Response rate over time",
        "This round beside earlier rounds",
        "Groups under-represented",
        "Participation by group",
        "Accommodation type",
        "PA team",
    ):
        assert heading in text, heading
    assert f"{completed / eligible * 100:.0f}%" in text and str(eligible) in text
    assert SYMBOL in text and EARLIER in text
    # The report calls itself a report, and its table of rounds holds this one too.
    assert "This report holds counts only" in text and "This return" not in text
    assert "Earlier round" not in text
    # Every line that names a group shows no count from 1 to 5 (a hidden one reads [c]).
    labels = {label for groups in hand_counts(group).values() for label in groups}
    lines = [line for line in text.splitlines() if any(f" {lab} " in f" {line} " for lab in labels)]
    assert len(lines) >= len(labels)
    for line in lines:
        counts = [int(word) for word in line.split() if word.isdigit()]
        assert not any(1 <= n <= 5 for n in counts), line
    for value in personal_values(db):
        assert value not in text, value
    info = subprocess.run(["pdfinfo", str(out)], capture_output=True, text=True).stdout
    assert f"Survey round report: {ROUND}" in info
    fonts = subprocess.run(["pdffonts", str(out)], capture_output=True, text=True).stdout
    assert fonts.splitlines()[2:] and all(" yes " in line for line in fonts.splitlines()[2:]), fonts
    raw = out.read_bytes()
    assert b"/DisplayDocTitle true" in raw
    for heading in (b"Headline figures", b"Groups under-represented", b"PA team"):
        assert b"/Title (" + heading in raw, heading
    pages = tmp_path / "pages"
    pages.mkdir()
    subprocess.run(["pdftoppm", "-r", "40", "-png", str(out), str(pages / "p")], check=True)
    assert len(list(pages.glob("p-*.png"))) >= 2


def test_laid_out_for_reading_and_printing(
    round_file: tuple[Path, list[Person]], tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    out = tmp_path / "participation.xlsx"
    export(capsys, round_file[0], out)
    book = openpyxl.load_workbook(out)
    for name, header_row in (("Participation", 3), ("Data", 1)):
        ws = book[name]
        assert ws.page_setup.orientation == "landscape", name
        assert ws.sheet_properties.pageSetUpPr.fitToPage and ws.page_setup.fitToWidth == 1
        assert ws.page_setup.fitToHeight == 0
        assert ws.freeze_panes == f"A{header_row + 1}", name
        assert ws.print_title_rows == f"$1:${header_row}", name
        assert ws.column_dimensions["A"].width >= 20
    # The note on [c] is a wrapped paragraph over the table's width, not one long line that
    # would make "fit to width" shrink the printed page to nothing.
    tables = book["Participation"]
    assert "A2:D2" in {str(r) for r in tables.merged_cells.ranges}
    assert tables["A2"].alignment.wrap_text and "1 to 5" in tables["A2"].value
    assert tables.row_dimensions[2].height >= 3 * 14
    cover = book["Cover"]
    about = next(r[0].row for r in cover.iter_rows() if r[0].value == "About [c]")
    assert cover.row_dimensions[about].height >= 3 * 14


@pytest.mark.skipif(shutil.which("soffice") is None, reason="LibreOffice (soffice) not installed")
def test_libreoffice_opens_the_return(
    round_file: tuple[Path, list[Person]], tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    out = tmp_path / "participation.xlsx"
    export(capsys, round_file[0], out)
    sheets = libreoffice_csv(out, tmp_path / "converted")
    first = sheets.get("Cover", sheets.get("first"))
    assert first is not None
    text = "\n".join(",".join(r) for r in first)
    assert f"Survey participation return: {ROUND}" in text and "[c]" in text
    if "Data" not in sheets:
        pytest.skip("this LibreOffice converts only the first sheet (7.2 or later converts all)")
    # The Data sheet as LibreOffice reads it: the same counts, [c] and rates as openpyxl reads.
    ours = list(openpyxl.load_workbook(out)["Data"].iter_rows(values_only=True))
    assert len(sheets["Data"]) == len(ours)
    for lo, row in zip(sheets["Data"], ours, strict=True):
        assert lo[:4] == [str(v) for v in row[:4]]
        if isinstance(row[4], float):  # a percentage cell: LibreOffice writes 55.55…%
            assert lo[4].endswith("%") and float(lo[4][:-1]) / 100 == pytest.approx(row[4])
        else:
            assert lo[4] == str(row[4])


def test_the_return_counts_what_the_round_dashboard_shows(
    round_file: tuple[Path, list[Person]],
) -> None:
    from nbdesk.returns.gather import completions_by_day, round_data
    from nbdesk.storage import open_database
    from nbdesk.survey.dashboard import dashboard
    from nbdesk.survey.rounds import find_round

    # Values as registers hold them: stray spaces and tabs, other capitals, blanks.
    messy = [
        replace(p, unique_id=f"MESSY-{i}", gender=g, accommodation=a, team=t)
        for i, (p, g, a, t) in enumerate(
            zip(
                people(6, seed=9),
                [" female\t", "Female", "", "  ", "\u00a0Male ", "female"],
                ["Staying  put", "Staying put\u00a0", "\tCustody", "", "Custody", "custody"],
                ["North", " North", "", "South\n", "South", "north"],
                strict=True,
            )
        )
    ]
    add_round(round_file[0], messy, name="Messy", opens=date(2026, 6, 1))
    db = open_database(round_file[0])
    try:
        with db.session() as session:
            rounds = [find_round(session, n) for n in (ROUND, EARLIER, "Messy")]
            for summary in rounds:
                board = dashboard(session, summary.id)
                data = round_data(session, summary.id)
                ours = {
                    t.title: [(g.label, g.eligible, g.completed) for g in t.groups]
                    for t in data.breakdowns
                }
                for title, groups in board.breakdowns().items():
                    if title in ours:
                        # The same groups and counts (ties in the sort may fall either way).
                        assert sorted(ours[title]) == sorted(
                            (g.group, g.eligible, g.completed) for g in groups
                        )
                assert (data.total.eligible, data.total.completed) == (
                    board.overall.eligible,
                    board.overall.completed,
                )
                assert completions_by_day(session, summary.id) == list(board.over_time)
                # The round's figures summed from its groups are the round service's.
                assert data.round == summary
                assert round_data(session, summary.id, weekly=False).round == summary
    finally:
        db.close()


def test_a_round_with_no_completions_yet_exports(
    demo_db: Location, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """Issue 11: the return and the report of a round just opened (nobody has completed) were
    refused as "a bug in suppression". Every completed count is 0, which the total of 0 says.
    This round (one team, one age band, three accommodation types of 3 to 5) was one of them."""
    genders = ["Female"] * 9 + ["Male"] * 12 + [""] * 9
    places = ["Independent living"] * 7 + ["Semi-independent"] * 6 + ["Staying put"] * 6
    places += ["Custody"] * 3 + ["Supported lodgings"] * 5 + ["Foyer"] * 3
    group = [
        replace(
            p,
            completed_on=None,
            eligible=True,
            team="North",
            gender=genders[i],
            accommodation=places[i],
            born=OPENS - timedelta(days=19 * 365 + 40),
        )
        for i, p in enumerate(people(30, seed=1))
    ]
    add_round(demo_db, group)
    out = tmp_path / "participation.xlsx"
    export(capsys, demo_db, out)
    data = pd.read_excel(out, sheet_name="Data")
    eligible = sum(1 for p in group if p.eligible)
    assert (data.iloc[0]["Eligible"], data.iloc[0]["Completed"]) == (eligible, 0)
    assert set(data["Completed"]) == {0}  # no [c]: every group's 0 is known from the total
    assert SYMBOL in set(data["Eligible"])  # the small groups are still hidden
    for _title, _label, e, _c, _rate in data.iloc[1:].itertuples(index=False):
        assert e == SYMBOL or not 1 <= int(e) <= 5

    pdf = tmp_path / "round.pdf"
    code = main(["report", "participation", ROUND, "--db", str(demo_db), "--out", str(pdf)])
    assert code == 0, capsys.readouterr().err
    assert pdf.read_bytes().startswith(b"%PDF")
    if shutil.which("pdftotext") is not None:
        text = subprocess.run(
            ["pdftotext", "-layout", str(pdf), "-"], capture_output=True, text=True, check=True
        ).stdout
        assert "Headline figures" in text and "Participation by group" in text


def test_the_report_rounds_the_weekly_line(
    round_file: tuple[Path, list[Person]], tmp_path: Path
) -> None:
    """The weekly line is drawn from completions so far rounded down to a multiple of 5: a week
    with one completion among 40 never shows as "3%"."""
    from nbdesk.returns.gather import round_data
    from nbdesk.returns.participation_report import story
    from nbdesk.returns.pdf_common import styles
    from nbdesk.storage import open_database

    db = open_database(round_file[0])
    try:
        with db.session() as session:
            from nbdesk.survey.rounds import find_round

            data = round_data(session, find_round(session, ROUND).id)
    finally:
        db.close()
    from nbdesk.returns.participation_return import safe_return

    drawings = [f for f in story(data, safe_return(data), styles()) if hasattr(f, "contents")]
    line = next(d.contents[0] for d in drawings if "LineChart" in type(d.contents[0]).__name__)
    eligible = safe_return(data).total.eligible.value
    for value in line.data[0]:
        assert round(value * eligible / 100, 6) % 5 == 0, value


@pytest.mark.parametrize(
    "opens", [date(2028, 2, 29), date(2027, 2, 28), date(2027, 3, 1), date(2026, 3, 2)]
)
def test_age_bands_counted_in_sql_are_age_band_at_every_edge(
    database_at: Callable[..., Location], opens: date
) -> None:
    """The return counts age bands in SQL from the bands' edges (gather.age_band_number): each
    person born on, or a day or two either side of, a birthday that moves them into or out of a
    band, or on 28 or 29 February or 1 March, is in the band register.age_band gives them."""
    from collections import Counter

    from nbdesk.returns.gather import round_breakdowns
    from nbdesk.storage import create_database, open_database
    from nbdesk.survey.register import age_band
    from nbdesk.survey.rounds import find_round

    births: set[date] = set()
    for age in range(14, 28):
        year = opens.year - age
        births.update(date(year, 2, d) for d in (27, 28))
        births.add(date(year, 3, 1))
        if year % 4 == 0:
            births.add(date(year, 2, 29))
        anniversary = date(year, opens.month, 28 if opens.day == 29 else opens.day)
        births.update(anniversary + timedelta(days=d) for d in range(-2, 3))
    group = [
        replace(p, unique_id=f"EDGE-{i}", born=born, eligible=True)
        for i, (p, born) in enumerate(zip(people(len(births)), sorted(births), strict=True))
    ]
    path = database_at("edges.nbdesk")
    create_database(path, "Testshire County Council").close()
    add_round(path, group, name="Edges", opens=opens)
    db = open_database(path)
    try:
        with db.session() as session:
            ages = round_breakdowns(session, find_round(session, "Edges").id, opens)[0]
    finally:
        db.close()
    assert {g.label: g.eligible for g in ages.groups} == Counter(
        age_band(p.born, opens) for p in group
    )
