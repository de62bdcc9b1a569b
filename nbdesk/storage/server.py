"""An authority on a PostgreSQL server, opened by URL (`postgresql://…`), through psycopg 3.

Imported only when a URL is opened: a file's start never loads the driver. Everything about the
SQLite file itself (pragmas, the -wal guard, encryption, backups beside the file, quick_check) has
no counterpart here; the schema comes from the same Alembic migrations.
"""

from __future__ import annotations

import contextlib
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

from sqlalchemy import Engine, create_engine, event, inspect
from sqlalchemy.engine import make_url
from sqlalchemy.exc import (
    DBAPIError,
    IntegrityError,
    ProgrammingError,
    SQLAlchemyError,
)

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
# Passwords given at run time, by the URL (without a password) they are for: each is asked for as
# a connection is made (the credential store is read then), so the URL, the settings and every
# message never hold one. Set by the window's File › Open a server database….
_passwords: dict[str, Callable[[], str | None]] = {}


def engine_url(url: str) -> Any:
    """The SQLAlchemy URL, with psycopg 3 as the driver whichever postgresql scheme was given."""
    parsed = make_url(url)
    if parsed.drivername in ("postgresql", "postgres"):
        parsed = parsed.set(drivername="postgresql+psycopg")
    return parsed


def make_server_engine(url: str, password: Callable[[], str | None] | None = None) -> Engine:
    """An engine whose writing transactions take one advisory lock first.

    On a file, a writing transaction begins IMMEDIATE: it holds the file's write lock before it
    reads, so two writers never both read the same highest number (a contact's, a change's) and
    both write the next one. A server gets the same rule from a transaction-scoped advisory lock
    taken as the first statement: writers queue (for WRITE_WAIT_MS at most) and each reads what
    the one before it committed (READ COMMITTED). SERIALIZABLE would let more writers overlap, but
    a conflict then fails a transaction after the fact, and every service would need to be safe
    to run twice; nbdesk's writes are short (a contact, a completion, a rating), so queueing them
    costs milliseconds, never loses one and never shows anyone a conflict. Reads take no lock.

    The password is never in the URL: `password`, else the one supplied for the URL
    (supply_password), is asked for as each connection is made."""
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
    key = url_without_password(url)

    def give_password(_dialect: Any, _record: Any, _cargs: Any, cparams: dict[str, Any]) -> None:
        source = password or _passwords.get(key)
        given = source() if source is not None and "password" not in cparams else None
        if given:
            cparams["password"] = given

    event.listen(engine, "do_connect", give_password)
    return engine


def supply_password(url: str, source: Callable[[], str | None] | None) -> None:
    """Connections to `url` (made from now on, by any engine) sign in with the password `source`
    gives at the time; None stops that."""
    key = url_without_password(url)
    if source is None:
        _passwords.pop(key, None)
    else:
        _passwords[key] = source


# The credential store: a server's password kept under the service the file keys use
# (storage.encryption), named by the server's URL without its password.


def stored_password(url: str) -> str | None:
    from nbdesk.storage.encryption import SERVICE, _keyring

    store = _keyring()
    if store is None:
        return None
    try:
        found = store.get_password(SERVICE, url_without_password(url))
    except Exception:
        return None
    return str(found) if found else None


def store_password(url: str, password: str) -> bool:
    """Keep the password in this computer's credential store; False if there is none."""
    from nbdesk.storage.encryption import SERVICE, _keyring

    store = _keyring()
    if store is None:
        return False
    try:
        store.set_password(SERVICE, url_without_password(url), password)
    except Exception:
        return False
    return True


def forget_password(url: str) -> None:
    from nbdesk.storage.encryption import SERVICE, _keyring

    store = _keyring()
    if store is None:
        return
    # Deleting what was never kept raises; either way nothing is kept now.
    with contextlib.suppress(Exception):
        store.delete_password(SERVICE, url_without_password(url))


# Signing in from the window (ui/server_dialog.SignIn: File › Open a server database…).


def can_remember() -> bool:
    """Whether this computer has a credential store a password may be kept in."""
    from nbdesk.storage.encryption import _keyring

    return _keyring() is not None


def try_sign_in(url: str, password: str) -> str:
    """Sign in with `password` and check the database holds an nbdesk authority this nbdesk can
    open: one line saying so, or a plain error."""
    revision = inspect_server(url, lambda: password or None)
    check_revision(label_path(url), revision)
    return f"Signed in: {label_path(url).name} holds an nbdesk authority."


def use_password(url: str, password: str, remember: bool) -> bool:
    """Connections to `url` from now on sign in with `password`, kept in the credential store if
    `remember` (and read from there as each is made, so a password changed there is used); whether
    the store took it. Not remembering lets go of a password kept before."""
    if remember and store_password(url, password):
        supply_password(url, lambda: stored_password(url) or password or None)
        return True
    if not remember:
        forget_password(url)
    supply_password(url, lambda: password or None)
    return False


def use_stored_password(url: str) -> bool:
    """If this computer keeps the server's password, connections to it use it (True)."""
    if stored_password(url) is None:
        return False
    supply_password(url, lambda: stored_password(url))
    return True


def plain_failure(url: str, exc: DBAPIError) -> PlainError | None:
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


def existing_tables(url: str, password: Callable[[], str | None] | None = None) -> set[str]:
    """The tables of the server database's default schema (connecting refuses plainly)."""
    engine = make_server_engine(url, password)
    try:
        with engine.connect() as conn:
            return set(inspect(conn).get_table_names())
    except SQLAlchemyError as exc:
        raise connect_failure(url, exc) from exc
    finally:
        engine.dispose()


def inspect_server(url: str, password: Callable[[], str | None] | None = None) -> str | None:
    """The schema revision an nbdesk server database holds; refuses anything else plainly."""
    tables = existing_tables(url, password)
    if "alembic_version" not in tables or "authority" not in tables:
        hint = (
            f" `nbdesk server init {url_without_password(url)} --authority NAME` creates one."
            if not tables & nbdesk_tables()
            else ""
        )
        raise NotAnNbdeskDatabaseError(
            f"{server_label(url)} holds no nbdesk authority; it has been left as it is.{hint}"
        )
    return current_revision(url, password)


def current_revision(url: str, password: Callable[[], str | None] | None = None) -> str | None:
    engine = make_server_engine(url, password)
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


# What `nbdesk server init` asks the server to log of this database's statements: schema changes
# only. With 'mod' or 'all' every mark of a completion would be logged with its moment and the
# person's id, which is the order the completion tables are rewritten to hide (README, Privacy).
STATEMENT_LOGGING = "ddl"


def limit_statement_logging(url: str) -> str | None:
    """Set log_statement for this database (every later connection to it) to schema changes only.
    Only a superuser (or a role granted SET on it) may; for anyone else this returns the statement
    for the server's administrator to run, and changes nothing. None once it is set."""
    engine = make_server_engine(url)
    try:
        with engine.connect().execution_options(isolation_level="AUTOCOMMIT") as conn:
            name = conn.exec_driver_sql("SELECT current_database()").scalar_one()
            statement = (
                f"ALTER DATABASE {engine.dialect.identifier_preparer.quote(name)} "
                f"SET log_statement = '{STATEMENT_LOGGING}'"
            )
            try:
                conn.exec_driver_sql(statement)
            except SQLAlchemyError:
                return statement
    finally:
        engine.dispose()
    return None


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
        self._start(make_server_engine(url))
        # The others hear of a write only if it commits: the notification is part of it.
        event.listen(self._writing, "before_commit", lambda session: live.announce(session, self))

    def listen(self, stopped: Callable[[], bool]) -> Iterator[Changes | LiveState]:
        """What other nbdesks save to this database, as they save it, until `stopped()`."""
        return live.listen(self, stopped)

    def _plain(self, exc: DBAPIError) -> PlainError | None:
        from nbdesk.storage.roles import is_refusal, plain_refusal

        assert self.url is not None
        if is_refusal(exc):  # what the person's role may not do (nbdesk.storage.roles)
            return plain_refusal(self.engine, exc)
        if isinstance(exc, ProgrammingError):
            return None
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

    def vacuum(self, tables: tuple[str, ...]) -> bool:
        """VACUUM these tables now (after a commit: it cannot run inside a transaction), so the
        row versions a transaction replaced are removed rather than kept until autovacuum comes
        by. A version some other open transaction may still read is kept (the next VACUUM takes
        it); a user who does not own the tables is skipped by PostgreSQL with a warning. Never
        raises: nothing depends on it but privacy, which waits for the next. True if it ran."""
        names = ", ".join(self.engine.dialect.identifier_preparer.quote(t) for t in tables)
        try:
            with self.engine.connect().execution_options(isolation_level="AUTOCOMMIT") as conn:
                conn.exec_driver_sql(f"VACUUM {names}")
        except SQLAlchemyError:
            return False
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
        from nbdesk.storage.roles import grant_again

        grant_again(url)  # the people's groups, over the tables the migration added
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
