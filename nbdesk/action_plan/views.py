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
from typing import Any, NamedTuple

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from nbdesk.action_plan import vocab
from nbdesk.action_plan.actions import list_owners
from nbdesk.action_plan.history import changes_the_plan, signed_off_step
from nbdesk.action_plan.plans import PlanSummary, list_plans, plan_row
from nbdesk.action_plan.reviews import Review, list_reviews
from nbdesk.storage.models import (
    ActionPlan,
    Assessment,
    Finding,
    FrameworkArea,
    PlanAction,
    PlanChange,
    PlanCitation,
    PlanReview,
    PlanSignOff,
    PlanTheme,
    PlanUpdate,
    PriorityTheme,
    Statement,
    SurveyRound,
)


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


def citations_for(session: Session, action_ids: list[int]) -> dict[int, list[CitationView]]:
    """Each action's citations with labels a lead can read."""
    found: dict[int, list[CitationView]] = defaultdict(list)
    if not action_ids:
        return found
    citations = session.execute(
        select(PlanCitation.__table__)
        .where(PlanCitation.action_id.in_(action_ids))
        .order_by(PlanCitation.id)
    ).all()
    statement_ids = {c.statement_id for c in citations if c.statement_id}
    statements = {
        row[0]: (row[1], row[2], row[3])
        for row in session.execute(
            select(Statement.id, Statement.letter, Statement.text, Statement.area_id).where(
                Statement.id.in_(statement_ids)
            )
        ).all()
    }
    area_ids = {c.area_id for c in citations if c.area_id} | {v[2] for v in statements.values()}
    areas = {
        row[0]: (row[1], row[2])
        for row in session.execute(
            select(FrameworkArea.id, FrameworkArea.number, FrameworkArea.title).where(
                FrameworkArea.id.in_(area_ids)
            )
        ).all()
    }
    assessments: dict[int, str] = {
        row[0]: row[1]
        for row in session.execute(
            select(Assessment.id, Assessment.name).where(
                Assessment.id.in_({c.assessment_id for c in citations if c.assessment_id})
            )
        ).all()
    }
    rounds: dict[int, str] = {
        row[0]: row[1]
        for row in session.execute(
            select(SurveyRound.id, SurveyRound.name).where(
                SurveyRound.id.in_({c.round_id for c in citations if c.round_id})
            )
        ).all()
    }
    findings: dict[int, str] = {
        row[0]: f"{row[1]}: {row[2]} — {row[3]:g}% of {row[4]}"
        for row in session.execute(
            select(Finding.id, Finding.domain, Finding.text, Finding.percent, Finding.base).where(
                Finding.id.in_({c.finding_id for c in citations if c.finding_id})
            )
        ).all()
    }
    priorities: dict[int, str] = {
        row[0]: row[1]
        for row in session.execute(
            select(PriorityTheme.id, PriorityTheme.name).where(
                PriorityTheme.id.in_(
                    {c.priority_theme_id for c in citations if c.priority_theme_id}
                )
            )
        ).all()
    }
    for c in citations:
        if c.finding_id:
            kind, label = "finding", f"Finding: {findings.get(c.finding_id, '?')}"
        elif c.priority_theme_id:
            kind, label = (
                "priority",
                f"Young people's priority: {priorities.get(c.priority_theme_id, '?')}",
            )
        elif c.statement_id:
            letter, text, area_id = statements[c.statement_id]
            number = areas[area_id][0]
            kind, label = "statement", f"Statement {number} / {letter.upper()}: {text}"
        elif c.area_id:
            number, title = areas[c.area_id]
            kind, label = "area", f"Area {number}: {title}"
        else:
            kind, label = "round", f"Survey round: {rounds.get(c.round_id or 0, '?')}"
        found[c.action_id].append(
            CitationView(
                id=c.id,
                kind=kind,
                label=label,
                assessment=assessments.get(c.assessment_id, "") if c.assessment_id else "",
                assessment_id=c.assessment_id,
                statement_id=c.statement_id,
                area_id=c.area_id,
                round_id=c.round_id,
                finding_id=c.finding_id,
                priority_theme_id=c.priority_theme_id,
            )
        )
    return found


ALL = "all"
LATEST = "latest"


def _update_view(u: Any, with_young: bool) -> UpdateView:
    return UpdateView(
        u.id, u.written_on, u.text, u.status, u.review_id, u.young_people_comment, with_young
    )


def _with_young_people(plan_id: int) -> Any:
    """The ids of the plan's reviews that young people took part in, as a subquery."""
    return select(PlanReview.id).where(PlanReview.plan_id == plan_id, PlanReview.young_people > 0)


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
    themes = session.execute(
        select(PlanTheme.__table__).where(PlanTheme.plan_id == plan_id).order_by(PlanTheme.position)
    ).all()
    theme_ids = [t.id for t in themes]
    owner_list = list_owners(session)
    owners = {o[0]: o[1] for o in owner_list}
    # Plain rows, not ORM objects: a plan of 200 actions and 2,000 updates is read for every
    # redraw, and building identity-mapped objects cost most of that time.
    actions = session.execute(
        select(PlanAction.__table__)
        .where(PlanAction.theme_id.in_(theme_ids))
        .order_by(PlanAction.position, PlanAction.id)
    ).all()
    action_ids = [a.id for a in actions]
    with_young = set(session.scalars(_with_young_people(plan_id)).all())
    in_plan = (
        select(PlanAction.id)
        .join(PlanTheme, PlanTheme.id == PlanAction.theme_id)
        .where(PlanTheme.plan_id == plan_id)
    )
    by_action: dict[int, list[UpdateView]] = defaultdict(list)
    counts: dict[int, int] = {}
    heard_with_young: set[int] = set()
    if updates == LATEST:
        # Each action's newest update, ranked in the database; only those come back.
        ranked = (
            select(
                PlanUpdate.__table__,
                func.row_number()
                .over(
                    partition_by=PlanUpdate.action_id,
                    order_by=(PlanUpdate.written_on.desc(), PlanUpdate.id.desc()),
                )
                .label("rank"),
                func.count().over(partition_by=PlanUpdate.action_id).label("updates"),
            )
            .where(PlanUpdate.action_id.in_(in_plan))
            .subquery()
        )
        for u in session.execute(select(ranked).where(ranked.c.rank == 1)).all():
            by_action[u.action_id].append(_update_view(u, u.review_id in with_young))
            counts[u.action_id] = u.updates
        heard_with_young = set(
            session.scalars(
                select(PlanUpdate.action_id)
                .distinct()
                .where(
                    PlanUpdate.action_id.in_(in_plan),
                    PlanUpdate.review_id.in_(_with_young_people(plan_id)),
                )
            ).all()
        )
    else:
        for u in session.execute(
            select(PlanUpdate.__table__)
            .where(PlanUpdate.action_id.in_(in_plan))
            .order_by(PlanUpdate.written_on.desc(), PlanUpdate.id.desc())
        ).all():
            young = u.review_id in with_young
            by_action[u.action_id].append(_update_view(u, young))
            if young:
                heard_with_young.add(u.action_id)
        counts = {a: len(found) for a, found in by_action.items()}
    citations = citations_for(session, action_ids)
    signed_step = signed_off_step(session, plan_id)
    after: set[int] = set()
    steps_after = 0
    if signed_step is not None:
        rows = session.execute(
            select(PlanChange.step, PlanChange.action_id, PlanChange.kind, PlanChange.field).where(
                PlanChange.plan_id == plan_id,
                PlanChange.step > signed_step,
                PlanChange.undone.is_(False),
            )
        ).all()
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
    sign_offs = session.scalars(
        select(PlanSignOff)
        .where(PlanSignOff.plan_id == plan_id)
        .order_by(PlanSignOff.signed_on, PlanSignOff.id)
    ).all()
    return PlanView(
        summary=summary,
        themes=tuple(
            ThemeView(t.id, t.position, t.title, tuple(by_theme.get(t.id, ()))) for t in themes
        ),
        sign_offs=tuple(SignOffView(s.name, s.role, s.signed_on, s.note) for s in sign_offs),
        reviews=tuple(list_reviews(session, plan_id)),
        changed_after_sign_off=steps_after,
        owners=tuple(owner_list),
    )


def read_updates(session: Session, plan_id: int, action_id: int) -> tuple[UpdateView, ...]:
    """One action's updates, newest first: what the section shows for the chosen action."""
    with_young = set(session.scalars(_with_young_people(plan_id)).all())
    return tuple(
        _update_view(u, u.review_id in with_young)
        for u in session.execute(
            select(PlanUpdate.__table__)
            .where(PlanUpdate.action_id == action_id)
            .order_by(PlanUpdate.written_on.desc(), PlanUpdate.id.desc())
        ).all()
    )


@dataclass(frozen=True)
class CitingAction:
    action_id: int
    plan_id: int
    plan: str
    we_will: str
    status: str

    @property
    def label(self) -> str:
        return f"{vocab.STATUS_SYMBOLS.get(self.status, '')} {self.we_will} ({self.plan})"


def citing_actions(session: Session, assessment_id: int) -> dict[int, list[CitingAction]]:
    """For an assessment's Results and workshop: statement id (or area id, negated) → the actions
    citing it, whether the citation names this assessment or no assessment at all."""
    rows = session.execute(
        select(
            PlanCitation.statement_id,
            PlanCitation.area_id,
            PlanAction.id,
            ActionPlan.id,
            ActionPlan.name,
            PlanAction.we_will,
            PlanAction.status,
        )
        .join(PlanAction, PlanAction.id == PlanCitation.action_id)
        .join(PlanTheme, PlanTheme.id == PlanAction.theme_id)
        .join(ActionPlan, ActionPlan.id == PlanTheme.plan_id)
        .where(
            (PlanCitation.assessment_id == assessment_id) | PlanCitation.assessment_id.is_(None),
            # Only statements and areas: rounds, findings and priorities are not the assessment's.
            PlanCitation.statement_id.is_not(None) | PlanCitation.area_id.is_not(None),
        )
        .order_by(ActionPlan.starts_on, PlanTheme.position, PlanAction.position)
    ).all()
    found: dict[int, list[CitingAction]] = defaultdict(list)
    for statement_id, area_id, action_id, plan_id, plan, we_will, status in rows:
        key = statement_id if statement_id is not None else -area_id
        found[key].append(CitingAction(action_id, plan_id, plan, we_will, status))
    return found


@dataclass(frozen=True)
class Unanswered:
    """What young people said that no action of a plan answers yet."""

    findings: tuple[tuple[int, str], ...]  # (finding id, label), small bases left out
    priorities: tuple[tuple[int, str, int], ...]  # (theme id, name, count)


def unanswered(session: Session, plan_id: int, round_ids: list[int]) -> Unanswered:
    """The findings of `round_ids` and the priority themes named after them that no action of the
    plan cites. Findings on a base under 10 are left out: they are never printed either."""
    from nbdesk.feedback.priorities import tally
    from nbdesk.feedback.results import SMALL_BASE, list_findings

    cited = session.execute(
        select(PlanCitation.finding_id, PlanCitation.priority_theme_id)
        .join(PlanAction, PlanAction.id == PlanCitation.action_id)
        .join(PlanTheme, PlanTheme.id == PlanAction.theme_id)
        .where(PlanTheme.plan_id == plan_id)
    ).all()
    cited_findings = {r[0] for r in cited if r[0] is not None}
    cited_themes = {r[1] for r in cited if r[1] is not None}
    findings: list[tuple[int, str]] = []
    themes: dict[int, tuple[int, str, int]] = {}
    round_names: dict[int, str] = {
        row[0]: row[1]
        for row in session.execute(
            select(SurveyRound.id, SurveyRound.name).where(SurveyRound.id.in_(round_ids))
        ).all()
    }
    for round_id in round_ids:
        for f in list_findings(session, round_id):
            if f.id not in cited_findings and f.base >= SMALL_BASE:
                # Named by round: two rounds' "33% of 40" must not look like one finding twice.
                findings.append((f.id, f"{round_names.get(round_id, '')}: {f.label}"))
        for row in tally(session, round_id):
            if row.theme_id not in cited_themes:
                before = themes.get(row.theme_id, (row.theme_id, row.theme, 0))
                themes[row.theme_id] = (row.theme_id, row.theme, before[2] + row.count)
    return Unanswered(
        tuple(findings), tuple(sorted(themes.values(), key=lambda t: (-t[2], t[1].lower())))
    )
