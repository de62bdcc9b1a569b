"""Issue 17, point 3: a window open on a server shows what another PA saves, with nobody touching it.

The other PA is another Database on the same server database, in this process: it saves as that
PA's window does (telling the others what it changed) or as a command does (saying nothing).
"""

from __future__ import annotations

from collections.abc import Iterator
from datetime import date

import pytest
from pytestqt.qtbot import QtBot

from nbdesk.common.changes import tell_others
from nbdesk.storage import Database, create_database, open_database
from nbdesk.survey.completion import mark_completed
from nbdesk.survey.register import PersonFields, add_person, find_person
from nbdesk.survey.register_columns import read_register_file
from nbdesk.survey.register_import import apply_import, preview_import
from nbdesk.survey.rounds import open_round
from nbdesk.ui.live import PAUSED_MESSAGE, LiveUpdates
from nbdesk.ui.main_window import MainWindow
from nbdesk.ui.ops import Ops
from tests.support.paths import DATA
from tests.support.qt import settle

WITHIN_MS = 10_000  # "a few seconds", with room for a loaded machine


@pytest.fixture
def server(postgres_url: str) -> str:
    db = create_database(postgres_url, "Testshire County Council")
    with db.transaction() as session:
        apply_import(
            session, preview_import(session, read_register_file(DATA / "register_clean.csv"))
        )
        open_round(session, "Autumn check-in", date(2026, 11, 1), date(2026, 12, 31))
    db.close()
    return postgres_url


@pytest.fixture
def window(qtbot: QtBot, server: str) -> Iterator[MainWindow]:
    win = MainWindow()
    qtbot.addWidget(win)
    win.set_ops(Ops(open_database(server)), "Testshire County Council")
    win.show()
    qtbot.waitExposed(win)
    assert isinstance(win.live, LiveUpdates)
    yield win
    assert win.ops is not None
    win.ops.close()


@pytest.fixture
def other_pa(server: str) -> Iterator[Database]:
    db = open_database(server)
    yield db
    db.close()


def survey(qtbot: QtBot, window: MainWindow):  # type: ignore[no-untyped-def]
    window.nav.setCurrentRow(1)
    settle(qtbot)
    section = window.section(1)
    assert window.stack.currentWidget() is section
    return section


def test_a_person_another_pa_adds_appears_in_the_open_register(
    qtbot: QtBot, window: MainWindow, other_pa: Database
) -> None:
    section = survey(qtbot, window)
    section.tabs.setCurrentWidget(section.register_tab)
    settle(qtbot)
    assert section.register_tab.count.text() == "6 people"

    with other_pa.transaction() as session:
        done = add_person(session, PersonFields("N1", name="Nia Marrowpott"))
        tell_others(session, done.changes)  # as the other PA's window does

    qtbot.waitUntil(lambda: section.register_tab.count.text() == "7 people", timeout=WITHIN_MS)


def test_a_completion_saved_from_a_command_appears_on_the_open_dashboard(
    qtbot: QtBot, window: MainWindow, other_pa: Database
) -> None:
    section = survey(qtbot, window)
    section.tabs.setCurrentWidget(section.dashboard_tab)
    settle(qtbot)
    assert section.dashboard_tab.board.overall.completed == 0

    with other_pa.transaction() as session:  # as `nbdesk survey complete` does: nothing told
        round_id = section.round.currentData()
        mark_completed(session, round_id, find_person(session, "B001").id, "pa", date(2026, 11, 18))

    qtbot.waitUntil(lambda: section.dashboard_tab.board.overall.completed == 1, timeout=WITHIN_MS)


def test_a_lost_listening_connection_is_said_and_live_updates_resume(
    qtbot: QtBot, window: MainWindow, other_pa: Database, postgres_cluster
) -> None:  # type: ignore[no-untyped-def]
    from nbdesk.storage.live import CHANNEL

    section = survey(qtbot, window)
    section.tabs.setCurrentWidget(section.register_tab)
    settle(qtbot)
    assert window.live is not None
    messages: list[str] = []
    window.statusBar().messageChanged.connect(messages.append)

    postgres_cluster.execute(
        f"SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE query = 'LISTEN {CHANNEL}'"
    )
    qtbot.waitUntil(lambda: PAUSED_MESSAGE in messages, timeout=WITHIN_MS)
    qtbot.waitUntil(lambda: not window.live.paused, timeout=WITHIN_MS)  # type: ignore[union-attr]
    with other_pa.transaction() as session:
        tell_others(session, add_person(session, PersonFields("N2")).changes)
    qtbot.waitUntil(lambda: section.register_tab.count.text() == "7 people", timeout=WITHIN_MS)


KILL_MY_CONNECTION = "SELECT pg_terminate_backend(pg_backend_pid())"


def test_a_save_cut_off_by_a_lost_connection_is_tried_once_more(qtbot: QtBot, server: str) -> None:
    ops = Ops(open_database(server))
    attempts: list[str] = []

    def work(session):  # type: ignore[no-untyped-def]
        attempts.append("tried")
        if len(attempts) == 1:  # the server goes away under the first attempt
            session.connection().exec_driver_sql(KILL_MY_CONNECTION)
        return add_person(session, PersonFields("N1", name="Nia Marrowpott"))

    saved: list[object] = []
    ops.write(None, work, saved.append)
    qtbot.waitUntil(lambda: bool(saved), timeout=WITHIN_MS)
    assert attempts == ["tried", "tried"]
    ops.close()
    with open_database(server) as db, db.session() as session:
        assert find_person(session, "N1").name == "Nia Marrowpott"


def test_a_connection_lost_twice_is_said_plainly_and_nothing_is_saved(
    qtbot: QtBot, server: str
) -> None:
    ops = Ops(open_database(server))
    attempts: list[str] = []

    def work(session):  # type: ignore[no-untyped-def]
        attempts.append("tried")
        add_person(session, PersonFields("N1"))
        session.connection().exec_driver_sql(KILL_MY_CONNECTION)

    refused: list[Exception] = []
    ops.write(None, work, failed=refused.append)
    qtbot.waitUntil(lambda: bool(refused), timeout=WITHIN_MS)
    assert attempts == ["tried", "tried"]
    assert "was lost; nothing was saved. Try again." in str(refused[0])
    ops.close()
    with open_database(server) as db, db.session() as session, pytest.raises(LookupError):
        find_person(session, "N1")
