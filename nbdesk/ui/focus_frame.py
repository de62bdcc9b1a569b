"""The style of a box of several lines (see ui/palette.py): the program's own, with a frame two
pixels wide in the highlight colour while the box has the keyboard. (A style sheet could say the
same, but it fixes the font of the box's inside as it was when first shown, and the workshop's boxes
follow the room on the screen and the system's font size.)"""

from __future__ import annotations

from typing import Any

from PySide6.QtCore import QRectF, Qt
from PySide6.QtGui import QPalette, QPen
from PySide6.QtWidgets import QPlainTextEdit, QProxyStyle, QStyle, QTextEdit

TEXT_BOXES = (QPlainTextEdit, QTextEdit)


class FocusFrame(QProxyStyle):
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
