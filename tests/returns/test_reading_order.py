"""The PDFs read in order: each page's body before its footer (issue 15).

The footer is drawn after the page's content, so a screen reader or text extraction that follows
the drawing order (pdftotext -raw) and one that follows the layout (pdftotext -layout) both give
the report's title and body first and the footer ("… Page 1") last.
"""

from __future__ import annotations

import shutil
import subprocess
from pathlib import Path

import pytest

from nbdesk.returns import service
from tests.returns.test_loop_reports import Made, made  # noqa: F401  (the fixture)

PDFTOTEXT = shutil.which("pdftotext")
PDF_KINDS = (
    service.SA_REPORT,
    service.PARTICIPATION_REPORT,
    service.PLAN_REPORT,
    service.YP_PLAN_PDF,
    service.EVIDENCE_PDF,
)


def first_page_lines(path: Path, mode: str) -> list[str]:
    assert PDFTOTEXT is not None
    done = subprocess.run(
        [PDFTOTEXT, mode, "-f", "1", "-l", "1", str(path), "-"], capture_output=True, check=True
    )
    page = done.stdout.decode("utf-8").split("\f")[0]
    return [" ".join(line.split()) for line in page.splitlines() if line.strip()]


def test_every_pdf_kind_is_covered() -> None:
    assert set(PDF_KINDS) == {k.key for k in service.KINDS if k.suffix == ".pdf"}


@pytest.mark.skipif(PDFTOTEXT is None, reason="pdftotext (poppler-utils) is not installed")
@pytest.mark.parametrize("key", PDF_KINDS)
@pytest.mark.parametrize("mode", ["-layout", "-raw"])
def test_the_title_is_read_before_the_footer(
    made: Made,  # noqa: F811
    tmp_path: Path,
    key: str,
    mode: str,
) -> None:
    with made.db.session() as session:
        subject = service.subjects(session, key)[0].id
    out = service.export(made.db.session, key, subject, tmp_path / f"{key}.pdf")
    lines = first_page_lines(out, mode)
    footer = [i for i, line in enumerate(lines) if line.endswith("Page 1")]
    assert footer, lines
    # The footer is the page's last line, and only the last: the body comes first.
    assert footer == [len(lines) - 1], lines
    # The title heading (its first words, as it may wrap) is read before the footer.
    title = lines[-1].removesuffix("Page 1").strip()
    assert any(title.split()[0] in line for line in lines[: footer[0]]), lines
    assert lines[0] != lines[-1]
