"""What a plan answers: the actions citing each statement or area of an assessment (for its
Results and the workshop), and what young people said that no action answers yet."""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass

from sqlalchemy import select
from sqlalchemy.orm import Session

from nbdesk.action_plan import vocab
from nbdesk.storage.models import ActionPlan, PlanAction, PlanCitation, PlanTheme, SurveyRound


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
