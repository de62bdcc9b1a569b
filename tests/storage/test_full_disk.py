"""A full disk, for real: a small tmpfs holding the authority's file (mounting one needs root, so
elsewhere these are skipped with that reason). Importing, backing up and upgrading each stop with
one line, exit 1, and leave the file byte for byte as it was."""

from __future__ import annotations

import hashlib
import os
import shutil
import subprocess
from collections.abc import Iterator
from pathlib import Path

import pytest

from nbdesk.cli import main
from nbdesk.storage import create_database

pytestmark = pytest.mark.subject_is_sqlite("the file on a full disk")

DATA = Path(__file__).resolve().parents[1] / "data"


def sha256(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


@pytest.fixture
def small_disk(tmp_path: Path) -> Iterator[Path]:
    if os.name != "posix" or os.geteuid() != 0:
        pytest.skip("mounting a small tmpfs needs root")
    mount = tmp_path / "disk"
    mount.mkdir()
    done = subprocess.run(
        ["mount", "-t", "tmpfs", "-o", "size=2m", "tmpfs", str(mount)],
        capture_output=True,
        text=True,
    )
    if done.returncode != 0:
        pytest.skip(f"cannot mount a tmpfs here: {done.stderr.strip()}")
    try:
        yield mount
    finally:
        subprocess.run(["umount", "-l", str(mount)], check=False)


def fill(disk: Path, leave_bytes: int) -> None:
    """Take up the disk's free space but `leave_bytes`."""
    free = shutil.disk_usage(disk).free
    with (disk / "filler").open("wb") as fh:
        fh.write(b"\0" * max(0, free - leave_bytes))


def refused(capsys: pytest.CaptureFixture[str], db: Path, *args: object) -> str:
    before = sha256(db)
    code = main([str(a) for a in args])
    _, err = capsys.readouterr()
    assert code == 1, err
    assert err.count("\n") == 1 and "Traceback" not in err, err
    assert sha256(db) == before
    return err


def test_import_on_a_full_disk(
    small_disk: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    db = small_disk / "la.nbdesk"
    create_database(db, "Testshire County Council").close()
    people = tmp_path / "list.csv"
    rows = "".join(f"P{n:05d},Person {n} {'x' * 150},Team {n % 7},\n" for n in range(3000))
    people.write_text("Unique ID,Name,Team,Mobile\n" + rows)
    fill(small_disk, 64 * 1024)
    line = refused(capsys, db, "register", "import", people, "--db", db)
    assert "full" in line and "la.nbdesk" in line


def test_backup_to_a_full_disk(
    small_disk: Path, demo_file: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    fill(small_disk, 16 * 1024)
    out = small_disk / "copy.nbdesk"
    line = refused(capsys, demo_file, "backup", "--out", out, "--db", demo_file)
    assert "full" in line.lower() or "space" in line.lower()
    assert not out.exists() and not list(small_disk.glob("*.partial"))


def test_upgrade_on_a_full_disk(small_disk: Path, capsys: pytest.CaptureFixture[str]) -> None:
    db = small_disk / "released.nbdesk"
    shutil.copyfile(DATA / "schema-0003.nbdesk", db)
    fill(small_disk, 16 * 1024)
    line = refused(capsys, db, "assessment", "list", "--db", db)
    assert "released.nbdesk" in line
    # The upgrade's backup could not be written: no half copy is left beside it either.
    assert not list(small_disk.glob("*.partial"))
