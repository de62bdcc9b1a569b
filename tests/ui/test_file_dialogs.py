"""The open and save dialogs never read a file of an open authority (ui/file_dialogs.py).

On Linux, closing any handle a process has on a file drops every lock the process holds on it.
Qt's own file dialog read the first bytes of each file it listed, to name its type; with the
open file's folder shown, the window lost SQLite's locks on the file, its -wal and its -shm, so
another nbdesk closing the file deleted the -wal the window went on saving into (found by a tester).
The locks are counted in /proc/locks before and while each dialog shows the folder."""

from __future__ import annotations

import os
import time
from pathlib import Path

import pytest
from PySide6.QtCore import QFileInfo, QTimer
from PySide6.QtWidgets import QApplication, QFileDialog, QFileIconProvider
from pytestqt.qtbot import QtBot

from nbdesk.storage import Database, create_database
from nbdesk.storage.authority import authority_name
from nbdesk.ui.file_dialogs import NamesOnly, choose_file

pytestmark = [
    pytest.mark.skipif(not Path("/proc/locks").exists(), reason="counts locks in /proc/locks"),
    pytest.mark.subject_is_sqlite("SQLite's locks on the file, its -wal and its -shm"),
]


def locks_held(folder: Path) -> int:
    """This process's POSIX locks on the files in `folder`."""
    inodes = {p.stat().st_ino for p in folder.iterdir() if p.is_file()}
    held = 0
    for line in Path("/proc/locks").read_text().splitlines():
        fields = line.split()
        at = fields.index("ADVISORY") + 2  # after the lock's kind: the pid, then dev:inode
        if fields[at] == str(os.getpid()) and int(fields[at + 1].split(":")[-1]) in inodes:
            held += 1
    return held


@pytest.fixture
def open_file(tmp_path: Path) -> Database:
    db = create_database(tmp_path / "Testshire.nbdesk", "Testshire County Council")
    with db.transaction() as session:
        authority_name(session)
    yield db
    db.close()


def shown_for_a_while(qtbot: QtBot, seen: list[int], folder: Path) -> None:
    """Once the dialog shows: let it list the folder (on its own thread), count, then cancel."""

    def count() -> None:
        dialog = QApplication.activeModalWidget()
        assert isinstance(dialog, QFileDialog)
        end = time.monotonic() + 1.5
        while time.monotonic() < end:
            QApplication.processEvents()
            time.sleep(0.01)
        seen.append(locks_held(folder))
        dialog.reject()

    QTimer.singleShot(50, count)


@pytest.mark.parametrize("save", [False, True])
def test_a_dialog_on_the_open_files_folder_leaves_its_locks(
    qtbot: QtBot, open_file: Database, save: bool
) -> None:
    folder = open_file.path.parent
    before = locks_held(folder)
    assert before >= 2  # the file's and the -shm's, held while it is open
    seen: list[int] = []
    shown_for_a_while(qtbot, seen, folder)
    start = str(folder / "Return.xlsx") if save else str(folder)
    assert choose_file(None, "Choose", start, "All files (*)", save=save) == ""
    assert seen == [before]
    assert locks_held(folder) == before
    # Qt's dialog as it was, for comparison: it drops them (so this test can see the fault).
    seen.clear()
    shown_for_a_while(qtbot, seen, folder)
    QFileDialog(None, "Qt's own", str(folder), "All files (*)").exec()
    assert seen == [0]


def test_names_only_names_types_from_names(tmp_path: Path) -> None:
    wal = tmp_path / "a.nbdesk-wal"
    wal.write_bytes(b"\0")
    names = NamesOnly()
    assert names.type(QFileInfo(str(wal))) == "NBDESK-WAL file"
    assert names.type(QFileInfo(str(tmp_path / "a.nbdesk"))) == "nbdesk authority file"
    assert names.type(QFileInfo(str(tmp_path))) == "Folder"
    assert names.type(QFileInfo(str(tmp_path / "README"))) == "File"
    assert not names.icon(QFileInfo(str(wal))).isNull()
    assert not names.icon(QFileIconProvider.IconType.Drive).isNull()
