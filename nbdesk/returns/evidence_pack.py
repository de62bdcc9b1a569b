"""The evidence pack, "you said, we did", for inspection and the corporate parenting board: a PDF,
the PDF's story as one accessible web page (nbdesk.returns.html_report) and a workbook, all made
from nbdesk.returns.loop_data.

For each theme: what young people said (the findings the actions cite, with their round, percent
and base and the figure in any later round; the priorities, with how many named them; what the
lead typed under You said), what was done (each action with its owner, date, latest update and
status as a symbol and words), young people's involvement (the theme's share beside the programme's
figure, and each action's), and the self-assessment areas the actions cite, baseline beside
follow-up. Then when the plan was shared back with young people. A finding on a small base is
never in it (loop_data leaves it out).

Workbook sheets: `Summary`, `You said`, `We did`, `Areas`, `Shared back`; one row per item with
its theme, to filter and sort.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from nbdesk.action_plan import vocab
from nbdesk.common.atomic import write_atomically
from nbdesk.common.dates import format_day
from nbdesk.common.figures import fixed
from nbdesk.returns.loop_data import LoopData, ThemeAnswers, shared_line
from nbdesk.returns.plan_workbook import status_cell

TITLE = "Evidence pack: you said, we did"
HEADINGS = (
    "What young people said",
    "What we did",
    "Young people's involvement",
    "Self-assessment areas",
    "Shared back with young people",
)
SAID_HEADERS = ("Theme", "Source", "What was said", "When", "Answered by")
DID_HEADERS = (
    "Theme",
    "We will",
    "Who",
    "When",
    "Added",
    "Latest update",
    "Updated on",
    "Status",
    "Young people involved",
)
AREA_HEADERS = ("Theme", "Assessment", "Area", "Before (mean of 4)", "After", "Change")


def said_rows(theme: ThemeAnswers) -> list[tuple[str, str, str, str]]:
    """(source, what was said, when, the action answering it), each said once per theme."""
    rows: list[tuple[str, str, str, str]] = []
    index: dict[tuple[str, str], int] = {}

    def add(source: str, text: str, when: str, action: str) -> None:
        key = (source, text)
        if key in index:
            i = index[key]
            s, t, w, a = rows[i]
            rows[i] = (s, t, w, f"{a}; {action}")
            return
        index[key] = len(rows)
        rows.append((source, text, when, action))

    for a in theme.answered:
        for f in a.findings:
            add(
                "Survey finding",
                f.staff(),
                f"{f.round_name} ({format_day(f.round_opens_on)})",
                a.action.we_will,
            )
        for p in a.priorities:
            add("Young people's priority", p.staff(), "", a.action.we_will)
        if a.action.you_said.strip():
            add(
                "You said (in the plan)",
                a.action.you_said.strip(),
                format_day(a.action.created_on),
                a.action.we_will,
            )
    return rows


def update_cells(theme_answer: Any) -> tuple[str, str]:
    latest = theme_answer.latest_update
    if latest is None:
        return "none yet", ""
    text = latest.text or ""
    if latest.young_people_comment:
        text = f"{text} Young people said: {latest.young_people_comment}".strip()
    return text, format_day(latest.written_on)


def _share(data: LoopData, theme_title: str) -> str:
    for title, share in data.base.attention.share_by_theme:
        if title == theme_title:
            return f"{share.text}; {share.against_programme}"
    return "–"


# PDF -------------------------------------------------------------------------------------------


def story(data: LoopData, st: Any) -> list[Any]:
    from reportlab.platypus import PageBreak, Paragraph

    from nbdesk.returns.pdf_common import esc, symbol_markup, table, written_by

    plan, found = data.base.plan, data.base.attention
    s = plan.summary
    out: list[Any] = [
        Paragraph(esc(f"{TITLE} — {s.name}"), st.title),
        Paragraph(
            esc(
                f"{data.authority} · {format_day(s.starts_on)} to {format_day(s.ends_on)} · "
                f"as at {format_day(data.today)}"
            ),
            st.subtitle,
        ),
    ]
    signed = (
        f"{format_day(plan.sign_offs[0].signed_on)} by {plan.sign_offs[0].name}, "
        f"{plan.sign_offs[0].role}"
        if plan.sign_offs
        else "not yet"
    )
    with_young = [r for r in plan.reviews if r.young_people]
    rows: list[list[Any]] = [
        ["Measure", "Figure"],
        ["Themes; actions", f"{len(plan.themes)}; {len(plan.actions)}"],
        ["Signed off", signed],
        [
            "Reviews",
            f"{len(plan.reviews)}, {len(with_young)} with young people"
            + (f" (last {format_day(plan.reviews[0].held_on)})" if plan.reviews else ""),
        ],
        ["Next review due", format_day(found.next_review_on)],
        ["Involving young people", f"{found.share.text}; {found.published_share_text}"],
        ["Shared with young people", shared_line(data)],
    ]
    out.append(table(rows, (170, 323), st, caption="The plan at a glance"))

    def status(code: str) -> Any:
        return Paragraph(
            symbol_markup(vocab.STATUS_SYMBOLS[code], vocab.STATUS_LABELS[code]), st.cell
        )

    for theme in data.themes:
        out.append(PageBreak())
        out.append(Paragraph(esc(f"Theme {theme.theme.position}: {theme.theme.title}"), st.h1))

        def caption(heading: str, theme: ThemeAnswers = theme) -> str:
            return f"{heading}: {theme.theme.title}"

        out.append(Paragraph(HEADINGS[0], st.h2))
        said = said_rows(theme)
        if said:
            t: list[list[Any]] = [["Source", "What was said", "When", "Answered by"]]
            t += [list(r) for r in said]
            out.append(table(t, (80, 213, 85, 115), st, caption=caption(HEADINGS[0]), row_header=1))
        else:
            out.append(Paragraph("No finding or priority is cited yet.", st.body))
        out.append(Paragraph(HEADINGS[1], st.h2))
        if theme.answered:
            t = [["We will", "Who, when", "Latest update", "Status"]]
            for ans in theme.answered:
                a = ans.action
                text, on = update_cells(a)
                who = ", ".join(x for x in (a.owner or "not named", a.when or "no date"))
                t.append(
                    [
                        a.we_will,
                        f"{who}; added {format_day(a.created_on)}",
                        f"{on}: {text}" if on else text,
                        status(a.status),
                    ]
                )
            out.append(table(t, (150, 100, 170, 73), st, caption=caption(HEADINGS[1])))
        else:
            out.append(Paragraph("No actions yet.", st.body))
        out.append(Paragraph(HEADINGS[2], st.h2))
        out.append(
            Paragraph(
                esc(f"Actions involving young people: {_share(data, theme.theme.title)}."),
                st.body,
            )
        )
        if theme.answered:
            t = [["Action", "Young people involved", "Reviewed with young people"]]
            t += [
                [
                    ans.action.we_will,
                    ans.action.involvement_text,
                    "yes" if ans.action.reviewed_with_young_people else "not yet",
                ]
                for ans in theme.answered
            ]
            out.append(table(t, (200, 200, 93), st, caption=caption(HEADINGS[2])))
        areas = data.areas.get(theme.theme.id, ())
        if areas:
            out.append(Paragraph(HEADINGS[3], st.h2))
            t = [["Assessment", "Area", "Before", "After", "Change"]]
            t += [
                [
                    ar.assessment,
                    f"{ar.rated.reference}: {ar.rated.text}",
                    ar.rated.shown(ar.rated.first),
                    ar.rated.shown(ar.rated.second) if ar.paired else "no follow-up yet",
                    ar.rated.change if ar.paired else "–",
                ]
                for ar in areas
            ]
            out.append(
                table(t, (130, 170, 55, 75, 63), st, caption=caption(HEADINGS[3]), row_header=1)
            )
            out.append(Paragraph("An area's score is the mean of its ratings, out of 4.", st.small))
    out.append(Paragraph(HEADINGS[4], st.h1))
    if data.feedback:
        t = [["Sent on", "How", "How many", "Note"]]
        t += [[format_day(f.sent_on), f.channel, str(f.how_many), f.note] for f in data.feedback]
        out.append(table(t, (90, 80, 70, 253), st))
    else:
        out.append(Paragraph("Not yet recorded as shared with young people.", st.body))
    out.append(written_by(data.base.nbdesk_version, data.exported_at, st))
    return out


def report_title(data: LoopData) -> str:
    return f"{TITLE}: {data.base.plan.summary.name}"


def write_evidence_html(data: LoopData, path: Path) -> Path:
    """The PDF's story as one accessible web page (see nbdesk.returns.html_report)."""
    from nbdesk.returns.html_report import write_story_html
    from nbdesk.returns.pdf_common import styles

    return write_story_html(story(data, styles()), path, title=report_title(data))


def write_evidence_pdf(data: LoopData, path: Path) -> Path:
    from nbdesk.returns.pdf_common import build_pdf

    return build_pdf(
        path,
        lambda st: story(data, st),
        title=report_title(data),
        author=data.authority,
        subject="New Belongings evidence pack",
    )


# Workbook --------------------------------------------------------------------------------------


def build_book(data: LoopData) -> Any:
    from nbdesk.returns.xlsx_common import Sheet, new_workbook

    book = new_workbook()
    plan, found = data.base.plan, data.base.attention
    s = plan.summary
    summary = Sheet(book, "Summary", (34, 70), header_row=None)
    summary.title(f"{TITLE}: {s.name}")
    summary.line(f"{data.authority} — New Belongings action plan, as at {format_day(data.today)}")
    summary.blank()
    facts = [
        ("Period", f"{format_day(s.starts_on)} to {format_day(s.ends_on)}"),
        ("Themes", str(len(plan.themes))),
        ("Actions", str(len(plan.actions))),
        (
            "Signed off",
            f"{plan.sign_offs[0].name}, {format_day(plan.sign_offs[0].signed_on)}"
            if plan.sign_offs
            else "Not yet",
        ),
        ("Reviews", str(len(plan.reviews))),
        ("Next review due", format_day(found.next_review_on)),
        ("Involving young people", f"{found.share.text}; {found.published_share_text}"),
        ("Shared with young people", shared_line(data)),
    ]
    for label, value in facts:
        summary.row([label, value], wrap=(1,))

    said = Sheet(book, "You said", (22, 22, 60, 24, 40), header_row=1)
    said.header(SAID_HEADERS)
    for theme in data.themes:
        for row in said_rows(theme):
            said.row([theme.theme.title, *row], wrap=(0, 2, 4))

    did = Sheet(book, "We did", (22, 40, 20, 16, 12, 44, 12, 18, 30), header_row=1)
    did.header(DID_HEADERS)
    for theme in data.themes:
        for ans in theme.answered:
            a = ans.action
            text, on = update_cells(a)
            did.row(
                [
                    theme.theme.title,
                    a.we_will,
                    a.owner or None,
                    a.when or None,
                    format_day(a.created_on),
                    text,
                    on or None,
                    status_cell(a),
                    a.involvement_text,
                ],
                wrap=(0, 1, 2, 3, 5, 8),
            )

    areas = Sheet(book, "Areas", (22, 40, 44, 16, 12, 10), header_row=1)
    areas.header(AREA_HEADERS, center_from=3)
    for theme in data.themes:
        for ar in data.areas.get(theme.theme.id, ()):
            first, second = ar.rated.first, ar.rated.second
            areas.row(
                [
                    theme.theme.title,
                    ar.assessment,
                    f"{ar.rated.reference}: {ar.rated.text}",
                    None if first is None else float(fixed(first, 2)),
                    None if second is None else float(fixed(second, 2)),
                    ar.rated.difference if ar.paired else "no follow-up yet",
                ],
                wrap=(0, 1, 2),
                center=(3, 4, 5),
                formats={3: "0.00", 4: "0.00", 5: "+0.00;-0.00;0.00"},
            )

    shared = Sheet(book, "Shared back", (14, 14, 10, 60), header_row=1)
    shared.header(("Sent on", "How", "How many", "Note"))
    for f in data.feedback:
        shared.row([format_day(f.sent_on), f.channel, f.how_many, f.note or None], wrap=(3,))
    return book


def write_evidence_workbook(data: LoopData, path: Path) -> Path:
    return write_atomically(Path(path), lambda temp: build_book(data).save(temp))
