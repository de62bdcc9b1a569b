"""Alembic, driven from code: no alembic.ini to ship or to find at run time."""

from __future__ import annotations

from pathlib import Path

from alembic import command
from alembic.config import Config
from alembic.script import ScriptDirectory

MIGRATIONS_DIR = Path(__file__).resolve().parent / "migrations"


def alembic_config(db_path: Path | None = None) -> Config:
    config = Config()
    config.set_main_option("script_location", str(MIGRATIONS_DIR))
    if db_path is not None:
        # Passed as an attribute, not a URL option: Config interpolates '%' in option values,
        # and a folder called "50% share" must still work.
        config.attributes["db_path"] = Path(db_path)
    return config


def upgrade(db_path: Path, revision: str = "head") -> None:
    command.upgrade(alembic_config(db_path), revision)


def script_revisions() -> list[str]:
    """Alembic's own view of the revisions, oldest first."""
    script = ScriptDirectory.from_config(alembic_config())
    return [rev.revision for rev in reversed(list(script.walk_revisions()))]
