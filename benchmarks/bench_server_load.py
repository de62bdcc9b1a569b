"""Many at once (issue 17, points 3 and 5): 20 PAs saving contacts and completions together.

A throwaway PostgreSQL cluster (tests/support/postgres.py) holds a new authority: 600 people on
the register, caseloads of 30 for each of 20 PAs, one open round counting them all in. Then 20
processes, one per PA, each open nbdesk's Database on the server's URL as the window does and,
after one signal, save 200 outreach contacts (with anyone in the round, so two PAs often log a
contact with the same person) and 20 completions (their own caseload's), shuffled, each after a
random pause of up to 20 ms, through the services the window's person panel calls, one
transaction per save (tests/support/many_pas.py). Each process times every save: the whole
transaction, its commit and what runs after it, which is what a PA waits for. A PA stops starting
saves after LOAD_S seconds; what it did not start is reported, not counted.

Afterwards the server's contacts and completions are counted against what each PA was told was
saved (per PA, and every person's contact numbers 1, 2, 3 … with none twice): lost saves and any
failure are printed, whatever they were. The figures are the median and the 95th percentile of
the time to save a contact and a completion, and, as ratios, the median under load to the median
of the same saves by one PA alone on the same server afterwards (the round then holds what the
load saved, so a completion alone rewrites at least as many rows as any under load did).

The same load on a local SQLite file is run for comparison: its writers take the file's lock in
turn and wait at most its busy timeout (nbdesk.storage.database.BUSY_TIMEOUT_MS) for it, and
SQLite does not queue them, it lets them retry, so under this load some wait long and some give
up. That is printed as it happened: it is why a team needs the server.

With no PostgreSQL installed (its initdb and pg_ctl), it says so and gives no figures.
"""

from __future__ import annotations

import tempfile
import time
from collections import Counter
from pathlib import Path

from run import Context, Figure

from tests.support import many_pas
from tests.support.many_pas import COMPLETION, CONTACT, Authority, Plan, Report

PAS = 20
CONTACTS = 200
COMPLETIONS = 20
PEOPLE = 600  # caseloads of 30: 20 completions each leaves 10 for the PA alone
MAX_PAUSE_S = 0.02
LOAD_S = 40.0  # each PA stops starting saves after this (the run stays bounded on a busy machine)
ALONE_CONTACTS = 40
ALONE_COMPLETIONS = 10


def plans(where: Authority) -> list[Plan]:
    import random

    rng = random.Random(17)
    made = []
    for pa in range(PAS):
        caseload = [p for i, p in enumerate(where.people) if i % PAS == pa]
        made.append(
            Plan(
                where.location,
                where.round_id,
                many_pas.pa_name(pa),
                tuple(rng.choice(where.people) for _ in range(CONTACTS)),
                tuple(caseload[:COMPLETIONS]),
                where.today,
                seed=pa,
                max_pause_s=MAX_PAUSE_S,
                stop_after_s=LOAD_S,
            )
        )
    return made


def alone(where: Authority) -> Plan:
    """One PA, after the load, on the people nobody marked as completed."""
    left = [p for i, p in enumerate(where.people) if i % PAS == 0][COMPLETIONS:]
    return Plan(
        where.location,
        where.round_id,
        "PA alone",
        tuple(left[i % len(left)] for i in range(ALONE_CONTACTS)),
        tuple(left[:ALONE_COMPLETIONS]),
        where.today,
        seed=99,
        max_pause_s=MAX_PAUSE_S,
        stop_after_s=LOAD_S,
    )


def run_load(where: Authority, label: str) -> list[Report]:
    print(f"  {label}: {PAS} PAs × ({CONTACTS} contacts + {COMPLETIONS} completions) …", flush=True)
    start = time.perf_counter()
    reports = many_pas.run_pas(plans(where), timeout_s=LOAD_S + 120)
    took = time.perf_counter() - start
    attempted = sum(len(r.saves) for r in reports)
    not_started = sum(r.not_started for r in reports)
    print(
        f"  {label}: {attempted} saves attempted in {took:.0f} s"
        + (
            f"; {not_started} not started when the PAs' {LOAD_S:.0f} s were up"
            if not_started
            else ""
        )
    )
    problems = many_pas.check_nothing_lost(where, reports)
    failed = many_pas.failures(reports)
    print(f"  {label}: {len(problems)} problems on record, {len(failed)} saves failed")
    for problem in problems[:20]:
        print(f"    LOST/WRONG: {problem}")
    for error, count in Counter(f"{s.kind}: {s.error}" for s in failed).most_common(10):
        print(f"    FAILED ×{count}: {error}")
    for kind in (CONTACT, COMPLETION):
        times = many_pas.times_ms(reports, kind)
        median, p95 = many_pas.median_p95(times)
        slowest = max(times, default=float("nan"))
        print(
            f"  {label}: {kind}s saved {len(times)}, median {median:.1f} ms, "
            f"p95 {p95:.1f} ms, slowest {slowest:.0f} ms"
        )
    return reports


def figures_for(label: str, reports: list[Report], baseline: list[Report] | None) -> list[Figure]:
    problems_detail = f"{sum(len(r.saves) for r in reports)} saves attempted"
    failed = len(many_pas.failures(reports))
    target = 0 if baseline is not None else None  # the file is for comparison, not a goal
    figures = [
        Figure(
            f"{label}: saves failed (any error a PA would see)", failed, target, "", problems_detail
        )
    ]
    for kind in (CONTACT, COMPLETION):
        times = many_pas.times_ms(reports, kind)
        median, p95 = many_pas.median_p95(times)
        figures.append(Figure(f"{label}: time to save a {kind}, median", median, unit=" ms"))
        figures.append(Figure(f"{label}: time to save a {kind}, 95th percentile", p95, unit=" ms"))
        if baseline is not None:
            alone_median, _ = many_pas.median_p95(many_pas.times_ms(baseline, kind))
            figures.append(
                Figure(
                    f"{label}: {kind} median, {PAS} PAs / one PA alone",
                    median / alone_median,
                    detail=f"alone: {alone_median:.1f} ms",
                )
            )
    return figures


def on_server() -> list[Figure]:
    from tests.support.postgres import NoPostgresError, start_cluster

    try:
        cluster = start_cluster()
    except NoPostgresError as exc:
        print(f"  no figures on a server: {exc}")
        return []
    try:
        where = many_pas.make_authority(cluster.new_database(), PEOPLE, PAS)
        reports = run_load(where, "server")
        lost = many_pas.check_nothing_lost(where, reports)
        baseline = many_pas.run_pas([alone(where)], timeout_s=LOAD_S + 60)
        for kind in (CONTACT, COMPLETION):
            median, p95 = many_pas.median_p95(many_pas.times_ms(baseline, kind))
            print(f"  server, one PA alone: {kind} median {median:.1f} ms, p95 {p95:.1f} ms")
        figures = [Figure("server: saves lost", len(lost), 0, "")]
        return figures + figures_for("server", reports, baseline)
    finally:
        cluster.stop()


def on_file() -> list[Figure]:
    with tempfile.TemporaryDirectory(prefix="nbdesk-load-") as folder:
        where = many_pas.make_authority(Path(folder) / "load.nbdesk", PEOPLE, PAS)
        reports = run_load(where, "SQLite file")
        lost = many_pas.check_nothing_lost(where, reports)
        figures = [Figure("SQLite file (for comparison): saves lost", len(lost), unit="")]
        return figures + figures_for("SQLite file (for comparison)", reports, None)


def measure(ctx: Context) -> list[Figure]:
    return on_server() + on_file()
