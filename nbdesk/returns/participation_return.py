"""The participation return for a survey round: counts only, with small counts suppressed.

It holds the round's name and dates, how many were eligible, how many completed and the response
rate, and the same for each group by age band, gender, accommodation type and PA team. It holds no
name, id, date of birth or contact detail of anyone: it is built from nbdesk.returns.gather's counts
after nbdesk.returns.suppression has hidden every count from 1 to 5 and whatever else would let one
be worked out. A note on each sheet explains the `[c]` symbol.

Sheets: `Cover` (the round at a glance), `Participation` (one table per breakdown, to read and print)
and `Data` (every row in one long table with one header, for the central team to load).
"""

from __future__ import annotations

from datetime import date, datetime
from pathlib import Path
from typing import Any

from nbdesk.common.atomic import write_atomically
from nbdesk.returns.gather import RoundData
from nbdesk.returns.suppression import NOTE, SafeReturn, SafeRow, suppress
from nbdesk.returns.xlsx_common import Progress, Sheet, new_workbook, no_progress

COVER, TABLES, DATA = "Cover", "Participation", "Data"
DATA_HEADERS = ("Breakdown", "Group", "Eligible", "Completed", "Response rate")
TABLE_HEADERS = ("Group", "Eligible", "Completed", "Response rate")


def anonymity(what: str = "return") -> str:
    """What the return (or the report made from it) holds, and never holds."""
    return (
        f"This {what} holds counts only: no names, ids, dates of birth or contact details. nbdesk "
        "records that a person completed the survey, never what they answered."
    )


RATE_FORMAT = "0.0%"


def safe_return(data: RoundData) -> SafeReturn:
    """The round's counts with the suppression applied: what the return and the preview show."""
    return suppress(data.total, data.breakdowns)


def _values(row: SafeRow) -> list[Any]:
    return [row.eligible.shown, row.completed.shown, row.shown_rate]


def build_participation_book(
    data: RoundData, safe: SafeReturn | None = None, progress: Progress = no_progress
) -> Any:
    safe = safe or safe_return(data)
    r = data.round
    book = new_workbook()
    steps = 3
    progress(0, steps, "Writing the cover")
    cover = Sheet(book, COVER, (34, 70), header_row=None, landscape=False)
    cover.title(f"Survey participation return: {r.name}")
    cover.line(f"{data.authority} — Your Life Beyond Care survey round")
    cover.blank()
    facts: list[tuple[str, Any]] = [
        ("Authority", data.authority),
        ("Round", r.name),
        ("Opened", r.opens_on),
        ("Closes" if not r.closed else "Closed", r.closes_on),
        ("Status", "Closed" if r.closed else "Open"),
        ("Eligible", safe.total.eligible.shown),
        ("Completed", safe.total.completed.shown),
        ("Response rate", safe.total.shown_rate),
        ("Exported by", f"nbdesk {data.nbdesk_version}"),
        ("Exported at", data.exported_at),
    ]
    for label, value in facts:
        fmt = None
        if isinstance(value, datetime):
            fmt = {1: "yyyy-mm-dd hh:mm"}
        elif isinstance(value, date):
            fmt = {1: "yyyy-mm-dd"}
        elif label == "Response rate" and isinstance(value, float):
            fmt = {1: RATE_FORMAT}
        cover.row([label, value], formats=fmt)
    cover.blank()
    cover.row(["About [c]", NOTE], wrap=(1,))
    cover.row(["Anonymity", anonymity()], wrap=(1,))

    progress(1, steps, "Writing the tables")
    tables = Sheet(book, TABLES, (44, 14, 14, 16), header_row=3)
    tables.title(f"Participation by group: {r.name}")
    tables.note(NOTE, len(TABLE_HEADERS))
    tables.header(TABLE_HEADERS, center_from=1)
    formats = {3: RATE_FORMAT}
    center = (1, 2, 3)
    tables.row([safe.total.label, *_values(safe.total)], formats=formats, center=center, bold=True)
    for table in safe.tables:
        tables.blank()
        tables.line(table.title, bold=True)
        for row in table.rows:
            tables.row([row.label, *_values(row)], formats=formats, center=center)
        tables.row(["Total", *_values(safe.total)], formats=formats, center=center, bold=True)

    progress(2, steps, "Writing the data sheet")
    sheet = Sheet(book, DATA, (22, 44, 12, 12, 14), header_row=1)
    sheet.header(DATA_HEADERS)
    sheet.row(["All", safe.total.label, *_values(safe.total)], formats={4: RATE_FORMAT})
    for table in safe.tables:
        for row in table.rows:
            sheet.row([table.title, row.label, *_values(row)], formats={4: RATE_FORMAT})
    progress(steps, steps, "Saving")
    return book


def write_participation_return(
    data: RoundData, path: Path, progress: Progress = no_progress
) -> Path:
    """Write the return to `path` atomically (see nbdesk.common.atomic)."""
    # Built inside the write: the target is checked first, and a failure leaves nothing behind.
    return write_atomically(
        Path(path), lambda temp: build_participation_book(data, progress=progress).save(temp)
    )
