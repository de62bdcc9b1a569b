"""Figures are rounded half up everywhere, as the spreadsheet shows the return's exact values."""

from __future__ import annotations

import pytest

from nbdesk.common.figures import fixed, rounded, signed


@pytest.mark.parametrize(
    ("value", "places", "shown"),
    [
        (2.625, 2, "2.63"),  # Python's own f"{2.625:.2f}" gives 2.62
        (2.375, 2, "2.38"),
        (2.675, 2, "2.68"),  # stored as 2.67499…, shown by a spreadsheet as 2.68
        (42.5, 0, "43"),
        (-0.125, 2, "-0.13"),
        (3.0, 2, "3.00"),
    ],
)
def test_half_rounds_up(value: float, places: int, shown: str) -> None:
    assert fixed(value, places) == shown


def test_signed_and_rounded() -> None:
    assert signed(0.125, 2) == "+0.13"
    assert signed(-0.0001, 2) == "+0.00"  # no "-0.00"
    assert signed(-1, 2) == "-1.00"
    assert rounded(2.625, 2) == 2.63 and rounded(None, 2) is None
