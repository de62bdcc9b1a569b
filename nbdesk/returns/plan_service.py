"""The action plan's two files as the Returns section offers them (through nbdesk.returns.service,
the one entry point of the window and the command line): the preview and the export.
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

from sqlalchemy.orm import Session

from nbdesk.action_plan import vocab
from nbdesk.common.dates import format_day
from nbdesk.returns.plan_data import plan_data
from nbdesk.returns.service import (
    PLAN_REPORT_HTML,
    PLAN_WORKBOOK,
    Kind,
    Preview,
    PreviewCell,
    PreviewTable,
)
from nbdesk.returns.xlsx_common import Progress


def plan_preview(session: Session, k: Kind, plan_id: int) -> Preview:
    data = plan_data(session, plan_id, evidence=False)
    plan, found = data.plan, data.attention
    s = plan.summary
    signed = (
        f"{format_day(plan.sign_offs[0].signed_on)} by {plan.sign_offs[0].name}"
        if plan.sign_offs
        else "not yet"
    )
    facts = (
        ("Plan", s.name),
        ("Stage", vocab.STAGE_LABELS.get(s.stage, s.stage)),
        ("Period", f"{format_day(s.starts_on)} to {format_day(s.ends_on)}"),
        ("Signed off", signed),
        ("Actions", str(len(plan.actions))),
        ("Overdue", str(len(found.overdue))),
        ("Drifting", str(len(found.drifting))),
        ("Involving young people", f"{found.share.text}; {found.published_share_text}"),
        (
            "Next review due",
            format_day(found.next_review_on) + (" (late)" if found.review_overdue else ""),
        ),
        ("Shared with young people", data.shared_text),
    )
    if k.key == PLAN_WORKBOOK:
        contents = (
            "Summary: sign-off, reviews, actions by status, overdue, drifting, and the share "
            "involving young people by theme beside the programme's figure",
            *(
                f"{t.title}: You said, We will, Who, When, Update, Status, Young people involved"
                for t in plan.themes
            ),
        )
    else:
        contents = (
            "At a glance; status by theme, with symbols",
            "Young people involved, by theme, beside the programme's figure",
            "Overdue and drifting actions",
            "What young people said at the last review",
            "The evidence the plan answers: the self-assessments and survey rounds it cites",
        )
    headers = ("Theme", "Actions", *(vocab.status_text(c) for c in vocab.STATUSES), "Involving")
    rows = tuple(
        (
            PreviewCell(theme.title),
            PreviewCell(str(len(theme.actions))),
            *(
                PreviewCell(str(sum(1 for a in theme.actions if a.status == c)))
                for c in vocab.STATUSES
            ),
            PreviewCell(share.text),
        )
        for theme, (_title, share) in zip(plan.themes, found.share_by_theme, strict=True)
    )
    return Preview(
        f"{k.label}: {s.name}",
        facts,
        contents,
        (PreviewTable("Status by theme", headers, rows),),
        0,
        f"Figures as at {format_day(data.today)}, counted as the Action plan section counts them.",
    )


def export_plan(
    session_factory: Callable[[], Session],
    key: str,
    plan_id: int,
    path: Path,
    progress: Progress,
) -> Path:
    """Read the plan in a short session, then write the workbook or the report (PDF or web
    page) atomically."""
    report = key != PLAN_WORKBOOK
    with session_factory() as session:
        data = plan_data(session, plan_id, evidence=report)
    if key == PLAN_REPORT_HTML:
        from nbdesk.returns.plan_report import write_plan_report_html

        progress(0, 0, "Writing the page…")
        return write_plan_report_html(data, path)
    if report:
        from nbdesk.returns.plan_report import write_plan_report

        progress(0, 0, "Writing the report…")
        return write_plan_report(data, path)
    from nbdesk.returns.plan_workbook import write_plan_workbook

    return write_plan_workbook(data, path, progress)
