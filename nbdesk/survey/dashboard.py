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
from operator import itemgetter
from typing import Any, NamedTuple

from sqlalchemy import and_, bindparam, func, select
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


# A member of the round as the board reads them (the rows of _member_query, by those names):
# person_id, pa_name, age_band (a number: band_name), gender, accommodation, do_not_contact,
# last_contact_on. Kept as the rows were read: made into objects of their own, they cost more than
# the read (bench_growth).
Member = Any

# Where a member's row holds who they are, their PA, whether they may be contacted and when they
# last were (read by place: fifty thousand times a board); and the columns that place them in
# each table, in the tables' order.
_PERSON, _PA, _DO_NOT_CONTACT, _LAST_CONTACT = 0, 1, 5, 6
_GROUPED = (1, 2, 3, 4)


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
    # what someone counted for before and add what they count for now: their row, and the day of
    # their completion if they have one. Never changed: an update makes a new Dashboard. Their
    # order means nothing and is never shown or exported (an update puts the person it changed
    # last).
    members: Mapping[int, Member] = field(repr=False)
    completed_on: Mapping[int, date] = field(repr=False)

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


def _label(value: str) -> str:
    return value.strip() or NOT_RECORDED


# What each table calls the value in its column of a member's row.
NAMERS: tuple[Callable[[Any], str], ...] = (_label, band_name, _label, _label)


def _groups(m: Member) -> tuple[str, ...]:
    """The group the member is in, in each table."""
    return tuple(name(m[i]) for name, i in zip(NAMERS, _GROUPED, strict=True))


def _is_quiet(m: Member, completed_on: Mapping[int, date], since: date) -> bool:
    last = m[_LAST_CONTACT]
    return (
        m[_PERSON] not in completed_on
        and not m[_DO_NOT_CONTACT]
        and (last is None or last <= since)
    )


def dashboard(
    session: Session, round_id: int, today: date | None = None, quiet_days: int = 14
) -> Dashboard:
    """The round's figures: eligible, completed and the rate overall and by PA, age band, gender
    and accommodation type; completions over time; who has not been contacted lately."""
    today = today or clock.today()
    row = round_row(session, round_id)
    summary = summary_of(row, 0, 0)  # counted below, from the members read (not twice: get_round)
    rows = _read_members(session, round_id, None)
    members = _by_person(rows)
    completed_on = _completed(session, round_id, None, members)
    finished = list(map(members.__getitem__, completed_on))
    # Each table counted by the value as read, in Counter's own loop, and only then labelled, a
    # value at a time (a few dozen): labelling each member's four groups in a Python loop took
    # most of the board's time beyond the read at 50,000 people.
    eligible, completed = (
        [
            _labelled(Counter(map(itemgetter(i), part)), name)
            for i, name in zip(_GROUPED, NAMERS, strict=True)
        ]
        for part in (rows, finished)
    )
    per_day = Counter(completed_on.values())
    since = today - timedelta(days=quiet_days)
    quiet = _quiet_rows(session, [m for m in rows if _is_quiet(m, completed_on, since)])
    quiet.sort(key=_quiet_key)
    return _made(
        summary, members, completed_on, eligible, completed, per_day, quiet_days, quiet, today
    )


def _labelled(counts: Counter[Any], name: Callable[[Any], str]) -> Counter[str]:
    """Counts by the value as read made counts by the group's name (two values may share one:
    blanks, or a name with spaces around it)."""
    found: Counter[str] = Counter()
    for value, count in counts.items():
        found[name(value)] += count
    return found


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
    rows = _read_members(session, round_id, wanted)
    fresh = _by_person(rows)
    fresh_on = _completed(session, round_id, wanted, fresh)
    eligible = [Counter({g.group: g.eligible for g in t}) for t in _tables(board)]
    completed = [Counter({g.group: g.completed for g in t}) for t in _tables(board)]
    per_day: Counter[date] = Counter()
    before = 0
    for day, running in board.over_time:
        per_day[day] = running - before
        before = running
    members, completed_on = dict(board.members), dict(board.completed_on)
    for person_id in wanted:
        was = (members.pop(person_id, None), completed_on.pop(person_id, None), -1)
        for m, on, sign in (was, (fresh.get(person_id), fresh_on.get(person_id), 1)):
            if m is None:
                continue
            for group, e, c in zip(_groups(m), eligible, completed, strict=True):
                e[group] += sign
                c[group] += sign * (on is not None)
            if on is not None:
                per_day[on] += sign
        if person_id in fresh:
            members[person_id] = fresh[person_id]
            if person_id in fresh_on:
                completed_on[person_id] = fresh_on[person_id]
    since = today - timedelta(days=board.quiet_days)
    quiet = [q for q in board.not_contacted if q.person_id not in wanted]
    now_quiet = [m for m in fresh.values() if _is_quiet(m, completed_on, since)]
    for row in _quiet_rows(session, now_quiet):
        quiet.insert(bisect_left(quiet, _quiet_key(row), key=_quiet_key), row)
    return _made(
        board.round,
        members,
        completed_on,
        eligible,
        completed,
        per_day,
        board.quiet_days,
        quiet,
        today,
    )


def _tables(board: Dashboard) -> tuple[tuple[GroupFigures, ...], ...]:
    return (board.by_pa, board.by_age_band, board.by_gender, board.by_accommodation)


def _made(
    summary: RoundSummary,
    members: dict[int, Member],
    completed_on: dict[int, date],
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
        completed_on,
    )


def _read_members(session: Session, round_id: int, people: Collection[int] | None) -> list[Member]:
    """The round's eligible members (those of `people` alone, if given) with what places them in
    its figures: one read by the round's keys (and the people's), one row a member, the latest
    contact from the member's row (kept by log_contact), whatever the number of contacts. Nobody's
    name is read: only the few not contacted lately are named (_quiet_rows)."""
    if people is None:
        return list(many_rows(session, _member_query(False), {"round_id": round_id}))
    wanted = sorted(people)
    found: list[Member] = []
    for start in range(0, len(wanted), _CHUNK):
        values = {"round_id": round_id, "people": wanted[start : start + _CHUNK]}
        found += many_rows(session, _member_query(True), values)
    return found


def _by_person(rows: list[Member]) -> dict[int, Member]:
    return dict(zip(map(itemgetter(_PERSON), rows), rows, strict=True))


def _completed(
    session: Session, round_id: int, people: Collection[int] | None, members: Mapping[int, Member]
) -> dict[int, date]:
    """The day each of these members completed, for those who have: the round's completions, read
    apart in key order. Looked up member by member among every round's completions, they cost a
    sixth of the read, and more the more rounds the file held."""
    return {
        pid: done.on
        for pid, done in round_completions(session, round_id, people).items()
        if pid in members
    }


def _quiet_rows(session: Session, quiet: list[Member]) -> list[QuietRow]:
    """The not-contacted list's rows for these members, named (read by key): unnamed if the
    sign-in may not read who the members are (a viewer's, on a server)."""
    names: dict[int, tuple[str, str]] = {}
    if _sees_names(session):
        wanted = sorted(m[_PERSON] for m in quiet)
        for start in range(0, len(wanted), _CHUNK):
            values = {"people": wanted[start : start + _CHUNK]}
            names.update(
                (pid, (uid, name)) for pid, uid, name in many_rows(session, _names_query(), values)
            )
    rows = []
    for m in quiet:
        uid, name = names.get(m[_PERSON], ("", ""))
        rows.append(QuietRow(m[_PERSON], uid, name, m[_PA], m[_LAST_CONTACT]))
    return rows


def _sees_names(session: Session) -> bool:
    """Whether the sign-in may read who the members are (a viewer's may not, on a server)."""
    if session.get_bind().dialect.name != "postgresql":
        return True
    if _SEES_NAMES not in session.info:
        may = (func.has_column_privilege("care_leaver", c, "SELECT") for c in ("name", "unique_id"))
        session.info[_SEES_NAMES] = bool(session.scalar(select(and_(*may))))
    return bool(session.info[_SEES_NAMES])


_SEES_NAMES = "nbdesk_sees_names"


@cache
def _member_query(some: bool) -> Any:
    """The read of _read_members (of `some` people, or everyone), made once: building it took
    longer than SQLite takes to run it for a few people."""
    round_id: Any = bindparam("round_id")
    members = (
        select(
            CareLeaver.id.label("person_id"),
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


@cache
def _names_query() -> Any:
    people: Any = bindparam("people", expanding=True)
    return select(CareLeaver.id, CareLeaver.unique_id, CareLeaver.name).where(
        CareLeaver.id.in_(people)
    )


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
