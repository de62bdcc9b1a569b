"""Reading an exported report's web page as a screen reader finds its way round it (issue 15): the
headings in order, each table with its caption, column headers and rows (a row's header cell
told apart from its data cells), the text of <main> and <footer>, and every tag and attribute.

`read_page(text)` parses a page and checks what every report's page must hold, failing with what
is wrong; the tests then check each report's own content through the Page it returns.
"""

from __future__ import annotations

import re
import subprocess
from dataclasses import dataclass, field
from html.parser import HTMLParser
from itertools import pairwise
from pathlib import Path

# Tags that would fetch, run or draw something: none may be on a page meant to work offline.
FETCHING = {"img", "svg", "script", "link", "iframe", "object", "embed", "audio", "video", "canvas"}
VOID = {"meta", "br", "hr", "img", "link", "input", "wbr"}


@dataclass
class Cell:
    tag: str  # "th" or "td"
    scope: str
    text: str


@dataclass
class Table:
    caption: str = ""
    caption_id: str = ""
    region: dict[str, str | None] = field(default_factory=dict)  # the wrapper's attributes
    head: list[Cell] = field(default_factory=list)
    rows: list[list[Cell]] = field(default_factory=list)

    def row(self, header: str) -> list[str]:
        """The texts of the row whose header cell reads `header`."""
        for row in self.rows:
            if any(c.tag == "th" and c.text == header for c in row):
                return [c.text for c in row]
        raise KeyError(header)

    def texts(self) -> list[list[str]]:
        return [[c.text for c in row] for row in self.rows]


class Page(HTMLParser):
    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.lang = ""
        self.tags: list[str] = []
        self.attrs: list[tuple[str, dict[str, str | None]]] = []
        self.headings: list[tuple[int, str]] = []
        self.tables: list[Table] = []
        self.main_text: list[str] = []
        self.footer_text: list[str] = []
        self.after_main: list[str] = []  # the tags opened after </main>
        self.style = ""
        self._stack: list[str] = []
        self._buffer: list[str] | None = None
        self._region: dict[str, str | None] = {}
        self._row: list[Cell] | None = None
        self._cell: tuple[str, str] | None = None
        self._in_head = False
        self._main_done = False
        self._hidden = 0  # depth inside aria-hidden (what a screen reader does not read)

    # Parsing ----------------------------------------------------------------------------------

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        a = dict(attrs)
        self.tags.append(tag)
        self.attrs.append((tag, a))
        if self._main_done:
            self.after_main.append(tag)
        if tag == "html":
            self.lang = a.get("lang") or ""
        if tag not in VOID:
            self._stack.append(tag)
            if a.get("aria-hidden") == "true" or self._hidden:
                self._hidden += 1
        if re.fullmatch(r"h[1-6]", tag) or tag == "caption":
            self._buffer = []
        if tag == "div" and a.get("role") == "region":
            self._region = a
        if tag == "table":
            self.tables.append(Table(region=self._region))
            self._region = {}
        if tag == "caption":
            self.tables[-1].caption_id = a.get("id") or ""
        if tag == "tr":
            self._row = []
        if tag in ("th", "td"):
            self._cell, self._buffer = (tag, a.get("scope") or ""), []
        if tag == "thead":
            self._in_head = True

    def handle_endtag(self, tag: str) -> None:
        if tag in VOID:
            return
        while self._stack:
            opened = self._stack.pop()
            if self._hidden:
                self._hidden -= 1
            if opened == tag:
                break
        words = " ".join("".join(self._buffer or []).split())
        if re.fullmatch(r"h[1-6]", tag):
            self.headings.append((int(tag[1]), words))
            self._buffer = None
        elif tag == "caption":
            self.tables[-1].caption = words
            self._buffer = None
        elif tag in ("th", "td") and self._cell is not None and self._row is not None:
            self._row.append(Cell(self._cell[0], self._cell[1], words))
            self._cell, self._buffer = None, None
        elif tag == "tr" and self._row is not None:
            if self._in_head:
                self.tables[-1].head = self._row
            else:
                self.tables[-1].rows.append(self._row)
            self._row = None
        elif tag == "thead":
            self._in_head = False
        elif tag == "main":
            self._main_done = True

    def handle_data(self, data: str) -> None:
        if "style" in self._stack:
            self.style += data
            return
        if self._hidden:
            return  # what a screen reader reads: "[c]" is hidden, "confidential" is read
        if self._buffer is not None:
            self._buffer.append(data)
        if "footer" in self._stack:
            self.footer_text.append(data)
        elif "main" in self._stack:
            self.main_text.append(data)

    # What the tests read ------------------------------------------------------------------------

    @property
    def text(self) -> str:
        """<main>'s words as a screen reader reads them (aria-hidden left out)."""
        return " ".join(" ".join(self.main_text).split())

    @property
    def footer(self) -> str:
        return " ".join(" ".join(self.footer_text).split())

    def table(self, caption: str) -> Table:
        found = [t for t in self.tables if t.caption == caption]
        assert len(found) == 1, (caption, [t.caption for t in self.tables])
        return found[0]


def read_page(text: str) -> Page:
    """Parse a report's page and check what every one must hold."""
    page = Page()
    page.feed(text)
    page.close()
    # English, sized for a phone, nothing fetched or run.
    assert page.lang.startswith("en"), page.lang
    assert ("meta", {"name": "viewport", "content": "width=device-width, initial-scale=1"}) in (
        page.attrs
    )
    assert "@media (max-width" in page.style and "overflow-x:auto" in page.style
    assert not FETCHING & set(page.tags), FETCHING & set(page.tags)
    assert not re.search(r"\b(src|href)\s*=|url\(|@import", text)
    # One h1, first; no heading level skipped on the way down.
    levels = [level for level, _ in page.headings]
    assert levels and levels[0] == 1 and levels.count(1) == 1, page.headings
    for before, after in pairwise(levels):
        assert after <= before + 1, page.headings
    assert all(words for _, words in page.headings), page.headings
    # Every table: a caption, a row of column headers, each body row named by a row header (or
    # its cells under the column headers), and, on a narrow screen, a scrolling region that the
    # keyboard reaches and a screen reader names by the caption.
    assert page.tables
    for t in page.tables:
        assert t.caption, t
        assert t.head and all(c.tag == "th" and c.scope == "col" and c.text for c in t.head), t
        for row in t.rows:
            assert len(row) == len(t.head), (t.caption, row)
            assert all(c.tag == "td" or c.scope == "row" for c in row), (t.caption, row)
        assert t.region.get("aria-labelledby") == t.caption_id and t.caption_id, t
        assert t.region.get("tabindex") == "0"
    # The footer is last: nothing after <main> but it.
    assert page.after_main[:1] == ["footer"] and "main" not in page.after_main, page.after_main
    assert page.footer.startswith("Written by nbdesk"), page.footer
    return page


NUMBER = re.compile(r"\d+(?:\.\d+)?")


def numbers(text: str) -> set[str]:
    return set(NUMBER.findall(text))


def pdf_words(path: Path) -> str:
    """A PDF's text as pdftotext draws it out, on one line."""
    done = subprocess.run(["pdftotext", "-layout", str(path), "-"], capture_output=True, check=True)
    return " ".join(done.stdout.decode("utf-8").split())
