"""Python's memory, set for a window that must not freeze, hang or grow (issue 16): the cyclic
garbage collector, and the source text PySide6 leaves behind.

A collection of the oldest generation stops every thread while it walks every object the process
holds. With the huge authority's who-next list on screen and the worker reading 50,000 rows, each
took 50 to 170 ms, several to a read, and the window froze as long (benchmarks/bench_stall.py).
nbdesk's data (rows of tuples and dataclasses) seldom forms cycles, and reference counting frees it
without the collector. So once a file is open and the sections' modules are imported, what is
loaded by then (modules, classes, SQLAlchemy's mappers) is put out of the collector's sight
(gc.freeze: still freed when nothing refers to it, only never walked), and the collector runs less
often.

And it runs on the UI thread alone. Python collects on whichever thread happens to allocate, and a
collection on the worker deletes any widget it finds in a cycle there, off the UI thread, which Qt
does not allow: a closed dialog's labels, deleted by a collection inside a worker's read, held a Qt
lock while their destructor waited for the interpreter, which the UI thread held while it waited
for that lock (a test hung for good). So once there is a worker, automatic collection is off, and a
timer on the UI thread runs the collections it would have run, by the same counts.
"""

from __future__ import annotations

import gc

from PySide6.QtCore import QCoreApplication, QTimer

# Collections of the youngest generation after 2,000 new objects (not 700), of the middle one after
# 20 of those, of the oldest after 100 of the middle (not 10).
THRESHOLDS = (2000, 20, 100)


# How often the UI thread looks at the counts, and how many looks apart two collections of the
# oldest generation may be at least (Python itself also waits for that generation to grow by a
# quarter, which it does not say): each walks every object not frozen.
LOOK_EVERY_MS = 100
OLDEST_AT_MOST_EVERY = 300  # 30 seconds

_timer: QTimer | None = None
_looks_since_oldest = OLDEST_AT_MOST_EVERY


def collect_on_ui_thread() -> None:
    """From now on, collect on this thread alone (the UI thread's, before a worker starts). Again,
    it does nothing."""
    global _timer
    app = QCoreApplication.instance()
    if _timer is not None or app is None:
        return
    gc.disable()
    _timer = QTimer(app)
    _timer.setInterval(LOOK_EVERY_MS)
    _timer.timeout.connect(collect_due)
    _timer.start()


def collect_due() -> int | None:
    """The collection Python would have started by now, if any; the generation collected."""
    global _looks_since_oldest
    _looks_since_oldest += 1
    counts, limits = gc.get_count(), gc.get_threshold()
    if counts[2] > limits[2] and _looks_since_oldest >= OLDEST_AT_MOST_EVERY:
        generation = 2
        _looks_since_oldest = 0
    elif counts[1] > limits[1]:
        generation = 1
    elif counts[0] > limits[0]:
        generation = 0
    else:
        return None
    gc.collect(generation)
    return generation


def settle() -> None:
    """Once the window's code and the open file's are loaded (any thread may call it)."""
    gc.freeze()
    gc.set_threshold(*THRESHOLDS)


def forget_sources() -> None:
    """Let go of the source text PySide6 read for each module imported since it was loaded (its
    check for `from __feature__ import …` reads a module's whole source, and linecache keeps it):
    2.8 MiB by the first screen, which the window's own memory reuses once freed. A traceback reads
    again what it quotes."""
    import linecache

    linecache.clearcache()
