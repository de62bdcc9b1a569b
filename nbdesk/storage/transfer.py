"""Moving an authority whole from one database to another with the same schema: a local file onto
a PostgreSQL server (`nbdesk migrate-to-server`), or a server into a new local file (`nbdesk
backup --to`). Engine-based, so any pair of SQLite and PostgreSQL works the same way.

The copy into the target is one transaction: it is whole or it is not there. Ids are kept, so
every reference stays right, and PostgreSQL's sequences are moved past them afterwards. What
each table holds is counted on both sides at the end, for the person to see.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from sqlalchemy import Connection, Engine, Table, func, inspect, select, text

from nbdesk.common.errors import PlainError
from nbdesk.storage import schema

if TYPE_CHECKING:
    from sqlalchemy.engine import Row

BATCH_ROWS = 5000  # rows read and written at a time: memory stays bounded whatever the size

Progress = Callable[[int, int], object]  # (rows copied so far, rows to copy)


class TransferError(PlainError):
    """A copy that was refused or failed; the target has been left as it was."""


@dataclass(frozen=True)
class TableCount:
    table: str
    source: int
    target: int

    @property
    def equal(self) -> bool:
        return self.source == self.target


def authority_tables() -> list[Table]:
    """Every table of an authority, each after the tables it refers to."""
    from nbdesk.storage.models import Base

    return list(Base.metadata.sorted_tables)


def revision_of(conn: Connection) -> str | None:
    """The schema revision a database holds; None when it has no nbdesk schema at all."""
    if not inspect(conn).has_table("alembic_version"):
        return None
    row = conn.execute(text("SELECT version_num FROM alembic_version")).first()
    return row[0] if row else None


def _count(conn: Connection, table: Table) -> int:
    return int(conn.execute(select(func.count()).select_from(table)).scalar_one())


def tables_holding_rows(conn: Connection) -> list[str]:
    """The tables of an authority that hold anything (none in a database just made)."""
    return [
        t.name
        for t in authority_tables()
        if conn.execute(select(1).select_from(t).limit(1)).first()
    ]


def _check_revisions(source: Connection, target: Connection, target_name: str) -> None:
    head = schema.head_revision()
    found_source, found_target = revision_of(source), revision_of(target)
    if found_target is None:
        raise TransferError(
            f"{target_name} has no nbdesk schema; create it first. Nothing was copied."
        )
    if found_source != head or found_target != head:
        raise TransferError(
            f"The two databases must both be at this nbdesk's schema {head}: the source is at "
            f"{found_source}, {target_name} at {found_target}. Upgrade the older one with this "
            "nbdesk first. Nothing was copied."
        )


def _rows_in_key_order(conn: Connection, table: Table) -> Iterator[Sequence[Row[Any]]]:
    """The table's rows, BATCH_ROWS at a time, in primary-key order.

    Key order, never the order the rows happen to be stored in, for every table and above all
    the completion tables (completion, completion_change) and outreach_contact: they are kept in
    key order (migration 0008, survey/completion.py) so the order in which people completed a
    survey cannot be lined up with anything. A server stores rows in the order they arrive, so
    rows read in storage order from a server, or from an older file, would carry that order into
    the copy. Being one transaction, every row copied onto a server also has the same
    transaction id, which tells an administrator nothing about any row's order."""
    statement = select(table).order_by(*table.primary_key.columns)
    result = conn.execution_options(yield_per=BATCH_ROWS).execute(statement)
    yield from result.partitions(BATCH_ROWS)


def _insert_batch(conn: Connection, table: Table, rows: Sequence[Row[Any]]) -> None:
    conn.execute(table.insert(), [dict(row._mapping) for row in rows])


def _reset_sequences(conn: Connection) -> None:
    """Move each PostgreSQL sequence past the highest id copied: ids were copied as they were,
    so a sequence left at its start would hand out an id already taken at the next insert."""
    if conn.dialect.name != "postgresql":
        return  # SQLite takes the next id from the table itself
    for table in authority_tables():
        key = list(table.primary_key.columns)
        if len(key) != 1 or not key[0].autoincrement:
            continue
        sequence = conn.execute(
            text("SELECT pg_get_serial_sequence(:table, :column)"),
            {"table": table.name, "column": key[0].name},
        ).scalar_one()
        if sequence is None:
            continue
        highest = conn.execute(select(func.max(key[0]))).scalar_one()
        # With is_called false, the next id handed out is exactly this one.
        conn.execute(
            text("SELECT setval(:sequence, :next, false)"),
            {"sequence": sequence, "next": (highest or 0) + 1},
        )


def copy_authority(
    source: Engine,
    target: Engine,
    *,
    target_name: str = "The target database",
    progress: Progress | None = None,
) -> list[TableCount]:
    """Copy every table of the authority in `source` into `target`, which must hold nbdesk's
    schema at the same revision and nothing else; then count both sides, table by table.

    The target is refused, unchanged, if it already holds anything. The whole copy is one
    transaction on the target, so a failure midway leaves it as empty as it was. The source is
    read in one transaction too: the copy is of one moment, whatever else is writing to it."""
    tables = authority_tables()
    with source.connect() as src, target.begin() as dst:
        if src.dialect.name == "postgresql":
            # One snapshot for every table, or a contact logged on the server mid-copy could be
            # read without the person it belongs to (PostgreSQL's default reads each statement
            # afresh); SQLite's read transaction is a snapshot already.
            src.execution_options(isolation_level="REPEATABLE READ", postgresql_readonly=True)
        _check_revisions(src, dst, target_name)
        holding = tables_holding_rows(dst)
        if holding:
            raise TransferError(
                f"{target_name} already holds an authority (its {', '.join(holding[:3])} "
                "tables are not empty); nbdesk copies only into an empty one. Nothing was "
                "changed."
            )
        source_counts = {table.name: _count(src, table) for table in tables}
        total = sum(source_counts.values())
        done = 0
        if progress is not None:
            progress(done, total)
        for table in tables:
            for rows in _rows_in_key_order(src, table):
                _insert_batch(dst, table, rows)
                done += len(rows)
                if progress is not None:
                    progress(done, total)
        _reset_sequences(dst)
    with target.connect() as check:
        return [TableCount(t.name, source_counts[t.name], _count(check, t)) for t in tables]


def create_schema_by_migrations(engine: Engine) -> None:
    """Create nbdesk's schema in an empty database through the same Alembic migrations that
    build a local file (nbdesk.storage.migrate, one transaction)."""
    from pathlib import Path

    from nbdesk.storage.migrate import upgrade

    with engine.connect() as conn:
        if revision_of(conn) is not None:
            raise TransferError("That database already has an nbdesk schema.")
    if engine.dialect.name == "sqlite":
        upgrade(Path(str(engine.url.database)))
    else:
        upgrade(engine.url.render_as_string(hide_password=False))
