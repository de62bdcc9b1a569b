"""Alembic environment for nbdesk: always SQLite, always batch mode (SQLite cannot ALTER most things)."""

from __future__ import annotations

from alembic import context
from sqlalchemy import text

from nbdesk.storage.database import make_engine
from nbdesk.storage.models import Base

config = context.config
target_metadata = Base.metadata


def run_migrations_online() -> None:
    url = config.get_main_option("sqlalchemy.url")
    assert url and url.startswith("sqlite:///"), "nbdesk migrates SQLite files only"
    engine = make_engine(url.removeprefix("sqlite:///"))  # type: ignore[arg-type]
    with engine.connect() as connection:
        # Batch mode rebuilds tables; with foreign keys enforced mid-rebuild, rows would cascade away.
        connection.exec_driver_sql("PRAGMA foreign_keys=OFF")
        connection.commit()
        context.configure(
            connection=connection, target_metadata=target_metadata, render_as_batch=True
        )
        with context.begin_transaction():
            context.run_migrations()
        problems = connection.execute(text("PRAGMA foreign_key_check")).fetchall()
        if problems:
            raise RuntimeError(f"Upgrade left broken references: {problems[:5]}")
        connection.exec_driver_sql("PRAGMA foreign_keys=ON")
    engine.dispose()


if context.is_offline_mode():
    raise SystemExit("nbdesk does not generate offline SQL scripts.")
run_migrations_online()
