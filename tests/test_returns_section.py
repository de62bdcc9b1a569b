"""The Returns section (issue 5, point 4), driven by keyboard with pytest-qt.

Choose each kind of file with the arrow keys, read the preview (with the [c] cells and what they
hide), export with the keyboard to a file chosen by a stand-in for the save dialog, and meet a
read-only target: a clear message naming it, the old file kept, no temporary file left.
"""

from __future__ import annotations

from pathlib import Path

import openpyxl
import pytest
from PySide6.QtCore import Qt
from pytestqt.qtbot import QtBot
from test_returns_support import ROUND, add_round, people

from nbdesk.returns import service
from nbdesk.storage import open_database
from nbdesk.ui.returns import section as section_module
from nbdesk.ui.returns.section import ReturnsSection


@pytest.fixture
def section(qtbot: QtBot, demo_file: Path):  # type: ignore[no-untyped-def]
    add_round(demo_file, people())
    db = open_database(demo_file)
    widget = ReturnsSection()
    qtbot.addWidget(widget)
    widget.set_database(db)
    widget.show()
    yield widget
    db.close()


def choose_kind(qtbot: QtBot, widget: ReturnsSection, key: str) -> None:
    widget.kind.setFocus()
    qtbot.keyClick(widget.kind, Qt.Key.Key_Home)
    while widget.kind.currentData() != key:
        qtbot.keyClick(widget.kind, Qt.Key.Key_Down)


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
    text = section.preview.toPlainText()
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
    text = section.preview.toPlainText()
    assert "Scores by area" in text and "Band" in text


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
    section.export_button.setFocus()
    qtbot.keyClick(section.export_button, Qt.Key.Key_Space)
    qtbot.waitUntil(lambda: section.last_written is not None, timeout=20000)
    written = target.with_name("chosen.xlsx")
    assert section.last_written == written and written.exists()
    assert asked and asked[0].endswith("return.xlsx")
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
        window.set_database(db, "Demonstration")
        window.show()
        qtbot.waitExposed(window)
        window.activateWindow()  # other tests' windows may still hold the focus
        qtbot.waitUntil(window.isActiveWindow)
        qtbot.keyClick(window, Qt.Key.Key_4, Qt.KeyboardModifier.ControlModifier)
        current = window.stack.currentWidget()
        assert isinstance(current, ReturnsSection)
        assert current.subject.count() >= 1 and "Scores by area" in current.preview.toPlainText()
    finally:
        window.db = None
        db.close()
