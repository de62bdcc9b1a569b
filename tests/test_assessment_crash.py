"""A process recording ratings is killed (SIGKILL) at random moments; every rating it reported as
saved must be in the file, and the file must pass SQLite's integrity check (issue 3)."""

from __future__ import annotations

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

RECORDER = r"""
import sys
from nbdesk.assessments import create_assessment, load_assessment, set_rating
from nbdesk.frameworks import find_framework
from nbdesk.storage import open_database

path, name = sys.argv[1], sys.argv[2]
db = open_database(path)
with db.transaction() as session:
    fid = find_framework(session, "New Belongings demonstration self-assessment")
    aid = create_assessment(session, name, framework_id=fid)
with db.session() as session:
    ids = [s.statement_id for s in load_assessment(session, aid).statements()]
print("ready", aid, flush=True)
for i, sid in enumerate(ids):
    points = (i * 7) % 4 + 1
    with db.transaction() as session:
        set_rating(session, aid, sid, points, valid_points=(1, 2, 3, 4))
    # Only now, with the commit returned, is the rating reported as saved.
    print(sid, points, flush=True)
print("done", flush=True)
"""


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
        assert proc.stdout is not None
        ready = proc.stdout.readline().split()
        assert ready[:1] == ["ready"], proc.stderr.read() if proc.stderr else ""
        assessment_id = int(ready[1])
        lines: list[str] = []
        reader = threading.Thread(target=lines.extend, args=(proc.stdout,))
        reader.start()
        time.sleep(rng.uniform(0.0, 0.25))
        os.kill(proc.pid, signal.SIGKILL)
        proc.wait(timeout=10)
        reader.join(timeout=10)
        proc.stdout.close()
        if proc.stderr:
            proc.stderr.close()
        if "done\n" not in lines:
            killed_mid_run += 1
        saved = [tuple(map(int, line.split())) for line in lines if line[0].isdigit()]
        reported_total += len(saved)

        conn = sqlite3.connect(demo_file)
        try:
            assert conn.execute("PRAGMA integrity_check").fetchall() == [("ok",)]
            in_file = dict(
                conn.execute(
                    "SELECT statement_id, points FROM rating WHERE assessment_id = ?",
                    (assessment_id,),
                ).fetchall()
            )
            for statement_id, points in saved:
                assert in_file[statement_id] == points, f"run {run}: {statement_id} lost"
            history = conn.execute(
                "SELECT count(*) FROM assessment_change WHERE assessment_id = ? AND field = 'rating'",
                (assessment_id,),
            ).fetchone()[0]
            assert history >= len(saved)
        finally:
            conn.close()
    print(f"{reported_total} ratings reported over {killed_mid_run} killed runs")
    # The test only means something if processes died part-way with ratings reported.
    assert killed_mid_run >= 3
    assert reported_total > 0
