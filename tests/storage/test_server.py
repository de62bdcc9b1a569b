"""An authority on a PostgreSQL server (issue 17): `nbdesk server init`, opening by URL, `nbdesk
check`, writers queueing on the server as they do on a file, and a file's start never loading
the server's driver. Runs whenever PostgreSQL is installed, whichever --backend is chosen."""

from __future__ import annotations

import json
import os
import subprocess
import sys
import threading
from datetime import date
from pathlib import Path

import pytest

from nbdesk.cli import main
from nbdesk.storage import NotAnNbdeskDatabaseError, open_database
from nbdesk.storage.location import server_label
from nbdesk.storage.schema import head_revision
from nbdesk.survey.contacts import log_contact
from nbdesk.survey.register import PersonFields, add_person
from nbdesk.survey.rounds import open_round
from tests.support.postgres import Cluster
from tests.support.raw import raw


def run(capsys: pytest.CaptureFixture[str], *args: object) -> tuple[int, str, str]:
    code = main([str(a) for a in args])
    out, err = capsys.readouterr()
    return code, out, err


def test_server_init_creates_the_schema_and_the_authority_once(
    postgres_url: str, capsys: pytest.CaptureFixture[str]
) -> None:
    code, out, _ = run(capsys, "server", "init", postgres_url, "--authority", " Testshire ")
    assert (code, out) == (
        0,
        f"Created the authority Testshire in {server_label(postgres_url)}.\n"
        "The server logs only schema changes here (log_statement = ddl).\n",
    )
    with raw(postgres_url) as conn:
        assert conn.execute("SELECT version_num FROM alembic_version").fetchall() == [
            (head_revision(),)
        ]
        assert conn.execute("SELECT id, name FROM authority").fetchall() == [(1, "Testshire")]
    code, out, err = run(capsys, "server", "init", postgres_url, "--authority", "Other")
    assert (code, out) == (1, "")
    assert err.startswith("nbdesk: error: ") and err.count("\n") == 1
    assert "already holds nbdesk tables" in err
    with raw(postgres_url) as conn:
        assert conn.execute("SELECT name FROM authority").fetchall() == [("Testshire",)]


def test_server_init_takes_only_a_server_url(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    code, _, err = run(capsys, "server", "init", tmp_path / "a.nbdesk", "--authority", "T")
    assert code == 1 and "is not a PostgreSQL URL" in err and err.count("\n") == 1
    assert not (tmp_path / "a.nbdesk").exists()


def test_an_empty_database_is_refused_with_the_command_that_fills_it(postgres_url: str) -> None:
    with pytest.raises(NotAnNbdeskDatabaseError, match="holds no nbdesk authority") as refused:
        open_database(postgres_url)
    assert "nbdesk server init" in str(refused.value)


def test_check_on_a_server_says_what_it_checked(
    postgres_url: str, capsys: pytest.CaptureFixture[str]
) -> None:
    assert run(capsys, "server", "init", postgres_url, "--authority", "Testshire")[0] == 0
    code, out, _ = run(capsys, "check", "--db", postgres_url)
    assert code == 0
    assert "Checked:   the schema revision and the authority" in out
    assert f"Schema:    {head_revision()} (this nbdesk: {head_revision()})" in out
    assert "Authority: Testshire" in out
    code, out, _ = run(capsys, "check", "--db", postgres_url, "--json")
    report = json.loads(out)
    assert code == 0 and report["ok"] and report["server"] and report["authority"] == "Testshire"
    assert report["counts"]["authority"] == 1 and report["counts"]["care_leaver"] == 0
    # Without its authority the check fails, and says so.
    with raw(postgres_url) as conn:
        conn.execute("DELETE FROM authority")
    code, out, _ = run(capsys, "check", "--db", postgres_url)
    assert code == 1 and "Authority: MISSING" in out


def test_a_second_writer_waits_for_the_first_and_reads_what_it_saved(
    postgres_url: str, postgres_cluster: Cluster
) -> None:
    """Two nbdesks log a contact for the same person at once: the second's transaction waits on
    the writers' lock until the first commits, then numbers its contact after the first's (on a
    file, BEGIN IMMEDIATE does this; without it both would read the same highest number)."""
    from nbdesk.storage import create_database

    first = create_database(postgres_url, "Testshire")
    second = open_database(postgres_url)
    with first.transaction() as session:
        person = add_person(session, PersonFields("S1", date_of_birth=date(2005, 1, 1))).value
        round_id = open_round(session, "Shared", date(2026, 10, 1), date(2026, 12, 20)).value.id
    numbers: list[int] = []
    second_started = threading.Event()

    def contact(db: object) -> int:
        with db.transaction() as session:  # type: ignore[attr-defined]
            return log_contact(
                session, round_id, person, date(2026, 11, 2), "phone", "reminder", "spoke"
            ).value

    def later() -> None:
        second_started.set()
        numbers.append(contact(second))

    with first.transaction() as session:
        numbers.append(
            log_contact(
                session, round_id, person, date(2026, 11, 2), "phone", "reminder", "spoke"
            ).value
        )
        waiter = threading.Thread(target=later)
        waiter.start()
        second_started.wait()
        # The first is still open: the second must be waiting on the lock (asked of the server,
        # not guessed from a delay).
        with raw(postgres_cluster.admin_url()) as admin:
            for _ in range(10_000):
                waiting = admin.execute(
                    "SELECT count(*) FROM pg_stat_activity WHERE wait_event_type = 'Lock' "
                    "AND query LIKE '%pg_advisory_xact_lock%'"
                ).fetchone()[0]
                if waiting:
                    break
                admin.conn.commit()  # a fresh snapshot of the activity at the next look
        assert waiting == 1
    waiter.join()
    assert numbers == [1, 2]
    first.close()
    second.close()


@pytest.mark.subject_is_sqlite("a file opens with no psycopg")
def test_opening_a_file_never_loads_the_server_driver(demo_file: Path) -> None:
    code = (
        "import sys\n"
        "from nbdesk.cli import main\n"
        f"assert main(['check', '--db', {str(demo_file)!r}]) == 0\n"
        "from nbdesk.storage import open_database\n"
        f"open_database({str(demo_file)!r}).close()\n"
        "print(sorted(m for m in sys.modules if m.split('.')[0] == 'psycopg'))\n"
    )
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert done.stdout.strip().splitlines()[-1] == "[]"


def test_the_app_opens_a_server_database_and_shows_it(
    postgres_cluster: Cluster, _demo_template_on_server: str, tmp_path: Path
) -> None:
    url = postgres_cluster.new_database(template=_demo_template_on_server)
    env = dict(os.environ, QT_QPA_PLATFORM="offscreen", NBDESK_DATA_DIR=str(tmp_path / "d"))
    try:
        shown = subprocess.run(
            [sys.executable, "-m", "nbdesk", "--db", url, "--quit-when-shown"],
            capture_output=True,
            text=True,
            env=env,
            timeout=120,
        )
        assert shown.returncode == 0, shown.stderr
        empty = postgres_cluster.new_database()
        refused = subprocess.run(
            [sys.executable, "-m", "nbdesk", "--db", empty, "--quit-when-shown"],
            capture_output=True,
            text=True,
            env=env,
            timeout=120,
        )
        assert refused.returncode == 1 and "holds no nbdesk authority" in refused.stderr
    finally:
        postgres_cluster.drop_database(url)
    # The server is not remembered among recent files (its label is no file's path).
    saved = [p.read_text(errors="replace") for p in (tmp_path / "d").rglob("*") if p.is_file()]
    assert saved and not any("on this computer" in text for text in saved)


def test_a_server_that_cannot_be_reached_is_one_line_and_a_backup_is_a_new_file(
    postgres_cluster: Cluster, postgres_url: str, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    missing = postgres_cluster.url("no_such_database")
    code, _, err = run(capsys, "round", "status", "Time 1", "--db", missing)
    assert code == 1 and err.count("\n") == 1
    assert err.startswith("nbdesk: error: nbdesk could not reach no_such_database on this computer")
    assert run(capsys, "server", "init", postgres_url, "--authority", "Testshire")[0] == 0
    # A server's URL as --db is backed up into a new local file (storage.transfer).
    copy = tmp_path / "copy.nbdesk"
    code, _, err = run(capsys, "backup", "--db", postgres_url, "--out", copy)
    assert code == 0, err
    assert copy.exists()
    code, _, err = run(capsys, "backup", "--db", postgres_url, "--out", copy)
    assert code == 1 and err.count("\n") == 1 and not list(tmp_path.glob("*.tmp*"))
    code, _, err = run(capsys, "encrypt", "--db", postgres_url)
    assert code == 1 and "works on a file, not on a server" in err


def test_a_writer_kept_waiting_too_long_says_so_and_saves_nothing(
    postgres_url: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    from nbdesk.storage import create_database, server
    from nbdesk.storage.database import DatabaseBusyError

    monkeypatch.setattr(server, "WRITE_WAIT_MS", 200)
    first = create_database(postgres_url, "Testshire")
    second = open_database(postgres_url)
    with first.transaction() as session:
        add_person(session, PersonFields("S1", date_of_birth=date(2005, 1, 1)))
        with (
            pytest.raises(DatabaseBusyError, match="waited 0.2 seconds for its turn; nothing was"),
            second.transaction() as other,
        ):
            add_person(other, PersonFields("S2", date_of_birth=date(2005, 1, 1)))
    with raw(postgres_url) as conn:
        assert conn.execute("SELECT unique_id FROM care_leaver").fetchall() == [("S1",)]
    first.close()
    second.close()
