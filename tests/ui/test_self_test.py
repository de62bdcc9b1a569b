"""`nbdesk --self-test`, the check a built bundle runs, passes from the source tree too."""

from __future__ import annotations

import os
import re
import subprocess
import sys
from pathlib import Path

import pytest
from openpyxl import Workbook, load_workbook


def test_self_test_passes_and_logs_each_step(tmp_path: Path) -> None:
    env = dict(os.environ, QT_QPA_PLATFORM="offscreen", NBDESK_DATA_DIR=str(tmp_path / "data"))
    out = tmp_path / "out"
    result = subprocess.run(
        [sys.executable, "-m", "nbdesk", "--self-test", str(out)],
        capture_output=True,
        text=True,
        env=env,
        timeout=120,
    )
    assert result.returncode == 0, result.stdout + result.stderr
    log = (out / "self-test.log").read_text()
    assert "created the demonstration authority" in log
    assert "opened in the main window: Demonstration Borough Council (fictional)" in log
    assert log.rstrip().endswith("self-test passed")
    assert (out / "main-window.png").stat().st_size > 1000

    # The returns a lead exports, written and read back: not only a backup.
    # Named as a lead's save dialog suggests: the authority, what the file is, and of what.
    who = "Demonstration Borough Council (fictional)"
    sa_return = out / f"{who} – self-assessment return – Baseline 2020 – staff.xlsx"
    round_return = out / f"{who} – participation return – Time 2 survey.xlsx"
    reports = [
        out / f"{who} – self-assessment report – Baseline 2020 – staff.pdf",
        out / f"{who} – survey round report – Time 2 survey.pdf",
    ]
    for path in (sa_return, round_return, *reports):
        assert f"exported and read back: {path.name} (" in log
    book = load_workbook(sa_return, read_only=True)
    assert {"Cover", "Summary", "Ratings", "About"} <= set(book.sheetnames)
    ratings = list(book["Ratings"].iter_rows(values_only=True))
    book.close()
    assert ratings[0] == ("Area", "Item", "Statement", "Rating", "Evidence")
    assert len(ratings) == 1 + 106 and all(row[3] for row in ratings[1:])
    book = load_workbook(round_return, read_only=True)
    assert book.sheetnames == ["Cover", "Participation", "Data"]
    data = list(book["Data"].iter_rows(values_only=True))
    book.close()
    assert data[0] == ("Breakdown", "Group", "Eligible", "Completed", "Response rate")
    assert data[1][0] == "All"
    for report in reports:
        pdf = report.read_bytes()
        assert pdf.startswith(b"%PDF-") and len(pdf) > 10_000
        assert b"/FontFile2" in pdf  # the fonts are embedded
    # The action plan's workbook and report, and an encrypted copy opened again.
    assert len(list(out.glob("*action plan*.xlsx"))) == 1
    assert len(list(out.glob("*.pdf"))) == 3
    assert "encrypted a copy with SQLCipher and opened it again" in log
    assert b"Demonstration Borough" not in (out / "encrypted.nbdesk").read_bytes()


def test_self_test_fails_loudly_when_a_step_fails(tmp_path: Path) -> None:
    env = dict(os.environ, QT_QPA_PLATFORM="offscreen", NBDESK_DATA_DIR=str(tmp_path / "data"))
    out = tmp_path / "out"
    out.mkdir()
    # An existing demonstration file makes the first step (creating one) fail.
    (out / "demonstration.nbdesk").write_text("in the way")
    result = subprocess.run(
        [sys.executable, "-m", "nbdesk", "--self-test", str(out)],
        capture_output=True,
        text=True,
        env=env,
        timeout=120,
    )
    assert result.returncode == 1
    assert "FAILED: " in (out / "self-test.log").read_text()


def test_export_check_rejects_a_return_without_its_sheets_and_a_bare_pdf(tmp_path: Path) -> None:
    from nbdesk.returns import service
    from nbdesk.ui.self_test import SelfTestFailed, _check_export

    book = Workbook()
    book.active.title = "Cover"
    book.create_sheet("Summary")
    book.create_sheet("About")
    wrong = tmp_path / "wrong.xlsx"
    book.save(wrong)
    with pytest.raises(SelfTestFailed, match="has no Ratings sheet"):
        _check_export(service.SA_RETURN, wrong, 106)

    book.create_sheet("Ratings").append(["Area", "Item", "Statement", "Rating"])
    book.save(wrong)
    with pytest.raises(
        SelfTestFailed,
        match=re.escape("Ratings sheet starts Area | Item | Statement | Rating, not"),
    ):
        _check_export(service.SA_RETURN, wrong, 106)

    with pytest.raises(SelfTestFailed, match="was not written"):
        _check_export(service.PARTICIPATION_RETURN, tmp_path / "missing.xlsx", 106)

    bare = tmp_path / "bare.pdf"
    bare.write_bytes(b"%PDF-1.4\n%%EOF\n")
    with pytest.raises(SelfTestFailed, match="only 15 bytes"):
        _check_export(service.SA_REPORT, bare, 106)
    bare.write_bytes(b"not a pdf" * 2000)
    with pytest.raises(SelfTestFailed, match="is not a PDF"):
        _check_export(service.PARTICIPATION_REPORT, bare, 106)
