"""An authority on a PostgreSQL server, opened by URL (`postgresql://…`), through psycopg 3.

Imported only when a URL is opened: a file's start never loads the driver. Everything about the
SQLite file itself (pragmas, the -wal guard, encryption, backups beside the file, quick_check) has
no counterpart here; the schema comes from the same Alembic migrations.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

from sqlalchemy import Engine, create_engine, event, inspect
from sqlalchemy.engine import make_url
from sqlalchemy.exc import IntegrityError, OperationalError, SQLAlchemyError
from sqlalchemy.orm import sessionmaker

from nbdesk.common.changes import Changes, LiveState
from nbdesk.common.errors import PlainError
from nbdesk.storage import live, schema
from nbdesk.storage.database import (
    WRITING,
    Database,
    DatabaseBusyError,
    DatabaseError,
    NotAnNbdeskDatabaseError,
    UpgradeFailedError,
    alembic_upgrade,
    check_revision,
)
from nbdesk.storage.location import server_label

# How long a writing transaction waits for the writers' lock (see make_server_engine) before it
# gives up and says so; longer than a file's busy timeout, as a whole team shares one server.
WRITE_WAIT_MS = 30_000
# Any fixed number: every nbdesk takes the same transaction-scoped advisory lock to write.
WRITERS_LOCK = 0x6E_62_64_65_73_6B  # "nbdesk"
CONNECT_TIMEOUT_S = 10


def engine_url(url: str) -> Any:
    """The SQLAlchemy URL, with psycopg 3 as the driver whichever postgresql scheme was given."""
    parsed = make_url(url)
    if parsed.drivername in ("postgresql", "postgres"):
        parsed = parsed.set(drivername="postgresql+psycopg")
    return parsed


def make_server_engine(url: str) -> Engine:
    """An engine whose writing transactions take one advisory lock first.

    On a file, a writing transaction begins IMMEDIATE: it holds the file's write lock before it
    reads, so two writers never both read the same highest number (a contact's, a change's) and
    both write the next one. A server gets the same rule from a transaction-scoped advisory lock
    taken as the first statement: writers queue (for WRITE_WAIT_MS at most) and each reads what
    the one before it committed (READ COMMITTED). SERIALIZABLE would let more writers overlap, but
    a conflict then fails a transaction after the fact, and every service would need to be safe
    to run twice; nbdesk's writes are short (a contact, a completion, a rating), so queueing them
    costs milliseconds, never loses one and never shows anyone a conflict. Reads take no lock."""
    engine = create_engine(
        engine_url(url),
        pool_pre_ping=True,  # a connection the server dropped is replaced, not handed out
        connect_args={"connect_timeout": CONNECT_TIMEOUT_S, "application_name": "nbdesk"},
    )

    def begin(conn: Any) -> None:
        if conn.get_execution_options().get(WRITING, False):
            conn.exec_driver_sql(f"SET LOCAL lock_timeout = {WRITE_WAIT_MS}")
            conn.exec_driver_sql(f"SELECT pg_advisory_xact_lock({WRITERS_LOCK})")

    event.listen(engine, "begin", begin)
    return engine


def plain_failure(url: str, exc: OperationalError | IntegrityError) -> PlainError | None:
    """The failures of a write that people meet on a server, in one sentence; None for the rest."""
    label = server_label(url)
    if isinstance(exc, IntegrityError):
        return DatabaseError(
            f"That was not saved to {label}: it conflicts with something already there "
            "(perhaps someone else saved the same thing a moment ago). Look again and retry."
        )
    text = str(exc.orig).lower()
    if "lock timeout" in text:
        return DatabaseBusyError(
            f"Others were saving to {label} and nbdesk waited {WRITE_WAIT_MS / 1000:g} seconds "
            "for its turn; nothing was saved. Try again in a moment."
        )
    if exc.connection_invalidated or "connection" in text or "server closed" in text:
        return DatabaseError(f"The connection to {label} was lost; nothing was saved. Try again.")
    return None


def connect_failure(url: str, exc: Exception) -> PlainError:
    detail = str(getattr(exc, "orig", exc)).strip().splitlines()
    return DatabaseError(
        f"nbdesk could not reach {server_label(url)} ({detail[0] if detail else exc}). "
        "Check the address, the user name and password, and that the server is running."
    )


def nbdesk_tables() -> set[str]:
    from nbdesk.storage.models import Base

    return set(Base.metadata.tables) | {"alembic_version"}


def existing_tables(url: str) -> set[str]:
    """The tables of the server database's default schema (connecting refuses plainly)."""
    engine = make_server_engine(url)
    try:
        with engine.connect() as conn:
            return set(inspect(conn).get_table_names())
    except SQLAlchemyError as exc:
        raise connect_failure(url, exc) from exc
    finally:
        engine.dispose()


def inspect_server(url: str) -> str | None:
    """The schema revision an nbdesk server database holds; refuses anything else plainly."""
    tables = existing_tables(url)
    if "alembic_version" not in tables or "authority" not in tables:
        hint = (
            f" `nbdesk server init {url_without_password(url)} --authority NAME` creates one."
            if not tables & nbdesk_tables()
            else ""
        )
        raise NotAnNbdeskDatabaseError(
            f"{server_label(url)} holds no nbdesk authority; it has been left as it is.{hint}"
        )
    return current_revision(url)


def current_revision(url: str) -> str | None:
    engine = make_server_engine(url)
    try:
        with engine.connect() as conn:
            row = conn.exec_driver_sql("SELECT version_num FROM alembic_version").fetchone()
    finally:
        engine.dispose()
    return row[0] if row else None


def url_without_password(url: str) -> str:
    return str(make_url(url).set(password=None)) if make_url(url).password else url


def refuse_unless_empty(url: str) -> None:
    found = existing_tables(url) & nbdesk_tables()
    if found:
        raise DatabaseError(
            f"{server_label(url)} already holds nbdesk tables ({', '.join(sorted(found)[:3])}"
            f"{' …' if len(found) > 3 else ''}); nbdesk will not create an authority over them."
        )


def label_path(url: str) -> Path:
    """What Database.path holds for a server: the database's label, for messages only (no file
    is ever opened at it; code that works on the file checks Database.is_server first)."""
    return Path(server_label(url))


class ServerDatabase(Database):
    """One authority on a PostgreSQL server. The sessions and transactions are a file's; what
    concerns the file itself (the -wal, its checkpoints, backups beside it) has no counterpart.
    `path` is only the database's label, for messages."""

    is_server = True

    def __init__(self, url: str) -> None:
        self.url = url
        self.path = label_path(url)
        self.engine = make_server_engine(url)
        self._sessions = sessionmaker(self.engine, expire_on_commit=False)
        self._writing = sessionmaker(
            self.engine.execution_options(**{WRITING: True}), expire_on_commit=False
        )
        self._connected = False
        self._checkpoint_due = False
        event.listen(self.engine, "connect", self._first_connect)
        # The others hear of a write only if it commits: the notification is part of it.
        event.listen(self._writing, "before_commit", lambda session: live.announce(session, self))

    def listen(self, stopped: Callable[[], bool]) -> Iterator[Changes | LiveState]:
        """What other nbdesks save to this database, as they save it, until `stopped()`."""
        return live.listen(self, stopped)

    def _plain(self, exc: OperationalError | IntegrityError) -> PlainError | None:
        from nbdesk.storage.server import plain_failure

        assert self.url is not None
        return plain_failure(self.url, exc)

    def checkpoint(self) -> bool:
        """A server keeps no -wal beside a file: there is nothing to fold in."""
        return True

    def compact(self) -> bool:
        """VACUUM: the space of deleted and overwritten rows is freed for reuse (the server's own
        write-ahead log and its administrator's backups are outside nbdesk's reach)."""
        with self.engine.connect().execution_options(isolation_level="AUTOCOMMIT") as conn:
            conn.exec_driver_sql("VACUUM")
        return True

    def integrity_check(self) -> list[str]:
        raise PlainError(
            "An integrity check is for a file; a server database is checked by its administrator."
        )

    def back_up(self, reason: str = "manual") -> Path:
        raise PlainError(
            f"{self.path.name} is on a server: nbdesk cannot back it up yet. Its administrator's "
            "backups (pg_dump) keep it."
        )

    def close(self) -> None:
        self.engine.dispose()


def open_server(
    url: str, *, migrate: bool = True, before_writing: Callable[[], object] | None = None
) -> Database:
    """Open an nbdesk database on a server, upgrading it if it is older. No copy is taken first:
    PostgreSQL runs the whole upgrade in one transaction, so a failed one leaves it as it was."""
    revision = inspect_server(url)
    check_revision(label_path(url), revision)
    if revision != schema.head_revision():
        if not migrate:
            raise DatabaseError(
                f"{label_path(url).name} is at schema {revision} and needs upgrading to "
                f"{schema.head_revision()}; opening it in nbdesk upgrades it."
            )
        if before_writing is not None:
            before_writing()
        try:
            alembic_upgrade(url)
        except Exception as exc:
            raise UpgradeFailedError(
                f"{label_path(url).name} could not be upgraded ({exc}); it was left at "
                f"schema {revision}."
            ) from exc
    return ServerDatabase(url)


def create_on_server(url: str, authority_name: str) -> Database:
    """The schema, through the same migrations as a file, and the authority, in an empty server
    database; one holding nbdesk tables already is refused and left as it is."""
    from nbdesk.storage.authority import set_authority_name

    name = authority_name.strip()
    if not name:
        raise ValueError("The authority needs a name.")
    refuse_unless_empty(url)
    alembic_upgrade(url)
    db = ServerDatabase(url)
    try:
        with db.transaction() as session:
            set_authority_name(session, name)
    except Exception:
        db.close()
        raise
    return db
