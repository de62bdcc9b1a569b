"""A file's writing connection, kept open from one transaction to the next.

Recording a workshop rating must cost little more than its commit (benchmarks/bench_rating.py).
Taking a connection from SQLAlchemy's pool for every transaction and handing it back (a Connection
object made, the pool's checkout, its reset on return) cost about a tenth of recording a rating,
commit included. A file has one writer at a time whatever nbdesk does (a
transaction that writes begins IMMEDIATE, taking the file's write lock), so its transactions run
one after another on this one connection. One that finds it in use (another thread's transaction,
or a transaction begun inside another) takes a connection from the pool as every transaction did
before, and so waits for the file's write lock as it always has.

A PostgreSQL server has many writers at once, and its transactions keep to the pool.
"""

from __future__ import annotations

import threading
from collections.abc import Iterator
from contextlib import contextmanager, suppress

from sqlalchemy import Connection, Engine
from sqlalchemy.orm import Session, sessionmaker

CLOSE_WAIT_S = 5.0  # how long close() waits for a transaction still running on another thread


class KeptWriter:
    """The one connection a file's transactions run on (opened at the first), and the lock that
    keeps them to one at a time. `engine` carries the execution options of a writing
    transaction; `pooled` makes the sessions of those that find it in use."""

    def __init__(self, engine: Engine, pooled: sessionmaker[Session]) -> None:
        self._engine = engine
        self._pooled = pooled
        self._lock = threading.Lock()
        self._connection: Connection | None = None
        self._closed = False

    @contextmanager
    def begin(self) -> Iterator[Session]:
        """A session in a transaction that commits when the block ends, or rolls back."""
        if self._closed or not self._lock.acquire(blocking=False):
            with self._pooled.begin() as session:
                yield session
            return
        try:
            connection = self._open()
            with Session(bind=connection, expire_on_commit=False) as session, session.begin():
                yield session
        finally:
            self._settle()
            self._lock.release()

    def _open(self) -> Connection:
        if self._connection is None:
            self._connection = self._engine.connect()
        return self._connection

    def _settle(self) -> None:
        """After a transaction: a connection left unusable (its driver connection lost, or a
        transaction it could not end) is let go, and the next transaction opens another; so is
        the connection of a writer closed while the transaction ran."""
        connection = self._connection
        if connection is None:
            return
        if connection.invalidated or connection.in_transaction() or self._closed:
            self._connection = None
            with suppress(Exception):  # already broken: nothing more to let go of
                connection.close()

    def close(self) -> None:
        """Let the connection go (at the end of a transaction still running on another thread,
        if it does not end within CLOSE_WAIT_S). Transactions after this take the pool's."""
        self._closed = True
        if self._lock.acquire(timeout=CLOSE_WAIT_S):
            try:
                self._settle()
            finally:
                self._lock.release()
