"""Reading a file through SQLite without writing to it, with the standard library alone (no
SQLAlchemy): the checks that may refuse a file, backups, and the window's first screen."""

from __future__ import annotations

import sqlite3
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from nbdesk.storage.wal_guard import file_uri

READ_TIMEOUT_S = 5.0  # how long a read waits for another program's lock before giving up


def read_only_uri(path: Path) -> str:
    """A `file:` URI SQLite reads correctly for any path: '#', '?', '%', spaces, UNC shares."""
    return file_uri(path, "ro")


@contextmanager
def read_only(path: Path, timeout: float = READ_TIMEOUT_S) -> Iterator[sqlite3.Connection]:
    """A read-only connection, through SQLite itself (plain or SQLCipher).

    Its -wal and -shm files are never deleted here, even ones that were not there when it opened:
    another nbdesk (the window while a command runs, or two commands) may have created them and
    committed to them meanwhile, and deleting a -wal loses every change in it (issue 11: saved
    completions were lost this way). SQLite removes them itself when the last writer closes."""
    from nbdesk.storage.encryption import connect

    conn = connect(path, uri=read_only_uri(path), timeout=timeout)
    try:
        yield conn
    finally:
        conn.close()
