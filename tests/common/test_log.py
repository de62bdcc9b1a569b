"""The log file: written only when something goes wrong, rotated at 1 MB with three old logs kept,
each readable by the user alone."""

from __future__ import annotations

import stat
from pathlib import Path

import pytest

from nbdesk.common.log import record_failure


def test_the_log_rotates_and_every_log_is_private(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("NBDESK_DATA_DIR", str(tmp_path / "data"))
    details = "x" * 100_000
    for number in range(45):  # 4.5 MB: four rotations, three old logs kept
        log = record_failure(f"Failure {number}", details)
    logs = sorted(log.parent.glob("nbdesk.log*"))
    assert [p.name for p in logs] == ["nbdesk.log", "nbdesk.log.1", "nbdesk.log.2", "nbdesk.log.3"]
    for path in logs:
        assert stat.S_IMODE(path.stat().st_mode) == 0o600
        assert path.stat().st_size <= 1_000_000
    assert "Failure 44" in log.read_text()
    assert "Failure 0\n" not in "".join(p.read_text() for p in logs)
