"""`nbdesk --self-test OUTDIR`: prove a build works end to end, without a person.

It creates a demonstration authority, opens it in the real main window (through the same worker
thread as a person's start-up), draws the window and the icon, exports the returns (both Excel
returns and both PDF reports, through the code a lead's exports use), reads each one back, and
quits. Each step is logged to OUTDIR/self-test.log; the exit code is 0 only if every step passed.
A bundle missing a Qt plugin, a data file or a hidden import fails one of these steps.
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
from nbdesk.common.buildinfo import build_description


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
    from nbdesk.common import paths
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
    _wait_for(lambda: window.ops is not None or bool(failures), 60, "the file to open")
    if failures:
        raise SelfTestFailed(f"opening the file failed: {failures[0]}")
    log(f"opened in the main window: {window.windowTitle()}")
    shot = outdir / "main-window.png"
    if not window.grab().save(str(shot)):
        raise SelfTestFailed("could not save a screenshot (is the PNG plugin missing?)")
    log(f"main window drawn: {shot.name}")

    _export_returns(demo, outdir, log)
    _check_encryption(demo, outdir, log)
    window.close()


def _export_returns(db_path: Path, outdir: Path, log: _Log) -> None:
    """Write returns from the demonstration authority through the code a lead's exports use
    (nbdesk.returns.service.export, as the Returns section runs it), and read each one back.

    The self-assessment return and report are of the completed staff baseline (the report compared
    with the young people's baseline, so its charts draw two series); the participation return and
    report are of the newest survey round, the one the Returns section offers first. A bundle
    without openpyxl, reportlab, reportlab's fonts or a module they import fails here.
    """
    from nbdesk.returns import service
    from nbdesk.self_assessment.assessments import list_assessments
    from nbdesk.storage import open_database
    from nbdesk.storage.backup import backup_file
    from nbdesk.survey.rounds import list_rounds

    with open_database(db_path) as db:
        backup = backup_file(db_path, outdir / "backup.nbdesk")
        log(f"backed up: {backup.name} ({backup.stat().st_size} bytes)")
        with db.session() as session:
            from nbdesk.forms.store import framework_definition, list_frameworks
            from nbdesk.storage.authority import authority_name

            authority = authority_name(session)
            framework = framework_definition(session, list_frameworks(session)[0].id)
            assessments = list_assessments(session)
            rounds = sorted(list_rounds(session), key=lambda r: r.opens_on, reverse=True)
        if framework.statement_count != 106:
            raise SelfTestFailed("the demonstration framework did not load from the bundle's data")
        baselines = {a.perspective: a for a in assessments if a.stage == "baseline" and a.complete}
        if "staff" not in baselines or "young-people" not in baselines:
            raise SelfTestFailed("the demonstration authority has no completed baselines")
        if not rounds:
            raise SelfTestFailed("the demonstration authority has no survey round")
        staff, young = baselines["staff"], baselines["young-people"]
        survey = rounds[0]
        with db.session() as session:
            from nbdesk.action_plan.plans import list_plans

            plans = list_plans(session)
        if not plans:
            raise SelfTestFailed("the demonstration authority has no action plan")
        plan = plans[-1]
        jobs = (
            (service.SA_RETURN, staff.id, staff.name, None),
            (service.PARTICIPATION_RETURN, survey.id, survey.name, None),
            (service.PLAN_WORKBOOK, plan.id, plan.name, None),
            (service.SA_REPORT, staff.id, staff.name, young.id),
            (service.PARTICIPATION_REPORT, survey.id, survey.name, None),
            (service.PLAN_REPORT, plan.id, plan.name, None),
        )
        for key, subject_id, subject, compare_id in jobs:
            path = outdir / service.suggested_file_name(key, subject, authority)
            try:
                path = service.export(db.session, key, subject_id, path, compare_id)
            except Exception as exc:
                raise SelfTestFailed(
                    f"exporting the {service.kind(key).label} of {subject} failed: {exc}"
                ) from exc
            _check_export(key, path, framework.statement_count)
            log(f"exported and read back: {path.name} ({path.stat().st_size} bytes)")


# What each workbook must hold: its sheets, and the sheet read back with the header it starts with
# (the Ratings sheet is the format nbdesk imports again).
_SA_SHEETS = ("Cover", "Summary", "Ratings", "About")
_RATINGS_HEADER = ("Area", "Item", "Statement", "Rating", "Evidence")
_PARTICIPATION_SHEETS = ("Cover", "Participation", "Data")
_DATA_HEADER = ("Breakdown", "Group", "Eligible", "Completed", "Response rate")
# The demonstration's reports, with their charts and font subsets, are tens of kB; a PDF under this
# has next to nothing in it.
_SMALLEST_PDF = 10_000


def _check_export(key: str, path: Path, statements: int) -> None:
    """Read a written file back; raise SelfTestFailed saying what is wrong with it."""
    from nbdesk.returns import service

    label = service.kind(key).label
    if not path.is_file():
        raise SelfTestFailed(f"the {label} was not written to {path}")
    if path.suffix == ".pdf":
        _check_pdf(label, path)
        return
    if key == service.SA_RETURN:
        sheets, sheet, header = _SA_SHEETS, "Ratings", _RATINGS_HEADER
    elif key == service.PLAN_WORKBOOK:
        _check_plan_workbook(label, path)
        return
    else:
        sheets, sheet, header = _PARTICIPATION_SHEETS, "Data", _DATA_HEADER
    rows = _read_sheet(label, path, sheets, sheet)
    if not rows or rows[0][: len(header)] != header:
        found = " | ".join(str(v) for v in rows[0]) if rows else "nothing"
        raise SelfTestFailed(
            f"the {label}'s {sheet} sheet starts {found}, not {' | '.join(header)}"
        )
    body = [r for r in rows[1:] if any(v is not None for v in r)]
    if key == service.SA_RETURN:
        # A completed baseline: one row per statement of the framework, every one rated.
        rated = sum(1 for r in body if r[3] not in (None, ""))
        if len(body) != statements or rated != statements:
            raise SelfTestFailed(
                f"the {label}'s Ratings sheet has {len(body)} statements, {rated} rated; "
                f"the completed baseline has {statements}, all rated"
            )
    elif not body or body[0][0] != "All":
        raise SelfTestFailed(f"the {label}'s Data sheet has no row for the whole round")


def _check_plan_workbook(label: str, path: Path) -> None:
    """A Summary sheet, and a sheet per theme whose table starts You said | We will."""
    from openpyxl import load_workbook

    book = load_workbook(path, read_only=True)
    try:
        names = book.sheetnames
        if "Summary" not in names or len(names) < 2:
            raise SelfTestFailed(f"the {label} ({path.name}) has sheets {names}")
        theme = book[next(n for n in names if n != "Summary")]
        rows = [tuple(r) for r in theme.iter_rows(values_only=True)]
    finally:
        book.close()
    if not any(r[:2] == ("You said", "We will") for r in rows):
        raise SelfTestFailed(f"the {label}'s theme sheet has no You said | We will table")


def _check_encryption(db_path: Path, outdir: Path, log: _Log) -> None:
    """Encrypt a copy with SQLCipher (by passphrase: a bundle may find no credential store), find
    no plain text in it, and open it again: a bundle without sqlcipher3 fails here."""
    from nbdesk.storage import encryption, open_database
    from nbdesk.storage.authority import authority_name
    from nbdesk.storage.backup import backup_file

    copy = backup_file(db_path, outdir / "encrypted.nbdesk")
    with open_database(copy) as db, db.session() as session:
        name = authority_name(session)
    passphrase = "self-test passphrase"
    encryption.encrypt_file(copy, passphrase=passphrase)
    if name.encode() in copy.read_bytes():
        raise SelfTestFailed("the encrypted copy still shows the authority's name")
    encryption.forget_all()
    encryption.secret_for(copy, ask=lambda _path: passphrase)
    with open_database(copy) as db, db.session() as session:
        if authority_name(session) != name:
            raise SelfTestFailed("the encrypted copy did not open with its passphrase")
    log(f"encrypted a copy with SQLCipher and opened it again: {copy.name}")


def _read_sheet(
    label: str, path: Path, sheets: tuple[str, ...], sheet: str
) -> list[tuple[object, ...]]:
    """Open the workbook with openpyxl, check it has `sheets`, and return the rows of `sheet`."""
    from openpyxl import load_workbook

    try:
        book = load_workbook(path, read_only=True)
    except Exception as exc:
        raise SelfTestFailed(
            f"the {label} ({path.name}) does not open as a workbook: {exc}"
        ) from exc
    try:
        missing = [name for name in sheets if name not in book.sheetnames]
        if missing:
            raise SelfTestFailed(
                f"the {label} ({path.name}) has no {', '.join(missing)} sheet "
                f"(it has {', '.join(book.sheetnames)})"
            )
        return [tuple(r) for r in book[sheet].iter_rows(values_only=True)]
    finally:
        book.close()


def _check_pdf(label: str, path: Path) -> None:
    data = path.read_bytes()
    if not data.startswith(b"%PDF-"):
        raise SelfTestFailed(f"the {label} ({path.name}) is not a PDF")
    if len(data) < _SMALLEST_PDF:
        raise SelfTestFailed(f"the {label} ({path.name}) is only {len(data)} bytes")
    # The fonts travel inside the PDF (reportlab's Vera, embedded as a subset), so it prints the
    # same anywhere; a standard, unembedded font would mean the bundle lost reportlab's fonts.
    if b"/FontFile2" not in data:
        raise SelfTestFailed(f"the {label} ({path.name}) has no embedded font")
    if b"/Helvetica" in data:
        raise SelfTestFailed(f"the {label} ({path.name}) uses Helvetica, which is not embedded")


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
