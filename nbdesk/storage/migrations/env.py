"""Alembic environment for nbdesk: an SQLite file in batch mode (SQLite cannot ALTER most things),
or a PostgreSQL server database (where batch operations are plain ALTERs); either way the whole
upgrade is one transaction, so a failure leaves the database as it was."""

from __future__ import annotations

from alembic import context
from sqlalchemy import text

from nbdesk.storage.database import make_engine
from nbdesk.storage.models import Base

config = context.config
target_metadata = Base.metadata


def run_migrations_on_server(url: str) -> None:
    from nbdesk.storage.server import make_server_engine

    engine = make_server_engine(url)
    try:
        # Writing, so the upgrade queues behind (and ahead of) nbdesks saving to the server.
        with engine.connect().execution_options(nbdesk_writing=True) as connection:
            context.configure(
                connection=connection, target_metadata=target_metadata, transactional_ddl=True
            )
            with context.begin_transaction():
                context.run_migrations()
            connection.commit()
    finally:
        engine.dispose()


def run_migrations_online() -> None:
    url = config.attributes.get("db_url")
    if url is not None:
        run_migrations_on_server(url)
        return
    db_path = config.attributes.get("db_path")
    assert db_path is not None, "nbdesk migrates one SQLite file, given as config.attributes"
    engine = make_engine(db_path, transactional_ddl=True)
    try:
        with engine.connect() as connection:
            # Batch mode rebuilds tables; with foreign keys enforced mid-rebuild, rows would
            # cascade away. The pragma only takes effect outside a transaction, so set it first.
            connection.exec_driver_sql("PRAGMA foreign_keys=OFF")
            connection.commit()
            context.configure(
                connection=connection,
                target_metadata=target_metadata,
                render_as_batch=True,
                transactional_ddl=True,
            )
            with context.begin_transaction():
                context.run_migrations()
                problems = connection.execute(text("PRAGMA foreign_key_check")).fetchall()
                if problems:
                    raise RuntimeError(f"the upgrade would break references: {problems[:5]}")
            connection.exec_driver_sql("PRAGMA foreign_keys=ON")
    finally:
        engine.dispose()


if context.is_offline_mode():
    raise SystemExit("nbdesk does not generate offline SQL scripts.")
run_migrations_online()
