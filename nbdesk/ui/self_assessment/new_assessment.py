"""A new assessment: its name, stage, perspective, date and framework. A new authority, with no
framework yet, loads its own file or takes the demonstration framework from here."""

from __future__ import annotations

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import (
    QComboBox,
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QLabel,
    QLineEdit,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from nbdesk.common.changes import Done
from nbdesk.common.errors import is_plain
from nbdesk.forms.store import FrameworkSummary, list_frameworks
from nbdesk.self_assessment.assessments import create_assessment
from nbdesk.ui.date_field import DateProblem
from nbdesk.ui.dialogs import show_error
from nbdesk.ui.fit import Scroller, comfortable_width, fit_to_screen
from nbdesk.ui.ops import Ops
from nbdesk.ui.self_assessment.common import AssessmentFields
from nbdesk.ui.self_assessment.framework_dialog import (
    PRACTICE_NOTE,
    choose_and_load,
    use_demonstration,
)


class NewAssessmentDialog(QDialog):
    """Name, stage, perspective, date and framework of a new assessment. A new authority, with no
    framework yet, loads its own file or takes the demonstration framework from here."""

    created = Signal(int)  # the new assessment's id, once it is saved

    def __init__(
        self, ops: Ops, frameworks: list[FrameworkSummary], parent: QWidget | None = None
    ) -> None:
        super().__init__(parent)
        self.ops = ops
        self.frameworks_loaded = False  # one was loaded from here
        self.setWindowTitle("New assessment")
        self.setAccessibleName("New assessment")
        self.name = QLineEdit()
        self.name.setAccessibleName("Assessment name")
        self.name.setPlaceholderText("e.g. Baseline 2024 – staff")
        fields = AssessmentFields(frameworks)
        self.stage, self.perspective = fields.stage, fields.perspective
        self.held_on, self.framework = fields.held_on, fields.framework
        self.fields = fields
        self.practice = QLabel(f"⚠ Demonstration framework: {PRACTICE_NOTE}.")
        self.practice.setWordWrap(True)
        self.practice.setAccessibleName(self.practice.text())
        self.notice = QLabel()
        self.notice.setWordWrap(True)
        self.notice.setAccessibleName("About the frameworks")
        self.load_button = QPushButton("&Load a framework file…")
        self.load_button.setAccessibleName("Load a framework file… (TOML or spreadsheet)")
        self.load_button.setToolTip(
            "Your authority's copy of the self-assessment, as a TOML file or a spreadsheet with "
            "the columns Area, Area title, Item and Statement"
        )
        self.load_button.clicked.connect(self.load_framework)
        self.demo_button = QPushButton("&Use the demonstration framework (practice text)")
        self.demo_button.setAccessibleName(
            "Use the demonstration framework (practice text), not the real statements"
        )
        self.demo_button.clicked.connect(self.use_demonstration)
        # Wide enough for the longest framework title, "(demonstration)" included, where the
        # screen has room (AssessmentFields lets it be narrower where it has not).
        self.framework.setSizeAdjustPolicy(QComboBox.SizeAdjustPolicy.AdjustToContents)

        form = QFormLayout()
        form.addRow("&Name:", self.name)
        form.addRow("&Stage:", self.stage)
        form.addRow("&Perspective:", self.perspective)
        form.addRow("&Date:", self.held_on)
        form.addRow("&Framework:", self.framework)
        form.addRow("", self.practice)
        content = QVBoxLayout()
        content.addLayout(form)
        content.addWidget(self.notice)
        for button in (self.load_button, self.demo_button):
            content.addWidget(button, 0, Qt.AlignmentFlag.AlignLeft)
        content.addStretch(1)
        layout = QVBoxLayout(self)
        layout.addWidget(Scroller(content), 1)
        buttons = QDialogButtonBox(
            QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel
        )
        self.ok = buttons.button(QDialogButtonBox.StandardButton.Ok)
        self.ok.setText("&Create")
        self.ok.setAccessibleName("Create the assessment")
        cancel = buttons.button(QDialogButtonBox.StandardButton.Cancel)
        cancel.setAccessibleName(f"{cancel.text().replace('&', '')}: create nothing")
        self.name.textChanged.connect(self._update_ok)
        self.framework.currentIndexChanged.connect(self._framework_chosen)
        buttons.accepted.connect(self.accept)
        buttons.rejected.connect(self.reject)
        layout.addWidget(buttons)
        # Enter creates, even with other buttons in the dialog (set once the box is in it).
        self.ok.setDefault(True)
        self._frameworks_changed()
        self._fit()

    def _fit(self) -> None:
        # At least 60 characters wide, and tall enough for the wrapped notes, as far as the
        # screen allows: the rest scrolls, the buttons stay in view.
        fit_to_screen(self, comfortable_width(self, 60))

    def _update_ok(self, *_args: object) -> None:
        self.ok.setEnabled(bool(self.name.text().strip()) and self.framework.count() > 0)

    def _framework_chosen(self, *_args: object) -> None:
        chosen = self.framework.currentData()
        demo = any(f.demonstration for f in self.fields.frameworks if f.id == chosen)
        self.practice.setVisible(demo)
        # The title may be cut short in the box (see _fit): whole in its list, and here.
        self.framework.setToolTip(self.framework.currentText())
        self._update_ok()

    def _frameworks_changed(self, message: str = "") -> None:
        none = self.framework.count() == 0
        if none:
            message = (
                "No framework is loaded yet. Load your authority's copy of the self-assessment, "
                "or try a workshop with the demonstration framework: practice text written for "
                "nbdesk, not the real statements."
            )
        self.notice.setText(message)
        self.notice.setAccessibleDescription(message)
        self.notice.setVisible(bool(message))
        self.demo_button.setVisible(none)
        self._framework_chosen()
        if self.isVisible():
            self._fit()  # room for the wrapped notice, however large the type

    def _select(self, framework_id: int, message: str) -> None:
        self.frameworks_loaded = True
        self.ops.read(
            self,
            list_frameworks,
            lambda frameworks: self._listed(frameworks, framework_id, message),
            key=f"new-assessment-frameworks-{id(self)}",
        )

    def _listed(self, frameworks: list[FrameworkSummary], chosen: int, message: str) -> None:
        self.fields.fill_frameworks(frameworks)
        self.framework.setCurrentIndex(max(0, self.framework.findData(chosen)))
        self._frameworks_changed(message)
        (self.ok if self.ok.isEnabled() else self.name).setFocus()

    def load_framework(self) -> None:
        choose_and_load(self, self.ops, self._select)

    def use_demonstration(self) -> None:
        use_demonstration(self, self.ops, self._demonstration_added)

    def _demonstration_added(self, framework_id: int) -> None:
        self._select(framework_id, "Added the demonstration framework.")

    def accept(self) -> None:
        """Create the assessment; the dialog stays open, saying why, if it cannot be."""
        try:
            self.held_on.date()  # a date it cannot read is shown beside the field
        except DateProblem:
            self.held_on.setFocus()
            return
        if not self.ok.isEnabled():
            return
        values = self.values()
        self.ok.setEnabled(False)
        self.ops.write(
            self,
            lambda session: create_assessment(session, **values),  # type: ignore[arg-type]
            self._created,
            failed=self._not_created,
            title="Creating the assessment",
        )

    def _created(self, result: Done[int]) -> None:
        super().accept()
        self.created.emit(result.value)

    def _not_created(self, exc: Exception) -> None:
        if is_plain(exc):
            show_error(self, "Not created", str(exc))
        self._update_ok()
        self.name.setFocus()

    def values(self) -> dict[str, object]:
        return {
            "name": self.name.text(),
            "stage": self.stage.currentData(),
            "perspective": self.perspective.currentData(),
            "held_on": self.fields.date(),
            "framework_id": self.framework.currentData(),
        }
