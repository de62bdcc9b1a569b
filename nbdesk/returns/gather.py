"""What the returns and reports hold, read from the file as plain values (no ORM objects escape).

Self-assessments come from the assessment service (nbdesk.assessments, nbdesk.assessment_results);
survey rounds from the round service's dashboard (nbdesk.rounds), so the return counts exactly what
staff see in the app: who is eligible, who of them completed, and the groups by age band, gender and
accommodation type. The one breakdown the dashboard does not give, by PA team, is counted here.
Only counts leave this module for a round: no names, ids or contact details.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date, datetime, timedelta

from sqlalchemy import select
from sqlalchemy.orm import Session

from nbdesk import __version__
from nbdesk.assessment_results import Comparison, Results, compare_details, results_from
from nbdesk.assessments import (
    KIND_LABELS,
    PARTICIPANT_KINDS,
    AssessmentDetail,
    find_assessment,
    list_sittings,
    load_assessment,
)
from nbdesk.authority import authority_name
from nbdesk.register import NOT_RECORDED
from nbdesk.returns.suppression import CountTable, Group
from nbdesk.rounds import GroupFigures, RoundSummary, dashboard, find_round, list_rounds
from nbdesk.storage.models.survey import CareLeaver, Completion, RoundMember

BREAKDOWN_TITLES = ("Age band", "Gender", "Accommodation type", "PA team")


# Self-assessment -------------------------------------------------------------------------------


@dataclass(frozen=True)
class SelfAssessmentData:
    authority: str
    detail: AssessmentDetail
    results: Results
    sittings: int
    participants: tuple[tuple[str, int], ...]  # (kind label, people) in the order of the kinds
    exported_at: datetime
    nbdesk_version: str


def self_assessment_data(session: Session, assessment_id: int) -> SelfAssessmentData:
    detail = load_assessment(session, assessment_id)
    sittings = list_sittings(session, assessment_id)
    # One person who came to three sittings is one person: count distinct names within a kind.
    people: dict[str, set[str]] = {kind: set() for kind in PARTICIPANT_KINDS}
    for sitting in sittings:
        for p in sitting.participants:
            people.setdefault(p.kind, set()).add(" ".join(p.name_or_role.split()).casefold())
    return SelfAssessmentData(
        authority=authority_name(session),
        detail=detail,
        results=results_from(detail),
        sittings=len(sittings),
        participants=tuple(
            (KIND_LABELS.get(kind, kind), len(names)) for kind, names in people.items()
        ),
        exported_at=datetime.now().replace(microsecond=0),
        nbdesk_version=__version__,
    )


def self_assessment_by_name(session: Session, name: str) -> SelfAssessmentData:
    return self_assessment_data(session, find_assessment(session, name))


def comparison_by_name(session: Session, first: str, second: str) -> Comparison:
    """Compare two assessments, putting the baseline (or the staff view) first."""
    a = load_assessment(session, find_assessment(session, first))
    b = load_assessment(session, find_assessment(session, second))
    if a.summary.id == b.summary.id:
        raise ValueError("Choose two different assessments to compare.")

    def order(d: AssessmentDetail) -> tuple[int, int, date]:
        stage = {"baseline": 0, "follow-up": 1}.get(d.summary.stage, 2)
        perspective = 0 if d.summary.perspective == "staff" else 1
        return (perspective, stage, d.summary.held_on)

    if a.summary.perspective == b.summary.perspective:
        first_detail, second_detail = sorted((a, b), key=lambda d: order(d)[1:])
    else:
        first_detail, second_detail = sorted((a, b), key=order)
    return compare_details(first_detail, second_detail)


# Survey rounds ---------------------------------------------------------------------------------


@dataclass(frozen=True)
class RoundData:
    authority: str
    round: RoundSummary
    total: Group
    breakdowns: tuple[CountTable, ...]
    # Cumulative completions at the end of each week from opening (week 1 = the first 7 days),
    # counted by week only so that no day can be lined up with the central team's responses.
    weekly: tuple[tuple[date, int], ...]
    earlier: tuple[RoundSummary, ...]  # rounds that opened before this one, oldest first
    exported_at: datetime
    nbdesk_version: str


def long_date(day: date) -> str:
    """2 March 2026: no leading zero, on every platform."""
    return f"{day.day} {day:%B %Y}"


def _table(title: str, groups: Iterable[GroupFigures]) -> CountTable:
    return CountTable(title, tuple(Group(g.group, g.eligible, g.completed) for g in groups))


def _by_team(session: Session, round_id: int) -> CountTable:
    """The round's dashboard breaks down by personal adviser; the return wants the PA's team."""
    eligible: Counter[str] = Counter()
    completed: Counter[str] = Counter()
    for team, done in session.execute(
        select(CareLeaver.team, Completion.confirmed_on)
        .join(RoundMember, RoundMember.care_leaver_id == CareLeaver.id)
        .outerjoin(
            Completion,
            (Completion.round_id == RoundMember.round_id)
            & (Completion.care_leaver_id == RoundMember.care_leaver_id),
        )
        .where(RoundMember.round_id == round_id, RoundMember.eligible.is_(True))
    ):
        label = " ".join((team or "").split()) or NOT_RECORDED
        eligible[label] += 1
        completed[label] += int(done is not None)
    order = sorted(eligible, key=lambda g: (g == NOT_RECORDED, g.casefold()))
    return CountTable(
        BREAKDOWN_TITLES[3], tuple(Group(g, eligible[g], completed[g]) for g in order)
    )


def weekly_totals(
    opens_on: date, closes_on: date, over_time: Iterable[tuple[date, int]], today: date
) -> tuple[tuple[date, int], ...]:
    """Cumulative completions at the end of each week of the round, up to its close or today."""
    points = sorted(over_time)
    last = max([closes_on, *(d for d, _ in points)]) if points else closes_on
    weekly: list[tuple[date, int]] = []
    week_end = opens_on + timedelta(days=6)
    while True:
        so_far = max((n for d, n in points if d <= week_end), default=0)
        weekly.append((week_end, so_far))
        if week_end >= last or week_end >= today:
            break
        week_end += timedelta(days=7)
    return tuple(weekly)


def round_data(session: Session, round_id: int) -> RoundData:
    board = dashboard(session, round_id)
    summary = board.round
    breakdowns = (
        _table(BREAKDOWN_TITLES[0], board.by_age_band),
        _table(BREAKDOWN_TITLES[1], board.by_gender),
        _table(BREAKDOWN_TITLES[2], board.by_accommodation),
        _by_team(session, round_id),
    )
    earlier = tuple(
        r for r in list_rounds(session) if r.opens_on < summary.opens_on and r.id != summary.id
    )
    return RoundData(
        authority=authority_name(session),
        round=summary,
        total=Group("All eligible care leavers", summary.eligible, summary.completed),
        breakdowns=breakdowns,
        weekly=weekly_totals(summary.opens_on, summary.closes_on, board.over_time, date.today()),
        earlier=earlier,
        exported_at=datetime.now().replace(microsecond=0),
        nbdesk_version=__version__,
    )


def round_by_name(session: Session, name: str) -> RoundData:
    return round_data(session, find_round(session, name).id)
