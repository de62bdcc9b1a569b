"""Pieces the Survey outreach tabs share: how their tables behave and how figures read."""

from __future__ import annotations

from collections.abc import Callable
from datetime import date

from PySide6.QtCore import Qt
from PySide6.QtGui import QKeySequence, QShortcut
from PySide6.QtWidgets import QAbstractItemView, QLineEdit, QPushButton, QTableView

from nbdesk.common.dates import format_day
from nbdesk.common.figures import people as people  # said the same at the command line


def day_or_never(value: date | None) -> str:
    return format_day(value) if value else "never"


def ordinal(value: date | None) -> int:
    return value.toordinal() if value else 0


def rate_text(value: float | None) -> str:
    return "–" if value is None else f"{value:.0%}"


def _shown(rate: float) -> int:
    return int(rate_text(rate).rstrip("%"))


def against(rate: float | None, overall: float | None) -> str:
    """A group's rate beside the round's, in words: the lead sees who is under-represented
    without relying on colour."""
    if rate is None or overall is None:
        return ""
    # Between the rates as shown (rate_text), so 40% beside 40% is never "1 point below".
    points = _shown(rate) - _shown(overall)
    if points == 0:
        return "same as all"
    unit = "point" if abs(points) == 1 else "points"
    return f"{abs(points)} {unit} {'above' if points > 0 else 'below'}"


def table_view(model, accessible: str, sortable: bool = True) -> QTableView:  # type: ignore[no-untyped-def]
    view = QTableView()
    view.setModel(model)
    view.setAccessibleName(accessible)
    view.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
    view.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
    view.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
    view.setTabKeyNavigation(False)  # Tab leaves the table, arrows move within it
    view.verticalHeader().hide()
    view.setWordWrap(False)
    # No sort until a header is clicked: the service already returns rows in a useful order, and
    # sorting 10,000 rows on opening would cost more than fetching them.
    view.horizontalHeader().setSortIndicator(-1, Qt.SortOrder.AscendingOrder)
    view.setSortingEnabled(sortable)
    view.horizontalHeader().setStretchLastSection(True)
    return view


def on_enter(view: QTableView, slot: Callable[[], object]) -> None:
    """Enter on the list's current row calls `slot`. Only while the list has the keyboard: a
    window-wide Return would also swallow Enter in the find box (which moves to the list)."""
    for key in (Qt.Key.Key_Return, Qt.Key.Key_Enter):
        shortcut = QShortcut(QKeySequence(key), view, activated=slot)
        shortcut.setContext(Qt.ShortcutContext.WidgetShortcut)


def clear_on_escape(edit: QLineEdit) -> None:
    """Esc in a find box clears it, as in most programs' find boxes (while it has the keyboard)."""
    shortcut = QShortcut(QKeySequence(Qt.Key.Key_Escape), edit, activated=edit.clear)
    shortcut.setContext(Qt.ShortcutContext.WidgetShortcut)


def down_into(edit: QLineEdit, view: QTableView) -> None:
    """Down in a find box goes to its list (its first row, if none is chosen): it had scrolled the
    page instead, as a tester found, and only Enter or Tab led into the list."""

    def into_list() -> None:
        view.setFocus(Qt.FocusReason.ShortcutFocusReason)
        model = view.model()
        if not view.currentIndex().isValid() and model is not None and model.rowCount() > 0:
            view.setCurrentIndex(model.index(0, 0))

    shortcut = QShortcut(QKeySequence(Qt.Key.Key_Down), edit, activated=into_list)
    shortcut.setContext(Qt.ShortcutContext.WidgetShortcut)


def labelled_button(text: str, accessible: str) -> QPushButton:
    button = QPushButton(text)
    button.setAccessibleName(accessible)
    return button
