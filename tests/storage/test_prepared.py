"""storage.prepared: a Core statement compiled once, run on the session's driver connection."""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime

from sqlalchemy import (
    Column,
    DateTime,
    Integer,
    MetaData,
    String,
    Table,
    bindparam,
    create_engine,
    insert,
    literal,
    select,
)
from sqlalchemy.dialects import postgresql
from sqlalchemy.orm import Session

from nbdesk.storage.location import Location
from nbdesk.storage.prepared import Prepared
from nbdesk.storage.server import make_server_engine

metadata = MetaData()
row = Table(
    "row",
    metadata,
    Column("id", Integer, primary_key=True),
    Column("kind", String(20)),
    Column("at", DateTime),
    Column("n", Integer, nullable=True),
)
ADD = Prepared(
    insert(row)
    .from_select(
        ["kind", "at", "n"],
        select(literal("fixed", String), bindparam("at", type_=DateTime), bindparam("n")),
    )
    .returning(row.c.id, row.c.kind)
)


def test_runs_in_the_sessions_transaction_with_values_processed_as_sqlalchemy_would(
    database_at: Callable[..., Location],
) -> None:
    where = database_at("prepared.db")
    engine = (
        make_server_engine(where) if isinstance(where, str) else create_engine(f"sqlite:///{where}")
    )
    metadata.create_all(engine)
    moment = datetime(2027, 3, 4, 5, 6, 7)
    with Session(engine) as session:
        assert ADD.run(session, {"at": moment, "n": None}) == [(1, "fixed")]
        # Read back through SQLAlchemy: the DateTime was stored in SQLAlchemy's own format.
        assert session.execute(select(row.c.kind, row.c.at, row.c.n)).all() == [
            ("fixed", moment, None)
        ]
        session.rollback()
        assert session.scalar(select(row.c.id)) is None  # rolled back with the session


def test_compiles_for_postgresql_too() -> None:
    sql = ADD.statement.compile(dialect=postgresql.dialect())
    assert "RETURNING" in str(sql)
    assert ADD._compiled(postgresql.dialect()).names is None  # named parameters, passed as a dict
