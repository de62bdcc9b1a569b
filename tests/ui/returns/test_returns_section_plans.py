"""The Returns section offers the action plan workbook and report (issue 13, item 6): chosen by
keyboard from the demonstration's plans, previewed, written off the UI thread, and the list and
preview read again when a plan changes."""

from __future__ import annotations

import re
from pathlib import Path

import openpyxl
import pytest
from pytestqt.qtbot import QtBot

from nbdesk.action_plan.actions import set_status
from nbdesk.action_plan.plans import find_plan
from nbdesk.action_plan.views import read_plan
from nbdesk.demo.plans import INITIAL, REVISED
from nbdesk.returns import service
from nbdesk.storage import open_database
from nbdesk.ui.ops import Ops, wait_for_work
from nbdesk.ui.returns.section import ReturnsSection
from tests.ui.returns.test_returns_section import choose_kind, export_to, wait_for_preview


@pytest.fixture
def section(qtbot: QtBot, demo_file: Path):  # type: ignore[no-untyped-def]
    db = open_database(demo_file)
    widget = ReturnsSection()
    qtbot.addWidget(widget)
    widget.set_ops(Ops(db))
    widget.show()
    wait_for_preview(qtbot, widget)
    yield widget
    wait_for_work()
    db.close()


def test_the_plan_workbook_from_the_returns_section(
    qtbot: QtBot, section: ReturnsSection, tmp_path: Path
) -> None:
    choose_kind(qtbot, section, service.PLAN_WORKBOOK)
    assert section.subject_label.text() == "Action p&lan:"
    assert section.subject.accessibleName() == "Action plan"
    assert not section.compare.isVisible()
    # Newest first: the revised plan, then the initial one.
    assert [section.subject.itemText(i) for i in range(section.subject.count())] == [
        REVISED,
        INITIAL,
    ]
    text = wait_for_preview(qtbot, section)
    assert f"Action plan workbook (Excel): {REVISED}" in text
    assert "Status by theme" in text and "Involving young people" in text
    assert "young people help deliver" in text and "evaluation found about 27%" in text

    target = tmp_path / "plan.xlsx"
    export_to(qtbot, section, target)
    qtbot.waitUntil(lambda: section.last_written == target, timeout=20000)
    assert openpyxl.load_workbook(target).sheetnames[0] == "Summary"

    choose_kind(qtbot, section, service.PLAN_REPORT)
    assert section.subject.currentText() == REVISED  # the plan chosen is kept
    text = wait_for_preview(qtbot, section)
    assert "What young people said at the last review" in text
    report = tmp_path / "plan.pdf"
    export_to(qtbot, section, report)
    qtbot.waitUntil(lambda: section.last_written == report, timeout=20000)
    assert report.read_bytes().startswith(b"%PDF")


def test_a_change_to_a_plan_is_shown_in_the_preview(qtbot: QtBot, section: ReturnsSection) -> None:
    choose_kind(qtbot, section, service.PLAN_WORKBOOK)
    before = wait_for_preview(qtbot, section)
    assert "▶ On track" in before

    def finish(session):  # type: ignore[no-untyped-def]
        plan = read_plan(session, find_plan(session, REVISED))
        open_action = next(a for a in plan.actions if a.status == "on-track")
        return set_status(session, open_action.id, "done").changes

    done: list[object] = []
    assert section.ops is not None
    section.ops.changed.connect(section.on_changes)  # as the main window passes them on
    section.ops.write(section, finish, done.append)
    qtbot.waitUntil(lambda: bool(done), timeout=20000)
    after = wait_for_preview(qtbot, section)
    assert after != before
    assert section.subject.currentText() == REVISED


def test_the_plan_for_young_people_and_the_evidence_pack(
    qtbot: QtBot, section: ReturnsSection, tmp_path: Path
) -> None:
    """Issue 14: both listed with their previews; the young people's plan's choices (owners,
    how to get involved) show only for it, set its preview (with the readability figures) and
    reach the file."""
    choose_kind(qtbot, section, service.YP_PLAN_HTML)
    assert section.show_owners.isVisible() and section.get_involved.isVisible()
    text = wait_for_preview(qtbot, section)
    assert f"Plan for young people (web page): {REVISED}" in text
    assert "Readability" in text and "words a sentence" in text and "not named" in text
    section.show_owners.setChecked(True)
    section.get_involved.setText("Text JOIN to the leaving care team")
    section.get_involved.editingFinished.emit()
    text = wait_for_preview(qtbot, section)
    assert re.search(r"Owners\s+shown", text) and "Text JOIN to the leaving care team" in text
    page = tmp_path / "plan.html"
    export_to(qtbot, section, page)
    qtbot.waitUntil(lambda: section.last_written == page, timeout=20000)
    assert "Text JOIN to the leaving care team" in page.read_text(encoding="utf-8")

    choose_kind(qtbot, section, service.EVIDENCE_XLSX)
    assert not section.show_owners.isVisible() and not section.get_involved.isVisible()
    text = wait_for_preview(qtbot, section)
    assert f"Evidence pack (Excel): {REVISED}" in text and "By theme" in text
    book = tmp_path / "evidence.xlsx"
    export_to(qtbot, section, book)
    qtbot.waitUntil(lambda: section.last_written == book, timeout=20000)
    assert openpyxl.load_workbook(book).sheetnames[:3] == ["Summary", "You said", "We did"]
