"""Demonstration authorities: fictional data, clearly labelled, for training and for benchmarks.

`small` is a believable authority to click around in; `large` is the synthetic large authority the
benchmarks open (it grows as features land). Every person, name and figure in them is invented.
"""

from __future__ import annotations

import os
import random
from collections.abc import Callable
from pathlib import Path

from sqlalchemy.orm import Session

from nbdesk.storage import Database, create_database
from nbdesk.storage.database import remove_database_files

SIZES = ("small", "large")
DEMO_AUTHORITY = "Demonstration Borough Council (fictional)"
LARGE_AUTHORITY = "Synthetic Large Authority (fictional benchmark data)"

# Each step fills one part of the demonstration; later features append theirs. A step receives the
# session, the size and a seeded random generator so the same size always gives the same file.
Step = Callable[[Session, str, random.Random], None]


def _steps() -> list[Step]:
    from nbdesk.demo import assessments, feedback, frameworks, plans, survey

    return [
        frameworks.populate,
        assessments.populate,
        survey.populate,
        plans.populate,
        feedback.populate,
    ]


def create_demo(
    path: Path, size: str = "small", progress: Callable[[str], None] | None = None
) -> Database:
    """Build the demonstration beside `path` and move it into place only once it is whole: a
    build cut short (killed, or out of disk) never leaves a half-made file that looks finished."""
    if size not in SIZES:
        raise ValueError(f"size must be one of {', '.join(SIZES)}, not '{size}'")
    path = Path(path)
    if path.exists():
        raise FileExistsError(f"{path} already exists; nbdesk will not overwrite it.")
    building = path.with_name(path.name + ".building")
    name = DEMO_AUTHORITY if size == "small" else LARGE_AUTHORITY
    db = create_database(building, name)
    rng = random.Random(20201 if size == "small" else 424)
    try:
        for step in _steps():
            if progress:
                progress((step.__doc__ or step.__module__).strip().splitlines()[0])
            with db.transaction() as session:
                step(session, size, rng)
        db.close()  # the last connection: SQLite folds the -wal into the file and removes it
        if path.exists():
            raise FileExistsError(f"{path} appeared while the demonstration was being built.")
        os.replace(building, path)
    except BaseException:
        db.close()
        remove_database_files(building)  # only the files this build made
        raise
    return Database(path)
