"""After a save, who-next and the dashboard update just the person saved (issue 16), and show what
reading the whole round again in a fresh window shows: driven through the real widgets on a real
file, which is then closed and reopened."""

from __future__ import annotations

from datetime import date
from pathlib import Path
from typing import Any

import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QApplication

from nbdesk.common import clock
from nbdesk.storage import Database, create_database
from nbdesk.survey.register import PersonFields, add_person
from nbdesk.survey.register_columns import read_register_file
from nbdesk.survey.register_import import apply_import, preview_import
from nbdesk.survey.rounds import open_round
from tests.support.paths import DATA
from tests.support.qt import settle
from tests.ui.survey.test_survey_ui import CTRL, ids_in, open_in

pytestmark = pytest.mark.usefixtures("patient")


@pytest.fixture
def db_path(tmp_path: Path) -> Path:
    path = tmp_path / "updates.nbdesk"
    db = create_database(path, "Testshire County Council")
    with db.transaction() as session:
        apply_import(
            session, preview_import(session, read_register_file(DATA / "register_clean.csv"))
        )
        # Two more of Pat's, one sharing Bea's name, so the order's last word (the id) counts.
        for uid, name in (("B007", "Bea Puddlewick"), ("B008", "Hana Wobblesock")):
            add_person(
                session,
                PersonFields(uid, name=name, pa_name="Pat Honeysock", gender="Female"),
            )
        open_round(session, "Time 2", date(2026, 1, 10), date(2026, 12, 1))
    db.close()
    return path


@pytest.fixture
def full_reads(monkeypatch: pytest.MonkeyPatch) -> dict[str, int]:
    """How often the window reads the whole list or counts the whole round."""
    import nbdesk.ui.survey.contacts_tab as contacts_tab
    import nbdesk.ui.survey.dashboard_tab as dashboard_tab

    counted = {"list": 0, "board": 0}

    def counting(name: str, real: Any) -> Any:
        def read(*args: Any, **kwargs: Any) -> Any:
            counted[name] += 1
            return real(*args, **kwargs)

        return read

    monkeypatch.setattr(contacts_tab, "round_people", counting("list", contacts_tab.round_people))
    monkeypatch.setattr(dashboard_tab, "dashboard", counting("board", dashboard_tab.dashboard))
    return counted


def figures(section: Any) -> dict[str, Any]:
    """What the two tabs show: the list's rows and every table and line of the dashboard."""
    dash = section.dashboard_tab
    tables = {
        title: [
            [model.index(r, c).data() for c in range(model.columnCount())]
            for r in range(model.rowCount())
        ]
        for title, (model, _view) in dash.tables.items()
    }
    quiet = dash.quiet_model
    return {
        "list": list(section.contacts_tab.model.rows),
        "count": section.contacts_tab.count.text(),
        "headline": dash.headline.text(),
        "tables": tables,
        "chart": list(dash.chart.points),
        "quiet": [quiet.index(r, 1).data() for r in range(quiet.rowCount())],
        "board": dash.board,
    }


def test_a_save_updates_the_list_and_the_board_as_a_fresh_window_reads_them(
    qtbot, full_reads: dict[str, int], section, db_path: Path
) -> None:
    dash = section.dashboard_tab
    section.tabs.setCurrentWidget(dash)  # counted whole once
    settle(qtbot)
    section.tabs.setCurrentWidget(section.contacts_tab)
    settle(qtbot)
    assert full_reads == {"list": 1, "board": 1}
    tab = section.contacts_tab
    tab.pa.setFocus()
    qtbot.keyClicks(tab.pa, "Pat")
    settle(qtbot)
    assert full_reads == {"list": 2, "board": 1}  # another list: read whole
    # Never contacted, by name then id: Bea B001, Bea B007, Cai, Hana (Finn: do not contact).
    assert ids_in(tab) == ["B001", "B007", "B002", "B008"]
    quiet_before = figures(section)["quiet"]
    assert quiet_before == ["B001", "B007", "B002", "B008", "B003", "B004"]

    # Bea B007: a contact, saved with Ctrl+Enter.
    tab.view.setFocus()
    qtbot.keyClick(tab.view, Qt.Key.Key_Home)
    qtbot.keyClick(tab.view, Qt.Key.Key_Down)
    assert tab.panel.person.unique_id == "B007"
    qtbot.keyClick(tab.view, Qt.Key.Key_Return)
    qtbot.keyClicks(tab.panel.outcome, "Spoke")
    qtbot.keyClick(QApplication.focusWidget(), Qt.Key.Key_Return, CTRL)
    settle(qtbot)
    # Her row alone moved to the end, with her contact; the next never contacted is chosen.
    assert ids_in(tab) == ["B001", "B002", "B008", "B007"]
    bea = tab.model.rows[-1]
    assert (bea.contacts, bea.last_contact_on, bea.last_outcome) == (1, clock.today(), "spoke")
    assert tab.panel.person.unique_id == "B001"
    # No longer quiet on the board, which counted nothing again. Its tab, behind this one, is
    # drawn when shown, not after every save.
    quiet_now = [q for q in quiet_before if q != "B007"]
    assert [q.unique_id for q in dash.board.not_contacted] == quiet_now
    assert figures(section)["quiet"] == quiet_before
    section.tabs.setCurrentWidget(dash)
    settle(qtbot)
    assert figures(section)["quiet"] == quiet_now
    section.tabs.setCurrentWidget(tab)
    settle(qtbot)

    # Bea B001 completed: Ctrl+K takes her off the list and adds her to the figures.
    tab.panel.confirmed_by.setFocus()
    qtbot.keyClicks(tab.panel.confirmed_by, "Their")
    qtbot.keyClick(tab.panel.confirmed_by, Qt.Key.Key_K, CTRL)
    settle(qtbot)
    assert ids_in(tab) == ["B002", "B008", "B007"]
    assert tab.panel.person.unique_id == "B002"
    section.tabs.setCurrentWidget(dash)
    settle(qtbot)
    assert (dash.board.overall.eligible, dash.board.overall.completed) == (7, 1)
    assert "<b>7</b> eligible · <b>1</b> completed" in dash.headline.text()
    assert dash.chart.points == [(clock.today(), 1)]
    assert figures(section)["tables"]["Personal adviser"][0][:3] == ["Pat Honeysock", "5", "1"]
    assert full_reads == {"list": 2, "board": 1}  # updated, never read whole again
    shown = figures(section)

    # A fresh window on the file, reopened, reads the round whole and shows the same.
    section.ops.store.close()
    from nbdesk.ui.survey.section import SurveySection

    fresh = SurveySection()
    qtbot.addWidget(fresh)
    reopened = Database(db_path)
    try:
        open_in(qtbot, fresh, reopened)
        fresh.resize(1300, 850)
        fresh.show()
        settle(qtbot)
        fresh.contacts_tab.pa.setCurrentIndex(fresh.contacts_tab.pa.findData("Pat Honeysock"))
        settle(qtbot)
        fresh.tabs.setCurrentWidget(fresh.dashboard_tab)
        settle(qtbot)
        assert full_reads == {"list": 4, "board": 2}
        assert figures(fresh) == shown
    finally:
        reopened.close()
