"""What `nbdesk check` reports about a file: revision, integrity and counts (on a server: the
revision, that the authority is there, and counts; its integrity is the server's business).

Read-only throughout: checking a file must never upgrade or otherwise change it, so an older file
is reported as needing an upgrade rather than being upgraded by the check.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from nbdesk.storage.database import check_revision, inspect_file, read_only
from nbdesk.storage.schema import head_revision


@dataclass(frozen=True)
class CheckReport:
    path: str
    revision: str | None
    head: str
    integrity: list[str]
    counts: dict[str, int]
    server: bool = False
    authority: str = ""

    @property
    def up_to_date(self) -> bool:
        return self.revision == self.head

    @property
    def ok(self) -> bool:
        if self.server:
            return bool(self.authority)
        return self.integrity == ["ok"]


def check_file(path: Path) -> CheckReport:
    path = Path(path)
    found = inspect_file(path)  # refuses foreign and damaged files with a clear message
    check_revision(path, found.revision)
    with read_only(path) as conn:
        integrity = [row[0] for row in conn.execute("PRAGMA integrity_check")]
        tables = [
            row[0]
            for row in conn.execute(
                "SELECT name FROM sqlite_master WHERE type='table' AND name NOT LIKE 'sqlite_%' "
                "AND name != 'alembic_version' ORDER BY name"
            )
        ]
        counts: dict[str, int] = {}
        for table in tables:
            quoted = table.replace('"', '""')  # names from the file's own catalogue
            counts[table] = conn.execute(f'SELECT count(*) FROM "{quoted}"').fetchone()[0]
    return CheckReport(str(path), found.revision, head_revision(), integrity, counts)


def check_server(url: str) -> CheckReport:
    """The revision (refusing a newer one), the authority's row, and counts; never upgrades."""
    from sqlalchemy import func, select

    from nbdesk.storage.models import Base
    from nbdesk.storage.server import inspect_server, label_path, make_server_engine

    revision = inspect_server(url)  # refuses a database that is not nbdesk's
    check_revision(label_path(url), revision)
    engine = make_server_engine(url)
    try:
        with engine.connect() as conn:
            row = conn.exec_driver_sql("SELECT name FROM authority WHERE id = 1").fetchone()
            counts = {
                name: conn.execute(select(func.count()).select_from(table)).scalar_one()
                for name, table in sorted(Base.metadata.tables.items())
            }
    finally:
        engine.dispose()
    return CheckReport(
        label_path(url).name,
        revision,
        head_revision(),
        [],
        counts,
        server=True,
        authority=row[0] if row else "",
    )
