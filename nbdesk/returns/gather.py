"""What the returns and reports hold, read from the file as plain values (no ORM objects escape).

Self-assessments come from the assessment service (nbdesk.self_assessment.assessments, nbdesk.self_assessment.results).
A survey round's breakdowns use the dashboard's groups (age bands from nbdesk.survey.register, blanks
as "Not recorded"), plus the PA team the dashboard lacks, but are counted with one GROUP BY in the
database rather than through the dashboard, which loads every person (see round_breakdowns); its
summary (eligible, completed) is the sum of a breakdown's groups, as the round service
(nbdesk.survey.rounds) counts it. Tests check that all three agree. Only counts leave this module for
a round: no names, ids or contact details.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from functools import cache
from typing import Any

from sqlalchemy import Select, bindparam, case, func, select
from sqlalchemy.orm import Session

from nbdesk import __version__
from nbdesk.common import clock
from nbdesk.returns.suppression import CountTable, Group
from nbdesk.self_assessment.assessments import AssessmentDetail, load_assessment
from nbdesk.self_assessment.results import Results, results_from
from nbdesk.self_assessment.sittings import KIND_LABELS, PARTICIPANT_KINDS, list_sittings
from nbdesk.storage.authority import authority_name
from nbdesk.storage.models.survey import CareLeaver, Completion, RoundMember
from nbdesk.survey.register import AGE_BANDS, NOT_RECORDED, OTHER_AGES, band_name
from nbdesk.survey.rounds import RoundSummary, list_rounds, round_row, summary_of

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
    # One person who came to three sittings is one person, so a name counts once within a kind;
    # but people recorded by their role ("Personal adviser" twice at one sitting) are as many as
    # the name was written at any one sitting (a tester's sitting of five staff was counted as 4).
    people: dict[str, Counter[str]] = {kind: Counter() for kind in PARTICIPANT_KINDS}
    for sitting in sittings:
        here = Counter(
            (p.kind, " ".join(p.name_or_role.split()).casefold()) for p in sitting.participants
        )
        for (kind, name), times in here.items():
            seen = people.setdefault(kind, Counter())
            seen[name] = max(seen[name], times)
    return SelfAssessmentData(
        authority=authority_name(session),
        detail=detail,
        results=results_from(detail),
        sittings=len(sittings),
        participants=tuple(
            (KIND_LABELS.get(kind, kind), sum(names.values())) for kind, names in people.items()
        ),
        exported_at=clock.now(),
        nbdesk_version=__version__,
    )


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


def _members() -> Select[Any]:
    """One row per eligible member of the round (parameter `round_id`): their age band on the day
    it opened (as the member's row keeps it, register.band_number), gender, accommodation and team as recorded, and 1 if they completed."""
    return (
        select(
            RoundMember.age_band.label("band"),
            CareLeaver.gender,
            CareLeaver.accommodation,
            CareLeaver.team,
            case((Completion.care_leaver_id.is_not(None), 1), else_=0).label("done"),
        )
        .select_from(RoundMember)
        .join(CareLeaver, CareLeaver.id == RoundMember.care_leaver_id)
        .outerjoin(
            Completion,
            (Completion.round_id == RoundMember.round_id)
            & (Completion.care_leaver_id == RoundMember.care_leaver_id),
        )
        .where(RoundMember.round_id == bindparam("round_id"), RoundMember.eligible.is_(True))
    )


@cache
def _breakdowns_query() -> Select[Any]:
    """The four keys counted together (see round_breakdowns). Built once and reused, so SQLAlchemy
    neither builds it again nor works out its cache key for every return; its parameters are the
    round."""
    m = _members().subquery()
    keys = (m.c.band, m.c.gender, m.c.accommodation, m.c.team)
    return select(func.count(), func.sum(m.c.done), *keys).group_by(*keys)


def _plain_order(label: str) -> tuple[int, str]:
    return (label == NOT_RECORDED, label.casefold())


def _age_order(label: str) -> tuple[int, str]:
    names = [b[0] for b in AGE_BANDS] + [OTHER_AGES, NOT_RECORDED]
    return (names.index(label) if label in names else len(names), label)


def _table(
    title: str,
    counts: dict[str, list[int]],
    order: Callable[[str], tuple[int, str]] = _plain_order,
) -> CountTable:
    groups = sorted(counts, key=order)
    return CountTable(title, tuple(Group(g, counts[g][0], counts[g][1]) for g in groups))


def _label(value: Any) -> str:
    # As the dashboard labels a group: Python's strip, here rather than in SQL, since SQLite's trim
    # knows only the characters it is given (a no-break space from a spreadsheet would stay).
    return str(value or "").strip() or NOT_RECORDED


def round_breakdowns(session: Session, round_id: int, opens_on: date) -> tuple[CountTable, ...]:
    """The four breakdowns, counted by SQL's GROUP BY in one pass over the round's members.

    The groups are the round dashboard's (nbdesk.survey.dashboard: age bands by
    nbdesk.survey.register.age_band, a blank value as "Not recorded") plus the PA team, counted in
    the database rather than by loading every person, which keeps a return on 10,000 people quick;
    the returns tests check the two agree. The age band is the one the member's row keeps from the
    day the round opened (`opens_on` is no longer needed), so no date of birth is read: a viewer
    may export it. The four keys are grouped together, a few hundred combinations at most, each
    raw value is labelled once here, and each breakdown adds its groups up: one scan of the
    members rather than one per breakdown.
    """
    counts: list[dict[str, list[int]]] = [{} for _ in BREAKDOWN_TITLES]
    labels: list[dict[Any, str]] = [{}, {}, {}]
    params = {"round_id": round_id}
    for eligible, done, band, *values in session.connection().execute(_breakdowns_query(), params):
        named = (_labelled(v, known) for v, known in zip(values, labels, strict=True))
        names = (band_name(band), *named)
        for name, table in zip(names, counts, strict=True):
            pair = table.get(name)
            if pair is None:
                table[name] = [int(eligible), int(done)]
            else:
                pair[0] += eligible
                pair[1] += done
    orders = (_age_order, _plain_order, _plain_order, _plain_order)
    return tuple(
        _table(title, table, order)
        for title, table, order in zip(BREAKDOWN_TITLES, counts, orders, strict=True)
    )


def _labelled(value: Any, known: dict[Any, str]) -> str:
    name = known.get(value)
    if name is None:
        name = known[value] = _label(value)
    return name


def completions_by_day(session: Session, round_id: int) -> list[tuple[date, int]]:
    """(day, completions so far) for each day with any, among the eligible."""
    query = (
        select(Completion.confirmed_on, func.count())
        .join(
            RoundMember,
            (RoundMember.round_id == Completion.round_id)
            & (RoundMember.care_leaver_id == Completion.care_leaver_id),
        )
        .where(Completion.round_id == round_id, RoundMember.eligible.is_(True))
        .group_by(Completion.confirmed_on)
        .order_by(Completion.confirmed_on)
    )
    running, out = 0, []
    for day, count in session.execute(query):
        running += int(count)
        out.append((day, running))
    return out


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


def round_data(session: Session, round_id: int, *, weekly: bool = True) -> RoundData:
    """The round's counts. `weekly=False` (the return) leaves out what only the PDF report shows:
    the week-by-week figures and the earlier rounds.

    The round's totals are the sums of a breakdown's groups (every eligible member is in exactly
    one group of each), so the members are counted once, not again for the round's summary."""
    row = round_row(session, round_id)
    breakdowns = round_breakdowns(session, round_id, row.opens_on)
    eligible = sum(g.eligible for g in breakdowns[0].groups)
    completed = sum(g.completed for g in breakdowns[0].groups)
    summary = summary_of(row, eligible, completed)
    earlier: tuple[RoundSummary, ...] = ()
    over_time: list[tuple[date, int]] = []
    if weekly:
        earlier = tuple(
            r for r in list_rounds(session) if r.opens_on < summary.opens_on and r.id != summary.id
        )
        over_time = completions_by_day(session, round_id)
    return RoundData(
        authority=authority_name(session),
        round=summary,
        total=Group("All eligible care leavers", eligible, completed),
        breakdowns=breakdowns,
        weekly=(
            weekly_totals(summary.opens_on, summary.closes_on, over_time, clock.today())
            if weekly
            else ()
        ),
        earlier=earlier,
        exported_at=clock.now(),
        nbdesk_version=__version__,
    )
