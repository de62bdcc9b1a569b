"""The young people's plan (PDF and web page) and the evidence pack (PDF, web page and workbook) as
the Returns section offers them, through nbdesk.returns.service: the preview (with the readability
check for the young people's plan) and the export.
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

from sqlalchemy.orm import Session

from nbdesk.common.dates import format_day
from nbdesk.returns import readability
from nbdesk.returns.loop_data import LoopData, loop_data, shared_line
from nbdesk.returns.service import (
    EVIDENCE_HTML,
    EVIDENCE_PDF,
    EVIDENCE_XLSX,
    YP_PLAN_HTML,
    YP_PLAN_PDF,
    ExportOptions,
    Kind,
    Preview,
    PreviewCell,
    PreviewTable,
)
from nbdesk.returns.xlsx_common import Progress

YOUNG_PEOPLE_KINDS = (YP_PLAN_PDF, YP_PLAN_HTML)
EVIDENCE_KINDS = (EVIDENCE_PDF, EVIDENCE_HTML, EVIDENCE_XLSX)


def read(session: Session, key: str, plan_id: int, options: ExportOptions) -> LoopData:
    return loop_data(
        session,
        plan_id,
        show_owners=options.show_owners,
        get_involved=options.get_involved,
        evidence=key in EVIDENCE_KINDS,
    )


def readability_of(data: LoopData) -> readability.Readability:
    return readability.check(data.young_people_texts())


def readability_table(check: readability.Readability) -> PreviewTable:
    rows = [
        (PreviewCell("Average sentence"), PreviewCell(f"{check.average:.1f} words")),
        (
            PreviewCell("Long words"),
            PreviewCell(
                f"{check.long_word_count} of {check.words}: "
                + (", ".join(w for w, _n in check.long_words[:24]) or "none")
            ),
        ),
    ]
    rows += [(PreviewCell("Long sentence"), PreviewCell(s)) for s in check.long_sentences[:12]]
    return PreviewTable(
        "Readability (for you to fix; nothing is enforced)", ("Check", "Found"), tuple(rows)
    )


def loop_preview(
    session: Session, k: Kind, plan_id: int, options: ExportOptions | None = None
) -> Preview:
    options = options or ExportOptions()
    data = read(session, k.key, plan_id, options)
    plan = data.base.plan
    cited_findings = sum(len(a.findings) for t in data.themes for a in t.answered)
    cited_priorities = sum(len(a.priorities) for t in data.themes for a in t.answered)
    facts = [
        ("Plan", plan.summary.name),
        ("Themes", str(len(plan.themes))),
        ("Actions", str(len(plan.actions))),
        ("Findings cited", str(cited_findings)),
        ("Young people's priorities cited", str(cited_priorities)),
        ("Next review", format_day(data.base.attention.next_review_on)),
        ("Shared with young people", shared_line(data)),
    ]
    if data.small_left_out:
        facts.append(
            (
                "Left out",
                f"{data.small_left_out} cited finding(s) on a base under 10: never printed",
            )
        )
    tables: list[PreviewTable] = []
    if k.key in YOUNG_PEOPLE_KINDS:
        check = readability_of(data)
        facts += [
            ("Owners", "shown" if options.show_owners else "not named"),
            ("Readability", check.summary()),
        ]
        contents = (
            "The opening: what the plan is, what the marks mean, the next review, how to get "
            "involved",
            *(
                f"{t.theme.title}: You said, We are doing, What you will see"
                + (" (a page of its own)" if k.key == YP_PLAN_PDF else "")
                for t in data.themes
            ),
            "How to get involved: " + data.get_involved,
        )
        tables.append(readability_table(check))
        note = (
            "Plain words for young people. No owner is named unless you choose to show them; "
            "no finding on a base under 10 is printed."
        )
    else:
        contents = (
            "Summary: sign-off, reviews, involvement and when the plan was shared back",
            *(
                f"{t.theme.title}: what young people said, what we did, involvement, areas"
                for t in data.themes
            ),
            "Shared back with young people: every time feedback went out",
        )
        rows = tuple(
            (
                PreviewCell(t.theme.title),
                PreviewCell(str(sum(len(a.findings) + len(a.priorities) for a in t.answered))),
                PreviewCell(str(len(t.answered))),
                PreviewCell(str(len(data.areas.get(t.theme.id, ())))),
            )
            for t in data.themes
        )
        tables.append(
            PreviewTable("By theme", ("Theme", "Said (cited)", "Actions", "Areas compared"), rows)
        )
        note = "For inspection and the board. No finding on a base under 10 is printed."
    return Preview(
        f"{k.label}: {plan.summary.name}", tuple(facts), contents, tuple(tables), 0, note
    )


def export_loop(
    session_factory: Callable[[], Session],
    key: str,
    plan_id: int,
    path: Path,
    progress: Progress,
    options: ExportOptions | None = None,
) -> Path:
    """Read in a short session, then write the file atomically."""
    with session_factory() as session:
        data = read(session, key, plan_id, options or ExportOptions())
    progress(0, 0, "Writing the file…")
    if key == YP_PLAN_PDF:
        from nbdesk.returns.young_people_plan import write_young_people_pdf

        return write_young_people_pdf(data, path)
    if key == YP_PLAN_HTML:
        from nbdesk.returns.young_people_plan import write_young_people_html

        return write_young_people_html(data, path)
    if key == EVIDENCE_PDF:
        from nbdesk.returns.evidence_pack import write_evidence_pdf

        return write_evidence_pdf(data, path)
    if key == EVIDENCE_HTML:
        from nbdesk.returns.evidence_pack import write_evidence_html

        return write_evidence_html(data, path)
    from nbdesk.returns.evidence_pack import write_evidence_workbook

    return write_evidence_workbook(data, path)
