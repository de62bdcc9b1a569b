"""Other people's changes, heard as they are saved: PostgreSQL LISTEN/NOTIFY carrying Changes.

A writing transaction on a server ends with `pg_notify` in the same transaction, so the
notification goes out only if the commit does, and a rolled-back write sends nothing. It carries
what `to_payload` keeps of the Changes: the kinds and the assessments' ids, and a token naming the
sending Database (a window passes over its own saves, which it has announced already). It never
carries `people`: with the moment it arrives it would date a completion more finely than the day.

The writer says what it changed with `changes.tell_others(session, changes)` (the window's Ops do, from the
service's result). A writer that does not say (the command line, a demonstration being built) is
taken to have changed everything if the transaction wrote anything at all, so a contact logged from
a command still reaches every open window.

`listen` is the other end: a blocking generator on its own connection, for a thread to run. A file
has no counterpart (one person at a time, and the window announces its own saves).

Light at import: SQLAlchemy and psycopg are loaded only when a server is in use.
"""

from __future__ import annotations

import contextlib
import time
import uuid
from collections.abc import Callable, Iterator
from typing import Any

from nbdesk.common.changes import (
    EVERYTHING,
    TOLD,
    Changes,
    LiveState,
    from_payload,
    to_payload,
)

# One name is enough: PostgreSQL delivers a notification only to listeners connected to the same
# database, so each authority's database is its own channel.
CHANNEL = "nbdesk_changes"
SENDER = "live_sender"
WAIT_S = 0.25  # how long a listener waits for a notification before looking whether to stop
CHECK_EVERY_S = 20.0  # a quiet connection is asked a question this often, to find it dropped
RETRY_AFTER_S = (1.0, 2.0, 5.0, 10.0, 30.0)  # waits between reconnection attempts


def sender_of(db: Any) -> str:
    """The token naming this open Database in its notifications: random, so it says nothing of
    the person or the computer, and different for two Databases in one process."""
    token = getattr(db, SENDER, None)
    if token is None:
        token = uuid.uuid4().hex[:12]
        setattr(db, SENDER, token)
    return str(token)


def announce(session: Any, db: Any) -> None:  # a before_commit event of a server's writers
    """Just before a server transaction commits: notify the others of what it changed (what the
    writer told, or EVERYTHING from a writer that said nothing but wrote)."""
    changes: Changes | None = session.info.pop(TOLD, None)
    if changes is None:
        session.flush()  # rows still pending are written now, so the question below sees them
        wrote = session.connection().exec_driver_sql("SELECT txid_current_if_assigned()").scalar()
        changes = EVERYTHING if wrote is not None else None
    if not changes:
        return
    from sqlalchemy import text

    session.execute(
        text("SELECT pg_notify(:channel, :payload)"),
        {"channel": CHANNEL, "payload": to_payload(changes, sender_of(db))},
    )


def _connect(db: Any) -> Any:
    """A connection of its own, out of the engine's pool (so it connects as the window does,
    with the same credentials), in autocommit: LISTEN takes effect at once."""
    pooled = db.engine.raw_connection()
    pooled.detach()
    conn = pooled.dbapi_connection
    conn.rollback()
    conn.autocommit = True
    conn.execute(f"LISTEN {CHANNEL}")
    return conn


def _close(conn: Any) -> None:
    with contextlib.suppress(Exception):  # already gone: nothing to close
        conn.close()


def listen(
    db: Any,
    stopped: Callable[[], bool],
    *,
    wait_s: float = WAIT_S,
    retry_after: tuple[float, ...] = RETRY_AFTER_S,
) -> Iterator[Changes | LiveState]:
    """What others save to `db`'s server, as Changes, until `stopped()` (looked at every `wait_s`).

    LISTENING comes first, once connected. Its own Database's notifications are passed over. If
    the connection drops (or cannot be made), it yields PAUSED once, tries again after each of
    `retry_after` in turn (then the last, for as long as it takes), and on reconnecting yields
    RESUMED then EVERYTHING: what was saved meanwhile was not heard."""
    from psycopg import Error as DriverError

    own = sender_of(db)
    conn: Any = None
    attempt = 0
    paused = False
    quiet_since = time.monotonic()
    try:
        while not stopped():
            if conn is None:
                try:
                    conn = _connect(db)
                except Exception:
                    if not paused:
                        paused = True
                        yield LiveState.PAUSED
                    _sleep(retry_after[min(attempt, len(retry_after) - 1)], stopped)
                    attempt += 1
                    continue
                attempt = 0
                quiet_since = time.monotonic()
                if not paused:
                    yield LiveState.LISTENING
                else:
                    paused = False
                    yield LiveState.RESUMED
                    yield EVERYTHING
            try:
                for note in conn.notifies(timeout=wait_s):
                    quiet_since = time.monotonic()
                    heard = from_payload(note.payload)
                    if heard is not None and heard[0] != own and heard[1]:
                        yield heard[1]
                if time.monotonic() - quiet_since > CHECK_EVERY_S:
                    conn.execute("SELECT 1")
                    quiet_since = time.monotonic()
            except DriverError:
                _close(conn)
                conn = None
                if not paused:
                    paused = True
                    yield LiveState.PAUSED
    finally:
        if conn is not None:
            _close(conn)


def _sleep(seconds: float, stopped: Callable[[], bool]) -> None:
    end = time.monotonic() + seconds
    while not stopped() and time.monotonic() < end:
        time.sleep(min(WAIT_S, max(end - time.monotonic(), 0)))
