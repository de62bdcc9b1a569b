"""Windows that fit the screen they open on (issue 15): twice the default font on a 1366×768 laptop
leaves a screen of 683×384 of Qt's pixels, and a window sized from the font alone was larger.

Every window and dialog is built the same way: what it shows goes in a `Scroller`, so its layout
never asks for more than the screen (a layout squeezed below what it asks for draws its widgets
over each other), and its buttons go below the scroller, outside it, so they are always on screen.
`fit_to_screen` then gives the window the size it would like, but never more than the room on its
screen, title bar included; once the window is shown and the window manager has framed it, it is
checked again and pulled back onto the screen if its frame pokes out.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager

from PySide6.QtCore import QEvent, QMargins, QObject, QPoint, QRect, QSize, Qt, QTimer
from PySide6.QtGui import (
    QFontMetrics,
    QGuiApplication,
    QKeyEvent,
    QResizeEvent,
    QScreen,
    QShowEvent,
)
from PySide6.QtWidgets import (
    QApplication,
    QDialog,
    QFrame,
    QLayout,
    QScrollArea,
    QStackedLayout,
    QTabWidget,
    QWidget,
)

# The frame a window manager put round a window shown before (title bar and borders), used to
# size the next window before it is framed; None until one has been seen.
_seen_frame: QMargins | None = None


def screen_of(widget: QWidget) -> QScreen:
    """The screen a window is on, or will open on: its parent's, before it is shown."""
    parent = widget.parentWidget()
    screen = None
    if not widget.isVisible() and parent is not None:
        screen = parent.window().screen()
    return screen or widget.screen() or QGuiApplication.primaryScreen()


def room(widget: QWidget) -> QRect:
    """The part of the widget's screen a window may use (panels and docks left out)."""
    return screen_of(widget).availableGeometry()


def frame_allowance(widget: QWidget) -> QMargins:
    """The title bar and borders a window will get: as on a window shown before, else two lines
    of the system font above and half a line on the other sides (a generous guess)."""
    if _seen_frame is not None:
        return _seen_frame
    line = QFontMetrics(QApplication.font()).height()
    return QMargins(line // 2, line * 2, line // 2, line // 2)


def fit_to_screen(window: QWidget, width: int = 0, height: int = 0) -> None:
    """Size `window` to `width` × `height` (its own size hint where 0), but never larger than the
    room on its screen, frame included; checked again once it is shown and framed."""
    hint = window.sizeHint()
    layout = window.layout()
    want = QSize(width or hint.width(), height or hint.height())
    if not height and layout is not None and layout.hasHeightForWidth():
        want.setHeight(max(want.height(), layout.totalHeightForWidth(want.width())))
    space = room(window)
    frame = frame_allowance(window)
    most = QSize(
        space.width() - frame.left() - frame.right(), space.height() - frame.top() - frame.bottom()
    )
    window.resize(want.boundedTo(most).expandedTo(window.minimumSizeHint().boundedTo(most)))
    if window.property(_KEPT) is None:
        window.setProperty(_KEPT, True)
        window.installEventFilter(_keeper())


def comfortable_width(window: QWidget, chars: int) -> int:
    """A dialog's width: at least `chars` characters, and its size hint where that is narrower
    than two thirds of the screen. A long choice in a combo box (a framework's full title) would
    otherwise widen the dialog to the whole screen at twice the font, where it opened in the
    top-left corner over the window; cut short, the choice is whole in the combo's list."""
    least = window.fontMetrics().averageCharWidth() * chars
    return max(least, min(window.sizeHint().width(), room(window).width() * 2 // 3))


_KEPT = "nbdesk_fits_the_screen"


_FRAMED = "nbdesk_framed"


class _Keeper(QObject):
    """Once a fitted window is shown and framed, pulls it back inside its screen's room. The
    window manager frames a window a moment after it is shown (it then moves, to make room for
    its title bar), so it is checked as it is shown and at each move until its frame is known;
    after that, where a person moves it is theirs to choose."""

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        if not isinstance(watched, QWidget):
            return False
        kind = event.type()
        if kind == QEvent.Type.Show:
            watched.setProperty(_FRAMED, False)
        if kind == QEvent.Type.Show or (
            kind in (QEvent.Type.Move, QEvent.Type.Resize) and watched.property(_FRAMED) is False
        ):
            window = watched
            QTimer.singleShot(0, window, lambda: keep_on_screen(window))
        return False


_the_keeper: _Keeper | None = None


def _keeper() -> _Keeper:
    global _the_keeper
    if _the_keeper is None:
        _the_keeper = _Keeper(QApplication.instance())
    return _the_keeper


def keep_on_screen(window: QWidget) -> None:
    """Shrink and move a shown window so that it, title bar and all, is inside its screen's room."""
    global _seen_frame
    whole = Qt.WindowState.WindowFullScreen | Qt.WindowState.WindowMaximized
    if not window.isVisible():
        return
    if window.windowState() & whole:
        window.setProperty(_FRAMED, True)  # the screen's to size: nothing to wait for
        return
    frame, inner = window.frameGeometry(), window.geometry()
    margins = QMargins(
        inner.left() - frame.left(),
        inner.top() - frame.top(),
        frame.right() - inner.right(),
        frame.bottom() - inner.bottom(),
    )
    if margins.top() > 0:
        _seen_frame = margins
        window.setProperty(_FRAMED, True)
    space = room(window)
    if space.contains(frame):
        return
    most = QSize(
        space.width() - margins.left() - margins.right(),
        space.height() - margins.top() - margins.bottom(),
    )
    window.resize(window.size().boundedTo(most))
    frame = window.frameGeometry()
    x = max(space.left(), min(frame.left(), space.right() + 1 - frame.width()))
    y = max(space.top(), min(frame.top(), space.bottom() + 1 - frame.height()))
    if (x, y) != (frame.left(), frame.top()):  # else where the window manager put it
        window.move(x, y)


def least_height(widget: QWidget, width: int) -> int:
    """The least height `widget` needs at `width`: text that wraps has every line it needs
    there, and what can shrink (lists, tables, notes) is at its smallest."""
    layout = widget.layout()
    if isinstance(layout, QStackedLayout):  # only the page shown counts
        page = layout.currentWidget()
        return least_height(page, width) if page is not None else 0
    if layout is not None and layout.hasHeightForWidth():
        return layout.minimumHeightForWidth(width)
    return widget.minimumSizeHint().height()


def clicked() -> bool:
    """Whether the keyboard is moving because of a mouse button pressed: what was clicked is in
    view already, and the focus followers leave the page alone. Scrolled to show the whole of a
    tall table, the page moved under a tester's double-click, whose second click chose another
    row."""
    return QApplication.mouseButtons() != Qt.MouseButton.NoButton


class Scroller(QScrollArea):
    """What a window shows, scrolling inside it rather than making the window larger than the
    screen; the control with the keyboard is scrolled into view. Its size hint is what it holds
    (so on a large screen the window opens showing all of it). With `keys=False` it leaves the
    arrow and page keys to the window (the workshop's keys move between statements).

    What it holds is given the whole width and at least the height it needs at that width, so
    wrapped text is never squeezed over its neighbours; what grows (a list, a table) shares the
    rest. (QScrollArea's own resizing gives text that wraps its preferred height instead, so a
    list beside it would make the page scroll even where it could have been shorter.)"""

    def __init__(self, content: QWidget | QLayout, *, keys: bool = True) -> None:
        super().__init__()
        if isinstance(content, QLayout):
            holder = QWidget()
            holder.setLayout(content)
            content.setContentsMargins(0, 0, 0, 0)  # the window's own margins are round it
            content = holder
        self.setWidget(content)
        self.setWidgetResizable(False)  # resized here, see _lay_out
        content.installEventFilter(self)
        self.setFrameShape(QFrame.Shape.NoFrame)
        self.setFocusPolicy(Qt.FocusPolicy.NoFocus)
        self._keys = keys
        app = QApplication.instance()
        assert isinstance(app, QApplication)
        app.focusChanged.connect(self._follow_focus)

    def _follow_focus(self, _old: QWidget | None, new: QWidget | None) -> None:
        content = self.widget()
        if new is not None and content is not None and content.isAncestorOf(new) and not clicked():
            self.ensureWidgetVisible(new)

    def _least_height(self, content: QWidget, width: int) -> int:
        return least_height(content, width)

    def _lay_out(self) -> None:
        content = self.widget()
        if content is None:
            return
        space = self.maximumViewportSize()
        narrowest = content.minimumSizeHint().width()
        width = max(space.width(), narrowest)
        height = self._least_height(content, width)
        if height > space.height():  # a scroll bar will take some of the width
            width = max(space.width() - self.verticalScrollBar().sizeHint().width(), narrowest)
            height = self._least_height(content, width)
        if width > space.width():  # and a sideways one some of the height
            space.setHeight(space.height() - self.horizontalScrollBar().sizeHint().height())
        content.resize(width, max(height, space.height()))

    def refit(self) -> None:
        """What it holds changed its least size: take that up now, before the window next
        lays itself out (which would otherwise still see the old one)."""
        content = self.widget()
        layout = content.layout() if content is not None else None
        if layout is not None:
            layout.activate()
        self.updateGeometry()
        self._lay_out()

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        if watched is self.widget() and event.type() == QEvent.Type.LayoutRequest:
            self.refit()
        return super().eventFilter(watched, event)

    def resizeEvent(self, event: QResizeEvent) -> None:
        super().resizeEvent(event)
        self._lay_out()

    def showEvent(self, event: QShowEvent) -> None:
        super().showEvent(event)
        self._lay_out()

    def sizeHint(self) -> QSize:
        content = self.widget()
        if content is None:
            return super().sizeHint()
        hint = content.sizeHint()
        if content.hasHeightForWidth():
            hint.setHeight(max(hint.height(), content.heightForWidth(hint.width())))
        frame = 2 * self.frameWidth()
        return hint + QSize(frame, frame)

    def minimumSizeHint(self) -> QSize:
        # As wide as what it holds, so there is no sideways scrolling, unless the screen is
        # narrower; as short as a scroll area can be.
        least = super().minimumSizeHint()
        content = self.widget()
        if content is None:
            return least
        frame = frame_allowance(self)
        # The margins round it, up to its window, leave it that much less of the screen.
        outside = 0
        holder = self.parentWidget()
        while holder is not None:
            if holder.layout() is not None:
                margins = holder.layout().contentsMargins()
                outside += margins.left() + margins.right()
            if holder.isWindow():
                break
            holder = holder.parentWidget()
        width = min(
            content.minimumSizeHint().width()
            + self.verticalScrollBar().sizeHint().width()
            + 2 * self.frameWidth(),
            room(self).width() - frame.left() - frame.right() - outside,
        )
        return QSize(max(least.width(), width), least.height())

    def keyPressEvent(self, event: QKeyEvent) -> None:
        if self._keys:
            super().keyPressEvent(event)
        else:
            event.ignore()


class Tabs(QTabWidget):
    """Tabs whose pages stretch or scroll themselves (charts, tables), in a Scroller: laid out
    from the least size of their pages. (A page with text that wraps would otherwise ask, and in
    a column be given, the height its tables would like, so even a large screen scrolled.)"""

    def hasHeightForWidth(self) -> bool:
        return False


def from_the_top(widget: QWidget, within: QWidget, lines: int = 4) -> None:
    """Scroll the scrolling areas of `within` that hold `widget` back to their tops, outermost
    first, where its first `lines` still show there. Given the keyboard, a list was scrolled to
    its own top, and the heading and what is said above it went out of view (twice the font on a
    laptop: on a new file, the Action plan's "No action plan yet. New plan…")."""
    areas = [
        area
        for area in within.findChildren(QScrollArea)
        if (content := area.widget()) is not None and content.isAncestorOf(widget)
    ]
    areas.sort(key=lambda area: sum(other.widget().isAncestorOf(area) for other in areas))
    for area in areas:
        content = area.widget()
        top = widget.mapTo(content, QPoint(0, 0)).y()
        if top + widget.fontMetrics().lineSpacing() * lines > area.viewport().height():
            return
        area.verticalScrollBar().setValue(0)


def may_narrow(widget: QWidget, chars: int = 16) -> None:
    """Let `widget` be narrower than what it holds (a combo box shows the start of a long choice,
    its list shows all of it) rather than widen its window beyond the screen. Its size hint, and
    so the width it is given where there is room, is unchanged."""
    widget.setMinimumWidth(widget.fontMetrics().averageCharWidth() * chars)


class _FitDialogs(QObject):
    """While a standard dialog is being asked for: fits each dialog as it is shown."""

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        if (
            event.type() == QEvent.Type.Show
            and isinstance(watched, QDialog)
            and watched.property(_KEPT) is None
        ):
            fit_to_screen(watched, watched.width(), watched.height())
        return False


@contextmanager
def standard_dialogs_fit() -> Iterator[None]:
    """Around QFileDialog.getOpenFileName and the like, which build and show their dialog
    themselves: the dialog is fitted to its screen before it is first drawn. (A dialog the
    system draws, as on Windows and macOS, is the system's to size.)"""
    app = QApplication.instance()
    fitter = _FitDialogs()
    assert app is not None
    app.installEventFilter(fitter)
    try:
        yield
    finally:
        app.removeEventFilter(fitter)
