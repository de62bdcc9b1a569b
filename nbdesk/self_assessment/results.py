"""Results of an assessment: areas ranked, the highest and lowest statements, the score as JSON.

Scores come from nbdesk.forms.scoring, which follows the published method; this module only arranges
them for people.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from sqlalchemy.orm import Session

from nbdesk.common.figures import rounded
from nbdesk.forms.scoring import AreaScore, AssessmentScore
from nbdesk.self_assessment.assessments import (
    AssessmentDetail,
    AssessmentSummary,
    load_assessment,
    score_detail,
)

# How many statements the "highest" and "lowest" lists show.
EXTREMES = 5


@dataclass(frozen=True)
class RatedStatement:
    reference: str
    area_number: int
    letter: str
    text: str
    points: int
    label: str


@dataclass(frozen=True)
class Results:
    summary: AssessmentSummary
    score: AssessmentScore
    ranked: tuple[AreaScore, ...]  # rated areas, highest mean first
    highest: tuple[RatedStatement, ...]
    lowest: tuple[RatedStatement, ...]
    out_of: int  # the top rating point (4 for Baker–Dixon)
    overall_out_of: int


def _rated(detail: AssessmentDetail) -> list[RatedStatement]:
    fw = detail.framework
    return [
        RatedStatement(
            s.reference, s.area_number, s.letter, s.text, s.points, fw.label_for(s.points)
        )
        for s in detail.statements()
        if s.points is not None
    ]


def area_ranks(results: Results) -> dict[int, tuple[int, bool]]:
    """Area number -> (rank, tied) for the rated areas: equal means share a rank, as league tables
    show them (1, 2, =3, =3, 5)."""
    ranked = results.ranked
    out: dict[int, tuple[int, bool]] = {}
    for area in ranked:
        mean = area.mean or 0.0
        place = 1 + sum(1 for other in ranked if (other.mean or 0.0) > mean + 1e-9)
        tied = sum(1 for other in ranked if abs((other.mean or 0.0) - mean) <= 1e-9) > 1
        out[area.number] = (place, tied)
    return out


def results_from(detail: AssessmentDetail, extremes: int = EXTREMES) -> Results:
    scored = score_detail(detail)
    ranked = sorted(
        (a for a in scored.areas if a.mean is not None),
        key=lambda a: (-(a.mean or 0), a.number),
    )
    rated = _rated(detail)
    # Framework order breaks ties, so the lists are stable and read in the order of the tool.
    # With fewer than twice `extremes` rated, the two share them out, higher half first: a
    # statement in both lists (a 2 among the highest, a 3 among the lowest) reads as a mistake.
    highest = sorted(rated, key=lambda s: -s.points)[: min(extremes, (len(rated) + 1) // 2)]
    taken = {s.reference for s in highest}
    lowest = [s for s in sorted(rated, key=lambda s: s.points) if s.reference not in taken]
    lowest = lowest[:extremes]
    return Results(
        detail.summary,
        scored,
        tuple(ranked),
        tuple(highest),
        tuple(lowest),
        detail.framework.max_points,
        detail.framework.overall_out_of,
    )


def assessment_results(session: Session, assessment_id: int, extremes: int = EXTREMES) -> Results:
    return results_from(load_assessment(session, assessment_id), extremes)


def score_json(summary: AssessmentSummary, scored: AssessmentScore) -> dict[str, Any]:
    """The `nbdesk assessment score --json` document. Means to 2 places, percentages to 1."""
    return {
        "assessment": summary.name,
        "areas": [
            {
                "number": a.number,
                "title": a.title,
                "statements": a.statements,
                "rated": a.rated,
                "mean": rounded(a.mean, 2),
                "percent": rounded(a.percent, 1),
                "overall_out_of_10": a.overall_out_of_10,
            }
            for a in scored.areas
        ],
        "total": scored.total,
        "band": scored.band,
        "overall_mean": rounded(scored.overall_mean, 2),
        "complete": scored.complete,
    }
