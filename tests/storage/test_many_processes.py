"""Issue 11: several nbdesk processes on one file at once lose nothing they report saved.

Four PAs' commands mark completions and log contacts at random moments for a few seconds (three
each at least), while a fifth keeps checking the file and reading the round's status (the read-only check once deleted a
-wal another process had committed to). Each command prints what it saved; afterwards every one of
those is in the file, and every failure was one plain line.
"""

from __future__ import annotations

import os
import random
import subprocess
import sys
import threading
import time
from collections.abc import Callable
from datetime import date
from pathlib import Path

from nbdesk.storage import create_database
from nbdesk.storage.location import Location
from nbdesk.survey.register import PersonFields, add_person
from nbdesk.survey.rounds import open_round
from tests.support.raw import raw

ROOT = Path(__file__).resolve().parents[2]
PAS = 4
SECONDS = 3.0
PEOPLE = 40
MINIMUM = 3  # commands per PA


def nbdesk(*args: str) -> subprocess.CompletedProcess[str]:
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    return subprocess.run(
        [sys.executable, "-m", "nbdesk", *args], capture_output=True, text=True, env=env
    )


def test_several_processes_on_one_file_lose_nothing_they_saved(
    database_at: Callable[..., Location],
) -> None:
    path = database_at("shared.nbdesk")  # or, with --backend=postgresql, one server database
    db = create_database(path, "Testshire")
    with db.transaction() as session:
        for n in range(1, PEOPLE + 1):
            add_person(session, PersonFields(f"S{n:02d}", date_of_birth=date(2005, 1, 1)))
        open_round(session, "Shared", date(2026, 10, 1), date(2026, 12, 20))
    db.close()

    saved: list[str] = []
    failures: list[str] = []
    lock = threading.Lock()
    deadline = time.monotonic() + SECONDS

    def run(*args: str) -> None:
        done = nbdesk(*args, "--db", str(path))
        with lock:
            if done.returncode == 0:
                saved.extend(line for line in done.stdout.splitlines() if line)
            else:
                failures.append(done.stderr)

    def pa(seed: int) -> None:
        rng = random.Random(seed)
        commands = 0
        # At least MINIMUM each, however slow the machine: the test is about overlap, not speed.
        while time.monotonic() < deadline or commands < MINIMUM:
            commands += 1
            time.sleep(rng.uniform(0, 0.3))
            person = f"S{rng.randint(1, PEOPLE):02d}"  # two PAs may pick the same person
            if rng.random() < 0.5:
                run("round", "complete", "Shared", "--person", person)
            else:
                note = f"note-{seed}-{rng.randrange(10**9)}"
                run("round", "contact", "Shared", "--person", person, "--note", note)

    def reader() -> None:
        while time.monotonic() < deadline or any(t.is_alive() for t in threads[:PAS]):
            for args in (("check",), ("round", "status", "Shared")):
                done = nbdesk(*args, "--db", str(path))
                if done.returncode != 0:
                    with lock:
                        failures.append(done.stderr)

    threads = [threading.Thread(target=pa, args=(seed,)) for seed in range(PAS)]
    threads.append(threading.Thread(target=reader))
    for t in threads:
        t.start()
    for t in threads:
        t.join()

    marked = [line.split()[1] for line in saved if line.startswith("Marked ")]
    logged = [line.split() for line in saved if line.startswith("Logged contact ")]
    assert len(marked) + len(logged) >= 8, f"too little was saved to tell: {saved} {failures}"
    # Every failure was foreseen and said in one line: here, only a person already marked.
    for err in failures:
        assert err.count("\n") == 1 and err.startswith("nbdesk: error: "), err
        assert "Already marked" in err, err

    with raw(path) as conn:
        completed = {
            u
            for (u,) in conn.execute(
                "SELECT unique_id FROM completion JOIN care_leaver ON care_leaver.id = "
                "completion.care_leaver_id"
            )
        }
        contacts = {
            (u, n, note)
            for (u, n, note) in conn.execute(
                "SELECT unique_id, number, note FROM outreach_contact JOIN care_leaver ON "
                "care_leaver.id = outreach_contact.care_leaver_id"
            )
        }
    assert len(marked) == len(set(marked)), "a person was reported marked twice"
    lost = set(marked) - completed
    assert not lost, f"completions reported saved but not in the file: {sorted(lost)}"
    # "Logged contact N with S07 in Shared." - the note is not printed, so match number and person.
    reported = {(words[4], int(words[2])) for words in logged}
    assert len(reported) == len(logged), "one contact number was given out twice"
    in_file = {(u, n) for (u, n, _) in contacts}
    assert reported <= in_file, f"contacts reported saved but not in the file: {reported - in_file}"
    assert len(in_file) == len(logged)
