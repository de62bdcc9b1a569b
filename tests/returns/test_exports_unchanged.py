"""The exports made lean for issue 16 write exactly what they wrote before, cell by cell.

Each file below was written by the code before that work (the same small demonstration authority,
the same fixed clock) and read back whole by tests.support.read_back: every value and its type,
every part of every cell's style, widths, heights, merged cells and page set-up for a workbook, the
rows for a CSV. The snapshot is that read-back; each export written now must read back the same.
The participation return is also written for the returns tests' round of 90 people, whose small
groups bring out the suppression, so `[c]` lands in the same cells as before.

After an intended change to an export, rewrite the snapshot with NBDESK_UPDATE_SNAPSHOT=1 and read
its difference before committing it (the snapshot is gzip'd JSON, one value to a line).
"""

from __future__ import annotations

import gzip
import json
import os
from datetime import date
from pathlib import Path
from typing import Any

import pytest

from nbdesk import __version__
from nbdesk.storage.location import Location
from tests.support.read_back import first_difference, read_back
from tests.support.returns_round import EARLIER, ROUND, add_round, people

SNAPSHOT = Path(__file__).parent / "data" / "exports_read_back.json.gz"
# A complete assessment and a half-done one; a round of the demonstration and the round of 90.
ASSESSMENTS = ("Baseline 2020 – staff", "Follow-up 2022 – staff")
ROUNDS = ("Time 2 survey", ROUND)
VERSION = "<nbdesk version>"
PLAN_LINK = "https://www.example.gov.uk/care-leavers/plan"


def _without_version(value: Any) -> Any:
    """The read-back with nbdesk's version number taken out: a new version is not a change."""
    if isinstance(value, str):
        return value.replace(f"nbdesk {__version__}", f"nbdesk {VERSION}")
    if isinstance(value, list):
        return [_without_version(v) for v in value]
    if isinstance(value, dict):
        return {k: _without_version(v) for k, v in value.items()}
    return value


def _exports(db_path: Path, out: Path) -> dict[str, Any]:
    from nbdesk.returns.gather import round_data, self_assessment_data
    from nbdesk.returns.participation_return import write_participation_return
    from nbdesk.returns.self_assessment_return import write_self_assessment_return
    from nbdesk.self_assessment.assessments import list_assessments
    from nbdesk.storage import open_database
    from nbdesk.survey.notify import notify_list, write_left_out_file, write_notify_file
    from nbdesk.survey.rounds import list_rounds

    written: dict[str, Path] = {}
    db = open_database(db_path)
    try:
        with db.session() as session:
            for a in (a for a in list_assessments(session) if a.name in ASSESSMENTS):
                path = out / f"sa-{a.id}.xlsx"
                write_self_assessment_return(self_assessment_data(session, a.id), path)
                written[f"self-assessment return: {a.name}"] = path
            for r in (r for r in list_rounds(session) if r.name in ROUNDS):
                path = out / f"participation-{r.id}.xlsx"
                write_participation_return(round_data(session, r.id, weekly=False), path)
                written[f"participation return: {r.name}"] = path
                lists = {
                    "text": notify_list(session, r.id, "text"),
                    "email": notify_list(session, r.id, "email", ("first name", "round closes")),
                    "everyone": notify_list(session, r.id, everyone=True, plan_link=PLAN_LINK),
                }
                for kind, data in lists.items():
                    for suffix in (".csv", ".xlsx"):
                        path = out / f"notify-{r.id}-{kind}{suffix}"
                        written[f"notify {kind}{suffix}: {r.name}"] = write_notify_file(path, data)
                    path = out / f"left-out-{r.id}-{kind}.csv"
                    written[f"left out {kind}: {r.name}"] = write_left_out_file(path, data)
    finally:
        db.close()
    return {name: _without_version(read_back(path)) for name, path in sorted(written.items())}


@pytest.fixture
def exports(demo_db: Location, tmp_path: Path) -> dict[str, Any]:
    group = people()
    add_round(demo_db, group[:70], name=EARLIER, opens=date(2025, 9, 1))
    add_round(demo_db, group)
    out = tmp_path / "out"
    out.mkdir()
    return _exports(demo_db, out)


def test_every_export_reads_back_as_before(exports: dict[str, Any]) -> None:
    if os.environ.get("NBDESK_UPDATE_SNAPSHOT"):
        SNAPSHOT.parent.mkdir(exist_ok=True)
        text = json.dumps(exports, ensure_ascii=False, indent=0, sort_keys=True)
        SNAPSHOT.write_bytes(gzip.compress(text.encode("utf-8"), mtime=0))
    expected = json.loads(gzip.decompress(SNAPSHOT.read_bytes()).decode("utf-8"))
    assert sorted(exports) == sorted(expected) and len(expected) == 2 + 2 * 10
    # The round of 90 has groups of 1 to 5, so the snapshot holds hidden cells to compare.
    assert any("[c]" in json.dumps(v) for k, v in expected.items() if ROUND in k)
    for name in expected:
        difference = first_difference(expected[name], exports[name], name)
        assert not difference, difference
