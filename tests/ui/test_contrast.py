"""Contrast of every colour nbdesk sets, computed as WCAG 2 does: text 4.5:1 at least, lines and
shapes 3:1, on the palette the program runs with (the style's own where it suffices)."""

from __future__ import annotations

import re
from collections.abc import Iterator
from pathlib import Path

import pytest
from PySide6.QtGui import QPalette
from PySide6.QtWidgets import QApplication

from nbdesk.common.contrast import GRAPHICS, TEXT, ratio

UI = Path(__file__).resolve().parents[2] / "nbdesk" / "ui"
Role = QPalette.ColorRole


@pytest.fixture
def palette(qapp: QApplication) -> Iterator[QPalette]:
    from nbdesk.ui.palette import apply_contrast

    before = qapp.palette()
    apply_contrast(qapp)
    yield qapp.palette()
    qapp.setPalette(before)


def colour(palette: QPalette, role: QPalette.ColorRole) -> str:
    return palette.color(QPalette.ColorGroup.Active, role).name()


@pytest.mark.parametrize(
    ("front", "back"),
    [
        (Role.WindowText, Role.Window),
        (Role.Text, Role.Base),
        (Role.ButtonText, Role.Button),
        (Role.HighlightedText, Role.Highlight),  # a selected row: white on #308cc6 was 3.7:1
        (Role.PlaceholderText, Role.Base),  # instructions in empty fields: was 4.0:1
    ],
)
def test_text_on_the_palette(palette: QPalette, front: QPalette.ColorRole, back) -> None:  # type: ignore[no-untyped-def]
    assert ratio(colour(palette, front), colour(palette, back)) >= TEXT


def test_every_colour_nbdesk_sets(palette: QPalette) -> None:
    """Every '#rrggbb' written in nbdesk/ui is text or a mark on the window's ground, and the
    rating buttons also carry white text on their own colour when chosen."""
    from nbdesk.ui.self_assessment.common import RATING_COLOURS

    ground = colour(palette, Role.Base)
    found = {
        (path.name, hex_colour)
        for path in UI.rglob("*.py")
        for hex_colour in re.findall(r"#[0-9a-fA-F]{6}\b", path.read_text())
    }
    assert found, "no colours found: the scan is looking in the wrong place"
    weak = [
        (name, hex_colour, round(ratio(hex_colour, ground), 2))
        for name, hex_colour in sorted(found)
        if hex_colour.lower() not in ("#ffffff",)
        and ratio(hex_colour, ground) < TEXT
        and not (name == "chart.py" and ratio(hex_colour, ground) >= GRAPHICS)
    ]
    assert weak == []
    for hex_colour in RATING_COLOURS.values():
        assert ratio("#ffffff", hex_colour) >= TEXT
