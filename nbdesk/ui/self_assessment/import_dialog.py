"""Taking a working group's Ratings workbook back: check it, show what would change, then import.

Nothing is written until the file has been checked in full and the lead has seen every existing
rating that would change; a faulty file is reported by row and column and changes nothing.
"""

from __future__ import annotations

from pathlib import Path

from PySide6.QtWidgets import (
    QButtonGroup,
    QComboBox,
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QPlainTextEdit,
    QPushButton,
    QRadioButton,
    QVBoxLayout,
    QWidget,
)

from nbdesk.forms.store import framework_definition
from nbdesk.self_assessment.assessments import AssessmentSummary, load_assessment
from nbdesk.storage import Database
from nbdesk.ui.dialogs import show_error
from nbdesk.ui.file_dialogs import ask_open_path
from nbdesk.ui.self_assessment.common import AssessmentFields


class ImportRatingsDialog(QDialog):
    def __init__(
        self,
        db: Database,
        items: list[AssessmentSummary],
        chosen: int | None,
        parent: QWidget | None = None,
    ) -> None:
        super().__init__(parent)
        self.db = db
        self.assessment_id: int | None = None
        self._checked_for: tuple[object, ...] | None = None
        self._sheet = None
        self.setWindowTitle("Import ratings from a workbook")
        self.setAccessibleName("Import ratings from a workbook")

        self.path = QLineEdit()
        self.path.setAccessibleName("Workbook file")
        self.path.setPlaceholderText("the completed Ratings workbook (.xlsx or .csv)")
        browse = QPushButton("C&hoose…")
        browse.setAccessibleName("Choose the workbook file")
        browse.clicked.connect(self._browse)
        file_row = QHBoxLayout()
        file_row.addWidget(self.path, 1)
        file_row.addWidget(browse)

        self.as_new = QRadioButton("Create a &new assessment")
        self.as_new.setAccessibleName("Create a new assessment from the workbook")
        self.into = QRadioButton("&Fill an existing assessment")
        self.into.setAccessibleName("Fill an existing assessment from the workbook")
        group = QButtonGroup(self)
        group.addButton(self.as_new)
        group.addButton(self.into)
        self.name = QLineEdit()
        self.name.setAccessibleName("New assessment's name")
        self.fields = AssessmentFields(db, "Framework the workbook was made from")
        self.stage, self.perspective = self.fields.stage, self.fields.perspective
        self.held_on, self.framework = self.fields.held_on, self.fields.framework
        self.target = QComboBox()
        self.target.setAccessibleName("Assessment to fill")
        for a in items:
            self.target.addItem(f"{a.name} — {a.describe}", a.id)
        if chosen is not None:
            self.target.setCurrentIndex(max(0, self.target.findData(chosen)))

        form = QFormLayout()
        file_label = QLabel("&Workbook:")
        file_label.setBuddy(self.path)  # a row holding a layout gets no buddy by itself
        form.addRow(file_label, file_row)
        form.addRow(self.as_new)
        form.addRow("   N&ame:", self.name)
        form.addRow("   &Stage:", self.stage)
        form.addRow("   &Perspective:", self.perspective)
        form.addRow("   &Date:", self.held_on)
        form.addRow("   F&ramework:", self.framework)
        form.addRow(self.into)
        form.addRow("   &Assessment:", self.target)

        self.report = QPlainTextEdit()
        self.report.setReadOnly(True)
        self.report.setAccessibleName("What the check found")
        self.report.setPlaceholderText("Choose the workbook, then Check it.")
        self.check_button = QPushButton("&Check the workbook")
        self.check_button.setAccessibleName("Check the workbook")
        self.check_button.clicked.connect(self.check)
        self.buttons = QDialogButtonBox(
            QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel
        )
        self.import_button = self.buttons.button(QDialogButtonBox.StandardButton.Ok)
        self.import_button.setText("&Import")
        self.import_button.setAccessibleName("Import the ratings")
        self.import_button.setEnabled(False)
        self.buttons.accepted.connect(self.do_import)
        self.buttons.rejected.connect(self.reject)

        layout = QVBoxLayout(self)
        layout.addLayout(form)
        layout.addWidget(self.check_button)
        layout.addWidget(QLabel("What the check found:"))
        layout.addWidget(self.report, 1)
        layout.addWidget(self.buttons)

        for widget in (self.path, self.name):
            widget.textChanged.connect(self._settings_changed)
        for combo in (self.target, self.framework):
            combo.currentIndexChanged.connect(self._settings_changed)
        self.as_new.toggled.connect(self._mode_changed)
        (self.into if chosen is not None and items else self.as_new).setChecked(True)
        self._mode_changed()
        line = self.fontMetrics().height()
        self.resize(line * 50, line * 40)

    def _browse(self) -> None:
        path = ask_open_path(
            self,
            "Choose the Ratings workbook",
            "ratings",
            "Workbooks (*.xlsx *.csv);;All files (*)",
        )
        if path is not None:
            self.path.setText(str(path))

    def _mode_changed(self, *_args: object) -> None:
        new = self.as_new.isChecked()
        for widget in (self.name, self.stage, self.perspective, self.held_on, self.framework):
            widget.setEnabled(new)
        self.target.setEnabled(not new)
        self._settings_changed()

    def _settings(self) -> tuple[object, ...]:
        return (
            self.path.text().strip(),
            self.as_new.isChecked(),
            self.framework.currentData(),
            self.target.currentData(),
        )

    def _settings_changed(self, *_args: object) -> None:
        ready = self._checked_for == self._settings() and self._sheet is not None
        has_name = bool(self.name.text().strip()) or not self.as_new.isChecked()
        self.import_button.setEnabled(ready and has_name)

    def check(self) -> None:
        """Read and check the whole file; show every fault, or what importing would do."""
        from nbdesk.forms.store import find_framework
        from nbdesk.self_assessment.exchange import (
            RatingsImportError,
            plan_import,
            read_ratings,
            sheet_framework,
        )

        self._sheet = None
        self._checked_for = None
        raw = self.path.text().strip()
        if not raw:
            self.report.setPlainText("Choose the workbook first.")
            self._settings_changed()
            return
        path = Path(raw)
        try:
            with self.db.session() as session:
                if self.as_new.isChecked():
                    # The About sheet nbdesk writes names the framework; prefer it when present.
                    name, version = sheet_framework(path)
                    if name:
                        try:
                            fid = find_framework(session, name, version or None)
                            self.framework.blockSignals(True)
                            self.framework.setCurrentIndex(self.framework.findData(fid))
                            self.framework.blockSignals(False)
                        except LookupError:
                            pass
                    fid = self.framework.currentData()
                    if fid is None:
                        raise ValueError("No framework is loaded.")
                    sheet = read_ratings(path, framework_definition(session, fid))
                    rated = sum(1 for r in sheet.rows if r.points is not None)
                    notes = sum(1 for r in sheet.rows if r.evidence)
                    text = (
                        f"The workbook is fine: {len(sheet.rows)} statement row(s), {rated} rated, "
                        f"{notes} with evidence.\nImport creates a new assessment with them."
                    )
                else:
                    target = self.target.currentData()
                    if target is None:
                        raise ValueError("Choose the assessment to fill.")
                    detail = load_assessment(session, target)
                    sheet = read_ratings(path, detail.framework)
                    plan = plan_import(detail, sheet)
                    lines = [
                        f"The workbook is fine. Importing into '{detail.summary.name}' would give "
                        f"{plan.ratings} unrated statement(s) a rating and change "
                        f"{plan.evidence} evidence note(s)."
                    ]
                    if plan.overwrites:
                        lines.append(
                            f"\nIt would also CHANGE {len(plan.overwrites)} existing rating(s):"
                        )
                        lines.extend(
                            f"  {c.reference}: {c.old} {c.old_label} → {c.new} {c.new_label}"
                            for c in plan.overwrites
                        )
                        lines.append("\nImport only if the group agreed these changes.")
                    else:
                        lines.append("No existing rating would change.")
                    text = "\n".join(lines)
                    self.import_button.setText(
                        f"&Import and change {len(plan.overwrites)} rating(s)"
                        if plan.overwrites
                        else "&Import"
                    )
        except (RatingsImportError, LookupError, ValueError) as exc:
            self.report.setPlainText(str(exc))
            self._settings_changed()
            return
        self._sheet = sheet
        self._checked_for = self._settings()
        self.report.setPlainText(text)
        self._settings_changed()

    def do_import(self) -> None:
        from nbdesk.self_assessment.exchange import apply_sheet, import_new

        if self._sheet is None or self._checked_for != self._settings():
            self.check()
            return
        try:
            with self.db.transaction() as session:
                if self.as_new.isChecked():
                    result = import_new(
                        session,
                        self._sheet,
                        name=self.name.text(),
                        framework_id=self.framework.currentData(),
                        stage=self.stage.currentData(),
                        perspective=self.perspective.currentData(),
                        held_on=self.fields.date(),
                    )
                else:
                    result = apply_sheet(session, self.target.currentData(), self._sheet)
        except (LookupError, ValueError) as exc:
            show_error(self, "Not imported", f"{exc}\nNothing was imported.")
            return
        self.assessment_id = result.assessment_id
        self.accept()
