"""The survey-round report (PDF): the response rate over time and the groups under-represented.

Every count and rate in it has been through the same suppression as the participation return
(nbdesk.returns.suppression), because the report goes to boards and young people's forums: a group of
1 to 5 people is never shown, nor anything that would let it be worked out. The rate over time is
by week only and for the whole round, never by group, from completions so far rounded down to a
multiple of 5 (suppression.weekly_counts), so that no week's few completions can be worked out.
The same story is also written as one accessible web page (nbdesk.returns.html_report), each chart
as the figures it draws: the page prints no figure the PDF does not.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from nbdesk.common.figures import fixed
from nbdesk.returns.gather import RoundData, long_date
from nbdesk.returns.participation_return import anonymity, safe_return
from nbdesk.returns.suppression import (
    NOTE,
    SYMBOL,
    WEEKLY_STEP,
    Group,
    SafeReturn,
    SafeRow,
    suppress,
    weekly_counts,
)

# A group whose response rate is this many percentage points or more below the whole round's is
# listed as under-represented.
UNDER_BY = 10.0


def _rate(row: SafeRow) -> str:
    if row.rate_hidden:
        return SYMBOL
    return "–" if row.rate is None else f"{fixed(row.rate * 100)}%"


def under_represented(safe: SafeReturn) -> list[tuple[str, SafeRow, float]]:
    """(breakdown, group, shortfall in points) for shown groups well below the overall rate,
    largest shortfall first. Hidden groups are never listed: that would describe a small group."""
    overall = safe.total.rate
    if overall is None:
        return []
    found = []
    for table in safe.tables:
        for row in table.rows:
            if row.rate is None:
                continue
            shortfall = (overall - row.rate) * 100
            if shortfall >= UNDER_BY:
                found.append((table.title, row, shortfall))
    return sorted(found, key=lambda f: -f[2])


def story(data: RoundData, safe: SafeReturn, st: Any) -> list[Any]:
    from reportlab.platypus import KeepTogether, Paragraph

    from nbdesk.returns.pdf_common import (
        Series,
        bar_chart,
        esc,
        line_chart,
        spacer,
        table,
        written_by,
    )

    r = data.round
    total = safe.total
    out: list[Any] = [
        Paragraph(esc(f"Survey round report: {r.name}"), st.title),
        Paragraph(
            esc(
                f"{data.authority} · Your Life Beyond Care survey · opened {long_date(r.opens_on)}, "
                f"{'closed' if r.closed else 'closes'} {long_date(r.closes_on)}"
            ),
            st.subtitle,
        ),
        Paragraph("Headline figures", st.h1),
        table(
            [
                ["Measure", "Figure"],
                ["Care leavers eligible", str(total.eligible.shown)],
                ["Completed the survey (confirmed)", str(total.completed.shown)],
                ["Response rate", _rate(total)],
            ],
            (300, 174),
            st,
        ),
        Paragraph(esc(NOTE), st.small),
    ]

    # Over time ---------------------------------------------------------------------------------
    out.append(Paragraph("Response rate over time", st.h1))
    weekly = weekly_counts([done for _day, done in data.weekly], total)
    if weekly is None:
        out.append(
            Paragraph("Not shown: the round is too small for its rate to be reported.", st.body)
        )
    else:
        labels = [f"Wk {i}" for i in range(1, len(weekly) + 1)]
        rates = [done / total.eligible.value * 100 for done in weekly]
        top = 100.0 if max(rates) > 50 else 50.0
        out.append(
            Paragraph(
                esc(
                    "The share of eligible care leavers confirmed as having completed, at the end "
                    f"of each week from {long_date(r.opens_on)} (week 1 is the first seven days). "
                    f"The completions so far are rounded down to a multiple of {WEEKLY_STEP} "
                    "first, so that no week's few can be worked out: the line may end below the "
                    "headline rate."
                ),
                st.body,
            )
        )
        out.append(
            line_chart(
                labels,
                rates,
                value_max=top,
                axis_label="Week of the round",
                about="the share of eligible care leavers confirmed as having completed by the "
                f"end of each week (completions rounded down to a multiple of {WEEKLY_STEP})",
                category="Week",
                value_name="Completed so far, of those eligible",
                names=[f"Week {i}" for i in range(1, len(weekly) + 1)],
            )
        )
    if data.earlier:
        # Earlier rounds, then this one (a tester read it under "Earlier round").
        rows: list[list[Any]] = [["Round", "Opened", "Eligible", "Completed", "Rate"]]
        for e in data.earlier:
            shown = suppress(Group(e.name, e.eligible, e.completed), []).total
            rows.append(
                [
                    e.name,
                    f"{long_date(e.opens_on)}",
                    str(shown.eligible.shown),
                    str(shown.completed.shown),
                    _rate(shown),
                ]
            )
        rows.append(
            [
                r.name,
                f"{long_date(r.opens_on)}",
                str(total.eligible.shown),
                str(total.completed.shown),
                _rate(total),
            ]
        )
        out.append(Paragraph("This round beside earlier rounds", st.h2))
        out.append(table(rows, (170, 80, 70, 80, 74), st, bold_last=True))

    # Under-represented -------------------------------------------------------------------------
    out.append(Paragraph("Groups under-represented", st.h1))
    under = under_represented(safe)
    if total.rate is None:
        out.append(Paragraph("Not shown: the round is too small.", st.body))
    elif not under:
        out.append(
            Paragraph(
                esc(
                    f"No group that can be shown has a response rate {UNDER_BY:.0f} or more "
                    f"points below the whole round's {fixed(total.rate * 100)}%."
                ),
                st.body,
            )
        )
    else:
        out.append(
            Paragraph(
                esc(
                    f"Groups whose response rate is {UNDER_BY:.0f} or more percentage points below "
                    f"the whole round's {fixed(total.rate * 100)}%, largest gap first. Small groups "
                    f"({SYMBOL}) are not listed."
                ),
                st.body,
            )
        )
        rows = [["Breakdown", "Group", "Eligible", "Completed", "Rate", "Below by"]]
        for title, row, short in under:
            rows.append(
                [
                    title,
                    row.label,
                    str(row.eligible.shown),
                    str(row.completed.shown),
                    _rate(row),
                    f"{fixed(short)} points",
                ]
            )
        out.append(table(rows, (90, 150, 55, 65, 50, 64), st, row_header=1))

    # Breakdowns --------------------------------------------------------------------------------
    for number, t in enumerate(safe.tables):
        rows = [["Group", "Eligible", "Completed", "Response rate"]]
        rows += [
            [row.label, str(row.eligible.shown), str(row.completed.shown), _rate(row)]
            for row in t.rows
        ]
        rows.append(["Total", str(total.eligible.shown), str(total.completed.shown), _rate(total)])
        parts: list[Any] = []
        if number == 0:  # the section's heading stays with its first table
            parts += [Paragraph("Participation by group", st.h1), Paragraph(esc(NOTE), st.small)]
        parts += [
            Paragraph(esc(t.title), st.h2),
            table(rows, (230, 80, 80, 84), st, bold_last=True),
        ]
        charted = [row for row in t.rows if row.rate is not None]
        if charted and total.rate is not None:
            parts.append(spacer(2))
            parts.append(
                bar_chart(
                    [row.label for row in charted],
                    [
                        Series(
                            "Response rate",
                            [row.rate * 100 for row in charted if row.rate is not None],
                        )
                    ],
                    value_max=100,
                    value_format="%.0f%%",
                    axis_label=f"Response rate ({SYMBOL} groups are left out)",
                    reference=(total.rate * 100, f"whole round {fixed(total.rate * 100)}%"),
                    category=t.title,
                )
            )
        out.append(KeepTogether(parts))
    out.append(spacer())
    out.append(Paragraph(esc(anonymity("report")), st.small))
    out.append(written_by(data.nbdesk_version, data.exported_at, st))
    return out


def report_title(data: RoundData) -> str:
    return f"Survey round report: {data.round.name}"


def write_participation_report_html(data: RoundData, path: Path) -> Path:
    """The same report as one accessible web page (see nbdesk.returns.html_report): every count
    and rate as the PDF prints it, [c] included."""
    from nbdesk.returns.html_report import write_story_html
    from nbdesk.returns.pdf_common import styles

    return write_story_html(
        story(data, safe_return(data), styles()), path, title=report_title(data)
    )


def write_participation_report(data: RoundData, path: Path) -> Path:
    """Write the report to `path` atomically (see nbdesk.common.atomic)."""
    from nbdesk.returns.pdf_common import build_pdf

    return build_pdf(
        path,
        lambda st: story(data, safe_return(data), st),
        title=report_title(data),
        author=data.authority,
        subject="Your Life Beyond Care survey participation (New Belongings)",
    )
