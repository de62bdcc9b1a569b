"""A plan's history, and undo.

Every service that changes a plan opens a `Step`, which writes one `plan_change` row per row it
inserts, edits or deletes, in the caller's transaction. The rows of a step are what undo reverses:
edits are set back, inserts deleted, deletes put back with the same ids. Undo works on the plan's
latest step not yet undone, so whatever a step touched is still as it left it. Undone steps stay in
the history, marked, so nothing anyone did disappears from it.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from datetime import date, datetime
from functools import cache
from typing import Any

from sqlalchemy import bindparam, delete, func, insert, select, update
from sqlalchemy.orm import Session

from nbdesk.action_plan.vocab import PlanError
from nbdesk.common import clock
from nbdesk.common.changes import Changes, Done
from nbdesk.storage.models import (
    ActionPlan,
    PlanAction,
    PlanChange,
    PlanCitation,
    PlanReview,
    PlanSignOff,
    PlanTheme,
    PlanUpdate,
)
from nbdesk.storage.prepared import core

PLAN_CHANGED = Changes(plans=True)

TABLES: dict[str, Any] = {
    "plan": ActionPlan,
    "sign-off": PlanSignOff,
    "theme": PlanTheme,
    "action": PlanAction,
    "update": PlanUpdate,
    "citation": PlanCitation,
    "review": PlanReview,
}
CREATED = "created"  # the field of the row that records a plan being made: never undone
# What changes the plan itself. Updates on progress (and the status they set), reviews and
# sign-offs are the plan being worked, not changed, so they are never marked as made after sign-off.
PLAN_KINDS = ("plan", "theme", "action", "citation")
PROGRESS_FIELDS = ("status", "dropped_reason")


def changes_the_plan(kind: str, field: str | None) -> bool:
    return kind in PLAN_KINDS and not (kind == "action" and field in PROGRESS_FIELDS)


def _plain(value: Any) -> Any:
    if isinstance(value, datetime):
        return {"datetime": value.isoformat()}
    if isinstance(value, date):
        return {"date": value.isoformat()}
    return value


def _restored(value: Any) -> Any:
    if isinstance(value, dict):
        if "datetime" in value:
            return datetime.fromisoformat(value["datetime"])
        if "date" in value:
            return date.fromisoformat(value["date"])
    return value


def insert_row(session: Session, table: Any, values: dict[str, Any]) -> int:
    """Insert one row and return its id (on SQLite and PostgreSQL alike)."""
    result = session.execute(insert(table).values(values))
    return int(result.inserted_primary_key[0])  # type: ignore[attr-defined]


def snapshot(row: Any) -> dict[str, Any]:
    return {c.key: getattr(row, c.key) for c in row.__table__.columns}


def _dumps(value: Any) -> str:
    return json.dumps(_plain(value), ensure_ascii=False)


def _loads(text: str | None) -> Any:
    return None if text is None else _restored(json.loads(text))


class Step:
    """The rows one user action changes, recorded as it goes."""

    def __init__(self, session: Session, plan_id: int, summary: str) -> None:
        self.session = session
        self.plan_id = plan_id
        self.summary = summary[:300]
        self.number = (session.scalar(select(func.max(PlanChange.step))) or 0) + 1
        self.at = clock.now()

    def _row(
        self, kind: str, row_id: int, field: str | None, old: Any, new: Any, **extra: Any
    ) -> None:
        action_id = extra.pop("action_id", None)
        self.session.execute(
            insert(PlanChange).values(
                plan_id=self.plan_id,
                step=self.number,
                kind=kind,
                row_id=row_id,
                action_id=action_id,
                field=field,
                old_value=old,
                new_value=new,
                summary=self.summary,
                changed_at=self.at,
                undone=False,
            )
        )

    def inserted(self, kind: str, values: dict[str, Any], action_id: int | None = None) -> None:
        plain = {k: _plain(v) for k, v in values.items()}
        self._row(
            kind,
            values["id"],
            None,
            None,
            json.dumps(plain, ensure_ascii=False),
            action_id=action_id,
        )

    def created(self, plan_id: int) -> None:
        self._row("plan", plan_id, CREATED, None, None)

    def edited(
        self, kind: str, row_id: int, field: str, old: Any, new: Any, action_id: int | None = None
    ) -> None:
        if old == new:
            return
        self.session.execute(
            update(TABLES[kind]).where(TABLES[kind].id == row_id).values({field: new})
        )
        self._row(kind, row_id, field, _dumps(old), _dumps(new), action_id=action_id)

    def deleted(self, kind: str, values: dict[str, Any], action_id: int | None = None) -> None:
        plain = {k: _plain(v) for k, v in values.items()}
        table = TABLES[kind]
        self.session.execute(delete(table).where(table.id == values["id"]))
        self._row(
            kind,
            values["id"],
            None,
            json.dumps(plain, ensure_ascii=False),
            None,
            action_id=action_id,
        )


def _values(text: str) -> dict[str, Any]:
    return {k: _restored(v) for k, v in json.loads(text).items()}


@dataclass(frozen=True)
class Undoable:
    """What undo would reverse: the plan's latest step not undone."""

    step: int
    summary: str  # "Added an action"
    changed_by: str  # on a server, who made it; a file leaves it empty

    @property
    def offer(self) -> str:
        """What the Undo button says it will do."""
        return f"Undo: {self.summary}" + (f" ({self.changed_by})" if self.changed_by else "")


def undo(session: Session, plan_id: int, step: int | None = None) -> Done[str | None]:
    """Reverse the plan's latest step; return what it was ("Added an action"), None if none.

    `step` is the step the person was shown (can_undo's). If the plan has changed since (another
    nbdesk on the file, or a colleague on the server, saved a change a moment before), nothing is
    undone and PlanError says what the latest change now is: Undo never reverses a change its
    person has not seen offered."""
    latest = can_undo(session, plan_id)
    if latest is None:
        return Done(None, Changes())
    if step is not None and latest.step != step:
        by = f" by {latest.changed_by}" if latest.changed_by else ""
        raise PlanError(
            "Nothing was undone: the plan changed a moment ago, and its latest change is now "
            f"\u201c{latest.summary}\u201d{by}. Press Undo again to undo that."
        )
    number = latest.step
    rows = (
        session.execute(
            select(PlanChange).where(PlanChange.step == number).order_by(PlanChange.id.desc())
        )
        .scalars()
        .all()
    )
    for change in rows:
        table = TABLES[change.kind]
        if change.field is not None:
            session.execute(
                update(table)
                .where(table.id == change.row_id)
                .values({change.field: _loads(change.old_value)})
            )
        elif change.old_value is None and change.new_value is not None:
            session.execute(delete(table).where(table.id == change.row_id))
        elif change.old_value is not None:
            session.execute(insert(table).values(_values(change.old_value)))
    session.execute(update(PlanChange).where(PlanChange.step == number).values(undone=True))
    return Done(rows[0].summary if rows else None, PLAN_CHANGED)


@cache
def _statements() -> dict[str, Any]:
    """The reads a redraw makes, built once and run as Core (see storage.prepared.core)."""
    change = PlanChange.__table__
    plan_id: Any = bindparam("plan_id")
    return {
        "can_undo": select(change.c.step, change.c.summary, change.c.changed_by)
        .where(
            change.c.plan_id == plan_id,
            change.c.undone.is_(False),
            (change.c.field.is_(None)) | (change.c.field != CREATED),
        )
        .order_by(change.c.step.desc())
        .limit(1),
        "signed_off": select(func.min(change.c.step)).where(
            change.c.plan_id == plan_id,
            change.c.kind == "sign-off",
            change.c.field.is_(None),
            change.c.new_value.is_not(None),
            change.c.undone.is_(False),
        ),
        "plan": select(change).where(change.c.plan_id == plan_id).order_by(change.c.id.desc()),
        "action": select(change)
        .where(change.c.plan_id == plan_id, change.c.action_id == bindparam("action_id"))
        .order_by(change.c.id.desc()),
    }


def latest_step(session: Session) -> int:
    """The file's newest step (0 before any): a window offers to undo only the steps after the
    newest there was when it opened the file, never one made before it was last closed."""
    return int(session.scalar(select(func.max(PlanChange.step))) or 0)


def can_undo(session: Session, plan_id: int) -> Undoable | None:
    """What undo would reverse, for the button ("Undo: Added an action"), or None."""
    found = core(session)(_statements()["can_undo"], {"plan_id": plan_id}).first()
    return None if found is None else Undoable(found[0], found[1], found[2] or "")


@dataclass(frozen=True)
class HistoryEntry:
    step: int
    changed_at: datetime
    summary: str
    kind: str
    field: str | None
    old: str
    new: str
    after_sign_off: bool
    undone: bool


def _shown(text: str | None) -> str:
    value = _loads(text)
    if value is None:
        return ""
    if isinstance(value, dict):
        return ""
    if isinstance(value, bool):
        return "yes" if value else "no"
    return str(value)


def signed_off_step(session: Session, plan_id: int) -> int | None:
    """The step that first signed the plan off (and still stands), or None: steps after it are
    changes made after sign-off. Steps, not clock times, so changes in the same second still order.
    """
    found: int | None = core(session)(_statements()["signed_off"], {"plan_id": plan_id}).scalar()
    return found


def history(session: Session, plan_id: int, action_id: int | None = None) -> list[HistoryEntry]:
    """Every change to a plan (or to one action), newest first, each marked if made after sign-off."""
    signed = signed_off_step(session, plan_id)
    sql = _statements()
    rows = core(session)(
        sql["plan"] if action_id is None else sql["action"],
        {"plan_id": plan_id, "action_id": action_id},
    ).all()
    return [
        HistoryEntry(
            step=r.step,
            changed_at=r.changed_at,
            summary=r.summary,
            kind=r.kind,
            field=r.field,
            old=_shown(r.old_value) if r.field else "",
            new=_shown(r.new_value) if r.field else "",
            after_sign_off=signed is not None
            and r.step > signed
            and changes_the_plan(r.kind, r.field),
            undone=r.undone,
        )
        for r in rows
    ]
