"""A round member's contacts so far (how many, the latest day, its outcome) are kept on the member's
row, which who-next and the dashboard read instead of every contact of the round (issue 16). The
row must always say what the contacts say: after each contact logged (on any day, several on one
day, earlier days after later ones), for someone counted in after contacts were logged, and in a
file upgraded from before the columns existed.
"""

from __future__ import annotations

import random
import sqlite3
from collections.abc import Callable
from contextlib import closing
from datetime import date, timedelta
from pathlib import Path

import pytest
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from nbdesk.storage import create_database, open_database
from nbdesk.storage.location import Location
from nbdesk.storage.models.survey import OutreachContact, RoundMember
from nbdesk.storage.schema import head_revision
from nbdesk.survey.contacts import (
    OUTCOMES,
    WhoNextRow,
    in_who_next_order,
    log_contact,
    round_people,
    take_back_contact,
    who_next_key,
    who_next_rows,
)
from nbdesk.survey.dashboard import dashboard
from nbdesk.survey.register import CHANNELS, PersonFields, add_person
from nbdesk.survey.rounds import include_person, open_round, recount_member_contacts

OPENS = date(2026, 10, 1)
TODAY = date(2026, 11, 18)  # the tests' fixed clock (tests/conftest.py)
State = tuple[int, date | None, str]


def from_contacts(session: Session) -> dict[tuple[int, int], State]:
    """Each member's state worked out from the contacts themselves: the count, the latest day and
    the outcome of the highest-numbered contact of that day."""
    found: dict[tuple[int, int], State] = {}
    members = session.execute(select(RoundMember.round_id, RoundMember.care_leaver_id)).all()
    for round_id, person in members:
        contacts = session.execute(
            select(OutreachContact.contacted_on, OutreachContact.number, OutreachContact.outcome)
            .where(OutreachContact.round_id == round_id)
            .where(OutreachContact.care_leaver_id == person)
        ).all()
        if not contacts:
            found[(round_id, person)] = (0, None, "")
            continue
        day, _number, outcome = max(contacts, key=lambda c: (c[0], c[1]))
        found[(round_id, person)] = (len(contacts), day, outcome)
    return found


def on_rows(session: Session) -> dict[tuple[int, int], State]:
    rows = session.execute(
        select(
            RoundMember.round_id,
            RoundMember.care_leaver_id,
            RoundMember.contacts,
            RoundMember.last_contact_on,
            RoundMember.last_outcome,
        )
    ).all()
    return {(r, p): (n, day, outcome) for r, p, n, day, outcome in rows}


def _log(session: Session, rng: random.Random, round_id: int, person: int, day: date) -> None:
    log_contact(
        session, round_id, person, day, rng.choice(CHANNELS), "reminder", rng.choice(OUTCOMES)
    )


def test_each_contact_logged_keeps_the_members_row_as_its_contacts_say(
    database_at: Callable[..., Location],
) -> None:
    rng = random.Random(16)
    where = database_at("a.nbdesk")
    db = create_database(where, "Testshire")
    with db.transaction() as session:
        people = [
            add_person(session, PersonFields(f"M{n}", name=f"Person {n}")).value for n in range(6)
        ]
        rounds = [
            open_round(session, name, OPENS, OPENS + timedelta(days=80)).value.id
            for name in ("First", "Second")
        ]
    # Few days, so several contacts fall on one day and later days come before earlier ones.
    days = [OPENS + timedelta(days=d) for d in (0, 3, 3, 9, 20, 47)]
    for _ in range(80):
        with db.transaction() as session:
            _log(session, rng, rng.choice(rounds), rng.choice(people), rng.choice(days))
        with db.session() as session:
            assert on_rows(session) == from_contacts(session)
    with db.session() as session:
        kept = on_rows(session)
        assert any(n > 3 for n, _day, _outcome in kept.values())
    # The recount, which the bulk demonstration and a member counted in use, agrees.
    with db.transaction() as session:
        recount_member_contacts(session)
    with db.session() as session:
        assert on_rows(session) == kept
    db.close()
    # And it was all saved.
    again = open_database(where)
    with again.session() as session:
        assert on_rows(session) == kept
    again.close()


def test_a_contact_taken_back_leaves_the_members_row_as_the_contacts_left_say(
    database_at: Callable[..., Location],
) -> None:
    """Contacts logged and taken back at random (the latest of a person's, as Ctrl+Z does just
    after saving): the row always says what the contacts left say; an earlier contact, or one
    already taken back, is refused and nothing changes."""
    rng = random.Random(17)
    where = database_at("a.nbdesk")
    db = create_database(where, "Testshire")
    with db.transaction() as session:
        people = [
            add_person(session, PersonFields(f"M{n}", name=f"Person {n}")).value for n in range(4)
        ]
        round_id = open_round(session, "First", OPENS, OPENS + timedelta(days=80)).value.id
    days = [OPENS + timedelta(days=d) for d in (0, 3, 3, 9, 20)]
    taken = 0
    for _ in range(60):
        person = rng.choice(people)
        with db.transaction() as session:
            if rng.random() < 0.6:
                _log(session, rng, round_id, person, rng.choice(days))
                continue
            latest = session.scalar(
                select(func.max(OutreachContact.number)).where(
                    OutreachContact.round_id == round_id, OutreachContact.care_leaver_id == person
                )
            )
            if latest is None:
                continue
            changes = take_back_contact(session, round_id, person, latest).changes
            assert changes.contacts and changes.people == frozenset({(round_id, person)})
            taken += 1
        with db.session() as session:
            assert on_rows(session) == from_contacts(session)
    assert taken > 10
    with db.session() as session:
        before = on_rows(session)
        person, number = session.execute(
            select(OutreachContact.care_leaver_id, func.max(OutreachContact.number))
            .group_by(OutreachContact.care_leaver_id)
            .having(func.max(OutreachContact.number) > 1)
        ).first()
    with pytest.raises(ValueError, match="later contact"), db.transaction() as session:
        take_back_contact(session, round_id, person, number - 1)
    with pytest.raises(LookupError, match="no longer there"), db.transaction() as session:
        take_back_contact(session, round_id, person, number + 1)
    db.close()
    again = open_database(where)
    with again.session() as session:
        assert on_rows(session) == before == from_contacts(session)
    again.close()


def test_contacts_logged_before_someone_is_counted_in_are_theirs(
    database_at: Callable[..., Location],
) -> None:
    rng = random.Random(7)
    db = create_database(database_at("b.nbdesk"), "Testshire")
    with db.transaction() as session:
        first = add_person(session, PersonFields("B1", name="Bea Puddlewick")).value
        round_id = open_round(session, "Round", OPENS, OPENS + timedelta(days=80)).value.id
        # On the register after the round opened: not a member, but a PA may contact them.
        late = add_person(session, PersonFields("B2", name="Cai Thistlebottom")).value
        _log(session, rng, round_id, first, OPENS + timedelta(days=2))
        for day in (5, 9, 9):
            _log(session, rng, round_id, late, OPENS + timedelta(days=day))
    with db.session() as session:
        outsider = next(r for r in round_people(session, round_id) if r.person_id == late)
        assert not outsider.in_round
        assert (outsider.contacts, outsider.last_contact_on) == (3, OPENS + timedelta(days=9))
        assert who_next_rows(session, round_id, [late])[late] == outsider
        assert late not in dashboard(session, round_id).members
    with db.transaction() as session:
        include_person(session, round_id, late, "Came on to the register in October")
    with db.session() as session:
        assert on_rows(session) == from_contacts(session)
        counted = who_next_rows(session, round_id, [late])[late]
        assert counted.in_round
        assert (counted.contacts, counted.last_contact_on) == (3, OPENS + timedelta(days=9))
        assert counted.last_outcome == outsider.last_outcome
        assert dashboard(session, round_id).members[late].last_contact_on == OPENS + timedelta(
            days=9
        )
    db.close()


@pytest.mark.subject_is_sqlite("a file at 0009, backed up")
def test_a_file_from_before_the_columns_gets_them_filled_when_upgraded(tmp_path: Path) -> None:
    rng = random.Random(9)
    path = tmp_path / "older.nbdesk"
    db = create_database(path, "Testshire")
    with db.transaction() as session:
        people = [
            add_person(session, PersonFields(f"U{n}", name=f"Person {n}")).value for n in range(5)
        ]
        rounds = [
            open_round(session, name, OPENS, OPENS + timedelta(days=80)).value.id
            for name in ("First", "Second")
        ]
        for _ in range(30):
            day = OPENS + timedelta(days=rng.choice((1, 4, 4, 30)))
            _log(session, rng, rng.choice(rounds), rng.choice(people[:4]), day)
    with db.session() as session:
        expected = from_contacts(session)
    db.close()
    assert any(n for n, _day, _outcome in expected.values())
    assert (0, None, "") in expected.values()  # the fifth person was never contacted
    with closing(sqlite3.connect(path)) as conn:  # as a file at 0009 was: no such columns
        for column in ("contacts", "last_contact_on", "last_outcome", "age_band"):  # nor 0013's
            conn.execute(f"ALTER TABLE round_member DROP COLUMN {column}")
        for table in ("assessment_change", "completion_change", "plan_change"):  # nor 0011's
            conn.execute(f"ALTER TABLE {table} DROP COLUMN changed_by")
        conn.execute("DROP TABLE workshop_lease")  # nor 0012's table
        conn.execute("UPDATE alembic_version SET version_num = '0009'")
        conn.commit()
    upgraded = open_database(path)
    assert upgraded.revision() == head_revision()
    with upgraded.session() as session:
        assert on_rows(session) == expected
    upgraded.close()
    assert list(tmp_path.glob("older.before-upgrade-from-0009-*.nbdesk"))  # backed up first


def test_who_next_order_made_by_groups_is_the_order_of_its_key() -> None:
    """in_who_next_order (groups by standing, then two stable sorts) gives exactly what sorting by
    who_next_key gives, for rows made to tie: names equal but for case (or ß and ss, which fold
    alike), the same day, every state, people outside the round."""
    rng = random.Random(3)
    names = ("Bea Puddlewick", "bea puddlewick", "BEA PUDDLEWICK", "Straße", "strasse", "", "Ö")
    days = (None, OPENS, OPENS + timedelta(days=1), OPENS + timedelta(days=30))
    rows = [
        WhoNextRow(
            person_id=n,
            unique_id=rng.choice(("A1", "a1", "B2", "b10", "B9", f"X{n}")),
            name=rng.choice(names),
            pa_name="",
            preferred_channel="",
            contacts=0,
            last_contact_on=rng.choice(days),
            last_outcome="",
            eligible=rng.random() < 0.8,
            do_not_contact=rng.random() < 0.1,
            completed_on=OPENS if rng.random() < 0.2 else None,
            in_round=rng.random() < 0.9,
        )
        for n in range(600)
    ]
    assert in_who_next_order(rows) == sorted(rows, key=who_next_key)
    assert in_who_next_order(reversed(rows)) == sorted(reversed(rows), key=who_next_key)
