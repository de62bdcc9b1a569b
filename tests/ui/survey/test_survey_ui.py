"""The Survey outreach section driven as a PA and a lead would: by keyboard, on a real file,
which is then closed and reopened to prove nothing was lost."""

from __future__ import annotations

from datetime import date, timedelta
from pathlib import Path

import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QApplication, QLabel, QMessageBox

from nbdesk.common import clock
from nbdesk.common.changes import Changes
from nbdesk.storage import Database, create_database
from nbdesk.storage.models.survey import RoundMember
from nbdesk.survey.completion import completion_state
from nbdesk.survey.contacts import contact_history
from nbdesk.survey.register import find_person, register_size
from nbdesk.survey.register_columns import read_register_file
from nbdesk.survey.register_import import apply_import, preview_import
from nbdesk.survey.rounds import find_round, open_round
from nbdesk.ui import file_dialogs
from tests.support.paths import DATA
from tests.support.qt import settle

# Every key and click waits, as a person does, for the section to show what it read or saved.
pytestmark = pytest.mark.usefixtures("patient")


def open_in(qtbot, section, db: Database) -> None:
    """Give the section the file, as the main window does (and pass on what each save changed)."""
    from nbdesk.ui.ops import Ops

    ops = Ops(db)
    ops.changed.connect(section.on_changes)
    section.set_ops(ops)
    settle(qtbot)


CTRL = Qt.KeyboardModifier.ControlModifier


@pytest.fixture
def db_path(tmp_path: Path) -> Path:
    path = tmp_path / "ui.nbdesk"
    db = create_database(path, "Testshire County Council")
    with db.transaction() as session:
        apply_import(
            session, preview_import(session, read_register_file(DATA / "register_clean.csv"))
        )
        open_round(session, "Time 2", date(2026, 1, 10), date(2026, 3, 1))
    db.close()
    return path


def ids_in(tab) -> list[str]:
    """The people the list shows, in its order."""
    return [
        tab.model.index(r, 0).data(Qt.ItemDataRole.UserRole).unique_id
        for r in range(tab.model.rowCount())
    ]


def test_a_pa_logs_contacts_and_a_completion_by_keyboard(qtbot, section, db_path: Path) -> None:
    tab = section.contacts_tab
    # Whose list: type the PA's name into the list box.
    tab.pa.setFocus()
    qtbot.keyClicks(tab.pa, "Pat")
    assert tab.pa.currentText() == "Pat Honeysock"
    # Finn (do not contact) and Gus (aged 36) are not in it; never-contacted come by name.
    assert ids_in(tab) == ["B001", "B002"]

    tab.view.setFocus()
    qtbot.keyClick(tab.view, Qt.Key.Key_Home)
    assert tab.panel.person.unique_id == "B001"
    qtbot.keyClick(tab.view, Qt.Key.Key_Return)  # to the contact form, filled in already
    panel = tab.panel
    assert QApplication.focusWidget() is panel.channel
    assert panel.contacted_on.date() == clock.today()
    assert panel.channel.currentData() == "text"  # Bea prefers texts
    assert panel.purpose.currentData() == "warm-up"  # first contact of the round
    qtbot.keyClick(QApplication.focusWidget(), Qt.Key.Key_Tab)
    qtbot.keyClick(QApplication.focusWidget(), Qt.Key.Key_Tab)
    assert QApplication.focusWidget() is panel.outcome
    qtbot.keyClicks(panel.outcome, "Will")
    assert panel.outcome.currentData() == "will-complete"
    qtbot.keyClick(QApplication.focusWidget(), Qt.Key.Key_Tab)
    assert QApplication.focusWidget() is panel.note
    qtbot.keyClicks(panel.note, "Will do it on the bus")
    qtbot.keyClick(panel.note, Qt.Key.Key_Return, CTRL)

    # Bea now has a contact today, so Cai (never contacted) is first, and chosen.
    assert ids_in(tab) == ["B002", "B001"]
    assert tab.panel.person.unique_id == "B002"
    assert QApplication.focusWidget() is tab.view
    assert tab.model.row(1).last_outcome == "will-complete"

    # Cai says he has done it: choose who confirmed, then Ctrl+K.
    panel.confirmed_by.setFocus()
    qtbot.keyClicks(panel.confirmed_by, "Their")
    qtbot.keyClick(panel.confirmed_by, Qt.Key.Key_K, CTRL)
    assert ids_in(tab) == ["B001"]

    # Everyone in the round, to see him there with his state in words.
    tab.everyone.setFocus()
    qtbot.keyClick(tab.everyone, Qt.Key.Key_Space)
    states = {
        tab.model.row(r).unique_id: tab.model.row(r).state for r in range(tab.model.rowCount())
    }
    assert states == {
        "B001": "To contact",
        "B002": "Completed",
        "B005": "Do not contact",
        "B006": "Not counted",
    }

    # The dashboard agrees: 5 eligible, 1 completed, Pat 1 of 3.
    section.tabs.setCurrentWidget(section.dashboard_tab)
    settle(qtbot)
    board = section.dashboard_tab.board
    assert (board.overall.eligible, board.overall.completed) == (5, 1)
    assert "<b>5</b> eligible" in section.dashboard_tab.headline.text()
    pat = section.dashboard_tab.tables["Personal adviser"][0]
    assert [
        (pat.row(r).group, pat.row(r).eligible, pat.row(r).completed) for r in range(pat.rowCount())
    ] == [("Pat Honeysock", 3, 1), ("Sam Wafflethorpe", 2, 0)]
    assert section.dashboard_tab.chart.points == [(clock.today(), 1)]
    section.dashboard_tab.chart.grab()  # paints without error
    chart = section.dashboard_tab.chart
    assert chart.title(2000) == "Completions so far (of 5 eligible)"
    for room in (60, 120, 180, 240):  # a narrow window: said in fewer words, never cut
        assert chart.fontMetrics().horizontalAdvance(chart.title(room)) <= room or (
            chart.title(room) == "Completed"
        )
    assert chart.title(chart.fontMetrics().horizontalAdvance("Completed (of 5)")) == (
        "Completed (of 5)"
    )

    section.ops.store.close()
    reopened = Database(db_path)
    with reopened.session() as session:
        rid = find_round(session, "Time 2").id
        bea = find_person(session, "B001")
        cai = find_person(session, "B002")
        contacts = contact_history(session, bea.id, rid)
        state = completion_state(session, rid, cai.id)
    reopened.close()
    assert [(c.contacted_on, c.channel, c.purpose, c.outcome, c.note) for c in contacts] == [
        (clock.today(), "text", "warm-up", "will-complete", "Will do it on the bus")
    ]
    assert (state.completed, state.confirmed_by, state.confirmed_on) == (True, "pa", clock.today())


def test_taking_back_a_completion_needs_a_reason(
    qtbot, section, db_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    import nbdesk.ui.survey.person_panel as module

    tab = section.contacts_tab
    tab.view.setFocus()
    qtbot.keyClick(tab.view, Qt.Key.Key_Home)
    first = tab.panel.person.unique_id
    qtbot.keyClick(tab.view, Qt.Key.Key_K, CTRL)
    tab.everyone.setChecked(True)
    settle(qtbot)
    row = next(r for r in range(tab.model.rowCount()) if tab.model.row(r).unique_id == first)
    tab.view.setCurrentIndex(tab.model.index(row, 0))
    settle(qtbot)
    assert tab.panel.unmark.isEnabled() and not tab.panel.mark.isEnabled()

    monkeypatch.setattr(module, "ask_reason", lambda *a: None)  # cancelled: nothing happens
    tab.panel.unmark.click()
    settle(qtbot)
    assert "Completed" in tab.panel.state.text()
    monkeypatch.setattr(module, "ask_reason", lambda *a: "Mixed up with a sibling")
    tab.panel.unmark.click()
    settle(qtbot)
    assert tab.panel.state.text() == "Not completed yet"
    assert "completion taken back — Mixed up with a sibling" in tab.panel.history.toPlainText()

    section.ops.store.close()
    reopened = Database(db_path)
    with reopened.session() as session:
        state = completion_state(
            session, find_round(session, "Time 2").id, find_person(session, first).id
        )
    reopened.close()
    assert [h.action for h in state.history] == ["marked", "unmarked"]
    assert state.history[1].reason == "Mixed up with a sibling"


def cells(model, row: int) -> list[str]:
    return [model.index(row, c).data() for c in range(model.columnCount())]


def open_import(qtbot, section, path: Path):
    section.tabs.setCurrentWidget(section.register_tab)
    settle(qtbot)
    section.register_tab.start_import(path)
    qtbot.waitUntil(lambda: hasattr(section.register_tab, "import_dialog"), timeout=10000)
    dialog = section.register_tab.import_dialog
    shown(qtbot, dialog)
    return dialog


def test_import_preview_warns_left_out_rows_and_imports_only_when_seen(
    qtbot, tmp_path: Path
) -> None:
    from nbdesk.ui.survey.section import SurveySection

    path = tmp_path / "empty.nbdesk"
    db = create_database(path, "Testshire")
    section = SurveySection()
    qtbot.addWidget(section)
    open_in(qtbot, section, db)
    section.show()
    dialog = open_import(qtbot, section, DATA / "register_messy.csv")
    assert dialog.left_out_model.rowCount() == 1
    assert cells(dialog.left_out_model, 0) == ["12", "Unique ID", "has no unique id"]
    assert dialog.warning_model.rowCount() == 5
    assert cells(dialog.warning_model, 1) == [
        "8",
        "Mobile",
        "'020 7946 0000' is a landline: kept for calls; it cannot take texts",
    ]
    summary = dialog.summary.text()
    assert summary.startswith("10 rows read (blank rows are skipped). 7 people will be added.")
    assert "1 id is on two rows that differ: choose which to keep." in summary
    assert not dialog.import_button.isEnabled()
    qtbot.keyClick(dialog, Qt.Key.Key_Return, CTRL)  # refused until A002 is chosen and seen
    assert dialog.result is None

    # Unmap the mobile column: the landline on row 8 is no longer a warning.
    combo = dialog.combos["phone"]
    combo.setFocus()
    qtbot.keyClick(combo, Qt.Key.Key_Home)
    qtbot.waitUntil(lambda: dialog.warning_model.rowCount() == 4, timeout=10000)
    qtbot.keyClick(combo, Qt.Key.Key_End)  # back to a column again: the last header
    combo.setCurrentIndex(combo.findData("Mobile"))
    settle(qtbot)
    qtbot.waitUntil(lambda: dialog.warning_model.rowCount() == 5, timeout=10000)

    [a002] = dialog.choice_widgets
    dialog.keep_last.setFocus()
    qtbot.keyClick(dialog.keep_last, Qt.Key.Key_Space)
    assert a002.combo.currentText() == "Keep row 9"
    a002.combo.setFocus()
    qtbot.keyClick(a002.combo, Qt.Key.Key_Home)
    assert a002.combo.currentText() == "Choose which row to keep"
    qtbot.keyClick(a002.combo, Qt.Key.Key_Down)
    assert a002.combo.currentText() == "Keep row 3"
    assert "For the id A002, row 3 is kept and row 9 left out." in dialog.summary.text()

    # Checked again with another mapping, the id's rows still differ: the choice is kept.
    combo = dialog.combos["email"]
    combo.setFocus()
    qtbot.keyClick(combo, Qt.Key.Key_Home)
    qtbot.waitUntil(lambda: dialog.warning_model.rowCount() == 4, timeout=10000)
    [a002] = dialog.choice_widgets
    assert a002.combo.currentText() == "Keep row 3"
    combo.setCurrentIndex(combo.findData("Email"))
    settle(qtbot)
    qtbot.waitUntil(lambda: dialog.warning_model.rowCount() == 5, timeout=10000)
    assert not dialog.import_button.isEnabled()  # the row left out is not seen yet
    dialog.seen.setFocus()
    qtbot.keyClick(dialog.seen, Qt.Key.Key_Space)
    assert dialog.import_button.isEnabled()
    assert dialog.import_button.text() == "&Import 8 people"
    qtbot.keyClick(dialog, Qt.Key.Key_Return, CTRL)
    qtbot.waitUntil(lambda: dialog.result is not None, timeout=10000)
    assert (dialog.result.added, dialog.result.skipped_rows, dialog.result.warned) == (8, 1, 3)
    qtbot.waitUntil(lambda: section.register_tab.model.rowCount() == 8, timeout=5000)
    assert "8 added" in section.message.text()

    # Typing in the find box filters the register.
    search = section.register_tab.search
    search.setFocus()
    qtbot.keyClicks(search, "pudd")
    assert section.register_tab.model.rowCount() == 1
    assert section.register_tab.count.text() == "1 of 8 people"
    db.close()
    reopened = Database(path)
    with reopened.session() as session:
        assert register_size(session) == 8
        assert find_person(session, "A002").name == "Cai Thistlebottom"
    reopened.close()


def test_cancelled_import_changes_nothing(qtbot, section, db_path: Path) -> None:
    import hashlib

    section.ops.store.close()  # the file as it rests, before the import is previewed
    before = hashlib.sha256(db_path.read_bytes()).hexdigest()
    open_in(qtbot, section, Database(db_path))
    dialog = open_import(qtbot, section, DATA / "register_annex_a_contacts.xlsx")
    assert dialog.warning_model.rowCount() == 3
    qtbot.keyClick(dialog, Qt.Key.Key_Escape)
    assert dialog.result is None
    with section.ops.store.session() as session:
        assert register_size(session) == 6
    section.ops.store.close()
    assert hashlib.sha256(db_path.read_bytes()).hexdigest() == before


def test_a_messy_list_by_keyboard_warnings_a_choice_of_row_and_everyone_imported(
    qtbot, tmp_path: Path
) -> None:
    """A landline, a broken email, an n/k date of birth, an id twice with the same details, an id
    twice with different details and a row with no id, driven as a person would by keyboard:
    read the warnings, choose a row for the id that differs, tick the row left out, import, and
    find everyone in the file once it is closed and opened again."""
    from nbdesk.ui.survey.section import SurveySection

    path = tmp_path / "messy.nbdesk"
    db = create_database(path, "Testshire")
    section = SurveySection()
    qtbot.addWidget(section)
    open_in(qtbot, section, db)
    section.show()
    dialog = open_import(qtbot, section, DATA / "register_annex_a_contacts.xlsx")

    assert [cells(dialog.warning_model, r) for r in range(dialog.warning_model.rowCount())] == [
        ["3", "Mobile", "'020 7946 0000' is a landline: kept for calls; it cannot take texts"],
        ["4", "Email", "'ellie@example' is not an email address; left blank"],
        [
            "10",
            "Do not contact reason",
            "do not contact is set but no reason is given; recorded as 'Marked do not contact "
            "in the imported list'",
        ],
    ]
    assert cells(dialog.left_out_model, 0) == ["6", "Child Unique ID", "has no unique id"]
    assert "Row 8 repeats row 5: imported once." in dialog.summary.text()
    [fen] = dialog.choice_widgets
    assert [cells(fen.model, r) for r in range(fen.model.rowCount())] == [
        ["Allocated Personal Advisor", "Jo Periwinkle", "Kit Bramblehay"],
        ["Mobile", "07700 900205", "07700 900299"],
    ]
    assert [fen.model.headerData(c, Qt.Orientation.Horizontal) for c in range(3)] == [
        "Column",
        "Row 7",
        "Row 9",
    ]
    assert "(Fen Brackenridge) is on rows 7 and 9" in fen.findChildren(QLabel)[0].text()
    assert not dialog.import_button.isEnabled()

    # From the summary, Tab reaches the choices and the tick box before the long tables.
    assert QApplication.focusWidget() is dialog.summary
    order = []
    for _ in range(6):
        qtbot.keyClick(QApplication.focusWidget(), Qt.Key.Key_Tab)
        order.append(QApplication.focusWidget())
    assert order == [
        dialog.keep_first,
        dialog.keep_last,
        fen.combo,
        fen.table,
        dialog.seen,
        dialog.warnings,
    ]
    tab_to(qtbot, dialog, fen.combo)
    qtbot.keyClick(fen.combo, Qt.Key.Key_End)
    assert fen.combo.currentText() == "Keep row 9"
    assert not dialog.import_button.isEnabled()  # the row with no id is not seen yet
    tab_to(qtbot, dialog, dialog.seen)
    qtbot.keyClick(dialog.seen, Qt.Key.Key_Space)
    assert dialog.import_button.text() == "&Import 6 people"
    assert dialog.summary.text() == (
        "9 rows read (blank rows are skipped). 6 people will be added. 1 of them has a detail "
        "left blank (see the warnings). 1 of them has a landline: kept for calls, but it cannot "
        "take texts. 1 of them is marked do not contact with no reason given (see the warnings). "
        "Row 8 repeats row 5: imported once. For the id 300005, row 9 is kept and row 7 left "
        "out. 1 row is left out: it has no unique id."
    )
    qtbot.keyClick(dialog, Qt.Key.Key_Return, CTRL)
    qtbot.waitUntil(lambda: dialog.result is not None, timeout=10000)
    assert (dialog.result.added, dialog.result.skipped_rows) == (6, 1)

    db.close()
    reopened = Database(path)
    with reopened.session() as session:
        assert register_size(session) == 6
        bea, ellie, cal, fen_, gil = (
            find_person(session, i) for i in ("300002", "300003", "300004", "300005", "300006")
        )
    reopened.close()
    assert (bea.phone, bea.date_of_birth) == ("020 7946 0000", None)
    assert (ellie.email, ellie.phone) == ("", "07700 900203")
    assert cal.date_of_birth == date(2005, 6, 15)
    assert (fen_.pa_name, fen_.phone) == ("Kit Bramblehay", "07700 900299")
    assert (gil.do_not_contact, gil.do_not_contact_reason) == (
        True,
        "Marked do not contact in the imported list",
    )


def test_every_control_of_the_import_preview_is_named_by_its_visible_words(qtbot, section) -> None:
    """A screen reader user hears what a sighted user reads: each button's and tick box's name
    holds its text, and each labelled control's name holds its label's words."""
    from PySide6.QtWidgets import QAbstractButton

    dialog = open_import(qtbot, section, DATA / "register_annex_a_contacts.xlsx")
    seen = 0
    for button in dialog.findChildren(QAbstractButton):
        if button.isVisibleTo(dialog) and button.text():
            words = button.text().replace("&", "")
            # With no name of its own, a button is named by its text (as Qt tells screen readers).
            assert words in (button.accessibleName() or words), words
            seen += 1
    for label in dialog.findChildren(QLabel):
        if label.buddy() is not None and label.isVisibleTo(dialog):
            words = label.text().replace("&", "").rstrip(":")
            assert words in label.buddy().accessibleName(), words
            seen += 1
    assert seen > 30
    # Every table lets Tab move on to the next control.
    tables = [dialog.warnings, dialog.left_out, *(w.table for w in dialog.choice_widgets)]
    assert len(tables) == 3 and not any(t.tabKeyNavigation() for t in tables)
    qtbot.keyClick(dialog, Qt.Key.Key_Escape)


def test_the_wheel_over_a_closed_drop_down_scrolls_the_mapping(qtbot, section) -> None:
    """Scrolling down the mapping with the mouse wheel must not change a column under the
    pointer; once the person has chosen the drop-down (it has focus), the wheel changes it."""
    from tests.support.qt import wheel_down

    dialog = open_import(qtbot, section, DATA / "register_messy.csv")
    combo = dialog.combos["gender"]
    assert combo.focusPolicy() == Qt.FocusPolicy.StrongFocus
    bar = dialog.mapping_scroll.verticalScrollBar()
    qtbot.waitUntil(lambda: bar.maximum() > 0, timeout=5000)
    assert bar.value() == 0
    before = combo.currentIndex()

    dialog.summary.setFocus()
    wheel_down(combo)
    assert combo.currentIndex() == before  # the mapping is as it was
    assert bar.value() > 0  # and the panel scrolled
    assert not combo.hasFocus()

    combo.setFocus()
    qtbot.waitUntil(combo.hasFocus, timeout=5000)
    wheel_down(combo)
    assert combo.currentIndex() == before + 1
    qtbot.keyClick(dialog, Qt.Key.Key_Escape)


def test_notify_export_from_the_section(
    qtbot, section, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:

    import nbdesk.ui.survey.notify_dialog as module

    out = tmp_path / "remind.csv"
    suggested: list[str] = []

    def save(parent, title, start, filters, save):
        suggested.append(Path(start).name)
        return str(out)

    monkeypatch.setattr(file_dialogs, "choose_file", save)
    monkeypatch.setattr(module.QMessageBox, "information", lambda *a: None)
    section.authority = "Testshire County Council"
    section.notify_button.click()
    settle(qtbot)
    dialog = section.notify_dialog
    qtbot.waitUntil(lambda: dialog.data is not None, timeout=10000)
    assert dialog.data.headers == ("phone number", "first name", "pa name")
    assert dialog.model.rowCount() == len(dialog.data.left_out) == 3  # Dara, Finn, Gus
    dialog.save.click()
    settle(qtbot)
    qtbot.waitUntil(lambda: dialog.written is not None, timeout=10000)
    assert suggested == ["Testshire County Council – Notify list, texts – Time 2.csv"]
    lines = out.read_text().splitlines()
    assert lines[0] == "phone number,first name,pa name"
    assert "07700900124,Caz,Pat Honeysock" in lines and len(lines) == 4


def test_notify_to_everyone_carries_the_plan_link(
    qtbot, section, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Telling everyone back: the whole register who can be contacted, completers too, each
    message with the plan's link; a link that is not a web address is said beside it."""

    import nbdesk.ui.survey.notify_dialog as module

    out = tmp_path / "tell.csv"
    monkeypatch.setattr(file_dialogs, "choose_file", lambda *a, **k: str(out))
    monkeypatch.setattr(module.QMessageBox, "information", lambda *a: None)
    section.notify_button.click()
    settle(qtbot)
    dialog = section.notify_dialog
    qtbot.waitUntil(lambda: dialog.data is not None, timeout=10000)
    reminders = len(dialog.data.rows)
    dialog.who.setCurrentIndex(1)  # everyone
    settle(qtbot)
    assert dialog.plan_link.isVisible() and dialog.data is None
    assert "web address" in dialog.summary.text()
    qtbot.keyClicks(dialog.plan_link, "our website")
    qtbot.keyClick(dialog.plan_link, Qt.Key.Key_Return)
    settle(qtbot)
    assert dialog.summary.text().startswith("⚠") and not dialog.save.isEnabled()
    dialog.plan_link.clear()
    qtbot.keyClicks(dialog.plan_link, "https://www.example.gov.uk/care-leavers/plan")
    qtbot.keyClick(dialog.plan_link, Qt.Key.Key_Return)
    settle(qtbot)
    qtbot.waitUntil(lambda: dialog.data is not None, timeout=10000)
    assert dialog.data.headers == ("phone number", "first name", "pa name", "plan link")
    assert len(dialog.data.rows) >= reminders
    assert "Shared back" in dialog.summary.text()
    dialog.save.click()
    settle(qtbot)
    qtbot.waitUntil(lambda: dialog.written is not None, timeout=10000)
    lines = out.read_text().splitlines()
    assert lines[0] == "phone number,first name,pa name,plan link"
    assert all(line.endswith(",https://www.example.gov.uk/care-leavers/plan") for line in lines[1:])


def test_adding_a_person_by_hand_and_opening_a_round(
    qtbot, section, db_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from nbdesk.ui.survey.dialogs import OpenRoundDialog, PersonDialog

    attempts: list[str] = []

    def fill_person(dialog: PersonDialog) -> int:
        qtbot.keyClicks(dialog.edits["unique_id"], "N1")
        qtbot.keyClicks(dialog.edits["name"], "Nia  Marrowpott ")
        qtbot.keyClicks(dialog.edits["pa_name"], "Sam Wafflethorpe")
        qtbot.keyClicks(dialog.edits["phone"], "01632 96")  # too short: refused
        qtbot.keyClicks(dialog.birth.edit, "18/11/2007")  # 19 on the fixed clock's day
        dialog.accept()  # Save
        settle(qtbot)
        attempts.append(dialog.error.text())
        assert dialog.result() != dialog.DialogCode.Accepted  # still open, saying why
        dialog.edits["phone"].clear()
        qtbot.keyClicks(dialog.edits["phone"], "7700900555")
        dialog.accept()
        settle(qtbot)
        return dialog.result()

    monkeypatch.setattr(PersonDialog, "exec", fill_person)
    section.tabs.setCurrentWidget(section.register_tab)
    settle(qtbot)
    section.register_tab.add_button.click()
    settle(qtbot)
    # The first try was refused with the reason shown in the dialog; the second was saved.
    assert attempts[0].startswith("⚠ Phone number:")
    assert section.register_tab.count.text() == "7 people"

    def fill_round(dialog: OpenRoundDialog) -> int:
        qtbot.keyClicks(dialog.name, "Autumn check-in")
        dialog.accept()  # Open the round
        settle(qtbot)
        return dialog.result()

    monkeypatch.setattr(OpenRoundDialog, "exec", fill_round)
    section.open_button.click()
    settle(qtbot)
    assert section.round.currentText().startswith("Autumn check-in")
    section.tabs.setCurrentWidget(section.dashboard_tab)
    settle(qtbot)
    # Bea, Cai, Dara, Eli, Finn and Nia are 16 to 25 today; Gus is not.
    assert section.dashboard_tab.board.overall.eligible == 6

    section.ops.store.close()
    reopened = Database(db_path)
    with reopened.session() as session:
        nia = find_person(session, "N1")
        assert (nia.name, nia.phone, nia.pa_name) == (
            "Nia Marrowpott",
            "07700 900555",
            "Sam Wafflethorpe",
        )
        assert find_round(session, "autumn check-in").eligible == 6
    reopened.close()


def test_erasing_a_closed_round_says_what_will_go(
    qtbot, section, db_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from PySide6.QtWidgets import QMessageBox

    tab = section.contacts_tab
    tab.view.setFocus()
    qtbot.keyClick(tab.view, Qt.Key.Key_Home)
    qtbot.keyClick(tab.view, Qt.Key.Key_Return)
    qtbot.keyClicks(tab.panel.note, "Lives with nan now")
    qtbot.keyClick(tab.panel.note, Qt.Key.Key_Return, CTRL)
    assert not section.erase_button.isEnabled()  # only once the round is closed
    import nbdesk.ui.survey.findings_box as findings_box

    asked: list[str] = []
    monkeypatch.setattr(findings_box, "confirm", lambda _p, title, *_a: asked.append(title) or True)
    section.close_button.click()
    assert asked == ["Close the round"]
    settle(qtbot)
    assert section.erase_button.isEnabled() and not section.notify_button.isEnabled()

    shown: list[str] = []

    def answer(box: QMessageBox, choice: str) -> int:
        shown.append(box.text())
        for button in box.buttons():
            if button.text() == choice or (
                choice == "Cancel" and box.buttonRole(button) == QMessageBox.ButtonRole.RejectRole
            ):
                button.click()
                settle(qtbot)
        return 0

    monkeypatch.setattr(QMessageBox, "exec", lambda box: answer(box, "Cancel"))
    section.erase_button.click()
    settle(qtbot)
    with section.ops.store.session() as session:
        person = find_person(session, "B001")
        assert person.phone  # cancelled: nothing erased
    monkeypatch.setattr(QMessageBox, "exec", lambda box: answer(box, "Erase them"))
    section.erase_button.click()
    settle(qtbot)
    assert "the text of 1 contact note," in shown[0]
    # All six, Gus too: five mobiles (Dara has none) and three emails.
    assert "5 mobile numbers and 3 email addresses (6 people)" in shown[0]
    assert "cannot be undone" in shown[0]
    assert section.message.text() == (
        "Erased 1 contact note(s), 5 mobile number(s) and 3 email address(es) from the file."
    )

    section.ops.store.close()
    reopened = Database(db_path)
    with reopened.session() as session:
        rid = find_round(session, "Time 2").id
        bea = find_person(session, "B001")
        notes = [c.note for c in contact_history(session, bea.id, rid)]
        assert (bea.phone, bea.email, notes) == ("", "", [""])
        assert find_round(session, "Time 2").eligible == 5
    reopened.close()


def tab_to(qtbot, window, target, limit: int = 80) -> None:
    """Press Tab until the keyboard reaches `target`, as a person without a mouse would."""
    for _ in range(limit):
        if QApplication.focusWidget() is target:
            return
        qtbot.keyClick(QApplication.focusWidget() or window, Qt.Key.Key_Tab)
    raise AssertionError(f"'{target.accessibleName()}' cannot be reached with the Tab key")


def shown(qtbot, window) -> None:
    """Show (or come back to) a window and give it the keyboard, as the window system would."""
    window.show()
    qtbot.waitExposed(window)
    window.activateWindow()
    qtbot.waitUntil(lambda: QApplication.activeWindow() is window, timeout=5000)


def register_found(qtbot, section, monkeypatch, fill, typed: str):  # type: ignore[no-untyped-def]
    """The Register tab with `typed` in its find box, the person form filled by `fill` when it
    opens (PersonDialog.exec)."""
    from nbdesk.ui.survey.dialogs import PersonDialog

    monkeypatch.setattr(PersonDialog, "exec", fill)
    section.tabs.setCurrentWidget(section.register_tab)
    settle(qtbot)
    tab = section.register_tab
    qtbot.keyClicks(tab.search, typed)
    settle(qtbot)
    return tab


@pytest.mark.parametrize("typed", ["zzqx", "a"])
def test_a_person_added_while_a_find_is_typed_is_shown_and_chosen(
    qtbot, section, monkeypatch: pytest.MonkeyPatch, typed: str
) -> None:
    """A tester added someone with a find in the box and could not see them afterwards; with a
    row of the find chosen, that row was chosen again instead of the person added."""
    from nbdesk.ui.survey.dialogs import PersonDialog

    def add(dialog: PersonDialog) -> int:
        shown(qtbot, dialog)
        qtbot.keyClicks(dialog.edits["unique_id"], "Q9")
        qtbot.keyClicks(dialog.edits["name"], "Quin Arbuthnot")
        qtbot.keyClick(dialog.edits["name"], Qt.Key.Key_Return)
        return dialog.result()

    tab = register_found(qtbot, section, monkeypatch, add, typed)
    if typed == "zzqx":
        assert tab.model.rowCount() == 0
    else:
        assert tab.model.rowCount() > 0
        tab.view.setCurrentIndex(tab.model.index(0, 0))
    tab.add_button.setFocus()
    qtbot.keyClick(tab.add_button, Qt.Key.Key_Space)
    settle(qtbot)
    assert tab.search.text() == "" and tab.count.text() == "7 people"
    assert tab.view.currentIndex().data(Qt.ItemDataRole.UserRole).unique_id == "Q9"
    assert section.message.text() == (
        "Saved Quin Arbuthnot. The find box was cleared to show them."
    )


def test_a_corrected_date_of_birth_says_the_round_counts_them_again(
    qtbot, section, db_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Gus was 35 when Time 2 opened, so it does not count him; his date of birth was mistyped:
    corrected, the round counts him, and the Saved line says why his place changed."""
    from nbdesk.ui.survey.dialogs import PersonDialog

    def corrected(dialog: PersonDialog) -> int:
        shown(qtbot, dialog)
        dialog.birth.edit.setFocus()
        dialog.birth.edit.selectAll()
        qtbot.keyClicks(dialog.birth.edit, "01/01/2005")
        qtbot.keyClick(dialog.birth.edit, Qt.Key.Key_Return)
        return dialog.result()

    tab = register_found(qtbot, section, monkeypatch, corrected, "Gus")
    assert ids_in(tab) == ["B006"]
    tab.view.setFocus()
    qtbot.keyClick(tab.view, Qt.Key.Key_Home)
    qtbot.keyClick(tab.view, Qt.Key.Key_Return)
    settle(qtbot)
    assert section.message.text() == (
        "Saved Gus Marrowbury. Their corrected age changes whether an open round counts them."
    )
    section.ops.store.close()
    reopened = Database(db_path)
    with reopened.session() as session:
        gus = find_person(session, "B006").id
        member = session.get(RoundMember, (find_round(session, "Time 2").id, gus))
        assert member is not None and (member.eligible, member.reason) == (True, "")
    reopened.close()


def test_adding_and_editing_a_person_with_every_field_and_flag_by_keyboard(
    qtbot, section, db_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from nbdesk.ui.survey.dialogs import PersonDialog

    def add(dialog: PersonDialog) -> int:
        shown(qtbot, dialog)
        dialog.edits["unique_id"].setFocus()
        for key, text in (
            ("unique_id", "N7"),
            ("name", "Nia  Marrowpott"),
            ("preferred_name", "Nee"),
        ):
            tab_to(qtbot, dialog, dialog.edits[key])
            qtbot.keyClicks(dialog.edits[key], text)
        tab_to(qtbot, dialog, dialog.birth.edit)
        qtbot.keyClicks(dialog.birth.edit, "3/4/06")  # day first, a two-digit year
        assert dialog.birth.feedback.text() == "Monday 3 April 2006"
        assert dialog.age.text().endswith("(age band 18 to 20)")
        for key, text in (
            ("gender", "Female"),
            ("ethnicity", "Black African"),
            ("accommodation", "Supported lodgings"),
            ("activity", "Education"),
            ("pa_name", "Sam Wafflethorpe"),
            ("team", "South team"),
            ("phone", "+44 7700 900555"),
            ("email", "nia@example.com"),
            ("eligibility_category", "Former relevant"),
            ("disability", "No"),
        ):
            # Gender, accommodation, PA and team offer the register's values and take new ones.
            target = dialog.combos.get(key, dialog.edits[key])
            tab_to(qtbot, dialog, target)
            qtbot.keyClicks(target, text)
        tab_to(qtbot, dialog, dialog.channel)
        qtbot.keyClicks(dialog.channel, "WhatsApp")
        for box in (dialog.uasc, *dialog.flags.values()):
            tab_to(qtbot, dialog, box)
            qtbot.keyClick(box, Qt.Key.Key_Space)
        # Ticking Do not contact takes the keyboard to its reason.
        assert QApplication.focusWidget() is dialog.reason and dialog.reason.isEnabled()
        qtbot.keyClicks(dialog.reason, "Asked to be left alone until March")
        qtbot.keyClick(dialog.reason, Qt.Key.Key_Return)  # Save is the default button
        return dialog.result()

    monkeypatch.setattr(PersonDialog, "exec", add)
    section.tabs.setCurrentWidget(section.register_tab)
    settle(qtbot)
    tab = section.register_tab
    tab.add_button.setFocus()
    qtbot.keyClick(tab.add_button, Qt.Key.Key_Space)
    assert tab.count.text() == "7 people"

    # Find her, open her record with Enter, and lift the do-not-contact flag.
    shown(qtbot, section)  # the dialog has closed: back in the main window
    tab.search.setFocus()
    qtbot.keyClicks(tab.search, "marrowpott")
    qtbot.keyClick(tab.search, Qt.Key.Key_Return)
    assert QApplication.focusWidget() is tab.view
    qtbot.keyClick(tab.view, Qt.Key.Key_Home)
    assert tab.view.currentIndex().data(Qt.ItemDataRole.UserRole).flags == (
        "In custody; Interpreter; Young parent; Out of area; Do not contact"
    )

    def edit(dialog: PersonDialog) -> int:
        shown(qtbot, dialog)
        assert dialog.windowTitle() == "Edit person"
        assert dialog.reason.text() == "Asked to be left alone until March"
        dnc = dialog.flags["do_not_contact"]
        dnc.setFocus()
        qtbot.keyClick(dnc, Qt.Key.Key_Space)
        assert not dialog.reason.isEnabled()  # no reason to give once the flag is off
        custody = dialog.flags["in_custody"]
        tab_to(qtbot, dialog, custody)
        qtbot.keyClick(custody, Qt.Key.Key_Space)
        qtbot.keyClick(custody, Qt.Key.Key_Return)
        return dialog.result()

    monkeypatch.setattr(PersonDialog, "exec", edit)
    qtbot.keyClick(tab.view, Qt.Key.Key_Return)
    assert tab.view.currentIndex().data(Qt.ItemDataRole.UserRole).flags == (
        "Interpreter; Young parent; Out of area"
    )

    section.ops.store.close()
    reopened = Database(db_path)
    with reopened.session() as session:
        nia = find_person(session, "N7")
    reopened.close()
    assert (nia.name, nia.preferred_name, nia.date_of_birth) == (
        "Nia Marrowpott",
        "Nee",
        date(2006, 4, 3),
    )
    assert (nia.gender, nia.ethnicity, nia.accommodation, nia.activity) == (
        "Female",
        "Black African",
        "Supported lodgings",
        "Education",
    )
    assert (nia.pa_name, nia.team, nia.phone, nia.email, nia.preferred_channel) == (
        "Sam Wafflethorpe",
        "South team",
        "07700 900555",
        "nia@example.com",
        "whatsapp",
    )
    assert (nia.eligibility_category, nia.disability, nia.uasc) == ("Former relevant", "No", True)
    assert (nia.in_custody, nia.needs_interpreter, nia.young_parent, nia.out_of_area) == (
        False,
        True,
        True,
        True,
    )
    assert (nia.do_not_contact, nia.do_not_contact_reason) == (False, "")


@pytest.fixture
def worked_round(db_path: Path) -> Path:
    """Completions and contacts whose figures are counted by hand in the test below."""
    from nbdesk.survey.completion import mark_completed
    from nbdesk.survey.contacts import log_contact

    db = Database(db_path)
    today = clock.today()
    with db.transaction() as session:
        rid = find_round(session, "Time 2").id
        person = {u: find_person(session, u).id for u in ("B001", "B002", "B003", "B004", "B005")}
        mark_completed(session, rid, person["B003"], "young-person", date(2026, 1, 12))
        mark_completed(session, rid, person["B004"], "pa", date(2026, 1, 19))
        log_contact(
            session, rid, person["B002"], today - timedelta(days=2), "text", "reminder", "spoke"
        )
        log_contact(
            session,
            rid,
            person["B001"],
            today - timedelta(days=10),
            "text",
            "link-sent",
            "no-reply",
        )
        log_contact(
            session, rid, person["B005"], today - timedelta(days=40), "phone", "warm-up", "declined"
        )
    db.close()
    return db_path


def test_dashboard_figures_match_hand_counts(qtbot, worked_round: Path, section) -> None:
    """Eligible on 10 Jan 2026: Bea 18 (F, Pat, independent), Cai 19 (M, Pat, supported
    lodgings), Dara 20 (non-binary, Sam, independent, completed 12 Jan), Eli 18 (M, Sam, custody,
    completed 19 Jan), Finn 22 (M, Pat, independent, do not contact). Gus, 36, is not counted."""
    bar = section.tabs.tabBar()
    bar.setFocus()
    qtbot.keyClick(bar, Qt.Key.Key_Right)  # Contacts, Register, then Dashboard
    qtbot.keyClick(bar, Qt.Key.Key_Right)
    dash = section.dashboard_tab
    assert section.tabs.currentWidget() is dash
    text = dash.headline.text()
    assert "<b>5</b> eligible · <b>2</b> completed · response rate <b>40%</b>" in text

    def table(title: str) -> list[list[str]]:
        model = dash.tables[title][0]
        return [
            [model.index(r, c).data() for c in range(model.columnCount())]
            for r in range(model.rowCount())
        ]

    assert dash.tables["Gender"][0].headerData(0, Qt.Orientation.Horizontal) == "Gender"
    assert table("Personal adviser") == [
        ["Pat Honeysock", "3", "0", "0%", "40 points below"],
        ["Sam Wafflethorpe", "2", "2", "100%", "60 points above"],
    ]
    assert table("Age band") == [
        ["18 to 20", "4", "2", "50%", "10 points above"],
        ["21 to 25", "1", "0", "0%", "40 points below"],
    ]
    assert table("Gender") == [
        ["Female", "1", "0", "0%", "40 points below"],
        ["Male", "3", "1", "33%", "7 points below"],
        ["Non-binary", "1", "1", "100%", "60 points above"],
    ]
    assert table("Accommodation type") == [
        ["Custody", "1", "1", "100%", "60 points above"],
        ["Independent living", "3", "1", "33%", "7 points below"],
        ["Supported lodgings", "1", "0", "0%", "40 points below"],
    ]
    assert dash.chart.points == [(date(2026, 1, 12), 1), (date(2026, 1, 19), 2)]
    assert "12 Jan: 1 completed; 19 Jan: 2 completed" in dash.chart.accessibleDescription()

    # Not contacted lately: Bea (10 days ago) only once the window is under 10 days; Cai was
    # contacted 2 days ago; Finn is do-not-contact; Dara and Eli have completed.
    def quiet() -> list[str]:
        model = dash.quiet_model
        return [model.index(r, 1).data() for r in range(model.rowCount())]

    assert dash.quiet_days.value() == 14 and quiet() == []
    dash.quiet_days.setFocus()
    qtbot.keyClick(dash.quiet_days, Qt.Key.Key_A, CTRL)
    qtbot.keyClicks(dash.quiet_days, "7")
    assert dash.quiet_days.value() == 7 and quiet() == ["B001"]
    qtbot.keyClick(dash.quiet_days, Qt.Key.Key_A, CTRL)
    qtbot.keyClicks(dash.quiet_days, "1")
    assert quiet() == ["B001", "B002"] and dash.quiet_label.text() == "2 people"
    qtbot.keyClick(dash.quiet_days, Qt.Key.Key_A, CTRL)
    qtbot.keyClicks(dash.quiet_days, "11")
    assert quiet() == []


def test_the_lead_counts_in_and_leaves_out_people_with_a_reason(
    qtbot, section, db_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    import nbdesk.ui.survey.person_panel as module
    from nbdesk.survey.register import PersonFields, add_person
    from nbdesk.survey.rounds import list_members

    with section.ops.store.transaction() as session:
        add_person(session, PersonFields("B099", name="Zed Snorkelhop", pa_name="Pat Honeysock"))
    section.on_changes(Changes(register=True))  # as if saved from another window
    settle(qtbot)
    tab = section.contacts_tab
    assert "B099" not in ids_in(tab)  # not in the round: nobody to remind

    tab.everyone.setFocus()
    qtbot.keyClick(tab.everyone, Qt.Key.Key_Space)
    tab.search.setFocus()
    qtbot.keyClicks(tab.search, "snorkel")
    qtbot.keyClick(tab.search, Qt.Key.Key_Return)
    qtbot.keyClick(tab.view, Qt.Key.Key_Home)
    panel = tab.panel
    assert panel.person.unique_id == "B099" and panel.person.state == "Not in this round"
    assert panel.state.text() == "Not in this round (not on the register when the round opened)"
    assert panel.membership.text() == "Count in this round…" and not panel.mark.isEnabled()

    asked: list[str] = []

    def reason(parent, title, prompt):
        asked.append(title)
        return "Joined the service after the round opened"

    monkeypatch.setattr(module, "ask_reason", reason)
    tab_to(qtbot, section, panel.membership)
    qtbot.keyClick(panel.membership, Qt.Key.Key_Space)
    assert asked == ["Count in this round"]
    assert panel.person.unique_id == "B099" and panel.person.state == "To contact"
    assert panel.mark.isEnabled()
    assert section.message.text() == "Zed Snorkelhop counted in this round."

    # Gus (aged 36 on the opening day) shows why he is not counted.
    tab.search.clear()
    qtbot.keyClicks(tab.search, "gus")
    tab.view.setFocus()
    qtbot.keyClick(tab.view, Qt.Key.Key_Home)
    assert panel.state.text() == "Not counted in this round: Aged 36 when the round opened"

    # Leave Dara out, with a reason.
    monkeypatch.setattr(module, "ask_reason", lambda *a: "Moved abroad")
    tab.search.clear()
    qtbot.keyClicks(tab.search, "dara")
    tab.view.setFocus()
    qtbot.keyClick(tab.view, Qt.Key.Key_Home)
    assert panel.membership.text() == "Leave out of this round…"
    tab_to(qtbot, section, panel.membership)
    qtbot.keyClick(panel.membership, Qt.Key.Key_Space)
    assert panel.state.text() == "Not counted in this round: Moved abroad"

    section.tabs.setCurrentWidget(section.dashboard_tab)
    settle(qtbot)
    assert section.dashboard_tab.board.overall.eligible == 5  # 5 + Zed - Dara

    section.ops.store.close()
    reopened = Database(db_path)
    with reopened.session() as session:
        members = {m.unique_id: m for m in list_members(session, find_round(session, "Time 2").id)}
    reopened.close()
    assert (members["B099"].eligible, members["B099"].reason) == (
        True,
        "Joined the service after the round opened",
    )
    assert (members["B003"].eligible, members["B003"].reason) == (False, "Moved abroad")


def test_import_offers_the_sheets_of_a_workbook(qtbot, section) -> None:
    section.tabs.setCurrentWidget(section.register_tab)
    settle(qtbot)
    section.register_tab.start_import(DATA / "register_annex_a.xlsx")
    qtbot.waitUntil(lambda: hasattr(section.register_tab, "import_dialog"), timeout=10000)
    dialog = section.register_tab.import_dialog
    assert dialog.sheet.isVisibleTo(dialog)
    assert [dialog.sheet.itemText(i) for i in range(dialog.sheet.count())] == [
        "List 1 Contacts",
        "List 10 Care leavers",
        "Notes",
    ]
    assert dialog.sheet.currentText() == "List 10 Care leavers"
    assert dialog.combos["pa_name"].currentText() == "Allocated Personal Advisor"
    assert dialog.left_out_model.rowCount() == 2 and dialog.warning_model.rowCount() == 3

    dialog.sheet.setFocus()
    qtbot.keyClick(dialog.sheet, Qt.Key.Key_Home)
    qtbot.waitUntil(lambda: "1 row read" in dialog.summary.text(), timeout=10000)
    assert dialog.windowTitle().endswith("(sheet 'List 1 Contacts')")
    assert dialog.combos["pa_name"].currentData() == ""  # that list has no PA column
    assert dialog.combos["unique_id"].findData("Source") > 0
    assert dialog.left_out_model.rowCount() == 0 and dialog.import_button.isEnabled()
    assert not dialog.left_out.isVisibleTo(dialog) and not dialog.seen.isVisibleTo(dialog)
    qtbot.keyClick(dialog.sheet, Qt.Key.Key_End)  # Notes: no unique id column at all
    qtbot.waitUntil(lambda: "Nothing can be imported" in dialog.summary.text(), timeout=10000)
    assert not dialog.import_button.isEnabled()
    qtbot.keyClick(dialog, Qt.Key.Key_Escape)
    with section.ops.store.session() as session:
        assert register_size(session) == 6


def test_every_control_of_the_section_and_its_dialogs_has_an_accessible_name(
    qtbot, section
) -> None:
    from PySide6.QtWidgets import (
        QAbstractButton,
        QAbstractItemView,
        QAbstractSpinBox,
        QCalendarWidget,
        QComboBox,
        QLineEdit,
        QPlainTextEdit,
        QTabBar,
        QWidget,
    )

    from nbdesk.storage.models.survey import CareLeaver
    from nbdesk.survey.register import get_person
    from nbdesk.ui.survey.dialogs import OpenRoundDialog, PersonDialog
    from nbdesk.ui.survey.import_dialog import ImportDialog
    from nbdesk.ui.survey.notify_dialog import NotifyDialog

    controls = (
        QAbstractButton,
        QAbstractItemView,
        QAbstractSpinBox,
        QComboBox,
        QLineEdit,
        QPlainTextEdit,
    )
    # Parts Qt builds inside another control (a combo box's list, a date box's calendar, the
    # clear button of a find box, a tab bar's scroll arrows) are named through that control.
    inner = (QAbstractSpinBox, QComboBox, QAbstractItemView, QCalendarWidget, QLineEdit, QTabBar)

    checked: list[QWidget] = []

    def unnamed(root: QWidget) -> list[str]:
        missing = []
        for widget in root.findChildren(QWidget):
            if not isinstance(widget, controls):
                continue
            parent, part_of_another = widget.parentWidget(), False
            while parent is not None and parent is not root:
                part_of_another |= isinstance(parent, inner)
                parent = parent.parentWidget()
            if part_of_another or widget.objectName().startswith("qt_"):
                continue
            checked.append(widget)
            text = widget.text() if isinstance(widget, QAbstractButton) else ""
            if not (widget.accessibleName() or text.replace("&", "").strip()):
                missing.append(f"{type(widget).__name__} in {type(root).__name__}")
        return missing

    with section.ops.store.session() as session:
        person = get_person(session, session.query(CareLeaver.id).first()[0])
        rid = section.round_id()
    from nbdesk.survey.register_columns import read_register_file
    from nbdesk.survey.register_import import preview_import

    table = read_register_file(DATA / "register_messy.csv")
    with section.ops.store.session() as session:
        preview = preview_import(session, table)
    roots = [
        section,
        PersonDialog(person, section),
        OpenRoundDialog(section),
        ImportDialog(section.ops, table, preview, section),
        NotifyDialog(section.ops, rid, section),
    ]
    assert [m for root in roots for m in unnamed(root)] == []
    assert len(checked) > 60  # the sweep saw the section's and the dialogs' controls


def test_every_channel_purpose_and_outcome_and_the_history_at_a_glance(
    qtbot, section, db_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from PySide6.QtWidgets import QMessageBox

    # "Says completed" offers to record the completion; here only the contact is wanted.
    monkeypatch.setattr(QMessageBox, "question", lambda *a: QMessageBox.StandardButton.No)
    signed_in_as(monkeypatch, "pa.tester")
    panel = section.contacts_tab.panel
    section.contacts_tab.view.setFocus()
    qtbot.keyClick(section.contacts_tab.view, Qt.Key.Key_Home)

    def items(combo) -> list[str]:
        return [combo.itemText(i) for i in range(combo.count())]

    assert items(panel.channel) == [
        "Text message",
        "WhatsApp",
        "Phone call",
        "Email",
        "Letter or paper copy",
        "In person",
        "Through a trusted adult",
    ]
    assert items(panel.purpose) == [
        "Warm-up",
        "Link sent",
        "Reminder",
        "Help to complete",
        "Paper copy sent",
    ]
    assert items(panel.outcome) == [
        "No reply",
        "Spoke",
        "Will complete",
        "Declined",
        "Says completed",
    ]
    assert items(panel.confirmed_by) == ["The young person", "Their PA", "A trusted adult"]

    # Two contacts with Bea, by keyboard; the list is then re-chosen on her to read her history.
    section.contacts_tab.everyone.setChecked(True)
    settle(qtbot)
    for channel, purpose, outcome, note in (
        ("Letter", "Paper", "No", ""),
        ("Through", "Help", "Says", "Did it with her foster carer"),
    ):
        tab = section.contacts_tab
        row = next(r for r in range(tab.model.rowCount()) if tab.model.row(r).unique_id == "B001")
        tab.view.setCurrentIndex(tab.model.index(row, 0))
        settle(qtbot)
        tab.view.setFocus()
        qtbot.keyClick(tab.view, Qt.Key.Key_Return)
        for combo, text in ((panel.channel, channel), (panel.purpose, purpose)):
            tab_to(qtbot, section, combo)
            qtbot.keyClicks(combo, text)
        tab_to(qtbot, section, panel.outcome)
        qtbot.keyClicks(panel.outcome, outcome)
        tab_to(qtbot, section, panel.note)
        qtbot.keyClicks(panel.note, note)
        qtbot.keyClick(panel.note, Qt.Key.Key_Return, CTRL)
        # A person types more slowly than a test: let each list's type-to-find start afresh.
        qtbot.wait(QApplication.keyboardInputInterval() + 100)
    assert panel.person.unique_id == "B001"  # everyone's list: the same person stays chosen
    day = clock.today().strftime("%d %b %Y")
    assert panel.history.toPlainText().splitlines() == [  # newest first, and who logged each
        f"{day}: Through a trusted adult, Help to complete, Says completed — Did it with her "
        "foster carer (by pa.tester)",
        f"{day}: Letter or paper copy, Paper copy sent, No reply (by pa.tester)",
    ]


def test_ctrl_enter_goes_down_the_list_never_back_and_says_when_it_ends(qtbot, section) -> None:
    """Issue 10: saving moves on to the next person not yet reached, never back to the one just
    saved; after the last, the end is said and nobody is chosen, so one press too many logs
    nothing. A second pass (everyone contacted today) walks down the list in its order."""
    import sqlite3

    def contacts() -> int:
        with sqlite3.connect(section.ops.path) as conn:
            return conn.execute("SELECT count(*) FROM outreach_contact").fetchone()[0]

    def one_pass() -> list[str]:
        tab.view.setFocus()
        qtbot.keyClick(tab.view, Qt.Key.Key_Home)
        visited: list[str] = []
        while tab.panel.person is not None:
            visited.append(tab.panel.person.unique_id)
            qtbot.keyClick(tab.view, Qt.Key.Key_Return)
            qtbot.keyClick(QApplication.focusWidget(), Qt.Key.Key_Return, CTRL)
            assert len(visited) <= 10, visited
        return visited

    tab = section.contacts_tab
    everyone = ids_in(tab)
    first = one_pass()
    assert sorted(first) == sorted(everyone) and len(set(first)) == len(first)
    assert "reached the end" in section.message.text()
    assert tab.panel.person is None and not tab.view.currentIndex().isValid()
    logged = contacts()
    tab.view.setFocus()
    qtbot.keyClick(tab.view, Qt.Key.Key_Return, CTRL)  # once too often: nobody is chosen
    assert contacts() == logged == len(everyone)

    # A second pass, started by choosing the first person again: down the list, then the end.
    order = ids_in(tab)
    second = one_pass()
    assert second == order
    assert "reached the end" in section.message.text()
    assert contacts() == 2 * len(everyone)


def test_says_completed_offers_to_record_the_completion(
    qtbot, section, db_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from PySide6.QtWidgets import QMessageBox

    asked: list[str] = []

    def question(parent, title, text, buttons, default):
        asked.append(text)
        return QMessageBox.StandardButton.Yes

    monkeypatch.setattr(QMessageBox, "question", question)
    tab = section.contacts_tab
    tab.view.setFocus()
    qtbot.keyClick(tab.view, Qt.Key.Key_Home)
    who = tab.panel.person
    qtbot.keyClick(tab.view, Qt.Key.Key_Return)
    tab.panel.outcome.setFocus()
    qtbot.keyClicks(tab.panel.outcome, "Says")
    assert tab.panel.outcome.currentData() == "says-completed"
    qtbot.keyClick(tab.panel.outcome, Qt.Key.Key_Return, CTRL)
    assert len(asked) == 1 and "says they have completed the survey" in asked[0]
    assert "completion recorded" in section.message.text()
    assert who.unique_id not in ids_in(tab)  # completed: off the who-next list

    section.ops.store.close()
    reopened = Database(db_path)
    with reopened.session() as session:
        rid = find_round(session, "Time 2").id
        state = completion_state(session, rid, who.person_id)
    reopened.close()
    assert (state.completed, state.confirmed_by, state.confirmed_on) == (
        True,
        "young-person",
        clock.today(),
    )


def test_the_register_opened_first_is_read_without_the_contacts_list(qtbot, db_path: Path) -> None:
    """A section opened on its register builds that tab alone and reads it straight away; the
    contacts list is built when first shown, with the round's PAs to choose from."""
    from nbdesk.ui.survey.contacts_tab import ContactsTab
    from nbdesk.ui.survey.section import SurveySection

    db = Database(db_path)
    with db.session() as session:
        people = register_size(session)
    section = SurveySection()
    qtbot.addWidget(section)
    section.tabs.setCurrentIndex(1)
    assert section.tabs.tabText(1) == "Re&gister"
    open_in(qtbot, section, db)
    section.resize(1300, 850)
    section.show()
    qtbot.waitExposed(section)
    register = section.register_tab
    qtbot.waitUntil(lambda: register.model.rowCount() == people, timeout=5000)
    assert section.findChildren(ContactsTab) == []

    section.activateWindow()
    qtbot.waitUntil(section.isActiveWindow, timeout=5000)
    qtbot.keyClick(section, Qt.Key.Key_W, Qt.KeyboardModifier.AltModifier)
    qtbot.waitUntil(lambda: section.tabs.currentIndex() == 0, timeout=5000)
    contacts = section.contacts_tab
    assert section.findChildren(ContactsTab) == [contacts]
    qtbot.waitUntil(lambda: contacts.model.rowCount() > 0, timeout=5000)
    pas = [contacts.pa.itemText(i) for i in range(contacts.pa.count())]
    assert pas[0] == "Everyone's" and "Pat Honeysock" in pas
    db.close()


def test_the_round_and_its_buttons_never_push_the_section_sideways(qtbot, section) -> None:
    """At every width the round's buttons go in one row only if the round's list (as wide as
    its own least width, not a guess) fits beside them; else they wrap below it."""
    bars = set()
    for width in range(520, 1200, 7):
        section.resize(width, 700)
        settle(qtbot)
        viewport = section.scroll.viewport().width()
        needs = section.scroll.widget().minimumSizeHint().width()
        assert needs <= viewport, f"at {width} px the section needs {needs} px of {viewport}"
        bars.add(section._bar_columns)
    assert len(bars) > 1  # the widths tried made the buttons wrap, and not


def test_the_dashboard_keeps_each_group_named_in_a_narrow_window(qtbot, section) -> None:
    """The group's name keeps the width of its longest name (up to 28 letters) however narrow
    the window: the other columns scroll sideways inside their table instead."""
    section.resize(700, 700)
    qtbot.keyClick(section, Qt.Key.Key_B, Qt.KeyboardModifier.AltModifier)
    dashboard = section.dashboard_tab
    qtbot.waitUntil(lambda: dashboard.board is not None, timeout=5000)
    settle(qtbot)
    for title, (model, view) in dashboard.tables.items():
        assert model.rowCount(), title
        most = 28 * view.fontMetrics().averageCharWidth()
        names = max(
            view.fontMetrics().horizontalAdvance(model.row(r).group)
            for r in range(model.rowCount())
        )
        assert view.columnWidth(0) >= min(names, most), title


def test_a_tab_chosen_by_its_key_from_the_contact_form_keeps_the_tabs_in_view(
    qtbot, section
) -> None:
    """Alt+B, Alt+G, Alt+P and Alt+W from deep in the contact form: the keyboard goes into the tab
    chosen (it went to the section's nameless scrolling area) and the tabs stay in view."""
    section.resize(700, 500)
    section.activateWindow()
    qtbot.waitUntil(section.isActiveWindow, timeout=5000)
    tab = section.contacts_tab
    qtbot.waitUntil(lambda: tab.model.rowCount() > 0, timeout=5000)
    tab.view.setFocus()
    qtbot.keyClick(tab.view, Qt.Key.Key_Home)
    qtbot.keyClick(tab.view, Qt.Key.Key_Return)
    settle(qtbot)
    assert QApplication.focusWidget() is tab.panel.channel
    bar = section.tabs.tabBar()
    for key in (Qt.Key.Key_B, Qt.Key.Key_G, Qt.Key.Key_P, Qt.Key.Key_W):
        qtbot.keyClick(QApplication.focusWidget(), key, Qt.KeyboardModifier.AltModifier)
        settle(qtbot)
        focused = QApplication.focusWidget()
        assert section.tabs.currentWidget().isAncestorOf(focused), (key, focused)
        top = bar.mapTo(section.scroll.viewport(), bar.rect().topLeft()).y()
        assert top >= 0 and top + bar.height() <= section.scroll.viewport().height(), key


def test_what_was_said_on_one_tab_goes_when_another_is_chosen(qtbot, section) -> None:
    """A tester's "Nothing to undo…" from Contacts stayed on over the Register tab."""
    tab = section.contacts_tab
    section.activateWindow()
    qtbot.waitUntil(section.isActiveWindow, timeout=5000)
    tab.view.setFocus()
    qtbot.keyClick(tab.view, Qt.Key.Key_Z, CTRL)
    assert section.message.text().startswith("Nothing to undo") and section.message.isVisible()
    qtbot.keyClick(tab.view, Qt.Key.Key_G, Qt.KeyboardModifier.AltModifier)  # Register
    settle(qtbot)
    assert section.tabs.currentWidget() is section.register_tab
    assert section.message.text() == "" and not section.message.isVisible()


def test_the_greyed_form_with_nobody_chosen_warns_of_nothing(qtbot, section) -> None:
    panel = section.contacts_tab.panel
    assert panel.person is None  # as the tab opens, before anyone is chosen (seen in a window)
    for field in (panel.contacted_on, panel.confirmed_on):
        assert not field.feedback.text().startswith("⚠"), field.feedback.text()
    panel.show_person(None)
    assert not panel.isEnabled()
    for field in (panel.contacted_on, panel.confirmed_on):
        assert not field.feedback.text().startswith("⚠"), field.feedback.text()


def test_esc_clears_a_find_box(qtbot, section) -> None:
    section.activateWindow()
    qtbot.waitUntil(section.isActiveWindow, timeout=5000)
    for key, search in (
        (Qt.Key.Key_G, section.register_tab.search),
        (Qt.Key.Key_W, section.contacts_tab.search),
    ):
        qtbot.keyClick(section, key, Qt.KeyboardModifier.AltModifier)
        search.setFocus()
        qtbot.waitUntil(search.hasFocus, timeout=5000)
        qtbot.keyClicks(search, "pudd")
        qtbot.keyClick(search, Qt.Key.Key_Escape)
        assert search.text() == ""


def test_the_person_panel_says_when_their_preferred_way_cannot_reach_them(
    qtbot, db_path: Path
) -> None:
    from nbdesk.storage.models.survey import CareLeaver
    from nbdesk.ui.survey.section import SurveySection

    db = Database(db_path)
    with db.transaction() as session:
        session.get(CareLeaver, find_person(session, "B001").id).phone = ""
    section = SurveySection()
    qtbot.addWidget(section)
    open_in(qtbot, section, db)
    section.show()
    qtbot.waitExposed(section)
    tab = section.contacts_tab
    qtbot.waitUntil(lambda: "B001" in ids_in(tab), timeout=5000)
    tab.select_person(find_person_id(db, "B001"))
    panel = tab.panel
    warning = "⚠ Prefers text messages, but no phone number is recorded."
    qtbot.waitUntil(lambda: warning in panel.details.accessibleDescription(), timeout=5000)
    assert panel.channel.currentData() == "text"  # still their choice, with the warning beside it
    db.close()


def find_person_id(db: Database, unique_id: str) -> int:
    with db.session() as session:
        return find_person(session, unique_id).id


def test_the_arrow_keys_still_move_along_the_tabs(qtbot, section) -> None:
    section.activateWindow()
    qtbot.waitUntil(section.isActiveWindow, timeout=5000)
    bar = section.tabs.tabBar()
    bar.setFocus(Qt.FocusReason.TabFocusReason)
    qtbot.waitUntil(bar.hasFocus, timeout=5000)
    for index in (1, 2, 3):
        qtbot.keyClick(bar, Qt.Key.Key_Right)
        settle(qtbot)
        assert section.tabs.currentIndex() == index and bar.hasFocus()


def contact_the_first(qtbot, tab):  # type: ignore[no-untyped-def]
    """Save a contact with the first person in who-next, by keyboard (Home, Enter to the form,
    Ctrl+Enter), the form as it opens; their row as it was before."""
    tab.view.setFocus()
    qtbot.keyClick(tab.view, Qt.Key.Key_Home)
    contacted = tab.panel.person
    qtbot.keyClick(tab.view, Qt.Key.Key_Return)
    qtbot.keyClick(QApplication.focusWidget(), Qt.Key.Key_Return, CTRL)
    return contacted


def test_ctrl_k_after_a_contact_says_who_it_is_for_and_ctrl_z_takes_it_back(
    qtbot, section, db_path: Path
) -> None:
    """A tester saved a contact and pressed Ctrl+K at once: the list had moved on, and the
    completion went to the next person, with no undo."""
    tab = section.contacts_tab
    contacted = contact_the_first(qtbot, tab)
    following = tab.panel.person
    assert following.unique_id != contacted.unique_id
    who = following.name or following.unique_id
    assert section.message.text().endswith(f"Next: {who}.")  # said, not only shown

    qtbot.keyClick(tab.view, Qt.Key.Key_K, CTRL)  # meant for the person just contacted
    assert f"{who} marked as completed. Ctrl+Z takes it back." in section.message.text()
    assert following.unique_id not in ids_in(tab)

    qtbot.keyClick(tab.view, Qt.Key.Key_Z, CTRL)
    settle(qtbot)
    assert section.message.text() == f"Completion of {who} taken back."
    assert following.unique_id in ids_in(tab)
    assert tab.panel.person.unique_id == following.unique_id  # chosen again
    qtbot.keyClick(tab.view, Qt.Key.Key_Z, CTRL)  # only the completion just marked
    assert section.message.text().startswith("Nothing to undo")

    section.ops.store.close()
    reopened = Database(db_path)
    with reopened.session() as session:
        state = completion_state(
            session, find_round(session, "Time 2").id, find_person(session, following.unique_id).id
        )
    reopened.close()
    assert not state.completed
    assert [h.action for h in state.history] == ["marked", "unmarked"]
    assert "by mistake" in state.history[1].reason


def test_ctrl_z_takes_back_the_latest_change_only(qtbot, section, db_path: Path) -> None:
    """A completion, then a contact with the next person: Ctrl+Z takes back the contact (the
    latest), and a second Ctrl+Z does nothing; the completion stands."""
    tab = section.contacts_tab
    tab.view.setFocus()
    qtbot.keyClick(tab.view, Qt.Key.Key_Home)
    marked = tab.panel.person
    qtbot.keyClick(tab.view, Qt.Key.Key_K, CTRL)
    contacted = tab.panel.person
    qtbot.keyClick(tab.view, Qt.Key.Key_Return)
    qtbot.keyClick(QApplication.focusWidget(), Qt.Key.Key_Return, CTRL)  # a contact since
    qtbot.keyClick(tab.view, Qt.Key.Key_Z, CTRL)
    settle(qtbot)
    who = contacted.name or contacted.unique_id
    assert section.message.text().startswith(f"Contact with {who} taken back")
    qtbot.keyClick(tab.view, Qt.Key.Key_Z, CTRL)
    assert section.message.text().startswith("Nothing to undo")
    section.ops.store.close()
    reopened = Database(db_path)
    with reopened.session() as session:
        round_id = find_round(session, "Time 2").id
        person = find_person(session, marked.unique_id).id
        assert completion_state(session, round_id, person).completed
        assert contact_history(session, find_person(session, contacted.unique_id).id) == []
    reopened.close()


def test_ctrl_z_in_the_register_says_there_is_nothing_to_undo(qtbot, section) -> None:
    """A tester pressed Ctrl+Z in the register, as in the Contacts tab, and nothing happened: it
    says where register changes are put right. In the find box it still undoes the typing."""
    section.tabs.setCurrentWidget(section.register_tab)
    settle(qtbot)
    tab = section.register_tab
    tab.view.setFocus()
    qtbot.keyClick(tab.view, Qt.Key.Key_Z, CTRL)
    assert section.message.isVisibleTo(section)
    assert section.message.text().startswith("Nothing to undo in the register")
    section.status("")
    tab.search.setFocus()
    qtbot.keyClicks(tab.search, "bea")
    qtbot.keyClick(tab.search, Qt.Key.Key_Z, CTRL)
    assert tab.search.text() == ""
    assert section.message.text() == ""


def test_a_contact_saved_by_mistake_is_taken_back_with_ctrl_z(
    qtbot, section, db_path: Path
) -> None:
    """A tester logged a contact with the wrong outcome and found no way to take it back: Ctrl+Z
    just after saving removes it, the person is chosen again, and the list counts it no more."""
    tab = section.contacts_tab
    contacted = contact_the_first(qtbot, tab)
    before = contacted.contacts
    settle(qtbot)
    who = contacted.name or contacted.unique_id
    assert f"Contact with {who} saved. Ctrl+Z takes it back." in section.message.text()
    assert tab.panel.person.unique_id != contacted.unique_id  # moved on
    qtbot.keyClick(tab.view, Qt.Key.Key_Z, CTRL)
    settle(qtbot)
    assert section.message.text() == f"Contact with {who} taken back: nothing of it is kept."
    assert tab.panel.person.unique_id == contacted.unique_id  # chosen again
    assert tab.panel.person.contacts == before
    section.ops.store.close()
    reopened = Database(db_path)
    with reopened.session() as session:
        kept = contact_history(session, find_person(session, contacted.unique_id).id)
    reopened.close()
    assert len(kept) == before


def test_leaving_out_someone_who_completed_says_what_it_does_first(
    qtbot, section, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A tester left out someone who had completed, and was told nothing of their completion."""
    from nbdesk.ui.survey import person_panel as module

    tab = section.contacts_tab
    tab.view.setFocus()
    qtbot.keyClick(tab.view, Qt.Key.Key_Home)
    done = tab.panel.person
    qtbot.keyClick(tab.view, Qt.Key.Key_K, CTRL)
    settle(qtbot)
    tab.everyone.setChecked(True)
    settle(qtbot)
    tab.choose_once_shown(done.person_id)
    settle(qtbot)
    assert tab.panel.person.unique_id == done.unique_id and tab.panel.person.completed_on
    asked: list[str] = []
    monkeypatch.setattr(module, "ask_reason", lambda _p, _t, prompt: asked.append(prompt))
    tab.panel.change_membership()
    who = done.name or done.unique_id
    assert asked == [
        f"{who} has completed the survey: left out, they and their completion leave the round's "
        "figures. Why? (kept with the round's figures)"
    ]


def test_a_click_on_a_row_does_not_move_the_page_under_the_pointer(qtbot, section) -> None:
    """A tester's first click on a register row (the table without the keyboard) scrolled the
    page up to the table's top, and the double-click's second click chose another row."""
    section.tabs.setCurrentWidget(section.register_tab)
    settle(qtbot)
    section.resize(700, 420)  # a small screen: the section scrolls
    settle(qtbot)
    tab = section.register_tab
    bar = section.scroll.verticalScrollBar()
    assert bar.maximum() > 0
    bar.setValue(bar.maximum())
    settle(qtbot)
    section.tabs.tabBar().setFocus()  # the keyboard elsewhere
    last = tab.model.rowCount() - 1
    rect = tab.view.visualRect(tab.model.index(last, 0))
    assert tab.view.viewport().rect().contains(rect.center())
    before = bar.value()
    qtbot.mouseClick(tab.view.viewport(), Qt.MouseButton.LeftButton, pos=rect.center())
    settle(qtbot)
    assert bar.value() == before
    assert tab.view.currentIndex().row() == last and tab.view.hasFocus()


def test_the_count_above_the_list_says_what_the_find_box_leaves(qtbot, section) -> None:
    """A tester read '5736 people in this list' above the nine rows a find had left."""
    tab = section.contacts_tab
    everyone = tab.model.rowCount()
    assert everyone > 1 and tab.count.text() == f"{everyone} people in this list"
    first = tab.model.row(0).name.split()[0]
    tab.search.setFocus()
    qtbot.keyClicks(tab.search, first)
    shown = tab.model.rowCount()
    assert 0 < shown < everyone
    assert tab.count.text() == f"{shown} of {everyone} people in this list"
    qtbot.keyClick(tab.search, Qt.Key.Key_Escape)  # clears the find box
    assert tab.count.text() == f"{everyone} people in this list"
    # Nobody found: the list of everyone may have them (a tester's find came back empty, unsaid).
    qtbot.keyClicks(tab.search, "zzqx")
    assert tab.model.rowCount() == 0
    assert tab.count.text() == (
        f"0 of {everyone} people in this list (those completed, not counted or not to contact: "
        "tick Show everyone)"
    )


def test_the_history_puts_a_completion_among_the_contacts_newest_first(
    qtbot, db_path: Path
) -> None:
    """A tester found 'marked completed' at the foot of a history otherwise newest first."""
    from nbdesk.survey.contacts import log_contact
    from nbdesk.ui.survey.section import SurveySection

    db = Database(db_path)
    with db.transaction() as session:
        rid = find_round(session, "Time 2").id
        bea = find_person(session, "B001").id
        log_contact(
            session,
            rid,
            bea,
            clock.today() - timedelta(days=3),
            "text",
            "warm-up",
            "no-reply",
            "First try",
        )
    section = SurveySection()
    qtbot.addWidget(section)
    section.show()
    open_in(qtbot, section, db)
    tab = section.contacts_tab
    assert tab.select_person(bea)
    settle(qtbot)
    tab.view.setFocus()
    qtbot.keyClick(tab.view, Qt.Key.Key_K, CTRL)
    tab.everyone.setChecked(True)
    settle(qtbot)
    assert tab.select_person(bea)
    settle(qtbot)
    lines = tab.panel.history.toPlainText().splitlines()
    assert "marked completed" in lines[0] and "First try" in lines[1], lines
    section.ops.store.close()


def test_down_in_a_find_box_goes_into_its_list(qtbot, section) -> None:
    """A tester pressed Down in a find box and the page scrolled instead."""
    tab = section.contacts_tab
    tab.search.setFocus()
    qtbot.keyClick(tab.search, Qt.Key.Key_Down)
    assert QApplication.focusWidget() is tab.view
    assert tab.view.currentIndex().row() == 0
    assert tab.panel.person is not None and tab.panel.person.unique_id == ids_in(tab)[0]
    section.tabs.setCurrentWidget(section.register_tab)
    settle(qtbot)
    register = section.register_tab
    register.search.setFocus()
    qtbot.keyClick(register.search, Qt.Key.Key_Down)
    assert QApplication.focusWidget() is register.view
    assert register.view.currentIndex().row() == 0


def signed_in_as(monkeypatch: pytest.MonkeyPatch, user: str) -> None:
    """The computer's user, as nbdesk.common.computer_user reads it."""
    for name in ("LOGNAME", "USER", "LNAME", "USERNAME"):
        monkeypatch.setenv(name, user)


def test_a_contact_records_who_logged_it(qtbot, section, db_path: Path, monkeypatch) -> None:
    """On a file, a contact is recorded as logged by whoever is signed in to the computer (a lead
    asked who had phoned someone); the history shows it (above)."""
    signed_in_as(monkeypatch, "pa.tester")
    tab = section.contacts_tab
    contacted = contact_the_first(qtbot, tab)
    settle(qtbot)
    section.ops.store.close()
    reopened = Database(db_path)
    with reopened.session() as session:
        latest = contact_history(session, contacted.person_id)[0]
    reopened.close()
    assert latest.logged_by == "pa.tester"


def typed_for_the_first(qtbot, section, note: str):  # type: ignore[no-untyped-def]
    """Home in who-next, Enter, and a note typed in the form for that person: their row."""
    tab, panel = section.contacts_tab, section.contacts_tab.panel
    tab.view.setFocus()
    qtbot.keyClick(tab.view, Qt.Key.Key_Home)
    first = panel.person
    qtbot.keyClick(tab.view, Qt.Key.Key_Return)
    tab_to(qtbot, section, panel.note)
    qtbot.keyClicks(panel.note, note)
    return first


def saved_from_the_form(qtbot, section, db_path: Path, person_id: int, note: str) -> None:
    """Enter on the chosen person, Ctrl+Enter in the form: the contact typed for them is saved,
    nothing is left unsaved, and the file, reopened, holds it."""
    tab = section.contacts_tab
    qtbot.keyClick(tab.view, Qt.Key.Key_Return)
    qtbot.keyClick(QApplication.focusWidget(), Qt.Key.Key_Return, CTRL)
    settle(qtbot)
    assert section.unsaved() == []
    section.ops.store.close()
    reopened = Database(db_path)
    with reopened.session() as session:
        notes = [c.note for c in contact_history(session, person_id)]
    reopened.close()
    assert notes == [note]


def test_a_contact_typed_and_not_saved_is_kept_for_its_person(qtbot, section, db_path) -> None:
    """A tester typed a contact, chose another person before saving, and lost it without a word:
    it is kept, said so, and back when they choose that person again, to be saved."""
    tab, panel = section.contacts_tab, section.contacts_tab.panel
    first = typed_for_the_first(qtbot, section, "Sent the link by text")
    assert section.unsaved() == [f"a contact with {first.name}"]
    tab.view.setFocus()
    qtbot.keyClick(tab.view, Qt.Key.Key_Down)
    settle(qtbot)
    assert panel.person.person_id != first.person_id and panel.note.text() == ""
    assert f"The contact typed for {first.name} is kept, not saved" in section.message.text()
    assert section.unsaved() == [f"a contact with {first.name}"]
    qtbot.keyClick(tab.view, Qt.Key.Key_Up)
    settle(qtbot)
    assert panel.person.person_id == first.person_id
    assert panel.note.text() == "Sent the link by text"
    assert "is back" in section.message.text()
    saved_from_the_form(qtbot, section, db_path, first.person_id, "Sent the link by text")


def test_quitting_with_a_contact_not_saved_asks_first(qtbot, db_path, monkeypatch) -> None:
    """A tester typed a note, pressed Ctrl+Q, and the window closed: it asks first now, and Go
    back keeps the window and the note."""
    from nbdesk.ui import dialogs
    from tests.support.qt import open_window, shown_section

    asked: list[tuple[list[str], str]] = []
    answer = [False]

    def leave_unsaved(_parent, unsaved, leaving) -> bool:
        asked.append((unsaved, leaving))
        return answer[0]

    window = open_window(qtbot, db_path)
    window.show_section(1)
    section = shown_section(qtbot, window)
    settle(qtbot)
    tab, panel = section.contacts_tab, section.contacts_tab.panel
    tab.view.setFocus()
    qtbot.keyClick(tab.view, Qt.Key.Key_Home)
    who = panel.person.name
    panel.note.setFocus()
    qtbot.keyClicks(panel.note, "Left a voicemail")
    monkeypatch.setattr(dialogs, "leave_unsaved", leave_unsaved)
    assert not window.close()  # Ctrl+Q is the window's close
    assert asked == [([f"a contact with {who}"], "quit")] and window.isVisible()
    assert panel.note.text() == "Left a voicemail"
    answer[0] = True
    assert window.close()
    assert len(asked) == 2
    settle(qtbot)


def test_the_register_list_comes_filled_in_one_read(
    qtbot, section, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Its first page's rows are read with the ids, so the list is painted once, filled: no read of
    rows is asked for afterwards, as the list is opened or a find typed."""
    from nbdesk.ui.survey.register_tab import RegisterTab

    asked: list[list[int]] = []
    monkeypatch.setattr(RegisterTab, "_request_rows", lambda _tab, ids, _deliver: asked.append(ids))
    section.tabs.setCurrentWidget(section.register_tab)
    settle(qtbot)
    tab = section.register_tab
    assert tab.model.rowCount() == 6
    assert all(tab.model.row(r) is not None for r in range(6))
    qtbot.keyClicks(tab.search, "Sam")
    settle(qtbot)
    assert ids_in(tab) == ["B003", "B004"]
    assert all(tab.model.row(r) is not None for r in range(tab.model.rowCount()))
    assert asked == []


def test_a_contact_whose_save_failed_is_kept_as_one_not_saved(
    qtbot, section, db_path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A save can fail (another program holding the file, a full disk): what was typed stays, is
    kept when another person is chosen, and quitting asks first, as for a contact never sent."""
    from nbdesk.common.errors import PlainError
    from nbdesk.survey import contacts
    from nbdesk.ui.survey import person_panel

    def busy(*_args: object) -> None:
        raise PlainError("The file is busy: try again in a moment.")

    warned: list[str] = []
    monkeypatch.setattr(person_panel, "log_contact", busy)
    monkeypatch.setattr(QMessageBox, "warning", lambda _p, _t, text, *_a: warned.append(text))
    tab, panel = section.contacts_tab, section.contacts_tab.panel
    first = typed_for_the_first(qtbot, section, "Rang, no answer")
    qtbot.keyClick(panel.note, Qt.Key.Key_Return, CTRL)
    settle(qtbot)
    assert warned == ["The file is busy: try again in a moment."]
    assert panel.isEnabled() and panel.note.text() == "Rang, no answer"
    assert section.unsaved() == [f"a contact with {first.name}"]
    tab.view.setFocus()
    qtbot.keyClick(tab.view, Qt.Key.Key_Down)
    settle(qtbot)
    assert f"The contact typed for {first.name} is kept, not saved" in section.message.text()
    qtbot.keyClick(tab.view, Qt.Key.Key_Up)
    settle(qtbot)
    assert panel.note.text() == "Rang, no answer"
    monkeypatch.setattr(person_panel, "log_contact", contacts.log_contact)
    saved_from_the_form(qtbot, section, db_path, first.person_id, "Rang, no answer")


def test_a_contact_whose_save_failed_after_its_person_was_left_is_kept_for_them(qtbot) -> None:
    """The form goes on while a save is on its way: another person's contact may be typed and
    sent, or the same person chosen again. Each failed save brings back what it sent."""
    from nbdesk.ui.survey.contact_form import ContactForm

    form = ContactForm(lambda: None)
    qtbot.addWidget(form)
    bea, cai = ((1, 10), "Bea Puddlewick"), ((1, 11), "Cai Thistlebottom")
    form.set_up(*bea)
    form.note.setText("Left a voicemail")
    to_bea = form.sent()
    assert form.unsaved() == []
    assert form.leave() is None  # Cai chosen while Bea's was being saved
    form.note.clear()
    form.set_up(*cai)
    form.note.setText("Texted")
    to_cai = form.sent()
    form.not_sent(to_bea)  # Bea's failed: kept for her, and Cai's is not taken for unsaved
    assert form.unsaved() == ["a contact with Bea Puddlewick"]
    form.not_sent(to_cai)  # Cai's failed too: his form holds it, unsaved
    assert form.unsaved() == ["a contact with Cai Thistlebottom", "a contact with Bea Puddlewick"]
    form.leave()
    form.note.clear()
    assert form.set_up(*bea) and form.note.text() == "Left a voicemail"
    # Bea chosen again while it was being saved: the form had its defaults for her; the failed
    # save puts back what it sent.
    to_bea = form.sent()
    form.leave()
    form.note.clear()
    form.set_up(*bea)
    assert form.note.text() == "" and form.unsaved() == ["a contact with Cai Thistlebottom"]
    form.not_sent(to_bea)
    assert form.note.text() == "Left a voicemail"
    assert form.unsaved()[0] == "a contact with Bea Puddlewick"
