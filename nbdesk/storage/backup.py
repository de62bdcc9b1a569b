"""Copies of a live database taken with SQLite's online backup API.

A plain file copy of a WAL database can miss pages still in the -wal file; the backup API reads
through SQLite itself, so the copy is always a consistent, complete database.
"""

from __future__ import annotations

import os
import sqlite3
from datetime import datetime
from pathlib import Path

KEEP_BACKUPS = 10


def backup_file(source: Path, target: Path) -> Path:
    """Write a complete copy of `source` to `target` (replaced only once the copy is whole)."""
    target = Path(target)
    target.parent.mkdir(parents=True, exist_ok=True)
    partial = target.with_name(target.name + ".partial")
    if partial.exists():
        partial.unlink()
    from nbdesk.storage.database import read_only

    try:
        with read_only(Path(source)) as src:
            dst = sqlite3.connect(partial)
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


def newest_backup_age_hours(db_path: Path, now: datetime | None = None) -> float | None:
    folder = backups_folder(db_path)
    stamps = [p.stat().st_mtime for p in folder.glob(f"{Path(db_path).stem} * *.nbdesk")]
    if not stamps:
        return None
    return ((now or datetime.now()).timestamp() - max(stamps)) / 3600


def daily_backup(db_path: Path, now: datetime | None = None) -> Path | None:
    """A backup when the newest one is over a day old: a laptop lost or a file damaged costs at
    most a day's work even if nobody remembers File › Back up now."""
    age = newest_backup_age_hours(db_path, now)
    if age is not None and age < 24:
        return None
    return rotating_backup(db_path, "automatic", now)


def rotating_backup(db_path: Path, reason: str = "manual", now: datetime | None = None) -> Path:
    """A dated backup in the folder beside the database, keeping the newest KEEP_BACKUPS."""
    stamp = (now or datetime.now()).strftime("%Y-%m-%d %H%M%S")
    folder = backups_folder(db_path)
    target = folder / f"{Path(db_path).stem} {stamp} {reason}.nbdesk"
    backup_file(db_path, target)
    old = sorted(folder.glob(f"{Path(db_path).stem} * *.nbdesk"), key=lambda p: p.stat().st_mtime)
    for stale in old[:-KEEP_BACKUPS]:
        stale.unlink(missing_ok=True)
    return target
