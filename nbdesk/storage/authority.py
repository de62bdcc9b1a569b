"""The authority whose data the file holds."""

from __future__ import annotations

from sqlalchemy.orm import Session

from nbdesk.common import clock
from nbdesk.common.changes import Changes
from nbdesk.storage.models import Authority


def set_authority_name(session: Session, name: str) -> Changes:
    name = name.strip()
    if not name:
        raise ValueError("The authority needs a name.")
    row = session.get(Authority, 1)
    if row is None:
        session.add(Authority(id=1, name=name, created_at=clock.now()))
    else:
        row.name = name
    session.flush()
    return Changes(authority=True)


def authority_name(session: Session) -> str:
    row = session.get(Authority, 1)
    return row.name if row else ""
