"""Storage: one SQLite file per authority, its schema, migrations and backups. No Qt here."""

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
