"""No freeze on the huge file (issue 16): the longest the window's event loop stalls while a PA
works, with nothing run on the UI thread for more than 50 ms as the target.

A separate process (offscreen, its own data folder, a copy of the huge file so the benchmark's file
is never changed) opens the real main window on the huge authority (50,000 people, 1,000,000
contacts) as nbdesk starts, and a watchdog times the event loop: a 5 ms timer on the UI thread
records each gap between its ticks. A PA then works as the tests of tests/ui/survey do, through the
real widgets: opens Survey outreach (Ctrl+2), logs ten contacts down the who-next list (Enter to the
form, Ctrl+Enter to save and move on), types a name into the register's find box a key at a time,
and opens the dashboard, waiting each time, as a person would, for the window to show what was read
or saved.

The figure is the longest gap between ticks (a tick on time shows as 5 ms), then the longest in each
thing the PA did, and the worst few with what the PA was doing. Beside each, how much of it the UI
thread spent running (its CPU time): the rest it waited, for Python's interpreter (held by the
worker: a thread that wakes every 5 ms notes how late it woke) or, on a busy machine, for a core.
Full garbage collections are counted (they stop every thread), and the same watchdog over the idle
window, before the file is opened, gives the machine's own noise. Opening the file (start-up,
measured by bench_startup) is reported apart, for information.
"""

from __future__ import annotations

import gc
import json
import os
import shutil
import subprocess
import sys
import tempfile
import threading
import time
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from run import Context, Figure, ensure_huge

TICK_MS = 5
# Where each thread was during a stall, from sys._current_frames(): for looking into a stall by
# hand (NBDESK_STALL_STACKS=1). Off by default: on Python 3.11 it can crash the process when it
# catches a thread part-way into a call (it did here, once in three runs).
SAMPLE_STACKS = os.environ.get("NBDESK_STALL_STACKS") == "1"
LATE_S = 0.02  # a tick this late means the UI thread is busy: note where it is
TARGET_MS = 50.0
TYPED = "bea pud"
CONTACTS = 10
OPENING = "opening the file (start-up; for information)"
IDLE = "the window idle, no file open (the machine's own noise)"
IDLE_MS = 3000
# What the PA did, by the start of the phases it was in, for the longest stall in each.
ACTIVITIES = (
    ("Survey outreach opening (Ctrl+2)", "Ctrl+2"),
    ("choosing the first person in who-next", "choosing"),
    ("Enter, to the contact form", ": Enter"),
    ("Ctrl+Enter: a contact saved, who-next read again", ": Ctrl+Enter"),
    ("the Register tab shown", "the Register tab"),
    (f"typing '{TYPED}' into the register's find box", "register:"),
    ("the Dashboard tab shown", "the Dashboard tab"),
)
TIMEOUT_S = 600.0


@dataclass
class Stall:
    ms: float
    cpu_ms: float  # of it, the UI thread's own CPU time: the rest it waited (for the interpreter,
    # held by the worker, or for a core, on a busy machine)
    held_ms: float  # the longest the sampling thread waited for the interpreter meanwhile
    phase: str
    where: list[tuple[str, int]] = field(default_factory=list)  # (place, samples)


def _place(frame: Any) -> str:
    """Where the UI thread is: its innermost nbdesk frame, and the innermost frame if elsewhere."""
    innermost = frame
    ours = None
    while frame is not None:
        name = frame.f_code.co_filename
        if ours is None and f"{os.sep}nbdesk{os.sep}" in name:
            ours = frame
        frame = frame.f_back
    parts = []
    for f in (ours, innermost):
        if f is not None:
            text = f"{Path(f.f_code.co_filename).name}:{f.f_lineno} {f.f_code.co_name}"
            if text not in parts:
                parts.append(text)
    return " ← ".join(reversed(parts)) if parts else "(in Qt, no Python frame)"


class Watchdog:
    """A timer ticking every TICK_MS on the UI thread; each gap between ticks is how long the event
    loop could not run. A thread samples the UI thread's stack while a tick is late."""

    def __init__(self) -> None:
        from PySide6.QtCore import Qt, QTimer

        self.phase = ""
        self.stalls: list[Stall] = []
        self.collections: list[tuple[float, str, str]] = []  # (ms, thread, phase), oldest gen
        self._collection_began = 0.0
        self._last = time.perf_counter()
        self._cpu = time.thread_time()
        self._samples: Counter[str] = Counter()
        self._held = 0.0  # the longest the sampling thread waited for the interpreter, seconds
        self._lock = threading.Lock()
        self._running = True
        self._main = threading.main_thread().ident
        self.timer = QTimer()
        self.timer.setTimerType(Qt.TimerType.PreciseTimer)
        self.timer.setInterval(TICK_MS)
        self.timer.timeout.connect(self._tick)
        self._sampler = threading.Thread(target=self._sample, daemon=True)

    def start(self) -> None:
        self._last, self._cpu = time.perf_counter(), time.thread_time()
        self.timer.start()
        self._sampler.start()
        gc.callbacks.append(self._collecting)

    def stop(self) -> None:
        self._running = False
        self.timer.stop()
        self._sampler.join()
        gc.callbacks.remove(self._collecting)

    def _collecting(self, event: str, info: dict[str, int]) -> None:
        """Python's cyclic garbage collector stops every thread while it runs: a collection of
        the oldest generation walks every object the process holds."""
        if event == "start":
            self._collection_began = time.perf_counter()
        elif info["generation"] == 2:
            took = (time.perf_counter() - self._collection_began) * 1000
            who = "UI" if threading.get_ident() == self._main else "worker"
            self.collections.append((took, who, self.phase))

    def set_phase(self, phase: str) -> None:
        self._tick()  # what came before is the previous phase's
        self.phase = phase

    def _tick(self) -> None:
        now, cpu = time.perf_counter(), time.thread_time()
        gap, self._last = now - self._last, now
        used, self._cpu = cpu - self._cpu, cpu
        with self._lock:
            samples, self._samples = self._samples, Counter()
            held, self._held = self._held, 0.0
        if gap * 1000 > 2 * TICK_MS:
            where = samples.most_common(4)
            self.stalls.append(Stall(gap * 1000, used * 1000, held * 1000, self.phase, where))

    def _sample(self) -> None:
        me = threading.get_ident()
        while self._running:
            asleep = time.perf_counter()
            time.sleep(0.005)
            woke = time.perf_counter()
            if woke - self._last <= LATE_S:
                continue
            # Python runs one thread at a time: a sampler that wakes this late could not get the
            # interpreter, held by the UI thread or by the worker (in C code that does not let go).
            late = woke - asleep - 0.005
            places = []
            if SAMPLE_STACKS:
                for ident, frame in sys._current_frames().items():
                    if ident != me:
                        who = "UI" if ident == self._main else "worker"
                        places.append(f"{who}: {_place(frame)}")
            with self._lock:
                self._samples.update(places)
                self._held = max(self._held, late)


# The PA, in the child process ------------------------------------------------------------------


def _pause(ms: int) -> None:
    """Let the event loop run for `ms`, as the time between a person's key presses."""
    from PySide6.QtCore import QEventLoop, QTimer

    loop = QEventLoop()
    QTimer.singleShot(ms, loop.quit)
    loop.exec()


def _wait_until(ready: Any, what: str) -> None:
    deadline = time.perf_counter() + TIMEOUT_S
    while not ready():
        if time.perf_counter() > deadline:
            raise SystemExit(f"gave up waiting for {what}")
        _pause(10)


def _settle(window: Any) -> None:
    """Until the window has finished what it was asked (no read or write in flight, and none
    asked for by what the last one set off), and has the keyboard again: a read slower than
    PROGRESS_DELAY_MS shows a progress dialog, and offscreen no window system hands the keyboard
    back when it closes."""
    from PySide6.QtWidgets import QApplication

    from nbdesk.ui.ops import Ops

    quiet = 0
    deadline = time.perf_counter() + TIMEOUT_S
    while quiet < 3:
        if time.perf_counter() > deadline:
            raise SystemExit("gave up waiting for the worker")
        quiet = 0 if Ops.busy() else quiet + 1
        _pause(20)
    if QApplication.activeWindow() is not window:
        window.activateWindow()
        _wait_until(lambda: QApplication.activeWindow() is window, "the keyboard back")


def _key(widget: Any, key: Any, modifier: Any = None) -> None:
    from PySide6.QtCore import Qt
    from PySide6.QtTest import QTest

    QTest.keyClick(widget, key, modifier or Qt.KeyboardModifier.NoModifier)


def _click_tab(tabs: Any, page: Any) -> None:
    from PySide6.QtCore import Qt
    from PySide6.QtTest import QTest

    bar = tabs.tabBar()
    QTest.mouseClick(bar, Qt.MouseButton.LeftButton, pos=bar.tabRect(tabs.indexOf(page)).center())


def run_child(path: Path) -> dict[str, Any]:
    from PySide6.QtCore import Qt
    from PySide6.QtWidgets import QApplication

    from nbdesk.ui.app import Controller, OpenPlan, set_up_application
    from nbdesk.ui.main_window import SECTION_TITLES, MainWindow

    app = QApplication.instance() or QApplication([sys.argv[0]])
    set_up_application(app)
    dog = Watchdog()
    window = MainWindow()
    window.resize(1366, 850)
    window.show()
    dog.start()
    dog.set_phase(IDLE)
    _pause(IDLE_MS)
    dog.set_phase(OPENING)
    controller = Controller(window)
    controller.interactive = False
    opened: list[str] = []
    controller.opened.connect(lambda: opened.append(""))
    controller.failed.connect(opened.append)
    window.activateWindow()
    controller.start(OpenPlan(path))
    _wait_until(lambda: opened, "the file to open")
    if opened[0]:
        raise SystemExit(f"could not open {path}: {opened[0]}")
    window.activateWindow()
    _wait_until(lambda: QApplication.activeWindow() is window, "the window to have the keyboard")
    _settle(window)
    _pause(1000)  # the PA looks at the window before going to Survey outreach

    ctrl = Qt.KeyboardModifier.ControlModifier
    dog.set_phase("Ctrl+2: the Survey section opens (rounds, PAs, who-next)")
    _key(QApplication.focusWidget() or window, Qt.Key.Key_2, ctrl)
    _settle(window)
    section = window.section(SECTION_TITLES.index("Survey outreach"))
    tab = section.contacts_tab
    assert window.stack.currentWidget() is section and tab.model.rowCount() > 1000
    _pause(300)

    dog.set_phase("choosing the first person in who-next (Home)")
    tab.view.setFocus()
    _key(tab.view, Qt.Key.Key_Home)
    _settle(window)
    logged = []
    for number in range(1, CONTACTS + 1):
        person = tab.panel.person
        assert person is not None, f"nobody chosen before contact {number}"
        logged.append(person.unique_id)
        dog.set_phase(f"contact {number}: Enter, to the contact form")
        _key(tab.view, Qt.Key.Key_Return)
        _settle(window)
        _pause(150)
        dog.set_phase(f"contact {number}: Ctrl+Enter saves; who-next read again, next chosen")
        focus = QApplication.focusWidget()
        assert focus is not None and tab.panel.isAncestorOf(focus), "not in the contact form"
        _key(focus, Qt.Key.Key_Return, ctrl)
        _settle(window)
        _pause(150)

    dog.set_phase("the Register tab shown")
    _click_tab(section.tabs, section.register_tab)
    _settle(window)
    _pause(300)
    register = section.register_tab
    register.search.setFocus()
    for typed in range(1, len(TYPED) + 1):
        dog.set_phase(f"register: typing '{TYPED[:typed]}'")
        _key(register.search, TYPED[typed - 1])
        _pause(120)  # a person's pace between keys: each key's read may still be running
    dog.set_phase(f"register: the list for '{TYPED}' shown")
    _settle(window)
    shown = register.model.rowCount()
    _pause(300)

    dog.set_phase("the Dashboard tab shown (the round counted)")
    _click_tab(section.tabs, section.dashboard_tab)
    _settle(window)
    board = section.dashboard_tab.board
    assert board is not None, "the dashboard was not shown"
    _pause(300)
    dog.set_phase("")
    dog.stop()

    window.close()
    controller.let_go()
    opening = [s for s in dog.stalls if s.phase == OPENING]
    idle = [s for s in dog.stalls if s.phase == IDLE]
    working = [s for s in dog.stalls if s.phase not in (IDLE, OPENING, "")]
    worst = sorted(working, key=lambda s: s.ms, reverse=True)
    phases: dict[str, list[float]] = {}  # the longest stall in each: [ms, UI CPU ms]
    for s in working:
        if s.ms > phases.get(s.phase, [0.0])[0]:
            phases[s.phase] = [s.ms, s.cpu_ms]
    return {
        "longest": worst[0].ms if worst else float(TICK_MS),
        "worst": [[s.ms, s.cpu_ms, s.held_ms, s.phase, s.where] for s in worst[:8]],
        "over_target": sum(1 for s in working if s.ms > TARGET_MS),
        "all_over": [
            [s.ms, s.cpu_ms, s.held_ms, s.phase, s.where] for s in dog.stalls if s.ms > TARGET_MS
        ],
        "phases": phases,
        "opening_longest": max((s.ms for s in opening), default=float(TICK_MS)),
        "idle_longest": max((s.ms for s in idle), default=float(TICK_MS)),
        "collections": dog.collections,
        "logged": logged,
        "register_shown": shown,
        "eligible": board.overall.eligible,
    }


# In the benchmark run ---------------------------------------------------------------------------


def measure(ctx: Context) -> list[Figure]:
    huge = ensure_huge(ctx)
    folder = Path(tempfile.mkdtemp(prefix="nbdesk-bench-stall-"))
    try:
        copy = folder / "huge.nbdesk"
        shutil.copyfile(huge, copy)
        env = dict(os.environ, QT_QPA_PLATFORM="offscreen", NBDESK_DATA_DIR=str(folder / "data"))
        done = subprocess.run(
            [sys.executable, __file__, str(copy)], env=env, capture_output=True, text=True
        )
        if done.returncode != 0:
            print(done.stdout[-3000:], done.stderr[-3000:], sep="\n")
            raise SystemExit(f"bench_stall's PA did not finish (exit {done.returncode})")
        result = json.loads(done.stdout.strip().splitlines()[-1])
    finally:
        shutil.rmtree(folder, ignore_errors=True)
    figures = [
        Figure(
            "longest UI-thread stall, a PA on the huge file",
            result["longest"],
            target=TARGET_MS,
            unit=" ms",
            detail=f"{result['over_target']} stalls over {TARGET_MS:g} ms; {CONTACTS} contacts "
            f"logged, register filtered to {result['register_shown']}, dashboard of "
            f"{result['eligible']:,} eligible",
        )
    ]
    for label, prefix in ACTIVITIES:
        ms, cpu = max(
            (found for phase, found in result["phases"].items() if prefix in phase),
            default=[float(TICK_MS), 0.0],
        )
        figures.append(
            Figure(
                f"  longest stall: {label}"[:61],
                ms,
                target=TARGET_MS,
                unit=" ms",
                detail=f"UI thread running {cpu:.0f} ms of it",
            )
        )
    for ms, cpu, held, phase, where in result["worst"][:5]:
        places = "".join(f"; {place} ×{n}" for place, n in where)
        figures.append(
            Figure(
                f"  stall: {phase}"[:61],
                ms,
                unit=" ms",
                detail=f"UI thread running {cpu:.0f} ms of it; interpreter held elsewhere up to "
                f"{held:.0f} ms{places}",
            )
        )
    collections = [c for c in result["collections"] if c[2] not in (IDLE, OPENING, "")]
    figures += [
        Figure(
            "  full garbage collections while the PA worked, longest",
            max((c[0] for c in collections), default=0.0),
            unit=" ms",
            detail=f"{len(collections)} of them (they stop every thread)",
        ),
        Figure(
            "  longest stall of the idle window (the machine's noise)",
            result["idle_longest"],
            unit=" ms",
        ),
        Figure(
            "  longest stall while the file opened (start-up, for information)",
            result["opening_longest"],
            unit=" ms",
        ),
    ]
    return figures


if __name__ == "__main__":
    print(json.dumps(run_child(Path(sys.argv[1]))), flush=True)
