"""The action plan progress report (PDF) for senior managers and the corporate parenting board.

Contents: the plan at a glance (actions by status, overdue, drifting, sign-off and reviews); status
by theme, each status with its symbol (nbdesk.returns.pdf_common.symbol_markup), so a mono printout
reads; the share of actions involving young people, overall and by theme, beside the programme's
published figure; the overdue and drifting actions; what young people said at the last review; and
the change in the evidence the plan cites (nbdesk.returns.plan_data). Everything is counted by
nbdesk.action_plan.attention, as the window and the workbook count it.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from nbdesk.action_plan import vocab
from nbdesk.action_plan.views import ActionView
from nbdesk.common.figures import fixed
from nbdesk.returns.gather import long_date
from nbdesk.returns.plan_data import PlanData

HEADINGS = (
    "At a glance",
    "Status by theme",
    "Young people involved",
    "Overdue actions",
    "Drifting actions",
    "What young people said at the last review",
    "The evidence the plan answers",
)


def _percent(fraction: float | None) -> str:
    return "–" if fraction is None else f"{fixed(fraction * 100)}%"


def story(data: PlanData, st: Any) -> list[Any]:
    from reportlab.platypus import KeepTogether, Paragraph

    from nbdesk.returns.pdf_common import (
        Series,
        bar_chart,
        esc,
        spacer,
        symbol_markup,
        table,
        written_by,
    )

    plan, found = data.plan, data.attention
    s = plan.summary

    def status(code: str, bold: bool = False, between: str = " ") -> Any:
        markup = symbol_markup(vocab.STATUS_SYMBOLS[code], vocab.STATUS_LABELS[code], between)
        return Paragraph(markup, st.cell_bold if bold else st.cell)

    def action_rows(actions: tuple[ActionView, ...], last: str) -> list[list[Any]]:
        rows: list[list[Any]] = [["Theme", "We will", "Who", last, "Status"]]
        for a in actions:
            if last == "When":
                fourth = a.when or "no date"
            else:
                heard = a.latest_update
                fourth = long_date(heard.written_on) if heard else "none yet"
            rows.append([a.theme, a.we_will, a.owner or "not named", fourth, status(a.status)])
        return rows

    out: list[Any] = [
        Paragraph(esc(f"Action plan progress: {s.name}"), st.title),
        Paragraph(
            esc(
                f"{data.authority} · {vocab.STAGE_LABELS.get(s.stage, s.stage)} · "
                f"{long_date(s.starts_on)} to {long_date(s.ends_on)} · as at {long_date(data.today)}"
            ),
            st.subtitle,
        ),
    ]

    # At a glance -------------------------------------------------------------------------------
    out.append(Paragraph(HEADINGS[0], st.h1))
    rows: list[list[Any]] = [["Measure", "Figure"], ["Actions", str(len(plan.actions))]]
    rows += [[status(code), str(found.by_status[code])] for code in vocab.STATUSES]
    rows += [
        ["Overdue: open and past their date", str(len(found.overdue))],
        [f"Drifting: open, no update for {vocab.DRIFT_DAYS} days", str(len(found.drifting))],
        [
            "Open and not yet reviewed with young people",
            str(len(found.never_reviewed_with_young_people)),
        ],
        [
            "Actions young people take part in",
            f"{found.share.text}; {found.published_share_text}",
        ],
    ]
    if plan.sign_offs:
        leader = plan.sign_offs[0]
        signed = f"{long_date(leader.signed_on)} by {leader.name}, {leader.role}"
        if plan.changed_after_sign_off:
            signed += f"; {plan.changed_after_sign_off} changes since"
    else:
        signed = "not yet"
    rows.append(["Signed off", signed])
    if plan.reviews:
        latest = plan.reviews[0]
        rows.append(["Last review", f"{long_date(latest.held_on)}: {latest.who}"])
    else:
        rows.append(["Last review", "none yet"])
    late = " (late)" if found.review_overdue else ""
    rows.append(["Next review due", f"{long_date(found.next_review_on)}{late}"])
    rows.append(["Shared with young people", data.shared_text])
    out.append(table(rows, (260, 233), st))

    # Status by theme ---------------------------------------------------------------------------
    out.append(Paragraph(HEADINGS[1], st.h1))
    rows = [
        [
            "Theme",
            *(status(code, bold=True, between="<br/>") for code in vocab.STATUSES),
            "Overdue",
            "Drifting",
        ]
    ]
    overdue_ids = {a.id for a in found.overdue}
    drifting_ids = {a.id for a in found.drifting}
    for theme in plan.themes:
        rows.append(
            [
                theme.title,
                *(str(sum(1 for a in theme.actions if a.status == c)) for c in vocab.STATUSES),
                str(sum(1 for a in theme.actions if a.id in overdue_ids)),
                str(sum(1 for a in theme.actions if a.id in drifting_ids)),
            ]
        )
    rows.append(
        [
            "Whole plan",
            *(str(found.by_status[c]) for c in vocab.STATUSES),
            str(len(found.overdue)),
            str(len(found.drifting)),
        ]
    )
    out.append(table(rows, (107, 70, 56, 48, 48, 56, 56, 52), st, bold_last=True))

    # Young people involved ---------------------------------------------------------------------
    published = vocab.PUBLISHED_INVOLVEMENT_SHARE
    # The heading, what it counts and the table on one page (a tester found them split).
    involved: list[Any] = [Paragraph(HEADINGS[2], st.h1)]
    involved.append(
        Paragraph(
            esc(
                "Of the actions not dropped, those young people take part in (co-designing, "
                "delivering, reviewing or inspecting), and those they help deliver. The "
                f"programme's evaluation counted about {fixed(published * 100)}% of actions with "
                "young people delivering them, across the authorities taking part."
            ),
            st.body,
        )
    )
    rows = [["Theme", "Actions counted", "Involving", "Share", "Delivering", "Share"]]
    total = found.share
    for title, sh in [*found.share_by_theme, ("Whole plan", total)]:
        rows.append(
            [
                title,
                str(sh.counted),
                str(sh.involving),
                _percent(sh.fraction),
                str(sh.delivering),
                _percent(sh.delivering_fraction),
            ]
        )
    rows.append(["Programme (published)", "", "", "", "", _percent(published)])
    involved.append(table(rows, (173, 62, 66, 52, 76, 64), st, bold_last=True))
    out.append(KeepTogether(involved))
    charted = [(title, sh) for title, sh in found.share_by_theme if sh.fraction is not None]
    if charted:
        out.append(spacer(2))
        out.append(
            bar_chart(
                [title for title, _ in charted] + ["Whole plan"],
                [
                    Series(
                        "Involving young people in any way",
                        [(sh.fraction or 0) * 100 for _, sh in charted]
                        + [(total.fraction or 0) * 100],
                    ),
                    Series(
                        "Young people helping deliver",
                        [(sh.delivering_fraction or 0) * 100 for _, sh in charted]
                        + [(total.delivering_fraction or 0) * 100],
                    ),
                ],
                value_max=100,
                value_format="%.0f%%",
                axis_label="Share of actions",
                reference=(
                    published * 100,
                    f"programme, delivering: about {fixed(published * 100)}%",
                ),
                category="Theme",
            )
        )

    # Overdue and drifting ----------------------------------------------------------------------
    widths = (90, 190, 80, 70, 63)
    out.append(Paragraph(HEADINGS[3], st.h1))
    if found.overdue:
        out.append(table(action_rows(found.overdue, "When"), widths, st))
    else:
        out.append(Paragraph("None: every open action is within its date.", st.body))
    out.append(Paragraph(HEADINGS[4], st.h1))
    if found.drifting:
        out.append(
            Paragraph(
                esc(f"Open actions with no update for {vocab.DRIFT_DAYS} days or more."), st.body
            )
        )
        out.append(table(action_rows(found.drifting, "Last update"), widths, st))
    else:
        out.append(
            Paragraph(
                esc(
                    f"None: every open action has an update from the last {vocab.DRIFT_DAYS} days."
                ),
                st.body,
            )
        )

    # Young people's comments -------------------------------------------------------------------
    out.append(Paragraph(HEADINGS[5], st.h1))
    if not plan.reviews:
        out.append(Paragraph("The plan has not been reviewed yet.", st.body))
    else:
        last = plan.reviews[0]
        out.append(Paragraph(esc(f"The review of {long_date(last.held_on)}: {last.who}."), st.body))
        if last.young_people_comments:
            for part in last.young_people_comments.split("\n"):
                if part.strip():
                    out.append(Paragraph(esc(part.strip()), st.body))
        else:
            out.append(Paragraph("No comments on the plan as a whole were recorded.", st.body))
        said = [
            (a, u)
            for a in plan.actions
            for u in a.updates
            if u.review_id == last.id and u.young_people_comment
        ]
        if said:
            rows = [["Action", "Young people said"]]
            rows += [[a.we_will, u.young_people_comment] for a, u in said]
            out.append(Paragraph("On particular actions", st.h2))
            out.append(table(rows, (200, 293), st))

    # The evidence --------------------------------------------------------------------------------
    out.append(Paragraph(HEADINGS[6], st.h1))
    if not data.assessments and not data.rounds:
        out.append(Paragraph("No action cites a self-assessment or a survey round yet.", st.body))
    for link in data.assessments:
        out.append(Paragraph(esc(f"Self-assessment: {link.cited}"), st.h2))
        first = f"{link.first}: total {link.first_total}" + (
            f" ({link.first_band})" if link.first_band else ""
        )
        if link.paired:
            second = f"{link.second}: total {link.second_total}" + (
                f" ({link.second_band})" if link.second_band else ""
            )
            out.append(Paragraph(esc(f"{first}. {second}."), st.body))
        else:
            out.append(
                Paragraph(esc(f"{first}. There is no follow-up to compare with yet."), st.body)
            )
        out.append(Paragraph(esc(link.basis), st.small))
        if link.items:
            before, after = ("Before", "After") if link.paired else ("Rating", "")
            rows = [["Cited", "Statement or area", before, after, "Change"]]
            rows += [
                [
                    i.reference,
                    i.text,
                    i.shown(i.first),
                    i.shown(i.second) if link.paired else "",
                    i.change if link.paired else "",
                ]
                for i in link.items
            ]
            out.append(table(rows, (48, 265, 60, 60, 60), st))
            out.append(
                Paragraph(
                    "A statement's rating is out of 4; an area's is the mean of its ratings.",
                    st.small,
                )
            )
    if data.rounds:
        out.append(Paragraph("Survey response rates", st.h2))
        rows = [["Round cited", "Response rate", "Latest round since", "Response rate", "Change"]]
        rows += [
            [r.name, r.rate, r.later or "none yet", r.later_rate or "–", r.change]
            for r in data.rounds
        ]
        out.append(table(rows, (120, 70, 130, 70, 103), st))
        out.append(
            Paragraph(
                "Rates of rounds of 1 to 5 people are not shown ([c]), as in the survey returns.",
                st.small,
            )
        )
    out.append(spacer())
    out.append(written_by(data.nbdesk_version, data.exported_at, st))
    return out


def report_title(data: PlanData) -> str:
    return f"Action plan progress: {data.plan.summary.name}"


def write_plan_report_html(data: PlanData, path: Path) -> Path:
    """The same report as one accessible web page (see nbdesk.returns.html_report)."""
    from nbdesk.returns.html_report import write_story_html
    from nbdesk.returns.pdf_common import styles

    return write_story_html(story(data, styles()), path, title=report_title(data))


def write_plan_report(data: PlanData, path: Path) -> Path:
    """Write the report to `path` atomically (see nbdesk.common.atomic)."""
    from nbdesk.returns.pdf_common import build_pdf

    return build_pdf(
        path,
        lambda st: story(data, st),
        title=report_title(data),
        author=data.authority,
        subject="New Belongings action plan progress",
    )
