"""Error dialogs (issue: the first hour): a plain message for the person, the traceback in the log
file in the data folder, and the message says where."""

from __future__ import annotations

from pathlib import Path

import pytest
from PySide6.QtWidgets import QMessageBox


def test_a_traceback_goes_to_the_log_not_the_dialog(
    qtbot, data_dir: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from nbdesk.ui.dialogs import show_error

    shown: list[QMessageBox] = []
    monkeypatch.setattr(QMessageBox, "exec", lambda box: shown.append(box) or 0)
    trace = 'Traceback (most recent call last):\n  File "x.py", line 1\nOSError: disk full\n'
    show_error(None, "Backup failed", "The disk is full.", trace)
    [box] = shown
    log = data_dir / "nbdesk.log"
    assert box.text() == (f"The disk is full.\n\nThe technical details were written to {log}.")
    assert box.detailedText() == "" and "Traceback" not in box.text()
    written = log.read_text()
    assert "Backup failed: The disk is full." in written and "OSError: disk full" in written


def test_an_unexpected_error_in_the_app_is_one_plain_dialog(
    qtbot, data_dir: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    import sys

    from nbdesk.ui.app import report_unexpected_errors

    shown: list[QMessageBox] = []
    monkeypatch.setattr(QMessageBox, "exec", lambda box: shown.append(box) or 0)
    monkeypatch.setattr(sys, "excepthook", sys.excepthook)  # put back after the test
    report_unexpected_errors()
    try:
        raise RuntimeError("the printer caught fire")
    except RuntimeError:
        sys.excepthook(*sys.exc_info())
    [box] = shown
    assert box.windowTitle() == "Something went wrong"
    assert "the printer caught fire" in box.text() and "Traceback" not in box.text()
    assert "RuntimeError: the printer caught fire" in (data_dir / "nbdesk.log").read_text()
