"""Opening, creating and upgrading an authority's database file.

Every check that can refuse a file runs on a read-only connection first, so a foreign, corrupt or
newer file is left exactly as it was found.
"""

from __future__ import annotations

import sqlite3
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any
from urllib.parse import quote

from sqlalchemy import URL, Engine, create_engine, event
from sqlalchemy.orm import Session, sessionmaker

from nbdesk.common import clock
from nbdesk.common.errors import PlainError
from nbdesk.storage import schema

SQLITE_MAGIC = b"SQLite format 3\x00"
BUSY_TIMEOUT_MS = 5000
READ_TIMEOUT_S = 5.0  # how long a check waits for another program's lock before giving up
# Only these mean the file itself is damaged; anything else (locked, no permission to make the
# -shm file in a read-only folder …) is a file that cannot be opened here, and saying "damaged"
# would send someone to restore a backup for nothing.
DAMAGED = {"SQLITE_CORRUPT", "SQLITE_NOTADB"}


class DatabaseError(PlainError):
    """A database file nbdesk cannot open; the message is written for the person who chose it."""


class NotAnNbdeskDatabaseError(DatabaseError):
    pass


class CorruptDatabaseError(DatabaseError):
    pass


class NewerDatabaseError(DatabaseError):
    pass


class UpgradeFailedError(DatabaseError):
    pass


def read_only_uri(path: Path) -> str:
    """A `file:` URI SQLite reads correctly for any path: '#', '?', '%', spaces, UNC shares."""
    posix = Path(path).resolve().as_posix()
    prefix = "file:" + ("//" if posix.startswith("//") else "")
    return prefix + quote(posix, safe="/:") + "?mode=ro"


@contextmanager
def read_only(path: Path) -> Iterator[sqlite3.Connection]:
    """A read-only connection, through SQLite itself.

    Its -wal and -shm files are never deleted here, even ones that were not there when it opened:
    another nbdesk (the window while a command runs, or two commands) may have created them and
    committed to them meanwhile, and deleting a -wal loses every change in it (issue 11: saved
    completions were lost this way). SQLite removes them itself when the last writer closes."""
    from nbdesk.storage.encryption import connect

    conn = connect(path, uri=read_only_uri(path), timeout=READ_TIMEOUT_S)
    try:
        yield conn
    finally:
        conn.close()


def _set_pragmas(dbapi_connection: Any, _record: Any) -> None:
    cursor = dbapi_connection.cursor()
    try:
        cursor.execute("PRAGMA journal_mode=WAL")
        # FULL syncs the WAL on every commit: a rating reported saved survives a power cut.
        cursor.execute("PRAGMA synchronous=FULL")
        cursor.execute("PRAGMA foreign_keys=ON")
        cursor.execute(f"PRAGMA busy_timeout={BUSY_TIMEOUT_MS}")
    finally:
        cursor.close()


WRITING = "nbdesk_writing"  # an execution option: this transaction will write


def make_engine(path: Path, *, transactional_ddl: bool = False) -> Engine:
    """An engine whose transactions nbdesk begins itself (SQLAlchemy's recipe for SQLite).

    The sqlite3 module would begin a transaction only at the first write, and commit before DDL
    on its own. Taking transactions away from the driver means a whole upgrade is one transaction
    that rolls back cleanly, and a transaction that will write begins IMMEDIATE: it takes the file's
    write lock before it reads anything, so two nbdesk processes never both read the same highest
    number and then both try to write the next one. A writer waits up to BUSY_TIMEOUT_MS for
    another to finish. `transactional_ddl` is kept for callers that name it; every engine does so."""
    from nbdesk.storage import encryption

    url = URL.create("sqlite", database=str(Path(path)))
    if encryption.is_encrypted(path):
        secret = encryption.secret_for(path, ask=encryption.asker)
        engine = create_engine(url, module=encryption.cipher_module())
        # The key is the first thing a new SQLCipher connection hears, before any pragma.
        event.listen(engine, "connect", lambda conn, _record: encryption.unlock(conn, secret))
    else:
        engine = create_engine(url)
    event.listen(engine, "connect", _set_pragmas)

    def no_driver_transactions(dbapi_connection: Any, _record: Any) -> None:
        dbapi_connection.isolation_level = None

    def begin(conn: Any) -> None:
        writing = conn.get_execution_options().get(WRITING, False)
        conn.exec_driver_sql("BEGIN IMMEDIATE" if writing else "BEGIN")

    event.listen(engine, "connect", no_driver_transactions)
    event.listen(engine, "begin", begin)
    return engine


class DatabaseBusyError(PlainError):
    """Another program held the file's write lock for longer than nbdesk waits."""


@dataclass
class Inspection:
    revision: str | None


def _sqlite_failure(path: Path, exc: Exception) -> DatabaseError:
    name = getattr(exc, "sqlite_errorname", "")
    if name in DAMAGED:
        return CorruptDatabaseError(_corrupt_message(path, str(exc)))
    return DatabaseError(f"{path.name} cannot be opened here ({exc}). It has been left as it is.")


def inspect_file(path: Path) -> Inspection:
    """Read-only look at a file: refuse it with a clear message, or say which revision it holds."""
    path = Path(path)
    if not path.is_file():
        raise NotAnNbdeskDatabaseError(f"{path} does not exist or is not a file.")
    try:
        with path.open("rb") as fh:
            header = fh.read(len(SQLITE_MAGIC))
    except OSError as exc:
        raise DatabaseError(f"{path} cannot be read: {exc.strerror}.") from exc
    from nbdesk.storage import encryption

    if header != SQLITE_MAGIC and encryption.might_be_encrypted(path):
        # Refused here, before any engine, with a message saying how to open it.
        encryption.secret_for(path, ask=encryption.asker)
    elif header != SQLITE_MAGIC:
        raise NotAnNbdeskDatabaseError(
            f"{path.name} is not an nbdesk database (it is not an SQLite file). "
            "Choose a file that nbdesk created, or create a new one."
        )
    try:
        with read_only(path) as conn:
            result = [row[0] for row in conn.execute("PRAGMA quick_check")]
            if result != ["ok"]:
                raise CorruptDatabaseError(_corrupt_message(path, "; ".join(result[:3])))
            tables = {
                row[0] for row in conn.execute("SELECT name FROM sqlite_master WHERE type='table'")
            }
            if "alembic_version" not in tables or "authority" not in tables:
                raise NotAnNbdeskDatabaseError(
                    f"{path.name} is an SQLite database but not one nbdesk created. "
                    "It has been left as it is."
                )
            row = conn.execute("SELECT version_num FROM alembic_version").fetchone()
    except encryption.driver_errors() as exc:
        raise _sqlite_failure(path, exc) from exc
    return Inspection(revision=row[0] if row else None)


def _corrupt_message(path: Path, detail: str) -> str:
    return (
        f"{path.name} is damaged and was not opened ({detail}). It has been left as it is. "
        f"Restore the newest copy from the folder '{path.stem} backups' beside it, "
        "or ask IT to restore the file."
    )


class Database:
    """One open authority file: its engine, and the sessions services work in."""

    def __init__(self, path: Path) -> None:
        self.path = Path(path)
        self.engine = make_engine(self.path)
        self._sessions = sessionmaker(self.engine, expire_on_commit=False)
        self._writing = sessionmaker(
            self.engine.execution_options(**{WRITING: True}), expire_on_commit=False
        )

    def session(self) -> Session:
        return self._sessions()

    @contextmanager
    def transaction(self) -> Iterator[Session]:
        """A session that commits when the block ends, or rolls back on error. It holds the
        file's write lock from its start; if another nbdesk holds it past BUSY_TIMEOUT_MS, it
        says so plainly and nothing is written."""
        from sqlalchemy.exc import OperationalError

        try:
            with self._writing.begin() as session:
                yield session
        except OperationalError as exc:
            if "locked" in str(exc.orig) or "busy" in str(exc.orig):
                raise DatabaseBusyError(
                    f"Another nbdesk (a window or a command) is saving to {self.path.name} and "
                    f"did not finish within {BUSY_TIMEOUT_MS // 1000} seconds; nothing was "
                    "saved. Try again in a moment."
                ) from exc
            raise

    def revision(self) -> str | None:
        with self.engine.connect() as conn:
            row = conn.exec_driver_sql("SELECT version_num FROM alembic_version").fetchone()
        return row[0] if row else None

    def integrity_check(self) -> list[str]:
        with self.engine.connect() as conn:
            return [row[0] for row in conn.exec_driver_sql("PRAGMA integrity_check")]

    def back_up(self, reason: str = "manual") -> Path:
        """A complete copy in the backups folder beside the file (the newest ten are kept)."""
        from nbdesk.storage.backup import rotating_backup

        return rotating_backup(self.path, reason)

    def close(self) -> None:
        self.engine.dispose()

    def __enter__(self) -> Database:
        return self

    def __exit__(self, *exc_info: object) -> None:
        self.close()


def check_revision(path: Path, revision: str | None) -> None:
    if revision not in schema.known_revisions():
        raise NewerDatabaseError(
            f"{path.name} was saved by a newer version of nbdesk (schema {revision}); "
            f"this version knows schema {schema.head_revision()} at most. "
            "Install the newer nbdesk to open it. The file has been left as it is."
        )


def open_database(path: Path, *, migrate: bool = True) -> Database:
    """Open an existing nbdesk file, upgrading it (after a backup beside it) if it is older."""
    path = Path(path)
    found = inspect_file(path)
    check_revision(path, found.revision)
    if found.revision != schema.head_revision():
        if not migrate:
            raise DatabaseError(
                f"{path.name} is at schema {found.revision} and needs upgrading to "
                f"{schema.head_revision()}; opening it in nbdesk upgrades it after a backup."
            )
        upgrade_file(path, found.revision)
    return Database(path)


def migration_backup_path(path: Path, revision: str | None) -> Path:
    """A new name every time: a retried upgrade must never overwrite the good copy."""
    stamp = clock.now().strftime("%Y%m%d-%H%M%S")
    base = f"{path.stem}.before-upgrade-from-{revision}-{stamp}"
    candidate = path.with_name(f"{base}{path.suffix}")
    counter = 2
    while candidate.exists():
        candidate = path.with_name(f"{base}-{counter}{path.suffix}")
        counter += 1
    return candidate


def upgrade_file(path: Path, from_revision: str | None) -> Path:
    """Back the file up beside itself, then run every pending migration in one transaction."""
    from nbdesk.storage.backup import backup_file

    backup = backup_file(path, migration_backup_path(path, from_revision))
    try:
        _alembic_upgrade(path)
    except Exception as exc:
        raise UpgradeFailedError(
            f"{path.name} could not be upgraded ({exc}); it was left at schema {from_revision}. "
            f"A copy taken before the upgrade is {backup.name}, beside it."
        ) from exc
    return backup


def create_database(path: Path, authority_name: str) -> Database:
    """Create a new file at head revision holding one authority."""
    from nbdesk.storage.authority import set_authority_name

    path = Path(path)
    if path.exists():
        raise FileExistsError(f"{path} already exists; nbdesk will not overwrite it.")
    name = authority_name.strip()
    if not name:
        raise ValueError("The authority needs a name.")
    path.parent.mkdir(parents=True, exist_ok=True)
    db: Database | None = None
    try:
        _alembic_upgrade(path)
        db = Database(path)
        with db.transaction() as session:
            set_authority_name(session, name)
    except Exception:
        if db is not None:
            db.close()  # before deleting: Windows refuses to delete a file that is open
        remove_database_files(path)
        raise
    return db


def remove_database_files(path: Path) -> None:
    for leftover in (Path(path), Path(f"{path}-wal"), Path(f"{path}-shm")):
        leftover.unlink(missing_ok=True)


def _alembic_upgrade(path: Path, revision: str = "head") -> None:
    from nbdesk.storage.migrate import upgrade

    upgrade(path, revision)
