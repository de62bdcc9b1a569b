"""The window's first screen (the Self-assessment list) read with the standard library's sqlite3.

Opening a file the usual way imports SQLAlchemy and its ORM and checks the whole file, which on a
large authority takes several times as long as the window itself. So at start-up the window first
shows what this reads, on a read-only connection, and the file is then opened the usual way on the
worker (checked, backed up, SQLAlchemy imported) before anything can be changed. The values are
exactly what `list_assessments` and `list_frameworks` return (a test holds them to it).

Anything unusual (an encrypted file, one left open without its -wal, an older or newer schema, a
read that fails) gives None, and the file is opened the usual way, which refuses it in words.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime
from pathlib import Path
from typing import Any

from nbdesk.forms.summaries import FrameworkSummary
from nbdesk.self_assessment.summaries import AssessmentSummary

SQLITE_MAGIC = b"SQLite format 3\x00"

FRAMEWORKS = """
SELECT f.id, f.name, f.version, f.demonstration, c.areas, c.statements, f.loaded_at
FROM framework AS f
JOIN (
    SELECT a.framework_id AS framework_id, count(DISTINCT a.id) AS areas,
           count(s.id) AS statements
    FROM framework_area AS a JOIN statement AS s ON s.area_id = a.id
    GROUP BY a.framework_id
) AS c ON c.framework_id = f.id
ORDER BY f.name, f.version
"""

ASSESSMENTS = """
SELECT a.id, a.name, a.stage, a.perspective, a.held_on, f.id, f.name, f.version,
       f.demonstration, a.archived, c.statements, c.rated, c.flagged
FROM assessment AS a
JOIN framework AS f ON f.id = a.framework_id
LEFT OUTER JOIN (
    SELECT assessment_id, count(id) AS statements, count(points) AS rated,
           coalesce(sum(CASE WHEN flagged = 1 THEN 1 ELSE 0 END), 0) AS flagged
    FROM rating GROUP BY assessment_id
) AS c ON c.assessment_id = a.id
WHERE a.archived = 0
ORDER BY a.held_on DESC, a.name
"""


@dataclass(frozen=True)
class FirstScreen:
    authority: str
    assessments: list[AssessmentSummary]  # as list_assessments(session), archived left out
    frameworks: list[FrameworkSummary]  # as list_frameworks(session)


def read_first_screen(path: Path) -> FirstScreen | None:
    """The first screen of a plain file at this build's schema, or None to open it the usual way.
    Reads only; never raises for a file it cannot read (the usual way says why)."""
    import sqlite3

    from nbdesk.storage import schema
    from nbdesk.storage.reading import read_only
    from nbdesk.storage.wal_guard import lost_wal

    path = Path(path)
    try:
        with path.open("rb") as fh:
            if fh.read(len(SQLITE_MAGIC)) != SQLITE_MAGIC:
                return None  # not SQLite, or encrypted: opened (or refused) the usual way
        if lost_wal(path):
            return None  # refused the usual way, before SQLite touches it
        with read_only(path) as conn:
            row = conn.execute("SELECT version_num FROM alembic_version").fetchone()
            if row is None or row[0] != schema.head_revision():
                return None  # older (upgraded after a backup) or newer (refused)
            found = conn.execute("SELECT name FROM authority WHERE id = 1").fetchone()
            frameworks = [
                FrameworkSummary(
                    fid,
                    name,
                    version,
                    bool(demo),
                    areas,
                    statements,
                    datetime.fromisoformat(loaded_at),
                )
                for fid, name, version, demo, areas, statements, loaded_at in conn.execute(
                    FRAMEWORKS
                )
            ]
            assessments = [_assessment(r) for r in conn.execute(ASSESSMENTS)]
    except (OSError, sqlite3.Error, ValueError, TypeError):
        return None
    return FirstScreen(found[0] if found else "", assessments, frameworks)


def _assessment(r: tuple[Any, ...]) -> AssessmentSummary:
    aid, name, stage, perspective, held_on, fid, fname, fversion, demo, archived = r[:10]
    statements, rated, flagged = r[10:]
    return AssessmentSummary(
        id=aid,
        name=name,
        stage=stage,
        perspective=perspective,
        held_on=date.fromisoformat(held_on),
        framework_id=fid,
        framework_title=f"{fname} {fversion}{' (demonstration)' if demo else ''}",
        archived=bool(archived),
        statements=statements or 0,
        rated=rated or 0,
        flagged=int(flagged or 0),
    )
