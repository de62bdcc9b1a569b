"""Issue 11: a lost -wal is reported before the file is opened; what nbdesk writes is readable by
the user alone; the failures of a shared or read-only file are said in one plain line."""

from __future__ import annotations

import os
import shutil
import sqlite3
import stat
import subprocess
import sys
from collections.abc import Iterator
from datetime import date
from pathlib import Path

import pytest

from nbdesk.cli import main
from nbdesk.storage import create_database, open_database
from nbdesk.storage.authority import authority_name, set_authority_name
from nbdesk.storage.database import (
    Database,
    LostChangesError,
    ReadOnlyDatabaseError,
)
from nbdesk.storage.wal_guard import SAVING

pytestmark = pytest.mark.subject_is_sqlite("the -wal, file modes and read-only files")

ROOT = Path(__file__).resolve().parents[2]


def header(path: Path) -> tuple[int, int]:
    """(journal mode byte: 1 rollback, 2 WAL; the user version nbdesk keeps)."""
    data = path.read_bytes()[:100]
    return data[18], int.from_bytes(data[60:64], "big")


def stop_while_open(path: Path, name: str) -> None:
    """Another process renames the authority, then stops dead (no close): its -wal stays."""
    script = (
        "import os, sys\n"
        "from nbdesk.storage import open_database\n"
        "from nbdesk.storage.authority import set_authority_name\n"
        "db = open_database(sys.argv[1])\n"
        "with db.transaction() as session:\n"
        "    set_authority_name(session, sys.argv[2])\n"
        "os._exit(0)\n"
    )
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    subprocess.run([sys.executable, "-c", script, str(path), name], check=True, env=env)


def test_a_file_closed_properly_says_so(tmp_path: Path) -> None:
    path = tmp_path / "a.nbdesk"
    create_database(path, "Testshire").close()
    assert header(path) == (2, 0) and not Path(f"{path}-wal").exists()
    db = open_database(path)
    with db.transaction() as session:
        set_authority_name(session, "Renamed")
    assert header(path) == (2, SAVING)  # on disk, before the change could be only in the -wal
    db.close()
    assert header(path) == (2, 0)


def test_looking_at_a_file_changes_no_byte(tmp_path: Path) -> None:
    path = tmp_path / "a.nbdesk"
    create_database(path, "Testshire").close()
    before = path.read_bytes()
    with open_database(path) as db, db.transaction() as session:
        assert authority_name(session) == "Testshire"  # a write transaction changing nothing
    assert path.read_bytes() == before


def test_a_lost_wal_is_reported_before_opening(tmp_path: Path) -> None:
    path = tmp_path / "a.nbdesk"
    create_database(path, "Testshire").close()
    stop_while_open(path, "Saved before the crash")
    wal = Path(f"{path}-wal")
    assert wal.exists() and header(path) == (2, SAVING)
    kept = tmp_path / "kept-wal"
    shutil.copyfile(wal, kept)
    wal.unlink()  # as a sync client or a copy of the file alone would
    before = path.read_bytes()
    with pytest.raises(LostChangesError) as caught:
        open_database(path)
    message = str(caught.value)
    assert "was not closed properly" in message and "a.nbdesk-wal" in message
    assert "\n" not in message
    assert path.read_bytes() == before and not wal.exists()  # left exactly as it was
    code = main(["check", "--db", str(path)])  # the check says the same, and changes nothing
    assert code == 1 and not wal.exists()
    shutil.copyfile(kept, wal)  # the -wal put back: opened, and nothing was lost
    with open_database(path) as db, db.session() as session:
        assert authority_name(session) == "Saved before the crash"


def test_a_file_another_program_closed_can_be_accepted_as_it_is(tmp_path: Path) -> None:
    path = tmp_path / "a.nbdesk"
    create_database(path, "Testshire").close()
    stop_while_open(path, "Saved before the crash")
    with sqlite3.connect(path) as conn:  # IT looks with another SQLite program, which folds it in
        conn.execute("SELECT count(*) FROM authority").fetchone()
    conn.close()
    assert not Path(f"{path}-wal").exists()
    with pytest.raises(LostChangesError, match="--accept-as-is"):
        open_database(path)
    assert main(["check", "--db", str(path), "--accept-as-is"]) == 0
    with open_database(path) as db, db.session() as session:
        assert authority_name(session) == "Saved before the crash"


def test_a_copy_taken_while_open_is_reported(tmp_path: Path) -> None:
    path = tmp_path / "a.nbdesk"
    db = create_database(path, "Testshire")
    with db.transaction() as session:
        set_authority_name(session, "Only in the -wal")
    copy = tmp_path / "copied.nbdesk"
    shutil.copyfile(path, copy)  # the file alone, while nbdesk has it open
    db.close()
    with pytest.raises(LostChangesError):
        open_database(copy)


def test_a_file_an_older_nbdesk_closed_opens(tmp_path: Path) -> None:
    """An older nbdesk left files in WAL mode with no mark: nothing to report."""
    path = tmp_path / "a.nbdesk"
    create_database(path, "Testshire").close()
    with sqlite3.connect(path) as conn:
        conn.execute("PRAGMA user_version=0")
    assert header(path) == (2, 0)
    open_database(path).close()


@pytest.fixture
def umask() -> Iterator[None]:
    old = os.umask(0o022)  # a usual umask, which would leave files readable by everyone
    yield
    os.umask(old)


@pytest.mark.skipif(os.name != "posix", reason="Windows has no file modes")
def test_what_nbdesk_writes_is_readable_by_the_user_alone(
    tmp_path: Path, data_dir: Path, umask: None, monkeypatch: pytest.MonkeyPatch
) -> None:
    from nbdesk.common.atomic import write_atomically
    from nbdesk.common.log import record_failure
    from nbdesk.common.paths import data_dir as nbdesk_data_dir
    from nbdesk.storage.backup import backup_file, migration_backup_path, rotating_backup

    def mode(path: Path) -> int:
        return stat.S_IMODE(path.stat().st_mode)

    monkeypatch.setenv("NBDESK_DATA_DIR", str(tmp_path / "fresh" / "data"))
    folder = nbdesk_data_dir()
    assert mode(folder) == 0o700
    path = folder / "authority.nbdesk"
    db = create_database(path, "Testshire")
    with db.transaction() as session:
        set_authority_name(session, "Renamed")
    assert mode(path) == 0o600
    assert mode(Path(f"{path}-wal")) == 0o600 and mode(Path(f"{path}-shm")) == 0o600
    backup = rotating_backup(path)
    assert mode(backup.parent) == 0o700 and mode(backup) == 0o600
    assert mode(backup_file(path, migration_backup_path(path, "0003"))) == 0o600
    db.close()
    export = write_atomically(tmp_path / "return.csv", lambda p: p.write_text("a,b\n"))
    assert mode(export) == 0o600
    log = record_failure("Something went wrong", "Traceback …")
    assert mode(log) == 0o600
    created = tmp_path / "new folder" / "b.nbdesk"
    create_database(created, "Elsewhere").close()
    assert mode(created.parent) == 0o700 and mode(created) == 0o600


def test_a_busy_file_is_one_plain_line_on_the_command_line(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    import nbdesk.storage.database as database

    monkeypatch.setattr(database, "BUSY_TIMEOUT_MS", 200)
    path = tmp_path / "a.nbdesk"
    create_database(path, "Testshire").close()
    holder = sqlite3.connect(path, isolation_level=None)
    holder.execute("BEGIN IMMEDIATE")
    try:
        code = main(["round", "open", "Spring", "--db", str(path), "--opens", "1/10/2026",
                     "--closes", "1/12/2026"])  # fmt: skip
    finally:
        holder.execute("ROLLBACK")
        holder.close()
    err = capsys.readouterr().err
    assert code == 1 and err.count("\n") == 1
    assert err.startswith("nbdesk: error: Another nbdesk") and "nothing was saved" in err


@pytest.mark.parametrize("what", ["file", "folder"])
def test_a_read_only_file_or_folder_is_refused_plainly(tmp_path: Path, what: str) -> None:
    folder = tmp_path / "shared"
    path = folder / "a.nbdesk"
    create_database(path, "Testshire").close()
    target = path if what == "file" else folder
    target.chmod(0o555 if what == "folder" else 0o444)
    try:
        with pytest.raises(ReadOnlyDatabaseError, match="cannot be changed here") as caught:
            open_database(path)
    finally:
        target.chmod(0o755 if what == "folder" else 0o644)
    assert "\n" not in str(caught.value)


def test_a_write_refused_as_read_only_is_said_plainly(tmp_path: Path) -> None:
    path = tmp_path / "a.nbdesk"
    create_database(path, "Testshire").close()
    db = Database(path)
    try:
        with db.engine.connect() as conn:
            conn.exec_driver_sql("PRAGMA query_only=ON")  # as a read-only file refuses a write
            conn.commit()
        with (
            pytest.raises(ReadOnlyDatabaseError, match="Nothing was saved"),
            db.transaction() as session,
        ):
            set_authority_name(session, "Not saved")
    finally:
        db.close()


def test_two_marking_the_same_person_at_once(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The second is told the person is already marked, in words (never an IntegrityError)."""
    from sqlalchemy.orm import Session

    from nbdesk.storage.models.survey import Completion
    from nbdesk.survey.completion import mark_completed
    from nbdesk.survey.register import PersonFields, add_person
    from nbdesk.survey.rounds import open_round

    path = tmp_path / "a.nbdesk"
    db = create_database(path, "Testshire")
    with db.transaction() as session:
        pid = add_person(session, PersonFields("M1", date_of_birth=date(2005, 1, 1))).value
        rid = open_round(session, "R", date(2026, 10, 1), date(2026, 12, 1)).value.id
    with db.transaction() as session:
        mark_completed(session, rid, pid, "pa", date(2026, 11, 2))
    real_get = Session.get

    def missed(self, entity, key, **kw):  # type: ignore[no-untyped-def]
        # As if the other nbdesk saved between this one's check and its insert.
        return None if entity is Completion else real_get(self, entity, key, **kw)

    monkeypatch.setattr(Session, "get", missed)
    try:
        with pytest.raises(ValueError, match="Already marked"), db.transaction() as session:
            mark_completed(session, rid, pid, "young-person", date(2026, 11, 3))
    finally:
        db.close()
