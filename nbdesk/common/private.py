"""Files and folders only their owner can read (issue 11): the data file holds the names and phone
numbers of vulnerable young adults, so on systems with file modes (os.name == 'posix') nbdesk makes
what it writes 0600 and the folders it makes 0700, whatever the umask. Modes are set on files as
nbdesk creates them (never on a file someone else made); Windows has no modes, and a council
laptop's profile folder is private to its user already.
"""

from __future__ import annotations

import os
from pathlib import Path

FILE_MODE = 0o600
FOLDER_MODE = 0o700


def has_modes() -> bool:
    return os.name == "posix"


def private_folder(path: Path) -> Path:
    """Make the folder (and any parents missing) readable by the user alone; a folder that was
    already there is left as it is: it may be a shared folder the person chose on purpose."""
    path = Path(path)
    missing: list[Path] = []
    probe = path
    while not probe.exists() and probe != probe.parent:
        missing.append(probe)
        probe = probe.parent
    path.mkdir(mode=FOLDER_MODE, parents=True, exist_ok=True)
    if has_modes():
        for made in missing:
            os.chmod(made, FOLDER_MODE)  # mkdir's mode is masked by the umask; this is not
    return path


def create_private_file(path: Path) -> Path:
    """Create an empty file readable by the user alone; refuses (FileExistsError) if it exists."""
    fd = os.open(path, os.O_CREAT | os.O_EXCL | os.O_WRONLY, FILE_MODE)
    try:
        if has_modes():
            os.fchmod(fd, FILE_MODE)
    finally:
        os.close(fd)
    return Path(path)


def make_private(path: Path) -> None:
    """Set a file nbdesk has just written to be readable by the user alone (no-op on Windows)."""
    if has_modes():
        os.chmod(path, FILE_MODE)
