"""The young people's plan: "You said / We are doing / What you will see", in plain words, as a PDF
(one theme to a page, large type) and as one self-contained web page that reads on a phone.

Made from nbdesk.returns.loop_data: the findings and priorities each action answers (never a
finding on a small base), the action, how it is going (a symbol and words, so it reads in black and
white and never by colour alone), when it should be ready, the date of the next review, when the
plan was last shared with young people, and how to get involved. No owner is named unless the
lead chose to show them.

The web page has no scripts, no outside files (styles in the page, no images or web fonts),
semantic headings (h1 the plan, h2 a theme, h3 You said / We are doing / What you will see
in each action's article), a viewport for phones, large type and a column no wider than a comfortable line.
"""

from __future__ import annotations

import html
from pathlib import Path
from typing import Any

from nbdesk.action_plan import vocab
from nbdesk.common.atomic import write_atomically
from nbdesk.returns.loop_data import YOUNG_STATUS, Answered, LoopData, long_day

TITLE = "You said, we are doing"
YOU_SAID, WE_ARE_DOING, YOU_WILL_SEE = "You said", "We are doing", "What you will see"
HOW_IT_IS_GOING = "How it is going"
KEY_HEADING = "What the marks mean"
NEXT_REVIEW = "When we will look at this again"
GET_INVOLVED = "How to get involved"
NOTHING_SAID = "This came from our own look at how we support care leavers."
NO_ACTIONS = "We are still planning this part. We will tell you what we are doing."


def intro(data: LoopData) -> list[str]:
    """The opening lines, the same in the PDF and on the page."""
    lines = [
        f"This is {data.authority}'s plan to make life better for care leavers. It shows what "
        "you told us, what we are doing about it, and what you will see change.",
    ]
    if data.shared_on:
        lines.append(f"We last shared this plan with you on {long_day(data.shared_on)}.")
    return lines


def review_line(data: LoopData) -> str:
    day = data.base.attention.next_review_on
    return f"We will check this plan with young people again by {long_day(day)}."


def owner_line(data: LoopData, a: Answered) -> str:
    who = data.owner(a.action)
    return f"Who is doing it: {who}" if who else ""


# PDF -------------------------------------------------------------------------------------------


def _styles() -> dict[str, Any]:
    from reportlab.lib.styles import ParagraphStyle

    from nbdesk.returns.pdf_common import BOLD, DARK, FONT, register_fonts

    register_fonts()
    body = ParagraphStyle("Body", fontName=FONT, fontSize=14, leading=20, spaceAfter=6)
    return {
        "title": ParagraphStyle("Title", fontName=BOLD, fontSize=26, leading=32, spaceAfter=10),
        "h1": ParagraphStyle(
            "Heading1", fontName=BOLD, fontSize=22, leading=28, spaceAfter=10, keepWithNext=1
        ),
        # A heading of the opening page: a top-level bookmark, as the themes are.
        "h2": ParagraphStyle(
            "Heading1",
            fontName=BOLD,
            fontSize=17,
            leading=22,
            spaceBefore=12,
            spaceAfter=6,
            keepWithNext=1,
        ),
        "label": ParagraphStyle(
            "Label", fontName=BOLD, fontSize=14, leading=19, spaceBefore=4, keepWithNext=1
        ),
        "body": body,
        # The bullet in the same embedded font (reportlab would draw it in Helvetica, unembedded).
        "bullet": ParagraphStyle(
            "Bullet", parent=body, leftIndent=18, bulletIndent=4, bulletFontName=FONT
        ),
        "small": ParagraphStyle("Small", parent=body, fontSize=10, leading=13, textColor=DARK),
    }


def _status_markup(status: str) -> str:
    from nbdesk.returns.pdf_common import symbol_markup

    return symbol_markup(vocab.STATUS_SYMBOLS[status], YOUNG_STATUS[status])


def pdf_story(data: LoopData) -> list[Any]:
    from reportlab.lib import colors
    from reportlab.platypus import HRFlowable, KeepTogether, PageBreak, Paragraph

    from nbdesk.returns.pdf_common import esc, spacer, written_by

    st = _styles()
    out: list[Any] = [Paragraph(esc(TITLE), st["title"])]
    out.append(Paragraph(esc(f"{data.authority} · {data.base.plan.summary.name}"), st["body"]))
    out += [Paragraph(esc(line), st["body"]) for line in intro(data)]
    out.append(Paragraph(KEY_HEADING, st["h2"]))
    out += [Paragraph(_status_markup(code), st["body"]) for code in vocab.STATUSES]
    out.append(Paragraph(NEXT_REVIEW, st["h2"]))
    out.append(Paragraph(esc(review_line(data)), st["body"]))
    out.append(Paragraph(GET_INVOLVED, st["h2"]))
    out.append(Paragraph(esc(data.get_involved), st["body"]))
    for theme in data.themes:
        out.append(PageBreak())
        out.append(Paragraph(esc(theme.theme.title), st["h1"]))
        if not theme.answered:
            out.append(Paragraph(esc(NO_ACTIONS), st["body"]))
        for a in theme.answered:
            said = a.you_said()
            block: list[Any] = [Paragraph(YOU_SAID, st["label"])]
            if said:
                block += [Paragraph(esc(s), st["bullet"], bulletText="•") for s in said]
            else:
                block.append(Paragraph(NOTHING_SAID, st["body"]))
            block.append(Paragraph(WE_ARE_DOING, st["label"]))
            block.append(Paragraph(esc(a.action.we_will), st["body"]))
            block.append(
                Paragraph(f"{HOW_IT_IS_GOING}: {_status_markup(a.action.status)}", st["body"])
            )
            block.append(Paragraph(YOU_WILL_SEE, st["label"]))
            block.append(Paragraph(esc(a.you_will_see()), st["body"]))
            if owner_line(data, a):
                block.append(Paragraph(esc(owner_line(data, a)), st["body"]))
            block.append(HRFlowable(width="100%", thickness=0.8, color=colors.black))
            out.append(KeepTogether(block))
    out.append(PageBreak())
    out.append(Paragraph(GET_INVOLVED, st["h1"]))
    out.append(Paragraph(esc(data.get_involved), st["body"]))
    out.append(Paragraph(esc(review_line(data)), st["body"]))
    out.append(spacer(6))
    out.append(written_by(data.base.nbdesk_version, data.exported_at, _small_styles()))
    return out


def _small_styles() -> Any:
    from nbdesk.returns.pdf_common import styles

    return styles()


def write_young_people_pdf(data: LoopData, path: Path) -> Path:
    """Write the PDF to `path` atomically."""
    from nbdesk.returns.pdf_common import build_pdf

    return build_pdf(
        path,
        lambda _st: pdf_story(data),
        title=f"{TITLE}: {data.base.plan.summary.name}",
        author=data.authority,
        subject="New Belongings plan for young people",
    )


# The web page ----------------------------------------------------------------------------------

CSS = """
html { font-size: 112.5%; }
body { font-family: system-ui, -apple-system, "Segoe UI", Roboto, Arial, sans-serif;
  font-size: 1.15rem; line-height: 1.55; color: #111; background: #fff;
  max-width: 40rem; margin: 0 auto; padding: 1rem; overflow-wrap: break-word; }
h1 { font-size: 2rem; line-height: 1.2; }
h2 { font-size: 1.6rem; line-height: 1.25; border-top: 3px solid #111; padding-top: .75rem;
  margin-top: 2rem; }
h3 { font-size: 1.2rem; line-height: 1.3; margin: 1rem 0 .25rem; }
article { border-left: 4px solid #111; padding-left: .9rem; margin: 1.5rem 0; }
.status { font-weight: bold; }
.mark { display: inline-block; min-width: 1.4em; }
a { color: #0b0c8c; text-decoration: underline; }
footer { font-size: .9rem; border-top: 1px solid #555; margin-top: 2rem; padding-top: .5rem; }
@media print { h2 { break-before: page; } article { break-inside: avoid; } }
"""


def _status_html(status: str) -> str:
    symbol = html.escape(vocab.STATUS_SYMBOLS[status])
    words = html.escape(YOUNG_STATUS[status])
    return f'<span class="mark" aria-hidden="true">{symbol}</span> {words}'


def page_html(data: LoopData) -> str:
    e = html.escape
    plan = data.base.plan.summary.name
    parts = [
        "<!DOCTYPE html>",
        '<html lang="en-GB">',
        "<head>",
        '<meta charset="utf-8">',
        '<meta name="viewport" content="width=device-width, initial-scale=1">',
        f"<title>{e(TITLE)}: {e(plan)} – {e(data.authority)}</title>",
        f"<style>{CSS}</style>",
        "</head>",
        "<body>",
        "<header>",
        f"<h1>{e(TITLE)}</h1>",
        f"<p>{e(data.authority)} · {e(plan)}</p>",
        *(f"<p>{e(line)}</p>" for line in intro(data)),
        "</header>",
        "<main>",
        '<section aria-labelledby="marks">',
        f'<h2 id="marks">{KEY_HEADING}</h2>',
        "<ul>",
        *(f"<li>{_status_html(code)}</li>" for code in vocab.STATUSES),
        "</ul>",
        f"<p>{e(review_line(data))}</p>",
        "</section>",
    ]
    for n, theme in enumerate(data.themes, start=1):
        parts.append(f'<section aria-labelledby="theme-{n}">')
        parts.append(f'<h2 id="theme-{n}">{e(theme.theme.title)}</h2>')
        if not theme.answered:
            parts.append(f"<p>{e(NO_ACTIONS)}</p>")
        for a in theme.answered:
            parts.append("<article>")
            parts.append(f"<h3>{YOU_SAID}</h3>")
            said = a.you_said()
            if said:
                parts.append("<ul>" + "".join(f"<li>{e(s)}</li>" for s in said) + "</ul>")
            else:
                parts.append(f"<p>{NOTHING_SAID}</p>")
            parts.append(f"<h3>{WE_ARE_DOING}</h3>")
            parts.append(f"<p>{e(a.action.we_will)}</p>")
            parts.append(
                f'<p class="status">{HOW_IT_IS_GOING}: {_status_html(a.action.status)}</p>'
            )
            parts.append(f"<h3>{e(YOU_WILL_SEE)}</h3>")
            parts.append(f"<p>{e(a.you_will_see())}</p>")
            if owner_line(data, a):
                parts.append(f"<p>{e(owner_line(data, a))}</p>")
            parts.append("</article>")
        parts.append("</section>")
    parts += [
        '<section aria-labelledby="involved">',
        f'<h2 id="involved">{GET_INVOLVED}</h2>',
        f"<p>{e(data.get_involved)}</p>",
        "</section>",
        "</main>",
        "<footer>",
        f"<p>{e(data.authority)}. Made with nbdesk {e(data.base.nbdesk_version)} on "
        f"{e(long_day(data.exported_at.date()))}.</p>",
        "</footer>",
        "</body>",
        "</html>",
        "",
    ]
    return "\n".join(parts)


def write_young_people_html(data: LoopData, path: Path) -> Path:
    """Write the page to `path` atomically, as UTF-8."""
    text = page_html(data)

    def write(temp: Path) -> None:
        temp.write_text(text, encoding="utf-8", newline="\n")

    return write_atomically(Path(path), write)
