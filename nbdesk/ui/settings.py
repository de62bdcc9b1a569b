"""Per-user preferences (window geometry, recent files) kept in the data folder, not the registry,
so a portable bundle and the tests each keep their own."""

from __future__ import annotations

from pathlib import Path

from PySide6.QtCore import QSettings

from nbdesk.common.paths import settings_path

MAX_RECENT = 8


def settings() -> QSettings:
    return QSettings(str(settings_path()), QSettings.Format.IniFormat)


def recent_files() -> list[Path]:
    value = settings().value("recent_files", [])
    if isinstance(value, str):  # QSettings returns a lone string for a one-item list
        value = [value]
    return [Path(v) for v in (value or []) if v]


def remember_file(path: Path) -> None:
    path = Path(path).resolve()
    files = [path] + [p for p in recent_files() if p.resolve() != path]
    settings().setValue("recent_files", [str(p) for p in files[:MAX_RECENT]])


def forget_file(path: Path) -> None:
    path = Path(path).resolve()
    settings().setValue("recent_files", [str(p) for p in recent_files() if p.resolve() != path])


def recent_servers() -> list[str]:
    """Server databases opened lately, as URLs without a password (the credential store keeps
    any password), kept apart from the files: nbdesk opens a recent file at start-up, never a
    server that may ask for a password."""
    value = settings().value("recent_servers", [])
    if isinstance(value, str):
        value = [value]
    return [str(v) for v in (value or []) if v]


def remember_server(url: str) -> None:
    from urllib.parse import urlsplit

    if urlsplit(url).password:
        raise ValueError("A server's password is never kept in the settings.")
    servers = [url] + [u for u in recent_servers() if u != url]
    settings().setValue("recent_servers", servers[:MAX_RECENT])
