"""Contacts and who next: a PA's list for the chosen round, and the person panel beside it.

A PA works down the list by keyboard: Enter on a person goes to the contact form, Ctrl+Enter saves
and moves on. Moving on goes to the next person not yet reached in this run of saves (those not
contacted today first, as the who-next order has them), never back to someone just saved; once
everyone in the list has been reached the end is said and nobody is chosen, so a key pressed once
too often logs nothing.

After a save the list is not read again: the people the save changed are read on the worker and
their rows alone are taken out and put back where the who-next order has them (issue 16: reading
50,000 people after each contact took most of a second, and held the window as long again).
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

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
from nbdesk.survey.contacts import (
    OUTCOME_LABELS,
    WhoNextRow,
    in_list,
    place_in,
    round_people,
    update_list,
    who_next_rows,
)
from nbdesk.survey.register import CHANNEL_LABELS
from nbdesk.ui.survey.common import (
    clear_on_escape,
    day_or_never,
    down_into,
    on_enter,
    ordinal,
    people,
    table_view,
)
from nbdesk.ui.survey.fit import ReflowSplitter
from nbdesk.ui.survey.person_panel import PersonPanel
from nbdesk.ui.table_models import RIGHT, ROW_ROLE, Column, ListModel

if TYPE_CHECKING:
    from collections.abc import Callable, Collection

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
        # The whole list in who-next order, and the words typed in the find box; the view shows
        # the rows holding every word (self.model), in the same order. Filtering a plain list
        # and showing the result costs a few milliseconds for 50,000 people; a Qt filter model
        # called into Python once for every row, on every key press and every reading.
        self.rows: list[WhoNextRow] = []
        self._by_id: dict[int, WhoNextRow] = {}  # the same rows by person id
        self.words: list[str] = []
        self._texts: dict[int, str] = {}  # each person's text to find, in lower case, once made
        self._choosing = False  # True while the list itself moves the choice
        self._updating = False  # True while rows are taken out and put back: nobody is chosen
        self._reading = False  # the whole list has been asked for and is not back yet
        self._updates = 0  # updates of a few people asked for and not back yet
        self._then: list[Callable[[], None]] = []  # to run once the list is up to date
        self.pa = QComboBox()
        self.pa.setAccessibleName("Whose list")
        self.pa.setMinimumContentsLength(12)
        self.pa.setSizeAdjustPolicy(
            QComboBox.SizeAdjustPolicy.AdjustToMinimumContentsLengthWithIcon
        )
        self.pa.currentIndexChanged.connect(lambda _: self._list_changed())
        # A tick box's words never wrap: its name beside it, what it adds in a line that wraps.
        self.everyone = QCheckBox("Show &everyone")
        who = (
            "Also lists those who have completed, are not counted, asked not to be contacted, "
            "or are not in this round."
        )
        self.everyone.setAccessibleName("Show everyone")
        self.everyone.setAccessibleDescription(who)
        self.everyone_note = QLabel(who)
        self.everyone_note.setWordWrap(True)
        self.everyone.toggled.connect(lambda _: self._list_changed())
        self.search = QLineEdit()
        self.search.setAccessibleName("Find in the list")
        self.search.setPlaceholderText("Type a name or unique id")
        self.search.setClearButtonEnabled(True)
        clear_on_escape(self.search)
        self.count = QLabel()
        self.model: ListModel[WhoNextRow] = ListModel(PEOPLE_COLUMNS, self)
        self.search.textChanged.connect(self._search_changed)
        self.view = table_view(self.model, "Who to contact next", sortable=False)
        # Columns sized from the rows on screen, as the register's: from every row, a long list
        # took too long, and was left at Qt's 100 px a column, names cut short.
        self.view.horizontalHeader().setResizeContentsPrecision(0)
        self.panel = PersonPanel(self)
        self.view.selectionModel().currentRowChanged.connect(self._chosen)
        self.search.returnPressed.connect(self.view.setFocus)
        down_into(self.search, self.view)
        QShortcut(QKeySequence("Ctrl+Return"), self, activated=self.panel.save_contact)
        QShortcut(QKeySequence("Ctrl+Enter"), self, activated=self.panel.save_contact)
        QShortcut(QKeySequence("Ctrl+K"), self, activated=self.panel.mark_completed)
        QShortcut(QKeySequence.StandardKey.Undo, self, activated=self.panel.undo_last)
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

    # Finding ----------------------------------------------------------------------------------

    def _search_changed(self, text: str) -> None:
        words = text.casefold().split()
        if words == self.words:
            return
        self.reached = set()
        self.words = words
        self._show_found()

    def _found(self, row: WhoNextRow) -> bool:
        """Whether the row holds every word typed (in any order, any case)."""
        return not self.words or bool(self._finding([row]))

    def _finding(self, rows: list[WhoNextRow]) -> list[WhoNextRow]:
        """The rows holding every word typed, in their order: one pass, no call per row."""
        words, texts = self.words, self._texts
        if not words:
            return list(rows)
        found = []
        for row in rows:
            text = texts.get(row.person_id)
            if text is None:
                text = texts[row.person_id] = f"{row.name} {row.unique_id}".casefold()
            for word in words:
                if word not in text:
                    break
            else:
                found.append(row)
        return found

    def _show_found(self) -> None:
        """Show the rows the find box lets through, keeping the person chosen if still shown."""
        chosen = self.panel.person.person_id if self.panel.person else None
        self._updating = True
        try:
            self.model.set_rows(self._finding(self.rows))
        finally:
            self._updating = False
        self._counted()
        if chosen is not None and not self.select_person(chosen, show=False):
            self.panel.show_person(None)

    # Reading ----------------------------------------------------------------------------------

    def refresh(self) -> None:
        """Read the whole list again (another list, another round, or a change to many people)."""
        ops, round_id = self.section.ops, self.section.round_id()
        if ops is None or round_id is None:
            self.rows, self._by_id = [], {}
            self.model.set_rows([])
            self.panel.show_person(None)
            self.count.setText("Open a round first.")
            return
        pa, everyone = self.pa.currentData(), self.everyone.isChecked()

        def read(session: Any) -> tuple[list[WhoNextRow], dict[int, WhoNextRow]]:
            # The look-up by person made on the worker too: for 28,000 rows it was most of the
            # UI thread's time in showing the list.
            rows = round_people(session, round_id, pa, everyone)
            return rows, {r.person_id: r for r in rows}

        asked = ops.read(
            self,
            read,
            lambda found: self._listed(*found),
            key=f"who-next-{id(self)}",
            failed=lambda _exc: self._not_read(),
            title="Reading the list",
        )
        self._reading = self._reading or asked is not None

    def _listed(self, rows: list[WhoNextRow], by_id: dict[int, WhoNextRow]) -> None:
        self._reading = False
        chosen = self.panel.person.person_id if self.panel.person else None
        self.rows = rows
        self._by_id = by_id
        self._texts = {}
        self._updating = True
        try:
            self.model.set_rows(self._finding(rows))
        finally:
            self._updating = False
        if len(rows) < 2000 or self.view.isVisible():  # hidden, it would measure every row
            self.view.resizeColumnsToContents()
            # Flags can pile up; past a few words the cell shows the rest as a tooltip.
            widest = self.view.fontMetrics().horizontalAdvance("Interpreter; Young parent")
            flags = PEOPLE_COLUMNS.index(FLAGS_COLUMN)
            self.view.setColumnWidth(flags, min(self.view.columnWidth(flags), widest))
        self._counted()
        if not self._then and chosen is not None:
            self._show_again(chosen)
        self._settled()

    def _not_read(self) -> None:
        self._reading = False
        self._settled()

    def update_people(self, round_id: int, people: Collection[int]) -> None:
        """These people's contacts, completion or membership changed: read their rows and put
        each where the list's order has it (or take it out), leaving everyone else's alone."""
        ops = self.section.ops
        if ops is None:
            return
        wanted = frozenset(people)
        asked = ops.read(
            self,
            lambda session: who_next_rows(session, round_id, wanted),
            lambda found: self._updated(round_id, wanted, found),
            failed=lambda _exc: self._update_failed(),
            title="Reading the list",
        )
        if asked is not None:
            self._updates += 1

    def _updated(self, round_id: int, people: frozenset[int], found: dict[int, WhoNextRow]) -> None:
        self._updates -= 1
        # A whole list asked for since (another PA's, say) holds these rows already.
        if round_id == self.section.round_id() and not self._reading:
            chosen = self.panel.person.person_id if self.panel.person else None
            pa, everyone = self.pa.currentData(), self.everyone.isChecked()
            changes = [(self._by_id.get(pid), found.get(pid)) for pid in people]
            for pid in people:
                self._texts.pop(pid, None)  # a name may have changed since
                self._by_id.pop(pid, None)
            for _old, new in changes:
                if new is not None and in_list(new, pa, everyone):
                    self._by_id[new.person_id] = new
            update_list(
                self.rows,
                changes,
                lambda row: row.person_id in self._by_id,
                self.rows.pop,
                self.rows.insert,
            )
            self._updating = True
            try:
                update_list(
                    self.model.rows,
                    changes,
                    lambda row: row.person_id in self._by_id and self._found(row),
                    self.model.remove_row,
                    self.model.insert_row,
                )
            finally:
                self._updating = False
            self._counted()
            if not self._then and chosen is not None and chosen in people:
                self._show_again(chosen)
        self._settled()

    def _update_failed(self) -> None:
        self._updates -= 1
        self._settled()

    def _show_again(self, person_id: int) -> None:
        """The person shown changed: show their row afresh, or nobody if it left the list."""
        if not self.select_person(person_id):
            self.panel.show_person(None)

    def _settled(self) -> None:
        """Once every read asked for is back, do what was waiting for the list."""
        if self._reading or self._updates:
            return
        waiting, self._then = self._then, []
        for step in waiting:
            step()

    def _counted(self) -> None:
        # What the find box lets through, of the whole list, as the register says it (a tester
        # read "5736 people in this list" above the nine rows a find had left).
        total, shown = len(self.rows), self.model.rowCount()
        found = f"{shown:,} of " if self.words and shown != total else ""
        # Found nowhere in who-next: the person may have completed or be left out, whom only the
        # list of everyone shows (a tester's find came back empty with no word why).
        hint = (
            " (those completed, not counted or not to contact: tick Show everyone)"
            if self.words and not shown and not self.everyone.isChecked()
            else ""
        )
        self.count.setText(f"{found}{people(total)} in this list{hint}")

    def _chosen(self, index) -> None:  # type: ignore[no-untyped-def]
        if self._updating:
            return
        if not self._choosing:
            self.reached = set()  # the PA chose someone: a new run starts from them
        self.panel.show_person(index.data(ROW_ROLE) if index.isValid() else None)

    # Moving on --------------------------------------------------------------------------------

    def shown_ids(self) -> list[int]:
        """The people in the order the list shows them (after the find box's filter)."""
        return [r.person_id for r in self.model.rows]

    def move_on_from(self, saved: int) -> None:
        """After a contact (or completion) is saved, once the list shows it: choose the next
        person not reached in this run, those not contacted today first; at the end say so."""
        before, was = list(self.model.rows), self._by_id.get(saved)
        self.reached.add(saved)
        if not (self._reading or self._updates):
            # Nothing asked for this save yet (the window passes on every save; a test might not).
            round_id = self.section.round_id()
            if round_id is not None:
                self.update_people(round_id, {saved})
        if self.everyone.isChecked():
            return  # the whole round, for looking someone up: keep the choice
        self._then.append(lambda: self._choose_next(before, was))
        self._settled()

    def choose_once_shown(self, person_id: int) -> None:
        """Choose the person once the list shows the latest change (a completion taken back
        brings them back into it)."""
        round_id = self.section.round_id()
        if not (self._reading or self._updates) and round_id is not None:
            self.update_people(round_id, {person_id})
        self._then.append(lambda: self.select_person(person_id))
        self._settled()

    def _choose_next(self, before: list[WhoNextRow], saved: WhoNextRow | None) -> None:
        """Choose who follows `saved` (their row before the save), given the list shown then."""
        today, reached = clock.today(), self.reached
        # The first person shown, not reached and not contacted today: near the top of the list,
        # however long it is, since those contacted today sink to the bottom.
        following = next(
            (
                r.person_id
                for r in self.model.rows
                if r.person_id not in reached and r.last_contact_on != today
            ),
            None,
        )
        if following is None:
            # Everyone left has been contacted today: go on down the list as it was.
            at = None if saved is None else place_in(before, saved)
            after = before if at is None else before[at + 1 :]
            following = next(
                (r.person_id for r in after if r.person_id not in reached and self._shows(r)),
                None,
            )
        if following is None:
            self._choosing = True
            try:
                self.view.selectionModel().clearSelection()
                self.view.setCurrentIndex(self.model.index(-1, -1))
            finally:
                self._choosing = False
            self.panel.show_person(None)
            self.section.status(
                self.section.message.text()
                + " That was the last person in this list: you have reached the end of it."
            )
        else:
            self.select_person(following)
            # Said, because the panel now shows someone else: Ctrl+K next acts on them.
            now = self._by_id[following]
            self.section.status(f"{self.section.message.text()} Next: {now.name or now.unique_id}.")
        self.view.setFocus()

    def _shows(self, row: WhoNextRow) -> bool:
        """Whether the list shows this person now (whatever their row says now)."""
        now = self._by_id.get(row.person_id)
        return now is not None and self._found(now)

    def select_person(self, person_id: int, show: bool = True) -> bool:
        """Choose the person in the list (False if it does not show them); `show` False leaves
        the panel as it is (the same person, still shown)."""
        row = self._by_id.get(person_id)
        number = None if row is None else place_in(self.model.rows, row)
        if number is None:
            return False
        index = self.model.index(number, 0)
        self._choosing, updating = True, self._updating
        self._updating = updating or not show
        try:
            self.view.selectionModel().setCurrentIndex(
                index,
                QItemSelectionModel.SelectionFlag.ClearAndSelect
                | QItemSelectionModel.SelectionFlag.Rows,
            )
        finally:
            self._choosing, self._updating = False, updating
        self.view.scrollTo(index)
        if show:
            self.panel.show_person(self.model.rows[number])
        return True
