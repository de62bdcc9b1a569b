"""Results and priorities: closing the loop for the chosen round.

Two pages: the central team's official counts beside nbdesk's confirmations and the findings report
(imported from a sheet or typed, compared with another round), and young people's priorities (a
count per theme on the authority's list, and short anonymous quotes). Every change is saved at once
through Ops; the tab reads again when a save says the feedback changed.
"""

from __future__ import annotations

from datetime import date
from typing import TYPE_CHECKING, Any

from PySide6.QtCore import QEvent, QObject, Qt, QTimer
from PySide6.QtGui import QKeySequence, QShortcut
from PySide6.QtWidgets import (
    QGroupBox,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QSpinBox,
    QTableView,
    QTabWidget,
    QVBoxLayout,
    QWidget,
)

from nbdesk.common import clock
from nbdesk.feedback.results import RoundResultView, round_result, set_round_result
from nbdesk.feedback.words import difference_words, official_words
from nbdesk.survey.rounds import RoundSummary, get_round
from nbdesk.ui.date_field import DateField, DateProblem
from nbdesk.ui.survey.common import labelled_button
from nbdesk.ui.survey.fit import Reflow

if TYPE_CHECKING:
    from nbdesk.ui.survey.section import SurveySection

MOST = 1_000_000


def problem_label() -> QLabel:
    """Where a refusal is said, in words and with a symbol, beside what was refused."""
    label = QLabel()
    label.setWordWrap(True)
    label.setTextFormat(Qt.TextFormat.PlainText)
    label.setFocusPolicy(Qt.FocusPolicy.StrongFocus)  # reachable, so a screen reader reads it
    label.hide()
    return label


def say_problem(label: QLabel, text: str) -> None:
    label.setText(f"⚠ {text}" if text else "")
    label.setAccessibleName(text)
    label.setVisible(bool(text))


class _RowsFollowWidth(QObject):
    def __init__(self, view: QTableView) -> None:
        super().__init__(view)
        self.view = view

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        if event.type() == QEvent.Type.Resize:
            # After the header has stretched its columns to the new width.
            QTimer.singleShot(0, self.view.resizeRowsToContents)
        return False


def rows_follow_width(view: QTableView) -> None:
    """A table whose words wrap: its rows grow to the lines they need whenever it is resized
    (at a large font a theme or a quote takes two or three lines rather than being cut short)."""
    view.setWordWrap(True)
    view.viewport().installEventFilter(_RowsFollowWidth(view))
    view.horizontalHeader().sectionResized.connect(lambda *_: view.resizeRowsToContents())


def above(label: QLabel, field: QWidget) -> QWidget:
    """A label over its field, as one piece that can move to another row."""
    cell = QWidget()
    column = QVBoxLayout(cell)
    column.setContentsMargins(0, 0, 0, 0)
    column.addWidget(label)
    column.addWidget(field)
    column.addStretch(1)
    return cell


def wrapped(text: str = "") -> QLabel:
    label = QLabel(text)
    label.setWordWrap(True)
    return label


class CountsBox(QGroupBox):
    """The official invited and completed counts, typed from the central team's letter, and how
    they compare with the completions PAs confirmed in nbdesk."""

    def __init__(self, section: SurveySection) -> None:
        super().__init__("Official counts from the central team")
        self.section = section
        self.loaded: tuple[int, RoundResultView | None] | None = None
        self.invited = QSpinBox()
        self.completed = QSpinBox()
        for box, name in ((self.invited, "Invited"), (self.completed, "Completed")):
            box.setRange(0, MOST)
            box.setGroupSeparatorShown(True)
            box.setAccessibleName(f"{name} (official count)")
        self.received = DateField("Received on", optional=True, empty_text="today, when saved")
        self.received.set_limits(
            latest=clock.today(),
            too_late="Received on: the results cannot have come on a day still to come.",
        )
        self.note = QLineEdit()
        self.note.setAccessibleName("Note about the official counts")
        self.note.setPlaceholderText("for example, the letter's reference")
        self.save_button = labelled_button("&Save counts", "Save counts: the official counts")
        self.save_button.clicked.connect(self.save)
        self.against = wrapped()
        self.against.setAccessibleDescription("Official counts beside nbdesk's confirmations")
        self.against.setFocusPolicy(Qt.FocusPolicy.StrongFocus)
        self.problem = problem_label()
        # Across the page, so the findings below keep the page's width, the labels above their
        # fields and the note on a row of its own; the fields wrap into more rows when the page
        # is narrow (a small screen, large type).
        cells: list[QWidget] = []
        for text, field in (
            ("&Invited:", self.invited),
            ("Compl&eted:", self.completed),
            ("Recei&ved on:", self.received),
        ):
            label = QLabel(text)
            # A date field takes no focus itself: its text box is the buddy.
            label.setBuddy(field)
            cells.append(above(label, field))
        cells.append(above(QLabel(), self.save_button))
        grid = Reflow(cells)
        note = QHBoxLayout()
        note_label = QLabel("Note:")
        note_label.setBuddy(self.note)
        note.addWidget(note_label)
        note.addWidget(self.note, 1)
        layout = QVBoxLayout(self)
        layout.addWidget(grid)
        layout.addLayout(note)
        layout.addWidget(self.problem)
        layout.addWidget(self.against)
        # Tab goes as the eye reads: the counts, the day, the note, then Save.
        QWidget.setTabOrder(self.received.edit, self.note)
        QWidget.setTabOrder(self.note, self.save_button)
        for key in (Qt.Key.Key_Return, Qt.Key.Key_Enter):  # Enter in any field saves
            shortcut = QShortcut(QKeySequence(key), self, activated=self.save)
            shortcut.setContext(Qt.ShortcutContext.WidgetWithChildrenShortcut)

    def refresh(self, round_id: int) -> None:
        ops = self.section.ops
        assert ops is not None
        ops.read(
            self,
            lambda session: (get_round(session, round_id), round_result(session, round_id)),
            lambda found: self.show_counts(*found),
            key=f"counts-{id(self)}",
        )

    def show_counts(self, summary: RoundSummary, view: RoundResultView | None) -> None:
        if self.loaded != (summary.id, view):
            # Fill the fields only when what is stored changed: a save elsewhere in the tab never
            # wipes numbers being typed here.
            self.loaded = (summary.id, view)
            self.invited.setValue(view.invited if view else 0)
            self.completed.setValue(view.completed if view else 0)
            self.received.setDate(view.received_on if view else None)
            self.note.setText(view.note if view else "")
            self.note.setCursorPosition(0)
        if view is None:
            text = (
                f"Not recorded yet. nbdesk has {summary.completed:,} completions confirmed "
                f"of {summary.eligible:,} eligible: type the central team's counts when they "
                "come."
            )
        else:
            text = f"{official_words(view)} {difference_words(view)}"
        self.against.setText(text)
        self.against.setAccessibleDescription(text)

    def save(self) -> None:
        ops, round_id = self.section.ops, self.section.round_id()
        if ops is None or round_id is None:
            return
        try:
            received: date | None = self.received.value()
        except DateProblem as exc:
            say_problem(self.problem, str(exc))
            self.received.setFocus()
            return
        invited, completed, note = self.invited.value(), self.completed.value(), self.note.text()
        say_problem(self.problem, "")
        ops.write(
            self,
            lambda session: set_round_result(
                session,
                round_id,
                invited=invited,
                completed=completed,
                received_on=received,
                note=note,
            ),
            lambda _done: self.section.status(
                f"Saved the official counts: {invited:,} invited, {completed:,} completed."
            ),
            failed=lambda exc: say_problem(self.problem, f"Not saved: {exc}"),
            title="Saving the official counts",
        )


class ResultsTab(QWidget):
    def __init__(self, section: SurveySection) -> None:
        from nbdesk.ui.survey.findings_box import FindingsBox
        from nbdesk.ui.survey.priorities_box import PrioritiesBox

        super().__init__()
        self.section = section
        self.heading = wrapped()
        self.counts = CountsBox(section)
        self.findings = FindingsBox(section)
        self.priorities = PrioritiesBox(section)
        results = QWidget()
        page = QVBoxLayout(results)
        page.addWidget(self.counts)
        page.addWidget(self.findings, 1)
        self.pages = QTabWidget()
        self.pages.setAccessibleName("Results and priorities")
        self.pages.addTab(results, "Official co&unts and findings")
        self.pages.addTab(self.priorities, "&Young people's priorities")
        layout = QVBoxLayout(self)
        layout.addWidget(self.heading)
        layout.addWidget(self.pages, 1)
        self.setFocusProxy(self.pages)

    def refresh(self) -> None:
        round_id = self.section.round_id()
        current: Any = self.section.current_round()
        if self.section.ops is None or round_id is None or current is None:
            self.heading.setText("Open a round to record its results and priorities.")
            self.pages.setEnabled(False)
            return
        self.pages.setEnabled(True)
        self.heading.setText(
            f"What the central team reported about <b>{current.name}</b> and what young people "
            "said needs to change: figures for the whole group and anonymous quotes, never anyone's "
            "answers."
        )
        self.counts.refresh(round_id)
        self.findings.refresh(round_id)
        self.priorities.refresh(round_id)
