"""Two assessments side by side: baseline against follow-up (change), or staff against young people
(the gap). They are lined up statement by statement on (area number, letter), so a follow-up rated
on a newer version of the same framework still lines up with its baseline.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from sqlalchemy.orm import Session

from nbdesk.forms.scoring import AssessmentScore, score
from nbdesk.self_assessment.assessments import (
    AssessmentDetail,
    AssessmentSummary,
    StatementState,
    assessment_summary,
    load_assessment,
    score_detail,
)

CHANGE, GAP = "change", "gap"


@dataclass(frozen=True)
class AreaComparison:
    number: int
    title: str
    first: float | None  # mean out of the top point
    second: float | None
    first_overall: int | None
    second_overall: int | None

    @property
    def difference(self) -> float | None:
        """second − first: for baseline → follow-up, positive is an improvement."""
        if self.first is None or self.second is None:
            return None
        return self.second - self.first


@dataclass(frozen=True)
class StatementComparison:
    reference: str
    area_number: int
    letter: str
    text: str
    first: int | None
    second: int | None

    @property
    def difference(self) -> int | None:
        if self.first is None or self.second is None:
            return None
        return self.second - self.first


@dataclass(frozen=True)
class Comparison:
    """Two assessments side by side. When either is not wholly rated, `first_score` and
    `second_score` (and each area's means) count only the statements rated in both, so a total or
    mean is never compared with one taken over other statements; `first_full` and `second_full`
    keep each assessment's own score."""

    kind: str  # CHANGE (over time) or GAP (between perspectives)
    first: AssessmentSummary
    second: AssessmentSummary
    first_score: AssessmentScore
    second_score: AssessmentScore
    areas: tuple[AreaComparison, ...]
    statements: tuple[StatementComparison, ...]
    unmatched: tuple[str, ...]  # references in only one of the two
    first_full: AssessmentScore | None = None
    second_full: AssessmentScore | None = None

    @property
    def complete(self) -> bool:
        """Both wholly rated, over the same statements: totals and bands compare as published."""
        full = (self.first_full or self.first_score, self.second_full or self.second_score)
        return full[0].complete and full[1].complete and not self.unmatched

    @property
    def rated_in_both(self) -> list[StatementComparison]:
        return [s for s in self.statements if s.first is not None and s.second is not None]

    def incomplete_sides(self) -> list[str]:
        """Each side not wholly rated, as the headline says it: 'Follow-up: 11 of 106 rated'."""
        out = []
        for label, name, full in (
            (self.first_label, self.first.name, self.first_full or self.first_score),
            (self.second_label, self.second.name, self.second_full or self.second_score),
        ):
            if not full.complete:
                side = label if self.first_label != self.second_label else name
                out.append(f"{side}: {full.rated} of {full.statements} rated")
        return out

    def basis(self) -> str:
        """Which statements the totals and overall means are taken over, in words."""
        both = self.rated_in_both
        if self.complete:
            return f"All {len(both)} statements are rated in both."
        if not both:
            return "No statement is rated in both, so nothing can be compared yet."
        left_out = [s.reference for s in self.statements if s.difference is None]
        left_out += list(self.unmatched)
        if len(both) <= len(left_out):
            which = "the statements " + references_in_words([s.reference for s in both])
        else:
            which = "every statement except " + references_in_words(left_out)
        return (
            f"Totals and overall means compare only the {len(both)} statements rated in both "
            f"({which}); no band is given until both are wholly rated."
        )

    @property
    def improved(self) -> list[StatementComparison]:
        found = [s for s in self.statements if (s.difference or 0) > 0]
        return sorted(found, key=lambda s: -(s.difference or 0))

    @property
    def declined(self) -> list[StatementComparison]:
        found = [s for s in self.statements if (s.difference or 0) < 0]
        return sorted(found, key=lambda s: s.difference or 0)

    @property
    def largest_gaps(self) -> list[StatementComparison]:
        found = [s for s in self.statements if s.difference]
        return sorted(found, key=lambda s: -abs(s.difference or 0))

    @property
    def areas_by_gap(self) -> list[AreaComparison]:
        found = [a for a in self.areas if a.difference is not None]
        return sorted(found, key=lambda a: -abs(a.difference or 0))

    @property
    def first_label(self) -> str:
        return _side_label(self.kind, self.first)

    @property
    def second_label(self) -> str:
        return _side_label(self.kind, self.second)


def _side_label(kind: str, summary: AssessmentSummary) -> str:
    from nbdesk.self_assessment.assessments import PERSPECTIVE_LABELS, STAGE_LABELS

    if kind == GAP:
        return PERSPECTIVE_LABELS.get(summary.perspective, summary.perspective)
    return STAGE_LABELS.get(summary.stage, summary.stage)


def comparison_kind(first: AssessmentSummary, second: AssessmentSummary) -> str:
    """Different perspectives are a gap to close; anything else is change over time."""
    return GAP if first.perspective != second.perspective else CHANGE


def references_in_words(references: list[str]) -> str:
    """'1 / A, B and C; 7 / M': references grouped by area, as a lead would read them out."""
    by_area: dict[str, list[str]] = {}
    for ref in references:
        area, _, letter = ref.partition(" / ")
        by_area.setdefault(area, []).append(letter)

    def joined(items: list[str], last: str = " and ") -> str:
        return items[0] if len(items) == 1 else ", ".join(items[:-1]) + last + items[-1]

    return "; ".join(f"{area} / {joined(letters)}" for area, letters in by_area.items())


def _rated_in_both(first: AssessmentDetail, second: AssessmentDetail) -> set[tuple[int, str]]:
    a = {(s.area_number, s.letter) for s in first.statements() if s.points is not None}
    b = {(s.area_number, s.letter) for s in second.statements() if s.points is not None}
    return a & b


def _score_over(detail: AssessmentDetail, keys: set[tuple[int, str]]) -> AssessmentScore:
    ratings = {
        (s.area_number, s.letter): s.points
        for s in detail.statements()
        if (s.area_number, s.letter) in keys
    }
    overall = {a.number: a.overall for a in detail.areas}
    return score(detail.framework, ratings, overall)


def compare_details(first: AssessmentDetail, second: AssessmentDetail) -> Comparison:
    a_full, b_full = score_detail(first), score_detail(second)
    a_score, b_score = a_full, b_full
    if not (a_full.complete and b_full.complete):
        # Like for like: a half-rated side is compared only where the other side is rated too.
        both = _rated_in_both(first, second)
        a_score, b_score = _score_over(first, both), _score_over(second, both)
    b_areas = {a.number: a for a in b_score.areas}
    areas = tuple(
        AreaComparison(
            a.number,
            a.title,
            a.mean,
            b_areas[a.number].mean,
            a.overall_out_of_10,
            b_areas[a.number].overall_out_of_10,
        )
        for a in a_score.areas
        if a.number in b_areas
    )
    b_statements: dict[tuple[int, str], StatementState] = {
        (s.area_number, s.letter): s for s in second.statements()
    }
    matched: list[StatementComparison] = []
    unmatched: list[str] = []
    for s in first.statements():
        other = b_statements.pop((s.area_number, s.letter), None)
        if other is None:
            unmatched.append(s.reference)
            continue
        matched.append(
            StatementComparison(
                s.reference, s.area_number, s.letter, s.text, s.points, other.points
            )
        )
    unmatched.extend(s.reference for s in b_statements.values())
    return Comparison(
        comparison_kind(first.summary, second.summary),
        first.summary,
        second.summary,
        a_score,
        b_score,
        areas,
        tuple(matched),
        tuple(unmatched),
        a_full,
        b_full,
    )


def natural_order(a: AssessmentSummary, b: AssessmentSummary) -> tuple[int, int]:
    """The two ids in the order a comparison reads naturally: staff before young people, then
    baseline before follow-up (then the earlier first), whichever was chosen first."""

    def key(s: AssessmentSummary) -> tuple[int, int, Any]:
        stage = {"baseline": 0, "follow-up": 1}.get(s.stage, 2)
        perspective = 0 if s.perspective == "staff" else 1
        return (perspective, stage, s.held_on)

    if a.perspective == b.perspective:
        first, second = sorted((a, b), key=lambda s: key(s)[1:])
    else:
        first, second = sorted((a, b), key=key)
    return first.id, second.id


def compare_in_order(session: Session, one: int, other: int) -> Comparison:
    """Compare two assessments in their natural order (see natural_order)."""
    if one == other:
        raise ValueError("Choose two different assessments to compare.")
    first, second = natural_order(
        assessment_summary(session, one), assessment_summary(session, other)
    )
    return compare_assessments(session, first, second)


def compare_assessments(session: Session, first_id: int, second_id: int) -> Comparison:
    """Compare two assessments; put the baseline (or staff) first so differences read naturally."""
    if first_id == second_id:
        raise ValueError("Choose two different assessments to compare.")
    return compare_details(load_assessment(session, first_id), load_assessment(session, second_id))
