"""Slow work off the UI thread, one job at a time, with a progress dialog only if it takes a while.

The job is a plain function run on a worker thread; it must open its own session and return plain
values (never ORM objects, which belong to the thread that loaded them). Progress is reported by
calling the `progress(done, total, text)` callback it is given; `cancelled()` says if the person
pressed Cancel, for jobs that can stop part-way.
"""

from __future__ import annotations

import traceback
from collections.abc import Callable
from typing import Any, ClassVar

from PySide6.QtCore import QObject, QRunnable, Qt, QThreadPool, QTimer, Signal
from PySide6.QtWidgets import QProgressDialog, QWidget

PROGRESS_DELAY_MS = 600


class _Signals(QObject):
    finished = Signal(object)
    failed = Signal(object, str)
    progressed = Signal(int, int, str)


class _Job(QRunnable):
    def __init__(self, fn: Callable[..., Any], signals: _Signals, flags: dict[str, bool]) -> None:
        super().__init__()
        self.fn = fn
        self.signals = signals
        self.flags = flags

    def run(self) -> None:
        def progress(done: int, total: int, text: str = "") -> None:
            self.signals.progressed.emit(done, total, text)

        def cancelled() -> bool:
            return self.flags["cancelled"]

        try:
            result = self.fn(progress, cancelled)
        except Exception as exc:  # handed to the UI thread to show; never lost silently
            self.signals.failed.emit(exc, traceback.format_exc())
        else:
            self.signals.finished.emit(result)


_pool: QThreadPool | None = None


def pool() -> QThreadPool:
    """One worker thread: SQLite has one writer, and jobs queue instead of fighting for the lock."""
    global _pool
    if _pool is None:
        _pool = QThreadPool()
        _pool.setMaxThreadCount(1)
    return _pool


class BackgroundTask(QObject):
    """Keeps a running job's signals and dialog alive until it ends."""

    _running: ClassVar[set[BackgroundTask]] = set()

    def __init__(
        self,
        parent: QWidget | None,
        title: str,
        fn: Callable[..., Any],
        on_done: Callable[[Any], None],
        on_error: Callable[[Exception, str], None],
        cancellable: bool = False,
    ) -> None:
        super().__init__(parent)
        self.flags = {"cancelled": False}
        self.signals = _Signals()
        self.on_done = on_done
        self.on_error = on_error
        self.dialog = QProgressDialog(title, "Cancel" if cancellable else "", 0, 0, parent)
        self.dialog.setWindowTitle(title)
        self.dialog.setAccessibleName(title)
        self.dialog.setWindowModality(Qt.WindowModality.WindowModal)
        self.dialog.setMinimumDuration(PROGRESS_DELAY_MS)
        self.dialog.setAutoClose(False)
        self.dialog.setAutoReset(False)
        if not cancellable:
            self.dialog.setCancelButton(None)
        self.dialog.canceled.connect(self._cancel)
        self.signals.progressed.connect(self._progress)
        self.signals.finished.connect(self._finished)
        self.signals.failed.connect(self._failed)
        self._job = _Job(fn, self.signals, self.flags)
        # QProgressDialog only shows itself after minimumDuration if its value moves.
        self._timer = QTimer(self)
        self._timer.setSingleShot(True)
        self._timer.timeout.connect(lambda: self.dialog.setValue(0))
        BackgroundTask._running.add(self)

    def start(self) -> BackgroundTask:
        self._timer.start(0)
        pool().start(self._job)
        return self

    def _cancel(self) -> None:
        self.flags["cancelled"] = True

    def _progress(self, done: int, total: int, text: str) -> None:
        if total > 0:
            self.dialog.setMaximum(total)
            self.dialog.setValue(min(done, total))
        if text:
            self.dialog.setLabelText(text)

    def _end(self) -> None:
        # The task itself is left to its parent to delete, and the timer's lambda (which holds
        # the task) is let go of now. Deleting the task with deleteLater, or freeing that lambda
        # while Qt deletes the timer with the task, could free the task's Python half in the
        # middle of the task's deletion and crash (seen in tests, about one run in ten).
        self._timer.stop()
        self._timer.timeout.disconnect()
        self.dialog.reset()
        self.dialog.hide()
        self.dialog.deleteLater()
        BackgroundTask._running.discard(self)

    def _finished(self, result: Any) -> None:
        self._end()
        self.on_done(result)

    def _failed(self, exc: Exception, trace: str) -> None:
        self._end()
        self.on_error(exc, trace)


def wait_for_background_work() -> None:
    """Before closing the database: let queued jobs finish rather than cut them off."""
    if _pool is not None:
        _pool.waitForDone()


def run_in_background(
    parent: QWidget | None,
    title: str,
    fn: Callable[..., Any],
    on_done: Callable[[Any], None],
    on_error: Callable[[Exception, str], None],
    cancellable: bool = False,
) -> BackgroundTask:
    """Run `fn(progress, cancelled)` on the worker thread; call back on the UI thread."""
    return BackgroundTask(parent, title, fn, on_done, on_error, cancellable).start()
