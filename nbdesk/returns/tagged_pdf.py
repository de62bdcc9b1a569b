"""A report's accessible web page printed as a tagged PDF, with WeasyPrint (issue 15, item 4).

reportlab, which writes nbdesk's PDFs, cannot tag them. WeasyPrint (BSD licence, maintained by
CourtBouillon) lays out HTML and CSS as PDF and, asked to, writes the structure tree from the
page's own elements: h1–h3 as headings, tables with their captions and header cells, paragraphs,
and the <footer> after <main>, so the last line is read last. The page it prints is the very page
nbdesk.returns.html_report writes, so the tagged PDF holds the same words and figures as the page
and the untagged PDF; nothing is counted here.

WeasyPrint is optional (`pip install nbdesk[tagged-pdf]`) and needs the system's Pango library;
the Windows bundle leaves it out. Without either, asking for a tagged PDF is one plain sentence
(an ExportError), never a crash, and the web page stays the accessible version. It is imported
only when a tagged PDF is written: it takes a noticeable time to load.
"""

from __future__ import annotations

import importlib.util
import tempfile
from collections.abc import Callable
from pathlib import Path
from typing import Any

from nbdesk.common.atomic import ExportError, write_atomically
from nbdesk.returns.xlsx_common import Progress

# What the printed page adds to the web page's own styles: an A4 sheet, and the phone-sized column
# let out to the sheet's width.
PRINT_CSS = "@page{size:A4;margin:16mm 15mm}body{max-width:none;padding:0;font-size:11pt}"
WHY_MISSING = (
    "A tagged PDF needs WeasyPrint and the Pango library, which are not installed here "
    "(pip install nbdesk[tagged-pdf]); the web page (.html) is the accessible version of this "
    "report."
)


def tagged_pdf_offered() -> bool:
    """Whether WeasyPrint is installed, without importing it (slow): for offering the choice.
    A missing Pango shows only when a PDF is written, as the same plain sentence."""
    return importlib.util.find_spec("weasyprint") is not None


def load_weasyprint(path: Path) -> Any:
    """The weasyprint module, or an ExportError saying what is missing and what to use instead."""
    try:
        import weasyprint
    except ImportError as exc:  # not installed
        raise ExportError(path, WHY_MISSING) from exc
    except OSError as exc:  # installed, but cffi could not load Pango (or GObject, HarfBuzz)
        raise ExportError(path, WHY_MISSING) from exc
    return weasyprint


def write_tagged_pdf(page: Path, path: Path) -> Path:
    """Print the web page `page` as a tagged PDF at `path`, atomically; returns `path`."""
    weasyprint = load_weasyprint(path)
    source = Path(page).read_text(encoding="utf-8")

    def write(temp: Path) -> None:
        # base_url only names the page; it fetches nothing (the page links to nothing).
        document = weasyprint.HTML(string=source, base_url=str(Path(page).parent))
        document.write_pdf(
            temp,
            stylesheets=[weasyprint.CSS(string=PRINT_CSS)],
            pdf_tags=True,
        )

    return write_atomically(Path(path), write)


def export_tagged_pdf(write_page: Callable[[Path], Path], path: Path, progress: Progress) -> Path:
    """Write the report's web page with `write_page(target)` into a private temporary folder and
    print it as a tagged PDF at `path`. WeasyPrint is loaded first, so a machine without it says
    so before any work is done."""
    load_weasyprint(path)
    with tempfile.TemporaryDirectory(prefix="nbdesk-tagged-") as folder:
        page = write_page(Path(folder) / f"{Path(path).stem}.html")
        progress(0, 0, "Printing the page as a tagged PDF…")
        return write_tagged_pdf(page, path)
