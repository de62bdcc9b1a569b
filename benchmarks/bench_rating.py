"""Recording one rating in a workshop, commit included, on (a copy of) the large file, against a
bare SQLite insert-and-commit of one row with the same journal settings (WAL, synchronous=FULL) in
a file beside it, measured in the same run and interleaved so disk behaviour affects both alike.

Printed after it: the floor, with no target, the same two statements and commit a rating makes,
sent by the bare driver to a second copy of the file (what is left above it is nbdesk's Python
and SQLAlchemy's session and transaction); and the figure issue 16 asked to keep while the rating's
SQL was rewritten as Core statements that also run on PostgreSQL: the same rating recorded as the
first wave's set_rating recorded it (commit 1e3c8c1: the same checks, and the two statements
written out as SQLite's SQL and sent on the session's own driver connection), through the same
transaction, on a third copy. On this machine a bare commit takes a quarter of what it took when
the first wave measured 1.5–1.7x, so that way misses 2x here too."""

from __future__ import annotations

import shutil
import sqlite3
import statistics
import tempfile
import time
from pathlib import Path
from typing import Any

from run import Context, Figure

SAMPLES = 200


def in_order(compiled: Any, values: dict[str, Any]) -> list[Any]:
    """A compiled statement's parameters as the driver takes them (SQLite's are positional)."""
    given = compiled.construct_params(values)
    return [given[name] for name in compiled.positiontup]


def measure(ctx: Context) -> list[Figure]:
    from sqlalchemy.dialects import sqlite

    from nbdesk.common import clock
    from nbdesk.forms.store import list_frameworks
    from nbdesk.self_assessment.assessments import (
        create_assessment,
        list_assessments,
        load_assessment,
    )
    from nbdesk.self_assessment.ratings import (
        RATING,
        RATING_STATEMENTS,
        Change,
        _rating_row,
        set_rating,
    )
    from nbdesk.self_assessment.sittings import start_sitting
    from nbdesk.storage import open_database
    from nbdesk.storage.backup import backup_file

    folder = Path(tempfile.mkdtemp(prefix="nbdesk-bench-rating-", dir=ctx.out))
    work = folder / "large-copy.nbdesk"
    backup_file(ctx.large_db, work)  # the benchmark file itself is never changed
    db = open_database(work)
    try:
        with db.transaction() as session:
            found = list_assessments(session)
            if found:
                assessment_id = found[0].id
            else:  # a large file made before assessments existed
                framework = list_frameworks(session)[0]
                assessment_id = create_assessment(
                    session, "Benchmark", framework_id=framework.id
                ).value
            sitting = start_sitting(session, assessment_id, [("Benchmark", "staff")]).value
        with db.session() as session:
            detail = load_assessment(session, assessment_id)
        statements = [s.statement_id for s in detail.statements()]
        scale = [p.points for p in detail.framework.scale]

        # The floor's copy, made once the sitting exists, so both copies hold the same rows.
        raw = sqlite3.connect(backup_file(work, folder / "raw-copy.nbdesk"), isolation_level=None)
        raw.execute("PRAGMA journal_mode=WAL")
        raw.execute("PRAGMA synchronous=FULL")
        raw.execute("PRAGMA foreign_keys=ON")
        raw.execute("PRAGMA secure_delete=ON")  # as nbdesk's connections write (storage.database)
        record, update = (
            statement.compile(dialect=sqlite.dialect()) for statement in RATING_STATEMENTS
        )
        record_sql, update_sql = str(record), str(update)
        record_names, update_names = tuple(record.positiontup), tuple(update.positiontup)
        literals = record.construct_params(_check=False)  # the field's name, 'rating'
        first = open_database(backup_file(work, folder / "first-wave-copy.nbdesk"))

        def first_wave(session: Any, given: dict[str, Any]) -> Change | None:
            """set_rating as the first wave wrote it: hand-written SQL on the driver connection,
            its values (those the floor sends) put in order by hand."""
            if given["points"] not in set(scale):
                raise ValueError(given["points"])
            connection = session.connection().connection.driver_connection
            values = {**literals, **given, "when": clock.now().strftime("%Y-%m-%d %H:%M:%S.%f")}
            recorded = connection.execute(record_sql, [values[n] for n in record_names]).fetchall()
            if not recorded:
                _rating_row(session, assessment_id, given["s"])  # raises if it is not there
                return None
            connection.execute(update_sql, [values[n] for n in update_names])
            return Change(assessment_id, RATING, given["s"], recorded[0][0], given["new"])

        bare_path = folder / "bare.sqlite"
        bare = sqlite3.connect(bare_path, isolation_level=None)
        bare.execute("PRAGMA journal_mode=WAL")
        bare.execute("PRAGMA synchronous=FULL")
        bare.execute("CREATE TABLE t (id INTEGER PRIMARY KEY, v INTEGER)")

        ours: list[float] = []
        floor: list[float] = []
        before: list[float] = []
        theirs: list[float] = []
        for i in range(SAMPLES):
            statement = statements[i % len(statements)]
            points = scale[i % len(scale)]
            # The floor first: the same rating on its own copy, so it writes whenever nbdesk does.
            values = {
                "a": assessment_id,
                "s": statement,
                "points": points,
                "new": str(points),
                "when": clock.now().isoformat(" "),
                "sitting": sitting,
            }
            record_args, update_args = in_order(record, values), in_order(update, values)
            start = time.perf_counter()
            raw.execute("BEGIN IMMEDIATE")
            raw.execute(record_sql, record_args).fetchall()
            raw.execute(update_sql, update_args)
            raw.execute("COMMIT")
            floor.append(time.perf_counter() - start)

            # nbdesk's way and the first wave's take turns to go first: the one straight after
            # the floor's commit ran 10–15% slower, whichever it was.
            for turn in (i % 2, 1 - i % 2):
                start = time.perf_counter()
                if turn == 0:
                    # Exactly what the workshop does for one key press of 1–4.
                    with db.transaction() as session:
                        set_rating(
                            session, assessment_id, statement, points, sitting, valid_points=scale
                        )
                    ours.append(time.perf_counter() - start)
                else:
                    with first.transaction() as session:
                        first_wave(session, values)
                    before.append(time.perf_counter() - start)

            start = time.perf_counter()
            bare.execute("BEGIN")
            bare.execute("INSERT INTO t (v) VALUES (?)", (i,))
            bare.execute("COMMIT")
            theirs.append(time.perf_counter() - start)
        bare.close()
        raw.close()
        first.close()
    finally:
        db.close()
        shutil.rmtree(folder, ignore_errors=True)
    mine, base = statistics.median(ours), statistics.median(theirs)
    least, then = statistics.median(floor), statistics.median(before)
    return [
        Figure(
            "record one rating (commit incl.) ÷ bare SQLite insert+commit",
            mine / base,
            target=2.0,
            detail=f"medians {mine * 1000:.2f} ms vs {base * 1000:.2f} ms over {SAMPLES} each; "
            f"{mine / least:.2f}× the floor",
        ),
        Figure(
            "(floor) the rating's own SQL and commit on the bare driver ÷ bare",
            least / base,
            detail=f"median {least * 1000:.2f} ms",
        ),
        Figure(
            "(first wave) the rating as set_rating wrote it then ÷ bare",
            then / base,
            detail=f"median {then * 1000:.2f} ms: hand-written SQL on the driver connection",
        ),
        Figure(
            "record one rating ÷ the first wave's way, through Core (kept)",
            mine / then,
            target=1.1,
            detail="the same transaction; runs move by 10% either way",
        ),
    ]
