"""Choices that the mouse wheel leaves alone unless they have the keyboard.

A tester scrolling the contact form with the pointer passing over a drop-down changed its
Purpose and Outcome without seeing it, and they would have been saved with the contact. Over such
a choice the wheel scrolls the page around it instead, as it does everywhere else on the page.
(The register import's column mapping was the first to need it: scrolling down a long mapping
remapped columns.)"""

from __future__ import annotations

from typing import Any

from PySide6.QtCore import QEvent, QObject, Qt
from PySide6.QtWidgets import QAbstractScrollArea, QApplication, QComboBox, QWidget


class _WheelToPage(QObject):
    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        if event.type() != QEvent.Type.Wheel or not isinstance(watched, QWidget):
            return False
        if watched.hasFocus() or (isinstance(watched, QComboBox) and watched.view().isVisible()):
            return False  # chosen on purpose (or open): the wheel steps through its values
        page = watched.parentWidget()
        while page is not None and not isinstance(page, QAbstractScrollArea):
            page = page.parentWidget()
        if page is not None:
            QApplication.sendEvent(page.verticalScrollBar(), event)
        return True


_GUARD: Any = None


def wheel_only_when_chosen(*widgets: QWidget) -> None:
    """These widgets take the wheel only once they have the keyboard (a click or Tab gives it)."""
    global _GUARD
    if _GUARD is None:
        _GUARD = _WheelToPage()
    for widget in widgets:
        widget.setFocusPolicy(Qt.FocusPolicy.StrongFocus)
        widget.installEventFilter(_GUARD)
