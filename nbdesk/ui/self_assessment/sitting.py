"""Who is taking part in a workshop sitting, asked before it starts."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from PySide6.QtCore import QEvent, QObject, Qt
from PySide6.QtGui import QKeyEvent, QStandardItem, QStandardItemModel
from PySide6.QtWidgets import (
    QAbstractItemView,
    QComboBox,
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QListView,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from nbdesk.self_assessment.summaries import KIND_LABELS, PARTICIPANT_KINDS
from nbdesk.ui.fit import Scroller, fit_to_screen, may_narrow
from nbdesk.ui.self_assessment.workshop_watch import leader_name


class SittingDialog(QDialog):
    """Who is taking part, asked at the start of each sitting."""

    def __init__(
        self,
        assessment_name: str,
        parent: QWidget | None = None,
        previous: Sequence[tuple[str, str]] = (),
    ) -> None:
        super().__init__(parent)
        self.setWindowTitle("Who is taking part?")
        self.setAccessibleName("Who is taking part in this sitting")
        intro = QLabel(
            f"<p>Record who is taking part in this sitting of <b>{assessment_name}</b>, so the "
            "lead can show how the assessment was done. A role is enough, e.g. "
            "<i>Housing options manager</i>.</p>"
            + (
                "<p>Filled in from the last sitting: remove anyone not here today.</p>"
                if previous
                else ""
            )
        )
        intro.setWordWrap(True)
        self.who = QLineEdit()
        self.who.setAccessibleName("Name or role")
        self.who.setPlaceholderText("name or role")
        # Said beside the box, not in it: a placeholder is cut short in a narrow box, and it
        # goes as soon as typing starts.
        who_hint = QLabel("Enter adds the person; Enter in the empty box starts the workshop.")
        who_hint.setWordWrap(True)
        self.kind = QComboBox()
        self.kind.setAccessibleName("Kind of participant")
        for kind in PARTICIPANT_KINDS:
            self.kind.addItem(KIND_LABELS[kind], kind)
        may_narrow(self.kind, 10)
        self.add_button = QPushButton("&Add")
        self.add_button.setAccessibleName("Add the participant")
        self.add_button.clicked.connect(self.add_current)
        self.who.installEventFilter(self)
        self.label = QLineEdit()
        self.label.setAccessibleName("Sitting label")
        self.label.setPlaceholderText("optional, e.g. Workshop 2 – areas 6 to 10")

        self.people = QStandardItemModel(self)
        self.list = QListView()
        self.list.setModel(self.people)
        self.list.setAccessibleName("Participants added")
        self.list.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        remove = QPushButton("&Remove selected")
        remove.setAccessibleName("Remove selected participant")
        remove.clicked.connect(self._remove)

        form = QFormLayout()
        row = QHBoxLayout()
        row.addWidget(self.who, 3)
        row.addWidget(self.kind, 2)
        row.addWidget(self.add_button)
        who_label = QLabel("&Name or role:")
        who_label.setBuddy(self.who)  # a row holding a layout gets no buddy by itself
        form.addRow(who_label, row)
        form.addRow("", who_hint)
        form.addRow("Sitting &label:", self.label)
        self.buttons = QDialogButtonBox(
            QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel
        )
        self.start_button = self.buttons.button(QDialogButtonBox.StandardButton.Ok)
        self.start_button.setText("&Start the workshop")
        self.start_button.setAccessibleName("Start the workshop")
        self.start_button.setEnabled(False)
        self.add_button.setAutoDefault(False)
        self.buttons.accepted.connect(self._accept)
        self.buttons.rejected.connect(self.reject)
        content = QVBoxLayout()
        content.addWidget(intro)
        content.addLayout(form)
        content.addWidget(self.list)
        content.addWidget(remove, 0, Qt.AlignmentFlag.AlignLeft)
        for who, kind in previous:
            self._add(who, kind)
        layout = QVBoxLayout(self)
        layout.addWidget(Scroller(content), 1)
        layout.addWidget(self.buttons)
        # As tall as it needs at that width (a fixed number of lines cut off Remove selected once
        # the last sitting's people filled it in), never taller than the screen: then it scrolls.
        fit_to_screen(self, self.fontMetrics().averageCharWidth() * 80)

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        # Enter in the name box adds the person; with the box empty it starts the workshop. The
        # button box would otherwise take every Enter as "start" (it makes Start the default).
        if (
            watched is self.who
            and isinstance(event, QKeyEvent)
            and event.type() == QEvent.Type.KeyPress
            and event.key() in (Qt.Key.Key_Return, Qt.Key.Key_Enter)
        ):
            if self.who.text().strip():
                self.add_current()
            elif self.people.rowCount():
                self.accept()
            return True
        return super().eventFilter(watched, event)

    def add_current(self) -> None:
        who = " ".join(self.who.text().split())
        if not who:
            return
        self._add(who, self.kind.currentData())
        self.who.clear()
        self.who.setFocus()

    def _add(self, who: str, kind: str) -> None:
        item = QStandardItem(f"{who} — {KIND_LABELS.get(kind, kind)}")
        item.setData((who, kind), Qt.ItemDataRole.UserRole)
        self.people.appendRow(item)
        self.start_button.setEnabled(True)

    def _remove(self) -> None:
        for index in sorted(self.list.selectedIndexes(), key=lambda i: -i.row()):
            self.people.removeRow(index.row())
        self.start_button.setEnabled(self.people.rowCount() > 0)

    def _accept(self) -> None:
        self.add_current()  # a name typed but not yet added is surely meant to count
        if self.people.rowCount():
            self.accept()

    def participants(self) -> list[tuple[str, str]]:
        return [
            self.people.item(row).data(Qt.ItemDataRole.UserRole)
            for row in range(self.people.rowCount())
        ]


def ask_who(
    owner: QWidget, ops: Any, name: str, previous: Sequence[tuple[str, str]] = ()
) -> tuple[str, list[tuple[str, str]], str] | None:
    """Who is taking part in a new sitting of the assessment `name` (starting from `previous`,
    the last sitting's): its leader as others will be told, the participants and the sitting's
    label; None if the dialog was cancelled."""
    dialog = SittingDialog(name, owner, previous)
    if dialog.exec() != QDialog.DialogCode.Accepted:
        return None
    participants = dialog.participants()
    led_by = leader_name(getattr(ops.store, "location", None), participants)
    return led_by, participants, dialog.label.text()
