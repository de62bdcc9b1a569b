"""Test configuration: Qt offscreen, a fixed clock, a private data folder per test, and a
demonstration template."""

from __future__ import annotations

import os
import shutil
from collections.abc import Iterator
from datetime import date, datetime
from pathlib import Path

import pytest

# Set before anything imports Qt: the tests run on machines with no screen. A test that starts
# another test run may give the offscreen platform a screen of a chosen size.
if not os.environ.get("QT_QPA_PLATFORM", "").startswith("offscreen:"):
    os.environ["QT_QPA_PLATFORM"] = "offscreen"
# No test reads or writes the real credential store of the machine it runs on.
os.environ["PYTHON_KEYRING_BACKEND"] = "keyring.backends.fail.Keyring"

# Every test, and every nbdesk process a test starts, sees this moment as "now" (nbdesk reads the
# date only through nbdesk.common.clock): no test may depend on the day it is run.
FIXED_NOW = datetime(2026, 11, 18, 10, 30)
os.environ["NBDESK_TODAY"] = FIXED_NOW.isoformat()


class Clock:
    """The fixed clock a test can move: `clock.set(date(2028, 2, 29))`."""

    def __init__(self, monkeypatch: pytest.MonkeyPatch) -> None:
        self.monkeypatch = monkeypatch

    def set(self, moment: date | datetime) -> None:
        from nbdesk.common import clock

        if not isinstance(moment, datetime):
            moment = datetime.combine(moment, FIXED_NOW.time())
        clock.fix(moment)
        self.monkeypatch.setenv("NBDESK_TODAY", moment.isoformat())

    def today(self) -> date:
        from nbdesk.common import clock

        return clock.today()

    def now(self) -> datetime:
        from nbdesk.common import clock

        return clock.now()


@pytest.fixture(autouse=True)
def clock(monkeypatch: pytest.MonkeyPatch) -> Iterator[Clock]:
    """Every test starts at FIXED_NOW; a test that moves the clock has it put back after."""
    from nbdesk.common import clock as nbdesk_clock

    fixed = Clock(monkeypatch)
    fixed.set(FIXED_NOW)
    yield fixed
    nbdesk_clock.fix(None)


@pytest.fixture(autouse=True)
def data_dir(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """Every test gets its own data folder, so nothing touches a real user's files or settings."""
    folder = tmp_path / "data"
    folder.mkdir()
    monkeypatch.setenv("NBDESK_DATA_DIR", str(folder))
    return folder


@pytest.fixture(scope="session")
def demo_template(tmp_path_factory: pytest.TempPathFactory) -> Path:
    from nbdesk.demo import create_demo

    path = tmp_path_factory.mktemp("template") / "demo.nbdesk"
    create_demo(path, "small").close()
    return path


@pytest.fixture
def demo_file(demo_template: Path, tmp_path: Path) -> Path:
    """A fresh copy of the small demonstration authority for one test to change."""
    target = tmp_path / "demo.nbdesk"
    shutil.copyfile(demo_template, target)
    return target


@pytest.fixture
def patient(qtbot, monkeypatch: pytest.MonkeyPatch):  # type: ignore[no-untyped-def]
    """Press keys and click as a person does: after each, wait for the screen to show what was
    read or saved (nbdesk does that work on its worker). For modules driving whole sections."""
    from pytestqt.qtbot import QtBot

    from tests.support.qt import settle

    for name in ("keyClick", "keyClicks", "mouseClick"):
        real = getattr(QtBot, name)

        def waiting(*args, _real=real, **kwargs):  # type: ignore[no-untyped-def]
            _real(*args, **kwargs)
            settle(qtbot)

        monkeypatch.setattr(QtBot, name, staticmethod(waiting))
    return qtbot


@pytest.fixture(autouse=True)
def _worker_done_before_a_file_closes(
    monkeypatch: pytest.MonkeyPatch, request: pytest.FixtureRequest
) -> Iterator[None]:
    """A test that closes its file (or whose fixture does) first lets the window's worker finish,
    as the main window does (Ops.close): a read still running on a closed file's connection
    crashed the interpreter when the connection was collected beside it."""
    import sys

    from nbdesk.storage.database import Database

    real_close = Database.close

    def close(self: Database) -> None:
        ops = sys.modules.get("nbdesk.ui.ops")
        if ops is not None:
            ops.wait_for_work()
        real_close(self)

    monkeypatch.setattr(Database, "close", close)
    yield
    # Between tests, with the worker idle: connections a test left for the collector are closed
    # here, never in the middle of the next test beside a connection the worker is opening (a
    # segfault in CI had the worker setting up a new connection while the main thread ran).
    # Only window tests have a worker to race (and a full collection costs time in every test).
    if "qtbot" not in request.fixturenames:
        return
    ops = sys.modules.get("nbdesk.ui.ops")
    if ops is not None:
        ops.wait_for_work()
    import gc

    gc.collect()


@pytest.fixture
def keyring_file(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[Path]:
    """A credential store of the test's own (a JSON file), shared with processes it starts."""
    import keyring

    from nbdesk.storage import encryption
    from tests.support.keyring_file import FileKeyring

    store = tmp_path / "keyring.json"
    monkeypatch.setenv("NBDESK_TEST_KEYRING", str(store))
    previous = keyring.get_keyring()
    keyring.set_keyring(FileKeyring())
    yield store
    keyring.set_keyring(previous)
    encryption.forget_all()
