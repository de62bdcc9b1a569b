"""Plain SQL straight to a test's database, whichever backend it is on: tests count rows by hand
this way, not through the services they check."""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from pathlib import Path
from typing import Any

from nbdesk.storage.location import Location


class Raw:
    """`execute(sql, params)` with sqlite3's `?` placeholders on either backend."""

    def __init__(self, conn: Any, server: bool) -> None:
        self.conn = conn
        self.server = server

    def execute(self, sql: str, params: Sequence[object] = ()) -> Any:
        if self.server:
            return self.conn.execute(sql.replace("%", "%%").replace("?", "%s"), tuple(params))
        return self.conn.execute(sql, tuple(params))


@contextmanager
def raw(db: Location) -> Iterator[Raw]:
    if isinstance(db, Path):
        import sqlite3

        conn = sqlite3.connect(db)
        try:
            yield Raw(conn, server=False)
            conn.commit()
        finally:
            conn.close()
        return
    from nbdesk.storage.server import make_server_engine

    engine = make_server_engine(db)
    try:
        connection = engine.raw_connection()
        try:
            yield Raw(connection.driver_connection, server=True)
            connection.commit()
        finally:
            connection.close()
    finally:
        engine.dispose()
