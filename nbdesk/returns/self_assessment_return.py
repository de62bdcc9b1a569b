"""The self-assessment return: a workbook the central team can read at a glance and also load.

Sheets, in order:
- `Cover`: the authority, the assessment, how it was done, the framework, nbdesk's version;
- `Summary`: per area the mean out of the top point, the percentage, statements rated, the overall
  score out of 10; then the total, the band and the overall mean as published (nbdesk.forms.scoring);
- `Area 1` … : each area laid out like the paper tool (statement, a column per rating with an `x`,
  evidence) with the area's overall score and note;
- `Ratings` and `About`: the exchange format of the workshop issue (nbdesk.self_assessment.exchange), so
  the return re-imports into nbdesk unchanged with `nbdesk assessment import`.
"""

from __future__ import annotations

from datetime import date, datetime
from pathlib import Path
from typing import Any

from nbdesk.common.atomic import write_atomically
from nbdesk.common.figures import fixed
from nbdesk.returns.gather import SelfAssessmentData
from nbdesk.returns.xlsx_common import Progress, Sheet, new_workbook, no_progress
from nbdesk.self_assessment.assessments import PERSPECTIVE_LABELS, STAGE_LABELS
from nbdesk.self_assessment.exchange import ABOUT_SHEET, HEADERS, SHEET
from nbdesk.self_assessment.results import area_ranks

MARK = "x"
COVER, SUMMARY = "Cover", "Summary"


def area_sheet_name(number: int) -> str:
    return f"Area {number}"


def _fmt(value: float | None, places: int) -> str:
    return "" if value is None else fixed(value, places)


def build_self_assessment_book(data: SelfAssessmentData, progress: Progress = no_progress) -> Any:
    """The workbook (write-only, not yet saved)."""
    detail = data.detail
    summary = detail.summary
    framework = detail.framework
    scored = data.results.score
    top = framework.max_points
    steps = len(detail.areas) + 3
    book = new_workbook()

    # Cover ---------------------------------------------------------------------------------
    progress(0, steps, "Writing the cover")
    cover = Sheet(book, COVER, (34, 80), header_row=None, landscape=False)
    cover.title(f"Self-assessment return: {summary.name}")
    cover.line(f"{data.authority} — leaving care services self-assessment")
    cover.blank()
    facts: list[tuple[str, Any]] = [
        ("Authority", data.authority),
        ("Assessment", summary.name),
        ("Stage", STAGE_LABELS.get(summary.stage, summary.stage)),
        ("Perspective", PERSPECTIVE_LABELS.get(summary.perspective, summary.perspective)),
        ("Date held", summary.held_on),
        ("Framework", framework.name),
        ("Framework version", framework.version),
    ]
    if framework.demonstration:
        facts.append(("Note", "Demonstration framework: practice statements, not the real tool"))
    facts.append(("Workshop sittings recorded", data.sittings))
    for kind, people in data.participants:
        facts.append((f"Took part: {kind.lower()}", people))
    facts += [
        ("Statements rated", f"{scored.rated} of {scored.statements}"),
        ("Scores", scored.note),
        ("Exported by", f"nbdesk {data.nbdesk_version}"),
        ("Exported at", data.exported_at),
    ]
    for label, value in facts:
        fmt = None
        if isinstance(value, datetime):
            fmt = {1: "yyyy-mm-dd hh:mm"}
        elif isinstance(value, date):
            fmt = {1: "yyyy-mm-dd"}
        cover.row([label, value], wrap=(1,), formats=fmt)
    cover.blank()
    cover.line("What is in this workbook", bold=True)
    cover.row(["Summary", "Scores per area, the total, the band and the overall mean"], wrap=(1,))
    cover.row(
        [f"{area_sheet_name(1)} …", "Each area as on the paper tool: ratings and evidence"],
        wrap=(1,),
    )
    cover.row(
        [SHEET, "Every rating in the exchange format: nbdesk can import this workbook back"],
        wrap=(1,),
    )

    # Summary -------------------------------------------------------------------------------
    progress(1, steps, "Writing the summary")
    head = (
        "Area",
        "Title",
        "Statements",
        "Rated",
        f"Mean (out of {top})",
        "Percentage",
        f"Overall (out of {framework.overall_out_of})",
        "Rank",
    )
    sheet = Sheet(book, SUMMARY, (7, 54, 12, 10, 12, 12, 13, 8), header_row=4)
    sheet.title(f"Summary: {summary.name}")
    demonstration = " · demonstration framework: practice statements" * framework.demonstration
    sheet.line(f"{data.authority} · {framework.name} {framework.version}{demonstration}")
    sheet.blank()
    sheet.header(head, center_from=2)
    # Equal means share a rank (two areas 9th, none 10th); a number, so it sorts and filters.
    rank = {number: place for number, (place, _tied) in area_ranks(data.results).items()}
    for area_score in scored.areas:
        sheet.row(
            [
                area_score.number,
                area_score.title,
                area_score.statements,
                area_score.rated,
                area_score.mean,
                area_score.percent,
                area_score.overall_out_of_10,
                rank.get(area_score.number),
            ],
            wrap=(1,),
            formats={4: "0.00", 5: '0"%"'},  # whole percentages, as the app and reports show
            center=(2, 3, 4, 5, 6, 7),
        )
    sheet.blank()
    b = scored.bands
    totals: list[tuple[str, Any, str | None]] = [
        (f"Total ({scored.total_basis})", scored.total, None),
        ("Band", scored.band or "Not given: not every statement is rated", None),
        ("Bands", b.describe(), None),
        (
            f"Overall mean (mean of the area means, out of {top})",
            scored.overall_mean,
            "0.00",
        ),
        ("Statements rated", scored.rated, None),
        ("Complete", "Yes" if scored.complete else "No", None),
    ]
    for label, value, number_format in totals:
        sheet.row(
            ["", label, "", "", value],
            formats={4: number_format} if number_format else None,
            bold=True,
        )
    if not scored.complete:
        sheet.row(["", scored.note], wrap=(1,))

    # Areas like the paper tool -------------------------------------------------------------
    scale = framework.scale  # highest first, as printed on the tool
    for i, area in enumerate(detail.areas):
        progress(2 + i, steps, f"Writing area {area.number}")
        shown = scored.areas[i]
        widths = (7, 60, *(13 for _ in scale), 55)
        ws = Sheet(book, area_sheet_name(area.number), widths, header_row=4)
        ws.title(f"Area {area.number}: {area.title}")
        ws.line(
            f"{summary.name} · {area.rated} of {len(area.statements)} statements rated · "
            f"mean {_fmt(shown.mean, 2) or '–'} out of {top}"
            + (f" ({fixed(shown.percent)}%)" if shown.percent is not None else "")
        )
        ws.blank()
        ws.header(
            ("Item", "Statement", *(f"{p.label} ({p.points})" for p in scale), "Evidence"),
            center_from=2,
        )
        evidence_col = 2 + len(scale)
        for st in area.statements:
            marks = [MARK if st.points == p.points else None for p in scale]
            ws.row(
                [st.letter, st.text, *marks, st.evidence or None],
                wrap=(1, evidence_col),
                center=tuple(range(2, evidence_col)),
            )
        ws.blank()
        ws.row(
            ["", f"Overall rating for this area (out of {framework.overall_out_of})", area.overall],
            bold=True,
        )
        if area.overall_note:
            ws.row(["", "Note on the overall rating", None], bold=True)
            ws.row(["", area.overall_note], wrap=(1,))

    # The exchange format -------------------------------------------------------------------
    progress(steps - 1, steps, "Writing the Ratings sheet")
    ratings = Sheet(book, SHEET, (7, 7, 80, 22, 60), header_row=1)
    ratings.header(HEADERS)
    for st in detail.statements():
        ratings.row(
            [
                st.area_number,
                st.letter,
                st.text,
                framework.label_for(st.points) if st.points is not None else None,
                st.evidence or None,
            ],
            wrap=(2, 4),
        )
    about = Sheet(book, ABOUT_SHEET, (22, 60), header_row=None, landscape=False)
    about.row(["Framework", framework.name])
    about.row(["Version", framework.version])
    about.row(["Assessment", summary.name])
    about.row(["Written by nbdesk on", data.exported_at.date().isoformat()])
    progress(steps, steps, "Saving")
    return book


def write_self_assessment_return(
    data: SelfAssessmentData, path: Path, progress: Progress = no_progress
) -> Path:
    """Write the return to `path` atomically (see nbdesk.common.atomic)."""
    # Built inside the write: the target is checked first, and a failure leaves nothing behind.
    return write_atomically(
        Path(path), lambda temp: build_self_assessment_book(data, progress).save(temp)
    )
