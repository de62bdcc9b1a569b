"""Completion is kept apart from responses, by the shape of the schema itself.

Checked on a file created by the real migrations, through SQLAlchemy's inspector and through
sqlite_master, so a later migration that adds a column, a time, a row id or a link fails here.
"""

from __future__ import annotations

import sqlite3
from datetime import date
from pathlib import Path

import pytest
from sqlalchemy import inspect

from nbdesk.storage import create_database

COMPLETION_TABLES = {
    "completion": {
        "round_id": "INTEGER",
        "care_leaver_id": "INTEGER",
        "confirmed_by": "VARCHAR(20)",
        "confirmed_on": "DATE",
    },
    "completion_change": {
        "round_id": "INTEGER",
        "care_leaver_id": "INTEGER",
        "number": "INTEGER",
        "action": "VARCHAR(10)",
        "changed_on": "DATE",
        "confirmed_by": "VARCHAR(20)",
        "reason": "VARCHAR(300)",
        # Who marked or took back a completion: on a server, the staff member signed in (issue
        # 17); on a file, empty. A person's sign-in name, never anything the young person said.
        "changed_by": "VARCHAR(200)",
    },
}
# Words a table or column able to hold a survey answer would be named by.
ANSWER_WORDS = ("answer", "response", "question", "ylbc", "wellbeing", "well_being", "survey_item")


@pytest.fixture
def db_path(tmp_path: Path) -> Path:
    path = tmp_path / "schema.nbdesk"
    create_database(path, "Testshire").close()
    return path


@pytest.mark.subject_is_sqlite("WITHOUT ROWID, read from sqlite_master")
def test_no_table_or_column_can_hold_an_answer_or_link_a_completion_to_one(db_path: Path) -> None:
    from nbdesk.storage.database import make_engine

    engine = make_engine(db_path)
    inspector = inspect(engine)
    tables = inspector.get_table_names()
    assert {"completion", "completion_change", "care_leaver", "survey_round"} <= set(tables)

    for table in tables:
        assert not any(w in table.lower() for w in ANSWER_WORDS), table
        for column in inspector.get_columns(table):
            if table.startswith(("care_leaver", "survey", "round", "outreach", "completion")):
                assert not any(w in column["name"].lower() for w in ANSWER_WORDS), (table, column)
        # Nothing points at a completion: no answer (or anything else) can hang off one.
        for fk in inspector.get_foreign_keys(table):
            assert fk["referred_table"] not in COMPLETION_TABLES, (table, fk)

    for table, expected in COMPLETION_TABLES.items():
        columns = {c["name"]: str(c["type"]) for c in inspector.get_columns(table)}
        # Exactly these columns: only the fact, who confirmed and the day.
        assert columns == expected, table
        # A day, never a time.
        assert not any(t in ("DATETIME", "TIMESTAMP", "TIME") for t in columns.values())
        # Keyed by round and person only: no id that orders completions across people.
        pk = inspector.get_pk_constraint(table)["constrained_columns"]
        assert set(pk) <= {"round_id", "care_leaver_id", "number"}
        referred = {fk["referred_table"] for fk in inspector.get_foreign_keys(table)}
        assert referred == {"survey_round", "care_leaver"}
    engine.dispose()

    conn = sqlite3.connect(db_path)
    try:
        sql = dict(conn.execute("SELECT name, sql FROM sqlite_master WHERE type = 'table'"))
        for table in COMPLETION_TABLES:
            # WITHOUT ROWID: SQLite keeps no hidden insertion counter for these rows.
            assert sql[table].rstrip().upper().endswith("WITHOUT ROWID"), table
            assert "CHECK (confirmed_by IN (" in sql[table]
            with pytest.raises(sqlite3.OperationalError, match="no such column: rowid"):
                conn.execute(f"SELECT rowid FROM {table}")
        # A contact whose outcome is "says completed" stands in for a completion: its table has
        # no rowid and no time either, and is numbered within each person only.
        assert sql["outreach_contact"].rstrip().upper().endswith("WITHOUT ROWID")
        columns = {row[1]: row[2] for row in conn.execute("PRAGMA table_info(outreach_contact)")}
        assert "id" not in columns and columns["contacted_on"] == "DATE"
        assert not any(t in ("DATETIME", "TIMESTAMP", "TIME") for t in columns.values())
        pk = [row[1] for row in conn.execute("PRAGMA table_info(outreach_contact)") if row[5]]
        assert pk == ["round_id", "care_leaver_id", "number"]
        # No trigger or view could copy completions anywhere else.
        others = conn.execute(
            "SELECT type, name FROM sqlite_master WHERE type IN ('trigger', 'view')"
        ).fetchall()
        assert others == []
        # No other table's SQL mentions a completion table.
        for table, text in sql.items():
            if table not in COMPLETION_TABLES:
                assert "completion" not in (text or "").lower(), table
    finally:
        conn.close()


@pytest.mark.subject_is_sqlite("the row as the file stores it")
def test_the_only_text_a_completion_holds_is_who_confirmed(db_path: Path) -> None:
    from nbdesk.storage import Database
    from nbdesk.survey.completion import mark_completed
    from nbdesk.survey.register import PersonFields, add_person
    from nbdesk.survey.rounds import open_round

    db = Database(db_path)
    with db.transaction() as session:
        person = add_person(session, PersonFields("P1", name="Pip Gherkinsock")).value
        rnd = open_round(session, "R", date(2026, 1, 1), date(2026, 2, 1)).value
        mark_completed(session, rnd.id, person, "young-person", date(2026, 1, 5))
    db.close()
    conn = sqlite3.connect(db_path)
    try:
        assert conn.execute("SELECT * FROM completion").fetchall() == [
            (1, 1, "young-person", "2026-01-05")
        ]
        # The schema refuses anything else in that column, an answer included.
        with pytest.raises(sqlite3.IntegrityError, match="CHECK"):
            conn.execute("UPDATE completion SET confirmed_by = 'I feel settled where I live'")
    finally:
        conn.close()
