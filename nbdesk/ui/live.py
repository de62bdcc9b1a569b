"""Live updates for a window on a server: others' saves reach the open views as the window's own do.

A daemon thread runs the server database's `listen` (storage.live) on its own connection and
hands each Changes to the UI thread through a queued signal; they are gathered for GATHER_MS
(twenty advisers saving at once would otherwise have every view read again twenty times) and then
announced by `Ops.changed`, exactly as after a save made here. The thread stops within a quarter of a second of the Ops
closing, and never keeps nbdesk from quitting.
"""

from __future__ import annotations

import contextlib
import threading
from collections.abc import Callable

from PySide6.QtCore import QObject, Qt, QTimer, Signal

from nbdesk.common.changes import NOTHING, Changes, LiveState
from nbdesk.ui.ops import Ops

GATHER_MS = 300
PAUSED_MESSAGE = "Live updates paused: reconnecting…"
RESUMED_MESSAGE = "Live updates resumed."


class LiveUpdates(QObject):
    """Follows the server `ops` works on, while ops is open. `say(text, ms)` shows a status line
    (0: until replaced)."""

    heard = Signal(object)  # Changes or LiveState, from the listening thread

    def __init__(self, ops: Ops, say: Callable[[str, int], None] | None = None) -> None:
        super().__init__(ops)  # lives, and goes, with the Ops
        self.ops = ops
        self.say = say
        self.paused = False
        self._gathered = NOTHING
        self._timer = QTimer(self)
        self._timer.setSingleShot(True)
        self._timer.setInterval(GATHER_MS)
        self._timer.timeout.connect(self._announce)
        self.heard.connect(self._heard, Qt.ConnectionType.QueuedConnection)
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._run, name="live-updates", daemon=True)

    def start(self) -> LiveUpdates:
        self._thread.start()
        return self

    def stop(self) -> None:
        self._stop.set()

    def stopped(self) -> bool:
        return self._stop.is_set() or self.ops.closed

    def _run(self) -> None:
        for item in self.ops.store.listen(self.stopped):
            # RuntimeError: the Ops (and this object with it) is gone; nobody is left to tell.
            with contextlib.suppress(RuntimeError):
                self.heard.emit(item)

    # On the UI thread --------------------------------------------------------------------------

    def _heard(self, item: Changes | LiveState) -> None:
        if self.stopped():
            return
        if item is LiveState.PAUSED:
            self.paused = True
            if self.say is not None:
                self.say(PAUSED_MESSAGE, 0)
        elif item is LiveState.RESUMED:
            self.paused = False
            if self.say is not None:
                self.say(RESUMED_MESSAGE, 5000)
        elif isinstance(item, Changes):
            self._gathered = self._gathered | item
            if not self._timer.isActive():
                self._timer.start()

    def _announce(self) -> None:
        changes, self._gathered = self._gathered, NOTHING
        if changes and not self.stopped():
            self.ops.changed.emit(changes)


def follow(ops: Ops, say: Callable[[str, int], None] | None = None) -> LiveUpdates | None:
    """Start live updates for a server database; None for a file (nothing to follow)."""
    if not getattr(ops.store, "is_server", False):
        return None
    return LiveUpdates(ops, say).start()
