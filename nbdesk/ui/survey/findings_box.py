"""A round's findings: the central team's aggregate figures, imported from a sheet
(Domain | Finding | Percent | Base) or typed one at a time, and compared with another round.

A finding on a small base is kept for the lead to see, marked in words and with a symbol (never by
colour alone), and never printed in anything that leaves the authority. A sheet with a bad row is
refused whole, with the row and column said, and nothing is stored.
"""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING, Any, NamedTuple

from PySide6.QtCore import QEvent, Qt, QTimer
from PySide6.QtGui import QKeySequence, QShortcut
from PySide6.QtWidgets import (
    QComboBox,
    QGroupBox,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QLineEdit,
    QMessageBox,
    QVBoxLayout,
    QWidget,
)

from nbdesk.feedback.results import (
    FindingChange,
    FindingRow,
    FindingView,
    add_finding,
    check_finding,
    list_findings,
    read_findings,
    remove_finding,
    store_findings,
)
from nbdesk.feedback.words import base_words, comparison, points_words
from nbdesk.ui.file_dialogs import ask_open_path
from nbdesk.ui.survey.common import labelled_button, table_view
from nbdesk.ui.survey.fit import Reflow
from nbdesk.ui.survey.results_tab import (
    above,
    problem_label,
    rows_follow_width,
    say_problem,
    wrapped,
)
from nbdesk.ui.table_models import RIGHT, ROW_ROLE, Column, ListModel

if TYPE_CHECKING:
    from nbdesk.ui.survey.section import SurveySection


def confirm(parent: QWidget, title: str, text: str, yes: str) -> bool:
    """Ask before a change that loses something; No is the default."""
    box = QMessageBox(
        QMessageBox.Icon.Question, title, text, QMessageBox.StandardButton.Cancel, parent
    )
    go = box.addButton(yes, QMessageBox.ButtonRole.AcceptRole)
    box.setDefaultButton(QMessageBox.StandardButton.Cancel)
    box.setAccessibleName(title)
    box.exec()
    return box.clickedButton() is go


class Shown(NamedTuple):
    finding: FindingView
    other: FindingView | None  # the same finding in the round compared with
    points: float | None  # follow-up less baseline


def percent(value: float | None) -> str:
    return "–" if value is None else f"{value:g}%"


BASE_COLUMNS: list[Column[Shown]] = [
    Column("Domain", lambda s: s.finding.domain),
    Column("Finding", lambda s: s.finding.text),
    Column(
        "Percent",
        lambda s: percent(s.finding.percent),
        sort=lambda s: s.finding.percent,
        align=RIGHT,
    ),
    Column("Base", lambda s: base_words(s.finding), sort=lambda s: s.finding.base),
]


def compare_columns(other: str) -> list[Column[Shown]]:
    return [
        Column(
            other,
            lambda s: percent(s.other.percent) if s.other else "not in that round",
            sort=lambda s: s.other.percent if s.other else -1.0,
            align=RIGHT,
        ),
        Column(
            "Change",
            lambda s: points_words(s.points) if s.other else "",
            sort=lambda s: s.points if s.points is not None else -999.0,
        ),
    ]


class FindingsBox(QGroupBox):
    def __init__(self, section: SurveySection) -> None:
        super().__init__("Findings from the central team's report")
        self.section = section
        self.round_id: int | None = None
        self.model: ListModel[Shown] = ListModel(BASE_COLUMNS, self)
        self.view = table_view(self.model, "Findings list: this round's findings")
        rows_follow_width(self.view)
        self.view.viewport().installEventFilter(self)
        # A few rows always show: at a large font the section scrolls rather than squash them.
        self.view.setMinimumHeight(self.view.fontMetrics().height() * 12)
        self.import_button = labelled_button("I&mport findings…", "Import findings… from a sheet")
        self.import_button.setToolTip(
            "A .csv or .xlsx with the columns Domain, Finding, Percent, Base"
        )
        self.remove_button = labelled_button("Remove finding", "Remove finding: the chosen one")
        self.import_button.clicked.connect(self.choose_import)
        self.remove_button.clicked.connect(self.remove)
        delete = QShortcut(QKeySequence(QKeySequence.StandardKey.Delete), self.view)
        delete.setContext(Qt.ShortcutContext.WidgetShortcut)
        delete.activated.connect(self.remove)
        self.other = QComboBox()
        self.other.setAccessibleName("Compare with round")
        self.other.setMinimumContentsLength(14)
        self.other.setSizeAdjustPolicy(
            QComboBox.SizeAdjustPolicy.AdjustToMinimumContentsLengthWithIcon
        )
        self.other.currentIndexChanged.connect(lambda _: self._compare_chosen())
        self.compared = wrapped()
        self.problem = problem_label()
        self.count = wrapped()

        self.domain, self.text, self.percent, self.base = (QLineEdit() for _ in range(4))
        cells: list[QWidget] = []
        for edit, label, name, hint in (
            (self.domain, "Dom&ain:", "Domain", "Well-being"),
            (self.text, "Finding te&xt:", "Finding text", "Reported high anxiety"),
            (self.percent, "Percent:", "Percent", "34"),
            (self.base, "Base:", "Base", "118"),
        ):
            title = QLabel(label)
            title.setBuddy(edit)
            edit.setAccessibleName(f"{name} of a new finding")
            edit.setPlaceholderText(hint)
            edit.returnPressed.connect(self.add)
            cells.append(above(title, edit))
        self.add_button = labelled_button("Add finding", "Add finding: the one typed")
        self.add_button.clicked.connect(self.add)
        cells.append(above(QLabel(), self.add_button))
        # Room for a few words each: squeezed into one row at large type they showed two.
        char = self.fontMetrics().averageCharWidth()
        self.domain.setMinimumWidth(char * 12)
        self.text.setMinimumWidth(char * 24)
        # One row when it fits, the finding's text the widest; else rows of fewer.
        entry = Reflow(cells, fill=True, stretch=(2, 4, 1, 1, 0))

        compare = QLabel("Compare wi&th:")
        compare.setBuddy(self.other)
        comparing = QWidget()
        compare_row = QHBoxLayout(comparing)
        compare_row.setContentsMargins(0, 0, 0, 0)
        compare_row.addWidget(compare)
        compare_row.addWidget(self.other, 1)
        top = Reflow([self.import_button, self.remove_button, comparing])
        listed = QLabel("Findings &list (Delete removes the chosen one):")
        listed.setBuddy(self.view)
        listed.setWordWrap(True)
        layout = QVBoxLayout(self)
        layout.addWidget(top)
        layout.addWidget(self.problem)
        layout.addWidget(listed)
        layout.addWidget(self.view, 1)
        layout.addWidget(self.count)
        layout.addWidget(self.compared)
        layout.addWidget(wrapped("Type a finding and press Enter to add it:"))
        layout.addWidget(entry)

    # Reading ----------------------------------------------------------------------------------

    def refresh(self, round_id: int) -> None:
        ops = self.section.ops
        assert ops is not None
        if round_id != self.round_id:
            say_problem(self.problem, "")
        self.round_id = round_id
        self._list_rounds(round_id)
        other = self.other.currentData()

        def work(session: Any) -> tuple[list[FindingView], Any]:
            found = list_findings(session, round_id)
            return found, comparison(session, round_id, other) if other is not None else None

        ops.read(self, work, lambda got: self.show_findings(*got), key=f"findings-{id(self)}")

    def _list_rounds(self, round_id: int) -> None:
        keep = self.other.currentData()
        self.other.blockSignals(True)
        self.other.clear()
        self.other.addItem("no other round", None)
        for r in reversed(self.section.rounds):
            if r.id != round_id:
                self.other.addItem(r.name, r.id)
        self.other.setCurrentIndex(max(0, self.other.findData(keep)))
        self.other.blockSignals(False)

    def _compare_chosen(self) -> None:
        if self.round_id is not None and self.section.ops is not None:
            self.refresh(self.round_id)

    def show_findings(
        self, findings: list[FindingView], compared: tuple[str, str, list[FindingChange]] | None
    ) -> None:
        chosen = self.current()
        columns = list(BASE_COLUMNS)
        rows = [Shown(f, None, None) for f in findings]
        self.compared.setText("")
        if compared is not None:
            baseline, follow_up, pairs = compared
            other_name = self.other.currentText()
            shown: list[Shown] = []
            for f in findings:
                pair = next(p for p in pairs if f in (p.before, p.after))
                other = pair.after if pair.before is f else pair.before
                shown.append(Shown(f, other, pair.points))
            rows = shown
            columns += compare_columns(other_name)
            gone = [p for p in pairs if p.before not in findings and p.after not in findings]
            words = f"Change from {baseline} to {follow_up}, in percentage points."
            if gone:
                listed = "; ".join(f"{p.domain}: {p.text}" for p in gone)
                words += f" Only in {other_name}: {listed}."
            self.compared.setText(words)
        self.model.columns = columns
        self.model.set_rows(rows)
        self._size_columns()
        small = sum(1 for f in findings if f.small)
        text = (
            f"{len(findings)} finding{'s' if len(findings) != 1 else ''}"
            if findings
            else "No findings yet: import the report's sheet or type them below."
        )
        if small:
            text += f"; {small} on a small base (marked ⚠, never printed)"
        self.count.setText(text)
        if chosen is not None:
            for row, s in enumerate(rows):
                if s.finding.id == chosen.finding.id:
                    self.view.setCurrentIndex(self.model.index(row, 0))

    def _size_columns(self) -> None:
        """The figures as wide as their words, the domain at most a fifth of the table and the
        base's small-base words wrapped under its number; the finding takes the rest and wraps,
        but keeps room for a few words at any font size (the table then scrolls sideways rather
        than squeeze it to a sliver)."""
        header = self.view.horizontalHeader()
        header.setStretchLastSection(False)
        metrics = self.view.fontMetrics()
        room = self.view.viewport().width()
        widths: dict[int, int] = {}
        for column in range(self.model.columnCount()):
            header.setSectionResizeMode(column, QHeaderView.ResizeMode.Interactive)
            if column == 1:
                continue
            needed = max(self.view.sizeHintForColumn(column), header.sectionSizeHint(column))
            if column == 0:
                needed = min(needed, room // 5)
            if column == 3:
                needed = min(needed, metrics.horizontalAdvance("⚠ small base:") + 16)
            widths[column] = needed
        widths[1] = max(room - sum(widths.values()), 16 * metrics.averageCharWidth())
        for column, width in widths.items():
            self.view.setColumnWidth(column, width)
        self.view.resizeRowsToContents()

    def eventFilter(self, watched: Any, event: Any) -> bool:
        if watched is self.view.viewport() and event.type() == QEvent.Type.Resize:
            QTimer.singleShot(0, self._size_columns)
        return False

    def current(self) -> Shown | None:
        index = self.view.currentIndex()
        return index.data(ROW_ROLE) if index.isValid() else None

    # Changing ---------------------------------------------------------------------------------

    def add(self) -> None:
        ops, round_id = self.section.ops, self.round_id
        if ops is None or round_id is None:
            return
        try:
            row = check_finding(
                self.domain.text(),
                self.text.text(),
                self.percent.text(),
                self.base.text(),
                "The new finding",
            )
        except ValueError as exc:
            say_problem(self.problem, str(exc))
            return
        say_problem(self.problem, "")

        def added(_done: object) -> None:
            for edit in (self.text, self.percent, self.base):
                edit.clear()
            self.domain.setFocus()
            self.domain.selectAll()
            self.section.status(f"Added the finding: {row.domain}: {row.text}.")

        ops.write(
            self,
            lambda session: add_finding(session, round_id, row),
            added,
            failed=lambda exc: say_problem(self.problem, f"Not added: {exc}"),
            title="Adding the finding",
        )

    def remove(self) -> None:
        ops, chosen = self.section.ops, self.current()
        if ops is None or chosen is None:
            return
        f = chosen.finding
        if not confirm(
            self,
            "Remove the finding",
            f"Remove “{f.domain}: {f.text}”? An action that cites it loses that citation.",
            "Remove it",
        ):
            return
        ops.write(
            self,
            lambda session: remove_finding(session, f.id),
            lambda _done: self.section.status(f"Removed the finding: {f.domain}: {f.text}."),
            title="Removing the finding",
        )

    def choose_import(self) -> None:
        if self.section.ops is None or self.round_id is None:
            return
        path = ask_open_path(
            self, "Import findings", "findings", "Findings (*.xlsx *.csv);;All files (*)"
        )
        if path is not None:
            self.start_import(path)

    def start_import(self, path: Path) -> None:
        """Read and check the file first (on the worker), then ask before replacing anything: a
        file with a bad row is said at once, without a question about replacing."""
        ops = self.section.ops
        if ops is None or self.round_id is None:
            return
        say_problem(self.problem, "")
        ops.outside(
            self,
            "Checking the findings",
            lambda _progress: read_findings(path),
            lambda rows: self._store(path, rows),
            failed=lambda exc: self._not_imported(str(exc)),
        )

    def _store(self, path: Path, rows: list[FindingRow]) -> None:
        ops, round_id = self.section.ops, self.round_id
        if ops is None or round_id is None:
            return
        held = self.model.rowCount()
        if held and not confirm(
            self,
            "Import findings",
            f"Replace the {held} findings held for this round with the {len(rows)} in "
            f"{path.name}? An action citing a finding no longer listed loses that citation.",
            "Replace them",
        ):
            return
        ops.write(
            self,
            lambda session: store_findings(session, round_id, rows),
            lambda done: self.section.status(f"Imported {done.value} findings from {path.name}."),
            failed=lambda exc: self._not_imported(str(exc)),
            title="Importing findings",
        )

    def _not_imported(self, message: str) -> None:
        say_problem(self.problem, f"Nothing was imported. {message}")
        self.problem.setFocus()
