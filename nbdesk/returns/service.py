"""What the Returns section offers, as plain values: the kinds of file, what each can be made from,
a preview of what will be in it, and the export itself (a plain function the UI runs off its thread).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

from sqlalchemy.orm import Session

from nbdesk.returns.xlsx_common import Progress, no_progress

if TYPE_CHECKING:
    from nbdesk.self_assessment.comparison import Comparison

SA_RETURN, PARTICIPATION_RETURN = "self-assessment-return", "participation-return"
SA_REPORT, PARTICIPATION_REPORT = "self-assessment-report", "participation-report"
SA_REPORT_HTML = "self-assessment-report-html"
PARTICIPATION_REPORT_HTML = "participation-report-html"
PLAN_WORKBOOK, PLAN_REPORT = "action-plan-workbook", "action-plan-report"
PLAN_REPORT_HTML = "action-plan-report-html"
YP_PLAN_PDF, YP_PLAN_HTML = "young-people-plan-pdf", "young-people-plan-html"
EVIDENCE_PDF, EVIDENCE_XLSX = "evidence-pack-pdf", "evidence-pack-xlsx"
EVIDENCE_HTML = "evidence-pack-html"
# The kinds that take the young people's plan's options (owners shown, how to get involved).
WITH_OPTIONS = (YP_PLAN_PDF, YP_PLAN_HTML)
# The kinds that may compare the assessment with another.
WITH_COMPARISON = (SA_REPORT, SA_REPORT_HTML)
# The kinds made from the closing-the-loop data (nbdesk.returns.loop_service).
LOOP_KINDS = (YP_PLAN_PDF, YP_PLAN_HTML, EVIDENCE_PDF, EVIDENCE_HTML, EVIDENCE_XLSX)
# The PDF reports that can also be printed from their web page as a tagged PDF (WeasyPrint, an
# optional extra: nbdesk.returns.tagged_pdf), each with the page it is printed from.
TAGGED_FROM = {
    SA_REPORT: SA_REPORT_HTML,
    PARTICIPATION_REPORT: PARTICIPATION_REPORT_HTML,
    PLAN_REPORT: PLAN_REPORT_HTML,
    YP_PLAN_PDF: YP_PLAN_HTML,
    EVIDENCE_PDF: EVIDENCE_HTML,
}
# What a web page offers beside a PDF made from the same story, said once for every such kind.
WEB_PAGE = (
    "No scripts, nothing fetched; it reads on a phone and with a screen reader: headings, tables "
    "with captions and headers, each chart as a sentence and a table of its figures."
)


@dataclass(frozen=True)
class ExportOptions:
    """What the lead chooses for the young people's plan: whether owners are named, and the
    text under "How to get involved" (blank: a default)."""

    show_owners: bool = False
    get_involved: str = ""


@dataclass(frozen=True)
class Kind:
    key: str
    label: str
    suffix: str
    subject: str  # "assessment", "round" or "plan"
    description: str

    @property
    def file_title(self) -> str:
        """The kind as a file name says it: 'self-assessment return'."""
        return self.label.split(" (")[0].lower()

    @property
    def file_filter(self) -> str:
        what = {".xlsx": "Excel workbooks", ".html": "Web pages"}.get(self.suffix, "PDF documents")
        return f"{what} (*{self.suffix})"


KINDS: tuple[Kind, ...] = (
    Kind(
        SA_RETURN,
        "Self-assessment return (Excel)",
        ".xlsx",
        "assessment",
        "For the central team: a cover sheet, each area laid out like the paper tool, a summary "
        "of the scores, and the Ratings sheet that nbdesk can import again.",
    ),
    Kind(
        PARTICIPATION_RETURN,
        "Participation return (Excel)",
        ".xlsx",
        "round",
        "For the central team: eligible, completed and the response rate overall and by age band, "
        "gender, accommodation type and PA team. Counts only; small counts shown as [c].",
    ),
    Kind(
        SA_REPORT,
        "Self-assessment report (PDF)",
        ".pdf",
        "assessment",
        "To print or share: the areas chart, the areas ranked, the band, the highest and lowest "
        "statements, an optional comparison with another assessment, and the evidence.",
    ),
    Kind(
        SA_REPORT_HTML,
        "Self-assessment report (web page)",
        ".html",
        "assessment",
        f"The self-assessment report, with any comparison, as one web page. {WEB_PAGE}",
    ),
    Kind(
        PARTICIPATION_REPORT,
        "Survey round report (PDF)",
        ".pdf",
        "round",
        "To print or share: the response rate over time and the groups under-represented, with "
        "small counts shown as [c].",
    ),
    Kind(
        PARTICIPATION_REPORT_HTML,
        "Survey round report (web page)",
        ".html",
        "round",
        f"The survey round report as one web page, small counts shown as [c] as in the PDF. "
        f"{WEB_PAGE}",
    ),
    Kind(
        PLAN_WORKBOOK,
        "Action plan workbook (Excel)",
        ".xlsx",
        "plan",
        "To share and review: a sheet per theme (You said, We will, Who, When, the latest "
        "update, status, young people involved) and a summary of progress and involvement.",
    ),
    Kind(
        PLAN_REPORT,
        "Action plan progress report (PDF)",
        ".pdf",
        "plan",
        "For senior managers and the corporate parenting board: status by theme, overdue and "
        "drifting actions, young people's involvement and comments, and the evidence it answers.",
    ),
    Kind(
        PLAN_REPORT_HTML,
        "Action plan progress report (web page)",
        ".html",
        "plan",
        f"The progress report as one web page. {WEB_PAGE}",
    ),
    Kind(
        YP_PLAN_PDF,
        "Plan for young people (PDF)",
        ".pdf",
        "plan",
        "To send to care leavers: You said, We are doing, What you will see, in plain words and "
        "large type, a theme to a page, with the next review and how to get involved.",
    ),
    Kind(
        YP_PLAN_HTML,
        "Plan for young people (web page)",
        ".html",
        "plan",
        "The same as one web page that reads on a phone: no scripts, nothing fetched, large type. "
        "Put it where the text message's link points.",
    ),
    Kind(
        EVIDENCE_PDF,
        "Evidence pack (PDF)",
        ".pdf",
        "plan",
        "For inspection and the corporate parenting board: for each theme what young people "
        "said, what was done, their involvement and the self-assessment areas before and after.",
    ),
    Kind(
        EVIDENCE_HTML,
        "Evidence pack (web page)",
        ".html",
        "plan",
        f"The evidence pack as one web page. {WEB_PAGE}",
    ),
    Kind(
        EVIDENCE_XLSX,
        "Evidence pack (Excel)",
        ".xlsx",
        "plan",
        "The evidence pack as a workbook: what young people said, what was done, the areas "
        "compared and when the plan was shared back, one row each, to filter and sort.",
    ),
)


def kind(key: str) -> Kind:
    for k in KINDS:
        if k.key == key:
            return k
    raise KeyError(key)


@dataclass(frozen=True)
class Subject:
    id: int
    name: str
    describe: str


def subjects(session: Session, key: str) -> list[Subject]:
    """The assessments (rounds, plans) a file of this kind can be made from, newest first."""
    if kind(key).subject == "plan":
        from nbdesk.action_plan.plans import list_plans

        return [
            Subject(p.id, p.name, f"{p.describe}; {p.actions} actions")
            for p in reversed(list_plans(session))
        ]
    if kind(key).subject == "assessment":
        from nbdesk.self_assessment.assessments import list_assessments

        return [
            Subject(a.id, a.name, f"{a.describe}; {a.rated} of {a.statements} rated")
            for a in list_assessments(session)
        ]
    from nbdesk.survey.rounds import list_rounds

    return [
        Subject(r.id, r.name, r.title)
        for r in sorted(list_rounds(session), key=lambda r: r.opens_on, reverse=True)
    ]


def suggested_file_name(key: str, subject: str, authority: str = "") -> str:
    """The name a save dialog suggests: 'Northshire – self-assessment return – Baseline 2026.xlsx'."""
    from nbdesk.common.paths import file_name

    k = kind(key)
    return file_name(authority, k.file_title, subject, suffix=k.suffix)


@dataclass(frozen=True)
class PreviewCell:
    text: str
    hidden: bool = False
    why: str = ""  # for a hidden cell: the true value and the reason, for staff only


@dataclass(frozen=True)
class PreviewTable:
    title: str
    headers: tuple[str, ...]
    rows: tuple[tuple[PreviewCell, ...], ...]


@dataclass(frozen=True)
class Preview:
    heading: str
    facts: tuple[tuple[str, str], ...]
    contents: tuple[str, ...]
    tables: tuple[PreviewTable, ...]
    hidden_cells: int
    note: str


def preview(
    session: Session,
    key: str,
    subject_id: int,
    compare_id: int | None = None,
    options: ExportOptions | None = None,
) -> Preview:
    k = kind(key)
    if key in LOOP_KINDS:
        from nbdesk.returns.loop_service import loop_preview

        return loop_preview(session, k, subject_id, options)
    if k.subject == "plan":
        from nbdesk.returns.plan_service import plan_preview

        return plan_preview(session, k, subject_id)
    if k.subject == "assessment":
        return _assessment_preview(session, k, subject_id, compare_id)
    return _round_preview(session, k, subject_id)


# Said where a return is made, not only on its cover (a tester exported one on it unwarned).
DEMONSTRATION = " ⚠ the demonstration framework: practice statements, not the real tool"


def _assessment_preview(
    session: Session, k: Kind, subject_id: int, compare_id: int | None
) -> Preview:
    from nbdesk.common.figures import fixed
    from nbdesk.returns.gather import self_assessment_data

    data = self_assessment_data(session, subject_id)
    scored = data.results.score
    fw = data.detail.framework
    facts = [
        ("Assessment", data.detail.summary.name),
        ("Framework", f"{fw.name} {fw.version}" + (DEMONSTRATION if fw.demonstration else "")),
        ("Statements rated", f"{scored.rated} of {scored.statements}"),
        ("Total", f"{scored.total} ({scored.total_basis})"),
        ("Band", scored.band or "not given until every statement is rated"),
        (
            "Overall mean",
            "–"
            if scored.overall_mean is None
            else f"{fixed(scored.overall_mean, 2)} of {fw.max_points}",
        ),
    ]
    if k.key == SA_RETURN:
        contents = (
            "Cover: the authority, the assessment, who took part, the framework",
            "Summary: each area's mean, percentage, statements rated and overall score",
            *(f"Area {a.number}: {a.title}" for a in fw.areas),
            "Ratings: every rating and its evidence, in the format nbdesk imports",
        )
    else:
        contents = (
            "Headline figures and the areas chart",
            "The areas ranked; the highest and lowest rated statements",
            *(
                (_comparison_line(session, subject_id, compare_id),)
                if compare_id is not None
                else ()
            ),
            "Appendix: the evidence, area by area",
            *_web_page_line(k),
        )
    rows = tuple(
        (
            PreviewCell(f"{a.number}. {a.title}"),
            PreviewCell(f"{a.rated} of {a.statements}"),
            PreviewCell("–" if a.mean is None else fixed(a.mean, 2)),
            PreviewCell("–" if a.overall_out_of_10 is None else str(a.overall_out_of_10)),
        )
        for a in scored.areas
    )
    table = PreviewTable(
        "Scores by area",
        ("Area", "Rated", f"Mean (of {fw.max_points})", f"Overall (of {fw.overall_out_of})"),
        rows,
    )
    return Preview(
        f"{k.label}: {data.detail.summary.name}",
        tuple(facts),
        contents,
        (table,),
        0,
        scored.note,
    )


def _web_page_line(k: Kind) -> tuple[str, ...]:
    """What a web page holds in place of a chart, for the preview's list."""
    if k.suffix != ".html":
        return ()
    return ("On the page, each chart is a sentence and a table of the figures it draws",)


def _comparison_line(session: Session, subject_id: int, compare_id: int) -> str:
    """What the report's comparison will be: change over time, or the gap between two views."""
    from nbdesk.self_assessment.assessments import assessment_summary
    from nbdesk.self_assessment.comparison import GAP, comparison_kind

    this, other = assessment_summary(session, subject_id), assessment_summary(session, compare_id)
    if comparison_kind(this, other) == GAP:
        what = "the gap between the staff and the young people's views"
    else:
        what = "the change from the earlier to the later (baseline to follow-up)"
    return f"A comparison with '{other.name}': {what}, per area and per statement"


def _round_preview(session: Session, k: Kind, subject_id: int) -> Preview:
    from nbdesk.common.figures import fixed
    from nbdesk.returns.gather import round_data
    from nbdesk.returns.participation_return import safe_return
    from nbdesk.returns.suppression import NOTE, PRIMARY, Cell, SafeRow

    # The preview shows neither the week-by-week figures nor the earlier rounds.
    data = round_data(session, subject_id, weekly=False)
    safe = safe_return(data)

    def cell(c: Cell) -> PreviewCell:
        if not c.hidden:
            return PreviewCell(str(c.value))
        reason = "a small count" if c.reason == PRIMARY else "hidden to protect another"
        return PreviewCell("[c]", True, f"{c.value}, {reason}")

    def rate(row: SafeRow) -> PreviewCell:
        if row.rate_hidden:
            return PreviewCell("[c]", True, "a count beside it is hidden")
        return PreviewCell("–" if row.rate is None else f"{fixed(row.rate * 100)}%")

    def line(row: SafeRow) -> tuple[PreviewCell, ...]:
        return (PreviewCell(row.label), cell(row.eligible), cell(row.completed), rate(row))

    headers = ("Group", "Eligible", "Completed", "Response rate")
    tables = (
        PreviewTable("Whole round", headers, (line(safe.total),)),
        *(PreviewTable(t.title, headers, tuple(line(r) for r in t.rows)) for t in safe.tables),
    )
    r = data.round
    facts = (
        ("Round", r.name),
        ("Dates", f"{r.opens_on:%d %b %Y} to {r.closes_on:%d %b %Y}"),
        ("Eligible", str(safe.total.eligible.shown)),
        ("Completed", str(safe.total.completed.shown)),
        ("Cells shown as [c]", str(safe.hidden_cells)),
    )
    contents: tuple[str, ...]
    if k.key == PARTICIPATION_RETURN:
        contents = (
            "Cover: the round, its dates and its figures",
            "Participation: a table per breakdown, to read and print",
            "Data: every row under one header, for analysis",
        )
    else:
        contents = (
            "Headline figures; the response rate week by week",
            "This round beside earlier rounds",
            "Groups under-represented; a table and chart per breakdown",
            *_web_page_line(k),
        )
    return Preview(
        f"{k.label}: {r.name}",
        facts,
        contents,
        tables,
        safe.hidden_cells,
        NOTE + " No names, ids or contact details are in the file.",
    )


def export(
    session_factory: Callable[[], Session],
    key: str,
    subject_id: int,
    path: Path,
    compare_id: int | None = None,
    progress: Progress = no_progress,
    options: ExportOptions | None = None,
    tagged: bool = False,
) -> Path:
    """Gather (in a short read-only session) and write the file atomically; returns its path.
    `tagged`: a PDF report printed from its web page as a tagged PDF (see TAGGED_FROM)."""
    from nbdesk.common.atomic import check_target

    k = kind(key)
    path = Path(path)
    check_target(path)
    if tagged:
        from nbdesk.returns.tagged_pdf import export_tagged_pdf

        page = TAGGED_FROM[key]  # a KeyError: a caller offered tagging for a kind without a page

        def write_page(target: Path) -> Path:
            return export(session_factory, page, subject_id, target, compare_id, progress, options)

        return export_tagged_pdf(write_page, path, progress)
    progress(0, 0, "Reading the figures…")
    if key in LOOP_KINDS:
        from nbdesk.returns.loop_service import export_loop

        return export_loop(session_factory, key, subject_id, path, progress, options)
    if k.subject == "plan":
        from nbdesk.returns.plan_service import export_plan

        return export_plan(session_factory, k.key, subject_id, path, progress)
    with session_factory() as session:
        if k.subject == "assessment":
            from nbdesk.returns.gather import self_assessment_data

            sa = self_assessment_data(session, subject_id)
            comparison = None
            if k.key in WITH_COMPARISON and compare_id is not None:
                comparison = _ordered_comparison(session, subject_id, compare_id)
        else:
            from nbdesk.returns.gather import round_data

            rd = round_data(session, subject_id, weekly=k.key != PARTICIPATION_RETURN)
    if k.key == SA_RETURN:
        from nbdesk.returns.self_assessment_return import write_self_assessment_return

        return write_self_assessment_return(sa, path, progress)
    if k.key == SA_REPORT:
        from nbdesk.returns.self_assessment_report import write_self_assessment_report

        progress(0, 0, "Writing the report…")
        return write_self_assessment_report(sa, path, comparison)
    if k.key == SA_REPORT_HTML:
        from nbdesk.returns.self_assessment_report import write_self_assessment_report_html

        progress(0, 0, "Writing the page…")
        return write_self_assessment_report_html(sa, path, comparison)
    if k.key == PARTICIPATION_RETURN:
        from nbdesk.returns.participation_return import write_participation_return

        return write_participation_return(rd, path, progress)
    if k.key == PARTICIPATION_REPORT_HTML:
        from nbdesk.returns.participation_report import write_participation_report_html

        progress(0, 0, "Writing the page…")
        return write_participation_report_html(rd, path)
    from nbdesk.returns.participation_report import write_participation_report

    progress(0, 0, "Writing the report…")
    return write_participation_report(rd, path)


def _ordered_comparison(session: Session, subject_id: int, compare_id: int) -> Comparison:
    """Baseline before follow-up, staff before young people, whichever was chosen first."""
    from nbdesk.self_assessment.comparison import compare_in_order

    return compare_in_order(session, subject_id, compare_id)
