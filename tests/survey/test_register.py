"""The register's list service: ids in order for a typed search, rows read a page at a time."""

from __future__ import annotations

from collections.abc import Callable

import pytest

from nbdesk.storage import create_database
from nbdesk.storage.location import Location
from nbdesk.survey.register import (
    PersonFields,
    add_person,
    age_band,
    first_name,
    list_register,
    register_ids,
    register_rows,
)


def test_search_sort_and_rows_by_id(database_at: Callable[..., Location]) -> None:
    from datetime import date

    db = create_database(database_at("r.nbdesk"), "Testshire")
    with db.transaction() as session:
        bea = add_person(
            session,
            PersonFields(
                "X1",
                name="Bea Puddlewick",
                pa_name="Pat Honeysock",
                in_custody=True,
                young_parent=True,
            ),
        ).value
        cai = add_person(
            session,
            PersonFields(
                "X2",
                name="Cai Thistlebottom",
                pa_name="Jo Periwinkle",
                date_of_birth=date(2006, 1, 1),
            ),
        ).value
        odd = add_person(
            session, PersonFields("X_3", name="Dara 100% Quillfinch", pa_name="Pat Honeysock")
        ).value
    with db.session() as session:
        assert register_ids(session) == [bea, cai, odd]
        assert register_ids(session, "pat") == [bea, odd]  # by PA
        assert register_ids(session, "PUDD  bea") == [bea]  # every word, any order and case
        assert register_ids(session, "x_") == [odd]  # _ and % are literal, not wildcards
        assert register_ids(session, "100%") == [odd]
        assert register_ids(session, "", "pa_name", descending=True) == [bea, odd, cai]
        with pytest.raises(ValueError):
            register_ids(session, "", "shoe_size")
        rows = register_rows(session, [odd, bea, 999])
        assert [r.id for r in rows] == [odd, bea]
        assert rows[1].flags == "In custody; Young parent"
        assert [r.unique_id for r in list_register(session, "thistle")] == ["X2"]
    db.close()


def test_age_bands_and_first_names() -> None:
    from datetime import date

    day = date(2026, 1, 10)
    assert age_band(date(2008, 1, 10), day) == "18 to 20"  # 18 on the day itself
    assert age_band(date(2008, 1, 11), day) == "16 to 17"
    assert age_band(date(2000, 1, 11), day) == "21 to 25"
    assert age_band(date(1990, 1, 1), day) == "Other ages"
    assert age_band(None, day) == "Not recorded"
    assert first_name("", "Bea Puddlewick") == "Bea"
    assert first_name("Caz", "Cai Thistlebottom") == "Caz"
    assert first_name("", "") == ""


@pytest.mark.subject_is_sqlite("SQLite's query plans (EXPLAIN QUERY PLAN)")
def test_the_register_reads_in_name_order_from_its_index(
    database_at: Callable[..., Location],
) -> None:
    """Each key press in the register's filter runs register_ids: it reads care_leaver through
    ix_care_leaver_find, in the order shown, with no sort in a temporary B-tree (issue 16). A
    filter for a word anywhere in a name (LIKE '%word%') cannot be answered from a B-tree index,
    so every person is still looked at, but in the index alone (it holds every column the filter
    reads), never by a jump to the table for each."""
    from sqlalchemy import event

    db = create_database(database_at("r.nbdesk"), "Testshire")
    with db.transaction() as session:
        for n, name in enumerate(("Bea Puddlewick", "Cai Thistlebottom", "Bea Amberly")):
            add_person(session, PersonFields(f"X{n}", name=name, pa_name="Pat Honeysock"))
    sent: list[tuple[str, object]] = []

    def keep(_conn, _cursor, statement, parameters, _context, _many):  # type: ignore[no-untyped-def]
        if "FROM care_leaver" in statement:
            sent.append((statement, parameters))

    event.listen(db.engine, "before_cursor_execute", keep)
    with db.session() as session:
        assert len(register_ids(session)) == 3
        assert len(register_ids(session, "bea")) == 2
        assert len(register_ids(session, "bea pud", descending=True)) == 1
        assert len(list_register(session, "bea")) == 2
        event.remove(db.engine, "before_cursor_execute", keep)
        assert len(sent) == 4
        raw = session.connection().connection.driver_connection
        for statement, parameters in sent:
            plan = [row[3] for row in raw.execute("EXPLAIN QUERY PLAN " + statement, parameters)]
            assert any("USING" in step and "ix_care_leaver_find" in step for step in plan), plan
            assert not any("TEMP B-TREE" in step for step in plan), plan
        # register_ids (the first three) read nothing but the index; list_register's whole rows
        # come from the table, in the index's order.
        plans = [
            " ".join(row[3] for row in raw.execute("EXPLAIN QUERY PLAN " + statement, parameters))
            for statement, parameters in sent
        ]
        assert ["COVERING INDEX" in plan for plan in plans] == [True, True, True, False], plans
    db.close()
