"""One workshop writer per assessment at a time (issue 17): the lease, on either backend
(`--backend=postgresql` runs these on a server)."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from datetime import datetime, timedelta

import pytest

from nbdesk.forms.framework import demonstration_framework
from nbdesk.forms.store import store_framework
from nbdesk.self_assessment.assessments import create_assessment
from nbdesk.self_assessment.lease import (
    STALE_AFTER,
    HeldBy,
    Lease,
    release,
    renew,
    take_workshop,
    workshop_lease,
)
from nbdesk.storage import Database, create_database, open_database
from nbdesk.storage.location import Location
from tests.conftest import FIXED_NOW, Clock


@pytest.fixture
def place(database_at: Callable[..., Location]) -> Location:
    return database_at("lease.nbdesk")


@pytest.fixture
def db(place: Location) -> Iterator[Database]:
    database = create_database(place, "Testshire County Council")
    with database.transaction() as session:
        fid = store_framework(session, demonstration_framework()).id
        create_assessment(session, "Baseline 2024", framework_id=fid)
        create_assessment(session, "Follow-up 2025", framework_id=fid)
    yield database
    database.close()


def take(db: Database, led_by: str, holder: str, aid: int = 1, **kw: bool) -> Lease | HeldBy:
    with db.transaction() as session:
        return take_workshop(session, aid, led_by, holder, **kw)


def test_a_second_holder_is_refused_with_the_leaders_name(db: Database) -> None:
    first = take(db, "Asha Patel", "window-a")
    assert isinstance(first, Lease) and first.led_by == "Asha Patel" and first.since == FIXED_NOW
    second = take(db, "Ben Okafor", "window-b")
    assert isinstance(second, HeldBy)
    assert (second.led_by, second.since, second.stale) == ("Asha Patel", FIXED_NOW, False)
    assert "led by Asha Patel" in second.message()
    # Another assessment is free: the lease is one per assessment.
    assert isinstance(take(db, "Ben Okafor", "window-b", aid=2), Lease)
    # The holder opening again (the window reconnecting) keeps its lease.
    assert isinstance(take(db, "Asha Patel", "window-a"), Lease)


def test_the_refusal_holds_between_two_processes_on_one_database(
    db: Database, place: Location
) -> None:
    other = open_database(place)  # a second nbdesk on the same file or server
    try:
        assert isinstance(take(db, "Asha Patel", "window-a"), Lease)
        refused = take(other, "Ben Okafor", "window-b")
        assert isinstance(refused, HeldBy) and refused.led_by == "Asha Patel"
        with other.session() as session:
            seen = workshop_lease(session, 1)
        assert seen is not None and seen.led_by == "Asha Patel"
    finally:
        other.close()


def test_a_stale_lease_is_taken_over_only_when_asked_and_says_whose(
    db: Database, clock: Clock
) -> None:
    take(db, "Asha Patel", "window-a")
    clock.set(FIXED_NOW + STALE_AFTER)  # exactly at the limit: still alive
    held = take(db, "Ben Okafor", "window-b", take_over=True)
    assert isinstance(held, HeldBy) and not held.stale
    clock.set(FIXED_NOW + STALE_AFTER + timedelta(seconds=1))
    held = take(db, "Ben Okafor", "window-b")
    assert isinstance(held, HeldBy) and held.stale and "can be taken over" in held.message()
    taken = take(db, "Ben Okafor", "window-b", take_over=True)
    assert isinstance(taken, Lease)
    assert (taken.led_by, taken.took_over_from) == ("Ben Okafor", "Asha Patel")
    # The first window comes back: its heartbeat tells it who has the workshop now.
    with db.transaction() as session:
        lost = renew(session, 1, "window-a")
    assert isinstance(lost, HeldBy) and lost.led_by == "Ben Okafor"


def test_renewing_keeps_a_lease_alive(db: Database, clock: Clock) -> None:
    take(db, "Asha Patel", "window-a")
    later = FIXED_NOW
    for _ in range(6):  # ten minutes of a workshop, heard from every 100 seconds
        later += timedelta(seconds=100)
        clock.set(later)
        with db.transaction() as session:
            kept = renew(session, 1, "window-a")
        assert isinstance(kept, Lease) and kept.since == FIXED_NOW
    held = take(db, "Ben Okafor", "window-b", take_over=True)
    assert isinstance(held, HeldBy) and not held.stale
    assert held.heartbeat_at == datetime(2026, 11, 18, 10, 40)


def test_release_frees_the_lease_only_for_its_holder(db: Database) -> None:
    take(db, "Asha Patel", "window-a")
    with db.transaction() as session:
        assert release(session, 1, "window-b") is False
    assert isinstance(take(db, "Ben Okafor", "window-b"), HeldBy)
    with db.transaction() as session:
        assert release(session, 1, "window-a") is True
    with db.session() as session:
        assert workshop_lease(session, 1) is None
    with db.transaction() as session:
        assert renew(session, 1, "window-a") is None
    assert isinstance(take(db, "Ben Okafor", "window-b"), Lease)


def test_a_lease_left_by_an_nbdesk_that_has_ended_on_this_computer_is_free_at_once(
    db: Database,
) -> None:
    """A tester killed nbdesk mid-workshop and reopened it: for two minutes the assessment stayed
    locked, by the workshop that had died on the same laptop."""
    from nbdesk.self_assessment.lease import left_behind, new_holder
    from tests.support.processes import ended_pid, left_behind_holder

    dead = left_behind_holder()
    assert left_behind(dead)
    assert isinstance(take(db, "Asha Patel", dead), Lease)
    held = take(db, "Ben Okafor", new_holder())
    assert isinstance(held, HeldBy) and held.stale and held.left_behind
    assert "left by nbdesk on this computer" in held.message()
    taken = take(db, "Ben Okafor", new_holder(), take_over=True)
    assert isinstance(taken, Lease) and taken.took_over_from == "Asha Patel"

    # Not a live one's (this process's, another window), another computer's, or an old token.
    alive = new_holder()
    elsewhere = f"another-laptop:{ended_pid()}:0123456789abcdef"
    for holder in (alive, elsewhere, "laptop-a", "4f3c2a1b9d8e7f60"):
        assert not left_behind(holder)
    assert isinstance(take(db, "Cara", elsewhere, aid=2), Lease)
    still = take(db, "Dev", new_holder(), aid=2, take_over=True)
    assert isinstance(still, HeldBy) and not still.stale
