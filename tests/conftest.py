"""Test configuration: Qt offscreen, a fixed clock, a private data folder per test, and a
demonstration template."""

from __future__ import annotations

import inspect
import os
import re
import shutil
from collections.abc import Callable, Iterator
from datetime import date, datetime
from pathlib import Path
from typing import TYPE_CHECKING, Any

import pytest

if TYPE_CHECKING:
    from tests.support.postgres import Cluster

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


# --- Backends -----------------------------------------------------------------------------------
# `pytest --backend=postgresql` runs the tests that take their database from `database_at` or
# `demo_db` (or use the cluster's fixtures) against a throwaway PostgreSQL cluster started for the
# session (tests/support/postgres.py); the default is the SQLite file. A test whose subject is
# SQLite itself is marked `subject_is_sqlite("why")` and skipped on a server. The rest need no
# database and are not collected there, and the summary counts both. A test that opens a database
# of its own otherwise (seen in its source, its fixtures' and the tests' functions they call)
# fails on the server pass, by name: no test is SQLite-only without saying why.

SERVER_BACKEND = "postgresql"


def pytest_addoption(parser: pytest.Parser) -> None:
    parser.addoption(
        "--backend",
        choices=["sqlite", SERVER_BACKEND],
        default="sqlite",
        help="where the tests' databases live: an SQLite file (default) or a throwaway "
        "PostgreSQL cluster started for the session",
    )


def pytest_configure(config: pytest.Config) -> None:
    config.addinivalue_line(
        "markers",
        "subject_is_sqlite(reason): the test is about SQLite itself: its file (WAL, encryption, "
        "file backups, pragmas, file permissions) or its query planner; skipped with "
        "--backend=postgresql",
    )


def on_server(config: pytest.Config) -> bool:
    return bool(config.getoption("--backend") == SERVER_BACKEND)


BACKEND_FIXTURES = {"database_at", "demo_db", "postgres_cluster", "postgres_url"}

# What a test (or a fixture of its own) does when it opens a database of its own rather than
# take one from the fixtures above: on a server, such a test would pass while testing only SQLite.
OWN_DATABASE = re.compile(
    r"\b(create_database|open_database|create_demo|Database|make_engine)\(|sqlite3\.connect\("
    r"|create_engine\(\s*f?[\"']sqlite"
    r"|\bdemo_file\b|\bdemo_template\b|[\"']--db[\"']"
)


ASKS_FOR_BACKEND = re.compile(
    r"getfixturevalue\(\s*[\"'](" + "|".join(sorted(BACKEND_FIXTURES)) + r")[\"']"
)


def fixture_functions(item: pytest.Item) -> list[Any]:
    info = getattr(item, "_fixtureinfo", None)
    if info is None:
        return []
    return [d.func for definitions in info.name2fixturedefs.values() for d in definitions]


def takes_backend(item: pytest.Item) -> bool:
    """Whether the test takes its database from the backend's fixtures: by name, or through a
    fixture of the tests' own that asks for one by getfixturevalue (a module-scoped build)."""
    if BACKEND_FIXTURES & set(getattr(item, "fixturenames", ())):
        return True
    for function in fixture_functions(item):
        try:
            source = inspect.getsource(function)
        except (OSError, TypeError):
            continue
        if function.__module__ != __name__ and ASKS_FOR_BACKEND.search(source):
            return True
    return False


def opens_own_database(item: pytest.Item) -> bool:
    """Whether the test's function, a fixture it uses, or a function of the tests' own that
    either calls (followed by name, to any depth) names a way of opening a database file: the
    check that no test is SQLite-only without saying so."""
    todo = [getattr(item, "function", None), *fixture_functions(item)]
    seen: set[int] = set()
    while todo:
        function = inspect.unwrap(todo.pop()) if callable(todo[-1]) else todo.pop()
        if not inspect.isfunction(function) or id(function) in seen:
            continue
        seen.add(id(function))
        source_file = Path(inspect.getsourcefile(function) or "/").resolve()
        if not source_file.is_relative_to(TESTS):
            continue
        if source_file == TESTS / "conftest.py" and function.__name__ != "demo_file":
            continue  # the backend fixtures themselves, and the clock and folders
        if OWN_DATABASE.search(inspect.getsource(function)):
            return True
        todo.extend(function.__globals__.get(name) for name in _names(function.__code__))
    return False


def _names(code: Any) -> Iterator[str]:
    yield from code.co_names
    for constant in code.co_consts:
        if inspect.iscode(constant):
            yield from _names(constant)


TESTS = Path(__file__).resolve().parent


def pytest_collection_modifyitems(config: pytest.Config, items: list[pytest.Item]) -> None:
    for item in items:
        marker = item.get_closest_marker("subject_is_sqlite")
        if marker and not (marker.args and str(marker.args[0]).strip()):
            item.stash[_REFUSED] = (
                'subject_is_sqlite needs its reason: @pytest.mark.subject_is_sqlite("what of '
                'SQLite the test is about")'
            )
    if not on_server(config):
        return
    kept: list[pytest.Item] = []
    not_on_server: list[pytest.Item] = []
    sqlite_subject = 0
    for item in items:
        if marker := item.get_closest_marker("subject_is_sqlite"):
            reason = marker.args[0] if marker.args else "(no reason given)"
            item.add_marker(pytest.mark.skip(reason=f"its subject is SQLite itself: {reason}"))
            kept.append(item)
            sqlite_subject += 1
        elif takes_backend(item):
            kept.append(item)
        elif opens_own_database(item) and TESTS / "ui" not in Path(item.path).parents:
            # Failed at setup, by name, rather than quietly not run.
            item.stash[_REFUSED] = (
                "this test opens a database of its own (create_database, open_database, "
                "create_demo, Database, make_engine, sqlite3.connect, a sqlite engine, demo_file "
                "or --db) and so tests only SQLite: take it from database_at or demo_db, or mark "
                'it @pytest.mark.subject_is_sqlite("why")'
            )
            kept.append(item)
        else:
            not_on_server.append(item)
    if not_on_server:
        config.hook.pytest_deselected(items=not_on_server)
    config.stash[_NOT_ON_SERVER] = (len(not_on_server), sqlite_subject)
    items[:] = kept


_NOT_ON_SERVER = pytest.StashKey[tuple[int, int]]()
_REFUSED = pytest.StashKey[str]()


@pytest.hookimpl(tryfirst=True)
def pytest_runtest_setup(item: pytest.Item) -> None:
    if refused := item.stash.get(_REFUSED, ""):
        pytest.fail(refused, pytrace=False)


@pytest.hookimpl(wrapper=True, tryfirst=True)
def pytest_runtest_teardown(item: pytest.Item) -> Any:
    """pytest-qt closes a test's windows as it tears down, before the fixtures: a form left with
    something typed in would ask whether to discard it (and the window whether to quit with a
    contact not saved), and wait for an answer nobody gives. The forms' own tests ask and answer
    it while they run."""
    import sys

    shared = sys.modules.get("nbdesk.ui.dialogs")
    if shared is None:
        return (yield)
    questions = ("discard_what_was_typed", "leave_unsaved")  # a form's, and the window's
    asking = {name: getattr(shared, name) for name in questions}

    def stand_in(*_asked: object) -> bool:
        return True

    for name in questions:
        setattr(shared, name, stand_in)
    try:
        return (yield)
    finally:
        # Unless a test's monkeypatch, undone meanwhile, has put the real one back already.
        for name in questions:
            if getattr(shared, name) is stand_in:
                setattr(shared, name, asking[name])


def pytest_sessionfinish(session: pytest.Session) -> None:
    # A pytest-xdist worker hands its counts to the run that reports (which collects nothing).
    output = getattr(session.config, "workeroutput", None)
    if output is not None:
        output["not_on_server"] = session.config.stash.get(_NOT_ON_SERVER, (0, 0))


@pytest.hookimpl(optionalhook=True)
def pytest_testnodedown(node: Any, error: Any) -> None:
    counts = getattr(node, "workeroutput", {}).get("not_on_server")
    if counts is not None:  # every worker collects the same tests: any one's counts will do
        node.config.stash[_NOT_ON_SERVER] = tuple(counts)


def pytest_terminal_summary(terminalreporter: Any, config: pytest.Config) -> None:
    pure, sqlite_subject = config.stash.get(_NOT_ON_SERVER, (0, 0))
    if pure or sqlite_subject:
        terminalreporter.write_line(
            f"backend postgresql: {pure + sqlite_subject} tests not run on the server: {pure} "
            f"need no database (not collected), {sqlite_subject} have SQLite itself for subject "
            "(skipped)"
        )


@pytest.fixture(scope="session")
def postgres_cluster(request: pytest.FixtureRequest) -> Iterator[Cluster]:
    """A throwaway PostgreSQL cluster for the session. Without PostgreSQL installed, the tests
    that need it are skipped, unless --backend=postgresql asked for it (then they fail)."""
    from tests.support.postgres import NoPostgresError, start_cluster

    try:
        cluster = start_cluster()
    except NoPostgresError as exc:
        if on_server(request.config):
            raise
        pytest.skip(str(exc))
    yield cluster
    cluster.stop()


@pytest.fixture
def postgres_url(postgres_cluster: Cluster) -> Iterator[str]:
    """A fresh, empty database on the session's cluster (dropped after the test)."""
    url = postgres_cluster.new_database()
    yield url
    postgres_cluster.drop_database(url)


@pytest.fixture(scope="session")
def _schema_template_on_server(request: pytest.FixtureRequest) -> str:
    """nbdesk's schema at head, migrated once for the session (migrating takes a second or more
    on the server; copying a template, milliseconds)."""
    from nbdesk.storage.database import alembic_upgrade
    from tests.support.postgres import database_name

    cluster: Cluster = request.getfixturevalue("postgres_cluster")
    url = cluster.new_database(name="nbdesk_schema")
    alembic_upgrade(url)
    return database_name(url)


@pytest.fixture
def database_at(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[Callable[..., Any]]:
    """Where a test creates an authority: `database_at("a.nbdesk")` is a new file's path in
    tmp_path, or with --backend=postgresql a fresh database's URL (pass either to
    create_database, open_database or a command's --db).

    On a server the database is a copy of the session's migrated schema, with no authority, and
    the first create_database in this process on it skips the migrations and the refusal of a
    database holding nbdesk tables (those are the subject of tests/storage/test_server.py, on
    empty databases); a second create_database on it is refused as usual."""
    if not on_server(request.config):
        yield lambda name="authority.nbdesk": tmp_path / name
        return
    from nbdesk.storage import server

    cluster: Cluster = request.getfixturevalue("postgres_cluster")
    template = request.getfixturevalue("_schema_template_on_server")
    monkeypatch: pytest.MonkeyPatch = request.getfixturevalue("monkeypatch")
    real_refuse, real_upgrade = server.refuse_unless_empty, server.alembic_upgrade
    migrated: set[str] = set()  # copies of the template not yet given an authority

    def refuse_unless_empty(url: str) -> None:
        if url not in migrated:
            real_refuse(url)

    def alembic_upgrade(url: str, revision: str = "head") -> None:
        if url in migrated:
            migrated.discard(url)
        else:
            real_upgrade(url, revision)

    monkeypatch.setattr(server, "refuse_unless_empty", refuse_unless_empty)
    monkeypatch.setattr(server, "alembic_upgrade", alembic_upgrade)
    made: list[str] = []

    def make(name: str = "authority.nbdesk") -> str:
        made.append(cluster.new_database(template=template))
        migrated.add(made[-1])
        return made[-1]

    yield make
    for url in made:
        cluster.drop_database(url)


@pytest.fixture(scope="session")
def _demo_template_on_server(request: pytest.FixtureRequest) -> str:
    """The small demonstration built once on the session's cluster, copied for each test."""
    from nbdesk.demo import create_demo
    from tests.support.postgres import database_name

    cluster: Cluster = request.getfixturevalue("postgres_cluster")
    url = cluster.new_database(name="nbdesk_demo_small")
    create_demo(url, "small").close()  # closed: a template must have no connections
    return database_name(url)


@pytest.fixture
def demo_db(request: pytest.FixtureRequest) -> Iterator[Any]:
    """A fresh copy of the small demonstration authority for one test to change: a file (as
    `demo_file`), or with --backend=postgresql a server database's URL."""
    if not on_server(request.config):
        yield request.getfixturevalue("demo_file")
        return
    cluster: Cluster = request.getfixturevalue("postgres_cluster")
    url = cluster.new_database(template=request.getfixturevalue("_demo_template_on_server"))
    yield url
    cluster.drop_database(url)
