"""Where nbdesk keeps its files: the one place that decides, so tests and bundles can redirect it."""

from __future__ import annotations

import os
import sys
from pathlib import Path

APP_NAME = "nbdesk"
DATA_DIR_ENV = "NBDESK_DATA_DIR"
DEFAULT_DB_NAME = "authority.nbdesk"


def data_dir() -> Path:
    # The bundle's portable mode sets the override too (build/hooks/rthook_portable.py).
    override = os.environ.get(DATA_DIR_ENV)
    path = Path(override).expanduser() if override else _platform_data_dir()
    path.mkdir(parents=True, exist_ok=True)
    return path


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
    return Path(__file__).resolve().parent.parent / "resources"
