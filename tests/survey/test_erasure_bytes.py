"""Issue 11: erasing a round's contact details takes them out of the bytes: the file (its free space
too), its -wal, and every copy nbdesk keeps of it (backups, copies taken before an upgrade)."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import pytest

from nbdesk.storage import create_database
from nbdesk.storage.backup import (
    backup_file,
    copies_of,
    daily_backup,
    migration_backup_path,
    rotating_backup,
)
from nbdesk.storage.database import Database
from nbdesk.survey.contacts import log_contact
from nbdesk.survey.register import PersonFields, add_person, get_person, update_person
from nbdesk.survey.retention import erase_contact_details
from nbdesk.survey.rounds import open_round, set_round_closed

pytestmark = pytest.mark.subject_is_sqlite("the bytes of the file, its -wal and its copies")

PEOPLE = 8


def person(n: int, phone: str) -> PersonFields:
    return PersonFields(
        f"E{n:02d}",
        name=f"Erin Quillfeather {n}",
        date_of_birth=date(2005, 3, n),
        phone=phone,
        email=f"quillfeather.{n:02d}@example.org",
    )


def holding(files: list[Path], values: list[str]) -> dict[str, list[str]]:
    """Which of the values each file holds, byte for byte (UTF-8, as SQLite stores text)."""
    found: dict[str, list[str]] = {}
    for path in files:
        if not path.exists():
            continue
        data = path.read_bytes()
        hits = [v for v in values if v.encode() in data]
        if hits:
            found[path.name] = hits
    return found


def test_erased_details_are_in_no_byte_of_the_file_its_wal_or_any_backup(tmp_path: Path) -> None:
    path = tmp_path / "erase.nbdesk"
    db = create_database(path, "Testshire")
    with db.transaction() as session:
        ids = [add_person(session, person(n, f"07700 900{100 + n}")).value for n in range(1, 9)]
        round_id = open_round(session, "Time 2", date(2026, 10, 1), date(2026, 11, 1)).value.id
        for n, pid in enumerate(ids, 1):
            log_contact(
                session,
                round_id,
                pid,
                date(2026, 10, 5),
                "text",
                "reminder",
                "spoke",
                f"Zephyrine note {n}: her aunt's number is 07700 900{300 + n}",
            )
    with db.transaction() as session:
        # A number changed by hand before the erasure: the old one must not linger either.
        update_person(session, ids[0], person(1, "07700 900199"))
    with db.session() as session:
        stored = [get_person(session, pid) for pid in ids]
    values = [p.phone for p in stored] + [p.email for p in stored] + ["07700 900101"]
    values += [f"Zephyrine note {n}" for n in range(1, 9)]
    assert "07700 900101" not in [p.phone for p in stored]
    copies = [
        rotating_backup(path),
        backup_file(path, migration_backup_path(path, "0003")),
    ]
    assert daily_backup(path) is None  # one today already
    assert sorted(copies_of(path)) == sorted(copies)
    everything = [path, Path(f"{path}-wal"), Path(f"{path}-shm"), *copies]
    assert holding(copies, values)  # the copies do hold them before the erasure

    with db.transaction() as session:
        set_round_closed(session, round_id, True)
    with db.transaction() as session:
        done = erase_contact_details(session, round_id, date(2026, 11, 18)).value
    assert done.plan.copies == 2
    assert sorted(done.scrubbed.erased) == sorted(c.name for c in copies)
    assert done.scrubbed.wal_cleared
    assert "from the file and 2 copies of it." in done.summary()
    assert holding(everything, values) == {}, "erased details are still in the bytes"
    db.close()
    assert holding(everything, values) == {}
    # Still whole files: names and the round are kept.
    for copy in [path, *copies]:
        with Database(copy) as again, again.session() as session:
            kept = get_person(session, ids[0])
            assert (kept.name, kept.phone, kept.email) == ("Erin Quillfeather 1", "", "")


def test_a_copy_that_cannot_be_changed_is_deleted_and_said_so(tmp_path: Path) -> None:
    path = tmp_path / "erase.nbdesk"
    db = create_database(path, "Testshire")
    with db.transaction() as session:
        pid = add_person(session, person(1, "07700 900101")).value
        round_id = open_round(session, "Time 2", date(2026, 10, 1), date(2026, 11, 1)).value.id
        set_round_closed(session, round_id, True)
    broken = rotating_backup(path)
    broken.write_bytes(b"SQLite format 3\x00" + b"\xff" * 4000)  # a copy nbdesk made, damaged
    with db.transaction() as session:
        done = erase_contact_details(session, round_id, date(2026, 11, 18)).value
    db.close()
    assert done.scrubbed.deleted == [broken.name] and not broken.exists()
    assert f"Deleted (could not be changed): {broken.name}." in done.summary()
    assert pid
