"""Reading a plan whole, as plain values: its themes in order, each action with its owner, updates
(newest first), the evidence it cites and whether it changed after sign-off; and, for the
self-assessment, the actions that cite each statement.

A few queries per plan whatever its size (the large demonstration has 200 actions and 2,000
updates), never one per action.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field
from datetime import date
from functools import cache
from typing import Any, NamedTuple

from sqlalchemy import bindparam, case, func, select
from sqlalchemy.orm import Session

from nbdesk.action_plan import vocab
from nbdesk.action_plan.history import changes_the_plan, signed_off_step
from nbdesk.action_plan.plans import PlanSummary, list_plans, plan_row
from nbdesk.action_plan.reviews import Review, list_reviews
from nbdesk.storage.models import (
    Assessment,
    Finding,
    FrameworkArea,
    PlanAction,
    PlanChange,
    PlanCitation,
    PlanOwner,
    PlanReview,
    PlanSignOff,
    PlanTheme,
    PlanUpdate,
    PriorityTheme,
    Statement,
    SurveyRound,
)
from nbdesk.storage.prepared import core


class UpdateView(NamedTuple):
    """A named tuple, not a dataclass: a large plan makes thousands on every read."""

    id: int
    written_on: date
    text: str
    status: str
    review_id: int | None
    young_people_comment: str
    with_young_people: bool  # written in a review young people took part in


class CitationView(NamedTuple):
    id: int
    kind: str  # statement | area | round | finding | priority
    label: str  # "Statement 3 / B: …", "Area 7: …", "Survey round: …"
    assessment: str  # the assessment's name, when the citation names one
    assessment_id: int | None
    statement_id: int | None
    area_id: int | None
    round_id: int | None
    finding_id: int | None = None
    priority_theme_id: int | None = None


@dataclass(frozen=True)
class SignOffView:
    name: str
    role: str
    signed_on: date
    note: str


@dataclass(frozen=True)
class ActionView:
    id: int
    theme_id: int
    theme: str
    position: int
    you_said: str
    we_will: str
    owner_id: int | None
    owner: str
    due_on: date | None
    due_is_quarter: bool
    status: str
    dropped_reason: str
    involvement: tuple[str, ...]
    involvement_note: str
    not_involved_reason: str
    not_involved_note: str
    created_on: date
    # Newest first: all of them, or only the latest when the plan was read for its table
    # (read_plan(..., updates=LATEST)); `update_count` and `reviewed_with_young_people` always
    # count them all.
    updates: tuple[UpdateView, ...] = ()
    citations: tuple[CitationView, ...] = ()
    changed_after_sign_off: bool = False
    update_count: int = 0
    reviewed_with_young_people: bool = False  # an update written in a review young people joined

    @property
    def when(self) -> str:
        return vocab.when_text(self.due_on, self.due_is_quarter)

    @property
    def status_text(self) -> str:
        return vocab.status_text(self.status)

    @property
    def involves_young_people(self) -> bool:
        return bool(self.involvement)

    @property
    def involvement_text(self) -> str:
        if self.involvement:
            words = ", ".join(vocab.WAY_LABELS[w].lower() for w in self.involvement)
            note = f" ({self.involvement_note})" if self.involvement_note else ""
            return f"Yes: {words}{note}"
        if self.not_involved_reason == "other" and self.not_involved_note:
            return f"No: {self.not_involved_note}"
        if self.not_involved_reason:
            return f"No: {vocab.REASON_LABELS[self.not_involved_reason].lower()}"
        return "Not yet decided"

    @property
    def latest_update(self) -> UpdateView | None:
        return self.updates[0] if self.updates else None

    @property
    def last_heard_on(self) -> date:
        """The latest update's date, or when the action was added."""
        return self.updates[0].written_on if self.updates else self.created_on

    @property
    def all_updates_read(self) -> bool:
        return len(self.updates) == self.update_count

    @property
    def is_open(self) -> bool:
        return self.status in vocab.OPEN_STATUSES


@dataclass(frozen=True)
class ThemeView:
    id: int
    position: int
    title: str
    actions: tuple[ActionView, ...] = ()


@dataclass(frozen=True)
class PlanView:
    summary: PlanSummary
    themes: tuple[ThemeView, ...]
    sign_offs: tuple[SignOffView, ...]
    reviews: tuple[Review, ...]
    changed_after_sign_off: int = 0  # how many steps were made after sign-off
    owners: tuple[tuple[int, str, str], ...] = field(default_factory=tuple)

    @property
    def actions(self) -> list[ActionView]:
        return [a for t in self.themes for a in t.actions]

    @property
    def signed_off(self) -> bool:
        return bool(self.sign_offs)


@cache
def _statements() -> dict[str, Any]:
    """The plan's reading, built once: a plan is read on every redraw, and building each statement
    cost more than SQLite took to run it. Core columns on the session's connection, not ORM
    entities, for the same reason; all of it is portable SQL."""
    theme, action = PlanTheme.__table__, PlanAction.__table__
    update, citation = PlanUpdate.__table__, PlanCitation.__table__
    plan_id: Any = bindparam("plan_id")
    in_plan = (
        select(action.c.id)
        .join(theme, theme.c.id == action.c.theme_id)
        .where(theme.c.plan_id == plan_id)
    )
    young = select(PlanReview.__table__.c.id).where(
        PlanReview.__table__.c.plan_id == plan_id, PlanReview.__table__.c.young_people > 0
    )
    newest = (
        select(update.c.id)
        .where(update.c.action_id == action.c.id)
        .order_by(update.c.written_on.desc(), update.c.id.desc())
        .limit(1)
        .correlate(action)
        .scalar_subquery()
    )
    latest_ids = (
        select(newest).select_from(action.join(theme, theme.c.id == action.c.theme_id))
    ).where(theme.c.plan_id == plan_id)
    statement, area, statement_area = (
        Statement.__table__,
        FrameworkArea.__table__.alias("cited_area"),
        FrameworkArea.__table__.alias("statement_area"),
    )
    assessment, round_, finding, priority = (
        Assessment.__table__,
        SurveyRound.__table__,
        Finding.__table__,
        PriorityTheme.__table__,
    )
    change = PlanChange.__table__
    sign_off = PlanSignOff.__table__
    owner = PlanOwner.__table__
    return {
        "themes": select(theme.c.id, theme.c.position, theme.c.title)
        .where(theme.c.plan_id == plan_id)
        .order_by(theme.c.position),
        "owners": select(owner.c.id, owner.c.name, owner.c.kind).order_by(func.lower(owner.c.name)),
        "actions": select(action)
        .join(theme, theme.c.id == action.c.theme_id)
        .where(theme.c.plan_id == plan_id)
        .order_by(action.c.position, action.c.id),
        "young": young,
        # Each action's newest update, found through the action's index (a window function over
        # all the plan's updates cost five times as much), and apart from it how many it has and
        # whether any was written in a review young people joined.
        "latest": select(update).where(update.c.id.in_(latest_ids)),
        "counts": select(
            update.c.action_id,
            func.count(),
            func.max(case((update.c.review_id.in_(young), 1), else_=0)),
        )
        .where(update.c.action_id.in_(in_plan))
        .group_by(update.c.action_id),
        "action_updates": select(update)
        .where(update.c.action_id == bindparam("action_id"))
        .order_by(update.c.written_on.desc(), update.c.id.desc()),
        "all": select(update)
        .where(update.c.action_id.in_(in_plan))
        .order_by(update.c.written_on.desc(), update.c.id.desc()),
        # Every citation with what its label needs, in one query rather than one per kind.
        "citations": select(
            citation.c.id,
            citation.c.action_id,
            citation.c.assessment_id,
            citation.c.statement_id,
            citation.c.area_id,
            citation.c.round_id,
            citation.c.finding_id,
            citation.c.priority_theme_id,
            statement.c.letter,
            statement.c.text,
            statement_area.c.number,
            area.c.number,
            area.c.title,
            assessment.c.name,
            round_.c.name,
            finding.c.domain,
            finding.c.text,
            finding.c.percent,
            finding.c.base,
            priority.c.name,
        )
        .select_from(
            citation.outerjoin(statement, statement.c.id == citation.c.statement_id)
            .outerjoin(statement_area, statement_area.c.id == statement.c.area_id)
            .outerjoin(area, area.c.id == citation.c.area_id)
            .outerjoin(assessment, assessment.c.id == citation.c.assessment_id)
            .outerjoin(round_, round_.c.id == citation.c.round_id)
            .outerjoin(finding, finding.c.id == citation.c.finding_id)
            .outerjoin(priority, priority.c.id == citation.c.priority_theme_id)
        )
        .where(citation.c.action_id.in_(bindparam("action_ids", expanding=True)))
        .order_by(citation.c.id),
        "changes": select(change.c.step, change.c.action_id, change.c.kind, change.c.field).where(
            change.c.plan_id == plan_id,
            change.c.step > bindparam("signed_step"),
            change.c.undone.is_(False),
        ),
        "sign_offs": select(sign_off.c.name, sign_off.c.role, sign_off.c.signed_on, sign_off.c.note)
        .where(sign_off.c.plan_id == plan_id)
        .order_by(sign_off.c.signed_on, sign_off.c.id),
    }


def citations_for(session: Session, action_ids: list[int]) -> dict[int, list[CitationView]]:
    """Each action's citations with labels a lead can read."""
    found: dict[int, list[CitationView]] = defaultdict(list)
    if not action_ids:
        return found
    rows = core(session)(_statements()["citations"], {"action_ids": list(action_ids)}).all()
    for (
        id_,
        action_id,
        assessment_id,
        statement_id,
        area_id,
        round_id,
        finding_id,
        priority_theme_id,
        letter,
        statement_text,
        statement_area_number,
        area_number,
        area_title,
        assessment,
        round_name,
        domain,
        finding_text,
        percent,
        base,
        priority,
    ) in rows:
        if finding_id:
            finding = f"{domain}: {finding_text} — {percent:g}% of {base}" if domain else "?"
            kind, label = "finding", f"Finding: {finding}"
        elif priority_theme_id:
            kind, label = "priority", f"Young people's priority: {priority or '?'}"
        elif statement_id:
            kind = "statement"
            label = f"Statement {statement_area_number} / {letter.upper()}: {statement_text}"
        elif area_id:
            kind, label = "area", f"Area {area_number}: {area_title}"
        else:
            kind, label = "round", f"Survey round: {round_name or '?'}"
        found[action_id].append(
            CitationView(
                id=id_,
                kind=kind,
                label=label,
                assessment=(assessment or "") if assessment_id else "",
                assessment_id=assessment_id,
                statement_id=statement_id,
                area_id=area_id,
                round_id=round_id,
                finding_id=finding_id,
                priority_theme_id=priority_theme_id,
            )
        )
    return found


ALL = "all"
LATEST = "latest"


def _update_view(u: Any, with_young: bool) -> UpdateView:
    return UpdateView(
        u.id, u.written_on, u.text, u.status, u.review_id, u.young_people_comment, with_young
    )


def read_plan(
    session: Session,
    plan_id: int,
    summaries: list[PlanSummary] | None = None,
    updates: str = ALL,
) -> PlanView:
    """The plan whole; `summaries` (from list_plans) when the caller has just read them.

    With `updates=LATEST` each action holds only its latest update (with the count of all and
    whether any was written in a review young people joined), which is all its table row and
    what needs attention ask for: the section reads a chosen action's others (`read_updates`)
    when it is chosen. The workbook, report and command line read them all."""
    plan_row(session, plan_id)
    summary = next(s for s in (summaries or list_plans(session)) if s.id == plan_id)
    run = core(session)
    sql = _statements()
    at = {"plan_id": plan_id}
    themes = run(sql["themes"], at).all()
    owner_list = [(r[0], r[1], r[2]) for r in run(sql["owners"]).all()]
    owners = {o[0]: o[1] for o in owner_list}
    # Plain rows, not ORM objects: a plan of 200 actions and 2,000 updates is read for every
    # redraw, and building identity-mapped objects cost most of that time.
    actions = run(sql["actions"], at).all()
    with_young = set(run(sql["young"], at).scalars().all())
    by_action: dict[int, list[UpdateView]] = defaultdict(list)
    counts: dict[int, int] = {}
    heard_with_young: set[int] = set()
    if updates == LATEST:
        for u in run(sql["latest"], at).all():
            by_action[u.action_id].append(_update_view(u, u.review_id in with_young))
        for action_id, count, heard in run(sql["counts"], at).all():
            counts[action_id] = count
            if heard:
                heard_with_young.add(action_id)
    else:
        for u in run(sql["all"], at).all():
            young = u.review_id in with_young
            by_action[u.action_id].append(_update_view(u, young))
            if young:
                heard_with_young.add(u.action_id)
        counts = {a: len(found) for a, found in by_action.items()}
    citations = citations_for(session, [a.id for a in actions])
    signed_step = signed_off_step(session, plan_id)
    after: set[int] = set()
    steps_after = 0
    if signed_step is not None:
        rows = run(sql["changes"], {**at, "signed_step": signed_step}).all()
        changing = {r[0] for r in rows if changes_the_plan(r[2], r[3])}
        after = {r[1] for r in rows if r[0] in changing and r[1] is not None}
        steps_after = len(changing)
    title_of = {t.id: t.title for t in themes}
    by_theme: dict[int, list[ActionView]] = defaultdict(list)
    for a in actions:
        by_theme[a.theme_id].append(
            ActionView(
                id=a.id,
                theme_id=a.theme_id,
                theme=title_of[a.theme_id],
                position=a.position,
                you_said=a.you_said,
                we_will=a.we_will,
                owner_id=a.owner_id,
                owner=owners.get(a.owner_id, "") if a.owner_id else "",
                due_on=a.due_on,
                due_is_quarter=a.due_is_quarter,
                status=a.status,
                dropped_reason=a.dropped_reason,
                involvement=tuple(w for w in a.involvement.split(",") if w),
                involvement_note=a.involvement_note,
                not_involved_reason=a.not_involved_reason,
                not_involved_note=a.not_involved_note,
                created_on=a.created_on,
                updates=tuple(by_action.get(a.id, ())),
                citations=tuple(citations.get(a.id, ())),
                changed_after_sign_off=a.id in after,
                update_count=counts.get(a.id, 0),
                reviewed_with_young_people=a.id in heard_with_young,
            )
        )
    return PlanView(
        summary=summary,
        themes=tuple(
            ThemeView(t.id, t.position, t.title, tuple(by_theme.get(t.id, ()))) for t in themes
        ),
        sign_offs=tuple(SignOffView(*s) for s in run(sql["sign_offs"], at).all()),
        reviews=tuple(list_reviews(session, plan_id)),
        changed_after_sign_off=steps_after,
        owners=tuple(owner_list),
    )


def read_updates(session: Session, plan_id: int, action_id: int) -> tuple[UpdateView, ...]:
    """One action's updates, newest first: what the section shows for the chosen action."""
    run, sql = core(session), _statements()
    with_young = set(run(sql["young"], {"plan_id": plan_id}).scalars().all())
    return tuple(
        _update_view(u, u.review_id in with_young)
        for u in run(sql["action_updates"], {"action_id": action_id}).all()
    )
