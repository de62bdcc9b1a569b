"""The plan for young people (PDF and web page), the readability check, and the evidence pack (PDF
and workbook) (issue 14, items 3 and 5), made from a plan built here through the services, whose
findings include one on a small base that must never appear in any byte written."""

from __future__ import annotations

import re
import shutil
import subprocess
import zipfile
from dataclasses import dataclass
from datetime import date
from html.parser import HTMLParser
from pathlib import Path
from typing import Any

import openpyxl
import pytest

from nbdesk.action_plan import actions as act
from nbdesk.action_plan.plans import create_plan, sign_off
from nbdesk.action_plan.reviews import start_review
from nbdesk.action_plan.views import read_plan
from nbdesk.feedback import priorities as pri
from nbdesk.feedback.results import FindingRow, list_findings, store_findings
from nbdesk.feedback.telling_back import record_feedback
from nbdesk.returns import readability, service
from nbdesk.returns.evidence_pack import AREA_HEADERS, DID_HEADERS, SAID_HEADERS
from nbdesk.returns.loop_data import DEFAULT_GET_INVOLVED
from nbdesk.returns.young_people_plan import GET_INVOLVED, WE_ARE_DOING, YOU_SAID, YOU_WILL_SEE
from nbdesk.self_assessment.assessments import find_assessment, load_assessment
from nbdesk.storage import Database, open_database
from nbdesk.storage.location import Location
from nbdesk.survey.rounds import open_round

PLAN = "Loop plan 2026-28"
BASELINE = "Baseline 2020 – staff"
# The finding on a base of 7: its words are distinctive, so a scan finds any trace of it.
SMALL_TEXT = "Zebra-crossing quirk felt unheard"
SMALL_DOMAIN = "Quokka domain"
SMALL_MARKS = ("Zebra", "Quokka", "57.1")
STAFF_NAME = "Priya Staffperson"
PARTNER = "Housing Options"
PDFTOTEXT = shutil.which("pdftotext")
PDFTOPPM = shutil.which("pdftoppm")
WE_WILL = (
    "Ask you how safe you feel at home at every PA visit",
    "Set up a housing panel",
    "Run budgeting sessions",
    "Print a money booklet",
)


def write(db: Database, fn: Any, *args: Any, **kwargs: Any) -> Any:
    with db.transaction() as session:
        return fn(session, *args, **kwargs).value


@dataclass
class Made:
    db: Database
    plan: int
    actions: dict[str, int]
    themes: tuple[str, ...]


@pytest.fixture
def made(demo_db: Location) -> Made:
    """Two themes and four actions: a (home) cites a finding (32% of 120) and a priority (named
    by 14), owned by a partner, due Q1 2027 (April to June 2027); b (home) cites the small-base
    finding only, owned by a person; c (money) cites a statement of the baseline and a finding,
    done on 5 Oct 2026; d (money) dropped. Shared back by text to 85 on 10 Nov 2026."""
    db = open_database(demo_db)
    round_id = write(db, open_round, "Loop round 2026", date(2026, 9, 1), date(2026, 10, 31)).id
    write(
        db,
        store_findings,
        round_id,
        [
            FindingRow("Home", "Did not always feel safe where they lived", 32, 120),
            FindingRow("Money", "Found it hard to manage money", 20, 120),
            FindingRow(SMALL_DOMAIN, SMALL_TEXT, 57.1, 7),
        ],
    )
    with db.session() as session:
        findings = {f.text: f.id for f in list_findings(session, round_id)}
        baseline = find_assessment(session, BASELINE)
        statement = load_assessment(session, baseline).statements()[0]
    housing_theme = write(db, pri.add_theme, "Somewhere safe to live (loop)")
    write(db, pri.set_count, round_id, housing_theme, 14)
    plan = write(db, create_plan, PLAN, starts_on=date(2026, 4, 1), themes=["Your home", "Money"])
    with db.session() as session:
        home, money = (t.id for t in read_plan(session, plan).themes)
    partner = write(db, act.add_owner, PARTNER, "partner")
    person = write(db, act.add_owner, STAFF_NAME, "person")
    ids = {
        "a": write(
            db,
            act.add_action,
            home,
            WE_WILL[0],
            you_said="Housing near the people who support us",
            owner_id=partner,
            when="Q1 2027",
        ),
        "b": write(db, act.add_action, home, WE_WILL[1], owner_id=person),
        "c": write(db, act.add_action, money, WE_WILL[2], when="30/6/2027"),
        "d": write(db, act.add_action, money, WE_WILL[3]),
    }
    write(db, act.cite, ids["a"], finding_id=findings["Did not always feel safe where they lived"])
    write(db, act.cite, ids["a"], priority_theme_id=housing_theme)
    write(db, act.cite, ids["b"], finding_id=findings[SMALL_TEXT])
    write(db, act.cite, ids["c"], assessment_id=baseline, statement_id=statement.statement_id)
    write(db, act.cite, ids["c"], finding_id=findings["Found it hard to manage money"])
    write(db, act.edit_action, ids["a"], involvement=["co-designing"])
    write(
        db, act.add_update, ids["c"], "Sessions held", status="done", written_on=date(2026, 10, 5)
    )
    write(db, act.set_status, ids["d"], "dropped", reason="a booklet was already out")
    write(db, sign_off, plan, name="Jo Bloggs", role="Director")
    write(db, start_review, plan, held_on=date(2026, 11, 2), staff=3, young_people=4)
    write(
        db, record_feedback, plan_id=plan, channel="text", how_many=85, sent_on=date(2026, 11, 10)
    )
    return Made(db, plan, ids, ("Your home", "Money"))


def export(made: Made, key: str, path: Path, **options: Any) -> Path:
    return service.export(
        made.db.session, key, made.plan, path, options=service.ExportOptions(**options)
    )


def pdf_pages(path: Path) -> list[str]:
    if PDFTOTEXT is None:
        pytest.skip("pdftotext (poppler-utils) is not installed")
    done = subprocess.run([PDFTOTEXT, str(path), "-"], capture_output=True, check=True)
    return [" ".join(page.split()) for page in done.stdout.decode("utf-8").split("\f")]


def pdf_text(path: Path) -> str:
    return " ".join(pdf_pages(path))


def assert_no_small_finding(path: Path) -> None:
    """Not in the raw bytes, nor in the text a PDF draws, nor in a workbook's XML."""
    raw = path.read_bytes()
    for needle in (SMALL_TEXT, SMALL_DOMAIN, *SMALL_MARKS[:2]):
        assert needle.encode() not in raw, (path.name, needle)
    if path.suffix == ".html":
        assert not any(m in raw.decode("utf-8") for m in SMALL_MARKS), path.name
    if path.suffix == ".pdf":  # its text is drawn from compressed streams: read it as drawn
        text = pdf_text(path)
        assert not any(m in text for m in SMALL_MARKS), path.name
    if path.suffix == ".xlsx":
        with zipfile.ZipFile(path) as z:
            for name in z.namelist():
                body = z.read(name)
                assert not any(m.encode() in body for m in SMALL_MARKS), (path.name, name)


class Outline(HTMLParser):
    """The tags, their attributes, the headings (level, text) and the text of a page."""

    def __init__(self) -> None:
        super().__init__()
        self.tags: list[str] = []
        self.attrs: list[tuple[str, dict[str, str | None]]] = []
        self.headings: list[tuple[str, str]] = []
        self.text: list[str] = []
        self._in: str | None = None
        self._buf: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.tags.append(tag)
        self.attrs.append((tag, dict(attrs)))
        if tag in ("h1", "h2", "h3", "h4"):
            self._in, self._buf = tag, []

    def handle_endtag(self, tag: str) -> None:
        if tag == self._in:
            self.headings.append((tag, " ".join("".join(self._buf).split())))
            self._in = None

    def handle_data(self, data: str) -> None:
        self.text.append(data)
        if self._in:
            self._buf.append(data)


def test_young_people_pdf_has_every_theme_action_and_heading(made: Made, tmp_path: Path) -> None:
    out = export(made, service.YP_PLAN_PDF, tmp_path / "yp.pdf")
    # Every font travels inside the file (a bullet once fell back to unembedded Helvetica).
    assert b"/Helvetica" not in out.read_bytes()
    pages = pdf_pages(out)
    text = " ".join(pages)
    for heading in (YOU_SAID, WE_ARE_DOING, YOU_WILL_SEE, GET_INVOLVED, *made.themes):
        assert heading in text
    # Each action's three parts (the title "You said, we are doing" aside).
    assert len(re.findall(f"{YOU_SAID}(?!,)", text)) == text.count(YOU_WILL_SEE) == 4
    for we_will in WE_WILL:
        assert we_will in text
    # What young people said, in plain words, and when it will be ready.
    assert "Did not always feel safe where they lived (32% of those who answered" in text
    assert (
        "Somewhere safe to live (loop): 14 of you told us this needs to change (after the Loop"
        in text
    )
    assert "Housing near the people who support us" in text
    assert "Ready by June 2027" in text  # Q1 2027-28 ends in June 2027
    assert "This is done (since October 2026)" in text
    assert "We have stopped this: a booklet was already out" in text
    assert "We will tell you when this will be ready" in text  # b has no date
    assert "shared this plan with you on 10 November 2026" in text
    assert "again by" in text  # the next review
    assert DEFAULT_GET_INVOLVED.split("?")[0] in text
    # Owners are not named by default; statuses read as words beside their symbols.
    assert STAFF_NAME not in text and PARTNER not in text
    for words in ("○ Not started yet", "✔ Done", "✖ Stopped"):
        assert words in text
    assert_no_small_finding(out)
    # One theme to a page: each theme's page starts with its title, after the opening page.
    starts = [i for i, page in enumerate(pages) if page.startswith(made.themes)]
    assert starts == [1, 2]


def test_a_date_gone_by_is_never_promised(made: Made, tmp_path: Path, clock) -> None:  # type: ignore[no-untyped-def]
    clock.set(date(2027, 8, 1))  # after 30 June 2027, the money action's date
    out = export(made, service.YP_PLAN_HTML, tmp_path / "late.html")
    text = " ".join(out.read_text(encoding="utf-8").split())
    assert "Ready by June 2027" not in text
    assert "This was meant to be ready by June 2027. It is taking longer than we planned" in text


def test_owners_and_get_involved_as_chosen(made: Made, tmp_path: Path) -> None:
    out = export(
        made, service.YP_PLAN_PDF, tmp_path / "yp.pdf", show_owners=True, get_involved="Text 0800"
    )
    text = pdf_text(out)
    assert f"Who is doing it: {PARTNER}" in text and STAFF_NAME in text
    assert "Text 0800" in text and DEFAULT_GET_INVOLVED.split("?")[0] not in text
    page = export(made, service.YP_PLAN_HTML, tmp_path / "yp.html", show_owners=True)
    assert f"Who is doing it: {PARTNER}" in page.read_text(encoding="utf-8")
    plain = export(made, service.YP_PLAN_HTML, tmp_path / "plain.html").read_text("utf-8")
    assert PARTNER not in plain and STAFF_NAME not in plain


def test_young_people_page_is_self_contained_and_structured(made: Made, tmp_path: Path) -> None:
    out = export(made, service.YP_PLAN_HTML, tmp_path / "yp.html")
    page = out.read_text(encoding="utf-8")
    parsed = Outline()
    parsed.feed(page)
    for tag in ("script", "img", "link", "iframe", "object"):
        assert tag not in parsed.tags
    assert not re.search(r"(src|href)\s*=|url\(|@import", page)  # nothing fetched
    assert not re.search(r"\son[a-z]+\s*=", page)  # no event handlers
    assert ("html", {"lang": "en-GB"}) in parsed.attrs
    viewport = [a for t, a in parsed.attrs if t == "meta" and a.get("name") == "viewport"]
    assert viewport and "width=device-width" in (viewport[0]["content"] or "")
    assert re.search(r"max-width:\s*40rem", page)
    assert re.search(r"font-size:\s*1\.15rem", page)  # larger than a browser's default
    levels = [h for h, _ in parsed.headings]
    assert levels[0] == "h1" and levels.count("h1") == 1 and "h4" not in levels
    h2 = [t for h, t in parsed.headings if h == "h2"]
    assert [t for t in h2 if t in made.themes] == list(made.themes)
    assert GET_INVOLVED in h2
    h3 = [t for h, t in parsed.headings if h == "h3"]
    assert h3.count(YOU_SAID) == h3.count(WE_ARE_DOING) == h3.count(YOU_WILL_SEE) == 4
    assert parsed.tags.count("article") == 4
    body = " ".join(" ".join(parsed.text).split())
    for we_will in WE_WILL:
        assert we_will in body
    for words in ("○ Not started yet", "✔ Done", "✖ Stopped"):
        assert words in body
    assert_no_small_finding(out)


@pytest.mark.skipif(PDFTOPPM is None, reason="pdftoppm (poppler-utils) is not installed")
def test_young_people_pdf_pages_at_phone_width(made: Made, tmp_path: Path) -> None:
    """Drawn 360 pixels wide (a phone's width), every page is an image with ink on it."""
    from PIL import Image

    out = export(made, service.YP_PLAN_PDF, tmp_path / "yp.pdf")
    command = [str(PDFTOPPM), "-png", "-scale-to-x", "360", "-scale-to-y", "-1"]
    subprocess.run([*command, str(out), str(tmp_path / "p")], check=True)
    pngs = sorted(tmp_path.glob("p-*.png"))
    assert len(pngs) == 4  # the opening, two themes, how to get involved
    for png in pngs:
        with Image.open(png) as im:
            assert im.width == 360
            assert im.convert("L").getextrema()[0] < 80


def test_readability_check() -> None:
    found = readability.check(
        [
            "We will find you a home. It will be safe.",
            "We are working with accommodation providers to guarantee suitable independent "
            "arrangements for every care experienced young person who needs them now or in the "
            "next two years without any delay whatsoever.",
        ]
    )
    assert found.sentences == 3
    assert found.words == 10 + 31
    assert round(found.average, 1) == 13.7
    assert found.long_sentences[0].startswith("We are working")
    long = dict(found.long_words)
    assert "accommodation" in long and "independent" in long and "home" not in long
    assert readability.syllables("safe") == 1 and readability.syllables("table") == 2
    assert readability.is_long("accommodation") and not readability.is_long("money")
    assert readability.is_long("Ssssssssssssss")  # over 12 letters
    lines = found.lines()
    assert lines[0].startswith("Readability: 13.7 words a sentence")
    assert any(line.startswith("Long words") for line in lines)


def test_preview_shows_readability_and_what_is_left_out(made: Made) -> None:
    with made.db.session() as session:
        p = service.preview(session, service.YP_PLAN_HTML, made.plan)
        facts = dict(p.facts)
        assert "words a sentence" in facts["Readability"]
        assert facts["Owners"] == "not named"
        assert "1 cited finding" in facts["Left out"]
        assert p.tables[0].title.startswith("Readability")
        shown = service.preview(
            session, service.YP_PLAN_PDF, made.plan, options=service.ExportOptions(True)
        )
        assert dict(shown.facts)["Owners"] == "shown"
        evidence = service.preview(session, service.EVIDENCE_XLSX, made.plan)
        assert [r[0].text for r in evidence.tables[0].rows] == list(made.themes)


def test_evidence_pack_workbook(made: Made, tmp_path: Path) -> None:
    out = export(made, service.EVIDENCE_XLSX, tmp_path / "evidence.xlsx")
    book = openpyxl.load_workbook(out)
    assert book.sheetnames == ["Summary", "You said", "We did", "Areas", "Shared back"]
    said = [tuple(r) for r in book["You said"].iter_rows(values_only=True)]
    assert said[0] == SAID_HEADERS
    texts = [r[2] for r in said[1:]]
    assert any("Did not always feel safe where they lived — 32% of 120" in t for t in texts)
    assert any(
        "Somewhere safe to live (loop) (named by 14 after Loop round 2026)" in t for t in texts
    )
    assert "Housing near the people who support us" in texts
    assert len(said) == 1 + 4  # two findings, a priority, a You said; not the small finding
    did = [tuple(r) for r in book["We did"].iter_rows(values_only=True)]
    assert did[0] == DID_HEADERS
    assert [r[1] for r in did[1:]] == list(WE_WILL)
    by_action = {r[1]: r for r in did[1:]}
    assert by_action[WE_WILL[2]][7] == "✔ Done"
    assert by_action[WE_WILL[2]][5] == "Sessions held"
    assert by_action[WE_WILL[2]][6] == "05 Oct 2026" or "Oct 2026" in by_action[WE_WILL[2]][6]
    assert by_action[WE_WILL[3]][7].startswith("✖ Dropped")
    assert by_action[WE_WILL[0]][2] == PARTNER  # staff see owners in the evidence pack
    assert by_action[WE_WILL[0]][8].startswith("Yes: co-designing")
    areas = [tuple(r) for r in book["Areas"].iter_rows(values_only=True)]
    assert areas[0] == AREA_HEADERS
    assert len(areas) == 2 and areas[1][0] == "Money" and areas[1][2].startswith("Area 1")
    assert areas[1][1] == f"{BASELINE}, then Follow-up 2022 – staff"
    shared = list(book["Shared back"].iter_rows(values_only=True))
    assert shared[1][1:3] == ("text", 85) and "Nov 2026" in shared[1][0]
    summary = {r[0]: r[1] for r in book["Summary"].iter_rows(values_only=True) if r and r[0]}
    assert summary["Shared with young people"].startswith("Shared with young people on")
    assert_no_small_finding(out)


def test_evidence_pack_pdf(made: Made, tmp_path: Path) -> None:
    out = export(made, service.EVIDENCE_PDF, tmp_path / "evidence.pdf")
    text = pdf_text(out)
    for heading in ("What young people said", "What we did", "Young people's involvement"):
        assert text.count(heading) == 2
    assert "Self-assessment areas" in text and "Shared back with young people" in text
    for we_will in WE_WILL:
        assert we_will in text
    assert "32% of 120" in text and "named by 14" in text
    assert "✔ Done" in text and "✖ Dropped" in text
    assert_no_small_finding(out)


def test_no_plan_file_carries_the_small_finding(made: Made, tmp_path: Path) -> None:
    """Every file made from a plan, with the small finding cited and owners shown: none holds a
    byte of it."""
    for k in service.KINDS:
        if k.subject == "plan":
            out = export(made, k.key, tmp_path / f"{k.key}{k.suffix}", show_owners=True)
            assert_no_small_finding(out)


def test_a_round_named_a_survey_is_not_called_a_survey_survey() -> None:
    from nbdesk.returns.loop_data import the_survey

    assert the_survey("Time 2 survey") == "the Time 2 survey"
    assert the_survey("Loop round 2026") == "the Loop round 2026 survey"
    assert the_survey("  Autumn   Survey ") == "the Autumn Survey"
