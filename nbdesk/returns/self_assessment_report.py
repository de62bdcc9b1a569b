"""The self-assessment report (PDF) for senior managers, boards and young people's forums.

Contents: the headline figures (total, band, overall mean), a chart of the areas, the areas ranked,
the highest and lowest rated statements, optionally a comparison with another assessment (baseline
against follow-up, or staff against young people: the change or gap per area and the statements that
moved most), and an appendix of the evidence. All figures come from nbdesk.forms.scoring through
nbdesk.self_assessment.results; nothing is scored here. The same story is also written as one
accessible web page (nbdesk.returns.html_report), the chart as its figures in a table.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from nbdesk.common.figures import fixed, signed
from nbdesk.returns.gather import SelfAssessmentData, long_date
from nbdesk.self_assessment.assessments import PERSPECTIVE_LABELS, STAGE_LABELS
from nbdesk.self_assessment.comparison import GAP, Comparison, StatementComparison
from nbdesk.self_assessment.results import area_ranks

# How many statements each list of the comparison shows.
COMPARISON_LIST = 8


def _num(value: float | None, places: int = 2) -> str:
    return "–" if value is None else fixed(value, places)


def _signed(value: float | None, places: int = 2) -> str:
    if value is None:
        return "–"
    return signed(value, places)


def _percent(value: float | None) -> str:
    return "–" if value is None else f"{fixed(value)}%"


def story(data: SelfAssessmentData, comparison: Comparison | None, st: Any) -> list[Any]:
    from reportlab.platypus import KeepTogether, PageBreak, Paragraph

    from nbdesk.returns.pdf_common import Series, bar_chart, esc, spacer, table, written_by

    detail = data.detail
    summary = detail.summary
    fw = detail.framework
    results = data.results
    scored = results.score
    top = fw.max_points
    out: list[Any] = []
    out.append(Paragraph(esc(f"Self-assessment report: {summary.name}"), st.title))
    out.append(
        Paragraph(
            esc(
                f"{data.authority} · {STAGE_LABELS.get(summary.stage, summary.stage)}, "
                f"{PERSPECTIVE_LABELS.get(summary.perspective, summary.perspective).lower()} "
                f"view · held {long_date(summary.held_on)} · {fw.name} {fw.version}"
            ),
            st.subtitle,
        )
    )
    if fw.demonstration:
        out.append(
            Paragraph(
                "<i>Rated against the demonstration framework: practice statements, not the "
                "real tool.</i>",
                st.small,
            )
        )

    out.append(Paragraph("Headline figures", st.h1))
    band = scored.band or "not given until every statement is rated"
    mean = _num(scored.overall_mean)
    people = (
        ", ".join(f"{n} {kind.lower()}" for kind, n in data.participants if n) or "not recorded"
    )
    headline = [
        ["Measure", "Result"],
        [f"Total score ({scored.total_basis})", str(scored.total)],
        ["Band", band],
        [f"Overall mean (mean of the area means, out of {top})", mean],
        ["Statements rated", f"{scored.rated} of {scored.statements}"],
        ["Who took part", f"{people} ({data.sittings} sitting{'s' if data.sittings != 1 else ''})"],
    ]
    out.append(table(headline, (95 * 2.83, 79 * 2.83), st))
    out.append(Paragraph(esc(f"Bands: {scored.bands.describe()}. {scored.note}"), st.small))

    # Chart ---------------------------------------------------------------------------------
    names = [f"{a.number}. {a.title}" for a in scored.areas]
    if comparison is None:
        series = [Series(summary.name, [a.percent for a in scored.areas])]
    else:
        by_number = {a.number: a for a in comparison.second_score.areas}
        first_by = {a.number: a for a in comparison.first_score.areas}
        series = [
            Series(
                f"{comparison.first_label}: {comparison.first.name}",
                [
                    first_by[a.number].percent if a.number in first_by else None
                    for a in scored.areas
                ],
            ),
            Series(
                f"{comparison.second_label}: {comparison.second.name}",
                [
                    by_number[a.number].percent if a.number in by_number else None
                    for a in scored.areas
                ],
            ),
        ]
    chart_note = (
        f"Each area's mean rating as a percentage of the top rating ({top}). "
        "The figure at the end of each bar is the percentage."
    )
    missing = "not rated"
    if comparison is not None and not comparison.complete:
        # Like for like: a tester read "not rated" on areas the baseline had rated in full.
        chart_note += " Both bars of an area count only its statements rated in both assessments."
        missing = "none rated in both"
    out.append(
        KeepTogether(
            [
                Paragraph("The areas at a glance", st.h1),
                Paragraph(esc(chart_note), st.body),
                bar_chart(
                    names,
                    series,
                    value_max=100,
                    value_format="%.0f%%",
                    axis_label=f"Mean rating as a percentage of {top}",
                    missing_label=missing,
                    category="Area",
                ),
            ]
        )
    )

    # Ranked --------------------------------------------------------------------------------
    out.append(Paragraph("Areas ranked", st.h1))
    ranked_rows: list[list[Any]] = [
        [
            "Rank",
            "Area",
            f"Mean (of {top})",
            "Percent",
            f"Overall (of {fw.overall_out_of})",
            "Rated",
        ]
    ]
    ranks = area_ranks(data.results)
    for a in results.ranked:
        place, tied = ranks[a.number]
        ranked_rows.append(
            [
                f"={place}" if tied else str(place),
                f"{a.number}. {a.title}",
                _num(a.mean),
                _percent(a.percent),
                "–" if a.overall_out_of_10 is None else str(a.overall_out_of_10),
                f"{a.rated} of {a.statements}",
            ]
        )
    unranked = [a for a in scored.areas if a.mean is None]
    for a in unranked:
        ranked_rows.append(["–", f"{a.number}. {a.title} (not rated)", "–", "–", "–", "0"])
    out.append(table(ranked_rows, (40, 206, 56, 56, 60, 56), st, row_header=1))
    if any(tied for _place, tied in ranks.values()):
        out.append(Paragraph("=: areas with equal means share a rank.", st.small))

    # Highest and lowest --------------------------------------------------------------------
    for heading, chosen in (
        ("Highest rated statements", results.highest),
        ("Lowest rated statements", results.lowest),
    ):
        out.append(Paragraph(heading, st.h1))
        if not chosen:
            out.append(Paragraph("No statement is rated yet.", st.body))
            continue
        rows: list[list[Any]] = [["Ref.", "Statement", "Rating"]]
        rows += [[s.reference, s.text, f"{s.label} ({s.points})"] for s in chosen]
        out.append(table(rows, (38, 316, 120), st))

    if comparison is not None:
        out += _comparison(comparison, st, top)

    # Evidence appendix: on its own pages, so the report proper can be printed without it ---------
    out.append(PageBreak())
    out.append(Paragraph("Appendix: the evidence", st.h1))
    out.append(
        Paragraph("What each rating was based on, as the group recorded it, area by area.", st.body)
    )
    for area in detail.areas:
        out.append(Paragraph(esc(f"Area {area.number}: {area.title}"), st.h2))
        rows = [["Ref.", "Statement", "Rating", "Evidence"]]
        for s in area.statements:
            rating = fw.label_for(s.points) if s.points is not None else "Not rated"
            rows.append([s.reference, s.text, rating, s.evidence or "–"])
        out.append(table(rows, (34, 190, 70, 180), st))
        overall = "not given" if area.overall is None else f"{area.overall} of {fw.overall_out_of}"
        note = f" — {area.overall_note}" if area.overall_note else ""
        out.append(Paragraph(esc(f"Overall rating for the area: {overall}{note}"), st.small))
    out.append(spacer())
    out.append(written_by(data.nbdesk_version, data.exported_at, st))
    return out


def _comparison(c: Comparison, st: Any, top: int) -> list[Any]:
    from reportlab.platypus import Paragraph

    from nbdesk.returns.pdf_common import esc, table

    gap = c.kind == GAP
    heading = (
        f"{c.first_label} and {c.second_label.lower()}: the gap"
        if gap
        else f"Change from {c.first_label.lower()} to {c.second_label.lower()}"
    )
    incomplete = c.incomplete_sides()
    if incomplete:
        heading += " (" + "; ".join(incomplete) + ")"
    out: list[Any] = [Paragraph(esc(heading), st.h1)]
    fs, ss = c.first_score, c.second_score
    basis = "" if c.complete else c.basis() + " "
    out.append(
        Paragraph(
            esc(
                f"Comparing '{c.first.name}' ({c.first_label}) with '{c.second.name}' "
                f"({c.second_label}). {basis}Overall mean {_num(fs.overall_mean)} and "
                f"{_num(ss.overall_mean)}; total {fs.total} and {ss.total}; band "
                f"{fs.band or 'not given'} and {ss.band or 'not given'}. "
                + (
                    "A positive difference means the second view rates the area higher."
                    if gap
                    else "A positive change is an improvement."
                )
            ),
            st.body,
        )
    )
    diff_name = "Gap" if gap else "Change"
    rows: list[list[Any]] = [
        ["Area", f"{c.first_label} (of {top})", f"{c.second_label} (of {top})", diff_name]
    ]
    areas = c.areas_by_gap if gap else list(c.areas)
    for a in areas:
        rows.append(
            [f"{a.number}. {a.title}", _num(a.first), _num(a.second), _signed(a.difference)]
        )
    out.append(table(rows, (250, 75, 75, 74), st))

    def statements(title: str, chosen: list[StatementComparison]) -> None:
        out.append(Paragraph(esc(title), st.h2))
        if not chosen:
            out.append(Paragraph("None.", st.body))
            return
        srows: list[list[Any]] = [["Ref.", "Statement", c.first_label, c.second_label, diff_name]]
        for s in chosen[:COMPARISON_LIST]:
            srows.append([s.reference, s.text, str(s.first), str(s.second), f"{s.difference:+d}"])
        out.append(table(srows, (34, 236, 68, 68, 68), st))

    if gap:
        statements("Statements with the largest gaps", c.largest_gaps)
    else:
        statements("Statements that improved most", c.improved)
        statements("Statements that declined most", c.declined)
    if c.unmatched:
        out.append(
            Paragraph(
                esc(
                    f"{len(c.unmatched)} statement(s) appear in only one of the two and are not "
                    "compared: " + ", ".join(c.unmatched[:20])
                ),
                st.small,
            )
        )
    return out


def report_title(data: SelfAssessmentData, comparison: Comparison | None) -> str:
    title = f"Self-assessment report: {data.detail.summary.name}"
    if comparison is not None:
        title += f" (compared with {_other(data, comparison)})"
    return title


def write_self_assessment_report_html(
    data: SelfAssessmentData, path: Path, comparison: Comparison | None = None
) -> Path:
    """The same report as one accessible web page (see nbdesk.returns.html_report)."""
    from nbdesk.returns.html_report import write_story_html
    from nbdesk.returns.pdf_common import styles

    return write_story_html(
        story(data, comparison, styles()), path, title=report_title(data, comparison)
    )


def write_self_assessment_report(
    data: SelfAssessmentData, path: Path, comparison: Comparison | None = None
) -> Path:
    """Write the report to `path` atomically (see nbdesk.common.atomic)."""
    from nbdesk.returns.pdf_common import build_pdf

    return build_pdf(
        path,
        lambda st: story(data, comparison, st),
        title=report_title(data, comparison),
        author=data.authority,
        subject="Leaving care services self-assessment (New Belongings)",
    )


def _other(data: SelfAssessmentData, comparison: Comparison) -> str:
    own = data.detail.summary.id
    return comparison.second.name if comparison.first.id == own else comparison.first.name
