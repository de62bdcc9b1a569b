"""`nbdesk --self-test OUTDIR`: prove a build works end to end, without a person.

It creates a demonstration authority, opens it in the real main window (through the same worker
thread as a person's start-up), draws the window and the icon, writes a return, and quits. Each step
is logged to OUTDIR/self-test.log; the exit code is 0 only if every step passed. A bundle missing a
Qt plugin, a data file or a hidden import fails one of these steps.
"""

from __future__ import annotations

import sys
import time
import traceback
from collections.abc import Callable
from pathlib import Path

from PySide6.QtCore import QEventLoop, QTimer
from PySide6.QtWidgets import QApplication

from nbdesk import __version__
from nbdesk.buildinfo import build_description


class SelfTestFailed(Exception):
    pass


class _Log:
    def __init__(self, path: Path) -> None:
        self.path = path
        self.lines: list[str] = []

    def __call__(self, line: str) -> None:
        self.lines.append(line)
        self.path.write_text("\n".join(self.lines) + "\n", encoding="utf-8")
        if sys.stdout is not None:  # a windowed Windows build has none
            print(line, flush=True)


def _wait_for(condition: Callable[[], bool], seconds: float, what: str) -> None:
    deadline = time.monotonic() + seconds
    loop = QEventLoop()
    while not condition():
        if time.monotonic() > deadline:
            raise SelfTestFailed(f"timed out after {seconds:.0f} s waiting for {what}")
        QTimer.singleShot(20, loop.quit)
        loop.exec()


def _steps(outdir: Path, log: _Log) -> None:
    from nbdesk import paths
    from nbdesk.demo import create_demo
    from nbdesk.ui.app import Controller, OpenPlan
    from nbdesk.ui.main_window import MainWindow

    log(f"nbdesk {__version__}{build_description()} on {sys.platform}, frozen={_frozen()}")
    log(f"data folder: {paths.data_dir()}")
    log(f"Qt platform: {QApplication.platformName()}")

    demo = outdir / "demonstration.nbdesk"
    create_demo(demo, "small").close()
    log(f"created the demonstration authority: {demo}")

    icon = QApplication.windowIcon()
    if icon.isNull() or icon.pixmap(64, 64).isNull():
        raise SelfTestFailed("the application icon did not load (is the SVG plugin missing?)")
    log("icon drawn")

    window = MainWindow()
    controller = Controller(window)
    controller.interactive = False
    failures: list[str] = []
    controller.failed.connect(failures.append)
    window.show()
    controller.start(OpenPlan(demo))
    _wait_for(lambda: bool(window.sections) or bool(failures), 60, "the file to open")
    if failures:
        raise SelfTestFailed(f"opening the file failed: {failures[0]}")
    log(f"opened in the main window: {window.windowTitle()}")
    shot = outdir / "main-window.png"
    if not window.grab().save(str(shot)):
        raise SelfTestFailed("could not save a screenshot (is the PNG plugin missing?)")
    log(f"main window drawn: {shot.name}")

    for written in _export_returns(demo, outdir):
        log(f"exported: {written.name} ({written.stat().st_size} bytes)")
    window.close()


def _export_returns(db_path: Path, outdir: Path) -> list[Path]:
    """Write files from the demonstration authority through the code a lead's exports use."""
    from nbdesk.storage import open_database
    from nbdesk.storage.backup import backup_file

    db = open_database(db_path)
    try:
        written = [backup_file(db_path, outdir / "backup.nbdesk")]
        with db.session() as session:
            from nbdesk.frameworks import framework_definition, list_frameworks

            framework = framework_definition(session, list_frameworks(session)[0].id)
        if framework.statement_count != 106:
            raise SelfTestFailed("the demonstration framework did not load from the bundle's data")
    finally:
        db.close()
    return written


def _frozen() -> bool:
    return bool(getattr(sys, "frozen", False))


def run_self_test(outdir: Path) -> int:
    outdir = Path(outdir)
    outdir.mkdir(parents=True, exist_ok=True)
    log = _Log(outdir / "self-test.log")
    app = QApplication.instance() or QApplication(sys.argv[:1])
    from nbdesk.ui.app import set_up_application

    set_up_application(app)
    try:
        _steps(outdir, log)
    except Exception as exc:
        log(f"FAILED: {exc}")
        log(traceback.format_exc())
        return 1
    log("self-test passed")
    return 0
