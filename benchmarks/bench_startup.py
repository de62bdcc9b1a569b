"""Cold start: process start to main window shown on the large file with its data in it, then quit,
against a bare PySide6 window started the same way. Rounds alternate (a bare window, then nbdesk)
so a noisy machine slows both alike; each figure is the ratio of medians. Beside wall time it
reports CPU time (user + system) and peak memory (maximum resident set), both of the process
itself (os.wait4), and, from the app's own trace, when the window first appeared and when the
file's data was in it."""

from __future__ import annotations

import json
import os
import statistics
import subprocess
import sys
import tempfile
import time
from dataclasses import asdict, dataclass

from run import Context, Figure

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


@dataclass
class Run:
    wall: float  # seconds
    cpu: float | None  # seconds, user + system; None where os.wait4 is missing (Windows)
    peak_mib: float | None
    marks: dict[str, float]  # from the app's trace: seconds since launch


def measured(command: list[str], env: dict[str, str]) -> Run:
    env = dict(env, NBDESK_STARTUP_T0=repr(time.time()))
    with tempfile.TemporaryFile() as err:
        start = time.perf_counter()
        proc = subprocess.Popen(command, env=env, stdout=subprocess.DEVNULL, stderr=err)
        cpu = peak = None
        if hasattr(os, "wait4"):
            _, status, usage = os.wait4(proc.pid, 0)
            proc.returncode = os.waitstatus_to_exitcode(status)
            cpu = usage.ru_utime + usage.ru_stime
            # Linux reports kilobytes, macOS bytes.
            peak = usage.ru_maxrss / (1024 * 1024 if sys.platform == "darwin" else 1024)
        else:
            proc.wait()
        wall = time.perf_counter() - start
        err.seek(0)
        text = err.read().decode(errors="replace")
    if proc.returncode != 0:
        raise SystemExit(f"{command} failed ({proc.returncode}):\n{text}")
    marks = {}
    for line in text.splitlines():
        if line.startswith("startup: "):
            _, event, ms, _unit = line.split()
            marks[event] = float(ms) / 1000
    return Run(wall, cpu, peak, marks)


def median(values: list[float | None]) -> float | None:
    known = [v for v in values if v is not None]
    return statistics.median(known) if known else None


def runs(large_db: str, repeat: int) -> tuple[list[Run], list[Run]]:
    """The bare window's starts and nbdesk's, alternately."""
    env = dict(os.environ, QT_QPA_PLATFORM="offscreen")
    env["NBDESK_DATA_DIR"] = tempfile.mkdtemp(prefix="nbdesk-bench-")
    bare_command = [sys.executable, "-c", BARE_WINDOW]
    app_command = [sys.executable, "-m", "nbdesk", "--db", large_db, "--quit-when-shown"]
    bare: list[Run] = []
    app: list[Run] = []
    for _ in range(repeat):
        bare.append(measured(bare_command, env))
        app.append(measured(app_command, env))
    return bare, app


def measure(ctx: Context) -> list[Figure]:
    # The starts are made from a small process of its own: the peak memory Linux reports for a
    # child counts what the process that started it held when it forked, and by this benchmark
    # run.py holds several hundred MiB of the others' (both peaks read 475 MiB in a full run).
    done = subprocess.run(
        [sys.executable, __file__, str(ctx.large_db), str(ctx.repeat)],
        stdout=subprocess.PIPE,
        text=True,
        check=True,
    )
    found = json.loads(done.stdout.strip().splitlines()[-1])
    bare, app = ([Run(**r) for r in side] for side in found)
    wall = (median([r.wall for r in app]), median([r.wall for r in bare]))
    cpu = (median([r.cpu for r in app]), median([r.cpu for r in bare]))
    peak = (median([r.peak_mib for r in app]), median([r.peak_mib for r in bare]))
    shown = statistics.median(r.marks["window-shown"] for r in app)
    loaded = statistics.median(r.marks["data-loaded"] for r in app)
    assert wall[0] is not None and wall[1] is not None
    figures = [
        Figure(
            "cold start on the large file ÷ bare PySide6 window",
            wall[0] / wall[1],
            target=2.0,
            detail=f"medians {wall[0] * 1000:.0f} ms vs {wall[1] * 1000:.0f} ms",
        ),
    ]
    if cpu[0] is not None and cpu[1] is not None:
        figures.append(
            Figure(
                "  in CPU time (user + system)",
                cpu[0] / cpu[1],
                target=2.0,
                detail=f"medians {cpu[0] * 1000:.0f} ms vs {cpu[1] * 1000:.0f} ms",
            )
        )
    if peak[0] is not None and peak[1] is not None:
        figures.append(
            Figure(
                "  peak memory (maximum resident set)",
                peak[0] / peak[1],
                target=1.5,
                detail=f"medians {peak[0]:.0f} MiB vs {peak[1]:.0f} MiB",
            )
        )
    figures.append(
        Figure(
            "  of which: window on screen ÷ bare window (whole run)",
            shown / wall[1],
            detail=f"window at {shown * 1000:.0f} ms, data in it at {loaded * 1000:.0f} ms",
        )
    )
    return figures


if __name__ == "__main__":
    measured_runs = runs(sys.argv[1], int(sys.argv[2]))
    print(json.dumps([[asdict(r) for r in side] for side in measured_runs]), flush=True)
