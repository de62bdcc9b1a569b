"""Starting the GUI: choosing the file, first run, and opening files off the UI thread.

The window is shown before the database layer is even imported: opening a file (SQLAlchemy's import,
the integrity check, an upgrade with its backup) runs on the worker thread, and the sections are
built and filled when it finishes. A large or damaged file never freezes a blank window.
"""

from __future__ import annotations

import argparse
import os
import sys
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

from PySide6.QtCore import QObject, QTimer, Signal
from PySide6.QtWidgets import QApplication, QFileDialog, QInputDialog, QLineEdit

from nbdesk.common import clock, paths
from nbdesk.common.log import set_up_logging
from nbdesk.ui.dialogs import FirstRunDialog, show_error
from nbdesk.ui.main_window import FILE_FILTER, MainWindow

if TYPE_CHECKING:
    from nbdesk.storage import Database

DEMO_FILE_NAME = "demonstration.nbdesk"


def demo_path() -> Path:
    return paths.data_dir() / DEMO_FILE_NAME


@dataclass(frozen=True)
class OpenPlan:
    """Which file to open, and whether it must be created first (with this authority name)."""

    path: Path
    create_as: str | None = None
    demo: bool = False
    typed_key: str | None = None  # a recovery key or passphrase typed to unlock an encrypted file


@dataclass(frozen=True)
class Opened:
    db: Database
    authority: str
    warning: str = ""  # something to tell the person that did not stop the file opening


def carry_out(plan: OpenPlan) -> Opened:
    """Open (or create) the file in the plan. Runs on the worker thread."""
    from nbdesk.storage import create_database, open_database
    from nbdesk.storage.authority import authority_name

    if plan.typed_key is not None:
        unlock_with(plan.path, plan.typed_key)
    if plan.demo and not plan.path.exists():
        from nbdesk.demo import create_demo

        db = create_demo(plan.path, "small")
    elif plan.create_as is not None:
        db = create_database(plan.path, plan.create_as)
    else:
        db = open_database(plan.path)
    try:
        warning = ""
        try:
            from nbdesk.storage.backup import daily_backup

            daily_backup(db.path)
        except OSError as exc:
            # A full disk or a read-only backups folder must not lock staff out of their file.
            warning = f"The automatic daily backup could not be written: {exc}"
        with db.session() as session:
            return Opened(db, authority_name(session), warning)
    except BaseException:
        db.close()
        raise


def unlock_with(path: Path, typed: str) -> None:
    """Unlock an encrypted file with what was typed (raises LockedError if it does not open it);
    a recovery key is then kept in this computer's credential store, outside portable mode."""
    from nbdesk.storage import encryption

    answers = iter([typed, None])
    secret = encryption.secret_for(path, ask=lambda _path: next(answers))
    if secret.raw is not None and not portable():
        encryption.store_secret(secret)


def portable() -> bool:
    return os.environ.get("NBDESK_PORTABLE", "") not in ("", "0")


def is_user_error(exc: Exception) -> bool:
    from nbdesk.common.errors import is_plain

    return is_plain(exc)


class Controller(QObject):
    """Owns which file is open; the window asks it to open or create another."""

    opened = Signal()
    failed = Signal(str)

    def __init__(self, window: MainWindow) -> None:
        super().__init__(window)
        self.window = window
        self.interactive = True  # False when nobody is there to read a dialog
        window.open_requested.connect(self.open_file)
        window.new_requested.connect(self.new_file)
        window.encrypt_requested.connect(self.encrypt_open_file)
        self._plan: OpenPlan | None = None

    def start(self, plan: OpenPlan) -> None:
        from nbdesk.ui.ops import errand

        self._plan = plan
        self.window.show_opening(plan.path)
        errand(
            self.window,
            f"Opening {plan.path.name}",
            lambda progress: carry_out(plan),
            self._done,
            self._failed,
        )

    def _done(self, opened: Opened) -> None:
        from nbdesk.ui.ops import Ops

        self.window.set_ops(Ops(opened.db), opened.authority)
        if opened.warning:
            self.window.statusBar().showMessage(opened.warning)
        self.opened.emit()

    def _failed(self, exc: Exception, trace: str) -> None:
        from nbdesk.storage.encryption import LockedError

        plan = self._plan
        if isinstance(exc, LockedError) and self.interactive and plan is not None:
            from nbdesk.ui.encryption import ask_key

            typed = ask_key(self.window, plan.path.name, again=plan.typed_key is not None)
            if typed is not None:
                self.start(OpenPlan(plan.path, typed_key=typed))
                return
        self.window.show_open_failed()
        message = str(exc) if is_user_error(exc) else f"Unexpected error: {exc}"
        self.failed.emit(message)
        if self.interactive:
            details = "" if is_user_error(exc) else trace
            show_error(self.window, "Cannot open this file", message, details)

    def open_file(self, path: Path) -> None:
        self.start(OpenPlan(Path(path)))

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
        self.start(OpenPlan(path, create_as=name.strip()))

    def encrypt_open_file(self) -> None:
        """Close the open file, encrypt it and its backups on the worker, show the recovery key
        once, and open it again."""
        from nbdesk.ui.encryption import ask_passphrase, confirm_encrypt

        ops = self.window.ops
        if ops is None:
            return
        path = Path(ops.path)
        if not confirm_encrypt(self.window, path.name, portable()):
            return
        passphrase = None
        if portable():
            passphrase = ask_passphrase(self.window)
            if passphrase is None:
                return
        from nbdesk.ui.ops import errand

        # This process must let go of the file: locks do not keep out the same process.
        self.window.ops = None
        ops.close()
        self.window.show_opening(path)

        def work(_progress: Any) -> Any:
            from nbdesk.storage.backup import copies_of
            from nbdesk.storage.encryption import encrypt_file, is_encrypted

            if is_encrypted(path):
                raise ValueError(f"{path.name} is already encrypted.")
            return encrypt_file(path, passphrase=passphrase, backups=copies_of(path))

        def done(result: Any) -> None:
            if result.recovery_key:
                from nbdesk.ui.encryption import RecoveryKeyDialog

                RecoveryKeyDialog(result.recovery_key, path.name, result.stored, self.window).exec()
            self.open_file(path)

        def failed(exc: Exception, trace: str) -> None:
            show_error(
                self.window,
                "The file was not encrypted",
                str(exc) if is_user_error(exc) else f"Unexpected error: {exc}",
                "" if is_user_error(exc) else trace,
            )
            self.open_file(path)

        errand(self.window, f"Encrypting {path.name}", work, done, failed)


class NobodyToAsk(Exception):
    """First run with --quit-when-shown: there is no file to open and no one to ask."""


def start_plan(
    args: argparse.Namespace, window: MainWindow, interactive: bool = True
) -> OpenPlan | None:
    """The file to open at start-up, asking on first run. None means the person chose to quit."""
    if getattr(args, "demo", False):
        return OpenPlan(demo_path(), demo=True)
    explicit = getattr(args, "db", None)
    if explicit is not None:
        return OpenPlan(Path(explicit))
    default = paths.default_db_path()
    if default.exists():
        return OpenPlan(default)
    from nbdesk.ui.settings import recent_files

    for recent in recent_files():
        if recent.exists():
            return OpenPlan(recent)
    if not interactive:
        raise NobodyToAsk(f"there is no data file yet ({default}); give one with --db FILE")
    while True:
        dialog = FirstRunDialog(window)
        if not dialog.exec():
            return None
        if dialog.choice == FirstRunDialog.DEMO:
            return OpenPlan(demo_path(), demo=True)
        if dialog.choice == FirstRunDialog.OPEN:
            name, _ = QFileDialog.getOpenFileName(window, "Open an authority file", "", FILE_FILTER)
            if not name:
                continue  # cancelling the file chooser goes back to the welcome, not out
            return OpenPlan(Path(name))
        return OpenPlan(default, create_as=dialog.authority_name())


def _trace_start_up(window: MainWindow, controller: Controller) -> None:
    """For the benchmark: with NBDESK_STARTUP_T0 set to the launch time (seconds since the epoch), print when
    the window appeared and when the file's data was in it, as offsets from that launch."""

    t0 = float(os.environ["NBDESK_STARTUP_T0"])

    def say(event: str) -> None:
        print(
            f"startup: {event} {1000 * (clock.wall_seconds() - t0):.0f} ms",
            file=sys.stderr,
            flush=True,
        )

    QTimer.singleShot(0, lambda: say("window-shown"))
    controller.opened.connect(lambda: say("data-loaded"))


def set_up_application(app: Any) -> None:
    app.setApplicationName("nbdesk")
    app.setApplicationDisplayName("nbdesk")
    icon = paths.resources_dir() / "nbdesk.svg"
    if icon.exists():
        from PySide6.QtGui import QIcon

        app.setWindowIcon(QIcon(str(icon)))


def report_unexpected_errors() -> None:
    """A failure nobody foresaw shows one plain dialog (the traceback goes to the log file) and
    nbdesk carries on: every change made before it was saved when it was made."""

    def hook(kind: type[BaseException], exc: BaseException, trace: Any) -> None:
        if issubclass(kind, KeyboardInterrupt):
            sys.__excepthook__(kind, exc, trace)
            return
        import threading
        import traceback

        details = "".join(traceback.format_exception(kind, exc, trace))
        if threading.current_thread() is not threading.main_thread():
            # Only the UI thread may show a dialog; from the worker the details are logged.
            from nbdesk.common.log import record_failure

            record_failure("Unexpected error on the worker", details)
            return
        show_error(
            QApplication.activeWindow(),
            "Something went wrong",
            f"nbdesk could not finish what it was doing ({exc}). Everything saved before this "
            "is kept.",
            details,
        )

    sys.excepthook = hook


def run_gui(args: argparse.Namespace) -> int:
    app: Any = QApplication.instance() or QApplication(sys.argv[:1])
    set_up_application(app)
    report_unexpected_errors()
    if getattr(args, "self_test", None) is not None:
        from nbdesk.ui.self_test import run_self_test

        return run_self_test(args.self_test)
    headless = bool(getattr(args, "quit_when_shown", False))
    try:
        paths.data_dir()  # made here, so an unusable folder is reported rather than a traceback
        set_up_logging()
        window = MainWindow()
        controller = Controller(window)
        plan = start_plan(args, window, interactive=not headless)
    except (OSError, NobodyToAsk) as exc:
        message = f"nbdesk cannot start: {exc}"
        if headless:
            print(f"nbdesk: error: {message}", file=sys.stderr)
        else:
            show_error(None, "nbdesk cannot start", message)
        return 1
    if plan is None:
        return 0
    exit_code = 0
    if headless:
        # Nobody is there to read a dialog: report on stderr, and quit once the data is shown.
        controller.interactive = False

        def report(message: str) -> None:
            nonlocal exit_code
            print(f"nbdesk: error: {message}", file=sys.stderr)
            exit_code = 1
            window.close()

        controller.failed.connect(report)
        controller.opened.connect(lambda: QTimer.singleShot(0, window.close))
    window.show()
    if "NBDESK_STARTUP_T0" in os.environ:
        _trace_start_up(window, controller)
    controller.start(plan)
    result = app.exec()
    from nbdesk.ui.ops import wait_for_work

    wait_for_work()  # what was asked before the window closed is finished, not cut off
    return exit_code or result
