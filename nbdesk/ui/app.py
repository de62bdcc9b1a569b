"""Starting the GUI: choosing the file, first run, and opening files off the UI thread.

The window is shown before the database layer is even imported. At start-up the worker then reads
the first screen (the Self-assessment list) with the standard library's sqlite3, read-only, and
the window shows it; only then does the worker open the file the usual way: SQLAlchemy's import,
the integrity check (a damaged file is refused and its first screen taken away), an upgrade with
its backup, the daily backup. Nothing can be changed until that has finished (the sections have
no Ops until then). Other sections are built when first shown. A file the first screen cannot be
read from (encrypted, older, damaged …) is opened the usual way before anything is shown. A large
or damaged file never freezes a blank window.

Quitting skips the interpreter's slow teardown once every file is closed (see ui.exiting).
"""

from __future__ import annotations

import argparse
import os
import sys
import threading
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

from PySide6.QtCore import QObject, QTimer, Signal
from PySide6.QtWidgets import QApplication

from nbdesk.common import paths
from nbdesk.common.log import set_up_logging
from nbdesk.storage.location import server_label
from nbdesk.ui import collector
from nbdesk.ui.dialogs import FirstRunDialog, ask_text, show_error
from nbdesk.ui.main_window import FILE_FILTER, MainWindow

if TYPE_CHECKING:
    from nbdesk.self_assessment.first_screen import FirstScreen
    from nbdesk.storage import Database
    from nbdesk.ui.server_dialog import SignIn

DEMO_FILE_NAME = "demonstration.nbdesk"


def demo_path() -> Path:
    return paths.data_dir() / DEMO_FILE_NAME


@dataclass(frozen=True)
class OpenPlan:
    """Which file to open, and whether it must be created first (with this authority name).
    With `url`, a server database instead: `path` is then only its label for the window."""

    path: Path
    create_as: str | None = None
    demo: bool = False
    typed_key: str | None = None  # a recovery key or passphrase typed to unlock an encrypted file
    url: str | None = None


@dataclass(frozen=True)
class Opened:
    db: Database
    authority: str
    warning: str = ""  # something to tell the person that did not stop the file opening


@dataclass
class Opening:
    """An open that follows a first screen, as far as quitting needs to know: until it is about
    to write (an upgrade, the daily backup) it has only read, and may be abandoned mid-way."""

    lock: threading.Lock = field(default_factory=threading.Lock)
    only_read: bool = True
    abandoned: bool = False
    db: Database | None = None  # once opened on the worker, until the window has it

    def before_writing(self) -> None:
        """On the worker: from here on the open must finish (or be stopped) before nbdesk exits."""
        from nbdesk.ui.ops import Cancelled

        with self.lock:
            if self.abandoned:
                raise Cancelled()
            self.only_read = False

    def abandon(self) -> bool:
        """On quitting: stop before any write; True if nothing has been written, so there is
        nothing to wait for."""
        with self.lock:
            self.abandoned = True
            return self.only_read


def carry_out(plan: OpenPlan, opening: Opening | None = None) -> Opened:
    """Open (or create) the file in the plan. Runs on the worker thread. With `opening` (after a
    first screen) every write is announced to it first."""
    from nbdesk.storage import create_database, open_database, server
    from nbdesk.storage.authority import authority_name

    before_writing: Callable[[], object] | None = opening.before_writing if opening else None

    if plan.url is not None:  # a server: its password from the credential store, if kept there
        server.use_stored_password(plan.url)
        db = open_database(plan.url, before_writing=before_writing)
    elif plan.demo and not plan.path.exists():
        from nbdesk.demo import create_demo

        db = create_demo(plan.path, "small")
    elif plan.create_as is not None:
        db = create_database(plan.path, plan.create_as)
    else:
        if plan.typed_key is not None:
            unlock_with(plan.path, plan.typed_key)
        db = open_database(plan.path, before_writing=before_writing)
    if opening is not None:
        opening.db = db
    try:
        warning = ""
        if before_writing is not None:
            before_writing()
        try:
            from nbdesk.storage.backup import daily_backup

            if not db.is_server:  # a server's backups are its administrator's
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
    if secret.raw is not None and not paths.portable():
        encryption.store_secret(secret)


def is_user_error(exc: Exception) -> bool:
    from nbdesk.common.errors import is_plain

    return is_plain(exc)


def first_screen_of(plan: OpenPlan) -> FirstScreen | None:
    """On the worker: the first screen of an existing file, read without SQLAlchemy (None: open
    it the usual way)."""
    from nbdesk.self_assessment.first_screen import read_first_screen

    return None if plan.url else read_first_screen(plan.path)  # a file's quick read only


def server_sign_in() -> SignIn:
    """For File › Open a server database…: storage.server signs in (imported only when asked)."""
    from nbdesk.storage import server

    return server


class Controller(QObject):
    """Owns which file is open; the window asks it to open or create another."""

    opened = Signal()  # the file is open: the window has its Ops
    shown = Signal()  # the file's data is on screen (its first screen, or once opened)
    failed = Signal(str)

    def __init__(self, window: MainWindow) -> None:
        super().__init__(window)
        self.window = window
        self.interactive = True  # False when nobody is there to read a dialog
        window.open_requested.connect(self.open_file)
        window.open_server_requested.connect(self.open_server)
        window.signing = server_sign_in
        window.new_requested.connect(self.new_file)
        window.encrypt_requested.connect(self.encrypt_open_file)
        self._plan: OpenPlan | None = None
        self._opening: Opening | None = None  # the open after a first screen, while in flight
        self._reading: set[Any] = set()  # this controller's Ops that may be cut off when quitting
        self._first_shown = False

    def start(self, plan: OpenPlan) -> None:
        from nbdesk.ui.ops import errand

        self._plan = plan
        self._first_shown = False
        self.window.show_opening(plan.path)
        plain_open = plan.typed_key is None and plan.create_as is None and not plan.demo
        if plain_open and self.window.ops is None and not self.window.built_sections():
            first = errand(
                self.window,
                f"Opening {plan.path.name}",
                lambda progress: first_screen_of(plan),
                lambda first: self._first_screen(plan, first),
                lambda _exc, _trace: self._open(plan),
            )
            self._reading.add(first)
            return
        self._open(plan)

    def _first_screen(self, plan: OpenPlan, first: FirstScreen | None) -> None:
        if first is None or plan is not self._plan:
            self._open(plan)
            return
        self.window.show_first_screen(plan.path, first)
        collector.forget_sources()  # the first screen's modules'
        self._first_shown = True
        self.shown.emit()
        # After the first screen is drawn (posted events come before this one).
        opening = Opening()
        self._opening = opening
        QTimer.singleShot(0, lambda: self._open(plan, opening))

    def _open(self, plan: OpenPlan, opening: Opening | None = None) -> None:
        from nbdesk.ui.ops import errand

        if plan is not self._plan or (opening is not None and opening.abandoned):
            return  # another file was asked for meanwhile, or nbdesk is quitting
        op = errand(
            self.window,
            f"Opening {plan.path.name}",
            lambda progress: carry_out(plan, opening),
            self._done,
            self._failed,
        )
        if opening is not None:
            self._reading.add(op)

    def let_go(self) -> None:
        """On quitting, once the window has closed (and with it the open file): wait for the work
        still in flight, unless all of it only reads (reading the first screen, or an open after
        it that has not yet written, which is stopped before it does), so quitting need not wait
        for SQLAlchemy's import. A file opened that the window never had is closed."""
        from nbdesk.ui.ops import Ops, wait_for_work

        opening, self._opening = self._opening, None
        only_read = opening is None or opening.abandon()
        if only_read and not (Ops.in_flight - self._reading):
            return
        wait_for_work()
        if opening is not None and opening.db is not None:
            opening.db.close()

    def _done(self, opened: Opened) -> None:
        from nbdesk.ui.ops import Ops

        self._opening = None
        self.window.set_ops(Ops(opened.db), opened.authority)
        if opened.warning:
            self.window.statusBar().showMessage(opened.warning)
        if not self._first_shown:
            self.shown.emit()
        self.opened.emit()

    def _failed(self, exc: Exception, trace: str) -> None:
        from nbdesk.storage.encryption import LockedError

        self._opening = None
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
        """File › Open, Open recent: one of nbdesk's backups as a copy, or itself (open_backup)."""
        from nbdesk.storage.backup import backup_file, backup_of
        from nbdesk.ui.open_backup import open_file_or_backup

        main = backup_of(Path(path)) if self.interactive else None
        start = lambda chosen: self.start(OpenPlan(chosen))  # noqa: E731
        open_file_or_backup(self.window, Path(path), main, backup_file, start)

    def open_server(self, url: str) -> None:
        self.start(OpenPlan(Path(server_label(url)), url=url))

    def new_file(self) -> None:
        """File › New: the authority's name (asked again if left empty), then where its file goes
        (Documents, or the folder last used; a name already taken is refused, never replaced)."""
        from nbdesk.ui import file_dialogs

        label, name = "Authority name:", ""
        while not name:
            typed = ask_text(self.window, "New authority file", label)
            if typed is None:
                return
            name, label = " ".join(typed.split()), "Authority name (it cannot be left empty):"
        start = file_dialogs.start_folder("authority") / paths.file_name(name, suffix=".nbdesk")
        title = "Save the new authority file as"
        target = file_dialogs.choose_file(
            self.window, title, str(start), FILE_FILTER, save=True, replace=False
        )
        if not target:
            return
        path = Path(target) if Path(target).suffix else Path(target).with_suffix(".nbdesk")
        if path.exists():
            show_error(self.window, "Not created", f"{path} is there already: choose a new name.")
            return
        file_dialogs.remember_folder("authority", path)
        self.start(OpenPlan(path, create_as=name))

    def encrypt_open_file(self) -> None:
        """Close the open file, encrypt it and its backups on the worker, show the recovery key
        once, and open it again."""
        from nbdesk.ui.encryption import ask_passphrase, confirm_encrypt

        ops = self.window.ops
        if ops is None:
            return
        path = Path(ops.path)
        if not confirm_encrypt(self.window, path.name, paths.portable()):
            return
        passphrase = None
        if paths.portable():
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
    if isinstance(explicit, str):  # `--db postgresql://…` (cli.location keeps URLs as text)
        return OpenPlan(Path(server_label(explicit)), url=explicit)
    if explicit is not None:
        path = Path(explicit)
        if interactive and not path.exists() and path.parent.is_dir():
            # `nbdesk --db new.nbdesk`: offer to create it rather than say it is missing.
            # The path on a line of its own: one long word, it is not wrapped with the words.
            question = (
                f"There is no file at\n{path}\n\nTo create a new authority file there, type the "
                "authority's name:"
            )
            name = (ask_text(window, "New authority file", question) or "").strip()
            if not name:
                return None
            return OpenPlan(path, create_as=name)
        return OpenPlan(path)
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
            from nbdesk.ui import file_dialogs

            name = file_dialogs.choose_file(window, "Open an authority file", "", FILE_FILTER)
            if not name:
                continue  # cancelling the file chooser goes back to the welcome, not out
            return OpenPlan(Path(name))
        return OpenPlan(default, create_as=dialog.authority_name())


def set_up_application(app: Any) -> None:
    app.setApplicationName("nbdesk")
    app.setApplicationDisplayName("nbdesk")
    from nbdesk.ui.palette import apply_contrast, show_focus_of_text_boxes

    apply_contrast(app)
    show_focus_of_text_boxes(app)
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
    """The window, until it closes; then the process ends (exit_now). Returns only on errors
    before the window, for the self-test, or when a normal exit is needed."""
    collector.forget_sources()
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
        # Once the data is on screen (the first screen: the check that follows is not waited for).
        controller.shown.connect(lambda: QTimer.singleShot(0, window.close))
    window.show()
    if "NBDESK_STARTUP_T0" in os.environ:
        from nbdesk.ui.start_trace import trace_start_up

        trace_start_up(window, controller)
    controller.start(plan)
    result = app.exec()
    # What was asked before the window closed is finished, not cut off.
    controller.let_go()
    if window.ops is not None and not window.ops.closed:
        window.ops.close()  # closed as the window closed; this only makes sure
    from nbdesk.ui.exiting import exit_now

    return exit_now(exit_code or result)
