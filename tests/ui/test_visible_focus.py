"""A box of several lines shows when it has the keyboard (issue 15): the style draws its frame the
same either way, so only a blinking caret showed where typing would go."""

from __future__ import annotations

import pytest
from PySide6.QtCore import QMargins
from PySide6.QtGui import QColor, QPalette
from PySide6.QtWidgets import (
    QApplication,
    QLineEdit,
    QPlainTextEdit,
    QTextEdit,
    QVBoxLayout,
    QWidget,
)
from pytestqt.qtbot import QtBot

from nbdesk.common.contrast import GRAPHICS, ratio
from nbdesk.ui.focus_frame import FocusFrame


@pytest.mark.parametrize("kind", [QPlainTextEdit, QTextEdit])
def test_a_box_of_several_lines_draws_a_frame_while_it_has_the_keyboard(
    qtbot: QtBot, kind: type[QPlainTextEdit] | type[QTextEdit]
) -> None:
    window = QWidget()
    layout = QVBoxLayout(window)
    other = QLineEdit()
    box = kind()
    box.setStyle(FocusFrame(QApplication.style().name()))
    layout.addWidget(other)
    layout.addWidget(box)
    qtbot.addWidget(window)
    window.show()
    qtbot.waitExposed(window)
    window.activateWindow()
    qtbot.waitUntil(lambda: QApplication.activeWindow() is window)
    highlight = box.palette().color(QPalette.ColorRole.Highlight)

    def edge() -> list[QColor]:
        image = box.grab().toImage()
        middle = image.height() // 2
        return [image.pixelColor(x, middle) for x in (0, 1)]

    other.setFocus()
    qtbot.waitUntil(lambda: not box.hasFocus())
    assert highlight not in edge()
    box.setFocus()
    qtbot.waitUntil(box.hasFocus)
    assert edge() == [highlight, highlight]  # two pixels wide
    # A graphic: at least 3:1 against the window round the box.
    window_colour = box.palette().color(QPalette.ColorRole.Window).name()
    assert ratio(highlight.name(), window_colour) >= GRAPHICS


def test_every_such_box_gets_the_focus_frame_as_it_first_takes_the_keyboard(
    qtbot: QtBot, qapp: QApplication
) -> None:
    """Set up as nbdesk starts (app.set_up_application), a box made anywhere gets the frame."""
    from nbdesk.ui.palette import show_focus_of_text_boxes

    show_focus_of_text_boxes(qapp)
    window = QWidget()
    layout = QVBoxLayout(window)
    boxes = [QPlainTextEdit(), QTextEdit()]
    line = QLineEdit()
    for widget in (line, *boxes):
        layout.addWidget(widget)
    qtbot.addWidget(window)
    window.show()
    qtbot.waitExposed(window)
    window.activateWindow()
    qtbot.waitUntil(lambda: QApplication.activeWindow() is window)
    for widget in (line, *boxes):
        widget.setFocus()
        qtbot.waitUntil(widget.hasFocus)
    for box in boxes:
        assert isinstance(box.style(), FocusFrame)
        assert box.viewportMargins() == QMargins(1, 1, 1, 1)
    assert not isinstance(line.style(), FocusFrame)  # only boxes of several lines


def test_a_list_box_given_the_keyboard_by_a_key_of_nbdesks_shows_it(
    qtbot: QtBot, qapp: QApplication
) -> None:
    """Enter on a who-next row gives the contact form's Channel box the keyboard with setFocus: the
    style draws a list box's focus only once the keyboard has moved focus, so it drew none."""
    from PySide6.QtCore import Qt
    from PySide6.QtWidgets import QComboBox

    from nbdesk.ui.palette import show_focus_of_text_boxes

    show_focus_of_text_boxes(qapp)
    window = QWidget()
    layout = QVBoxLayout(window)
    line, combo = QLineEdit(), QComboBox()
    combo.addItems(["Text message", "Phone call"])
    layout.addWidget(line)
    layout.addWidget(combo)
    qtbot.addWidget(window)
    window.show()
    qtbot.waitExposed(window)
    window.activateWindow()
    qtbot.waitUntil(lambda: QApplication.activeWindow() is window)
    line.setFocus()
    qtbot.waitUntil(line.hasFocus)
    window.setAttribute(Qt.WidgetAttribute.WA_KeyboardFocusChange, False)  # as after a click
    unfocused = combo.grab().toImage()
    combo.setFocus()
    qtbot.waitUntil(combo.hasFocus)
    assert window.testAttribute(Qt.WidgetAttribute.WA_KeyboardFocusChange)
    assert combo.grab().toImage() != unfocused  # its focus is drawn
