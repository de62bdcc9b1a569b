"""Fitting a small screen at large type (issue 15): rows that wrap into more rows, two panes that
go one above the other, dialogs no larger than the screen that grow as their words need
(FittedDialog), and the control with the keyboard kept in view inside scrolling areas.

Used by the Survey outreach and Action plan sections and their dialogs."""

from __future__ import annotations

import weakref
from collections.abc import Sequence
from typing import Any

import shiboken6
from PySide6.QtCore import QEvent, QObject, QPoint, QSize, Qt, QTimer, Signal
from PySide6.QtWidgets import (
    QAbstractScrollArea,
    QApplication,
    QDialog,
    QGridLayout,
    QScrollArea,
    QSizePolicy,
    QSplitter,
    QWidget,
)

from nbdesk.ui.fit import clicked


def least_width(widget: QWidget) -> int:
    """The narrowest a layout makes `widget` (Qt's rule: an explicit minimum, else its minimum
    size hint, or its size hint when its policy may not shrink)."""
    if widget.minimumWidth() > 0:
        return widget.minimumWidth()
    policy = widget.sizePolicy().horizontalPolicy()
    if policy == QSizePolicy.Policy.Ignored:
        return 0
    least = widget.minimumSizeHint().width()
    if not policy.value & QSizePolicy.PolicyFlag.ShrinkFlag.value:
        least = max(least, widget.sizeHint().width())
    return max(least, 0)


class Reflow(QWidget):
    """Widgets in one row while the width allows (at most `most` to a row), else in as many
    columns as fit, row after row, so that none is pushed past the right edge at large type.
    `fill` shares the width among the columns (in one row, by `stretch` when given); otherwise
    the widgets keep their own width, from the left (buttons)."""

    def __init__(
        self,
        widgets: Sequence[QWidget],
        *,
        fill: bool = False,
        most: int = 0,
        stretch: Sequence[int] = (),
        parent: QWidget | None = None,
    ) -> None:
        super().__init__(parent)
        self.grid = QGridLayout(self)
        self.grid.setContentsMargins(0, 0, 0, 0)
        self.widgets = list(widgets)
        self.fill = fill
        self.most = min(most or len(self.widgets), len(self.widgets))
        self.stretch = list(stretch)
        self.columns = 0
        self._place(self.most)

    def _width_for(self, columns: int, measure: Any = least_width) -> int:
        shown = [w for w in self.widgets if not w.isHidden()] or self.widgets
        widths = [
            max((measure(w) for w in shown[column::columns]), default=0)
            for column in range(columns)
        ]
        spacing = max(self.grid.horizontalSpacing(), 0)
        margins = self.grid.contentsMargins()
        return sum(widths) + spacing * (columns - 1) + margins.left() + margins.right()

    def _columns_for(self, width: int) -> int:
        for columns in range(self.most, 1, -1):
            if self._width_for(columns) <= width:
                return columns
        return 1

    def _place(self, columns: int) -> None:
        if columns == self.columns:
            return
        for widget in self.widgets:
            self.grid.removeWidget(widget)
        for column in range(self.grid.columnCount()):
            self.grid.setColumnStretch(column, 0)
        self.columns = columns
        for number, widget in enumerate(self.widgets):
            self.grid.addWidget(widget, number // columns, number % columns)
        one_row = columns == len(self.widgets) and len(self.stretch) == columns
        for column in range(columns):
            share = self.stretch[column] if one_row else 1
            self.grid.setColumnStretch(column, share if self.fill else 0)
        if not self.fill:
            self.grid.setColumnStretch(columns, 1)  # what is left stays empty, on the right
        self.updateGeometry()

    def minimumSizeHint(self) -> QSize:
        # As narrow as its widest widget: the parent may then give it less than one row needs,
        # and it wraps rather than make the whole section scroll sideways.
        return QSize(self._width_for(1), super().minimumSizeHint().height())

    def sizeHint(self) -> QSize:
        # One row's width whatever the rows now: a hint that changed as it wraps could make a
        # parent give it another width, and it would wrap back and forth.
        return QSize(
            self._width_for(self.most, lambda w: w.sizeHint().width()),
            super().sizeHint().height(),
        )

    def resizeEvent(self, event: Any) -> None:
        super().resizeEvent(event)
        self._place(self._columns_for(self.width()))


def least_height_at(widget: QWidget, width: int) -> int:
    """The least height `widget` needs at `width`, its wrapped words on every line they take (a
    splitter, unlike a layout, gives a pane only the height of its minimum size)."""
    layout = widget.layout()
    if layout is not None and layout.hasHeightForWidth():
        return layout.totalMinimumHeightForWidth(width)
    if layout is None and widget.hasHeightForWidth():
        return widget.heightForWidth(width)
    return 0


class ReflowSplitter(QSplitter):
    """Two or more panes side by side while each has the least width it needs, else one above
    the other (a small screen, large type); `stacked` says which, as it changes. Each pane is
    given the height its wrapped words need at its width, which a plain splitter does not do."""

    stacked = Signal(bool)

    def __init__(self, *panes: QWidget, stretch: Sequence[int] = ()) -> None:
        super().__init__(Qt.Orientation.Horizontal)
        for number, pane in enumerate(panes):
            self.addWidget(pane)
            if number < len(stretch):
                self.setStretchFactor(number, stretch[number])
        self.stretch = list(stretch) or [1] * len(panes)
        self.setChildrenCollapsible(False)
        # The heights the panes were given by their makers, kept under those set here.
        self.own_heights = [pane.minimumHeight() for pane in panes]

    def panes(self) -> list[QWidget]:
        return [self.widget(n) for n in range(self.count())]

    def side_by_side_width(self) -> int:
        panes = self.panes()
        return sum(least_width(p) for p in panes) + self.handleWidth() * (len(panes) - 1)

    def minimumSizeHint(self) -> QSize:
        narrowest = max((least_width(p) for p in self.panes()), default=0)
        return QSize(narrowest, super().minimumSizeHint().height())

    def sizeHint(self) -> QSize:
        return QSize(self.side_by_side_width(), super().sizeHint().height())

    def is_stacked(self) -> bool:
        return self.orientation() == Qt.Orientation.Vertical

    def resizeEvent(self, event: Any) -> None:
        wanted = (
            Qt.Orientation.Horizontal
            if event.size().width() >= self.side_by_side_width()
            else Qt.Orientation.Vertical
        )
        changed = wanted != self.orientation()
        if changed:
            self.setOrientation(wanted)
            length = event.size().height() if self.is_stacked() else event.size().width()
            total = sum(self.stretch)
            self.setSizes([length * part // total for part in self.stretch])
        super().resizeEvent(event)
        self._fit_heights()
        if changed:
            self.updateGeometry()
            self.stacked.emit(self.is_stacked())

    def event(self, event: QEvent) -> bool:
        done = super().event(event)
        if event.type() == QEvent.Type.LayoutRequest:
            # A pane's words changed (a longer history, a message): heights again.
            self._fit_heights()
        return done

    def _fit_heights(self) -> None:
        for pane, own in zip(self.panes(), self.own_heights, strict=False):
            width = self.width() if self.is_stacked() else pane.width()
            need = max(own, least_height_at(pane, width))
            if need != pane.minimumHeight():
                pane.setMinimumHeight(need)


class ScrollsInside:
    """For a section of the main window that takes the room the window gives it and scrolls
    inside: the height its wrapped words would like must not make the window's own scrolling
    area scroll as well (two scroll bars side by side). Put before the widget class."""

    def hasHeightForWidth(self) -> bool:
        return False

    def heightForWidth(self, _width: int) -> int:
        return -1


def scrolling(content: QWidget) -> QScrollArea:
    """`content` in a frameless scrolling area that sizes it to its width: the part of a window
    that may need more than a small screen holds. The area takes no Tab stop of its own: what has
    the keyboard inside it is scrolled into view (follow_focus)."""
    area = QScrollArea()
    area.setWidget(content)
    area.setWidgetResizable(True)
    area.setFrameShape(QScrollArea.Shape.NoFrame)
    area.setFocusPolicy(Qt.FocusPolicy.NoFocus)
    return area


# Keeping the keyboard in view ----------------------------------------------------------------


class _FocusFollower(QObject):
    # Its widget is held weakly and checked before use: a strong reference ties the two in a
    # cycle, which the garbage collector cleared while Qt still called on the helper (its
    # attributes were gone, in the tests).
    def __init__(self, root: QWidget) -> None:
        super().__init__(root)
        self.root = weakref.ref(root)
        app = QApplication.instance()
        assert isinstance(app, QApplication)
        app.focusChanged.connect(self.focus_changed)

    def focus_changed(self, _old: QWidget | None, new: QWidget | None) -> None:
        root = self.root()
        if new is None or root is None or not shiboken6.isValid(root):
            return
        if root.isAncestorOf(new) and not clicked():
            show_whole(new)
            # Again once what the key set off is laid out: a scrolling area's range can still be
            # the old one now, leaving the field cut at its edge.
            QTimer.singleShot(0, new, lambda: _still_focused(new) and show_whole(new))


def _still_focused(widget: QWidget) -> bool:
    return shiboken6.isValid(widget) and QApplication.focusWidget() is widget


def show_whole(widget: QWidget) -> None:
    """Scroll every scrolling area `widget` sits in, the innermost first, so that all of it is in
    view (a field given the keyboard by a key such as F2 or Enter, not by Tab, which Qt follows;
    Qt's own ensureWidgetVisible shows only a text box's cursor line)."""
    margin = max(widget.fontMetrics().height() // 2, 4)
    half_w, half_h = widget.width() // 2, widget.height() // 2
    # The areas are found among the window's scrolling areas, not by walking up the widget's
    # parents: each parent asked for from Python is given a Python object, and the first of a
    # kind made its class's enums then (30 ms on the first contact saved, bench_who_next).
    areas = [
        area
        for area in widget.window().findChildren(QScrollArea)
        if (content := area.widget()) is not None and content.isAncestorOf(widget)
    ]
    # Innermost first: the fewer of the others it sits in, the further out an area is.
    areas.sort(key=lambda area: -sum(other.isAncestorOf(area) for other in areas))
    for area in areas:
        middle = widget.mapTo(area.widget(), QPoint(half_w, half_h))
        area.ensureVisible(middle.x(), middle.y(), half_w + margin, half_h + margin)


def follow_focus(root: QWidget) -> None:
    """Whatever inside `root` is given the keyboard is scrolled into view."""
    _FocusFollower(root)


# Windows no larger than the screen ------------------------------------------------------------


def _room(window: QWidget) -> tuple[int, int, Any]:
    """The width and height the screen leaves for `window` inside its frame, and the room."""
    # The screen under it, asked of the application: with QWidget.screen() called from here,
    # later windows crashed inside Qt's screen code in the tests (PySide6 6.10, cause not found).
    screen = QApplication.screenAt(window.geometry().center()) or QApplication.primaryScreen()
    room = screen.availableGeometry()
    frame, inside = window.frameGeometry(), window.geometry()
    extra_w, extra_h = frame.width() - inside.width(), frame.height() - inside.height()
    if not window.isVisible() or extra_h <= 0:
        # Before the window manager has framed it the frame is not known: leave room for a
        # title bar.
        extra_h = max(extra_h, window.fontMetrics().height() * 2)
    return room.width() - extra_w, room.height() - extra_h, room


def _top_areas(window: QWidget) -> list[QScrollArea]:
    """The scrolling areas of `window` with content, not inside another scrolling area."""
    return [
        area
        for area in window.findChildren(QScrollArea)
        if area.widget() is not None
        and area.window() is window
        and area.isVisibleTo(window)
        and not any(isinstance(a, QAbstractScrollArea) for a in _ancestors(area, window))
    ]


def _narrow_by(window: QWidget) -> int:
    """How much wider `window` must be for each scrolling area to hold its content's least width
    (an area asks for little width itself, so its content would scroll sideways)."""
    short = 0
    for area in _top_areas(window):
        frame = 2 * area.frameWidth()
        needs = area.widget().minimumSizeHint().width() + frame
        needs += area.verticalScrollBar().sizeHint().width()
        short = max(short, needs - area.width())
    return short


def _needed_height(window: QWidget, width: int) -> int:
    """The height `window` needs at `width` to show everything: its wrapped words on every line
    they take, and what its scrolling areas hold without scrolling."""
    layout = window.layout()
    if layout is None:
        return window.sizeHint().height()
    if layout.hasHeightForWidth():
        height = layout.totalHeightForWidth(width)
    else:
        height = layout.totalSizeHint().height()
    height = max(height, layout.totalMinimumSize().height())
    for area in _top_areas(window):
        content = area.widget()
        frame = 2 * area.frameWidth()
        inside = area.width() - frame - area.verticalScrollBar().sizeHint().width()
        inner = content.layout()
        if inner is not None and inner.hasHeightForWidth():
            wants = inner.totalHeightForWidth(inside)
        else:
            wants = content.sizeHint().height()
        # The layout gave the area the height of its own hint; the rest is what it hides.
        height += max(wants + frame - area.sizeHint().height(), 0)
    return height


def _ancestors(widget: QWidget, window: QWidget) -> list[QWidget]:
    found = []
    parent = widget.parentWidget()
    while parent is not None and parent is not window:
        found.append(parent)
        parent = parent.parentWidget()
    return found


class FittedDialog(QDialog):
    """A dialog that opens at the size its content asks for, never larger than the screen it
    opens on, and stays wholly on it; unless told not to (`fit_to_screen(grow=False)`) it grows,
    up to the screen, when its content comes to need more height (a problem said in a wrapped
    line), and shrinks back when that goes. The part of a dialog that could need more than a
    screen holds must scroll (`scrolling`); what has the keyboard in it is scrolled into view."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._fits = False
        self._asked: tuple[int | None, int | None] = (None, None)
        self._grows = True
        self._sized = False
        self._base = 0  # the height first given
        self._given = 0  # the height last given here (a person may have resized it since)
        self._regrow = QTimer(self, singleShot=True, interval=0)
        self._regrow.timeout.connect(self._grow)
        follow_focus(self)

    def fit_to_screen(
        self, width: int | None = None, height: int | None = None, *, grow: bool = True
    ) -> None:
        """Size to the screen when shown: `width` and `height` if given, else what the content
        asks for."""
        self._fits = True
        self._asked = (width, height)
        self._grows = grow

    def showEvent(self, event: Any) -> None:
        if self._fits and not self._sized:
            self._sized = True
            self._first_size()
        super().showEvent(event)

    def event(self, event: QEvent) -> bool:
        done = super().event(event)
        if self._fits and event.type() == QEvent.Type.LayoutRequest:
            self._regrow.start()  # once the change is laid out
        return done

    def _first_size(self) -> None:
        most_w, most_h, _room_rect = _room(self)
        least = self.minimumSizeHint().expandedTo(self.minimumSize())
        asked_w, asked_h = self._asked
        width = min(max(asked_w or self.sizeHint().width(), least.width()), most_w)
        self.resize(width, min(max(self.height(), least.height()), most_h))
        layout = self.layout()
        if layout is not None:
            layout.activate()  # its parts take their widths, so wrapped words can be measured
        wider = min(width + _narrow_by(self), most_w)
        if wider != width:
            width = wider
            self.resize(width, self.height())
            if layout is not None:
                layout.activate()
        height = min(max(asked_h or _needed_height(self, width), least.height()), most_h)
        self.resize(width, height)
        self._base = self._given = height

    def _grow(self) -> None:
        if not self.isVisible():
            return
        most_w, most_h, room = _room(self)
        width = min(self.width(), most_w)
        height = min(self.height(), most_h)
        if self._grows:
            needed = _needed_height(self, width)
            if needed > height:
                height = min(needed, most_h)
            elif height == self._given:
                # Back towards the first height once a longer message has gone, unless the
                # person has resized the dialog since.
                height = min(max(needed, self._base), height)
        if (width, height) != (self.width(), self.height()):
            self.resize(width, height)
            self._given = height
        # Wholly on the screen: moved in from an edge it ran past, once the window manager has
        # framed it (before that its frame, and so where it will be, is not known).
        frame = self.frameGeometry()
        if frame == self.geometry():
            return
        x = min(max(frame.x(), room.x()), room.right() - frame.width() + 1)
        y = min(max(frame.y(), room.y()), room.bottom() - frame.height() + 1)
        if (x, y) != (frame.x(), frame.y()):
            self.move(max(x, room.x()), max(y, room.y()))
