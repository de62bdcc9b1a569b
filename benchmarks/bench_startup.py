"""Cold start: process start to main window shown on the large file with its data loaded, then
quit, against a bare PySide6 window started the same way. Also reports, from the app's own trace,
when the window first appeared (before the file's data arrived from the worker thread)."""

from __future__ import annotations

import os
import statistics
import subprocess
import sys
import tempfile
import time

from run import Context, Figure, median_seconds

BARE_WINDOW = """
import sys
from PySide6.QtCore import QTimer
from PySide6.QtWidgets import QApplication, QMainWindow
app = QApplication(sys.argv)
window = QMainWindow()
window.show()
QTimer.singleShot(0, window.close)
sys.exit(app.exec())
"""


def traced_start(ctx: Context, env: dict[str, str]) -> dict[str, float]:
    env = dict(env, NBDESK_STARTUP_T0=repr(time.time()))
    result = subprocess.run(
        [sys.executable, "-m", "nbdesk", "--db", str(ctx.large_db), "--quit-when-shown"],
        env=env,
        capture_output=True,
        text=True,
        check=True,
    )
    marks = {}
    for line in result.stderr.splitlines():
        if line.startswith("startup: "):
            _, event, ms, _unit = line.split()
            marks[event] = float(ms) / 1000
    return marks


def measure(ctx: Context) -> list[Figure]:
    env = dict(os.environ, QT_QPA_PLATFORM="offscreen")
    env["NBDESK_DATA_DIR"] = tempfile.mkdtemp(prefix="nbdesk-bench-")
    bare = median_seconds([sys.executable, "-c", BARE_WINDOW], ctx.repeat, env)
    app = median_seconds(
        [sys.executable, "-m", "nbdesk", "--db", str(ctx.large_db), "--quit-when-shown"],
        ctx.repeat,
        env,
    )
    traces = [traced_start(ctx, env) for _ in range(ctx.repeat)]
    shown = statistics.median(t["window-shown"] for t in traces)
    loaded = statistics.median(t["data-loaded"] for t in traces)
    return [
        Figure(
            "cold start on the large file ÷ bare PySide6 window",
            app / bare,
            target=2.0,
            detail=f"medians {app * 1000:.0f} ms vs {bare * 1000:.0f} ms",
        ),
        Figure(
            "  of which: window on screen ÷ bare window (whole run)",
            shown / bare,
            detail=f"window at {shown * 1000:.0f} ms, data in it at {loaded * 1000:.0f} ms",
        ),
    ]
