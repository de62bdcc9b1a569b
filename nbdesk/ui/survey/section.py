"""The Survey outreach section: the register, a round's contacts and completions, and its figures.

Every read and write goes through the services (nbdesk.survey.register, nbdesk.survey.rounds, nbdesk.survey.notify);
imports and exports run on the worker thread. A PA logs a contact by keyboard: pick the person in
the who-next list, the form is already filled with today and the person's preferred channel, and
Ctrl+Enter saves it and moves on to the next person.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import date
from html import escape
from pathlib import Path

from PySide6.QtCore import QItemSelectionModel, Qt
from PySide6.QtGui import QKeySequence, QShortcut
from PySide6.QtWidgets import (
    QAbstractItemView,
    QCheckBox,
    QComboBox,
    QFormLayout,
    QFrame,
    QGridLayout,
    QGroupBox,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QLineEdit,
    QMessageBox,
    QPlainTextEdit,
    QPushButton,
    QScrollArea,
    QSpinBox,
    QSplitter,
    QTableView,
    QTabWidget,
    QVBoxLayout,
    QWidget,
)

from nbdesk.common import clock
from nbdesk.common.dates import format_day
from nbdesk.storage import Database
from nbdesk.survey.completion import (
    CONFIRMED_BY_PHRASES,
    CONFIRMER_LABELS,
    CONFIRMERS,
    completion_state,
    mark_completed,
    unmark_completed,
)
from nbdesk.survey.contacts import (
    OUTCOME_LABELS,
    OUTCOMES,
    PURPOSE_LABELS,
    PURPOSES,
    WhoNextRow,
    contact_history,
    log_contact,
    round_pa_names,
    round_people,
)
from nbdesk.survey.dashboard import Dashboard, GroupFigures, dashboard
from nbdesk.survey.register import (
    CHANNEL_LABELS,
    CHANNELS,
    FLAG_LABELS,
    RegisterRow,
    add_person,
    age_band,
    age_on,
    get_person,
    register_ids,
    register_rows,
    register_size,
    update_person,
    values_in_use,
)
from nbdesk.survey.retention import erase_contact_details, erasure_plan
from nbdesk.survey.rounds import (
    RoundSummary,
    exclude_person,
    include_person,
    list_rounds,
    open_round,
    set_round_closed,
)
from nbdesk.ui.date_field import DateField, DateProblem
from nbdesk.ui.dialogs import show_error
from nbdesk.ui.file_dialogs import ask_open_path
from nbdesk.ui.sections.base import Section
from nbdesk.ui.survey.chart import CompletionsChart
from nbdesk.ui.survey.dialogs import (
    SUGGESTED_FIELDS,
    OpenRoundDialog,
    PersonDialog,
    ask_reason,
)
from nbdesk.ui.table_models import (
    RIGHT,
    ROW_ROLE,
    Column,
    LazyRowsModel,
    ListModel,
    SearchProxy,
)
from nbdesk.ui.worker import run_in_background


def _day(value: date | None) -> str:
    return format_day(value) if value else "never"


def _ordinal(value: date | None) -> int:
    return value.toordinal() if value else 0


def _rate(value: float | None) -> str:
    return "–" if value is None else f"{value:.0%}"


# What a PA reaches for first (who, their PA, flags, how to reach them) comes before the rest, so
# it is on screen without scrolling sideways.
REGISTER_COLUMNS = [
    Column("Name", lambda r: r.name, field="name"),
    Column("Known as", lambda r: r.preferred_name, field="preferred_name"),
    Column("Unique id", lambda r: r.unique_id, field="unique_id"),
    Column("PA", lambda r: r.pa_name, field="pa_name"),
    Column("Flags", lambda r: r.flags),
    Column("Mobile", lambda r: r.phone, field="phone"),
    Column("Email", lambda r: r.email, field="email"),
    Column(
        "Prefers", lambda r: CHANNEL_LABELS.get(r.preferred_channel, ""), field="preferred_channel"
    ),
    Column("Date of birth", lambda r: format_day(r.date_of_birth), field="date_of_birth"),
    Column("Gender", lambda r: r.gender, field="gender"),
    Column("Accommodation", lambda r: r.accommodation, field="accommodation"),
    Column("Team", lambda r: r.team, field="team"),
]
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
        lambda r: _day(r.last_contact_on),
        sort=lambda r: _ordinal(r.last_contact_on),
    ),
    Column("Last outcome", lambda r: OUTCOME_LABELS.get(r.last_outcome, "")),
    Column("Prefers", lambda r: CHANNEL_LABELS.get(r.preferred_channel, "")),
]


def _against(rate: float | None, overall: float | None) -> str:
    """A group's rate beside the round's, in words: the lead sees who is under-represented
    without relying on colour."""
    if rate is None or overall is None:
        return ""
    points = round((rate - overall) * 100)
    if points == 0:
        return "same as all"
    unit = "point" if abs(points) == 1 else "points"
    return f"{abs(points)} {unit} {'above' if points > 0 else 'below'}"


def group_columns(title: str, overall: Callable[[], float | None]) -> list[Column]:
    return [
        Column(title, lambda g: g.group),
        Column("Eligible", lambda g: str(g.eligible), sort=lambda g: g.eligible, align=RIGHT),
        Column("Completed", lambda g: str(g.completed), sort=lambda g: g.completed, align=RIGHT),
        Column("Rate", lambda g: _rate(g.rate), sort=lambda g: g.rate or 0.0, align=RIGHT),
        Column("Compared with all", lambda g: _against(g.rate, overall())),
    ]


QUIET_COLUMNS = [
    Column("Name", lambda q: q.name),
    Column("Unique id", lambda q: q.unique_id),
    Column("PA", lambda q: q.pa_name),
    Column(
        "Last contact",
        lambda q: _day(q.last_contact_on),
        sort=lambda q: _ordinal(q.last_contact_on),
    ),
]


def table_view(model, accessible: str, sortable: bool = True) -> QTableView:
    view = QTableView()
    view.setModel(model)
    view.setAccessibleName(accessible)
    view.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
    view.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
    view.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
    view.setTabKeyNavigation(False)  # Tab leaves the table, arrows move within it
    view.verticalHeader().hide()
    view.setWordWrap(False)
    # No sort until a header is clicked: the service already returns rows in a useful order, and
    # sorting 10,000 rows on opening would cost more than fetching them.
    view.horizontalHeader().setSortIndicator(-1, Qt.SortOrder.AscendingOrder)
    view.setSortingEnabled(sortable)
    view.horizontalHeader().setStretchLastSection(True)
    return view


def on_enter(view: QTableView, slot: Callable[[], object]) -> None:
    """Enter on the list's current row calls `slot`. Only while the list has the keyboard: a
    window-wide Return would also swallow Enter in the find box (which moves to the list)."""
    for key in (Qt.Key.Key_Return, Qt.Key.Key_Enter):
        shortcut = QShortcut(QKeySequence(key), view, activated=slot)
        shortcut.setContext(Qt.ShortcutContext.WidgetShortcut)


def labelled_button(text: str, accessible: str) -> QPushButton:
    button = QPushButton(text)
    button.setAccessibleName(accessible)
    return button


class RegisterTab(QWidget):
    def __init__(self, section: SurveySection) -> None:
        super().__init__()
        self.section = section
        self.search = QLineEdit()
        self.search.setAccessibleName("Find people")
        self.search.setPlaceholderText("Type a name, unique id or PA")
        self.search.setClearButtonEnabled(True)
        self.count = QLabel()
        self.count.setAccessibleName("People shown")
        self.sort_field, self.descending = "name", False
        self.model = LazyRowsModel(REGISTER_COLUMNS, self._fetch, self._resort, self)
        self.view = table_view(self.model, "Care leaver register")
        self.total = 0
        self.sized = False
        self.view.doubleClicked.connect(lambda _: self.edit())
        self.search.textChanged.connect(self._filter)
        self.search.returnPressed.connect(self.view.setFocus)
        self.import_button = labelled_button("&Import a list…", "Import a list")
        self.add_button = labelled_button("&Add a person…", "Add a person")
        self.edit_button = labelled_button("&Edit…", "Edit the chosen person")
        self.import_button.clicked.connect(self.choose_import)
        self.add_button.clicked.connect(self.add)
        self.edit_button.clicked.connect(self.edit)
        QShortcut(QKeySequence("Ctrl+F"), self, activated=self.search.setFocus)
        on_enter(self.view, self.edit)

        top = QHBoxLayout()
        find = QLabel("&Find:")
        find.setBuddy(self.search)
        top.addWidget(find)
        top.addWidget(self.search, 1)
        top.addWidget(self.count)
        buttons = QHBoxLayout()
        for b in (self.import_button, self.add_button, self.edit_button):
            buttons.addWidget(b)
        buttons.addStretch(1)
        layout = QVBoxLayout(self)
        layout.addLayout(top)
        layout.addWidget(self.view, 1)
        layout.addLayout(buttons)

    def refresh(self) -> None:
        db = self.section.db
        if db is None:
            return
        current = self.view.currentIndex()
        chosen = self.model.ids[current.row()] if current.isValid() else None
        with db.session() as session:
            self.total = register_size(session)
            ids = register_ids(session, self.search.text(), self.sort_field, self.descending)
        self.model.set_ids(ids)
        if chosen is not None and chosen in ids:
            # Keep the person just edited (or re-sorted) chosen, so the keyboard keeps its place.
            self.view.setCurrentIndex(self.model.index(ids.index(chosen), current.column()))
        if not self.sized and 0 < len(ids) <= 500:
            # Only short lists are measured: sizing reads every row, which is what the lazy
            # model exists to avoid.
            self.view.resizeColumnsToContents()
            self.sized = True
        self._update_count()

    def _fetch(self, ids: list[int]) -> list[RegisterRow]:
        db = self.section.db
        if db is None:
            return []
        with db.session() as session:
            return register_rows(session, ids)

    def _resort(self, field: str, descending: bool) -> None:
        self.sort_field, self.descending = field, descending
        self.refresh()

    def _filter(self, text: str) -> None:
        self.refresh()

    def _update_count(self) -> None:
        shown = self.model.rowCount()
        total = self.total
        self.count.setText(f"{shown} of {total} people" if shown != total else f"{total} people")

    def current(self) -> RegisterRow | None:
        index = self.view.currentIndex()
        return index.data(ROW_ROLE) if index.isValid() else None

    def add(self) -> None:
        self._edit_dialog(None)

    def edit(self) -> None:
        row = self.current()
        if row is not None:
            self._edit_dialog(row.id)

    def _edit_dialog(self, person_id: int | None) -> None:
        db = self.section.db
        if db is None:
            return
        with db.session() as session:
            person = get_person(session, person_id) if person_id else None
            suggestions = values_in_use(session, SUGGESTED_FIELDS)
        dialog = PersonDialog(person, self, suggestions)
        while dialog.exec():
            try:
                with db.transaction() as session:
                    if person_id is None:
                        add_person(session, dialog.fields())
                    else:
                        update_person(session, person_id, dialog.fields())
            except (ValueError, LookupError) as exc:
                dialog.show_problem(str(exc))
                continue
            self.section.changed()
            return

    def choose_import(self) -> None:
        db = self.section.db
        if db is None:
            return
        path = ask_open_path(
            self, "Import a care leaver list", "register", "Lists (*.xlsx *.csv);;All files (*)"
        )
        if path is not None:
            self.start_import(path)

    def start_import(self, path: Path) -> None:
        from nbdesk.survey.register_columns import read_register_file, workbook_sheets
        from nbdesk.survey.register_import import preview_import

        db = self.section.db
        assert db is not None

        def job(progress, cancelled):
            table = read_register_file(path)
            with db.session() as session:
                return path, workbook_sheets(path), table, preview_import(session, table)

        run_in_background(
            self,
            f"Reading {path.name}",
            job,
            self._preview_ready,
            lambda exc, trace: show_error(self, "Could not read the list", str(exc), trace),
        )

    def _preview_ready(self, result) -> None:
        from nbdesk.ui.survey.import_dialog import ImportDialog

        path, sheets, table, preview = result
        db = self.section.db
        assert db is not None
        self.import_dialog = ImportDialog(db, table, preview, self, path, sheets)
        self.import_dialog.finished.connect(self._import_finished)
        self.import_dialog.open()

    def _import_finished(self) -> None:
        result = self.import_dialog.result
        if result is None:
            return
        self.section.changed()
        parts = [f"Imported: {result.added} added, {result.updated} updated"]
        if result.warned:
            parts.append(f"{result.warned} with a detail left blank or a landline")
        if result.skipped_rows:
            rows = "row" if result.skipped_rows == 1 else "rows"
            parts.append(f"{result.skipped_rows} {rows} with no usable unique id left out")
        self.section.status("; ".join(parts) + ".")


class PersonPanel(QWidget):
    """One person in the chosen round: details, the contact form, completion and history."""

    def __init__(self, tab: ContactsTab) -> None:
        super().__init__()
        self.tab = tab
        self.person: WhoNextRow | None = None
        self.heading = QLabel("Choose a person from the list")
        self.heading.setAccessibleName("Chosen person")
        self.heading.setWordWrap(True)
        self.details = QLabel()
        self.details.setWordWrap(True)
        self.details.setAccessibleName("Contact details")
        self.details.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)

        contact = QGroupBox("Log a contact")
        form = QFormLayout(contact)
        self.contacted_on = DateField("Contact date")
        self.channel = QComboBox()
        self.channel.setAccessibleName("Channel")
        for code in CHANNELS:
            self.channel.addItem(CHANNEL_LABELS[code], code)
        self.purpose = QComboBox()
        self.purpose.setAccessibleName("Purpose")
        for code in PURPOSES:
            self.purpose.addItem(PURPOSE_LABELS[code], code)
        self.outcome = QComboBox()
        self.outcome.setAccessibleName("Outcome")
        for code in OUTCOMES:
            self.outcome.addItem(OUTCOME_LABELS[code], code)
        self.note = QLineEdit()
        self.note.setAccessibleName("Note")
        self.note.setPlaceholderText("Optional")
        self.note.setAccessibleDescription(
            "Optional. Notes are erased when the round's contact details are erased."
        )
        self.note.setToolTip(self.note.accessibleDescription())
        self.save = labelled_button("&Save contact  (Ctrl+Enter)", "Save contact")
        self.save.clicked.connect(self.save_contact)
        # The date comes last: it is today nearly always, and a date box takes a Tab per part.
        form.addRow("C&hannel:", self.channel)
        form.addRow("&Purpose:", self.purpose)
        form.addRow("&Outcome:", self.outcome)
        form.addRow("&Note:", self.note)
        form.addRow("&Date:", self.contacted_on)
        form.addRow(self.save)

        completion = QGroupBox("Survey completed?")
        done_form = QFormLayout(completion)
        self.state = QLabel()
        self.state.setAccessibleName("Completion")
        self.state.setWordWrap(True)
        self.confirmed_by = QComboBox()
        self.confirmed_by.setAccessibleName("Confirmed by")
        for code in CONFIRMERS:
            self.confirmed_by.addItem(CONFIRMER_LABELS[code], code)
        self.confirmed_on = DateField("Day confirmed")
        self.mark = labelled_button("&Mark completed  (Ctrl+K)", "Mark completed")
        self.unmark = labelled_button("&Take back…", "Take back the completion")
        self.mark.clicked.connect(self.mark_completed)
        self.unmark.clicked.connect(self.unmark_completed)
        done_form.addRow(self.state)
        done_form.addRow("Confirmed &by:", self.confirmed_by)
        done_form.addRow("Da&y:", self.confirmed_on)
        row = QHBoxLayout()
        row.addWidget(self.mark)
        row.addWidget(self.unmark)
        done_form.addRow(row)
        self.membership = labelled_button("Leave out of this round…", "Leave out of this round")
        self.membership.clicked.connect(self.change_membership)
        done_form.addRow(self.membership)

        self.history = QPlainTextEdit()
        self.history.setReadOnly(True)
        self.history.setAccessibleName("History in this round")
        self.history.setTabChangesFocus(True)

        layout = QVBoxLayout(self)
        layout.addWidget(self.heading)
        layout.addWidget(self.details)
        layout.addWidget(contact)
        layout.addWidget(completion)
        history_label = QLabel("Hi&story in this round:")
        history_label.setBuddy(self.history)
        layout.addWidget(history_label)
        layout.addWidget(self.history, 1)
        self.setEnabled(False)

    def show_person(self, row: WhoNextRow | None) -> None:
        self.person = row
        self.setEnabled(row is not None)
        db, round_id = self.tab.section.db, self.tab.section.round_id()
        if row is None or db is None or round_id is None:
            self.heading.setText("Choose a person from the list")
            self.details.clear()
            self.history.clear()
            self.state.clear()
            return
        with db.session() as session:
            person = get_person(session, row.person_id)
            contacts = contact_history(session, row.person_id, round_id)
            state = completion_state(session, round_id, row.person_id)
        self.heading.setText(f"<h3>{escape(person.name or person.unique_id)}</h3>")
        flags = [label for key, label in FLAG_LABELS.items() if getattr(person, key)]
        if person.do_not_contact:
            flags[-1] = f"Do not contact: {person.do_not_contact_reason}"
        today = clock.today()
        if person.date_of_birth:
            age = f"{age_on(person.date_of_birth, today)} ({age_band(person.date_of_birth, today)})"
        else:
            age = "date of birth not recorded"
        lines = [
            f"Unique id: {person.unique_id} · PA: {person.pa_name or 'none'}",
            f"Age: {age}",
            f"Mobile: {person.phone or 'none'}",
            f"Email: {person.email or 'none'}",
            f"Prefers: {CHANNEL_LABELS.get(person.preferred_channel, 'not known')}",
        ]
        text = "<br>".join(escape(line) for line in lines)
        if flags:
            text += f"<br><b>{escape('; '.join(flags))}</b>"
        self.details.setText(text)
        self.details.setAccessibleDescription("\n".join([*lines, *flags]))
        # Sensible defaults: today, how they like to be reached, and the natural next purpose.
        current = self.tab.section.current_round()
        round_opens = current.opens_on if current else None
        for field, what in ((self.contacted_on, "contact"), (self.confirmed_on, "completion")):
            field.set_limits(
                round_opens,
                today,
                too_early=f"The round opened on {format_day(round_opens)}: a {what} in it "
                "cannot be dated before that.",
                too_late=f"That day has not come yet: a {what} is dated on or before today.",
            )
        self.contacted_on.setDate(today)
        channel = person.preferred_channel or "text"
        self.channel.setCurrentIndex(max(0, self.channel.findData(channel)))
        purpose = "warm-up" if not contacts else "reminder"
        self.purpose.setCurrentIndex(self.purpose.findData(purpose))
        self.outcome.setCurrentIndex(self.outcome.findData("no-reply"))
        self.note.clear()
        if state.completed:
            who = CONFIRMED_BY_PHRASES.get(state.confirmed_by, state.confirmed_by)
            self.state.setText(f"✓ Completed: confirmed by {who} on {_day(state.confirmed_on)}")
        elif not row.in_round:
            self.state.setText(f"Not in this round ({row.reason.lower()})")
        elif not row.eligible:
            self.state.setText(f"Not counted in this round: {row.reason or 'no reason given'}")
        else:
            self.state.setText("Not completed yet")
        self.mark.setEnabled(not state.completed and row.eligible)
        self.unmark.setEnabled(state.completed)
        self.confirmed_on.setDate(today)
        self.membership.setText(
            "Leave out of this round…" if row.eligible else "Count in this round…"
        )
        lines = []
        for c in contacts:
            note = f" — {c.note}" if c.note else ""
            lines.append(
                f"{format_day(c.contacted_on)}: {CHANNEL_LABELS.get(c.channel, c.channel)}, "
                f"{PURPOSE_LABELS.get(c.purpose, c.purpose)}, "
                f"{OUTCOME_LABELS.get(c.outcome, c.outcome)}{note}"
            )
        for h in reversed(state.history):
            if h.action == "marked":
                who = CONFIRMED_BY_PHRASES.get(h.confirmed_by, h.confirmed_by)
                lines.append(f"{format_day(h.changed_on)}: marked completed (confirmed by {who})")
            else:
                lines.append(f"{format_day(h.changed_on)}: completion taken back — {h.reason}")
        self.history.setPlainText("\n".join(lines) or "No contacts logged in this round yet.")

    def save_contact(self) -> None:
        db, round_id, row = self.tab.section.db, self.tab.section.round_id(), self.person
        if db is None or round_id is None or row is None:
            return
        try:
            contacted_on = self.contacted_on.date()
        except DateProblem:
            self.contacted_on.setFocus()
            return
        try:
            with db.transaction() as session:
                log_contact(
                    session,
                    round_id,
                    row.person_id,
                    contacted_on,
                    self.channel.currentData(),
                    self.purpose.currentData(),
                    self.outcome.currentData(),
                    self.note.text(),
                )
        except (ValueError, LookupError) as exc:
            QMessageBox.warning(self, "Contact not saved", str(exc))
            return
        who = row.name or row.unique_id
        message = f"Contact with {who} saved."
        if self.outcome.currentData() == "says-completed" and self.mark.isEnabled():
            # They said they have done it: offer to record it now rather than leave it to memory.
            answer = QMessageBox.question(
                self,
                "Record the completion?",
                f"{who} says they have completed the survey. Record the completion now, "
                f"confirmed by {CONFIRMED_BY_PHRASES['young-person']} on "
                f"{format_day(contacted_on)}?",
                QMessageBox.StandardButton.Yes | QMessageBox.StandardButton.No,
                QMessageBox.StandardButton.Yes,
            )
            if answer == QMessageBox.StandardButton.Yes:
                try:
                    with db.transaction() as session:
                        mark_completed(
                            session, round_id, row.person_id, "young-person", contacted_on
                        )
                except (ValueError, LookupError) as exc:
                    QMessageBox.warning(self, "Not marked", str(exc))
                else:
                    message = f"Contact with {who} saved, and the completion recorded."
        self.tab.section.status(message)
        self.tab.after_change(move_on=True, saved=row.person_id)

    def mark_completed(self) -> None:
        db, round_id, row = self.tab.section.db, self.tab.section.round_id(), self.person
        if db is None or round_id is None or row is None or not self.mark.isEnabled():
            return
        try:
            confirmed_on = self.confirmed_on.date()
        except DateProblem:
            self.confirmed_on.setFocus()
            return
        try:
            with db.transaction() as session:
                mark_completed(
                    session,
                    round_id,
                    row.person_id,
                    self.confirmed_by.currentData(),
                    confirmed_on,
                )
        except (ValueError, LookupError) as exc:
            QMessageBox.warning(self, "Not marked", str(exc))
            return
        self.tab.section.status(f"{row.name or row.unique_id} marked as completed.")
        self.tab.after_change(move_on=True, saved=row.person_id)

    def unmark_completed(self) -> None:
        db, round_id, row = self.tab.section.db, self.tab.section.round_id(), self.person
        if db is None or round_id is None or row is None:
            return
        reason = ask_reason(
            self,
            "Take back the completion",
            "Why is this completion being taken back? (kept in the history)",
        )
        if reason is None:
            return
        try:
            with db.transaction() as session:
                unmark_completed(session, round_id, row.person_id, reason, clock.today())
        except (ValueError, LookupError) as exc:
            QMessageBox.warning(self, "Not taken back", str(exc))
            return
        self.tab.section.status(f"Completion of {row.name or row.unique_id} taken back.")
        self.tab.after_change(move_on=False)

    def change_membership(self) -> None:
        db, round_id, row = self.tab.section.db, self.tab.section.round_id(), self.person
        if db is None or round_id is None or row is None:
            return
        leave_out = row.eligible
        title = "Leave out of this round" if leave_out else "Count in this round"
        reason = ask_reason(self, title, "Why? (kept with the round's figures)")
        if reason is None:
            return
        try:
            with db.transaction() as session:
                (exclude_person if leave_out else include_person)(
                    session, round_id, row.person_id, reason
                )
        except (ValueError, LookupError) as exc:
            QMessageBox.warning(self, title, str(exc))
            return
        who = row.name or row.unique_id
        self.tab.section.status(
            f"{who} left out of this round." if leave_out else f"{who} counted in this round."
        )
        self.tab.after_change(move_on=False)


class ContactsTab(QWidget):
    def __init__(self, section: SurveySection) -> None:
        super().__init__()
        self.section = section
        self.pa = QComboBox()
        self.pa.setAccessibleName("Whose list")
        self.pa.currentIndexChanged.connect(lambda _: self.refresh())
        self.everyone = QCheckBox(
            "Show &everyone (completed, not counted, do not contact, not in this round)"
        )
        self.everyone.setAccessibleName("Show everyone")
        self.everyone.toggled.connect(lambda _: self.refresh())
        self.search = QLineEdit()
        self.search.setAccessibleName("Find in the list")
        self.search.setPlaceholderText("Type a name or unique id")
        self.search.setClearButtonEnabled(True)
        self.count = QLabel()
        self.model = ListModel(PEOPLE_COLUMNS, self)
        self.proxy = SearchProxy(lambda r: f"{r.name} {r.unique_id}", self)
        self.proxy.setSourceModel(self.model)
        self.search.textChanged.connect(self.proxy.set_search)
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
        top.addRow("&Whose list:", self.pa)
        top.addRow("&Find:", self.search)
        left_layout.addLayout(top)
        left_layout.addWidget(self.everyone)
        label = QLabel(
            "Who next (never contacted first, then the longest since a contact; "
            "Ctrl+L comes back here):"
        )
        label.setWordWrap(True)
        left_layout.addWidget(label)
        left_layout.addWidget(self.view, 1)
        left_layout.addWidget(self.count)
        splitter = QSplitter()
        splitter.addWidget(left)
        splitter.addWidget(self.panel)
        splitter.setStretchFactor(0, 3)
        splitter.setStretchFactor(1, 2)
        layout = QVBoxLayout(self)
        layout.addWidget(splitter)

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

    def refresh(self, keep_row: int | None = None) -> None:
        db, round_id = self.section.db, self.section.round_id()
        if db is None or round_id is None:
            self.model.set_rows([])
            self.panel.show_person(None)
            self.count.setText("Open a round first.")
            return
        chosen = self.panel.person.person_id if self.panel.person else None
        with db.session() as session:
            rows = round_people(session, round_id, self.pa.currentData(), self.everyone.isChecked())
        self.model.set_rows(rows)
        if len(rows) < 2000:
            self.view.resizeColumnsToContents()
            # Flags can pile up; past a few words the cell shows the rest as a tooltip.
            widest = self.view.fontMetrics().horizontalAdvance("Interpreter; Young parent")
            flags = PEOPLE_COLUMNS.index(FLAGS_COLUMN)
            self.view.setColumnWidth(flags, min(self.view.columnWidth(flags), widest))
        self.count.setText(f"{len(rows)} people in this list")
        target = None
        if keep_row is not None and self.proxy.rowCount():
            target = self.proxy.index(min(keep_row, self.proxy.rowCount() - 1), 0)
        elif chosen is not None:
            for number, row in enumerate(rows):
                if row.person_id == chosen:
                    target = self.proxy.mapFromSource(self.model.index(number, 0))
                    break
        if target is not None and target.isValid():
            self.view.selectionModel().setCurrentIndex(
                target,
                QItemSelectionModel.SelectionFlag.ClearAndSelect
                | QItemSelectionModel.SelectionFlag.Rows,
            )
            self._chosen(target)
        else:
            self.panel.show_person(None)

    def _chosen(self, index) -> None:
        self.panel.show_person(index.data(ROW_ROLE) if index.isValid() else None)

    def after_change(self, move_on: bool, saved: int | None = None) -> None:
        """Redraw after a save; after logging a contact, go on down the list to the person who
        came after the one just saved, never back to them (once everyone has been contacted
        today the list keeps its order, and the end of it is said)."""
        ids_before = [self.model.row(r).person_id for r in self._shown_rows()]
        # The section marks the other views stale; this list is redrawn once, here.
        self.section.changed(register=False, redraw=False)
        if not move_on or self.everyone.isChecked() or saved not in ids_before:
            self.refresh()
            return
        after = ids_before[ids_before.index(saved) + 1 :]
        self.refresh()
        shown = {self.model.row(r).person_id: r for r in self._shown_rows()}
        following = next((pid for pid in after if pid in shown and pid != saved), None)
        if following is None:
            self.select_person(saved)
            self.section.status(
                self.section.message.text()
                + " That was the last person in this list: you have reached the end of it."
            )
        else:
            self.select_person(following)
        self.view.setFocus()

    def _shown_rows(self) -> list[int]:
        """The model rows in the order the list shows them (after the find box's filter)."""
        return [
            self.proxy.mapToSource(self.proxy.index(r, 0)).row()
            for r in range(self.proxy.rowCount())
        ]

    def select_person(self, person_id: int) -> None:
        for r in self._shown_rows():
            if self.model.row(r).person_id == person_id:
                target = self.proxy.mapFromSource(self.model.index(r, 0))
                self.view.selectionModel().setCurrentIndex(
                    target,
                    QItemSelectionModel.SelectionFlag.ClearAndSelect
                    | QItemSelectionModel.SelectionFlag.Rows,
                )
                self.view.scrollTo(target)
                self._chosen(target)
                return


class DashboardTab(QWidget):
    def __init__(self, section: SurveySection) -> None:
        super().__init__()
        self.section = section
        self.headline = QLabel()
        self.headline.setAccessibleName("Round figures")
        self.headline.setWordWrap(True)
        self.headline.setFocusPolicy(Qt.FocusPolicy.StrongFocus)
        self.chart = CompletionsChart()
        self.tables: dict[str, tuple[ListModel, QTableView]] = {}
        grid = QGridLayout()
        for number, title in enumerate(
            ("Personal adviser", "Age band", "Gender", "Accommodation type")
        ):
            model = ListModel(group_columns(title, self._overall_rate), self)
            view = table_view(model, f"By {title.lower()}", sortable=False)
            view.horizontalHeader().setStretchLastSection(False)
            view.horizontalHeader().setSectionResizeMode(0, QHeaderView.ResizeMode.Stretch)
            box = QGroupBox(f"By {title.lower()}")
            QVBoxLayout(box).addWidget(view)
            grid.addWidget(box, number // 2, number % 2)
            self.tables[title] = (model, view)
        self.quiet_days = QSpinBox()
        self.quiet_days.setRange(1, 365)
        self.quiet_days.setValue(14)
        self.quiet_days.setSuffix(" days")
        self.quiet_days.setAccessibleName("Not contacted in the last")
        self.quiet_days.valueChanged.connect(lambda _: self.refresh())
        self.quiet_model = ListModel(QUIET_COLUMNS, self)
        self.quiet_view = table_view(
            self.quiet_model, "People not contacted lately", sortable=False
        )
        self.quiet_label = QLabel()
        quiet_box = QGroupBox("Not contacted lately (eligible, not completed, may be contacted)")
        quiet_layout = QVBoxLayout(quiet_box)
        row = QHBoxLayout()
        label = QLabel("No contact in the &last:")
        label.setBuddy(self.quiet_days)
        row.addWidget(label)
        row.addWidget(self.quiet_days)
        row.addWidget(self.quiet_label, 1)
        quiet_layout.addLayout(row)
        quiet_layout.addWidget(self.quiet_view)
        grid.addWidget(self.chart, 2, 0)
        grid.addWidget(quiet_box, 2, 1)
        layout = QVBoxLayout(self)
        layout.addWidget(self.headline)
        layout.addLayout(grid, 1)
        self.board: Dashboard | None = None

    def _overall_rate(self) -> float | None:
        return self.board.overall.rate if self.board else None

    def refresh(self) -> None:
        db, round_id = self.section.db, self.section.round_id()
        if db is None or round_id is None:
            self.headline.setText("Open a round to see its figures.")
            return
        with db.session() as session:
            board = dashboard(session, round_id, quiet_days=self.quiet_days.value())
        self.board = board
        overall = board.overall
        self.headline.setText(
            f"<h3>{escape(board.round.name)}</h3><p><b>{overall.eligible}</b> eligible · "
            f"<b>{overall.completed}</b> completed · response rate <b>{_rate(overall.rate)}</b>"
            f" · closes {format_day(board.round.closes_on)}</p><p>Real counts, for staff: "
            "small groups are hidden only in exported returns.</p>"
        )
        self.headline.setAccessibleDescription(
            f"{overall.eligible} eligible, {overall.completed} completed, response rate "
            f"{_rate(overall.rate)}"
        )
        groups: dict[str, tuple[GroupFigures, ...]] = board.breakdowns()
        for title, (model, view) in self.tables.items():
            model.set_rows(groups[title])
            for column in range(1, model.columnCount()):
                view.resizeColumnToContents(column)
        self.chart.set_data(
            list(board.over_time), board.round.opens_on, board.round.closes_on, overall.eligible
        )
        self.quiet_model.set_rows(board.not_contacted)
        self.quiet_view.resizeColumnsToContents()
        self.quiet_label.setText(f"{len(board.not_contacted)} people")


class SurveySection(Section):
    title = "Survey outreach"

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        heading = QLabel(f"<h2>{self.title}</h2>")
        self.round = QComboBox()
        self.round.setAccessibleName("Survey round")
        self.round.currentIndexChanged.connect(self._round_chosen)
        self.open_button = labelled_button("&Open a round…", "Open a round")
        self.close_button = labelled_button("&Close round", "Close the round")
        self.notify_button = labelled_button("GOV.UK &Notify list…", "GOV.UK Notify list")
        self.erase_button = labelled_button("Erase contact &details…", "Erase contact details")
        self.open_button.clicked.connect(self.open_round)
        self.close_button.clicked.connect(self.toggle_closed)
        self.notify_button.clicked.connect(self.notify_list)
        self.erase_button.clicked.connect(self.erase)
        bar = QHBoxLayout()
        round_label = QLabel("&Round:")
        round_label.setBuddy(self.round)
        bar.addWidget(round_label)
        bar.addWidget(self.round, 1)
        for b in (self.open_button, self.close_button, self.notify_button, self.erase_button):
            bar.addWidget(b)

        self.register_tab = RegisterTab(self)
        self.contacts_tab = ContactsTab(self)
        self.dashboard_tab = DashboardTab(self)
        self.tabs = QTabWidget()
        self.tabs.setAccessibleName("Survey outreach views")
        self.tabs.addTab(self.contacts_tab, "Contacts and &who next")
        self.tabs.addTab(self.register_tab, "Re&gister")
        self.tabs.addTab(self.dashboard_tab, "Das&hboard")
        self.tabs.currentChanged.connect(self._tab_shown)
        self.message = QLabel()
        self.message.setAccessibleName("Last action")
        content = QWidget()
        inner = QVBoxLayout(content)
        inner.addWidget(heading)
        inner.addLayout(bar)
        inner.addWidget(self.tabs, 1)
        inner.addWidget(self.message)
        # On a small laptop screen (or with large system fonts) the section scrolls rather than
        # forcing the window to grow past the screen.
        scroll = QScrollArea()
        scroll.setWidget(content)
        scroll.setWidgetResizable(True)
        scroll.setFrameShape(QFrame.Shape.NoFrame)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(scroll)
        self.rounds: list[RoundSummary] = []
        self._stale = {"register", "contacts", "dashboard"}
        self.setFocusProxy(self.tabs)

    # Database and rounds ---------------------------------------------------------------------

    def set_database(self, db: Database | None) -> None:
        super().set_database(db)
        self._stale = {"register", "contacts", "dashboard"}
        self.load_rounds()

    def round_id(self) -> int | None:
        value = self.round.currentData()
        return int(value) if value is not None else None

    def current_round(self) -> RoundSummary | None:
        rid = self.round_id()
        return next((r for r in self.rounds if r.id == rid), None)

    def load_rounds(self, choose: int | None = None) -> None:
        if self.db is None:
            return
        with self.db.session() as session:
            self.rounds = list_rounds(session)
        keep = choose if choose is not None else self.round_id()
        self.round.blockSignals(True)
        self.round.clear()
        for r in reversed(self.rounds):  # newest first
            self.round.addItem(r.title, r.id)
        index = self.round.findData(keep) if keep is not None else 0
        self.round.setCurrentIndex(max(0, index))
        self.round.blockSignals(False)
        self._round_chosen()

    def _round_chosen(self, *_: object) -> None:
        current = self.current_round()
        has = current is not None
        for b in (self.close_button, self.notify_button, self.erase_button):
            b.setEnabled(has)
        if current:
            self.close_button.setText("Re&open round" if current.closed else "&Close round")
            self.erase_button.setEnabled(current.closed)
            self.notify_button.setEnabled(not current.closed)
            # Why a button is greyed out, in words (read by screen readers too).
            erase_why = "" if current.closed else "Close the round before erasing its details."
            notify_why = "The round is closed: no one is reminded." if current.closed else ""
            for button, why in ((self.erase_button, erase_why), (self.notify_button, notify_why)):
                button.setToolTip(why)
                button.setAccessibleDescription(why)
            if self.db is not None:
                with self.db.session() as session:
                    self.contacts_tab.set_pas(round_pa_names(session, current.id))
        self._stale |= {"contacts", "dashboard"}
        self._tab_shown()

    def changed(self, register: bool = True, redraw: bool = True) -> None:
        """Something was saved: mark the views stale and redraw the one on screen (unless the
        caller redraws it itself, as the contacts list does to keep its place)."""
        self._stale |= {"contacts", "dashboard"} | ({"register"} if register else set())
        if not redraw:
            self._stale.discard(self._current_name())
        rid = self.round_id()
        if self.db is not None:
            with self.db.session() as session:
                self.rounds = list_rounds(session)
            if rid is not None:
                index = self.round.findData(rid)
                current = self.current_round()
                if index >= 0 and current:
                    self.round.setItemText(index, current.title)
        self._tab_shown()

    def _current_name(self) -> str:
        return {
            self.register_tab: "register",
            self.contacts_tab: "contacts",
            self.dashboard_tab: "dashboard",
        }[self.tabs.currentWidget()]

    def _tab_shown(self, *_: object) -> None:
        widget = self.tabs.currentWidget()
        name = self._current_name()
        if name in self._stale and self.db is not None:
            self._stale.discard(name)
            widget.refresh()

    def status(self, text: str) -> None:
        self.message.setText(text)

    # Actions --------------------------------------------------------------------------------

    def open_round(self) -> None:
        if self.db is None:
            return
        dialog = OpenRoundDialog(self)
        while dialog.exec():
            try:
                with self.db.transaction() as session:
                    opened = open_round(
                        session,
                        dialog.name.text(),
                        *dialog.dates(),
                    ).value
            except ValueError as exc:
                QMessageBox.warning(self, "Round not opened", str(exc))
                continue
            self.status(f"Opened {opened.name}: {opened.eligible} people eligible.")
            self.load_rounds(choose=opened.id)
            return

    def toggle_closed(self) -> None:
        current = self.current_round()
        if self.db is None or current is None:
            return
        try:
            with self.db.transaction() as session:
                set_round_closed(session, current.id, not current.closed)
        except LookupError as exc:
            QMessageBox.warning(self, "Round not changed", str(exc))
            return
        self.status(f"{current.name} {'reopened' if current.closed else 'closed'}.")
        self.load_rounds(choose=current.id)

    def notify_list(self) -> None:
        from nbdesk.ui.survey.notify_dialog import NotifyDialog

        rid = self.round_id()
        if self.db is None or rid is None:
            return
        self.notify_dialog = NotifyDialog(self.db, rid, self, self.authority)
        self.notify_dialog.open()

    def erase(self) -> None:
        current = self.current_round()
        if self.db is None or current is None:
            return
        with self.db.session() as session:
            plan = erasure_plan(session, current.id)
        box = QMessageBox(
            QMessageBox.Icon.Warning,
            "Erase contact details",
            plan.description(),
            QMessageBox.StandardButton.Cancel,
            self,
        )
        erase = box.addButton("Erase them", QMessageBox.ButtonRole.DestructiveRole)
        box.setDefaultButton(QMessageBox.StandardButton.Cancel)
        box.setAccessibleName("Erase contact details")
        box.exec()
        if box.clickedButton() is not erase:
            return
        try:
            with self.db.transaction() as session:
                done = erase_contact_details(session, current.id, clock.today()).value
        except ValueError as exc:
            QMessageBox.warning(self, "Nothing erased", str(exc))
            return
        self.status(
            f"Erased {done.notes} contact note(s), {done.phones} mobile number(s) and "
            f"{done.emails} email address(es)."
        )
        self.changed()
        self.load_rounds(choose=current.id)
