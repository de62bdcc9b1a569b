"""The Returns section (issue 5, point 4), driven by keyboard with pytest-qt.

Choose each kind of file with the arrow keys, read the preview (with the [c] cells and what they
hide), export with the keyboard to a file chosen by a stand-in for the save dialog, and meet a
target that is read-only, open in another program or on a full disk: a clear message naming it, the
old file kept, no temporary file left. The preview and the writing both run off the UI thread.
"""

from __future__ import annotations

import errno
import sys
import threading
from pathlib import Path

import openpyxl
import pytest
from PySide6.QtCore import Qt
from pytestqt.qtbot import QtBot

from nbdesk.common import atomic
from nbdesk.returns import service
from nbdesk.returns.tagged_pdf import WHY_MISSING
from nbdesk.storage import open_database
from nbdesk.ui import file_dialogs
from nbdesk.ui.ops import Ops, wait_for_work
from nbdesk.ui.returns import section as section_module
from nbdesk.ui.returns.section import ReturnsSection
from tests.support.html_page import read_page
from tests.support.qt import shown_section
from tests.support.returns_round import ROUND, add_round, people


@pytest.fixture
def section(qtbot: QtBot, demo_file: Path):  # type: ignore[no-untyped-def]
    add_round(demo_file, people())
    db = open_database(demo_file)
    widget = ReturnsSection()
    qtbot.addWidget(widget)
    widget.set_ops(Ops(db))
    widget.show()
    wait_for_preview(qtbot, widget)
    yield widget
    wait_for_work()
    db.close()


def wait_for_preview(qtbot: QtBot, widget: ReturnsSection) -> str:
    qtbot.waitUntil(lambda: not widget.preview_pending(), timeout=20000)
    return widget.preview.toPlainText()


def choose_kind(qtbot: QtBot, widget: ReturnsSection, key: str) -> None:
    widget.kind.setFocus()
    qtbot.keyClick(widget.kind, Qt.Key.Key_Home)
    while widget.kind.currentData() != key:
        qtbot.keyClick(widget.kind, Qt.Key.Key_Down)
    wait_for_preview(qtbot, widget)


def export_to(qtbot: QtBot, widget: ReturnsSection, target: Path) -> None:
    """Press Export by keyboard, the save dialog answered with `target`."""
    widget.ask_for_path = lambda suggested, file_filter: target  # type: ignore[method-assign]
    widget.export_button.setFocus()
    qtbot.keyClick(widget.export_button, Qt.Key.Key_Space)


def test_every_control_is_named_for_screen_readers(section: ReturnsSection) -> None:
    for control in (section.kind, section.subject, section.compare, section.preview):
        assert control.accessibleName()
    assert section.export_button.accessibleName().startswith("Export")
    assert [section.kind.itemData(i) for i in range(section.kind.count())] == [
        k.key for k in service.KINDS
    ]


def test_preview_of_the_participation_return_marks_hidden_cells(
    qtbot: QtBot, section: ReturnsSection
) -> None:
    choose_kind(qtbot, section, service.PARTICIPATION_RETURN)
    assert section.subject.currentText() in (ROUND, section.subject.itemText(0))
    index = section.subject.findText(ROUND)
    section.subject.setFocus()
    qtbot.keyClick(section.subject, Qt.Key.Key_Home)
    for _ in range(index):
        qtbot.keyClick(section.subject, Qt.Key.Key_Down)
    assert section.subject.currentText() == ROUND
    text = wait_for_preview(qtbot, section)
    assert "Participation return (Excel): " + ROUND in text
    assert "cells will be shown as [c]" in text and "a small count" in text
    assert "Accommodation type" in text and "PA team" in text
    assert not section.compare.isVisible()


def test_self_assessment_report_offers_a_comparison(qtbot: QtBot, section: ReturnsSection) -> None:
    choose_kind(qtbot, section, service.SA_REPORT)
    assert section.compare.isVisible()
    assert section.compare.itemText(0) == "No comparison"
    assert section.subject.currentText() not in [
        section.compare.itemText(i) for i in range(section.compare.count())
    ]
    text = wait_for_preview(qtbot, section)
    assert "Scores by area" in text and "Band" in text
    # Choosing an assessment to compare with says which comparison the report will make.
    section.compare.setFocus()
    qtbot.keyClick(section.compare, Qt.Key.Key_Down)
    other = section.compare.currentText()
    text = wait_for_preview(qtbot, section)
    assert f"A comparison with '{other}'" in text
    assert ("the gap between the staff" in text) or ("the change from the earlier" in text)


def test_the_reports_as_web_pages_by_keyboard(
    qtbot: QtBot, section: ReturnsSection, tmp_path: Path
) -> None:
    """Issue 15: the self-assessment report, with its comparison, and the survey round report
    chosen and written as web pages through the section's own controls; the pages read as a
    screen reader needs them, and the round's small groups read "confidential" as in the PDF."""
    choose_kind(qtbot, section, service.SA_REPORT_HTML)
    assert section.kind.currentText() == "Self-assessment report (web page)"
    assert "screen reader" in section.kind_help.text()
    assert section.compare.isVisible()  # the page compares as the PDF does
    section.subject.setCurrentIndex(section.subject.findText("Baseline 2020 – staff"))
    wait_for_preview(qtbot, section)
    section.compare.setFocus()
    while section.compare.currentText() != "Baseline 2020 – young people":
        qtbot.keyClick(section.compare, Qt.Key.Key_Down)
    text = wait_for_preview(qtbot, section)
    assert "A comparison with 'Baseline 2020 – young people'" in text
    assert "each chart is a sentence and a table of the figures it draws" in text
    page = tmp_path / "chosen"  # no ending typed: the section adds .html
    export_to(qtbot, section, page)
    written = page.with_name("chosen.html")
    qtbot.waitUntil(lambda: section.last_written == written, timeout=20000)
    read = read_page(written.read_text(encoding="utf-8"))
    assert read.headings[0] == (1, "Self-assessment report: Baseline 2020 – staff")
    assert (2, "Staff and young people: the gap") in read.headings
    chart = read.table("The figures of the bar chart: Mean rating as a percentage of 4")
    assert [h.text for h in chart.head][1:] == [
        "Staff: Baseline 2020 – staff",
        "Young people: Baseline 2020 – young people",
    ]

    choose_kind(qtbot, section, service.PARTICIPATION_REPORT_HTML)
    assert not section.compare.isVisible()
    section.subject.setFocus()
    qtbot.keyClick(section.subject, Qt.Key.Key_Home)
    while section.subject.currentText() != ROUND:
        qtbot.keyClick(section.subject, Qt.Key.Key_Down)
    text = wait_for_preview(qtbot, section)
    assert "Survey round report (web page): " + ROUND in text
    round_page = tmp_path / "round.html"
    export_to(qtbot, section, round_page)
    qtbot.waitUntil(lambda: section.last_written == round_page, timeout=20000)
    read = read_page(round_page.read_text(encoding="utf-8"))
    assert read.headings[0] == (1, f"Survey round report: {ROUND}")
    assert any("confidential" in row for t in read.tables for row in t.texts())
    said = section.status.text()
    assert said.startswith("Saved (") and ROUND in said and str(round_page) in said
    # The line names what was saved, so it cannot be taken for the kind chosen next.
    choose_kind(qtbot, section, service.SA_REPORT_HTML)
    assert section.status.text() == said


def test_export_by_keyboard_writes_the_file_off_the_ui_thread(
    qtbot: QtBot, section: ReturnsSection, tmp_path: Path
) -> None:
    choose_kind(qtbot, section, service.SA_RETURN)
    target = tmp_path / "out" / "chosen"
    target.parent.mkdir()
    asked: list[str] = []

    def ask(suggested: str, file_filter: str) -> Path:
        asked.append(suggested)
        return target  # no ending typed: the section adds .xlsx

    section.ask_for_path = ask  # type: ignore[method-assign]
    section.authority = "Northshire"
    section.export_button.setFocus()
    qtbot.keyClick(section.export_button, Qt.Key.Key_Space)
    qtbot.waitUntil(lambda: section.last_written is not None, timeout=20000)
    written = target.with_name("chosen.xlsx")
    assert section.last_written == written and written.exists()
    # The name says whose return it is, what it is and of which assessment.
    assert asked == [f"Northshire – self-assessment return – {section.subject.currentText()}.xlsx"]
    assert "Saved" in section.status.text()
    book = openpyxl.load_workbook(written)
    assert book.sheetnames[0] == "Cover" and "Ratings" in book.sheetnames
    assert [p.name for p in written.parent.iterdir()] == ["chosen.xlsx"]


def test_a_read_only_target_gets_a_clear_message_and_is_kept(
    qtbot: QtBot, section: ReturnsSection, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    choose_kind(qtbot, section, service.PARTICIPATION_REPORT)
    target = tmp_path / "round.pdf"
    target.write_bytes(b"last month's report")
    target.chmod(0o444)
    shown: list[str] = []
    monkeypatch.setattr(
        section_module,
        "show_error",
        lambda parent, title, message, details="": shown.append(message),
    )
    section.ask_for_path = lambda suggested, file_filter: target  # type: ignore[method-assign]
    section.export_button.setFocus()
    qtbot.keyClick(section.export_button, Qt.Key.Key_Space)
    qtbot.waitUntil(lambda: bool(shown), timeout=20000)
    target.chmod(0o644)
    assert "read-only" in shown[0] and str(target) in shown[0]
    assert "Not saved" in section.status.text()
    assert target.read_bytes() == b"last month's report"
    assert [p.name for p in tmp_path.iterdir() if p.suffix == ".pdf"] == ["round.pdf"]
    assert section.export_button.isEnabled()


def test_ctrl_4_in_the_main_window_opens_the_returns_section(qtbot: QtBot, demo_file: Path) -> None:
    from nbdesk.ui.main_window import MainWindow

    window = MainWindow()
    qtbot.addWidget(window)
    db = open_database(demo_file)
    try:
        window.set_ops(Ops(db), "Demonstration")
        window.show()
        qtbot.waitExposed(window)
        window.activateWindow()  # other tests' windows may still hold the focus
        qtbot.waitUntil(window.isActiveWindow)
        qtbot.keyClick(window, Qt.Key.Key_4, Qt.KeyboardModifier.ControlModifier)
        current = shown_section(qtbot, window)
        assert isinstance(current, ReturnsSection)
        text = wait_for_preview(qtbot, current)
        assert current.subject.count() >= 1 and "Scores by area" in text
    finally:
        wait_for_work()
        window.ops = None
        db.close()


def test_the_preview_and_the_export_run_off_the_ui_thread_with_progress(
    qtbot: QtBot, section: ReturnsSection, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    seen: dict[str, object] = {}
    real_preview, real_export = service.preview, service.export

    def watched_preview(*args, **kwargs):  # type: ignore[no-untyped-def]
        seen["preview thread"] = threading.current_thread()
        return real_preview(*args, **kwargs)

    def watched_export(
        session_factory, key, subject_id, path, compare_id, progress, options=None, tagged=False
    ):  # type: ignore[no-untyped-def]
        seen["export thread"] = threading.current_thread()
        steps: list[tuple[int, int, str]] = []
        seen["steps"] = steps

        def recorded(done: int, total: int, text: str = "") -> None:
            steps.append((done, total, text))
            progress(done, total, text)

        return real_export(
            session_factory, key, subject_id, path, compare_id, recorded, options, tagged=tagged
        )

    monkeypatch.setattr(service, "preview", watched_preview)
    monkeypatch.setattr(service, "export", watched_export)
    failures: list[str] = []  # an error dialog would wait for a click: record it instead
    monkeypatch.setattr(
        section_module,
        "show_error",
        lambda parent, title, message, details="": failures.append(message + details),
    )
    choose_kind(qtbot, section, service.PARTICIPATION_RETURN)
    assert seen["preview thread"] is not threading.main_thread()

    export_to(qtbot, section, tmp_path / "round.xlsx")
    # While the worker writes, the UI thread is free: the button is disabled, the status says so.
    assert not section.export_button.isEnabled() and "Writing round.xlsx" in section.status.text()
    qtbot.waitUntil(lambda: section.last_written is not None or bool(failures), timeout=20000)
    assert not failures
    assert seen["export thread"] is not threading.main_thread()
    steps = seen["steps"]
    assert isinstance(steps, list) and steps[-1][0] == steps[-1][1] > 0  # it reached the end
    assert any("Writing the tables" in text for _d, _t, text in steps)
    assert section.export_button.isEnabled()


@pytest.mark.parametrize(
    ("failure", "expected"),
    [
        (PermissionError(errno.EACCES, "The process cannot access the file"), "open in another"),
        (OSError(errno.ENOSPC, "No space left on device"), "the disk is full"),
    ],
)
def test_a_target_open_elsewhere_or_on_a_full_disk_gets_a_clear_message(
    qtbot: QtBot,
    section: ReturnsSection,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    failure: OSError,
    expected: str,
) -> None:
    """Windows refuses to replace a workbook Excel has open (PermissionError at the final rename);
    a full disk fails part-way through writing. Either way: one clear message, old file kept."""
    choose_kind(qtbot, section, service.SA_RETURN)
    target = tmp_path / "return.xlsx"
    target.write_bytes(b"the return sent last year")
    shown: list[str] = []
    monkeypatch.setattr(
        section_module,
        "show_error",
        lambda parent, title, message, details="": shown.append(message),
    )
    if failure.errno == errno.ENOSPC:
        real_fsync = atomic.os.fsync

        def full(fd: int) -> None:  # the disk fills as the written workbook is flushed
            real_fsync(fd)
            raise failure

        monkeypatch.setattr(atomic.os, "fsync", full)
    else:

        def locked(src: object, dst: object) -> None:
            raise failure

        monkeypatch.setattr(atomic.os, "replace", locked)
    export_to(qtbot, section, target)
    qtbot.waitUntil(lambda: bool(shown), timeout=20000)
    assert expected in shown[0] and str(target) in shown[0] and "nothing was written" in shown[0]
    assert "Not saved" in section.status.text()
    assert target.read_bytes() == b"the return sent last year"
    assert sorted(p.name for p in tmp_path.iterdir() if p.suffix == ".xlsx") == ["return.xlsx"]
    assert section.last_written is None and section.export_button.isEnabled()


def test_screenshots_of_each_kind(qtbot: QtBot, section: ReturnsSection, tmp_path: Path) -> None:
    """One picture per kind of file, for a person to look at (saved under the test's tmp_path)."""
    section.resize(1000, 760)
    for k in service.KINDS:
        choose_kind(qtbot, section, k.key)
        if k.subject == "round":
            section.subject.setCurrentIndex(section.subject.findText(ROUND))
            wait_for_preview(qtbot, section)
        image = section.grab()
        assert image.width() >= 900 and image.height() >= 700
        assert image.save(str(tmp_path / f"returns-{k.key}.png"))


def test_coming_back_lists_what_other_sections_made_and_keeps_the_choice(
    qtbot: QtBot, demo_file: Path
) -> None:
    from nbdesk.forms.store import list_frameworks
    from nbdesk.self_assessment.assessments import create_assessment
    from nbdesk.ui.main_window import MainWindow

    window = MainWindow()
    qtbot.addWidget(window)
    db = open_database(demo_file)
    try:
        window.set_ops(Ops(db), "Demonstration")
        window.show()
        window.show_section(3)
        returns = shown_section(qtbot, window)
        assert isinstance(returns, ReturnsSection)
        choose_kind(qtbot, returns, service.SA_REPORT)
        returns.subject.setCurrentIndex(returns.subject.findText("Baseline 2020 – staff"))
        returns.compare.setCurrentIndex(returns.compare.findText("Baseline 2020 – young people"))
        wait_for_preview(qtbot, returns)
        before = returns.subject.count()

        window.show_section(0)  # a new assessment is made in Self-assessment
        with db.transaction() as session:
            create_assessment(
                session, "Follow-up 2024 – staff", framework_id=list_frameworks(session)[0].id
            )
        window.show_section(3)
        wait_for_preview(qtbot, returns)
        names = [returns.subject.itemText(i) for i in range(returns.subject.count())]
        assert len(names) == before + 1 and "Follow-up 2024 – staff" in names
        assert returns.subject.currentText() == "Baseline 2020 – staff"
        assert returns.compare.currentText() == "Baseline 2020 – young people"
    finally:
        wait_for_work()
        window.ops = None
        db.close()


def test_the_save_dialog_starts_in_documents_then_where_the_last_return_went(
    qtbot: QtBot, section: ReturnsSection, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Issue 10: never the hidden data folder; the folder last used for returns next time."""

    import nbdesk.ui.file_dialogs as dialogs

    documents = tmp_path / "Documents"
    documents.mkdir()
    monkeypatch.setattr(dialogs, "documents_dir", lambda: documents)
    shared = tmp_path / "Shared returns"
    shared.mkdir()
    started: list[str] = []

    def save(parent, title, start, file_filter, save):  # type: ignore[no-untyped-def]
        started.append(start)
        return str(shared / "mine")

    monkeypatch.setattr(file_dialogs, "choose_file", save)
    section.authority = "Northshire"
    choose_kind(qtbot, section, service.SA_RETURN)
    for _ in range(2):
        section.last_written = None
        section.export_button.setFocus()
        qtbot.keyClick(section.export_button, Qt.Key.Key_Space)
        qtbot.waitUntil(lambda: section.last_written is not None, timeout=20000)
    name = f"Northshire – self-assessment return – {section.subject.currentText()}.xlsx"
    assert started == [str(documents / name), str(shared / name)]
    assert section.last_written == shared / "mine.xlsx"


@pytest.mark.parametrize("installed", [True, False])
def test_a_tagged_pdf_is_offered_only_where_weasyprint_is(
    qtbot: QtBot,
    demo_file: Path,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    installed: bool,
) -> None:
    """The choice shows for the PDF reports when WeasyPrint is installed, and never otherwise.
    Ticked where WeasyPrint cannot load (here: made to fail), the export says so in one plain
    message and writes nothing."""
    monkeypatch.setattr(section_module, "tagged_pdf_offered", lambda: installed)
    db = open_database(demo_file)
    widget = ReturnsSection()
    qtbot.addWidget(widget)
    widget.set_ops(Ops(db))
    widget.show()
    try:
        wait_for_preview(qtbot, widget)
        for k in service.KINDS:
            choose_kind(qtbot, widget, k.key)
            offered = installed and k.key in service.TAGGED_FROM
            assert widget.tagged.isVisible() == offered, k.key
        if not installed:
            return
        choose_kind(qtbot, widget, service.SA_REPORT)
        qtbot.keyClick(widget.kind, Qt.Key.Key_G, Qt.KeyboardModifier.AltModifier)
        assert widget.tagged.hasFocus()
        qtbot.keyClick(widget.tagged, Qt.Key.Key_Space)
        assert widget.tagged.isChecked()
        monkeypatch.setitem(sys.modules, "weasyprint", None)  # as if not installed
        shown: list[str] = []
        monkeypatch.setattr(
            section_module,
            "show_error",
            lambda parent, title, message, details="": shown.append(message),
        )
        target = tmp_path / "report.pdf"
        export_to(qtbot, widget, target)
        qtbot.waitUntil(lambda: bool(shown), timeout=20000)
        assert shown == [WHY_MISSING]
        assert widget.status.text() == f"Not saved: {WHY_MISSING}"
        assert not target.exists() and widget.export_button.isEnabled()
    finally:
        wait_for_work()
        db.close()


def test_the_export_button_shows_when_it_has_the_keyboard(
    qtbot: QtBot, section: ReturnsSection
) -> None:
    """A tester tabbed to Export and saw nothing change: a default button is drawn framed
    whether or not it has the keyboard (and outside a dialog, default means nothing else)."""
    from PySide6.QtWidgets import QApplication

    section.activateWindow()
    qtbot.waitUntil(lambda: QApplication.activeWindow() is section.window())
    section.preview.setFocus()
    qtbot.waitUntil(section.preview.hasFocus)
    unfocused = section.export_button.grab().toImage()
    while not section.export_button.hasFocus():  # by Tab, as a keyboard user reaches it
        qtbot.keyClick(QApplication.focusWidget(), Qt.Key.Key_Tab)
    assert section.export_button.grab().toImage() != unfocused
    assert not section.export_button.isDefault()
