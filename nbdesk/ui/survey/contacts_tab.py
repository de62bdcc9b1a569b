"""Contacts and who next: a PA's list for the chosen round, and the person panel beside it.

A PA works down the list by keyboard: Enter on a person goes to the contact form, Ctrl+Enter saves
and moves on. Moving on goes to the next person not yet reached in this run of saves (those not
contacted today first, as the who-next order has them), never back to someone just saved; once
everyone in the list has been reached the end is said and nobody is chosen, so a key pressed once
too often logs nothing.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from PySide6.QtCore import QItemSelectionModel
from PySide6.QtGui import QKeySequence, QShortcut
from PySide6.QtWidgets import (
    QCheckBox,
    QComboBox,
    QFormLayout,
    QLabel,
    QLineEdit,
    QVBoxLayout,
    QWidget,
)

from nbdesk.common import clock
from nbdesk.survey.contacts import OUTCOME_LABELS, WhoNextRow, round_people
from nbdesk.survey.register import CHANNEL_LABELS
from nbdesk.ui.survey.common import day_or_never, on_enter, ordinal, people, table_view
from nbdesk.ui.survey.fit import ReflowSplitter
from nbdesk.ui.survey.person_panel import PersonPanel
from nbdesk.ui.table_models import RIGHT, ROW_ROLE, Column, ListModel, SearchProxy

if TYPE_CHECKING:
    from collections.abc import Callable

    from nbdesk.ui.survey.section import SurveySection

FLAGS_COLUMN = Column("Flags", lambda r: r.flags)
PEOPLE_COLUMNS = [
    Column("Name", lambda r: r.name),
    Column("Unique id", lambda r: r.unique_id),
    Column("PA", lambda r: r.pa_name),
    Column("State", lambda r: r.state),
    FLAGS_COLUMN,
    Column("Contacts", lambda r: str(r.contacts), sort=lambda r: r.contacts, align=RIGHT),
    Column(
        "Last contact",
        lambda r: day_or_never(r.last_contact_on),
        sort=lambda r: ordinal(r.last_contact_on),
    ),
    Column("Last outcome", lambda r: OUTCOME_LABELS.get(r.last_outcome, "")),
    Column("Prefers", lambda r: CHANNEL_LABELS.get(r.preferred_channel, "")),
]


class ContactsTab(QWidget):
    def __init__(self, section: SurveySection) -> None:
        super().__init__()
        self.section = section
        # People saved in this run of Ctrl+Enter: moving on never comes back to them. A run ends
        # when the PA chooses someone, another list or another filter.
        self.reached: set[int] = set()
        self._choosing = False  # True while the list itself moves the choice
        self.pa = QComboBox()
        self.pa.setAccessibleName("Whose list")
        self.pa.setMinimumContentsLength(12)
        self.pa.setSizeAdjustPolicy(
            QComboBox.SizeAdjustPolicy.AdjustToMinimumContentsLengthWithIcon
        )
        self.pa.currentIndexChanged.connect(lambda _: self._list_changed())
        # A tick box's words never wrap: its name beside it, what it adds in a line that wraps.
        self.everyone = QCheckBox("Show &everyone")
        who = "Completed, not counted, do not contact and not in this round too."
        self.everyone.setAccessibleName("Show everyone")
        self.everyone.setAccessibleDescription(who)
        self.everyone_note = QLabel(who)
        self.everyone_note.setWordWrap(True)
        self.everyone.toggled.connect(lambda _: self._list_changed())
        self.search = QLineEdit()
        self.search.setAccessibleName("Find in the list")
        self.search.setPlaceholderText("Type a name or unique id")
        self.search.setClearButtonEnabled(True)
        self.count = QLabel()
        self.model: ListModel[WhoNextRow] = ListModel(PEOPLE_COLUMNS, self)
        self.proxy = SearchProxy(lambda r: f"{r.name} {r.unique_id}", self)
        self.proxy.setSourceModel(self.model)
        self.search.textChanged.connect(self._search_changed)
        self.view = table_view(self.proxy, "Who to contact next", sortable=False)
        self.panel = PersonPanel(self)
        self.view.selectionModel().currentRowChanged.connect(self._chosen)
        self.search.returnPressed.connect(self.view.setFocus)
        QShortcut(QKeySequence("Ctrl+Return"), self, activated=self.panel.save_contact)
        QShortcut(QKeySequence("Ctrl+Enter"), self, activated=self.panel.save_contact)
        QShortcut(QKeySequence("Ctrl+K"), self, activated=self.panel.mark_completed)
        QShortcut(QKeySequence("Ctrl+L"), self, activated=self.view.setFocus)
        # Enter on a person takes the keyboard straight to the contact form.
        on_enter(self.view, self._to_form)

        left = QWidget()
        left_layout = QVBoxLayout(left)
        top = QFormLayout()
        top.addRow("Whose &list:", self.pa)
        top.addRow("F&ind:", self.search)
        left_layout.addLayout(top)
        left_layout.addWidget(self.everyone)
        left_layout.addWidget(self.everyone_note)
        label = QLabel(
            "Who next (never contacted first, then the longest since a contact; "
            "Ctrl+L comes back here):"
        )
        label.setWordWrap(True)
        left_layout.addWidget(label)
        left_layout.addWidget(self.view, 1)
        left_layout.addWidget(self.count)
        # Enough rows to work down when the list sits above the person (a small screen).
        self.view.setMinimumHeight(self.view.fontMetrics().lineSpacing() * 10)
        # Side by side when both fit, else the list above the person: never a sideways scroll.
        self.splitter = ReflowSplitter(left, self.panel, stretch=(3, 2))
        layout = QVBoxLayout(self)
        layout.addWidget(self.splitter)

    def _to_form(self) -> None:
        if self.panel.person is not None:
            self.panel.channel.setFocus()

    def set_pas(self, names: list[str]) -> None:
        current = self.pa.currentData()
        self.pa.blockSignals(True)
        self.pa.clear()
        self.pa.addItem("Everyone's", None)
        for name in names:
            self.pa.addItem(name or "(no PA)", name)
        self.pa.setCurrentIndex(max(0, self.pa.findData(current)) if current else 0)
        self.pa.blockSignals(False)

    def _list_changed(self) -> None:
        self.reached = set()
        self.refresh()

    def _search_changed(self, text: str) -> None:
        self.reached = set()
        self.proxy.set_search(text)

    # Reading ----------------------------------------------------------------------------------

    def refresh(self, then: Callable[[], None] | None = None) -> None:
        """Read the list again; `then` runs once it is shown (to choose someone, say)."""
        ops, round_id = self.section.ops, self.section.round_id()
        if ops is None or round_id is None:
            self.model.set_rows([])
            self.panel.show_person(None)
            self.count.setText("Open a round first.")
            return
        pa, everyone = self.pa.currentData(), self.everyone.isChecked()
        ops.read(
            self,
            lambda session: round_people(session, round_id, pa, everyone),
            lambda rows: self._listed(rows, then),
            key=f"who-next-{id(self)}",
            title="Reading the list",
        )

    def _listed(self, rows: list[WhoNextRow], then: Callable[[], None] | None) -> None:
        chosen = self.panel.person.person_id if self.panel.person else None
        self._choosing = True
        try:
            self.model.set_rows(rows)
        finally:
            self._choosing = False
        if len(rows) < 2000:
            self.view.resizeColumnsToContents()
            # Flags can pile up; past a few words the cell shows the rest as a tooltip.
            widest = self.view.fontMetrics().horizontalAdvance("Interpreter; Young parent")
            flags = PEOPLE_COLUMNS.index(FLAGS_COLUMN)
            self.view.setColumnWidth(flags, min(self.view.columnWidth(flags), widest))
        self.count.setText(f"{people(len(rows))} in this list")
        if then is not None:
            then()
        elif chosen is not None and not self.select_person(chosen):
            self.panel.show_person(None)

    def _chosen(self, index) -> None:  # type: ignore[no-untyped-def]
        if not self._choosing:
            self.reached = set()  # the PA chose someone: a new run starts from them
        self.panel.show_person(index.data(ROW_ROLE) if index.isValid() else None)

    # Moving on --------------------------------------------------------------------------------

    def shown_ids(self) -> list[int]:
        """The people in the order the list shows them (after the find box's filter)."""
        return [
            self.model.row(self.proxy.mapToSource(self.proxy.index(r, 0)).row()).person_id
            for r in range(self.proxy.rowCount())
        ]

    def move_on_from(self, saved: int) -> None:
        """After a contact (or completion) is saved: read the list again and choose the next
        person not reached in this run, those not contacted today first; at the end say so."""
        before = self.shown_ids()
        self.reached.add(saved)
        if self.everyone.isChecked():
            self.refresh()  # the whole round, for looking someone up: keep the choice
            return
        self.refresh(then=lambda: self._choose_next(saved, before))

    def _choose_next(self, saved: int, before: list[int]) -> None:
        rows = {
            self.model.row(self.proxy.mapToSource(self.proxy.index(r, 0)).row()).person_id: r
            for r in range(self.proxy.rowCount())
        }
        today = clock.today()
        by_id = {r.person_id: r for r in self.model.rows}
        waiting = [pid for pid in self.shown_ids() if pid not in self.reached]
        fresh = [pid for pid in waiting if by_id[pid].last_contact_on != today]
        if fresh:
            following = fresh[0]
        else:
            # Everyone left has been contacted today: go on down the list as it was.
            after = before[before.index(saved) + 1 :] if saved in before else before
            following = next((pid for pid in after if pid in rows and pid in waiting), None)
        if following is None:
            self._choosing = True
            try:
                self.view.selectionModel().clearSelection()
                self.view.setCurrentIndex(self.proxy.index(-1, -1))
            finally:
                self._choosing = False
            self.panel.show_person(None)
            self.section.status(
                self.section.message.text()
                + " That was the last person in this list: you have reached the end of it."
            )
        else:
            self.select_person(following)
        self.view.setFocus()

    def select_person(self, person_id: int) -> bool:
        for r in range(self.proxy.rowCount()):
            index = self.proxy.index(r, 0)
            if index.data(ROW_ROLE).person_id == person_id:
                self._choosing = True
                try:
                    self.view.selectionModel().setCurrentIndex(
                        index,
                        QItemSelectionModel.SelectionFlag.ClearAndSelect
                        | QItemSelectionModel.SelectionFlag.Rows,
                    )
                finally:
                    self._choosing = False
                self.view.scrollTo(index)
                self.panel.show_person(index.data(ROW_ROLE))
                return True
        return False
