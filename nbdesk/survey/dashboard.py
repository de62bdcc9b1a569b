"""A round's figures: eligible, completed and the rate overall and by group, completions over time,
and who has not been contacted lately.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from datetime import date, timedelta
from typing import NamedTuple

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from nbdesk.common import clock
from nbdesk.storage.models.survey import (
    CareLeaver,
    Completion,
    OutreachContact,
    RoundMember,
)
from nbdesk.survey.register import (
    AGE_BANDS,
    NOT_RECORDED,
    OTHER_AGES,
    age_band,
)
from nbdesk.survey.rounds import RoundSummary, get_round


@dataclass(frozen=True)
class GroupFigures:
    group: str
    eligible: int
    completed: int

    @property
    def rate(self) -> float | None:
        return self.completed / self.eligible if self.eligible else None


class QuietRow(NamedTuple):
    person_id: int
    unique_id: str
    name: str
    pa_name: str
    last_contact_on: date | None


@dataclass(frozen=True)
class Dashboard:
    round: RoundSummary
    overall: GroupFigures
    by_pa: tuple[GroupFigures, ...]
    by_age_band: tuple[GroupFigures, ...]
    by_gender: tuple[GroupFigures, ...]
    by_accommodation: tuple[GroupFigures, ...]
    over_time: tuple[tuple[date, int], ...]  # (day, completions so far) for each day with any
    quiet_days: int
    not_contacted: tuple[QuietRow, ...]  # eligible, not completed, no contact for quiet_days

    def breakdowns(self) -> dict[str, tuple[GroupFigures, ...]]:
        return {
            "Personal adviser": self.by_pa,
            "Age band": self.by_age_band,
            "Gender": self.by_gender,
            "Accommodation type": self.by_accommodation,
        }


def _groups(
    people: Iterable[tuple[str, bool]], order: Callable[[str], tuple[int, str]] | None = None
) -> tuple[GroupFigures, ...]:
    eligible: Counter[str] = Counter()
    completed: Counter[str] = Counter()
    for group, done in people:
        eligible[group] += 1
        completed[group] += done
    keys = sorted(eligible, key=order or (lambda g: (g == NOT_RECORDED, g.casefold())))
    return tuple(GroupFigures(k, eligible[k], completed[k]) for k in keys)


def _age_order(label: str) -> tuple[int, str]:
    names = [b[0] for b in AGE_BANDS] + [OTHER_AGES, NOT_RECORDED]
    return (names.index(label) if label in names else len(names), label)


def dashboard(
    session: Session, round_id: int, today: date | None = None, quiet_days: int = 14
) -> Dashboard:
    """The round's figures: eligible, completed and the rate overall and by PA, age band, gender
    and accommodation type; completions over time; who has not been contacted lately."""
    today = today or clock.today()
    summary = get_round(session, round_id)
    people = (
        session.execute(
            select(
                CareLeaver.id,
                CareLeaver.unique_id,
                CareLeaver.name,
                CareLeaver.pa_name,
                CareLeaver.date_of_birth,
                CareLeaver.gender,
                CareLeaver.accommodation,
                CareLeaver.do_not_contact,
                Completion.confirmed_on,
            )
            .join(RoundMember, RoundMember.care_leaver_id == CareLeaver.id)
            .outerjoin(
                Completion,
                (Completion.care_leaver_id == CareLeaver.id) & (Completion.round_id == round_id),
            )
            .where(RoundMember.round_id == round_id, RoundMember.eligible.is_(True))
        )
        .tuples()
        .all()
    )

    def label(value: str) -> str:
        return value.strip() or NOT_RECORDED

    done = [p[8] is not None for p in people]
    overall = GroupFigures("All eligible", len(people), sum(done))
    by_pa = _groups((label(p[3]), d) for p, d in zip(people, done, strict=True))
    by_age = _groups(
        ((age_band(p[4], summary.opens_on), d) for p, d in zip(people, done, strict=True)),
        _age_order,
    )
    by_gender = _groups((label(p[5]), d) for p, d in zip(people, done, strict=True))
    by_accommodation = _groups((label(p[6]), d) for p, d in zip(people, done, strict=True))

    per_day = Counter(p[8] for p in people if p[8] is not None)
    running = 0
    over_time = []
    for day in sorted(per_day):
        running += per_day[day]
        over_time.append((day, running))

    last_contact = dict(
        session.execute(
            select(OutreachContact.care_leaver_id, func.max(OutreachContact.contacted_on))
            .where(OutreachContact.round_id == round_id)
            .group_by(OutreachContact.care_leaver_id)
        )
        .tuples()
        .all()
    )
    since = today - timedelta(days=quiet_days)
    quiet = [
        QuietRow(p[0], p[1], p[2], p[3], last_contact.get(p[0]))
        for p in people
        if p[8] is None
        and not p[7]
        and (last_contact.get(p[0]) is None or last_contact[p[0]] <= since)
    ]
    quiet.sort(key=lambda q: (q.pa_name.casefold(), q.last_contact_on or date.min, q.name))
    return Dashboard(
        summary,
        overall,
        by_pa,
        by_age,
        by_gender,
        by_accommodation,
        tuple(over_time),
        quiet_days,
        tuple(quiet),
    )


def status_dict(board: Dashboard) -> dict[str, object]:
    """The dashboard as plain JSON-ready values (for `nbdesk round status --json`)."""

    def group(g: GroupFigures) -> dict[str, object]:
        rate = None if g.rate is None else round(g.rate, 4)
        return {"group": g.group, "eligible": g.eligible, "completed": g.completed, "rate": rate}

    r = board.round
    return {
        "round": r.name,
        "opens": r.opens_on.isoformat(),
        "closes": r.closes_on.isoformat(),
        "closed": r.closed,
        "eligible": board.overall.eligible,
        "completed": board.overall.completed,
        "rate": None if board.overall.rate is None else round(board.overall.rate, 4),
        "by_pa": [group(g) for g in board.by_pa],
        "by_age_band": [group(g) for g in board.by_age_band],
        "by_gender": [group(g) for g in board.by_gender],
        "by_accommodation": [group(g) for g in board.by_accommodation],
        "completions_over_time": [[d.isoformat(), n] for d, n in board.over_time],
        f"not_contacted_in_{board.quiet_days}_days": len(board.not_contacted),
    }
