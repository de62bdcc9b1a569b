"""A morning's work by keyboard alone, from the main window on the demonstration file (issue 15):
rate a whole area in a workshop with its evidence, log a contact and a completion, export a return,
then reopen the file to prove all of it was kept.

Only key presses on the widget with the keyboard focus: no clicks, no setCurrentIndex. The save
dialog is answered by replacing the file-dialog function the Returns section uses (that is the
operating system's dialog, not nbdesk's), and the sitting dialog by keys once it is open.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QApplication, QDialog, QWidget
from pytestqt.qtbot import QtBot

from nbdesk.self_assessment.assessments import load_assessment
from nbdesk.storage import open_database
from nbdesk.survey.completion import completion_state
from nbdesk.survey.contacts import contact_history
from nbdesk.ui.app import OpenPlan, carry_out
from nbdesk.ui.main_window import MainWindow
from nbdesk.ui.ops import Ops
from nbdesk.ui.returns.section import ReturnsSection
from nbdesk.ui.self_assessment.section import SelfAssessmentSection
from nbdesk.ui.self_assessment.workshop import WorkshopWindow
from nbdesk.ui.survey.section import SurveySection
from tests.support.qt import answer, settle

CTRL = Qt.KeyboardModifier.ControlModifier
ALT = Qt.KeyboardModifier.AltModifier
NONE = Qt.KeyboardModifier.NoModifier


def focused() -> QWidget:
    widget = QApplication.focusWidget()
    assert widget is not None, "nothing has the keyboard focus"
    return widget


def has_keyboard(widget: QWidget) -> bool:
    return QApplication.focusWidget() is widget


def key(qtbot: QtBot, k: Qt.Key | str, mods: Qt.KeyboardModifier = NONE) -> None:
    """Press a key where the keyboard focus is, and wait, as a person would, for the screen to
    show what was read or saved."""
    qtbot.keyClick(focused(), k, mods)
    settle(qtbot)


def type_text(qtbot: QtBot, text: str) -> None:
    qtbot.keyClicks(focused(), text)
    settle(qtbot)


@pytest.fixture
def window(qtbot: QtBot, demo_file: Path) -> MainWindow:
    win = MainWindow()
    qtbot.addWidget(win)
    opened = carry_out(OpenPlan(demo_file))
    win.set_ops(Ops(opened.db), opened.authority)
    win.show()
    qtbot.waitExposed(win)
    win.activateWindow()
    qtbot.waitUntil(lambda: QApplication.activeWindow() is win, timeout=2000)
    settle(qtbot)
    return win


def test_a_mornings_work_by_keyboard_alone(
    qtbot: QtBot, window: MainWindow, demo_file: Path, tmp_path: Path, monkeypatch: Any
) -> None:
    # Self-assessment: the first assessment in the list, a workshop on it.
    key(qtbot, Qt.Key.Key_1, CTRL)
    section = window.stack.currentWidget()
    assert isinstance(section, SelfAssessmentSection)
    assert has_keyboard(section.table)
    key(qtbot, Qt.Key.Key_Home)
    chosen = section.selected()
    assert chosen is not None

    def who_takes_part(dialog: QDialog) -> None:
        assert has_keyboard(dialog.who)  # type: ignore[attr-defined]
        qtbot.keyClicks(focused(), "Chair")
        qtbot.keyClick(focused(), Qt.Key.Key_Return)  # adds the participant
        qtbot.keyClick(focused(), Qt.Key.Key_Return)  # with the box empty, starts

    answer(qtbot, who_takes_part)
    key(qtbot, Qt.Key.Key_F5)
    qtbot.waitUntil(lambda: isinstance(QApplication.activeWindow(), WorkshopWindow), timeout=5000)
    workshop = QApplication.activeWindow()
    assert isinstance(workshop, WorkshopWindow)
    settle(qtbot)
    # The area it opens on, statement by statement to the area's overall page.
    rated: dict[int, tuple[int, str]] = {}
    area = workshop.current_statement()
    assert area is not None
    while (statement := workshop.current_statement()) is not None:
        points = 1 + len(rated) % 4
        key(qtbot, str(points))
        key(qtbot, Qt.Key.Key_E)
        assert has_keyboard(workshop.note)
        note = f"Keyboard evidence {len(rated) + 1}"
        key(qtbot, Qt.Key.Key_A, CTRL)  # the note written before is replaced
        type_text(qtbot, note)
        key(qtbot, Qt.Key.Key_Escape)  # leaves the note, saving it
        rated[statement.statement_id] = (points, note)
        key(qtbot, Qt.Key.Key_N)  # the next statement (or the area's end)
    assert len(rated) > 1
    key(qtbot, Qt.Key.Key_Escape)  # leaves the workshop
    qtbot.waitUntil(lambda: not section.windows, timeout=5000)  # closed (and deleted)
    settle(qtbot)

    # Survey outreach: the first person in who-next, a contact, then a completion. (The window
    # system gives the main window the keyboard back when the workshop closes; offscreen, the
    # test does it.)
    window.activateWindow()
    qtbot.waitUntil(lambda: QApplication.activeWindow() is window, timeout=2000)
    key(qtbot, Qt.Key.Key_2, CTRL)
    survey = window.stack.currentWidget()
    assert isinstance(survey, SurveySection)
    settle(qtbot)
    tab = survey.contacts_tab
    round_id = survey.round_id()
    assert round_id is not None
    key(qtbot, Qt.Key.Key_L, CTRL)  # to the who-next list
    assert has_keyboard(tab.view)
    key(qtbot, Qt.Key.Key_Home)
    first = tab.panel.person
    assert first is not None
    key(qtbot, Qt.Key.Key_Return)  # to the contact form, filled in already
    panel = tab.panel
    assert has_keyboard(panel.channel)
    for _ in range(10):  # Tab through the form to the note
        if has_keyboard(panel.note):
            break
        key(qtbot, Qt.Key.Key_Tab)
    assert has_keyboard(panel.note)
    type_text(qtbot, "Rang by keyboard alone")
    key(qtbot, Qt.Key.Key_Return, CTRL)  # saves the contact; the next person is chosen
    assert has_keyboard(tab.view)
    completed = tab.panel.person
    assert completed is not None
    key(qtbot, Qt.Key.Key_K, CTRL)  # marks them completed

    # Returns: the self-assessment return of the assessment just rated.
    key(qtbot, Qt.Key.Key_4, CTRL)
    returns = window.stack.currentWidget()
    assert isinstance(returns, ReturnsSection)
    settle(qtbot)
    assert has_keyboard(returns.kind)
    key(qtbot, Qt.Key.Key_Home)  # the first kind: the self-assessment return
    assert returns.kind.currentIndex() == 0
    key(qtbot, Qt.Key.Key_A, ALT)  # Assessment:
    assert has_keyboard(returns.subject)
    while returns.subject.currentData() != chosen.id:
        before = returns.subject.currentIndex()
        key(qtbot, Qt.Key.Key_Down)
        assert returns.subject.currentIndex() != before, "the assessment is not offered"
    target = tmp_path / "return.xlsx"
    asked: list[str] = []

    def save_to(parent: Any, title: str, kind: str, suggested: str, *rest: Any) -> Path:
        asked.append(suggested)
        return target

    monkeypatch.setattr("nbdesk.ui.returns.section.ask_save_path", save_to)
    key(qtbot, Qt.Key.Key_E, ALT)  # Export…
    qtbot.waitUntil(
        lambda: returns.task is None and returns.last_written is not None, timeout=20000
    )
    assert asked and returns.last_written == target
    assert target.is_file() and target.stat().st_size > 0

    # Everything is in the file when it is opened again.
    window.ops.store.close()
    reopened = open_database(demo_file)
    try:
        with reopened.session() as session:
            detail = load_assessment(session, chosen.id)
            kept = {
                s.statement_id: (s.points, s.evidence) for a in detail.areas for s in a.statements
            }
            assert {sid: kept[sid] for sid in rated} == rated
            contacts = contact_history(session, first.person_id, round_id)
            assert contacts[0].note == "Rang by keyboard alone"
            assert completion_state(session, round_id, completed.person_id).completed
    finally:
        reopened.close()
