"""The clock seam (issue: the first hour): nbdesk reads the date only through nbdesk.common.clock,
so a test fixes the day and no test depends on the day it is run."""

from __future__ import annotations

import re
import subprocess
import sys
from datetime import date, datetime

import pytest

from nbdesk.common import clock as nbdesk_clock
from tests.support.paths import ROOT

DIRECT_READS = re.compile(
    r"\b(?:date\.today|datetime\.(?:now|today|utcnow)|QDate\.currentDate|"
    r"QDateTime\.current\w*|time\.localtime|time\.time)\s*\("
)


def test_nothing_but_the_clock_module_reads_the_date() -> None:
    offenders = []
    for path in sorted((ROOT / "nbdesk").rglob("*.py")):
        if path == ROOT / "nbdesk" / "common" / "clock.py":
            continue
        for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1):
            if DIRECT_READS.search(line):
                offenders.append(f"{path.relative_to(ROOT)}:{number}: {line.strip()}")
    assert offenders == []


def test_every_test_starts_on_the_same_day() -> None:
    assert nbdesk_clock.now() == datetime(2026, 11, 18, 10, 30)
    assert nbdesk_clock.today() == date(2026, 11, 18)


def test_a_test_can_move_the_clock(clock) -> None:
    clock.set(date(2028, 2, 29))
    assert nbdesk_clock.today() == date(2028, 2, 29)


def test_a_process_started_by_a_test_sees_the_same_day() -> None:
    out = subprocess.run(
        [sys.executable, "-c", "from nbdesk.common import clock; print(clock.today())"],
        capture_output=True,
        text=True,
        check=True,
    ).stdout.strip()
    assert out == "2026-11-18"


def test_a_malformed_fixed_day_is_refused_plainly(monkeypatch: pytest.MonkeyPatch) -> None:
    nbdesk_clock.fix(None)
    monkeypatch.setenv("NBDESK_TODAY", "next tuesday")
    with pytest.raises(ValueError, match="NBDESK_TODAY='next tuesday' is not a date"):
        nbdesk_clock.today()
