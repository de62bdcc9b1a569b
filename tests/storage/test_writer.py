"""A file's transactions on its kept writing connection (nbdesk.storage.writer): one connection
from one transaction to the next, the pool's for a transaction that finds it in use, and nothing
lost or left open either way."""

from __future__ import annotations

import threading
import time
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import event

from nbdesk.storage import create_database, open_database
from nbdesk.storage.authority import authority_name, set_authority_name
from nbdesk.storage.wal_guard import wal_file

pytestmark = pytest.mark.subject_is_sqlite("a file's one writing connection")


def checkouts(db: Any) -> list[int]:
    """The ids of the driver connections taken from the pool, as they are taken."""
    taken: list[int] = []
    event.listen(db.engine, "checkout", lambda raw, _record, _proxy: taken.append(id(raw)))
    return taken


def test_transactions_one_after_another_share_one_connection(tmp_path: Path) -> None:
    path = tmp_path / "a.nbdesk"
    db = create_database(path, "Anytown")
    taken = checkouts(db)
    for n in range(5):
        with db.transaction() as session:
            set_authority_name(session, f"Anytown {n}")
    # The first was made before the listener (at create_database's own transaction), so none
    # of the five needed the pool at all.
    assert taken == []
    db.close()
    assert not wal_file(path).exists(), "a connection was left open: the -wal stayed"
    again = open_database(path)
    with again.session() as session:
        assert authority_name(session) == "Anytown 4"
    again.close()


def test_a_transaction_that_fails_leaves_the_next_to_work(tmp_path: Path) -> None:
    path = tmp_path / "a.nbdesk"
    db = create_database(path, "Anytown")
    with pytest.raises(RuntimeError), db.transaction() as session:
        set_authority_name(session, "Never saved")
        raise RuntimeError("a failure inside the transaction")
    with db.transaction() as session:
        set_authority_name(session, "Saved")
    db.close()
    again = open_database(path)
    with again.session() as session:
        assert authority_name(session) == "Saved"
    again.close()


def test_a_transaction_on_another_thread_waits_its_turn_on_a_pool_connection(
    tmp_path: Path,
) -> None:
    path = tmp_path / "a.nbdesk"
    db = create_database(path, "Anytown")
    taken = checkouts(db)
    inside, release = threading.Event(), threading.Event()
    failures: list[BaseException] = []

    def first() -> None:
        try:
            with db.transaction() as session:
                set_authority_name(session, "First")
                inside.set()
                release.wait(10)
        except BaseException as exc:  # reported by the test, not lost in the thread
            failures.append(exc)

    def second() -> None:
        try:
            with db.transaction() as session:
                set_authority_name(session, authority_name(session) + " then second")
        except BaseException as exc:
            failures.append(exc)

    # Daemon threads, the release always given: a failure here must not leave a thread waiting
    # (the leap-day pass runs under faketime, where a timed wait never times out).
    one = threading.Thread(target=first, daemon=True)
    two = threading.Thread(target=second, daemon=True)
    try:
        one.start()
        assert inside.wait(10)
        two.start()
        # The second takes a connection of the pool's, then waits for the file's write lock,
        # which the first still holds (polled with sleeps: see above).
        for _ in range(200):
            if taken:
                break
            time.sleep(0.01)
        time.sleep(0.2)
        assert len(taken) == 1 and two.is_alive()
    finally:
        release.set()
    one.join()
    two.join()
    assert failures == []
    with db.transaction() as session:  # the kept connection again, free once more
        set_authority_name(session, authority_name(session) + " then third")
    assert len(taken) == 1
    db.close()
    again = open_database(path)
    with again.session() as session:
        assert authority_name(session) == "First then second then third"
    again.close()


def session_name(session: Any) -> str:
    return authority_name(session)


def test_a_closed_file_keeps_no_connection_and_later_transactions_use_the_pool(
    tmp_path: Path,
) -> None:
    path = tmp_path / "a.nbdesk"
    db = create_database(path, "Anytown")
    db.close()
    assert not wal_file(path).exists()
    # Nothing should write after close, but if something does it is not lost.
    with db.transaction() as session:
        set_authority_name(session, "After close")
    db.close()
    assert not wal_file(path).exists()
    again = open_database(path)
    with again.session() as session:
        assert authority_name(session) == "After close"
    again.close()
