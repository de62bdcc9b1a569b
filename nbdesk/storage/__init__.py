"""Storage: one SQLite file per authority, its schema, migrations and backups. No Qt here.

The names below come from `nbdesk.storage.database`, which imports SQLAlchemy; they are loaded on
first use, so the light modules here (schema, wal_guard, encryption) can be imported without it:
the window's first screen is read with the standard library alone."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from nbdesk.storage.database import (
        CorruptDatabaseError,
        Database,
        DatabaseError,
        NewerDatabaseError,
        NotAnNbdeskDatabaseError,
        create_database,
        open_database,
    )

__all__ = [
    "CorruptDatabaseError",
    "Database",
    "DatabaseError",
    "NewerDatabaseError",
    "NotAnNbdeskDatabaseError",
    "create_database",
    "open_database",
]


def __getattr__(name: str) -> Any:
    if name in __all__:
        from nbdesk.storage import database

        return getattr(database, name)
    raise AttributeError(f"module 'nbdesk.storage' has no attribute {name!r}")
