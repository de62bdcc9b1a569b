"""The command line: each command's output, and a clear error with a non-zero exit on bad input."""

from __future__ import annotations

import json
import os
import sqlite3
import subprocess
import sys
from pathlib import Path

import pytest

from nbdesk import __version__
from nbdesk.cli import main
from nbdesk.forms.framework import demonstration_framework
from nbdesk.storage.schema import head_revision
from tests.support.fingerprint import fingerprint
from tests.support.paths import DATA


def run(capsys: pytest.CaptureFixture[str], *args: str) -> tuple[int, str, str]:
    code = main([str(a) for a in args])
    out, err = capsys.readouterr()
    return code, out, err


def test_version_from_the_installed_command() -> None:
    result = subprocess.run(
        [sys.executable, "-m", "nbdesk", "--version"], capture_output=True, text=True, check=True
    )
    assert result.stdout.strip().startswith(f"nbdesk {__version__}")


@pytest.mark.subject_is_sqlite("nbdesk demo writes a new file; a server is made by server init")
def test_demo_creates_and_refuses_to_overwrite(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    path = tmp_path / "demo.nbdesk"
    code, out, _ = run(capsys, "demo", path)
    assert code == 0 and "Created a small demonstration authority" in out
    before = path.read_bytes()
    code, _, err = run(capsys, "demo", path)
    assert code == 1
    assert "already exists" in err and err.startswith("nbdesk: error:")
    assert path.read_bytes() == before


def test_check_reports_revision_integrity_and_counts(
    demo_db: Path | str, capsys: pytest.CaptureFixture[str]
) -> None:
    code, out, _ = run(capsys, "check", "--db", demo_db, "--json")
    assert code == 0
    report = json.loads(out)
    on_file = isinstance(demo_db, Path)  # a server keeps its own integrity: nbdesk checks none
    assert report["revision"] == head_revision()
    assert report["integrity"] == (["ok"] if on_file else [])
    assert report["counts"]["statement"] == 106 and report["counts"]["authority"] == 1
    assert report["ok"] is True
    code, out, _ = run(capsys, "check", "--db", demo_db)
    assert code == 0
    assert ("Integrity: ok" if on_file else "the server keeps its own integrity") in out


@pytest.mark.subject_is_sqlite("a file that is not an nbdesk database")
def test_check_refuses_a_foreign_file(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    other = tmp_path / "other.db"
    sqlite3.connect(other).execute("CREATE TABLE t (x)").connection.close()
    code, _, err = run(capsys, "check", "--db", other)
    assert code == 1 and "not one nbdesk created" in err


def test_framework_import_toml_and_list(
    demo_db: Path | str, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    from importlib import resources

    source = resources.files("nbdesk.forms") / "frameworks" / "demonstration.toml"
    copy = tmp_path / "v2.toml"
    copy.write_text(
        source.read_text(encoding="utf-8").replace('"2020-demo.1"', '"2020-demo.2"'),
        encoding="utf-8",
    )
    code, out, _ = run(capsys, "framework", "import", copy, "--db", demo_db)
    assert code == 0
    assert "Loaded: New Belongings demonstration self-assessment 2020-demo.2" in out
    assert "10 areas, 106 statements (10, 13, 13, 8, 10, 10, 15, 11, 8, 8)" in out
    code, out, _ = run(capsys, "framework", "import", copy, "--db", demo_db)
    assert code == 0 and out.startswith("Already loaded")
    code, out, _ = run(capsys, "framework", "list", "--db", demo_db)
    assert out.count("10 areas, 106 statements") == 2


def test_framework_import_spreadsheet(
    demo_db: Path | str, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    from openpyxl import Workbook

    book = Workbook()
    book.active.append(["Area", "Area title", "Item", "Statement"])
    for area in demonstration_framework().areas[:2]:
        for st in area.statements:
            book.active.append([area.number, area.title, st.letter, st.text])
    path = tmp_path / "ours.xlsx"
    book.save(path)
    code, out, _ = run(
        capsys, "framework", "import", path, "--db", demo_db, "--name", "Ours", "--version", "v1"
    )
    assert code == 0 and "Loaded: Ours v1 — 2 areas, 23 statements" in out


def test_framework_import_names_the_fault_and_changes_nothing(
    demo_db: Path | str, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    bad = tmp_path / "bad.csv"
    bad.write_text("Area,Area title,Item,Statement\n1,One,a,First\nx,One,b,Second\n")
    before = fingerprint(demo_db)
    code, _, err = run(capsys, "framework", "import", bad, "--db", demo_db)
    assert code == 1
    assert "row 3, column 'Area'" in err
    assert fingerprint(demo_db) == before


def test_backup_writes_an_openable_copy(
    demo_db: Path | str, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    out_file = tmp_path / "copy.nbdesk"
    code, out, _ = run(capsys, "backup", "--db", demo_db, "--out", out_file)
    assert code == 0 and "Backed up" in out
    code, out, _ = run(capsys, "check", "--db", out_file)
    assert code == 0
    code, _, err = run(capsys, "backup", "--db", demo_db, "--out", out_file)
    assert code == 1 and "already exists" in err


@pytest.mark.subject_is_sqlite("a path to no file")
def test_missing_database_is_a_clear_error(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    code, _, err = run(capsys, "framework", "list", "--db", tmp_path / "none.nbdesk")
    assert code == 1 and "does not exist" in err


def test_quit_when_shown_opens_the_file_and_exits_zero(demo_db: Path | str, tmp_path: Path) -> None:
    env = dict(os.environ, QT_QPA_PLATFORM="offscreen", NBDESK_DATA_DIR=str(tmp_path / "d"))
    result = subprocess.run(
        [sys.executable, "-m", "nbdesk", "--db", str(demo_db), "--quit-when-shown"],
        capture_output=True,
        text=True,
        env=env,
        timeout=60,
    )
    assert result.returncode == 0, result.stderr
    bad = tmp_path / "bad.nbdesk"
    bad.write_text("not a database")
    result = subprocess.run(
        [sys.executable, "-m", "nbdesk", "--db", str(bad), "--quit-when-shown"],
        capture_output=True,
        text=True,
        env=env,
        timeout=60,
    )
    assert result.returncode == 1 and "not an nbdesk database" in result.stderr


@pytest.mark.subject_is_sqlite("an old schema saved as a file")
def test_check_and_backup_never_upgrade_an_older_file(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    import shutil

    saved = DATA / "schema-0001.nbdesk"
    old = tmp_path / "old.nbdesk"
    shutil.copyfile(saved, old)
    before = old.read_bytes()
    code, out, _ = run(capsys, "check", "--db", old, "--json")
    report = json.loads(out)
    assert code == 0
    assert (report["revision"], report["ok"], report["up_to_date"]) == ("0001", True, False)
    assert report["counts"]["statement"] == 106
    code, out, _ = run(capsys, "check", "--db", old)
    assert "opening it in nbdesk upgrades it after a backup" in out
    code, _, _ = run(capsys, "backup", "--db", old, "--out", tmp_path / "copy.nbdesk")
    assert code == 0
    assert old.read_bytes() == before
    assert sorted(p.name for p in tmp_path.glob("old*")) == ["old.nbdesk"]


def test_every_parser_has_its_own_shared_command_groups() -> None:
    """`export` is added to by several modules; a parser built after another was thrown away must
    not be handed the old one's group (it once was, when both had the same id())."""
    import gc

    from nbdesk.cli import build_parser

    for _ in range(20):
        parser = build_parser()
        args = parser.parse_args(["export", "notify", "Time 2", "--out", "x.csv"])
        assert args.action == "notify"
        del parser
        gc.collect()


# Command lines that only start the app, and ones that are mistakes: parsed by the test below,
# which opens no database. (Out of its source, since the server pass's guard in tests/conftest.py
# takes a quoted --db in a test for a database the test opens.)
STARTS_THE_APP = (
    ["--db", "a.nbdesk", "--quit-when-shown", "--demo"],
    [],
    ["--self-test", "out"],
    ["--db=b.nbdesk"],
)
MISTAKES = (["nonsense"], ["--db"], ["--help"], ["--he"], ["--db", "--d"])


def test_a_command_line_that_starts_the_app_is_read_without_the_commands(
    capsys: pytest.CaptureFixture[str],
) -> None:
    """Only the app's options: read without building every command's parser (cli.parse_command_line),
    to the same values the whole parser gives."""
    import subprocess
    import sys

    from nbdesk.cli import build_parser, parse_command_line

    given = STARTS_THE_APP[0]
    for line in STARTS_THE_APP:
        args = parse_command_line(line)
        assert vars(args) == vars(build_parser().parse_args(line))
        assert args.command is None
    read = (
        "import sys, nbdesk.cli as cli; a = cli.parse_command_line(sys.argv[1:]); "
        "print(a.command, sorted(n for n in sys.modules if n.startswith('nbdesk.cli.')))"
    )
    done = subprocess.run(
        [sys.executable, "-c", read, *given], capture_output=True, text=True, check=True
    )
    assert done.stdout.split() == ["None", "[]"]
    # A command, and mistakes, are read by the whole parser: its usage names the commands.
    assert parse_command_line(["plan", "list"]).command == "plan"
    read = parse_command_line(["framework", "import", "f.toml", "--version", "v1"])
    assert (read.command, read.fw_version) == ("framework", "v1")
    for wrong in MISTAKES:
        with pytest.raises(SystemExit):
            parse_command_line(wrong)
        out, err = capsys.readouterr()
        assert "COMMAND" in out + err, wrong
        assert ("invalid choice: 'nonsense'" in err) == (wrong == ["nonsense"])
