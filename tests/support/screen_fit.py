"""Whether a window fits its screen as it is drawn (issue 15): the window no larger than the room
the screen offers, nothing squeezed below what it needs (cut text, a crushed field), no two
widgets laid out over each other, every control inside its window (reachable by scrolling when it
sits in a scrolling area) and no form area needing a sideways scroll.

`problems(window)` returns what is wrong, one line each; an empty list means the window fits. It
reads the widgets as they are laid out now, so call it on a window that is shown and settled."""

from __future__ import annotations

from PySide6.QtCore import QEvent, QRect, Qt
from PySide6.QtWidgets import (
    QApplication,
    QLabel,
    QLayout,
    QScrollArea,
    QSizePolicy,
    QWidget,
)

from tests.support.a11y import describe, is_inner, shown


def needed(widget: QWidget) -> tuple[int, int]:
    """The smallest size a layout gives `widget` (Qt's own rule: an explicit minimum, else the
    minimum size hint, or the size hint when the policy may not shrink; none when Ignored)."""
    policy = widget.sizePolicy()
    hint, least, fixed = widget.sizeHint(), widget.minimumSizeHint(), widget.minimumSize()
    sizes = []
    for part, grows in (
        (0, policy.horizontalPolicy()),
        (1, policy.verticalPolicy()),
    ):
        pick = (lambda s: s.width()) if part == 0 else (lambda s: s.height())
        if grows == QSizePolicy.Policy.Ignored:
            value = 0
        elif grows.value & QSizePolicy.PolicyFlag.ShrinkFlag.value:
            value = pick(least)
        else:
            value = max(pick(hint), pick(least))
        if pick(fixed) > 0:
            value = pick(fixed)
        sizes.append(max(value, 0))
    return sizes[0], sizes[1]


def squeezed(widget: QWidget) -> str | None:
    width, height = widget.width(), widget.height()
    if isinstance(widget, QLabel) and widget.wordWrap():
        least = widget.minimumSizeHint().width() if widget.sizePolicy().horizontalPolicy() else 0
        lines = widget.heightForWidth(width)
        if width + 1 < min(least, 4 * widget.fontMetrics().averageCharWidth()):
            return f"is {width} px wide, too narrow for any of its words"
        if lines > height + 1:
            return f"is {height} px tall but its text needs {lines} px at its width"
        return None
    need_w, need_h = needed(widget)
    layout = widget.layout()
    if layout is not None and layout.hasHeightForWidth():
        # Its wrapped words take fewer lines at its width than its minimum supposes.
        need_h = min(need_h, layout.totalMinimumHeightForWidth(width))
    if width + 1 < need_w or height + 1 < need_h:
        return f"is {width}×{height} px, squeezed below the {need_w}×{need_h} px it needs"
    return None


def laid_out(layout: QLayout) -> list[QWidget]:
    """The widgets `layout` places, its nested layouts' included. Found without asking the layout
    for its items: a QLayoutItem is no QObject, so PySide cannot tell when Qt deletes one, and a
    wrapper of one still alive then was handed back, by its address, for a status bar made later
    (CI: "'QWidgetItem' object has no attribute 'addPermanentWidget'")."""
    holder = layout.parentWidget()
    direct = Qt.FindChildOption.FindDirectChildrenOnly
    found = (
        []
        if holder is None
        else [w for w in holder.findChildren(QWidget, "", direct) if layout.indexOf(w) >= 0]
    )
    for child in layout.children():
        if isinstance(child, QLayout):
            found += laid_out(child)
    return found


def overlaps(window: QWidget, within: QWidget) -> list[str]:
    found = []
    for parent in [w for w in shown(window) if w is within or within.isAncestorOf(w)]:
        layout = parent.layout()
        if layout is None or (is_inner(parent, window) and parent is not window):
            continue
        placed = [w for w in laid_out(layout) if w.isVisible() and not w.isWindow()]
        for n, first in enumerate(placed):
            for second in placed[n + 1 :]:
                common = first.geometry().intersected(second.geometry())
                if common.width() > 1 and common.height() > 1:
                    found.append(f"{describe(first)} and {describe(second)} overlap by {common}")
    return found


def content_of(parent: QWidget, child: QWidget) -> bool:
    """`child` is the content a scrolling area shows through `parent`, its viewport."""
    area = parent.parentWidget()
    return isinstance(area, QScrollArea) and area.viewport() is parent and area.widget() is child


def outside(widget: QWidget, window: QWidget, scrolls: bool = True) -> str | None:
    """Where `widget` is cut by something it sits in, or None when all of it can be seen. A
    scrolling area's edge does not cut what lies within its content (the area scrolls to it)
    unless `scrolls` is False: then the widget must be in view as things are scrolled now."""
    rect = QRect(widget.rect())
    current = widget
    while current is not window:
        parent = current.parentWidget()
        if parent is None:
            return None
        rect = rect.translated(current.pos())
        if content_of(parent, current) and scrolls:
            rect = QRect(parent.rect())  # from here on, the part of the area on screen
        elif not parent.rect().contains(rect):
            return f"is cut by the edge of {describe(parent)} ({rect} in {parent.rect()})"
        current = parent
    return None


def in_view(widget: QWidget) -> str | None:
    """Why `widget` (the one with the keyboard, say) cannot be seen whole as things are scrolled
    now, or None when it can."""
    cut = outside(widget, widget.window(), scrolls=False)
    return f"{describe(widget)} {cut}" if cut else None


def sideways(window: QWidget, within: QWidget) -> list[str]:
    return [
        f"{describe(area)} needs a sideways scroll: its content is "
        f"{area.widget().width()} px in {area.viewport().width()} px"
        for area in shown(window)
        if isinstance(area, QScrollArea)
        and (area is within or within.isAncestorOf(area))
        and area.widget() is not None
        and area.widget().width() > area.viewport().width() + 1
    ]


def settle_layouts(rounds: int = 12) -> None:
    """Let layouts finish: a change of size can change what a wrapped label needs, which asks
    for another pass, one level of widgets at a time."""
    for _ in range(rounds):
        QApplication.sendPostedEvents(None, QEvent.Type.LayoutRequest)
        QApplication.processEvents()


def problems(window: QWidget, within: QWidget | None = None) -> list[str]:
    """Everything that does not fit in `window` as it is now, each line starting with its title;
    `within` keeps to one part of the window (a section of the main window)."""
    part = within or window
    settle_layouts()
    title = window.windowTitle() or window.accessibleName() or type(window).__name__
    found = []
    # Asked of the application, not QWidget.screen() (see nbdesk.ui.survey.fit._room).
    screen = QApplication.screenAt(window.geometry().center()) or QApplication.primaryScreen()
    room = screen.availableGeometry()
    frame = window.frameGeometry()
    if frame.width() > room.width() or frame.height() > room.height():
        found.append(f"the window is {frame.width()}×{frame.height()} on a screen of {room.size()}")
    least = window.minimumSizeHint().expandedTo(window.minimumSize())
    if least.width() > room.width() or least.height() > room.height():
        found.append(f"the window cannot be made smaller than {least} ({room.size()} available)")
    if not room.contains(frame):
        found.append(f"the window at {frame} runs off the screen {room}")
    widgets = [
        w
        for w in shown(window)
        if w is not window and not is_inner(w, window) and (w is part or part.isAncestorOf(w))
    ]
    for widget in widgets:
        why = squeezed(widget)
        if why:
            found.append(f"{describe(widget)} {why}")
        cut = outside(widget, window)
        if cut:
            found.append(f"{describe(widget)} {cut}")
    found += overlaps(window, part) + sideways(window, part)
    return [f"{title}: {line}" for line in found]
