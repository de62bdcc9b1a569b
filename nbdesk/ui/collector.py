"""Python's memory, set for a window that must not freeze or grow (issue 16): the cyclic garbage
collector, and the source text PySide6 leaves behind.

A collection of the oldest generation stops every thread while it walks every object the process
holds. With the huge authority's who-next list on screen and the worker reading 50,000 rows, each
took 50 to 170 ms, several to a read, and the window froze as long (benchmarks/bench_stall.py).
nbdesk's data (rows of tuples and dataclasses) seldom forms cycles, and reference counting frees it
without the collector. So once a file is open and the sections' modules are imported, what is
loaded by then (modules, classes, SQLAlchemy's mappers) is put out of the collector's sight
(gc.freeze: still freed when nothing refers to it, only never walked), and the collector runs less
often.
"""

from __future__ import annotations

import gc

# Collections of the youngest generation after 2,000 new objects (not 700), of the middle one after
# 20 of those, of the oldest after 100 of the middle (not 10).
THRESHOLDS = (2000, 20, 100)


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
