"""What every section of the main window has: the open file (as Ops), and a way to hear changes."""

from __future__ import annotations

from typing import TYPE_CHECKING

from PySide6.QtCore import Qt, QTimer
from PySide6.QtGui import QFocusEvent
from PySide6.QtWidgets import QWidget

from nbdesk.common.changes import Changes
from nbdesk.ui.fit import from_the_top

if TYPE_CHECKING:
    from nbdesk.ui.ops import Ops


class Section(QWidget):
    title = ""
    # The section's keys, for Help › Keyboard shortcuts: ((keys, …), what they do), each key as
    # QKeySequence reads it. Every shortcut the section makes is listed (tests/ui/test_help.py).
    # A key here that the window's menus also have (File › New is Ctrl+N) is the section's while
    # it is shown: the menu item keeps only its mnemonic (MainWindow._show).
    shortcuts: tuple[tuple[tuple[str, ...], str], ...] = ()

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setAccessibleName(self.title)
        self.ops: Ops | None = None
        self.authority = ""  # the authority's name, for the names of files it exports
        # Where the keyboard goes when the section is shown (Ctrl+1…4). Not a focus proxy: Qt
        # moves a proxy to just after its owner in the Tab chain, so whatever was laid out above
        # it (the Survey section's round bar) could no longer be reached by Tab.
        self.focus_target: QWidget | None = None

    def focusInEvent(self, event: QFocusEvent) -> None:
        if self.focus_target is not None and self.focus_target.isVisible():
            self.keyboard_to_target(event.reason())
        else:
            super().focusInEvent(event)

    def keyboard_to_target(self, reason: Qt.FocusReason = Qt.FocusReason.OtherFocusReason) -> None:
        """The keyboard to the focus target; then the section shown from its top, if the target's
        first lines still show there (moving the keyboard into it had scrolled the heading out
        of view: on a new file at twice the font, the Action plan's "No action plan yet")."""
        target = self.focus_target
        if target is not None:
            target.setFocus(reason)
            QTimer.singleShot(0, self, lambda: from_the_top(target, self))

    def set_ops(self, ops: Ops | None) -> None:
        """The open file: given when the section is first shown (or a file is opened)."""
        self.ops = ops

    def on_changes(self, changes: Changes) -> None:
        """Something was saved (here or elsewhere): read again what `changes` names, if this
        section shows it."""

    def shown_again(self) -> None:
        """Brought back to the front after working elsewhere."""

    def unsaved(self) -> list[str]:
        """What was typed here and not saved, each in words ("a contact with Aisha Khan"): the
        window asks before quitting or opening another file while there is any."""
        return []
