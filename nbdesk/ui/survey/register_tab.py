"""The care leaver register: find, add and edit people, and import a list."""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING, Any

from PySide6.QtGui import QKeySequence, QShortcut
from PySide6.QtWidgets import QHBoxLayout, QLabel, QLineEdit, QVBoxLayout, QWidget

from nbdesk.common.dates import format_day
from nbdesk.survey.register import (
    CHANNEL_LABELS,
    Person,
    PersonFields,
    RegisterRow,
    add_person,
    get_person,
    register_ids,
    register_rows,
    register_size,
    update_person,
    values_in_use,
)
from nbdesk.ui.file_dialogs import ask_open_path
from nbdesk.ui.survey.common import (
    clear_on_escape,
    down_into,
    labelled_button,
    on_enter,
    people,
    table_view,
)
from nbdesk.ui.survey.dialogs import SUGGESTED_FIELDS, PersonDialog
from nbdesk.ui.table_models import ROW_ROLE, Column, LazyRowsModel

if TYPE_CHECKING:
    from sqlalchemy.orm import Session

    from nbdesk.ui.survey.section import SurveySection

# What a PA reaches for first (who, their PA, flags, how to reach them) comes before the rest, so
# it is on screen without scrolling sideways.
REGISTER_COLUMNS = [
    Column("Name", lambda r: r.name, field="name"),
    Column("Known as", lambda r: r.preferred_name, field="preferred_name"),
    Column("Unique id", lambda r: r.unique_id, field="unique_id"),
    Column("PA", lambda r: r.pa_name, field="pa_name"),
    Column("Flags", lambda r: r.flags),
    Column("Phone", lambda r: r.phone, field="phone"),
    Column("Email", lambda r: r.email, field="email"),
    Column(
        "Prefers", lambda r: CHANNEL_LABELS.get(r.preferred_channel, ""), field="preferred_channel"
    ),
    Column("Date of birth", lambda r: format_day(r.date_of_birth), field="date_of_birth"),
    Column("Gender", lambda r: r.gender, field="gender"),
    Column("Accommodation", lambda r: r.accommodation, field="accommodation"),
    Column("Team", lambda r: r.team, field="team"),
]


class RegisterTab(QWidget):
    def __init__(self, section: SurveySection) -> None:
        super().__init__()
        self.section = section
        self.search = QLineEdit()
        self.search.setAccessibleName("Find people")
        self.search.setPlaceholderText("Type a name, unique id or PA")
        self.search.setClearButtonEnabled(True)
        clear_on_escape(self.search)
        self.count = QLabel()
        self.count.setAccessibleDescription("People shown")
        self.sort_field, self.descending = "name", False
        self.model = LazyRowsModel(REGISTER_COLUMNS, self._request_rows, self._resort, self)
        self.model.dataChanged.connect(self._rows_arrived)
        self.view = table_view(self.model, "Care leaver register")
        # Columns are sized from the rows on screen: every row's every cell would be read (through
        # Python) to size them otherwise, a quarter of a second on the UI thread for 200 people.
        self.view.horizontalHeader().setResizeContentsPrecision(0)
        # Enough rows to work down, as the Contacts tab's list: at twice the font on a new file
        # the register was squeezed to one row, the section scrolling round it.
        self.view.setMinimumHeight(self.view.fontMetrics().lineSpacing() * 10)
        self.total = 0
        self.sized = False
        self.keep: int | None = None  # the person to keep chosen when the list is read again
        # A person just added: chosen once the list shows them, whatever row was chosen before
        # (the refreshes their save sets off had put the old row back in `keep`).
        self.newly_added = False
        self.view.doubleClicked.connect(lambda _: self.edit())
        self.search.textChanged.connect(lambda _text: self.refresh())
        self.search.returnPressed.connect(self.view.setFocus)
        down_into(self.search, self.view)
        self.import_button = labelled_button("I&mport a list…", "Import a list…")
        self.add_button = labelled_button("&Add a person…", "Add a person")
        self.edit_button = labelled_button("&Edit…", "Edit the chosen person")
        self.import_button.clicked.connect(self.choose_import)
        self.add_button.clicked.connect(self.add)
        self.edit_button.clicked.connect(self.edit)
        QShortcut(QKeySequence("Ctrl+F"), self, activated=self.search.setFocus)
        # Said, not silent: a PA used to Ctrl+Z in the Contacts tab pressed it here to no effect.
        QShortcut(QKeySequence.StandardKey.Undo, self, activated=self._nothing_to_undo)
        on_enter(self.view, self.edit)

        top = QHBoxLayout()
        find = QLabel("F&ind:")
        find.setBuddy(self.search)
        top.addWidget(find)
        top.addWidget(self.search, 1)
        top.addWidget(self.count)
        # The buttons above the list, so a small screen never hides them below it.
        buttons = QHBoxLayout()
        for b in (self.import_button, self.add_button, self.edit_button):
            buttons.addWidget(b)
        buttons.addStretch(1)
        layout = QVBoxLayout(self)
        layout.addLayout(buttons)
        layout.addLayout(top)
        layout.addWidget(self.view, 1)

    # Reading ----------------------------------------------------------------------------------

    def refresh(self) -> None:
        ops = self.section.ops
        if ops is None:
            return
        current = self.view.currentIndex()
        if current.isValid() and not self.newly_added:
            self.keep = self.model.ids[current.row()]
        search, field, descending = self.search.text(), self.sort_field, self.descending

        def read(session: Session) -> tuple[int, list[int], list[Any]]:
            # The first page's rows with the ids: the list is painted once, filled, and sized.
            ids = register_ids(session, search, field, descending)
            return register_size(session), ids, register_rows(session, ids[: LazyRowsModel.PAGE])

        ops.read(
            self,
            read,
            lambda found: self._listed(*found, column=max(0, current.column()), search=search),
            key=f"register-{id(self)}",
        )

    def _listed(
        self, total: int, ids: list[int], first: list[Any], column: int, search: str
    ) -> None:
        self.total = total
        self.model.set_ids(ids, first)
        self._rows_arrived()
        if self.keep is not None and self.keep in self.model.positions:
            # Keep the person just edited (or re-sorted) chosen, so the keyboard keeps its place.
            self.view.setCurrentIndex(self.model.index(self.model.positions[self.keep], column))
            self.newly_added = False
        elif not search:  # the whole register read, and they are not on it (removed since)
            self.newly_added = False
        self._update_count()

    def _request_rows(self, ids: list[int], deliver: Any) -> None:
        ops = self.section.ops
        if ops is not None:
            ops.read(self, lambda session: register_rows(session, ids), deliver)

    def _rows_arrived(self, *_args: object) -> None:
        # Once, when the first rows are here and on screen (a hidden view would be sized from
        # every row, not those shown).
        if not self.sized and self.model.ids and self.view.isVisible():
            self.view.resizeColumnsToContents()
            self.sized = True

    def _resort(self, field: str, descending: bool) -> None:
        self.sort_field, self.descending = field, descending
        self.refresh()

    def _update_count(self) -> None:
        shown = self.model.rowCount()
        total = self.total
        self.count.setText(f"{shown} of {people(total)}" if shown != total else people(total))

    def current(self) -> RegisterRow | None:
        index = self.view.currentIndex()
        return index.data(ROW_ROLE) if index.isValid() else None

    # Adding and editing ------------------------------------------------------------------------

    def add(self) -> None:
        self._edit_dialog(None)

    def _nothing_to_undo(self) -> None:
        self.section.status(
            "Nothing to undo in the register: put a person's details right with Edit… (Enter on "
            "them). Ctrl+Z takes back a contact or a completion in the Contacts tab."
        )

    def edit(self) -> None:
        index = self.view.currentIndex()
        if index.isValid():
            self._edit_dialog(self.model.ids[index.row()])

    def _edit_dialog(self, person_id: int | None) -> None:
        ops = self.section.ops
        if ops is None:
            return
        ops.read(
            self,
            lambda session: (
                get_person(session, person_id) if person_id else None,
                values_in_use(session, SUGGESTED_FIELDS),
            ),
            lambda found: self._open_dialog(person_id, *found),
            title="Reading the person's record",
        )

    def _open_dialog(
        self, person_id: int | None, person: Person | None, suggestions: dict[str, list[str]]
    ) -> None:
        ops = self.section.ops
        assert ops is not None
        dialog = PersonDialog(person, self, suggestions)

        def save(fields: PersonFields) -> None:
            def work(session: Any) -> Any:
                if person_id is None:
                    return add_person(session, fields)
                return update_person(session, person_id, fields)

            def saved(result: Any) -> None:
                said = f"Saved {fields.name or fields.unique_id}."
                if person_id is None:
                    self.keep, self.newly_added = result.value, True
                    if self.search.text():
                        # Shown and chosen, not hidden by what the find box held (a tester's
                        # new person was nowhere to be seen).
                        self.search.clear()
                        said += " The find box was cleared to show them."
                elif result.members:  # survey.membership: counted again by their corrected age
                    said += " Their corrected age changes whether an open round counts them."
                self.section.status(said)
                dialog.saved()

            ops.write(dialog, work, saved, failed=dialog.not_saved, title="Saving the person")

        dialog.submit = save
        self.person_dialog = dialog
        dialog.exec()

    # Importing --------------------------------------------------------------------------------

    def choose_import(self) -> None:
        if self.section.ops is None:
            return
        path = ask_open_path(
            self, "Import a care leaver list", "register", "Lists (*.xlsx *.csv);;All files (*)"
        )
        if path is not None:
            self.start_import(path)

    def start_import(self, path: Path) -> None:
        from nbdesk.survey.register_columns import read_register_file, workbook_sheets
        from nbdesk.survey.register_import import preview_import

        ops = self.section.ops
        assert ops is not None

        def work(session: Any, progress: Any) -> Any:
            progress.report(0, 0, f"Reading {path.name}…")
            table = read_register_file(path)
            progress.report(0, 0, "Checking every row…")
            return path, workbook_sheets(path), table, preview_import(session, table)

        ops.run(self, f"Reading {path.name}", work, self._preview_ready)

    def _preview_ready(self, result: Any) -> None:
        from nbdesk.ui.survey.import_dialog import ImportDialog

        path, sheets, table, preview = result
        ops = self.section.ops
        assert ops is not None
        self.import_dialog = ImportDialog(ops, table, preview, self, path, sheets)
        self.import_dialog.finished.connect(self._import_finished)
        self.import_dialog.open()

    def _import_finished(self) -> None:
        result = self.import_dialog.result
        if result is None:
            return
        parts = [f"Imported: {result.added} added, {result.updated} updated"]
        if result.warned:
            parts.append(f"{result.warned} with a detail left blank or a landline")
        if result.recounted:  # survey.membership
            parts.append(f"{result.recounted} counted again in an open round by a corrected age")
        if result.skipped_rows:
            rows = "row" if result.skipped_rows == 1 else "rows"
            parts.append(f"{result.skipped_rows} {rows} with no usable unique id left out")
        self.section.status("; ".join(parts) + ".")
        self.sized = False  # new people: measure the columns again when their rows arrive
