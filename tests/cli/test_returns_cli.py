"""The four returns commands (issue 5, point 5) given bad input: each says what is wrong in one line
on stderr, exits 1 and leaves no file behind (and an existing file as it was)."""

from __future__ import annotations

from pathlib import Path

import pytest

from nbdesk.cli import main
from nbdesk.storage.location import Location
from tests.support.returns_round import ROUND, add_round, people

BASELINE = "Baseline 2020 – staff"
FOLLOW_UP = "Follow-up 2022 – staff"

# command, its subject, the ending its file needs, a word the unknown-subject message uses
COMMANDS = [
    (("export", "self-assessment"), BASELINE, ".xlsx", "No assessment called 'Nope'"),
    (("export", "participation"), ROUND, ".xlsx", "No survey round called 'Nope'"),
    (("report", "self-assessment"), BASELINE, ".pdf", "No assessment called 'Nope'"),
    (("report", "participation"), ROUND, ".pdf", "No survey round called 'Nope'"),
]


@pytest.fixture
def db(demo_db: Location) -> Path:
    add_round(demo_db, people(30))
    return demo_db


def run(capsys: pytest.CaptureFixture[str], *argv: str) -> tuple[int, str]:
    code = main(list(argv))
    out, err = capsys.readouterr()
    assert out == "" or code == 0, out
    return code, err


def left_in(folder: Path) -> list[str]:
    return sorted(p.name for p in folder.iterdir() if p.suffix in (".xlsx", ".pdf", ".csv"))


@pytest.mark.parametrize(("command", "subject", "ending", "unknown"), COMMANDS)
def test_bad_input_is_refused_in_one_line(
    db: Path,
    tmp_path: Path,
    capsys: pytest.CaptureFixture[str],
    command: tuple[str, str],
    subject: str,
    ending: str,
    unknown: str,
) -> None:
    out = tmp_path / "out"
    out.mkdir()
    target = str(out / f"file{ending}")

    code, err = run(capsys, *command, "Nope", "--db", str(db), "--out", target)
    assert code == 1 and unknown in err and err.count("\n") == 1, err

    wrong = ".csv"
    code, err = run(capsys, *command, subject, "--db", str(db), "--out", str(out / f"f{wrong}"))
    assert code == 1 and f"must end in {ending}" in err

    missing_folder = out / "no such folder" / f"file{ending}"
    code, err = run(capsys, *command, subject, "--db", str(db), "--out", str(missing_folder))
    assert code == 1 and "does not exist" in err and str(missing_folder.parent) in err

    code, err = run(
        capsys, *command, subject, "--db", str(tmp_path / "none.nbdesk"), "--out", target
    )
    assert code == 1 and "none.nbdesk" in err and "does not exist" in err
    assert not (tmp_path / "none.nbdesk").exists()  # never created by asking for a return

    # A read-only file of that name is kept as it was.
    kept = out / f"kept{ending}"
    kept.write_bytes(b"last year's")
    kept.chmod(0o444)
    try:
        code, err = run(capsys, *command, subject, "--db", str(db), "--out", str(kept))
    finally:
        kept.chmod(0o644)
    assert code == 1 and "read-only" in err and str(kept) in err
    assert kept.read_bytes() == b"last year's"
    assert left_in(out) == [kept.name]

    # And the same command with good input works.
    code, err = run(capsys, *command, subject, "--db", str(db), "--out", target)
    assert code == 0, err
    assert left_in(out) == sorted([kept.name, Path(target).name])


def test_a_comparison_needs_another_assessment_that_exists(
    db: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    target = tmp_path / "report.pdf"
    base = ("report", "self-assessment", BASELINE, "--db", str(db), "--out", str(target))
    code, err = run(capsys, *base, "--compare", "Nope")
    assert code == 1 and "No assessment called 'Nope'" in err
    code, err = run(capsys, *base, "--compare", BASELINE)
    assert code == 1 and "two different assessments" in err
    assert not target.exists()
    code, err = run(capsys, *base, "--compare", FOLLOW_UP)
    assert code == 0 and target.stat().st_size > 10_000


def test_a_command_without_its_subject_or_file_is_a_usage_error(
    db: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    for argv in (
        ["export", "participation", "--db", str(db), "--out", "x.xlsx"],
        ["report", "self-assessment", BASELINE, "--db", str(db)],
    ):
        with pytest.raises(SystemExit) as stopped:
            main(argv)
        assert stopped.value.code == 2
        assert "required" in capsys.readouterr().err
