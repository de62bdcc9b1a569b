"""Knowing whether a file was closed properly, so a lost -wal is reported instead of silently lost.

While nbdesk has a file open, SQLite keeps the newest changes in `FILE-wal` beside it (WAL mode:
bytes 18–19 of the file's header are 2) and folds them into the file at a checkpoint, and when the
last connection closes, removing the -wal. If nbdesk or the computer stops first, the -wal stays
and SQLite folds it in the next time the file is opened. But if the file is then opened *without*
its -wal (copied or e-mailed on its own, or the -wal removed by a clean-up tool or a sync client),
those changes are gone for good, and nothing says so: a bare WAL-mode file looks exactly like one
that was closed properly.

So nbdesk keeps, in the file itself, whether changes may be waiting in a -wal: the header's
user-version field (bytes 60–63, which nothing else in nbdesk uses) holds SAVING from the first save
of a session until the file is closed properly, and 0 otherwise.

- The first commit that changes a row, when the field is not SAVING, sets it in the same commit,
  and the -wal is checkpointed straight after: from then on the file on disk says SAVING, before
  any later change exists only in the -wal. (A commit that changes nothing writes nothing, so
  looking at a file leaves it byte for byte as it was.)
- Closing sets it back to 0 and checkpoints. Another nbdesk that still has the file open sets
  SAVING again at its next save; a checkpoint copies the -wal in order, so the file on disk says 0
  only once every change before the 0 is in it too.
- Opening reads the header's bytes before SQLite touches the file: WAL mode, SAVING, and no -wal
  beside it means nbdesk stopped (or the file was copied) while changes were only in a -wal that
  is not here. It is refused, in words, and left as it is. (A read-only SQLite connection would
  make an empty -wal beside it, after which it would pass as recoverable.)

What it cannot see: changes saved between the very first save of a session and the checkpoint
straight after it (milliseconds), or while a long read in another nbdesk keeps that checkpoint
from finishing; and a file closed by some other SQLite program after nbdesk stopped is refused
though nothing is missing (the message names `nbdesk check --accept-as-is`, which clears the mark).
"""

from __future__ import annotations

from pathlib import Path
from typing import Any
from urllib.parse import quote

SAVING = 0x6E626B31  # "nbk1": changes may be waiting in this file's -wal
HEADER_SIZE = 100
CHANGES_AT_BEGIN = "nbdesk_changes_at_begin"  # the connection's total_changes when it began


def note_begin(conn: Any) -> None:
    """As a transaction begins (a SQLAlchemy "begin" event): how many rows its connection had
    changed so far, for mark_saving."""
    conn.info[CHANGES_AT_BEGIN] = conn.connection.dbapi_connection.total_changes


def mark_saving(conn: Any) -> bool:
    """Just before a commit (a SQLAlchemy "commit" event): if it changes rows and the file does not
    yet say SAVING, say so in the same commit. True if it did: the -wal is to be checkpointed
    straight after."""
    raw = conn.connection.dbapi_connection
    if raw.total_changes == conn.info.pop(CHANGES_AT_BEGIN, raw.total_changes):
        return False
    if raw.execute("PRAGMA user_version").fetchone()[0] == SAVING:
        return False
    raw.execute(f"PRAGMA user_version={SAVING}")
    return True


def file_uri(path: Path, mode: str) -> str:
    """A `file:` URI SQLite reads correctly for any path: '#', '?', '%', spaces, UNC shares.
    `mode` is ro (read only) or rw (read and write; never creates the file)."""
    posix = Path(path).resolve().as_posix()
    prefix = "file:" + ("//" if posix.startswith("//") else "")
    return prefix + quote(posix, safe="/:") + f"?mode={mode}"


def wal_file(path: Path) -> Path:
    return Path(f"{path}-wal")


def lost_wal(path: Path) -> bool:
    """Whether nbdesk left changes in this file's -wal (WAL mode, SAVING) and no -wal is beside it.
    Read from the bytes, before anything opens the file, and read twice: another nbdesk closing
    the file between reading its header and looking for its -wal (the header then said SAVING,
    and the -wal was gone with the last connection) had a file closed properly refused, and one
    opening it and saving between looking for the -wal and a second header would have too."""
    if not _says_saving(path) or wal_file(path).exists():
        return False
    return _says_saving(path) and not wal_file(path).exists()


def _says_saving(path: Path) -> bool:
    try:
        with Path(path).open("rb") as fh:
            header = fh.read(HEADER_SIZE)
    except OSError:
        return False  # whoever reads it next says why it cannot be read
    if len(header) < HEADER_SIZE or header[18:20] != b"\x02\x02":
        return False
    return int.from_bytes(header[60:64], "big") == SAVING


def accept_as_is(path: Path) -> None:
    """Clear the mark on a file refused by lost_wal, when someone who knows says nothing is missing
    (another SQLite program folded the -wal in and closed it). Through SQLite, never by bytes."""
    import sqlite3

    conn = sqlite3.connect(file_uri(path, "rw"), uri=True, isolation_level=None)
    try:
        conn.execute("PRAGMA user_version=0")
    finally:
        conn.close()
