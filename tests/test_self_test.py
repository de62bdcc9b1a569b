"""`nbdesk --self-test`, the check a built bundle runs, passes from the source tree too."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path


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
    assert "exported:" in log
    assert log.rstrip().endswith("self-test passed")
    assert (out / "main-window.png").stat().st_size > 1000


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
