"""One workshop writer per assessment (issue 17), the window's side: a workshop led under a lease
renews it every RENEW_SECONDS and releases it on closing; one watching a workshop someone else
leads is read-only, reads the assessment again every WATCH_MS on the worker to show the leader's
ratings (until live updates carry them), and may lead once the lease is free, or take it over once
it is stale. A mixin of WorkshopWindow, working on its controls."""

from __future__ import annotations

from typing import Any

from PySide6.QtCore import Qt, QTimer

from nbdesk.self_assessment.assessments import AssessmentDetail, load_assessment
from nbdesk.self_assessment.lease import (
    RENEW_SECONDS,
    HeldBy,
    Lease,
    WorkshopLead,
    lead_workshop,
    new_holder,
    release,
    renew,
    take_workshop,
    workshop_lease,
)
from nbdesk.self_assessment.workshop import WorkshopState
from nbdesk.ui.self_assessment.workshop_watch import WATCH_MS, WatchBanner

# Keys that would rate, write a note or flag: a watcher's do nothing.
WRITING_KEYS = {
    *range(Qt.Key.Key_0, Qt.Key.Key_9 + 1),
    Qt.Key.Key_E,
    Qt.Key.Key_Return,
    Qt.Key.Key_Enter,
    Qt.Key.Key_F,
}


class OneWriter:
    """The lease of a WorkshopWindow (self is the window: its ops, controls and state)."""

    def _set_up_lease(self, lease: Lease | None, watching: HeldBy | None, led_by: str) -> None:
        self.lease = lease
        self.watching = watching
        self.led_by = lease.led_by if lease is not None else led_by
        # A token of this window: two windows on one assessment are two holders, even in one
        # process.
        self.holder = lease.holder if lease is not None else new_holder()

    def _start_lease(self) -> None:
        self._renew_timer = QTimer(self)
        self._renew_timer.setInterval(RENEW_SECONDS * 1000)
        self._renew_timer.timeout.connect(self.renew_lease)
        self._watch_timer = QTimer(self)
        self._watch_timer.setInterval(WATCH_MS)
        self._watch_timer.timeout.connect(self.look_again)
        if self.watching is not None:
            self._watch(self.watching)
        elif self.lease is not None:
            self._lead(self.lease)

    def _end_lease(self) -> None:
        self._renew_timer.stop()
        self._watch_timer.stop()
        if self.lease is not None:
            aid, holder = self.assessment_id, self.holder
            self.ops.write(
                None, lambda session: release(session, aid, holder), title="Ending the workshop"
            )
            self.lease = None

    @property
    def read_only(self) -> bool:
        return self.watching is not None

    def _watch_banner(self) -> WatchBanner:
        banner = WatchBanner()
        banner.lead_button.clicked.connect(self.take_lead)
        banner.hide()
        return banner

    def watcher_key(self, key: int) -> bool:
        """Watching: a key that would change something is taken, and does nothing."""
        if not self.read_only or key not in WRITING_KEYS:
            return False
        self.status.setText("Watching: read only")
        return True

    def _focus_score(self) -> None:
        """The overall page's focus: the score; a watcher's stays the window's, to move on."""
        if self.read_only:
            self.setFocus(Qt.FocusReason.OtherFocusReason)
        else:
            self.overall_spin.setFocus(Qt.FocusReason.OtherFocusReason)
            self.overall_spin.selectAll()

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
        self.note.setPlaceholderText(
            "Press E to write what the rating is based on." if writable else "No evidence yet."
        )
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
        """Lead from watching (the workshop ended, or stopped): who is taking part first, then
        the lease and a new sitting in one write, so what is rated from now on is kept with who
        rated it (taken over without one, a tester's ratings belonged to no sitting, led by the
        computer's login name)."""
        from nbdesk.ui.self_assessment.sitting import ask_who

        who = ask_who(self, self.ops, self.detail.summary.name)
        if who is None:
            return
        (led_by, participants, label), aid, holder = who, self.assessment_id, self.holder
        take_over = self.watching is not None and self.watching.stale
        self.ops.write(
            self,
            lambda session: lead_workshop(
                session, aid, led_by, holder, participants, label, take_over=take_over
            ),
            self._led_in_new_sitting,
            title="Taking the lead",
        )

    def _led_in_new_sitting(self, result: WorkshopLead | HeldBy) -> None:
        if isinstance(result, WorkshopLead):
            self.sitting_id = result.sitting_id
            self._taken(result.lease)
        else:
            self._taken(result)

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
