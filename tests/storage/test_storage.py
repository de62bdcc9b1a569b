"""The authority file: settings on connect, migrations, and refusing files nbdesk must not touch."""

from __future__ import annotations

import hashlib
import sqlite3
from pathlib import Path

import pytest
from sqlalchemy import select

from nbdesk.storage import (
    CorruptDatabaseError,
    NewerDatabaseError,
    NotAnNbdeskDatabaseError,
    create_database,
    open_database,
)
from nbdesk.storage.authority import authority_name
from nbdesk.storage.models import Authority
from nbdesk.storage.schema import head_revision, known_revisions
from tests.support.paths import DATA

pytestmark = pytest.mark.subject_is_sqlite("pragmas, file migrations, backups beside the file")


def digest(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def test_new_file_round_trip(tmp_path: Path) -> None:
    path = tmp_path / "a.nbdesk"
    db = create_database(path, "  Anytown City Council ")
    db.close()
    again = open_database(path)
    with again.session() as session:
        assert authority_name(session) == "Anytown City Council"
        assert session.scalar(select(Authority.id)) == 1
    assert again.revision() == head_revision()
    again.close()


def test_connection_settings(tmp_path: Path) -> None:
    db = create_database(tmp_path / "a.nbdesk", "X")
    with db.engine.connect() as conn:
        pragma = lambda name: conn.exec_driver_sql(f"PRAGMA {name}").scalar()  # noqa: E731
        assert pragma("journal_mode") == "wal"
        assert pragma("synchronous") == 2  # FULL
        assert pragma("foreign_keys") == 1
        assert pragma("busy_timeout") >= 1000
    db.close()


def test_create_refuses_existing_file(tmp_path: Path) -> None:
    path = tmp_path / "a.nbdesk"
    path.write_text("mine")
    with pytest.raises(FileExistsError):
        create_database(path, "X")
    assert path.read_text() == "mine"


def test_migrations_from_empty_match_the_models(tmp_path: Path) -> None:
    from alembic.autogenerate import compare_metadata
    from alembic.migration import MigrationContext

    from nbdesk.storage.database import make_engine
    from nbdesk.storage.migrate import upgrade
    from nbdesk.storage.models import Base

    path = tmp_path / "empty.sqlite"
    upgrade(path)
    engine = make_engine(path)
    with engine.connect() as conn:
        diff = compare_metadata(MigrationContext.configure(conn), Base.metadata)
    engine.dispose()
    assert diff == [], f"models and migrations disagree: {diff}"


def test_known_revisions_match_alembic() -> None:
    from nbdesk.storage.migrate import script_revisions

    assert list(known_revisions()) == script_revisions()
    assert head_revision() == script_revisions()[-1]


@pytest.mark.parametrize("older", known_revisions()[:-1] or ["none"])
def test_older_file_is_backed_up_then_upgraded(tmp_path: Path, older: str) -> None:
    if older == "none":
        pytest.skip("only one schema revision exists so far")
    from nbdesk.storage.migrate import upgrade

    path = tmp_path / "old.nbdesk"
    upgrade(path, older)
    with sqlite3.connect(path) as conn:
        conn.execute(
            "INSERT INTO authority (id, name, created_at) VALUES (1, 'Old LA', '2020-01-01')"
        )
    db = open_database(path)
    assert db.revision() == head_revision()
    with db.session() as session:
        assert authority_name(session) == "Old LA"
    db.close()
    backups = list(tmp_path.glob(f"old.before-upgrade-from-{older}-*.nbdesk"))
    assert len(backups) == 1
    with sqlite3.connect(backups[0]) as conn:
        assert conn.execute("SELECT version_num FROM alembic_version").fetchone() == (older,)


def test_newer_file_is_refused_and_untouched(tmp_path: Path) -> None:
    path = tmp_path / "future.nbdesk"
    create_database(path, "Future LA").close()
    with sqlite3.connect(path) as conn:
        conn.execute("UPDATE alembic_version SET version_num = '9999'")
    before = digest(path)
    with pytest.raises(NewerDatabaseError, match="newer version of nbdesk"):
        open_database(path)
    assert digest(path) == before
    assert not list(tmp_path.glob("*before-upgrade*"))


def test_foreign_sqlite_file_is_refused_and_untouched(tmp_path: Path) -> None:
    path = tmp_path / "other.db"
    with sqlite3.connect(path) as conn:
        conn.execute("CREATE TABLE recipes (name TEXT)")
        conn.execute("INSERT INTO recipes VALUES ('scones')")
    before = digest(path)
    with pytest.raises(NotAnNbdeskDatabaseError, match="not one nbdesk created"):
        open_database(path)
    assert digest(path) == before
    assert sorted(p.name for p in tmp_path.glob("other*")) == ["other.db"]


@pytest.mark.parametrize("content", [b"", b"Name,Phone\nAlex,07700900000\n"])
def test_non_sqlite_file_is_refused_and_untouched(tmp_path: Path, content: bytes) -> None:
    path = tmp_path / "list.nbdesk"
    path.write_bytes(content)
    with pytest.raises(NotAnNbdeskDatabaseError, match="not an nbdesk database"):
        open_database(path)
    assert path.read_bytes() == content


def test_corrupt_file_is_refused_and_untouched(tmp_path: Path, demo_file: Path) -> None:
    data = bytearray(demo_file.read_bytes())
    page = 4096
    assert len(data) > 6 * page
    # Scribble over a b-tree page in the middle, leaving the header readable.
    data[3 * page : 3 * page + 200] = b"\xff" * 200
    demo_file.write_bytes(bytes(data))
    before = digest(demo_file)
    with pytest.raises(CorruptDatabaseError, match="damaged") as caught:
        open_database(demo_file)
    assert "backups" in str(caught.value)
    assert digest(demo_file) == before


def test_missing_file_is_refused(tmp_path: Path) -> None:
    with pytest.raises(NotAnNbdeskDatabaseError, match="does not exist"):
        open_database(tmp_path / "nowhere.nbdesk")


def test_backup_is_a_complete_standalone_copy(tmp_path: Path, demo_file: Path) -> None:
    from nbdesk.storage.backup import backup_file, rotating_backup

    db = open_database(demo_file)
    with db.transaction() as session:
        from nbdesk.storage.authority import set_authority_name

        set_authority_name(session, "Renamed while open")
    # The change is in the -wal file; the backup API must still carry it.
    target = backup_file(demo_file, tmp_path / "copy.nbdesk")
    db.close()
    with sqlite3.connect(target) as conn:
        assert conn.execute("SELECT name FROM authority").fetchone() == ("Renamed while open",)
        assert conn.execute("PRAGMA journal_mode").fetchone() == ("delete",)
    rotated = rotating_backup(demo_file)
    assert rotated.parent.name == "demo backups"
    assert open_database(rotated).revision() == head_revision()


def test_daily_backup_only_when_the_newest_is_a_day_old(demo_file: Path, clock) -> None:
    from datetime import timedelta

    from nbdesk.storage.backup import backups_folder, daily_backup

    first = daily_backup(demo_file)
    assert first is not None and first.name.endswith(" automatic.nbdesk")
    assert daily_backup(demo_file) is None
    later = clock.now() + timedelta(hours=25)
    second = daily_backup(demo_file, now=later)
    assert second is not None
    assert len(list(backups_folder(demo_file).glob("*.nbdesk"))) == 2


def test_backups_kept_ten_of_each_kind_and_never_one_someone_opened(demo_file: Path, clock) -> None:
    """Back up now keeps the newest ten of its kind, so ten presses leave the daily backups be; a
    backup someone opened (and so may have worked in) is never removed: a tester added a person
    in one and the next Back up now of the main file deleted it."""
    from datetime import timedelta

    from nbdesk.storage.authority import authority_name, set_authority_name
    from nbdesk.storage.backup import KEEP_BACKUPS, backups_folder, rotating_backup, worked_in

    start = clock.now()
    daily = [rotating_backup(demo_file, "automatic", start + timedelta(days=d)) for d in range(3)]
    manual = [
        rotating_backup(demo_file, "manual", start + timedelta(days=3, minutes=m))
        for m in range(KEEP_BACKUPS)
    ]
    assert not any(worked_in(p) for p in daily + manual)
    worked = open_database(manual[0])  # opened from the backups folder, and worked in
    with worked.transaction() as session:
        set_authority_name(session, "Work saved in a backup")
    assert worked_in(manual[0])  # open: its -wal and -shm are beside it
    worked.close()
    assert worked_in(manual[0])  # closed: left in WAL mode
    later = start + timedelta(days=4)
    newer = [rotating_backup(demo_file, "manual", later + timedelta(minutes=m)) for m in range(2)]
    kept = set(backups_folder(demo_file).glob("*.nbdesk"))
    assert kept == {*daily, manual[0], *manual[2:], *newer}  # manual[1] went: the oldest unopened
    again = open_database(manual[0])
    with again.session() as session:
        assert authority_name(session) == "Work saved in a backup"
    again.close()


def test_a_backup_knows_whose_it_is(tmp_path: Path) -> None:
    from nbdesk.storage.backup import backup_of

    folder = tmp_path / "Northshire backups"
    assert backup_of(folder / "Northshire 2026-11-18 103000 manual.nbdesk") == (
        tmp_path / "Northshire.nbdesk"
    )
    assert backup_of(tmp_path / "Northshire.nbdesk") is None
    assert backup_of(folder / "Elsewhere 2026-11-18 103000 manual.nbdesk") is None
    assert backup_of(folder / "Northshire 2026-11-18 103000 manual.xlsx") is None
    assert backup_of(tmp_path / " backups" / " x.nbdesk") is None


def test_a_file_saved_at_schema_0001_upgrades_with_its_data(tmp_path: Path) -> None:
    import shutil

    from nbdesk.forms.framework import demonstration_framework
    from nbdesk.forms.store import framework_definition, list_frameworks

    saved = DATA / "schema-0001.nbdesk"
    path = tmp_path / "old.nbdesk"
    shutil.copyfile(saved, path)
    db = open_database(path)
    assert db.revision() == head_revision()
    with db.session() as session:
        assert authority_name(session) == "Saved at schema 0001 (fictional)"
        [summary] = list_frameworks(session)
        assert framework_definition(session, summary.id) == demonstration_framework()
    db.close()
    [backup] = tmp_path.glob("old.before-upgrade-from-0001-*.nbdesk")
    with sqlite3.connect(backup) as conn:
        assert conn.execute("SELECT version_num FROM alembic_version").fetchone() == ("0001",)
        assert conn.execute("SELECT count(*) FROM statement").fetchone() == (106,)


def test_a_file_saved_at_schema_0003_upgrades_with_every_row(tmp_path: Path) -> None:
    """The schema the first wave released (0003): people, rounds, contacts, completions and
    assessments all come through the upgrade; a copy is taken first."""
    import shutil

    saved = DATA / "schema-0003.nbdesk"
    path = tmp_path / "released.nbdesk"
    shutil.copyfile(saved, path)
    tables = (
        "care_leaver",
        "survey_round",
        "outreach_contact",
        "completion",
        "assessment",
        "rating",
    )
    with sqlite3.connect(saved) as conn:
        before = {t: conn.execute(f"SELECT count(*) FROM {t}").fetchone()[0] for t in tables}
    assert all(before.values())
    db = open_database(path)
    assert db.revision() == head_revision()
    with db.session() as session:
        assert authority_name(session) == "Saved at schema 0003 (fictional)"
    db.close()
    with sqlite3.connect(path) as conn:
        after = {t: conn.execute(f"SELECT count(*) FROM {t}").fetchone()[0] for t in tables}
        assert (
            conn.execute("SELECT count(*) FROM assessment WHERE resume_page IS NULL").fetchone()[0]
            == before["assessment"]
        )
    assert after == before
    [backup] = tmp_path.glob("released.before-upgrade-from-0003-*.nbdesk")
    with sqlite3.connect(backup) as conn:
        assert conn.execute("SELECT version_num FROM alembic_version").fetchone() == ("0003",)


ODD_FOLDERS = ["Team #2", "50% share", "what?", "Café – Ünïcode", "a b  c"]


@pytest.mark.parametrize("folder", ODD_FOLDERS)
def test_files_in_oddly_named_folders(tmp_path: Path, folder: str) -> None:
    from nbdesk.storage.backup import backup_file, daily_backup

    path = tmp_path / folder / "Our LA.nbdesk"
    create_database(path, "Odd LA").close()
    db = open_database(path)
    with db.session() as session:
        assert authority_name(session) == "Odd LA"
    db.close()
    copy = backup_file(path, tmp_path / folder / "copy.nbdesk")
    assert open_database(copy).revision() == head_revision()
    automatic = daily_backup(path)
    assert automatic is not None and automatic.stat().st_size > 10_000
    # Nothing stray was made in the parent folder by a mis-read path.
    assert sorted(p.name for p in tmp_path.iterdir()) == sorted(["data", folder])


def test_a_failed_upgrade_leaves_the_file_as_it_was(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    import shutil

    from nbdesk.storage import migrate
    from nbdesk.storage.database import UpgradeFailedError, upgrade_file

    path = tmp_path / "old.nbdesk"
    migrate.upgrade(path, "0002")
    before = sqlite3.connect(path)
    tables_before = {r[0] for r in before.execute("SELECT name FROM sqlite_master")}
    before.close()
    # A copy of the migrations whose last step fails half-way, after creating tables.
    broken = tmp_path / "migrations"
    shutil.copytree(migrate.MIGRATIONS_DIR, broken, ignore=shutil.ignore_patterns("__pycache__"))
    last = sorted((broken / "versions").glob("0003_*.py"))[0]
    last.write_text(
        last.read_text().replace(
            "def downgrade() -> None:",
            "    raise RuntimeError('boom')\n\n\ndef downgrade() -> None:",
            1,
        )
    )
    monkeypatch.setattr(migrate, "MIGRATIONS_DIR", broken)
    for attempt in (1, 2):
        with pytest.raises(UpgradeFailedError, match="left at schema 0002") as caught:
            upgrade_file(path, "0002")
        assert "before-upgrade-from-0002" in str(caught.value)
        with sqlite3.connect(path) as conn:
            assert conn.execute("SELECT version_num FROM alembic_version").fetchone() == ("0002",)
            tables = {r[0] for r in conn.execute("SELECT name FROM sqlite_master")}
        assert tables == tables_before, f"attempt {attempt} left tables behind"
    # Each attempt kept its own copy; the second did not overwrite the first.
    assert len(list(tmp_path.glob("old.before-upgrade-from-0002-*.nbdesk"))) == 2


def test_a_locked_file_is_not_called_damaged(
    demo_file: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from nbdesk.storage import database
    from nbdesk.storage.database import DatabaseError, inspect_file

    monkeypatch.setattr(database, "READ_TIMEOUT_S", 0.1)
    holder = sqlite3.connect(demo_file)
    holder.execute("PRAGMA locking_mode=EXCLUSIVE")
    holder.execute("BEGIN EXCLUSIVE")
    try:
        with pytest.raises(DatabaseError) as caught:
            inspect_file(demo_file)
    finally:
        holder.rollback()
        holder.close()
    assert not isinstance(caught.value, CorruptDatabaseError)
    assert "cannot be opened here" in str(caught.value)
    assert "locked" in str(caught.value)


def test_refusing_a_newer_wal_file_leaves_nothing_beside_it(tmp_path: Path) -> None:
    path = tmp_path / "future.nbdesk"
    create_database(path, "Future LA").close()
    with sqlite3.connect(path) as conn:
        conn.execute("UPDATE alembic_version SET version_num = '9999'")
    names = sorted(p.name for p in tmp_path.glob("future*"))
    with pytest.raises(NewerDatabaseError):
        open_database(path)
    assert sorted(p.name for p in tmp_path.glob("future*")) == names


def test_a_check_never_deletes_a_wal_another_process_committed_to(tmp_path: Path) -> None:
    """Issue 11 (its first defect): a read-only check that started before another process
    created the -wal must not delete it when it closes: the other process's commits live there."""
    from nbdesk.storage.authority import set_authority_name
    from nbdesk.storage.database import Database, read_only

    path = tmp_path / "shared.nbdesk"
    create_database(path, "Testshire").close()
    assert not Path(f"{path}-wal").exists()
    writer = Database(path)  # connects only when first used
    try:
        with read_only(path) as conn:  # a command's check, started while no -wal was there
            conn.execute("SELECT count(*) FROM authority").fetchone()
            with writer.transaction() as session:  # the window saves meanwhile, into a -wal
                set_authority_name(session, "Renamed while checked")
        # Another process opening the file now (the writer still open) must see the change.
        with sqlite3.connect(path) as other:
            assert other.execute("SELECT name FROM authority").fetchone() == (
                "Renamed while checked",
            )
    finally:
        writer.close()


def test_a_demonstration_is_built_beside_its_name_and_moved_into_place(tmp_path: Path) -> None:
    """Issue 11: a demo build cut short never leaves a half-made file at the name asked for."""
    from nbdesk import demo

    target = tmp_path / "demo.nbdesk"

    def fail(session, scale, rng, progress):  # type: ignore[no-untyped-def]
        raise RuntimeError("the disk filled")

    real = demo._steps
    demo._steps = lambda: [*real()[:1], fail]  # type: ignore[assignment]
    try:
        with pytest.raises(RuntimeError, match="the disk filled"):
            demo.create_demo(target)
    finally:
        demo._steps = real  # type: ignore[assignment]
    assert sorted(p.name for p in tmp_path.iterdir()) == ["data"]  # nothing left of the build
    demo.create_demo(target).close()
    assert sorted(p.name for p in tmp_path.iterdir() if p.name != "data") == ["demo.nbdesk"]
    with pytest.raises(FileExistsError):
        demo.create_demo(target)


def test_a_writer_waits_for_another_then_says_plainly(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Issue 11: a busy file is waited for a bounded time, then refused in words."""
    import time

    import nbdesk.storage.database as database
    from nbdesk.storage.authority import set_authority_name

    monkeypatch.setattr(database, "BUSY_TIMEOUT_MS", 300)
    path = tmp_path / "busy.nbdesk"
    create_database(path, "Testshire").close()
    first, second = database.Database(path), database.Database(path)
    try:
        with first.transaction() as held:
            set_authority_name(held, "First")
            started = time.monotonic()
            with (
                pytest.raises(database.DatabaseBusyError, match="Another nbdesk .* nothing was"),
                second.transaction() as session,
            ):
                set_authority_name(session, "Second")
            assert time.monotonic() - started < 5
        with second.transaction() as session:  # once the first has finished, the second writes
            set_authority_name(session, "Second")
        with first.session() as session:
            assert authority_name(session) == "Second"
    finally:
        first.close()
        second.close()


def test_two_processes_numbering_contacts_at_once_lose_none(tmp_path: Path) -> None:
    """Issue 11: numbers taken as max + 1 are safe when two writers race (each transaction holds
    the write lock from its start), so every contact reported saved is there, numbered once."""
    import threading
    from datetime import date

    from nbdesk.storage.database import Database
    from nbdesk.survey.contacts import log_contact
    from nbdesk.survey.register import PersonFields, add_person
    from nbdesk.survey.rounds import open_round

    path = tmp_path / "race.nbdesk"
    db = create_database(path, "Testshire")
    with db.transaction() as session:
        person = add_person(session, PersonFields("R1", name="Rae Puddleby")).value
        round_id = open_round(session, "Race", date(2026, 11, 1), date(2026, 12, 20)).value.id
    db.close()
    saved: list[int] = []
    errors: list[BaseException] = []

    def pa() -> None:
        own = Database(path)
        try:
            for _ in range(25):
                with own.transaction() as session:
                    done = log_contact(
                        session,
                        round_id,
                        person,
                        date(2026, 11, 18),
                        "text",
                        "reminder",
                        "no-reply",
                    )
                saved.append(done.value)
        except BaseException as exc:
            errors.append(exc)
        finally:
            own.close()

    threads = [threading.Thread(target=pa) for _ in range(3)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert errors == []
    assert sorted(saved) == list(range(1, 76))
    with sqlite3.connect(path) as conn:
        numbers = [n for (n,) in conn.execute("SELECT number FROM outreach_contact ORDER BY 1")]
    assert numbers == list(range(1, 76))
