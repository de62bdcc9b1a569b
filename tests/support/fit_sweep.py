"""Every window of the Self-assessment section, the main window and the file's dialogs, opened on a
1366×768 screen with twice the default font, each checked as it is on screen (issue 15).

Run by tests/ui/test_fits_the_screen.py in a process of its own, because the screen and the font
are fixed when Qt starts: `QT_QPA_PLATFORM=offscreen:configfile=SCREEN.json` gives the offscreen
platform one 1366×768 screen, and `QT_FONT_DPI=192` doubles the font as a person would on Linux,
which (as on a real X server) also doubles the style's sizes, leaving 683×384 of Qt's pixels.

    python -m tests.support.fit_sweep DEMO.nbdesk REPORT.json

writes {"checked": [state, …], "problems": [line, …]}. A state's problems: its window (title bar
and all) not inside the screen's room; its least size larger than the room; a button not wholly in
view: outside its window, cut by a widget round it, or (inside a scrolling area) not brought
wholly into view by scrolling; and two widgets laid out side by side in one layout overlapping,
which is what a layout squeezed below what it needs draws; and a label with less room than its
text. The workshop must also show its four ratings and its Leave button without scrolling.
"""

from __future__ import annotations

import json
import shutil
import sys
from collections.abc import Callable
from itertools import combinations
from pathlib import Path
from typing import Any

from PySide6.QtCore import QPoint, QRect, Qt, QTimer
from PySide6.QtTest import QTest
from PySide6.QtWidgets import (
    QAbstractButton,
    QAbstractScrollArea,
    QApplication,
    QDialog,
    QGridLayout,
    QLabel,
    QPushButton,
    QScrollArea,
    QVBoxLayout,
    QWidget,
)

from tests.support.screen_fit import laid_out

SCREEN = {"width": 1366, "height": 768}


def screen_config() -> dict[str, Any]:
    """The offscreen platform's screen: a 1366×768 laptop at the default 96 dots per inch."""
    return {
        "screens": [
            {
                "name": "Laptop",
                "x": 0,
                "y": 0,
                **SCREEN,
                "logicalDpi": 96,
                "logicalBaseDpi": 96,
                "dpr": 1,
            }
        ]
    }


# Checking ---------------------------------------------------------------------------------------


def describe(widget: QWidget) -> str:
    text = widget.text() if isinstance(widget, QAbstractButton) else ""
    said = (text or widget.accessibleName() or widget.objectName()).replace("\n", " ")
    return f"{type(widget).__name__} {said!r}"


def room(window: QWidget) -> QRect:
    return window.screen().availableGeometry()


def in_window(widget: QWidget, window: QWidget) -> QRect:
    return QRect(widget.mapTo(window, QPoint(0, 0)), widget.size())


def scrolling_area(widget: QWidget, window: QWidget) -> QScrollArea | None:
    """The scroll area (of nbdesk's, or a QScrollArea) the widget is laid out in, if any."""
    parent = widget.parentWidget()
    while parent is not None and parent is not window:
        grand = parent.parentWidget()
        if isinstance(grand, QScrollArea) and parent is grand.viewport():
            return grand
        parent = grand
    return None


def cut_by(widget: QWidget, window: QWidget) -> QWidget | None:
    """The widget round `widget` (up to its window) that does not show all of it, if one."""
    rect = in_window(widget, window)
    parent = widget.parentWidget()
    while parent is not None:
        if not in_window(parent, window).contains(rect):
            return parent
        if parent is window:
            return None
        parent = parent.parentWidget()
    return None


def button_problems(window: QWidget) -> list[str]:
    found = []
    space = room(window)
    for button in window.findChildren(QAbstractButton):
        if button.window() is not window or not button.isVisible():
            continue
        if isinstance(button.parentWidget(), QAbstractScrollArea | QScrollArea):
            continue  # a scroll area's own corner and arrows, part of it
        area = scrolling_area(button, window)
        if area is not None:
            # Reachable if scrolling shows all of it (Tab scrolls it into view the same way).
            bars = area.horizontalScrollBar().value(), area.verticalScrollBar().value()
            area.ensureWidgetVisible(button, 0, 0)
            blocker = cut_by(button, window)
            area.horizontalScrollBar().setValue(bars[0])
            area.verticalScrollBar().setValue(bars[1])
            if blocker is not None:
                found.append(f"{describe(button)} cannot be scrolled wholly into view")
            continue
        blocker = cut_by(button, window)
        if blocker is not None:
            found.append(f"{describe(button)} is cut by {describe(blocker)}")
            continue
        on_screen = QRect(button.mapToGlobal(QPoint(0, 0)), button.size())
        if not space.contains(on_screen):
            found.append(f"{describe(button)} is off the screen at {on_screen.getRect()}")
    return found


def overlaps(window: QWidget) -> list[str]:
    found = []
    for holder in [window, *window.findChildren(QWidget)]:
        layout = holder.layout()
        if holder.window() is not window or not holder.isVisible() or layout is None:
            continue
        placed = [w for w in laid_out(layout) if w.isVisible()]
        for widget in placed:
            if widget.width() <= 1 or widget.height() <= 1:
                found.append(f"{describe(widget)} is squeezed to nothing in {describe(holder)}")
        for a, b in combinations(placed, 2):
            if a.geometry().intersects(b.geometry()):
                found.append(f"{describe(a)} and {describe(b)} overlap in {describe(holder)}")
    return found


def cut_text(window: QWidget) -> list[str]:
    """Labels given less room than their text takes (a squeezed form cuts the lines of a
    wrapped warning short, and draws the next row over what is left)."""
    found = []
    for label in window.findChildren(QLabel):
        if label.window() is not window or not label.isVisible() or not label.text():
            continue
        if label.wordWrap():
            short = label.height() < label.heightForWidth(label.width())
        else:
            short = label.width() < label.minimumSizeHint().width()
        if short:
            text = label.text().replace("\n", " ")[:60]
            found.append(f"QLabel {text!r} is cut short ({label.width()}×{label.height()})")
    return found


def problems(window: QWidget) -> list[str]:
    found = []
    space = room(window)
    frame = window.frameGeometry()
    if not space.contains(frame):
        found.append(f"the window {frame.getRect()} is not inside the screen {space.getRect()}")
    least = window.minimumSizeHint().expandedTo(window.minimumSize())
    if least.width() > space.width() or least.height() > space.height():
        found.append(f"the window cannot be made smaller than {least.toTuple()}")
    return found + button_problems(window) + overlaps(window) + cut_text(window)


# Opening the windows ----------------------------------------------------------------------------


def settle(ms: int = 50) -> None:
    from nbdesk.ui.ops import Ops

    for _ in range(400):
        QTest.qWait(ms)
        if not Ops.busy():
            break
    QTest.qWait(ms)


class Sweep:
    def __init__(self) -> None:
        self.checked: list[str] = []
        self.problems: list[str] = []

    def check(self, window: QWidget, state: str) -> None:
        settle()
        self.checked.append(state)
        self.problems += [f"[{state}] {line}" for line in problems(window)]

    def show(self, window: QWidget, state: str) -> QWidget:
        window.show()
        QTest.qWaitForWindowExposed(window)
        self.check(window, state)
        return window

    def when_shown(self, state: str, ask: Callable[[], object]) -> None:
        """For a dialog that runs itself (exec): check it once it is up, then cancel it."""

        def look() -> None:
            dialog = QApplication.activeModalWidget()
            if dialog is None:
                QTimer.singleShot(20, look)
                return
            self.check(dialog, state)
            assert isinstance(dialog, QDialog)
            dialog.reject()

        QTimer.singleShot(20, look)
        ask()


def sweep_self_check(sweep: Sweep) -> None:
    """A window with each fault, so the report shows the checks can fail."""
    bad = QDialog()
    bad.setWindowTitle("Faults")
    layout = QVBoxLayout(bad)
    wide = QWidget()
    wide.setMinimumSize(2000, 100)
    layout.addWidget(wide)
    # A layout given less than the least its widgets take draws them over each other.
    squeezed = QWidget()
    inner = QGridLayout(squeezed)
    for row, text in enumerate(("Over", "Under")):
        button = QPushButton(text)
        button.setMinimumHeight(30)
        inner.addWidget(button, row, 0)
    squeezed.setFixedHeight(40)
    layout.addWidget(squeezed)
    cramped = QWidget()
    words = QLabel("A warning that wraps onto many lines. " * 60)
    words.setWordWrap(True)
    QVBoxLayout(cramped).addWidget(words)
    cramped.setFixedHeight(50)
    layout.addWidget(cramped)
    layout.addWidget(QPushButton("Far"))
    sweep.show(bad, "self-check")
    bad.close()


def sweep_windows(demo: Path, work: Path) -> Sweep:
    from nbdesk.forms.framework import DEMONSTRATION_FILE
    from nbdesk.forms.store import list_frameworks
    from nbdesk.self_assessment.assessments import list_assessments, load_assessment
    from nbdesk.self_assessment.exchange import write_ratings_workbook
    from nbdesk.self_assessment.workshop import workshop_start
    from nbdesk.ui import encryption, file_dialogs
    from nbdesk.ui.app import OpenPlan, carry_out
    from nbdesk.ui.main_window import MainWindow
    from nbdesk.ui.ops import Ops
    from nbdesk.ui.self_assessment.compare import CompareWindow
    from nbdesk.ui.self_assessment.framework_dialog import LoadFrameworkDialog
    from nbdesk.ui.self_assessment.go_to import GoToDialog
    from nbdesk.ui.self_assessment.import_dialog import ImportRatingsDialog
    from nbdesk.ui.self_assessment.new_assessment import NewAssessmentDialog
    from nbdesk.ui.self_assessment.results import ResultsWindow
    from nbdesk.ui.self_assessment.sitting import SittingDialog
    from nbdesk.ui.self_assessment.workshop import WorkshopWindow

    sweep = Sweep()
    sweep_self_check(sweep)

    main = MainWindow()  # the first start: no size saved
    opened = carry_out(OpenPlan(demo))
    ops = Ops(opened.db)
    main.set_ops(ops, opened.authority)
    sweep.show(main, "main window, first start")

    store: Any = ops.store
    with store.session() as session:
        items = list_assessments(session)
        frameworks = list_frameworks(session)
        rated = next(a for a in items if a.rated)
        detail = load_assessment(session, rated.id)
        start = workshop_start(session, rated.id)
    sheet = work / "ratings.xlsx"
    with store.session() as session:
        write_ratings_workbook(session, sheet, assessment_id=rated.id, with_ratings=False)
    broken = work / "broken.xlsx"
    broken.write_bytes(b"not a workbook")

    workshop = WorkshopWindow(ops, start, None)
    workshop.showFullScreen()
    QTest.qWaitForWindowExposed(workshop)
    workshop.statement.setFocus()
    sweep.check(workshop, "workshop, a statement")
    workshop_in_view(sweep, workshop, "workshop, a statement")
    if workshop.side.isVisible():
        sweep.problems.append("[workshop] the side panel stayed with no room for it")
    QTest.keyClick(workshop.statement, Qt.Key.Key_3)
    sweep.check(workshop, "workshop, rated")
    workshop_in_view(sweep, workshop, "workshop, rated")
    QTest.keyClick(workshop.statement, Qt.Key.Key_S)
    if not workshop.side.isVisible():
        sweep.problems.append("[workshop] S did not show the side panel")
    sweep.check(workshop, "workshop, side panel shown by S")
    QTest.keyClick(workshop.statement, Qt.Key.Key_S)
    QTest.keyClick(workshop.statement, Qt.Key.Key_Tab)
    sweep.check(workshop, "workshop, Tab to the note")
    workshop.jump_to_overall(workshop.area.area_id)
    sweep.check(workshop, "workshop, an area's overall rating")
    workshop.close()

    results = ResultsWindow(ops, rated.id)
    sweep.show(results, "results")
    for index in range(1, results.tabs.count()):
        results.tabs.setCurrentIndex(index)
        sweep.check(results, f"results, {results.tabs.tabText(index)}")
    results.showFullScreen()
    sweep.check(results, "results, full screen")
    results.close()

    compare = CompareWindow(ops, items, rated.id)
    sweep.show(compare, "compare")
    compare.tabs.setCurrentIndex(1)
    sweep.check(compare, "compare, statements")
    compare.close()

    importing = ImportRatingsDialog(ops, items, frameworks, rated.id)
    sweep.show(importing, "import ratings")
    importing.path.setText(str(broken))
    importing.check_button.click()
    sweep.check(importing, "import ratings, a broken file")
    importing.path.setText(str(sheet))
    importing.check_button.click()
    sweep.check(importing, "import ratings, checked")
    importing.as_new.setChecked(True)
    sweep.check(importing, "import ratings, as a new assessment")
    importing.close()

    sweep.show(NewAssessmentDialog(ops, frameworks), "new assessment").close()
    first = NewAssessmentDialog(ops, [])
    sweep.show(first, "new assessment, no framework yet")
    first.use_demonstration()
    sweep.check(first, "new assessment, the demonstration framework added")
    first.close()

    toml = work / DEMONSTRATION_FILE
    from importlib import resources

    toml.write_text(
        (resources.files("nbdesk.forms") / "frameworks" / DEMONSTRATION_FILE).read_text("utf-8"),
        encoding="utf-8",
    )
    loading = LoadFrameworkDialog(ops, toml)
    sweep.show(loading, "load framework, one already in the file")
    loading.close()
    faulty = work / "faulty.csv"
    faulty.write_text("Area,Area title,Item,Statement\nx,,,\n", encoding="utf-8")
    loading = LoadFrameworkDialog(ops, faulty)
    sweep.show(loading, "load framework, faults")
    loading.close()

    going = GoToDialog(detail)
    sweep.show(going, "go to a statement")
    QTest.keyClicks(going.search, "no such words")
    sweep.check(going, "go to a statement, nothing matches")
    going.close()
    sweep.show(SittingDialog(rated.name), "who is taking part").close()

    key = "-".join(["N4FF"] * 19 + ["M"])
    for stored in (False, True):
        shown = encryption.RecoveryKeyDialog(key, "demo.nbdesk", stored)
        sweep.show(shown, f"recovery key{', stored' if stored else ''}")
        shown.written.setChecked(True)
        shown.close()
    for again in (False, True):
        sweep.when_shown(
            f"unlock{' again' if again else ''}",
            lambda again=again: encryption.ask_key(main, "demo.nbdesk", again=again),
        )
    sweep.when_shown(
        "encrypt, are you sure", lambda: encryption.confirm_encrypt(main, "demo.nbdesk", False)
    )
    from nbdesk.ui.dialogs import ask_text

    missing = Path.home() / "Local authority files" / "a-new-authority-file-named-at-length.nbdesk"
    sweep.when_shown(
        "a new file named on the command line",
        lambda: ask_text(main, "New authority file", f"There is no file at\n{missing}\n\nType:"),
    )
    sweep.when_shown(
        "file dialog, open",
        lambda: file_dialogs.ask_open_path(main, "Load a framework", "frameworks", "*.toml"),
    )
    sweep.when_shown(
        "file dialog, save",
        lambda: file_dialogs.ask_save_path(
            main, "Export", "ratings", "ratings.xlsx", "Workbooks (*.xlsx)", ".xlsx"
        ),
    )
    sweep.when_shown("file dialog, open an authority file", main._choose_file)
    from nbdesk.ui.app import server_sign_in
    from nbdesk.ui.server_dialog import ServerDialog

    asking = ServerDialog(
        server_sign_in(),
        main,
        "postgresql+psycopg://a.person@db.example.gov.uk:5432/nbdesk?sslmode=verify-full",
    )
    sweep.show(asking, "open a server database")
    asking._say(
        "nbdesk could not reach nbdesk on db.example.gov.uk (connection failed: connection to "
        'server at "db.example.gov.uk" (192.0.2.10), port 5432 failed: timeout expired). Check '
        "the address, the user name and password, and that the server is running."
    )
    sweep.check(asking, "open a server database, refused")
    asking.reject()
    main.close()
    settle()
    return sweep


def workshop_in_view(sweep: Sweep, workshop: Any, state: str) -> None:
    """The statement's ratings and the way out, all on screen without scrolling."""
    for button in [*workshop.rating_buttons, workshop.leave_button]:
        seen = button.visibleRegion().boundingRect()
        if seen.size() != button.size():
            sweep.problems.append(f"[{state}] {describe(button)} is not wholly in view")


def main() -> None:
    demo, report = Path(sys.argv[1]), Path(sys.argv[2])
    work = report.parent / "sweep"
    work.mkdir(exist_ok=True)
    copy = work / "demo.nbdesk"
    shutil.copyfile(demo, copy)
    app = QApplication(sys.argv[:1])
    from nbdesk.ui.app import set_up_application

    set_up_application(app)
    sweep = sweep_windows(copy, work)
    screen = app.primaryScreen()
    seen = {"room": screen.availableGeometry().getRect(), "ratio": screen.devicePixelRatio()}
    report.write_text(
        json.dumps(
            {"screen": seen, "checked": sweep.checked, "problems": sweep.problems}, indent=1
        ),
        encoding="utf-8",
    )


if __name__ == "__main__":
    main()
