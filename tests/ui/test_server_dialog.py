"""File › Open a server database…, against a throwaway cluster that asks for passwords: the dialog
signs in on the worker and opens the window on the server; the password is kept, when asked,
in the credential store and never in the settings, the log or the window; a recent server whose
password is kept reopens without asking; a wrong password keeps the dialog open and says so."""

from __future__ import annotations

import argparse
import json
from collections.abc import Iterator
from pathlib import Path

import pytest
from PySide6.QtCore import Qt
from pytestqt.qtbot import QtBot

from nbdesk.common.log import set_up_logging
from nbdesk.common.paths import log_path, settings_path
from nbdesk.storage import server
from nbdesk.ui import settings as prefs
from nbdesk.ui.app import Controller, server_sign_in
from nbdesk.ui.main_window import MainWindow
from nbdesk.ui.server_dialog import ServerDialog, server_name, server_url, url_fields
from tests.support.postgres import Cluster, database_name

NAME = "Serverton Borough Council"
USER = "ann"
PASSWORD = "kept-out-of-files 7%Q"


@pytest.fixture(scope="module")
def asking_cluster() -> Iterator[tuple[Cluster, str]]:
    """A cluster of its own (the shared one trusts everyone on its socket) with an authority, on
    which every role but the superuser signs in with a password; and that database's name."""
    from nbdesk.storage import create_database
    from tests.support.postgres import NoPostgresError, start_cluster

    try:
        cluster = start_cluster()
    except NoPostgresError as exc:
        pytest.skip(str(exc))
    try:
        url = cluster.new_database()
        create_database(url, NAME).close()
        # A superuser, so she may read and write everything without the roles' grants (another
        # change's business); she still signs in with her password.
        cluster.execute(f"CREATE ROLE {USER} LOGIN SUPERUSER PASSWORD '{PASSWORD}'")
        cluster.ask_for_passwords()
        yield cluster, database_name(url)
    finally:
        cluster.stop()


@pytest.fixture
def window(qtbot: QtBot) -> Iterator[tuple[MainWindow, Controller]]:
    set_up_logging()
    win = MainWindow()
    qtbot.addWidget(win)
    controller = Controller(win)
    controller.interactive = False
    win.show()
    qtbot.waitExposed(win)
    yield win, controller
    if win.ops is not None:
        win.ops.close()


def the_url(asking: tuple[Cluster, str]) -> str:
    cluster, name = asking
    return server_url(str(cluster.socket_dir), 5432, name, USER, "prefer")


def fill_in(qtbot: QtBot, dialog: ServerDialog, asking: tuple[Cluster, str], password: str) -> None:
    cluster, name = asking
    qtbot.keyClicks(dialog.host, str(cluster.socket_dir))
    qtbot.keyClicks(dialog.database, name)
    qtbot.keyClicks(dialog.user, USER)
    qtbot.keyClicks(dialog.password, password)


def open_dialog(qtbot: QtBot, win: MainWindow) -> ServerDialog:
    win.choose_server()
    dialog = win.server_dialog
    assert dialog is not None
    qtbot.waitExposed(dialog)
    return dialog


def test_open_and_remember_then_reopen_from_recent_servers(
    qtbot: QtBot,
    window: tuple[MainWindow, Controller],
    asking_cluster: tuple[Cluster, str],
    keyring_file: Path,
) -> None:
    win, controller = window
    url = the_url(asking_cluster)
    dialog = open_dialog(qtbot, win)
    assert dialog.port.value() == 5432 and dialog.tls.currentData() == "prefer"
    assert not dialog.remember.isChecked()  # off unless asked for
    fill_in(qtbot, dialog, asking_cluster, PASSWORD)
    qtbot.keyClick(dialog.remember, Qt.Key.Key_Space)
    assert dialog.remember.isChecked()
    with qtbot.waitSignal(controller.opened, timeout=30000):
        qtbot.keyClick(dialog.password, Qt.Key.Key_Return)  # Enter opens
    assert not dialog.isVisible() and dialog.url == url and dialog.remembered
    assert win.ops is not None and win.ops.store.is_server
    assert win.windowTitle() == f"{NAME} — nbdesk"
    assert prefs.recent_servers() == [url] and prefs.recent_files() == []
    assert json.loads(keyring_file.read_text()) == {f"nbdesk/{url}": PASSWORD}
    win.ops.close()
    win.ops = None
    for where in (settings_path(), log_path()):
        text = where.read_text(encoding="utf-8") if where.exists() else ""
        assert PASSWORD not in text, where
    assert USER in settings_path().read_text(encoding="utf-8")  # the server is remembered

    # As a new start would: nothing of the password in memory, only in the credential store.
    server.supply_password(url, None)
    win.server_dialog = None
    win._fill_recent()
    servers = [a for a in win.recent_menu.actions() if "Server:" in a.text()]
    assert len(servers) == 1 and name_of(asking_cluster) in servers[0].text()
    with qtbot.waitSignal(controller.opened, timeout=30000):
        servers[0].trigger()
    assert win.server_dialog is None  # nobody was asked
    assert win.windowTitle() == f"{NAME} — nbdesk"

    # `nbdesk --db URL` at a later start finds the kept password too.
    from nbdesk.ui.app import start_plan

    win.ops.close()
    win.ops = None
    server.supply_password(url, None)
    plan = start_plan(argparse.Namespace(db=url), win)
    assert plan is not None and plan.url == url
    with qtbot.waitSignal(controller.opened, timeout=30000):
        controller.start(plan)
    assert win.ops is not None and win.ops.store.is_server


def name_of(asking: tuple[Cluster, str]) -> str:
    return asking[1]


def test_a_wrong_password_keeps_the_dialog_and_says_so(
    qtbot: QtBot,
    window: tuple[MainWindow, Controller],
    asking_cluster: tuple[Cluster, str],
    keyring_file: Path,
) -> None:
    win, _controller = window
    dialog = open_dialog(qtbot, win)
    fill_in(qtbot, dialog, asking_cluster, "not her password")
    dialog.remember.setChecked(True)
    qtbot.keyClick(dialog.password, Qt.Key.Key_Return)
    qtbot.waitUntil(lambda: "did not accept" in dialog.result.text(), timeout=30000)
    assert dialog.result.text() == f"The server did not accept that password for {USER}."
    assert dialog.isVisible() and dialog.url is None and win.ops is None
    assert dialog.password.text() == "not her password"
    assert dialog.password.hasFocus() and dialog.password.selectedText() == "not her password"
    assert dialog.host.text() == str(asking_cluster[0].socket_dir)  # what was typed is kept
    assert not keyring_file.exists() or "not her password" not in keyring_file.read_text()
    assert prefs.recent_servers() == []
    text = log_path().read_text(encoding="utf-8") if log_path().exists() else ""
    assert "not her password" not in text

    # Test connection says in one line that the right one signs in, and opens nothing.
    dialog.password.setText(PASSWORD)
    dialog.test_button.click()
    qtbot.waitUntil(lambda: dialog.result.text().startswith("Signed in"), timeout=30000)
    assert "\n" not in dialog.result.text() and dialog.isVisible() and win.ops is None
    qtbot.keyClick(dialog, Qt.Key.Key_Escape)  # Esc cancels
    assert not dialog.isVisible() and dialog.url is None and win.ops is None
    assert prefs.recent_servers() == [] and not keyring_file.exists()


def test_the_dialog_is_labelled_for_the_keyboard(qtbot: QtBot) -> None:
    from PySide6.QtWidgets import QLabel

    dialog = ServerDialog(server_sign_in())
    qtbot.addWidget(dialog)
    buddies = {label.buddy(): label.text() for label in dialog.findChildren(QLabel)}
    for field in (
        dialog.host,
        dialog.port,
        dialog.database,
        dialog.user,
        dialog.tls,
        dialog.password,
    ):
        assert "&" in buddies[field] and field.accessibleName()
    marks = [t[t.index("&") + 1].lower() for t in buddies.values() if "&" in t]
    marks += [b.text()[b.text().index("&") + 1].lower() for b in (dialog.open_button,)]
    marks += ["t", "r"]  # Test connection, Remember
    assert len(marks) == len(set(marks)), marks
    assert dialog.password.echoMode() == dialog.password.EchoMode.Password
    assert dialog.open_button.isDefault()


def test_a_server_url_never_holds_a_password_and_reads_back() -> None:
    url = server_url("db.example.gov.uk", 6543, "nbdesk", "o'brien@la", "verify-full")
    assert url == (
        "postgresql+psycopg://o%27brien%40la@db.example.gov.uk:6543/nbdesk?sslmode=verify-full"
    )
    assert url_fields(url) == {
        "host": "db.example.gov.uk",
        "port": 6543,
        "database": "nbdesk",
        "user": "o'brien@la",
        "tls": "verify-full",
    }
    assert server_name(url) == "nbdesk on db.example.gov.uk"
    socket = server_url("/run/postgresql", 5432, "nb", "ann", "prefer")
    assert url_fields(socket)["host"] == "/run/postgresql"
    assert server_name(socket) == "nb on this computer"
    with pytest.raises(ValueError):
        prefs.remember_server("postgresql+psycopg://ann:secret@db/nb")
