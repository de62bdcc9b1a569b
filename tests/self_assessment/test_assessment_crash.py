"""A process recording ratings is killed (SIGKILL) at random moments; every rating it reported as
saved must be in the file, and the file must pass SQLite's integrity check (issue 3)."""

from __future__ import annotations

import inspect
import os
import random
import signal
import sqlite3
import subprocess
import sys
import threading
import time
from pathlib import Path

import pytest

pytestmark = pytest.mark.subject_is_sqlite(
    "the file after a killed process, by SQLite's integrity check"
)

PASSES = 4


def value(i: int, n: int) -> int:
    """The rating the recorder gives on its i-th write (of n statements). Each pass over the
    statements gives different values, so a later pass really changes what is stored."""
    return (i * 7 + i // n) % 4 + 1


# The recorder runs the same value() as the checks below.
RECORDER = (
    f"PASSES = {PASSES}\n"
    + inspect.getsource(value)
    + r"""
import sys
from nbdesk.self_assessment.assessments import create_assessment, load_assessment
from nbdesk.self_assessment.ratings import set_rating
from nbdesk.forms.store import find_framework
from nbdesk.storage import open_database

path, name = sys.argv[1], sys.argv[2]
db = open_database(path)
with db.transaction() as session:
    fid = find_framework(session, "New Belongings demonstration self-assessment")
    aid = create_assessment(session, name, framework_id=fid).value
with db.session() as session:
    ids = [s.statement_id for s in load_assessment(session, aid).statements()]
print("ready", aid, ",".join(map(str, ids)), flush=True)
for i in range(PASSES * len(ids)):
    with db.transaction() as session:
        set_rating(session, aid, ids[i % len(ids)], value(i, len(ids)), valid_points=(1, 2, 3, 4))
    # Only now, with the commit returned, is the rating reported as saved.
    print(i, flush=True)
print("done", flush=True)
"""
)


def expected(ids: list[int], last: int) -> dict[int, int]:
    """Each statement's value after writes 0..last."""
    out: dict[int, int] = {}
    for i in range(last + 1):
        out[ids[i % len(ids)]] = value(i, len(ids))
    return out


@pytest.mark.skipif(not hasattr(signal, "SIGKILL"), reason="needs SIGKILL")
def test_every_reported_rating_survives_sigkill(demo_file: Path) -> None:
    rng = random.Random(3)
    reported_total = 0
    killed_mid_run = 0
    for run in range(6):
        proc = subprocess.Popen(
            [sys.executable, "-c", RECORDER, str(demo_file), f"Crash run {run}"],
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
        )
        assert proc.stdout is not None and proc.stderr is not None
        ready = proc.stdout.readline().split()
        assert ready[:1] == ["ready"], proc.stderr.read()
        assessment_id = int(ready[1])
        ids = [int(x) for x in ready[2].split(",")]
        lines: list[str] = []
        reader = threading.Thread(target=lines.extend, args=(proc.stdout,))
        reader.start()
        # Kill once a random number of ratings has been reported (not after a random time: how
        # fast the recorder runs depends on the machine, and the test must kill it part-way).
        wanted = rng.randint(5, PASSES * len(ids) // 2)
        deadline = time.monotonic() + 60
        while len(lines) < wanted and reader.is_alive() and time.monotonic() < deadline:
            time.sleep(0.001)
        os.kill(proc.pid, signal.SIGKILL)
        proc.wait(timeout=10)
        reader.join(timeout=10)
        proc.stdout.close()
        proc.stderr.close()
        if "done\n" not in lines:
            killed_mid_run += 1
        reported = [int(line) for line in lines if line.strip().isdigit()]
        if not reported:
            continue
        last = max(reported)
        reported_total += len(reported)
        want = expected(ids, last)
        # The write after the last reported one may have committed before the kill, unreported.
        in_flight = ids[(last + 1) % len(ids)]
        also_allowed = value(last + 1, len(ids))

        # Read only, as a check should: a read-write connection closing last would fold the
        # -wal in itself, and the next nbdesk would be right to ask where the -wal went.
        conn = sqlite3.connect(f"file:{demo_file}?mode=ro", uri=True)
        try:
            assert conn.execute("PRAGMA integrity_check").fetchall() == [("ok",)]
            in_file = dict(
                conn.execute(
                    "SELECT statement_id, points FROM rating WHERE assessment_id = ?",
                    (assessment_id,),
                ).fetchall()
            )
            for statement_id, points in want.items():
                if statement_id == in_flight and in_file[statement_id] == also_allowed:
                    continue
                assert in_file[statement_id] == points, f"run {run}: {statement_id} lost"
            history = conn.execute(
                "SELECT count(*) FROM assessment_change "
                "WHERE assessment_id = ? AND field = 'rating'",
                (assessment_id,),
            ).fetchone()[0]
            assert history >= len(reported)
        finally:
            conn.close()
    print(f"{reported_total} ratings reported over {killed_mid_run} runs killed part-way")
    # The test only means something if processes died part-way with ratings reported.
    assert killed_mid_run >= 4
    assert reported_total > 100
