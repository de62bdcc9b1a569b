"""Every window of the Self-assessment section, the main window and the file's dialogs fit a 1366×768
laptop with twice the default font (issue 15), checked in a process of its own on a screen of that
size, as tests/support/fit_sweep.py describes."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

from tests.support.fit_sweep import screen_config
from tests.support.paths import ROOT


def test_every_window_fits_a_laptop_at_twice_the_font(demo_file: Path, tmp_path: Path) -> None:
    config = tmp_path / "screen.json"
    config.write_text(json.dumps(screen_config()), encoding="utf-8")
    report = tmp_path / "fit.json"
    env = dict(
        os.environ,
        QT_QPA_PLATFORM=f"offscreen:configfile={config}",
        QT_FONT_DPI="192",
        HOME=str(tmp_path),  # where a file dialog opens: not the real Documents
        PYTHONPATH=str(ROOT),
    )
    result = subprocess.run(
        [sys.executable, "-m", "tests.support.fit_sweep", str(demo_file), str(report)],
        capture_output=True,
        text=True,
        env=env,
        cwd=ROOT,
        timeout=900,  # a dialog nobody answered must not hang the suite
    )
    assert result.returncode == 0, result.stdout + result.stderr
    found = json.loads(report.read_text(encoding="utf-8"))
    # The font doubled as on a real X server: Qt's pixels are twice the screen's.
    assert found["screen"] == {"room": [0, 0, 683, 384], "ratio": 2.0}
    checked = found["checked"]
    for state in (
        "main window, first start",
        "workshop, a statement",
        "workshop, an area's overall rating",
        "results, Sitt&ings",
        "compare, statements",
        "import ratings, a broken file",
        "new assessment, the demonstration framework added",
        "load framework, one already in the file",
        "go to a statement",
        "recovery key",
        "unlock again",
        "file dialog, save",
        "file dialog, open an authority file",
        "open a server database",
        "open a server database, refused",
    ):
        assert state in checked, f"{state} was not reached: {checked}"
    problems = found["problems"]
    # The window made with every fault shows each check can fail.
    faults = "\n".join(p for p in problems if p.startswith("[self-check]"))
    assert "the window cannot be made smaller than" in faults
    assert "is not inside the screen" in faults
    assert "QPushButton 'Over' and QPushButton 'Under' overlap" in faults
    assert "QPushButton 'Far' is" in faults
    assert "QLabel 'A warning that wraps onto many lines." in faults
    real = [p for p in problems if not p.startswith("[self-check]")]
    assert real == [], "\n" + "\n".join(real)
