"""The self-assessment section, results, comparison and the import dialog, used as a lead would."""

from __future__ import annotations

import sqlite3
from pathlib import Path

import pytest
from openpyxl import load_workbook
from PySide6.QtCore import Qt
from PySide6.QtWidgets import (
    QApplication,
    QDialog,
    QFrame,
    QInputDialog,
    QLabel,
    QPushButton,
    QWidget,
)
from pytestqt.qtbot import QtBot

from nbdesk.self_assessment.assessments import find_assessment, list_assessments, load_assessment
from nbdesk.self_assessment.sittings import list_sittings
from nbdesk.storage import Database, open_database
from nbdesk.ui.ops import Ops
from nbdesk.ui.self_assessment.compare import CompareWindow, default_pair
from nbdesk.ui.self_assessment.import_dialog import ImportRatingsDialog
from nbdesk.ui.self_assessment.new_assessment import NewAssessmentDialog
from nbdesk.ui.self_assessment.results import ResultsWindow
from nbdesk.ui.self_assessment.section import SelfAssessmentSection
from tests.support import screen_fit
from tests.support.qt import answer, settle

BASELINE = "Baseline 2020 – staff"


@pytest.fixture
def db(demo_file: Path) -> Database:
    database = open_database(demo_file)
    yield database  # type: ignore[misc]
    database.close()


@pytest.fixture
def ops(db: Database) -> Ops:
    return Ops(db)


def export_workbook(
    db: Database, path: str, assessment_id: int | None, with_ratings: bool = True
) -> None:
    from nbdesk.self_assessment.exchange import write_ratings_workbook

    with db.session() as session:
        write_ratings_workbook(
            session, Path(path), assessment_id=assessment_id, with_ratings=with_ratings
        )


def snapshot(path: Path) -> list[tuple[object, ...]]:
    conn = sqlite3.connect(path)
    try:
        rows: list[tuple[object, ...]] = []
        for table in ("assessment", "rating", "area_overall", "assessment_change"):
            rows.extend(conn.execute(f"SELECT '{table}', * FROM {table} ORDER BY id"))
        return rows
    finally:
        conn.close()


def assessment_id(db: Database, name: str) -> int:
    with db.session() as session:
        return find_assessment(session, name)


def import_dialog(qtbot: QtBot, db: Database, chosen: int | None) -> ImportRatingsDialog:
    from nbdesk.forms.store import list_frameworks

    with db.session() as session:
        items = list_assessments(session)
        frameworks = list_frameworks(session)
    dialog = ImportRatingsDialog(Ops(db), items, frameworks, chosen)
    qtbot.addWidget(dialog)
    dialog.show()
    qtbot.waitExposed(dialog)
    return dialog


def test_import_into_an_existing_assessment_shows_what_changes_first(
    qtbot: QtBot, db: Database, tmp_path: Path
) -> None:
    aid = assessment_id(db, BASELINE)
    sheet = tmp_path / "back from the housing group.xlsx"
    export_workbook(db, str(sheet), aid)
    with db.session() as session:
        old = load_assessment(session, aid).areas[6].statements[0].points
    new = 1 if old != 1 else 4
    book = load_workbook(sheet)
    ws = book["Ratings"]
    row = next(r for r in ws.iter_rows(min_row=2) if (r[0].value, r[1].value) == (7, "a"))
    row[3].value, row[4].value = new, "Housing panel, June"
    book.save(sheet)

    dialog = import_dialog(qtbot, db, aid)
    assert dialog.into.isChecked()
    qtbot.keyClicks(dialog.path, str(sheet))
    assert not dialog.import_button.isEnabled()  # nothing is imported unchecked
    qtbot.mouseClick(dialog.check_button, Qt.MouseButton.LeftButton)
    settle(qtbot)
    report = dialog.report.toPlainText()
    assert "CHANGE 1 existing rating(s)" in report
    assert f"7 / A: {old} " in report and f"→ {new} " in report
    assert dialog.import_button.isEnabled()
    assert dialog.import_button.text() == "&Import and change 1 rating(s)"
    qtbot.mouseClick(dialog.import_button, Qt.MouseButton.LeftButton)
    settle(qtbot)
    assert dialog.result() == dialog.DialogCode.Accepted
    db.close()
    reopened = open_database(db.path)
    with reopened.session() as session:
        statement = load_assessment(session, aid).areas[6].statements[0]
    reopened.close()
    assert (statement.points, statement.evidence) == (new, "Housing panel, June")


def test_a_faulty_workbook_is_reported_by_row_and_column_and_changes_nothing(
    qtbot: QtBot, db: Database, tmp_path: Path
) -> None:
    sheet = tmp_path / "group.xlsx"
    export_workbook(db, str(sheet), None)
    book = load_workbook(sheet)
    book["Ratings"]["D4"] = "Agree strongly"
    book["Ratings"]["E4"] = "Evidence that must not arrive"
    book.save(sheet)
    before = snapshot(db.path)
    dialog = import_dialog(qtbot, db, assessment_id(db, BASELINE))
    for into in (True, False):
        (dialog.into if into else dialog.as_new).setChecked(True)
        dialog.name.setText("Should not be created")
        dialog.path.setText(str(sheet))
        qtbot.mouseClick(dialog.check_button, Qt.MouseButton.LeftButton)
        settle(qtbot)
        report = dialog.report.toPlainText()
        assert "Row 4, column Rating: 'Agree strongly' is not a rating" in report
        assert "nothing was imported" in report
        assert not dialog.import_button.isEnabled()
    dialog.reject()
    assert snapshot(db.path) == before


def test_a_completed_workbook_becomes_a_new_assessment(
    qtbot: QtBot, db: Database, tmp_path: Path
) -> None:
    sheet = tmp_path / "young people.xlsx"
    export_workbook(db, str(sheet), None)
    book = load_workbook(sheet)
    ws = book["Ratings"]
    for index, row in enumerate(ws.iter_rows(min_row=2)):
        row[3].value = ["Agree at present", "Mostly agree", 2, "1"][index % 4]
    book.save(sheet)
    dialog = import_dialog(qtbot, db, None)
    assert dialog.as_new.isChecked()
    qtbot.keyClicks(dialog.path, str(sheet))
    qtbot.keyClicks(dialog.name, "Young people 2024")
    dialog.perspective.setCurrentIndex(dialog.perspective.findData("young-people"))
    qtbot.mouseClick(dialog.check_button, Qt.MouseButton.LeftButton)
    settle(qtbot)
    assert "106 statement row(s), 106 rated" in dialog.report.toPlainText()
    # Changing the file after the check means it must be checked again.
    dialog.path.setText(str(sheet) + " ")
    dialog.path.setText(str(sheet))
    assert dialog.import_button.isEnabled()
    qtbot.mouseClick(dialog.import_button, Qt.MouseButton.LeftButton)
    settle(qtbot)
    with db.session() as session:
        made = {a.name: a for a in list_assessments(session)}["Young people 2024"]
    assert (made.rated, made.perspective) == (106, "young-people")


def test_section_lists_creates_archives_and_opens_results(qtbot: QtBot, ops: Ops) -> None:
    section = SelfAssessmentSection()
    qtbot.addWidget(section)
    section.set_ops(ops)
    ops.changed.connect(section.on_changes)  # as the main window does
    section.show()
    settle(qtbot)
    assert section.model.rowCount() == 3
    assert "Sitting of" in section.details.text()  # who took part, for the selected one

    def answer_new() -> None:
        dialog = QApplication.activeModalWidget()
        assert isinstance(dialog, NewAssessmentDialog)
        qtbot.keyClicks(dialog.name, "Mid-point check 2021")
        dialog.stage.setCurrentIndex(dialog.stage.findData("other"))
        qtbot.keyClick(dialog.name, Qt.Key.Key_Return)

    qtbot.mouseClick(section.buttons["new"], Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: isinstance(QApplication.activeModalWidget(), NewAssessmentDialog))
    answer_new()
    settle(qtbot)
    assert section.model.rowCount() == 4
    assert section.selected() is not None and section.selected().name == "Mid-point check 2021"

    qtbot.mouseClick(section.buttons["archive"], Qt.MouseButton.LeftButton)
    settle(qtbot)
    assert section.model.rowCount() == 3
    section.show_archived.setChecked(True)
    settle(qtbot)
    assert section.model.rowCount() == 4

    # Select the baseline and open its results.
    for row in range(section.proxy.rowCount()):
        if section.proxy.index(row, 0).data() == BASELINE:
            section.table.selectRow(row)
    qtbot.mouseClick(section.buttons["results"], Qt.MouseButton.LeftButton)
    settle(qtbot)
    results = section.windows[-1]
    assert isinstance(results, ResultsWindow)
    assert len(results.chart.rows) == 10
    results.close()  # deletes itself; the section lets go of it
    assert section.windows == []


def test_rename_from_the_section(qtbot: QtBot, db: Database, ops: Ops, monkeypatch) -> None:
    section = SelfAssessmentSection()
    qtbot.addWidget(section)
    section.set_ops(ops)
    settle(qtbot)
    monkeypatch.setattr(QInputDialog, "getText", lambda *a, **k: ("Follow-up 2022 (staff)", True))
    qtbot.mouseClick(section.buttons["rename"], Qt.MouseButton.LeftButton)
    settle(qtbot)
    with db.session() as session:
        names = {a.name for a in list_assessments(session)}
    assert "Follow-up 2022 (staff)" in names


def test_results_show_the_published_figures_and_each_statement_history(
    qtbot: QtBot, db: Database, ops: Ops
) -> None:
    aid = assessment_id(db, BASELINE)
    window = ResultsWindow(ops, aid)
    qtbot.addWidget(window)
    window.show()
    settle(qtbot)
    scored = window.results.score
    assert scored.complete and scored.band is not None
    tiles = {
        w.accessibleName().split(":")[0]: w.accessibleName() for w in window.findChildren(QFrame)
    }
    assert tiles["Total"] == f"Total: {scored.total}. possible 106–424"
    assert tiles["Band"].startswith(f"Band: {scored.band}. Good 325–424, Okay 223–324")
    assert tiles["Statements rated"].startswith("Statements rated: 106 of 106.")
    # The areas table shows each area's mean and rank; the chart labels its bars with values.
    first = scored.areas[0]
    assert window.area_model.index(0, 3).data() == f"{first.mean:.2f}"
    assert f"{first.mean:.2f}" in window.chart.rows[0].text
    # Equal means share a rank. In the demonstration baseline areas 1 and 6 both average 1.70,
    # the lowest, and area 8 (3.00) is the highest.
    ranks = {a.number: window.area_model.index(row, 0).data() for row, a in enumerate(scored.areas)}
    assert (ranks[1], ranks[6], ranks[8]) == ("=9", "=9", "1")
    # Selecting a statement lists its history.
    window.statement_table.selectRow(0)
    settle(qtbot)
    assert window.history_model.rowCount() >= 1
    assert window.history_model.index(0, 1).data() == "Rating"
    assert "Workshop" in window.history_model.index(0, 4).data()


def test_compare_window_defaults_to_baseline_against_follow_up(
    qtbot: QtBot, db: Database, ops: Ops
) -> None:
    with db.session() as session:
        items = list_assessments(session)
    base = assessment_id(db, BASELINE)
    follow = assessment_id(db, "Follow-up 2022 – staff")
    young = assessment_id(db, "Baseline 2020 – young people")
    assert default_pair(items, base) == (base, follow)
    assert default_pair(items, follow) == (base, follow)
    assert default_pair(items, young) == (base, young)
    window = CompareWindow(ops, items, base)
    qtbot.addWidget(window)
    window.show()
    settle(qtbot)
    assert window.comparison is not None and window.comparison.kind == "change"
    # The demonstration follow-up is part-rated: the headline says so, the summary says how.
    assert window.heading.text().endswith("(Follow-up: 70 of 106 rated)")
    assert "compare only the 70 statements rated in both" in window.summary.text()
    assert window.list_labels[0].text().startswith("Improved (")
    window.second.setCurrentIndex(window.second.findData(young))
    settle(qtbot)
    assert window.comparison.kind == "gap"
    assert window.list_labels[0].text().startswith("Largest gaps")
    assert window.chart.series == ["Staff", "Young people"]


def test_starting_a_workshop_from_the_section_asks_who_is_there_first(
    qtbot: QtBot, ops: Ops
) -> None:
    from nbdesk.ui.self_assessment.sitting import SittingDialog
    from nbdesk.ui.self_assessment.workshop import WorkshopWindow

    section = SelfAssessmentSection()
    qtbot.addWidget(section)
    section.set_ops(ops)
    ops.changed.connect(section.on_changes)  # as the main window does
    section.show()
    settle(qtbot)
    for row in range(section.proxy.rowCount()):
        if section.proxy.index(row, 0).data() == "Follow-up 2022 – staff":
            section.table.selectRow(row)
    before = section.selected()
    assert before is not None

    def who(dialog: QDialog) -> None:
        # Asked once nbdesk has read that nobody leads a workshop on it already.
        assert isinstance(dialog, SittingDialog)
        qtbot.keyClicks(dialog.who, "Team manager")
        qtbot.keyClick(dialog.who, Qt.Key.Key_Return)  # adds the person
        qtbot.keyClick(dialog.who, Qt.Key.Key_Return)  # empty box: starts

    qtbot.waitExposed(section)
    section.activateWindow()
    qtbot.waitUntil(lambda: QApplication.activeWindow() is section, timeout=2000)
    section.table.setFocus()
    answer(qtbot, who)
    qtbot.keyClick(section.table, Qt.Key.Key_F5)
    settle(qtbot)
    workshop = section.windows[-1]
    assert isinstance(workshop, WorkshopWindow) and workshop.isFullScreen()
    assert workshop.sitting_id is not None
    # Rate the first unrated statement, then leave: the list shows one more rated.
    unrated = next(s for s in workshop.detail.statements() if s.points is None)
    workshop.jump_to_statement(unrated.statement_id)
    qtbot.keyClick(workshop.statement, Qt.Key.Key_3)
    qtbot.keyClick(workshop.statement, Qt.Key.Key_Escape)
    settle(qtbot)
    assert section.windows == []
    after = section.selected()
    assert after is not None and after.id == before.id
    assert after.rated == before.rated + 1

    # The group meets again: the next sitting starts from who was there last time, and Enter
    # in the empty box starts it with them (a tester typed everyone in again).
    seen: list[list[tuple[str, str]]] = []

    def again(dialog: QDialog) -> None:
        assert isinstance(dialog, SittingDialog)
        assert "Filled in from the last sitting" in dialog.findChildren(QLabel)[0].text()
        seen.append(dialog.participants())
        # Filled in, it opens tall enough to show them and everything under them unscrolled.
        remove = next(b for b in dialog.findChildren(QPushButton) if "Remove" in b.text())
        assert screen_fit.in_view(remove) is None, screen_fit.in_view(remove)
        qtbot.keyClick(dialog.who, Qt.Key.Key_Return)

    section.activateWindow()
    qtbot.waitUntil(lambda: QApplication.activeWindow() is section, timeout=2000)
    section.table.setFocus()
    answer(qtbot, again)
    qtbot.keyClick(section.table, Qt.Key.Key_F5)
    settle(qtbot)
    section.windows[-1].close()
    settle(qtbot)
    with ops.store.session() as session:
        last, this = (
            [(p.name_or_role, p.kind) for p in s.participants]
            for s in list_sittings(session, before.id)[-2:]
        )
    assert seen == [last] and this == last and last[-1] == ("Team manager", "staff")
    assert "Team manager (staff)" in section.details.text()


def test_export_blank_or_with_ratings(db: Database, tmp_path: Path) -> None:
    aid = assessment_id(db, BASELINE)
    filled, blank = tmp_path / "filled.xlsx", tmp_path / "blank.xlsx"
    export_workbook(db, str(filled), aid, with_ratings=True)
    export_workbook(db, str(blank), aid, with_ratings=False)
    filled_rows = list(load_workbook(filled)["Ratings"].iter_rows(min_row=2, values_only=True))
    blank_rows = list(load_workbook(blank)["Ratings"].iter_rows(min_row=2, values_only=True))
    assert len(filled_rows) == len(blank_rows) == 106
    assert all(r[3] for r in filled_rows) and not any(r[3] for r in blank_rows)
    assert [r[:3] for r in filled_rows] == [r[:3] for r in blank_rows]


def test_results_show_an_areas_overall_score_history(qtbot: QtBot, db: Database, ops: Ops) -> None:
    window = ResultsWindow(ops, assessment_id(db, BASELINE))
    qtbot.addWidget(window)
    settle(qtbot)
    window.area_table.selectRow(2)
    settle(qtbot)
    assert window.area_history_label.text().startswith("History of area 3's overall score (1")
    entry = window.area_history_model.row(0)
    assert entry.field == "overall" and entry.new == str(
        window.results.score.areas[2].overall_out_of_10
    )


@pytest.mark.parametrize("kind", ["results", "comparison"])
def test_f11_presents_full_screen_and_esc_closes(
    qtbot: QtBot, db: Database, ops: Ops, kind: str
) -> None:
    aid = assessment_id(db, BASELINE)
    if kind == "results":
        window: QWidget = ResultsWindow(ops, aid)
    else:
        with db.session() as session:
            window = CompareWindow(ops, list_assessments(session), aid)
    qtbot.addWidget(window)
    window.show()
    qtbot.waitExposed(window)
    window.activateWindow()
    qtbot.waitUntil(window.isActiveWindow)
    present = next(b for b in window.findChildren(QPushButton) if "full screen" in b.text())
    qtbot.keyClick(window, Qt.Key.Key_F11)
    assert window.isFullScreen() and present.text() == "&Leave full screen (F11)"
    qtbot.keyClick(window, Qt.Key.Key_F11)
    assert not window.isFullScreen() and present.text() == "&Present full screen (F11)"
    qtbot.keyClick(window, Qt.Key.Key_Escape)
    assert not window.isVisible()


def test_compare_with_the_same_assessment_twice_shows_nothing_of_the_pair_before(
    qtbot: QtBot, db: Database, ops: Ops
) -> None:
    with db.session() as session:
        items = list_assessments(session)
    base = assessment_id(db, BASELINE)
    window = CompareWindow(ops, items, base)
    qtbot.addWidget(window)
    window.show()
    settle(qtbot)
    assert window.summary.text() and window.area_model.rowCount() == 10
    window.first.setCurrentIndex(window.first.findData(window.second.currentData()))
    settle(qtbot)
    assert window.heading.text() == "Choose two different assessments."
    assert window.summary.text() == "" and window.area_model.rowCount() == 0
    assert window.comparison is None and window.chart.rows == []


def test_compare_with_a_side_not_rated_yet_says_which(qtbot: QtBot, db: Database, ops: Ops) -> None:
    """A tester read "Overall mean – (Staff) and – (Young people): a gap of –" when their staff
    had a mean already: the summary gives the mean there is and says the other has none yet."""
    from nbdesk.self_assessment.assessments import create_assessment
    from nbdesk.storage.models import Assessment

    with db.transaction() as session:
        base = find_assessment(session, BASELINE)
        young = create_assessment(
            session,
            "Baseline 2026 young people",
            framework_id=session.get_one(Assessment, base).framework_id,
            perspective="young-people",
        ).value
    with db.session() as session:
        items = list_assessments(session)
    window = CompareWindow(ops, items, base)
    qtbot.addWidget(window)
    window.second.setCurrentIndex(window.second.findData(young))
    window.show()
    settle(qtbot)
    assert window.comparison is not None and window.comparison.kind == "gap"
    summary = window.summary.text()
    assert (
        summary.startswith("Overall mean ") and "none yet (Young people), so no gap yet." in summary
    )
    assert "– (Staff)" not in summary and "a gap of" not in summary
