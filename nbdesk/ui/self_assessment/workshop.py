"""Workshop mode: the assessment on a projector, one statement at a time, keyboard first.

Every rating, flag and overall score is saved the moment it is made; evidence and overall notes are
saved once typing pauses (SAVE_DELAY_MS), and at once when the note loses focus, the page changes
or the window closes, so a crash loses at most the last second of typing. Saving runs on the worker
(Ops): the window shows each change once it is saved, and every other window hears of it. Each
change goes on an undo stack; Ctrl+Z reverses the newest (and the reversal is kept in the history).
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from PySide6.QtCore import QEvent, QObject, Qt, QTimer, Signal
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
    QDialog,
    QFrame,
    QHBoxLayout,
    QLabel,
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
from nbdesk.common.errors import is_plain
from nbdesk.common.figures import fixed
from nbdesk.self_assessment.assessments import AreaState, StatementState, remember_workshop_page
from nbdesk.self_assessment.ratings import (
    Change,
    set_evidence,
    set_flag,
    set_overall,
    set_overall_note,
    set_rating,
    undo,
)
from nbdesk.self_assessment.workshop import Page, WorkshopStart, WorkshopState
from nbdesk.ui.dialogs import show_error
from nbdesk.ui.ops import Ops
from nbdesk.ui.self_assessment.common import rating_colour, scaled_font
from nbdesk.ui.self_assessment.go_to import GoToDialog

SAVE_DELAY_MS = 700
STATEMENT_SCALE = 2.2

SHORTCUTS = (
    "<b>1–4</b> rate · <b>← →</b> or <b>N P</b> move · <b>PgUp PgDn</b> area · "
    "<b>E</b> or <b>Enter</b> evidence · <b>F</b> flag · <b>Ctrl+G</b> go to · "
    "<b>L</b> flagged list · <b>Ctrl+Z</b> undo · <b>Esc</b> leave the note / the workshop"
)


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

    def __init__(self, ops: Ops, start: WorkshopStart, sitting_id: int | None) -> None:
        super().__init__()
        self.ops = ops
        self.state = WorkshopState(start.detail)
        self.detail = start.detail
        self.assessment_id = self.state.assessment_id
        self.sitting_id = sitting_id
        self.undo_stack: list[Change] = []
        self.areas: tuple[AreaState, ...] = self.state.areas
        self.pages: list[Page] = self.state.pages
        self.page_index = 0
        # Saves asked for and not yet back; an undo waits for them (the newest change may be one).
        self._pending = 0
        self._undos_waiting = 0
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
        self._remembered = start.resume_page
        self.show_page(self.state.starting_page(start.resume_page))
        self._restoring = False

    # The saved values, as the state holds them.

    @property
    def points(self) -> dict[int, int | None]:
        return self.state.points

    @property
    def evidence(self) -> dict[int, str]:
        return self.state.evidence

    @property
    def flags(self) -> dict[int, bool]:
        return self.state.flags

    @property
    def overall(self) -> dict[int, int | None]:
        return self.state.overall

    @property
    def overall_note(self) -> dict[int, str]:
        return self.state.overall_note

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
        return self.state.statement_on(self.page_index)

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
        page, assessment_id = self.page_index, self.assessment_id
        self._remembered = page
        self.ops.write(
            self,
            lambda session: remember_workshop_page(session, assessment_id, page),
            title="Remembering the workshop's place",
        )

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
        total = self.state.rated()
        count = len(self.points)
        self.progress.setValue(total)
        self.progress_text.setText(f"{total} of {count} statements rated")
        out_of = self.detail.framework.overall_out_of
        current = self.area_list.currentIndex().row()
        self.area_model.clear()
        for area in self.areas:
            rated = self.state.rated_in(area)
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
        for s in self.state.flagged():
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
        self._show_if_found(self.state.first_page_of_area(area_index))

    def jump_to_statement(self, statement_id: int) -> None:
        self._show_if_found(self.state.page_of_statement(statement_id))

    def jump_to_overall(self, area_id: int) -> None:
        self._show_if_found(self.state.page_of_overall(area_id))

    def _show_if_found(self, index: int | None) -> None:
        if index is not None:
            self.show_page(index)

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
            if points in self.state.valid_points:
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

    def _save(self, work: Callable[[Any], Change | None]) -> None:
        """Save one change on the worker; once saved, hold it, show it, and make it undoable."""
        self._pending += 1
        self.ops.write(self, work, self._saved, failed=self._not_saved, title="Saving")

    def _saved(self, change: Change | None) -> None:
        self._pending -= 1
        if change is not None:
            self.undo_stack.append(change)
            self.state.apply(change)
            self.status.setText(f"Saved {clock.now():%H:%M:%S}")
            self._refresh_rating()
            if self.current_statement() is None:
                self._refresh_overall_summary()
            self._refresh_side()
        self._undo_if_waiting()

    def _not_saved(self, exc: Exception) -> None:
        # Shown, never swallowed: the group must know a change was not saved.
        self._pending -= 1
        self.status.setText(f"NOT saved: {exc}")
        if is_plain(exc):  # anything unforeseen Ops has shown already
            show_error(self, "Not saved", f"That change could not be saved: {exc}")
        self._undo_if_waiting()

    def rate(self, points: int) -> None:
        statement = self.current_statement()
        if statement is None:
            return
        sid, aid, sitting, valid = (
            statement.statement_id,
            self.assessment_id,
            self.sitting_id,
            self.state.valid_points,
        )
        self._save(lambda s: set_rating(s, aid, sid, points, sitting, valid_points=valid))

    def toggle_flag(self) -> None:
        statement = self.current_statement()
        if statement is None:
            return
        sid, aid, sitting = statement.statement_id, self.assessment_id, self.sitting_id
        flagged = not self.flags[sid]
        self._save(lambda s: set_flag(s, aid, sid, flagged, sitting))

    def _note_typed(self) -> None:
        self._note_timer.start()

    def save_note(self) -> None:
        """Save whichever note is on screen if it differs from what is saved."""
        self._note_timer.stop()
        aid, sitting = self.assessment_id, self.sitting_id
        statement = self.current_statement()
        if statement is not None:
            sid = statement.statement_id
            text = self.note.toPlainText()
            if text != self.evidence[sid]:
                self._save(lambda s: set_evidence(s, aid, sid, text, sitting))
        else:
            area_id = self.area.area_id
            text = self.overall_note_edit.toPlainText()
            if text != self.overall_note[area_id]:
                self._save(lambda s: set_overall_note(s, aid, area_id, text, sitting))

    def save_overall(self) -> None:
        self._overall_timer.stop()
        if self.current_statement() is not None:
            return
        area_id, aid, sitting = self.area.area_id, self.assessment_id, self.sitting_id
        raw = self.overall_spin.value()
        value = None if raw < 0 else raw
        if value != self.overall[area_id]:
            self._save(lambda s: set_overall(s, aid, area_id, value, sitting))

    def flush(self) -> None:
        """Save anything typed but not yet saved; called before moving, undoing and closing."""
        if self._restoring:
            return
        self.save_note()
        self.save_overall()

    def undo_last(self) -> None:
        """Ctrl+Z: reverse the newest change, once every save asked for has come back (the
        newest change may be the note whose saving the undo itself set off)."""
        self.flush()
        self._undos_waiting += 1
        self._undo_if_waiting()

    def _undo_if_waiting(self) -> None:
        if self._pending or not self._undos_waiting:
            return
        self._undos_waiting -= 1
        if not self.undo_stack:
            self.status.setText("Nothing to undo")
            return
        change = self.undo_stack.pop()
        sitting = self.sitting_id
        self._pending += 1
        self.ops.write(
            self,
            lambda session: undo(session, change, sitting),
            lambda _reversal: self._undone(change),
            failed=lambda exc: self._not_undone(change, exc),
            title="Undoing",
        )

    def _undone(self, change: Change) -> None:
        self._pending -= 1
        self.state.revert(change)
        # Show where the undo happened, so the room sees what changed back.
        self._restoring = True
        try:
            self._show_if_found(self.state.page_of(change))
        finally:
            self._restoring = False
        self._refresh_side()
        self.status.setText(f"Undone: {self.state.describe(change)}")
        self._undo_if_waiting()

    def _not_undone(self, change: Change, exc: Exception) -> None:
        self._pending -= 1
        self.undo_stack.append(change)
        self.status.setText(f"NOT undone: {exc}")
        if is_plain(exc):
            show_error(self, "Not undone", f"The change could not be undone: {exc}")
        self._undo_if_waiting()

    def closeEvent(self, event: QCloseEvent) -> None:
        self.flush()
        self.closed.emit()
        super().closeEvent(event)
