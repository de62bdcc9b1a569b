"""Opening one of nbdesk's backups: a copy to work on, or the backup itself to look at.

A tester opened a backup from File › Open to get back an older state, added a person there, and
lost them: nothing said it was a backup, and work saved in one is not in the authority's file.
(Backups someone has opened are no longer removed as newer ones are taken: storage.backup.)
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

from PySide6.QtWidgets import QMessageBox, QWidget

from nbdesk.common import clock
from nbdesk.common.errors import is_plain
from nbdesk.common.paths import documents_dir
from nbdesk.ui import file_dialogs
from nbdesk.ui.dialogs import show_error

COPY, BACKUP = "copy", "backup"


def ask_about_backup(parent: QWidget, backup: Path, main: Path) -> tuple[str, Path] | None:
    """What to open, having been asked for `backup` (one of `main`'s): (COPY, where the copy is
    to be saved), (BACKUP, backup), or None for neither."""
    box = QMessageBox(
        QMessageBox.Icon.Question,
        "Open a backup",
        f"{backup.name} is one of the backups nbdesk keeps of {main.name}.\n\n"
        f"Work saved in a backup is not in {main.name}. To carry on from this backup, open a "
        "copy of it, saved where you choose; to look something up, open the backup itself.",
        QMessageBox.StandardButton.Cancel,
        parent,
    )
    copy = box.addButton("Open a &copy…", QMessageBox.ButtonRole.AcceptRole)
    itself = box.addButton("Open the &backup", QMessageBox.ButtonRole.ActionRole)
    box.setDefaultButton(copy)
    box.setAccessibleName("Open a backup")
    box.exec()
    if box.clickedButton() is itself:
        return BACKUP, backup
    if box.clickedButton() is not copy:
        return None
    suggested = documents_dir() / f"{main.stem} restored {clock.today():%Y-%m-%d}.nbdesk"
    name = file_dialogs.choose_file(
        parent,
        "Save the copy of the backup as",
        str(suggested),
        "nbdesk files (*.nbdesk)",
        save=True,
        replace=False,  # a name already taken is refused below
    )
    if not name:
        return None
    target = Path(name)
    return COPY, target if target.suffix else target.with_suffix(".nbdesk")


def open_file_or_backup(
    parent: QWidget,
    path: Path,
    main: Path | None,
    copy_file: Callable[[Path, Path], object],
    start: Callable[[Path], None],
) -> None:
    """Open `path` with `start`; if it is one of `main`'s backups, ask first, and for a copy,
    `copy_file(path, copy)` on the worker before the copy is opened. A file already where the
    copy would go is never replaced (another nbdesk may have it open)."""
    from nbdesk.ui.ops import errand

    chosen = ask_about_backup(parent, path, main) if main is not None else (BACKUP, path)
    if chosen is None:
        return
    kind, target = chosen
    if kind == BACKUP:
        start(path)
        return
    if target.exists():
        show_error(parent, "Not copied", f"{target} is there already: choose a new name.")
        return

    def failed(exc: Exception, trace: str) -> None:
        show_error(parent, "Not copied", str(exc), "" if is_plain(exc) else trace)

    errand(parent, "Copying", lambda _p: copy_file(path, target), lambda _r: start(target), failed)
