"""The register import preview: the column mapping (editable), what the import will do in words,
every warning (the people on those rows are imported), every row left out, and for an id on rows
that differ the rows side by side with a choice of which to keep.

Import stays disabled until every such id has a row chosen and, if rows are left out, the person
has ticked that they have seen them. Reading, checking and storing all run on the worker thread;
the dialog only shows plain results. Choosing a row is only arithmetic on the preview already
read (ImportPreview.resolve), so it happens at once on the UI thread.
"""

from __future__ import annotations

from itertools import pairwise
from pathlib import Path
from typing import Any

from PySide6.QtCore import Qt
from PySide6.QtGui import QKeySequence, QShortcut
from PySide6.QtWidgets import (
    QAbstractItemView,
    QCheckBox,
    QComboBox,
    QDialogButtonBox,
    QFormLayout,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QPushButton,
    QScrollArea,
    QTableView,
    QVBoxLayout,
    QWidget,
)

from nbdesk.common.errors import is_plain
from nbdesk.common.figures import people as count_of_people
from nbdesk.common.tabular import Table
from nbdesk.survey.import_preview import DuplicateId, ImportPreview, ImportResult
from nbdesk.survey.register_columns import TARGETS, Mapping, read_register_file
from nbdesk.survey.register_import import apply_import, preview_import
from nbdesk.ui.dialogs import show_error
from nbdesk.ui.ops import Ops
from nbdesk.ui.survey.fit import FittedDialog, Reflow, ReflowSplitter, scrolling
from nbdesk.ui.table_models import RIGHT, Column, ListModel
from nbdesk.ui.wheel_guard import wheel_only_when_chosen

NOT_IMPORTED = "(not imported)"
CHOOSE = "Choose which row to keep"
WHERE_COLUMNS = [
    Column("Row", lambda r: str(r.row), sort=lambda r: r.row, align=RIGHT),
    Column("Column", lambda r: r.column or "(whole row)"),
    Column("Reason", lambda r: r.reason),
]


def plain_table(name: str) -> QTableView:
    table = QTableView()
    table.setAccessibleName(name)
    table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
    table.setTabKeyNavigation(False)  # Tab leaves the table; arrows move within it
    table.verticalHeader().hide()
    table.setWordWrap(True)
    return table


class DuplicateChoice(QWidget):
    """One id on rows that differ: the differing columns side by side, and which row to keep."""

    def __init__(self, duplicate: DuplicateId) -> None:
        super().__init__()
        self.duplicate = duplicate
        uid, numbers = duplicate.unique_id, duplicate.row_numbers
        rows_text = "rows " + ", ".join(map(str, numbers[:-1])) + f" and {numbers[-1]}"
        who = f" ({' or '.join(duplicate.names)})" if duplicate.names else ""
        heading = QLabel(
            f"The id {uid}{who} is on {rows_text}, which differ in "
            f"{len(duplicate.differing)} column{'s' if len(duplicate.differing) != 1 else ''}:"
        )
        heading.setWordWrap(True)

        self.combo = QComboBox()
        self.combo.addItem(CHOOSE, None)
        for number in numbers:
            self.combo.addItem(f"Keep row {number}", number)
        self.combo.setAccessibleName(f"Which row to keep for the id {uid}")
        wheel_only_when_chosen(self.combo)  # scrolling past must not choose a row
        label = QLabel(f"Which row to keep for the id {uid}:")
        label.setBuddy(self.combo)
        choice = Reflow([label, self.combo])

        columns = [Column("Column", lambda header: header)]
        for row in duplicate.rows:
            columns.append(
                Column(
                    f"Row {row.number}",
                    lambda header, cells=row.cells: cells.get(header, "") or "(blank)",
                )
            )
        self.model = ListModel(columns, self)
        self.model.set_rows(duplicate.differing)
        self.table = plain_table(f"{rows_text.capitalize()} side by side, for the id {uid}")
        self.table.setModel(self.model)
        self.table.horizontalHeader().setSectionResizeMode(QHeaderView.ResizeMode.ResizeToContents)
        self.table.setVerticalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        self.table.resizeRowsToContents()
        # As tall as its rows: the panel around it scrolls, not each small table.
        height = self.table.horizontalHeader().sizeHint().height() + 2 * self.table.frameWidth()
        height += sum(self.table.rowHeight(r) for r in range(self.model.rowCount()))
        self.table.setFixedHeight(height)

        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(heading)
        layout.addWidget(choice)  # before the table: the choice is what must be done here
        layout.addWidget(self.table)

    def chosen(self) -> int | None:
        value = self.combo.currentData()
        return int(value) if value is not None else None

    def choose(self, number: int | None) -> None:
        self.combo.setCurrentIndex(max(0, self.combo.findData(number)) if number else 0)


class ImportDialog(FittedDialog):
    def __init__(
        self,
        ops: Ops,
        table: Table,
        preview: ImportPreview,
        parent: QWidget | None = None,
        path: Path | None = None,
        sheets: list[str] | None = None,
    ) -> None:
        super().__init__(parent)
        self.ops = ops
        self.table = table
        self.base = preview  # as read: ids on rows that differ not yet resolved
        self.preview = preview  # with the rows chosen so far
        self.choices: dict[str, int] = {}
        self.path = path
        self.result: ImportResult | None = None
        self.choice_widgets: list[DuplicateChoice] = []
        self._set_title()

        # A workbook with several lists (Annex A has one per sheet): the likeliest is read first,
        # and the person can choose another.
        self.sheet = QComboBox()
        self.sheet.setAccessibleName("Sheet to import")
        self.sheet.addItems(sheets or [])
        if table.sheet:
            self.sheet.setCurrentIndex(max(0, self.sheet.findText(table.sheet)))
        self.sheet.currentIndexChanged.connect(self._sheet_changed)
        sheet_row = QHBoxLayout()
        sheet_label = QLabel("S&heet:")
        sheet_label.setBuddy(self.sheet)
        sheet_row.addWidget(sheet_label)
        sheet_row.addWidget(self.sheet, 1)
        show_sheets = bool(path is not None and sheets and len(sheets) > 1)
        sheet_label.setVisible(show_sheets)
        self.sheet.setVisible(show_sheets)

        mapping_box = QWidget()
        form = QFormLayout(mapping_box)
        self.mapping_scroll = QScrollArea()
        self.combos: dict[str, QComboBox] = {}
        for target in TARGETS:
            label = target.label + (" (required)" if target.required else "")
            combo = QComboBox()
            combo.setAccessibleName(f"Column for {label}")
            # As wide as the file's headers, up to a limit: a longer one is elided rather than
            # widening the dialog past a small screen (large type).
            combo.setSizeAdjustPolicy(
                QComboBox.SizeAdjustPolicy.AdjustToMinimumContentsLengthWithIcon
            )
            wheel_only_when_chosen(combo)  # scrolling the mapping must not remap a column
            combo.currentIndexChanged.connect(self._mapping_changed)
            self.combos[target.key] = combo
            form.addRow(label + ":", combo)
        self._fill_combos(table, preview.mapping)
        scroll = self.mapping_scroll
        scroll.setWidget(mapping_box)
        scroll.setWidgetResizable(True)
        scroll.setAccessibleName("Column mapping")
        scroll.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        # Wide enough for the headers in the combo boxes without scrolling sideways, and a few
        # fields tall when the mapping sits above the rest (a small screen, large type).
        scroll.setMinimumWidth(
            mapping_box.sizeHint().width() + scroll.verticalScrollBar().sizeHint().width() + 4
        )
        line = self.fontMetrics().height()
        scroll.setMinimumHeight(line * 10)

        self.summary = QLabel()
        self.summary.setWordWrap(True)
        self.summary.setTextFormat(Qt.TextFormat.PlainText)
        self.summary.setAccessibleDescription("What the import will do")
        self.summary.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByKeyboard)
        self.summary.setFocusPolicy(Qt.FocusPolicy.StrongFocus)

        # Ids on rows that differ: one block each, in a panel of their own.
        self.duplicates_box = QWidget()
        self.keep_first = QPushButton("Keep the &first row of each")
        self.keep_first.setAccessibleName("Keep the first row of each id on rows that differ")
        self.keep_first.clicked.connect(lambda: self._keep_all(0))
        self.keep_last = QPushButton("Keep the la&st row of each")
        self.keep_last.setAccessibleName("Keep the last row of each id on rows that differ")
        self.keep_last.clicked.connect(lambda: self._keep_all(-1))
        duplicates_intro = QLabel("Ids on rows that differ: choose which row to keep.")
        duplicates_intro.setWordWrap(True)
        self.choices_panel = QWidget()
        self.choices_layout = QVBoxLayout(self.choices_panel)
        self.choices_scroll = QScrollArea()
        self.choices_scroll.setWidget(self.choices_panel)
        self.choices_scroll.setWidgetResizable(True)
        self.choices_scroll.setAccessibleName("Ids on rows that differ")
        self.choices_scroll.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        duplicates_layout = QVBoxLayout(self.duplicates_box)
        duplicates_layout.setContentsMargins(0, 0, 0, 0)
        duplicates_layout.addWidget(duplicates_intro)
        duplicates_layout.addWidget(Reflow([self.keep_first, self.keep_last]))
        duplicates_layout.addWidget(self.choices_scroll, 1)

        self.seen = QCheckBox()
        self.seen.toggled.connect(self._update_button)
        # A tick box's words never wrap: the short part beside the box, the rest beneath it.
        self.seen_note = QLabel("Ticked, everyone else is imported without them.")
        self.seen_note.setWordWrap(True)

        self.warning_model = ListModel(WHERE_COLUMNS, self)
        self.warnings = plain_table("Warnings: the people on these rows are imported")
        self.warnings.setModel(self.warning_model)
        self.warnings.horizontalHeader().setSectionResizeMode(2, QHeaderView.ResizeMode.Stretch)
        self.warnings_label = QLabel("&Warnings: the people on these rows are imported:")
        self.warnings_label.setWordWrap(True)
        self.warnings_label.setBuddy(self.warnings)

        self.left_out_model = ListModel(WHERE_COLUMNS, self)
        self.left_out = plain_table("Left out: nothing from these rows is imported")
        self.left_out.setModel(self.left_out_model)
        self.left_out.horizontalHeader().setSectionResizeMode(2, QHeaderView.ResizeMode.Stretch)
        self.left_out_label = QLabel("&Left out: nothing from these rows is imported:")
        self.left_out_label.setBuddy(self.left_out)

        right_pane = QWidget()
        right = QVBoxLayout(right_pane)
        right.setContentsMargins(0, 0, 0, 0)
        right.addWidget(self.summary)
        right.addWidget(self.duplicates_box)
        right.addWidget(self.seen)
        right.addWidget(self.seen_note)
        right.addWidget(self.warnings_label)
        right.addWidget(self.warnings, 3)
        right.addWidget(self.left_out_label)
        right.addWidget(self.left_out, 1)
        for table in (self.warnings, self.left_out):
            table.setMinimumHeight(line * 6)
        # Enough width for the summary to read as sentences beside the mapping.
        right_pane.setMinimumWidth(self.fontMetrics().averageCharWidth() * 50)
        left_pane = QWidget()
        left = QVBoxLayout(left_pane)
        left.setContentsMargins(0, 0, 0, 0)
        left.addLayout(sheet_row)
        mapping_label = QLabel("Which column of the file feeds each field:")
        mapping_label.setWordWrap(True)
        left.addWidget(mapping_label)
        left.addWidget(scroll)
        # Side by side when there is room, else the mapping above what the import will do, and
        # the whole scrolling (a small screen, large type); the buttons stay in view below.
        columns = ReflowSplitter(left_pane, right_pane, stretch=(2, 3))
        page = QWidget()
        page_layout = QVBoxLayout(page)
        page_layout.setContentsMargins(0, 0, 0, 0)
        page_layout.addWidget(columns)

        self.buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Cancel)
        self.import_button = self.buttons.addButton(
            "&Import", QDialogButtonBox.ButtonRole.AcceptRole
        )
        self.buttons.accepted.connect(self._import)
        self.buttons.rejected.connect(self.reject)
        layout = QVBoxLayout(self)
        layout.addWidget(scrolling(page), 1)
        layout.addWidget(self.buttons)
        QShortcut(QKeySequence("Ctrl+Return"), self, activated=self._import)
        self.fit_to_screen(line * 64, line * 44, grow=False)
        self._show(preview)
        # What the import will do is read first; Tab then reaches what must be done about it.
        self.summary.setFocus()

    def _set_title(self) -> None:
        title = f"Import the register from {self.table.source}"
        self.setWindowTitle(title)
        self.setAccessibleName(title)

    def _fill_combos(self, table: Table, mapping: Mapping) -> None:
        longest = max((len(h) for h in table.headers if h), default=0)
        for key, combo in self.combos.items():
            combo.setMinimumContentsLength(min(max(longest, len(NOT_IMPORTED)), 26))
            combo.blockSignals(True)
            combo.clear()
            combo.addItem(NOT_IMPORTED, "")
            for header in table.headers:
                if header:
                    combo.addItem(header, header)
            combo.setCurrentIndex(max(0, combo.findData(mapping.get(key, ""))))
            combo.blockSignals(False)

    def _sheet_changed(self) -> None:
        path, name = self.path, self.sheet.currentText()
        if path is None or not name or name == self.table.sheet:
            return
        self.import_button.setEnabled(False)
        self.summary.setText(f"Reading the sheet '{name}'…")

        def work(session: Any) -> tuple[Table, ImportPreview]:
            table = read_register_file(path, name)
            return table, preview_import(session, table)

        def done(result: tuple[Table, ImportPreview]) -> None:
            table, preview = result
            if table.sheet != self.sheet.currentText():
                return  # overtaken by another choice
            self.table = table
            self._set_title()
            self._fill_combos(table, preview.mapping)
            self._show(preview)

        self.ops.read(self, work, done, key=f"import-sheet-{id(self)}", title="Reading the sheet")

    def mapping(self) -> Mapping:
        return {k: c.currentData() for k, c in self.combos.items() if c.currentData()}

    def _mapping_changed(self) -> None:
        mapping = self.mapping()
        self.import_button.setEnabled(False)
        self.summary.setText("Checking every row with the new mapping…")
        table = self.table
        self.ops.read(
            self,
            lambda session: preview_import(session, table, mapping),
            self._checked,
            key=f"import-check-{id(self)}",
            title="Checking the file",
        )

    def _checked(self, preview: ImportPreview) -> None:
        # Ignore a result overtaken by another change of mapping or sheet.
        if preview.mapping == self.mapping() and preview.source == self.table.source:
            self._show(preview)

    def _show(self, preview: ImportPreview) -> None:
        """A newly read preview: the blocks for ids on rows that differ are built again, keeping
        a row already chosen where the id's rows still differ and include it."""
        self.base = preview
        for widget in self.choice_widgets:
            widget.setParent(None)
            widget.deleteLater()
        self.choice_widgets = []
        while self.choices_layout.count():
            self.choices_layout.takeAt(0)
        kept: dict[str, int] = {}
        for duplicate in preview.duplicates:
            block = DuplicateChoice(duplicate)
            number = self.choices.get(duplicate.unique_id)
            if number in duplicate.row_numbers:
                kept[duplicate.unique_id] = number
                block.choose(number)
            block.combo.currentIndexChanged.connect(self._choice_changed)
            self.choices_layout.addWidget(block)
            self.choice_widgets.append(block)
        self.choices_layout.addStretch(1)
        # As tall as the blocks need, up to a third of the dialog: the warnings need room too.
        frame = 2 * self.choices_scroll.frameWidth()
        self.choices_scroll.setMaximumHeight(
            min(self.choices_panel.sizeHint().height() + frame, self.fontMetrics().height() * 14)
        )
        self.choices = kept
        self.duplicates_box.setVisible(bool(preview.duplicates))
        self.seen.setChecked(False)  # rows left out from a new reading must be seen again
        self._order_tabs()
        self._refresh()

    def _choice_changed(self) -> None:
        self.choices = {
            w.duplicate.unique_id: number
            for w in self.choice_widgets
            if (number := w.chosen()) is not None
        }
        self._refresh()

    def _keep_all(self, index: int) -> None:
        for widget in self.choice_widgets:
            widget.combo.blockSignals(True)
            widget.choose(widget.duplicate.row_numbers[index])
            widget.combo.blockSignals(False)
        self._choice_changed()

    def _refresh(self) -> None:
        """The summary, warnings and button for the rows chosen so far."""
        preview = self.preview = self.base.resolve(self.choices)
        if preview.problems:
            text = preview.summary()
        else:
            read = preview.rows_read
            text = f"{read} {'row' if read == 1 else 'rows'} read (blank rows are skipped). "
            text += preview.summary()
            if preview.ignored_headers:
                text += f"\nColumns not imported: {', '.join(preview.ignored_headers)}."
        self.summary.setText(text)
        self.summary.setAccessibleDescription(text)

        self.warning_model.set_rows(preview.warnings)
        self.warnings.resizeColumnsToContents()
        self.warnings.horizontalHeader().setSectionResizeMode(2, QHeaderView.ResizeMode.Stretch)
        for widget in (self.warnings_label, self.warnings):
            widget.setVisible(bool(preview.warnings))
        self.left_out_model.set_rows(preview.rejections)
        self.left_out.resizeColumnsToContents()
        self.left_out.horizontalHeader().setSectionResizeMode(2, QHeaderView.ResizeMode.Stretch)
        for widget in (self.left_out_label, self.left_out):
            widget.setVisible(bool(preview.rejections))

        refused = len(preview.rejected_rows)
        seen = f"I have seen the {refused} {'row' if refused == 1 else 'rows'} left out"
        self.seen.setText(seen)
        self.seen.setAccessibleName(f"{seen}: import everyone else without them")
        self.seen.setVisible(bool(preview.rejections))
        self.seen_note.setVisible(bool(preview.rejections))
        self._update_button()

    def _order_tabs(self) -> None:
        """Tab follows the reading order: the mapping, what will happen, then what the person
        must act on (choices, the tick box) before the long tables, then the buttons."""
        chain: list[QWidget] = [self.sheet, *self.combos.values(), self.summary]
        chain += [self.keep_first, self.keep_last]
        for widget in self.choice_widgets:
            chain += [widget.combo, widget.table]
        chain += [self.seen, self.warnings, self.left_out]
        chain += [self.import_button, self.buttons.button(QDialogButtonBox.StandardButton.Cancel)]
        for first, second in pairwise(chain):
            QWidget.setTabOrder(first, second)

    def _update_button(self) -> None:
        p = self.preview
        ready = p.can_import and (not p.rejections or self.seen.isChecked())
        self.import_button.setEnabled(ready)
        people = len(p.valid)
        text = f"Import {count_of_people(people)}" if people else "Import"
        self.import_button.setText("&" + text)
        self.import_button.setAccessibleName(text)

    def _import(self) -> None:
        if not self.import_button.isEnabled():
            return
        self.import_button.setEnabled(False)
        preview, skip = self.preview, self.seen.isChecked()

        def work(session: Any, progress: Any) -> ImportResult:
            return apply_import(
                session,
                preview,
                skip_invalid=skip,
                progress=lambda done, total: progress.report(done, total, "Saving people"),
            )

        def failed(exc: Exception) -> None:
            if is_plain(exc):  # anything unforeseen Ops has shown, its details logged
                show_error(self, "Nothing was imported", str(exc))
            self._update_button()

        self.ops.run(
            self, "Importing the register", work, self._imported, write=True, failed=failed
        )

    def _imported(self, result: ImportResult) -> None:
        self.result = result
        self.accept()
