"""What a database holds, as one digest: a file's bytes, or every row of a server database's
nbdesk tables (a refusal must leave either exactly as it was)."""

from __future__ import annotations

import hashlib
from pathlib import Path

from nbdesk.storage.location import Location


def fingerprint(db: Location) -> str:
    if isinstance(db, Path):
        return hashlib.sha256(db.read_bytes()).hexdigest()
    from sqlalchemy import select

    from nbdesk.storage.models import Base
    from nbdesk.storage.server import make_server_engine

    digest = hashlib.sha256()
    engine = make_server_engine(db)
    try:
        with engine.connect() as conn:
            for name, table in sorted(Base.metadata.tables.items()):
                digest.update(name.encode())
                order = list(table.primary_key.columns) or list(table.columns)
                for row in conn.execute(select(table).order_by(*order)):
                    digest.update(repr(tuple(row)).encode())
            for row in conn.exec_driver_sql("SELECT version_num FROM alembic_version"):
                digest.update(repr(tuple(row)).encode())
    finally:
        engine.dispose()
    return digest.hexdigest()
