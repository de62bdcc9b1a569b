"""The Survey outreach, Action plan and Returns sections and their dialogs on a 1366×768 laptop
with twice the default font (issue 15), checked by tests.support.screen_fit in their main states.

Not collected on its own: test_small_screen_survey_plan.py runs it in a process of its own, where
Qt's offscreen platform has a 1366×768 screen and QT_FONT_DPI doubles the font (as on a real X
server, the style's sizes double with it, so the screen offers 683×384 of Qt's own pixels)."""

from __future__ import annotations

import os
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest
from PySide6.QtCore import QTimer
from PySide6.QtWidgets import QApplication, QDialog, QMessageBox, QWidget
from pytestqt.qtbot import QtBot

from nbdesk.ui.main_window import MainWindow
from tests.support import qt, screen_fit
from tests.support.paths import DATA
from tests.support.qt import settle, shown_section

SCREEN = os.environ.get("NBDESK_TEST_SCREEN", "")


@pytest.fixture(autouse=True)
def the_screen_asked_for() -> None:
    """Run where the screen is the one asked for, never on whatever screen the tests found."""
    room = QApplication.primaryScreen().availableGeometry()
    assert SCREEN and f"{room.width()}x{room.height()}" == SCREEN, (SCREEN, room)


def open_window(qtbot: QtBot, path: Path, create_as: str | None = None) -> MainWindow:
    win = qt.open_window(qtbot, path, create_as, maximized=True)
    settle(qtbot)
    return win


@pytest.fixture
def window(qtbot: QtBot, demo_file: Path) -> Iterator[MainWindow]:
    win = open_window(qtbot, demo_file)
    yield win
    settle(qtbot)
    assert win.ops is not None
    win.ops.close()


def report(found: list[str]) -> str:
    return "\n" + "\n".join(found)


def check_section(qtbot: QtBot, window: MainWindow, section: QWidget, what: str) -> list[str]:
    """The section as shown in the window: it fits the window's room with no sideways scroll,
    and does not itself make the window scroll."""
    settle(qtbot)
    room = window.scroll.viewport().size()
    least = section.minimumSizeHint()
    found = [f"[{what}] {line}" for line in screen_fit.problems(window, within=section)]
    if least.width() > room.width() or least.height() > room.height():
        found.append(f"[{what}] the section needs {least}, more than the window's {room}")
    return found


def check_dialog(qtbot: QtBot, dialog: QWidget, what: str) -> list[str]:
    qtbot.addWidget(dialog)
    dialog.show()
    qtbot.waitExposed(dialog)
    settle(qtbot)
    found = [f"[{what}] {line}" for line in screen_fit.problems(dialog)]
    return found


def check_modal(qtbot: QtBot, start: Callable[[], object], what: str) -> list[str]:
    """Call `start`, which opens a modal dialog and waits for it; check the dialog as it shows,
    then close it."""
    found: list[str] = []
    before = set(QApplication.topLevelWidgets())
    seen: list[QWidget] = []

    def look() -> None:
        modal = QApplication.activeModalWidget()
        if modal is None or modal in before or not modal.isVisible():
            return
        timer.stop()
        seen.append(modal)
        settle(qtbot)
        found.extend(f"[{what}] {line}" for line in screen_fit.problems(modal))
        if isinstance(modal, QMessageBox | QDialog):
            modal.reject()
        else:
            modal.close()

    timer = QTimer(interval=20)
    timer.timeout.connect(look)
    timer.start()
    start()
    timer.stop()
    settle(qtbot)
    assert seen, f"{what}: no dialog opened"
    return found


# The Survey outreach section ----------------------------------------------------------------


def test_survey_section_in_its_main_states(qtbot: QtBot, window: MainWindow) -> None:
    from nbdesk.ui.survey.section import SurveySection

    window.show_section(1)
    section = shown_section(qtbot, window)
    assert isinstance(section, SurveySection)
    settle(qtbot)
    found = check_section(qtbot, window, section, "contacts")
    for index in range(1, section.tabs.count()):
        section.tabs.setCurrentIndex(index)
        found += check_section(qtbot, window, section, section.tabs.tabText(index))
    pages = section.results_tab.pages
    for index in range(1, pages.count()):
        pages.setCurrentIndex(index)
        found += check_section(qtbot, window, section, pages.tabText(index))
    pages.setCurrentIndex(0)
    tab = section.contacts_tab
    section.tabs.setCurrentWidget(tab)
    tab.everyone.setChecked(True)
    settle(qtbot)
    rows = [r for r in range(tab.model.rowCount()) if not tab.model.row(r).eligible]
    tab.view.setCurrentIndex(tab.model.index(rows[0], 0))
    found += check_section(qtbot, window, section, "someone left out")
    closed = [r for r in section.rounds if r.closed]
    section.round.setCurrentIndex(section.round.findData(closed[0].id))
    found += check_section(qtbot, window, section, "a closed round")
    assert found == [], report(found)


def test_survey_section_on_a_new_file(qtbot: QtBot, tmp_path: Path) -> None:
    win = open_window(qtbot, tmp_path / "new.nbdesk", create_as="Newtown Council")
    win.show_section(1)
    section = shown_section(qtbot, win)
    found = check_section(qtbot, win, section, "no round yet")
    # The register, where a new file's people go first, shows enough rows to work down (it was
    # squeezed to one at twice the font, the section scrolling round it).
    section.tabs.setCurrentWidget(section.register_tab)
    found += check_section(qtbot, win, section, "the register, no round yet")
    view = section.register_tab.view
    rows = view.viewport().height() // view.verticalHeader().defaultSectionSize()
    if rows < 3:
        found.append(f"the register shows {rows} rows")
    assert win.ops is not None
    win.ops.close()
    assert found == [], report(found)


def test_survey_dialogs(qtbot: QtBot, window: MainWindow) -> None:
    from nbdesk.storage.models.survey import CareLeaver
    from nbdesk.survey.register import get_person
    from nbdesk.survey.register_columns import read_register_file
    from nbdesk.survey.register_import import preview_import
    from nbdesk.ui.survey.dialogs import OpenRoundDialog, PersonDialog
    from nbdesk.ui.survey.import_dialog import ImportDialog
    from nbdesk.ui.survey.notify_dialog import NotifyDialog

    window.show_section(1)
    section: Any = shown_section(qtbot, window)
    settle(qtbot)
    store: Any = section.ops.store
    with store.session() as session:
        person = get_person(session, session.query(CareLeaver.id).first()[0])
        table = read_register_file(DATA / "register_messy.csv")
        preview = preview_import(session, table)
    found = check_dialog(qtbot, PersonDialog(None, window), "add a person")
    edit = PersonDialog(person, window)
    found += check_dialog(qtbot, edit, "a person")
    edit.show_problem("Date of birth: 31/02/2005 is not a day")
    found += check_dialog(qtbot, edit, "a person, with a problem")
    edit.close()
    opening = OpenRoundDialog(window)
    found += check_dialog(qtbot, opening, "open a round")
    opening.opens.edit.setText("31/02/2026")
    opening.opens.edit.editingFinished.emit()
    found += check_dialog(qtbot, opening, "open a round, a date it cannot use")
    opening.opens.edit.setText("01/12/2026")
    opening.opens.edit.editingFinished.emit()
    found += check_dialog(qtbot, opening, "open a round, the date put right")
    opening.close()
    importing = ImportDialog(section.ops, table, preview, window)
    found += check_dialog(qtbot, importing, "import a register")
    importing.close()
    rid = section.round_id()
    found += check_dialog(qtbot, NotifyDialog(section.ops, rid, window), "notify")
    assert found == [], report(found)


# The Action plan section ---------------------------------------------------------------------


def plan_section(qtbot: QtBot, window: MainWindow) -> Any:
    from nbdesk.ui.action_plan.section import ActionPlanSection

    window.show_section(2)
    section = shown_section(qtbot, window)
    settle(qtbot)
    assert isinstance(section, ActionPlanSection)
    return section


def test_action_plan_section_in_its_main_states(qtbot: QtBot, window: MainWindow) -> None:
    from PySide6.QtCore import Qt

    from nbdesk.action_plan.views import ThemeView

    section = plan_section(qtbot, window)
    assert section.plan is not None and section.current_action() is not None
    found = check_section(qtbot, window, section, "an action chosen")
    # The table shows enough rows to work down it, wherever the section is scrolled.
    rows = section.table.viewport().height() // section.table.verticalHeader().defaultSectionSize()
    if rows < 5:
        found.append(f"the table shows {rows} rows")
    # F2 takes the keyboard to the chosen action's fields, scrolled into view.
    section.table.setFocus()
    qtbot.keyClick(section.table, Qt.Key.Key_F2)
    settle(qtbot)
    focused = QApplication.focusWidget()
    assert focused is section.panel.we_will
    cut = screen_fit.in_view(focused)
    if cut:
        found.append(f"[F2] {cut}")
    theme_row = next(r for r in range(section.model.rowCount()) if r in section.model.theme_rows)
    section.table.setCurrentIndex(section.model.index(theme_row, 0))
    assert isinstance(section.current_row(), ThemeView)
    found += check_section(qtbot, window, section, "a theme chosen")
    assert found == [], report(found)


def test_action_plan_section_on_a_new_file(qtbot: QtBot, tmp_path: Path) -> None:
    win = open_window(qtbot, tmp_path / "new.nbdesk", create_as="Newtown Council")
    section = plan_section(qtbot, win)
    found = check_section(qtbot, win, section, "no plan yet")
    assert win.ops is not None
    win.ops.close()
    assert found == [], report(found)


def test_action_plan_dialogs(qtbot: QtBot, window: MainWindow) -> None:
    from nbdesk.ui.action_plan.dialogs import (
        ActionDialog,
        OwnerDialog,
        PlanDialog,
        ReviewDialog,
        SignOffDialog,
        TitleDialog,
        UpdateDialog,
    )
    from nbdesk.ui.action_plan.links import StatementActionDialog, read_choices
    from nbdesk.ui.action_plan.voices import (
        CiteVoiceDialog,
        SharedBackDialog,
        UnansweredDialog,
        read_voices,
    )

    section = plan_section(qtbot, window)
    plan = section.plan
    store: Any = section.ops.store
    with store.session() as session:
        voices = read_voices(session, plan.summary.id)
        choices = read_choices(session)
    action = plan.actions[0]
    name = plan.summary.name
    s = plan.summary
    found: list[str] = []
    statement = type("Statement", (), {"reference": "3.2", "text": "Care leavers " * 20})()
    for what, dialog in (
        ("new plan", PlanDialog("New plan", window, with_themes=True, note="Owners " * 30)),
        (
            "plan details",
            PlanDialog("Plan details", window, name=s.name, stage=s.stage, starts_on=s.starts_on),
        ),
        ("sign off", SignOffDialog(name, window, ["Jo Bloggs, Director, on 01 Dec 2026"])),
        ("action", ActionDialog(plan.themes[0].title, plan.owners, window)),
        ("update", UpdateDialog(action.we_will, action.status, window)),
        ("add an owner", OwnerDialog(window)),
        ("theme", TitleDialog("Rename the theme", "&Theme:", plan.themes[0].title, window)),
        ("cite", CiteVoiceDialog(action.we_will, voices.said, window)),
        ("shared back", SharedBackDialog(name, window)),
        ("review", ReviewDialog(name, window)),
        ("statement action", StatementActionDialog(statement, choices, window)),
    ):
        found += check_dialog(qtbot, dialog, what)
        dialog.close()
    assert voices.open is not None
    found += check_dialog(
        qtbot, UnansweredDialog(voices.open, lambda *_: None, window), "unanswered"
    )
    section.table.setCurrentIndex(section.model.index_of_action(action.id))
    found += check_modal(qtbot, section.remove_action, "remove the action")
    assert found == [], report(found)


# The Returns section ---------------------------------------------------------------------------


def test_returns_section_for_every_kind_of_file(
    qtbot: QtBot, window: MainWindow, tmp_path: Path
) -> None:
    """Each kind of file chosen, with its preview: its options (a plan's owners, how to get
    involved, a tagged PDF) fit beside their labels with no sideways scroll."""
    from nbdesk.ui.returns.section import ReturnsSection

    window.show_section(3)
    section = shown_section(qtbot, window)
    assert isinstance(section, ReturnsSection)
    found: list[str] = []
    for index in range(section.kind.count()):
        section.kind.setCurrentIndex(index)
        found += check_section(qtbot, window, section, section.kind.itemText(index))
    # Where the section scrolls (at twice the font), exported with it scrolled to its top: the
    # line saying where the file was saved, under the preview, is brought into view.
    section.kind.setCurrentIndex(0)
    settle(qtbot)
    window.scroll.verticalScrollBar().setValue(0)
    if SCREEN == "683x384":
        found += exported_in_view(qtbot, window, section, tmp_path / "return.xlsx")
    assert found == [], report(found)


def exported_in_view(qtbot: QtBot, window: MainWindow, section: Any, target: Path) -> list[str]:
    """What keeps the Returns section's saved line from being seen once Export is pressed by its
    key from the top of the section."""
    from PySide6.QtCore import Qt

    section.ask_for_path = lambda suggested, file_filter: target
    window.activateWindow()
    qtbot.waitUntil(lambda: QApplication.activeWindow() is window, timeout=2000)
    section.kind.setFocus()
    assert screen_fit.in_view(section.status), "the test needs the line out of view"
    qtbot.keyClick(section.kind, Qt.Key.Key_E, Qt.KeyboardModifier.AltModifier)  # Export…
    # A button's key clicks it a moment later, as it shows itself pressed.
    qtbot.waitUntil(lambda: str(target) in section.status.text(), timeout=20000)
    settle(qtbot)
    cut = screen_fit.in_view(section.status)
    return [f"[saved] {cut}"] if cut else []


def test_review_pass(qtbot: QtBot, window: MainWindow) -> None:
    from PySide6.QtCore import Qt

    from nbdesk.action_plan import reviews
    from nbdesk.common import clock
    from nbdesk.ui.action_plan.review import ReviewPass

    section = plan_section(qtbot, window)
    plan = section.plan
    store: Any = section.ops.store
    with store.session() as session:
        review_id = reviews.start_review(
            session, plan.summary.id, held_on=clock.today(), staff=2, young_people=1
        ).value
        session.commit()
    walk = ReviewPass(section.ops, plan, review_id, True, window)
    found = check_dialog(qtbot, walk, "review pass")
    walk.text.setFocus()
    qtbot.keyClicks(walk.text, "Agreed with housing")
    qtbot.keyClick(walk.text, Qt.Key.Key_Return)
    settle(qtbot)
    found += check_dialog(qtbot, walk, "review pass, the second action")
    walk.close()
    assert found == [], report(found)


def test_survey_keys_keep_what_they_act_on_in_view(qtbot: QtBot, window: MainWindow) -> None:
    """Enter on a person takes the keyboard to the contact form, and Ctrl+K's confirmation is
    said where it can be read, however far down the section is scrolled."""
    from PySide6.QtCore import Qt

    window.show_section(1)
    section: Any = shown_section(qtbot, window)
    settle(qtbot)
    tab = section.contacts_tab
    rows = [r for r in range(tab.model.rowCount()) if tab.model.index(r, 0).data()]
    assert rows
    tab.view.setFocus()
    tab.view.setCurrentIndex(tab.model.index(rows[0], 0))
    settle(qtbot)
    qtbot.keyClick(tab.view, Qt.Key.Key_Return)
    settle(qtbot)
    found = []
    assert QApplication.focusWidget() is tab.panel.channel
    cut = screen_fit.in_view(tab.panel.channel)
    if cut:
        found.append(f"[Enter] {cut}")
    chosen = tab.panel.person
    assert chosen is not None and tab.panel.mark.isEnabled()
    qtbot.keyClick(tab.panel.channel, Qt.Key.Key_K, Qt.KeyboardModifier.ControlModifier)
    settle(qtbot)
    assert "marked as completed" in section.message.text()
    cut = screen_fit.in_view(section.message)
    if cut:
        found.append(f"[Ctrl+K] {cut}")
    assert found == [], report(found)
