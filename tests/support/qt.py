"""Driving the window as a person would: waiting for nbdesk to finish what it was asked."""

from __future__ import annotations


def settle(qtbot, timeout: int = 20000) -> None:  # type: ignore[no-untyped-def]
    """Wait, as a person would, until nbdesk has finished the work it was asked for: every read
    and write on the worker is back and shown."""
    from nbdesk.ui.ops import Ops

    qtbot.waitUntil(lambda: not Ops.busy(), timeout=timeout)
    qtbot.wait(1)  # let what the last result set off (a follow-up read) be asked for
    qtbot.waitUntil(lambda: not Ops.busy(), timeout=timeout)


def answer(qtbot, fill, kind=None) -> None:  # type: ignore[no-untyped-def]
    """Fill in, as a person would, the dialog that the next key press or click opens (one of
    class `kind`, when it opens over another dialog).

    `fill(dialog)` runs once the dialog has the keyboard (on a loaded machine the window system
    takes a moment to make it the active window). If `fill` fails, the dialog is closed before
    the failure is raised: left open, its event loop would hold the test until the time-out."""
    from PySide6.QtCore import QTimer
    from PySide6.QtWidgets import QApplication, QDialog

    tries = [0]

    def act() -> None:
        dialog = QApplication.activeModalWidget()
        if not isinstance(dialog, kind or QDialog):  # not open yet: the key to open it is next
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
            # Closed without a question: reject() asks before dropping what was typed, and that
            # question's own event loop would hold the test until the time-out.
            dialog.done(QDialog.DialogCode.Rejected)
            raise

    QTimer.singleShot(0, act)


def shown_section(qtbot, window):  # type: ignore[no-untyped-def]
    """The section the window shows, once it shows the one chosen: a section shown for the first
    time is built at the key and shown a turn of the event loop later (MainWindow)."""
    from nbdesk.ui.main_window import SECTION_TITLES

    def chosen_shown() -> bool:
        title = SECTION_TITLES[window.nav.currentRow()]
        return getattr(window.stack.currentWidget(), "title", None) == title

    # Waiting on the change itself, not polling for it: a poll also runs what follows the show
    # (the section's first read coming back), which some tests look at before it comes.
    while not chosen_shown():
        with qtbot.waitSignal(window.stack.currentChanged, timeout=5000):
            pass
    return window.stack.currentWidget()


def open_window(qtbot, path, create_as=None, *, maximized=False):  # type: ignore[no-untyped-def]
    """A main window on the file at `path` (made for `create_as`, if given), opened as the app
    opens one and shown: maximized, as a person on a small laptop would have it, if asked."""
    from nbdesk.ui.app import OpenPlan, carry_out
    from nbdesk.ui.main_window import MainWindow
    from nbdesk.ui.ops import Ops

    win = MainWindow()
    qtbot.addWidget(win)
    opened = carry_out(OpenPlan(path, create_as=create_as))
    win.set_ops(Ops(opened.db), opened.authority)
    if maximized:
        win.showMaximized()
    else:
        win.show()
    qtbot.waitExposed(win)
    return win


def wheel_down(widget) -> None:  # type: ignore[no-untyped-def]
    """One notch of the mouse wheel, turned towards the person, with the pointer over `widget`."""
    from PySide6.QtCore import QPoint, QPointF, Qt
    from PySide6.QtGui import QWheelEvent
    from PySide6.QtWidgets import QApplication

    middle = QPointF(widget.rect().center())
    event = QWheelEvent(
        middle,
        QPointF(widget.mapToGlobal(middle.toPoint())),
        QPoint(0, 0),
        QPoint(0, -120),
        Qt.MouseButton.NoButton,
        Qt.KeyboardModifier.NoModifier,
        Qt.ScrollPhase.NoScrollPhase,
        False,
    )
    QApplication.sendEvent(widget, event)
