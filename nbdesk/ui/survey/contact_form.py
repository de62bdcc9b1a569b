"""The form a contact is typed into, and the contacts typed in it and not saved yet.

A PA who chose another person before saving lost what they had typed without a word, and so did
one who quit (a tester, twice). What was typed for someone is kept when another person is chosen
and comes back when they are chosen again; the window asks before it quits or opens another file
while any is kept (MainWindow.let_go). Kept in memory only, like any form not yet saved.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import NamedTuple

from PySide6.QtWidgets import QComboBox, QFormLayout, QGroupBox, QLineEdit

from nbdesk.survey.contacts import OUTCOME_LABELS, OUTCOMES, PURPOSE_LABELS, PURPOSES
from nbdesk.survey.register import CHANNEL_LABELS, CHANNELS
from nbdesk.ui.date_field import DateField
from nbdesk.ui.survey.common import labelled_button
from nbdesk.ui.wheel_guard import wheel_only_when_chosen

# A person in a round: (round id, person id).
Key = tuple[int, int]
# What the form holds: the channel, purpose and outcome chosen, the note and the date as typed.
Typed = tuple[int, int, int, str, str]


def combo(name: str, codes: tuple[str, ...], labels: dict[str, str]) -> QComboBox:
    box = QComboBox()
    box.setAccessibleName(name)
    for code in codes:
        box.addItem(labels[code], code)
    wheel_only_when_chosen(box)
    return box


class Sending(NamedTuple):
    """A contact on its way to the file: for whom (key, name), what counted as nothing typed for
    them before it, and what was sent."""

    whom: tuple[Key, str]
    before: Typed | None
    typed: Typed


class ContactForm(QGroupBox):
    def __init__(self, save: Callable[[], None]) -> None:
        super().__init__("Log a contact")
        form = QFormLayout(self)
        self.contacted_on = DateField("Contact date")
        self.channel = combo("Channel", CHANNELS, CHANNEL_LABELS)
        self.purpose = combo("Purpose", PURPOSES, PURPOSE_LABELS)
        self.outcome = combo("Outcome", OUTCOMES, OUTCOME_LABELS)
        self.note = QLineEdit()
        self.note.setAccessibleName("Note")
        self.note.setPlaceholderText("Optional")
        self.note.setAccessibleDescription(
            "Optional. Notes are erased when the round's contact details are erased."
        )
        self.note.setToolTip(self.note.accessibleDescription())
        self.save = labelled_button("&Save contact  (Ctrl+Enter)", "Save contact (Ctrl+Enter)")
        self.save.clicked.connect(save)
        # The date comes last: it is today nearly always.
        form.addRow("Ch&annel:", self.channel)
        form.addRow("Purpose:", self.purpose)
        form.addRow("O&utcome:", self.outcome)
        form.addRow("Note:", self.note)
        form.addRow("Da&te:", self.contacted_on)
        form.addRow(self.save)
        # Kept by person: their name (to say whose they are) and what was typed.
        self.drafts: dict[Key, tuple[str, Typed]] = {}
        self._for: tuple[Key, str] | None = None  # whom the form is filled in for now
        self._as_set: Typed | None = None  # what it held once set up for them

    def typed(self) -> Typed:
        return (
            self.channel.currentIndex(),
            self.purpose.currentIndex(),
            self.outcome.currentIndex(),
            self.note.text(),
            self.contacted_on.edit.text(),
        )

    def changed(self) -> bool:
        """Whether something was typed or chosen for the person shown and not saved."""
        return self._for is not None and self.typed() != self._as_set

    def leave(self) -> str | None:
        """The person shown is left: what was typed for them is kept. Their name if it was."""
        left, self._for = self._for, None
        if left is None or self.typed() == self._as_set:
            return None
        key, name = left
        self.drafts[key] = (name, self.typed())
        return name

    def set_up(self, key: Key, name: str) -> bool:
        """The form holds its defaults for this person: those are what counts as nothing typed,
        and what was kept for them comes back. Whether it did."""
        self._for, self._as_set = (key, name), self.typed()
        kept = self.drafts.pop(key, None)
        if kept is None:
            return False
        self._fill(kept[1])
        return True

    def _fill(self, typed: Typed) -> None:
        channel, purpose, outcome, note, day = typed
        self.channel.setCurrentIndex(channel)
        self.purpose.setCurrentIndex(purpose)
        self.outcome.setCurrentIndex(outcome)
        self.note.setText(note)
        self.contacted_on.edit.setText(day)

    def sent(self) -> Sending | None:
        """What the form holds is being saved: nothing of it is to be kept, unless the save fails.
        What was sent, to hand to not_sent then (another person's contact may be typed and sent
        while this one is on its way)."""
        sending = None if self._for is None else Sending(self._for, self._as_set, self.typed())
        self._as_set = self.typed()
        return sending

    def not_sent(self, sending: Sending | None) -> None:
        """Its save failed: what was sent is typed and not saved again, so it is kept if its
        person is left (or was, while it was being saved) and quitting asks first. Anything typed
        for them since stays as it is."""
        if sending is None:
            return
        key, name = sending.whom
        if self._for == sending.whom:
            if self.typed() == self._as_set:  # nothing typed for them since: it comes back
                self._fill(sending.typed)
                self._as_set = sending.before
        elif key not in self.drafts:
            self.drafts[key] = (name, sending.typed)

    def unsaved(self) -> list[str]:
        """Each contact typed and not saved, in words."""
        names = [name for name, _typed in self.drafts.values()]
        if self._for is not None and self.changed():
            names.insert(0, self._for[1])
        return [f"a contact with {name}" for name in names]

    def forget(self) -> None:
        """Another file: its people's contacts are not this one's."""
        self.drafts.clear()
        self._for = None
