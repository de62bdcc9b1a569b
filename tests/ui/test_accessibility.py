"""Accessibility sweep (issue 15): the main window on the demonstration file, each section and each
of its views, and the main dialogs in their main states, each checked as it is on screen by
tests.support.a11y: every control named with its visible words, labels not hiding their text, Tab
reaching every control and leaving every list, and no Alt+letter answered twice in one window."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from PySide6.QtWidgets import QWidget
from pytestqt.qtbot import QtBot

from nbdesk.ui.app import OpenPlan, carry_out
from nbdesk.ui.main_window import MainWindow
from nbdesk.ui.ops import Ops
from tests.support import a11y
from tests.support.paths import DATA
from tests.support.qt import settle, shown_section


@pytest.fixture
def window(qtbot: QtBot, demo_file: Path) -> Iterator[MainWindow]:
    win = MainWindow()
    qtbot.addWidget(win)
    opened = carry_out(OpenPlan(demo_file))
    win.set_ops(Ops(opened.db), opened.authority)
    win.resize(1366, 768)
    win.show()
    qtbot.waitExposed(win)
    settle(qtbot)
    yield win
    settle(qtbot)


def check(qtbot: QtBot, shown: QWidget, what: str, found: list[str]) -> None:
    """Sweep `shown` (a window) as it is now, adding what is wrong to `found`."""
    settle(qtbot)
    found += [f"[{what}] {line}" for line in a11y.problems(shown)]
    settle(qtbot)


def dialog_check(qtbot: QtBot, dialog: QWidget, what: str, found: list[str]) -> None:
    qtbot.addWidget(dialog)
    dialog.show()
    qtbot.waitExposed(dialog)
    check(qtbot, dialog, what, found)
    dialog.close()


def report(found: list[str]) -> str:
    return "\n" + "\n".join(found)


def test_the_sweep_finds_what_it_is_for(qtbot: QtBot) -> None:
    """The checks can fail: a window with each kind of fault is caught on each."""
    from PySide6.QtWidgets import QLabel, QLineEdit, QPushButton, QTableWidget, QVBoxLayout

    bad = QWidget()
    bad.setWindowTitle("Faults")
    layout = QVBoxLayout(bad)
    unnamed = QLineEdit()
    wrong = QPushButton("Reopen round")
    wrong.setAccessibleName("Close the round")
    hidden = QLabel("3 people left out")
    hidden.setAccessibleName("Problem")
    table = QTableWidget(3, 3)
    table.setAccessibleName("People left out")
    after = QPushButton("&Notify")
    clash = QPushButton("&Next")
    for widget in (unnamed, wrong, hidden, table, after, clash):
        layout.addWidget(widget)
    qtbot.addWidget(bad)
    bad.show()
    qtbot.waitExposed(bad)
    found = report(a11y.problems(bad))
    assert "QLineEdit '' has no name" in found
    assert "'Close the round' is named without its visible words 'reopen round'" in found
    assert "'Problem' hides its text '3 people left out'" in found
    assert "'People left out' keeps Tab" in found
    assert "Tab never reaches QPushButton '&Notify'" in found
    assert "Alt+N is answered by QPushButton '&Notify' and QPushButton '&Next'" in found
    table.setTabKeyNavigation(False)
    clash.setText("N&ext")
    wrong.setAccessibleName("Reopen round")
    hidden.setAccessibleName("")
    unnamed.setAccessibleName("Reason")
    assert a11y.problems(bad) == []


def test_main_window_and_every_section_and_view(qtbot: QtBot, window: MainWindow) -> None:
    found: list[str] = []
    for number, section in enumerate(window.sections):
        window.show_section(number)
        check(qtbot, window, section.title, found)
        tabs = getattr(section, "tabs", None)
        if tabs is not None:
            for index in range(1, tabs.count()):
                tabs.setCurrentIndex(index)
                check(qtbot, window, f"{section.title} › {tabs.tabText(index)}", found)
            tabs.setCurrentIndex(0)
        if number == 1:
            survey_states(qtbot, window, section, found)
    assert found == [], report(found)


def survey_states(qtbot: QtBot, window: MainWindow, section: Any, found: list[str]) -> None:
    """The Survey section's other main states: the other page of Results and priorities, a
    person left out of the round, and a closed round."""
    section.tabs.setCurrentWidget(section.results_tab)
    pages = section.results_tab.pages
    for index in range(1, pages.count()):
        pages.setCurrentIndex(index)
        check(qtbot, window, f"Survey › results › {pages.tabText(index)}", found)
    pages.setCurrentIndex(0)
    tab = section.contacts_tab
    section.tabs.setCurrentWidget(tab)
    tab.everyone.setChecked(True)
    settle(qtbot)
    rows = [r for r in range(tab.model.rowCount()) if not tab.model.row(r).eligible]
    assert rows, "the demonstration has someone left out of the round"
    tab.view.setCurrentIndex(tab.model.index(rows[0], 0))
    check(qtbot, window, "Survey › someone left out", found)
    closed = [r for r in section.rounds if r.closed]
    assert closed, "the demonstration has a closed round"
    section.round.setCurrentIndex(section.round.findData(closed[0].id))
    check(qtbot, window, "Survey › a closed round", found)


def test_survey_dialogs(qtbot: QtBot, window: MainWindow) -> None:
    from nbdesk.storage.models.survey import CareLeaver
    from nbdesk.survey.register import get_person
    from nbdesk.survey.register_columns import read_register_file
    from nbdesk.survey.register_import import preview_import
    from nbdesk.ui.survey.dialogs import OpenRoundDialog, PersonDialog
    from nbdesk.ui.survey.import_dialog import ImportDialog
    from nbdesk.ui.survey.notify_dialog import NotifyDialog
    from nbdesk.ui.survey.section import SurveySection

    window.show_section(1)
    section = shown_section(qtbot, window)
    assert isinstance(section, SurveySection) and section.ops is not None
    settle(qtbot)
    store: Any = section.ops.store
    with store.session() as session:
        person = get_person(session, session.query(CareLeaver.id).first()[0])
        table = read_register_file(DATA / "register_messy.csv")
        preview = preview_import(session, table)
    rid = section.round_id()
    assert rid is not None
    found: list[str] = []
    dialog_check(qtbot, PersonDialog(None, window), "new person", found)
    edit = PersonDialog(person, window)
    dialog_check(qtbot, edit, "a person", found)
    edit.show()
    edit.show_problem("Date of birth: 31/02/2005 is not a day")
    check(qtbot, edit, "a person, with a problem", found)
    edit.close()
    dialog_check(qtbot, OpenRoundDialog(window), "open a round", found)
    dialog_check(qtbot, ImportDialog(section.ops, table, preview, window), "import", found)
    dialog_check(qtbot, NotifyDialog(section.ops, rid, window), "notify", found)
    assert found == [], report(found)


def test_self_assessment_windows_and_dialogs(
    qtbot: QtBot, window: MainWindow, tmp_path: Path
) -> None:
    from PySide6.QtCore import Qt

    from nbdesk.forms.store import list_frameworks
    from nbdesk.self_assessment.assessments import list_assessments, load_assessment
    from nbdesk.self_assessment.exchange import write_ratings_workbook
    from nbdesk.self_assessment.workshop import workshop_start
    from nbdesk.ui.self_assessment.compare import CompareWindow
    from nbdesk.ui.self_assessment.go_to import GoToDialog
    from nbdesk.ui.self_assessment.import_dialog import ImportRatingsDialog
    from nbdesk.ui.self_assessment.new_assessment import NewAssessmentDialog
    from nbdesk.ui.self_assessment.results import ResultsWindow
    from nbdesk.ui.self_assessment.sitting import SittingDialog
    from nbdesk.ui.self_assessment.workshop import WorkshopWindow

    ops = window.sections[0].ops
    assert ops is not None
    store: Any = ops.store
    sheet = tmp_path / "ratings.xlsx"
    with store.session() as session:
        items = list_assessments(session)
        rated = next(a for a in items if a.rated)
        detail = load_assessment(session, rated.id)
        frameworks = list_frameworks(session)
        start = workshop_start(session, rated.id)
        write_ratings_workbook(session, sheet, assessment_id=rated.id, with_ratings=True)
    found: list[str] = []
    results = ResultsWindow(ops, rated.id)
    dialog_check(qtbot, results, "results", found)
    results.show()
    for index in range(1, results.tabs.count()):
        results.tabs.setCurrentIndex(index)
        check(qtbot, results, f"results › {results.tabs.tabText(index)}", found)
    results.close()
    dialog_check(qtbot, CompareWindow(ops, items, rated.id), "compare", found)
    dialog_check(qtbot, NewAssessmentDialog(ops, frameworks, window), "new assessment", found)
    dialog_check(qtbot, SittingDialog(rated.name, window), "sitting", found)
    dialog_check(qtbot, GoToDialog(detail, window), "go to", found)
    importing = ImportRatingsDialog(ops, items, frameworks, rated.id)
    dialog_check(qtbot, importing, "import ratings", found)
    importing.show()
    importing.path.setText(str(sheet))
    qtbot.mouseClick(importing.check_button, Qt.MouseButton.LeftButton)
    check(qtbot, importing, "import ratings, checked", found)
    importing.close()

    workshop = WorkshopWindow(ops, start, None)
    dialog_check(qtbot, workshop, "workshop", found)
    workshop.show()
    qtbot.waitExposed(workshop)
    workshop.statement.setFocus()
    qtbot.keyClick(workshop.statement, Qt.Key.Key_2)
    check(qtbot, workshop, "workshop, rated", found)
    workshop.jump_to_overall(workshop.area.area_id)
    check(qtbot, workshop, "workshop, an area overall", found)
    workshop.close()
    settle(qtbot)
    # Watching a workshop someone else leads (issue 17), its leader stopped: the banner and its
    # take-over button are named too.
    from nbdesk.common import clock
    from nbdesk.self_assessment.lease import HeldBy

    moment = clock.now()
    held = HeldBy(rated.id, "Asha Patel", moment, moment, stale=True)
    watching = WorkshopWindow(ops, start, None, watching=held, led_by="Ben Okafor")
    dialog_check(qtbot, watching, "workshop, watching", found)
    watching.show()
    qtbot.waitExposed(watching)
    watching.jump_to_overall(watching.area.area_id)
    check(qtbot, watching, "workshop, watching an area overall", found)
    watching.close()
    settle(qtbot)
    assert found == [], report(found)


def test_action_plan_dialogs(qtbot: QtBot, window: MainWindow) -> None:
    from nbdesk.ui.action_plan.dialogs import (
        ActionDialog,
        OwnerDialog,
        PlanDialog,
        ReviewDialog,
        SignOffDialog,
        UpdateDialog,
    )
    from nbdesk.ui.action_plan.section import ActionPlanSection
    from nbdesk.ui.action_plan.voices import (
        CiteVoiceDialog,
        SharedBackDialog,
        UnansweredDialog,
        read_voices,
    )

    window.show_section(2)
    section = shown_section(qtbot, window)
    settle(qtbot)
    assert isinstance(section, ActionPlanSection) and section.plan is not None
    plan = section.plan
    store: Any = section.ops.store if section.ops else None
    with store.session() as session:
        voices = read_voices(session, plan.summary.id)
    action = plan.actions[0]
    name = plan.summary.name
    found: list[str] = []
    for what, dialog in (
        ("new plan", PlanDialog("New plan", window, with_themes=True)),
        ("sign off", SignOffDialog(name, window)),
        ("action", ActionDialog(plan.themes[0].title, plan.owners, window)),
        ("update", UpdateDialog(action.we_will, action.status, window)),
        ("owner", OwnerDialog(window)),
        ("cite", CiteVoiceDialog(action.we_will, voices.said, window)),
        ("shared back", SharedBackDialog(name, window)),
        ("review", ReviewDialog(name, window)),
    ):
        dialog_check(qtbot, dialog, what, found)
    if voices.open is not None:
        unanswered = UnansweredDialog(voices.open, lambda *_: None, window)
        dialog_check(qtbot, unanswered, "not yet answered", found)
    assert found == [], report(found)
