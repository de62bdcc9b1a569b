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
from PySide6.QtGui import QCloseEvent, QKeyEvent, QKeySequence, QShortcut
from PySide6.QtWidgets import (
    QAbstractButton,
    QApplication,
    QHBoxLayout,
    QPlainTextEdit,
    QStackedWidget,
    QVBoxLayout,
    QWidget,
)

from nbdesk.common import clock
from nbdesk.common.errors import is_plain
from nbdesk.self_assessment.assessments import AreaState, StatementState, remember_workshop_page
from nbdesk.self_assessment.lease import HeldBy, Lease
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
from nbdesk.ui.action_plan.links import StatementActions
from nbdesk.ui.dialogs import show_error
from nbdesk.ui.fit import Scroller, fit_to_screen
from nbdesk.ui.help import show_workshop_keys
from nbdesk.ui.ops import Ops
from nbdesk.ui.self_assessment.go_to import go_to
from nbdesk.ui.self_assessment.workshop_fit import FitsTheScreen
from nbdesk.ui.self_assessment.workshop_lease import OneWriter
from nbdesk.ui.self_assessment.workshop_parts import (
    SHORTCUTS,
    Footer,
    Header,
    NoteWatcher,
    OverallPage,
    RatingButton,
    SidePanel,
    SpinWatcher,
    StatementPage,
    is_escape,
)

SAVE_DELAY_MS = 700


class WorkshopWindow(FitsTheScreen, OneWriter, QWidget):
    """Full-screen workshop on one assessment, in one sitting; led under a `lease`, or `watching`
    one someone else leads (OneWriter, issue 17); with neither, led without a lease."""

    closed = Signal()

    def __init__(
        self,
        ops: Ops,
        start: WorkshopStart,
        sitting_id: int | None,
        *,
        lease: Lease | None = None,
        watching: HeldBy | None = None,
        led_by: str = "",
    ) -> None:
        super().__init__()
        self.ops = ops
        self._set_up_lease(lease, watching, led_by)
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
        # Its size when it is not full screen (F11 in a window manager, or Esc from full screen
        # by some), as large as the screen allows.
        fit_to_screen(self, *self.screen().availableGeometry().size().toTuple())
        self._fit()  # laid out for that size before it is first shown
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
            (QKeySequence("Ctrl+G"), lambda: go_to(self)),
            (QKeySequence("F1"), lambda: show_workshop_keys(self)),  # the Help menu is under it
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
        self._start_lease()

    def _build(self) -> None:
        fw = self.detail.framework
        top = Header(self.detail.summary.name, fw.statement_count)
        self.title, self.progress_text, self.progress = top.title, top.progress_text, top.progress

        self.statement_page = StatementPage(
            fw, self.rate, StatementActions(self.ops, self.assessment_id)
        )
        self.overall_page = OverallPage(fw)
        self.side = SidePanel()
        # S shows or hides it; otherwise it steps aside when there is no room (None).
        self._side_choice: bool | None = None
        # The window works with the parts' controls directly (and tests and screen readers with
        # the window): the same objects under the window's own names.
        for name in (
            "area_label",
            "reference",
            "position",
            "flag_label",
            "statement",
            "rating_buttons",
            "note",
        ):
            setattr(self, name, getattr(self.statement_page, name))
        for name in (
            "overall_area",
            "overall_heading",
            "overall_summary",
            "overall_spin",
            "overall_note_edit",
            "area_ratings_model",
            "area_ratings",
        ):
            setattr(self, name, getattr(self.overall_page, name))
        for name in ("area_model", "area_list", "flag_model", "flag_list"):
            setattr(self, name, getattr(self.side, name))
        self._note_watcher = NoteWatcher(self.save_note, self.leave_note)
        for editor in (self.note, self.overall_note_edit):
            editor.textChanged.connect(self._note_typed)
            editor.installEventFilter(self._note_watcher)
        self.overall_spin.valueChanged.connect(lambda _v: self._overall_timer.start())
        self.overall_spin.installEventFilter(SpinWatcher(self))
        self.overall_spin.lineEdit().installEventFilter(SpinWatcher(self))
        self.area_list.activated.connect(lambda index: self.jump_to_area(index.row()))
        self.area_list.clicked.connect(lambda index: self.jump_to_area(index.row()))
        self.flag_list.activated.connect(self._flag_chosen)
        self.flag_list.clicked.connect(self._flag_chosen)
        for view in (self.area_list, self.flag_list):
            view.installEventFilter(self)

        self.stack = QStackedWidget()
        self.stack.addWidget(self.statement_page)
        self.stack.addWidget(self.overall_page)
        # The page scrolls when the screen is too small for it (twice the font on a laptop);
        # the header and footer, with the way out, stay in view. Its keys are the workshop's.
        self.page_scroll = Scroller(self.stack, keys=False)

        body = QHBoxLayout()
        body.addWidget(self.page_scroll, 3)
        body.addWidget(self.side, 1)

        bottom = Footer(SHORTCUTS)
        self.shortcuts, self.status = bottom.shortcuts, bottom.status
        self.leave_button = bottom.leave_button
        self.leave_button.clicked.connect(self.close)

        self.banner = self._watch_banner()
        root = QVBoxLayout(self)
        root.addWidget(top)
        root.addWidget(self.banner)
        root.addLayout(body, 1)
        root.addWidget(bottom)
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
            value = self.state.overall[area.area_id]
            self.overall_spin.setValue(-1 if value is None else value)
            self.overall_spin.blockSignals(False)
            self._set_editor(self.overall_note_edit, self.state.overall_note[area.area_id])
            self._focus_score()
        else:
            self.stack.setCurrentIndex(0)
            self.area_label.setText(area_text)
            self.reference.setText(statement.reference)
            assert page.statement is not None
            self.position.setText(f"statement {page.statement + 1} of {len(area.statements)}")
            self.statement.setText(statement.text)
            self.statement.setAccessibleDescription(statement.text)
            self._set_editor(self.note, self.state.evidence[statement.statement_id])
            self.statement_page.plan_links.show_statement(statement)
            self._refresh_rating()
            self.statement.setFocus(Qt.FocusReason.OtherFocusReason)
        self.area_list.setCurrentIndex(self.area_model.index(page.area, 0))
        self._remember_page()

    def _remember_page(self) -> None:
        if self._remembered == self.page_index or self.read_only:
            return  # a watcher's place is its own, not the group's
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
        if statement is not None:
            self.statement_page.show_rating(statement, self.state)

    def _refresh_overall_summary(self) -> None:
        self.overall_page.show_area(self.area, self.state)

    def _refresh_side(self) -> None:
        total = self.state.rated()
        self.progress.setValue(total)
        self.progress_text.setText(f"{total} of {len(self.state.points)} statements rated")
        self.side.show_progress(self.state)

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

    # Keys -----------------------------------------------------------------------------------

    def keyPressEvent(self, event: QKeyEvent) -> None:
        if not self.handle_key(event):
            super().keyPressEvent(event)

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        # In the side lists, Esc comes back to the statement.
        if isinstance(event, QKeyEvent) and is_escape(event):
            self.show_page(self.page_index)
            return True
        return super().eventFilter(watched, event)

    def handle_key(self, event: QKeyEvent) -> bool:
        if event.modifiers() & (
            Qt.KeyboardModifier.ControlModifier | Qt.KeyboardModifier.AltModifier
        ):
            return False
        key = event.key()
        focused = QApplication.focusWidget()
        if isinstance(focused, QAbstractButton) and not isinstance(focused, RatingButton):
            # A key typed on a focused button (Leave, New action…) is the button's: 4 on Leave
            # must not rate, nor E open the note. Enter presses it; Esc still leaves.
            if key in (Qt.Key.Key_Return, Qt.Key.Key_Enter):
                focused.click()
                return True
            if key != Qt.Key.Key_Escape:
                return False
        statement = self.current_statement()
        if self.watcher_key(key):
            return True
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
        elif key == Qt.Key.Key_S:
            self.toggle_side()
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
        flagged = not self.state.flags[sid]
        self._save(lambda s: set_flag(s, aid, sid, flagged, sitting))

    def _note_typed(self) -> None:
        # Within SAVE_DELAY_MS of the first key not yet saved, not of the last: restarted on
        # every key, the timer never ran out while someone typed on, and a tester who typed
        # for five seconds and then lost the power lost the whole note.
        if not self._note_timer.isActive():
            self._note_timer.start()

    def save_note(self) -> None:
        """Save whichever note is on screen if it differs from what is saved."""
        self._note_timer.stop()
        aid, sitting = self.assessment_id, self.sitting_id
        statement = self.current_statement()
        if statement is not None:
            sid = statement.statement_id
            text = self.note.toPlainText()
            if text != self.state.evidence[sid]:
                self._save(lambda s: set_evidence(s, aid, sid, text, sitting))
        else:
            area_id = self.area.area_id
            text = self.overall_note_edit.toPlainText()
            if text != self.state.overall_note[area_id]:
                self._save(lambda s: set_overall_note(s, aid, area_id, text, sitting))

    def save_overall(self) -> None:
        self._overall_timer.stop()
        if self.current_statement() is not None:
            return
        area_id, aid, sitting = self.area.area_id, self.assessment_id, self.sitting_id
        raw = self.overall_spin.value()
        value = None if raw < 0 else raw
        if value != self.state.overall[area_id]:
            self._save(lambda s: set_overall(s, aid, area_id, value, sitting))

    def flush(self) -> None:
        """Save anything typed but not yet saved; called before moving, undoing and closing."""
        if self._restoring or self.read_only:
            return
        self.save_note()
        self.save_overall()

    def undo_last(self) -> None:
        """Ctrl+Z: reverse the newest change, once every save asked for has come back (the
        newest change may be the note whose saving the undo itself set off)."""
        if self.read_only:
            return
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
        self._end_lease()
        self.closed.emit()
        super().closeEvent(event)
