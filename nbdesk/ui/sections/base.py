"""What every section of the main window has: the open file (as Ops), and a way to hear changes."""

from __future__ import annotations

from typing import TYPE_CHECKING

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QLabel, QVBoxLayout, QWidget

from nbdesk.common.changes import Changes

if TYPE_CHECKING:
    from nbdesk.ui.ops import Ops


class Section(QWidget):
    title = ""
    shortcut_hint = ""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setAccessibleName(self.title)
        self.ops: Ops | None = None
        self.authority = ""  # the authority's name, for the names of files it exports

    def set_ops(self, ops: Ops | None) -> None:
        """The open file: given when the section is first shown (or a file is opened)."""
        self.ops = ops

    def on_changes(self, changes: Changes) -> None:
        """Something was saved (here or elsewhere): read again what `changes` names, if this
        section shows it."""

    def shown_again(self) -> None:
        """Brought back to the front after working elsewhere."""


class ComingSection(Section):
    """A section whose work has not been built yet: it says what will live here, and nothing more."""

    planned = ""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        heading = QLabel(f"<h2>{self.title}</h2>")
        heading.setAccessibleName(self.title)
        body = QLabel(self.planned)
        body.setWordWrap(True)
        body.setTextFormat(Qt.TextFormat.RichText)
        # Focusable so a keyboard or screen-reader user landing on the section hears what it is for.
        body.setFocusPolicy(Qt.FocusPolicy.StrongFocus)
        from PySide6.QtGui import QTextDocumentFragment

        body.setAccessibleName(f"{self.title}: not available yet")
        body.setAccessibleDescription(QTextDocumentFragment.fromHtml(self.planned).toPlainText())
        layout = QVBoxLayout(self)
        layout.addWidget(heading)
        layout.addWidget(body)
        layout.addStretch(1)
        self.setFocusProxy(body)


class ActionPlanSection(ComingSection):
    title = "Action plan"
    planned = (
        "<p>This is where the lead will keep the action plan: what young people said, what the "
        "service will do, who, by when, and quarterly updates, with the share of actions young "
        "people help deliver.</p><p>Not built yet.</p>"
    )
