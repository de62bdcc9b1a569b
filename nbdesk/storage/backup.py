"""Copies of a live database taken with SQLite's online backup API.

A plain file copy of a WAL database can miss pages still in the -wal file; the backup API reads
through SQLite itself, so the copy is always a consistent, complete database.
"""

from __future__ import annotations

import glob
import os
import sqlite3
from collections.abc import Callable
from datetime import datetime
from pathlib import Path
from typing import Any

from nbdesk.common import clock
from nbdesk.common.private import create_private_file, private_folder

KEEP_BACKUPS = 10


def migration_backup_path(path: Path, revision: str | None) -> Path:
    """A new name every time: a retried upgrade must never overwrite the good copy."""
    stamp = clock.now().strftime("%Y%m%d-%H%M%S")
    base = f"{path.stem}.before-upgrade-from-{revision}-{stamp}"
    candidate = path.with_name(f"{base}{path.suffix}")
    counter = 2
    while candidate.exists():
        candidate = path.with_name(f"{base}-{counter}{path.suffix}")
        counter += 1
    return candidate


def backup_file(source: Path, target: Path) -> Path:
    """Write a complete copy of `source` to `target` (replaced only once the copy is whole)."""
    target = Path(target)
    private_folder(target.parent)
    partial = target.with_name(target.name + ".partial")
    if partial.exists():
        partial.unlink()
    from nbdesk.storage.encryption import connect_new
    from nbdesk.storage.reading import read_only

    create_private_file(partial)  # readable by the user alone from the start (and its journal)
    try:
        with read_only(Path(source)) as src:
            dst = connect_new(partial, like=Path(source))
            try:
                src.backup(dst)
                # A standalone file: no -wal beside it to lose in an e-mail or on a USB stick.
                dst.execute("PRAGMA journal_mode=DELETE")
            finally:
                dst.close()
        os.replace(partial, target)
    except BaseException:
        partial.unlink(missing_ok=True)
        raise
    return target


def backups_folder(db_path: Path) -> Path:
    return Path(db_path).parent / f"{Path(db_path).stem} backups"


def backup_of(path: Path) -> Path | None:
    """The file this is one of nbdesk's backups of (in "<name> backups" beside it, named
    "<name> <when> <why>.nbdesk"), or None."""
    path = Path(path)
    folder = path.parent.name
    if not folder.endswith(" backups") or path.suffix != ".nbdesk":
        return None
    stem = folder[: -len(" backups")]
    if not stem or not path.name.startswith(f"{stem} "):
        return None
    return path.parent.parent / f"{stem}.nbdesk"


def _taken_at(path: Path, stem: str) -> datetime:
    """When a backup was taken, from the stamp in its name (written from nbdesk's clock, so the
    age of a backup is measured on the same clock as "now"); the file's time if it has none."""
    stamp = path.name[len(stem) + 1 : len(stem) + 18]
    try:
        return datetime.strptime(stamp, "%Y-%m-%d %H%M%S")
    except ValueError:
        return datetime.fromtimestamp(path.stat().st_mtime)


def _backups(db_path: Path) -> list[tuple[datetime, Path]]:
    """This database's backups, oldest first."""
    stem = Path(db_path).stem
    found = backups_folder(db_path).glob(f"{glob.escape(stem)} * *.nbdesk")
    return sorted((_taken_at(p, stem), p) for p in found)


def copies_of(db_path: Path) -> list[Path]:
    """Every copy nbdesk keeps of this file: its backups in the folder beside it and the copies
    taken before upgrades (a copy written elsewhere with `nbdesk backup --out` is not known)."""
    path = Path(db_path)
    upgrades = path.parent.glob(
        f"{glob.escape(path.stem)}.before-upgrade-from-*{glob.escape(path.suffix)}"
    )
    return [p for _, p in _backups(path)] + sorted(upgrades)


class Copy:
    """A copy being scrubbed, as `scrub_copy` hands it to its work. A copy is an SQLite file
    whatever the database in use, and may be of an older schema: the work asks which columns a
    table has, and runs SQLAlchemy Core statements, compiled here for SQLite."""

    def __init__(self, conn: sqlite3.Connection) -> None:
        self._conn = conn

    def columns(self, table: str) -> set[str]:
        return {row[1] for row in self._conn.execute(f"PRAGMA table_info({table})")}

    def execute(self, statement: Any) -> None:
        from sqlalchemy.dialects import sqlite

        dialect = sqlite.dialect()
        compiled = statement.compile(dialect=dialect, compile_kwargs={"render_postcompile": True})
        params = compiled.construct_params()
        values = []
        for name in compiled.positiontup or ():
            value = params[name]
            process = (
                compiled.binds[name].type.bind_processor(dialect)
                if name in compiled.binds
                else None
            )
            values.append(process(value) if process else value)
        self._conn.execute(str(compiled), values)


def scrub_copy(copy: Path, work: Callable[[Copy], None]) -> str:
    """Change a copy as `work` says (in one transaction, deleted content overwritten with zeros),
    then rebuild it so no free space keeps what was there. 'erased' when done; 'deleted' when the
    copy could not be changed (damaged, or not an nbdesk file) and was removed instead; 'kept'
    when neither was possible (another program has it open, or it is read-only)."""
    from nbdesk.storage import encryption

    failures: tuple[type[Exception], ...] = (
        *encryption.driver_errors(),
        encryption.EncryptionError,
    )
    try:
        # An encrypted copy opens with the file's key, so it is erased rather than deleted.
        conn = encryption.connect(
            copy, uri=_uri(copy), timeout=2.0, isolation_level=None, check_same_thread=False
        )
        try:
            conn.execute("PRAGMA secure_delete=ON")
            conn.execute("BEGIN IMMEDIATE")
            work(Copy(conn))
            conn.execute("COMMIT")
            conn.execute("PRAGMA temp_store=MEMORY")
            conn.execute("VACUUM")
            conn.execute("PRAGMA wal_checkpoint(TRUNCATE)")
        finally:
            conn.close()
        return "erased"
    except failures as exc:
        if "locked" in str(exc) or "busy" in str(exc) or "readonly" in str(exc):
            return "kept"
    try:
        Path(copy).unlink()
    except OSError:
        return "kept"
    return "deleted"


def _uri(path: Path) -> str:
    from nbdesk.storage.wal_guard import file_uri

    return file_uri(path, "rw")


def newest_backup_age_hours(db_path: Path, now: datetime | None = None) -> float | None:
    backups = _backups(db_path)
    if not backups:
        return None
    return ((now or clock.now()) - backups[-1][0]).total_seconds() / 3600


def daily_backup(db_path: Path, now: datetime | None = None) -> Path | None:
    """A backup when the newest one is over a day old: a laptop lost or a file damaged costs at
    most a day's work even if nobody remembers File › Back up now."""
    age = newest_backup_age_hours(db_path, now)
    if age is not None and 0 <= age < 24:
        return None
    return rotating_backup(db_path, "automatic", now)


def rotating_backup(db_path: Path, reason: str = "manual", now: datetime | None = None) -> Path:
    """A dated backup in the folder beside the database, keeping the newest KEEP_BACKUPS taken
    for each reason: ten presses of Back up now had pushed out every daily ("automatic") backup.
    A backup someone has opened is never removed (worked_in)."""
    stamp = (now or clock.now()).strftime("%Y-%m-%d %H%M%S")
    folder = private_folder(backups_folder(db_path))
    target = folder / f"{Path(db_path).stem} {stamp} {reason}.nbdesk"
    backup_file(db_path, target)
    by_reason: dict[str, list[Path]] = {}
    for _, path in _backups(db_path):
        by_reason.setdefault(path.stem.rsplit(" ", 1)[-1], []).append(path)
    for older in by_reason.values():
        for stale in older[:-KEEP_BACKUPS]:
            if not worked_in(stale):
                stale.unlink(missing_ok=True)
    return target


def worked_in(backup: Path) -> bool:
    """Whether someone has opened this backup in nbdesk (or another SQLite program) and so may
    have saved work in it, which removing it would lose: a tester opened a backup, added a person
    there, and the next Back up now of the main file deleted it. A backup is written in SQLite's
    rollback-journal mode; an nbdesk that opens it puts a -wal and a -shm beside it while open and
    leaves it in WAL mode (bytes 18 and 19 of its header) once closed. An encrypted backup's
    header cannot be read, so only while it is open is it known to be in use. The header is read
    only once no -wal or -shm shows the file open: on Linux, closing a handle to a file another
    connection of this process has open would drop that connection's locks."""
    from nbdesk.storage.encryption import SQLITE_MAGIC
    from nbdesk.storage.wal_guard import wal_file

    if wal_file(backup).exists() or Path(f"{backup}-shm").exists():
        return True
    try:
        with backup.open("rb") as fh:
            header = fh.read(20)
    except OSError:
        return False
    plain = header.startswith(SQLITE_MAGIC) and len(header) == 20
    return plain and header[18:20] != b"\x01\x01"
