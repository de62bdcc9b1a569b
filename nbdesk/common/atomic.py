"""Writing a file so that it is either wholly written or not touched at all.

The file is written to a temporary file in the target's own folder (so the final step is a rename on
one disk), flushed and fsync'd, then moved over the target with os.replace. Whatever goes wrong, the
temporary file is removed and the target is left as it was. Failures people meet are turned into
one clear sentence naming the file: the target open in another program (Windows refuses to replace a
workbook Excel has open), a read-only file or folder, a missing folder, a full disk.
"""

from __future__ import annotations

import errno
import os
import stat
import tempfile
from collections.abc import Callable
from pathlib import Path

from nbdesk.common.errors import PlainError
from nbdesk.common.private import make_private


class ExportError(PlainError):
    """A file could not be written; the message says which and what to do. Nothing was changed."""

    def __init__(self, path: Path, message: str) -> None:
        super().__init__(message)
        self.path = path


def _explain(path: Path, exc: OSError) -> ExportError:
    name = str(path)
    if exc.errno in (errno.ENOSPC, errno.EDQUOT):
        return ExportError(
            path,
            f"Could not write {name}: the disk is full. Free some space or choose another "
            "place; nothing was written.",
        )
    if isinstance(exc, PermissionError) or exc.errno in (errno.EACCES, errno.EPERM, errno.EROFS):
        return ExportError(
            path,
            f"Could not write {name}: it is open in another program (such as Excel) or you may "
            "not change it there. Close it, or choose another name or folder; nothing was "
            "written.",
        )
    return ExportError(path, f"Could not write {name}: {exc.strerror or exc}. Nothing was written.")


def check_target(path: Path) -> None:
    """Refuse early what would fail later: no folder, a folder in the way, a read-only file."""
    path = Path(path)
    if not path.parent.is_dir():
        raise ExportError(path, f"Could not write {path}: the folder {path.parent} does not exist.")
    if path.is_dir():
        raise ExportError(path, f"Could not write {path}: that is a folder, not a file.")
    # The mode bits, not os.access: an administrator's access check ignores read-only marks, but a
    # person who marked a file read-only meant it not to be replaced.
    if path.exists() and not path.stat().st_mode & stat.S_IWUSR:
        raise ExportError(
            path,
            f"Could not write {path}: the file is read-only. Choose another name, or clear "
            "its read-only setting first; nothing was written.",
        )


def write_atomically(path: Path, write: Callable[[Path], None]) -> Path:
    """Call `write(temporary_path)` to produce the file, then put it in place of `path`."""
    path = Path(path)
    check_target(path)
    try:
        handle, name = tempfile.mkstemp(
            prefix=f".{path.stem}-", suffix=path.suffix, dir=path.parent
        )
    except OSError as exc:
        raise _explain(path, exc) from exc
    os.close(handle)
    temp = Path(name)
    try:
        write(temp)
        with open(temp, "rb+") as fh:
            fh.flush()
            os.fsync(fh.fileno())
        make_private(temp)  # an export holds people's details: readable by the user alone
        os.replace(temp, path)
    except OSError as exc:
        temp.unlink(missing_ok=True)
        raise _explain(path, exc) from exc
    except BaseException:
        temp.unlink(missing_ok=True)
        raise
    _sync_folder(path.parent)
    return path


def _sync_folder(folder: Path) -> None:
    """Make the rename itself durable where the system allows it (not on Windows)."""
    if os.name != "posix":
        return
    try:
        fd = os.open(folder, os.O_RDONLY)
    except OSError:
        return
    try:
        os.fsync(fd)
    except OSError:
        pass
    finally:
        os.close(fd)
