"""Results and priorities (issue 14): a lead records a round's official counts, findings and young
people's priorities by keyboard on a real file, which is then reopened to prove nothing was lost;
a bad findings sheet is refused with one plain message and nothing stored."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QApplication

from nbdesk.feedback.priorities import tally
from nbdesk.feedback.results import FindingRow, list_findings, round_result, store_findings
from nbdesk.storage import Database, create_database
from nbdesk.survey.register_columns import read_register_file
from nbdesk.survey.register_import import apply_import, preview_import
from nbdesk.survey.rounds import find_round, open_round
from nbdesk.ui import file_dialogs
from tests.support.paths import DATA
from tests.support.qt import settle

pytestmark = pytest.mark.usefixtures("patient")
ALT = Qt.KeyboardModifier.AltModifier
CTRL = Qt.KeyboardModifier.ControlModifier


@pytest.fixture
def db_path(tmp_path: Path) -> Path:
    path = tmp_path / "results.nbdesk"
    db = create_database(path, "Testshire County Council")
    with db.transaction() as session:
        apply_import(
            session, preview_import(session, read_register_file(DATA / "register_clean.csv"))
        )
        first = open_round(session, "Time 1", date(2024, 1, 10), date(2024, 3, 1)).value
        store_findings(
            session,
            first.id,
            [FindingRow("Well-being", "Reported high anxiety", 34.0, 40)],
        )
        open_round(session, "Time 2", date(2026, 1, 10), date(2026, 3, 1))
    db.close()
    return path


def type_into(qtbot, widget, text: str) -> None:
    qtbot.keyClick(widget, Qt.Key.Key_A, CTRL)
    qtbot.keyClicks(widget, text)


def focused():
    return QApplication.focusWidget()


def test_counts_findings_and_priorities_by_keyboard(
    qtbot, section, db_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    assert section.round.currentText().startswith("Time 2")
    qtbot.keyClick(section, Qt.Key.Key_P, ALT)
    tab = section.results_tab
    assert section.tabs.currentWidget() is tab
    counts = tab.counts
    assert "Not recorded yet" in counts.against.text()

    # Official counts: Alt+I, then Tab from field to field; Enter saves.
    qtbot.keyClick(tab, Qt.Key.Key_I, ALT)
    assert focused() is counts.invited.findChild(type(focused())) or counts.invited.hasFocus()
    type_into(qtbot, focused(), "6")
    qtbot.keyClick(focused(), Qt.Key.Key_Tab)
    type_into(qtbot, focused(), "4")
    qtbot.keyClick(tab, Qt.Key.Key_V, ALT)
    type_into(qtbot, focused(), "2/4/2026")
    assert focused() is counts.received.edit
    qtbot.keyClick(focused(), Qt.Key.Key_Tab)

    assert focused() is counts.note
    qtbot.keyClicks(counts.note, "Letter ref 12")
    qtbot.keyClick(counts.note, Qt.Key.Key_Return)
    assert "6 invited, 4 completed (67%), received 02 Apr 2026." in counts.against.text()
    assert "nbdesk has 0 completions confirmed" in counts.against.text()
    assert "4 more young people completed than nbdesk was told about" in counts.against.text()

    # A finding typed: Alt+A to the domain, Tab along, Enter adds; one on a small base.
    findings = tab.findings
    for domain, text, percent, base in (
        ("Well-being", "Reported high anxiety", "31", "55"),
        ("Money", "Struggling financially", "20%", "8"),
    ):
        qtbot.keyClick(tab, Qt.Key.Key_A, ALT)
        assert focused() is findings.domain
        type_into(qtbot, findings.domain, domain)
        for edit, value in ((findings.text, text), (findings.percent, percent)):
            qtbot.keyClick(focused(), Qt.Key.Key_Tab)
            assert focused() is edit
            qtbot.keyClicks(edit, value)
        qtbot.keyClick(focused(), Qt.Key.Key_Tab)
        qtbot.keyClicks(findings.base, base)
        qtbot.keyClick(findings.base, Qt.Key.Key_Return)
    assert findings.model.rowCount() == 2
    money = findings.model.index(1, 3).data()
    assert money == "8 ⚠ small base: never printed"
    assert "1 on a small base" in findings.count.text()

    # A bad percent typed is refused in words, nothing added.
    qtbot.keyClick(tab, Qt.Key.Key_A, ALT)
    type_into(qtbot, findings.domain, "Money")
    findings.text.setText("Has savings")
    findings.percent.setText("140")
    findings.base.setText("50")
    qtbot.keyClick(findings.base, Qt.Key.Key_Return)
    assert "column 'Percent'" in findings.problem.text() and findings.problem.isVisible()
    assert findings.model.rowCount() == 2

    # Compare with Time 1 by keyboard: Alt+T, type its name.
    qtbot.keyClick(tab, Qt.Key.Key_T, ALT)
    assert focused() is findings.other
    qtbot.keyClicks(findings.other, "Ti")  # (a space would open the list)
    assert findings.model.columnCount() == 6
    assert findings.model.index(0, 4).data() == "34%"
    assert findings.model.index(0, 5).data() == "down 3 points"
    assert findings.model.index(1, 4).data() == "not in that round"
    assert "Change from Time 1 to Time 2" in findings.compared.text()

    # Remove the small-base one: Alt+L to the list, Delete, confirmed.
    from nbdesk.ui.survey import findings_box

    monkeypatch.setattr(findings_box, "confirm", lambda *a: True)
    qtbot.keyClick(tab, Qt.Key.Key_L, ALT)
    assert focused() is findings.view
    qtbot.keyClick(findings.view, Qt.Key.Key_End, CTRL)
    assert findings.current().finding.domain == "Money"
    qtbot.keyClick(findings.view, Qt.Key.Key_Delete)
    assert findings.model.rowCount() == 1

    # Priorities: Alt+Y, a new theme with Enter, its count with Enter, a quote with Enter.
    qtbot.keyClick(tab, Qt.Key.Key_Y, ALT)
    pri = tab.priorities
    assert tab.pages.currentWidget() is pri
    qtbot.keyClick(tab, Qt.Key.Key_A, ALT)
    assert focused() is pri.new_theme
    qtbot.keyClicks(pri.new_theme, "Travel and bus fares")
    qtbot.keyClick(pri.new_theme, Qt.Key.Key_Return)
    assert pri.theme().name == "Travel and bus fares"
    qtbot.keyClick(tab, Qt.Key.Key_M, ALT)
    type_into(qtbot, focused(), "7")
    qtbot.keyClick(focused(), Qt.Key.Key_Return)
    assert pri.theme().count == 7
    qtbot.keyClick(tab, Qt.Key.Key_X, ALT)
    assert focused() is pri.quote_text
    qtbot.keyClicks(pri.quote_text, "Bea says the bus costs too much")
    qtbot.keyClick(pri.quote_text, Qt.Key.Key_Return)
    # The name is warned about by the word, and the keyboard is on "Edit it…".
    assert pri.warning.isVisible()
    assert (
        "“Bea”" in pri.warning_text.text() and "a name on the register" in pri.warning_text.text()
    )
    assert focused() is pri.fix_button
    assert pri.quotes.index(0, 2).data() == "⚠ contains “Bea”, a name on the register"
    from nbdesk.ui.survey import priorities_box

    monkeypatch.setattr(
        priorities_box, "ask_quote_text", lambda parent, text: "The bus costs too much"
    )
    qtbot.keyClick(pri.fix_button, Qt.Key.Key_Return)  # Enter, as the warning invites
    assert not pri.warning.isVisible()
    assert pri.quotes.index(0, 1).data() == "The bus costs too much"
    assert pri.quotes.index(0, 2).data() == ""

    # A second quote with a name, kept as it is (Alt+K).
    qtbot.keyClick(tab, Qt.Key.Key_X, ALT)
    qtbot.keyClicks(pri.quote_text, "Free travel like Cai had before")
    qtbot.keyClick(pri.quote_text, Qt.Key.Key_Return)
    assert "“Cai”" in pri.warning_text.text()
    qtbot.keyClick(tab, Qt.Key.Key_K, ALT)
    qtbot.waitUntil(lambda: not pri.warning.isVisible())  # a mnemonic clicks after a moment
    assert pri.quotes.rowCount() == 2

    # Closed and reopened: everything is there.
    section.ops.store.close()
    db = Database(db_path)
    with db.session() as session:
        rid = find_round(session, "Time 2").id
        view = round_result(session, rid)
        stored = list_findings(session, rid)
        rows = tally(session, rid)
    db.close()
    assert view is not None
    assert (view.invited, view.completed, view.received_on) == (6, 4, date(2026, 4, 2))
    assert view.note == "Letter ref 12"
    assert [(f.domain, f.text, f.percent, f.base) for f in stored] == [
        ("Well-being", "Reported high anxiety", 31.0, 55)
    ]
    assert [(r.theme, r.count) for r in rows] == [("Travel and bus fares", 7)]
    assert [q.text for q in rows[0].quotes] == [
        "The bus costs too much",
        "Free travel like Cai had before",
    ]
    assert {q.month for q in rows[0].quotes} == {"2026-11"}


BAD_SHEETS = {
    "percent 140": (
        "Domain,Finding,Percent,Base\nMoney,Struggling,20,50\nSafety,Unsafe,140,50\n",
        "bad.csv: row 3, column 'Percent': 140 is not between 0 and 100.",
    ),
    "base lots": (
        "Domain,Finding,Percent,Base\nMoney,Struggling,20,lots\n",
        "bad.csv: row 2, column 'Base': 'lots' is not a whole number.",
    ),
    "missing column": ("Domain,Finding,Percent\nMoney,Struggling,20\n", "Base"),
}


@pytest.mark.parametrize("case", list(BAD_SHEETS))
def test_a_bad_findings_sheet_says_one_plain_thing_and_stores_nothing(
    qtbot, section, db_path: Path, tmp_path: Path, case: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    from PySide6.QtWidgets import QMessageBox

    content, expected = BAD_SHEETS[case]
    sheet = tmp_path / "bad.csv"
    sheet.write_text(content, encoding="utf-8")
    shown: list[str] = []
    monkeypatch.setattr(QMessageBox, "exec", lambda box: shown.append(box.text()) or 0)
    monkeypatch.setattr(file_dialogs, "choose_file", lambda *a, **k: str(sheet))
    section.tabs.setCurrentWidget(section.results_tab)
    settle(qtbot)
    findings = section.results_tab.findings
    qtbot.keyClick(section.results_tab, Qt.Key.Key_M, ALT)
    qtbot.waitUntil(findings.problem.isVisible)  # a mnemonic clicks after a moment
    settle(qtbot)
    assert shown == []  # no dialog: one message, beside the list
    assert findings.problem.isVisible()
    message = findings.problem.text()
    assert message.startswith("⚠ Nothing was imported. ")
    assert expected in message and "Traceback" not in message
    assert findings.model.rowCount() == 0
    section.ops.store.close()
    db = Database(db_path)
    with db.session() as session:
        assert list_findings(session, find_round(session, "Time 2").id) == []
    db.close()


def test_a_good_sheet_replaces_the_findings_after_asking(
    qtbot, section, db_path: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from nbdesk.ui.survey import findings_box

    sheet = tmp_path / "findings.csv"
    sheet.write_text(
        "Domain,Finding,Percent,Base\nSafety,Did not feel safe where they lived,32,118\n"
        "Money,Struggling financially,20%,6\n",
        encoding="utf-8",
    )
    asked: list[str] = []
    section.round.setCurrentIndex(section.round.findText("Time 1", Qt.MatchFlag.MatchStartsWith))
    section.tabs.setCurrentWidget(section.results_tab)
    settle(qtbot)
    findings = section.results_tab.findings
    assert findings.model.rowCount() == 1
    monkeypatch.setattr(findings_box, "confirm", lambda p, t, text, y: asked.append(text) or True)
    findings.start_import(sheet)
    settle(qtbot)
    assert "Replace the 1 findings held" in asked[0]
    assert findings.model.rowCount() == 2
    assert findings.model.index(1, 3).data() == "6 ⚠ small base: never printed"
    assert "Imported 2 findings from findings.csv" in section.message.text()
