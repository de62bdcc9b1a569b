"""A PDF report's story written as one plain, accessible HTML page (issue 15).

reportlab cannot tag a PDF, so a screen reader reads the PDFs as flat text. The same story (the
list of flowables the PDF is made from) is written here as HTML a screen reader navigates: the
title as <h1>, headings as <h2>/<h3>, tables with <th scope="col"> headers, and in place of a
chart a sentence saying where its figures are. No scripts, nothing fetched.

Import only from functions that write reports: this imports reportlab.
"""

from __future__ import annotations

import html
from collections.abc import Sequence
from pathlib import Path
from typing import Any

from reportlab.graphics.shapes import Drawing
from reportlab.platypus import Paragraph, Table

from nbdesk.common.atomic import write_atomically

TAGS = {"Title": "h1", "Heading1": "h2", "Heading2": "h3"}
CHART_TEXT = "A chart is left out of this page: its figures are in the table above it."
CSS = (
    "body{font-family:sans-serif;font-size:1.1rem;line-height:1.5;max-width:60rem;margin:1rem}"
    "table{border-collapse:collapse;margin:0.5rem 0 1rem}"
    "th,td{border:1px solid #555;padding:0.25rem 0.5rem;text-align:left;vertical-align:top}"
    "th{background:#e0e6ef}"
)


def _cell_text(value: Any) -> str:
    if isinstance(value, Paragraph):
        return value.getPlainText()
    if isinstance(value, (list, tuple)):
        return " ".join(_cell_text(v) for v in value)
    if value is None:
        return ""
    return str(value) if isinstance(value, (str, int, float)) else ""


def _table_html(rows: Sequence[Sequence[Any]]) -> list[str]:
    e = html.escape
    head, *body = [[_cell_text(v) for v in row] for row in rows]
    out = ["<table>", "<thead><tr>"]
    out += [f'<th scope="col">{e(h)}</th>' for h in head]
    out.append("</tr></thead>")
    out.append("<tbody>")
    for row in body:
        out.append("<tr>" + "".join(f"<td>{e(c)}</td>" for c in row) + "</tr>")
    out += ["</tbody>", "</table>"]
    return out


def story_html(story: Sequence[Any], *, title: str) -> str:
    e = html.escape
    parts = [
        "<!DOCTYPE html>",
        '<html lang="en-GB">',
        "<head>",
        '<meta charset="utf-8">',
        '<meta name="viewport" content="width=device-width, initial-scale=1">',
        f"<title>{e(title)}</title>",
        f"<style>{CSS}</style>",
        "</head>",
        "<body>",
        "<main>",
    ]
    for flowable in story:
        if isinstance(flowable, Paragraph):
            tag = TAGS.get(flowable.style.name, "p")
            parts.append(f"<{tag}>{e(flowable.getPlainText())}</{tag}>")
        elif isinstance(flowable, Table):
            parts += _table_html(flowable._cellvalues)
        elif isinstance(flowable, Drawing):
            parts.append(f"<p>{e(CHART_TEXT)}</p>")
    parts += ["</main>", "</body>", "</html>", ""]
    return "\n".join(parts)


def write_story_html(story: Sequence[Any], path: Path, *, title: str) -> Path:
    """Write the page to `path` atomically, as UTF-8."""
    text = story_html(story, title=title)

    def write(temp: Path) -> None:
        temp.write_text(text, encoding="utf-8", newline="\n")

    return write_atomically(Path(path), write)
