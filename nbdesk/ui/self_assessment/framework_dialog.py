"""Loading a framework from the window (File › Load framework…, or the New assessment dialog).

The file is read and checked on the worker thread. The dialog then shows what it holds (name,
version, each area with its number of statements, the total and the rating scale) or every fault by
row and column (a TOML file: by key), and stores nothing until Load is pressed. A framework already
stored under the same name and version with other statements is refused with a clear message.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, replace
from pathlib import Path
from typing import Any

from PySide6.QtCore import Qt, QTimer, Signal
from PySide6.QtWidgets import (
    QAbstractItemView,
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QHeaderView,
    QLabel,
    QLineEdit,
    QStackedWidget,
    QTableView,
    QVBoxLayout,
    QWidget,
)

from nbdesk.common.errors import is_plain
from nbdesk.forms.framework import FrameworkDef, FrameworkError, FrameworkFault
from nbdesk.forms.store import FrameworkConflictError, StoreResult
from nbdesk.ui.dialogs import show_error
from nbdesk.ui.file_dialogs import ask_open_path
from nbdesk.ui.fit import Scroller, fit_to_screen
from nbdesk.ui.ops import Ops
from nbdesk.ui.table_models import RIGHT, Column, ListModel

FILE_FILTER = "Framework files (*.toml *.xlsx *.xlsm *.csv);;All files (*)"
PRACTICE_NOTE = (
    "practice text written for nbdesk, not the real statements. Use it to try a workshop, "
    "not for a return"
)


@dataclass(frozen=True)
class FrameworkCheck:
    """What the worker found in a file: the framework, or every fault; and what is already held."""

    path: Path
    definition: FrameworkDef | None
    faults: tuple[FrameworkFault, ...]
    names_itself: bool  # a TOML file names itself; a spreadsheet is given a name and version
    loaded: frozenset[tuple[str, str]]  # (name, version) of the frameworks already in the file


def check_framework_file(session: Any, path: Path) -> FrameworkCheck:
    from nbdesk.forms.spreadsheet import load_any_framework, names_itself
    from nbdesk.forms.store import list_frameworks

    definition: FrameworkDef | None = None
    faults: tuple[FrameworkFault, ...] = ()
    try:
        definition = load_any_framework(path)
    except FrameworkError as exc:
        faults = exc.faults
    except OSError as exc:  # a file that went away or is locked between choosing and reading
        faults = (FrameworkFault(path.name, f"cannot be read ({exc.strerror or exc})."),)
    loaded = frozenset((f.name, f.version) for f in list_frameworks(session))
    return FrameworkCheck(path, definition, faults, names_itself(path), loaded)


@dataclass(frozen=True)
class _AreaRow:
    number: str
    title: str
    statements: int


AREA_COLUMNS = [
    Column("Area", lambda a: a.number, align=RIGHT),
    Column("Title", lambda a: a.title),
    Column("Statements", lambda a: str(a.statements), align=RIGHT),
]


def fault_row(fault: FrameworkFault) -> str:
    if fault.row is not None:
        return str(fault.row)
    if fault.line is not None:
        return f"line {fault.line}"
    return "–"


FAULT_COLUMNS = [
    Column("Row", fault_row, sort=lambda f: f.row or f.line or 0, align=RIGHT),
    Column("Column or key", lambda f: f.column or f.key or "(whole file)"),
    Column("Problem", lambda f: f.problem),
]


def scale_text(definition: FrameworkDef) -> str:
    points = ", ".join(f"{p.points} {p.label}" for p in definition.scale)
    return f"{points}; each area also gets an overall rating out of {definition.overall_out_of}."


class LoadFrameworkDialog(QDialog):
    """The preview of one file, then storing it. `loaded` carries the stored framework's id and
    a sentence saying what happened, for the window that opened the dialog to show."""

    loaded = Signal(int, str)

    def __init__(self, ops: Ops, path: Path, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.ops = ops
        self.path = Path(path)
        self.check: FrameworkCheck | None = None
        self.framework_id: int | None = None
        self.storing = False
        title = f"Load a framework from {self.path.name}"
        self.setWindowTitle(title)
        self.setAccessibleName(title)

        self.summary = QLabel(f"Reading and checking {self.path.name}…")
        self.summary.setWordWrap(True)
        self.summary.setTextFormat(Qt.TextFormat.RichText)
        self.summary.setAccessibleName("What the file holds")
        self.summary.setFocusPolicy(Qt.FocusPolicy.StrongFocus)
        self.summary.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByKeyboard)

        self.file_label = QLabel(str(self.path))
        self.file_label.setWordWrap(True)
        self.file_label.setAccessibleName(f"File: {self.path}")
        self.file_label.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.name = QLineEdit()
        self.name.setAccessibleName("Framework name")
        self.version = QLineEdit()
        self.version.setAccessibleName("Framework version")
        self.naming_note = QLabel()
        self.naming_note.setWordWrap(True)
        self.naming_note.setAccessibleName("About the name and version")
        self.scale = QLabel("–")
        self.scale.setWordWrap(True)
        self.scale.setAccessibleName("Rating scale")
        self.form = form = QFormLayout()
        form.addRow("File:", self.file_label)
        form.addRow("&Name:", self.name)
        form.addRow("&Version:", self.version)
        form.addRow("", self.naming_note)
        form.addRow("Rating scale:", self.scale)
        for field in (self.name, self.version):
            field.setEnabled(False)
            field.textChanged.connect(self._naming_changed)

        # A long problem wraps: each row as tall as its text once the columns have their widths.
        self._fit_rows = QTimer(self)
        self._fit_rows.setSingleShot(True)
        self._fit_rows.setInterval(0)
        self._fit_rows.timeout.connect(self._resize_rows)
        self.area_model: ListModel[_AreaRow] = ListModel(AREA_COLUMNS, self)
        self.areas = self._table(self.area_model, "Areas and their statements", 1)
        areas_label = QLabel("&Areas and their statements:")
        areas_label.setBuddy(self.areas)
        self.fault_model: ListModel[FrameworkFault] = ListModel(FAULT_COLUMNS, self)
        self.faults = self._table(self.fault_model, "Faults in the file", 2)
        faults_label = QLabel("&Faults, by row and column (nothing is stored until all are fixed):")
        faults_label.setWordWrap(True)
        faults_label.setBuddy(self.faults)
        self.pages = QStackedWidget()
        for label, table in ((areas_label, self.areas), (faults_label, self.faults)):
            page = QWidget()
            column = QVBoxLayout(page)
            column.setContentsMargins(0, 0, 0, 0)
            column.addWidget(label)
            column.addWidget(table, 1)
            self.pages.addWidget(page)

        self.buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Cancel)
        self.load_button = self.buttons.addButton("&Load", QDialogButtonBox.ButtonRole.AcceptRole)
        self.load_button.setAccessibleName("Load the framework into this authority's file")
        self.load_button.setEnabled(False)
        cancel = self.buttons.button(QDialogButtonBox.StandardButton.Cancel)
        cancel.setAccessibleName(f"{cancel.text().replace('&', '')}: store nothing")
        self.buttons.accepted.connect(self.load)
        self.buttons.rejected.connect(self.reject)

        content = QVBoxLayout()
        content.addWidget(self.summary)
        content.addLayout(form)
        content.addWidget(self.pages, 1)
        layout = QVBoxLayout(self)
        layout.addWidget(Scroller(content), 1)
        layout.addWidget(self.buttons)
        self.load_button.setDefault(True)  # once in the dialog, or Qt does not register it
        line = self.fontMetrics().height()
        fit_to_screen(self, line * 46, line * 36)
        self._start_check()

    def _table(self, model: ListModel[Any], name: str, stretch: int) -> QTableView:
        table = QTableView()
        table.setModel(model)
        table.setAccessibleName(name)
        table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        table.setTabKeyNavigation(False)
        table.setWordWrap(True)
        table.verticalHeader().hide()
        header = table.horizontalHeader()
        header.setSectionResizeMode(QHeaderView.ResizeMode.ResizeToContents)
        header.setSectionResizeMode(stretch, QHeaderView.ResizeMode.Stretch)
        header.sectionResized.connect(self._columns_resized)
        return table

    def _columns_resized(self, *_args: object) -> None:
        self._fit_rows.start()

    def _resize_rows(self) -> None:
        self.areas.resizeRowsToContents()
        self.faults.resizeRowsToContents()

    # Checking ---------------------------------------------------------------------------------

    def _start_check(self) -> None:
        path = self.path

        def failed(exc: Exception) -> None:
            fault = FrameworkFault(path.name, f"could not be checked: {exc}")
            self._checked(FrameworkCheck(path, None, (fault,), False, frozenset()))

        self.ops.read(
            self,
            lambda session: check_framework_file(session, path),
            self._checked,
            failed=failed,
            title=f"Checking {path.name}",
        )

    def _checked(self, check: FrameworkCheck) -> None:
        self.check = check
        definition = check.definition
        if definition is None:
            count = len(check.faults)
            self._say(
                f"<p>⚠ <b>{self.path.name} cannot be loaded</b>: {count} "
                f"{'fault' if count == 1 else 'faults'}, listed below by row and column"
                f"{' (or key)' if check.names_itself else ''}. Fix the file and load it again. "
                "Nothing has been stored.</p>"
            )
            self.fault_model.set_rows(check.faults)
            self.faults.resizeRowsToContents()
            self.pages.setCurrentIndex(1)
            for row in (self.name, self.version, self.naming_note, self.scale):
                self.form.setRowVisible(row, False)  # nothing to name or rate until it is fixed
            self.faults.setFocus()
            return
        rows = [_AreaRow(str(a.number), a.title, len(a.statements)) for a in definition.areas]
        rows.append(_AreaRow("", "Total", definition.statement_count))
        self.area_model.set_rows(rows)
        self.areas.resizeRowsToContents()
        self.pages.setCurrentIndex(0)
        self.scale.setText(scale_text(definition))
        self.scale.setAccessibleName(f"Rating scale: {scale_text(definition)}")
        self.name.setText(definition.name)
        self.version.setText(definition.version)
        for field in (self.name, self.version):
            field.setEnabled(True)
            field.setReadOnly(check.names_itself)
        practice = (
            f"<p>⚠ <b>A demonstration framework</b>: {PRACTICE_NOTE}.</p>"
            if definition.demonstration
            else ""
        )
        self._say(
            f"<p><b>The file is fine</b>: {len(definition.areas)} areas, "
            f"{definition.statement_count} statements. Check them below, then Load stores the "
            "framework in this authority's file; Cancel stores nothing.</p>" + practice
        )
        self._naming_changed()
        self.load_button.setFocus()

    def _say(self, html: str) -> None:
        from PySide6.QtGui import QTextDocumentFragment

        self.summary.setText(html)
        self.summary.setAccessibleDescription(QTextDocumentFragment.fromHtml(html).toPlainText())

    def _naming_changed(self, *_args: object) -> None:
        check = self.check
        if check is None or check.definition is None:
            self.load_button.setEnabled(False)
            return
        name, version = self.name.text().strip(), self.version.text().strip()
        if check.names_itself:
            note = "The name and version are the ones the file gives."
        else:
            note = (
                "A spreadsheet does not name its framework: give it a name, and a version such as "
                "the year of the tool (today's date until you change it)."
            )
        if not name or not version:
            note = "⚠ The framework needs a name and a version before it can be loaded."
        elif (name, version) in check.loaded:
            note = (
                f"⚠ A framework called '{name}' version '{version}' is already in this file. If its "
                "statements are the same, Load changes nothing; if they differ, it is refused"
                + ("." if check.names_itself else ": give this one another version.")
            )
        self.naming_note.setText(note)
        self.naming_note.setAccessibleDescription(note)
        self.load_button.setEnabled(bool(name and version))

    # Storing ----------------------------------------------------------------------------------

    def reject(self) -> None:
        if not self.storing:  # Esc while the framework is being written waits for it
            super().reject()

    def definition(self) -> FrameworkDef | None:
        """The framework as it will be stored: a spreadsheet's with the name and version typed."""
        if self.check is None or self.check.definition is None:
            return None
        if self.check.names_itself:
            return self.check.definition
        return replace(
            self.check.definition,
            name=self.name.text().strip(),
            version=self.version.text().strip(),
        )

    def load(self) -> None:
        definition = self.definition()
        if definition is None or not self.load_button.isEnabled():
            return
        self.storing = True
        self.buttons.setEnabled(False)  # the file is being written: Load once, and no Cancel
        from nbdesk.forms.store import store_framework

        def done(result: StoreResult) -> None:
            self.storing = False
            self.framework_id = result.id
            what = f"{definition.name} {definition.version}"
            message = (
                f"Loaded {what}: {len(definition.areas)} areas, "
                f"{definition.statement_count} statements."
                if result.created
                else f"{what} was already loaded; nothing changed."
            )
            self.accept()
            self.loaded.emit(result.id, message)

        def failed(exc: Exception) -> None:
            self.storing = False
            self.buttons.setEnabled(True)
            if is_plain(exc):  # an unforeseen failure was shown by Ops, its details logged
                if isinstance(exc, FrameworkConflictError):
                    message = str(exc)
                else:
                    message = f"The framework could not be stored: {exc}"
                show_error(self, "Framework not loaded", f"{message}\n\nNothing was stored.")
            self._naming_changed()
            if not self.version.isReadOnly():
                self.version.setFocus()
                self.version.selectAll()

        self.ops.write(
            self,
            lambda session: store_framework(session, definition),
            done,
            failed=failed,
            title="Loading the framework",
        )


def choose_and_load(
    parent: QWidget, ops: Ops, on_loaded: Callable[[int, str], None]
) -> LoadFrameworkDialog | None:
    """Ask for a framework file and open its preview; once it is stored, `on_loaded` is called
    with its id and what happened. (Pass a bound method: a lambda holding the dialog, freed as
    Qt deletes the dialog, could crash.)"""
    path = ask_open_path(parent, "Load a framework", "frameworks", FILE_FILTER)
    if path is None:
        return None
    dialog = LoadFrameworkDialog(ops, path, parent)
    dialog.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
    dialog.loaded.connect(on_loaded)
    dialog.open()
    return dialog


def use_demonstration(parent: QWidget, ops: Ops, on_loaded: Callable[[int], None]) -> None:
    """Store the demonstration framework that ships with nbdesk (practice text), off the UI thread."""
    from nbdesk.forms.framework import demonstration_framework
    from nbdesk.forms.store import store_framework

    ops.write(
        parent,
        lambda session: store_framework(session, demonstration_framework()),
        lambda result: on_loaded(result.id),
        title="Adding the demonstration framework",
    )
