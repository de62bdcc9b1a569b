"""The first screen read with the standard library is exactly what the services read, and anything
unusual is left to the usual way of opening."""

from __future__ import annotations

import shutil
import sqlite3
from pathlib import Path

import pytest

from nbdesk.forms.store import list_frameworks
from nbdesk.self_assessment.assessments import archive_assessment, list_assessments
from nbdesk.self_assessment.first_screen import read_first_screen
from nbdesk.storage import open_database
from nbdesk.storage.authority import authority_name
from nbdesk.storage.wal_guard import SAVING
from tests.support.paths import DATA

pytestmark = pytest.mark.subject_is_sqlite("the file read with the standard library's sqlite3")


def test_the_first_screen_is_what_the_services_read(demo_file: Path) -> None:
    with open_database(demo_file) as db:
        with db.transaction() as session:
            first_id = list_assessments(session)[0].id
            archive_assessment(session, first_id, True)  # left out, as the list leaves it out
        with db.session() as session:
            expected = (
                authority_name(session),
                list_assessments(session),
                list_frameworks(session),
            )
    before = demo_file.read_bytes()
    first = read_first_screen(demo_file)
    assert first is not None
    assert (first.authority, first.assessments, first.frameworks) == expected
    assert first_id not in [a.id for a in first.assessments] and first.assessments
    assert demo_file.read_bytes() == before


def test_an_older_file_a_foreign_one_or_a_lost_wal_is_left_to_the_usual_way(
    tmp_path: Path, demo_file: Path
) -> None:
    old = tmp_path / "old.nbdesk"
    shutil.copyfile(DATA / "schema-0001.nbdesk", old)
    assert read_first_screen(old) is None  # upgraded after a backup, the usual way
    text = tmp_path / "list.nbdesk"
    text.write_text("Name,Phone\n")
    assert read_first_screen(text) is None
    assert read_first_screen(tmp_path / "nowhere.nbdesk") is None
    other = tmp_path / "other.db"
    sqlite3.connect(other).execute("CREATE TABLE t (x)").connection.close()
    assert read_first_screen(other) is None
    # Left open with changes in a -wal that is not beside it: refused the usual way.
    conn = sqlite3.connect(demo_file)
    conn.execute("PRAGMA journal_mode=WAL")
    conn.execute(f"PRAGMA user_version={SAVING}")
    conn.close()
    assert read_first_screen(demo_file) is None
