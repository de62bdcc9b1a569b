"""Ctrl+G in a workshop: go to any statement by its reference ("7m") or words from it."""

from __future__ import annotations

from typing import Any

from PySide6.QtCore import QEvent, QObject, QSortFilterProxyModel, Qt
from PySide6.QtGui import QKeyEvent, QStandardItem, QStandardItemModel
from PySide6.QtWidgets import (
    QAbstractItemView,
    QDialog,
    QLabel,
    QLineEdit,
    QListView,
    QVBoxLayout,
    QWidget,
)

from nbdesk.self_assessment.assessments import AssessmentDetail
from nbdesk.ui.fit import fit_to_screen


class GoToDialog(QDialog):
    """Ctrl+G: type a reference like "7m" or words from the statement, Enter to go there."""

    def __init__(self, detail: AssessmentDetail, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setWindowTitle("Go to a statement")
        self.setAccessibleName("Go to a statement")
        self.chosen: tuple[str, int] | None = None
        self.model = QStandardItemModel(self)
        for area in detail.areas:
            for s in area.statements:
                item = QStandardItem(f"{s.reference}   {s.text}")
                item.setData(("statement", s.statement_id), Qt.ItemDataRole.UserRole)
                item.setData(
                    f"{s.area_number}{s.letter} {s.reference} {s.text}".lower(),
                    Qt.ItemDataRole.UserRole + 1,
                )
                self.model.appendRow(item)
            item = QStandardItem(f"{area.number} / overall   Area {area.number}'s overall rating")
            item.setData(("area", area.area_id), Qt.ItemDataRole.UserRole)
            item.setData(f"{area.number} overall area {area.number}", Qt.ItemDataRole.UserRole + 1)
            self.model.appendRow(item)
        self.proxy = QSortFilterProxyModel(self)
        self.proxy.setSourceModel(self.model)
        self.proxy.setFilterRole(Qt.ItemDataRole.UserRole + 1)
        self.proxy.setFilterCaseSensitivity(Qt.CaseSensitivity.CaseInsensitive)
        self.search = QLineEdit()
        self.search.setAccessibleName("Reference or words to find")
        self.search.setPlaceholderText("e.g. 7m, 7 / M, or words from the statement")
        self.search.textChanged.connect(self._filter)
        self.search.returnPressed.connect(self._accept_current)
        self.search.installEventFilter(self)
        self.list = QListView()
        self.list.setModel(self.proxy)
        self.list.setAccessibleName("Statements")
        self.list.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.list.activated.connect(lambda _i: self._accept_current())
        layout = QVBoxLayout(self)
        prompt = QLabel("Type a reference or words, then Enter (↓ to choose from the list):")
        prompt.setWordWrap(True)
        layout.addWidget(prompt)
        layout.addWidget(self.search)
        # Said when nothing matches, rather than leaving an empty list to puzzle over.
        self.nothing = QLabel()
        self.nothing.setWordWrap(True)
        self.nothing.hide()
        layout.addWidget(self.nothing)
        layout.addWidget(self.list)
        self.list.setCurrentIndex(self.proxy.index(0, 0))
        # The list scrolls; the dialog is as large as the screen allows, up to 110 × 28.
        fit_to_screen(
            self, self.fontMetrics().averageCharWidth() * 110, self.fontMetrics().height() * 28
        )

    def _filter(self, text: str) -> None:
        words = text.lower().replace("/", " ").split()
        # A reference typed as "7m" or "7 m" matches the start of the key "7m …".
        key = "".join(words)
        if words and key.isdigit():
            self.proxy.setFilterRegularExpression(f"^{key}[a-z]*\\b")
        elif words and key.isalnum() and key[0].isdigit() and len(key) <= 4:
            self.proxy.setFilterRegularExpression(f"^{key}\\b")
        else:
            self.proxy.setFilterFixedString(text.lower())
        self.list.setCurrentIndex(self.proxy.index(0, 0))
        none = self.proxy.rowCount() == 0
        self.nothing.setText(
            f"⚠ No statement matches '{text.strip()}': type a reference such as 2b, or words "
            "from the statement."
            if none
            else ""
        )
        self.nothing.setVisible(none)

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        if (
            watched is self.search
            and event.type() == QEvent.Type.KeyPress
            and isinstance(event, QKeyEvent)
        ) and event.key() in (Qt.Key.Key_Down, Qt.Key.Key_Up):
            self.list.setFocus()
            self.list.keyPressEvent(event)
            return True
        return super().eventFilter(watched, event)

    def _accept_current(self) -> None:
        index = self.list.currentIndex()
        if index.isValid():
            self.chosen = index.data(Qt.ItemDataRole.UserRole)
            self.accept()


def go_to(window: Any) -> None:
    """Ctrl+G in a workshop `window`: ask where, then show it there."""
    dialog = GoToDialog(window.detail, window)
    accepted = dialog.exec() == QDialog.DialogCode.Accepted
    chosen = dialog.chosen
    dialog.deleteLater()
    window.activateWindow()
    window.show_page(window.page_index)  # focus back on the statement, not left in the dialog
    if accepted and chosen is not None:
        kind, target = chosen
        if kind == "statement":
            window.jump_to_statement(target)
        else:
            window.jump_to_overall(target)
