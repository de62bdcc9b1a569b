"""A fresh authority does everything from the window (issue 10): File › Load framework… with its
preview and every fault by row and column, and the demonstration framework offered in New
assessment, each driven as a manager would and checked in the file afterwards."""

from __future__ import annotations

import hashlib
import re
from collections.abc import Callable
from pathlib import Path

import pytest
from openpyxl import Workbook
from PySide6.QtCore import Qt
from PySide6.QtWidgets import (
    QAbstractButton,
    QApplication,
    QDialog,
    QLabel,
    QMenu,
    QPushButton,
    QWidget,
)
from pytestqt.qtbot import QtBot

from nbdesk.forms.store import list_frameworks
from nbdesk.self_assessment.assessments import find_assessment, list_assessments, load_assessment
from nbdesk.storage import Database, create_database
from nbdesk.ui import file_dialogs
from nbdesk.ui.app import OpenPlan, carry_out
from nbdesk.ui.main_window import MainWindow
from nbdesk.ui.ops import Ops
from nbdesk.ui.self_assessment.framework_dialog import LoadFrameworkDialog
from nbdesk.ui.self_assessment.new_assessment import NewAssessmentDialog
from nbdesk.ui.self_assessment.section import SelfAssessmentSection
from tests.support.qt import answer, settle

HEADER = ["Area", "Area title", "Item", "Statement"]
# A small tool of our own: three areas of 3, 2 and 4 statements.
OUR_TOOL = {
    1: ("Hearing what care leavers say", 3),
    2: ("Somewhere safe to live", 2),
    3: ("Money and work", 4),
}


def tool_rows() -> list[list[object]]:
    rows: list[list[object]] = [HEADER]
    for number, (title, count) in OUR_TOOL.items():
        for position in range(count):
            letter = "abcd"[position]
            rows.append([number, title, letter, f"Our statement {number}{letter}, for the test."])
    return rows


def write_workbook(path: Path, rows: list[list[object]]) -> Path:
    book = Workbook()
    sheet = book.active
    for row in rows:
        sheet.append(row)
    book.save(path)
    return path


def sha256(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


@pytest.fixture
def new_authority(tmp_path: Path) -> Path:
    path = tmp_path / "testshire.nbdesk"
    create_database(path, "Testshire").close()
    return path


@pytest.fixture
def window(qtbot: QtBot, new_authority: Path) -> MainWindow:
    win = MainWindow()
    qtbot.addWidget(win)
    opened = carry_out(OpenPlan(new_authority))
    win.set_ops(Ops(opened.db), opened.authority)
    win.show()
    qtbot.waitExposed(win)
    settle(qtbot)
    return win


def activate(qtbot: QtBot, widget: QWidget) -> None:
    qtbot.waitExposed(widget)
    widget.activateWindow()
    qtbot.waitUntil(lambda: QApplication.activeWindow() is widget, timeout=2000)


def load_from_the_file_menu(
    qtbot: QtBot, window: MainWindow, monkeypatch: pytest.MonkeyPatch, path: Path
) -> LoadFrameworkDialog:
    monkeypatch.setattr(file_dialogs, "choose_file", lambda *a, **k: str(path))
    [file_menu] = [m for m in window.menuBar().findChildren(QMenu) if m.title() == "&File"]
    [action] = [a for a in file_menu.actions() if a.text() == "Load &framework…"]
    assert action is window.load_framework_action and action.isEnabled()
    action.trigger()
    dialog = window.framework_dialog
    assert dialog is not None
    qtbot.waitUntil(lambda: dialog.check is not None, timeout=10000)
    return dialog


def mnemonics(dialog: QWidget) -> list[str]:
    """The Alt+letter of every visible button and labelled field in the dialog."""
    found: list[str] = []
    for widget in dialog.findChildren(QWidget):
        if not widget.isVisibleTo(dialog):
            continue
        if isinstance(widget, QAbstractButton) or (
            isinstance(widget, QLabel) and widget.buddy() is not None
        ):
            match = re.search(r"&([^&\s])", widget.text())  # type: ignore[attr-defined]
            if match:
                found.append(match.group(1).lower())
    return found


def check_buttons(dialog: QWidget) -> None:
    """Each visible push button is named for a screen reader with its visible words, and no two
    Alt+letters in the dialog are the same. (The date field's calendar button, shown as "…", is
    the date field's own.)"""
    for button in dialog.findChildren(QPushButton):
        if button.isVisibleTo(dialog) and button.text():
            assert button.text().replace("&", "") in button.accessibleName(), button.text()
    letters = mnemonics(dialog)
    assert len(letters) == len(set(letters)), letters


def in_new_assessment(
    qtbot: QtBot, section: SelfAssessmentSection, answer: Callable[[NewAssessmentDialog], None]
) -> None:
    """Press New assessment… and answer the dialog it opens."""

    def act() -> None:
        dialog = QApplication.activeModalWidget()
        assert isinstance(dialog, NewAssessmentDialog), dialog
        try:
            answer(dialog)
        except BaseException:
            dialog.reject()  # a failed check must not leave the test waiting on the dialog
            raise

    qtbot.mouseClick(section.buttons["new"], Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: isinstance(QApplication.activeModalWidget(), NewAssessmentDialog))
    act()
    qtbot.waitUntil(lambda: QApplication.activeModalWidget() is None, timeout=10000)
    settle(qtbot)


def rate_first_statement_in_a_workshop(qtbot: QtBot, section: SelfAssessmentSection) -> None:
    from nbdesk.ui.self_assessment.sitting import SittingDialog
    from nbdesk.ui.self_assessment.workshop import WorkshopWindow

    def who(dialog: QDialog) -> None:
        assert isinstance(dialog, SittingDialog)
        qtbot.keyClicks(dialog.who, "Head of service")
        qtbot.keyClick(dialog.who, Qt.Key.Key_Return)  # adds the person
        qtbot.keyClick(dialog.who, Qt.Key.Key_Return)  # empty box: starts

    activate(qtbot, section.window())
    section.table.setFocus()
    answer(qtbot, who)  # asked once nbdesk has read that nobody leads a workshop on it
    qtbot.keyClick(section.table, Qt.Key.Key_F5)
    settle(qtbot)
    workshop = section.windows[-1]
    assert isinstance(workshop, WorkshopWindow)
    assert workshop.reference.text() == "1 / A"
    qtbot.keyClick(workshop.statement, Qt.Key.Key_3)
    settle(qtbot)
    qtbot.keyClick(workshop.statement, Qt.Key.Key_Escape)
    settle(qtbot)
    assert section.windows == []


def test_a_new_authority_loads_a_spreadsheet_from_the_window_and_runs_a_workshop_on_it(
    qtbot: QtBot, window: MainWindow, monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    section = window.sections[0]
    assert isinstance(section, SelfAssessmentSection)
    assert "No framework is loaded yet" in section.details.text()
    tool = write_workbook(tmp_path / "Our tool.xlsx", tool_rows())
    dialog = load_from_the_file_menu(qtbot, window, monkeypatch, tool)

    # The preview: the areas with their counts and the total, the scale, and a name and version
    # to give, since a spreadsheet does not name itself.
    assert "The file is fine" in dialog.summary.text()
    shown = [
        tuple(dialog.area_model.index(r, c).data() for c in range(3))
        for r in range(dialog.area_model.rowCount())
    ]
    assert shown == [
        ("1", "Hearing what care leavers say", "3"),
        ("2", "Somewhere safe to live", "2"),
        ("3", "Money and work", "4"),
        ("", "Total", "9"),
    ]
    assert dialog.scale.text().startswith("4 Agree at present, 3 Mostly agree, 2 Mostly disagree")
    assert "out of 10" in dialog.scale.text()
    assert (dialog.name.text(), dialog.version.text()) == ("Our tool", "2026-11-18")
    assert not dialog.name.isReadOnly()
    check_buttons(dialog)
    with window.ops.store.session() as session:  # type: ignore[union-attr]
        assert list_frameworks(session) == []  # nothing stored before Load

    activate(qtbot, dialog)
    dialog.version.setFocus()
    dialog.version.selectAll()
    qtbot.keyClicks(dialog.version, "2020")
    qtbot.keyClick(dialog.version, Qt.Key.Key_Delete)  # nothing after the cursor
    with qtbot.waitSignal(dialog.loaded, timeout=10000):
        qtbot.keyClick(dialog, Qt.Key.Key_L, Qt.KeyboardModifier.AltModifier)
    settle(qtbot)
    assert window.statusBar().currentMessage() == ("Loaded Our tool 2020: 3 areas, 9 statements.")
    # The section knows at once, without a restart.
    assert "No framework is loaded yet" not in section.details.text()
    assert "No assessments yet" in section.details.text()

    def create(dialog: NewAssessmentDialog) -> None:
        assert dialog.framework.currentText() == "Our tool 2020 — 9 statements"
        assert not dialog.demo_button.isVisibleTo(dialog)
        assert not dialog.practice.isVisibleTo(dialog)
        qtbot.keyClicks(dialog.name, "Baseline 2026")
        assert dialog.ok.isDefault()
        qtbot.keyClick(dialog.name, Qt.Key.Key_Return)

    in_new_assessment(qtbot, section, create)
    chosen = section.selected()
    assert chosen is not None and chosen.name == "Baseline 2026"
    assert chosen.statements == 9
    rate_first_statement_in_a_workshop(qtbot, section)
    path = window.ops.path  # type: ignore[union-attr]
    window.close()  # closes the file

    reopened = Database(path)
    try:
        with reopened.session() as session:
            [framework] = list_frameworks(session)
            assert (framework.title, framework.areas, framework.statements) == (
                "Our tool 2020",
                3,
                9,
            )
            detail = load_assessment(session, find_assessment(session, "Baseline 2026"))
            first = detail.areas[0].statements[0]
            assert (first.points, first.text) == (3, "Our statement 1a, for the test.")
            assert sum(1 for s in detail.statements() if s.points is not None) == 1
    finally:
        reopened.close()


def test_a_faulty_spreadsheet_lists_every_fault_and_stores_nothing(
    qtbot: QtBot, window: MainWindow, monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    path = window.ops.path  # type: ignore[union-attr]
    window.ops.close()  # type: ignore[union-attr]
    before = sha256(path)
    window.set_ops(Ops(Database(path)), "Testshire")
    settle(qtbot)
    faulty = write_workbook(
        tmp_path / "faulty.xlsx",
        [
            ["Area", "Item", "Statement"],  # no "Area title" column
            [1, "a", "One a."],
            ["first", "b", "One b."],  # a bad area number
            [1, "c", "One c."],
            [1, "c", "One c, typed twice."],  # the same item letter again
            [2, "a", None],  # a blank statement
        ],
    )
    dialog = load_from_the_file_menu(qtbot, window, monkeypatch, faulty)
    assert "cannot be loaded" in dialog.summary.text()
    assert "4 faults" in dialog.summary.text()
    faults = [
        tuple(dialog.fault_model.index(r, c).data() for c in range(3))
        for r in range(dialog.fault_model.rowCount())
    ]
    assert [f[:2] for f in faults] == [
        ("1", "Area title"),
        ("3", "Area"),
        ("5", "Item"),
        ("6", "Statement"),
    ]
    assert "no such column" in faults[0][2]
    assert faults[1][2] == "expected an area number, found 'first'."
    assert faults[2][2] == "1 / C is already on row 4."
    assert faults[3][2] == "is empty."
    assert dialog.pages.currentWidget().isAncestorOf(dialog.faults)
    assert not dialog.load_button.isEnabled()
    assert not dialog.name.isEnabled()
    activate(qtbot, dialog)
    qtbot.keyClick(dialog, Qt.Key.Key_L, Qt.KeyboardModifier.AltModifier)
    qtbot.keyClick(dialog.faults, Qt.Key.Key_Return)
    assert dialog.isVisible() and dialog.framework_id is None
    qtbot.keyClick(dialog, Qt.Key.Key_Escape)  # Cancel
    assert not dialog.isVisible()
    window.close()
    assert sha256(path) == before


def test_a_framework_named_like_one_loaded_with_other_statements_is_refused(
    qtbot: QtBot,
    window: MainWindow,
    monkeypatch: pytest.MonkeyPatch,
    tmp_path: Path,
) -> None:
    from nbdesk.ui import dialogs as dialogs_module
    from nbdesk.ui.self_assessment import framework_dialog

    errors: list[str] = []
    monkeypatch.setattr(
        framework_dialog, "show_error", lambda _p, _t, message, *_: errors.append(message)
    )
    assert dialogs_module.show_error is not framework_dialog.show_error
    first = write_workbook(tmp_path / "tool.xlsx", tool_rows())
    dialog = load_from_the_file_menu(qtbot, window, monkeypatch, first)
    dialog.version.setText("2020")
    with qtbot.waitSignal(dialog.loaded, timeout=10000):
        dialog.load_button.click()
    changed = tool_rows()
    changed[1][3] = "A different first statement."
    write_workbook(first, changed)
    dialog = load_from_the_file_menu(qtbot, window, monkeypatch, first)
    dialog.version.setText("2020")
    assert "already in this file" in dialog.naming_note.text()
    dialog.load_button.click()
    qtbot.waitUntil(lambda: bool(errors), timeout=10000)
    assert "already loaded" in errors[0] and "Nothing was stored." in errors[0]
    assert "Traceback" not in errors[0]
    assert dialog.isVisible() and dialog.load_button.isEnabled()
    # Another version loads beside it.
    dialog.version.setText("2020 revised")
    with qtbot.waitSignal(dialog.loaded, timeout=10000):
        dialog.load_button.click()
    with window.ops.store.session() as session:  # type: ignore[union-attr]
        assert sorted(f.version for f in list_frameworks(session)) == ["2020", "2020 revised"]


def test_a_toml_file_names_itself_and_its_faults_by_key(
    qtbot: QtBot, window: MainWindow, monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    from importlib import resources

    demo = (resources.files("nbdesk.forms") / "frameworks" / "demonstration.toml").read_text(
        encoding="utf-8"
    )
    good = tmp_path / "practice.toml"
    good.write_text(demo, encoding="utf-8")
    dialog = load_from_the_file_menu(qtbot, window, monkeypatch, good)
    assert dialog.name.isReadOnly() and dialog.version.isReadOnly()
    assert dialog.area_model.rowCount() == 11  # ten areas and the total
    assert dialog.area_model.index(10, 2).data() == "106"
    assert "practice text" in dialog.summary.text()
    dialog.reject()

    bad = tmp_path / "broken.toml"
    bad.write_text(
        demo.replace('letter = "b"', 'letter = "x"', 1).replace("number = 4", "number = 44")
    )
    dialog = load_from_the_file_menu(qtbot, window, monkeypatch, bad)
    keys = [dialog.fault_model.index(r, 1).data() for r in range(dialog.fault_model.rowCount())]
    assert keys == ["areas[1].statements[2].letter", "areas[4].number"]
    assert not dialog.load_button.isEnabled()


def test_a_new_authority_can_try_a_workshop_on_the_demonstration_framework(
    qtbot: QtBot, window: MainWindow
) -> None:
    section = window.sections[0]
    assert isinstance(section, SelfAssessmentSection)

    def use_demo(dialog: NewAssessmentDialog) -> None:
        assert dialog.framework.count() == 0
        assert "No framework is loaded yet" in dialog.notice.text()
        assert (
            "command" not in dialog.notice.text() and "nbdesk framework" not in dialog.notice.text()
        )
        assert dialog.demo_button.isVisibleTo(dialog) and dialog.load_button.isVisibleTo(dialog)
        assert "practice text" in dialog.demo_button.text()
        check_buttons(dialog)
        qtbot.keyClicks(dialog.name, "Practice run")
        assert not dialog.ok.isEnabled()  # no framework yet
        activate(qtbot, dialog)
        qtbot.keyClick(dialog, Qt.Key.Key_U, Qt.KeyboardModifier.AltModifier)
        qtbot.waitUntil(lambda: dialog.framework.count() == 1, timeout=10000)
        settle(qtbot)
        assert "(demonstration)" in dialog.framework.currentText()
        assert dialog.practice.isVisibleTo(dialog)
        assert "practice text" in dialog.practice.text()
        assert "not the real statements" in dialog.practice.text()
        assert not dialog.demo_button.isVisibleTo(dialog)
        check_buttons(dialog)
        assert dialog.ok.isEnabled()
        qtbot.keyClick(QApplication.focusWidget(), Qt.Key.Key_Return)

    in_new_assessment(qtbot, section, use_demo)
    chosen = section.selected()
    assert chosen is not None and chosen.name == "Practice run"
    assert chosen.framework_title.endswith("(demonstration)")
    assert chosen.statements == 106
    with window.ops.store.session() as session:  # type: ignore[union-attr]
        [framework] = list_frameworks(session)
        assert framework.demonstration
        assert [a.name for a in list_assessments(session)] == ["Practice run"]


def test_cancel_after_using_the_demonstration_keeps_the_framework_and_says_so(
    qtbot: QtBot, window: MainWindow
) -> None:
    section = window.sections[0]
    assert isinstance(section, SelfAssessmentSection)

    def use_then_cancel(dialog: NewAssessmentDialog) -> None:
        dialog.demo_button.click()
        qtbot.waitUntil(lambda: dialog.framework.count() == 1, timeout=10000)
        dialog.reject()

    in_new_assessment(qtbot, section, use_then_cancel)
    assert "No framework is loaded yet" not in section.details.text()
    assert "No assessments yet" in section.details.text()


def test_a_framework_loaded_from_new_assessment_is_listed_and_chosen_there(
    qtbot: QtBot, window: MainWindow, monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    section = window.sections[0]
    assert isinstance(section, SelfAssessmentSection)
    with window.ops.store.transaction() as session:  # type: ignore[union-attr]
        from nbdesk.forms.framework import demonstration_framework
        from nbdesk.forms.store import store_framework

        store_framework(session, demonstration_framework())
    tool = write_workbook(tmp_path / "Our tool.xlsx", tool_rows())
    monkeypatch.setattr(file_dialogs, "choose_file", lambda *a, **k: str(tool))

    def load_then_create(dialog: NewAssessmentDialog) -> None:
        assert dialog.framework.count() == 1 and "(demonstration)" in dialog.framework.currentText()
        # The long title does not widen the dialog past two thirds of the screen (at twice the
        # font it took the whole screen, top-left): cut short in the box, whole in its tooltip.
        room = dialog.screen().availableGeometry().width()
        assert dialog.sizeHint().width() > room * 2 // 3 >= dialog.width()
        assert dialog.framework.toolTip() == dialog.framework.currentText()
        assert dialog.practice.isVisibleTo(dialog)
        assert not dialog.demo_button.isVisibleTo(dialog)  # one is loaded already
        qtbot.keyClicks(dialog.name, "Follow-up 2028")
        activate(qtbot, dialog)
        qtbot.keyClick(dialog, Qt.Key.Key_L, Qt.KeyboardModifier.AltModifier)
        # A button pressed by its Alt+letter clicks a moment later, as if pressed by hand.
        qtbot.waitUntil(lambda: dialog.findChild(LoadFrameworkDialog) is not None, timeout=2000)
        preview = dialog.findChild(LoadFrameworkDialog)
        assert preview is not None
        qtbot.waitUntil(lambda: preview.check is not None, timeout=10000)
        preview.version.setText("2028")
        with qtbot.waitSignal(preview.loaded, timeout=10000):
            qtbot.keyClick(preview.version, Qt.Key.Key_Return)  # Load is the default button
        settle(qtbot)
        # Newest first, and chosen: the one just loaded.
        assert [dialog.framework.itemText(i) for i in range(dialog.framework.count())] == [
            "Our tool 2028 — 9 statements",
            "New Belongings demonstration self-assessment 2020-demo.1 (demonstration) — "
            "106 statements",
        ]
        assert dialog.framework.currentIndex() == 0
        assert not dialog.practice.isVisibleTo(dialog)
        assert dialog.notice.text() == "Loaded Our tool 2028: 3 areas, 9 statements."
        assert dialog.focusWidget() is dialog.ok  # where the keyboard is when it comes back
        qtbot.keyClick(dialog.ok, Qt.Key.Key_Return)

    in_new_assessment(qtbot, section, load_then_create)
    chosen = section.selected()
    assert chosen is not None and chosen.name == "Follow-up 2028"
    assert (chosen.framework_title, chosen.statements) == ("Our tool 2028", 9)
