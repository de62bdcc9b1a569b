"""Workshop mode: the assessment on a projector, one statement at a time, keyboard first.

Every rating, flag and overall score is committed the moment it is made; evidence and overall
notes are committed once typing pauses (SAVE_DELAY_MS), and at once when the note loses focus, the
page changes or the window closes, so a crash loses at most the last second of typing. Each change
goes on an undo stack; Ctrl+Z reverses the newest (and the reversal is kept in the history too).
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from dataclasses import dataclass
from typing import TYPE_CHECKING

from PySide6.QtCore import QEvent, QObject, QSortFilterProxyModel, Qt, QTimer, Signal
from PySide6.QtGui import (
    QCloseEvent,
    QKeyEvent,
    QKeySequence,
    QShortcut,
    QStandardItem,
    QStandardItemModel,
)
from PySide6.QtWidgets import (
    QAbstractItemView,
    QComboBox,
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QFrame,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QListView,
    QPlainTextEdit,
    QProgressBar,
    QPushButton,
    QSpinBox,
    QStackedWidget,
    QVBoxLayout,
    QWidget,
)

from nbdesk.common import clock
from nbdesk.common.figures import fixed
from nbdesk.self_assessment.assessments import (
    AreaState,
    AssessmentDetail,
    StatementState,
    load_assessment,
    remember_workshop_page,
    workshop_page,
)
from nbdesk.self_assessment.ratings import (
    EVIDENCE,
    FLAG,
    OVERALL,
    OVERALL_NOTE,
    RATING,
    Change,
    set_evidence,
    set_flag,
    set_overall,
    set_overall_note,
    set_rating,
    undo,
)
from nbdesk.self_assessment.sittings import KIND_LABELS, PARTICIPANT_KINDS, start_sitting
from nbdesk.storage import Database
from nbdesk.ui.dialogs import show_error
from nbdesk.ui.self_assessment.common import rating_colour, scaled_font

log = logging.getLogger(__name__)

if TYPE_CHECKING:
    from sqlalchemy.orm import Session

SAVE_DELAY_MS = 700
STATEMENT_SCALE = 2.2

SHORTCUTS = (
    "<b>1–4</b> rate · <b>← →</b> or <b>N P</b> move · <b>PgUp PgDn</b> area · "
    "<b>E</b> or <b>Enter</b> evidence · <b>F</b> flag · <b>Ctrl+G</b> go to · "
    "<b>L</b> flagged list · <b>Ctrl+Z</b> undo · <b>Esc</b> leave the note / the workshop"
)


@dataclass(frozen=True)
class Page:
    area: int  # index into the areas
    statement: int | None  # index into the area's statements; None for the area's overall page


class SittingDialog(QDialog):
    """Who is taking part, asked at the start of each sitting."""

    def __init__(self, assessment_name: str, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setWindowTitle("Who is taking part?")
        self.setAccessibleName("Who is taking part in this sitting")
        intro = QLabel(
            f"<p>Record who is taking part in this sitting of <b>{assessment_name}</b>, so the "
            "lead can show how the assessment was done. A role is enough, e.g. "
            "<i>Housing options manager</i>.</p>"
        )
        intro.setWordWrap(True)
        self.who = QLineEdit()
        self.who.setAccessibleName("Name or role")
        self.who.setPlaceholderText("name or role, then Enter (Enter again to start)")
        self.kind = QComboBox()
        self.kind.setAccessibleName("Kind of participant")
        for kind in PARTICIPANT_KINDS:
            self.kind.addItem(KIND_LABELS[kind], kind)
        self.add_button = QPushButton("&Add")
        self.add_button.setAccessibleName("Add the participant")
        self.add_button.clicked.connect(self.add_current)
        self.who.installEventFilter(self)
        self.label = QLineEdit()
        self.label.setAccessibleName("Sitting label")
        self.label.setPlaceholderText("optional, e.g. Workshop 2 – areas 6 to 10")

        self.people = QStandardItemModel(self)
        self.list = QListView()
        self.list.setModel(self.people)
        self.list.setAccessibleName("Participants added")
        self.list.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        remove = QPushButton("&Remove selected")
        remove.setAccessibleName("Remove the selected participant")
        remove.clicked.connect(self._remove)

        form = QFormLayout()
        row = QHBoxLayout()
        row.addWidget(self.who, 3)
        row.addWidget(self.kind, 2)
        row.addWidget(self.add_button)
        who_label = QLabel("&Name or role:")
        who_label.setBuddy(self.who)  # a row holding a layout gets no buddy by itself
        form.addRow(who_label, row)
        form.addRow("Sitting &label:", self.label)
        self.buttons = QDialogButtonBox(
            QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel
        )
        self.start_button = self.buttons.button(QDialogButtonBox.StandardButton.Ok)
        self.start_button.setText("&Start the workshop")
        self.start_button.setAccessibleName("Start the workshop")
        self.start_button.setEnabled(False)
        self.add_button.setAutoDefault(False)
        self.buttons.accepted.connect(self._accept)
        self.buttons.rejected.connect(self.reject)
        layout = QVBoxLayout(self)
        layout.addWidget(intro)
        layout.addLayout(form)
        layout.addWidget(self.list)
        layout.addWidget(remove, 0, Qt.AlignmentFlag.AlignLeft)
        layout.addWidget(self.buttons)
        self.resize(self.fontMetrics().averageCharWidth() * 80, self.fontMetrics().height() * 22)

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        # Enter in the name box adds the person; with the box empty it starts the workshop. The
        # button box would otherwise take every Enter as "start" (it makes Start the default).
        if (
            watched is self.who
            and isinstance(event, QKeyEvent)
            and event.type() == QEvent.Type.KeyPress
            and event.key() in (Qt.Key.Key_Return, Qt.Key.Key_Enter)
        ):
            if self.who.text().strip():
                self.add_current()
            elif self.people.rowCount():
                self.accept()
            return True
        return super().eventFilter(watched, event)

    def add_current(self) -> None:
        who = " ".join(self.who.text().split())
        if not who:
            return
        kind = self.kind.currentData()
        item = QStandardItem(f"{who} — {KIND_LABELS[kind]}")
        item.setData((who, kind), Qt.ItemDataRole.UserRole)
        self.people.appendRow(item)
        self.who.clear()
        self.who.setFocus()
        self.start_button.setEnabled(True)

    def _remove(self) -> None:
        for index in sorted(self.list.selectedIndexes(), key=lambda i: -i.row()):
            self.people.removeRow(index.row())
        self.start_button.setEnabled(self.people.rowCount() > 0)

    def _accept(self) -> None:
        self.add_current()  # a name typed but not yet added is surely meant to count
        if self.people.rowCount():
            self.accept()

    def participants(self) -> list[tuple[str, str]]:
        return [
            self.people.item(row).data(Qt.ItemDataRole.UserRole)
            for row in range(self.people.rowCount())
        ]


def begin_sitting(
    db: Database, assessment_id: int, participants: list[tuple[str, str]], label: str
) -> int:
    with db.transaction() as session:
        return start_sitting(session, assessment_id, participants, label).value


class RatingButton(QPushButton):
    def __init__(self, points: int, label: str, top: int) -> None:
        super().__init__()
        self.points = points
        self.label_text = label
        self.setCheckable(True)
        self.setFocusPolicy(Qt.FocusPolicy.NoFocus)  # keys 1–4 rate; focus stays on the page
        self.setFont(scaled_font(1.45, bold=True))
        self.setAccessibleName(f"{points} {label} (key {points})")
        colour = rating_colour(points, top).name()
        self.setStyleSheet(
            f"QPushButton {{ border: 3px solid {colour}; border-radius: 10px; padding: 0.6em;"
            f" color: {colour}; background: palette(base); }}"
            f"QPushButton:checked {{ background: {colour}; color: white; }}"
        )
        self.setSizePolicy(self.sizePolicy().horizontalPolicy(), self.sizePolicy().verticalPolicy())
        self.refresh(False)

    def refresh(self, chosen: bool) -> None:
        self.setChecked(chosen)
        mark = "✓ " if chosen else ""
        self.setText(f"{mark}{self.points}\n{self.label_text}")


def _is_escape(event: QKeyEvent) -> bool:
    return event.type() == QEvent.Type.KeyPress and event.key() == Qt.Key.Key_Escape


class _NoteWatcher(QObject):
    """Saves a note when it loses focus, and hands Esc back to the workshop."""

    def __init__(self, on_focus_out: Callable[[], None], on_escape: Callable[[], None]) -> None:
        super().__init__()
        self.on_focus_out = on_focus_out
        self.on_escape = on_escape

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        if event.type() == QEvent.Type.FocusOut:
            self.on_focus_out()
        elif isinstance(event, QKeyEvent) and _is_escape(event):
            self.on_escape()
            return True
        return False


class _SpinWatcher(QObject):
    """On the overall page the spin box has focus; keys that move or leave go to the workshop."""

    PASS = {
        Qt.Key.Key_Left,
        Qt.Key.Key_Right,
        Qt.Key.Key_N,
        Qt.Key.Key_P,
        Qt.Key.Key_E,
        Qt.Key.Key_F,
        Qt.Key.Key_L,
        Qt.Key.Key_Return,
        Qt.Key.Key_Enter,
        Qt.Key.Key_Escape,
        Qt.Key.Key_PageUp,
        Qt.Key.Key_PageDown,
    }

    def __init__(self, window: WorkshopWindow) -> None:
        super().__init__(window)
        self.window = window

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        if event.type() == QEvent.Type.FocusOut:
            self.window.save_overall()
        if (
            event.type() == QEvent.Type.KeyPress
            and isinstance(event, QKeyEvent)
            and event.matches(QKeySequence.StandardKey.Undo)
        ):
            # The spin box's own text undo would quietly re-save a score; Ctrl+Z here is the
            # workshop's undo, as everywhere outside a note.
            self.window.undo_last()
            return True
        if (
            event.type() == QEvent.Type.KeyPress
            and isinstance(event, QKeyEvent)
            and (
                event.key() in self.PASS
                and not event.modifiers() & Qt.KeyboardModifier.ControlModifier
            )
        ):
            self.window.handle_key(event)
            return True
        return False


class WorkshopWindow(QWidget):
    """Full-screen workshop on one assessment, in one sitting."""

    closed = Signal()
    changed = Signal()  # something was saved; lists elsewhere may refresh

    def __init__(self, db: Database, assessment_id: int, sitting_id: int | None) -> None:
        super().__init__()
        self.db = db
        self.assessment_id = assessment_id
        self.sitting_id = sitting_id
        self.undo_stack: list[Change] = []
        with db.session() as session:
            self.detail: AssessmentDetail = load_assessment(session, assessment_id)
            resume = workshop_page(session, assessment_id)
        fw = self.detail.framework
        self.valid_points = [p.points for p in fw.scale]
        self.areas: tuple[AreaState, ...] = self.detail.areas
        # Local copies of what is saved, updated as changes are committed.
        self.points = {s.statement_id: s.points for s in self.detail.statements()}
        self.evidence = {s.statement_id: s.evidence for s in self.detail.statements()}
        self.flags = {s.statement_id: s.flagged for s in self.detail.statements()}
        self.overall = {a.area_id: a.overall for a in self.areas}
        self.overall_note = {a.area_id: a.overall_note for a in self.areas}
        self.pages = [
            Page(ai, si)
            for ai, area in enumerate(self.areas)
            for si in [*range(len(area.statements)), None]
        ]
        self.page_index = 0
        # While an undo puts the screen back, what the editors show is stale: never save it.
        self._restoring = False

        self.setWindowTitle(f"Workshop — {self.detail.summary.name}")
        self.setAccessibleName(f"Workshop on {self.detail.summary.name}")
        self.setFocusPolicy(Qt.FocusPolicy.StrongFocus)
        self.setAutoFillBackground(True)
        self._build()
        self._note_timer = QTimer(self)
        self._note_timer.setSingleShot(True)
        self._note_timer.setInterval(SAVE_DELAY_MS)
        self._note_timer.timeout.connect(self.save_note)
        self._overall_timer = QTimer(self)
        self._overall_timer.setSingleShot(True)
        self._overall_timer.setInterval(SAVE_DELAY_MS)
        self._overall_timer.timeout.connect(self.save_overall)
        for keys, slot in (
            (QKeySequence(QKeySequence.StandardKey.Undo), self.undo_last),
            (QKeySequence("Ctrl+G"), self.go_to),
        ):
            shortcut = QShortcut(keys, self)
            shortcut.setContext(Qt.ShortcutContext.WindowShortcut)
            shortcut.activated.connect(slot)
        # Nothing is on screen yet, so there is nothing typed to save before the first page. The
        # group picks up where it stopped: the page last shown, else the first left unrated.
        self._restoring = True
        self._remembered = resume
        self.show_page(self._starting_page(resume))
        self._restoring = False

    def _starting_page(self, remembered: int | None) -> int:
        if remembered is not None and 0 <= remembered < len(self.pages):
            return remembered
        for index, page in enumerate(self.pages):
            area = self.areas[page.area]
            if page.statement is None:
                if self.overall[area.area_id] is None:
                    return index
            elif self.points[area.statements[page.statement].statement_id] is None:
                return index
        return 0

    # Building -------------------------------------------------------------------------------

    def _build(self) -> None:
        fw = self.detail.framework
        self.title = QLabel(self.detail.summary.name)
        self.title.setFont(scaled_font(1.25, bold=True))
        self.title.setAccessibleName("Assessment")
        self.progress_text = QLabel()
        self.progress_text.setFont(scaled_font(1.15))
        self.progress_text.setAccessibleName("Progress")
        self.progress = QProgressBar()
        self.progress.setRange(0, max(1, fw.statement_count))
        self.progress.setTextVisible(False)
        self.progress.setAccessibleName("Statements rated in all")
        self.progress.setMaximumWidth(self.fontMetrics().averageCharWidth() * 40)
        header = QHBoxLayout()
        header.addWidget(self.title, 1)
        header.addWidget(self.progress_text)
        header.addWidget(self.progress)

        # The statement page.
        self.area_label = QLabel()
        self.area_label.setFont(scaled_font(1.35))
        self.area_label.setWordWrap(True)
        self.area_label.setAccessibleName("Area")
        self.reference = QLabel()
        self.reference.setFont(scaled_font(3.0, bold=True))
        self.reference.setAccessibleName("Statement reference")
        self.position = QLabel()
        self.position.setFont(scaled_font(1.2))
        self.position.setAccessibleName("Position in the area")
        self.flag_label = QLabel()
        self.flag_label.setFont(scaled_font(1.3, bold=True))
        self.flag_label.setAccessibleName("Flag to revisit")
        self.flag_label.setStyleSheet("color: #8a4b00;")
        ref_row = QHBoxLayout()
        ref_row.addWidget(self.reference)
        ref_row.addSpacing(self.fontMetrics().height())
        ref_row.addWidget(self.position, 0, Qt.AlignmentFlag.AlignBottom)
        ref_row.addStretch(1)
        ref_row.addWidget(self.flag_label, 0, Qt.AlignmentFlag.AlignBottom)
        self.statement = QLabel()
        self.statement.setFont(scaled_font(STATEMENT_SCALE))
        self.statement.setWordWrap(True)
        self.statement.setAlignment(Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignTop)
        self.statement.setAccessibleName("Statement")
        self.statement.setFocusPolicy(Qt.FocusPolicy.StrongFocus)
        self.statement.setTextInteractionFlags(Qt.TextInteractionFlag.NoTextInteraction)
        self.rating_buttons: list[RatingButton] = []
        ratings_row = QHBoxLayout()
        # Lowest first, left to right, matching keys 1–4 on the keyboard.
        for point in sorted(fw.scale, key=lambda p: p.points):
            button = RatingButton(point.points, point.label, fw.max_points)
            button.clicked.connect(lambda _=False, p=point.points: self.rate(p))
            ratings_row.addWidget(button)
            self.rating_buttons.append(button)
        evidence_heading = QLabel(
            "&Evidence — comments, actions, links (E or Enter to write, Esc to leave)"
        )
        evidence_heading.setFont(scaled_font(1.1, bold=True))
        self.note = QPlainTextEdit()
        self.note.setFont(scaled_font(1.35))
        self.note.setAccessibleName("Evidence note")
        self.note.setTabChangesFocus(True)
        self.note.setPlaceholderText("Press E to write what the rating is based on.")
        evidence_heading.setBuddy(self.note)
        self.note.textChanged.connect(self._note_typed)
        self._note_watcher = _NoteWatcher(self.save_note, self.leave_note)
        self.note.installEventFilter(self._note_watcher)
        statement_page = QWidget()
        sp = QVBoxLayout(statement_page)
        sp.addWidget(self.area_label)
        sp.addLayout(ref_row)
        sp.addWidget(self.statement, 2)
        sp.addLayout(ratings_row)
        sp.addSpacing(self.fontMetrics().height() // 2)
        sp.addWidget(evidence_heading)
        sp.addWidget(self.note, 2)

        # The area's overall page.
        self.overall_area = QLabel()
        self.overall_area.setFont(scaled_font(1.35))
        self.overall_area.setWordWrap(True)
        self.overall_heading = QLabel()
        self.overall_heading.setFont(scaled_font(2.2, bold=True))
        self.overall_heading.setWordWrap(True)
        self.overall_summary = QLabel()
        self.overall_summary.setFont(scaled_font(1.5))
        self.overall_summary.setWordWrap(True)
        self.overall_summary.setAccessibleName("Area summary")
        self.overall_spin = QSpinBox()
        self.overall_spin.setRange(-1, fw.overall_out_of)
        self.overall_spin.setSpecialValueText("not yet given")
        self.overall_spin.setSuffix(f" out of {fw.overall_out_of}")
        self.overall_spin.setFont(scaled_font(2.6, bold=True))
        self.overall_spin.setAccessibleName(
            f"Overall rating of the area, out of {fw.overall_out_of}"
        )
        self.overall_spin.valueChanged.connect(lambda _v: self._overall_timer.start())
        self.overall_spin.installEventFilter(_SpinWatcher(self))
        self.overall_spin.lineEdit().installEventFilter(_SpinWatcher(self))
        overall_hint = QLabel(
            f"Type the group's overall score (0–{fw.overall_out_of}) or use ↑ ↓; "
            "E writes the note; → goes on to the next area."
        )
        overall_hint.setFont(scaled_font(1.1))
        overall_hint.setWordWrap(True)
        note_heading = QLabel("&Note on the overall score")
        note_heading.setFont(scaled_font(1.1, bold=True))
        self.overall_note_edit = QPlainTextEdit()
        self.overall_note_edit.setFont(scaled_font(1.35))
        self.overall_note_edit.setAccessibleName("Note on the overall score")
        self.overall_note_edit.setTabChangesFocus(True)
        note_heading.setBuddy(self.overall_note_edit)
        self.overall_note_edit.textChanged.connect(self._note_typed)
        self.overall_note_edit.installEventFilter(self._note_watcher)
        overall_page = QWidget()
        op = QVBoxLayout(overall_page)
        op.addWidget(self.overall_area)
        op.addWidget(self.overall_heading)
        op.addWidget(self.overall_summary)
        spin_row = QHBoxLayout()
        spin_row.addWidget(self.overall_spin)
        spin_row.addStretch(1)
        op.addLayout(spin_row)
        op.addWidget(overall_hint)
        op.addWidget(note_heading)
        op.addWidget(self.overall_note_edit, 1)
        ratings_heading = QLabel("The area's statements as rated")
        ratings_heading.setFont(scaled_font(1.1, bold=True))
        self.area_ratings_model = QStandardItemModel(self)
        self.area_ratings = QListView()
        self.area_ratings.setModel(self.area_ratings_model)
        self.area_ratings.setFont(scaled_font(1.15))
        self.area_ratings.setAccessibleName("The area's statements and their ratings")
        self.area_ratings.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        # The score is typed with the focus in the spin box; the list is there to be read.
        self.area_ratings.setFocusPolicy(Qt.FocusPolicy.NoFocus)
        self.area_ratings.setTextElideMode(Qt.TextElideMode.ElideRight)
        op.addWidget(ratings_heading)
        op.addWidget(self.area_ratings, 2)

        self.stack = QStackedWidget()
        self.stack.addWidget(statement_page)
        self.stack.addWidget(overall_page)

        # Side panel: progress per area, and the flagged statements.
        areas_heading = QLabel("Areas (PgUp/PgDn)")
        areas_heading.setFont(scaled_font(1.1, bold=True))
        self.area_model = QStandardItemModel(self)
        self.area_list = QListView()
        self.area_list.setModel(self.area_model)
        self.area_list.setAccessibleName("Areas and how many statements are rated")
        self.area_list.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.area_list.setWordWrap(True)
        self.area_list.setFont(scaled_font(1.1))
        self.area_list.activated.connect(lambda index: self.jump_to_area(index.row()))
        self.area_list.clicked.connect(lambda index: self.jump_to_area(index.row()))
        flagged_heading = QLabel("Flagged to revisit (L)")
        flagged_heading.setFont(scaled_font(1.1, bold=True))
        self.flag_model = QStandardItemModel(self)
        self.flag_list = QListView()
        self.flag_list.setModel(self.flag_model)
        self.flag_list.setAccessibleName("Statements flagged to revisit")
        self.flag_list.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.flag_list.setWordWrap(True)
        self.flag_list.setFont(scaled_font(1.1))
        self.flag_list.activated.connect(self._flag_chosen)
        self.flag_list.clicked.connect(self._flag_chosen)
        side = QVBoxLayout()
        side.addWidget(areas_heading)
        side.addWidget(self.area_list, 3)
        side.addWidget(flagged_heading)
        side.addWidget(self.flag_list, 1)
        for view in (self.area_list, self.flag_list):
            view.installEventFilter(self)

        body = QHBoxLayout()
        body.addWidget(self.stack, 3)
        line = QFrame()
        line.setFrameShape(QFrame.Shape.VLine)
        body.addWidget(line)
        body.addLayout(side, 1)

        self.shortcuts = QLabel(SHORTCUTS)
        self.shortcuts.setWordWrap(True)
        self.shortcuts.setFont(scaled_font(1.05))
        self.shortcuts.setAccessibleName("Keyboard shortcuts")
        self.status = QLabel()
        self.status.setFont(scaled_font(1.05))
        self.status.setAccessibleName("What was last saved")
        self.leave_button = QPushButton("Leave the workshop (Esc)")
        self.leave_button.setAccessibleName("Leave the workshop")
        self.leave_button.setFocusPolicy(Qt.FocusPolicy.TabFocus)
        self.leave_button.clicked.connect(self.close)
        footer = QHBoxLayout()
        footer.addWidget(self.shortcuts, 1)
        footer.addWidget(self.status)
        footer.addWidget(self.leave_button)

        root = QVBoxLayout(self)
        margin = self.fontMetrics().height()
        root.setContentsMargins(margin * 2, margin, margin * 2, margin)
        root.addLayout(header)
        root.addLayout(body, 1)
        root.addLayout(footer)
        self._refresh_side()

    # Where we are ---------------------------------------------------------------------------

    @property
    def page(self) -> Page:
        return self.pages[self.page_index]

    @property
    def area(self) -> AreaState:
        return self.areas[self.page.area]

    def current_statement(self) -> StatementState | None:
        page = self.page
        if page.statement is None:
            return None
        return self.areas[page.area].statements[page.statement]

    def show_page(self, index: int) -> None:
        if not self._restoring:
            self.flush()
        self.page_index = max(0, min(index, len(self.pages) - 1))
        page = self.page
        area = self.area
        area_text = f"Area {area.number} of {len(self.areas)} · {area.title}"
        statement = self.current_statement()
        if statement is None:
            self.stack.setCurrentIndex(1)
            self.overall_area.setText(area_text)
            self.overall_heading.setText(f"Area {area.number}: the group's overall rating")
            self._refresh_overall_summary()
            self.overall_spin.blockSignals(True)
            value = self.overall[area.area_id]
            self.overall_spin.setValue(-1 if value is None else value)
            self.overall_spin.blockSignals(False)
            self._set_editor(self.overall_note_edit, self.overall_note[area.area_id])
            self.overall_spin.setFocus(Qt.FocusReason.OtherFocusReason)
            self.overall_spin.selectAll()
        else:
            self.stack.setCurrentIndex(0)
            self.area_label.setText(area_text)
            self.reference.setText(statement.reference)
            assert page.statement is not None
            self.position.setText(f"statement {page.statement + 1} of {len(area.statements)}")
            self.statement.setText(statement.text)
            self.statement.setAccessibleDescription(statement.text)
            self._set_editor(self.note, self.evidence[statement.statement_id])
            self._refresh_rating()
            self.statement.setFocus(Qt.FocusReason.OtherFocusReason)
        self.area_list.setCurrentIndex(self.area_model.index(page.area, 0))
        self._remember_page()

    def _remember_page(self) -> None:
        if self._remembered == self.page_index:
            return
        try:
            with self.db.transaction() as session:
                remember_workshop_page(session, self.assessment_id, self.page_index)
        except Exception:
            log.exception("could not remember the workshop's place")
            return
        self._remembered = self.page_index

    def _set_editor(self, editor: QPlainTextEdit, text: str) -> None:
        editor.blockSignals(True)
        editor.setPlainText(text)
        editor.blockSignals(False)

    def _refresh_rating(self) -> None:
        statement = self.current_statement()
        if statement is None:
            return
        points = self.points[statement.statement_id]
        for button in self.rating_buttons:
            button.refresh(button.points == points)
        flagged = self.flags[statement.statement_id]
        self.flag_label.setText("⚑ Flagged to revisit (F to clear)" if flagged else "")
        fw = self.detail.framework
        chosen = f"rated {points} {fw.label_for(points)}" if points is not None else "not yet rated"
        self.statement.setAccessibleName(
            f"Statement {statement.reference}, {chosen}{', flagged' if flagged else ''}"
        )

    def _refresh_overall_summary(self) -> None:
        area = self.area
        fw = self.detail.framework
        rated = [self.points[s.statement_id] for s in area.statements]
        given = [p for p in rated if p is not None]
        if given:
            mean = sum(given) / len(given)
            text = (
                f"{len(given)} of {len(rated)} statements rated · mean {fixed(mean, 2)} of "
                f"{fw.max_points} ({fixed(mean / fw.max_points * 100)}%)"
            )
        else:
            text = f"None of the {len(rated)} statements is rated yet."
        self.overall_summary.setText(text)
        self.area_ratings_model.clear()
        for statement in area.statements:
            points = self.points[statement.statement_id]
            rating = f"{points} {fw.label_for(points)}" if points is not None else "not rated"
            flag = "  ⚑" if self.flags[statement.statement_id] else ""
            item = QStandardItem(f"{statement.reference}   {rating}{flag}   —   {statement.text}")
            item.setForeground(rating_colour(points, fw.max_points))
            self.area_ratings_model.appendRow(item)

    def _refresh_side(self) -> None:
        total = sum(1 for p in self.points.values() if p is not None)
        count = len(self.points)
        self.progress.setValue(total)
        self.progress_text.setText(f"{total} of {count} statements rated")
        out_of = self.detail.framework.overall_out_of
        current = self.area_list.currentIndex().row()
        self.area_model.clear()
        for area in self.areas:
            rated = sum(1 for s in area.statements if self.points[s.statement_id] is not None)
            overall = self.overall[area.area_id]
            overall_text = (
                f"overall {overall}/{out_of}" if overall is not None else "no overall yet"
            )
            done = "✓ " if rated == len(area.statements) and overall is not None else ""
            item = QStandardItem(
                f"{done}{area.number}. {area.title}\n    {rated} of {len(area.statements)} rated · {overall_text}"
            )
            self.area_model.appendRow(item)
        if current >= 0:
            self.area_list.setCurrentIndex(self.area_model.index(current, 0))
        self.flag_model.clear()
        for area in self.areas:
            for s in area.statements:
                if self.flags[s.statement_id]:
                    item = QStandardItem(f"{s.reference}  {s.text}")
                    item.setData(s.statement_id, Qt.ItemDataRole.UserRole)
                    self.flag_model.appendRow(item)
        if not self.flag_model.rowCount():
            none = QStandardItem("None flagged")
            none.setEnabled(False)
            self.flag_model.appendRow(none)

    # Moving ---------------------------------------------------------------------------------

    def next_page(self) -> None:
        self.show_page(self.page_index + 1)

    def previous_page(self) -> None:
        self.show_page(self.page_index - 1)

    def jump_to_area(self, area_index: int) -> None:
        for index, page in enumerate(self.pages):
            if page.area == area_index:
                self.show_page(index)
                return

    def jump_to_statement(self, statement_id: int) -> None:
        for index, page in enumerate(self.pages):
            if page.statement is None:
                continue
            if self.areas[page.area].statements[page.statement].statement_id == statement_id:
                self.show_page(index)
                return

    def jump_to_overall(self, area_id: int) -> None:
        for index, page in enumerate(self.pages):
            if page.statement is None and self.areas[page.area].area_id == area_id:
                self.show_page(index)
                return

    def _flag_chosen(self, index) -> None:  # type: ignore[no-untyped-def]
        statement_id = index.data(Qt.ItemDataRole.UserRole)
        if statement_id is not None:
            self.jump_to_statement(statement_id)

    def go_to(self) -> None:
        dialog = GoToDialog(self.detail, self)
        accepted = dialog.exec() == QDialog.DialogCode.Accepted
        chosen = dialog.chosen
        dialog.deleteLater()
        self.activateWindow()
        self.show_page(self.page_index)  # focus back on the statement, not left in the dialog
        if accepted and chosen is not None:
            kind, target = chosen
            if kind == "statement":
                self.jump_to_statement(target)
            else:
                self.jump_to_overall(target)

    # Keys -----------------------------------------------------------------------------------

    def keyPressEvent(self, event: QKeyEvent) -> None:
        if not self.handle_key(event):
            super().keyPressEvent(event)

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        # In the side lists, Esc comes back to the statement.
        if isinstance(event, QKeyEvent) and _is_escape(event):
            self.show_page(self.page_index)
            return True
        return super().eventFilter(watched, event)

    def handle_key(self, event: QKeyEvent) -> bool:
        if event.modifiers() & (
            Qt.KeyboardModifier.ControlModifier | Qt.KeyboardModifier.AltModifier
        ):
            return False
        key = event.key()
        statement = self.current_statement()
        if statement is not None and Qt.Key.Key_0 <= key <= Qt.Key.Key_9:
            points = key - Qt.Key.Key_0
            if points in self.valid_points:
                self.rate(points)
                return True
        if key in (Qt.Key.Key_Right, Qt.Key.Key_N):
            self.next_page()
        elif key in (Qt.Key.Key_Left, Qt.Key.Key_P):
            self.previous_page()
        elif key == Qt.Key.Key_PageDown:
            self.jump_to_area(min(self.page.area + 1, len(self.areas) - 1))
        elif key == Qt.Key.Key_PageUp:
            self.jump_to_area(max(self.page.area - 1, 0))
        elif key in (Qt.Key.Key_E, Qt.Key.Key_Return, Qt.Key.Key_Enter):
            editor = self.note if statement is not None else self.overall_note_edit
            editor.setFocus(Qt.FocusReason.ShortcutFocusReason)
            editor.moveCursor(editor.textCursor().MoveOperation.End)
        elif key == Qt.Key.Key_F and statement is not None:
            self.toggle_flag()
        elif key == Qt.Key.Key_L:
            self.flag_list.setFocus(Qt.FocusReason.ShortcutFocusReason)
            if self.flag_model.rowCount():
                self.flag_list.setCurrentIndex(self.flag_model.index(0, 0))
        elif key == Qt.Key.Key_Escape:
            self.close()
        else:
            return False
        return True

    def leave_note(self) -> None:
        self.save_note()
        if self.current_statement() is None:
            self.overall_spin.setFocus(Qt.FocusReason.ShortcutFocusReason)
        else:
            self.statement.setFocus(Qt.FocusReason.ShortcutFocusReason)

    # Saving ---------------------------------------------------------------------------------

    def _commit(self, work: Callable[[Session], Change | None]) -> Change | None:
        try:
            with self.db.transaction() as session:
                change = work(session)
        except Exception as exc:  # shown, never swallowed: the group must know it was not saved
            show_error(self, "Not saved", f"That change could not be saved: {exc}")
            return None
        if change is not None:
            self.undo_stack.append(change)
            self.status.setText(f"Saved {clock.now():%H:%M:%S}")
            self.changed.emit()
        return change

    def rate(self, points: int) -> None:
        statement = self.current_statement()
        if statement is None:
            return
        sid = statement.statement_id
        change = self._commit(
            lambda s: set_rating(
                s, self.assessment_id, sid, points, self.sitting_id, valid_points=self.valid_points
            )
        )
        if change is not None:
            self.points[sid] = points
            self._refresh_rating()
            self._refresh_side()

    def toggle_flag(self) -> None:
        statement = self.current_statement()
        if statement is None:
            return
        sid = statement.statement_id
        flagged = not self.flags[sid]
        if self._commit(lambda s: set_flag(s, self.assessment_id, sid, flagged, self.sitting_id)):
            self.flags[sid] = flagged
            self._refresh_rating()
            self._refresh_side()

    def _note_typed(self) -> None:
        self._note_timer.start()

    def save_note(self) -> None:
        """Commit whichever note is on screen if it differs from what is saved."""
        self._note_timer.stop()
        statement = self.current_statement()
        if statement is not None:
            sid = statement.statement_id
            text = self.note.toPlainText()
            if text != self.evidence[sid] and self._commit(
                lambda s: set_evidence(s, self.assessment_id, sid, text, self.sitting_id)
            ):
                self.evidence[sid] = text
        else:
            area_id = self.area.area_id
            text = self.overall_note_edit.toPlainText()
            if text != self.overall_note[area_id] and self._commit(
                lambda s: set_overall_note(s, self.assessment_id, area_id, text, self.sitting_id)
            ):
                self.overall_note[area_id] = text

    def save_overall(self) -> None:
        self._overall_timer.stop()
        if self.current_statement() is not None:
            return
        area_id = self.area.area_id
        raw = self.overall_spin.value()
        value = None if raw < 0 else raw
        if value != self.overall[area_id] and self._commit(
            lambda s: set_overall(s, self.assessment_id, area_id, value, self.sitting_id)
        ):
            self.overall[area_id] = value
            self._refresh_side()

    def flush(self) -> None:
        """Save anything typed but not yet saved; called before moving, undoing and closing."""
        if self._restoring:
            return
        self.save_note()
        self.save_overall()

    def undo_last(self) -> None:
        self.flush()
        if not self.undo_stack:
            self.status.setText("Nothing to undo")
            return
        change = self.undo_stack.pop()
        try:
            with self.db.transaction() as session:
                undo(session, change, self.sitting_id)
        except Exception as exc:
            self.undo_stack.append(change)
            show_error(self, "Not undone", f"The change could not be undone: {exc}")
            return
        old = change.old
        if change.field == RATING:
            self.points[change.target] = None if old in (None, "") else int(old)
        elif change.field == EVIDENCE:
            self.evidence[change.target] = old or ""
        elif change.field == FLAG:
            self.flags[change.target] = old == "yes"
        elif change.field == OVERALL:
            self.overall[change.target] = None if old in (None, "") else int(old)
        elif change.field == OVERALL_NOTE:
            self.overall_note[change.target] = old or ""
        # Show where the undo happened, so the room sees what changed back.
        self._restoring = True
        try:
            if change.field in (RATING, EVIDENCE, FLAG):
                self.jump_to_statement(change.target)
            else:
                self.jump_to_overall(change.target)
        finally:
            self._restoring = False
        self._refresh_side()
        self.status.setText(f"Undone: {_describe(change, self.detail)}")
        self.changed.emit()

    def closeEvent(self, event: QCloseEvent) -> None:
        self.flush()
        self.closed.emit()
        super().closeEvent(event)


def _describe(change: Change, detail: AssessmentDetail) -> str:
    from nbdesk.self_assessment.ratings import FIELD_LABELS

    where = ""
    for area in detail.areas:
        if change.field in (OVERALL, OVERALL_NOTE) and area.area_id == change.target:
            where = f"area {area.number}"
        for s in area.statements:
            if s.statement_id == change.target and change.field in (RATING, EVIDENCE, FLAG):
                where = s.reference
    return f"{FIELD_LABELS[change.field].lower()} of {where}"


class GoToDialog(QDialog):
    """Ctrl+G: type a reference like "7m" or words from the statement, Enter to go there."""

    def __init__(self, detail: AssessmentDetail, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setWindowTitle("Go to a statement")
        self.setAccessibleName("Go to a statement")
        self.chosen: tuple[str, int] | None = None
        self.model = QStandardItemModel(self)
        for area in detail.areas:
            for s in area.statements:
                item = QStandardItem(f"{s.reference}   {s.text}")
                item.setData(("statement", s.statement_id), Qt.ItemDataRole.UserRole)
                item.setData(
                    f"{s.area_number}{s.letter} {s.reference} {s.text}".lower(),
                    Qt.ItemDataRole.UserRole + 1,
                )
                self.model.appendRow(item)
            item = QStandardItem(f"{area.number} / overall   Area {area.number}'s overall rating")
            item.setData(("area", area.area_id), Qt.ItemDataRole.UserRole)
            item.setData(f"{area.number} overall area {area.number}", Qt.ItemDataRole.UserRole + 1)
            self.model.appendRow(item)
        self.proxy = QSortFilterProxyModel(self)
        self.proxy.setSourceModel(self.model)
        self.proxy.setFilterRole(Qt.ItemDataRole.UserRole + 1)
        self.proxy.setFilterCaseSensitivity(Qt.CaseSensitivity.CaseInsensitive)
        self.search = QLineEdit()
        self.search.setAccessibleName("Reference or words to find")
        self.search.setPlaceholderText("e.g. 7m, 7 / M, or words from the statement")
        self.search.textChanged.connect(self._filter)
        self.search.returnPressed.connect(self._accept_current)
        self.search.installEventFilter(self)
        self.list = QListView()
        self.list.setModel(self.proxy)
        self.list.setAccessibleName("Statements")
        self.list.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.list.activated.connect(lambda _i: self._accept_current())
        layout = QVBoxLayout(self)
        layout.addWidget(
            QLabel("Type a reference or words, then Enter (↓ to choose from the list):")
        )
        layout.addWidget(self.search)
        layout.addWidget(self.list)
        self.list.setCurrentIndex(self.proxy.index(0, 0))
        self.resize(self.fontMetrics().averageCharWidth() * 110, self.fontMetrics().height() * 28)

    def _filter(self, text: str) -> None:
        words = text.lower().replace("/", " ").split()
        # A reference typed as "7m" or "7 m" matches the start of the key "7m …".
        key = "".join(words)
        if words and key.isdigit():
            self.proxy.setFilterRegularExpression(f"^{key}[a-z]*\\b")
        elif words and key.isalnum() and key[0].isdigit() and len(key) <= 4:
            self.proxy.setFilterRegularExpression(f"^{key}\\b")
        else:
            self.proxy.setFilterFixedString(text.lower())
        self.list.setCurrentIndex(self.proxy.index(0, 0))

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        if (
            watched is self.search
            and event.type() == QEvent.Type.KeyPress
            and isinstance(event, QKeyEvent)
        ) and event.key() in (Qt.Key.Key_Down, Qt.Key.Key_Up):
            self.list.setFocus()
            self.list.keyPressEvent(event)
            return True
        return super().eventFilter(watched, event)

    def _accept_current(self) -> None:
        index = self.list.currentIndex()
        if index.isValid():
            self.chosen = index.data(Qt.ItemDataRole.UserRole)
            self.accept()
