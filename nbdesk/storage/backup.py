"""Copies of a live database taken with SQLite's online backup API.

A plain file copy of a WAL database can miss pages still in the -wal file; the backup API reads
through SQLite itself, so the copy is always a consistent, complete database.
"""

from __future__ import annotations

import os
from datetime import datetime
from pathlib import Path

from nbdesk.common import clock

KEEP_BACKUPS = 10


def backup_file(source: Path, target: Path) -> Path:
    """Write a complete copy of `source` to `target` (replaced only once the copy is whole)."""
    target = Path(target)
    target.parent.mkdir(parents=True, exist_ok=True)
    partial = target.with_name(target.name + ".partial")
    if partial.exists():
        partial.unlink()
    from nbdesk.storage.database import read_only
    from nbdesk.storage.encryption import connect_new

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
    found = backups_folder(db_path).glob(f"{stem} * *.nbdesk")
    return sorted((_taken_at(p, stem), p) for p in found)


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
    """A dated backup in the folder beside the database, keeping the newest KEEP_BACKUPS."""
    stamp = (now or clock.now()).strftime("%Y-%m-%d %H%M%S")
    folder = backups_folder(db_path)
    target = folder / f"{Path(db_path).stem} {stamp} {reason}.nbdesk"
    backup_file(db_path, target)
    for _, stale in _backups(db_path)[:-KEEP_BACKUPS]:
        stale.unlink(missing_ok=True)
    return target


def all_backups(db_path: Path) -> list[Path]:
    """Every copy nbdesk made of this file: the dated backups and the copies taken before upgrades
    (so encrypting or erasing reaches all of them)."""
    path = Path(db_path)
    upgrades = path.parent.glob(f"{path.stem}.before-upgrade-from-*{path.suffix}")
    return [p for _, p in _backups(path)] + sorted(p for p in upgrades if p.is_file())
