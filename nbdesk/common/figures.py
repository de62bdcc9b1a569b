"""How nbdesk shows a figure: rounded as a spreadsheet rounds it.

Python's own formatting rounds an exact half to even (f"{2.625:.2f}" is 2.62), but Excel and
LibreOffice show a return's 2.625 as 2.63. Means of 8 ratings end in .125, .375 … often, and the
results screen, the command line, the reports and the returns must all show the same figure.
"""

from __future__ import annotations

from decimal import ROUND_HALF_UP, Decimal


def fixed(value: float, places: int = 0) -> str:
    """`value` to `places` decimals, a half rounded up (away from zero). The shortest repr is
    rounded, so 2.675 (stored as 2.67499…) gives 2.68, as a spreadsheet's 15 significant digits do."""
    step = Decimal(1).scaleb(-places)
    return str(Decimal(repr(float(value))).quantize(step, rounding=ROUND_HALF_UP) + 0)


def signed(value: float, places: int = 0) -> str:
    """A change or gap: always with its sign ("+0.25", "-1.00", "+0.00")."""
    text = fixed(value, places)
    return text if text.startswith("-") else f"+{text}"


def rounded(value: float | None, places: int) -> float | None:
    """The figure as a number (for JSON), rounded the same way."""
    return None if value is None else float(fixed(value, places))


def people(count: int) -> str:
    """A count of people as said on screen and at the command line: "1 person", "5,736 people"."""
    return f"{count:,} {'person' if count == 1 else 'people'}"
