"""Small helpers shared by the self-assessment windows: fonts that follow the system size, colours
that are never the only signal, and number formatting."""

from __future__ import annotations

from datetime import date

from PySide6.QtGui import QColor, QFont, QKeySequence, QShortcut
from PySide6.QtWidgets import (
    QApplication,
    QComboBox,
    QHBoxLayout,
    QPushButton,
    QWidget,
)

from nbdesk.common import clock
from nbdesk.common.figures import fixed, signed
from nbdesk.forms.store import FrameworkSummary, newest_first
from nbdesk.self_assessment.assessments import (
    PERSPECTIVE_LABELS,
    PERSPECTIVES,
    STAGE_LABELS,
    STAGES,
)
from nbdesk.ui.date_field import DateField
from nbdesk.ui.fit import may_narrow

# Each rating has a colour, but its number and label are always shown beside it.
RATING_COLOURS = {4: "#1b6e36", 3: "#4a7212", 2: "#9a5700", 1: "#b3261e"}
UNRATED_COLOUR = "#6b6b6b"


def scaled_font(factor: float, bold: bool = False, base: QFont | None = None) -> QFont:
    """The application font scaled by `factor`: follows the system's size and the user's zoom."""
    font = QFont(base or QApplication.font())
    if font.pointSizeF() > 0:
        font.setPointSizeF(font.pointSizeF() * factor)
    elif font.pixelSize() > 0:
        font.setPixelSize(round(font.pixelSize() * factor))
    font.setBold(bold)
    return font


SCALE, BOLD, LEAST = "nbdesk_scale", "nbdesk_bold", "nbdesk_least"


def scale(widget: QWidget, factor: float, bold: bool = False, least: float = 1.0) -> None:
    """Give a widget the application font scaled by `factor`, and remember the factor, so
    `rescale` can follow a change of the system font while the window is open (and bring it
    down towards `least` times the system font where a window is short of room)."""
    widget.setProperty(SCALE, factor)
    widget.setProperty(BOLD, bold)
    widget.setProperty(LEAST, least)
    widget.setFont(scaled_font(factor, bold))


def rescale(root: QWidget, room: float = 1.0) -> None:
    """After the application font changed: every widget `scale` sized, sized again from it.
    With `room` below 1 (a window short of space), each is enlarged by that part of its factor
    only: at 0 everything is the system font's size, never smaller."""
    for widget in [root, *root.findChildren(QWidget)]:
        factor = widget.property(SCALE)
        if factor is not None:
            least = min(float(factor), float(widget.property(LEAST) or 1.0))
            squeezed = least + (float(factor) - least) * room if factor > least else factor
            widget.setFont(scaled_font(squeezed, bool(widget.property(BOLD))))


def rating_colour(points: int | None, top: int = 4) -> QColor:
    if points is None:
        return QColor(UNRATED_COLOUR)
    # Scales other than 1–4 are mapped onto the four colours by position.
    step = round((points - 1) / max(1, top - 1) * 3) + 1 if top != 4 else points
    return QColor(RATING_COLOURS.get(max(1, min(4, step)), UNRATED_COLOUR))


# Figures rounded as the returns and reports round them (half up), so every place agrees.


def fmt_mean(value: float | None, places: int = 2) -> str:
    return "–" if value is None else fixed(value, places)


def fmt_percent(value: float | None) -> str:
    return "–" if value is None else f"{fixed(value)}%"


def fmt_diff(value: float | None, places: int = 2) -> str:
    return "–" if value is None else signed(value, places)


def name(widget: QWidget, accessible: str) -> QWidget:
    widget.setAccessibleName(accessible)
    return widget


class AssessmentFields:
    """The stage, perspective, date and framework of a new assessment: the same four choices in
    the New assessment dialog and when a workbook becomes a new assessment."""

    def __init__(
        self, frameworks: list[FrameworkSummary], framework_name: str = "Framework"
    ) -> None:
        self.stage = QComboBox()
        self.stage.setAccessibleName("Stage")
        for stage in STAGES:
            self.stage.addItem(STAGE_LABELS[stage], stage)
        self.perspective = QComboBox()
        self.perspective.setAccessibleName("Perspective")
        for perspective in PERSPECTIVES:
            self.perspective.addItem(PERSPECTIVE_LABELS[perspective], perspective)
        self.held_on = DateField("Date", clock.today())
        self.framework = QComboBox()
        self.framework.setAccessibleName(framework_name)
        may_narrow(self.framework)  # a long title is cut on a small screen, whole in its list
        self.fill_frameworks(frameworks)

    def fill_frameworks(self, frameworks: list[FrameworkSummary]) -> None:
        """List the loaded frameworks (again, when one is loaded while a dialog is open)."""
        self.frameworks = frameworks
        self.framework.clear()
        for fw in newest_first(frameworks):
            self.framework.addItem(f"{fw.title} — {fw.statements} statements", fw.id)

    def date(self) -> date:
        """The day typed (DateProblem, shown beside the field, if it cannot be read)."""
        return self.held_on.date()


def presenting_buttons(window: QWidget, what: str) -> QHBoxLayout:
    """Present full screen (F11) and Close (Esc), for the windows a workshop puts on a projector."""
    present = QPushButton("&Present full screen (F11)")
    present.setAccessibleName("Present full screen")

    def toggle() -> None:
        if window.isFullScreen():
            window.showNormal()
        else:
            window.showFullScreen()
        # Says what it will do next: full screen, it went on offering full screen.
        what = "Leave full screen" if window.isFullScreen() else "Present full screen"
        present.setText(f"&{what} (F11)")
        present.setAccessibleName(what)

    present.clicked.connect(toggle)
    close = QPushButton("&Close (Esc)")
    close.setAccessibleName(f"Close the {what}")
    close.clicked.connect(window.close)
    QShortcut(QKeySequence("F11"), window).activated.connect(present.click)
    QShortcut(QKeySequence("Esc"), window).activated.connect(window.close)
    buttons = QHBoxLayout()
    buttons.addStretch(1)
    buttons.addWidget(present)
    buttons.addWidget(close)
    return buttons
