"""Where an authority lives: an SQLite file (a path) or a PostgreSQL server (a URL).

Light on purpose (no SQLAlchemy, no driver): the command line and the window's start decide with
this which kind they were given, and a file's start must not pay for the server's driver.
"""

from __future__ import annotations

import os
from pathlib import Path

# `postgresql://` is taken to mean psycopg 3 (SQLAlchemy alone would pick psycopg2, which nbdesk
# does not ship).
SERVER_SCHEMES = ("postgresql", "postgresql+psycopg")

Location = Path | str  # a file's path, or a server's URL (a str)


def is_server_url(value: str | os.PathLike[str]) -> bool:
    if not isinstance(value, str):
        return False
    scheme, sep, _rest = value.partition("://")
    return bool(sep) and scheme.lower() in SERVER_SCHEMES


def location(text: str) -> Location:
    """A `--db` argument: a server URL stays text, anything else is a file's path."""
    return text if is_server_url(text) else Path(text)


def server_label(url: str) -> str:
    """A server database named for messages, never with its password: "nbdesk on db.example"."""
    from urllib.parse import urlsplit  # here: a file's start-up never needs it

    parts = urlsplit(url)
    name = parts.path.lstrip("/") or "(default database)"
    host = parts.hostname or "this computer"
    if host.startswith("/") or not parts.hostname:
        host = "this computer"
    return f"{name} on {host}"
