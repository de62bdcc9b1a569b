"""An authority moved whole between databases (nbdesk/storage/transfer.py): file to file always,
and file to a real PostgreSQL server and back, on a throwaway cluster."""

from __future__ import annotations

import random
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import Engine, create_engine, delete, func, insert, inspect, select, text

from nbdesk.cli import main
from nbdesk.storage import Database, create_database, open_database, transfer
from nbdesk.storage.database import WRITING
from nbdesk.storage.migrate import upgrade
from nbdesk.storage.models import CareLeaver, Completion, CompletionChange
from nbdesk.storage.schema import head_revision
from nbdesk.storage.transfer import TransferError, authority_tables, copy_authority
from tests.conftest import FIXED_NOW
from tests.support.postgres import Cluster

KEYED = {"completion": Completion.__table__, "completion_change": CompletionChange.__table__}


def every_row(engine: Engine) -> dict[str, list[tuple[Any, ...]]]:
    """Every table's rows, ids and all, in key order."""
    with engine.connect() as conn:
        return {
            t.name: [tuple(row) for row in conn.execute(select(t).order_by(*t.primary_key.columns))]
            for t in authority_tables()
        }


def counts(engine: Engine) -> dict[str, int]:
    """Rows in each table the database has (one at an older revision lacks the newer tables)."""
    with engine.connect() as conn:
        present = set(inspect(conn).get_table_names())
        return {
            t.name: conn.execute(select(func.count()).select_from(t)).scalar_one()
            for t in authority_tables()
            if t.name in present
        }


def empty_file(path: Path, revision: str = "head") -> Database:
    """A file with nbdesk's schema and nothing in it (create_database would add an authority)."""
    path.touch()
    upgrade(path, revision)
    return Database(path)


def writing(db: Database) -> Engine:
    return db.engine.execution_options(**{WRITING: True})


@pytest.fixture
def source(demo_file: Path) -> Iterator[Database]:
    db = open_database(demo_file)
    yield db
    db.close()


# File to file -------------------------------------------------------------------------------


@pytest.mark.subject_is_sqlite("file to file (to a server: below)")
def test_a_file_copied_into_an_empty_file_keeps_every_row_and_id(
    source: Database, tmp_path: Path
) -> None:
    with empty_file(tmp_path / "copy.nbdesk") as target:
        report = copy_authority(source.engine, writing(target))
        assert [c.table for c in report] == [t.name for t in authority_tables()]
        assert all(c.equal for c in report)
        by_table = {c.table: c.target for c in report}
        for table in ("assessment", "rating", "survey_round", "outreach_contact", "completion"):
            assert by_table[table] > 0, table
        assert by_table == counts(target.engine)
        assert every_row(target.engine) == every_row(source.engine)


@pytest.mark.subject_is_sqlite("file to file (to a server: below)")
def test_the_copy_comes_in_batches_and_says_how_far_it_has_come(
    source: Database, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(transfer, "BATCH_ROWS", 40)
    sizes: list[int] = []
    real_insert = transfer._insert_batch

    def insert_batch(conn: Any, table: Any, rows: Any) -> None:
        sizes.append(len(rows))
        real_insert(conn, table, rows)

    monkeypatch.setattr(transfer, "_insert_batch", insert_batch)
    seen: list[tuple[int, int]] = []
    with empty_file(tmp_path / "copy.nbdesk") as target:
        report = copy_authority(
            source.engine, writing(target), progress=lambda done, total: seen.append((done, total))
        )
    total = sum(c.source for c in report)
    assert max(sizes) == 40 and sum(sizes) == total
    assert seen[0] == (0, total) and seen[-1] == (total, total)
    assert [done for done, _ in seen] == sorted(done for done, _ in seen)
    assert {t for _, t in seen} == {total}


@pytest.mark.subject_is_sqlite("a target file (a server: below)")
def test_a_file_holding_an_authority_is_refused_and_left_as_it_was(
    source: Database, tmp_path: Path
) -> None:
    with create_database(tmp_path / "other.nbdesk", "Another Council") as target:
        before = every_row(target.engine)
        with pytest.raises(TransferError, match="already holds an authority"):
            copy_authority(source.engine, writing(target))
        assert every_row(target.engine) == before


@pytest.mark.subject_is_sqlite("a target file")
def test_a_file_holding_rows_in_a_data_table_only_is_refused(
    source: Database, tmp_path: Path
) -> None:
    with empty_file(tmp_path / "copy.nbdesk") as target:
        with target.engine.begin() as conn:
            conn.execute(
                insert(CareLeaver.__table__).values(id=7, unique_id="X", updated_at=FIXED_NOW)
            )
        with pytest.raises(TransferError, match="care_leaver"):
            copy_authority(source.engine, writing(target))
        assert sum(counts(target.engine).values()) == 1


@pytest.mark.subject_is_sqlite("a target file (a server: below)")
def test_a_file_at_another_schema_revision_is_refused(source: Database, tmp_path: Path) -> None:
    older = "0007"
    assert older != head_revision()
    with empty_file(tmp_path / "old.nbdesk", older) as target:
        with pytest.raises(TransferError, match=f"at {older}"):
            copy_authority(source.engine, writing(target))
        assert target.revision() == older
        assert sum(counts(target.engine).values()) == 0


@pytest.mark.subject_is_sqlite("a target file (a server: below)")
def test_a_failure_midway_leaves_the_target_file_empty(
    source: Database, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(transfer, "BATCH_ROWS", 50)
    real_insert = transfer._insert_batch
    batches = 0

    def failing(conn: Any, table: Any, rows: Any) -> None:
        nonlocal batches
        batches += 1
        if batches == 12:  # well into the copy: earlier batches were written
            raise RuntimeError("the network went")
        real_insert(conn, table, rows)

    monkeypatch.setattr(transfer, "_insert_batch", failing)
    with empty_file(tmp_path / "copy.nbdesk") as target:
        with pytest.raises(RuntimeError, match="the network went"):
            copy_authority(source.engine, writing(target))
        assert batches == 12
        assert sum(counts(target.engine).values()) == 0


@pytest.mark.subject_is_sqlite("migrate-to-server copies a file")
def test_a_server_that_cannot_be_reached_is_named_in_one_line(
    demo_file: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    url = f"postgresql://someone:secret@/nbdesk?host={tmp_path / 'no server here'}"
    assert main(["migrate-to-server", str(demo_file), url]) == 1
    err = capsys.readouterr().err.strip()
    assert err.startswith("nbdesk: error: Could not reach postgresql://someone:***@/")
    assert len(err.splitlines()) == 1 and "secret" not in err
    assert main(["backup", "--server", url, "--out", str(tmp_path / "b.nbdesk")]) == 1
    assert "Could not reach" in capsys.readouterr().err
    assert sorted(p.name for p in tmp_path.iterdir()) == sorted(["data", "demo.nbdesk"])


@pytest.mark.subject_is_sqlite("a file named as a target")
def test_only_a_postgresql_url_names_a_server(
    demo_file: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    other = tmp_path / "other.nbdesk"
    assert main(["migrate-to-server", str(demo_file), f"sqlite:///{other}"]) == 1
    assert "is not a PostgreSQL URL" in capsys.readouterr().err
    assert not other.exists()


# A real server ------------------------------------------------------------------------------


@pytest.fixture
def cluster(postgres_cluster: Cluster) -> Cluster:
    """The session's throwaway cluster (tests/support/postgres.py)."""
    return postgres_cluster


@pytest.fixture
def server(cluster: Cluster) -> Iterator[tuple[str, Engine]]:
    """A new empty database on the cluster: its URL and an engine on it."""
    url = cluster.new_database()
    engine = create_engine(url)
    yield url, engine
    engine.dispose()


def serial_keys() -> list[Any]:
    """The id column of every table numbered by a sequence."""
    keys = [list(t.primary_key.columns) for t in authority_tables()]
    return [key[0] for key in keys if len(key) == 1 and key[0].autoincrement]


def test_a_file_moves_to_the_server_and_back_whole(
    demo_file: Path,
    server: tuple[str, Engine],
    tmp_path: Path,
    capsys: pytest.CaptureFixture[str],
) -> None:
    url, engine = server
    with open_database(demo_file) as db:
        original = every_row(db.engine)

    assert main(["migrate-to-server", str(demo_file), url]) == 0
    printed = capsys.readouterr().out
    on_server = every_row(engine)
    assert on_server == original  # every row of every table, ids and all
    for table, rows in original.items():
        assert f"  {table:<24}{len(rows):>12}{len(rows):>12}\n" in printed

    # Sequences were moved past the copied ids: rows added on the server get new ones.
    with engine.begin() as conn:
        for key in serial_keys():
            highest = conn.execute(select(func.max(key))).scalar_one() or 0
            sequence = conn.execute(
                text("SELECT pg_get_serial_sequence(:t, :c)"), {"t": key.table.name, "c": key.name}
            ).scalar_one()
            assert conn.execute(select(func.nextval(sequence))).scalar_one() > highest
        new_id = conn.execute(
            insert(CareLeaver.__table__)
            .values(unique_id="NEW-1", name="Added on the server", updated_at=FIXED_NOW)
            .returning(CareLeaver.__table__.c.id)
        ).scalar_one()
    assert new_id > max(row[0] for row in original["care_leaver"])

    out = tmp_path / "backups" / "from the server.nbdesk"
    assert main(["backup", "--server", url, "--out", str(out)]) == 0
    assert "Backed up" in capsys.readouterr().out
    assert sorted(p.name for p in out.parent.iterdir()) == [out.name]  # no temporary left
    with open_database(out) as back:
        assert back.revision() == head_revision()
        copied = every_row(back.engine)
    added = [row for row in copied["care_leaver"] if row[0] == new_id]
    assert len(added) == 1 and added[0][1] == "NEW-1"
    copied["care_leaver"].remove(added[0])
    assert copied == original
    assert main(["check", "--db", str(out)]) == 0


def test_a_backup_never_replaces_a_file(
    server: tuple[str, Engine], tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    url, engine = server
    transfer.create_schema_by_migrations(engine)
    out = tmp_path / "kept.nbdesk"
    out.write_bytes(b"something of someone's")
    assert main(["backup", "--server", url, "--out", str(out)]) == 1
    assert "already exists" in capsys.readouterr().err
    assert out.read_bytes() == b"something of someone's"
    assert [p.name for p in tmp_path.iterdir() if "partial" in p.name] == []


def test_a_server_holding_an_authority_is_refused_and_left_as_it_was(
    demo_file: Path,
    server: tuple[str, Engine],
    tmp_path: Path,
    capsys: pytest.CaptureFixture[str],
) -> None:
    url, engine = server
    other = tmp_path / "other.nbdesk"
    create_database(other, "Another Council").close()
    assert main(["migrate-to-server", str(other), url]) == 0
    before = every_row(engine)
    capsys.readouterr()

    assert main(["migrate-to-server", str(demo_file), url]) == 1
    err = capsys.readouterr().err.strip()
    assert len(err.splitlines()) == 1
    assert "already holds an authority" in err
    assert every_row(engine) == before


def test_a_server_at_another_schema_revision_is_refused(
    source: Database, server: tuple[str, Engine]
) -> None:
    _, engine = server
    transfer.create_schema_by_migrations(engine)
    with engine.begin() as conn:
        conn.execute(text("UPDATE alembic_version SET version_num = '0007'"))
    with pytest.raises(TransferError, match="at 0007"):
        copy_authority(source.engine, engine)
    assert sum(counts(engine).values()) == 0


def test_a_failure_midway_leaves_the_server_empty(
    source: Database, server: tuple[str, Engine], monkeypatch: pytest.MonkeyPatch
) -> None:
    _, engine = server
    transfer.create_schema_by_migrations(engine)
    monkeypatch.setattr(transfer, "BATCH_ROWS", 50)
    real_insert = transfer._insert_batch
    batches = 0

    def failing(conn: Any, table: Any, rows: Any) -> None:
        nonlocal batches
        batches += 1
        if batches == 12:
            raise RuntimeError("the network went")
        real_insert(conn, table, rows)

    monkeypatch.setattr(transfer, "_insert_batch", failing)
    with pytest.raises(RuntimeError, match="the network went"):
        copy_authority(source.engine, engine)
    assert sum(counts(engine).values()) == 0
    monkeypatch.setattr(transfer, "_insert_batch", real_insert)
    assert all(c.equal for c in copy_authority(source.engine, engine))  # and it can be retried


def stored_order(engine: Engine, table: str, key: str) -> list[tuple[Any, ...]]:
    """The rows' keys in the order the server keeps them (its physical order, ctid)."""
    with engine.connect() as conn:
        return [tuple(r) for r in conn.execute(text(f"SELECT {key} FROM {table} ORDER BY ctid"))]


def test_completions_are_copied_in_key_order_not_the_order_they_are_stored_in(
    source: Database, cluster: Cluster
) -> None:
    """A server stores rows as they arrive (marked by many PAs over a round): copied from it in
    that order, the copy would keep it. The copy must come in key order whatever the source."""
    first, second = create_engine(cluster.new_database()), create_engine(cluster.new_database())
    try:
        for engine in (first, second):
            transfer.create_schema_by_migrations(engine)
        copy_authority(source.engine, first)
        keys = {
            "completion": "round_id, care_leaver_id",
            "completion_change": "round_id, care_leaver_id, number",
        }
        shuffle = random.Random(17)
        with first.begin() as conn:
            for table in KEYED.values():
                rows = [dict(r._mapping) for r in conn.execute(select(table))]
                shuffle.shuffle(rows)
                conn.execute(delete(table))
                for row in rows:  # one at a time, as they would have come
                    conn.execute(insert(table).values(**row))
        for name in KEYED:
            stored = stored_order(first, name, keys[name])
            assert stored != sorted(stored), "the source must hold them out of key order"

        copy_authority(first, second)
        for name in KEYED:
            stored = stored_order(second, name, keys[name])
            assert len(stored) > 10
            assert stored == sorted(stored)
    finally:
        first.dispose()
        second.dispose()


def test_a_server_copied_while_it_is_written_to_is_copied_as_of_one_moment(
    demo_file: Path, server: tuple[str, Engine], tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A backup taken while PAs log contacts: what is added mid-copy is not in it (nor counted)."""
    url, engine = server
    assert main(["migrate-to-server", str(demo_file), url]) == 0
    real_insert = transfer._insert_batch
    added = False

    def insert_while_copying(conn: Any, table: Any, rows: Any) -> None:
        nonlocal added
        if not added:  # the first table is copied; care_leaver has not been read yet
            assert table.name != "care_leaver"
            with engine.begin() as other:
                other.execute(
                    insert(CareLeaver.__table__).values(unique_id="MID-COPY", updated_at=FIXED_NOW)
                )
            added = True
        real_insert(conn, table, rows)

    monkeypatch.setattr(transfer, "_insert_batch", insert_while_copying)
    out = tmp_path / "during.nbdesk"
    assert main(["backup", "--server", url, "--out", str(out)]) == 0
    assert added
    with open_database(out) as back:
        unique_ids = [row[1] for row in every_row(back.engine)["care_leaver"]]
    assert "MID-COPY" not in unique_ids
    assert len(unique_ids) == counts(engine)["care_leaver"] - 1
