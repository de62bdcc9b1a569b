"""Who-next and the round dashboard updated from what a save changed give exactly what reading the
whole round again gives (issue 16): after every step of a long random series of contacts,
completions, completions taken back, and people left out of or counted in the round, each list and
the board are compared, figure for figure and row for row, with a full read.

The people are made to catch an update that gets the order or the groups slightly wrong: names that
differ only in case or not at all, blanks and stray spaces where a group is read, no date of birth,
do-not-contact, ages outside the round, several contacts on one day.
"""

from __future__ import annotations

import random
from collections.abc import Callable
from datetime import date, timedelta

import pytest

from nbdesk.common.changes import Changes, person_in_round
from nbdesk.storage import Database, create_database
from nbdesk.storage.location import Location
from nbdesk.survey.completion import mark_completed, unmark_completed
from nbdesk.survey.contacts import (
    OUTCOMES,
    WhoNextRow,
    in_list,
    log_contact,
    round_people,
    update_list,
    who_next_rows,
)
from nbdesk.survey.dashboard import Dashboard, dashboard, dashboard_update
from nbdesk.survey.register import CHANNELS, PersonFields, add_person
from nbdesk.survey.rounds import exclude_person, include_person, open_round

OPENS = date(2026, 10, 1)
TODAY = date(2026, 11, 18)  # the tests' fixed clock (tests/conftest.py)
NAMES = ("Bea Puddlewick", "bea puddlewick", "Cai Thistlebottom", "Dara Quillfinch", "")
PAS = ("Pat Honeysock", "Sam Wafflethorpe", "", " Pat Honeysock")
GENDERS = ("Female", "female", " Male", "", "Non-binary", "Male ")
PLACES = ("Independent living", "independent living", "", "Custody", "Staying put ")


def _people(session, rng: random.Random, count: int) -> list[int]:  # type: ignore[no-untyped-def]
    made = []
    for number in range(count):
        born = None if number % 9 == 0 else TODAY - timedelta(days=rng.randint(15 * 365, 28 * 365))
        fields = PersonFields(
            unique_id=f"R{number:03d}",
            name=rng.choice(NAMES),
            date_of_birth=born,
            gender=rng.choice(GENDERS),
            accommodation=rng.choice(PLACES),
            pa_name=rng.choice(PAS).strip(),
            do_not_contact=number % 11 == 3,
            do_not_contact_reason="Asked not to be" if number % 11 == 3 else "",
        )
        made.append(add_person(session, fields).value)
    return made


LISTS = ((None, False), (None, True), ("Pat Honeysock", False), ("", True))


class Kept:
    """One list as a window keeps it: read whole once, then updated from each change."""

    def __init__(self, rows: list[WhoNextRow], pa: str | None, everyone: bool) -> None:
        self.rows, self.pa, self.everyone = rows, pa, everyone
        self.by_id = {r.person_id: r for r in rows}

    def update(self, found: dict[int, WhoNextRow], people: set[int]) -> None:
        changes = [(self.by_id.pop(p, None), found.get(p)) for p in people]
        for _old, new in changes:
            if new is not None and in_list(new, self.pa, self.everyone):
                self.by_id[new.person_id] = new
        update_list(
            self.rows,
            changes,
            lambda r: r.person_id in self.by_id,
            self.rows.pop,
            self.rows.insert,
        )


def _step(session, rng: random.Random, round_id: int, people: list[int]) -> Changes:  # type: ignore[no-untyped-def]
    """One thing a PA or the lead does, chosen at random; what it says it changed."""
    person = rng.choice(people)
    action = rng.random()
    try:
        if action < 0.55:
            day = OPENS + timedelta(days=rng.randint(0, (TODAY - OPENS).days))
            done = log_contact(
                session,
                round_id,
                person,
                day,
                rng.choice(CHANNELS),
                "reminder",
                rng.choice(OUTCOMES),
            )
            return done.changes
        if action < 0.75:
            day = OPENS + timedelta(days=rng.randint(0, (TODAY - OPENS).days))
            return mark_completed(session, round_id, person, "pa", day)
        if action < 0.85:
            return unmark_completed(session, round_id, person, "Marked in error", TODAY)
        if action < 0.93:
            return exclude_person(session, round_id, person, "Moved abroad")
        return include_person(session, round_id, person, "Back in touch")
    except (ValueError, LookupError):
        return Changes()  # refused (already marked, not in the round…): nothing changed


@pytest.mark.parametrize("seed", [1, 2, 3])
def test_updates_equal_a_full_read_after_every_step(
    database_at: Callable[..., Location], seed: int
) -> None:
    rng = random.Random(seed)
    db = create_database(database_at("u.nbdesk"), "Testshire County Council")
    try:
        with db.transaction() as session:
            people = _people(session, rng, 45)
            round_id = open_round(session, "Time 2", OPENS, date(2026, 12, 20)).value.id
            # A person added after the round opened: not in it until counted in.
            late = add_person(session, PersonFields("LATE", name="Late Joiner")).value
        people.append(late)
        with db.session() as session:
            board = dashboard(session, round_id)
            kept = [Kept(round_people(session, round_id, pa, e), pa, e) for pa, e in LISTS]
        steps = 0
        for _ in range(120):
            with db.transaction() as session:
                changes = _step(session, rng, round_id, people)
            pairs = changes.only_people()
            if not changes:
                continue
            assert pairs is not None and len(pairs) == 1, changes
            ((changed_round, person),) = pairs
            assert changed_round == round_id
            steps += 1
            with db.session() as session:
                board = dashboard_update(session, board, {person})
                found = who_next_rows(session, round_id, {person})
                for one in kept:
                    one.update(found, {person})
                assert board == dashboard(session, round_id), f"step {steps}"
                for one in kept:
                    assert one.rows == round_people(session, round_id, one.pa, one.everyone), (
                        f"step {steps}: {one.pa!r}, everyone={one.everyone}"
                    )
        assert steps > 80
        # The series did what it was meant to: completions came and went, people left and joined.
        assert 0 < board.overall.completed < board.overall.eligible
        assert board.not_contacted and len(board.over_time) > 3
    finally:
        db.close()


def _board_for(db: Database, round_id: int, quiet_days: int = 14) -> Dashboard:
    with db.session() as session:
        return dashboard(session, round_id, quiet_days=quiet_days)


def test_an_update_on_a_new_day_counts_the_round_again(
    database_at: Callable[..., Location], clock
) -> None:  # type: ignore[no-untyped-def]
    """Who counts as not contacted lately moves with the day, for everyone at once."""
    db = create_database(database_at("d.nbdesk"), "Testshire County Council")
    try:
        with db.transaction() as session:
            bea = add_person(session, PersonFields("B1", name="Bea", pa_name="Pat")).value
            cai = add_person(session, PersonFields("C1", name="Cai", pa_name="Pat")).value
            round_id = open_round(session, "Time 2", OPENS, date(2026, 12, 20)).value.id
            log_contact(
                session, round_id, cai, TODAY - timedelta(days=5), "text", "reminder", "spoke"
            )
        board = _board_for(db, round_id, quiet_days=7)
        assert [q.unique_id for q in board.not_contacted] == ["B1"]
        clock.set(TODAY + timedelta(days=3))  # Cai's contact is now 8 days old
        with db.transaction() as session:
            log_contact(session, round_id, bea, TODAY, "text", "reminder", "spoke")
        with db.session() as session:
            updated = dashboard_update(session, board, {bea})
        assert [q.unique_id for q in updated.not_contacted] == ["C1"]
        assert updated == _board_for(db, round_id, quiet_days=7)
    finally:
        db.close()


def test_a_change_names_the_person_and_round_only_when_that_is_all_it_touched() -> None:
    contact = person_in_round(3, 7, contacts=True)
    completion = person_in_round(3, 8, completions=True)
    assert contact.only_people() == {(3, 7)}
    assert (contact | completion).only_people() == {(3, 7), (3, 8)}
    # Together with a change to anyone's contacts (an erasure, say), nobody in particular.
    assert (contact | Changes(contacts=True)).only_people() is None
    assert (Changes(members=True) | completion).only_people() is None
    # Together with a change to something else a list shows (a name), read whole.
    assert (contact | Changes(register=True)).only_people() is None
    assert Changes(contacts=True).only_people() is None
    assert Changes().only_people() is None
