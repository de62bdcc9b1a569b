"""Returns: each xlsx export on the large file (reading the figures, building the workbook, writing
it atomically) against openpyxl's write-only mode writing the very same workbook, in the same run.

The baseline is like for like: the workbook nbdesk wrote is read back whole (values, each cell's
font, fill, border, alignment and number format, column widths, row heights, merged cells, frozen
panes, print titles and page set-up) and then written again in write-only mode the way a lean
openpyxl program would: each distinct style built once, every styled cell a `WriteOnlyCell` sharing
it, bare values appended as they are. What a reader needs (a rate shown as a percentage, dates as
dates, wrapped text in tall enough rows, a header repeated on each printed page) is in both. The
baseline's own file is read back and compared with nbdesk's, cell by cell, before anything is
timed: a baseline that wrote less would flatter nbdesk.

Figures are CPU time (this process's, `time.process_time`), the target's measure; wall time is
printed beside them. The participation return's time includes reading the figures (counting the
round's people), which its baseline, holding only the few hundred counted cells, does not have: its
detail line names SQLite's own floor for that count. The Notify list is timed against bare sqlite3
reading the same rows and csv writing the list, for information (no target). The PDF reports have no
such baseline; their times are printed in seconds for information.
"""

from __future__ import annotations

import statistics
import tempfile
import time
from collections.abc import Callable
from copy import copy
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path
from typing import Any

from run import Context, Figure, large_file_with

STYLE_PARTS = ("font", "fill", "border", "alignment", "number_format", "protection")


def _large_with_data(ctx: Context) -> Path:
    from nbdesk.self_assessment.assessments import list_assessments
    from nbdesk.survey.rounds import list_rounds

    return large_file_with(
        ctx,
        lambda session: bool(list_assessments(session)) and bool(list_rounds(session)),
        "assessments or rounds",
        "large-returns.nbdesk",
    )


def medians(fn: Callable[[], Any], repeat: int) -> tuple[float, float]:
    """The median CPU time and the median wall time of `repeat` calls of `fn`, in seconds."""
    cpu, wall = [], []
    for _ in range(repeat):
        c, w = time.process_time(), time.perf_counter()
        fn()
        cpu.append(time.process_time() - c)
        wall.append(time.perf_counter() - w)
    return statistics.median(cpu), statistics.median(wall)


@dataclass
class SheetCopy:
    """One sheet as read back: everything the write-only baseline needs to write it again."""

    title: str
    rows: list[list[tuple[Any, Any]]]  # (value, style key or None), trailing empties dropped
    widths: dict[str, float] = field(default_factory=dict)
    heights: dict[int, float] = field(default_factory=dict)
    merged: list[str] = field(default_factory=list)
    freeze: str | None = None
    title_rows: str | None = None
    page: dict[str, Any] = field(default_factory=dict)


@dataclass
class BookCopy:
    sheets: list[SheetCopy]
    styles: dict[Any, dict[str, Any]]  # style key -> the style's parts (font, fill, …)


def _style_key(cell: Any) -> Any:
    return tuple(repr(getattr(cell, part)) for part in STYLE_PARTS)


def read_back(path: Path) -> BookCopy:
    """The whole workbook as written, with each cell's style (openpyxl's normal mode)."""
    from openpyxl import load_workbook

    book = load_workbook(path)
    styles: dict[Any, dict[str, Any]] = {}
    sheets = []
    for ws in book.worksheets:
        rows = []
        for row in ws.iter_rows():
            cells: list[tuple[Any, Any]] = []
            for cell in row:
                key = None
                if cell.has_style and cell.style_id != 0:
                    key = _style_key(cell)
                    styles.setdefault(key, {p: copy(getattr(cell, p)) for p in STYLE_PARTS})
                cells.append((cell.value, key))
            while cells and cells[-1] == (None, None):
                cells.pop()
            rows.append(cells)
        sheets.append(
            SheetCopy(
                ws.title,
                rows,
                {k: d.width for k, d in ws.column_dimensions.items() if d.customWidth},
                {k: d.height for k, d in ws.row_dimensions.items() if d.height is not None},
                [str(r) for r in ws.merged_cells.ranges],
                ws.freeze_panes,
                ws.print_title_rows,
                {
                    "orientation": ws.page_setup.orientation,
                    "paperSize": ws.page_setup.paperSize,
                    "fitToWidth": ws.page_setup.fitToWidth,
                    "fitToHeight": ws.page_setup.fitToHeight,
                    "fitToPage": ws.sheet_properties.pageSetUpPr.fitToPage
                    if ws.sheet_properties.pageSetUpPr
                    else None,
                    "gridLines": ws.print_options.gridLines,
                    "margins": copy(ws.page_margins),
                    "footer": ws.oddFooter.center.text,
                },
            )
        )
    book.close()
    return BookCopy(sheets, styles)


def baseline_write(copied: BookCopy, path: Path) -> None:
    """Write `copied` with openpyxl's write-only mode: styles built once, one cell per styled
    value, sheet settings set before the first row (as write-only mode requires)."""
    from openpyxl import Workbook
    from openpyxl.cell import WriteOnlyCell

    book = Workbook(write_only=True)
    templates: dict[Any, Any] = {}
    for sc in copied.sheets:
        ws = book.create_sheet(sc.title)
        for letter, width in sc.widths.items():
            ws.column_dimensions[letter].width = width
        page = sc.page
        ws.page_setup.orientation = page["orientation"]
        ws.page_setup.paperSize = page["paperSize"]
        ws.page_setup.fitToWidth = page["fitToWidth"]
        ws.page_setup.fitToHeight = page["fitToHeight"]
        ws.sheet_properties.pageSetUpPr.fitToPage = page["fitToPage"]
        ws.print_options.gridLines = page["gridLines"]
        ws.page_margins = page["margins"]
        ws.oddFooter.center.text = page["footer"]
        if sc.freeze:
            ws.freeze_panes = sc.freeze
        if sc.title_rows:
            ws.print_title_rows = sc.title_rows
        for number, height in sc.heights.items():
            ws.row_dimensions[number].height = height
        for ref in sc.merged:
            ws.merged_cells.add(ref)
        for row in sc.rows:
            out: list[Any] = []
            for value, key in row:
                text_formula = isinstance(value, str) and value.startswith("=")
                if key is None and not text_formula:
                    out.append(value)
                    continue
                cell = WriteOnlyCell(ws, value)
                if text_formula:
                    cell.data_type = "s"
                if key is not None:
                    template = templates.get(key)
                    if template is None:
                        template = WriteOnlyCell(ws)
                        for part, style in copied.styles[key].items():
                            setattr(template, part, style)
                        templates[key] = template
                    cell._style = template._style
                out.append(cell)
            ws.append(out)
    book.save(path)


def _same_workbook(ours: BookCopy, theirs: BookCopy) -> str:
    """'' when the two read back alike, cell by cell (values and styles) and sheet by sheet."""
    if [s.title for s in ours.sheets] != [s.title for s in theirs.sheets]:
        return "sheets differ"
    for a, b in zip(ours.sheets, theirs.sheets, strict=True):
        for what in ("widths", "heights", "merged", "freeze", "title_rows", "page"):
            if getattr(a, what) != getattr(b, what):
                return f"{a.title}: {what} differ"
        rows_a = [[(v, ours.styles.get(k) if k else None) for v, k in r] for r in a.rows]
        rows_b = [[(v, theirs.styles.get(k) if k else None) for v, k in r] for r in b.rows]
        if rows_a != rows_b:
            return f"{a.title}: cells differ"
    return ""


def sqlite_floor(db_path: Path, round_id: int, opens_on: date, repeat: int) -> float:
    """The CPU time bare sqlite3 takes for the one GROUP BY a participation return needs (its
    groups' eligible and completed, by age band, gender, accommodation and team), in seconds."""
    import sqlite3

    conn = sqlite3.connect(f"file:{db_path}?mode=ro", uri=True)
    band = (
        "CASE WHEN cl.date_of_birth IS NULL THEN 0 WHEN cl.date_of_birth > ? THEN 1 "
        "WHEN cl.date_of_birth > ? THEN 2 WHEN cl.date_of_birth > ? THEN 3 ELSE 4 END"
    )
    sql = (
        f"SELECT count(*), sum(c.care_leaver_id IS NOT NULL), {band}, cl.gender, "
        "cl.accommodation, cl.team FROM round_member rm "
        "JOIN care_leaver cl ON cl.id = rm.care_leaver_id LEFT JOIN completion c "
        "ON c.round_id = rm.round_id AND c.care_leaver_id = rm.care_leaver_id "
        "WHERE rm.round_id = ? AND rm.eligible = 1 GROUP BY 3, 4, 5, 6"
    )
    # The latest birthdays of 16, 18 and 21 on the day it opened (the bands' edges).
    edges = [
        opens_on.replace(year=opens_on.year - age, day=min(opens_on.day, 28))
        for age in (16, 18, 21)
    ]
    params = (*(e.isoformat() for e in edges), round_id)
    try:
        conn.execute(sql, params).fetchall()
        return medians(lambda: conn.execute(sql, params).fetchall(), repeat)[0]
    finally:
        conn.close()


NOTIFY_SQL = (
    "SELECT cl.unique_id, cl.name, cl.preferred_name, cl.pa_name, cl.phone, cl.email, "
    "cl.do_not_contact, cl.do_not_contact_reason, cl.date_of_birth, rm.eligible, rm.reason, "
    "c.confirmed_on, c.confirmed_by FROM care_leaver cl JOIN round_member rm "
    "ON rm.care_leaver_id = cl.id AND rm.round_id = ? LEFT JOIN completion c "
    "ON c.care_leaver_id = cl.id AND c.round_id = ? ORDER BY cl.pa_name, cl.name, cl.unique_id"
)


def notify_figure(db: Any, db_path: Path, round_id: int, out: Path, repeat: int) -> Figure:
    """The Notify list of a round's reminders, read and written as CSV, against bare sqlite3
    reading the same columns of the same people in the same order and csv writing the same rows:
    what is left is nbdesk's per-person work (the checks, the reasons, the personalisation)."""
    import csv
    import sqlite3

    from nbdesk.survey.notify import notify_list, write_notify_file

    def export() -> Any:
        with db.session() as session:
            data = notify_list(session, round_id, "text")
        write_notify_file(out / "notify.csv", data)
        return data

    data = export()
    conn = sqlite3.connect(f"file:{db_path}?mode=ro", uri=True)

    def bare() -> None:
        conn.execute(NOTIFY_SQL, (round_id, round_id)).fetchall()
        with (out / "bare.csv").open("w", newline="", encoding="utf-8") as fh:
            writer = csv.writer(fh)
            writer.writerow(data.headers)
            writer.writerows(data.rows)

    try:
        bare()
        took, _ = medians(export, repeat)
        base, _ = medians(bare, repeat)
    finally:
        conn.close()
    return Figure(
        "  Notify list (texts, CSV) ÷ bare sqlite3 + csv, same rows, CPU",
        took / base,
        detail=f"medians {took * 1000:.0f} ms vs {base * 1000:.0f} ms ({len(data.rows)} listed, "
        f"{len(data.left_out)} left out with reasons)",
    )


def measure(ctx: Context) -> list[Figure]:
    from nbdesk.returns.gather import round_data, self_assessment_data
    from nbdesk.returns.participation_report import write_participation_report
    from nbdesk.returns.participation_return import write_participation_return
    from nbdesk.returns.self_assessment_report import write_self_assessment_report
    from nbdesk.returns.self_assessment_return import write_self_assessment_return
    from nbdesk.self_assessment.assessments import list_assessments
    from nbdesk.storage import open_database
    from nbdesk.survey.rounds import list_rounds

    db_path = _large_with_data(ctx)
    db = open_database(db_path)
    out = Path(tempfile.mkdtemp(prefix="nbdesk-bench-returns-"))
    try:
        with db.session() as session:
            assessment = max(list_assessments(session), key=lambda a: a.rated).id
            survey = max(list_rounds(session), key=lambda r: r.eligible)

        def sa_gather() -> Any:
            with db.session() as session:
                return self_assessment_data(session, assessment)

        def participation_gather() -> Any:
            with db.session() as session:
                return round_data(session, survey.id, weekly=False)

        def sa_return() -> None:
            write_self_assessment_return(sa_gather(), out / "sa.xlsx")

        def participation_return() -> None:
            write_participation_return(participation_gather(), out / "participation.xlsx")

        def sa_report() -> None:
            with db.session() as session:
                data = self_assessment_data(session, assessment)
            write_self_assessment_report(data, out / "sa.pdf")

        def participation_report() -> None:
            with db.session() as session:
                data = round_data(session, survey.id)
            write_participation_report(data, out / "participation.pdf")

        figures = []
        floor = sqlite_floor(db_path, survey.id, survey.opens_on, ctx.repeat)
        for label, export, gather, written in (
            ("self-assessment return", sa_return, sa_gather, out / "sa.xlsx"),
            (
                f"participation return ({survey.eligible} eligible)",
                participation_return,
                participation_gather,
                out / "participation.xlsx",
            ),
        ):
            export()  # warm up: imports, fonts, the file cache
            copied = read_back(written)
            baseline_write(copied, out / "bare.xlsx")
            unlike = _same_workbook(copied, read_back(out / "bare.xlsx"))
            if unlike:
                raise AssertionError(f"The {label}'s baseline is not like for like: {unlike}")
            took, took_wall = medians(export, ctx.repeat)
            reading, _ = medians(gather, ctx.repeat)
            bare, bare_wall = medians(
                lambda c=copied: baseline_write(c, out / "bare.xlsx"), ctx.repeat
            )
            count = sum(1 for s in copied.sheets for r in s.rows for v, k in r if v is not None)
            extra = ""
            if gather is participation_gather:
                extra = (
                    f"; SQLite alone counts them in {floor * 1000:.0f} ms, a floor of "
                    f"{(floor + bare) / bare:.2f}×"
                )
            figures.append(
                Figure(
                    f"export {label} ÷ openpyxl write-only, same cells, CPU",
                    took / bare,
                    target=1.5,
                    detail=f"medians {took * 1000:.0f} ms vs {bare * 1000:.0f} ms ({count} cells,"
                    f" {len(copied.styles)} styles); of which reading the figures "
                    f"{reading * 1000:.0f} ms (writing alone {max(took - reading, 0) / bare:.2f}×)"
                    + extra,
                )
            )
            figures.append(
                Figure(
                    "  the same, wall time",
                    took_wall / bare_wall,
                    detail=f"medians {took_wall * 1000:.0f} ms vs {bare_wall * 1000:.0f} ms "
                    "(nbdesk's also syncs the file to disk)",
                )
            )
        figures.append(notify_figure(db, db_path, survey.id, out, ctx.repeat))
        for label, export in (
            ("self-assessment report (PDF)", sa_report),
            ("survey round report (PDF)", participation_report),
        ):
            export()
            took, _ = medians(export, ctx.repeat)
            figures.append(Figure(f"  {label}, CPU seconds", took, unit=" s"))
        return figures
    finally:
        db.close()
        for p in out.iterdir():
            p.unlink()
        out.rmdir()
