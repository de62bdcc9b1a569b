"""Exports are written whole or not at all, and a failed write says which file and why (issue 5)."""

from __future__ import annotations

import errno
import os
import stat
from pathlib import Path

import pytest

from nbdesk.common import atomic
from nbdesk.common.atomic import ExportError, write_atomically


def leftovers(folder: Path) -> list[str]:
    return sorted(p.name for p in folder.iterdir() if p.name.startswith("."))


def test_writes_the_file_and_leaves_no_temporary_file(tmp_path: Path) -> None:
    target = tmp_path / "return.xlsx"
    seen: list[Path] = []

    def write(temp: Path) -> None:
        seen.append(temp)
        assert temp.parent == tmp_path and temp != target
        temp.write_bytes(b"whole")

    assert write_atomically(target, write) == target
    assert target.read_bytes() == b"whole"
    assert not seen[0].exists() and leftovers(tmp_path) == []


def test_a_failure_part_way_leaves_the_old_file_as_it_was(tmp_path: Path) -> None:
    target = tmp_path / "return.xlsx"
    target.write_bytes(b"last week's return")

    def write(temp: Path) -> None:
        temp.write_bytes(b"half a wor")
        raise RuntimeError("crashed while writing")

    with pytest.raises(RuntimeError):
        write_atomically(target, write)
    assert target.read_bytes() == b"last week's return"
    assert leftovers(tmp_path) == []


def test_a_full_disk_is_explained_and_nothing_is_left(tmp_path: Path) -> None:
    target = tmp_path / "return.xlsx"

    def write(temp: Path) -> None:
        temp.write_bytes(b"part")
        raise OSError(errno.ENOSPC, "No space left on device")

    with pytest.raises(ExportError, match="disk is full") as caught:
        write_atomically(target, write)
    assert str(target) in str(caught.value) and caught.value.path == target
    assert not target.exists() and leftovers(tmp_path) == []


def test_a_target_open_in_another_program_is_explained(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    # On Windows, replacing a workbook that Excel has open fails with a PermissionError.
    target = tmp_path / "return.xlsx"
    target.write_bytes(b"open in Excel")

    def locked(src: object, dst: object) -> None:
        raise PermissionError(errno.EACCES, "The process cannot access the file")

    monkeypatch.setattr(atomic.os, "replace", locked)
    with pytest.raises(ExportError, match="open in another program") as caught:
        write_atomically(target, lambda temp: temp.write_bytes(b"new"))
    assert str(target) in str(caught.value)
    assert target.read_bytes() == b"open in Excel" and leftovers(tmp_path) == []


def test_a_read_only_file_is_refused_and_kept(tmp_path: Path) -> None:
    target = tmp_path / "return.xlsx"
    target.write_bytes(b"kept")
    os.chmod(target, stat.S_IRUSR)
    try:
        with pytest.raises(ExportError, match="read-only"):
            write_atomically(target, lambda temp: temp.write_bytes(b"new"))
        assert target.read_bytes() == b"kept" and leftovers(tmp_path) == []
    finally:
        os.chmod(target, stat.S_IRUSR | stat.S_IWUSR)


def test_a_folder_that_cannot_be_written_is_explained(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    def refuse(*args: object, **kwargs: object) -> None:
        raise PermissionError(errno.EACCES, "Permission denied")

    monkeypatch.setattr(atomic.tempfile, "mkstemp", refuse)
    with pytest.raises(ExportError, match="may not change it"):
        write_atomically(tmp_path / "r.xlsx", lambda temp: None)


def test_a_missing_folder_or_a_folder_in_the_way_is_explained(tmp_path: Path) -> None:
    with pytest.raises(ExportError, match="does not exist"):
        write_atomically(tmp_path / "nowhere" / "r.xlsx", lambda temp: None)
    (tmp_path / "r.xlsx").mkdir()
    with pytest.raises(ExportError, match="is a folder"):
        write_atomically(tmp_path / "r.xlsx", lambda temp: None)
