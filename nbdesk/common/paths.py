"""Where nbdesk keeps its files: the one place that decides, so tests and bundles can redirect it."""

from __future__ import annotations

import os
import sys
from pathlib import Path

APP_NAME = "nbdesk"
DATA_DIR_ENV = "NBDESK_DATA_DIR"
PORTABLE_ENV = "NBDESK_PORTABLE"  # set by the bundle's portable mode (build/hooks)
DEFAULT_DB_NAME = "authority.nbdesk"


def data_dir() -> Path:
    # The bundle's portable mode sets the override too (build/hooks/rthook_portable.py).
    override = os.environ.get(DATA_DIR_ENV)
    path = Path(override).expanduser() if override else _platform_data_dir()
    from nbdesk.common.private import private_folder

    return private_folder(path)  # 0700 when nbdesk makes it (see common.private)


def _platform_data_dir() -> Path:
    # Imported here: platformdirs is cheap, but nothing at start-up should need it when overridden.
    from platformdirs import user_data_dir

    return Path(user_data_dir(APP_NAME, appauthor=False, roaming=False))


def default_db_path() -> Path:
    return data_dir() / DEFAULT_DB_NAME


def settings_path() -> Path:
    return data_dir() / "settings.ini"


def resources_dir() -> Path:
    """Icons and stylesheet: beside the package in a checkout, under the bundle's root when frozen."""
    frozen_root = getattr(sys, "_MEIPASS", None)
    if frozen_root:
        return Path(frozen_root) / "resources"
    return Path(__file__).resolve().parents[2] / "resources"


def documents_dir() -> Path:
    """Where people keep their own files: the first place a save or open dialog looks (never the
    hidden data folder, where nobody would find an export again)."""
    from platformdirs import user_documents_dir

    folder = Path(user_documents_dir())
    return folder if folder.is_dir() else Path.home()


# Characters Windows refuses in a file name, and a dash to put between the parts of one.
_NOT_IN_NAMES = set('<>:"/\\|?*')
NAME_SEPARATOR = " – "


def file_name(*parts: str, suffix: str) -> str:
    """A file name people recognise, from its parts: 'Northshire – self-assessment return –
    Baseline 2026.xlsx'. Characters no file system takes become spaces; empty parts are left out."""
    cleaned = []
    for part in parts:
        text = "".join(" " if c in _NOT_IN_NAMES or ord(c) < 32 else c for c in part)
        text = " ".join(text.split()).strip(" .")
        if text:
            cleaned.append(text)
    stem = NAME_SEPARATOR.join(cleaned) or "nbdesk export"
    return stem[:180] + suffix


def log_path() -> Path:
    """The log of what went wrong, with the technical details an error dialog leaves out."""
    return data_dir() / "nbdesk.log"


def portable() -> bool:
    """Portable mode (the bundle on a USB stick): an encrypted file opens by passphrase, and no
    key is left in one computer's credential store."""
    return os.environ.get(PORTABLE_ENV, "") not in ("", "0")
