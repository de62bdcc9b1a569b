"""Scoring against figures worked out by hand from the published method."""

from __future__ import annotations

import pytest

from nbdesk.forms.framework import AreaDef, FrameworkDef, StatementDef, demonstration_framework
from nbdesk.forms.scoring import bands_for, score


def tiny() -> FrameworkDef:
    # Area 1 has 3 statements, area 2 has 1: the item mean and the mean of area means differ.
    return FrameworkDef(
        name="Tiny",
        version="1",
        areas=(
            AreaDef(1, "One", tuple(StatementDef(1, x, f"1{x}") for x in "abc")),
            AreaDef(2, "Two", (StatementDef(2, "a", "2a"),)),
        ),
    )


def test_published_bands_for_106_statements() -> None:
    bands = bands_for(106)
    assert (bands.lowest, bands.okay_from, bands.good_from, bands.highest) == (106, 223, 325, 424)
    assert bands.band(106) == "Poor"
    assert bands.band(222) == "Poor"
    assert bands.band(223) == "Okay"
    assert bands.band(324) == "Okay"
    assert bands.band(325) == "Good"
    assert bands.band(424) == "Good"
    assert bands.describe() == "Good 325–424, Okay 223–324, Poor 106–222"


def test_bands_scale_with_statement_count() -> None:
    # 53 statements: 53 × 223/106 = 111.5 → 112; 53 × 325/106 = 162.5 → 163.
    bands = bands_for(53)
    assert (bands.lowest, bands.okay_from, bands.good_from, bands.highest) == (53, 112, 163, 212)
    # A 0–3 scale over 106 statements: each per-item threshold drops by one point.
    shifted = bands_for(106, min_points=0, max_points=3)
    assert (shifted.lowest, shifted.okay_from, shifted.good_from) == (0, 117, 219)


def test_area_means_percentages_and_overall_mean() -> None:
    result = score(
        tiny(), {(1, "a"): 4, (1, "b"): 3, (1, "c"): 2, (2, "a"): 1}, overall={1: 7, 2: 3}
    )
    one, two = result.areas
    assert (one.rated, one.statements, one.points, one.mean) == (3, 3, 9, 3.0)
    assert one.percent == pytest.approx(75.0)
    assert two.mean == 1.0 and two.percent == pytest.approx(25.0)
    assert (one.overall_out_of_10, two.overall_out_of_10) == (7, 3)
    assert result.total == 10
    assert result.complete is True
    # Mean of area means (3 + 1) / 2 = 2.0, not the item mean 10 / 4 = 2.5.
    assert result.overall_mean == pytest.approx(2.0)
    # 4 statements: Okay from ceil(4 × 223/106) = 9, Good from ceil(4 × 325/106) = 13.
    assert (result.bands.okay_from, result.bands.good_from) == (9, 13)
    assert result.band == "Okay"


def test_unrated_statements_are_reported_not_scored() -> None:
    result = score(tiny(), {(1, "a"): 4, (1, "b"): None})
    one, two = result.areas
    assert one.rated == 1 and one.mean == 4.0 and one.unrated == ("1 / B", "1 / C")
    assert two.rated == 0 and two.mean is None and two.percent is None
    assert result.unrated == ("1 / B", "1 / C", "2 / A")
    assert result.complete is False
    assert result.band is None
    assert result.total == 4
    assert result.overall_mean == 4.0
    assert "3 of 4 statements are unrated" in result.note


def test_demonstration_framework_extremes() -> None:
    fw = demonstration_framework()
    every = [(a.number, s.letter) for a in fw.areas for s in a.statements]
    top = score(fw, dict.fromkeys(every, 4))
    assert (top.total, top.band, top.overall_mean) == (424, "Good", 4.0)
    bottom = score(fw, dict.fromkeys(every, 1))
    assert (bottom.total, bottom.band) == (106, "Poor")
    # 105 threes and one two: 317, in the Okay band.
    mixed = dict.fromkeys(every, 3)
    mixed[(7, "m")] = 2
    result = score(fw, mixed)
    assert (result.total, result.band) == (317, "Okay")
    assert result.areas[6].mean == pytest.approx((14 * 3 + 2) / 15)


def test_a_rating_off_the_scale_is_refused() -> None:
    with pytest.raises(ValueError, match="1 / A: 5 is not a point on the scale"):
        score(tiny(), {(1, "a"): 5})
