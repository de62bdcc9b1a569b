"""Changing a plan: themes, owners, actions, their updates and status, and the evidence they cite.

Each function changes one thing the way a lead would name it ("Added an update", "Moved the
action to Housing"), records it as one undoable step, and returns what changed.
"""

from __future__ import annotations

from datetime import date
from typing import Any

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from nbdesk.action_plan import vocab
from nbdesk.action_plan.history import PLAN_CHANGED, Step, insert_row, snapshot
from nbdesk.action_plan.plans import plan_row
from nbdesk.action_plan.vocab import PlanError
from nbdesk.common import clock
from nbdesk.common.changes import NOTHING, Done
from nbdesk.storage.models import (
    Assessment,
    Finding,
    FrameworkArea,
    PlanAction,
    PlanCitation,
    PlanOwner,
    PlanReview,
    PlanTheme,
    PlanUpdate,
    PriorityTheme,
    Statement,
    SurveyRound,
)

# Themes ----------------------------------------------------------------------------------------


def _theme(session: Session, theme_id: int) -> PlanTheme:
    theme = session.get(PlanTheme, theme_id)
    if theme is None:
        raise PlanError(f"There is no theme with id {theme_id}.")
    return theme


def _themes(session: Session, plan_id: int) -> list[PlanTheme]:
    return list(
        session.scalars(
            select(PlanTheme).where(PlanTheme.plan_id == plan_id).order_by(PlanTheme.position)
        ).all()
    )


def add_theme(session: Session, plan_id: int, title: str) -> Done[int]:
    plan_row(session, plan_id)
    title = vocab.title(title, "theme")
    themes = _themes(session, plan_id)
    if any(t.title.lower() == title.lower() for t in themes):
        raise PlanError(f"The plan already has a theme called '{title}'.")
    values = {"plan_id": plan_id, "position": len(themes) + 1, "title": title}
    new_id = insert_row(session, PlanTheme, values)
    Step(session, plan_id, f"Added the theme '{title}'").inserted("theme", {"id": new_id, **values})
    return Done(new_id, PLAN_CHANGED)


def rename_theme(session: Session, theme_id: int, title: str) -> Done[None]:
    theme = _theme(session, theme_id)
    title = vocab.title(title, "theme")
    others = [t for t in _themes(session, theme.plan_id) if t.id != theme_id]
    if any(t.title.lower() == title.lower() for t in others):
        raise PlanError(f"The plan already has a theme called '{title}'.")
    step = Step(session, theme.plan_id, f"Renamed the theme '{theme.title}' to '{title}'")
    step.edited("theme", theme_id, "title", theme.title, title)
    session.expire(theme)
    return Done(None, PLAN_CHANGED)


def move_theme(session: Session, theme_id: int, by: int) -> Done[None]:
    """Move a theme up (by < 0) or down the plan's order."""
    theme = _theme(session, theme_id)
    themes = _themes(session, theme.plan_id)
    index = next(i for i, t in enumerate(themes) if t.id == theme_id)
    target = max(0, min(len(themes) - 1, index + by))
    if target == index:
        return Done(None, NOTHING)
    themes.insert(target, themes.pop(index))
    step = Step(session, theme.plan_id, f"Moved the theme '{theme.title}'")
    for position, t in enumerate(themes, start=1):
        step.edited("theme", t.id, "position", t.position, position)
    session.expire_all()
    return Done(None, PLAN_CHANGED)


def remove_theme(session: Session, theme_id: int) -> Done[None]:
    theme = _theme(session, theme_id)
    count = session.scalar(select(func.count(PlanAction.id)).where(PlanAction.theme_id == theme_id))
    if count:
        raise PlanError(
            f"The theme '{theme.title}' still has {count} action{'s' if count != 1 else ''}: "
            "move or remove them first."
        )
    plan_id = theme.plan_id
    values = snapshot(theme)
    step = Step(session, plan_id, f"Removed the theme '{theme.title}'")
    step.deleted("theme", values)
    for position, t in enumerate(_themes(session, plan_id), start=1):
        step.edited("theme", t.id, "position", t.position, position)
    session.expire_all()
    return Done(None, PLAN_CHANGED)


# Owners: one list for the authority, which anyone can add to -----------------------------------

DEFAULT_OWNERS = (
    ("Leaving care team", "team"),
    ("Housing", "partner"),
    ("Health", "partner"),
    ("DWP / Jobcentre Plus", "partner"),
    ("Colleges", "partner"),
)


def list_owners(session: Session) -> list[tuple[int, str, str]]:
    """(id, name, kind), by name."""
    rows = session.execute(
        select(PlanOwner.id, PlanOwner.name, PlanOwner.kind).order_by(func.lower(PlanOwner.name))
    ).all()
    return [(r[0], r[1], r[2]) for r in rows]


def add_owner(session: Session, name: str, kind: str = "person") -> Done[int]:
    """An owner by name, added to the list if it is new (the same name in any case is the same
    owner)."""
    name = vocab.title(name, "owner's name")
    kind = vocab.choice(kind, vocab.OWNER_KINDS, "kind of owner")
    found = session.scalar(select(PlanOwner.id).where(func.lower(PlanOwner.name) == name.lower()))
    if found is not None:
        return Done(found, NOTHING)
    new_id = insert_row(session, PlanOwner, {"name": name, "kind": kind})
    return Done(new_id, PLAN_CHANGED)


def ensure_default_owners(session: Session) -> Done[None]:
    """The partners most plans name, so a first plan has a list to choose from."""
    if session.scalar(select(func.count(PlanOwner.id))):
        return Done(None, NOTHING)
    for name, kind in DEFAULT_OWNERS:
        add_owner(session, name, kind)
    return Done(None, PLAN_CHANGED)


# Actions ---------------------------------------------------------------------------------------


def _action(session: Session, action_id: int) -> PlanAction:
    action = session.get(PlanAction, action_id)
    if action is None:
        raise PlanError(f"There is no action with id {action_id}.")
    return action


def _plan_of(session: Session, action: PlanAction) -> int:
    return _theme(session, action.theme_id).plan_id


def _owner_id(session: Session, owner_id: int | None) -> int | None:
    if owner_id is not None and session.get(PlanOwner, owner_id) is None:
        raise PlanError(f"There is no owner with id {owner_id}.")
    return owner_id


def short(text: str, length: int = 60) -> str:
    flat = " ".join(text.split())
    return flat if len(flat) <= length else flat[: length - 1] + "…"


def add_action(
    session: Session,
    theme_id: int,
    we_will: str,
    *,
    you_said: str = "",
    owner_id: int | None = None,
    when: str = "",
    new_owner: tuple[str, str] | None = None,
) -> Done[int]:
    """A new action at the end of its theme, not started. With `new_owner` (a name and a kind),
    that owner is added to the list (or found on it) and is the action's owner."""
    theme = _theme(session, theme_id)
    added = NOTHING
    if new_owner is not None:
        owner = add_owner(session, *new_owner)
        owner_id, added = owner.value, owner.changes
    we_will = vocab.text(we_will, "'We will'")
    if not we_will:
        raise PlanError("Say what the authority will do ('We will').")
    due_on, is_quarter = vocab.parse_when(when)
    position = (
        session.scalar(select(func.max(PlanAction.position)).where(PlanAction.theme_id == theme_id))
        or 0
    ) + 1
    values: dict[str, Any] = {
        "theme_id": theme_id,
        "position": position,
        "you_said": vocab.text(you_said, "'You said'"),
        "we_will": we_will,
        "owner_id": _owner_id(session, owner_id),
        "due_on": due_on,
        "due_is_quarter": is_quarter,
        "status": vocab.NOT_STARTED,
        "dropped_reason": "",
        "involvement": "",
        "involvement_note": "",
        "not_involved_reason": "",
        "not_involved_note": "",
        "copied_from_id": None,
        "created_on": clock.today(),
    }
    new_id = insert_row(session, PlanAction, values)
    step = Step(session, theme.plan_id, f"Added the action '{short(we_will)}'")
    step.inserted("action", {"id": new_id, **values}, action_id=new_id)
    return Done(new_id, PLAN_CHANGED | added)


# The fields `edit_action` takes, each with how a typed value is checked.
TEXT_FIELDS = {
    "you_said": "'You said'",
    "we_will": "'We will'",
    "involvement_note": "note on how young people are involved",
    "not_involved_note": "reason young people are not involved",
    "dropped_reason": "reason it was dropped",
}
FIELD_LABELS = {
    "you_said": "You said",
    "we_will": "We will",
    "owner_id": "Who",
    "due_on": "When",
    "due_is_quarter": "When",
    "status": "Status",
    "dropped_reason": "Reason dropped",
    "involvement": "Young people involved",
    "involvement_note": "Involvement note",
    "not_involved_reason": "Why not involved",
    "not_involved_note": "Why not involved",
    "theme_id": "Theme",
}


def edit_action(session: Session, action_id: int, **fields: Any) -> Done[None]:
    """Change any of: you_said, we_will, owner_id, when (text), theme_id, involvement (ways),
    involvement_note, not_involved_reason, not_involved_note. One undoable step."""
    action = _action(session, action_id)
    plan_id = _plan_of(session, action)
    new: dict[str, Any] = {}
    for field, value in fields.items():
        if field in TEXT_FIELDS:
            new[field] = vocab.text(value, TEXT_FIELDS[field])
            if field == "we_will" and not new[field]:
                raise PlanError("'We will' cannot be empty.")
        elif field == "owner_id":
            new[field] = _owner_id(session, value)
        elif field == "when":
            new["due_on"], new["due_is_quarter"] = vocab.parse_when(value)
        elif field == "theme_id":
            target = _theme(session, value)
            if target.plan_id != plan_id:
                raise PlanError("An action can only move to a theme of the same plan.")
            if value != action.theme_id:
                new[field] = value
                new["position"] = (
                    session.scalar(
                        select(func.max(PlanAction.position)).where(PlanAction.theme_id == value)
                    )
                    or 0
                ) + 1
        elif field == "involvement":
            new[field] = vocab.ways(value)
        elif field == "not_involved_reason":
            new[field] = vocab.choice(value, vocab.REASONS, "reason") if value else ""
        else:
            raise PlanError(f"An action has no field called '{field}'.")
    if new.get("involvement"):
        # Involved: a reason for not involving them no longer applies.
        new.setdefault("not_involved_reason", "")
    labels = sorted({FIELD_LABELS.get(f, f) for f in new if f != "position"})
    step = Step(
        session, plan_id, f"Changed {', '.join(labels) or 'nothing'} of '{short(action.we_will)}'"
    )
    for field, value in new.items():
        step.edited("action", action_id, field, getattr(action, field), value, action_id=action_id)
    session.expire(action)
    return Done(None, PLAN_CHANGED)


def set_status(session: Session, action_id: int, status: str, reason: str = "") -> Done[None]:
    """Set an action's status; dropping one needs a reason."""
    action = _action(session, action_id)
    status = vocab.choice(status, vocab.STATUSES, "status")
    reason = _dropping_reason(action, status, reason)
    step = Step(
        session,
        _plan_of(session, action),
        f"Marked '{short(action.we_will)}' {vocab.STATUS_LABELS[status].lower()}",
    )
    _record_status(step, action, status, reason)
    session.expire(action)
    return Done(None, PLAN_CHANGED)


def _dropping_reason(action: PlanAction, status: str, reason: str) -> str:
    """The reason typed, checked: dropping an action needs one (typed now or given before)."""
    reason = vocab.text(reason, "reason it was dropped")
    if status == vocab.DROPPED and not (reason or action.dropped_reason):
        raise PlanError("Say why the action is dropped.")
    return reason


def _record_status(step: Step, action: PlanAction, status: str, reason: str) -> None:
    step.edited("action", action.id, "status", action.status, status, action_id=action.id)
    if status == vocab.DROPPED and reason:
        step.edited(
            "action",
            action.id,
            "dropped_reason",
            action.dropped_reason,
            reason,
            action_id=action.id,
        )


def move_action(session: Session, action_id: int, by: int) -> Done[None]:
    action = _action(session, action_id)
    siblings = list(
        session.scalars(
            select(PlanAction)
            .where(PlanAction.theme_id == action.theme_id)
            .order_by(PlanAction.position, PlanAction.id)
        ).all()
    )
    index = next(i for i, a in enumerate(siblings) if a.id == action_id)
    target = max(0, min(len(siblings) - 1, index + by))
    if target == index:
        return Done(None, NOTHING)
    siblings.insert(target, siblings.pop(index))
    step = Step(session, _plan_of(session, action), f"Moved '{short(action.we_will)}'")
    for position, a in enumerate(siblings, start=1):
        step.edited("action", a.id, "position", a.position, position, action_id=a.id)
    session.expire_all()
    return Done(None, PLAN_CHANGED)


def remove_action(session: Session, action_id: int) -> Done[None]:
    """Remove an action, its updates and citations (undo puts them all back)."""
    action = _action(session, action_id)
    step = Step(session, _plan_of(session, action), f"Removed the action '{short(action.we_will)}'")
    for update_row in session.scalars(
        select(PlanUpdate).where(PlanUpdate.action_id == action_id)
    ).all():
        step.deleted("update", snapshot(update_row), action_id=action_id)
    for citation in session.scalars(
        select(PlanCitation).where(PlanCitation.action_id == action_id)
    ).all():
        step.deleted("citation", snapshot(citation), action_id=action_id)
    step.deleted("action", snapshot(action), action_id=action_id)
    session.expire_all()
    return Done(None, PLAN_CHANGED)


# Updates ---------------------------------------------------------------------------------------


def add_update(
    session: Session,
    action_id: int,
    text: str,
    *,
    status: str | None = None,
    written_on: date | None = None,
    review_id: int | None = None,
    young_people_comment: str = "",
    reason: str = "",
) -> Done[int]:
    """A dated progress note, which also sets the action's status when one is given."""
    action = _action(session, action_id)
    plan_id = _plan_of(session, action)
    text = vocab.text(text, "update")
    comment = vocab.text(young_people_comment, "young people's comment")
    if not text and not comment:
        raise PlanError("The update is empty: say what has happened.")
    new_status = vocab.choice(status, vocab.STATUSES, "status") if status else action.status
    written_on = written_on or clock.today()
    if written_on > clock.today():
        raise PlanError("An update cannot be dated in the future.")
    if review_id is not None:
        review = session.get(PlanReview, review_id)
        if review is None or review.plan_id != plan_id:
            raise PlanError("That review is not of this action's plan.")
    reason = _dropping_reason(action, new_status, reason)
    values = {
        "action_id": action_id,
        "written_on": written_on,
        "text": text,
        "status": new_status,
        "review_id": review_id,
        "young_people_comment": comment,
    }
    new_id = insert_row(session, PlanUpdate, values)
    step = Step(session, plan_id, f"Added an update to '{short(action.we_will)}'")
    step.inserted("update", {"id": new_id, **values}, action_id=action_id)
    _record_status(step, action, new_status, reason)
    session.expire(action)
    return Done(new_id, PLAN_CHANGED)


# Citations -------------------------------------------------------------------------------------


def cite(
    session: Session,
    action_id: int,
    *,
    assessment_id: int | None = None,
    statement_id: int | None = None,
    area_id: int | None = None,
    round_id: int | None = None,
    finding_id: int | None = None,
    priority_theme_id: int | None = None,
) -> Done[int]:
    """Cite a statement or an area (of an assessment, when given), a survey round, a finding of a
    round, or a theme of young people's priorities."""
    action = _action(session, action_id)
    given = (statement_id, area_id, round_id, finding_id, priority_theme_id)
    if sum(v is not None for v in given) != 1:
        raise PlanError(
            "Cite one statement, area, survey round, finding or theme of young people's priorities."
        )
    if finding_id is not None and session.get(Finding, finding_id) is None:
        raise PlanError(f"There is no finding with id {finding_id}.")
    if priority_theme_id is not None and session.get(PriorityTheme, priority_theme_id) is None:
        raise PlanError(f"There is no priority theme with id {priority_theme_id}.")
    if statement_id is not None and session.get(Statement, statement_id) is None:
        raise PlanError(f"There is no statement with id {statement_id}.")
    if area_id is not None and session.get(FrameworkArea, area_id) is None:
        raise PlanError(f"There is no area with id {area_id}.")
    if round_id is not None and session.get(SurveyRound, round_id) is None:
        raise PlanError(f"There is no survey round with id {round_id}.")
    if assessment_id is not None and session.get(Assessment, assessment_id) is None:
        raise PlanError(f"There is no assessment with id {assessment_id}.")
    values = {
        "action_id": action_id,
        "assessment_id": assessment_id if (statement_id or area_id) else None,
        "statement_id": statement_id,
        "area_id": area_id,
        "round_id": round_id,
        "finding_id": finding_id,
        "priority_theme_id": priority_theme_id,
    }
    existing = session.scalar(
        select(PlanCitation.id).where(*(getattr(PlanCitation, k) == v for k, v in values.items()))
    )
    if existing is not None:
        return Done(existing, NOTHING)
    new_id = insert_row(session, PlanCitation, values)
    step = Step(session, _plan_of(session, action), f"Cited evidence for '{short(action.we_will)}'")
    step.inserted("citation", {"id": new_id, **values}, action_id=action_id)
    return Done(new_id, PLAN_CHANGED)


def uncite(session: Session, citation_id: int) -> Done[None]:
    citation = session.get(PlanCitation, citation_id)
    if citation is None:
        raise PlanError(f"There is no citation with id {citation_id}.")
    action = _action(session, citation.action_id)
    step = Step(
        session, _plan_of(session, action), f"Removed evidence from '{short(action.we_will)}'"
    )
    step.deleted("citation", snapshot(citation), action_id=action.id)
    session.expire_all()
    return Done(None, PLAN_CHANGED)
