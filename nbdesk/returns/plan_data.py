"""What the action plan workbook and progress report hold, read from the file as plain values.

The plan comes from nbdesk.action_plan.views and what needs attention from
nbdesk.action_plan.attention, counted the same way the window counts it. The report also shows the
change in the evidence the plan cites:

- for each assessment its actions cite (a statement or an area of it): that assessment beside its
  pair over time, baseline against the latest follow-up of the same perspective held after it (or,
  for a cited follow-up, the latest baseline before it), compared by
  nbdesk.self_assessment.comparison (like for like when either is not wholly rated); and each cited
  statement's and area's rating before and after;
- for each survey round cited: its response rate beside the latest round opened after it, both
  through the participation return's suppression, so a round of 1 to 5 people is never shown.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime

from sqlalchemy.orm import Session

from nbdesk import __version__
from nbdesk.action_plan.attention import Attention, attention
from nbdesk.action_plan.views import PlanView, read_plan
from nbdesk.common import clock
from nbdesk.common.dates import format_day
from nbdesk.common.figures import fixed
from nbdesk.feedback.telling_back import FeedbackView, list_feedback
from nbdesk.returns.suppression import SYMBOL, Group, SafeRow, suppress
from nbdesk.self_assessment.assessments import (
    AssessmentSummary,
    list_assessments,
    load_assessment,
    score_detail,
)
from nbdesk.self_assessment.comparison import compare_details
from nbdesk.storage.authority import authority_name


@dataclass(frozen=True)
class Rated:
    """A cited statement or area before and after: points (statement) or a mean (area)."""

    reference: str  # "3 / B" or "Area 7"
    text: str
    first: float | None
    second: float | None
    places: int  # 0 for a statement's points, 2 for an area's mean

    def shown(self, value: float | None) -> str:
        return "not rated" if value is None else fixed(value, self.places)

    @property
    def difference(self) -> float | None:
        """The change between the figures as shown (rounded first), so a reader's subtraction
        of the two printed figures gives the printed change (2.69 → 3.08 is +0.39)."""
        if self.first is None or self.second is None:
            return None
        return round(
            float(fixed(self.second, self.places)) - float(fixed(self.first, self.places)),
            self.places,
        )

    @property
    def change(self) -> str:
        diff = self.difference
        if diff is None:
            return "–"
        text = fixed(diff, self.places)
        return text if text.startswith("-") else f"+{text}"


@dataclass(frozen=True)
class AssessmentLink:
    """An assessment the plan cites, and its pair over time if there is one."""

    cited: str
    first: str  # the earlier's name (the cited one when there is no pair)
    second: str  # the later's name, or "" when there is none yet
    first_total: int
    second_total: int | None
    first_band: str  # "" when not given
    second_band: str
    basis: str  # which statements the totals are taken over, in words
    items: tuple[Rated, ...]  # the cited statements and areas

    @property
    def paired(self) -> bool:
        return bool(self.second)


@dataclass(frozen=True)
class RoundLink:
    """A survey round the plan cites and the latest round after it, rates suppressed."""

    name: str
    rate: str  # "48%", "[c]" or "–"
    later: str  # the later round's name, or ""
    later_rate: str
    change: str  # "+6 points", or "–"


@dataclass(frozen=True)
class PlanData:
    authority: str
    plan: PlanView
    attention: Attention
    today: date
    assessments: tuple[AssessmentLink, ...]
    rounds: tuple[RoundLink, ...]
    exported_at: datetime
    nbdesk_version: str
    shared: tuple[FeedbackView, ...] = ()  # when the plan went out to young people, newest first

    @property
    def shared_text(self) -> str:
        """'10 Nov 2026 (85 by text)', or that it has not been recorded."""
        if not self.shared:
            return "not yet recorded"
        last = self.shared[0]
        more = f"; {len(self.shared) - 1} times before" if len(self.shared) > 1 else ""
        return f"{format_day(last.sent_on)} ({last.how_many} by {last.channel}){more}"


def plan_data(session: Session, plan_id: int, *, evidence: bool = True) -> PlanData:
    """The plan with what needs attention today; `evidence=False` skips the cited assessments and
    rounds, which only the report shows."""
    view = read_plan(session, plan_id)
    today = clock.today()
    return PlanData(
        authority=authority_name(session),
        plan=view,
        attention=attention(view, today),
        today=today,
        assessments=assessment_links(session, view) if evidence else (),
        rounds=round_links(session, view) if evidence else (),
        exported_at=clock.now(),
        nbdesk_version=__version__,
        shared=tuple(list_feedback(session, plan_id)),
    )


def _rate(row: SafeRow) -> str:
    if row.rate_hidden:
        return SYMBOL
    return "–" if row.rate is None else f"{fixed(row.rate * 100)}%"


def round_links(session: Session, view: PlanView) -> tuple[RoundLink, ...]:
    from nbdesk.survey.rounds import list_rounds

    cited = {c.round_id for a in view.actions for c in a.citations if c.round_id is not None}
    if not cited:
        return ()
    rounds = list_rounds(session)
    out = []
    for r in rounds:
        if r.id not in cited:
            continue
        shown = suppress(Group(r.name, r.eligible, r.completed), []).total
        later_rounds = [x for x in rounds if x.opens_on > r.opens_on]
        later = later_rounds[-1] if later_rounds else None
        later_shown = (
            suppress(Group(later.name, later.eligible, later.completed), []).total
            if later
            else None
        )
        change = "–"
        if later_shown is not None and shown.rate is not None and later_shown.rate is not None:
            points = (later_shown.rate - shown.rate) * 100
            text = fixed(points)
            change = f"{text if text.startswith('-') else '+' + text} points"
        out.append(
            RoundLink(
                r.name,
                _rate(shown),
                later.name if later else "",
                _rate(later_shown) if later_shown else "",
                change,
            )
        )
    return tuple(out)


def assessment_links(session: Session, view: PlanView) -> tuple[AssessmentLink, ...]:
    cited_statements: dict[int, set[int]] = {}
    cited_areas: dict[int, set[int]] = {}
    for action in view.actions:
        for c in action.citations:
            if c.assessment_id is None:
                continue
            if c.statement_id is not None:
                cited_statements.setdefault(c.assessment_id, set()).add(c.statement_id)
            elif c.area_id is not None:
                cited_areas.setdefault(c.assessment_id, set()).add(c.area_id)
    cited = sorted(set(cited_statements) | set(cited_areas))
    if not cited:
        return ()
    summaries = {s.id: s for s in list_assessments(session, include_archived=True)}
    out = []
    for assessment_id in cited:
        this = summaries[assessment_id]
        pair = _pair(this, list(summaries.values()))
        detail = load_assessment(session, assessment_id)
        by_statement = {s.statement_id: s for s in detail.statements()}
        by_area = {a.area_id: a for a in detail.areas}
        wanted_statements = [
            by_statement[i] for i in sorted(cited_statements.get(assessment_id, ()))
        ]
        wanted_areas = [by_area[i] for i in sorted(cited_areas.get(assessment_id, ()))]
        if pair is None:
            scored = score_detail(detail)
            means = {a.number: a.mean for a in scored.areas}
            items = [
                Rated(s.reference, s.text, s.points, None, 0)
                for s in sorted(wanted_statements, key=lambda s: (s.area_number, s.letter))
            ] + [
                Rated(f"Area {a.number}", a.title, means.get(a.number), None, 2)
                for a in sorted(wanted_areas, key=lambda a: a.number)
            ]
            out.append(
                AssessmentLink(
                    this.name,
                    this.name,
                    "",
                    scored.total,
                    None,
                    scored.band or "",
                    "",
                    scored.note,
                    tuple(items),
                )
            )
            continue
        first_id, second_id = pair
        first = detail if first_id == assessment_id else load_assessment(session, first_id)
        second = detail if second_id == assessment_id else load_assessment(session, second_id)
        comparison = compare_details(first, second)
        keys = {(s.area_number, s.letter) for s in wanted_statements}
        numbers = {a.number for a in wanted_areas}
        items = [
            Rated(s.reference, s.text, s.first, s.second, 0)
            for s in comparison.statements
            if (s.area_number, s.letter) in keys
        ] + [
            Rated(f"Area {a.number}", a.title, a.first, a.second, 2)
            for a in comparison.areas
            if a.number in numbers
        ]
        out.append(
            AssessmentLink(
                this.name,
                comparison.first.name,
                comparison.second.name,
                comparison.first_score.total,
                comparison.second_score.total,
                comparison.first_score.band or "",
                comparison.second_score.band or "",
                comparison.basis(),
                tuple(items),
            )
        )
    return tuple(out)


def _pair(this: AssessmentSummary, others: list[AssessmentSummary]) -> tuple[int, int] | None:
    """(earlier id, later id): a baseline and the latest follow-up of the same perspective held
    after it, or a follow-up and the latest baseline before it; None when there is no such pair."""
    same = [
        o
        for o in others
        if o.id != this.id and o.perspective == this.perspective and not o.archived
    ]
    if this.stage == "baseline":
        later = [o for o in same if o.stage == "follow-up" and o.held_on >= this.held_on]
        if later:
            return this.id, max(later, key=lambda o: (o.held_on, o.id)).id
    elif this.stage == "follow-up":
        earlier = [o for o in same if o.stage == "baseline" and o.held_on <= this.held_on]
        if earlier:
            return max(earlier, key=lambda o: (o.held_on, o.id)).id, this.id
    return None
