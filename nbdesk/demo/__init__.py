"""Demonstration authorities: fictional data, clearly labelled, for training and for benchmarks.

`small` is a believable authority to click around in, written through the services; `large` and
`huge` are synthetic authorities for the benchmarks, generated in bulk to the counts in SIZES (they
grow as features land). Every person, name and figure in them is invented.
"""

from __future__ import annotations

import os
import random
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Protocol

from sqlalchemy.orm import Session

from nbdesk.storage import Database, create_database
from nbdesk.storage.database import remove_database_files
from nbdesk.storage.location import Location, is_server_url

DEMO_AUTHORITY = "Demonstration Borough Council (fictional)"
LARGE_AUTHORITY = "Synthetic Large Authority (fictional benchmark data)"
HUGE_AUTHORITY = "Synthetic Huge Authority (fictional benchmark data)"

Report = Callable[[str], None]


@dataclass(frozen=True)
class Scale:
    """What one size of demonstration holds. The counts are those of a generated size; the small
    demonstration is written by hand and leaves them at nought."""

    name: str
    authority: str
    seed: int  # the same size always gives the same file
    people: int = 0  # on the register
    contacts: int = 0  # outreach contacts, over all rounds
    rounds: int = 0  # survey rounds: the newest open, the others closed
    assessments: int = 0  # complete self-assessments, staff and young people in turn
    plan_actions: tuple[int, ...] = ()  # the actions of each action plan

    @property
    def generated(self) -> bool:
        return self.people > 0


SIZES: dict[str, Scale] = {
    "small": Scale("small", DEMO_AUTHORITY, 20201),
    "large": Scale(
        "large",
        LARGE_AUTHORITY,
        424,
        people=10_000,
        contacts=100_000,
        rounds=1,
        assessments=4,
        plan_actions=(120, 50, 30),
    ),
    "huge": Scale(
        "huge",
        HUGE_AUTHORITY,
        5050,
        people=50_000,
        contacts=1_000_000,
        rounds=10,
        assessments=8,
        plan_actions=(120, 50, 30),
    ),
}


class Step(Protocol):
    """Fills one part of the demonstration; later features append theirs. It receives the
    session, the scale and a seeded random generator, and may say how far it has got."""

    __doc__: str | None

    def __call__(
        self, session: Session, scale: Scale, rng: random.Random, progress: Report
    ) -> None: ...


def _steps() -> list[Step]:
    from nbdesk.demo import assessments, feedback, frameworks, plans, survey

    return [
        frameworks.populate,
        assessments.populate,
        survey.populate,
        plans.populate,
        feedback.populate,
    ]


def quiet(_text: str) -> None:
    """A progress report nobody reads."""
    pass


def _fill(db: Database, scale: Scale, report: Report) -> None:
    rng = random.Random(scale.seed)
    for step in _steps():
        report((step.__doc__ or step.__module__).strip().splitlines()[0])
        with db.transaction() as session:
            step(session, scale, rng, report)


def create_demo(
    path: Location, size: str | Scale = "small", progress: Report | None = None
) -> Database:
    """Build the demonstration beside `path` and move it into place only once it is whole: a
    build cut short (killed, or out of disk) never leaves a half-made file that looks finished.
    `size` is a name in SIZES, or a Scale of one's own (a smaller huge, say, for a test). Given a
    server's URL, it is built in that empty database (refused if it holds nbdesk tables)."""
    if isinstance(size, str):
        if size not in SIZES:
            raise ValueError(f"size must be one of {', '.join(SIZES)}, not '{size}'")
        scale = SIZES[size]
    else:
        scale = size
    if is_server_url(path):
        db = create_database(path, scale.authority)
        try:
            _fill(db, scale, progress or quiet)
        except BaseException:
            db.close()
            raise
        return db
    path = Path(path)
    if path.exists():
        raise FileExistsError(f"{path} already exists; nbdesk will not overwrite it.")
    report = progress or quiet
    building = path.with_name(path.name + ".building")
    db = create_database(building, scale.authority)
    try:
        _fill(db, scale, report)
        report("Writing the file")
        db.close()  # the last connection: SQLite folds the -wal into the file and removes it
        if path.exists():
            raise FileExistsError(f"{path} appeared while the demonstration was being built.")
        os.replace(building, path)
    except BaseException:
        db.close()
        remove_database_files(building)  # only the files this build made
        raise
    return Database(path)
