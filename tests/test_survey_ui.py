"""The Survey outreach section driven as a PA and a lead would: by keyboard, on a real file,
which is then closed and reopened to prove nothing was lost."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QApplication

from nbdesk.register import find_person, register_size
from nbdesk.register_import import apply_import, preview_import, read_register_file
from nbdesk.rounds import completion_state, contact_history, find_round, open_round
from nbdesk.storage import Database, create_database

DATA = Path(__file__).parent / "data"
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


@pytest.fixture
def section(qtbot, db_path: Path):
    from nbdesk.ui.survey.section import SurveySection

    db = Database(db_path)
    widget = SurveySection()
    qtbot.addWidget(widget)
    widget.set_database(db)
    widget.resize(1300, 850)
    widget.show()
    qtbot.waitExposed(widget)
    yield widget
    db.close()


def ids_in(tab) -> list[str]:
    return [
        tab.proxy.index(r, 0).data(Qt.ItemDataRole.UserRole).unique_id
        for r in range(tab.proxy.rowCount())
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
    assert panel.contacted_on.date().toPython() == date.today()
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
    board = section.dashboard_tab.board
    assert (board.overall.eligible, board.overall.completed) == (5, 1)
    assert "<b>5</b> eligible" in section.dashboard_tab.headline.text()
    pat = section.dashboard_tab.tables["Personal adviser"][0]
    assert [
        (pat.row(r).group, pat.row(r).eligible, pat.row(r).completed) for r in range(pat.rowCount())
    ] == [("Pat Honeysock", 3, 1), ("Sam Wafflethorpe", 2, 0)]
    assert section.dashboard_tab.chart.points == [(date.today(), 1)]
    section.dashboard_tab.chart.grab()  # paints without error

    section.db.close()
    reopened = Database(db_path)
    with reopened.session() as session:
        rid = find_round(session, "Time 2").id
        bea = find_person(session, "B001")
        cai = find_person(session, "B002")
        contacts = contact_history(session, bea.id, rid)
        state = completion_state(session, rid, cai.id)
    reopened.close()
    assert [(c.contacted_on, c.channel, c.purpose, c.outcome, c.note) for c in contacts] == [
        (date.today(), "text", "warm-up", "will-complete", "Will do it on the bus")
    ]
    assert (state.completed, state.confirmed_by, state.confirmed_on) == (True, "pa", date.today())


def test_taking_back_a_completion_needs_a_reason(
    qtbot, section, db_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    import nbdesk.ui.survey.section as module

    tab = section.contacts_tab
    tab.view.setFocus()
    qtbot.keyClick(tab.view, Qt.Key.Key_Home)
    first = tab.panel.person.unique_id
    qtbot.keyClick(tab.view, Qt.Key.Key_K, CTRL)
    tab.everyone.setChecked(True)
    row = next(r for r in range(tab.model.rowCount()) if tab.model.row(r).unique_id == first)
    tab.view.setCurrentIndex(tab.proxy.mapFromSource(tab.model.index(row, 0)))
    assert tab.panel.unmark.isEnabled() and not tab.panel.mark.isEnabled()

    monkeypatch.setattr(module, "ask_reason", lambda *a: None)  # cancelled: nothing happens
    tab.panel.unmark.click()
    assert "Completed" in tab.panel.state.text()
    monkeypatch.setattr(module, "ask_reason", lambda *a: "Mixed up with a sibling")
    tab.panel.unmark.click()
    assert tab.panel.state.text() == "Not completed yet"
    assert "completion taken back — Mixed up with a sibling" in tab.panel.history.toPlainText()

    section.db.close()
    reopened = Database(db_path)
    with reopened.session() as session:
        state = completion_state(
            session, find_round(session, "Time 2").id, find_person(session, first).id
        )
    reopened.close()
    assert [h.action for h in state.history] == ["marked", "unmarked"]
    assert state.history[1].reason == "Mixed up with a sibling"


def test_import_preview_shows_rejections_and_imports_only_when_seen(qtbot, tmp_path: Path) -> None:
    from nbdesk.ui.survey.section import SurveySection

    path = tmp_path / "empty.nbdesk"
    db = create_database(path, "Testshire")
    section = SurveySection()
    qtbot.addWidget(section)
    section.set_database(db)
    section.show()
    section.tabs.setCurrentWidget(section.register_tab)
    section.register_tab.start_import(DATA / "register_messy.csv")
    qtbot.waitUntil(lambda: hasattr(section.register_tab, "import_dialog"), timeout=10000)
    dialog = section.register_tab.import_dialog
    assert dialog.model.rowCount() == 7
    assert [dialog.model.index(0, c).data() for c in range(3)] == [
        "3",
        "Unique ID",
        "the unique id 'A002' is also on row 9",
    ]
    assert "9 rows read" in dialog.summary.text() and "5 rows rejected" in dialog.summary.text()
    assert not dialog.import_button.isEnabled()
    qtbot.keyClick(dialog, Qt.Key.Key_Return, CTRL)  # refused until the rejections are seen
    assert dialog.result is None

    # Unmap the mobile column: the landline on row 8 is no longer a problem (its email still is).
    combo = dialog.combos["phone"]
    combo.setFocus()
    qtbot.keyClick(combo, Qt.Key.Key_Home)
    qtbot.waitUntil(lambda: dialog.model.rowCount() == 6, timeout=10000)
    qtbot.keyClick(combo, Qt.Key.Key_End)  # back to a column again: the last header
    combo.setCurrentIndex(combo.findData("Mobile"))
    qtbot.waitUntil(lambda: dialog.model.rowCount() == 7, timeout=10000)

    dialog.seen.setFocus()
    qtbot.keyClick(dialog.seen, Qt.Key.Key_Space)
    assert dialog.import_button.isEnabled()
    assert dialog.import_button.text() == "&Import 4 people"
    qtbot.keyClick(dialog, Qt.Key.Key_Return, CTRL)
    qtbot.waitUntil(lambda: dialog.result is not None, timeout=10000)
    assert (dialog.result.added, dialog.result.skipped_rows) == (4, 5)
    qtbot.waitUntil(lambda: section.register_tab.model.rowCount() == 4, timeout=5000)
    assert "4 added" in section.message.text()

    # Typing in the find box filters the register.
    search = section.register_tab.search
    search.setFocus()
    qtbot.keyClicks(search, "pudd")
    assert section.register_tab.model.rowCount() == 1
    assert section.register_tab.count.text() == "1 of 4 people"
    db.close()
    reopened = Database(path)
    with reopened.session() as session:
        assert register_size(session) == 4
    reopened.close()


def test_cancelled_import_changes_nothing(qtbot, section, db_path: Path) -> None:
    section.tabs.setCurrentWidget(section.register_tab)
    section.register_tab.start_import(DATA / "register_messy.csv")
    qtbot.waitUntil(lambda: hasattr(section.register_tab, "import_dialog"), timeout=10000)
    dialog = section.register_tab.import_dialog
    qtbot.keyClick(dialog, Qt.Key.Key_Escape)
    assert dialog.result is None
    with section.db.session() as session:
        assert register_size(session) == 6


def test_notify_export_from_the_section(
    qtbot, section, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    import nbdesk.ui.survey.notify_dialog as module

    out = tmp_path / "remind.csv"
    monkeypatch.setattr(module.QFileDialog, "getSaveFileName", lambda *a: (str(out), ""))
    monkeypatch.setattr(module.QMessageBox, "information", lambda *a: None)
    section.notify_button.click()
    dialog = section.notify_dialog
    qtbot.waitUntil(lambda: dialog.data is not None, timeout=10000)
    assert dialog.data.headers == ("phone number", "first name", "pa name")
    assert dialog.model.rowCount() == len(dialog.data.left_out) == 3  # Dara, Finn, Gus
    dialog.save.click()
    qtbot.waitUntil(lambda: dialog.written is not None, timeout=10000)
    lines = out.read_text().splitlines()
    assert lines[0] == "phone number,first name,pa name"
    assert "07700900124,Caz,Pat Honeysock" in lines and len(lines) == 4


def test_adding_a_person_by_hand_and_opening_a_round(
    qtbot, section, db_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from nbdesk.ui.survey.dialogs import OpenRoundDialog, PersonDialog

    attempts: list[str] = []

    def fill_person(dialog: PersonDialog) -> bool:
        attempts.append(dialog.error.text())
        if len(attempts) == 1:
            qtbot.keyClicks(dialog.edits["unique_id"], "N1")
            qtbot.keyClicks(dialog.edits["name"], "Nia  Marrowpott ")
            qtbot.keyClicks(dialog.edits["pa_name"], "Sam Wafflethorpe")
            qtbot.keyClicks(dialog.edits["phone"], "01632 960000")  # a landline: refused
            dialog.has_birth.setChecked(True)
            dialog.birth.setDate(dialog.birth.date().addYears(-19))
        else:
            dialog.edits["phone"].clear()
            qtbot.keyClicks(dialog.edits["phone"], "7700900555")
        return True

    monkeypatch.setattr(PersonDialog, "exec", fill_person)
    section.tabs.setCurrentWidget(section.register_tab)
    section.register_tab.add_button.click()
    # The first try was refused with the reason shown in the dialog; the second was saved.
    assert attempts[1].startswith("⚠ Mobile number:")
    assert section.register_tab.count.text() == "7 people"

    def fill_round(dialog: OpenRoundDialog) -> bool:
        qtbot.keyClicks(dialog.name, "Autumn check-in")
        return True

    monkeypatch.setattr(OpenRoundDialog, "exec", fill_round)
    section.open_button.click()
    assert section.round.currentText().startswith("Autumn check-in")
    section.tabs.setCurrentWidget(section.dashboard_tab)
    # Bea, Cai, Dara, Eli, Finn and Nia are 16 to 25 today; Gus is not.
    assert section.dashboard_tab.board.overall.eligible == 6

    section.db.close()
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
    section.close_button.click()
    assert section.erase_button.isEnabled() and not section.notify_button.isEnabled()

    shown: list[str] = []

    def answer(box: QMessageBox, choice: str) -> int:
        shown.append(box.text())
        for button in box.buttons():
            if button.text() == choice or (
                choice == "Cancel" and box.buttonRole(button) == QMessageBox.ButtonRole.RejectRole
            ):
                button.click()
        return 0

    monkeypatch.setattr(QMessageBox, "exec", lambda box: answer(box, "Cancel"))
    section.erase_button.click()
    with section.db.session() as session:
        person = find_person(session, "B001")
        assert person.phone  # cancelled: nothing erased
    monkeypatch.setattr(QMessageBox, "exec", lambda box: answer(box, "Erase them"))
    section.erase_button.click()
    assert "the text of 1 contact note(s)" in shown[0]
    assert "mobile number and email address of 6 people" in shown[0]  # all six, Gus too
    assert "cannot be undone" in shown[0]
    assert "Erased 1 contact notes" in section.message.text()

    section.db.close()
    reopened = Database(db_path)
    with reopened.session() as session:
        rid = find_round(session, "Time 2").id
        bea = find_person(session, "B001")
        notes = [c.note for c in contact_history(session, bea.id, rid)]
        assert (bea.phone, bea.email, notes) == ("", "", [""])
        assert find_round(session, "Time 2").eligible == 5
    reopened.close()
