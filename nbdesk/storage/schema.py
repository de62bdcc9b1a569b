"""What schema revisions this build knows, read from the migration files without importing Alembic.

Alembic costs a noticeable share of start-up, and most opens need no migration, so the revision in the
file is compared with these before Alembic is touched. Migration files are named `NNNN_<slug>.py` with
`revision = "NNNN"`; a test checks that this reading agrees with Alembic's own.
"""

from __future__ import annotations

from functools import cache
from pathlib import Path

VERSIONS_DIR = Path(__file__).resolve().parent / "migrations" / "versions"


@cache
def known_revisions() -> tuple[str, ...]:
    """Every revision this build can open, oldest first."""
    names = sorted(p.name for p in VERSIONS_DIR.glob("[0-9][0-9][0-9][0-9]_*.py"))
    return tuple(name[:4] for name in names)


def head_revision() -> str:
    return known_revisions()[-1]
