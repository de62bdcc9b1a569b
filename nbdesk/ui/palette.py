"""Colours the style chooses that fall short of WCAG contrast, overridden for the whole program:
the selected row (white on the style's light blue was 3.7:1) and placeholder text holding instructions
(4.0:1). Each role is darkened only where it falls short, so a dark or high-contrast system theme
is left as it is.

And a box of several lines with the keyboard shows it: the style draws its frame the same with or
without focus, leaving only a blinking caret (a line edit's frame does change). It gets a frame in
the highlight colour, 3:1 or more against the window wherever the selected row's colour is."""

from __future__ import annotations

from typing import Any

from PySide6.QtCore import Qt
from PySide6.QtGui import QColor, QPalette
from PySide6.QtWidgets import QApplication

from nbdesk.common.contrast import TEXT, ratio

SELECTED = "#1f5fa8"  # 6.4:1 under white text
PLACEHOLDER = "#5f5f5f"  # 6.4:1 on white

GROUPS = (QPalette.ColorGroup.Active, QPalette.ColorGroup.Inactive)


def apply_contrast(app: Any) -> None:
    palette = app.palette()
    for group in GROUPS:
        base = palette.color(group, QPalette.ColorRole.Base).name()
        highlight = palette.color(group, QPalette.ColorRole.Highlight).name()
        highlighted = palette.color(group, QPalette.ColorRole.HighlightedText).name()
        if ratio(highlight, highlighted) < TEXT:
            palette.setColor(group, QPalette.ColorRole.Highlight, QColor(SELECTED))
            palette.setColor(group, QPalette.ColorRole.HighlightedText, QColor("#ffffff"))
        placeholder = palette.color(group, QPalette.ColorRole.PlaceholderText).name()
        if ratio(placeholder, base) < TEXT and ratio(PLACEHOLDER, base) >= TEXT:
            palette.setColor(group, QPalette.ColorRole.PlaceholderText, QColor(PLACEHOLDER))
    app.setPalette(palette)


def show_focus_of_text_boxes(app: Any) -> None:
    """From now on, a box of several lines gets the FocusFrame style the first time it takes the
    keyboard. Done as focus moves, not as each widget is made: the style's module costs a
    noticeable part of start-up to load, and a style drawing in Python for every widget made
    building a window a fifth slower."""
    global _hooked
    if not _hooked:
        _hooked = True
        app.focusChanged.connect(_frame_when_focused)


_hooked = False
_frame_style: Any = None


def _frame_when_focused(_old: Any, new: Any) -> None:
    global _frame_style
    if new is None:
        return
    _mark_keyboard_focus(new)
    if not (new.inherits("QPlainTextEdit") or new.inherits("QTextEdit")):
        return
    if new.property(FRAMED) is not None:
        return
    if _frame_style is None:
        from nbdesk.ui.focus_frame import FocusFrame

        # One for every box, kept as long as the program: a widget does not own its style.
        _frame_style = FocusFrame(QApplication.style().name())
    new.setProperty(FRAMED, True)
    new.setStyle(_frame_style)


FRAMED = "nbdesk_focus_frame"


def _mark_keyboard_focus(widget: Any) -> None:
    """Focus moved with no mouse button down (a key of nbdesk's own, such as Enter from the
    who-next list to the contact form, moving it with setFocus): the window is marked as Tab
    marks it, so the style draws the focus of a list box or a button, which it draws only after
    the keyboard moved focus. Otherwise the person saw no sign of where their keys would go."""
    if QApplication.mouseButtons() != Qt.MouseButton.NoButton:
        return
    window = widget.window()
    if not window.testAttribute(Qt.WidgetAttribute.WA_KeyboardFocusChange):
        window.setAttribute(Qt.WidgetAttribute.WA_KeyboardFocusChange, True)
        widget.update()
