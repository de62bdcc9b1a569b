"""The workshop window's fit to the screen it is on: type that follows the room, ratings side by
side or two by two, and a side panel that steps aside when there is no room for it."""

from __future__ import annotations

from typing import Any

from PySide6.QtCore import QEvent
from PySide6.QtGui import QFontInfo, QFontMetrics
from PySide6.QtWidgets import QLabel, QWidget

from nbdesk.ui.fit import Scroller, least_height
from nbdesk.ui.self_assessment.common import rescale, scaled_font
from nbdesk.ui.self_assessment.workshop_parts import StatementPage


class FitsTheScreen:
    """The workshop window's fit to the screen it is on. A mixin: the window has `statement`,
    `statement_page`, `stack` (the pages), `page_scroll`, `side` and `_side_choice`.

    Everything is sized from the room there is, in lines of the system font: on a projector or
    a laptop everything has its full size; where the screen is short of lines (twice the font
    on a 1366×768 laptop leaves about 25) headings, buttons and notes come down towards the
    system font's size, never below it, and the margins narrow, so the statement, its four
    ratings and the way out are all on screen at once."""

    statement: QLabel
    statement_page: StatementPage
    stack: QWidget
    page_scroll: Scroller
    side: QWidget
    _side_choice: bool | None
    _side_fitted: bool | None = None
    room = 1.0

    # Below FEW_LINES lines of the system font everything is the system font's size; from
    # ENOUGH_LINES up, each part has its full size.
    FEW_LINES, ENOUGH_LINES = 30, 48

    def event(self, event: QEvent) -> bool:
        if event.type() == QEvent.Type.ApplicationFontChange:
            # Every part follows a font change while the workshop runs.
            rescale(self, self.room)  # type: ignore[arg-type]
            self._fit(again=True)
        return super().event(event)  # type: ignore[misc,no-any-return]

    def resizeEvent(self, event: Any) -> None:
        super().resizeEvent(event)  # type: ignore[misc]
        self._fit()

    def _fit(self, again: bool = False) -> None:
        """The statement's type grows with the window (read from the back of a room on a
        1920×1080 projector as on a 1366×768 laptop), the other parts follow the room there is,
        and the side panel steps aside when the ratings beside it could not be shown in full."""
        window: Any = self
        whole = window.size()
        # The layout is judged against the screen as well as the window: a window cannot shrink
        # below what its own layout asks for, so it must not be chosen from the window alone.
        screen = window.screen()
        size = whole.boundedTo(screen.availableGeometry().size()) if screen else whole
        line = QFontMetrics(scaled_font(1.0)).height()
        lines = size.height() / max(1, line)
        room = min(1.0, max(0.0, (lines - self.FEW_LINES) / (self.ENOUGH_LINES - self.FEW_LINES)))
        if again or abs(room - self.room) > 0.02:
            self.room = room
            rescale(window, room)
        margin = round(line * (0.4 + 0.6 * self.room))
        window.layout().setContentsMargins(margin * 2, margin, margin * 2, margin)
        # The statement's height in pixels follows the window's (about a 26th of it: 30 px on a
        # laptop, 42 on a projector), never below 1.2 times the system font, so large system type
        # does not push it off the screen and a projector's does not leave it small.
        system = QFontInfo(scaled_font(1.0)).pixelSize()
        statement = scaled_font(1.0)
        statement.setPixelSize(
            max(round(system * 1.2), round(min(whole.width() / 1366 * 768, whole.height()) / 26))
        )
        self.statement.setFont(statement)
        page = self.statement_page
        bar = self.page_scroll.verticalScrollBar().sizeHint().width()
        inside = page.layout().contentsMargins().left() + page.layout().contentsMargins().right()
        beside = window.layout().spacing() + self.side.sizeHint().width()

        def page_width(shown: bool) -> int:
            return size.width() - 2 * 2 * margin - bar - (beside if shown else 0)

        def arrange(width: int) -> None:
            # Four ratings side by side where they fit, else two rows of two.
            wide_enough = page.ratings_width() + inside <= width
            page.arrange_ratings(len(page.rating_buttons) if wide_enough else 2)
            self.page_scroll.refit()

        # The panel has room if the page beside it still shows the ratings two by two and
        # needs no scrolling.
        fits = page.ratings_width(2) + inside <= page_width(True)
        if fits:
            arrange(page_width(True))
            tall = least_height(self.stack, page_width(True))
            fits = tall <= self.page_scroll.maximumViewportSize().height()
        if fits != self._side_fitted:
            self._side_fitted = fits
            self._side_choice = None  # the room changed: back to stepping aside by itself
        shown = fits if self._side_choice is None else self._side_choice
        # Arranged before the panel is shown, so the window never asks for both at once.
        arrange(page_width(shown))
        self.side.setVisible(shown)

    def toggle_side(self) -> None:
        """S: show or hide the side panel (areas and flagged statements), even where it has
        no room (the page then scrolls), until the room changes."""
        self._side_choice = not self.side.isVisible()
        self._fit()
