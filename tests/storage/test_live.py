"""Issue 17, point 3: what one nbdesk saves to a server reaches the others' listeners (LISTEN/NOTIFY).

Two Database objects on one server database stand for two PAs' nbdesks. Each listener runs on a
thread of its own, as the window runs it. Notifications arrive in the order their transactions
committed, so "X was not heard" is shown by hearing a later Y first, never by waiting.
"""

from __future__ import annotations

import json
import queue
import threading
from collections.abc import Iterator
from datetime import date
from typing import Any

import pytest

from nbdesk.common.changes import EVERYTHING, Changes, tell_others
from nbdesk.common.changes import LiveState as State
from nbdesk.storage import Database, create_database, open_database
from nbdesk.storage.live import CHANNEL, listen, sender_of
from nbdesk.survey.contacts import log_contact
from nbdesk.survey.register import PersonFields, add_person
from nbdesk.survey.rounds import open_round

WITHIN_S = 10  # what "a few seconds" is allowed to be on a loaded machine before a test fails


class Listening:
    """storage.live.listen on a thread, as the window runs it; what it yields, in a queue."""

    def __init__(self, db: Database, **options: Any) -> None:
        self.heard: queue.Queue[Changes | State] = queue.Queue()
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._run, args=(db, options), daemon=True)
        self._thread.start()
        assert self.next() is State.LISTENING

    def _run(self, db: Database, options: dict[str, Any]) -> None:
        for item in listen(db, self._stop.is_set, **options):
            self.heard.put(item)

    def next(self) -> Changes | State:
        return self.heard.get(timeout=WITHIN_S)

    def stop(self) -> None:
        self._stop.set()
        self._thread.join(WITHIN_S)
        assert not self._thread.is_alive()


@pytest.fixture
def two(postgres_url: str) -> Iterator[tuple[Database, Database]]:
    first = create_database(postgres_url, "Testshire County Council")
    second = open_database(postgres_url)
    yield first, second
    first.close()
    second.close()


def add(db: Database, unique_id: str, *, tell: bool = True) -> int:
    """Add a person as the window does (telling the others what changed), or as a command does."""
    with db.transaction() as session:
        done = add_person(session, PersonFields(unique_id, name=f"Person {unique_id}"))
        if tell:
            tell_others(session, done.changes)
    return done.value


def test_a_save_in_one_nbdesk_reaches_the_others_listener(two: tuple[Database, Database]) -> None:
    first, second = two
    listening = Listening(second)
    try:
        add(first, "A1")
        assert listening.next() == Changes(register=True)
    finally:
        listening.stop()


def test_a_contact_travels_without_the_person(two: tuple[Database, Database]) -> None:
    first, second = two
    with first.transaction() as session:
        round_id = open_round(session, "Time 2", date(2026, 1, 10), date(2026, 3, 1)).value.id
    person = add(first, "A1")
    listening = Listening(second)
    try:
        with first.transaction() as session:
            done = log_contact(
                session, round_id, person, date(2026, 1, 12), "phone", "warm-up", "spoke"
            )
            assert done.changes.people == {(round_id, person)}  # what the window itself hears
            tell_others(session, done.changes)
        heard = listening.next()
        assert heard == Changes(contacts=True)
        assert heard.people == frozenset() and heard.only_people() is None
    finally:
        listening.stop()


def test_a_listener_passes_over_its_own_saves_which_name_their_sender(
    two: tuple[Database, Database], postgres_url: str
) -> None:
    import psycopg

    first, second = two
    mine, theirs = Listening(first), Listening(second)
    raw = psycopg.connect(postgres_url.replace("+psycopg", ""), autocommit=True)
    raw.execute(f"LISTEN {CHANNEL}")
    try:
        add(first, "A1")  # first's own save: its listener must not hear it
        with second.transaction() as session:
            tell_others(session, Changes(rounds=True))
        assert mine.next() == Changes(rounds=True)  # the later save, heard first
        assert theirs.next() == Changes(register=True)
        senders = [
            json.loads(note.payload)["s"] for note in raw.notifies(stop_after=2, timeout=WITHIN_S)
        ]
        assert senders == [sender_of(first), sender_of(second)]
        assert sender_of(first) != sender_of(second)
    finally:
        raw.close()
        mine.stop()
        theirs.stop()


def test_a_payload_never_holds_people_or_their_ids(
    two: tuple[Database, Database], postgres_url: str
) -> None:
    import psycopg

    first, _second = two
    with first.transaction() as session:
        round_id = open_round(session, "Time 2", date(2026, 1, 10), date(2026, 3, 1)).value.id
    people = [add(first, f"P{n}") for n in range(3)]
    raw = psycopg.connect(postgres_url.replace("+psycopg", ""), autocommit=True)
    raw.execute(f"LISTEN {CHANNEL}")
    try:
        for person in people:
            with first.transaction() as session:
                done = log_contact(
                    session, round_id, person, date(2026, 1, 12), "phone", "warm-up", "spoke"
                )
                tell_others(session, done.changes)
        # Told outright of people, with assessments beside them: only the assessments travel.
        with first.transaction() as session:
            tell_others(
                session,
                Changes(
                    completions=True,
                    assessments=frozenset({4}),
                    people=frozenset({(round_id, 987_654)}),
                ),
            )
        payloads = [
            json.loads(note.payload) for note in raw.notifies(stop_after=4, timeout=WITHIN_S)
        ]
    finally:
        raw.close()
    for payload in payloads:
        assert set(payload) == {"v", "s", "k", "a"}
        assert "people" not in payload["k"]
    assert [p["a"] for p in payloads] == [[], [], [], [4]]
    assert [p["k"] for p in payloads] == [["contacts"]] * 3 + [["completions"]]
    assert "987654" not in json.dumps(payloads)


def test_a_rolled_back_save_sends_nothing(two: tuple[Database, Database]) -> None:
    first, second = two
    listening = Listening(second)
    try:
        with pytest.raises(RuntimeError), first.transaction() as session:
            tell_others(session, add_person(session, PersonFields("A1")).changes)
            raise RuntimeError("the save fails after its notification was asked for")
        with first.transaction() as session:
            tell_others(session, Changes(plans=True))
        assert listening.next() == Changes(plans=True)  # the rolled-back register change: never
    finally:
        listening.stop()


def test_a_writer_that_says_nothing_is_heard_as_changing_everything_if_it_wrote(
    two: tuple[Database, Database],
) -> None:
    first, second = two
    listening = Listening(second)
    try:
        with first.transaction() as session:  # read only, and nothing told: nothing sent
            session.connection().exec_driver_sql("SELECT 1")
        add(first, "A1", tell=False)  # as a command writes: it did not say what it changed
        assert listening.next() == EVERYTHING
        assert EVERYTHING.people == frozenset()
    finally:
        listening.stop()


def test_a_dropped_listening_connection_says_so_reconnects_and_reads_again(
    two: tuple[Database, Database], postgres_cluster: Any
) -> None:
    first, second = two
    listening = Listening(second, retry_after=(0.1,))
    try:
        postgres_cluster.execute(
            "SELECT pg_terminate_backend(pid) FROM pg_stat_activity "
            f"WHERE query = 'LISTEN {CHANNEL}'"
        )
        assert listening.next() is State.PAUSED
        assert listening.next() is State.RESUMED
        assert listening.next() == EVERYTHING  # whatever was saved meanwhile went unheard
        add(first, "A1")
        assert listening.next() == Changes(register=True)
    finally:
        listening.stop()
