"""Many personal advisers saving at once (issue 17, points 3 and 5): one process per PA, each
opening nbdesk's Database on the same authority as the app does and saving outreach contacts and
completions through the services the window's operations call, in one transaction each, at
random moments. Used by tests/storage/test_many_at_once.py (small, checks nothing is lost) and
benchmarks/bench_server_load.py (20 PAs, times every save).

    where = make_authority(location, people=600, pas=20)   # an authority with an open round
    plans = [Plan(where.location, where.round_id, ...) for each PA]
    reports = run_pas(plans)                                # every save each PA attempted
    lost = check_nothing_lost(where, reports)              # [] when the database holds them all

Each process reports every save it attempted: what, for whom, how long it took (the whole
transaction, its commit and what runs after it included: what a PA waits for) and how it ended.
Processes are forked from multiprocessing's fork server (nothing inherited from the parent's
engine or threads), open the database, then wait for one signal so that all start saving together.
"""

from __future__ import annotations

import multiprocessing
import random
import statistics
import time
import traceback
from collections import Counter
from dataclasses import dataclass, field
from datetime import date, timedelta
from pathlib import Path
from typing import Any

CONTACT = "contact"
COMPLETION = "completion"
START_WAIT_S = 120.0  # for every PA to have opened the database (20 interpreters on 2 cores)


@dataclass(frozen=True)
class Authority:
    location: Path | str  # the file's path or the server's URL
    round_id: int
    people: tuple[int, ...]  # the round's members, all counted in
    today: date


@dataclass(frozen=True)
class Plan:
    """What one PA does: a contact with each of `contacts` and a completion for each of
    `completions`, shuffled, each after a random pause of up to `max_pause_s`; it stops
    starting saves `stop_after_s` after the signal (what it did not start is not counted)."""

    location: Path | str
    round_id: int
    pa: str
    contacts: tuple[int, ...]
    completions: tuple[int, ...]
    today: date
    seed: int
    max_pause_s: float = 0.02
    stop_after_s: float = 60.0
    # Saves made first, before the shuffled ones and with no pause: the n-th of them starts at the
    # same moment in every PA that has some (a barrier lets them go together; see run_pas), so
    # two PAs can save for the same person at once. Every PA given some must be given as many.
    first: tuple[tuple[str, int], ...] = ()


@dataclass(frozen=True)
class Save:
    pa: str
    kind: str  # CONTACT | COMPLETION
    person_id: int
    ms: float  # the transaction, begin to commit and what runs after it
    saved: bool
    number: int = 0  # a contact's number among the person's contacts in the round
    error: str = ""  # how it failed: the exception's type and message
    plain: bool = False  # whether the window would show the message as it is (is_plain)


@dataclass
class Report:
    pa: str
    saves: list[Save] = field(default_factory=list)
    not_started: int = 0  # saves the PA had not begun when its time was up
    crashed: str = ""  # a failure outside any save (opening the database, say)


def make_authority(location: Path | str, people: int, pas: int) -> Authority:
    """A new authority (a file, or an empty server database) with `people` on the register, their
    caseloads spread over `pas` PAs, and one open round counting them all in."""
    from nbdesk.common import clock
    from nbdesk.storage import create_database
    from nbdesk.survey.register import PersonFields, add_person
    from nbdesk.survey.rounds import open_round

    today = clock.today()
    db = create_database(location, "Many at once (test authority)")
    try:
        with db.transaction() as session:
            for i in range(people):
                add_person(
                    session,
                    PersonFields(
                        unique_id=f"L{i:05d}",
                        name=f"Young Person {i}",
                        date_of_birth=today - timedelta(days=365 * 19 + i % 700),
                        pa_name=pa_name(i % pas),
                        preferred_channel="phone",
                    ),
                )
            opened = open_round(session, "Load round", today - timedelta(days=14), today).value
        with db.session() as session:
            from sqlalchemy import select

            from nbdesk.storage.models.survey import RoundMember

            members = tuple(
                session.scalars(
                    select(RoundMember.care_leaver_id)
                    .where(RoundMember.round_id == opened.id, RoundMember.eligible.is_(True))
                    .order_by(RoundMember.care_leaver_id)
                )
            )
    finally:
        db.close()
    assert len(members) == people, "every made-up person is of survey age"
    return Authority(location, opened.id, members, today)


def pa_name(index: int) -> str:
    return f"PA {index + 1:02d}"


def _save(db: Any, plan: Plan, kind: str, person_id: int) -> Save:
    from nbdesk.common.errors import is_plain
    from nbdesk.survey.completion import mark_completed
    from nbdesk.survey.contacts import log_contact

    start = time.perf_counter()
    try:
        # As the window's person panel saves them (Ops.write: one transaction per save).
        with db.transaction() as session:
            if kind == CONTACT:
                number = log_contact(
                    session,
                    plan.round_id,
                    person_id,
                    plan.today,
                    "phone",
                    "reminder",
                    "no-reply",
                    "",
                    logged_by=plan.pa,
                ).value
            else:
                number = 0
                mark_completed(session, plan.round_id, person_id, "pa", plan.today)
    except Exception as exc:
        ms = (time.perf_counter() - start) * 1000
        return Save(plan.pa, kind, person_id, ms, False, error=_described(exc), plain=is_plain(exc))
    ms = (time.perf_counter() - start) * 1000
    return Save(plan.pa, kind, person_id, ms, True, number=number)


def _described(exc: BaseException) -> str:
    cause = f" (from {type(exc.__cause__).__name__}: {exc.__cause__})" if exc.__cause__ else ""
    return f"{type(exc).__name__}: {exc}{cause}".replace("\n", " ")[:400]


def _run_pa(plan: Plan, ready: Any, go: Any, together: Any, results: Any) -> None:
    """One PA's process: open the database, say so, wait for the signal, save, report."""
    report = Report(plan.pa)
    db = None
    said_ready = False
    try:
        from nbdesk.common import clock
        from nbdesk.storage import open_database

        clock.fix(plan.today)
        db = open_database(plan.location)
        with db.session() as session:  # connected, as the window is once it shows the round
            from nbdesk.survey.contacts import who_next

            who_next(session, plan.round_id, plan.pa)
        ready.put(plan.pa)
        said_ready = True
        if not go.wait(START_WAIT_S):
            raise RuntimeError("the signal to start never came")
        for kind, person_id in plan.first:
            together.wait(START_WAIT_S)
            report.saves.append(_save(db, plan, kind, person_id))
        rng = random.Random(plan.seed)
        work = [(CONTACT, p) for p in plan.contacts] + [(COMPLETION, p) for p in plan.completions]
        rng.shuffle(work)
        stop_at = time.perf_counter() + plan.stop_after_s
        for index, (kind, person_id) in enumerate(work):
            if time.perf_counter() > stop_at:
                report.not_started = len(work) - index
                break
            time.sleep(rng.uniform(0, plan.max_pause_s))
            report.saves.append(_save(db, plan, kind, person_id))
    except Exception:
        report.crashed = traceback.format_exc()[-2000:]
        if not said_ready:  # so the parent does not wait for a PA that will never be ready
            ready.put(plan.pa)
    finally:
        if db is not None:
            db.close()
        results.put(report)


# What the fork server imports once, so that each PA forked from it starts in a moment.
PRELOAD = [
    "tests.support.many_pas",
    "nbdesk.storage",
    "nbdesk.storage.server",
    "nbdesk.survey.contacts",
    "nbdesk.survey.completion",
]


def run_pas(plans: list[Plan], timeout_s: float = 300.0) -> list[Report]:
    """Every PA in its own process, started together; their reports, in the order of `plans`.
    PAs with saves to make `first` meet at a barrier before each of them. The processes are forked
    from multiprocessing's fork server: a fresh interpreter that has imported nbdesk's storage and
    services and nothing else (no thread, no connection, no Qt of the process that asks), so twenty
    PAs start in a moment rather than after twenty interpreters' imports."""
    context: Any = multiprocessing.get_context("forkserver")  # typeshed: the base has no Process
    context.set_forkserver_preload(PRELOAD)
    ready, results = context.Queue(), context.Queue()
    go = context.Event()
    meeting = sum(1 for plan in plans if plan.first)
    together = context.Barrier(max(meeting, 1))
    processes = [
        context.Process(target=_run_pa, args=(plan, ready, go, together, results), daemon=True)
        for plan in plans
    ]
    for process in processes:
        process.start()
    try:
        for _ in plans:
            ready.get(timeout=START_WAIT_S)
        go.set()
        reports = {}
        deadline = time.monotonic() + timeout_s
        for _ in plans:
            report = results.get(timeout=max(1.0, deadline - time.monotonic()))
            reports[report.pa] = report
    finally:
        for process in processes:
            process.join(timeout=10)
            if process.is_alive():
                process.kill()
    return [reports[plan.pa] for plan in plans]


@dataclass(frozen=True)
class OnRecord:
    numbers: dict[int, list[int]]  # per person, the numbers of their contacts
    completed: set[int]  # people marked as completed in the round
    marked_changes: dict[int, int]  # per person, the "marked" entries of their history


def on_record(where: Authority) -> OnRecord:
    from sqlalchemy import func, select

    from nbdesk.storage import open_database
    from nbdesk.storage.models.survey import Completion, CompletionChange, OutreachContact

    db = open_database(where.location)
    try:
        with db.session() as session:
            in_round = OutreachContact.round_id == where.round_id
            numbers: dict[int, list[int]] = {}
            for person_id, number in session.execute(
                select(OutreachContact.care_leaver_id, OutreachContact.number).where(in_round)
            ):
                numbers.setdefault(person_id, []).append(number)
            completed = set(
                session.scalars(
                    select(Completion.care_leaver_id).where(Completion.round_id == where.round_id)
                )
            )
            marked = session.execute(
                select(CompletionChange.care_leaver_id, func.count())
                .where(
                    CompletionChange.round_id == where.round_id,
                    CompletionChange.action == "marked",
                )
                .group_by(CompletionChange.care_leaver_id)
            )
            return OnRecord(
                numbers,
                completed,
                dict(marked.tuples().all()),
            )
    finally:
        db.close()


def check_nothing_lost(where: Authority, reports: list[Report]) -> list[str]:
    """What the database holds against what the PAs were told was saved (in a round that held
    nothing before): every problem, in words; [] when nothing is lost, doubled or numbered twice."""
    found = on_record(where)
    problems = [f"{r.pa} crashed: {r.crashed}" for r in reports if r.crashed]
    # Each PA's contacts are found by the (person, number) it was told, not by "logged by": on a
    # server that is the sign-in, which every PA here shares.
    on_file = {(person, n) for person, numbers in found.numbers.items() for n in numbers}
    for report in reports:
        mine = [(s.person_id, s.number) for s in report.saves if s.saved and s.kind == CONTACT]
        saved, held = len(mine), sum(1 for key in mine if key in on_file)
        if held != saved:
            problems.append(f"{report.pa}: {saved} contacts saved, {held} on record")
    told: dict[int, list[int]] = {}
    for report in reports:
        for s in report.saves:
            if s.saved and s.kind == CONTACT:
                told.setdefault(s.person_id, []).append(s.number)
    for person_id in sorted(set(told) | set(found.numbers)):
        expected = list(range(1, len(told.get(person_id, [])) + 1))
        if sorted(told.get(person_id, [])) != expected:
            problems.append(f"person {person_id}: PAs were told numbers {sorted(told[person_id])}")
        if sorted(found.numbers.get(person_id, [])) != expected:
            problems.append(
                f"person {person_id}: contacts numbered {sorted(found.numbers[person_id])}"
            )
    marked = {s.person_id for r in reports for s in r.saves if s.saved and s.kind == COMPLETION}
    times_saved = Counter(
        s.person_id for r in reports for s in r.saves if s.saved and s.kind == COMPLETION
    )
    doubly = [p for p, n in times_saved.items() if n > 1]
    if doubly:
        problems.append(f"completions saved twice, for people {sorted(doubly)[:10]}")
    if marked != found.completed:
        problems.append(
            f"completions: {len(marked)} saved, {len(found.completed)} on record "
            f"({len(marked - found.completed)} missing, {len(found.completed - marked)} extra)"
        )
    wrong_history = {p: n for p, n in found.marked_changes.items() if n != 1 or p not in marked}
    if wrong_history or set(found.marked_changes) != marked:
        problems.append(f"completion histories do not match what was saved: {wrong_history}")
    return problems


def failures(reports: list[Report]) -> list[Save]:
    return [s for r in reports for s in r.saves if not s.saved]


def times_ms(reports: list[Report], kind: str) -> list[float]:
    return [s.ms for r in reports for s in r.saves if s.saved and s.kind == kind]


def median_p95(values: list[float]) -> tuple[float, float]:
    """The median and the 95th percentile (nearest rank) of some times."""
    if not values:
        return float("nan"), float("nan")
    ordered = sorted(values)
    rank = max(1, -(-95 * len(ordered) // 100))
    return statistics.median(ordered), ordered[rank - 1]
