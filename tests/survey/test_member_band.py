"""Each round member's age band on the day the round opened, kept on the member's row
(RoundMember.age_band, issue 17): set whenever a member row is made, set again when the person's
date of birth is edited or imported, and filled by the upgrade for files made before it."""

from __future__ import annotations

import sqlite3
from contextlib import closing
from dataclasses import replace
from datetime import date
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import select
from sqlalchemy.orm import Session

from nbdesk.storage import create_database, open_database
from nbdesk.storage.models.survey import CareLeaver, RoundMember
from nbdesk.storage.schema import head_revision
from nbdesk.survey.register import (
    AGE_BANDS,
    PersonFields,
    add_person,
    band_number,
    get_person,
    update_person,
)
from nbdesk.survey.register_columns import read_register_file
from nbdesk.survey.register_import import apply_import, preview_import
from nbdesk.survey.rounds import include_person, open_round

OPENS = date(2026, 10, 1)
LATER = date(2027, 4, 1)
# Aged 17 on the first round's opening day, 18 on the second's; 30; not recorded.
BORN = (date(2009, 1, 10), date(1996, 5, 5), None)


def bands(session: Session) -> dict[tuple[int, int], int]:
    rows = session.execute(
        select(RoundMember.round_id, RoundMember.care_leaver_id, RoundMember.age_band)
    )
    return {(r, p): band for r, p, band in rows}


def expected(session: Session) -> dict[tuple[int, int], int]:
    """What the bands should be: worked out in Python from the dates of birth held now."""
    from nbdesk.storage.models.survey import SurveyRound

    rows = session.execute(
        select(RoundMember.round_id, RoundMember.care_leaver_id, CareLeaver.date_of_birth)
        .join(CareLeaver, CareLeaver.id == RoundMember.care_leaver_id)
        .join(SurveyRound, SurveyRound.id == RoundMember.round_id)
        .add_columns(SurveyRound.opens_on)
    )
    return {(r, p): band_number(born, opens) for r, p, born, opens in rows}


def make(path: Any) -> tuple[list[int], list[int]]:
    create_database(path, "Testshire County Council").close()
    db = open_database(path)
    with db.transaction() as session:
        people = [
            add_person(session, PersonFields(f"P{i}", name=f"Person {i}", date_of_birth=b)).value
            for i, b in enumerate(BORN)
        ]
        rounds = [
            open_round(session, name, day, day.replace(day=28)).value.id
            for name, day in (("First", OPENS), ("Second", LATER))
        ]
    db.close()
    return people, rounds


def test_a_new_member_keeps_their_band_on_the_opening_day(database_at: Any) -> None:
    path = database_at("bands.nbdesk")
    people, rounds = make(path)
    db = open_database(path)
    with db.transaction() as session:
        held = bands(session)
        assert held[(rounds[0], people[0])] == 0  # 17 when the first round opened
        assert held[(rounds[1], people[0])] == 1  # 18 when the second did
        assert held[(rounds[0], people[1])] == len(AGE_BANDS)  # 30: other ages
        assert held[(rounds[0], people[2])] == -1  # not recorded
        # Someone new to the register, counted in afterwards: their band on the opening day.
        new = add_person(session, PersonFields("NEW", name="New", date_of_birth=date(2004, 1, 1)))
        include_person(session, rounds[0], new.value, "Joined after the round opened")
        assert bands(session)[(rounds[0], new.value)] == 2  # 22 on 1 October 2026
    with db.session() as session:
        assert bands(session) == expected(session)
    db.close()


def test_editing_a_date_of_birth_moves_their_band_in_every_round(database_at: Any) -> None:
    path = database_at("bands.nbdesk")
    people, rounds = make(path)
    db = open_database(path)
    with db.transaction() as session:
        person = get_person(session, people[2])
        fields = PersonFields(**{f: getattr(person, f) for f in PersonFields.__dataclass_fields__})
        update_person(session, people[2], replace(fields, date_of_birth=date(2008, 12, 1)))
        # Held in the session too, not only in the database.
        assert session.get(RoundMember, (rounds[0], people[2])).age_band == 0  # type: ignore[union-attr]
    db.close()
    db = open_database(path)
    with db.session() as session:
        held = bands(session)
        assert (held[(rounds[0], people[2])], held[(rounds[1], people[2])]) == (0, 1)
        assert held == expected(session)
    db.close()


def test_an_import_updating_dates_of_birth_moves_their_bands(
    database_at: Any, tmp_path: Path
) -> None:
    path = database_at("bands.nbdesk")
    people, rounds = make(path)
    update = tmp_path / "update.csv"
    update.write_text("Unique ID,Date of birth\nP1,02/10/2005\nP2,01/04/2002\n")
    db = open_database(path)
    with db.transaction() as session:
        apply_import(session, preview_import(session, read_register_file(update)))
    with db.session() as session:
        held = bands(session)
        assert (held[(rounds[0], people[1])], held[(rounds[1], people[1])]) == (1, 2)
        assert (held[(rounds[0], people[2])], held[(rounds[1], people[2])]) == (2, 2)
        assert held[(rounds[0], people[0])] == 0  # not in the file: unchanged
        assert held == expected(session)
    db.close()


@pytest.mark.subject_is_sqlite("a file at 0012 made by hand with sqlite3 (the server's is below)")
def test_the_upgrade_fills_the_bands_from_dates_of_birth(tmp_path: Path) -> None:
    path = tmp_path / "older.nbdesk"
    make(path)
    with closing(sqlite3.connect(path)) as conn:  # as a file at 0012 was: no age_band
        conn.execute("ALTER TABLE round_member DROP COLUMN age_band")
        conn.execute("UPDATE alembic_version SET version_num = '0012'")
        conn.commit()
    upgraded = open_database(path)
    assert upgraded.revision() == head_revision()
    with upgraded.session() as session:
        held = bands(session)
        assert sorted(set(held.values())) == [-1, 0, 1, len(AGE_BANDS)]
        assert held == expected(session)
    upgraded.close()
    assert list(tmp_path.glob("older.before-upgrade-from-0012-*.nbdesk"))  # backed up first


def test_the_demo_upgraded_from_0012_has_every_band_on_either_backend(demo_db: Any) -> None:
    """On the chosen backend (a file, or PostgreSQL with --backend=postgresql): the demonstration's
    bands, as open_round set them, are what the upgrade fills in SQL, and what set_member_bands
    works out again."""
    from sqlalchemy import create_engine, text

    from nbdesk.survey.register import set_member_bands

    url = demo_db if isinstance(demo_db, str) else f"sqlite:///{demo_db}"
    db = open_database(demo_db)
    with db.session() as session:
        made = bands(session)
        assert made == expected(session)
        assert len(set(made.values())) >= 3
    db.close()
    engine = create_engine(url)
    with engine.begin() as conn:  # as the database was at 0012: no age_band
        conn.execute(text("ALTER TABLE round_member DROP COLUMN age_band"))
        conn.execute(text("UPDATE alembic_version SET version_num = '0012'"))
    engine.dispose()
    upgraded = open_database(demo_db)
    assert upgraded.revision() == head_revision()
    with upgraded.transaction() as session:
        assert bands(session) == made
        set_member_bands(session)
        assert bands(session) == made
    upgraded.close()
