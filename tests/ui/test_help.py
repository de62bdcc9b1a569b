"""Help › Keyboard shortcuts (F1): every key nbdesk answers, by where it works; and that each
section's list holds every shortcut the section makes, so the list cannot fall behind the code."""

from __future__ import annotations

from pathlib import Path

import pytest
from PySide6.QtCore import Qt
from PySide6.QtGui import QKeySequence, QShortcut
from PySide6.QtWidgets import QApplication, QTabWidget
from pytestqt.qtbot import QtBot

from nbdesk.ui.help import ShortcutsDialog, compact
from nbdesk.ui.main_window import MainWindow
from tests.support.qt import answer, open_window, settle, shown_section


@pytest.fixture
def window(qtbot: QtBot, demo_file: Path) -> MainWindow:
    return open_window(qtbot, demo_file)


def keys_of(text: str) -> str:
    """A key sequence as the lists and Qt's shortcuts are compared: Return and Enter as one."""
    return QKeySequence(text).toString().replace("Return", "Enter")


def test_f1_lists_the_keys_by_where_they_work(qtbot: QtBot, window: MainWindow) -> None:
    shown: list[str] = []

    def read(dialog: ShortcutsDialog) -> None:
        assert isinstance(dialog, ShortcutsDialog)
        assert dialog.text.hasFocus()  # it scrolls by keyboard at once
        shown.append(dialog.text.toPlainText())
        qtbot.keyClick(dialog.text, Qt.Key.Key_Escape)

    answer(qtbot, read)
    qtbot.keyClick(window.nav, Qt.Key.Key_F1)
    qtbot.waitUntil(lambda: bool(shown) and QApplication.activeModalWidget() is None)
    text = shown[0]
    headings = [
        "Anywhere in the window",
        "Self-assessment",
        "Survey outreach",
        "Action plan",
        "In a workshop",
        "Everywhere else",
    ]
    assert [text.index(h) for h in headings] == sorted(text.index(h) for h in headings)
    # The window's menus, read from them; the sections' and the workshop's lists.
    for line in (
        "Ctrl+O\tOpen",
        "Ctrl+Shift+B\tBack up now",
        "Ctrl+2\tSurvey outreach",
        "F1\tKeyboard shortcuts",
        "F5\tStart the workshop on the chosen assessment",
        "Ctrl+K\tContacts: mark the chosen person completed",
        "Alt+Shift+Up or Alt+Shift+Down\tMove the chosen row",
        "1 or 2 or 3 or 4\tRate the statement",
        "PgDown or PgUp\tThe next area",
    ):
        assert line.replace("\t", "\n") in text, line
    assert "About nbdesk" not in text  # no key of its own


def test_every_shortcut_a_section_makes_is_in_its_list(qtbot: QtBot, window: MainWindow) -> None:
    for index in range(len(window.sections)):
        window.show_section(index)
        section = shown_section(qtbot, window)
        settle(qtbot)
        for tabs in section.findChildren(QTabWidget):  # tabs are built when first shown
            for tab in range(tabs.count()):
                tabs.setCurrentIndex(tab)
                settle(qtbot)
        made = {keys_of(s.key().toString()) for s in section.findChildren(QShortcut)}
        listed = {keys_of(k) for keys, _what in section.shortcuts for k in keys}
        assert made <= listed, (section.title, sorted(made - listed))
        assert bool(made) == (section.title != "Returns")  # Returns has no keys of its own


def test_a_hint_shows_keys_with_one_modifier_once() -> None:
    assert compact(("Alt+Shift+Up", "Alt+Shift+Down")) == "Alt+Shift+Up/Down"
    assert compact(("Right", "N")) == "Right/N"
    assert compact(("Ctrl+N",)) == "Ctrl+N"
