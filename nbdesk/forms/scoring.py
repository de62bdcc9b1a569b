"""Scores and bands as the published Baker–Dixon method computes them.

- total: the sum of every statement's points (106–424 for the 2020 tool);
- band: Good 325–424, Okay 223–324, Poor 106–222 for 106 statements on the 1–4 scale; for another
  length the thresholds are scaled by the number of statements (and, for another scale, mapped onto
  its range);
- area score: the mean of its ratings out of the top point, also as a percentage of it;
- overall mean: the mean of the area means, as the published tables compute it (not the item mean).

Unrated statements are never counted as anything: they are left out of means and total, listed, and
make the result incomplete, in which case no band is given (a partial total would understate it).
"""

from __future__ import annotations

import math
from collections.abc import Mapping
from dataclasses import dataclass

from nbdesk.forms.framework import FrameworkDef

PUBLISHED_ITEMS = 106
PUBLISHED_OKAY_FROM = 223
PUBLISHED_GOOD_FROM = 325
PUBLISHED_POINTS = (1, 4)

GOOD, OKAY, POOR = "Good", "Okay", "Poor"


@dataclass(frozen=True)
class Bands:
    """Inclusive lower bounds of each band for a framework of a given length."""

    lowest: int
    okay_from: int
    good_from: int
    highest: int

    def band(self, total: int) -> str:
        if total >= self.good_from:
            return GOOD
        if total >= self.okay_from:
            return OKAY
        return POOR

    def describe(self) -> str:
        return (
            f"Good {self.good_from}–{self.highest}, Okay {self.okay_from}–{self.good_from - 1}, "
            f"Poor {self.lowest}–{self.okay_from - 1}"
        )


def bands_for(statement_count: int, min_points: int = 1, max_points: int = 4) -> Bands:
    if statement_count < 1:
        raise ValueError("a framework needs at least one statement")
    lo, hi = PUBLISHED_POINTS

    def per_item(published_from: int) -> float:
        per = published_from / PUBLISHED_ITEMS  # on the published 1–4 scale
        return min_points + (per - lo) * (max_points - min_points) / (hi - lo)

    def scaled(published_from: int) -> int:
        # The tiny tolerance keeps 106 × 223/106 at exactly 223 despite floating point.
        return math.ceil(statement_count * per_item(published_from) - 1e-9)

    return Bands(
        lowest=statement_count * min_points,
        okay_from=scaled(PUBLISHED_OKAY_FROM),
        good_from=scaled(PUBLISHED_GOOD_FROM),
        highest=statement_count * max_points,
    )


@dataclass(frozen=True)
class AreaScore:
    number: int
    title: str
    statements: int
    rated: int
    points: int
    mean: float | None
    percent: float | None
    overall_out_of_10: int | None
    unrated: tuple[str, ...]  # references such as "7 / M"


@dataclass(frozen=True)
class AssessmentScore:
    areas: tuple[AreaScore, ...]
    statements: int
    rated: int
    total: int
    complete: bool
    band: str | None
    bands: Bands
    overall_mean: float | None
    unrated: tuple[str, ...]

    @property
    def total_basis(self) -> str:
        """What the total can be, beside it. Part-rated, the total is of the statements rated
        so far, and may be below a complete assessment's lowest (19 beside "106–424" read as a
        mistake to a tester)."""
        span = f"{self.bands.lowest}–{self.bands.highest}"
        if self.complete:
            return f"possible {span}"
        return (
            f"only {self.rated} of {self.statements} statements rated; all rated would total {span}"
        )

    @property
    def note(self) -> str:
        if self.complete:
            return "All statements rated."
        return (
            f"{len(self.unrated)} of {self.statements} statements are unrated; they are left out "
            "of the means and the total, and no band is given until every statement is rated."
        )


def score(
    framework: FrameworkDef,
    ratings: Mapping[tuple[int, str], int | None],
    overall: Mapping[int, int | None] | None = None,
) -> AssessmentScore:
    """Score ratings keyed by (area number, letter); a missing key or None means unrated."""
    valid = {p.points for p in framework.scale}
    overall = overall or {}
    top = framework.max_points
    areas: list[AreaScore] = []
    unrated_all: list[str] = []
    for area in framework.areas:
        points: list[int] = []
        unrated: list[str] = []
        for st in area.statements:
            value = ratings.get((area.number, st.letter))
            if value is None:
                unrated.append(st.reference)
                continue
            if value not in valid:
                raise ValueError(f"{st.reference}: {value} is not a point on the scale")
            points.append(value)
        mean = sum(points) / len(points) if points else None
        areas.append(
            AreaScore(
                number=area.number,
                title=area.title,
                statements=len(area.statements),
                rated=len(points),
                points=sum(points),
                mean=mean,
                percent=None if mean is None else mean / top * 100,
                overall_out_of_10=overall.get(area.number),
                unrated=tuple(unrated),
            )
        )
        unrated_all.extend(unrated)
    bands = bands_for(framework.statement_count, framework.min_points, top)
    total = sum(a.points for a in areas)
    complete = not unrated_all
    means = [a.mean for a in areas if a.mean is not None]
    return AssessmentScore(
        areas=tuple(areas),
        statements=framework.statement_count,
        rated=sum(a.rated for a in areas),
        total=total,
        complete=complete,
        band=bands.band(total) if complete else None,
        bands=bands,
        overall_mean=sum(means) / len(means) if means else None,
        unrated=tuple(unrated_all),
    )
