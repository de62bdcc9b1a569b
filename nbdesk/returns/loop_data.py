"""What the young people's plan and the evidence pack hold, read from the file as plain values.

Both are built on what young people said: each action's citations of kind "finding" or "priority"
(nbdesk.action_plan.views), with the finding's figures read afresh. A finding whose base is under
nbdesk.feedback.results.SMALL_BASE is never taken into either: neither file leaves a trace of it.

- The young people's plan: per theme, each action's "You said" (the findings and priorities it
  answers, in plain words, and what the lead typed under You said), "We are doing" (the action),
  how it is going (a status in plain words beside its symbol) and "What you will see" (when it
  should be done, or when it was). Owners are left out unless the lead asks for them.
- The evidence pack: per theme, what young people said (findings with their round, percent and
  base, and each finding's figure in a later round where there is one; priorities with how many
  named them), what was done (every action with its owner, date, latest update and status), young
  people's involvement, and the self-assessment areas the theme's actions cite, baseline beside
  follow-up (nbdesk.returns.plan_data's pairing and nbdesk.self_assessment.comparison).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime

from sqlalchemy import select
from sqlalchemy.orm import Session

from nbdesk.action_plan import vocab
from nbdesk.action_plan.views import ActionView, ThemeView
from nbdesk.common import clock
from nbdesk.common.dates import format_day
from nbdesk.feedback.results import SMALL_BASE, FindingView
from nbdesk.feedback.telling_back import FeedbackView
from nbdesk.returns.plan_data import PlanData, Rated, plan_data
from nbdesk.storage.models import Finding, SurveyRound

MONTHS = [
    "January",
    "February",
    "March",
    "April",
    "May",
    "June",
    "July",
    "August",
    "September",
    "October",
    "November",
    "December",
]
YOUNG_STATUS = {
    vocab.NOT_STARTED: "Not started yet",
    vocab.ON_TRACK: "Under way",
    vocab.AT_RISK: "Taking longer than we planned",
    vocab.DONE: "Done",
    vocab.DROPPED: "Stopped",
}
DEFAULT_GET_INVOLVED = (
    "Want a say in what happens next? Tell your personal adviser (PA), or ask them how to join "
    "the care leavers' group that checks this plan with us. You can also tell us what you think "
    "of this plan."
)


def month_year(day: date) -> str:
    return f"{MONTHS[day.month - 1]} {day.year}"


def long_day(day: date) -> str:
    return f"{day.day} {MONTHS[day.month - 1]} {day.year}"


@dataclass(frozen=True)
class CitedFinding:
    finding: FindingView
    round_name: str
    round_opens_on: date
    later: tuple[tuple[str, float], ...]  # (later round's name, percent), bases of 10 or more

    def plain(self) -> str:
        text = self.finding.text.rstrip(".")
        # Which survey it came from: two rounds' figures for one finding must not read as one.
        return (
            f"{text} ({self.finding.percent:g}% of those who answered our survey, "
            f"{self.round_name})"
        )

    def staff(self) -> str:
        f = self.finding
        line = f"{f.domain}: {f.text} — {f.percent:g}% of {f.base} ({self.round_name})"
        if self.later:
            line += "; since: " + ", ".join(f"{n} {p:g}%" for n, p in self.later)
        return line


def the_survey(round_name: str) -> str:
    """'the Time 2 survey' for a round named so, 'the Autumn 2026 survey' for one named
    'Autumn 2026' (a tester read "after the Time 2 survey survey")."""
    named = " ".join(round_name.split())
    return f"the {named}" if named.casefold().endswith("survey") else f"the {named} survey"


@dataclass(frozen=True)
class CitedPriority:
    theme_id: int
    name: str
    count: int  # how many named it after the latest round that kept a count
    round_name: str = ""  # that round ("" when no count was kept)

    def plain(self) -> str:
        if self.count:
            return (
                f"{self.name}: {self.count} of you told us this needs to change "
                f"(after {the_survey(self.round_name)})"
            )
        return f"{self.name}: you told us this needs to change"

    def staff(self) -> str:
        named = (
            f"named by {self.count} after {self.round_name}"
            if self.count
            else "named (no count kept)"
        )
        return f"Young people's priority: {self.name} ({named})"


@dataclass(frozen=True)
class Answered:
    """An action with what young people said that it answers."""

    action: ActionView
    findings: tuple[CitedFinding, ...]
    priorities: tuple[CitedPriority, ...]

    def you_said(self) -> list[str]:
        """For young people: the findings and priorities, then what the lead typed."""
        out = [f.plain() for f in self.findings] + [p.plain() for p in self.priorities]
        if self.action.you_said.strip():
            out.append(self.action.you_said.strip())
        return out

    def status(self) -> str:
        return YOUNG_STATUS.get(self.action.status, self.action.status_text)

    def you_will_see(self) -> str:
        a = self.action
        if a.status == vocab.DONE:
            heard = a.latest_update.written_on if a.latest_update else None
            return f"This is done (since {month_year(heard)})." if heard else "This is done."
        if a.status == vocab.DROPPED:
            why = f": {a.dropped_reason.rstrip('.')}" if a.dropped_reason else ""
            return f"We have stopped this{why}."
        if a.due_on is None:
            return "We will tell you when this will be ready."
        if a.due_on < clock.today():
            # Never a date already gone by as a promise.
            return (
                f"This was meant to be ready by {month_year(a.due_on)}. It is taking longer "
                "than we planned: we will tell you the new date at the next review."
            )
        return f"Ready by {month_year(a.due_on)}."


@dataclass(frozen=True)
class ThemeAnswers:
    theme: ThemeView
    answered: tuple[Answered, ...]


@dataclass(frozen=True)
class AreaScore:
    """A self-assessment area a theme's actions cite (directly or through a statement in it)."""

    assessment: str  # "Baseline 2020 – staff, then Follow-up 2022 – staff", or one name
    rated: Rated  # the area's mean before and after (second None without a follow-up)
    paired: bool


@dataclass(frozen=True)
class LoopData:
    base: PlanData
    themes: tuple[ThemeAnswers, ...]
    feedback: tuple[FeedbackView, ...]  # newest first
    areas: dict[int, tuple[AreaScore, ...]]  # theme id -> the areas its actions cite
    show_owners: bool
    get_involved: str
    small_left_out: int = 0  # cited findings on a base under SMALL_BASE, never printed

    @property
    def authority(self) -> str:
        return self.base.authority

    @property
    def today(self) -> date:
        return self.base.today

    @property
    def exported_at(self) -> datetime:
        return self.base.exported_at

    @property
    def shared_on(self) -> date | None:
        return self.feedback[0].sent_on if self.feedback else None

    def owner(self, action: ActionView) -> str:
        return action.owner if self.show_owners else ""

    def young_people_texts(self) -> list[str]:
        """Every sentence the young people's plan prints, for the readability check."""
        out = [self.get_involved]
        for t in self.themes:
            out.append(t.theme.title)
            for a in t.answered:
                out += a.you_said()
                out += [a.action.we_will, a.status(), a.you_will_see()]
        return out


def _findings(session: Session, ids: set[int]) -> dict[int, CitedFinding]:
    """The cited findings with a base of SMALL_BASE or more (a smaller one is never read further),
    each with its figure in later rounds where the same finding is listed on a base as large."""
    if not ids:
        return {}
    rows = session.execute(
        select(Finding.__table__, SurveyRound.name.label("round_name"), SurveyRound.opens_on)
        .join(SurveyRound, SurveyRound.id == Finding.round_id)
        .where(Finding.id.in_(ids), Finding.base >= SMALL_BASE)
    ).all()
    out: dict[int, CitedFinding] = {}
    for r in rows:
        later = session.execute(
            select(SurveyRound.name, Finding.percent)
            .join(SurveyRound, SurveyRound.id == Finding.round_id)
            .where(
                SurveyRound.opens_on > r.opens_on,
                Finding.base >= SMALL_BASE,
                Finding.domain == r.domain,
                Finding.text == r.text,
            )
            .order_by(SurveyRound.opens_on)
        ).all()
        out[r.id] = CitedFinding(
            FindingView(r.id, r.round_id, r.position, r.domain, r.text, r.percent, r.base),
            r.round_name,
            r.opens_on,
            tuple((n, p) for n, p in later),
        )
    return out


def _priority_counts(session: Session, ids: set[int]) -> dict[int, tuple[int, str]]:
    """Each theme's count after the latest round that kept one, with that round's name. Never a
    sum over rounds: the same young people may have named it after each."""
    from nbdesk.storage.models import PriorityCount

    if not ids:
        return {}
    rows = session.execute(
        select(PriorityCount.theme_id, PriorityCount.count, SurveyRound.name)
        .join(SurveyRound, SurveyRound.id == PriorityCount.round_id)
        .where(PriorityCount.theme_id.in_(ids), PriorityCount.count > 0)
        .order_by(SurveyRound.opens_on, SurveyRound.id)
    ).all()
    return {r[0]: (int(r[1]), r[2]) for r in rows}


def _areas(session: Session, base: PlanData) -> dict[int, tuple[AreaScore, ...]]:
    """Per theme, each area its actions cite in an assessment (an area, or a statement in it):
    the area's mean in that assessment beside its pair over time (plan_data's pairing)."""
    from nbdesk.returns.plan_data import _pair
    from nbdesk.self_assessment.assessments import (
        list_assessments,
        load_assessment,
        score_detail,
    )
    from nbdesk.self_assessment.comparison import compare_details

    wanted: dict[int, list[tuple[int, int | None, int | None]]] = {}
    for theme in base.plan.themes:
        for a in theme.actions:
            for c in a.citations:
                if c.assessment_id is not None and (c.statement_id or c.area_id):
                    wanted.setdefault(theme.id, []).append(
                        (c.assessment_id, c.statement_id, c.area_id)
                    )
    if not wanted:
        return {}
    summaries = {s.id: s for s in list_assessments(session, include_archived=True)}
    cache: dict[int, tuple[str, dict[int, tuple[str, float | None, float | None]], bool]] = {}
    area_numbers: dict[int, dict[int, int]] = {}  # assessment -> statement or area id -> number

    def read(assessment_id: int) -> None:
        detail = load_assessment(session, assessment_id)
        numbers = {s.statement_id: s.area_number for s in detail.statements()}
        numbers.update({-a.area_id: a.number for a in detail.areas})
        area_numbers[assessment_id] = numbers
        pair = _pair(summaries[assessment_id], list(summaries.values()))
        means: dict[int, tuple[str, float | None, float | None]]
        if pair is None:
            scored = score_detail(detail)
            means = {a.number: (a.title, a.mean, None) for a in scored.areas}
            cache[assessment_id] = (summaries[assessment_id].name, means, False)
            return
        first, second = (load_assessment(session, i) for i in pair)
        comparison = compare_details(first, second)
        means = {a.number: (a.title, a.first, a.second) for a in comparison.areas}
        name = f"{comparison.first.name}, then {comparison.second.name}"
        cache[assessment_id] = (name, means, True)

    out: dict[int, tuple[AreaScore, ...]] = {}
    for theme_id, cited in wanted.items():
        seen: set[tuple[int, int]] = set()
        scores: list[AreaScore] = []
        for assessment_id, statement_id, area_id in cited:
            if assessment_id not in cache:
                read(assessment_id)
            key = statement_id if statement_id is not None else -(area_id or 0)
            number = area_numbers[assessment_id].get(key)
            if number is None or (assessment_id, number) in seen:
                continue
            seen.add((assessment_id, number))
            name, means, paired = cache[assessment_id]
            title, first, second = means.get(number, ("", None, None))
            scores.append(AreaScore(name, Rated(f"Area {number}", title, first, second, 2), paired))
        out[theme_id] = tuple(sorted(scores, key=lambda s: (s.assessment, s.rated.reference)))
    return out


def loop_data(
    session: Session,
    plan_id: int,
    *,
    show_owners: bool = False,
    get_involved: str = "",
    evidence: bool = False,
) -> LoopData:
    """The plan with what young people said that each action answers; `evidence=True` also
    reads the self-assessment areas the themes cite (only the evidence pack shows them)."""
    base = plan_data(session, plan_id, evidence=False)
    finding_ids = {c.finding_id for a in base.plan.actions for c in a.citations if c.finding_id}
    priority_ids = {
        c.priority_theme_id for a in base.plan.actions for c in a.citations if c.priority_theme_id
    }
    findings = _findings(session, finding_ids)
    counts = _priority_counts(session, priority_ids)
    themes = []
    for theme in base.plan.themes:
        answered = []
        for a in theme.actions:
            cited_findings = tuple(
                findings[c.finding_id]
                for c in a.citations
                if c.kind == "finding" and c.finding_id in findings
            )
            cited_priorities = tuple(
                CitedPriority(
                    c.priority_theme_id,
                    c.label.split(": ", 1)[-1],
                    *counts.get(c.priority_theme_id, (0, "")),
                )
                for c in a.citations
                if c.kind == "priority" and c.priority_theme_id is not None
            )
            answered.append(Answered(a, cited_findings, cited_priorities))
        themes.append(ThemeAnswers(theme, tuple(answered)))
    return LoopData(
        base=base,
        themes=tuple(themes),
        feedback=base.shared,
        areas=_areas(session, base) if evidence else {},
        show_owners=show_owners,
        get_involved=" ".join(get_involved.split()) or DEFAULT_GET_INVOLVED,
        small_left_out=len(finding_ids - set(findings)),
    )


def shared_line(data: LoopData) -> str:
    """'Shared with young people on 3 Nov 2026 (120 by text)', or that it has not been yet."""
    if not data.feedback:
        return "Not yet recorded as shared with young people"
    last = data.feedback[0]
    how = f"{last.how_many} by {last.channel}"
    return f"Shared with young people on {format_day(last.sent_on)} ({how})"
