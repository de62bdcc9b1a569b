"""One person in the chosen round: their details, the contact form, completion and history."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from html import escape
from typing import TYPE_CHECKING, Any

from PySide6.QtCore import Qt, QTimer
from PySide6.QtWidgets import (
    QApplication,
    QComboBox,
    QFormLayout,
    QGroupBox,
    QHBoxLayout,
    QLabel,
    QMessageBox,
    QPlainTextEdit,
    QVBoxLayout,
    QWidget,
)

from nbdesk.common import clock
from nbdesk.common.computer_user import computer_user
from nbdesk.common.dates import format_day
from nbdesk.common.errors import is_plain
from nbdesk.survey.completion import (
    CONFIRMED_BY_PHRASES,
    CONFIRMER_LABELS,
    CONFIRMERS,
    CompletionState,
    completion_state,
    mark_completed,
    unmark_completed,
)
from nbdesk.survey.contacts import (
    OUTCOME_LABELS,
    PURPOSE_LABELS,
    ContactEntry,
    WhoNextRow,
    contact_history,
    log_contact,
    take_back_contact,
)
from nbdesk.survey.register import (
    CHANNEL_LABELS,
    FLAG_LABELS,
    Person,
    age_band,
    age_on,
    get_person,
)
from nbdesk.survey.rounds import exclude_person, include_person
from nbdesk.ui.date_field import DateField, DateProblem
from nbdesk.ui.survey.common import day_or_never, labelled_button
from nbdesk.ui.survey.contact_form import ContactForm, Sending
from nbdesk.ui.survey.dialogs import ask_reason
from nbdesk.ui.survey.fit import show_whole

if TYPE_CHECKING:
    from nbdesk.ui.survey.contacts_tab import ContactsTab


@dataclass(frozen=True)
class PersonInRound:
    """What the panel shows of one person in one round, read together on the worker."""

    person: Person
    contacts: list[ContactEntry]
    state: CompletionState


def read_person_in_round(session: Any, round_id: int, person_id: int) -> PersonInRound:
    return PersonInRound(
        get_person(session, person_id),
        contact_history(session, person_id, round_id),
        completion_state(session, round_id, person_id),
    )


# The reason kept in the history for a completion taken back with Ctrl+Z just after it was marked.
UNDONE = "Marked by mistake and taken back straight away (Ctrl+Z)"

# A preferred channel, said in a sentence, with the detail it needs and that detail's name.
UNREACHABLE = {
    "text": ("text messages", "phone", "phone number"),
    "whatsapp": ("WhatsApp", "phone", "phone number"),
    "phone": ("phone calls", "phone", "phone number"),
    "email": ("email", "email", "email address"),
}


class PersonPanel(QWidget):
    def __init__(self, tab: ContactsTab) -> None:
        super().__init__()
        self.tab = tab
        self.person: WhoNextRow | None = None
        self.refused: int | None = None  # whose date was refused, said on the message line
        self.shown: PersonInRound | None = None  # the record on screen, once read
        # The latest change made here, which Ctrl+Z takes back: the round, the person and the
        # contact's number, or None for a number when it was a completion marked.
        self.just_done: tuple[int, WhoNextRow, int | None] | None = None
        self.heading = QLabel("Choose a person from the list")
        self.heading.setWordWrap(True)
        self.details = QLabel()
        self.details.setWordWrap(True)
        self.details.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)

        contact = self.contact = ContactForm(self.save_contact)
        self.contacted_on, self.channel, self.purpose = (
            contact.contacted_on,
            contact.channel,
            contact.purpose,
        )
        self.outcome, self.note, self.save = contact.outcome, contact.note, contact.save

        completion = QGroupBox("Survey completed?")
        done_form = QFormLayout(completion)
        self.state = QLabel()
        self.state.setWordWrap(True)
        self.confirmed_by = QComboBox()
        self.confirmed_by.setAccessibleName("Confirmed by")
        for code in CONFIRMERS:
            self.confirmed_by.addItem(CONFIRMER_LABELS[code], code)
        self.confirmed_on = DateField("Day confirmed")
        for field in (self.contacted_on, self.confirmed_on):
            field.setDate(clock.today())  # greyed until someone is chosen, and warning of nothing
        self.mark = labelled_button("&Mark completed  (Ctrl+K)", "Mark completed (Ctrl+K)")
        self.unmark = labelled_button("Take bac&k…", "Take back… the completion")
        self.mark.clicked.connect(self.mark_completed)
        self.unmark.clicked.connect(self.unmark_completed)
        done_form.addRow(self.state)
        done_form.addRow("Confirmed by:", self.confirmed_by)
        done_form.addRow("Day:", self.confirmed_on)
        row = QHBoxLayout()
        row.addWidget(self.mark)
        row.addWidget(self.unmark)
        done_form.addRow(row)
        self.membership = labelled_button("Leave out of this round…", "Leave out of this round…")
        self.membership.clicked.connect(self.change_membership)
        done_form.addRow(self.membership)

        self.history = QPlainTextEdit()
        self.history.setReadOnly(True)
        self.history.setAccessibleName("History in this round")
        self.history.setTabChangesFocus(True)

        layout = QVBoxLayout(self)
        layout.addWidget(self.heading)
        layout.addWidget(self.details)
        layout.addWidget(contact)
        layout.addWidget(completion)
        history_label = QLabel("Histor&y in this round:")
        history_label.setBuddy(self.history)
        layout.addWidget(history_label)
        layout.addWidget(self.history, 1)
        self.setEnabled(False)

    def round_id(self) -> int | None:
        return self.tab.section.round_id()

    # Showing ----------------------------------------------------------------------------------

    def show_person(self, row: WhoNextRow | None) -> None:
        left = self.contact.leave()
        if self.refused is not None and (row is None or row.person_id != self.refused):
            self.tab.section.status("")  # the refusal was about the person left, not this one
            self.refused = None
        if left is not None:
            self.tab.section.status(
                f"The contact typed for {left} is kept, not saved: choose them again to save it."
            )
        self.person = row
        self.shown = None
        ops, round_id = self.tab.section.ops, self.round_id()
        self.setEnabled(row is not None and ops is not None and round_id is not None)
        if row is None or ops is None or round_id is None:
            self.heading.setText("Choose a person from the list")
            for field in (self.contacted_on, self.confirmed_on):
                field.setDate(clock.today())  # empty, a greyed form warned of a missing date
            self.details.clear()
            self.history.clear()
            self.state.clear()
            return
        who = row.name or row.unique_id
        self.heading.setText(f"<h3>{escape(who)}</h3>")
        self._set_defaults(row)
        if self.contact.set_up((round_id, row.person_id), who):
            self.tab.section.status(f"The contact you typed for {who} is back: save it here.")
        ops.read(
            self,
            lambda session: read_person_in_round(session, round_id, row.person_id),
            lambda found: self._show_record(row, found),
            key=f"person-panel-{id(self)}",
        )

    def _set_defaults(self, row: WhoNextRow) -> None:
        """Sensible defaults at once, before the record is read: today, how they like to be
        reached, and the natural next purpose, so a PA can start typing straight away."""
        today = clock.today()
        current = self.tab.section.current_round()
        round_opens = current.opens_on if current else None
        for field, what in ((self.contacted_on, "contact"), (self.confirmed_on, "completion")):
            field.set_limits(
                round_opens,
                today,
                too_early=f"The round opened on {format_day(round_opens)}: a {what} in it "
                "cannot be dated before that.",
                too_late=f"That day has not come yet: a {what} is dated on or before today.",
            )
            field.setDate(today)
        channel = row.preferred_channel or "text"
        self.channel.setCurrentIndex(max(0, self.channel.findData(channel)))
        purpose = "warm-up" if not row.contacts else "reminder"
        self.purpose.setCurrentIndex(self.purpose.findData(purpose))
        self.outcome.setCurrentIndex(self.outcome.findData("no-reply"))
        self.note.clear()
        self.mark.setEnabled(row.eligible and row.state != "Completed")
        self.unmark.setEnabled(row.state == "Completed")
        self.membership.setText(
            "Leave out of this round…" if row.eligible else "Count in this round…"
        )
        self.membership.setAccessibleName(self.membership.text())

    def _show_record(self, row: WhoNextRow, found: PersonInRound) -> None:
        if self.person is None or self.person.person_id != row.person_id:
            return
        self.shown = found
        person, state = found.person, found.state
        self.heading.setText(f"<h3>{escape(person.name or person.unique_id)}</h3>")
        flags = [label for key, label in FLAG_LABELS.items() if getattr(person, key)]
        if person.do_not_contact:
            flags[-1] = f"Do not contact: {person.do_not_contact_reason}"
        today = clock.today()
        if person.date_of_birth:
            born = person.date_of_birth
            age = f"{age_on(born, today)} ({age_band(born, today)})"
        else:
            age = "date of birth not recorded"
        lines = [
            f"Unique id: {person.unique_id} · PA: {person.pa_name or 'none'}",
            f"Age: {age}",
            f"Phone: {person.phone or 'none'}",
            f"Email: {person.email or 'none'}",
            f"Prefers: {CHANNEL_LABELS.get(person.preferred_channel, 'not known')}",
        ]
        # The contact form starts on the channel they prefer: say if it cannot reach them.
        way = UNREACHABLE.get(person.preferred_channel)
        if way is not None and not getattr(person, way[1]):
            lines.append(f"⚠ Prefers {way[0]}, but no {way[2]} is recorded.")
        text = "<br>".join(escape(line) for line in lines)
        if flags:
            text += f"<br><b>{escape('; '.join(flags))}</b>"
        self.details.setText(text)
        self.details.setAccessibleDescription("\n".join([*lines, *flags]))
        if state.completed:
            who = CONFIRMED_BY_PHRASES.get(state.confirmed_by, state.confirmed_by)
            self.state.setText(
                f"✓ Completed: confirmed by {who} on {day_or_never(state.confirmed_on)}"
            )
        elif not row.in_round:
            self.state.setText(f"Not in this round ({row.reason.lower()})")
        elif not row.eligible:
            self.state.setText(f"Not counted in this round: {row.reason or 'no reason given'}")
        else:
            self.state.setText("Not completed yet")
        self.mark.setEnabled(not state.completed and row.eligible)
        self.unmark.setEnabled(state.completed)
        # Contacts and completions together, newest first (completions had come after every
        # contact, at the foot of a list read from the top); a day's completion above its contacts.
        history: list[tuple[date, int, str]] = []
        for c in found.contacts:
            note = f" — {c.note}" if c.note else ""
            by = f" (by {c.logged_by})" if c.logged_by else ""
            history.append(
                (
                    c.contacted_on,
                    0,
                    f"{format_day(c.contacted_on)}: {CHANNEL_LABELS.get(c.channel, c.channel)}, "
                    f"{PURPOSE_LABELS.get(c.purpose, c.purpose)}, "
                    f"{OUTCOME_LABELS.get(c.outcome, c.outcome)}{note}{by}",
                )
            )
        for h in reversed(state.history):
            if h.action == "marked":
                who = CONFIRMED_BY_PHRASES.get(h.confirmed_by, h.confirmed_by)
                text = f"{format_day(h.changed_on)}: marked completed (confirmed by {who})"
            else:
                text = f"{format_day(h.changed_on)}: completion taken back — {h.reason}"
            history.append((h.changed_on, 1, text))
        history.sort(key=lambda entry: entry[:2], reverse=True)  # stable: same day, same order
        lines = [text for _day, _kind, text in history]
        self.history.setPlainText("\n".join(lines) or "No contacts logged in this round yet.")
        # The record's lines can move the field being typed in: keep it in view once laid out.
        QTimer.singleShot(0, self, self._keep_focus_in_view)

    def _keep_focus_in_view(self) -> None:
        focused = QApplication.focusWidget()
        if focused is not None and self.isAncestorOf(focused):
            show_whole(focused)

    # Saving -----------------------------------------------------------------------------------

    def save_contact(self) -> None:
        ops, round_id, row = self.tab.section.ops, self.round_id(), self.person
        if ops is None or round_id is None or row is None or not self.isEnabled():
            return
        try:
            contacted_on = self.contacted_on.date()
        except DateProblem as exc:
            self._not_a_date(self.contacted_on, "Contact not saved", exc)
            return
        channel, purpose = self.channel.currentData(), self.purpose.currentData()
        outcome, note = self.outcome.currentData(), self.note.text()
        who = computer_user()  # who logged it, as a file records it (a server knows its sign-in)
        says_completed = outcome == "says-completed" and self.mark.isEnabled()
        self.just_done = None  # Ctrl+Z takes back only the latest change
        self.setEnabled(False)  # one save per press: Ctrl+Enter held down logs one contact
        sending = self.contact.sent()
        ops.write(
            self,
            lambda session: log_contact(
                session, round_id, row.person_id, contacted_on, channel, purpose, outcome, note, who
            ),
            lambda done: self._contact_saved(
                row, contacted_on, says_completed, (round_id, row, done.value)
            ),
            failed=lambda exc: self._contact_failed(exc, sending),
            title="Saving the contact",
        )

    def _contact_saved(
        self,
        row: WhoNextRow,
        contacted_on: Any,
        says_completed: bool,
        logged: tuple[int, WhoNextRow, int],
    ) -> None:
        who = row.name or row.unique_id
        self.just_done = logged
        if says_completed:
            # They said they have done it: offer to record it now rather than leave it to memory.
            answer = QMessageBox.question(
                self,
                "Record the completion?",
                f"{who} says they have completed the survey. Record the completion now, "
                f"confirmed by {CONFIRMED_BY_PHRASES['young-person']} on "
                f"{format_day(contacted_on)}?",
                QMessageBox.StandardButton.Yes | QMessageBox.StandardButton.No,
                QMessageBox.StandardButton.Yes,
            )
            if answer == QMessageBox.StandardButton.Yes:
                ops, round_id = self.tab.section.ops, self.round_id()
                assert ops is not None and round_id is not None
                ops.write(
                    self,
                    lambda session: mark_completed(
                        session, round_id, row.person_id, "young-person", contacted_on
                    ),
                    lambda _done: self._marked(
                        row, round_id, f"Contact with {who} saved, and the completion recorded."
                    ),
                    failed=lambda exc: self._failed("Not marked", exc, row),
                    title="Recording the completion",
                )
                return
        self._moved_on(row, f"Contact with {who} saved. Ctrl+Z takes it back.")

    def _not_a_date(self, field: DateField, what: str, problem: DateProblem) -> None:
        # Said on the message line too: at twice the font the line under the date can be out of
        # sight, and the line went on saying the last save's "Next: …" as if this one had worked.
        self.tab.section.status(f"{what}: {problem}")
        self.refused = self.person.person_id if self.person is not None else None
        field.setFocus()

    def _moved_on(self, row: WhoNextRow, message: str) -> None:
        self.tab.section.status(message)
        self.tab.move_on_from(row.person_id)

    def _contact_failed(self, exc: Exception, sending: Sending | None) -> None:
        self.contact.not_sent(sending)  # kept, as a contact typed and not saved is
        self._failed("Contact not saved", exc)

    def _failed(self, title: str, exc: Exception, row: WhoNextRow | None = None) -> None:
        self.setEnabled(self.person is not None)
        if is_plain(exc):  # anything unforeseen Ops has shown already, its details logged
            QMessageBox.warning(self, title, str(exc))
        if row is not None:  # the contact was saved before the completion failed
            self.tab.move_on_from(row.person_id)

    def mark_completed(self) -> None:
        ops, round_id, row = self.tab.section.ops, self.round_id(), self.person
        if ops is None or round_id is None or row is None or not self.mark.isEnabled():
            return
        if not self.isEnabled():
            return
        try:
            confirmed_on = self.confirmed_on.date()
        except DateProblem as exc:
            self._not_a_date(self.confirmed_on, "Completion not recorded", exc)
            return
        confirmed_by = self.confirmed_by.currentData()
        self.setEnabled(False)
        ops.write(
            self,
            lambda session: mark_completed(
                session, round_id, row.person_id, confirmed_by, confirmed_on
            ),
            lambda _done: self._marked(
                row, round_id, f"{row.name or row.unique_id} marked as completed."
            ),
            failed=lambda exc: self._failed("Not marked", exc),
            title="Recording the completion",
        )

    def _marked(self, row: WhoNextRow, round_id: int, message: str) -> None:
        # The list moves on to the next person as a completion is saved, so a Ctrl+K meant for
        # the person just contacted can land on the next one: Ctrl+Z takes it back at once.
        self.just_done = (round_id, row, None)
        self._moved_on(row, f"{message} Ctrl+Z takes it back.")

    def undo_last(self) -> None:
        """Ctrl+Z: take back the contact just saved here (as if never logged), or the completion
        just marked (with that as the reason, kept in the history)."""
        ops, done, self.just_done = self.tab.section.ops, self.just_done, None
        if ops is None or done is None:
            self.tab.section.status(
                "Nothing to undo: Ctrl+Z takes back a contact or a completion saved just before it."
            )
            return
        round_id, row, number = done
        if number is not None:
            ops.write(
                self,
                lambda session: take_back_contact(session, round_id, row.person_id, number),
                lambda _done: self._undone(
                    row,
                    f"Contact with {row.name or row.unique_id} taken back: nothing of it is kept.",
                ),
                failed=lambda exc: self._failed("Not taken back", exc),
                title="Taking back the contact",
            )
            return
        today, who = clock.today(), row.name or row.unique_id
        ops.write(
            self,
            lambda session: unmark_completed(session, round_id, row.person_id, UNDONE, today),
            lambda _done: self._undone(row, f"Completion of {who} taken back."),
            failed=lambda exc: self._failed("Not taken back", exc),
            title="Taking back the completion",
        )

    def _undone(self, row: WhoNextRow, message: str) -> None:
        self.tab.section.status(message)
        self.tab.choose_once_shown(row.person_id)  # back in the list, chosen again

    def unmark_completed(self) -> None:
        ops, round_id, row = self.tab.section.ops, self.round_id(), self.person
        if ops is None or round_id is None or row is None:
            return
        self.just_done = None
        reason = ask_reason(
            self,
            "Take back the completion",
            "Why is this completion being taken back? (kept in the history)",
        )
        if reason is None:
            return
        today = clock.today()
        ops.write(
            self,
            lambda session: unmark_completed(session, round_id, row.person_id, reason, today),
            lambda _done: self.tab.section.status(
                f"Completion of {row.name or row.unique_id} taken back."
            ),
            failed=lambda exc: self._failed("Not taken back", exc),
            title="Taking back the completion",
        )

    def change_membership(self) -> None:
        ops, round_id, row = self.tab.section.ops, self.round_id(), self.person
        if ops is None or round_id is None or row is None:
            return
        self.just_done = None
        leave_out = row.eligible
        title = "Leave out of this round" if leave_out else "Count in this round"
        who = row.name or row.unique_id
        prompt = "Why? (kept with the round's figures)"
        if leave_out and row.completed_on:
            # Said before, not found after: their completion leaves the round's figures too.
            prompt = (
                f"{who} has completed the survey: left out, they and their completion leave the "
                f"round's figures. {prompt}"
            )
        reason = ask_reason(self, title, prompt)
        if reason is None:
            return
        change = exclude_person if leave_out else include_person
        ops.write(
            self,
            lambda session: change(session, round_id, row.person_id, reason),
            lambda _done: self.tab.section.status(
                f"{who} left out of this round." if leave_out else f"{who} counted in this round."
            ),
            failed=lambda exc: self._failed(title, exc),
            title=title,
        )
