"""Save and open dialogs that start where people keep their files.

A dialog opens in the folder last used for the same kind of file (returns, Notify lists, register
lists…), else in Documents, and never in nbdesk's hidden data folder, where an export would be
lost. A save dialog suggests a name that says whose file it is and what it holds. Where Qt draws
the dialog itself (Linux), it is fitted to the screen it opens on.
"""

from __future__ import annotations

from pathlib import Path

from PySide6.QtWidgets import QFileDialog, QWidget

from nbdesk.common.paths import documents_dir
from nbdesk.ui.fit import standard_dialogs_fit
from nbdesk.ui.settings import settings


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
    with standard_dialogs_fit():
        name, _ = QFileDialog.getSaveFileName(parent, title, start, file_filter)
    if not name:
        return None
    path = Path(name)
    if suffix and path.suffix.lower() != suffix.lower():
        path = path.with_name(path.name + suffix)
    remember_folder(kind, path)
    return path


def ask_open_path(parent: QWidget | None, title: str, kind: str, file_filter: str) -> Path | None:
    with standard_dialogs_fit():
        name, _ = QFileDialog.getOpenFileName(parent, title, str(start_folder(kind)), file_filter)
    if not name:
        return None
    remember_folder(kind, Path(name))
    return Path(name)
