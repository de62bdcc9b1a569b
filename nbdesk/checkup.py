"""What `nbdesk check` and Help › About report about a file: revision, integrity and counts."""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import func, select

from nbdesk.storage import Database
from nbdesk.storage.models import Base


@dataclass(frozen=True)
class CheckReport:
    path: str
    revision: str | None
    head: str
    integrity: list[str]
    counts: dict[str, int]

    @property
    def ok(self) -> bool:
        return self.integrity == ["ok"] and self.revision == self.head


def check_database(db: Database) -> CheckReport:
    from nbdesk.storage.schema import head_revision

    with db.session() as session:
        counts = {
            table.name: session.scalar(select(func.count()).select_from(table)) or 0
            for table in Base.metadata.sorted_tables
        }
    return CheckReport(
        path=str(db.path),
        revision=db.revision(),
        head=head_revision(),
        integrity=db.integrity_check(),
        counts=counts,
    )
