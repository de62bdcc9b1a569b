"""Opening, creating and upgrading an authority's database file.

Every check that can refuse a file runs on a read-only connection first, so a foreign, corrupt or
newer file is left exactly as it was found.
"""

from __future__ import annotations

import sqlite3
import stat
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from sqlalchemy import URL, Engine, create_engine, event
from sqlalchemy.exc import DBAPIError, IntegrityError, OperationalError, ProgrammingError
from sqlalchemy.orm import Session, sessionmaker

from nbdesk.common.errors import DISK_FULL, DiskFullError, PlainError
from nbdesk.common.private import create_private_file, private_folder
from nbdesk.storage import schema
from nbdesk.storage.encryption import SQLITE_MAGIC
from nbdesk.storage.location import Location, is_server_url
from nbdesk.storage.reading import read_only as read_only
from nbdesk.storage.reading import read_only_uri as read_only_uri
from nbdesk.storage.wal_guard import SAVING, lost_wal, mark_saving, note_begin, wal_file
from nbdesk.storage.writer import KeptWriter

BUSY_TIMEOUT_MS = 5000
CHECKPOINT_WAIT_MS = 300  # a checkpoint after a save waits this long for other nbdesks' readers
# Only these mean the file itself is damaged; anything else (locked, no permission to make the
# -shm file in a read-only folder …) is a file that cannot be opened here, and saying "damaged"
# would send someone to restore a backup for nothing.
DAMAGED = {"SQLITE_CORRUPT", "SQLITE_NOTADB"}
READ_TIMEOUT_S = 5.0  # how long a check waits for another program's lock before giving up


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


class LostChangesError(DatabaseError):
    """The file was left open (not closed properly) and its -wal, holding its newest changes, is
    not beside it (see wal_guard)."""


class ReadOnlyDatabaseError(DatabaseError):
    """The file or its folder cannot be changed here."""


def _set_pragmas(dbapi_connection: Any, _record: Any) -> None:
    cursor = dbapi_connection.cursor()
    try:
        cursor.execute("PRAGMA journal_mode=WAL")
        # FULL syncs the WAL on every commit: a rating reported saved survives a power cut.
        cursor.execute("PRAGMA synchronous=FULL")
        cursor.execute("PRAGMA foreign_keys=ON")
        cursor.execute(f"PRAGMA busy_timeout={BUSY_TIMEOUT_MS}")
        # What is deleted or overwritten is overwritten with zeros, in the file and in the pages
        # the -wal carries: an erased phone number is not left in free space (issue 11).
        cursor.execute("PRAGMA secure_delete=ON")
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
        # On the driver's own connection: SQLAlchemy's execution machinery around this statement
        # took a sixth of recording a workshop rating (bench_rating). Its errors wrapped alike.
        sql = "BEGIN IMMEDIATE" if conn.get_execution_options().get(WRITING, False) else "BEGIN"
        error = conn.dialect.loaded_dbapi.Error
        try:
            conn.connection.dbapi_connection.execute(sql)
        except error as exc:  # a busy file, say: said plainly by Database.transaction
            raise DBAPIError.instance(sql, (), exc, error) from exc

    event.listen(engine, "connect", no_driver_transactions)
    event.listen(engine, "begin", begin)
    return engine


class DatabaseBusyError(PlainError):
    """Another program held the file's write lock for longer than nbdesk waits."""


AFTER_COMMIT = "nbdesk_after_commit"
BEFORE_COMMIT = "nbdesk_before_commit"
AfterCommit = Callable[["Database"], object]
BeforeCommit = Callable[[Session], object]


def after_commit(session: Session, step: AfterCommit) -> None:
    """Have `step(database)` run once this transaction has committed (outside any transaction):
    a service that must leave no trace of what it replaced in the -wal asks for a checkpoint
    this way. Runs only when the session came from Database.transaction; a step asked for twice
    runs once."""
    steps = session.info.setdefault(AFTER_COMMIT, [])
    if step not in steps:
        steps.append(step)


def before_commit(session: Session, step: BeforeCommit) -> None:
    """Have `step(session)` run once, at the end of this transaction, just before it commits:
    work that only the transaction's final state needs (a table rewritten in key order) is then
    done once however many changes asked for it. Only for sessions of Database.transaction."""
    steps = session.info.setdefault(BEFORE_COMMIT, [])
    if step not in steps:
        steps.append(step)


def _plain_failure(path: Path, exc: DBAPIError) -> PlainError | None:
    """The failures of a write that people meet, in one sentence; None for the rest."""
    text = str(exc.orig).lower()
    if isinstance(exc, IntegrityError):
        return DatabaseError(
            f"That was not saved to {path.name}: it conflicts with something already there "
            "(perhaps another nbdesk saved the same thing a moment ago). Look again and retry."
        )
    if "locked" in text or "busy" in text:
        return DatabaseBusyError(
            f"Another nbdesk (a window or a command) is saving to {path.name} and "
            f"did not finish within {BUSY_TIMEOUT_MS // 1000} seconds; nothing was "
            "saved. Try again in a moment."
        )
    if "readonly" in text or "read-only" in text or "unable to open" in text:
        return ReadOnlyDatabaseError(_read_only_message(path))
    if "disk is full" in text:
        return DiskFullError(f"{path.name}: {DISK_FULL}")
    return None


def _read_only_message(path: Path) -> str:
    return (
        f"{path.name} cannot be changed here: the file or its folder ({path.parent}) is "
        "read-only, or you may not change it. Nothing was saved. Copy it to a folder you can "
        "change, or ask IT."
    )


def check_writable(path: Path) -> None:
    """Refuse plainly a file, or a folder, that is marked read-only (the mode bits, not
    os.access: an administrator's access check ignores the mark, but the person meant it)."""
    path = Path(path)
    for target in (path, path.parent):
        try:
            writable = bool(target.stat().st_mode & stat.S_IWUSR)
        except OSError:
            continue
        if not writable:
            raise ReadOnlyDatabaseError(_read_only_message(path))


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
    if lost_wal(path):  # before SQLite opens it: a read-only open makes an empty -wal beside it
        raise LostChangesError(
            f"{path.name} was not closed properly the last time it was used (nbdesk or the "
            f"computer stopped while it was open, or it was copied while open), and "
            f"{wal_file(path).name}, which holds its newest changes, is not beside it: opening "
            "it now would lose those changes for good, so it has been left as it is. If the "
            f"file was copied or moved, put {wal_file(path).name} from the same place beside "
            f"it; otherwise restore the newest copy from the folder '{path.stem} backups', or "
            "ask IT. (If another program has opened and closed it since, nothing is missing: "
            "`nbdesk check --accept-as-is` then clears this.)"
        )
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
        with read_only(path, timeout=READ_TIMEOUT_S) as conn:
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

    is_server = False  # see ServerDatabase
    url: str | None = None
    _kept: KeptWriter | None = None  # a file's writing connection (a server's keep to the pool)

    def __init__(self, path: Path) -> None:
        self.path = Path(path)
        self._start(make_engine(self.path))
        self._kept = KeptWriter(self.engine.execution_options(**{WRITING: True}), self._writing)
        event.listen(self.engine, "begin", note_begin)
        event.listen(self.engine, "commit", self._committing)

    def _start(self, engine: Engine) -> None:
        """Sessions on `engine`: those of `transaction` begin as writers (a file's write lock
        taken at their start)."""
        self.engine = engine
        self._sessions = sessionmaker(engine, expire_on_commit=False)
        self._writing = sessionmaker(
            engine.execution_options(**{WRITING: True}), expire_on_commit=False
        )
        self._connected = False
        self._checkpoint_due = False
        event.listen(engine, "connect", self._first_connect)

    def _first_connect(self, _dbapi_connection: Any, _record: Any) -> None:
        self._connected = True

    @property
    def location(self) -> Location:
        """What open_database takes to open this again: the file's path, or the server's URL."""
        return self.url if self.url is not None else self.path

    def session(self) -> Session:
        return self._sessions()

    @contextmanager
    def transaction(self) -> Iterator[Session]:
        """A session that commits when the block ends, or rolls back on error. It holds the
        file's write lock from its start; if another nbdesk holds it past BUSY_TIMEOUT_MS, it
        says so plainly and nothing is written, as it does for a read-only file or folder and a
        row another nbdesk saved first. Steps asked for with `after_commit` run after the commit."""
        steps: list[AfterCommit] = []
        try:
            with (self._kept or self._writing).begin() as session:
                yield session
                for last in session.info.pop(BEFORE_COMMIT, ()):
                    last(session)
                steps = list(session.info.pop(AFTER_COMMIT, ()))
        except (OperationalError, IntegrityError, ProgrammingError) as exc:
            plain = self._plain(exc)
            if plain is None:
                raise
            raise plain from exc
        if self._checkpoint_due:
            self._checkpoint_due = False
            self.checkpoint()
        for step in steps:
            step(self)

    def _plain(self, exc: DBAPIError) -> PlainError | None:
        # A ProgrammingError worded is a server's refusal of a role (see ServerDatabase).
        return None if isinstance(exc, ProgrammingError) else _plain_failure(self.path, exc)

    def checkpoint(self) -> bool:
        """Fold the -wal into the file and truncate it to nothing, so no earlier image of a page
        stays in it. It waits up to CHECKPOINT_WAIT_MS for readers in other nbdesks to finish (a
        checkpoint cannot pass a reader still using an older image); False if one still did (the
        -wal is then folded in at the next checkpoint, and removed when the last nbdesk closes
        the file). Never raises: nothing depends on it but privacy, which waits for the next."""
        try:
            raw = self.engine.raw_connection()
        except Exception:  # the file gone, or unreadable: nothing to fold in
            return False
        try:
            cursor = raw.cursor()
            cursor.execute(f"PRAGMA busy_timeout={CHECKPOINT_WAIT_MS}")
            try:
                busy = cursor.execute("PRAGMA wal_checkpoint(TRUNCATE)").fetchone()[0]
            finally:
                cursor.execute(f"PRAGMA busy_timeout={BUSY_TIMEOUT_MS}")
                cursor.close()
        except sqlite3.Error:
            return False
        finally:
            raw.close()
        wal = wal_file(self.path)
        return busy == 0 and (not wal.exists() or wal.stat().st_size == 0)

    def compact(self) -> bool:
        """Rebuild the file page by page (VACUUM: no free space is left holding anything deleted
        or overwritten before secure_delete was on), then checkpoint. The copy SQLite builds is
        kept in memory, never in a temporary file. Returns what checkpoint returns."""
        raw = self.engine.raw_connection()
        try:
            cursor = raw.cursor()
            cursor.execute("PRAGMA temp_store=MEMORY")
            cursor.execute("VACUUM")
            cursor.execute("PRAGMA temp_store=DEFAULT")
            cursor.close()
        finally:
            raw.close()
        return self.checkpoint()

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

    def _committing(self, conn: Any) -> None:
        if mark_saving(conn):
            self._checkpoint_due = True  # the file says SAVING on disk before any later change

    def close(self) -> None:
        """Close every connection, first saying in the file that it was closed properly (see
        wal_guard): its user version back to 0, and the -wal folded in."""
        if self._kept is not None:
            self._kept.close()
        if self._connected and self.path.exists():
            try:
                raw = self.engine.raw_connection()
                try:
                    cursor = raw.cursor()
                    saving = cursor.execute("PRAGMA user_version").fetchone()[0] == SAVING
                    if saving:
                        cursor.execute("PRAGMA user_version=0")
                    cursor.close()
                finally:
                    raw.close()
                if saving:
                    self.checkpoint()
            except Exception:  # busy or read-only: the file says SAVING, which is safe
                pass
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


def open_database(
    path: Location, *, migrate: bool = True, before_writing: Callable[[], object] | None = None
) -> Database:
    """Open an existing nbdesk file, upgrading it (after a backup beside it) if it is older.
    `before_writing()` is called before an upgrade writes anything (it may raise to stop it).
    A `postgresql://` URL opens a server database instead (see open_server)."""
    if is_server_url(path):
        from nbdesk.storage.server import open_server

        return open_server(str(path), migrate=migrate, before_writing=before_writing)
    path = Path(path)
    found = inspect_file(path)
    check_revision(path, found.revision)
    if found.revision != schema.head_revision():
        if not migrate:
            raise DatabaseError(
                f"{path.name} is at schema {found.revision} and needs upgrading to "
                f"{schema.head_revision()}; opening it in nbdesk upgrades it after a backup."
            )
        if before_writing is not None:
            before_writing()
        upgrade_file(path, found.revision)
    check_writable(path)
    return Database(path)


def upgrade_file(path: Path, from_revision: str | None) -> Path:
    """Back the file up beside itself, then run every pending migration in one transaction."""
    from nbdesk.storage.backup import backup_file, migration_backup_path

    backup = backup_file(path, migration_backup_path(path, from_revision))
    try:
        alembic_upgrade(path)
    except Exception as exc:
        raise UpgradeFailedError(
            f"{path.name} could not be upgraded ({exc}); it was left at schema {from_revision}. "
            f"A copy taken before the upgrade is {backup.name}, beside it."
        ) from exc
    return backup


def create_database(path: Location, authority_name: str) -> Database:
    """Create a new file at head revision holding one authority (or, given a `postgresql://`
    URL, the schema and the authority in an empty server database: see create_on_server)."""
    from nbdesk.storage.authority import set_authority_name

    if is_server_url(path):
        from nbdesk.storage.server import create_on_server

        return create_on_server(str(path), authority_name)
    path = Path(path)
    if path.exists():
        raise FileExistsError(f"{path} already exists; nbdesk will not overwrite it.")
    name = authority_name.strip()
    if not name:
        raise ValueError("The authority needs a name.")
    private_folder(path.parent)
    # Made here, readable by the user alone, before SQLite fills it: its -wal and -shm take the
    # file's mode, and nobody else can read it in between.
    create_private_file(path)
    db: Database | None = None
    try:
        alembic_upgrade(path)
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


def alembic_upgrade(path: Location, revision: str = "head") -> None:
    from nbdesk.storage.migrate import upgrade

    upgrade(path, revision)
