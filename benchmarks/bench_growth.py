"""Growth with size (issue 16): the register's list and its filter, a round's dashboard and who-next,
the Survey section opening and each export, on the large file (10,000 people, 100,000 contacts)
and on the huge one (50,000 people, 1,000,000 contacts over ten rounds), built once under
benchmarks/out/. Each is timed on the two files in turn, round after round, so a busy machine slows
both alike; the growth factor is the huge file's median over the large one's. The timing runs in a
process of its own.

The target is linear growth: a factor no larger than the growth in people (printed first). Each
task makes the calls the window makes: the register's reads as RegisterTab and its lazy model ask
for them (the ids in order, then the first page of rows), the dashboard and who-next reads of the
Survey tabs, the real SurveySection opening on the open round until its worker is idle, and the
exports through the Returns service and the Notify dialog's own calls. The garbage collector is set
as the window sets it once a file is open and its worker has started (nbdesk.ui.collector): no
automatic collection inside a read (the window's reads run on the worker, where there is none),
and between two timed runs, untimed, the collection the UI thread's timer would have made by then
(bench_stall measures how long those hold the window). Until this was so, the first four tasks
ran with Python's automatic collection and the rest without, once Survey outreach had started a
worker.

Each figure is printed in wall-clock time, with the CPU time's growth beside it (less moved by
other programs on a shared machine), and the spread of the growth measured round by round (its
quartiles): a figure whose work grows as its rows do lands near the growth in people, and that
spread says how far from it one run may read. The last figure is a floor for comparison: the growth of bare
sqlite3 running who-next's own statement on the open round (its members with their register rows
and completions, the rows the dashboard and the Notify list read too) and doing nothing with the
rows; each figure is printed against it as well.
"""

from __future__ import annotations

import json
import os
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from run import Context, Figure, ensure_huge, wait_for_ops

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

TYPED = "bea pud"  # a first name and the start of a surname, typed a key at a time
QUIET_DAYS = 14  # the dashboard's "no contact in the last" as it opens


@dataclass
class Side:
    """One authority file, open, with what the tasks need to know of it."""

    label: str
    path: Path
    db: Any
    people: int
    contacts: int
    round_id: int  # the open round (the one a PA works in)
    eligible: int
    to_contact: int  # the rows of its who-next list (and of the Notify list of texts)
    assessment_id: int
    out: Path


def _side(label: str, path: Path, out: Path) -> Side:
    from sqlalchemy import func, select

    from nbdesk.self_assessment.assessments import list_assessments
    from nbdesk.storage import open_database
    from nbdesk.storage.models.survey import OutreachContact
    from nbdesk.survey.contacts import who_next
    from nbdesk.survey.register import register_size
    from nbdesk.survey.rounds import list_rounds

    db = open_database(path)
    with db.session() as session:
        people = register_size(session)
        contacts = session.scalar(select(func.count()).select_from(OutreachContact)) or 0
        current = max(list_rounds(session), key=lambda r: (not r.closed, r.eligible))
        assessment = max(list_assessments(session), key=lambda a: a.rated).id
        to_contact = len(who_next(session, current.id))
    folder = out / label
    folder.mkdir()
    return Side(
        label,
        path,
        db,
        people,
        contacts,
        current.id,
        current.eligible,
        to_contact,
        assessment,
        folder,
    )


def _app() -> Any:
    from PySide6.QtWidgets import QApplication

    return QApplication.instance() or QApplication([])


# The tasks: each is what one thing the window does asks of the file -------------------------


def register_everyone(side: Side) -> None:
    """RegisterTab.refresh with nothing typed, then the lazy model's first page of rows."""
    from nbdesk.survey.register import register_ids, register_rows, register_size
    from nbdesk.ui.table_models import LazyRowsModel

    with side.db.session() as session:
        register_size(session)
        ids = register_ids(session, "", "name", False)
    with side.db.session() as session:
        register_rows(session, ids[: LazyRowsModel.PAGE])


def register_filter(side: Side) -> None:
    """Typing TYPED into the register's find box: a read of the ids per key press (none skipped,
    as when each answer comes back before the next key), then the first page of what is left."""
    from nbdesk.survey.register import register_ids, register_rows, register_size
    from nbdesk.ui.table_models import LazyRowsModel

    for typed in range(1, len(TYPED) + 1):
        with side.db.session() as session:
            register_size(session)
            ids = register_ids(session, TYPED[:typed], "name", False)
        with side.db.session() as session:
            register_rows(session, ids[: LazyRowsModel.PAGE])


def round_dashboard(side: Side) -> None:
    from nbdesk.survey.dashboard import dashboard

    with side.db.session() as session:
        dashboard(session, side.round_id, quiet_days=QUIET_DAYS)


def who_next(side: Side) -> None:
    """The Contacts tab's list: everyone's, as it opens."""
    from nbdesk.survey.contacts import round_people

    with side.db.session() as session:
        round_people(session, side.round_id, None, False)


def survey_section(side: Side) -> None:
    """The Survey section given the file and shown, until every read it asked for is shown: the
    rounds, the open round's PAs and its who-next list (the tab it opens on)."""
    from nbdesk.ui.ops import Ops
    from nbdesk.ui.survey.section import SurveySection

    app = _app()
    section = SurveySection()
    section.resize(1300, 800)
    section.set_ops(Ops(side.db))
    section.show()
    wait_for_ops(app)
    assert section.contacts_tab.model.rowCount() > 0, "the who-next list was not shown"
    section.close()
    section.deleteLater()
    app.processEvents()


def participation_return(side: Side) -> None:
    from nbdesk.returns.service import PARTICIPATION_RETURN, export

    export(side.db.session, PARTICIPATION_RETURN, side.round_id, side.out / "participation.xlsx")


def self_assessment_return(side: Side) -> None:
    from nbdesk.returns.service import SA_RETURN, export

    export(side.db.session, SA_RETURN, side.assessment_id, side.out / "self-assessment.xlsx")


def notify_export(side: Side) -> None:
    """The Notify dialog as it opens (texts, its default columns), then Save the Notify list."""
    from nbdesk.survey.notify import notify_list, write_notify_file

    with side.db.session() as session:
        data = notify_list(session, side.round_id, "text")
    write_notify_file(side.out / "notify.csv", data)


_BARE: dict[str, tuple[Any, str]] = {}  # a bare sqlite3 connection to each file, and its SQL


def bare_members(side: Side) -> None:
    """The floor: bare sqlite3 running who-next's own statement (the round's members with their
    register rows and completions, the rows the dashboard and the Notify list read too) and
    fetching its rows, doing nothing with them."""
    import sqlite3

    found = _BARE.get(side.label)
    if found is None:
        from sqlalchemy.dialects import sqlite

        from nbdesk.survey.contacts import _people_query

        statement = _people_query(side.round_id, everyone=False)
        sql = str(
            statement.compile(dialect=sqlite.dialect(), compile_kwargs={"literal_binds": True})
        )
        found = _BARE[side.label] = (sqlite3.connect(side.path), sql)
    conn, sql = found
    conn.execute(sql).fetchall()


TASKS: list[tuple[str, Callable[[Side], None]]] = [
    ("register 'show everyone' list (ids, first page of rows)", register_everyone),
    (f"register filtered by typing '{TYPED}'", register_filter),
    ("round dashboard", round_dashboard),
    ("who-next for the round", who_next),
    ("Survey section opening (real widgets, worker idle)", survey_section),
    ("export: participation return", participation_return),
    ("export: self-assessment return", self_assessment_return),
    ("export: GOV.UK Notify list", notify_export),
    ("(floor) bare sqlite3 running who-next's statement", bare_members),
]


def growth(
    task: Callable[[Side], None], small: Side, big: Side, repeat: int
) -> tuple[float, float, float, float, float, float]:
    """The medians (seconds) of the task on each file, timed alternately after one warm-up: wall
    clock on the large and the huge file, then CPU time on each; then the lower and upper
    quartiles of the growth each round measured on its own (its huge time over its large one),
    how far one reading moves from the next."""
    from nbdesk.ui import collector

    times: dict[str, list[float]] = {small.label: [], big.label: []}
    cpu: dict[str, list[float]] = {small.label: [], big.label: []}
    task(small)
    task(big)
    for _ in range(repeat):
        for side in (small, big):
            start, start_cpu = time.perf_counter(), time.process_time()
            task(side)
            times[side.label].append(time.perf_counter() - start)
            cpu[side.label].append(time.process_time() - start_cpu)
            collector.collect_due()  # as the UI thread's timer would have, between two reads
    paired = [b / a for a, b in zip(times[small.label], times[big.label], strict=True)]
    low, _middle, high = statistics.quantiles(paired, n=4)
    return (
        statistics.median(times[small.label]),
        statistics.median(times[big.label]),
        statistics.median(cpu[small.label]),
        statistics.median(cpu[big.label]),
        low,
        high,
    )


def run_child(large: Path, huge: Path, repeat: int) -> dict[str, Any]:
    _app()
    out = Path(tempfile.mkdtemp(prefix="nbdesk-bench-growth-"))
    small = _side("large", large, out)
    big = _side("huge", huge, out)
    from nbdesk.ui import collector

    collector.settle()  # as the window does once a file is open
    collector.collect_on_ui_thread()  # as it does once its worker starts (Ops.pool)
    try:
        timed = []
        for name, task in TASKS:
            print(f"  {name} …", file=sys.stderr, flush=True)
            timed.append([name, *growth(task, small, big, repeat)])
        sizes = {
            side.label: {
                "people": side.people,
                "eligible": side.eligible,
                "to_contact": side.to_contact,
                "contacts": side.contacts,
            }
            for side in (small, big)
        }
        return {"sizes": sizes, "timed": timed}
    finally:
        for conn, _sql in _BARE.values():
            conn.close()
        small.db.close()
        big.db.close()
        for folder in (small.out, big.out):
            for p in folder.iterdir():
                p.unlink()
            folder.rmdir()
        out.rmdir()


def measure(ctx: Context) -> list[Figure]:
    # In a process of its own: the two files' rows read here would otherwise stay in this one's
    # memory, and every process started after it (bench_startup's) would count them in its peak.
    huge = ensure_huge(ctx)
    command = [sys.executable, __file__, str(ctx.large_db), str(huge), str(max(3, ctx.repeat))]
    done = subprocess.run(command, stdout=subprocess.PIPE, text=True)
    if done.returncode != 0:
        raise SystemExit(f"bench_growth's measuring process failed (exit {done.returncode})")
    result = json.loads(done.stdout.strip().splitlines()[-1])
    small, big = result["sizes"]["large"], result["sizes"]["huge"]
    ratio = big["people"] / small["people"]
    figures = [
        Figure(
            "growth in people, huge ÷ large file (the targets below)",
            ratio,
            detail=f"{small['people']:,} → {big['people']:,} people; the open round "
            f"{small['eligible']:,} → {big['eligible']:,} eligible, "
            f"{small['to_contact']:,} → {big['to_contact']:,} still to contact "
            f"({big['to_contact'] / small['to_contact']:.2f}×); contacts "
            f"{small['contacts']:,} → {big['contacts']:,}",
        )
    ]
    # The floor's growth, beside each figure: on the 2-core build machine bare sqlite3 running
    # who-next's statement grew 4.8x to 5.9x from run to run for 5x the rows (SQLite alone
    # counting them and summing their names' lengths, 5.3x to 5.8x: B-tree look-ups and a
    # working set past the processor's caches), so a figure near 5x is read against the floor.
    floor_growth = next(
        after / before for name, before, after, *_ in result["timed"] if name.startswith("(floor)")
    )
    for name, before, after, before_cpu, after_cpu, low, high in result["timed"]:
        floor = name.startswith("(floor)")
        beyond = "" if floor else f"; {after / before / floor_growth:.2f}× the floor's growth"
        figures.append(
            Figure(
                name if floor else f"growth of {name}",
                after / before,
                target=None if floor else round(ratio, 2),
                detail=f"medians {before * 1000:.0f} ms → {after * 1000:.0f} ms; "
                f"in CPU time {after_cpu / before_cpu:.2f}× "
                f"({before_cpu * 1000:.0f} ms → {after_cpu * 1000:.0f} ms); "
                f"round by round {low:.2f}–{high:.2f}× (quartiles){beyond}",
            )
        )
    return figures


if __name__ == "__main__":
    found = run_child(Path(sys.argv[1]), Path(sys.argv[2]), int(sys.argv[3]))
    print(json.dumps(found), flush=True)
