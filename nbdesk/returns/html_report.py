"""A PDF report's story written as one plain, accessible HTML page (issue 15).

reportlab cannot tag a PDF, so a screen reader reads the PDFs as flat text. The same story (the
list of flowables the PDF is made from, out of the same gathered data) is written here as a page
a screen reader navigates:

- the report's title as the page's one <h1>, its headings as <h2>/<h3> in the PDF's order;
- every table with a <caption> (its own, or the heading it stands under), a row of
  <th scope="col"> and, in the column the story names (nbdesk.returns.pdf_common.table), a
  <th scope="row"> naming each row; on a narrow screen a wide table scrolls sideways in a region
  named by its caption that the keyboard can reach;
- in place of every chart, a sentence saying what it shows and a table of the figures it draws,
  worded as the chart labels them (pdf_common.ChartFigures);
- a cell reading "[c]" is also read out as "confidential";
- the last line of the report (which nbdesk wrote it, when) in a <footer> after <main>, read last.

Every figure on the page is one the PDF prints: nothing is counted here, so a count the PDF hides
is hidden here too. Nothing in the story is dropped without a word: a kind of flowable this module
does not know is an error. No scripts, no images, nothing fetched (the styles are in the page);
the column fits a phone's screen.

Import only from functions that write reports: this imports reportlab.
"""

from __future__ import annotations

import html
import re
from collections.abc import Sequence
from pathlib import Path
from typing import Any

from reportlab.graphics.shapes import Drawing
from reportlab.platypus import Paragraph, Table
from reportlab.platypus.doctemplate import ActionFlowable
from reportlab.platypus.flowables import HRFlowable, KeepTogether, Spacer, UseUpSpace

from nbdesk.common.atomic import write_atomically
from nbdesk.returns.pdf_common import WRITTEN_BY, ChartFigures
from nbdesk.returns.suppression import SYMBOL

TAGS = {"Title": "h1", "Heading1": "h2", "Heading2": "h3"}
CLASSES = {"Subtitle": "subtitle", "Small": "note"}
CONFIDENTIAL = "confidential"
CSS = (
    "html{-webkit-text-size-adjust:100%;text-size-adjust:100%}"
    "body{font-family:system-ui,-apple-system,'Segoe UI',Roboto,Arial,sans-serif;"
    "font-size:1.1rem;line-height:1.5;color:#111;background:#fff;max-width:60rem;"
    "margin:0 auto;padding:1rem;overflow-wrap:break-word}"
    "h1{font-size:1.8rem;line-height:1.2}"
    "h2{font-size:1.4rem;line-height:1.25;margin-top:2rem;border-top:2px solid #111;"
    "padding-top:.5rem}"
    "h3{font-size:1.15rem;margin-top:1.5rem}"
    ".subtitle{font-size:1.15rem}"
    ".note{font-size:.95rem;color:#333}"
    ".table{overflow-x:auto;margin:.5rem 0 1.25rem}"
    ".table:focus{outline:3px solid #0b0c8c;outline-offset:2px}"
    "table{border-collapse:collapse;width:100%}"
    "caption{text-align:left;font-weight:bold;padding:0 0 .25rem}"
    "th,td{border:1px solid #555;padding:.25rem .5rem;text-align:left;vertical-align:top}"
    "thead th{background:#e0e6ef}"
    "tbody th{font-weight:normal;background:#f3f5f9}"
    ".chart{border-left:4px solid #555;padding-left:.75rem}"
    ".vh{position:absolute;width:1px;height:1px;overflow:hidden;clip:rect(0 0 0 0);"
    "clip-path:inset(50%);white-space:nowrap}"
    "footer{font-size:.95rem;border-top:1px solid #555;margin-top:2rem;padding-top:.5rem}"
    # A figure is never broken over two lines; a table too wide for a phone scrolls sideways.
    ".num{white-space:nowrap}"
    "@media (max-width:40rem){body{font-size:1rem;padding:.5rem}h1{font-size:1.5rem}"
    "table{font-size:.9rem}th,td{padding:.2rem .3rem;hyphens:auto}}"
    "@media print{.table{overflow:visible}h2,h3{break-after:avoid}tr{break-inside:avoid}}"
)
# A cell holding one figure: "2.37", "+0.38", "55%", "=9", "11 of 13", "[c]".
FIGURE = re.compile(r"[=+\-–]?\d[\d.,]*%?( of \d+)?|" + re.escape(SYMBOL))
# Flowables that only space or break the printed page: nothing to read.
SPACING = (Spacer, UseUpSpace, HRFlowable, ActionFlowable)


def _markup_text(markup: str) -> str:
    """A paragraph's words from its markup: a line break is a space, tags go, entities are read."""
    text = re.sub(r"<br\s*/?>", " ", markup)
    text = re.sub(r"<[^>]*>", "", text)
    return " ".join(html.unescape(text).split())


def _cell_text(value: Any) -> str:
    if isinstance(value, Paragraph):
        return _markup_text(value.text)
    if isinstance(value, (list, tuple)):
        return " ".join(_cell_text(v) for v in value)
    if value is None:
        return ""
    if isinstance(value, (str, int, float)):
        return str(value)
    raise TypeError(f"A table cell the web page cannot write: {type(value).__name__}")


def _cell_html(text: str) -> str:
    if text == SYMBOL:  # read out in words; the note under the heading says what it means
        return f'<span aria-hidden="true">{SYMBOL}</span><span class="vh">{CONFIDENTIAL}</span>'
    return html.escape(text)


class _Page:
    def __init__(self) -> None:
        self.main: list[str] = []
        self.footer: list[str] = []
        self.heading = ""  # the latest heading's words: a table's caption when it has none
        self.tables = 0

    def table(self, caption: str, rows: Sequence[Sequence[str]], row_header: int | None) -> None:
        e = html.escape
        self.tables += 1
        ident = f"table-{self.tables}"
        head, *body = rows
        # A caption that repeats the heading above it is for screen readers only.
        words = f'<span class="vh">{e(caption)}</span>' if caption == self.heading else e(caption)
        out = [
            f'<div class="table" role="region" aria-labelledby="{ident}" tabindex="0">',
            "<table>",
            f'<caption id="{ident}">{words}</caption>',
            "<thead><tr>" + "".join(f'<th scope="col">{e(h)}</th>' for h in head) + "</tr></thead>",
            "<tbody>",
        ]
        for row in body:
            cells = []
            for i, text in enumerate(row):
                if i == row_header:
                    cells.append(f'<th scope="row">{_cell_html(text)}</th>')
                elif FIGURE.fullmatch(text):
                    cells.append(f'<td class="num">{_cell_html(text)}</td>')
                else:
                    cells.append(f"<td>{_cell_html(text)}</td>")
            out.append("<tr>" + "".join(cells) + "</tr>")
        out += ["</tbody>", "</table>", "</div>"]
        self.main += out

    def chart(self, f: ChartFigures) -> None:
        self.main.append(f'<p class="chart">{html.escape(chart_sentence(f))}</p>')
        head = [f.category or "Item", *f.series]
        rows = [[name, *(shown[i] for shown in f.shown)] for i, name in enumerate(f.categories)]
        self.table(f"The figures of the {f.kind}: {f.about}", [head, *rows], 0)

    def add(self, flowable: Any) -> None:
        if isinstance(flowable, KeepTogether):
            for inner in flowable._content:
                self.add(inner)
        elif isinstance(flowable, Paragraph):
            text = _markup_text(flowable.text)
            name = flowable.style.name
            if name == WRITTEN_BY:
                self.footer.append(f"<p>{html.escape(text)}</p>")
            elif name in TAGS:
                self.heading = text
                self.main.append(f"<{TAGS[name]}>{html.escape(text)}</{TAGS[name]}>")
            elif name in CLASSES:
                self.main.append(f'<p class="{CLASSES[name]}">{html.escape(text)}</p>')
            else:
                self.main.append(f"<p>{html.escape(text)}</p>")
        elif isinstance(flowable, Table):
            rows = [[_cell_text(v) for v in row] for row in flowable._cellvalues]
            caption = getattr(flowable, "html_caption", "") or self.heading
            self.table(caption, rows, getattr(flowable, "html_row_header", 0))
        elif isinstance(flowable, Drawing) and isinstance(
            getattr(flowable, "figures", None), ChartFigures
        ):
            self.chart(flowable.figures)
        elif not isinstance(flowable, SPACING):
            raise TypeError(f"A part of the report the web page cannot write: {flowable!r}")


def _names(names: Sequence[str]) -> str:
    return names[0] if len(names) == 1 else ", ".join(names[:-1]) + " and " + names[-1]


def chart_sentence(f: ChartFigures) -> str:
    """What a chart shows, in a sentence or two, from its own figures."""
    # "Age band" reads "by age band"; "PA team" keeps its capitals.
    lower = f.category[:1].lower() + f.category[1:] if not f.category[:2].isupper() else f.category
    by = f" by {lower}" if f.category else ""
    out = [f"A {f.kind}{by}: {f.about}."]
    if len(f.series) > 1:
        out.append(f"It sets {_names(list(f.series))} side by side.")
    else:
        points = [(v, i) for i, v in enumerate(f.values[0]) if v is not None]
        if f.kind == "line chart" and len(points) > 1:
            (_, a), (_, b) = points[0], points[-1]
            out.append(
                f"It goes from {f.shown[0][a]} ({f.categories[a]}) to {f.shown[0][b]} "
                f"({f.categories[b]})."
            )
        elif len(points) > 1:
            # Ties as the reader sees them: the figures as labelled, not as stored.
            shown = f.shown[0]
            high, low = shown[max(points)[1]], shown[min(points)[1]]
            if high != low:
                highest = [f.categories[i] for _, i in points if shown[i] == high]
                lowest = [f.categories[i] for _, i in points if shown[i] == low]
                out.append(
                    f"Highest: {_names(highest)} ({high}); lowest: {_names(lowest)} ({low})."
                )
    if f.reference:
        out.append(f'A dashed line across the bars is labelled "{f.reference}".')
    out.append("Every figure it draws is in the table below.")
    return " ".join(out)


def story_html(story: Sequence[Any], *, title: str) -> str:
    """The page: the story's content in <main>, its last line in <footer> after it."""
    page = _Page()
    for flowable in story:
        page.add(flowable)
    parts = [
        "<!DOCTYPE html>",
        '<html lang="en-GB">',
        "<head>",
        '<meta charset="utf-8">',
        '<meta name="viewport" content="width=device-width, initial-scale=1">',
        f"<title>{html.escape(title)}</title>",
        f"<style>{CSS}</style>",
        "</head>",
        "<body>",
        "<main>",
        *page.main,
        "</main>",
    ]
    if page.footer:
        parts += ["<footer>", *page.footer, "</footer>"]
    parts += ["</body>", "</html>", ""]
    return "\n".join(parts)


def write_story_html(story: Sequence[Any], path: Path, *, title: str) -> Path:
    """Write the page to `path` atomically, as UTF-8."""
    text = story_html(story, title=title)

    def write(temp: Path) -> None:
        temp.write_text(text, encoding="utf-8", newline="\n")

    return write_atomically(Path(path), write)
