"""Colours the style chooses that fall short of WCAG contrast, overridden for the whole program:
the selected row (white on the style's light blue was 3.7:1) and placeholder text holding instructions
(4.0:1). Each role is darkened only where it falls short, so a dark or high-contrast system theme
is left as it is."""

from __future__ import annotations

from typing import Any

from PySide6.QtGui import QColor, QPalette

from nbdesk.common.contrast import TEXT, ratio

SELECTED = "#1f5fa8"  # 6.4:1 under white text
PLACEHOLDER = "#5f5f5f"  # 6.4:1 on white

GROUPS = (QPalette.ColorGroup.Active, QPalette.ColorGroup.Inactive)


def apply_contrast(app: Any) -> None:
    palette = app.palette()
    for group in GROUPS:
        base = palette.color(group, QPalette.ColorRole.Base).name()
        highlight = palette.color(group, QPalette.ColorRole.Highlight).name()
        highlighted = palette.color(group, QPalette.ColorRole.HighlightedText).name()
        if ratio(highlight, highlighted) < TEXT:
            palette.setColor(group, QPalette.ColorRole.Highlight, QColor(SELECTED))
            palette.setColor(group, QPalette.ColorRole.HighlightedText, QColor("#ffffff"))
        placeholder = palette.color(group, QPalette.ColorRole.PlaceholderText).name()
        if ratio(placeholder, base) < TEXT and ratio(PLACEHOLDER, base) >= TEXT:
            palette.setColor(group, QPalette.ColorRole.PlaceholderText, QColor(PLACEHOLDER))
    app.setPalette(palette)
