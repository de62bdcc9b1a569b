"""The Self-assessment section: the list of assessments and everything that starts from it."""

from __future__ import annotations

from html import escape
from pathlib import Path
from typing import TYPE_CHECKING, Any

from PySide6.QtCore import QModelIndex, QSortFilterProxyModel, Qt
from PySide6.QtGui import QKeySequence, QShortcut
from PySide6.QtWidgets import (
    QAbstractItemView,
    QCheckBox,
    QDialog,
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

from nbdesk.common.changes import Changes
from nbdesk.common.paths import file_name
from nbdesk.forms.summaries import FrameworkSummary
from nbdesk.self_assessment.summaries import (
    KIND_LABELS,
    PERSPECTIVE_LABELS,
    STAGE_LABELS,
    AssessmentSummary,
    SittingInfo,
    sitting_name,
)
from nbdesk.ui.file_dialogs import ask_save_path
from nbdesk.ui.ops import Ops
from nbdesk.ui.sections.base import Section
from nbdesk.ui.table_models import CENTRE, RIGHT, ROW_ROLE, SORT_ROLE, Column, ListModel

if TYPE_CHECKING:
    pass

# The services (and so SQLAlchemy) are imported on the worker, inside the work given to Ops: this
# section is built, and shows the list read at start-up, before they are loaded.


def _frameworks(session: Any) -> list[FrameworkSummary]:
    from nbdesk.forms.store import list_frameworks

    return list_frameworks(session)


def _assessments_and_frameworks(
    session: Any, archived: bool
) -> tuple[list[AssessmentSummary], list[FrameworkSummary]]:
    from nbdesk.self_assessment.assessments import list_assessments

    return list_assessments(session, include_archived=archived), _frameworks(session)


def _sittings(session: Any, assessment_id: int) -> list[SittingInfo]:
    from nbdesk.self_assessment.sittings import list_sittings

    return list_sittings(session, assessment_id)


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


class SelfAssessmentSection(Section):
    title = "Self-assessment"
    shortcuts = ((("F5",), "start the workshop on the chosen assessment"),)

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.windows: list[QWidget] = []  # workshop, results and compare windows kept alive
        self.has_framework = False
        self.frameworks: list[FrameworkSummary] = []
        self.last_exported: Path | None = None
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
                "Start workshop on the selected assessment",
                self.start_workshop,
            ),
            ("results", "&Results", "Show the selected assessment's results", self.show_results),
            ("compare", "&Compare…", "Compare two assessments", self.compare),
            ("new", "&New assessment…", "Create a new assessment", self.new_assessment),
            (
                "import",
                "&Import ratings…",
                "Import ratings from a completed workbook",
                self.import_ratings,
            ),
            (
                "export",
                "E&xport workbook…",
                "Export workbook: a Ratings workbook for working groups",
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
        self.show_archived = QCheckBox("Show archi&ved")
        self.show_archived.setAccessibleName("Show archived assessments")
        self.show_archived.toggled.connect(lambda _c: self.refresh())
        column.addWidget(self.show_archived)
        column.addStretch(1)

        self.details = QLabel()
        self.details.setWordWrap(True)
        self.details.setAccessibleDescription("How the selected assessment was done")
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

    def set_ops(self, ops: Ops | None) -> None:
        super().set_ops(ops)
        self.refresh()

    def show_first_screen(
        self, items: list[AssessmentSummary], frameworks: list[FrameworkSummary]
    ) -> None:
        """The list as read at start-up, before the file is open here (set_ops reads it again)."""
        self._listed(items, frameworks, None)

    def on_changes(self, changes: Changes) -> None:
        # The list shows each assessment's counts, so a rating anywhere changes it too.
        if changes.assessment_list or changes.frameworks or changes.assessments:
            self.refresh()

    def refresh(self, select_id: int | None = None) -> None:
        if self.ops is None:
            return
        chosen = self.selected()
        if select_id is None and chosen is not None:
            select_id = chosen.id
        archived = self.show_archived.isChecked()
        self.ops.read(
            self,
            lambda session: _assessments_and_frameworks(session, archived),
            lambda found: self._listed(*found, select_id),
            key=f"assessments-{id(self)}",
        )

    def _listed(
        self,
        items: list[AssessmentSummary],
        frameworks: list[FrameworkSummary],
        select_id: int | None,
    ) -> None:
        self.frameworks = frameworks
        self.has_framework = bool(frameworks)
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
        if chosen is None or self.ops is None:
            if self.ops is None:
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
        self.ops.read(
            self,
            lambda session: _sittings(session, chosen.id),
            lambda sittings: self._show_details(chosen, sittings),
            key=f"assessment-details-{id(self)}",
        )

    def _show_details(self, chosen: AssessmentSummary, sittings: list[SittingInfo]) -> None:
        if self.selected() is None or self.selected().id != chosen.id:  # type: ignore[union-attr]
            return  # another assessment was chosen meanwhile
        lines = [
            f"<b>{escape(chosen.name)}</b>: {escape(chosen.describe)}; {chosen.rated} of "
            f"{chosen.statements} statements rated"
            f"{f', {chosen.flagged} flagged to revisit' if chosen.flagged else ''}."
        ]
        if not sittings:
            lines.append("No workshop sittings yet.")
        for s in sittings:
            people = ", ".join(
                f"{escape(p.name_or_role)} ({KIND_LABELS[p.kind].lower()})" for p in s.participants
            )
            lines.append(
                f"{escape(sitting_name(s))}: {people or 'nobody recorded'} — "
                f"{s.changes} change{'' if s.changes == 1 else 's'}."
            )
        self.details.setText("<br>".join(lines))

    def _update_buttons(self) -> None:
        chosen = self.selected()
        for key in ("workshop", "results", "rename", "archive"):
            self.buttons[key].setEnabled(chosen is not None)
        self.buttons["compare"].setEnabled(self.model.rowCount() >= 2)
        if chosen is not None:
            self.buttons["archive"].setText("Rest&ore" if chosen.archived else "&Archive")

    # Actions --------------------------------------------------------------------------------

    def new_assessment(self) -> None:
        if self.ops is None:
            return
        # The frameworks as they are now (one may have been loaded by another program).
        self.ops.read(self, _frameworks, self._open_new_assessment, title="Reading")

    def _open_new_assessment(self, frameworks: list[FrameworkSummary]) -> None:
        from nbdesk.ui.self_assessment.new_assessment import NewAssessmentDialog

        assert self.ops is not None
        self.frameworks = frameworks
        dialog = NewAssessmentDialog(self.ops, frameworks, self)
        dialog.created.connect(self.refresh)
        self.new_dialog = dialog
        dialog.open()

    def rename(self) -> None:
        chosen = self.selected()
        if chosen is None or self.ops is None:
            return
        name, ok = QInputDialog.getText(
            self, "Rename", "New name:", QLineEdit.EchoMode.Normal, chosen.name
        )
        if not ok:
            return
        from nbdesk.self_assessment.assessments import rename_assessment

        self.ops.write(
            self, lambda session: rename_assessment(session, chosen.id, name), title="Renaming"
        )

    def toggle_archive(self) -> None:
        chosen = self.selected()
        if chosen is None or self.ops is None:
            return
        from nbdesk.self_assessment.assessments import archive_assessment

        self.ops.write(
            self,
            lambda session: archive_assessment(session, chosen.id, not chosen.archived),
            title="Restoring" if chosen.archived else "Archiving",
        )

    def start_workshop(self) -> None:
        chosen = self.selected()
        if chosen is None or self.ops is None:
            return
        from nbdesk.ui.self_assessment.workshop_open import start_workshop

        start_workshop(self, self.ops, chosen.id, chosen.name, self._keep)

    def _keep(self, window: QWidget) -> None:
        """Hold a top-level window until it closes. Bound-method connections (not lambdas) are
        dropped by Qt if this section goes first, so a late close never calls into a dead one."""
        self.windows.append(window)
        window.closed.connect(self._window_closed)  # type: ignore[attr-defined]

    def _window_closed(self) -> None:
        window = self.sender()
        self.windows = [w for w in self.windows if w is not window]

    def show_results(self) -> None:
        chosen = self.selected()
        if chosen is None or self.ops is None:
            return
        from nbdesk.ui.self_assessment.results import ResultsWindow

        window = ResultsWindow(self.ops, chosen.id)
        window.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        self._keep(window)
        window.show()

    def compare(self) -> None:
        if self.ops is None:
            return
        from nbdesk.ui.self_assessment.compare import CompareWindow

        chosen = self.selected()
        window = CompareWindow(self.ops, self.model.rows, chosen.id if chosen else None)
        window.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        self._keep(window)
        window.show()

    def import_ratings(self) -> None:
        if self.ops is None:
            return

        self.ops.read(self, _frameworks, self._open_import, title="Reading")

    def _open_import(self, frameworks: list[FrameworkSummary]) -> None:
        from nbdesk.ui.self_assessment.import_dialog import ImportRatingsDialog

        assert self.ops is not None
        chosen = self.selected()
        dialog = ImportRatingsDialog(
            self.ops, self.model.rows, frameworks, chosen.id if chosen else None, self
        )
        if dialog.exec() == QDialog.DialogCode.Accepted:
            self.refresh(dialog.assessment_id)

    def export_workbook(self) -> None:
        if self.ops is None:
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
        assessment_id = chosen.id if chosen else None
        from nbdesk.self_assessment.exchange import write_ratings_workbook

        self.ops.read(
            self,
            lambda session: write_ratings_workbook(
                session, path, assessment_id=assessment_id, with_ratings=with_ratings
            ),
            lambda written: self._exported(written[0]),
            title="Writing the workbook",
        )

    def _exported(self, path: Path) -> None:
        self.last_exported = path
        QMessageBox.information(
            self,
            "Exported",
            f"Wrote {path}.\nHand it to working groups: they fill the Rating and Evidence columns "
            "of the Ratings sheet, and Import ratings… takes it back.",
        )
