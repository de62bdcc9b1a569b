"""What the returns and reports hold, read from the file as plain values (no ORM objects escape).

Self-assessments come from the assessment service (nbdesk.assessments, nbdesk.assessment_results).
A survey round's counts are read here, read-only, from the survey tables: who is eligible (the
round's members not excluded), who of them completed, and the breakdowns by age band, gender,
accommodation type and PA team. Only counts leave this module for a round: no names, ids or contact
details.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from datetime import date, datetime, timedelta

from sqlalchemy import func, select
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
from nbdesk.returns.suppression import CountTable, Group
from nbdesk.storage.models.survey import CareLeaver, Completion, RoundMember, SurveyRound

NOT_RECORDED = "Not recorded"
AGE_BANDS: tuple[tuple[str, int, int], ...] = (
    ("16 to 17", 16, 17),
    ("18 to 20", 18, 20),
    ("21 to 25", 21, 25),
)
OTHER_AGES = "Other ages"
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
class RoundSummary:
    id: int
    name: str
    opens_on: date
    closes_on: date
    closed: bool
    eligible: int
    completed: int


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


def list_rounds(session: Session) -> list[RoundSummary]:
    eligible = (
        select(RoundMember.round_id, func.count().label("n"))
        .where(RoundMember.eligible.is_(True))
        .group_by(RoundMember.round_id)
        .subquery()
    )
    completed = (
        select(Completion.round_id, func.count().label("n"))
        .join(
            RoundMember,
            (RoundMember.round_id == Completion.round_id)
            & (RoundMember.care_leaver_id == Completion.care_leaver_id),
        )
        .where(RoundMember.eligible.is_(True))
        .group_by(Completion.round_id)
        .subquery()
    )
    query = (
        select(SurveyRound, eligible.c.n, completed.c.n)
        .outerjoin(eligible, eligible.c.round_id == SurveyRound.id)
        .outerjoin(completed, completed.c.round_id == SurveyRound.id)
        .order_by(SurveyRound.opens_on, SurveyRound.name)
    )
    return [
        RoundSummary(r.id, r.name, r.opens_on, r.closes_on, r.closed, e or 0, c or 0)
        for r, e, c in session.execute(query)
    ]


def find_round(session: Session, name: str) -> RoundSummary:
    wanted = " ".join(name.split()).casefold()
    rounds = list_rounds(session)
    for r in rounds:
        if r.name.casefold() == wanted:
            return r
    known = ", ".join(f"'{r.name}'" for r in rounds) or "none"
    raise LookupError(f"No survey round called '{name}' (there are: {known}).")


def long_date(day: date) -> str:
    """2 March 2026: no leading zero, on every platform."""
    return f"{day.day} {day:%B %Y}"


def age_on(born: date, day: date) -> int:
    return day.year - born.year - ((day.month, day.day) < (born.month, born.day))


def age_band(born: date | None, day: date) -> str:
    if born is None:
        return NOT_RECORDED
    age = age_on(born, day)
    for label, low, high in AGE_BANDS:
        if low <= age <= high:
            return label
    return OTHER_AGES


def _label(value: str) -> str:
    cleaned = " ".join((value or "").split())
    return cleaned[:1].upper() + cleaned[1:] if cleaned else NOT_RECORDED


def _table(
    title: str,
    people: Iterable[tuple[str, bool]],
    order: Callable[[str], tuple[int, str]],
) -> CountTable:
    eligible: Counter[str] = Counter()
    completed: Counter[str] = Counter()
    for group, done in people:
        eligible[group] += 1
        completed[group] += int(done)
    groups = sorted(eligible, key=order)
    return CountTable(title, tuple(Group(g, eligible[g], completed[g]) for g in groups))


def _plain_order(label: str) -> tuple[int, str]:
    return (label == NOT_RECORDED, label.casefold())


def _age_order(label: str) -> tuple[int, str]:
    names = [b[0] for b in AGE_BANDS] + [OTHER_AGES, NOT_RECORDED]
    return (names.index(label), label)


def round_data(session: Session, round_id: int) -> RoundData:
    summary = next((r for r in list_rounds(session) if r.id == round_id), None)
    if summary is None:
        raise LookupError(f"No survey round with id {round_id}.")
    rows = session.execute(
        select(
            CareLeaver.date_of_birth,
            CareLeaver.gender,
            CareLeaver.accommodation,
            CareLeaver.team,
            Completion.confirmed_on,
        )
        .join(RoundMember, RoundMember.care_leaver_id == CareLeaver.id)
        .outerjoin(
            Completion,
            (Completion.round_id == RoundMember.round_id)
            & (Completion.care_leaver_id == RoundMember.care_leaver_id),
        )
        .where(RoundMember.round_id == round_id, RoundMember.eligible.is_(True))
    ).all()
    people = [
        (
            age_band(born, summary.opens_on),
            _label(gender.strip().lower()),
            _label(accommodation),
            _label(team),
            done,
        )
        for born, gender, accommodation, team, done in rows
    ]
    breakdowns = (
        _table(BREAKDOWN_TITLES[0], ((p[0], p[4] is not None) for p in people), _age_order),
        _table(BREAKDOWN_TITLES[1], ((p[1], p[4] is not None) for p in people), _plain_order),
        _table(BREAKDOWN_TITLES[2], ((p[2], p[4] is not None) for p in people), _plain_order),
        _table(BREAKDOWN_TITLES[3], ((p[3], p[4] is not None) for p in people), _plain_order),
    )
    done_days = sorted(p[4] for p in people if p[4] is not None)
    last = max([summary.closes_on, *done_days]) if done_days else summary.closes_on
    weekly: list[tuple[date, int]] = []
    week_end = summary.opens_on + timedelta(days=6)
    while True:
        weekly.append((week_end, sum(1 for d in done_days if d <= week_end)))
        if week_end >= last or week_end >= date.today():
            break
        week_end += timedelta(days=7)
    earlier = tuple(
        r for r in list_rounds(session) if r.opens_on < summary.opens_on and r.id != summary.id
    )
    return RoundData(
        authority=authority_name(session),
        round=summary,
        total=Group("All eligible care leavers", summary.eligible, summary.completed),
        breakdowns=breakdowns,
        weekly=tuple(weekly),
        earlier=earlier,
        exported_at=datetime.now().replace(microsecond=0),
        nbdesk_version=__version__,
    )


def round_by_name(session: Session, name: str) -> RoundData:
    return round_data(session, find_round(session, name).id)
