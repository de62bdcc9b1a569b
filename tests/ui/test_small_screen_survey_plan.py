"""The Survey outreach, Action plan and Returns sections and their dialogs fit a 1366×768 laptop
at twice the default font, and at the default font (issue 15): small_screen_survey_plan.py run in
a process whose offscreen screen is that laptop's."""

from __future__ import annotations

import json
import os
import subprocess
import sys
import warnings
from pathlib import Path

import pytest

from tests.support.paths import ROOT, TESTS

CHECKS = TESTS / "ui" / "small_screen_survey_plan.py"


@pytest.mark.parametrize(("dpi", "room"), [(192, "683x384"), (96, "1366x768")])
def test_survey_and_action_plan_fit_a_laptop(tmp_path: Path, dpi: int, room: str) -> None:
    screen = tmp_path / "screen.json"
    laptop = {"name": "laptop", "x": 0, "y": 0, "width": 1366, "height": 768}
    screen.write_text(json.dumps({"screens": [{**laptop, "logicalDpi": 96, "dpr": 1}]}))
    env = {
        **os.environ,
        "QT_QPA_PLATFORM": f"offscreen:configfile={screen}",
        # Twice the default font: on Linux, Qt then draws everything (the style's sizes too) twice
        # as large, so the 1366×768 screen offers 683×384 of Qt's own pixels.
        "QT_FONT_DPI": str(dpi),
        "NBDESK_TEST_SCREEN": room,
        "PYTHONPATH": str(ROOT),
    }
    env.pop("QT_SCALE_FACTOR", None)

    def checks() -> subprocess.CompletedProcess[str]:
        return subprocess.run(
            [sys.executable, "-m", "pytest", "-q", "-p", "no:cacheprovider", "-x", str(CHECKS)],
            cwd=ROOT,
            env=env,
            capture_output=True,
            text=True,
            check=False,
        )

    result = checks()
    if result.returncode < 0:
        # The checks' process killed by a signal (a segmentation fault inside Qt while a fixture
        # built the window, in about one CI run in ten, never reproduced on its own: notes of
        # 2 December 2026). Run once more; a second crash, or any check failing, still fails,
        # and the first crash's dump is kept in the warnings for whoever looks into it.
        crash = result.stdout + result.stderr
        start = crash.find("Fatal Python error")
        warnings.warn(
            f"the checks' process died of signal {-result.returncode} and was run again:\n"
            + crash[max(start, 0) : max(start, 0) + 6000],
            stacklevel=1,
        )
        result = checks()
    assert result.returncode == 0, result.stdout[-20000:] + result.stderr[-4000:]
