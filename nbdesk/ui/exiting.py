"""How nbdesk's process ends once its window has closed (split from ui.app, which starts it)."""

from __future__ import annotations

import os
import sys


def exit_now(code: int) -> int:
    """End the process without the interpreter's teardown (over 100 ms with SQLAlchemy and Qt
    loaded, and nothing in it needed): every file is closed by now (Database.close marks it
    closed, see wal_guard), settings were written as they were set, and the log is flushed here.
    (The other handler run at exit is PySide's module shutdown, the teardown skipped: it waits for
    the worker, which may be part-way through importing SQLAlchemy for an open that was stopped.)
    When nbdesk holds the clipboard, which Qt hands over to the system only as it closes, it
    returns the code for a normal exit instead."""
    import contextlib
    import logging

    from PySide6.QtGui import QGuiApplication

    if QGuiApplication.clipboard().ownsClipboard():
        from nbdesk.ui.ops import wait_for_work

        wait_for_work()  # nothing may be left running in the worker as the interpreter ends
        return code
    logging.shutdown()
    for stream in (sys.stdout, sys.stderr):
        with contextlib.suppress(OSError, ValueError, AttributeError):
            stream.flush()
    os._exit(code)
