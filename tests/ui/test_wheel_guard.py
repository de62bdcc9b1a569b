"""The mouse wheel over a choice that saves as it changes: it scrolls the page unless the choice
has the keyboard (a tester changed a contact's Purpose and Outcome by scrolling past them)."""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QComboBox, QLineEdit, QScrollArea, QVBoxLayout, QWidget

from nbdesk.ui.wheel_guard import wheel_only_when_chosen
from tests.support.qt import wheel_down


def test_the_wheel_scrolls_the_page_past_a_choice_without_the_keyboard(qtbot) -> None:  # type: ignore[no-untyped-def]
    page = QWidget()
    column = QVBoxLayout(page)
    other = QLineEdit()
    choice = QComboBox()
    choice.addItems(["Warm-up", "Link sent", "Reminder"])
    wheel_only_when_chosen(choice)
    column.addWidget(other)
    column.addWidget(choice)
    page.setMinimumHeight(2000)  # taller than its window: the page scrolls
    area = QScrollArea()
    area.setWidget(page)
    area.resize(300, 200)
    qtbot.addWidget(area)
    area.show()
    qtbot.waitExposed(area)
    other.setFocus()
    qtbot.waitUntil(other.hasFocus)

    wheel_down(choice)
    assert choice.currentText() == "Warm-up"
    assert area.verticalScrollBar().value() > 0  # the page moved instead
    assert choice.focusPolicy() == Qt.FocusPolicy.StrongFocus  # the wheel gives no keyboard

    choice.setFocus()
    qtbot.waitUntil(choice.hasFocus)
    wheel_down(choice)
    assert choice.currentText() == "Link sent"  # chosen on purpose: the wheel steps through it
