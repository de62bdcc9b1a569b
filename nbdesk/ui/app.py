"""Starting the GUI: choosing the file, first run, and opening files with errors shown plainly."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from PySide6.QtCore import QTimer
from PySide6.QtWidgets import QApplication, QFileDialog, QInputDialog, QLineEdit

from nbdesk import paths
from nbdesk.storage import Database, DatabaseError, create_database, open_database
from nbdesk.ui.dialogs import FirstRunDialog, show_error
from nbdesk.ui.main_window import FILE_FILTER, MainWindow

DEMO_FILE_NAME = "demonstration.nbdesk"


def demo_path() -> Path:
    return paths.data_dir() / DEMO_FILE_NAME


def open_or_create_demo() -> Database:
    path = demo_path()
    if path.exists():
        return open_database(path)
    from nbdesk.demo import create_demo

    return create_demo(path, "small")


def authority_of(db: Database) -> str:
    from nbdesk.authority import authority_name

    with db.session() as session:
        return authority_name(session)


class Controller:
    """Owns which file is open; the window asks it to open or create another."""

    def __init__(self, window: MainWindow) -> None:
        self.window = window
        window.open_requested.connect(self.open_file)
        window.new_requested.connect(self.new_file)

    def show(self, db: Database) -> None:
        self.window.set_database(db, authority_of(db))

    def open_file(self, path: Path) -> bool:
        try:
            db = open_database(path)
        except DatabaseError as exc:
            show_error(self.window, "Cannot open this file", str(exc))
            return False
        self.show(db)
        return True

    def new_file(self) -> None:
        name, ok = QInputDialog.getText(
            self.window, "New authority file", "Authority name:", QLineEdit.EchoMode.Normal
        )
        if not ok or not name.strip():
            return
        target, _ = QFileDialog.getSaveFileName(
            self.window, "Save the new authority file as", str(paths.data_dir()), FILE_FILTER
        )
        if not target:
            return
        path = Path(target)
        if path.suffix == "":
            path = path.with_suffix(".nbdesk")
        try:
            db = create_database(path, name)
        except (OSError, ValueError) as exc:
            show_error(self.window, "Cannot create the file", str(exc))
            return
        self.show(db)


def first_database(args: argparse.Namespace, window: MainWindow) -> Database | None:
    """The file to open at start-up, asking on first run. None means the person chose to quit."""
    if getattr(args, "demo", False):
        return open_or_create_demo()
    explicit = getattr(args, "db", None)
    if explicit is not None:
        return open_database(Path(explicit))
    default = paths.default_db_path()
    if default.exists():
        return open_database(default)
    from nbdesk.ui.settings import recent_files

    for recent in recent_files():
        if recent.exists():
            return open_database(recent)
    dialog = FirstRunDialog(window)
    if not dialog.exec():
        return None
    if dialog.choice == FirstRunDialog.DEMO:
        return open_or_create_demo()
    if dialog.choice == FirstRunDialog.OPEN:
        name, _ = QFileDialog.getOpenFileName(window, "Open an authority file", "", FILE_FILTER)
        return open_database(Path(name)) if name else None
    return create_database(default, dialog.authority_name())


def run_gui(args: argparse.Namespace) -> int:
    app = QApplication.instance() or QApplication(sys.argv[:1])
    app.setApplicationName("nbdesk")
    app.setApplicationDisplayName("nbdesk")
    icon = paths.resources_dir() / "nbdesk.svg"
    if icon.exists():
        from PySide6.QtGui import QIcon

        app.setWindowIcon(QIcon(str(icon)))
    window = MainWindow()
    controller = Controller(window)
    try:
        db = first_database(args, window)
    except (DatabaseError, OSError, ValueError) as exc:
        if getattr(args, "quit_when_shown", False):
            print(f"nbdesk: error: {exc}", file=sys.stderr)  # no one is there to read a dialog
        else:
            show_error(None, "Cannot open the data file", str(exc))
        return 1
    if db is None:
        return 0
    controller.show(db)
    window.show()
    if getattr(args, "quit_when_shown", False):
        QTimer.singleShot(0, window.close)
    return app.exec()
