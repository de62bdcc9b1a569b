"""Colours the style chooses that fall short of WCAG contrast, overridden for the whole program:
the selected row (white on the style's light blue was 3.7:1) and placeholder text holding instructions
(4.0:1). Each role is darkened only where it falls short, so a dark or high-contrast system theme
is left as it is.

And a box of several lines with the keyboard shows it: the style draws its frame the same with or
without focus, leaving only a blinking caret (a line edit's frame does change). It gets a frame in
the highlight colour, 3:1 or more against the window wherever the selected row's colour is."""

from __future__ import annotations

from typing import Any

from PySide6.QtCore import QRectF, Qt
from PySide6.QtGui import QColor, QPalette, QPen
from PySide6.QtWidgets import QPlainTextEdit, QProxyStyle, QStyle, QTextEdit

from nbdesk.common.contrast import TEXT, ratio

SELECTED = "#1f5fa8"  # 6.4:1 under white text
PLACEHOLDER = "#5f5f5f"  # 6.4:1 on white

GROUPS = (QPalette.ColorGroup.Active, QPalette.ColorGroup.Inactive)
TEXT_BOXES = (QPlainTextEdit, QTextEdit)


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


class FocusFrame(QProxyStyle):
    """The style of a box of several lines: the program's, with a frame two pixels wide in the
    highlight colour while the box has the keyboard. (A style sheet could say the same, but it
    fixes the font of the box's inside as it was when first shown, and the workshop's boxes follow
    the room on the screen and the system's font size.)"""

    def polish(self, target: Any) -> Any:
        result = super().polish(target)
        if isinstance(target, TEXT_BOXES):
            # A pixel between the frame and the text, for the focus frame's second pixel.
            target.setViewportMargins(1, 1, 1, 1)
        return result

    def drawPrimitive(self, element: Any, option: Any, painter: Any, widget: Any = None) -> None:
        super().drawPrimitive(element, option, painter, widget)
        if element != QStyle.PrimitiveElement.PE_Frame or not isinstance(widget, TEXT_BOXES):
            return
        focused = bool(option.state & QStyle.StateFlag.State_HasFocus)
        role = QPalette.ColorRole.Highlight if focused else QPalette.ColorRole.Base
        painter.save()
        pen = QPen(option.palette.color(role), 2 if focused else 1)
        pen.setJoinStyle(Qt.PenJoinStyle.MiterJoin)
        painter.setPen(pen)
        painter.setBrush(Qt.BrushStyle.NoBrush)
        inset = 1 if focused else 1.5  # both pixels, or the one inside the style's frame
        painter.drawRect(QRectF(option.rect).adjusted(inset, inset, -inset, -inset))
        painter.restore()


class FocusedTextBoxes(QProxyStyle):
    """The program's style, giving each box of several lines the FocusFrame style as it is first
    shown. Only that is done here, once per widget: a style that drew in Python for every widget
    made building and painting a window a fifth slower."""

    def __init__(self, key: str) -> None:
        super().__init__(key)
        self.frame = FocusFrame(key)  # kept as long as the program's style: boxes do not own it

    def polish(self, target: Any) -> Any:
        result = super().polish(target)
        if isinstance(target, TEXT_BOXES) and target.style() is not self.frame:
            target.setStyle(self.frame)
        return result


def show_focus_of_text_boxes(app: Any) -> None:
    if not isinstance(app.style(), FocusedTextBoxes):
        app.setStyle(FocusedTextBoxes(app.style().name()))
