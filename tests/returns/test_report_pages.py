"""The self-assessment report, the survey round report and the evidence pack as accessible web
pages (issue 15, item 4), written from the same story as their PDFs and read back with html.parser.

Every page: one h1 and no heading level skipped, every table with a caption and header cells, the
footer last, nothing fetched (tests.support.html_page.read_page). Then each page's own content: the
chart's figures in a table, counted here; a count the PDF hides never on the page; no number on the
page that its PDF does not print; no care leaver's name, id, phone, email or date of birth.
"""

from __future__ import annotations

import re
import shutil
from pathlib import Path

import pytest

from nbdesk.cli import main
from nbdesk.common.figures import fixed
from nbdesk.returns import service
from nbdesk.returns.evidence_pack import HEADINGS, TITLE
from nbdesk.returns.suppression import THRESHOLD, WEEKLY_STEP
from nbdesk.self_assessment.assessments import find_assessment, score_assessment
from nbdesk.self_assessment.comparison import compare_assessments
from nbdesk.storage import open_database
from nbdesk.storage.location import Location
from tests.returns.test_loop_reports import (  # noqa: F401  (the fixture)
    PLAN,
    Made,
    assert_no_small_finding,
    export,
    made,
)
from tests.returns.test_report_self_assessment import as_a_spreadsheet_shows
from tests.returns.test_returns_participation import (  # noqa: F401  (the fixture)
    personal_values,
    round_file,
)
from tests.support.html_page import Page, numbers, pdf_words, read_page
from tests.support.returns_round import EARLIER, ROUND, Person, hand_counts

BASELINE = "Baseline 2020 – staff"
FOLLOW_UP = "Follow-up 2022 – staff"
YOUNG = "Baseline 2020 – young people"
PDFTOTEXT = shutil.which("pdftotext")
CONFIDENTIAL = "confidential"  # how a screen reader reads a [c] cell


def cli(capsys: pytest.CaptureFixture[str], *argv: str) -> None:
    code = main(list(argv))
    printed, err = capsys.readouterr()
    assert code == 0, err
    assert "Wrote" in printed


def page_and_pdf(
    capsys: pytest.CaptureFixture[str], tmp_path: Path, *argv: str
) -> tuple[Page, str, str]:
    """The page and the PDF of one report, written at the command line: (page, its source, the
    PDF's text, or "" without pdftotext)."""
    html, pdf = tmp_path / "report.html", tmp_path / "report.pdf"
    cli(capsys, *argv, "--out", str(html))
    source = html.read_text(encoding="utf-8")
    words = ""
    if PDFTOTEXT is not None:
        cli(capsys, *argv, "--out", str(pdf))
        words = pdf_words(pdf)
    return read_page(source), source, words


def assert_no_figure_the_pdf_lacks(page: Page, pdf: str) -> None:
    """Every number a reader meets on the page is printed in the PDF too: the page shows nothing
    the PDF leaves out (a hidden count above all)."""
    if not pdf:
        pytest.skip("pdftotext (poppler-utils) is not installed")
    extra = numbers(f"{page.text} {page.footer}") - numbers(pdf)
    assert not extra, extra


def assert_nobody_named(source: str, db: Location) -> None:
    personal = personal_values(db)
    assert personal
    for value in personal:
        assert value not in source, value


def percent(value: float | None) -> str:
    return "not rated" if value is None else f"{fixed(value)}%"


# The self-assessment report --------------------------------------------------------------------


def test_the_self_assessment_report_with_a_follow_up_as_a_page(
    demo_db: Path | str, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    page, source, pdf = page_and_pdf(
        capsys,
        tmp_path,
        *("report", "self-assessment", BASELINE, "--db", str(demo_db)),
        *("--compare", FOLLOW_UP),
    )
    db = open_database(demo_db)
    try:
        with db.session() as session:
            first = find_assessment(session, BASELINE)
            detail, scored = score_assessment(session, first)
            c = compare_assessments(session, first, find_assessment(session, FOLLOW_UP))
    finally:
        db.close()
    heading = "Change from baseline to follow-up (Follow-up: 70 of 106 rated)"
    assert page.headings[:10] == [
        (1, f"Self-assessment report: {BASELINE}"),
        (2, "Headline figures"),
        (2, "The areas at a glance"),
        (2, "Areas ranked"),
        (2, "Highest rated statements"),
        (2, "Lowest rated statements"),
        (2, heading),
        (3, "Statements that improved most"),
        (3, "Statements that declined most"),
        (2, "Appendix: the evidence"),
    ]
    assert page.headings[10:] == [(3, f"Area {a.number}: {a.title}") for a in detail.areas]
    assert "<title>Self-assessment report: Baseline 2020 – staff (compared with Follow-up" in source

    headline = page.table("Headline figures")
    assert headline.row("Total score (possible 106–424)") == [
        "Total score (possible 106–424)",
        str(scored.total),
    ]
    assert headline.row("Band")[1] == scored.band
    # The chart: the two assessments' areas side by side, like for like, as the bars are labelled.
    chart = page.table("The figures of the bar chart: Mean rating as a percentage of 4")
    assert [h.text for h in chart.head] == [
        "Area",
        f"Baseline: {BASELINE}",
        f"Follow-up: {FOLLOW_UP}",
    ]
    firsts = {a.number: a.percent for a in c.first_score.areas}
    seconds = {a.number: a.percent for a in c.second_score.areas}

    # The follow-up is part-rated: each area's two bars are taken over its statements rated in
    # both, and one with none is not called "not rated" (the baseline rated every statement).
    def both(value: float | None) -> str:
        return "none rated in both" if value is None else percent(value)

    assert chart.texts() == [
        [f"{a.number}. {a.title}", both(firsts.get(a.number)), both(seconds.get(a.number))]
        for a in scored.areas
    ]
    assert any(v is None for v in seconds.values()) or len(seconds) < len(scored.areas)
    assert "count only its statements rated in both assessments" in page.text
    assert chart.rows[0][0].tag == "th" and chart.rows[0][0].scope == "row"
    assert f"It sets Baseline: {BASELINE} and Follow-up: {FOLLOW_UP} side by side." in page.text
    # The comparison's table and a statement's evidence in the appendix.
    change = page.table(heading)
    for area in c.areas:
        if area.difference is not None:
            row = change.row(f"{area.number}. {area.title}")
            assert row[3] == as_a_spreadsheet_shows(area.difference, 2, sign=True), row
    evidence = page.table(f"Area 1: {detail.areas[0].title}")
    assert [h.text for h in evidence.head] == ["Ref.", "Statement", "Rating", "Evidence"]
    assert len(evidence.rows) == len(detail.areas[0].statements)

    assert_no_figure_the_pdf_lacks(page, pdf)
    assert_nobody_named(source, demo_db)


def test_the_self_assessment_report_alone_says_its_highest_and_lowest_areas(
    demo_db: Path | str, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    page, source, pdf = page_and_pdf(
        capsys, tmp_path, "report", "self-assessment", BASELINE, "--db", str(demo_db)
    )
    db = open_database(demo_db)
    try:
        with db.session() as session:
            _detail, scored = score_assessment(session, find_assessment(session, BASELINE))
    finally:
        db.close()
    assert all(words != "" for _, words in page.headings)
    assert not any(h.startswith("Change from") for _, h in page.headings)
    chart = page.table("The figures of the bar chart: Mean rating as a percentage of 4")
    assert [h.text for h in chart.head] == ["Area", BASELINE]
    assert chart.texts() == [[f"{a.number}. {a.title}", percent(a.percent)] for a in scored.areas]
    rated = [a for a in scored.areas if a.percent is not None]
    top = max(a.percent for a in rated if a.percent is not None)
    low = min(a.percent for a in rated if a.percent is not None)
    # Ties as a reader sees them: the percentages as printed.
    highest = [f"{a.number}. {a.title}" for a in rated if percent(a.percent) == percent(top)]
    lowest = [f"{a.number}. {a.title}" for a in rated if percent(a.percent) == percent(low)]
    assert f"Highest: {' and '.join(highest)} ({percent(top)})" in page.text
    assert f"lowest: {' and '.join(lowest)} ({percent(low)})" in page.text
    assert_no_figure_the_pdf_lacks(page, pdf)
    assert_nobody_named(source, demo_db)


def test_staff_against_young_people_as_a_page(
    demo_db: Path | str, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    page, _source, pdf = page_and_pdf(
        capsys,
        tmp_path,
        *("report", "self-assessment", BASELINE, "--db", str(demo_db), "--compare", YOUNG),
    )
    assert (2, "Staff and young people: the gap") in page.headings
    assert (3, "Statements with the largest gaps") in page.headings
    assert_no_figure_the_pdf_lacks(page, pdf)


# The survey round report -----------------------------------------------------------------------


def test_the_survey_round_report_as_a_page_hides_what_the_pdf_hides(
    round_file: tuple[Path, list[Person]],  # noqa: F811
    tmp_path: Path,
    capsys: pytest.CaptureFixture[str],
) -> None:
    db, group = round_file
    page, source, pdf = page_and_pdf(
        capsys, tmp_path, "report", "participation", ROUND, "--db", str(db)
    )
    breakdowns = hand_counts(group)
    assert page.headings == [
        (1, f"Survey round report: {ROUND}"),
        (2, "Headline figures"),
        (2, "Response rate over time"),
        (3, "This round beside earlier rounds"),
        (2, "Groups under-represented"),
        (2, "Participation by group"),
        *((3, title) for title in breakdowns),
    ]
    eligible = sum(1 for p in group if p.eligible)
    completed = sum(1 for p in group if p.eligible and p.completed_on is not None)
    assert page.table("Headline figures").texts() == [
        ["Care leavers eligible", str(eligible)],
        ["Completed the survey (confirmed)", str(completed)],
        ["Response rate", f"{fixed(completed / eligible * 100)}%"],
    ]
    assert page.table("This round beside earlier rounds").row(EARLIER)[0] == EARLIER

    # The weekly line: completions so far rounded down to a multiple of 5, as a share of eligible.
    line = next(t for t in page.tables if t.caption.startswith("The figures of the line chart"))
    assert [h.text for h in line.head] == ["Week", "Completed so far, of those eligible"]
    allowed = {
        f"{fixed(WEEKLY_STEP * k / eligible * 100)}%" for k in range(eligible // WEEKLY_STEP + 1)
    }
    assert line.rows and all(shown in allowed for _week, shown in line.texts())
    assert [week for week, _ in line.texts()] == [f"Week {i}" for i in range(1, len(line.rows) + 1)]
    assert "A line chart by week:" in page.text

    hidden = 0
    for number, (title, groups) in enumerate(breakdowns.items()):
        table = page.table(title)
        assert [h.text for h in table.head] == ["Group", "Eligible", "Completed", "Response rate"]
        assert sorted(row[0] for row in table.texts()) == sorted([*groups, "Total"])
        shown = []
        for label, (e, c) in groups.items():
            row = table.row(label)
            if CONFIDENTIAL in row:
                # A hidden row is hidden whole, as in the PDF: not one of its counts or its rate.
                assert row[1:] == [CONFIDENTIAL] * 3, row
                hidden += 1
                continue
            assert row[1:3] == [str(e), str(c)], row
            assert not any(1 <= n <= THRESHOLD for n in (e, c, e - c)), (title, label, e, c)
            if e:
                assert row[3] == f"{fixed(c / e * 100)}%"
                shown.append([label, row[3]])
        # The chart after the table: the rates of the groups shown, and no other group.
        chart = page.tables[page.tables.index(table) + 1]
        assert (
            chart.caption == "The figures of the bar chart: Response rate ([c] groups are left out)"
        )
        assert [h.text for h in chart.head] == [title, "Response rate"], number
        assert sorted(chart.texts()) == sorted(shown)
    assert hidden  # the round was built to have small groups
    # A screen reader reads "confidential"; the eye sees [c], as in the PDF.
    assert '<span aria-hidden="true">[c]</span><span class="vh">confidential</span>' in source

    assert_no_figure_the_pdf_lacks(page, pdf)
    assert_nobody_named(source, db)


# The evidence pack -----------------------------------------------------------------------------


def test_the_evidence_pack_as_a_page(
    made: Made,  # noqa: F811
    tmp_path: Path,
    capsys: pytest.CaptureFixture[str],
) -> None:
    out = export(made, service.EVIDENCE_HTML, tmp_path / "evidence.html")
    source = out.read_text(encoding="utf-8")
    page = read_page(source)
    money = [(3, h) for h in HEADINGS[:4]]
    assert page.headings == [
        (1, f"{TITLE} — {PLAN}"),
        (2, "Theme 1: Your home"),
        *((3, h) for h in HEADINGS[:3]),
        (2, "Theme 2: Money"),
        *money,
        (2, HEADINGS[4]),
    ]
    assert page.tables[0].caption == "The plan at a glance"
    did = page.table("What we did: Money")
    assert [h.text for h in did.head] == ["We will", "Who, when", "Latest update", "Status"]
    assert did.row("Run budgeting sessions")[3] == "✔ Done"
    assert did.row("Print a money booklet")[3] == "✖ Dropped"
    said = page.table("What young people said: Your home")
    assert any("32% of 120" in cell for row in said.texts() for cell in row)
    areas = page.table("Self-assessment areas: Money")
    assert areas.rows[0][1].tag == "th" and areas.rows[0][1].text.startswith("Area 1")
    assert page.table("Shared back with young people").texts()[0][1:3] == ["text", "85"]
    assert_no_small_finding(out)
    assert_nobody_named(source, made.db.location)

    pdf = ""
    if PDFTOTEXT is not None:
        pdf = pdf_words(export(made, service.EVIDENCE_PDF, tmp_path / "evidence.pdf"))
    assert_no_figure_the_pdf_lacks(page, pdf)


def test_the_evidence_pack_page_at_the_command_line(
    made: Made,  # noqa: F811
    tmp_path: Path,
    capsys: pytest.CaptureFixture[str],
) -> None:
    out = tmp_path / "evidence.html"
    cli(capsys, "report", "evidence", PLAN, "--db", str(made.db.location), "--out", str(out))
    assert read_page(out.read_text(encoding="utf-8")).headings[0] == (1, f"{TITLE} — {PLAN}")
    code = main(["report", "evidence", PLAN, "--db", str(made.db.location), "--out", "e.txt"])
    assert code == 1
    assert "must end in .pdf, .html or .xlsx" in capsys.readouterr().err


def test_every_report_kind_has_its_web_page() -> None:
    """Each PDF report is offered as a web page too, in the Returns section and its file dialog."""
    pages = {k.label.removesuffix(" (web page)") for k in service.KINDS if k.suffix == ".html"}
    reports = {k.label.removesuffix(" (PDF)") for k in service.KINDS if k.suffix == ".pdf"}
    assert reports <= pages
    assert service.kind(service.SA_REPORT_HTML).file_filter == "Web pages (*.html)"


def test_the_pages_colours_have_the_contrast_text_and_lines_need() -> None:
    """Every colour the pages' styles set, computed as WCAG 2 does: text on every background the
    page uses at least 4.5:1, table rules and the keyboard's focus ring at least 3:1."""
    from nbdesk.common.contrast import GRAPHICS, TEXT, ratio
    from nbdesk.returns.html_report import CSS

    def full(colour: str) -> str:
        hexes = colour.lstrip("#")
        return "#" + ("".join(c * 2 for c in hexes) if len(hexes) == 3 else hexes)

    def declared(prop: str) -> set[str]:
        found = re.findall(rf"(?<![-\w]){prop}:[^;}}]*?(#[0-9a-fA-F]{{3,6}})\b", CSS)
        return {full(c) for c in found}

    texts = declared("color")
    backgrounds = declared("background") | {"#ffffff"}
    lines = declared("border") | declared("border-left") | declared("outline")
    assert texts and len(backgrounds) >= 3 and len(lines) >= 2, (texts, backgrounds, lines)
    for back in backgrounds:
        for front in texts:
            assert ratio(front, back) >= TEXT, (front, back)
        for line in lines:
            assert ratio(line, back) >= GRAPHICS, (line, back)
