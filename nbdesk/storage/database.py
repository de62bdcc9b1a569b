"""Opening, creating and upgrading an authority's database file.

Every check that can refuse a file runs on a read-only connection first, so a foreign, corrupt or
newer file is left exactly as it was found.
"""

from __future__ import annotations

import sqlite3
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path
from typing import Any

from sqlalchemy import Engine, create_engine, event
from sqlalchemy.orm import Session, sessionmaker

from nbdesk.storage import schema

SQLITE_MAGIC = b"SQLite format 3\x00"
BUSY_TIMEOUT_MS = 5000


class DatabaseError(Exception):
    """A database file nbdesk cannot open; the message is written for the person who chose it."""


class NotAnNbdeskDatabaseError(DatabaseError):
    pass


class CorruptDatabaseError(DatabaseError):
    pass


class NewerDatabaseError(DatabaseError):
    pass


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


def make_engine(path: Path) -> Engine:
    engine = create_engine(f"sqlite:///{Path(path).as_posix()}", future=True)
    event.listen(engine, "connect", _set_pragmas)
    return engine


@dataclass
class Inspection:
    revision: str | None
    has_authority_table: bool


def inspect_file(path: Path) -> Inspection:
    """Read-only look at a file: refuse it with a clear message, or say which revision it holds."""
    path = Path(path)
    if not path.is_file():
        raise NotAnNbdeskDatabaseError(f"{path} does not exist or is not a file.")
    try:
        with path.open("rb") as fh:
            header = fh.read(len(SQLITE_MAGIC))
    except OSError as exc:
        raise NotAnNbdeskDatabaseError(f"{path} cannot be read: {exc.strerror}.") from exc
    if header != SQLITE_MAGIC:
        raise NotAnNbdeskDatabaseError(
            f"{path.name} is not an nbdesk database (it is not an SQLite file). "
            "Choose a file that nbdesk created, or create a new one."
        )
    try:
        conn = sqlite3.connect(f"file:{path.as_posix()}?mode=ro", uri=True)
    except sqlite3.Error as exc:
        raise NotAnNbdeskDatabaseError(f"{path.name} cannot be opened: {exc}.") from exc
    try:
        try:
            result = [row[0] for row in conn.execute("PRAGMA quick_check")]
        except sqlite3.DatabaseError as exc:
            raise CorruptDatabaseError(_corrupt_message(path, str(exc))) from exc
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
        return Inspection(revision=row[0] if row else None, has_authority_table=True)
    finally:
        conn.close()


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

    def session(self) -> Session:
        return self._sessions()

    @contextmanager
    def transaction(self) -> Iterator[Session]:
        """A session that commits when the block ends, or rolls back on error."""
        with self._sessions.begin() as session:
            yield session

    def revision(self) -> str | None:
        with self.engine.connect() as conn:
            row = conn.exec_driver_sql("SELECT version_num FROM alembic_version").fetchone()
        return row[0] if row else None

    def integrity_check(self) -> list[str]:
        with self.engine.connect() as conn:
            return [row[0] for row in conn.exec_driver_sql("PRAGMA integrity_check")]

    def close(self) -> None:
        self.engine.dispose()


def open_database(path: Path, *, migrate: bool = True) -> Database:
    """Open an existing nbdesk file, upgrading it (after a backup beside it) if it is older."""
    path = Path(path)
    found = inspect_file(path)
    known = schema.known_revisions()
    if found.revision not in known:
        raise NewerDatabaseError(
            f"{path.name} was saved by a newer version of nbdesk (schema {found.revision}); "
            f"this version knows schema {schema.head_revision()} at most. "
            "Install the newer nbdesk to open it. The file has been left as it is."
        )
    if found.revision != schema.head_revision():
        if not migrate:
            raise DatabaseError(f"{path.name} needs upgrading to open.")
        upgrade_file(path, found.revision)
    return Database(path)


def migration_backup_path(path: Path, revision: str | None) -> Path:
    stamp = datetime.now().strftime("%Y%m%d-%H%M%S")
    return path.with_name(f"{path.stem}.before-upgrade-from-{revision}-{stamp}{path.suffix}")


def upgrade_file(path: Path, from_revision: str | None) -> Path:
    """Back the file up beside itself, then run every pending migration."""
    from nbdesk.storage.backup import backup_file

    backup = backup_file(path, migration_backup_path(path, from_revision))
    _alembic_upgrade(path)
    return backup


def create_database(path: Path, authority_name: str) -> Database:
    """Create a new file at head revision holding one authority."""
    from nbdesk.authority import set_authority_name

    path = Path(path)
    if path.exists():
        raise FileExistsError(f"{path} already exists; nbdesk will not overwrite it.")
    name = authority_name.strip()
    if not name:
        raise ValueError("The authority needs a name.")
    path.parent.mkdir(parents=True, exist_ok=True)
    try:
        _alembic_upgrade(path)
        db = Database(path)
        with db.transaction() as session:
            set_authority_name(session, name)
    except Exception:
        for leftover in (path, Path(f"{path}-wal"), Path(f"{path}-shm")):
            leftover.unlink(missing_ok=True)
        raise
    return db


def _alembic_upgrade(path: Path, revision: str = "head") -> None:
    from nbdesk.storage.migrate import upgrade

    upgrade(path, revision)
