"""Plans and their versions: making one, revising it after the follow-up, signing it off, and the
list of plans with their progress at a glance.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass
from datetime import date
from typing import Any

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from nbdesk.action_plan import vocab
from nbdesk.action_plan.history import PLAN_CHANGED, Step, insert_row, signed_off_step, snapshot
from nbdesk.action_plan.vocab import PlanError
from nbdesk.common import clock
from nbdesk.common.changes import Done
from nbdesk.storage.models import (
    ActionPlan,
    PlanAction,
    PlanCitation,
    PlanSignOff,
    PlanTheme,
)


@dataclass(frozen=True)
class PlanSummary:
    id: int
    name: str
    stage: str
    starts_on: date
    ends_on: date
    revises: str  # the name of the plan it revises, or ""
    signed_off_on: date | None
    actions: int
    by_status: dict[str, int]

    @property
    def describe(self) -> str:
        period = f"{vocab.format_day(self.starts_on)} to {vocab.format_day(self.ends_on)}"
        signed = (
            f"signed off {vocab.format_day(self.signed_off_on)}"
            if self.signed_off_on
            else "not signed off"
        )
        return f"{vocab.STAGE_LABELS.get(self.stage, self.stage)}, {period}, {signed}"


def _period(starts_on: date, ends_on: date) -> None:
    if ends_on < starts_on:
        raise PlanError("The plan's period must end after it starts.")


def _name_free(session: Session, name: str, except_id: int | None = None) -> None:
    query = select(ActionPlan.id).where(func.lower(ActionPlan.name) == name.lower())
    if except_id is not None:
        query = query.where(ActionPlan.id != except_id)
    if session.scalar(query) is not None:
        raise PlanError(f"There is already a plan called '{name}'.")


def plan_row(session: Session, plan_id: int) -> ActionPlan:
    plan = session.get(ActionPlan, plan_id)
    if plan is None:
        raise PlanError(f"There is no plan with id {plan_id}.")
    return plan


def create_plan(
    session: Session,
    name: str,
    *,
    stage: str = "initial",
    starts_on: date | None = None,
    ends_on: date | None = None,
    themes: tuple[str, ...] | list[str] = (),
) -> Done[int]:
    """A new, empty plan (two years from today unless told), with its themes in order."""
    name = vocab.title(name, "plan's name")
    stage = vocab.choice(stage, vocab.STAGES, "stage")
    starts_on = starts_on or clock.today()
    ends_on = ends_on or vocab.add_months(starts_on, 24)
    _period(starts_on, ends_on)
    _name_free(session, name)
    titles = [vocab.title(t, "theme") for t in themes]
    if len({t.lower() for t in titles}) != len(titles):
        raise PlanError("Two themes have the same name.")
    plan = ActionPlan(
        name=name, stage=stage, starts_on=starts_on, ends_on=ends_on, created_at=clock.now()
    )
    session.add(plan)
    session.flush()
    step = Step(session, plan.id, f"Created the plan '{name}'")
    step.created(plan.id)
    for position, theme_title in enumerate(titles, start=1):
        theme = PlanTheme(plan_id=plan.id, position=position, title=theme_title)
        session.add(theme)
        session.flush()
    return Done(plan.id, PLAN_CHANGED)


def revise_plan(
    session: Session,
    plan_id: int,
    name: str,
    *,
    stage: str = "revised",
    starts_on: date | None = None,
    ends_on: date | None = None,
) -> Done[int]:
    """A new plan that starts as a copy of `plan_id`: its themes, actions (with their status,
    owners, dates, involvement and citations). Updates stay with the earlier plan, whose history
    is its own."""
    earlier = plan_row(session, plan_id)
    name = vocab.title(name, "plan's name")
    stage = vocab.choice(stage, vocab.STAGES, "stage")
    starts_on = starts_on or clock.today()
    ends_on = ends_on or vocab.add_months(starts_on, 24)
    _period(starts_on, ends_on)
    _name_free(session, name)
    plan = ActionPlan(
        name=name,
        stage=stage,
        starts_on=starts_on,
        ends_on=ends_on,
        revises_id=earlier.id,
        created_at=clock.now(),
    )
    session.add(plan)
    session.flush()
    Step(session, plan.id, f"Created the plan '{name}' from '{earlier.name}'").created(plan.id)
    themes = session.scalars(
        select(PlanTheme).where(PlanTheme.plan_id == plan_id).order_by(PlanTheme.position)
    ).all()
    today = clock.today()
    for theme in themes:
        copy = PlanTheme(plan_id=plan.id, position=theme.position, title=theme.title)
        session.add(copy)
        session.flush()
        actions = session.scalars(
            select(PlanAction).where(PlanAction.theme_id == theme.id).order_by(PlanAction.position)
        ).all()
        for action in actions:
            values = snapshot(action)
            values.pop("id")
            values.update(theme_id=copy.id, copied_from_id=action.id, created_on=today)
            new_id = insert_row(session, PlanAction, values)
            citations = session.scalars(
                select(PlanCitation).where(PlanCitation.action_id == action.id)
            ).all()
            for citation in citations:
                cited = snapshot(citation)
                cited.pop("id")
                cited["action_id"] = new_id
                insert_row(session, PlanCitation, cited)
    return Done(plan.id, PLAN_CHANGED)


def set_details(
    session: Session,
    plan_id: int,
    *,
    name: str | None = None,
    stage: str | None = None,
    starts_on: date | None = None,
    ends_on: date | None = None,
) -> Done[None]:
    plan = plan_row(session, plan_id)
    new_name = vocab.title(name, "plan's name") if name is not None else plan.name
    new_stage = vocab.choice(stage, vocab.STAGES, "stage") if stage is not None else plan.stage
    new_start = starts_on or plan.starts_on
    new_end = ends_on or plan.ends_on
    _period(new_start, new_end)
    if new_name != plan.name:
        _name_free(session, new_name, plan_id)
    step = Step(session, plan_id, "Changed the plan's details")
    for field, old, new in (
        ("name", plan.name, new_name),
        ("stage", plan.stage, new_stage),
        ("starts_on", plan.starts_on, new_start),
        ("ends_on", plan.ends_on, new_end),
    ):
        step.edited("plan", plan_id, field, old, new)
    session.expire(plan)
    return Done(None, PLAN_CHANGED)


def sign_off(
    session: Session,
    plan_id: int,
    *,
    name: str,
    role: str,
    signed_on: date | None = None,
    note: str = "",
) -> Done[int]:
    """Record a senior leader's sign-off. Changes after the first are allowed, and marked."""
    plan_row(session, plan_id)
    signed_on = signed_on or clock.today()
    if signed_on > clock.today():
        raise PlanError("A plan cannot be signed off on a day still to come.")
    values: dict[str, Any] = {
        "plan_id": plan_id,
        "name": vocab.title(name, "name of the person signing off"),
        "role": vocab.title(role, "role of the person signing off"),
        "signed_on": signed_on,
        "note": vocab.text(note, "sign-off note"),
        "recorded_at": clock.now(),
    }
    new_id = insert_row(session, PlanSignOff, values)
    step = Step(session, plan_id, f"Signed off by {values['name']}, {values['role']}")
    step.inserted("sign-off", {"id": new_id, **values})
    return Done(new_id, PLAN_CHANGED)


def list_plans(session: Session) -> list[PlanSummary]:
    plans = session.scalars(select(ActionPlan).order_by(ActionPlan.starts_on, ActionPlan.id)).all()
    names = {p.id: p.name for p in plans}
    signed: dict[int, date] = {
        row[0]: row[1]
        for row in session.execute(
            select(PlanSignOff.plan_id, func.min(PlanSignOff.signed_on)).group_by(
                PlanSignOff.plan_id
            )
        ).all()
    }
    counts: dict[int, Counter[str]] = {p.id: Counter() for p in plans}
    for plan_id, status, n in session.execute(
        select(PlanTheme.plan_id, PlanAction.status, func.count(PlanAction.id))
        .join(PlanAction, PlanAction.theme_id == PlanTheme.id)
        .group_by(PlanTheme.plan_id, PlanAction.status)
    ).all():
        counts[plan_id][status] += n
    return [
        PlanSummary(
            id=p.id,
            name=p.name,
            stage=p.stage,
            starts_on=p.starts_on,
            ends_on=p.ends_on,
            revises=names.get(p.revises_id, "") if p.revises_id else "",
            signed_off_on=signed.get(p.id),
            actions=sum(counts[p.id].values()),
            by_status={s: counts[p.id][s] for s in vocab.STATUSES},
        )
        for p in plans
    ]


def find_plan(session: Session, name_or_id: str) -> int:
    """A plan by its id or its name (any case), for the command line."""
    text = name_or_id.strip()
    if text.isdigit() and session.get(ActionPlan, int(text)) is not None:
        return int(text)
    found = session.scalar(select(ActionPlan.id).where(func.lower(ActionPlan.name) == text.lower()))
    if found is None:
        raise PlanError(f"There is no plan called '{text}'.")
    return found


def is_signed_off(session: Session, plan_id: int) -> bool:
    return signed_off_step(session, plan_id) is not None
