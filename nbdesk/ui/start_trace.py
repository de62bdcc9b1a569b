"""For the benchmark (benchmarks/bench_startup.py): when the window appeared and when the file's
data was in it, printed on stderr as offsets from the launch."""

from __future__ import annotations

import os
import sys
from typing import Any

from PySide6.QtCore import QTimer
from PySide6.QtWidgets import QWidget

from nbdesk.common import clock


def trace_start_up(window: QWidget, controller: Any) -> None:
    """With NBDESK_STARTUP_T0 set to the launch time (seconds since the epoch)."""
    t0 = float(os.environ["NBDESK_STARTUP_T0"])

    def say(event: str) -> None:
        print(
            f"startup: {event} {1000 * (clock.wall_seconds() - t0):.0f} ms",
            file=sys.stderr,
            flush=True,
        )

    QTimer.singleShot(0, lambda: say("window-shown"))
    controller.shown.connect(lambda: say("data-loaded"))
