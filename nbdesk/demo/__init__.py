"""Demonstration authorities: fictional data, clearly labelled, for training and for benchmarks.

`small` is a believable authority to click around in; `large` is the synthetic large authority the
benchmarks open (it grows as features land). Every person, name and figure in them is invented.
"""

from __future__ import annotations

import random
from collections.abc import Callable
from pathlib import Path

from sqlalchemy.orm import Session

from nbdesk.storage import Database, create_database

SIZES = ("small", "large")
DEMO_AUTHORITY = "Demonstration Borough Council (fictional)"
LARGE_AUTHORITY = "Synthetic Large Authority (fictional benchmark data)"

# Each step fills one part of the demonstration; later features append theirs. A step receives the
# session, the size and a seeded random generator so the same size always gives the same file.
Step = Callable[[Session, str, random.Random], None]


def _steps() -> list[Step]:
    from nbdesk.demo import assessments, frameworks, survey

    return [frameworks.populate, assessments.populate, survey.populate]


def create_demo(
    path: Path, size: str = "small", progress: Callable[[str], None] | None = None
) -> Database:
    if size not in SIZES:
        raise ValueError(f"size must be one of {', '.join(SIZES)}, not '{size}'")
    name = DEMO_AUTHORITY if size == "small" else LARGE_AUTHORITY
    db = create_database(Path(path), name)
    rng = random.Random(20201 if size == "small" else 424)
    try:
        for step in _steps():
            if progress:
                progress((step.__doc__ or step.__module__).strip().splitlines()[0])
            with db.transaction() as session:
                step(session, size, rng)
    except Exception:
        db.close()
        for leftover in (Path(path), Path(f"{path}-wal"), Path(f"{path}-shm")):
            leftover.unlink(missing_ok=True)
        raise
    return db
