"""Taking a working group's Ratings workbook back: check it, show what would change, then import.

Nothing is written until the file has been checked in full and the lead has seen every existing
rating that would change; a faulty file is reported by row and column and changes nothing.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Any

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

from nbdesk.common.errors import is_plain
from nbdesk.forms.store import FrameworkSummary, framework_definition
from nbdesk.self_assessment.assessments import AssessmentSummary, load_assessment
from nbdesk.ui.dialogs import show_error
from nbdesk.ui.file_dialogs import ask_open_path
from nbdesk.ui.fit import Scroller, fit_to_screen, may_narrow
from nbdesk.ui.ops import Ops
from nbdesk.ui.self_assessment.common import AssessmentFields


class ImportRatingsDialog(QDialog):
    def __init__(
        self,
        ops: Ops,
        items: list[AssessmentSummary],
        frameworks: list[FrameworkSummary],
        chosen: int | None,
        parent: QWidget | None = None,
    ) -> None:
        super().__init__(parent)
        self.ops = ops
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
        self.fields = AssessmentFields(frameworks, "Framework the workbook was made from")
        self.stage, self.perspective = self.fields.stage, self.fields.perspective
        self.held_on, self.framework = self.fields.held_on, self.fields.framework
        self.target = QComboBox()
        self.target.setAccessibleName("Assessment to fill")
        for a in items:
            self.target.addItem(f"{a.name} — {a.describe}", a.id)
        if chosen is not None:
            self.target.setCurrentIndex(max(0, self.target.findData(chosen)))
        may_narrow(self.target)
        may_narrow(self.path)

        form = QFormLayout()
        file_label = QLabel("&Workbook:")
        file_label.setBuddy(self.path)  # a row holding a layout gets no buddy by itself
        form.addRow(file_label, file_row)
        form.addRow(self.as_new)
        form.addRow("   Na&me:", self.name)
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

        content = QVBoxLayout()
        content.addLayout(form)
        content.addWidget(self.check_button)
        content.addWidget(QLabel("What the check found:"))
        content.addWidget(self.report, 1)
        layout = QVBoxLayout(self)
        layout.addWidget(Scroller(content), 1)
        layout.addWidget(self.buttons)

        for widget in (self.path, self.name):
            widget.textChanged.connect(self._settings_changed)
        for combo in (self.target, self.framework):
            combo.currentIndexChanged.connect(self._settings_changed)
        self.as_new.toggled.connect(self._mode_changed)
        (self.into if chosen is not None and items else self.as_new).setChecked(True)
        self._mode_changed()
        line = self.fontMetrics().height()
        fit_to_screen(self, line * 50, line * 40)

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
        """Read and check the whole file on the worker; show every fault, or what importing
        would do."""
        self._sheet = None
        self._checked_for = None
        raw = self.path.text().strip()
        if not raw:
            self.report.setPlainText("Choose the workbook first.")
            self._settings_changed()
            return
        path = Path(raw)
        settings = self._settings()
        as_new, framework_id, target = (
            self.as_new.isChecked(),
            self.framework.currentData(),
            self.target.currentData(),
        )
        self.report.setPlainText("Checking the workbook…")
        self.ops.read(
            self,
            lambda session: check_workbook(session, path, as_new, framework_id, target),
            lambda checked: self._checked(checked, settings),
            failed=self._check_failed,
            key=f"ratings-check-{id(self)}",
            title="Checking the workbook",
        )

    def _check_failed(self, exc: Exception) -> None:
        self.report.setPlainText(str(exc))
        self._settings_changed()

    def _checked(self, checked: WorkbookCheck, settings: tuple[object, ...]) -> None:
        if (
            checked.framework_id is not None
            and checked.framework_id != self.framework.currentData()
        ):
            # The About sheet nbdesk writes named the framework: choose it.
            self.framework.blockSignals(True)
            self.framework.setCurrentIndex(self.framework.findData(checked.framework_id))
            self.framework.blockSignals(False)
            settings = self._settings()
        self._sheet = checked.sheet
        self._checked_for = settings
        self.report.setPlainText(checked.text)
        self.import_button.setText(checked.button)
        self.import_button.setAccessibleName(checked.button.replace("&", ""))
        self._settings_changed()

    def do_import(self) -> None:
        from nbdesk.self_assessment.exchange import apply_sheet, import_new

        if self._sheet is None or self._checked_for != self._settings():
            self.check()
            return
        sheet, target = self._sheet, self.target.currentData()
        if self.as_new.isChecked():
            try:
                held_on = self.fields.date()
            except ValueError:
                self.held_on.setFocus()
                return
            values = {
                "name": self.name.text(),
                "framework_id": self.framework.currentData(),
                "stage": self.stage.currentData(),
                "perspective": self.perspective.currentData(),
                "held_on": held_on,
            }

            def work(session: Any) -> Any:
                return import_new(session, sheet, **values)
        else:

            def work(session: Any) -> Any:
                return apply_sheet(session, target, sheet)

        self.import_button.setEnabled(False)
        self.ops.write(self, work, self._imported, failed=self._import_failed, title="Importing")

    def _imported(self, result: Any) -> None:
        self.assessment_id = result.assessment_id
        self.accept()

    def _import_failed(self, exc: Exception) -> None:
        if is_plain(exc):
            show_error(self, "Not imported", f"{exc}\nNothing was imported.")
        self._settings_changed()


@dataclass(frozen=True)
class WorkbookCheck:
    sheet: Any
    text: str
    button: str  # what Import will do, said on its button
    framework_id: int | None = None  # the framework the workbook names, when it names one


def check_workbook(
    session: Any, path: Path, as_new: bool, framework_id: int | None, target: int | None
) -> WorkbookCheck:
    """Read and check a Ratings workbook against a framework (a new assessment) or an assessment
    (filling it); what importing would do, in words. Runs on the worker."""
    from nbdesk.forms.store import find_framework
    from nbdesk.self_assessment.exchange import plan_import, read_ratings, sheet_framework

    if as_new:
        # The About sheet nbdesk writes names the framework; prefer it when present.
        named = None
        name, version = sheet_framework(path)
        if name:
            try:
                named = find_framework(session, name, version or None)
            except LookupError:
                named = None
        chosen = named or framework_id
        if chosen is None:
            raise ValueError("No framework is loaded.")
        sheet = read_ratings(path, framework_definition(session, chosen))
        rated = sum(1 for r in sheet.rows if r.points is not None)
        notes = sum(1 for r in sheet.rows if r.evidence)
        text = (
            f"The workbook is fine: {len(sheet.rows)} statement row(s), {rated} rated, "
            f"{notes} with evidence.\nImport creates a new assessment with them."
        )
        return WorkbookCheck(sheet, text, "&Import", named)
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
        lines.append(f"\nIt would also CHANGE {len(plan.overwrites)} existing rating(s):")
        lines.extend(
            f"  {c.reference}: {c.old} {c.old_label} → {c.new} {c.new_label}"
            for c in plan.overwrites
        )
        lines.append("\nImport only if the group agreed these changes.")
    else:
        lines.append("No existing rating would change.")
    button = (
        f"&Import and change {len(plan.overwrites)} rating(s)" if plan.overwrites else "&Import"
    )
    return WorkbookCheck(sheet, "\n".join(lines), button)
