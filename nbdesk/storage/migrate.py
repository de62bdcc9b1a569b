"""Alembic, driven from code: no alembic.ini to ship or to find at run time."""

from __future__ import annotations

from pathlib import Path

from alembic import command
from alembic.config import Config
from alembic.script import ScriptDirectory

from nbdesk.storage.location import Location, is_server_url

MIGRATIONS_DIR = Path(__file__).resolve().parent / "migrations"


def alembic_config(db_path: Location | None = None) -> Config:
    config = Config()
    config.set_main_option("script_location", str(MIGRATIONS_DIR))
    # Passed as an attribute, not a URL option: Config interpolates '%' in option values, and a
    # folder called "50% share" (or a password with a '%' in a server URL) must still work.
    if is_server_url(db_path or ""):
        config.attributes["db_url"] = str(db_path)
    elif db_path is not None:
        config.attributes["db_path"] = Path(db_path)
    return config


def upgrade(db_path: Location, revision: str = "head") -> None:
    command.upgrade(alembic_config(db_path), revision)


def script_revisions() -> list[str]:
    """Alembic's own view of the revisions, oldest first."""
    script = ScriptDirectory.from_config(alembic_config())
    return [rev.revision for rev in reversed(list(script.walk_revisions()))]
