"""Who a round counts by age (survey.membership): a date of birth corrected after a round opened
counts the person again by the same rule in the open rounds, unless the lead decided for them."""

from __future__ import annotations

from dataclasses import replace
from datetime import date
from pathlib import Path
from typing import Any

from nbdesk.storage import create_database, open_database
from nbdesk.storage.models.survey import RoundMember
from nbdesk.survey.completion import mark_completed
from nbdesk.survey.register import PersonFields, add_person, get_person, update_person
from nbdesk.survey.register_columns import read_register_file
from nbdesk.survey.register_import import apply_import, preview_import
from nbdesk.survey.rounds import exclude_person, include_person, open_round, set_round_closed

OPENS = date(2026, 10, 1)


def counted(location: Any, round_id: int, person_id: int) -> tuple[bool, str]:
    """As the file holds it, opened again."""
    db = open_database(location)
    with db.session() as session:
        member = session.get(RoundMember, (round_id, person_id))
        assert member is not None
        found = (member.eligible, member.reason)
    db.close()
    return found


def born(session: Any, person_id: int, day: date | None) -> Any:
    person = get_person(session, person_id)
    fields = PersonFields(**{f: getattr(person, f) for f in PersonFields.__dataclass_fields__})
    return update_person(session, person_id, replace(fields, date_of_birth=day))


def test_a_corrected_date_of_birth_counts_them_again_in_the_open_rounds(database_at: Any) -> None:
    path = database_at("membership.nbdesk")
    db = create_database(path, "Testshire County Council")
    with db.transaction() as session:
        unknown = add_person(session, PersonFields("P1", name="Ada Unknown")).value
        young = add_person(
            session, PersonFields("P2", name="Bo Young", date_of_birth=date(2008, 1, 1))
        ).value
        left = add_person(
            session, PersonFields("P3", name="Cy Left", date_of_birth=date(2007, 1, 1))
        ).value
        closed = open_round(session, "Time 1", date(2026, 4, 1), date(2026, 5, 1)).value.id
        set_round_closed(session, closed, True)
        current = open_round(session, "Time 2", OPENS, date(2026, 12, 1)).value.id
        exclude_person(session, current, left, "Moved abroad")
    db.close()
    assert counted(path, current, unknown) == (True, "Date of birth not recorded")
    db = open_database(path)
    with db.transaction() as session:
        # 30 on the day Time 2 opened: not one a round counts; the lists are told.
        assert born(session, unknown, date(1996, 5, 5)).members
        # Still 18: counted as before, nothing about the members to tell.
        assert not born(session, young, date(2008, 2, 1)).members
        # The lead left them out: their reason stands, whatever their age.
        born(session, left, date(1990, 1, 1))
    db.close()
    assert counted(path, current, unknown) == (False, "Aged 30 when the round opened")
    assert counted(path, closed, unknown) == (True, "Date of birth not recorded")  # as returned
    assert counted(path, current, young) == (True, "")
    assert counted(path, current, left) == (False, "Moved abroad")
    db = open_database(path)
    with db.transaction() as session:
        born(session, unknown, None)  # taken away again: counted, and said so
    db.close()
    assert counted(path, current, unknown) == (True, "Date of birth not recorded")


def test_an_import_correcting_dates_of_birth_counts_them_again(
    database_at: Any, tmp_path: Path
) -> None:
    path = database_at("membership.nbdesk")
    db = create_database(path, "Testshire County Council")
    with db.transaction() as session:
        person = add_person(session, PersonFields("P1", name="Ada Unknown")).value
        current = open_round(session, "Time 2", OPENS, date(2026, 12, 1)).value.id
    update = tmp_path / "update.csv"
    update.write_text("Unique ID,Date of birth\nP1,01/01/1990\n")
    with db.transaction() as session:
        result = apply_import(session, preview_import(session, read_register_file(update)))
    db.close()
    assert result.recounted == 1 and result.changes.members
    assert counted(path, current, person) == (False, "Aged 36 when the round opened")


def test_the_lead_s_decisions_and_completions_are_left(database_at: Any) -> None:
    """Counted in by the lead in the rule's own words, or completed: a corrected date of birth
    leaves them counted (leaving out someone who completed is the lead's to decide, warned)."""
    path = database_at("membership.nbdesk")
    db = create_database(path, "Testshire County Council")
    with db.transaction() as session:
        old = PersonFields("P1", name="Di Older", date_of_birth=date(2000, 1, 1))
        included = add_person(session, old).value
        done = add_person(session, PersonFields("P2", name="Ed Done")).value
        current = open_round(session, "Time 2", OPENS, date(2026, 12, 1)).value.id
        include_person(session, current, included, "Aged 26 when the round opened")
        mark_completed(session, current, done, "pa", OPENS)
    with db.transaction() as session:
        assert not born(session, included, date(1999, 1, 1)).members
        assert not born(session, done, date(1990, 1, 1)).members
    db.close()
    assert counted(path, current, included) == (True, "Aged 26 when the round opened")
    assert counted(path, current, done) == (True, "Date of birth not recorded")


def test_the_import_command_says_who_was_counted_again(
    database_at: Any, tmp_path: Path, capsys: Any
) -> None:
    from nbdesk.cli import main

    path = database_at("membership.nbdesk")
    db = create_database(path, "Testshire County Council")
    with db.transaction() as session:
        add_person(session, PersonFields("P1", name="Ada Unknown"))
        add_person(session, PersonFields("P2", name="Bo Known", date_of_birth=date(2008, 1, 1)))
        open_round(session, "Time 2", OPENS, date(2026, 12, 1))
    db.close()
    update = tmp_path / "update.csv"
    update.write_text(
        "Unique ID,Name,Date of birth\nP1,Ada Unknown,01/01/1990\nP2,Bo Known,02/01/2008\n"
    )
    assert main(["register", "import", str(update), "--db", str(path)]) == 0
    out = capsys.readouterr().out
    assert "Imported: 0 added, 2 updated" in out
    assert "1 counted again in an open round by a corrected date of birth." in out
