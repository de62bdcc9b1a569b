"""What the returns and reports hold, read from the file as plain values (no ORM objects escape).

Self-assessments come from the assessment service (nbdesk.self_assessment.assessments, nbdesk.self_assessment.results).
A survey round's summary (eligible, completed) comes from the round service (nbdesk.survey.rounds); its
breakdowns use the dashboard's groups (age bands from nbdesk.survey.register, blanks as "Not recorded"),
plus the PA team the dashboard lacks, but are counted with GROUP BY in the database rather than
through the dashboard, which loads every person (see round_breakdowns). A test checks that the two
agree. Only counts leave this module for a round: no names, ids or contact details.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from typing import Any

from sqlalchemy import Select, case, func, select
from sqlalchemy.orm import Session

from nbdesk import __version__
from nbdesk.common import clock
from nbdesk.returns.suppression import CountTable, Group
from nbdesk.self_assessment.assessments import AssessmentDetail, load_assessment
from nbdesk.self_assessment.results import Results, results_from
from nbdesk.self_assessment.sittings import KIND_LABELS, PARTICIPANT_KINDS, list_sittings
from nbdesk.storage.authority import authority_name
from nbdesk.storage.models.survey import CareLeaver, Completion, RoundMember
from nbdesk.survey.register import AGE_BANDS, NOT_RECORDED, OTHER_AGES, age_band
from nbdesk.survey.rounds import RoundSummary, list_rounds

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


def _members(round_id: int) -> Select[Any]:
    """Eligible members of the round with their completion (if any), for grouping in SQL."""
    done = case((Completion.care_leaver_id.is_not(None), 1), else_=0)
    return (
        select(func.count().label("eligible"), func.coalesce(func.sum(done), 0).label("done"))
        .select_from(RoundMember)
        .join(CareLeaver, CareLeaver.id == RoundMember.care_leaver_id)
        .outerjoin(
            Completion,
            (Completion.round_id == RoundMember.round_id)
            & (Completion.care_leaver_id == RoundMember.care_leaver_id),
        )
        .where(RoundMember.round_id == round_id, RoundMember.eligible.is_(True))
    )


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
    """The four breakdowns, counted by SQL's GROUP BY.

    The groups are the round dashboard's (nbdesk.survey.dashboard: age bands by
    nbdesk.survey.register.age_band, a blank value as "Not recorded") plus the PA team, counted in
    the database rather than by loading every person, which keeps a return on 10,000 people quick;
    the returns tests check the two agree. Ages come from grouping by date of birth (a few thousand
    days at most) and the one age_band in Python, so no SQL date arithmetic is needed.
    """
    counts: list[dict[str, list[int]]] = [{} for _ in BREAKDOWN_TITLES]

    def add(table: dict[str, list[int]], name: str, eligible: int, done: int) -> None:
        pair = table.get(name)
        if pair is None:
            table[name] = [int(eligible), int(done)]
        else:
            pair[0] += eligible
            pair[1] += done

    dob = CareLeaver.date_of_birth
    for eligible, done, born in session.connection().execute(
        _members(round_id).add_columns(dob).group_by(dob)
    ):
        add(counts[0], age_band(born, opens_on), eligible, done)
    # The other three grouped by their raw values at once (a few hundred combinations at most),
    # then labelled (each distinct value once) and added up per breakdown here.
    keys = (CareLeaver.gender, CareLeaver.accommodation, CareLeaver.team)
    labels: list[dict[Any, str]] = [{} for _ in keys]
    query = _members(round_id).add_columns(*keys).group_by(*keys)
    for eligible, done, *values in session.connection().execute(query):
        for value, known, table in zip(values, labels, counts[1:], strict=True):
            name = known.get(value)
            if name is None:
                name = known[value] = _label(value)
            add(table, name, eligible, done)
    orders = (_age_order, _plain_order, _plain_order, _plain_order)
    return tuple(
        _table(title, table, order)
        for title, table, order in zip(BREAKDOWN_TITLES, counts, orders, strict=True)
    )


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
    """The round's counts; `weekly=False` skips the week-by-week figures only the PDF report uses."""
    rounds = list_rounds(session)
    summary = next((r for r in rounds if r.id == round_id), None)
    if summary is None:
        raise LookupError(f"No survey round with id {round_id}.")
    earlier = tuple(r for r in rounds if r.opens_on < summary.opens_on and r.id != summary.id)
    over_time = completions_by_day(session, round_id) if weekly else []
    return RoundData(
        authority=authority_name(session),
        round=summary,
        total=Group("All eligible care leavers", summary.eligible, summary.completed),
        breakdowns=round_breakdowns(session, round_id, summary.opens_on),
        weekly=(
            weekly_totals(summary.opens_on, summary.closes_on, over_time, clock.today())
            if weekly
            else ()
        ),
        earlier=earlier,
        exported_at=clock.now(),
        nbdesk_version=__version__,
    )
