"""The look shared by the PDF reports: embedded fonts, styles, headings with bookmarks, charts.

- Fonts: the Bitstream Vera TrueType fonts that ship inside reportlab (reportlab/fonts) are
  registered and embedded (subset) in every PDF, so the report looks the same on any machine; the
  standard 14 PDF fonts are never used, since they are not embedded.
- Symbols: Vera has no ○ ▶ ⚠ ✔ ✖ (the action plan's status marks), so they are drawn in a font
  that has every one of them, the first found of resources/DejaVuSans.ttf, the system's DejaVu Sans
  (Linux) and Segoe UI Symbol (Windows), also embedded; with none of them a status reads as words in
  brackets ("[Done]") instead (symbol_markup).
- Black and white: every chart labels its values, and where two series stand side by side one is
  drawn white with a black outline and the other solid dark grey (with a legend), so a report
  printed on a mono printer or photocopied still reads. Colour is never the only signal.
- Structure: the document has a title (shown as the window's title: DisplayDocTitle), author,
  subject and language (en-GB) in its metadata, and every heading is a PDF bookmark (outline entry)
  at its level, opened with the document, so a reader can navigate by headings. reportlab cannot
  write a tagged-PDF structure tree (/StructTreeRoot, /MarkInfo, marked content), so the PDFs are
  NOT tagged in the PDF/UA sense: a screen reader reads the text in drawing order and cannot tell a
  heading or a table cell from body text. The outline and metadata are what it can honestly offer.
- Reading order: the footer (title, page number) is drawn after the page's content (afterPage).
- The web page: a story is also written as one HTML page (nbdesk.returns.html_report): tables
  carry captions and row-header columns, charts their figures (ChartFigures), the last line its
  own style ("WrittenBy"); the PDF ignores them. Every PDF is written atomically (build_pdf).

Import only from functions that write reports: this imports reportlab.
"""

from __future__ import annotations

import os
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path
from typing import Any

import reportlab
from reportlab.graphics.charts.barcharts import HorizontalBarChart
from reportlab.graphics.charts.legends import Legend
from reportlab.graphics.charts.linecharts import HorizontalLineChart
from reportlab.graphics.shapes import Drawing, Line, String
from reportlab.graphics.widgets.markers import makeMarker
from reportlab.lib import colors
from reportlab.lib.attrmap import AttrMap, AttrMapValue
from reportlab.lib.enums import TA_LEFT
from reportlab.lib.pagesizes import A4
from reportlab.lib.styles import ParagraphStyle
from reportlab.lib.units import mm
from reportlab.pdfbase import pdfmetrics
from reportlab.pdfbase.ttfonts import TTFont
from reportlab.platypus import (
    Flowable,
    Paragraph,
    SimpleDocTemplate,
    Spacer,
    Table,
    TableStyle,
)

from nbdesk.common.atomic import write_atomically
from nbdesk.common.figures import fixed
from nbdesk.returns.gather import long_date

FONT, BOLD, ITALIC = "NbVera", "NbVera-Bold", "NbVera-Italic"
PAGE = A4
MARGIN = 18 * mm
WIDTH = PAGE[0] - 2 * MARGIN
DARK = colors.Color(0.25, 0.25, 0.25)
LIGHT_RULE = colors.Color(0.75, 0.75, 0.75)
HEADER_FILL = colors.Color(0.88, 0.9, 0.94)


def register_fonts() -> None:
    if FONT in pdfmetrics.getRegisteredFontNames():
        return
    folder = Path(reportlab.__file__).parent / "fonts"
    pdfmetrics.registerFont(TTFont(FONT, os.fspath(folder / "Vera.ttf")))
    pdfmetrics.registerFont(TTFont(BOLD, os.fspath(folder / "VeraBd.ttf")))
    pdfmetrics.registerFont(TTFont(ITALIC, os.fspath(folder / "VeraIt.ttf")))
    pdfmetrics.registerFont(TTFont(f"{FONT}-BoldItalic", os.fspath(folder / "VeraBI.ttf")))
    pdfmetrics.registerFontFamily(
        FONT, normal=FONT, bold=BOLD, italic=ITALIC, boldItalic=f"{FONT}-BoldItalic"
    )


SYMBOLS = "NbSymbols"
_symbols_found: list[str | None] = []  # [] until looked for; then [the font's name, or None]


def symbol_font_files() -> list[Path]:
    """Where a font with the status symbols may be, in the order tried."""
    from nbdesk.common.paths import resources_dir

    windows = Path(os.environ.get("WINDIR", r"C:\Windows")) / "Fonts"
    return [
        resources_dir() / "DejaVuSans.ttf",
        Path("/usr/share/fonts/truetype/dejavu/DejaVuSans.ttf"),
        Path("/usr/share/fonts/dejavu/DejaVuSans.ttf"),
        Path("/usr/share/fonts/TTF/DejaVuSans.ttf"),
        windows / "seguisym.ttf",
        Path("/Library/Fonts/DejaVuSans.ttf"),
    ]


def symbol_font(needed: str = "○▶⚠✔✖") -> str | None:
    """The registered name of a font that draws every character of `needed`, or None."""
    if _symbols_found:
        return _symbols_found[0]
    from reportlab.pdfbase.ttfonts import TTFontFile

    found: str | None = None
    for candidate in symbol_font_files():
        try:
            if not candidate.is_file():
                continue
            glyphs = TTFontFile(os.fspath(candidate)).charToGlyph
            if all(ord(ch) in glyphs for ch in needed):
                pdfmetrics.registerFont(TTFont(SYMBOLS, os.fspath(candidate)))
                found = SYMBOLS
                break
        except Exception:  # a damaged or unreadable font is passed over
            continue
    _symbols_found.append(found)
    return found


def symbol_markup(symbol: str, words: str, between: str = " ") -> str:
    """Paragraph markup for a status: its symbol in the symbol font and its words (`between` them:
    "<br/>" for a narrow column's header), or the words in brackets when no font has the symbols."""
    if symbol_font() is None:
        return f"[{esc(words)}]"
    return f'<font name="{SYMBOLS}">{esc(symbol)}</font>{between}{esc(words)}'


@dataclass(frozen=True)
class Styles:
    title: ParagraphStyle
    subtitle: ParagraphStyle
    h1: ParagraphStyle
    h2: ParagraphStyle
    body: ParagraphStyle
    small: ParagraphStyle
    cell: ParagraphStyle
    cell_bold: ParagraphStyle


def styles() -> Styles:
    register_fonts()
    body = ParagraphStyle("Body", fontName=FONT, fontSize=10, leading=14, spaceAfter=6)
    heading = {"fontName": BOLD, "keepWithNext": 1}
    return Styles(
        title=ParagraphStyle(
            "Title", fontName=BOLD, fontSize=20, leading=25, spaceAfter=4, alignment=TA_LEFT
        ),
        subtitle=ParagraphStyle(
            "Subtitle", fontName=FONT, fontSize=11.5, leading=16, spaceAfter=12, textColor=DARK
        ),
        h1=ParagraphStyle(
            "Heading1", **heading, fontSize=15, leading=19, spaceBefore=14, spaceAfter=6
        ),
        h2=ParagraphStyle(
            "Heading2", **heading, fontSize=12, leading=15, spaceBefore=10, spaceAfter=4
        ),
        body=body,
        small=ParagraphStyle("Small", parent=body, fontSize=8.5, leading=11, textColor=DARK),
        cell=ParagraphStyle("Cell", fontName=FONT, fontSize=9, leading=11.5),
        cell_bold=ParagraphStyle("CellBold", fontName=BOLD, fontSize=9, leading=11.5),
    )


def esc(text: object) -> str:
    return str(text).replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")


class ReportDocument(SimpleDocTemplate):
    """A4 portrait with a footer, and an outline entry for every heading.

    The footer is drawn in afterPage, once the page's content is drawn, so that text extraction
    and screen readers, which follow the drawing order, read it last on each page."""

    def __init__(self, filename: str, *, title: str, author: str, subject: str) -> None:
        super().__init__(
            filename,
            pagesize=PAGE,
            leftMargin=MARGIN,
            rightMargin=MARGIN,
            topMargin=MARGIN,
            bottomMargin=MARGIN + 4 * mm,
            title=title,
            author=author,
            subject=subject,
            creator="nbdesk",
            lang="en-GB",
            initialFontName=FONT,  # never the non-embedded Helvetica, even for an empty page
        )
        self.footer = title
        self._heading = 0

    def afterFlowable(self, flowable: Flowable) -> None:  # reportlab calls it by this name
        if isinstance(flowable, Paragraph):
            level = {"Heading1": 0, "Heading2": 1}.get(flowable.style.name)
            if level is not None:
                self._heading += 1
                key = f"h{self._heading}"
                self.canv.bookmarkPage(key)
                self.canv.addOutlineEntry(flowable.getPlainText(), key, level=level, closed=False)

    def afterPage(self) -> None:  # reportlab calls it by this name, after the page's content
        self.page_decoration(self.canv, self)

    def page_decoration(self, canvas: Any, doc: Any) -> None:
        canvas.saveState()
        canvas.setFont(FONT, 8)
        canvas.setFillColor(DARK)
        canvas.drawString(MARGIN, MARGIN - 2 * mm, self.footer)
        canvas.drawRightString(PAGE[0] - MARGIN, MARGIN - 2 * mm, f"Page {doc.page}")
        canvas.restoreState()


def build_pdf(
    path: Path,
    story_for: Callable[[Styles], list[Flowable]],
    *,
    title: str,
    author: str,
    subject: str,
) -> Path:
    """Write the report to `path` atomically (see nbdesk.common.atomic)."""

    def write(temp: Path) -> None:
        doc = ReportDocument(os.fspath(temp), title=title, author=author, subject=subject)
        doc.build(story_for(styles()), onFirstPage=_first_page)

    return write_atomically(Path(path), write)


def _first_page(canvas: Any, doc: Any) -> None:
    """Document settings, set once; nothing is drawn here (the footer comes after the content)."""
    canvas.showOutline()  # open the bookmarks panel when the file is opened
    # A reader's window (and a screen reader) names the document by its Title, not its file.
    canvas.setViewerPreference("DisplayDocTitle", "true")


def table(
    rows: Sequence[Sequence[Any]],
    widths: Sequence[float],
    st: Styles,
    *,
    align_right_from: int | None = None,
    bold_last: bool = False,
    caption: str = "",
    row_header: int | None = 0,
) -> Table:
    """A table with a shaded, bold header row repeated on each page; text cells wrap.

    `caption` names the table on the web page (blank: the heading it stands under) and
    `row_header` is the column whose cell names its row there (None: no column does)."""
    body = [
        [
            Paragraph(esc(v), st.cell_bold if r == 0 else st.cell) if isinstance(v, str) else v
            for v in row
        ]
        for r, row in enumerate(rows)
    ]
    t = Table(body, colWidths=list(widths), repeatRows=1, hAlign="LEFT")
    commands: list[tuple[Any, ...]] = [
        ("BACKGROUND", (0, 0), (-1, 0), HEADER_FILL),
        ("LINEBELOW", (0, 0), (-1, 0), 0.8, colors.black),
        ("LINEBELOW", (0, 1), (-1, -1), 0.3, LIGHT_RULE),
        ("VALIGN", (0, 0), (-1, -1), "TOP"),
        ("FONTNAME", (0, 0), (-1, -1), FONT),
        ("FONTSIZE", (0, 0), (-1, -1), 9),
        ("TOPPADDING", (0, 0), (-1, -1), 3),
        ("BOTTOMPADDING", (0, 0), (-1, -1), 3),
    ]
    if bold_last:
        commands.append(("LINEABOVE", (0, -1), (-1, -1), 0.8, colors.black))
    t.setStyle(TableStyle(commands))
    t.html_caption = caption
    t.html_row_header = row_header
    return t


def written_by(version: str, exported_at: datetime, st: Styles) -> Paragraph:
    """The last line of every report: which nbdesk wrote it, and when. Its style's name marks it
    as the footer of the web page."""
    return Paragraph(
        esc(f"Written by nbdesk {version} on {long_date(exported_at)} at {exported_at:%H:%M}."),
        ParagraphStyle(WRITTEN_BY, parent=st.small),
    )


WRITTEN_BY = "WrittenBy"


def spacer(height_mm: float = 4) -> Spacer:
    return Spacer(1, height_mm * mm)


@dataclass(frozen=True)
class Series:
    name: str
    values: Sequence[float | None]  # None: no bar (not rated / not shown)


@dataclass(frozen=True)
class ChartFigures:
    """What a chart draws, in words and figures: the web page gives these in its place.

    `values` are the numbers drawn, `shown` the same as the chart labels them ("62%", "not
    rated"), one tuple per series."""

    kind: str  # "bar chart" or "line chart"
    about: str  # what the values are: the value axis's label
    category: str  # what the categories are: "Area", "Week", "Group"
    categories: tuple[str, ...]
    series: tuple[str, ...]
    values: tuple[tuple[float | None, ...], ...]
    shown: tuple[tuple[str, ...], ...]
    reference: str = ""  # a line drawn across the bars, in words


class FiguredDrawing(Drawing):
    """A chart's drawing that carries its figures (reportlab checks a drawing's attributes)."""

    _attrMap = AttrMap(BASE=Drawing, figures=AttrMapValue(None, desc="ChartFigures"))

    def __init__(self, width: float, height: float, figures: ChartFigures) -> None:
        super().__init__(width, height, initialFontName=FONT)
        self.figures = figures


def bar_chart(
    categories: Sequence[str],
    series: Sequence[Series],
    *,
    value_max: float,
    value_format: str,
    axis_label: str,
    reference: tuple[float, str] | None = None,
    missing_label: str = "",
    places: int = 0,
    suffix: str = "%",
    category: str = "",
) -> Drawing:
    """Horizontal bars, one group per category, values printed at the bar ends; first category at
    the top. Series 1 is solid dark grey, series 2 white with a black outline, so they stay apart
    in black and white."""
    register_fonts()
    per_bar = 11 if len(series) == 1 else 9
    plot_h = max(40.0, len(categories) * (per_bar * len(series) + 8))
    label_w = 215.0
    legend_h = 18.0 if len(series) > 1 else 0.0
    height = plot_h + 40 + legend_h

    # A missing value is drawn as 0: say so in words (the values charted are never truly 0 where
    # a missing label is given). Figures rounded as the tables and the workbooks round them.
    def bar_label(v: float | None) -> str:
        drawn = 0 if v is None else v
        return (
            missing_label if (drawn == 0 and missing_label) else f"{fixed(drawn, places)}{suffix}"
        )

    figures = ChartFigures(
        "bar chart",
        axis_label,
        category,
        tuple(categories),
        tuple(s.name for s in series),
        tuple(tuple(s.values) for s in series),
        tuple(tuple(bar_label(v) for v in s.values) for s in series),
        reference[1] if reference is not None else "",
    )
    drawing = FiguredDrawing(WIDTH, height, figures)
    chart = HorizontalBarChart()
    chart.x = label_w
    chart.y = 30
    chart.width = WIDTH - label_w - 40
    chart.height = plot_h
    # HorizontalBarChart draws the first category at the bottom, and within a category the first
    # series at the bottom: reverse both so that the list reads down and the first series is on top.
    drawn = list(reversed(series))
    chart.data = [[(v if v is not None else 0) for v in reversed(list(s.values))] for s in drawn]
    chart.categoryAxis.categoryNames = [_short(c, 48) for c in reversed(list(categories))]
    chart.categoryAxis.labels.fontName = FONT
    chart.categoryAxis.labels.fontSize = 7.5
    chart.categoryAxis.labels.boxAnchor = "e"
    chart.categoryAxis.labels.dx = -4
    chart.categoryAxis.strokeColor = colors.black
    chart.valueAxis.valueMin = 0
    chart.valueAxis.valueMax = value_max
    chart.valueAxis.valueStep = value_max / 4
    chart.valueAxis.labels.fontName = FONT
    chart.valueAxis.labels.fontSize = 8
    chart.valueAxis.labelTextFormat = value_format
    chart.valueAxis.visibleGrid = True
    chart.valueAxis.gridStrokeColor = LIGHT_RULE
    chart.valueAxis.gridStrokeDashArray = (2, 2)
    chart.barSpacing = 1
    chart.groupSpacing = 6
    chart.barWidth = per_bar
    fills = [DARK, colors.white]
    for i in range(len(series)):
        chart.bars[i].fillColor = fills[(len(series) - 1 - i) % 2]
        chart.bars[i].strokeColor = colors.black
        chart.bars[i].strokeWidth = 0.6
    chart.barLabelFormat = bar_label  # the same words as the web page's table of the figures
    chart.barLabels.fontName = FONT
    chart.barLabels.fontSize = 7.5
    chart.barLabels.boxAnchor = "w"
    chart.barLabels.dx = 3
    # On a white ground, so the dashed reference line drawn behind never runs through a figure.
    chart.barLabels.boxFillColor = colors.white
    chart.barLabels.leftPadding = chart.barLabels.rightPadding = 1
    if reference is not None:  # drawn first, so the bars and their labels sit on top of it
        value, label = reference
        x = chart.x + chart.width * value / value_max
        drawing.add(
            Line(
                x,
                chart.y,
                x,
                chart.y + plot_h,
                strokeDashArray=(4, 3),
                strokeWidth=0.8,
                strokeColor=DARK,
            )
        )
        drawing.add(String(x + 2, chart.y + plot_h + 3, label, fontName=FONT, fontSize=7.5))
    drawing.add(chart)
    drawing.add(
        String(
            chart.x + chart.width / 2, 4, axis_label, fontName=FONT, fontSize=8, textAnchor="middle"
        )
    )
    if len(series) > 1:
        legend = Legend()
        legend.x = 10
        legend.y = height - 6
        legend.fontName = FONT
        legend.fontSize = 8
        legend.alignment = "right"
        legend.columnMaximum = 1
        legend.deltax = 240
        legend.colorNamePairs = [(fills[i % 2], s.name) for i, s in enumerate(series)]
        legend.strokeColor = colors.black
        legend.strokeWidth = 0.6
        drawing.add(legend)
    return drawing


def line_chart(
    categories: Sequence[str],
    values: Sequence[float],
    *,
    value_max: float,
    axis_label: str,
    about: str = "",
    category: str = "",
    names: Sequence[str] | None = None,
    value_name: str = "Value",
) -> Drawing:
    """One line, each point labelled as a percentage. For the web page: `about` says what the
    values are, `value_name` heads their column, and `names` gives the categories in full (the
    axis has room for short ones only)."""
    register_fonts()
    height = 170.0
    figures = ChartFigures(
        "line chart",
        about or axis_label,
        category,
        tuple(names if names is not None else categories),
        (value_name,),
        (tuple(values),),
        (tuple(f"{fixed(v)}%" for v in values),),
    )
    drawing = FiguredDrawing(WIDTH, height, figures)
    chart = HorizontalLineChart()
    chart.x = 40
    chart.y = 34
    chart.width = WIDTH - 60
    chart.height = height - 50
    chart.data = [list(values)]
    chart.categoryAxis.categoryNames = list(categories)
    chart.categoryAxis.labels.fontName = FONT
    chart.categoryAxis.labels.fontSize = 7.5
    chart.valueAxis.valueMin = 0
    chart.valueAxis.valueMax = value_max
    chart.valueAxis.valueStep = value_max / 5
    chart.valueAxis.labels.fontName = FONT
    chart.valueAxis.labels.fontSize = 8
    chart.valueAxis.labelTextFormat = "%d%%"
    chart.valueAxis.visibleGrid = True
    chart.valueAxis.gridStrokeColor = LIGHT_RULE
    chart.valueAxis.gridStrokeDashArray = (2, 2)
    chart.lines[0].strokeColor = colors.black
    chart.lines[0].strokeWidth = 1.6
    chart.lines[0].symbol = makeMarker("FilledSquare", size=4)
    chart.lineLabelFormat = lambda v: f"{fixed(v)}%"
    chart.lineLabels.fontName = FONT
    chart.lineLabels.fontSize = 7
    chart.lineLabels.dy = 6
    drawing.add(chart)
    drawing.add(
        String(
            chart.x + chart.width / 2, 6, axis_label, fontName=FONT, fontSize=8, textAnchor="middle"
        )
    )
    return drawing


def _short(text: str, limit: int) -> str:
    return text if len(text) <= limit else text[: limit - 1].rstrip() + "…"
