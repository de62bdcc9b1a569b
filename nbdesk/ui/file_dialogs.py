"""Save and open dialogs that start where people keep their files.

A dialog opens in the folder last used for the same kind of file (returns, Notify lists, register
lists…), else in Documents, and never in nbdesk's hidden data folder, where an export would be
lost. A save dialog suggests a name that says whose file it is and what it holds. Where Qt draws
the dialog itself (Linux), it is fitted to the screen it opens on.

A dialog must never open a file of an authority nbdesk has open. Qt's own dialog (and a desktop's
file chooser) works out each listed file's type by reading its first bytes; on Linux and macOS,
closing any handle a program has on a file drops every lock that program holds on it, SQLite's
included. A tester found it: once the open file's folder had been shown in File › Open, another
nbdesk closing the file took it to be the last and deleted its -wal, with the changes the window
went on saving. So except on Windows (whose locks belong to the handle that took them) nbdesk
draws the dialog itself, naming files' types from their names alone (NamesOnly).
"""

from __future__ import annotations

import sys
from pathlib import Path

from PySide6.QtCore import QFileInfo
from PySide6.QtGui import QIcon
from PySide6.QtWidgets import QFileDialog, QFileIconProvider, QWidget

from nbdesk.common.paths import documents_dir
from nbdesk.ui.fit import standard_dialogs_fit
from nbdesk.ui.settings import settings


class NamesOnly(QFileIconProvider):
    """Icons and types from a file's name, never from its bytes (see the module's docstring)."""

    def icon(self, what: object) -> QIcon:
        if isinstance(what, QFileInfo):
            kind = (
                QFileIconProvider.IconType.Folder
                if what.isDir()
                else QFileIconProvider.IconType.File
            )
            return super().icon(kind)
        return super().icon(what)  # type: ignore[call-overload]

    def type(self, info: QFileInfo) -> str:
        if info.isDir():
            return "Folder"
        if info.suffix() == "nbdesk":
            return "nbdesk authority file"
        return f"{info.suffix().upper()} file" if info.suffix() else "File"


_NAMES_ONLY: NamesOnly | None = None


def choose_file(
    parent: QWidget | None,
    title: str,
    start: str,
    file_filter: str,
    *,
    save: bool = False,
    replace: bool = True,
) -> str:
    """The file chosen ("" if none): a save dialog (asking before replacing a file, unless the
    caller never replaces one and says so itself: `replace=False`) or an open one, starting at
    `start` (a folder, or a folder and a suggested name)."""
    ask_first = QFileDialog.Option(0) if replace else QFileDialog.Option.DontConfirmOverwrite
    if sys.platform == "win32":
        ask = QFileDialog.getSaveFileName if save else QFileDialog.getOpenFileName
        with standard_dialogs_fit():
            return ask(parent, title, start, file_filter, options=ask_first)[0]
    import shutil  # here, not at the top: the window imports this module as it starts
    import tempfile

    global _NAMES_ONLY
    if _NAMES_ONLY is None:
        _NAMES_ONLY = NamesOnly()
    # Made in an empty folder of its own, so the first listing (made as the dialog is made) has
    # no file to read before it is given the names-only types; then taken where it starts.
    empty = tempfile.mkdtemp(prefix="nbdesk-dialog-")
    try:
        dialog = QFileDialog(parent, title, empty, file_filter)
        dialog.setOptions(QFileDialog.Option.DontUseNativeDialog | ask_first)
        dialog.setIconProvider(_NAMES_ONLY)
        dialog.setAcceptMode(
            QFileDialog.AcceptMode.AcceptSave if save else QFileDialog.AcceptMode.AcceptOpen
        )
        dialog.setFileMode(
            QFileDialog.FileMode.AnyFile if save else QFileDialog.FileMode.ExistingFile
        )
        where = Path(start) if start else Path.cwd()
        if where.is_dir():
            dialog.setDirectory(str(where))
        else:
            dialog.setDirectory(str(where.parent))
            dialog.selectFile(where.name)
        with standard_dialogs_fit():
            chosen = dialog.exec() == QFileDialog.DialogCode.Accepted
        files = dialog.selectedFiles() if chosen else []
        dialog.deleteLater()
        return files[0] if files else ""
    finally:
        shutil.rmtree(empty, ignore_errors=True)  # made above, by this nbdesk, and empty


def _key(kind: str) -> str:
    return f"folders/{kind}"


def start_folder(kind: str) -> Path:
    """The last folder used for this kind of file, if it is still there; else Documents."""
    value = settings().value(_key(kind), "")
    folder = Path(str(value)) if value else None
    if folder is not None and folder.is_dir():
        return folder
    return documents_dir()


def remember_folder(kind: str, path: Path) -> None:
    settings().setValue(_key(kind), str(Path(path).parent))


def ask_save_path(
    parent: QWidget | None, title: str, kind: str, suggested: str, file_filter: str, suffix: str
) -> Path | None:
    """Where to save a file of this kind; the suffix is added if the person left it off."""
    start = str(start_folder(kind) / suggested)
    name = choose_file(parent, title, start, file_filter, save=True)
    if not name:
        return None
    path = Path(name)
    if suffix and path.suffix.lower() != suffix.lower():
        path = path.with_name(path.name + suffix)
    remember_folder(kind, path)
    return path


def ask_open_path(parent: QWidget | None, title: str, kind: str, file_filter: str) -> Path | None:
    name = choose_file(parent, title, str(start_folder(kind)), file_filter)
    if not name:
        return None
    remember_folder(kind, Path(name))
    return Path(name)
