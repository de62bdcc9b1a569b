"""A round's figures: eligible, completed and the rate overall and by group, completions over time,
and who has not been contacted lately.
"""

from __future__ import annotations

from bisect import bisect_left
from collections import Counter
from collections.abc import Callable, Collection, Iterable, Mapping
from dataclasses import dataclass, field, replace
from datetime import date, timedelta
from functools import cache
from typing import Any, NamedTuple

from sqlalchemy import and_, bindparam, func, literal, select
from sqlalchemy.orm import Session

from nbdesk.common import clock
from nbdesk.storage.models.survey import (
    CareLeaver,
    RoundMember,
)
from nbdesk.storage.prepared import many_rows
from nbdesk.survey.completion import round_completions
from nbdesk.survey.register import (
    AGE_BANDS,
    NOT_RECORDED,
    OTHER_AGES,
    band_name,
)
from nbdesk.survey.rounds import RoundSummary, round_row, summary_of


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


class Member(NamedTuple):
    """What one eligible member of the round adds to its figures."""

    person_id: int
    unique_id: str
    name: str
    pa_name: str
    groups: tuple[str, str, str, str]  # PA, age band, gender, accommodation, as the tables say
    do_not_contact: bool
    completed_on: date | None
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
    today: date  # the day the not-contacted list counts back from
    # Each eligible member's part in the figures, by person id, so that an update can take out
    # what someone counted for before and add what they count for now. Never changed: an update
    # makes a new Dashboard. Its order means nothing and is never shown or exported (an update
    # puts the person it changed last).
    members: Mapping[int, Member] = field(repr=False)

    def breakdowns(self) -> dict[str, tuple[GroupFigures, ...]]:
        return {
            "Personal adviser": self.by_pa,
            "Age band": self.by_age_band,
            "Gender": self.by_gender,
            "Accommodation type": self.by_accommodation,
        }


def _plain_order(label: str) -> tuple[int, str, str]:
    # The label itself last: two labels differing only in case keep one order whatever order
    # the people were read in.
    return (label == NOT_RECORDED, label.casefold(), label)


def _age_order(label: str) -> tuple[int, str]:
    names = [b[0] for b in AGE_BANDS] + [OTHER_AGES, NOT_RECORDED]
    return (names.index(label) if label in names else len(names), label)


ORDERS: tuple[Callable[[str], tuple[Any, ...]], ...] = (
    _plain_order,
    _age_order,
    _plain_order,
    _plain_order,
)


def _quiet_key(q: QuietRow) -> tuple[str, date, str, str]:
    return (q.pa_name.casefold(), q.last_contact_on or date.min, q.name, q.unique_id)


def _is_quiet(m: Member, since: date) -> bool:
    return (
        m.completed_on is None
        and not m.do_not_contact
        and (m.last_contact_on is None or m.last_contact_on <= since)
    )


def _quiet_row(m: Member) -> QuietRow:
    return QuietRow(m.person_id, m.unique_id, m.name, m.pa_name, m.last_contact_on)


def dashboard(
    session: Session, round_id: int, today: date | None = None, quiet_days: int = 14
) -> Dashboard:
    """The round's figures: eligible, completed and the rate overall and by PA, age band, gender
    and accommodation type; completions over time; who has not been contacted lately."""
    today = today or clock.today()
    row = round_row(session, round_id)
    summary = summary_of(row, 0, 0)  # counted below, from the members read (not twice: get_round)
    members = {m.person_id: m for m in _read_members(session, round_id, None)}
    # Counted by Counter's own loop, a table at a time: a Python loop over each member's four
    # groups took most of the board's time beyond the read at 50,000 people.
    everyone = list(members.values())
    done = [m for m in everyone if m.completed_on is not None]
    eligible = [Counter([m.groups[i] for m in everyone]) for i in range(len(ORDERS))]
    completed = [Counter([m.groups[i] for m in done]) for i in range(len(ORDERS))]
    per_day: Counter[date] = Counter(m.completed_on for m in done if m.completed_on is not None)
    since = today - timedelta(days=quiet_days)
    quiet = sorted((_quiet_row(m) for m in members.values() if _is_quiet(m, since)), key=_quiet_key)
    return _made(summary, members, eligible, completed, per_day, quiet_days, quiet, today)


def dashboard_update(
    session: Session, board: Dashboard, person_ids: Iterable[int], today: date | None = None
) -> Dashboard:
    """The board once these people's contacts, completion or membership have changed: their part
    in it read afresh (by key, a few rows) and put in place of what they counted for before. It
    equals dashboard() read afresh, figure for figure (tests/survey/test_dashboard_updates.py
    checks it after every step of many); a new day, which moves who counts as not contacted
    lately, reads the whole round again."""
    today = today or clock.today()
    round_id = board.round.id
    if today != board.today:
        return dashboard(session, round_id, today, board.quiet_days)
    wanted = set(person_ids)
    fresh = {m.person_id: m for m in _read_members(session, round_id, wanted)}
    eligible = [Counter({g.group: g.eligible for g in t}) for t in _tables(board)]
    completed = [Counter({g.group: g.completed for g in t}) for t in _tables(board)]
    per_day: Counter[date] = Counter()
    before = 0
    for day, running in board.over_time:
        per_day[day] = running - before
        before = running
    members = dict(board.members)
    gone = set()
    for person_id in wanted:
        for m, sign in ((members.pop(person_id, None), -1), (fresh.get(person_id), 1)):
            if m is None:
                continue
            for group, e, c in zip(m.groups, eligible, completed, strict=True):
                e[group] += sign
                c[group] += sign * (m.completed_on is not None)
            if m.completed_on is not None:
                per_day[m.completed_on] += sign
        if person_id in fresh:
            members[person_id] = fresh[person_id]
        gone.add(person_id)
    since = today - timedelta(days=board.quiet_days)
    quiet = [q for q in board.not_contacted if q.person_id not in gone]
    for m in fresh.values():
        if _is_quiet(m, since):
            row = _quiet_row(m)
            quiet.insert(bisect_left(quiet, _quiet_key(row), key=_quiet_key), row)
    return _made(board.round, members, eligible, completed, per_day, board.quiet_days, quiet, today)


def _tables(board: Dashboard) -> tuple[tuple[GroupFigures, ...], ...]:
    return (board.by_pa, board.by_age_band, board.by_gender, board.by_accommodation)


def _made(
    summary: RoundSummary,
    members: dict[int, Member],
    eligible: list[Counter[str]],
    completed: list[Counter[str]],
    per_day: Counter[date],
    quiet_days: int,
    quiet: list[QuietRow],
    today: date,
) -> Dashboard:
    """The board from its counts: every group with anyone eligible in it, in its table's order."""
    by_pa, by_age, by_gender, by_accommodation = (
        tuple(GroupFigures(g, e[g], c[g]) for g in sorted((g for g in e if e[g]), key=order))
        for e, c, order in zip(eligible, completed, ORDERS, strict=True)
    )
    # Everyone is in one group of each table: the totals are any table's (not a pass over all).
    total, done = len(members), sum(completed[0].values())
    running = 0
    over_time = []
    for day in sorted(d for d in per_day if per_day[d]):
        running += per_day[day]
        over_time.append((day, running))
    return Dashboard(
        replace(summary, eligible=total, completed=done),
        GroupFigures("All eligible", total, done),
        by_pa,
        by_age,
        by_gender,
        by_accommodation,
        tuple(over_time),
        quiet_days,
        tuple(quiet),
        today,
        members,
    )


def _read_members(session: Session, round_id: int, people: Collection[int] | None) -> list[Member]:
    """The round's eligible members (those of `people` alone, if given) and their part in its
    figures: one read by the round's keys (and the people's), one row a member, the latest contact
    from the member's row (kept by log_contact), whatever the number of contacts; and the round's
    completions, read apart in key order. Looked up member by member among every round's
    completions, they cost a sixth of the read, and more the more rounds the file held."""
    some = people is not None
    everyone = _member_query(some, _sees_names(session))
    chunks: list[dict[str, Any]] = [{"round_id": round_id}]
    if people is not None:
        wanted = sorted(people)
        chunks = [
            {"round_id": round_id, "people": wanted[i : i + _CHUNK]}
            for i in range(0, len(wanted), _CHUNK)
        ]
    labels: dict[str, str] = {}  # by the value as read: its label, worked out once
    shared: dict[str, str] = {}  # one string per label, shared by everyone in the group

    def label(value: str) -> str:
        found = labels.get(value)
        if found is None:
            text = value.strip() or NOT_RECORDED
            found = labels[value] = shared.setdefault(text, text)
        return found

    bands = {n: band_name(n) for n in range(-1, len(AGE_BANDS) + 1)}
    result = []
    for values in chunks:
        completed = round_completions(session, round_id, values.get("people"))
        for pid, uid, name, pa, band, gender, accommodation, dnc, last in many_rows(
            session, everyone, values
        ):
            result.append(
                Member(
                    pid,
                    uid,
                    name,
                    pa,
                    (label(pa), bands[band], label(gender), label(accommodation)),
                    bool(dnc),
                    done.on if (done := completed.get(pid)) else None,
                    last,
                )
            )
    return result


def _sees_names(session: Session) -> bool:
    """Whether the sign-in may read who the members are (a viewer's may not, on a server): if not,
    the figures are read without them, and the not-contacted list names nobody."""
    if session.get_bind().dialect.name != "postgresql":
        return True
    if _SEES_NAMES not in session.info:
        may = (func.has_column_privilege("care_leaver", c, "SELECT") for c in ("name", "unique_id"))
        session.info[_SEES_NAMES] = bool(session.scalar(select(and_(*may))))
    return bool(session.info[_SEES_NAMES])


_SEES_NAMES = "nbdesk_sees_names"


@cache
def _member_query(some: bool, names: bool = True) -> Any:
    """The read of _read_members (of `some` people, or everyone), made once: building it took
    longer than SQLite takes to run it for a few people. Without `names`, blanks stand for the
    unique id and name."""
    round_id: Any = bindparam("round_id")
    members = (
        select(
            CareLeaver.id,
            CareLeaver.unique_id if names else literal("").label("unique_id"),
            CareLeaver.name if names else literal("").label("name"),
            CareLeaver.pa_name,
            RoundMember.age_band,
            CareLeaver.gender,
            CareLeaver.accommodation,
            CareLeaver.do_not_contact,
            RoundMember.last_contact_on,
        )
        .select_from(RoundMember)
        .join(CareLeaver, RoundMember.care_leaver_id == CareLeaver.id)
        .where(RoundMember.round_id == round_id, RoundMember.eligible.is_(True))
    )
    if some:
        people: Any = bindparam("people", expanding=True)
        members = members.where(CareLeaver.id.in_(people))
    return members


# Ids asked for at once: well under any database's limit on a statement's parameters.
_CHUNK = 500


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
