"""Encryption from the window: File › Encrypt this file… closes, encrypts and reopens the file and
shows the recovery key once; an encrypted file whose key this computer lacks is opened by typing
its recovery key, which is then kept."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from PySide6.QtWidgets import QDialogButtonBox
from pytestqt.qtbot import QtBot

from nbdesk.storage import create_database, encryption
from nbdesk.ui import encryption as ui_encryption
from nbdesk.ui.app import Controller
from nbdesk.ui.main_window import MainWindow
from tests.support.qt import open_window

NAME = "Keyshire District Council"


@pytest.fixture
def window(qtbot: QtBot, tmp_path: Path) -> MainWindow:
    path = tmp_path / "Keyshire.nbdesk"
    create_database(path, NAME).close()
    return open_window(qtbot, path)


def test_encrypt_from_the_file_menu(
    qtbot: QtBot, window: MainWindow, keyring_file: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    assert window.ops is not None
    path = Path(window.ops.path)
    shown: list[str] = []

    def read_and_tick(dialog: ui_encryption.RecoveryKeyDialog) -> int:
        shown.append(dialog.key.text())
        assert not dialog.ok.isEnabled()  # not until the box says it was written down
        dialog.written.setChecked(True)
        assert dialog.ok.isEnabled()
        dialog.buttons.button(QDialogButtonBox.StandardButton.Ok).click()
        return 1

    monkeypatch.setattr(ui_encryption, "confirm_encrypt", lambda *_a: True)
    monkeypatch.setattr(ui_encryption.RecoveryKeyDialog, "exec", read_and_tick)
    controller = Controller(window)
    assert window.encrypt_action.isEnabled()
    with qtbot.waitSignal(controller.opened, timeout=20000):
        window.encrypt_action.trigger()
    assert encryption.is_encrypted(path) and NAME.encode() not in path.read_bytes()
    assert len(shown) == 1 and encryption.parse_recovery_key(shown[0]) is not None
    assert window.windowTitle() == f"{NAME} — nbdesk"
    assert len(json.loads(keyring_file.read_text())) == 1


def test_opening_by_recovery_key(
    qtbot: QtBot, tmp_path: Path, keyring_file: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    path = tmp_path / "Locked.nbdesk"
    create_database(path, NAME).close()
    done = encryption.encrypt_file(path)
    keyring_file.unlink()  # another computer
    encryption.forget_all()
    assert done.recovery_key is not None
    answers = iter(["wrong passphrase", done.recovery_key])
    asked: list[bool] = []

    def ask(_parent: object, _name: str, *, again: bool) -> str | None:
        asked.append(again)
        return next(answers)

    monkeypatch.setattr(ui_encryption, "ask_key", ask)
    from nbdesk.ui import app as app_module

    def no_dialog(_p: object, _t: str, message: str, details: str = "") -> None:
        raise AssertionError(f"{message}\n{details}")

    monkeypatch.setattr(app_module, "show_error", no_dialog)
    win = MainWindow()
    qtbot.addWidget(win)
    controller = Controller(win)
    with qtbot.waitSignal(controller.opened, timeout=20000):
        controller.open_file(path)
    assert asked == [False, True]
    assert win.windowTitle() == f"{NAME} — nbdesk"
    # Kept by this computer now: the next start does not ask.
    encryption.forget_all()
    assert encryption.stored_secret(path) is not None
    assert win.ops is not None
    win.ops.close()
