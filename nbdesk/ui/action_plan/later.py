"""A pane made in two steps: empty as its section is built, its widgets just after the section is
first painted (or at once when anything asks for one sooner). What it is asked to show meanwhile
is kept, and shown once they are made. The section is on screen sooner; the pane a moment later.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from PySide6.QtCore import QTimer
from PySide6.QtWidgets import QVBoxLayout, QWidget


class MadeLater(QWidget):
    def __init__(self) -> None:
        super().__init__()
        self._built = False
        self._soon = False
        self._asked: list[Callable[[], None]] = []
        QVBoxLayout(self).setContentsMargins(0, 0, 0, 0)

    def __getattr__(self, name: str) -> Any:
        # A widget asked for before it is made (a key pressed at once, a hidden section): made now.
        if name.startswith("_") or self.__dict__.get("_built", True):
            raise AttributeError(name)
        self.build()
        return getattr(self, name)

    def paintEvent(self, event: Any) -> None:
        super().paintEvent(event)
        if not self._built and not self._soon:
            self._soon = True
            QTimer.singleShot(0, self, self.build)

    def is_built(self) -> bool:
        return self._built

    def build(self) -> None:
        if not self._built:
            self._built = True
            self.make()

    def make(self) -> None:
        """Make the widgets, then show_asked() (each kind of pane says how)."""
        raise NotImplementedError

    def later(self, call: Callable[[], None]) -> bool:
        """Whether the widgets are still to be made: then `call` is kept for when they are."""
        if not self._built:
            self._asked.append(call)
        return not self._built

    def show_asked(self) -> None:
        asked, self._asked = self._asked, []
        for call in asked:
            call()

    def follow(self, before: QWidget) -> None:
        """Tab goes from `before` into the widgets, as when they were made with it: made later,
        they joined the window's order of Tab at its end."""
        window = self.window()
        mine: list[QWidget] = []
        widget = window.nextInFocusChain()
        while widget is not window:
            if widget is not self and self.isAncestorOf(widget) and widget.focusPolicy():
                mine.append(widget)  # Qt keeps its order only of what can take the keyboard
            widget = widget.nextInFocusChain()
        for widget in mine:
            QWidget.setTabOrder(before, widget)
            before = widget
