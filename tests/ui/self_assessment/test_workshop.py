"""Workshop mode driven by keyboard, as a group's note-taker would, against a real file that is then
closed and reopened to prove nothing was lost (issue 3)."""

from __future__ import annotations

import sqlite3
from pathlib import Path

import pytest
from PySide6.QtCore import Qt, QTimer
from PySide6.QtGui import QFont, QFontInfo
from PySide6.QtWidgets import QApplication, QWidget
from pytestqt.qtbot import QtBot

from nbdesk.forms.framework import demonstration_framework
from nbdesk.forms.store import store_framework
from nbdesk.self_assessment.assessments import create_assessment, find_assessment, load_assessment
from nbdesk.self_assessment.sittings import history, list_sittings, start_sitting
from nbdesk.self_assessment.workshop import workshop_start
from nbdesk.storage import Database, create_database, open_database
from nbdesk.ui.ops import Ops
from nbdesk.ui.self_assessment.go_to import GoToDialog
from nbdesk.ui.self_assessment.sitting import SittingDialog
from nbdesk.ui.self_assessment.workshop import WorkshopWindow
from tests.support.qt import settle


@pytest.fixture
def db(tmp_path: Path) -> Database:
    database = create_database(tmp_path / "workshop.nbdesk", "Testshire County Council")
    with database.transaction() as session:
        fid = store_framework(session, demonstration_framework()).id
        create_assessment(session, "Baseline 2024", framework_id=fid)
    return database


def key(
    qtbot: QtBot, k: Qt.Key | str, modifier: Qt.KeyboardModifier = Qt.KeyboardModifier.NoModifier
) -> None:
    """Press a key where the keyboard focus is, as a person would, and (as they would) give
    the screen its moment to show what was saved."""
    target = QApplication.focusWidget()
    assert target is not None, "nothing has the keyboard focus"
    qtbot.keyClick(target, k, modifier)
    settle(qtbot)


def begin_sitting(
    db: Database, assessment_id: int, participants: list[tuple[str, str]], label: str
) -> int:
    with db.transaction() as session:
        return start_sitting(session, assessment_id, participants, label).value


def workshop(db: Database, assessment_id: int, sitting: int | None) -> WorkshopWindow:
    with db.session() as session:
        start = workshop_start(session, assessment_id)
    return WorkshopWindow(Ops(db), start, sitting)


def type_text(qtbot: QtBot, text: str) -> None:
    target = QApplication.focusWidget()
    assert target is not None
    qtbot.keyClicks(target, text)


def activate(qtbot: QtBot, window: QWidget) -> None:
    qtbot.waitExposed(window)
    window.activateWindow()
    qtbot.waitUntil(lambda: QApplication.activeWindow() is window, timeout=2000)


def open_workshop(qtbot: QtBot, db: Database, sitting: int | None = None) -> WorkshopWindow:
    with db.session() as session:
        aid = find_assessment(session, "Baseline 2024")
    window = workshop(db, aid, sitting)
    qtbot.addWidget(window)
    window.showFullScreen()
    activate(qtbot, window)
    window.statement.setFocus()
    return window


def test_sitting_records_who_took_part(qtbot: QtBot, db: Database) -> None:
    dialog = SittingDialog("Baseline 2024")
    qtbot.addWidget(dialog)
    dialog.show()
    activate(qtbot, dialog)
    dialog.who.setFocus()
    assert not dialog.start_button.isEnabled()
    type_text(qtbot, "Head of service")
    key(qtbot, Qt.Key.Key_Return)
    type_text(qtbot, "Housing options manager")
    dialog.kind.setCurrentIndex(dialog.kind.findData("partner"))
    key(qtbot, Qt.Key.Key_Return)
    dialog.who.setFocus()
    type_text(qtbot, "Forum member")
    dialog.kind.setCurrentIndex(dialog.kind.findData("young-person"))
    dialog.label.setText("Workshop 1")
    qtbot.mouseClick(dialog.start_button, Qt.MouseButton.LeftButton)
    assert dialog.result() == dialog.DialogCode.Accepted
    with db.session() as session:
        aid = find_assessment(session, "Baseline 2024")
    begin_sitting(db, aid, dialog.participants(), dialog.label.text())
    with db.session() as session:
        (sitting,) = list_sittings(session, aid)
    assert sitting.label == "Workshop 1"
    assert [(p.name_or_role, p.kind) for p in sitting.participants] == [
        ("Head of service", "staff"),
        ("Housing options manager", "partner"),
        ("Forum member", "young-person"),
    ]


def test_a_whole_area_by_keyboard_survives_closing_and_reopening(
    qtbot: QtBot, db: Database
) -> None:
    with db.session() as session:
        aid = find_assessment(session, "Baseline 2024")
    sitting = begin_sitting(db, aid, [("Chair", "staff"), ("Health lead", "partner")], "Area 4")
    window = open_workshop(qtbot, db, sitting)
    assert window.isFullScreen()
    # Page Down three times: area 4 (Education, eight statements).
    for _ in range(3):
        key(qtbot, Qt.Key.Key_PageDown)
    assert window.reference.text() == "4 / A"
    assert "Area 4 of 10" in window.area_label.text()
    ratings = [4, 3, 3, 2, 1, 2, 3, 4]
    for index, points in enumerate(ratings):
        key(qtbot, str(points))
        assert window.rating_buttons[points - 1].isChecked()
        key(qtbot, Qt.Key.Key_E)
        assert QApplication.focusWidget() is window.note
        type_text(qtbot, f"Evidence {index + 1}: 1 2 3 typed in the note is text, not a rating")
        key(qtbot, Qt.Key.Key_Escape)  # leaves the note (and saves it) …
        assert window.isVisible()  # … but not the workshop
        if index == 2:
            key(qtbot, Qt.Key.Key_F)
            assert "Flagged" in window.flag_label.text()
        key(qtbot, Qt.Key.Key_Right if index % 2 else Qt.Key.Key_N)
    # The area's end: its overall score out of 10, with its own note.
    assert window.current_statement() is None
    assert "2.75 of 4" in window.overall_summary.text()  # (4+3+3+2+1+2+3+4) / 8
    type_text(qtbot, "7")
    key(qtbot, Qt.Key.Key_E)
    type_text(qtbot, "Agreed after a long debate")
    key(qtbot, Qt.Key.Key_Escape)
    assert QApplication.focusWidget() is window.overall_spin
    # Back to 4 / H, change the rating, and undo the change.
    key(qtbot, Qt.Key.Key_P)
    assert window.reference.text() == "4 / H"
    key(qtbot, "1")
    assert window.rating_buttons[0].isChecked()
    key(qtbot, Qt.Key.Key_Z, Qt.KeyboardModifier.ControlModifier)
    assert window.rating_buttons[3].isChecked() and not window.rating_buttons[0].isChecked()
    assert "Undone" in window.status.text()
    assert window.progress_text.text() == "8 of 106 statements rated"
    assert "4 / C" in window.flag_model.item(0).text()
    key(qtbot, Qt.Key.Key_Escape)  # leaves the workshop
    assert not window.isVisible()
    db.close()

    reopened = open_database(db.path)
    with reopened.session() as session:
        detail = load_assessment(session, aid)
        area = detail.areas[3]
        assert [s.points for s in area.statements] == ratings
        assert [s.evidence for s in area.statements] == [
            f"Evidence {i + 1}: 1 2 3 typed in the note is text, not a rating" for i in range(8)
        ]
        assert [s.flagged for s in area.statements] == [False, False, True] + [False] * 5
        assert (area.overall, area.overall_note) == (7, "Agreed after a long debate")
        assert all(s.points is None for a in detail.areas if a.number != 4 for s in a.statements)
        last = history(session, aid, statement_id=area.statements[7].statement_id)
        assert [(h.field, h.old, h.new) for h in last] == [
            ("rating", None, "4"),
            ("evidence", "", last[1].new),
            ("rating", "4", "1"),
            ("rating", "1", "4"),  # the undo, kept in the history too
        ]
        assert all(h.sitting.endswith("(Area 4)") for h in last)
    reopened.close()


def saved_evidence(db: Database) -> str:
    """The one note saved so far, read from the file by a connection of its own."""
    conn = sqlite3.connect(db.path)
    try:
        row = conn.execute("SELECT evidence FROM rating WHERE evidence != ''").fetchone()
    finally:
        conn.close()
    return row[0] if row else ""


def test_evidence_is_saved_while_the_note_is_still_being_typed(qtbot: QtBot, db: Database) -> None:
    window = open_workshop(qtbot, db)
    key(qtbot, Qt.Key.Key_Return)
    type_text(qtbot, "Care leavers' forum minutes, March")
    assert QApplication.focusWidget() is window.note

    def saved() -> None:
        assert saved_evidence(db) == "Care leavers' forum minutes, March"

    # Within about a second of the last keystroke, with the note still open.
    qtbot.waitUntil(saved, timeout=1500)
    assert QApplication.focusWidget() is window.note


def test_a_note_typed_on_without_a_pause_is_saved_as_it_goes(qtbot: QtBot, db: Database) -> None:
    """A tester typed for five seconds without pausing and killed nbdesk: nothing was saved,
    since every key put the save off again."""
    window = open_workshop(qtbot, db)
    key(qtbot, Qt.Key.Key_E)

    typed = "Minutes of the forum held in March, with the young inspectors"
    for n, letter in enumerate(typed):
        qtbot.keyClicks(window.note, letter)
        qtbot.wait(60)  # a key every 60 ms: no pause as long as the save waits for
        if n * 60 >= 2000:
            break
    so_far = saved_evidence(db)
    assert so_far and typed.startswith(so_far)  # saved while still typing, not after
    assert QApplication.focusWidget() is window.note


def test_closing_saves_the_note_being_typed(qtbot: QtBot, db: Database) -> None:
    window = open_workshop(qtbot, db)
    key(qtbot, Qt.Key.Key_E)
    type_text(qtbot, "Typed just before the window closed")
    window.close()
    settle(qtbot)
    conn = sqlite3.connect(db.path)
    try:
        assert conn.execute("SELECT evidence FROM rating WHERE evidence != ''").fetchall() == [
            ("Typed just before the window closed",)
        ]
    finally:
        conn.close()


def test_moving_around_without_changing_anything_records_nothing(
    qtbot: QtBot, demo_file: Path
) -> None:
    db = open_database(demo_file)
    with db.session() as session:
        aid = find_assessment(session, "Baseline 2020 – staff")
    before = sqlite3.connect(demo_file).execute("SELECT count(*) FROM assessment_change").fetchone()
    window = workshop(db, aid, None)
    qtbot.addWidget(window)
    window.showFullScreen()
    activate(qtbot, window)
    window.statement.setFocus()
    for k in [Qt.Key.Key_Right] * 12 + [Qt.Key.Key_PageDown, Qt.Key.Key_Left, Qt.Key.Key_PageUp]:
        key(qtbot, k)
    window.close()
    settle(qtbot)
    after = sqlite3.connect(demo_file).execute("SELECT count(*) FROM assessment_change").fetchone()
    assert after == before
    db.close()


def test_undo_puts_back_notes_flags_and_overall_scores(qtbot: QtBot, db: Database) -> None:
    window = open_workshop(qtbot, db)
    key(qtbot, "3")
    key(qtbot, Qt.Key.Key_F)
    key(qtbot, Qt.Key.Key_E)
    type_text(qtbot, "First note")
    key(qtbot, Qt.Key.Key_Escape)
    key(qtbot, Qt.Key.Key_PageDown)
    key(qtbot, Qt.Key.Key_Left)  # area 1's overall page
    type_text(qtbot, "9")
    key(qtbot, Qt.Key.Key_Right)  # moving on saves the overall score
    for _ in range(4):
        key(qtbot, Qt.Key.Key_Z, Qt.KeyboardModifier.ControlModifier)
    key(qtbot, Qt.Key.Key_Z, Qt.KeyboardModifier.ControlModifier)
    assert window.status.text() == "Nothing to undo"
    window.close()
    settle(qtbot)
    with db.session() as session:
        detail = load_assessment(session, window.assessment_id)
    first = detail.areas[0].statements[0]
    assert (first.points, first.evidence, first.flagged) == (None, "", False)
    assert detail.areas[0].overall is None


def test_go_to_and_the_flagged_list(qtbot: QtBot, db: Database) -> None:
    window = open_workshop(qtbot, db)
    key(qtbot, Qt.Key.Key_F)  # flag 1 / A

    def answer() -> None:
        dialog = QApplication.activeModalWidget()
        assert isinstance(dialog, GoToDialog)
        qtbot.keyClicks(dialog.search, "7 / m")
        qtbot.keyClick(dialog.search, Qt.Key.Key_Return)

    QTimer.singleShot(0, answer)
    key(qtbot, Qt.Key.Key_G, Qt.KeyboardModifier.ControlModifier)
    assert window.reference.text() == "7 / M"
    activate(qtbot, window)
    key(qtbot, Qt.Key.Key_L)
    assert QApplication.focusWidget() is window.flag_list
    key(qtbot, Qt.Key.Key_Return)
    assert window.reference.text() == "1 / A"


def test_every_shortcut_is_on_screen_and_type_follows_the_system_font(
    qtbot: QtBot, db: Database
) -> None:
    window = open_workshop(qtbot, db)
    shown = window.shortcuts.text()
    for hint in (
        "1–4",
        "N P",
        "PgUp PgDn",
        "<b>E</b>",
        "<b>F</b>",
        "Ctrl+G",
        "Ctrl+Z",
        "Esc",
        "F1",
    ):
        assert hint in shown
    # The statement is larger than the system's type (how much larger follows the window).
    system = QFontInfo(QApplication.font()).pixelSize()
    assert QFontInfo(window.statement.font()).pixelSize() >= round(system * 1.2)
    for button in window.rating_buttons:
        assert button.accessibleName().startswith(f"{button.points} ")
        assert button.label_text in button.text()  # the label, not only the colour
    unnamed = [
        w
        for w in window.findChildren(QWidget)
        if w.focusPolicy() != Qt.FocusPolicy.NoFocus
        and w.isVisibleTo(window)
        and not w.accessibleName()
        and w.parent() is not None
        and type(w).__name__ not in {"QWidget", "QScrollBar", "QLineEdit", "QStackedWidget"}
    ]
    assert unnamed == []


def test_f1_in_the_workshop_lists_its_keys(qtbot: QtBot, db: Database) -> None:
    """The workshop covers the window, Help menu and all: F1 lists its own keys over it."""
    from nbdesk.ui.help import ShortcutsDialog
    from tests.support.qt import answer

    window = open_workshop(qtbot, db)
    read: list[str] = []

    def look(dialog: ShortcutsDialog) -> None:
        assert isinstance(dialog, ShortcutsDialog) and dialog.parent() is window
        read.append(dialog.text.toPlainText())
        qtbot.keyClick(dialog.text, Qt.Key.Key_Escape)

    answer(qtbot, look)
    key(qtbot, Qt.Key.Key_F1)
    qtbot.waitUntil(lambda: bool(read) and QApplication.activeModalWidget() is None)
    assert "In a workshop" in read[0] and "Rate the statement" in read[0]
    assert "F1\nThis list of keys" in read[0]
    assert window.isVisible()  # still in the workshop


def test_a_workshop_reopens_where_the_group_stopped(qtbot: QtBot, db: Database) -> None:
    """Issue 10: the last statement visited in that assessment, else the first unrated one."""
    from nbdesk.self_assessment.ratings import set_rating

    window = open_workshop(qtbot, db)
    assert window.reference.text() == "1 / A"  # never run, nothing rated: the very first
    key(qtbot, "3")
    key(qtbot, Qt.Key.Key_Right)
    key(qtbot, "4")

    def answer() -> None:
        dialog = QApplication.activeModalWidget()
        assert isinstance(dialog, GoToDialog)
        qtbot.keyClicks(dialog.search, "7m")
        qtbot.keyClick(dialog.search, Qt.Key.Key_Return)

    QTimer.singleShot(0, answer)
    key(qtbot, Qt.Key.Key_G, Qt.KeyboardModifier.ControlModifier)
    assert window.reference.text() == "7 / M"
    window.close()
    settle(qtbot)

    # Another sitting, after the file was closed and reopened (a power cut, say): back on 7 / M.
    path = db.path
    db.close()
    reopened = open_database(path)
    again = open_workshop(qtbot, reopened)
    assert again.reference.text() == "7 / M"
    again.close()

    # An assessment never run in a workshop opens at its first unrated statement.
    with reopened.transaction() as session:
        first = load_assessment(session, find_assessment(session, "Baseline 2024"))
        other = create_assessment(
            session, "Follow-up 2026", framework_id=first.summary.framework_id
        ).value
        for state in load_assessment(session, other).statements()[:3]:
            set_rating(session, other, state.statement_id, 2)
    fresh = workshop(reopened, other, None)
    qtbot.addWidget(fresh)
    assert fresh.reference.text() == "1 / D"
    fresh.close()
    reopened.close()


def test_an_open_results_window_follows_the_workshop(qtbot: QtBot, db: Database) -> None:
    """Issue 12: a rating made in the workshop shows in a Results window already open on the same
    assessment, without reopening it: the save is announced with what it changed."""
    from nbdesk.ui.self_assessment.results import ResultsWindow

    ops = Ops(db)
    with db.session() as session:
        aid = find_assessment(session, "Baseline 2024")
        start = workshop_start(session, aid)
    results = ResultsWindow(ops, aid)
    qtbot.addWidget(results)
    results.show()
    settle(qtbot)
    assert results.tiles["Statements rated"].value.text() == "0 of 106"
    window = WorkshopWindow(ops, start, None)
    qtbot.addWidget(window)
    window.showFullScreen()
    activate(qtbot, window)
    window.statement.setFocus()
    key(qtbot, "4")
    key(qtbot, Qt.Key.Key_Right)
    key(qtbot, "2")
    assert results.tiles["Statements rated"].value.text() == "2 of 106"
    assert results.tiles["Total"].value.text() == "6"
    assert [s.points for s in results.detail.statements()[:2]] == [4, 2]
    key(qtbot, Qt.Key.Key_Z, Qt.KeyboardModifier.ControlModifier)
    assert results.tiles["Statements rated"].value.text() == "1 of 106"
    window.close()


def test_go_to_says_when_nothing_matches(qtbot: QtBot, db: Database) -> None:
    with db.session() as session:
        detail = load_assessment(session, find_assessment(session, "Baseline 2024"))
    dialog = GoToDialog(detail)
    qtbot.addWidget(dialog)
    dialog.show()
    qtbot.keyClicks(dialog.search, "12z")
    assert dialog.proxy.rowCount() == 0
    assert dialog.nothing.isVisible() and "No statement matches '12z'" in dialog.nothing.text()
    dialog.search.clear()
    qtbot.keyClicks(dialog.search, "7m")
    assert dialog.proxy.rowCount() == 1 and not dialog.nothing.isVisible()


def test_single_keys_on_a_focused_button_are_the_buttons(qtbot: QtBot, db: Database) -> None:
    """Issue 15: 4 typed with Leave focused changed the rating; a key on a button is the
    button's, and Esc still leaves."""
    window = open_workshop(qtbot, db)
    window.leave_button.setFocus()
    assert QApplication.focusWidget() is window.leave_button
    for k in (Qt.Key.Key_4, Qt.Key.Key_E, Qt.Key.Key_N):
        key(qtbot, k)
    assert not any(button.isChecked() for button in window.rating_buttons)
    assert QApplication.focusWidget() is window.leave_button
    assert window.current_statement() is not None and window.page_index == 0
    window.statement.setFocus()
    key(qtbot, Qt.Key.Key_4)
    assert window.rating_buttons[3].isChecked()
    window.close()


def test_the_workshop_fits_its_screen_and_follows_a_font_change(qtbot: QtBot, db: Database) -> None:
    window = open_workshop(qtbot, db)
    window.showNormal()
    window.resize(1920, 1080)  # a projector
    settle(qtbot)
    on_projector = QFontInfo(window.statement.font()).pixelSize()
    window.resize(1366, 768)  # a laptop
    settle(qtbot)
    on_laptop = QFontInfo(window.statement.font()).pixelSize()
    system = QFontInfo(QApplication.font()).pixelSize()
    assert on_projector > on_laptop >= round(system * 1.2)
    # S puts the side panel away and brings it back.
    assert window.side.isVisible()
    window.statement.setFocus()
    key(qtbot, Qt.Key.Key_S)
    assert not window.side.isVisible()
    key(qtbot, Qt.Key.Key_S)
    assert window.side.isVisible()
    # With no room for it, it steps aside by itself.
    window.resize(560, 700)
    settle(qtbot)
    assert not window.side.isVisible()
    # The system font doubled while the workshop runs: every part follows, enlarged as far as
    # the lines of the new size the window has room for allow (never below the system font).
    font = QApplication.font()
    doubled = QFont(font)
    doubled.setPointSizeF(font.pointSizeF() * 2)
    try:
        QApplication.setFont(doubled)
        settle(qtbot)
        room = window.room
        assert room < 1  # 700 pixels hold fewer lines of the doubled font
        assert window.title.font().pointSizeF() == pytest.approx(
            doubled.pointSizeF() * (1 + 0.25 * room)
        )
        assert window.note.font().pointSizeF() == pytest.approx(
            doubled.pointSizeF() * (1 + 0.35 * room)
        )
        assert window.reference.font().pointSizeF() >= doubled.pointSizeF() * 1.5
    finally:
        QApplication.setFont(font)
