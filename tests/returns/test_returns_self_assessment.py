"""The self-assessment return (issue 5, point 1), read back as the central team would read it.

Every figure is checked against nbdesk.forms.scoring.score() computed here from the assessment's own
ratings, the paper-tool sheets against the ratings one by one, and the Ratings sheet by importing the
return into nbdesk again (issue 3's importer) and finding an identical assessment.
"""

from __future__ import annotations

import csv
import math
import re
import shutil
import subprocess
from datetime import datetime
from pathlib import Path

import openpyxl
import pandas as pd
import pytest

from nbdesk import __version__
from nbdesk.cli import main
from nbdesk.forms.scoring import score
from nbdesk.self_assessment.assessments import find_assessment, load_assessment
from nbdesk.self_assessment.exchange import HEADERS, import_new, read_ratings
from nbdesk.storage import open_database
from nbdesk.storage.location import Location
from tests.support.raw import raw

BASELINE = "Baseline 2020 – staff"
FOLLOW_UP = "Follow-up 2022 – staff"  # half done in the demonstration


def export(capsys: pytest.CaptureFixture[str], db: Path, name: str, out: Path) -> None:
    code = main(["export", "self-assessment", name, "--db", str(db), "--out", str(out)])
    printed, err = capsys.readouterr()
    assert code == 0, err
    assert str(out) in printed


def assessment(db: Path, name: str):  # type: ignore[no-untyped-def]
    database = open_database(db)
    try:
        with database.session() as session:
            return load_assessment(session, find_assessment(session, name))
    finally:
        database.close()


@pytest.mark.parametrize("name", [BASELINE, FOLLOW_UP])
def test_figures_match_the_scoring_module(
    demo_db: Location, tmp_path: Path, capsys: pytest.CaptureFixture[str], name: str
) -> None:
    out = tmp_path / "return.xlsx"
    export(capsys, demo_db, name, out)
    detail = assessment(demo_db, name)
    fw = detail.framework
    ratings = {(s.area_number, s.letter): s.points for s in detail.statements()}
    expected = score(fw, ratings, {a.number: a.overall for a in detail.areas})

    book = openpyxl.load_workbook(out)
    assert book.sheetnames == [
        "Cover",
        "Summary",
        *(f"Area {a.number}" for a in fw.areas),
        "Ratings",
        "About",
    ]
    # Summary, read by pandas as an analyst would: one row per area under the header on row 4.
    summary = pd.read_excel(out, sheet_name="Summary", header=3, nrows=len(fw.areas))
    assert list(summary.columns[:4]) == ["Area", "Title", "Statements", "Rated"]
    for area, row in zip(expected.areas, summary.itertuples(index=False), strict=True):
        assert row.Area == area.number and row.Title == area.title
        assert row.Statements == area.statements and row.Rated == area.rated
        mean, percent, overall = row[4], row[5], row[6]
        if area.mean is None:
            assert pd.isna(mean) and pd.isna(percent)
        else:
            assert mean == pytest.approx(area.mean) and percent == pytest.approx(area.percent)
        assert (pd.isna(overall) and area.overall_out_of_10 is None) or (
            overall == area.overall_out_of_10
        )
    # Shown as whole percentages, as the app and the report show them (the value stays exact).
    cells = book["Summary"]["F"][4 : 4 + len(fw.areas)]
    shown = {c.number_format for c in cells if c.value is not None}
    assert shown == {'0"%"'}
    labels = {
        r[1]: r[4]
        for r in book["Summary"].iter_rows(min_row=len(fw.areas) + 6, values_only=True)
        if r[1]
    }
    # Part-rated, the total is said to be so far (it may be below a complete one's lowest).
    rated = f"only {expected.rated} of 106 statements rated; all rated would total "
    assert labels[f"Total ({'possible ' if expected.complete else rated}106–424)"] == expected.total
    assert labels["Statements rated"] == expected.rated
    overall_key = "Overall mean (mean of the area means, out of 4)"
    assert labels[overall_key] == pytest.approx(expected.overall_mean)
    if expected.complete:
        assert labels["Band"] == expected.band and labels["Complete"] == "Yes"
    else:
        assert labels["Band"].startswith("Not given") and labels["Complete"] == "No"

    # Each area like the paper tool: exactly one x, under the statement's rating.
    scale = [p.points for p in fw.scale]
    for area in detail.areas:
        ws = book[f"Area {area.number}"]
        rows = list(ws.iter_rows(min_row=5, max_row=4 + len(area.statements), values_only=True))
        for st, row in zip(area.statements, rows, strict=True):
            assert row[0] == st.letter and row[1] == st.text
            marks = [i for i, v in enumerate(row[2 : 2 + len(scale)]) if v == "x"]
            assert marks == ([] if st.points is None else [scale.index(st.points)])
            assert (row[2 + len(scale)] or "") == st.evidence
        tail = {
            r[1]: r[2] for r in ws.iter_rows(min_row=6 + len(area.statements), values_only=True)
        }
        assert tail["Overall rating for this area (out of 10)"] == area.overall

    cover = {r[0]: r[1] for r in book["Cover"].iter_rows(values_only=True) if r[0]}
    assert cover["Assessment"] == name
    assert cover["Framework"] == fw.name and cover["Framework version"] == fw.version
    assert cover["Statements rated"] == f"{expected.rated} of {expected.statements}"
    assert cover["Exported by"].startswith("nbdesk ")
    assert "Took part: staff" in cover and "Took part: young person" in cover


def test_laid_out_for_reading_and_printing(
    demo_db: Location, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    out = tmp_path / "return.xlsx"
    export(capsys, demo_db, BASELINE, out)
    book = openpyxl.load_workbook(out)
    for name in ("Summary", "Area 1", "Area 7", "Ratings"):
        ws = book[name]
        assert ws.page_setup.orientation == "landscape", name
        assert ws.sheet_properties.pageSetUpPr.fitToPage and ws.page_setup.fitToWidth == 1
        assert ws.freeze_panes in ("A5", "A2"), name
        header_row = int(ws.freeze_panes[1:]) - 1
        assert ws.print_title_rows == f"$1:${header_row}"
        # The statement or title column is wide enough to read a sentence.
        assert max(ws.column_dimensions[c].width for c in "BC") >= 40
    area = book["Area 1"]
    assert area["G5"].alignment.wrap_text and area["B5"].alignment.wrap_text
    assert area["A4"].font.bold and area.column_dimensions["G"].width >= 40


def test_the_ratings_sheet_re_imports_to_an_identical_assessment(
    demo_db: Location, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    # Evidence typed with a leading "=" must come back as typed, not as a formula.
    from nbdesk.self_assessment.ratings import set_evidence

    typed = "=SUM(A1:A3) partners agreed"
    database = open_database(demo_db)
    try:
        with database.transaction() as session:
            aid = find_assessment(session, FOLLOW_UP)
            set_evidence(
                session, aid, load_assessment(session, aid).statements()[0].statement_id, typed
            )
    finally:
        database.close()
    out = tmp_path / "return.xlsx"
    export(capsys, demo_db, FOLLOW_UP, out)
    book = openpyxl.load_workbook(out)
    assert not [
        c.coordinate for ws in book for row in ws.iter_rows() for c in row if c.data_type == "f"
    ]
    ratings = pd.read_excel(out, sheet_name="Ratings", dtype=str, keep_default_na=False)
    assert tuple(ratings.columns) == HEADERS
    assert ratings["Evidence"][0] == typed
    original = assessment(demo_db, FOLLOW_UP)
    assert len(ratings) == original.framework.statement_count

    # Through the command line, as a lead would.
    code = main(["assessment", "import", str(out), "--db", str(demo_db), "--name", "Again"])
    capsys.readouterr()
    assert code == 0
    again = assessment(demo_db, "Again")
    assert again.summary.framework_id == original.summary.framework_id
    assert [(s.area_number, s.letter, s.points, s.evidence) for s in again.statements()] == [
        (s.area_number, s.letter, s.points, s.evidence) for s in original.statements()
    ]

    # And through the importer's service functions.
    sheet = read_ratings(out, original.framework)
    database = open_database(demo_db)
    try:
        with database.transaction() as session:
            import_new(session, sheet, name="Once more", framework_id=original.summary.framework_id)
    finally:
        database.close()
    once_more = assessment(demo_db, "Once more")
    assert [(s.statement_id, s.points, s.evidence) for s in once_more.statements()] == [
        (s.statement_id, s.points, s.evidence) for s in original.statements()
    ]


def test_unknown_assessment_and_wrong_ending_fail_in_one_line(
    demo_db: Location, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    code = main(
        [
            "export",
            "self-assessment",
            "Nope",
            "--db",
            str(demo_db),
            "--out",
            str(tmp_path / "a.xlsx"),
        ]
    )
    err = capsys.readouterr().err
    assert code == 1 and "No assessment called 'Nope'" in err
    code = main(
        [
            "export",
            "self-assessment",
            BASELINE,
            "--db",
            str(demo_db),
            "--out",
            str(tmp_path / "a.csv"),
        ]
    )
    assert code == 1 and "must end in .xlsx" in capsys.readouterr().err
    assert not list(tmp_path.glob("a.*"))


def test_a_read_only_target_is_refused_with_its_name(
    demo_db: Location, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    out = tmp_path / "return.xlsx"
    out.write_bytes(b"the old one")
    out.chmod(0o444)
    code = main(["export", "self-assessment", BASELINE, "--db", str(demo_db), "--out", str(out)])
    err = capsys.readouterr().err
    out.chmod(0o644)
    assert code == 1 and "read-only" in err and str(out) in err
    assert out.read_bytes() == b"the old one"


def test_the_cover_says_who_what_when_and_how(
    demo_db: Location, tmp_path: Path, capsys: pytest.CaptureFixture[str], clock
) -> None:
    before = clock.now()
    out = tmp_path / "return.xlsx"
    export(capsys, demo_db, BASELINE, out)
    detail = assessment(demo_db, BASELINE)
    # Hand counts straight from the tables, per kind: each name or role once over all sittings,
    # as many times as it was written at any one sitting (two personal advisers at one).
    with raw(demo_db) as con:
        authority = con.execute("SELECT name FROM authority").fetchone()[0]
        people = dict(
            con.execute(
                "SELECT kind, sum(most) FROM (SELECT kind, who, max(n) AS most FROM ("
                "SELECT p.kind, lower(trim(p.name_or_role)) AS who, s.id, count(*) AS n "
                "FROM participant p JOIN sitting s ON s.id = p.sitting_id "
                "WHERE s.assessment_id = ? GROUP BY p.kind, who, s.id) AS per_sitting "
                "GROUP BY kind, who) AS per_name GROUP BY kind",
                (detail.summary.id,),
            ).fetchall()
        )
        twice = con.execute(
            "SELECT count(*) FROM (SELECT 1 FROM participant p JOIN sitting s "
            "ON s.id = p.sitting_id WHERE s.assessment_id = ? "
            "GROUP BY s.id, p.kind, lower(trim(p.name_or_role)) HAVING count(*) > 1) AS twice",
            (detail.summary.id,),
        ).fetchone()[0]
        sittings = con.execute(
            "SELECT count(*) FROM sitting WHERE assessment_id = ?", (detail.summary.id,)
        ).fetchone()[0]
    assert twice > 0  # the demonstration has a role written twice at one sitting
    assert sum(people.values()) > 0 and sittings > 0  # the demonstration records its sittings

    cover = {r[0]: r[1] for r in openpyxl.load_workbook(out)["Cover"].iter_rows(values_only=True)}
    assert cover["Authority"] == authority
    assert cover["Assessment"] == BASELINE
    assert (cover["Stage"], cover["Perspective"]) == ("Baseline", "Staff")
    assert cover["Date held"] == datetime.combine(detail.summary.held_on, datetime.min.time())
    fw = detail.framework
    assert (cover["Framework"], cover["Framework version"]) == (fw.name, fw.version)
    assert cover["Workshop sittings recorded"] == sittings
    assert cover["Took part: staff"] == people.get("staff", 0)
    assert cover["Took part: partner agency"] == people.get("partner", 0)
    assert cover["Took part: young person"] == people.get("young-person", 0)
    assert cover["Exported by"] == f"nbdesk {__version__}"
    assert cover["Exported at"] == before  # the clock is fixed


def test_areas_with_equal_means_share_a_rank(
    demo_db: Location, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    out = tmp_path / "return.xlsx"
    export(capsys, demo_db, BASELINE, out)
    detail = assessment(demo_db, BASELINE)
    ratings = {(s.area_number, s.letter): s.points for s in detail.statements()}
    means = {a.number: a.mean for a in score(detail.framework, ratings, {}).areas}
    # Competition ranking by hand: one more than the number of areas with a higher mean.
    expected = {
        n: 1 + sum(1 for m in means.values() if m > mean + 1e-9) for n, mean in means.items()
    }
    assert len(set(expected.values())) < len(expected), "the demonstration baseline has a tie"
    summary = pd.read_excel(out, sheet_name="Summary", header=3, nrows=len(means))
    assert dict(zip(summary["Area"], summary["Rank"], strict=True)) == expected


def width_units(ws, column: int) -> float:  # type: ignore[no-untyped-def]
    from openpyxl.utils import get_column_letter

    return ws.column_dimensions[get_column_letter(column)].width or 8.43


def test_wrapped_text_gets_rows_tall_enough_and_fonts_are_named(
    demo_db: Location, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """A spreadsheet program may keep a row at one line's height whatever its wrapped text needs
    (LibreOffice does), printing the lines over the next row: every row must carry a height for its
    longest text. The bound here is generous: no column fits more than 1.3 characters per unit of
    width, and a line of 11-point text needs at least 14 points."""
    out = tmp_path / "return.xlsx"
    export(capsys, demo_db, BASELINE, out)
    book = openpyxl.load_workbook(out)
    checked = 0
    for ws in book.worksheets:
        for row in ws.iter_rows():
            needed = 1
            for cell in row:
                if isinstance(cell.value, str) and cell.alignment.wrap_text:
                    per_line = width_units(ws, cell.column) * 1.3
                    needed = max(needed, math.ceil(len(cell.value) / per_line))
            if needed > 1:
                height = ws.row_dimensions[row[0].row].height
                assert height is not None and height >= 14 * needed, (ws.title, row[0].row)
                checked += 1
            for cell in row:
                if cell.has_style and cell.value is not None:
                    # A font with no name shows in the program's own default, not Calibri.
                    assert cell.font.name, (ws.title, cell.coordinate)
    assert checked > 100  # the statements and the evidence
    # Statements, evidence and the Ratings sheet wrap and sit at the top of their rows.
    area = book["Area 1"]
    for ref in ("A5", "B5", "G5"):
        assert area[ref].alignment.vertical == "top", ref
    assert book["Ratings"]["C2"].alignment.wrap_text


def libreoffice_csv(book: Path, folder: Path) -> dict[str, list[list[str]]]:
    """Every sheet of `book` as LibreOffice reads it: {sheet: rows of cells as text}."""
    version = subprocess.run(["soffice", "--version"], capture_output=True, text=True).stdout
    found = re.search(r"(\d+)\.(\d+)", version)
    all_sheets = found is not None and (int(found[1]), int(found[2])) >= (7, 2)
    # comma, double quote, UTF-8, from line 1, …, values as stored (not as shown), every sheet.
    options = "44,34,76,1,,0,false,true,false,false,false" + (",-1" if all_sheets else "")
    subprocess.run(
        [
            "soffice",
            f"-env:UserInstallation=file://{folder / 'lo-profile'}",
            "--headless",
            "--convert-to",
            f"csv:Text - txt - csv (StarCalc):{options}",
            "--outdir",
            str(folder),
            str(book),
        ],
        check=True,
        capture_output=True,
        timeout=180,
    )
    sheets = {}
    for path in folder.glob(f"{book.stem}*.csv"):
        name = path.stem[len(book.stem) + 1 :] if all_sheets else "first"
        with path.open(encoding="utf-8", newline="") as fh:
            sheets[name] = list(csv.reader(fh))
    assert sheets, "LibreOffice wrote no CSV"
    return sheets


@pytest.mark.skipif(shutil.which("soffice") is None, reason="LibreOffice (soffice) not installed")
def test_libreoffice_opens_the_return(
    demo_db: Location, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    out = tmp_path / "return.xlsx"
    export(capsys, demo_db, BASELINE, out)
    sheets = libreoffice_csv(out, tmp_path / "converted")
    first = sheets.get("Cover", sheets.get("first"))
    assert first is not None
    text = "\n".join(",".join(r) for r in first)
    assert f"Self-assessment return: {BASELINE}" in text and "Framework version" in text
    if "Ratings" not in sheets:
        pytest.skip("this LibreOffice converts only the first sheet (7.2 or later converts all)")
    book = openpyxl.load_workbook(out)
    assert set(sheets) == set(book.sheetnames)
    # The exchange sheet, cell for cell, as openpyxl reads it.
    ours = [
        ["" if v is None else str(v) for v in r]
        for r in book["Ratings"].iter_rows(values_only=True)
    ]
    assert sheets["Ratings"] == ours
    # And the summary's figures as numbers.
    lo_summary = {r[0]: r for r in sheets["Summary"][4:14]}
    for row in book["Summary"].iter_rows(min_row=5, max_row=14, values_only=True):
        lo = lo_summary[str(row[0])]
        assert float(lo[4]) == pytest.approx(row[4]) and float(lo[5]) == pytest.approx(row[5])


@pytest.mark.skipif(
    shutil.which("soffice") is None or shutil.which("pdftotext") is None,
    reason="LibreOffice (soffice) and poppler-utils (pdftotext) are needed",
)
def test_libreoffice_prints_every_statement_and_its_evidence_in_full(
    demo_db: Location, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """Printed by a real spreadsheet program, a statement too long for its column must wrap, not
    be cut off at the column's edge (LibreOffice does not wrap a cell without a style of its own,
    whatever the workbook's default format says)."""
    out = tmp_path / "return.xlsx"
    export(capsys, demo_db, FOLLOW_UP, out)
    subprocess.run(
        [
            "soffice",
            f"-env:UserInstallation=file://{tmp_path / 'lo-profile'}",
            "--headless",
            "--convert-to",
            "pdf",
            "--outdir",
            str(tmp_path),
            str(out),
        ],
        check=True,
        capture_output=True,
        timeout=180,
    )
    printed = subprocess.run(
        ["pdftotext", str(tmp_path / "return.pdf"), "-"], capture_output=True, text=True, check=True
    ).stdout
    flat = " ".join(printed.split())
    detail = assessment(demo_db, FOLLOW_UP)
    for area in detail.areas[:2]:
        for st in area.statements:
            assert " ".join(st.text.split()) in flat, st.reference
            if st.evidence:
                assert " ".join(st.evidence.split()) in flat, st.reference


def test_a_return_on_the_demonstration_framework_says_so_where_it_is_made(
    demo_db: Location,
) -> None:
    """A tester exported a return on the demonstration framework unwarned: the Returns preview
    says it beside the framework, as the workbook's Summary and Cover do."""
    from nbdesk.returns import service

    db = open_database(demo_db)
    try:
        with db.session() as session:
            found = find_assessment(session, "Baseline 2020 – staff")
            facts = dict(service.preview(session, service.SA_RETURN, found).facts)
    finally:
        db.close()
    assert facts["Framework"].endswith(
        "⚠ the demonstration framework: practice statements, not the real tool"
    )
