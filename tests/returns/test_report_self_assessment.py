"""The self-assessment PDF report (issue 5, point 3), read back with poppler's tools.

Checks the headings, the figures against nbdesk.forms.scoring, the comparison's per-area changes,
that every font is embedded, the title metadata and bookmarks, and that each page renders to PNG.
"""

from __future__ import annotations

import re
import shutil
import subprocess
from decimal import ROUND_HALF_UP, Decimal
from pathlib import Path

import pytest

from nbdesk.cli import main
from nbdesk.self_assessment.assessments import find_assessment, score_assessment
from nbdesk.self_assessment.comparison import compare_assessments
from nbdesk.storage import open_database
from nbdesk.storage.location import Location

BASELINE = "Baseline 2020 – staff"
FOLLOW_UP = "Follow-up 2022 – staff"
YOUNG = "Baseline 2020 – young people"

pytestmark = pytest.mark.skipif(
    shutil.which("pdftotext") is None, reason="poppler-utils (pdftotext, pdftoppm) not installed"
)


def report(capsys: pytest.CaptureFixture[str], db: Path, out: Path, *extra: str) -> str:
    code = main(["report", "self-assessment", BASELINE, "--db", str(db), "--out", str(out), *extra])
    assert code == 0, capsys.readouterr().err
    capsys.readouterr()
    return subprocess.run(
        ["pdftotext", "-layout", str(out), "-"], capture_output=True, text=True, check=True
    ).stdout


def squash(text: str) -> str:
    return re.sub(r"\s+", " ", text)


def as_a_spreadsheet_shows(value: float, places: int, sign: bool = False) -> str:
    """Rounded half up, as Excel and LibreOffice show the return's figures (2.625 -> 2.63)."""
    text = str(Decimal(repr(value)).quantize(Decimal(1).scaleb(-places), rounding=ROUND_HALF_UP))
    return f"+{text}" if sign and not text.startswith("-") else text


def test_report_with_a_follow_up_comparison(
    demo_db: Location, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    out = tmp_path / "report.pdf"
    text = report(capsys, demo_db, out, "--compare", FOLLOW_UP)
    db = open_database(demo_db)
    try:
        with db.session() as session:
            first = find_assessment(session, BASELINE)
            _detail, scored = score_assessment(session, first)
            comparison = compare_assessments(session, first, find_assessment(session, FOLLOW_UP))
    finally:
        db.close()
    flat = squash(text)
    for heading in (
        f"Self-assessment report: {BASELINE}",
        "Headline figures",
        "The areas at a glance",
        "Areas ranked",
        "Highest rated statements",
        "Lowest rated statements",
        "Change from baseline to follow-up",
        "Statements that improved most",
        "Statements that declined most",
        "Appendix: the evidence",
    ):
        assert heading in flat, heading
    # The demonstration follow-up is 70 of 106 rated: said in the heading, compared like for like.
    assert "Change from baseline to follow-up (Follow-up: 70 of 106 rated)" in flat
    assert "compare only the 70 statements rated in both" in flat
    assert f"total {comparison.first_score.total} and {comparison.second_score.total}" in flat
    assert f"Total score (possible 106–424) {scored.total}" in flat
    assert f"Band {scored.band}" in flat
    assert as_a_spreadsheet_shows(scored.overall_mean, 2) in flat
    for area in comparison.areas:
        if area.difference is not None:
            assert as_a_spreadsheet_shows(area.difference, 2, sign=True) in flat, area.number
    # Bar labels (percentages) are drawn text, so a reader can check the chart without colour.
    assert f"{as_a_spreadsheet_shows(scored.areas[0].percent, 0)}%" in flat

    raw = out.read_bytes()
    for bookmark in ("Headline figures", "Areas ranked", "Appendix: the evidence"):
        assert f"/Title ({bookmark})".encode() in raw
    info = subprocess.run(["pdfinfo", str(out)], capture_output=True, text=True).stdout
    assert "Title:" in info and "Self-assessment report" in info
    fonts = subprocess.run(["pdffonts", str(out)], capture_output=True, text=True).stdout
    lines = fonts.splitlines()[2:]
    assert lines and all(" yes yes " in line for line in lines), fonts

    pages = tmp_path / "pages"
    pages.mkdir()
    subprocess.run(["pdftoppm", "-r", "40", "-png", str(out), str(pages / "p")], check=True)
    assert len(list(pages.glob("p-*.png"))) >= 4


def test_staff_against_young_people_lists_the_gaps(
    demo_db: Location, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    flat = squash(report(capsys, demo_db, tmp_path / "gap.pdf", "--compare", YOUNG))
    assert "Staff and young people: the gap" in flat
    assert "Statements with the largest gaps" in flat


def test_a_report_without_comparison_and_a_wrong_ending(
    demo_db: Location, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    flat = squash(report(capsys, demo_db, tmp_path / "plain.pdf"))
    assert "Headline figures" in flat and "Change from" not in flat
    code = main(
        [
            "report",
            "self-assessment",
            BASELINE,
            "--db",
            str(demo_db),
            "--out",
            str(tmp_path / "r.xlsx"),
        ]
    )
    assert code == 1 and "must end in .pdf" in capsys.readouterr().err


def test_table_headings_read_whole_and_equal_means_share_a_rank(
    demo_db: Location, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    out = tmp_path / "report.pdf"
    text = report(capsys, demo_db, out, "--compare", FOLLOW_UP)
    words = set(text.split())
    # A column too narrow for its heading breaks it ("Percen" over "t"): each must be whole.
    for heading in ("Rank", "Percent", "Baseline", "Follow-up", "Change"):
        assert heading in words, heading
    db = open_database(demo_db)
    try:
        with db.session() as session:
            _detail, scored = score_assessment(session, find_assessment(session, BASELINE))
    finally:
        db.close()
    means = [a.mean for a in scored.areas if a.mean is not None]
    tied = {m for m in means if sum(1 for n in means if abs(n - m) < 1e-9) > 1}
    assert tied, "the demonstration baseline has areas with equal means"
    for mean in tied:
        place = 1 + sum(1 for n in means if n > mean + 1e-9)
        assert squash(text).count(f" ={place} ") == sum(1 for n in means if abs(n - mean) < 1e-9)
    assert "areas with equal means share a rank" in squash(text)


def test_the_document_is_titled_and_navigable_by_its_headings(
    demo_db: Location, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """What reportlab can give towards an accessible PDF: the title shown in the window, the
    language, and an outline entry per heading. (It cannot write a tagged structure tree.)"""
    out = tmp_path / "report.pdf"
    report(capsys, demo_db, out)
    raw = out.read_bytes()
    assert b"/DisplayDocTitle true" in raw
    assert b"/Lang (en-GB)" in raw and b"/PageMode /UseOutlines" in raw
    for heading in (b"Headline figures", b"Areas ranked", b"Area 1: ", b"Appendix: the evidence"):
        assert b"/Title (" + heading in raw, heading


def test_bar_figures_sit_on_a_white_ground_over_the_reference_line() -> None:
    """A dashed reference line drawn behind the bars must not run through a bar's figure."""
    from reportlab.lib import colors

    from nbdesk.returns.pdf_common import Series, bar_chart

    drawing = bar_chart(
        ["A", "B"],
        [Series("Rate", [21.0, 43.0])],
        value_max=100,
        value_format="%.0f%%",
        axis_label="Rate",
        reference=(27.0, "whole round 27%"),
    )
    chart = next(c for c in drawing.contents if hasattr(c, "barLabels"))
    assert chart.barLabels.boxFillColor == colors.white
    # The reference line comes before the chart, so the figures' white ground covers it.
    kinds = [type(c).__name__ for c in drawing.contents]
    assert kinds.index("Line") < kinds.index("HorizontalBarChart")
