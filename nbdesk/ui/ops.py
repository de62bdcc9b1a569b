"""Every piece of database work the window asks for, on one worker thread.

A widget never opens a session. It asks `Ops` to `read` (a session, then plain values back on the UI
thread), to `write` (the same in one transaction; the service's `Changes` are then announced by
`Ops.changed`, so each view redraws only what the change touched), or to `run` long work that
reports progress and may be cancelled. One worker runs them in the order asked: SQLite has one
writer, and a read asked after a write sees it.

A read given a `key` is superseded by the next read with the same key: the older one is cancelled
if it has not started and its result is dropped if it has, so a list never shows what an earlier
filter asked for. A progress dialog appears only when work takes longer than PROGRESS_DELAY_MS, so
quick work never flashes one. A failure is shown once: plainly when nbdesk foresaw it (the message
is the help), else with the details written to the log. Services hand back plain values; nothing
from a session crosses to the UI thread.
"""

from __future__ import annotations

import contextlib
import itertools
import traceback
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any, ClassVar, Protocol, TypeVar

from PySide6.QtCore import QObject, QRunnable, Qt, QThreadPool, QTimer, Signal
from PySide6.QtWidgets import QProgressDialog, QWidget

from nbdesk.common.changes import NOTHING, Changes, tell_others
from nbdesk.common.errors import is_plain, plainly
from nbdesk.ui import collector
from nbdesk.ui.dialogs import show_error

T = TypeVar("T")
PROGRESS_DELAY_MS = 600


class Store(Protocol):
    """What Ops needs of an open authority file (nbdesk.storage.Database)."""

    path: Any

    def session(self) -> Any: ...
    def transaction(self) -> Any: ...
    def back_up(self, reason: str = "manual") -> Any: ...
    def close(self) -> None: ...


class Cancelled(Exception):
    """The work was cancelled or superseded before it finished."""


@dataclass
class Progress:
    """Handed to long work: report how far it has gone, and ask whether to stop."""

    _signals: _Signals
    _flags: dict[str, bool] = field(default_factory=lambda: {"cancelled": False})

    def report(self, done: int, total: int, text: str = "") -> None:
        self._signals.progressed.emit(done, total, text)

    def cancelled(self) -> bool:
        return self._flags["cancelled"]


class _Signals(QObject):
    finished = Signal(object)
    failed = Signal(object, str)
    progressed = Signal(int, int, str)


def changes_of(result: object) -> Changes:
    """What a service's result says it changed (a Changes, or a value carrying one)."""
    if isinstance(result, Changes):
        return result
    found = getattr(result, "changes", None)
    return found if isinstance(found, Changes) else NOTHING


class _Job(QRunnable):
    def __init__(self, op: Op) -> None:
        super().__init__()
        self.op = op
        self.setAutoDelete(True)

    def run(self) -> None:
        op = self.op
        if op.progress.cancelled():
            self._report(op.signals.failed, Cancelled(), "")
            return
        try:
            result = op.body(op.progress)
        except Exception as exc:  # handed to the UI thread to show; never lost silently
            self._report(op.signals.failed, exc, traceback.format_exc())
        else:
            self._report(op.signals.finished, result)

    @staticmethod
    def _report(signal: Any, *values: Any) -> None:
        # RuntimeError: the window that asked has gone (nbdesk is closing). Nobody is left to tell,
        # and whatever the work saved is saved.
        with contextlib.suppress(RuntimeError):
            signal.emit(*values)


class Op(QObject):
    """One piece of work in flight; kept alive (by Ops) until its callbacks have run."""

    _serial = itertools.count(1)

    def __init__(
        self,
        ops: Ops | None,
        owner: QWidget | None,
        title: str,
        body: Callable[[Progress], Any],
        done: Callable[[Any], None] | None,
        failed: Callable[[Exception], None] | None,
        announce: bool,
        cancellable: bool,
        key: str | None,
        quiet: bool = False,
    ) -> None:
        # No parent: an Op lives (in Ops.in_flight) until its result is back, even if the window
        # or the file it was asked for has gone meanwhile.
        super().__init__()
        self.ops, self.owner, self.title = ops, owner, title
        self.body, self.done_callback, self.failed_callback = body, done, failed
        self.announce, self.cancellable, self.key = announce, cancellable, key
        self.number = next(Op._serial)
        self.signals = _Signals()
        self.progress = Progress(self.signals)
        self.dialog: QProgressDialog | None = None
        self.signals.finished.connect(self._finished, Qt.ConnectionType.QueuedConnection)
        self.signals.failed.connect(self._failed, Qt.ConnectionType.QueuedConnection)
        self.signals.progressed.connect(self._progressed, Qt.ConnectionType.QueuedConnection)
        self._timer = QTimer(self)
        self._timer.setSingleShot(True)
        self._timer.setInterval(PROGRESS_DELAY_MS)
        if not quiet:
            self._timer.timeout.connect(self._show_dialog)
        self._last_progress: tuple[int, int, str] = (0, 0, "")

    def start(self) -> Op:
        Ops.in_flight.add(self)
        self._timer.start()
        Ops.pool().start(_Job(self))
        return self

    def cancel(self) -> None:
        self.progress._flags["cancelled"] = True

    @property
    def superseded(self) -> bool:
        if self.key is None or self.ops is None:
            return False
        return self.ops._latest.get(self.key) != self.number

    # On the UI thread --------------------------------------------------------------------------

    def _show_dialog(self) -> None:
        if self.superseded:
            return
        owner = self.owner if _alive(self.owner) else None
        dialog = QProgressDialog(self.title, "Cancel" if self.cancellable else "", 0, 0, owner)
        dialog.setWindowTitle(self.title)
        dialog.setAccessibleName(self.title)
        dialog.setWindowModality(Qt.WindowModality.WindowModal)
        dialog.setMinimumDuration(0)
        dialog.setAutoClose(False)
        dialog.setAutoReset(False)
        if not self.cancellable:
            dialog.setCancelButton(None)
        dialog.canceled.connect(self.cancel)
        self.dialog = dialog
        self._progressed(*self._last_progress)
        dialog.show()

    def _progressed(self, done: int, total: int, text: str) -> None:
        self._last_progress = (done, total, text)
        if self.dialog is None:
            return
        if total > 0:
            self.dialog.setMaximum(total)
            self.dialog.setValue(min(done, total))
        if text:
            self.dialog.setLabelText(text)

    def _end(self) -> None:
        self._timer.stop()
        if self.ops is not None and self.key is not None and self.ops._live.get(self.key) is self:
            del self.ops._live[self.key]
        if self.dialog is not None:
            self.dialog.hide()
            self.dialog.deleteLater()
            self.dialog = None
        Ops.in_flight.discard(self)
        # Let go of the Op only once Qt has finished delivering this result to it: freeing a
        # Python-made QObject in the middle of its own slot (or by deleteLater behind Python's
        # back) crashes PySide. Finished Ops wait in a list emptied from the event loop.
        Ops.retired.append(self)
        QTimer.singleShot(0, Ops.release_retired)

    def _finished(self, result: Any) -> None:
        self._end()
        if self.announce and self.ops is not None:
            changes = changes_of(result)
            if changes:
                self.ops.changed.emit(changes)
        if self.superseded or not _alive(self.owner):
            return
        if self.done_callback is not None:
            self.done_callback(result)

    def _failed(self, exc: Exception, trace: str) -> None:
        self._end()
        if isinstance(exc, Cancelled) or self.superseded:
            return
        exc = plainly(exc)  # a full disk is said in one sentence, whatever raised it
        if not _alive(self.owner):
            if self.announce:  # a save that failed is never swallowed, even after its window
                show_error(None, f"{self.title}: not done", f"Not saved: {exc}", trace)
            return
        if self.failed_callback is not None and is_plain(exc):
            self.failed_callback(exc)
            return
        owner = self.owner if _alive(self.owner) else None
        if is_plain(exc):
            show_error(owner, f"{self.title}: not done", str(exc))
        else:
            show_error(owner, f"{self.title}: not done", f"Something went wrong: {exc}", trace)
        if self.failed_callback is not None:
            self.failed_callback(exc)


def _alive(widget: QWidget | None) -> bool:
    if widget is None:
        return True
    try:
        widget.objectName()  # raises once Qt has deleted the widget under it
    except RuntimeError:
        return False
    return True


class Ops(QObject):
    """The open authority file, as the window uses it: reads, writes and long work, in order."""

    changed = Signal(object)  # Changes: after each write that changed something
    in_flight: ClassVar[set[Op]] = set()
    retired: ClassVar[list[Op]] = []
    _pool: ClassVar[QThreadPool | None] = None

    def __init__(self, store: Store, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self.store = store
        self.path = store.path
        self._latest: dict[str, int] = {}
        self._live: dict[str, Op] = {}
        self.closed = False

    @classmethod
    def pool(cls) -> QThreadPool:
        """One worker thread: SQLite has one writer, and work queues instead of fighting."""
        if cls._pool is None:
            collector.collect_on_ui_thread()  # before there is another thread to collect on
            cls._pool = QThreadPool()
            cls._pool.setMaxThreadCount(1)
        return cls._pool

    @classmethod
    def release_retired(cls) -> None:
        cls.retired.clear()

    @classmethod
    def busy(cls) -> bool:
        """Work asked for and not yet reported back (tests wait on this)."""
        return bool(cls.in_flight)

    def _start(
        self,
        owner: QWidget | None,
        title: str,
        body: Callable[[Progress], Any],
        done: Callable[[Any], None] | None,
        failed: Callable[[Exception], None] | None,
        *,
        announce: bool,
        cancellable: bool = False,
        key: str | None = None,
        quiet: bool = False,
    ) -> Op | None:
        if self.closed:
            return None  # the file has been closed (another opened, or nbdesk is closing)
        op = Op(self, owner, title, body, done, failed, announce, cancellable, key, quiet)
        if key is not None:
            earlier = self._live.get(key)
            if earlier is not None:
                earlier.cancel()
            self._latest[key] = op.number
            self._live[key] = op
        return op.start()

    def read(
        self,
        owner: QWidget | None,
        work: Callable[[Any], T],
        done: Callable[[T], None],
        *,
        key: str | None = None,
        failed: Callable[[Exception], None] | None = None,
        title: str = "Reading",
        quiet: bool = False,
    ) -> Op | None:
        """`work(session)` on the worker; `done(result)` on the UI thread. A `quiet` read is one
        nobody asked for (reading ahead): however long it takes, no progress dialog comes up."""

        def body(progress: Progress) -> T:
            with self.store.session() as session:
                return work(session)

        return self._start(owner, title, body, done, failed, announce=False, key=key, quiet=quiet)

    def write(
        self,
        owner: QWidget | None,
        work: Callable[[Any], T],
        done: Callable[[T], None] | None = None,
        *,
        failed: Callable[[Exception], None] | None = None,
        title: str = "Saving",
    ) -> Op | None:
        """`work(session)` in one transaction on the worker; what it changed is announced, then
        `done(result)` runs on the UI thread. On a server, work cut off by a lost connection
        before its commit is run once more on a new one; then the loss is said plainly."""
        committing: list[bool] = []

        def once() -> T:
            committing.clear()
            with self.store.transaction() as session:
                result = work(session)
                tell_others(session, changes_of(result))
                committing.append(True)
                return result

        def body(progress: Progress) -> T:
            try:
                return once()
            except Exception as exc:
                # A write whose commit was cut off may have been saved: it is never tried twice.
                if committing or not self._connection_lost(exc):
                    raise
            # The server dropped the connection while the work ran, so nothing was saved: a new
            # connection (the pool replaces a dropped one) tries once more before saying so.
            return once()

        return self._start(owner, title, body, done, failed, announce=True)

    def _connection_lost(self, exc: Exception) -> bool:
        """A server's connection lost (what the storage layer turned into a plain message)."""
        cause = exc.__cause__ if exc.__cause__ is not None else exc
        on_server = getattr(self.store, "is_server", False)
        return bool(on_server and getattr(cause, "connection_invalidated", False))

    def run(
        self,
        owner: QWidget | None,
        title: str,
        work: Callable[[Any, Progress], T],
        done: Callable[[T], None],
        *,
        write: bool = False,
        failed: Callable[[Exception], None] | None = None,
        cancellable: bool = False,
        key: str | None = None,
    ) -> Op | None:
        """Long work: `work(session, progress)`, in a transaction when it writes."""

        def body(progress: Progress) -> T:
            opener = self.store.transaction if write else self.store.session
            with opener() as session:
                result = work(session, progress)
                if write:
                    tell_others(session, changes_of(result))
                return result

        return self._start(
            owner, title, body, done, failed, announce=write, cancellable=cancellable, key=key
        )

    def run_with_sessions(
        self,
        owner: QWidget | None,
        title: str,
        work: Callable[[Callable[[], Any], Progress], T],
        done: Callable[[T], None],
        *,
        failed: Callable[[Exception], None] | None = None,
        cancellable: bool = False,
    ) -> Op | None:
        """Long work that opens its own short sessions (`work(sessions, progress)`): an export
        reads its figures in one, then writes its file holding none."""
        return self._start(
            owner,
            title,
            lambda progress: work(self.store.session, progress),
            done,
            failed,
            announce=False,
            cancellable=cancellable,
        )

    def outside(
        self,
        owner: QWidget | None,
        title: str,
        work: Callable[[Progress], T],
        done: Callable[[T], None],
        *,
        failed: Callable[[Exception], None] | None = None,
        cancellable: bool = False,
        key: str | None = None,
    ) -> Op | None:
        """Slow work that needs no session (reading a spreadsheet, writing a file), in turn with
        the rest so it never races a write."""
        return self._start(
            owner, title, work, done, failed, announce=False, cancellable=cancellable, key=key
        )

    def back_up(self, owner: QWidget | None, done: Callable[[Any], None]) -> Op | None:
        return self.outside(owner, "Backing up", lambda progress: self.store.back_up(), done)

    def close(self) -> None:
        """Let queued work finish, then close the file; nothing more is asked of it after."""
        self.closed = True
        wait_for_work()
        self.store.close()


class _Errand(Op):
    """An Op whose failures go to its caller with their traceback, shown or not as it decides."""

    def __init__(
        self,
        owner: QWidget | None,
        title: str,
        work: Callable[[Progress], Any],
        done: Callable[[Any], None],
        failed: Callable[[Exception, str], None],
    ) -> None:
        super().__init__(None, owner, title, work, done, None, False, False, None)
        self.errand_failed = failed

    def _failed(self, exc: Exception, trace: str) -> None:
        self._end()
        if not isinstance(exc, Cancelled):
            self.errand_failed(exc, trace)


def errand(
    owner: QWidget | None,
    title: str,
    work: Callable[[Progress], T],
    done: Callable[[T], None],
    failed: Callable[[Exception, str], None],
) -> Op:
    """Work before any file is open (opening one, say), on the same worker as everything else;
    `failed(exc, traceback)` decides what to tell whom (nobody may be there to read a dialog)."""
    return _Errand(owner, title, work, done, failed).start()


def wait_for_work() -> None:
    """Before closing a file or quitting: let queued work finish rather than cut it off."""
    if Ops._pool is not None:
        Ops._pool.waitForDone()
