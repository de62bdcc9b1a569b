"""The plan as a table grouped by theme: each theme a row, its actions the rows under it.

A flat table model over the `PlanView` the section last read (plain values, never widgets), with
the columns of a "You said / We will" table: a row for each theme, then a row for each of its
actions. A filter keeps the actions that match; the themes stay, so a new action can always be
added to one, and each says how many of its actions are shown.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import date
from typing import Any

from PySide6.QtCore import QAbstractTableModel, QModelIndex, QPersistentModelIndex, Qt
from PySide6.QtGui import QFont

from nbdesk.action_plan import vocab
from nbdesk.action_plan.attention import is_drifting, is_overdue
from nbdesk.action_plan.views import ActionView, PlanView, ThemeView
from nbdesk.common.dates import format_day

ROW_ROLE = Qt.ItemDataRole.UserRole  # the ActionView or ThemeView behind a row
NO_PARENT = QModelIndex()

CHANGED_MARK = "✱"
COLUMNS = ("You said", "We will", "Who", "When", "Status", "Young people", "Last update")
WE_WILL = 1

Index = QModelIndex | QPersistentModelIndex
Filter = Callable[[ActionView], bool]


def flat(text: str, length: int = 80) -> str:
    one_line = " ".join(text.split())
    return one_line if len(one_line) <= length else one_line[: length - 1] + "…"


def last_update_text(action: ActionView) -> str:
    latest = action.latest_update
    if latest is None:
        return "none yet"
    words = latest.text or f"Young people: {latest.young_people_comment}"
    return f"{format_day(latest.written_on)}: {flat(words, 60)}"


def involvement_short(action: ActionView) -> str:
    if action.involvement:
        return "Yes: " + ", ".join(vocab.WAY_LABELS[w].lower() for w in action.involvement)
    if action.not_involved_reason:
        return "No: " + (
            action.not_involved_note
            if action.not_involved_reason == "other" and action.not_involved_note
            else vocab.REASON_LABELS[action.not_involved_reason].lower()
        )
    return "not decided"


def when_cell(action: ActionView, today: date) -> str:
    """Short for the table: '31 Oct 2026', 'Q4 2026-27'; overdue said first, in words."""
    if action.due_on is None:
        return "no date"
    when = action.when.split(" (")[0] if action.due_is_quarter else format_day(action.due_on)
    return f"Overdue: {when}" if is_overdue(action, today) else when


def cells(action: ActionView, today: date) -> tuple[str, ...]:
    mark = f"{CHANGED_MARK} " if action.changed_after_sign_off else ""
    return (
        flat(action.you_said),
        mark + flat(action.we_will),
        action.owner or "no one yet",
        when_cell(action, today),
        action.status_text,
        involvement_short(action),
        last_update_text(action),
    )


def spoken(action: ActionView, today: date) -> str:
    """The whole row, as a screen reader says it."""
    parts = [f"We will {action.we_will}"]
    if action.you_said:
        parts.insert(0, f"You said {action.you_said}")
    parts += [
        f"Who: {action.owner or 'no one yet'}",
        f"When: {when_cell(action, today)}",
        f"Status: {vocab.STATUS_LABELS[action.status]}",
        f"Young people: {action.involvement_text}",
        f"Last update: {last_update_text(action)}",
    ]
    if action.changed_after_sign_off:
        parts.append("changed after sign-off")
    if is_drifting(action, today):
        parts.append("drifting")
    return ". ".join(parts)


ANSWERED = frozenset(
    {
        Qt.ItemDataRole.DisplayRole,
        Qt.ItemDataRole.AccessibleTextRole,
        Qt.ItemDataRole.ToolTipRole,
        Qt.ItemDataRole.FontRole,
        ROW_ROLE,
    }
)


class PlanModel(QAbstractTableModel):
    """One flat table: each theme a header row (spanned across the columns by the view), then the
    actions of it that the filter keeps. Flat rather than a tree so that the view asks Python only
    about the rows it paints."""

    def __init__(self, parent: Any = None) -> None:
        super().__init__(parent)
        self.plan: PlanView | None = None
        self.today = date.min
        self.keep: Filter = lambda _a: True
        self.themes: list[ThemeView] = []
        self.shown: list[list[ActionView]] = []
        self.rows: list[ActionView | ThemeView] = []  # what each table row shows, in order
        self.theme_rows: list[int] = []  # the table row of each theme
        self._row_of_action: dict[int, int] = {}
        # Each row's text, worked out once per fill: a view asks for a cell many times.
        self._cells: dict[int, tuple[str, ...]] = {}
        self._bold = QFont()
        self._bold.setBold(True)

    # Filling -----------------------------------------------------------------------------------

    def set_plan(self, plan: PlanView | None, today: date, keep: Filter | None = None) -> None:
        self.beginResetModel()
        self.plan, self.today = plan, today
        self._cells = {}
        if keep is not None:
            self.keep = keep
        self.themes = list(plan.themes) if plan else []
        self.shown = [[a for a in t.actions if self.keep(a)] for t in self.themes]
        self.rows, self.theme_rows, self._row_of_action = [], [], {}
        for theme, actions in zip(self.themes, self.shown, strict=True):
            self.theme_rows.append(len(self.rows))
            self.rows.append(theme)
            for action in actions:
                self._row_of_action[action.id] = len(self.rows)
                self.rows.append(action)
        self.endResetModel()

    def set_filter(self, keep: Filter) -> None:
        self.set_plan(self.plan, self.today, keep)

    def filtered(self) -> bool:
        return sum(len(s) for s in self.shown) != sum(len(t.actions) for t in self.themes)

    # Finding rows ------------------------------------------------------------------------------

    def index_of_action(self, action_id: int, column: int = WE_WILL) -> QModelIndex:
        row = self._row_of_action.get(action_id)
        return QModelIndex() if row is None else self.index(row, column)

    def index_of_theme(self, theme_id: int) -> QModelIndex:
        for t, theme in enumerate(self.themes):
            if theme.id == theme_id:
                return self.index(self.theme_rows[t], 0)
        return QModelIndex()

    def actions_in_order(self) -> list[ActionView]:
        return [a for actions in self.shown for a in actions]

    # QAbstractTableModel -----------------------------------------------------------------------

    def rowCount(self, parent: Index = NO_PARENT) -> int:
        return 0 if parent.isValid() else len(self.rows)

    def columnCount(self, parent: Index = NO_PARENT) -> int:
        return 0 if parent.isValid() else len(COLUMNS)

    def headerData(
        self, section: int, orientation: Qt.Orientation, role: int = Qt.ItemDataRole.DisplayRole
    ) -> Any:
        if orientation == Qt.Orientation.Horizontal and role == Qt.ItemDataRole.DisplayRole:
            return COLUMNS[section]
        return None

    def row_of(self, index: Index) -> ActionView | ThemeView | None:
        if not index.isValid():
            return None
        return self.rows[index.row()]

    def theme_text(self, t: int) -> str:
        theme, shown = self.themes[t], len(self.shown[t])
        total = len(theme.actions)
        count = (
            f"{total} action{'s' if total != 1 else ''}"
            if shown == total
            else f"{shown} of {total} actions shown"
        )
        return f"{theme.position}. {theme.title} — {count}"

    def data(self, index: Index, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if role not in ANSWERED:  # most of what a view asks for, answered before any lookup
            return None
        item = self.rows[index.row()]
        if role == ROW_ROLE:
            return item
        if isinstance(item, ThemeView):
            if role in (Qt.ItemDataRole.DisplayRole, Qt.ItemDataRole.AccessibleTextRole):
                if index.column() != 0:
                    return ""
                return f"Theme {self.theme_text(self.theme_rows.index(index.row()))}"
            if role == Qt.ItemDataRole.FontRole:
                return self._bold
            return None
        if role == Qt.ItemDataRole.DisplayRole:
            row = self._cells.get(item.id)
            if row is None:
                row = self._cells[item.id] = cells(item, self.today)
            return row[index.column()]
        if role == Qt.ItemDataRole.AccessibleTextRole:
            return spoken(item, self.today) if index.column() == 0 else None
        if role == Qt.ItemDataRole.ToolTipRole:
            return self._tooltip(item, index.column())
        return None

    def _tooltip(self, action: ActionView, column: int) -> str:
        full = (
            action.you_said,
            action.we_will,
            action.owner,
            action.when + (" — overdue" if is_overdue(action, self.today) else ""),
            action.status_text
            + (f" ({action.dropped_reason})" if action.status == vocab.DROPPED else ""),
            action.involvement_text,
            last_update_text(action),
        )[column]
        if column == WE_WILL and action.changed_after_sign_off:
            full += f"\n{CHANGED_MARK} changed after the plan was signed off"
        return full
