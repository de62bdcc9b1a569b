"""The reports as tagged PDFs, printed from their accessible web pages by WeasyPrint (issue 15,
item 4), at the command line with --tagged.

Without WeasyPrint (an optional extra) or Pango, asking for one is one plain line and nothing is
written: those tests always run. The PDFs themselves are checked only where WeasyPrint loads:
poppler's pdfinfo says "Tagged: yes", and pdftotext finds every heading of the page in order, each
chart's sentence and figures, and the footer line last.
"""

from __future__ import annotations

import html
import importlib.abc
import re
import shutil
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest

from nbdesk.cli import main
from nbdesk.returns import service
from nbdesk.returns.tagged_pdf import WHY_MISSING
from tests.returns.test_loop_reports import PLAN, Made, made  # noqa: F401  (the fixture)
from tests.returns.test_returns_participation import round_file  # noqa: F401  (the fixture)
from tests.support.html_page import numbers, read_page
from tests.support.returns_round import ROUND, Person

BASELINE = "Baseline 2020 – staff"
FOLLOW_UP = "Follow-up 2022 – staff"


def run(capsys: pytest.CaptureFixture[str], *argv: str | Path) -> tuple[int, str, str]:
    code = main([str(a) for a in argv])
    out, err = capsys.readouterr()
    return code, out, err


# Without WeasyPrint ------------------------------------------------------------------------------


class _NoPango(importlib.abc.MetaPathFinder):
    """Imports weasyprint as a machine without Pango does: cffi fails to load the library."""

    def find_spec(self, name: str, path: object = None, target: object = None) -> None:
        if name == "weasyprint":
            raise OSError("cannot load library 'libpango-1.0-0': no such file")


@pytest.fixture(params=["not installed", "no Pango"])
def no_weasyprint(
    request: pytest.FixtureRequest, monkeypatch: pytest.MonkeyPatch
) -> Iterator[None]:
    for name in [m for m in sys.modules if m == "weasyprint" or m.startswith("weasyprint.")]:
        monkeypatch.delitem(sys.modules, name)
    if request.param == "not installed":
        monkeypatch.setitem(sys.modules, "weasyprint", None)  # import weasyprint: ImportError
        yield
    else:
        finder = _NoPango()
        sys.meta_path.insert(0, finder)
        try:
            yield
        finally:
            sys.meta_path.remove(finder)


def test_without_weasyprint_a_tagged_pdf_is_one_plain_line(
    no_weasyprint: None, demo_db: Path | str, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    out = tmp_path / "report.pdf"
    code, printed, err = run(
        capsys, "report", "self-assessment", BASELINE, "--db", demo_db, "--out", out, "--tagged"
    )
    assert code == 1 and not printed
    assert err == f"nbdesk: error: {WHY_MISSING}\n"
    assert "Traceback" not in err and "the web page (.html) is the accessible version" in err
    assert not list(tmp_path.glob("*report*"))  # nor a temporary file left behind
    # The untagged PDF and the page are written as before.
    assert run(capsys, "report", "self-assessment", BASELINE, "--db", demo_db, "--out", out)[0] == 0
    page = tmp_path / "report.html"
    assert (
        run(capsys, "report", "self-assessment", BASELINE, "--db", demo_db, "--out", page)[0] == 0
    )


def test_tagged_is_for_a_pdf(
    made: Made,  # noqa: F811
    tmp_path: Path,
    capsys: pytest.CaptureFixture[str],
) -> None:
    db = made.db.location
    for argv in (
        ("report", "evidence", PLAN, "--db", db, "--out", tmp_path / "e.html"),
        ("report", "evidence", PLAN, "--db", db, "--out", tmp_path / "e.xlsx"),
        ("plan", "young-people-report", PLAN, "--db", db, "--out", tmp_path / "y.html"),
    ):
        code, _, err = run(capsys, *argv, "--tagged")
        assert code == 1 and "--tagged writes a PDF; the file name must end in .pdf" in err, argv
    assert not [p for p in tmp_path.iterdir() if p.stem in ("e", "y")]


def test_every_pdf_report_can_be_tagged_from_its_page() -> None:
    pdfs = {k.key for k in service.KINDS if k.suffix == ".pdf"}
    assert set(service.TAGGED_FROM) == pdfs
    for pdf, page in service.TAGGED_FROM.items():
        assert service.kind(page).suffix == ".html"
        assert service.kind(page).subject == service.kind(pdf).subject


# With WeasyPrint ---------------------------------------------------------------------------------


@pytest.fixture
def weasyprint() -> None:
    try:
        import weasyprint  # noqa: F401
    except (ImportError, OSError) as exc:
        pytest.skip(f"WeasyPrint (the tagged-pdf extra) or its Pango library is missing: {exc}")
    for tool in ("pdfinfo", "pdftotext"):
        if shutil.which(tool) is None:
            pytest.skip(f"{tool} (poppler-utils) is not installed")


def pdf_info(path: Path) -> dict[str, str]:
    done = subprocess.run(["pdfinfo", str(path)], capture_output=True, check=True, text=True)
    pairs = (line.split(":", 1) for line in done.stdout.splitlines() if ":" in line)
    return {k.strip(): v.strip() for k, v in pairs}


def pdf_text(path: Path) -> str:
    """The PDF's words in the order they are drawn (pdftotext -raw), on one line."""
    done = subprocess.run(["pdftotext", "-raw", str(path), "-"], capture_output=True, check=True)
    return " ".join(done.stdout.decode("utf-8").split())


def structure(path: Path) -> tuple[list[tuple[int, str]], list[str], dict[str, int]]:
    """What a screen reader finds in the PDF's structure tree (pdfinfo -struct-text): the headings
    with their levels, every text in reading order, and how many elements of each role."""
    done = subprocess.run(
        ["pdfinfo", "-struct-text", str(path)], capture_output=True, check=True, text=True
    )
    headings: list[tuple[int, str]] = []
    texts: list[str] = []
    roles: dict[str, int] = {}
    open_heading: tuple[int, int, list[str]] | None = None  # (indent, level, words)
    for line in done.stdout.splitlines():
        stripped = line.strip()
        indent = len(line) - len(line.lstrip())
        if open_heading and indent <= open_heading[0]:
            headings.append((open_heading[1], " ".join(" ".join(open_heading[2]).split())))
            open_heading = None
        if stripped.startswith('"'):
            texts.append(stripped[1:-1])
            if open_heading:
                open_heading[2].append(stripped[1:-1])
            continue
        role = stripped.split(" ")[0].rstrip(":")
        roles[role] = roles.get(role, 0) + 1
        if re.fullmatch(r"H[1-6]", role):
            open_heading = (indent, int(role[1]), [])
    if open_heading:
        headings.append((open_heading[1], " ".join(" ".join(open_heading[2]).split())))
    return headings, texts, roles


def assert_tagged_copy_of_page(pdf: Path, page_file: Path) -> None:
    """The tagged PDF reads as the page does: the structure tree holds the page's headings at their
    levels, a table with a caption and header cells for each of the page's tables, and the footer
    as its last text; every chart's sentence and every number are printed, the footer last."""
    info = pdf_info(pdf)
    assert info["Tagged"] == "yes", info
    assert info["Producer"].startswith("WeasyPrint"), info
    source = page_file.read_text(encoding="utf-8")
    page = read_page(source)
    title = re.search(r"<title>(.*)</title>", source)
    assert title and info["Title"] == html.unescape(title[1])
    headings, texts, roles = structure(pdf)
    assert headings == page.headings
    # (WeasyPrint tags each page's part of a long table as a table of its own.)
    assert min(roles["Table"], roles["Caption"]) >= len(page.tables)
    assert roles["TH"] >= sum(len(t.head) for t in page.tables)
    assert " ".join(" ".join(texts[-3:]).split()).endswith(page.footer), texts[-3:]
    text = pdf_text(pdf)
    at = 0
    for level, heading in page.headings:
        found = text.find(heading, at)
        assert found >= 0, (level, heading, text[at : at + 300])
        at = found + len(heading)
    charts = [t for t in page.tables if t.caption.startswith("The figures of the")]
    for table in charts:
        assert table.caption in text
    assert text.count("Every figure it draws is in the table below.") == len(charts)
    assert numbers(f"{page.text} {page.footer}") <= numbers(text)
    assert page.footer.startswith("Written by nbdesk")
    # Drawn once, after the last heading: not at the top of every page. (Only a caption that repeats
    # its heading, clipped out of sight, may be drawn after it: WeasyPrint draws an absolutely
    # placed box last. The structure tree above reads the footer last.)
    assert text.count(page.footer) == 1 and text.index(page.footer) > at


def test_the_self_assessment_report_as_a_tagged_pdf(
    weasyprint: None, demo_db: Path | str, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    argv = ("report", "self-assessment", BASELINE, "--db", demo_db, "--compare", FOLLOW_UP)
    pdf, page = tmp_path / "report.pdf", tmp_path / "report.html"
    code, printed, err = run(capsys, *argv, "--out", pdf, "--tagged")
    assert code == 0 and printed == f"Wrote {pdf}\n", err
    assert run(capsys, *argv, "--out", page)[0] == 0
    assert_tagged_copy_of_page(pdf, page)
    assert "A bar chart by area" in pdf_text(pdf)
    # Without --tagged the .pdf is reportlab's, as before: untagged.
    plain = tmp_path / "plain.pdf"
    assert run(capsys, *argv, "--out", plain)[0] == 0
    assert pdf_info(plain)["Tagged"] == "no"
    assert sorted(p.name for p in tmp_path.glob("*.*") if p.suffix in (".pdf", ".html")) == [
        "plain.pdf",
        "report.html",
        "report.pdf",
    ]


def test_the_survey_round_report_as_a_tagged_pdf(
    weasyprint: None,
    round_file: tuple[Path, list[Person]],  # noqa: F811
    tmp_path: Path,
    capsys: pytest.CaptureFixture[str],
) -> None:
    db, _group = round_file
    argv = ("report", "participation", ROUND, "--db", db)
    pdf, page = tmp_path / "round.pdf", tmp_path / "round.html"
    assert run(capsys, *argv, "--out", pdf, "--tagged")[0] == 0
    assert run(capsys, *argv, "--out", page)[0] == 0
    assert_tagged_copy_of_page(pdf, page)
    assert "A line chart by week" in pdf_text(pdf)


@pytest.mark.parametrize(
    "command",
    [("report", "evidence"), ("plan", "report")],
)
def test_the_plan_reports_as_tagged_pdfs(
    weasyprint: None,
    made: Made,  # noqa: F811
    command: tuple[str, str],
    tmp_path: Path,
    capsys: pytest.CaptureFixture[str],
) -> None:
    argv = (*command, PLAN, "--db", made.db.location)
    pdf, page = tmp_path / "out.pdf", tmp_path / "out.html"
    code, _, err = run(capsys, *argv, "--out", pdf, "--tagged")
    assert code == 0, err
    assert run(capsys, *argv, "--out", page)[0] == 0
    assert_tagged_copy_of_page(pdf, page)


def test_the_plan_for_young_people_as_a_tagged_pdf(
    weasyprint: None,
    made: Made,  # noqa: F811
    tmp_path: Path,
    capsys: pytest.CaptureFixture[str],
) -> None:
    """Its page has its own large-type styles (not the reports' checks in read_page): the PDF is
    tagged, with the page's one h1 and its You said / We are doing headings."""
    pdf = tmp_path / "yp.pdf"
    argv = ("plan", "young-people-report", PLAN, "--db", made.db.location, "--out", pdf, "--tagged")
    code, _, err = run(capsys, *argv)
    assert code == 0, err
    assert pdf_info(pdf)["Tagged"] == "yes"
    headings, _texts, _roles = structure(pdf)
    assert [level for level, _ in headings].count(1) == 1 and headings[0][0] == 1
    assert "Made with nbdesk" in pdf_text(pdf)
