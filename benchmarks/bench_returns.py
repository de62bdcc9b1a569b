"""Returns: each xlsx export on the large file (reading the figures, building the workbook, writing
it atomically) against writing the very same cells with openpyxl's write-only mode, in the same run.
The PDF reports have no such baseline; their times are printed in seconds for information.
"""

from __future__ import annotations

import tempfile
from pathlib import Path
from typing import Any

from run import Context, Figure, large_file_with, median_of


def _large_with_data(ctx: Context) -> Path:
    from nbdesk.self_assessment.assessments import list_assessments
    from nbdesk.survey.rounds import list_rounds

    return large_file_with(
        ctx,
        lambda session: bool(list_assessments(session)) and bool(list_rounds(session)),
        "assessments or rounds",
        "large-returns.nbdesk",
    )


def _cells(path: Path) -> list[tuple[str, list[tuple[Any, ...]]]]:
    from openpyxl import load_workbook

    book = load_workbook(path, read_only=True)
    try:
        return [(ws.title, list(ws.iter_rows(values_only=True))) for ws in book.worksheets]
    finally:
        book.close()


def _bare_write(cells: list[tuple[str, list[tuple[Any, ...]]]], path: Path) -> None:
    from openpyxl import Workbook

    book = Workbook(write_only=True)
    for title, rows in cells:
        sheet = book.create_sheet(title)
        for row in rows:
            sheet.append(row)
    book.save(path)


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
            took = median_of(export, ctx.repeat)
            reading = median_of(gather, ctx.repeat)
            cells = _cells(written)
            bare = median_of(lambda c=cells: _bare_write(c, out / "bare.xlsx"), ctx.repeat)
            count = sum(len(r) for _t, rows in cells for r in rows)
            figures.append(
                Figure(
                    f"export {label} ÷ openpyxl write-only, same cells",
                    took / bare,
                    target=1.5,
                    detail=f"medians {took * 1000:.0f} ms vs {bare * 1000:.0f} ms ({count} cells); "
                    f"of which reading the figures {reading * 1000:.0f} ms (writing alone "
                    f"{max(took - reading, 0) / bare:.2f}×)",
                )
            )
        for label, export in (
            ("self-assessment report (PDF)", sa_report),
            ("survey round report (PDF)", participation_report),
        ):
            export()
            took = median_of(export, ctx.repeat)
            figures.append(Figure(f"  {label}, seconds", took, unit=" s"))
        return figures
    finally:
        db.close()
        for p in out.iterdir():
            p.unlink()
        out.rmdir()
