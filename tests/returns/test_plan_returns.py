"""The action plan workbook and progress report (issue 13, items 6 and 8), made from a hand-made
plan whose figures are counted by hand below, read back with openpyxl, LibreOffice and pdftotext.
"""

from __future__ import annotations

import shutil
import subprocess
from datetime import date
from pathlib import Path
from typing import Any

import openpyxl
import pytest

from nbdesk.action_plan import actions as act
from nbdesk.action_plan.plans import create_plan, sign_off
from nbdesk.action_plan.reviews import start_review
from nbdesk.action_plan.views import read_plan
from nbdesk.common.atomic import ExportError
from nbdesk.common.figures import fixed
from nbdesk.returns import pdf_common, service
from nbdesk.returns.plan_report import HEADINGS
from nbdesk.returns.plan_workbook import SUMMARY, THEME_HEADERS, sheet_names
from nbdesk.self_assessment.assessments import find_assessment, load_assessment
from nbdesk.self_assessment.comparison import compare_in_order
from nbdesk.storage import Database, open_database
from nbdesk.storage.location import Location
from nbdesk.survey.rounds import find_round
from tests.support.html_page import numbers, pdf_words, read_page

PLAN = "Test plan 2026-28"
BASELINE, FOLLOW_UP = "Baseline 2020 – staff", "Follow-up 2022 – staff"


def write(db: Database, fn: Any, *args: Any, **kwargs: Any) -> Any:
    with db.transaction() as session:
        return fn(session, *args, **kwargs).value


@pytest.fixture
def made(demo_db: Location) -> tuple[Database, int, dict[str, int]]:
    """Two themes, five actions; on the fixed day (18 Nov 2026), counted by hand:
    a on track, due 31 Oct 2026 (overdue), updated in the review of 10 Nov with young people;
    b at risk, due Q4 2026-27, last heard 1 Jun 2026 (drifting); c dropped; d done;
    e not started, added today. Involving young people: a and e of a, b, d, e."""
    db = open_database(demo_db)
    plan = write(db, create_plan, PLAN, starts_on=date(2026, 4, 1), themes=["Housing", "Money"])
    with db.session() as session:
        housing, money = (t.id for t in read_plan(session, plan).themes)
        baseline = find_assessment(session, BASELINE)
        statement = load_assessment(session, baseline).statements()[0]
        first_round = find_round(session, "Time 1 2020").id
    owner = write(db, act.add_owner, "Housing Options", "partner")
    ids = {
        "a": write(
            db,
            act.add_action,
            housing,
            "Find more supported lodgings",
            you_said="=nowhere safe to live",
            owner_id=owner,
            when="31/10/2026",
        ),
        "b": write(db, act.add_action, housing, "+Guarantor scheme", when="Q4 2026"),
        "c": write(db, act.add_action, housing, "-Move-on protocol"),
        "d": write(db, act.add_action, money, "@Council tax exemption", when="1/1/2026"),
        "e": write(db, act.add_action, money, "Budgeting sessions"),
    }
    write(db, sign_off, plan, name="Jo Bloggs", role="Director of Children's Services")
    write(db, act.edit_action, ids["a"], involvement=["co-designing", "reviewing"])
    write(db, act.edit_action, ids["b"], not_involved_reason="partners")
    write(db, act.edit_action, ids["e"], involvement="delivering")
    write(db, act.cite, ids["b"], round_id=first_round)
    write(db, act.cite, ids["e"], assessment_id=baseline, statement_id=statement.statement_id)
    write(
        db,
        act.add_update,
        ids["a"],
        "Two new hosts",
        status="on-track",
        written_on=date(2026, 8, 1),
    )
    write(
        db,
        act.add_update,
        ids["b"],
        "Waiting for legal advice",
        status="at-risk",
        written_on=date(2026, 6, 1),
    )
    write(db, act.set_status, ids["c"], "dropped", reason="Covered by the county's protocol")
    write(db, act.set_status, ids["d"], "done")
    review = write(
        db,
        start_review,
        plan,
        held_on=date(2026, 11, 10),
        staff=3,
        young_people=2,
        young_people_comments="Tell us sooner when a move is planned.",
    )
    write(
        db,
        act.add_update,
        ids["a"],
        "Hosts approved by panel",
        written_on=date(2026, 11, 10),
        review_id=review,
        young_people_comment="Hosts should meet us first",
    )
    yield db, plan, ids
    db.close()


def export(db: Database, key: str, plan: int, path: Path) -> Path:
    return service.export(db.session, key, plan, path)


def rows_of(sheet: Any) -> list[tuple[Any, ...]]:
    return [r for r in sheet.iter_rows(values_only=True) if any(v is not None for v in r)]


def labelled(sheet: Any) -> dict[Any, tuple[Any, ...]]:
    return {r[0]: r[1:] for r in rows_of(sheet)}


def test_the_workbook_reads_back_with_hand_counts(made: Any, tmp_path: Path) -> None:
    db, plan, _ = made
    path = export(db, service.PLAN_WORKBOOK, plan, tmp_path / "plan.xlsx")
    book = openpyxl.load_workbook(path)
    assert book.sheetnames == [SUMMARY, "Housing", "Money"]

    housing = book["Housing"]
    assert [c.value for c in housing[3]] == list(THEME_HEADERS)
    assert housing.print_title_rows == "$1:$3" and housing.freeze_panes == "A4"
    assert housing.page_setup.orientation == "landscape" and housing.page_setup.fitToWidth == 1
    assert housing.sheet_properties.pageSetUpPr.fitToPage
    a = [c.value for c in housing[4]]
    assert a == [
        "=nowhere safe to live",
        "Find more supported lodgings",
        "Housing Options",
        "31 Oct 2026",
        "10 Nov 2026: Hosts approved by panel\nYoung people said: Hosts should meet us first",
        "▶ On track",
        "Yes: co-designing, reviewing",
    ]
    b, c = [cell.value for cell in housing[5]], [cell.value for cell in housing[6]]
    assert b[1:] == [
        "+Guarantor scheme",
        None,
        "Q4 2026-27 (Jan–Mar 2027)",
        "01 Jun 2026: Waiting for legal advice",
        "⚠ At risk",
        "No: partners' capacity to engage",
    ]
    assert c[1] == "-Move-on protocol" and c[5] == "✖ Dropped: Covered by the county's protocol"
    # Typed text that looks like a formula stays the text typed.
    for cell in (housing["A4"], housing["B5"], housing["B6"], book["Money"]["B4"]):
        assert cell.data_type == "s", cell.coordinate
    assert book["Money"]["B4"].value == "@Council tax exemption"
    assert [r[5] for r in rows_of(book["Money"])[3:]] == ["✔ Done", "○ Not started"]

    summary = labelled(book[SUMMARY])
    by_hand = {
        "○ Not started": 1,
        "▶ On track": 1,
        "⚠ At risk": 1,
        "✔ Done": 1,
        "✖ Dropped": 1,
        "All actions": 5,
        "Overdue (open, past their date)": 1,
        "Drifting (open, no update for 90 days)": 1,
        "Open, not yet reviewed with young people": 1 + 1,  # b and e
    }
    for label, count in by_hand.items():
        assert summary[label][0] == count, label
    # Involving in any way, counted, share; helping deliver (only e), share; the programme's.
    assert summary["Housing"][:6] == (1, 2, 0.5, 0, 0, 0.27)
    assert summary["Money"][:6] == (1, 2, 0.5, 1, 0.5, 0.27)
    assert summary["Whole plan"][:6] == (2, 4, 0.5, 1, 0.25, 0.27)
    assert summary["Signed off"][0] == "Jo Bloggs, Director of Children's Services, 18 Nov 2026"
    assert summary["Next review due"][0] == "10 Feb 2027"
    assert (
        "Overdue actions: 1" in summary and "Drifting actions (no update for 90 days): 1" in summary
    )
    assert "Housing: Find more supported lodgings" in summary
    drifting = summary["Housing: +Guarantor scheme"]
    assert drifting[:3] == ("Q4 2026-27 (Jan–Mar 2027)", "⚠ At risk", "01 Jun 2026")


def test_sheet_names_are_valid_and_distinct() -> None:
    names = sheet_names(
        ["Housing", "housing", "Money: [rent]/bills*?", "x" * 40, "Summary", "   ", "'Quoted'"]
    )
    assert names == [
        "Housing",
        "housing (2)",
        "Money rent bills",
        "x" * 31,
        "Summary (2)",
        "Theme 6",
        "Quoted",
    ]
    assert all(len(n) <= 31 and not set(n) & set("[]:*?/\\") for n in names)
    assert len({n.casefold() for n in names}) == len(names)
    assert sheet_names(["y" * 40, "y" * 40]) == ["y" * 31, "y" * 27 + " (2)"]


def test_a_failed_write_leaves_nothing(made: Any, tmp_path: Path) -> None:
    db, plan, _ = made
    with pytest.raises(ExportError, match="does not exist"):
        export(db, service.PLAN_WORKBOOK, plan, tmp_path / "missing" / "plan.xlsx")
    kept = tmp_path / "kept.pdf"
    kept.write_bytes(b"last quarter's")
    kept.chmod(0o444)
    try:
        with pytest.raises(ExportError, match="read-only"):
            export(db, service.PLAN_REPORT, plan, kept)
    finally:
        kept.chmod(0o644)
    assert kept.read_bytes() == b"last quarter's"
    assert sorted(p.name for p in tmp_path.iterdir() if p.suffix in (".pdf", ".xlsx")) == [
        "kept.pdf"
    ]


def test_preview_and_subjects(made: Any) -> None:
    db, plan, _ = made
    with db.session() as session:
        assert plan in {s.id for s in service.subjects(session, service.PLAN_REPORT)}
        p = service.preview(session, service.PLAN_WORKBOOK, plan)
    facts = dict(p.facts)
    assert (facts["Actions"], facts["Overdue"], facts["Drifting"]) == ("5", "1", "1")
    assert facts["Involving young people"].startswith("2 of 4 (50%)")
    assert [row[0].text for row in p.tables[0].rows] == ["Housing", "Money"]


def _text(pdf: Path) -> str:
    if shutil.which("pdftotext") is None:
        pytest.skip("pdftotext (poppler-utils) is not installed")
    # Both reading orders: the plain one keeps a wrapped cell's words together, the layout one
    # keeps a table's row on one line however the page falls.
    texts = []
    for mode in ([], ["-layout"]):
        done = subprocess.run(
            ["pdftotext", *mode, str(pdf), "-"], capture_output=True, text=True, check=True
        )
        texts.append(" ".join(done.stdout.split()))
    return "\n".join(texts)


def test_the_report_shows_every_heading_and_figure(made: Any, tmp_path: Path) -> None:
    db, plan, _ = made
    path = export(db, service.PLAN_REPORT, plan, tmp_path / "plan.pdf")
    text = _text(path)
    for heading in HEADINGS:
        assert heading in text, heading
    assert "Action plan progress: Test plan 2026-28" in text
    for phrase in (
        "○ Not started 1",
        "▶ On track 1",
        "⚠ At risk 1",
        "✔ Done 1",
        "✖ Dropped 1",
        "Overdue: open and past their date 1",
        "Drifting: open, no update for 90 days 1",
        "2 of 4 (50%); young people help deliver 1 of 4 (25%), where the programme's evaluation "
        "found about 27%",
        "Housing 2 1 50% 0 0%",
        "Money 2 1 50% 1 50%",
        "Whole plan 4 2 50% 1 25%",
        "Programme (published) 27%",
        "Next review due 10 February 2027",
        "Tell us sooner when a move is planned.",
        "Hosts should meet us first",
        "Housing Find more supported lodgings Housing Options 31 Oct 2026 ▶ On track",
        "Housing +Guarantor scheme not named 1 June 2026 ⚠ At risk",
    ):
        assert phrase in text, phrase
    # Status by theme: Housing has one on track, one at risk, one dropped, one overdue and drifting.
    assert "Housing 0 1 1 0 1 1 1" in text and "Money 1 0 0 1 0 0 0" in text
    with db.session() as session:
        base, follow = find_assessment(session, BASELINE), find_assessment(session, FOLLOW_UP)
        comparison = compare_in_order(session, base, follow)
        time1, time2 = find_round(session, "Time 1 2020"), find_round(session, "Time 2 survey")
    assert f"{BASELINE}: total {comparison.first_score.total}" in text
    assert f"{FOLLOW_UP}: total {comparison.second_score.total}" in text
    cited = comparison.statements[0]
    change = f"{cited.difference:+d}" if cited.difference is not None else "–"
    assert f"{cited.text} {cited.first} {cited.second} {change}" in text
    assert time1.rate is not None and time2.rate is not None
    rates = f"Time 1 2020 {fixed(time1.rate * 100)}% Time 2 survey {fixed(time2.rate * 100)}%"
    assert rates in text


def test_without_a_symbol_font_statuses_are_words_in_brackets(
    made: Any, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    db, plan, _ = made
    monkeypatch.setattr(pdf_common, "_symbols_found", [None])
    text = _text(export(db, service.PLAN_REPORT, plan, tmp_path / "plan.pdf"))
    assert "[Done] 1" in text and "[At risk]" in text and "✔" not in text


def test_every_font_in_the_report_is_embedded(made: Any, tmp_path: Path) -> None:
    if shutil.which("pdffonts") is None:
        pytest.skip("pdffonts (poppler-utils) is not installed")
    db, plan, _ = made
    path = export(db, service.PLAN_REPORT, plan, tmp_path / "plan.pdf")
    lines = subprocess.run(
        ["pdffonts", str(path)], capture_output=True, text=True, check=True
    ).stdout.splitlines()[2:]
    assert lines and all(" yes " in line for line in lines), lines


def test_libreoffice_opens_and_prints_the_workbook(made: Any, tmp_path: Path) -> None:
    soffice = shutil.which("soffice") or shutil.which("libreoffice")
    if soffice is None:
        pytest.skip("LibreOffice (soffice) is not installed")
    db, plan, _ = made
    path = export(db, service.PLAN_WORKBOOK, plan, tmp_path / "plan.xlsx")
    profile = (tmp_path / "lo-profile").as_uri()  # its own profile: never another's lock
    subprocess.run(
        [
            soffice,
            f"-env:UserInstallation={profile}",
            "--headless",
            "--convert-to",
            "pdf",
            "--outdir",
            str(tmp_path),
            str(path),
        ],
        capture_output=True,
        check=True,
        timeout=180,
    )
    text = _text(tmp_path / "plan.pdf")
    for phrase in (
        "Action plan: Test plan 2026-28",
        "Theme 1: Housing",
        "Theme 2: Money",
        "Find more supported lodgings",
        "=nowhere safe to live",
        "@Council tax exemption",
        "Young people involved",
    ):
        assert phrase in text, phrase


def test_a_change_is_the_difference_of_the_figures_as_printed() -> None:
    from nbdesk.returns.plan_data import Rated

    area = Rated("Area 7", "Safe and settled", 2.6923, 3.0769, 2)
    assert (area.shown(area.first), area.shown(area.second)) == ("2.69", "3.08")
    assert (area.difference, area.change) == (0.39, "+0.39")
    assert Rated("3 / B", "s", 3, 2, 0).change == "-1"
    assert Rated("3 / B", "s", None, 2, 0).change == "–"


def test_the_report_as_an_accessible_web_page(made: Any, tmp_path: Path) -> None:
    db, plan, _ids = made
    path = export(db, service.PLAN_REPORT_HTML, plan, tmp_path / "plan.html")
    assert path.suffix == ".html"
    page = read_page(path.read_text("utf-8"))
    assert page.headings[0] == (1, f"Action plan progress: {PLAN}")
    assert [h for level, h in page.headings if level == 2] == list(HEADINGS)
    status = page.table("Status by theme")
    assert status.head[0].text == "Theme"
    assert status.row("Housing")[0] == "Housing"
    # The chart: a sentence, then its figures (counted by hand in `made`) in a table of their own.
    chart = page.table("The figures of the bar chart: Share of actions")
    assert [c.text for c in chart.head] == [
        "Theme",
        "Involving young people in any way",
        "Young people helping deliver",
    ]
    assert chart.texts() == [
        ["Housing", "50%", "0%"],
        ["Money", "50%", "50%"],
        ["Whole plan", "50%", "25%"],
    ]
    assert "A bar chart by theme: Share of actions." in page.text
    assert 'A dashed line across the bars is labelled "programme, delivering: about 27%".' in (
        page.text
    )
    assert page.footer.startswith("Written by nbdesk")
    if shutil.which("pdftotext") is not None:  # no figure on the page that the PDF lacks
        pdf = pdf_words(export(db, service.PLAN_REPORT, plan, tmp_path / "plan.pdf"))
        assert numbers(f"{page.text} {page.footer}") <= numbers(pdf)
