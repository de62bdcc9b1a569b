"""The register import preview: the column mapping (editable), every rejected row with its row,
column and reason, and an import of all valid rows only once the person has seen the rejections.

Reading, checking and storing all run on the worker thread; the dialog only shows plain results.
"""

from __future__ import annotations

from pathlib import Path

from PySide6.QtCore import Qt
from PySide6.QtGui import QKeySequence, QShortcut
from PySide6.QtWidgets import (
    QAbstractItemView,
    QCheckBox,
    QComboBox,
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QScrollArea,
    QTableView,
    QVBoxLayout,
    QWidget,
)

from nbdesk.register_import import (
    TARGETS,
    ImportPreview,
    ImportResult,
    Mapping,
    apply_import,
    preview_import,
    read_register_file,
)
from nbdesk.storage import Database
from nbdesk.tabular import Table
from nbdesk.ui.dialogs import show_error
from nbdesk.ui.table_models import RIGHT, Column, ListModel
from nbdesk.ui.worker import run_in_background

NOT_IMPORTED = "(not imported)"
REJECTION_COLUMNS = [
    Column("Row", lambda r: str(r.row), sort=lambda r: r.row, align=RIGHT),
    Column("Column", lambda r: r.column or "(whole row)"),
    Column("Reason", lambda r: r.reason),
]


class ImportDialog(QDialog):
    def __init__(
        self,
        db: Database,
        table: Table,
        preview: ImportPreview,
        parent: QWidget | None = None,
        path: Path | None = None,
        sheets: list[str] | None = None,
    ) -> None:
        super().__init__(parent)
        self.db = db
        self.table = table
        self.preview = preview
        self.path = path
        self.result: ImportResult | None = None
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
        self.combos: dict[str, QComboBox] = {}
        for target in TARGETS:
            combo = QComboBox()
            combo.setAccessibleName(f"Column for {target.label}")
            combo.currentIndexChanged.connect(self._mapping_changed)
            self.combos[target.key] = combo
            form.addRow(target.label + (" (required)" if target.required else "") + ":", combo)
        self._fill_combos(table, preview.mapping)
        scroll = QScrollArea()
        scroll.setWidget(mapping_box)
        scroll.setWidgetResizable(True)
        scroll.setAccessibleName("Column mapping")
        scroll.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        # Wide enough for the headers in the combo boxes without scrolling sideways.
        scroll.setMinimumWidth(
            mapping_box.sizeHint().width() + scroll.verticalScrollBar().sizeHint().width() + 4
        )

        self.summary = QLabel()
        self.summary.setWordWrap(True)
        self.summary.setAccessibleName("What the import will do")
        self.summary.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByKeyboard)
        self.summary.setFocusPolicy(Qt.FocusPolicy.StrongFocus)
        self.model = ListModel(REJECTION_COLUMNS, self)
        self.rejections = QTableView()
        self.rejections.setModel(self.model)
        self.rejections.setAccessibleName("Rejected rows")
        self.rejections.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.rejections.verticalHeader().hide()
        self.rejections.horizontalHeader().setSectionResizeMode(2, QHeaderView.ResizeMode.Stretch)
        self.seen = QCheckBox()
        self.seen.setAccessibleName("I have seen the rejected rows")
        self.seen.toggled.connect(self._update_button)

        right = QVBoxLayout()
        right.addWidget(self.summary)
        rejected_label = QLabel("&Rejected rows (nothing from these rows is imported):")
        rejected_label.setBuddy(self.rejections)
        right.addWidget(rejected_label)
        right.addWidget(self.rejections, 1)
        right.addWidget(self.seen)
        columns = QHBoxLayout()
        left = QVBoxLayout()
        left.addLayout(sheet_row)
        mapping_label = QLabel("Which column of the file feeds each field:")
        left.addWidget(mapping_label)
        left.addWidget(scroll)
        columns.addLayout(left, 2)
        columns.addLayout(right, 3)

        self.buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Cancel)
        self.import_button = self.buttons.addButton(
            "&Import", QDialogButtonBox.ButtonRole.AcceptRole
        )
        self.import_button.setAccessibleName("Import")
        self.buttons.accepted.connect(self._import)
        self.buttons.rejected.connect(self.reject)
        layout = QVBoxLayout(self)
        layout.addLayout(columns, 1)
        layout.addWidget(self.buttons)
        QShortcut(QKeySequence("Ctrl+Return"), self, activated=self._import)
        line = self.fontMetrics().height()
        self.resize(line * 60, line * 34)
        self._show(preview)

    def _set_title(self) -> None:
        title = f"Import the register from {self.table.source}"
        self.setWindowTitle(title)
        self.setAccessibleName(title)

    def _fill_combos(self, table: Table, mapping: Mapping) -> None:
        for key, combo in self.combos.items():
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
        db = self.db

        def job(progress, cancelled) -> tuple[Table, ImportPreview]:
            table = read_register_file(path, name)
            with db.session() as session:
                return table, preview_import(session, table)

        def done(result: tuple[Table, ImportPreview]) -> None:
            table, preview = result
            if table.sheet != self.sheet.currentText():
                return  # overtaken by another choice
            self.table = table
            self._set_title()
            self._fill_combos(table, preview.mapping)
            self._show(preview)

        run_in_background(
            self,
            "Reading the sheet",
            job,
            done,
            lambda exc, trace: show_error(self, "Could not read the sheet", str(exc), trace),
        )

    def mapping(self) -> Mapping:
        return {k: c.currentData() for k, c in self.combos.items() if c.currentData()}

    def _mapping_changed(self) -> None:
        mapping = self.mapping()
        self.import_button.setEnabled(False)
        self.summary.setText("Checking every row with the new mapping…")
        db, table = self.db, self.table

        def job(progress, cancelled) -> ImportPreview:
            with db.session() as session:
                return preview_import(session, table, mapping)

        run_in_background(
            self,
            "Checking the file",
            job,
            self._checked,
            lambda exc, trace: show_error(self, "Could not check the file", str(exc), trace),
        )

    def _checked(self, preview: ImportPreview) -> None:
        # Ignore a result overtaken by another change of mapping or sheet.
        if preview.mapping == self.mapping() and preview.source == self.table.source:
            self._show(preview)

    def _show(self, preview: ImportPreview) -> None:
        self.preview = preview
        rejected = len(preview.rejected_rows)
        if preview.problems:
            text = "⚠ Nothing can be imported until this is fixed:<br>" + "<br>".join(
                preview.problems
            )
        else:
            text = (
                f"<b>{preview.rows_read} rows read</b> (blank rows skipped). "
                f"{len(preview.valid)} valid: {len(preview.new_ids)} new people, "
                f"{len(preview.updated_ids)} updates to people already on the register "
                "(matched by unique id; their contacts and completions are kept). "
                f"<b>{rejected} rows rejected</b> ({len(preview.rejections)} problems)."
            )
            if preview.ignored_headers:
                text += f"<br>Columns not imported: {', '.join(preview.ignored_headers)}."
        self.summary.setText(text)
        self.summary.setAccessibleDescription(self.summary.text())
        self.model.set_rows(preview.rejections)
        self.rejections.resizeColumnsToContents()
        self.seen.setVisible(bool(preview.rejections))
        self.seen.setChecked(False)
        self.seen.setText(
            f"I have seen the {rejected} rejected rows: import the {len(preview.valid)} valid "
            "rows and leave the rejected ones out"
        )
        self._update_button()

    def _update_button(self) -> None:
        p = self.preview
        ready = p.can_import and (not p.rejections or self.seen.isChecked())
        self.import_button.setEnabled(ready)
        self.import_button.setText(f"&Import {len(p.valid)} people" if p.valid else "&Import")

    def _import(self) -> None:
        if not self.import_button.isEnabled():
            return
        self.import_button.setEnabled(False)
        preview, db, skip = self.preview, self.db, self.seen.isChecked()

        def job(progress, cancelled) -> ImportResult:
            with db.transaction() as session:
                return apply_import(
                    session,
                    preview,
                    skip_invalid=skip,
                    progress=lambda done, total: progress(done, total, "Saving people"),
                )

        def failed(exc: Exception, trace: str) -> None:
            show_error(self, "Nothing was imported", str(exc), trace)
            self._update_button()

        run_in_background(self, "Importing the register", job, self._imported, failed)

    def _imported(self, result: ImportResult) -> None:
        self.result = result
        self.accept()
