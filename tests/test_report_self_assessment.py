"""The self-assessment PDF report (issue 5, point 3), read back with poppler's tools.

Checks the headings, the figures against nbdesk.forms.scoring, the comparison's per-area changes,
that every font is embedded, the title metadata and bookmarks, and that each page renders to PNG.
"""

from __future__ import annotations

import re
import shutil
import subprocess
from pathlib import Path

import pytest

from nbdesk.assessment_results import compare_assessments
from nbdesk.assessments import find_assessment, score_assessment
from nbdesk.cli import main
from nbdesk.storage import open_database

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


def test_report_with_a_follow_up_comparison(
    demo_file: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    out = tmp_path / "report.pdf"
    text = report(capsys, demo_file, out, "--compare", FOLLOW_UP)
    db = open_database(demo_file)
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
    assert f"Total score (possible 106–424) {scored.total}" in flat
    assert f"Band {scored.band}" in flat
    assert f"{scored.overall_mean:.2f}" in flat
    for area in comparison.areas:
        if area.difference is not None:
            assert f"{area.difference:+.2f}" in flat, area.number
    # Bar labels (percentages) are drawn text, so a reader can check the chart without colour.
    assert f"{scored.areas[0].percent:.0f}%" in flat

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
    demo_file: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    flat = squash(report(capsys, demo_file, tmp_path / "gap.pdf", "--compare", YOUNG))
    assert "Staff and young people: the gap" in flat
    assert "Statements with the largest gaps" in flat


def test_a_report_without_comparison_and_a_wrong_ending(
    demo_file: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    flat = squash(report(capsys, demo_file, tmp_path / "plain.pdf"))
    assert "Headline figures" in flat and "Change from" not in flat
    code = main(
        [
            "report",
            "self-assessment",
            BASELINE,
            "--db",
            str(demo_file),
            "--out",
            str(tmp_path / "r.xlsx"),
        ]
    )
    assert code == 1 and "must end in .pdf" in capsys.readouterr().err
