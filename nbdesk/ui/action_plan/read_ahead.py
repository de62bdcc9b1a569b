"""The Action plan section's first read, made ahead: once a file is open and the window has settled,
what the section shows first (the latest plan and its first action's updates and history) is read
on the worker while the window is idle and kept here, so that opening the section finds it in
memory and shows it at once, with no read to wait for.

Ops runs work in the order asked, on one worker, with no priorities: so the read is asked only
when no other work is waiting or running (else it tries again a moment later), and is one short
read (about 8 ms on the large authority) that anything asked after it waits behind at most. What
is kept is dropped as soon as a change is announced that the section would read again for, when
another file is opened, and when the section is opened before the read is back (it reads as
before). Only the first plan's view is kept.
"""

from __future__ import annotations

import weakref
from typing import TYPE_CHECKING

from PySide6.QtCore import QObject, QTimer
from PySide6.QtWidgets import QWidget

if TYPE_CHECKING:
    from nbdesk.common.changes import Changes
    from nbdesk.ui.action_plan.section import PlanRead
    from nbdesk.ui.ops import Op, Ops

WHEN_IDLE_MS = 100  # how soon to look again when the worker is busy


def changes_what_it_shows(changes: Changes) -> bool:
    """Whether the Action plan section reads again after `changes` (so what was read is stale)."""
    return changes.plans or changes.assessment_list or changes.rounds


class ReadAhead(QObject):
    """Held by the window, and gone with it."""

    def __init__(self, window: QWidget) -> None:
        super().__init__(window)
        self._window = window
        self.ops: Ops | None = None
        self.held: PlanRead | None = None
        self.asked = 0  # reads asked for, over this holder's life
        self._op: Op | None = None
        self._retry = QTimer(self, singleShot=True, interval=WHEN_IDLE_MS)
        self._retry.timeout.connect(self._ask)
        _holders.add(self)

    def start(self, ops: Ops) -> None:
        """Read the section's first plan from `ops`' file as soon as the worker is idle."""
        self.drop()
        self.ops = ops
        ops.changed.connect(self._changed)
        self._ask()

    def _ask(self) -> None:
        from nbdesk.ui.ops import Ops

        ops = self.ops
        if ops is None or ops.closed:
            return
        if Ops.busy():  # something the user asked for, or the file's opening, goes first
            self._retry.start()
            return
        from nbdesk.ui.action_plan.section import read_chosen

        self.asked += 1
        self._op = ops.read(
            self._window,  # its result is dropped if the window has gone
            lambda session: read_chosen(session, None, None),
            lambda read, op_number=self.asked: self._read(op_number, read),
            failed=lambda _exc, op_number=self.asked: self._failed(op_number),
            title="Reading the action plan ahead",
            quiet=True,
        )

    def _read(self, op_number: int, read: PlanRead) -> None:
        if self._op is None or op_number != self.asked:  # dropped (or asked again) meanwhile
            return
        self._op = None
        self.held = read

    def _changed(self, changes: Changes) -> None:
        # A read still to be asked will see the change; one asked may not have, nor what is held.
        if changes_what_it_shows(changes):
            self._forget()

    def _forget(self) -> None:
        """Drop what is held and any read in flight (its result, when back, is not kept)."""
        if self._op is not None:
            self._op.cancel()
            self._op = None
        self.held = None

    def _failed(self, op_number: int) -> None:
        # Shown by Ops when unforeseen; a foreseen failure is said when the section reads itself.
        if op_number == self.asked:
            self._op = None

    def drop(self) -> None:
        """Forget the file too: it has closed, or another has opened."""
        self._retry.stop()
        self._forget()
        if self.ops is not None:
            self.ops.changed.disconnect(self._changed)
            self.ops = None

    def take(self) -> PlanRead | None:
        """What was read, if it is still as the file holds it; the holder is left empty, and
        stops reading ahead, either way: the section reads for itself from now on."""
        read = self.held
        self.drop()
        return read


_holders: weakref.WeakSet[ReadAhead] = weakref.WeakSet()


def taken(ops: Ops) -> PlanRead | None:
    """For the section when first given `ops`: the plan read ahead from its file, if any."""
    for holder in list(_holders):
        if holder.ops is ops and not ops.closed:  # closed with its window, if that has gone
            return holder.take()
    return None
