"""Driving the window as a person would: waiting for nbdesk to finish what it was asked."""

from __future__ import annotations


def settle(qtbot, timeout: int = 20000) -> None:  # type: ignore[no-untyped-def]
    """Wait, as a person would, until nbdesk has finished the work it was asked for: every read
    and write on the worker is back and shown."""
    from nbdesk.ui.ops import Ops

    qtbot.waitUntil(lambda: not Ops.busy(), timeout=timeout)
    qtbot.wait(1)  # let what the last result set off (a follow-up read) be asked for
    qtbot.waitUntil(lambda: not Ops.busy(), timeout=timeout)


def answer(qtbot, fill) -> None:  # type: ignore[no-untyped-def]
    """Fill in, as a person would, the dialog that the next key press or click opens.

    `fill(dialog)` runs once the dialog has the keyboard (on a loaded machine the window system
    takes a moment to make it the active window). If `fill` fails, the dialog is closed before
    the failure is raised: left open, its event loop would hold the test until the time-out."""
    from PySide6.QtCore import QTimer
    from PySide6.QtWidgets import QApplication, QDialog

    tries = [0]

    def act() -> None:
        dialog = QApplication.activeModalWidget()
        if not isinstance(dialog, QDialog):  # not open yet: the key that opens it comes next
            tries[0] += 1
            assert tries[0] < 500, "no dialog opened"
            QTimer.singleShot(10, act)
            return
        try:
            dialog.activateWindow()

            def has_it() -> bool:
                widget = QApplication.focusWidget()
                return widget is not None and dialog.isAncestorOf(widget)

            qtbot.waitUntil(has_it, timeout=5000)
            fill(dialog)
        except BaseException:
            dialog.reject()
            raise

    QTimer.singleShot(0, act)


def shown_section(qtbot, window):  # type: ignore[no-untyped-def]
    """The section the window shows, once it shows the one chosen: a section shown for the first
    time is built at the key and shown a turn of the event loop later (MainWindow)."""
    from nbdesk.ui.main_window import SECTION_TITLES

    def chosen_shown() -> bool:
        title = SECTION_TITLES[window.nav.currentRow()]
        return getattr(window.stack.currentWidget(), "title", None) == title

    qtbot.waitUntil(chosen_shown)
    return window.stack.currentWidget()
