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
from uuid import uuid4

from PySide6.QtCore import QEvent, QObject, Qt, QTimer, Signal
from PySide6.QtGui import (
    QCloseEvent,
    QKeyEvent,
    QKeySequence,
    QShortcut,
)
from PySide6.QtWidgets import (
    QAbstractButton,
    QApplication,
    QDialog,
    QHBoxLayout,
    QPlainTextEdit,
    QStackedWidget,
    QVBoxLayout,
    QWidget,
)

from nbdesk.common import clock
from nbdesk.common.errors import is_plain
from nbdesk.self_assessment.assessments import (
    AreaState,
    AssessmentDetail,
    StatementState,
    load_assessment,
    remember_workshop_page,
)
from nbdesk.self_assessment.lease import (
    RENEW_SECONDS,
    HeldBy,
    Lease,
    release,
    renew,
    take_workshop,
    workshop_lease,
)
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
from nbdesk.ui.ops import Ops
from nbdesk.ui.self_assessment.go_to import GoToDialog
from nbdesk.ui.self_assessment.workshop_fit import FitsTheScreen
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
from nbdesk.ui.self_assessment.workshop_watch import WATCH_MS, WatchBanner

SAVE_DELAY_MS = 700


class WorkshopWindow(FitsTheScreen, QWidget):
    """Full-screen workshop on one assessment, in one sitting.

    Led under a `lease` (issue 17: one writer per assessment), renewed while the window is open
    and released when it closes; or `watching` a workshop someone else leads, read-only, reading
    the assessment again every WATCH_MS on the worker to show their ratings, until the lease is
    free (or stale) and the watcher may lead. With neither, it leads without a lease."""

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
        self.lease = lease
        self.watching = watching
        self.led_by = lease.led_by if lease is not None else led_by
        # A token of this window: two windows on one assessment are two holders, even in one
        # process.
        self.holder = lease.holder if lease is not None else uuid4().hex
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
        self._renew_timer = QTimer(self)
        self._renew_timer.setInterval(RENEW_SECONDS * 1000)
        self._renew_timer.timeout.connect(self.renew_lease)
        self._watch_timer = QTimer(self)
        self._watch_timer.setInterval(WATCH_MS)
        self._watch_timer.timeout.connect(self.look_again)
        if watching is not None:
            self._watch(watching)
        elif lease is not None:
            self._lead(lease)

    @property
    def read_only(self) -> bool:
        return self.watching is not None

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

        self.banner = WatchBanner()
        self.banner.lead_button.clicked.connect(self.take_lead)
        self.banner.hide()

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
            if self.read_only:
                # The score is not theirs to change: the keys stay the workshop's, to move on.
                self.setFocus(Qt.FocusReason.OtherFocusReason)
            else:
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
        if self.read_only and (
            Qt.Key.Key_0 <= key <= Qt.Key.Key_9
            or key in (Qt.Key.Key_E, Qt.Key.Key_Return, Qt.Key.Key_Enter, Qt.Key.Key_F)
        ):
            # Watching: nothing to rate, write or flag. The key is taken, so it does nothing.
            self.status.setText("Watching: read only")
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
        if self.read_only:
            return  # belt and braces: a watcher's controls are disabled already
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

    # One writer at a time ---------------------------------------------------------------------

    def _lead(self, lease: Lease) -> None:
        self.lease, self.watching = lease, None
        self.led_by = lease.led_by
        self._watch_timer.stop()
        self._renew_timer.start()
        self.banner.hide()
        self._set_writable(True)
        if lease.took_over_from:
            self.status.setText(f"Taken over from {lease.took_over_from}")

    def _watch(self, held: HeldBy) -> None:
        self.lease, self.watching = None, held
        self._renew_timer.stop()
        self._set_writable(False)
        self.banner.show_held(held, held.led_by)
        self.banner.show()
        self._watch_timer.start()

    def _set_writable(self, writable: bool) -> None:
        for button in self.rating_buttons:
            button.setEnabled(writable)
        for editor in (self.note, self.overall_note_edit):
            editor.setReadOnly(not writable)  # still read, and read out, by a screen reader
        self.overall_spin.setEnabled(writable)
        self.setWindowTitle(
            f"Workshop — {self.detail.summary.name}" + ("" if writable else " (watching)")
        )

    def renew_lease(self) -> None:
        aid, holder = self.assessment_id, self.holder
        self.ops.write(
            self,
            lambda session: renew(session, aid, holder),
            self._renewed,
            title="Keeping the workshop",
        )

    def _renewed(self, result: Lease | HeldBy | None) -> None:
        if isinstance(result, HeldBy):
            # Ours went stale (the computer slept, say) and someone took it over: their ratings
            # win; this window watches now, and says why.
            self.flush()
            self._watch(result)
            self.status.setText(f"NOT leading: {result.led_by} took the workshop over")
        elif result is None and self.lease is not None:
            self.renew_lease_by_taking()

    def renew_lease_by_taking(self) -> None:
        """The lease vanished (released by another window of ours, say): take it again."""
        self._take(take_over=False)

    def look_again(self) -> None:
        """Watching: read the ratings as saved, and who leads, again."""
        aid = self.assessment_id

        def read(session: Any) -> tuple[AssessmentDetail, HeldBy | None]:
            return load_assessment(session, aid), workshop_lease(session, aid)

        self.ops.read(self, read, self._looked, key=f"workshop-watch-{aid}", title="Watching")

    def _looked(self, found: tuple[AssessmentDetail, HeldBy | None]) -> None:
        if not self.read_only:
            return
        detail, held = found
        self.state = WorkshopState(detail)
        self._show_saved()
        self.banner.show_held(held, self.watching.led_by if self.watching else "")
        if held is not None:
            self.watching = held

    def _show_saved(self) -> None:
        """What is saved, on the page shown, leaving the keyboard focus where it is."""
        statement = self.current_statement()
        if statement is None:
            area = self.area
            self.overall_spin.blockSignals(True)
            value = self.state.overall[area.area_id]
            self.overall_spin.setValue(-1 if value is None else value)
            self.overall_spin.blockSignals(False)
            self._set_editor(self.overall_note_edit, self.state.overall_note[area.area_id])
            self._refresh_overall_summary()
        else:
            self._set_editor(self.note, self.state.evidence[statement.statement_id])
            self._refresh_rating()
        self._refresh_side()

    def take_lead(self) -> None:
        stale = self.watching is not None and self.watching.stale
        self._take(take_over=stale)

    def _take(self, *, take_over: bool) -> None:
        aid, led_by, holder = self.assessment_id, self.led_by, self.holder
        self.ops.write(
            self,
            lambda session: take_workshop(session, aid, led_by, holder, take_over=take_over),
            self._taken,
            title="Taking the lead",
        )

    def _taken(self, result: Lease | HeldBy) -> None:
        if isinstance(result, HeldBy):
            self._watch(result)  # someone was quicker
            self.status.setText(f"NOT leading: {result.led_by} leads the workshop")
            return
        # Lead from what is saved now, not from the last look.
        self._lead(result)
        self.status.setText(
            f"Leading the workshop (taken over from {result.took_over_from})"
            if result.took_over_from
            else "Leading the workshop"
        )
        self.look_again_then_lead()

    def look_again_then_lead(self) -> None:
        aid = self.assessment_id
        self.ops.read(
            self,
            lambda session: load_assessment(session, aid),
            self._fresh_to_lead,
            title="Reading",
        )

    def _fresh_to_lead(self, detail: AssessmentDetail) -> None:
        self.state = WorkshopState(detail)
        self._show_saved()

    def closeEvent(self, event: QCloseEvent) -> None:
        self.flush()
        self._renew_timer.stop()
        self._watch_timer.stop()
        if self.lease is not None:
            aid, holder = self.assessment_id, self.holder
            self.ops.write(
                None, lambda session: release(session, aid, holder), title="Ending the workshop"
            )
            self.lease = None
        self.closed.emit()
        super().closeEvent(event)
