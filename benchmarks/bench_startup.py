"""Cold start: process start to main window shown on the large file, then quit, against a bare
PySide6 window started the same way."""

from __future__ import annotations

import os
import sys
import tempfile

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


def measure(ctx: Context) -> list[Figure]:
    env = dict(os.environ, QT_QPA_PLATFORM="offscreen")
    env["NBDESK_DATA_DIR"] = tempfile.mkdtemp(prefix="nbdesk-bench-")
    bare = median_seconds([sys.executable, "-c", BARE_WINDOW], ctx.repeat, env)
    app = median_seconds(
        [sys.executable, "-m", "nbdesk", "--db", str(ctx.large_db), "--quit-when-shown"],
        ctx.repeat,
        env,
    )
    return [
        Figure(
            "cold start on the large file ÷ bare PySide6 window",
            app / bare,
            target=2.0,
            detail=f"medians {app * 1000:.0f} ms vs {bare * 1000:.0f} ms",
        )
    ]
