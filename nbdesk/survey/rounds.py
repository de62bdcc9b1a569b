"""Survey rounds: who is eligible, outreach contacts, completions, who to contact next, the figures.

Completion is kept apart from the survey. nbdesk stores that a person completed a round, who
confirmed it (the young person, their PA or a trusted adult) and the day, and nothing else: never an
answer, never a time, never an id that orders completions across people (see the model). Marking or
un-marking changes no other table, so no other row's stamp can date it either. Un-marking needs a
reason; both go to the person's completion history for the round.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from datetime import date, timedelta
from typing import Any, NamedTuple

from sqlalchemy import String, delete, func, insert, select, update
from sqlalchemy.orm import Session

from nbdesk.common import clock
from nbdesk.common.validation import format_day, tidy
from nbdesk.storage.models.survey import (
    CareLeaver,
    Completion,
    CompletionChange,
    OutreachContact,
    RoundMember,
    SurveyRound,
)
from nbdesk.survey.register import (
    AGE_BANDS,
    CHANNELS,
    FLAG_TEXT,
    NOT_RECORDED,
    OTHER_AGES,
    SURVEY_AGES,
    age_band,
    age_on,
    flag_mask,
)

PURPOSES = ("warm-up", "link-sent", "reminder", "help-to-complete", "paper-copy-sent")
PURPOSE_LABELS = {
    "warm-up": "Warm-up",
    "link-sent": "Link sent",
    "reminder": "Reminder",
    "help-to-complete": "Help to complete",
    "paper-copy-sent": "Paper copy sent",
}
OUTCOMES = ("no-reply", "spoke", "will-complete", "declined", "says-completed")
OUTCOME_LABELS = {
    "no-reply": "No reply",
    "spoke": "Spoke",
    "will-complete": "Will complete",
    "declined": "Declined",
    "says-completed": "Says completed",
}
CONFIRMERS = ("young-person", "pa", "trusted-adult")
CONFIRMER_LABELS = {
    "young-person": "The young person",
    "pa": "Their PA",
    "trusted-adult": "A trusted adult",
}
CONFIRMED_BY_PHRASES = {
    "young-person": "the young person",
    "pa": "their PA",
    "trusted-adult": "a trusted adult",
}


# Rounds ----------------------------------------------------------------------------------------


@dataclass(frozen=True)
class RoundSummary:
    id: int
    name: str
    opens_on: date
    closes_on: date
    closed: bool
    contact_details_erased_on: date | None
    eligible: int
    completed: int

    @property
    def rate(self) -> float | None:
        return self.completed / self.eligible if self.eligible else None

    @property
    def title(self) -> str:
        state = " (closed)" if self.closed else ""
        return f"{self.name}: {format_day(self.opens_on)} to {format_day(self.closes_on)}{state}"


def _eligible_ids(session: Session, round_id: int) -> set[int]:
    return set(
        session.scalars(
            select(RoundMember.care_leaver_id).where(
                RoundMember.round_id == round_id, RoundMember.eligible.is_(True)
            )
        )
    )


def _completed_ids(session: Session, round_id: int) -> set[int]:
    return set(
        session.scalars(select(Completion.care_leaver_id).where(Completion.round_id == round_id))
    )


def list_rounds(session: Session) -> list[RoundSummary]:
    eligible = dict(
        session.execute(
            select(RoundMember.round_id, func.count())
            .where(RoundMember.eligible.is_(True))
            .group_by(RoundMember.round_id)
        )
        .tuples()
        .all()
    )
    completed = dict(
        session.execute(
            select(Completion.round_id, func.count())
            .join(
                RoundMember,
                (RoundMember.round_id == Completion.round_id)
                & (RoundMember.care_leaver_id == Completion.care_leaver_id),
            )
            .where(RoundMember.eligible.is_(True))
            .group_by(Completion.round_id)
        )
        .tuples()
        .all()
    )
    return [
        RoundSummary(
            r.id,
            r.name,
            r.opens_on,
            r.closes_on,
            r.closed,
            r.contact_details_erased_on,
            eligible.get(r.id, 0),
            completed.get(r.id, 0),
        )
        for r in session.scalars(select(SurveyRound).order_by(SurveyRound.opens_on, SurveyRound.id))
    ]


def find_round(session: Session, name: str) -> RoundSummary:
    wanted = tidy(name).casefold()
    rounds = list_rounds(session)
    for r in rounds:
        if r.name.casefold() == wanted:
            return r
    known = ", ".join(f"'{r.name}'" for r in rounds) or "none"
    raise LookupError(f"No survey round called '{tidy(name)}' (rounds: {known}).")


def get_round(session: Session, round_id: int) -> RoundSummary:
    for r in list_rounds(session):
        if r.id == round_id:
            return r
    raise LookupError(f"No survey round with id {round_id}.")


def open_round(session: Session, name: str, opens_on: date, closes_on: date) -> RoundSummary:
    """Create a round and fix who it counts: everyone on the register aged 16 to 25 on the day it
    opens, or whose date of birth is not recorded (the lead can exclude them). Others are kept as
    members marked not eligible, with the reason, so the lead can see and change it."""
    name = tidy(name)
    if not name:
        raise ValueError("The round needs a name.")
    if closes_on < opens_on:
        raise ValueError("The round must close on or after the day it opens.")
    if session.scalar(select(SurveyRound.id).where(func.lower(SurveyRound.name) == name.lower())):
        raise ValueError(f"There is already a round called '{name}'.")
    row = SurveyRound(name=name, opens_on=opens_on, closes_on=closes_on, closed=False)
    session.add(row)
    session.flush()
    low, high = SURVEY_AGES
    members = []
    for person_id, born in session.execute(select(CareLeaver.id, CareLeaver.date_of_birth)):
        if born is None:
            members.append((person_id, True, "Date of birth not recorded"))
            continue
        age = age_on(born, opens_on)
        if low <= age <= high:
            members.append((person_id, True, ""))
        else:
            members.append((person_id, False, f"Aged {age} when the round opened"))
    if members:
        session.execute(
            insert(RoundMember),
            [
                {"round_id": row.id, "care_leaver_id": p, "eligible": e, "reason": why}
                for p, e, why in members
            ],
        )
    session.flush()
    return get_round(session, row.id)


def set_round_closed(session: Session, round_id: int, closed: bool) -> None:
    row = session.get(SurveyRound, round_id)
    if row is None:
        raise LookupError(f"No survey round with id {round_id}.")
    row.closed = closed
    session.flush()


def include_person(session: Session, round_id: int, person_id: int, reason: str) -> None:
    """Count a person in the round (someone who came on to the register after it opened, say)."""
    _set_membership(session, round_id, person_id, True, reason)


def exclude_person(session: Session, round_id: int, person_id: int, reason: str) -> None:
    """Take a person out of the round's count, with the reason (moved away, died, asked not to)."""
    _set_membership(session, round_id, person_id, False, reason)


def _set_membership(
    session: Session, round_id: int, person_id: int, eligible: bool, reason: str
) -> None:
    reason = tidy(reason)
    if not reason:
        raise ValueError("Give a reason: it is kept with the round's figures.")
    if session.get(SurveyRound, round_id) is None:
        raise LookupError(f"No survey round with id {round_id}.")
    if session.get(CareLeaver, person_id) is None:
        raise LookupError(f"No person with row {person_id} on the register.")
    member = session.get(RoundMember, (round_id, person_id))
    if member is None:
        session.add(
            RoundMember(
                round_id=round_id, care_leaver_id=person_id, eligible=eligible, reason=reason
            )
        )
    else:
        member.eligible = eligible
        member.reason = reason
    session.flush()


class MemberRow(NamedTuple):
    person_id: int
    unique_id: str
    name: str
    pa_name: str
    eligible: bool
    reason: str
    completed_on: date | None


def list_members(session: Session, round_id: int) -> list[MemberRow]:
    query = (
        select(
            CareLeaver.id,
            CareLeaver.unique_id,
            CareLeaver.name,
            CareLeaver.pa_name,
            RoundMember.eligible,
            RoundMember.reason,
            Completion.confirmed_on,
        )
        .join(RoundMember, RoundMember.care_leaver_id == CareLeaver.id)
        .outerjoin(
            Completion,
            (Completion.care_leaver_id == CareLeaver.id) & (Completion.round_id == round_id),
        )
        .where(RoundMember.round_id == round_id)
        .order_by(CareLeaver.name, CareLeaver.unique_id)
    )
    return [MemberRow(*r) for r in session.execute(query).tuples()]


# Contacts --------------------------------------------------------------------------------------


@dataclass(frozen=True)
class ContactEntry:
    contacted_on: date
    channel: str
    purpose: str
    outcome: str
    note: str
    logged_by: str
    round_id: int


def log_contact(
    session: Session,
    round_id: int,
    person_id: int,
    contacted_on: date,
    channel: str,
    purpose: str,
    outcome: str,
    note: str = "",
    logged_by: str = "",
) -> int:
    """Record a contact; returns its number among this person's contacts in the round."""
    if channel not in CHANNELS:
        raise ValueError(f"'{channel}' is not a channel ({', '.join(CHANNELS)}).")
    if purpose not in PURPOSES:
        raise ValueError(f"'{purpose}' is not a purpose ({', '.join(PURPOSES)}).")
    if outcome not in OUTCOMES:
        raise ValueError(f"'{outcome}' is not an outcome ({', '.join(OUTCOMES)}).")
    survey_round = session.get(SurveyRound, round_id)
    if survey_round is None:
        raise LookupError(f"No survey round with id {round_id}.")
    if survey_round.contact_details_erased_on is not None:
        raise ValueError(f"'{survey_round.name}' is closed and its contact notes were erased.")
    if session.get(CareLeaver, person_id) is None:
        raise LookupError(f"No person with row {person_id} on the register.")
    if contacted_on > clock.today():
        raise ValueError("A contact cannot be logged for a day that has not come yet.")
    number = (
        session.scalar(
            select(func.max(OutreachContact.number)).where(
                OutreachContact.round_id == round_id,
                OutreachContact.care_leaver_id == person_id,
            )
        )
        or 0
    ) + 1
    row = OutreachContact(
        round_id=round_id,
        care_leaver_id=person_id,
        number=number,
        contacted_on=contacted_on,
        channel=channel,
        purpose=purpose,
        outcome=outcome,
        note=note.strip(),
        logged_by=tidy(logged_by),
    )
    session.add(row)
    session.flush()
    return number


def contact_history(
    session: Session, person_id: int, round_id: int | None = None
) -> list[ContactEntry]:
    """A person's contacts, newest first (one round's, or every round's)."""
    query = select(
        OutreachContact.contacted_on,
        OutreachContact.channel,
        OutreachContact.purpose,
        OutreachContact.outcome,
        OutreachContact.note,
        OutreachContact.logged_by,
        OutreachContact.round_id,
    ).where(OutreachContact.care_leaver_id == person_id)
    if round_id is not None:
        query = query.where(OutreachContact.round_id == round_id)
    query = query.order_by(
        OutreachContact.contacted_on.desc(),
        OutreachContact.round_id.desc(),
        OutreachContact.number.desc(),
    )
    return [ContactEntry(*r) for r in session.execute(query).tuples()]


NOT_IN_ROUND = "Not on the register when the round opened"


class WhoNextRow(NamedTuple):
    person_id: int
    unique_id: str
    name: str
    pa_name: str
    preferred_channel: str
    phone: str
    email: str
    contacts: int
    last_contact_on: date | None
    last_outcome: str
    eligible: bool = True
    do_not_contact: bool = False
    completed_on: date | None = None
    # Why the person is or is not counted ("Aged 27 when the round opened", "Moved abroad"…).
    reason: str = ""
    in_round: bool = True  # False: on the register but not a member of the round at all
    flags: str = ""  # the flags that are set, as words ("In custody; Needs an interpreter")

    @property
    def state(self) -> str:
        """In words, so the list never relies on colour alone."""
        if not self.in_round:
            return "Not in this round"
        if not self.eligible:
            return "Not counted"
        if self.completed_on:
            return "Completed"
        if self.do_not_contact:
            return "Do not contact"
        return "To contact"


def who_next(session: Session, round_id: int, pa_name: str | None = None) -> list[WhoNextRow]:
    """Whom to contact next: eligible, not yet completed, not marked do-not-contact; those never
    contacted first, then the oldest last contact first. One PA's caseload, or everyone's."""
    return round_people(session, round_id, pa_name, everyone=False)


def _contact_stats(round_id: int, people: Any | None) -> Any:
    """Per person in the round: the number of contacts, and the day and outcome of the latest
    (by day, then by the order logged). One pass over the round's contacts in SQL: SQLite takes
    a bare column (the outcome) from the row that holds the max() of an aggregate query, and the
    key below orders by day, then number. Reading 100,000 contacts into Python instead took a
    second, on every save."""
    last_key = func.max(
        OutreachContact.contacted_on.cast(String) + func.printf("%08d", OutreachContact.number)
    )
    query = (
        select(
            OutreachContact.care_leaver_id.label("pid"),
            func.count().label("n"),
            last_key.label("last_key"),
            OutreachContact.outcome.label("outcome"),
        )
        .where(OutreachContact.round_id == round_id)
        .group_by(OutreachContact.care_leaver_id)
    )
    if people is not None:
        query = query.where(OutreachContact.care_leaver_id.in_(people))
    return query.subquery()


def round_people(
    session: Session, round_id: int, pa_name: str | None = None, everyone: bool = True
) -> list[WhoNextRow]:
    """The round's members with their contacts so far, in who-next order. With `everyone`, also
    those completed, not counted or do-not-contact, and people on the register who are not in the
    round at all (added after it opened), so a PA can find anyone and the lead can count them in."""
    caseload = (
        select(CareLeaver.id).where(CareLeaver.pa_name == pa_name) if pa_name is not None else None
    )
    stats = _contact_stats(round_id, caseload)
    membership = (RoundMember.care_leaver_id == CareLeaver.id) & (RoundMember.round_id == round_id)
    query = (
        select(
            CareLeaver.id,
            CareLeaver.unique_id,
            CareLeaver.name,
            CareLeaver.pa_name,
            CareLeaver.preferred_channel,
            CareLeaver.phone,
            CareLeaver.email,
            func.coalesce(stats.c.n, 0),
            stats.c.last_key,
            func.coalesce(stats.c.outcome, ""),
            RoundMember.eligible,
            CareLeaver.do_not_contact,
            Completion.confirmed_on,
            RoundMember.reason,
            RoundMember.round_id,
            flag_mask(),
        )
        .outerjoin(stats, stats.c.pid == CareLeaver.id)
        .outerjoin(
            Completion,
            (Completion.care_leaver_id == CareLeaver.id) & (Completion.round_id == round_id),
        )
    )
    if everyone:
        query = query.outerjoin(RoundMember, membership)
    else:
        query = query.join(RoundMember, membership).where(
            RoundMember.eligible.is_(True),
            CareLeaver.do_not_contact.is_(False),
            Completion.confirmed_on.is_(None),
        )
    if pa_name is not None:
        query = query.where(CareLeaver.pa_name == pa_name)
    result = []
    for r in session.execute(query).tuples():
        in_round = r[14] is not None
        result.append(
            WhoNextRow(
                r[0],
                r[1],
                r[2],
                r[3],
                r[4],
                r[5],
                r[6],
                r[7],
                date.fromisoformat(r[8][:10]) if r[8] else None,
                r[9],
                bool(r[10]) if in_round else False,
                r[11],
                r[12],
                (r[13] or "") if in_round else NOT_IN_ROUND,
                in_round,
                FLAG_TEXT[r[15]],
            )
        )
    result.sort(
        key=lambda r: (
            r.state != "To contact",
            not r.in_round,
            r.last_contact_on is not None,
            r.last_contact_on or date.min,
            r.name.casefold(),
            r.unique_id,
        )
    )
    return result


def round_pa_names(session: Session, round_id: int) -> list[str]:
    return list(
        session.scalars(
            select(CareLeaver.pa_name)
            .join(RoundMember, RoundMember.care_leaver_id == CareLeaver.id)
            .where(RoundMember.round_id == round_id)
            .distinct()
            .order_by(CareLeaver.pa_name)
        )
    )


# Completion ------------------------------------------------------------------------------------


@dataclass(frozen=True)
class CompletionEntry:
    number: int
    action: str  # marked | unmarked
    changed_on: date
    confirmed_by: str
    reason: str


@dataclass(frozen=True)
class CompletionState:
    completed: bool
    confirmed_by: str
    confirmed_on: date | None
    history: tuple[CompletionEntry, ...]


def _next_number(session: Session, round_id: int, person_id: int) -> int:
    top = session.scalar(
        select(func.max(CompletionChange.number)).where(
            CompletionChange.round_id == round_id, CompletionChange.care_leaver_id == person_id
        )
    )
    return (top or 0) + 1


def mark_completed(
    session: Session, round_id: int, person_id: int, confirmed_by: str, on: date
) -> None:
    """Record that the person completed the round's survey: who confirmed it, and the day."""
    if confirmed_by not in CONFIRMERS:
        raise ValueError(f"'{confirmed_by}' cannot confirm a completion ({', '.join(CONFIRMERS)}).")
    if on > clock.today():
        raise ValueError("A completion cannot be dated in the future.")
    survey_round = session.get(SurveyRound, round_id)
    if survey_round is None:
        raise LookupError(f"No survey round with id {round_id}.")
    if on < survey_round.opens_on:
        raise ValueError(
            f"A completion cannot be dated {format_day(on)}: '{survey_round.name}' opened on "
            f"{format_day(survey_round.opens_on)}."
        )
    member = session.get(RoundMember, (round_id, person_id))
    if member is None:
        raise LookupError("That person is not in this round; count them in to the round first.")
    if session.get(Completion, (round_id, person_id)) is not None:
        raise ValueError("Already marked as completed in this round.")
    session.add(
        Completion(
            round_id=round_id, care_leaver_id=person_id, confirmed_by=confirmed_by, confirmed_on=on
        )
    )
    session.add(
        CompletionChange(
            round_id=round_id,
            care_leaver_id=person_id,
            number=_next_number(session, round_id, person_id),
            action="marked",
            changed_on=on,
            confirmed_by=confirmed_by,
            reason="",
        )
    )
    session.flush()


def unmark_completed(
    session: Session, round_id: int, person_id: int, reason: str, on: date
) -> None:
    """Take back a completion marked in error; the reason is kept in the history."""
    reason = tidy(reason)
    if not reason:
        raise ValueError("Say why the completion is being taken back; it is kept in the history.")
    row = session.get(Completion, (round_id, person_id))
    if row is None:
        raise ValueError("That person is not marked as completed in this round.")
    session.execute(
        delete(Completion).where(
            Completion.round_id == round_id, Completion.care_leaver_id == person_id
        )
    )
    session.add(
        CompletionChange(
            round_id=round_id,
            care_leaver_id=person_id,
            number=_next_number(session, round_id, person_id),
            action="unmarked",
            changed_on=on,
            confirmed_by="",
            reason=reason,
        )
    )
    session.flush()


def completion_state(session: Session, round_id: int, person_id: int) -> CompletionState:
    row = session.get(Completion, (round_id, person_id))
    history = tuple(
        CompletionEntry(c.number, c.action, c.changed_on, c.confirmed_by, c.reason)
        for c in session.scalars(
            select(CompletionChange)
            .where(
                CompletionChange.round_id == round_id, CompletionChange.care_leaver_id == person_id
            )
            .order_by(CompletionChange.number)
        )
    )
    return CompletionState(
        row is not None,
        row.confirmed_by if row else "",
        row.confirmed_on if row else None,
        history,
    )


# Figures ---------------------------------------------------------------------------------------


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


# Data retention --------------------------------------------------------------------------------


@dataclass(frozen=True)
class ErasurePlan:
    round_name: str
    notes: int  # contact notes of this round that hold text
    people: int  # people whose phone number or email will be removed from the register
    kept_for_open_rounds: int  # round members whose details stay because another round is open
    phones: int = 0  # of those people, how many have a mobile number on the register
    emails: int = 0  # and how many an email address

    def description(self) -> str:
        def count(n: int, one: str, many: str) -> str:
            return f"{n} {one if n == 1 else many}"

        kept = (
            f" {count(self.kept_for_open_rounds, 'person is', 'people are')} also in a round "
            "that is still open; their contact details stay until that round closes."
            if self.kept_for_open_rounds
            else ""
        )
        return (
            f"This will permanently erase, for the round '{self.round_name}': the text of "
            f"{count(self.notes, 'contact note', 'contact notes')}, and from the register "
            f"{count(self.phones, 'mobile number', 'mobile numbers')} and "
            f"{count(self.emails, 'email address', 'email addresses')} "
            f"({count(self.people, 'person', 'people')}).{kept} Kept: names, the dates, "
            "channels and outcomes of contacts, who was eligible and who completed, so the "
            "round's counts and returns stay as they are. This cannot be undone."
        )


def _erasure_targets(session: Session, round_id: int) -> tuple[SurveyRound, set[int], set[int]]:
    survey_round = session.get(SurveyRound, round_id)
    if survey_round is None:
        raise LookupError(f"No survey round with id {round_id}.")
    members = set(
        session.scalars(select(RoundMember.care_leaver_id).where(RoundMember.round_id == round_id))
    )
    still_needed = set(
        session.scalars(
            select(RoundMember.care_leaver_id)
            .join(SurveyRound, SurveyRound.id == RoundMember.round_id)
            .where(
                SurveyRound.closed.is_(False),
                SurveyRound.id != round_id,
                RoundMember.eligible.is_(True),
            )
        )
    )
    return survey_round, members - still_needed, members & still_needed


def erasure_plan(session: Session, round_id: int) -> ErasurePlan:
    survey_round, erase, kept = _erasure_targets(session, round_id)
    notes = session.scalar(
        select(func.count())
        .select_from(OutreachContact)
        .where(OutreachContact.round_id == round_id, OutreachContact.note != "")
    )
    people = phones = emails = 0
    ids = sorted(erase)
    for start in range(0, len(ids), 500):
        found = session.execute(
            select(
                func.count(),
                func.count().filter(CareLeaver.phone != ""),
                func.count().filter(CareLeaver.email != ""),
            ).where(
                CareLeaver.id.in_(ids[start : start + 500]),
                (CareLeaver.phone != "") | (CareLeaver.email != ""),
            )
        ).one()
        people, phones, emails = people + found[0], phones + found[1], emails + found[2]
    return ErasurePlan(survey_round.name, notes or 0, people, len(kept), phones, emails)


def erase_contact_details(session: Session, round_id: int, on: date) -> ErasurePlan:
    """Once a round is closed: erase its contact notes and its members' phone numbers and email
    addresses (not those still needed by another open round). Returns what was erased."""
    survey_round, erase, _ = _erasure_targets(session, round_id)
    if not survey_round.closed:
        raise ValueError(f"Close '{survey_round.name}' before erasing its contact details.")
    plan = erasure_plan(session, round_id)
    session.execute(
        update(OutreachContact).where(OutreachContact.round_id == round_id).values(note="")
    )
    ids = sorted(erase)
    for start in range(0, len(ids), 500):
        session.execute(
            update(CareLeaver)
            .where(CareLeaver.id.in_(ids[start : start + 500]))
            .values(phone="", email="")
        )
    survey_round.contact_details_erased_on = on
    session.flush()
    return plan
