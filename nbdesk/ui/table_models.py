"""Table models for nbdesk's lists: rows are plain values fetched by a service, never widgets.

A column says how to show (and sort) one field of a row, so a new list is a list of columns rather
than a new class; the model asks for nothing until the view paints a cell, so 10,000 people cost one
query and a list, not 130,000 items. `LazyRowsModel` goes further for the register: it holds only
ids and fetches a page of rows at a time.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Any, Generic, TypeVar

from PySide6.QtCore import (
    QAbstractTableModel,
    QModelIndex,
    QPersistentModelIndex,
    Qt,
)
from PySide6.QtGui import QBrush, QColor

T = TypeVar("T")

ROW_ROLE = Qt.ItemDataRole.UserRole  # the row itself, for the code behind a view
SORT_ROLE = Qt.ItemDataRole.UserRole + 1
LEFT = Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignVCenter
RIGHT = Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter
CENTRE = Qt.AlignmentFlag.AlignCenter
NO_PARENT = QModelIndex()

_TEXT_ROLES = (Qt.ItemDataRole.DisplayRole, Qt.ItemDataRole.AccessibleTextRole)
_ALIGNMENT = Qt.ItemDataRole.TextAlignmentRole
_FOREGROUND = Qt.ItemDataRole.ForegroundRole
_TOOLTIP = Qt.ItemDataRole.ToolTipRole
_ANSWERED = frozenset((*_TEXT_ROLES, _ALIGNMENT, _FOREGROUND, _TOOLTIP, SORT_ROLE, ROW_ROLE))


@dataclass(frozen=True)
class Column(Generic[T]):
    title: str
    text: Callable[[T], str]
    sort: Callable[[T], Any] | None = None
    align: Qt.AlignmentFlag = LEFT
    # The whole text by default, for when a narrow column cuts it short.
    tooltip: Callable[[T], str] | None = None
    foreground: Callable[[T], QColor | None] | None = None
    field: str = ""  # for a LazyRowsModel: the field the service sorts by


class _ColumnsModel(QAbstractTableModel):
    """What every list shares: its columns, their headers and how a cell of a row is shown."""

    def __init__(self, columns: Sequence[Column[Any]], parent: Any = None) -> None:
        super().__init__(parent)
        self.columns = list(columns)

    def columnCount(self, parent: QModelIndex | QPersistentModelIndex = NO_PARENT) -> int:
        return 0 if parent.isValid() else len(self.columns)

    def headerData(
        self, section: int, orientation: Qt.Orientation, role: int = Qt.ItemDataRole.DisplayRole
    ) -> Any:
        if orientation == Qt.Orientation.Horizontal and role == Qt.ItemDataRole.DisplayRole:
            return self.columns[section].title
        return None

    def row(self, number: int) -> Any:
        raise NotImplementedError

    def data(
        self, index: QModelIndex | QPersistentModelIndex, role: int = Qt.ItemDataRole.DisplayRole
    ) -> Any:
        # A view asks for a dozen roles of each cell it paints, most never answered here: say so
        # at once (a list repainted after each save asks thousands of times), and before a lazy
        # row is fetched for them, since it is fetched only to be shown.
        if role not in _ANSWERED or not index.isValid():
            return None
        column = self.columns[index.column()]
        if role == _ALIGNMENT:
            return int(column.align)
        if role == _FOREGROUND and column.foreground is None:
            return None
        row = self.row(index.row())
        if role == ROW_ROLE:
            return row
        if row is None:  # a lazy row not fetched (yet)
            return ""
        if role in _TEXT_ROLES:
            return column.text(row)
        if role == _TOOLTIP:
            return column.tooltip(row) if column.tooltip else column.text(row)
        if role == SORT_ROLE:
            return column.sort(row) if column.sort else column.text(row)
        colour = column.foreground(row) if column.foreground else None
        return QBrush(colour) if colour is not None else None


class ListModel(_ColumnsModel, Generic[T]):
    """A list of rows held in memory (a service's results)."""

    def __init__(self, columns: Sequence[Column[T]], parent: Any = None) -> None:
        super().__init__(columns, parent)
        self.rows: list[T] = []

    def set_rows(self, rows: Sequence[T]) -> None:
        self.beginResetModel()
        self.rows = list(rows)
        self.endResetModel()

    def remove_row(self, number: int) -> None:
        """Take one row out (or put one in, below): the view keeps its choice and where it was
        scrolled to, which a reset of a list updated after each save would lose."""
        self.beginRemoveRows(NO_PARENT, number, number)
        del self.rows[number]
        self.endRemoveRows()

    def insert_row(self, number: int, row: T) -> None:
        self.beginInsertRows(NO_PARENT, number, number)
        self.rows.insert(number, row)
        self.endInsertRows()

    def row(self, number: int) -> T:
        return self.rows[number]

    def rowCount(self, parent: QModelIndex | QPersistentModelIndex = NO_PARENT) -> int:
        return 0 if parent.isValid() else len(self.rows)

    def index(
        self, row: int, column: int, parent: QModelIndex | QPersistentModelIndex = NO_PARENT
    ) -> QModelIndex:
        # Qt's own asks rowCount and columnCount (both here, in Python) for every index.
        if 0 <= row < len(self.rows) and 0 <= column < len(self.columns) and not parent.isValid():
            return self.createIndex(row, column)
        return QModelIndex()


class LazyRowsModel(_ColumnsModel):
    """A table over row ids only; each row's values are asked for (through Ops, on the worker) a
    page at a time when the view first paints it, and kept in a bounded cache.

    Opening or filtering a 10,000-person register then costs one query for the ids in order and a
    screenful of rows, as Anki's browser does, instead of reading and holding every row. A row not
    yet back shows empty for a moment; the UI thread never waits for it."""

    PAGE = 200
    CACHE_LIMIT = 5000

    def __init__(
        self,
        columns: Sequence[Column],
        request: Callable[[list[int], Callable[[list[Any]], None]], None],
        resort: Callable[[str, bool], None],
        parent: Any = None,
    ) -> None:
        super().__init__(columns, parent)
        self.request = request  # request(ids, deliver): read those rows, then deliver(rows)
        self.resort = resort
        self.ids: list[int] = []
        self.positions: dict[int, int] = {}
        self.cache: dict[int, Any] = {}
        self.asked: set[int] = set()  # first rows of the pages asked for and not yet back
        self.missing: set[int] = set()  # ids asked for that are no longer there
        self.generation = 0  # rows asked for before the last reset are not for this list

    def set_ids(self, ids: list[int], first: list[Any] | None = None) -> None:
        """A new list. `first`: the rows of its first page (ids[:PAGE]), read with the ids, so the
        list is painted once, filled, rather than empty and then again when they come."""
        self.beginResetModel()
        self.ids = ids
        self.positions = {person_id: n for n, person_id in enumerate(ids)}
        self.cache = {}
        self.asked = set()
        self.missing = set()
        self.generation += 1
        if first is not None:
            self.cache = {item.id: item for item in first}
            self.missing = set(ids[: self.PAGE]) - self.cache.keys()
        self.endResetModel()
        if ids and first is None:
            self._ask(0)  # the first screenful, before the view even asks

    def row(self, number: int) -> Any:
        person_id = self.ids[number]
        found = self.cache.get(person_id)
        if found is None and person_id not in self.missing:
            self._ask(number - number % self.PAGE)
        return found

    def _ask(self, start: int) -> None:
        if start in self.asked:
            return
        self.asked.add(start)
        generation = self.generation
        wanted = self.ids[start : start + self.PAGE]
        self.request(wanted, lambda rows: self._deliver(generation, start, wanted, rows))

    def _deliver(self, generation: int, start: int, wanted: list[int], rows: list[Any]) -> None:
        if generation != self.generation:
            return  # for a list shown before the last filter or sort
        self.asked.discard(start)
        self.missing |= set(wanted) - {item.id for item in rows}
        if len(self.cache) > self.CACHE_LIMIT:
            self.cache = {}
        for item in rows:
            self.cache[item.id] = item
        numbers = [self.positions[item.id] for item in rows if item.id in self.positions]
        if numbers:
            self.dataChanged.emit(
                self.index(min(numbers), 0), self.index(max(numbers), len(self.columns) - 1)
            )

    def rowCount(self, parent: QModelIndex | QPersistentModelIndex = NO_PARENT) -> int:
        return 0 if parent.isValid() else len(self.ids)

    def sort(self, column: int, order: Qt.SortOrder = Qt.SortOrder.AscendingOrder) -> None:
        if 0 <= column < len(self.columns) and self.columns[column].field:
            self.resort(self.columns[column].field, order == Qt.SortOrder.DescendingOrder)
