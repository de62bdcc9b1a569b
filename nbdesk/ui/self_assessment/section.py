"""The Self-assessment section: the list of assessments and everything that starts from it."""

from __future__ import annotations

from PySide6.QtCore import QModelIndex, QSortFilterProxyModel, Qt
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
    QInputDialog,
    QLabel,
    QLineEdit,
    QMessageBox,
    QPushButton,
    QTableView,
    QVBoxLayout,
    QWidget,
)

from nbdesk.common.atomic import ExportError
from nbdesk.common.paths import file_name
from nbdesk.forms.store import list_frameworks
from nbdesk.self_assessment.assessments import (
    PERSPECTIVE_LABELS,
    STAGE_LABELS,
    AssessmentSummary,
    archive_assessment,
    create_assessment,
    list_assessments,
    load_assessment,
    rename_assessment,
)
from nbdesk.self_assessment.sittings import KIND_LABELS, list_sittings, sitting_name
from nbdesk.storage import Database
from nbdesk.ui.date_field import DateProblem
from nbdesk.ui.dialogs import show_error
from nbdesk.ui.file_dialogs import ask_save_path
from nbdesk.ui.sections.base import Section
from nbdesk.ui.self_assessment.common import AssessmentFields
from nbdesk.ui.self_assessment.framework_dialog import (
    PRACTICE_NOTE,
    choose_and_load,
    use_demonstration,
)
from nbdesk.ui.table_models import CENTRE, RIGHT, ROW_ROLE, SORT_ROLE, Column, ListModel

ASSESSMENT_COLUMNS: list[Column[AssessmentSummary]] = [
    Column("Name", lambda a: a.name + ("  [archived]" if a.archived else "")),
    Column("Stage", lambda a: STAGE_LABELS.get(a.stage, a.stage)),
    Column("Perspective", lambda a: PERSPECTIVE_LABELS.get(a.perspective, a.perspective)),
    Column("Date", lambda a: a.held_on.strftime("%d %b %Y"), sort=lambda a: a.held_on.toordinal()),
    Column(
        "Rated",
        lambda a: f"{a.rated} of {a.statements}" + (" ✓" if a.complete else ""),
        sort=lambda a: a.rated / max(1, a.statements),
        align=RIGHT,
    ),
    Column(
        "Flagged",
        lambda a: str(a.flagged) if a.flagged else "",
        sort=lambda a: a.flagged,
        align=CENTRE,
    ),
    Column("Framework", lambda a: a.framework_title),
]


class NewAssessmentDialog(QDialog):
    """Name, stage, perspective, date and framework of a new assessment. A new authority, with no
    framework yet, loads its own file or takes the demonstration framework from here."""

    def __init__(self, db: Database, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.db = db
        self.frameworks_loaded = False  # one was loaded from here, so the section refreshes too
        self.setWindowTitle("New assessment")
        self.setAccessibleName("New assessment")
        self.name = QLineEdit()
        self.name.setAccessibleName("Assessment name")
        self.name.setPlaceholderText("e.g. Baseline 2024 – staff")
        fields = AssessmentFields(db)
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
        # Wide enough for the longest framework title, "(demonstration)" included.
        self.framework.setSizeAdjustPolicy(QComboBox.SizeAdjustPolicy.AdjustToContents)
        self.setMinimumWidth(self.fontMetrics().averageCharWidth() * 60)

        form = QFormLayout()
        form.addRow("&Name:", self.name)
        form.addRow("&Stage:", self.stage)
        form.addRow("&Perspective:", self.perspective)
        form.addRow("&Date:", self.held_on)
        form.addRow("&Framework:", self.framework)
        form.addRow("", self.practice)
        layout = QVBoxLayout(self)
        layout.addLayout(form)
        layout.addWidget(self.notice)
        for button in (self.load_button, self.demo_button):
            layout.addWidget(button, 0, Qt.AlignmentFlag.AlignLeft)
        layout.addStretch(1)
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

    def _update_ok(self, *_args: object) -> None:
        self.ok.setEnabled(bool(self.name.text().strip()) and self.framework.count() > 0)

    def _framework_chosen(self, *_args: object) -> None:
        chosen = self.framework.currentData()
        demo = any(f.demonstration for f in self.fields.frameworks if f.id == chosen)
        self.practice.setVisible(demo)
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
            self.adjustSize()  # room for the wrapped notice, however large the type

    def _select(self, framework_id: int, message: str) -> None:
        self.frameworks_loaded = True
        self.fields.fill_frameworks(self.db)
        self.framework.setCurrentIndex(max(0, self.framework.findData(framework_id)))
        self._frameworks_changed(message)
        (self.ok if self.ok.isEnabled() else self.name).setFocus()

    def load_framework(self) -> None:
        choose_and_load(self, self.db, self._select)

    def use_demonstration(self) -> None:
        use_demonstration(self, self.db, self._demonstration_added)

    def _demonstration_added(self, framework_id: int) -> None:
        self._select(framework_id, "Added the demonstration framework.")

    def accept(self) -> None:
        try:
            self.held_on.date()  # a date it cannot read is shown beside the field
        except DateProblem:
            self.held_on.setFocus()
            return
        super().accept()

    def values(self) -> dict[str, object]:
        return {
            "name": self.name.text(),
            "stage": self.stage.currentData(),
            "perspective": self.perspective.currentData(),
            "held_on": self.fields.date(),
            "framework_id": self.framework.currentData(),
        }


class SelfAssessmentSection(Section):
    title = "Self-assessment"

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.windows: list[QWidget] = []  # workshop, results and compare windows kept alive
        self.has_framework = False
        heading = QLabel(f"<h2>{self.title}</h2>")
        intro = QLabel(
            "Run the leaving-care self-assessment as a workshop (one statement at a time, full "
            "screen), see results, and compare baseline with follow-up or staff with young people."
        )
        intro.setWordWrap(True)

        self.model: ListModel[AssessmentSummary] = ListModel(ASSESSMENT_COLUMNS, self)
        self.proxy = QSortFilterProxyModel(self)
        self.proxy.setSourceModel(self.model)
        self.proxy.setSortRole(SORT_ROLE)
        self.table = QTableView()
        self.table.setModel(self.proxy)
        self.table.setAccessibleName("Assessments")
        self.table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.table.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.table.setSortingEnabled(True)
        self.table.verticalHeader().hide()
        self.table.setTabKeyNavigation(False)
        self.table.horizontalHeader().setSectionResizeMode(QHeaderView.ResizeMode.ResizeToContents)
        self.table.horizontalHeader().setStretchLastSection(True)
        self.table.activated.connect(lambda _i: self.start_workshop())
        self.table.selectionModel().currentRowChanged.connect(self._selection_changed)

        self.buttons: dict[str, QPushButton] = {}
        # A column beside the list, so the section fits a small laptop screen.
        column = QVBoxLayout()
        for key, text, accessible, slot in (
            (
                "workshop",
                "Start &workshop (F5)",
                "Start a workshop on the selected assessment",
                self.start_workshop,
            ),
            ("results", "&Results", "Show the selected assessment's results", self.show_results),
            ("compare", "&Compare…", "Compare two assessments", self.compare),
            ("new", "&New assessment…", "Create a new assessment", self.new_assessment),
            (
                "import",
                "&Import ratings…",
                "Import a completed Ratings workbook",
                self.import_ratings,
            ),
            (
                "export",
                "E&xport workbook…",
                "Write a Ratings workbook for working groups",
                self.export_workbook,
            ),
            ("rename", "Rena&me…", "Rename the selected assessment", self.rename),
            (
                "archive",
                "&Archive",
                "Archive or restore the selected assessment",
                self.toggle_archive,
            ),
        ):
            button = QPushButton(text)
            button.setAccessibleName(accessible)
            button.clicked.connect(slot)
            column.addWidget(button)
            self.buttons[key] = button
            if key in ("compare", "export"):
                column.addSpacing(self.fontMetrics().height() // 2)
        self.show_archived = QCheckBox("Show arc&hived")
        self.show_archived.setAccessibleName("Show archived assessments")
        self.show_archived.toggled.connect(lambda _c: self.refresh())
        column.addWidget(self.show_archived)
        column.addStretch(1)

        self.details = QLabel()
        self.details.setWordWrap(True)
        self.details.setAccessibleName("How the selected assessment was done")
        self.details.setTextFormat(Qt.TextFormat.RichText)
        self.details.setFocusPolicy(Qt.FocusPolicy.TabFocus)
        self.details.setAlignment(Qt.AlignmentFlag.AlignTop | Qt.AlignmentFlag.AlignLeft)

        layout = QVBoxLayout(self)
        layout.addWidget(heading)
        layout.addWidget(intro)
        body = QHBoxLayout()
        body.addWidget(self.table, 1)
        body.addLayout(column)
        layout.addLayout(body, 3)
        layout.addWidget(self.details, 1)
        self.setFocusProxy(self.table)
        start = QShortcut(QKeySequence("F5"), self)
        start.setContext(Qt.ShortcutContext.WidgetWithChildrenShortcut)
        start.activated.connect(self.start_workshop)
        self._update_buttons()

    # Data -----------------------------------------------------------------------------------

    def set_database(self, db: Database | None) -> None:
        super().set_database(db)
        self.refresh()

    def frameworks_changed(self) -> None:
        self.refresh()

    def refresh(self, select_id: int | None = None) -> None:
        if select_id is None and self.selected() is not None:
            select_id = self.selected().id  # type: ignore[union-attr]
        items: list[AssessmentSummary] = []
        if self.db is not None:
            with self.db.session() as session:
                items = list_assessments(session, include_archived=self.show_archived.isChecked())
                self.has_framework = bool(list_frameworks(session))
        self.model.set_rows(items)
        self.table.sortByColumn(3, Qt.SortOrder.DescendingOrder)
        row = 0
        for r in range(self.proxy.rowCount()):
            if self.proxy.index(r, 0).data(ROW_ROLE).id == select_id:
                row = r
        if self.proxy.rowCount():
            self.table.setCurrentIndex(self.proxy.index(row, 0))
            self.table.selectRow(row)
        self._selection_changed()

    def selected(self) -> AssessmentSummary | None:
        index = self.table.currentIndex()
        if not index.isValid():
            return None
        return index.data(ROW_ROLE)

    def _selection_changed(self, *_args: QModelIndex) -> None:
        self._update_buttons()
        chosen = self.selected()
        if chosen is None or self.db is None:
            if self.db is None:
                text = ""
            elif not self.has_framework:
                text = (
                    "No framework is loaded yet. Choose <b>New assessment…</b> to load your "
                    "authority's framework file or to use the demonstration framework (practice "
                    "text), or use <b>File › Load framework…</b>."
                )
            else:
                text = (
                    "No assessments yet. Choose <b>New assessment…</b> to start one, or "
                    "<b>Import ratings…</b> to create one from a completed workbook."
                )
            self.details.setText(text)
            return
        with self.db.session() as session:
            sittings = list_sittings(session, chosen.id)
        lines = [
            f"<b>{chosen.name}</b>: {chosen.describe}; {chosen.rated} of {chosen.statements} "
            f"statements rated{f', {chosen.flagged} flagged to revisit' if chosen.flagged else ''}."
        ]
        if not sittings:
            lines.append("No workshop sittings yet.")
        for s in sittings:
            people = ", ".join(
                f"{p.name_or_role} ({KIND_LABELS[p.kind].lower()})" for p in s.participants
            )
            lines.append(
                f"{sitting_name(s)}: {people or 'nobody recorded'} — {s.changes} change(s)."
            )
        self.details.setText("<br>".join(lines))

    def _update_buttons(self) -> None:
        chosen = self.selected()
        for key in ("workshop", "results", "rename", "archive"):
            self.buttons[key].setEnabled(chosen is not None)
        self.buttons["compare"].setEnabled(self.model.rowCount() >= 2)
        if chosen is not None:
            self.buttons["archive"].setText("Rest&ore" if chosen.archived else "&Archive")

    def _fail(self, title: str, exc: Exception) -> None:
        show_error(self, title, str(exc))

    # Actions --------------------------------------------------------------------------------

    def new_assessment(self) -> None:
        if self.db is None:
            return
        dialog = NewAssessmentDialog(self.db, self)
        while dialog.exec() == QDialog.DialogCode.Accepted:
            values = dialog.values()
            try:
                with self.db.transaction() as session:
                    new_id = create_assessment(session, **values).value  # type: ignore[arg-type]
            except ValueError as exc:
                self._fail("Not created", exc)
                continue
            self.refresh(new_id)
            return
        if dialog.frameworks_loaded:
            self.refresh()  # cancelled after loading a framework: the section says so

    def rename(self) -> None:
        chosen = self.selected()
        if chosen is None or self.db is None:
            return
        name, ok = QInputDialog.getText(
            self, "Rename", "New name:", QLineEdit.EchoMode.Normal, chosen.name
        )
        if not ok:
            return
        try:
            with self.db.transaction() as session:
                rename_assessment(session, chosen.id, name)
        except ValueError as exc:
            self._fail("Not renamed", exc)
        self.refresh(chosen.id)

    def toggle_archive(self) -> None:
        chosen = self.selected()
        if chosen is None or self.db is None:
            return
        with self.db.transaction() as session:
            archive_assessment(session, chosen.id, not chosen.archived)
        self.refresh(chosen.id)

    def start_workshop(self) -> None:
        chosen = self.selected()
        if chosen is None or self.db is None:
            return
        from nbdesk.ui.self_assessment.workshop import SittingDialog, WorkshopWindow, begin_sitting

        dialog = SittingDialog(chosen.name, self)
        if dialog.exec() != QDialog.DialogCode.Accepted:
            return
        try:
            sitting = begin_sitting(self.db, chosen.id, dialog.participants(), dialog.label.text())
        except ValueError as exc:
            self._fail("Workshop not started", exc)
            return
        window = WorkshopWindow(self.db, chosen.id, sitting)
        window.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        self._keep(window)
        window.showFullScreen()
        window.activateWindow()

    def _keep(self, window: QWidget) -> None:
        """Hold a top-level window until it closes. Bound-method connections (not lambdas) are
        dropped by Qt if this section goes first, so a late close never calls into a dead one."""
        self.windows.append(window)
        window.closed.connect(self._window_closed)  # type: ignore[attr-defined]

    def _window_closed(self) -> None:
        window = self.sender()
        self.windows = [w for w in self.windows if w is not window]
        assessment_id = getattr(window, "assessment_id", None)
        self.refresh(assessment_id)

    def show_results(self) -> None:
        chosen = self.selected()
        if chosen is None or self.db is None:
            return
        from nbdesk.ui.self_assessment.results import ResultsWindow

        window = ResultsWindow(self.db, chosen.id)
        window.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        self._keep(window)
        window.show()

    def compare(self) -> None:
        if self.db is None:
            return
        from nbdesk.ui.self_assessment.compare import CompareWindow

        chosen = self.selected()
        window = CompareWindow(self.db, self.model.rows, chosen.id if chosen else None)
        window.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        self._keep(window)
        window.show()

    def import_ratings(self) -> None:
        if self.db is None:
            return
        from nbdesk.ui.self_assessment.import_dialog import ImportRatingsDialog

        chosen = self.selected()
        dialog = ImportRatingsDialog(self.db, self.model.rows, chosen.id if chosen else None, self)
        if dialog.exec() == QDialog.DialogCode.Accepted:
            self.refresh(dialog.assessment_id)

    def export_workbook(self) -> None:
        if self.db is None:
            return
        chosen = self.selected()
        with_ratings = False
        if chosen is not None and chosen.rated:
            answer = QMessageBox.question(
                self,
                "Export a Ratings workbook",
                f"Include the ratings and evidence already in '{chosen.name}'?\n\n"
                "Yes: groups see and can revise them. No: a blank workbook of the same framework.",
                QMessageBox.StandardButton.Yes
                | QMessageBox.StandardButton.No
                | QMessageBox.StandardButton.Cancel,
            )
            if answer == QMessageBox.StandardButton.Cancel:
                return
            with_ratings = answer == QMessageBox.StandardButton.Yes
        suggested = file_name(
            self.authority, "Ratings workbook", chosen.name if chosen else "", suffix=".xlsx"
        )
        path = ask_save_path(
            self,
            "Export a Ratings workbook",
            "ratings",
            suggested,
            "Excel workbook (*.xlsx)",
            ".xlsx",
        )
        if path is None:
            return
        try:
            export_workbook(self.db, path, chosen.id if chosen else None, with_ratings)
        except (OSError, ValueError, ExportError) as exc:
            self._fail("Not exported", exc)
            return
        QMessageBox.information(
            self,
            "Exported",
            f"Wrote {path}.\nHand it to working groups: they fill the Rating and Evidence columns "
            "of the Ratings sheet, and Import ratings… takes it back.",
        )


def export_workbook(
    db: Database, path: str, assessment_id: int | None, with_ratings: bool = True
) -> None:
    """The workbook for an assessment's framework (with its ratings if asked), or, with no
    assessment, a blank one for the newest framework."""
    from pathlib import Path

    from nbdesk.forms.store import framework_definition
    from nbdesk.self_assessment.exchange import write_template

    with db.session() as session:
        detail = None
        if assessment_id is not None:
            detail = load_assessment(session, assessment_id)
            framework = detail.framework
        else:
            loaded = list_frameworks(session)
            if not loaded:
                raise ValueError("No framework is loaded.")
            newest = max(loaded, key=lambda f: (f.loaded_at, f.id))
            framework = framework_definition(session, newest.id)
    write_template(Path(path), framework, detail if with_ratings else None)
