"""Core statements compiled once and run straight on the driver, for the few that run on every key
press.

Recording a workshop rating must cost little more than its commit (benchmarks/bench_rating.py), and
SQLAlchemy's per-execution machinery (execution context, events, result set-up) cost more than
the two statements themselves. A `Prepared` statement is written as SQLAlchemy Core like any other,
so it compiles for SQLite and PostgreSQL alike; it is compiled once per dialect, and each run sends
that SQL, with the bound values processed as SQLAlchemy would, on the session's own DB-API
connection inside its transaction (so it commits or rolls back with the session).
"""

from __future__ import annotations

from collections.abc import Callable, Iterator, Mapping
from dataclasses import dataclass
from typing import Any

from sqlalchemy.orm import Session


@dataclass(frozen=True)
class _Compiled:
    sql: str
    names: tuple[str, ...] | None  # the parameters in order for a positional paramstyle
    processors: dict[str, Callable[[Any], Any]]
    fixed: dict[str, Any]  # values written into the statement (a literal), already processed


class Prepared:
    """A Core statement (an INSERT, UPDATE or DELETE, optionally with RETURNING, or a SELECT)
    whose parameters are all named `bindparam`s; `run` returns its rows as plain tuples."""

    def __init__(self, statement: Any) -> None:
        self.statement = statement
        self._by_dialect: dict[str, _Compiled] = {}

    def _compiled(self, dialect: Any) -> _Compiled:
        found = self._by_dialect.get(dialect.name)
        if found is None:
            compiled = self.statement.compile(dialect=dialect)
            processors, fixed = {}, {}
            for bind, name in compiled.bind_names.items():
                process = bind.type.dialect_impl(dialect).bind_processor(dialect)
                if bind.required:
                    if process is not None:
                        processors[name] = process
                else:
                    fixed[name] = process(bind.value) if process is not None else bind.value
            positional = tuple(compiled.positiontup or ()) if compiled.positional else None
            found = _Compiled(str(compiled), positional, processors, fixed)
            self._by_dialect[dialect.name] = found
        return found

    def run(self, session: Session, params: Mapping[str, Any]) -> list[tuple[Any, ...]]:
        connection = session.connection()
        compiled = self._compiled(connection.dialect)
        values = {**compiled.fixed, **params}
        for name, process in compiled.processors.items():
            values[name] = process(values[name])
        args: Any = [values[n] for n in compiled.names] if compiled.names is not None else values
        cursor = connection.connection.dbapi_connection.cursor()  # type: ignore[union-attr]
        dbapi_error = connection.dialect.loaded_dbapi.Error
        try:
            cursor.execute(compiled.sql, args)
            return [tuple(row) for row in cursor.fetchall()] if cursor.description else []
        except dbapi_error as exc:
            # Wrapped as SQLAlchemy wraps its own (a lock, a server's refusal of a role): the
            # transaction turns those into one plain line, whichever way the statement ran.
            from sqlalchemy.exc import DBAPIError

            raise DBAPIError.instance(compiled.sql, args, exc, dbapi_error) from exc
        finally:
            cursor.close()


def core(session: Session) -> Callable[..., Any]:
    """Run Core statements on the session's own connection, after writing out what the session
    holds. For the small reads a screen makes on every redraw: the ORM's work around each
    statement (its compile-cache key, entity loading) cost more than SQLite's own."""
    session.flush()
    return session.connection().execute


# Rows fetched at a time by many_rows.
CHUNK = 1000


def many_rows(session: Session, statement: Any, values: Any = None) -> Iterator[Any]:
    """A Core read of many rows (a round of 50,000) on the session's own connection, without the
    ORM's per-row bookkeeping, fetched a thousand at a time: row by row through SQLAlchemy cost a
    third more, and the whole result fetched at once was held beside what is made of it, so each
    read of a huge round asked the system for tens of MiB afresh (benchmarks/bench_growth.py)."""
    for part in session.connection().execute(statement, values).partitions(CHUNK):
        yield from part
