"""Recording one rating in a workshop, commit included, on (a copy of) the large file, against a
bare SQLite insert-and-commit of one row with the same journal settings (WAL, synchronous=FULL) in
a file beside it, measured in the same run and interleaved so disk behaviour affects both alike."""

from __future__ import annotations

import shutil
import sqlite3
import statistics
import tempfile
import time
from pathlib import Path

from run import Context, Figure

SAMPLES = 200


def measure(ctx: Context) -> list[Figure]:
    from nbdesk.forms.store import list_frameworks
    from nbdesk.self_assessment.assessments import (
        create_assessment,
        list_assessments,
        load_assessment,
    )
    from nbdesk.self_assessment.ratings import set_rating
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

        bare_path = folder / "bare.sqlite"
        bare = sqlite3.connect(bare_path, isolation_level=None)
        bare.execute("PRAGMA journal_mode=WAL")
        bare.execute("PRAGMA synchronous=FULL")
        bare.execute("CREATE TABLE t (id INTEGER PRIMARY KEY, v INTEGER)")

        ours: list[float] = []
        theirs: list[float] = []
        for i in range(SAMPLES):
            statement = statements[i % len(statements)]
            points = scale[i % len(scale)]
            start = time.perf_counter()
            # Exactly what the workshop does for one key press of 1–4.
            with db.transaction() as session:
                set_rating(session, assessment_id, statement, points, sitting, valid_points=scale)
            ours.append(time.perf_counter() - start)

            start = time.perf_counter()
            bare.execute("BEGIN")
            bare.execute("INSERT INTO t (v) VALUES (?)", (i,))
            bare.execute("COMMIT")
            theirs.append(time.perf_counter() - start)
        bare.close()
    finally:
        db.close()
        shutil.rmtree(folder, ignore_errors=True)
    mine, base = statistics.median(ours), statistics.median(theirs)
    return [
        Figure(
            "record one rating (commit incl.) ÷ bare SQLite insert+commit",
            mine / base,
            target=2.0,
            detail=f"medians {mine * 1000:.2f} ms vs {base * 1000:.2f} ms over {SAMPLES} each",
        )
    ]
