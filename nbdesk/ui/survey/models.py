"""Item models for the survey lists: rows are plain tuples fetched by a service, never widgets.

A column says how to show one field of a row; the model asks for nothing until the view paints a
cell, so 10,000 people cost one query and a list, not 130,000 items.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Any

from PySide6.QtCore import (
    QAbstractTableModel,
    QModelIndex,
    QPersistentModelIndex,
    QSortFilterProxyModel,
    Qt,
)

ROW_ROLE = Qt.ItemDataRole.UserRole
SORT_ROLE = Qt.ItemDataRole.UserRole + 1
LEFT = Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignVCenter
RIGHT = Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter
NO_PARENT = QModelIndex()


@dataclass(frozen=True)
class Column:
    title: str
    text: Callable[[Any], str]
    sort: Callable[[Any], Any] | None = None
    align: Qt.AlignmentFlag = LEFT
    field: str = ""  # for a LazyRowsModel: the field the service sorts by


class RowsModel(QAbstractTableModel):
    def __init__(self, columns: Sequence[Column], parent: Any = None) -> None:
        super().__init__(parent)
        self.columns = list(columns)
        self.rows: list[Any] = []

    def set_rows(self, rows: Sequence[Any]) -> None:
        self.beginResetModel()
        self.rows = list(rows)
        self.endResetModel()

    def row(self, number: int) -> Any:
        return self.rows[number]

    def rowCount(self, parent: QModelIndex | QPersistentModelIndex = NO_PARENT) -> int:
        return 0 if parent.isValid() else len(self.rows)

    def columnCount(self, parent: QModelIndex | QPersistentModelIndex = NO_PARENT) -> int:
        return 0 if parent.isValid() else len(self.columns)

    def headerData(
        self, section: int, orientation: Qt.Orientation, role: int = Qt.ItemDataRole.DisplayRole
    ) -> Any:
        if orientation == Qt.Orientation.Horizontal and role == Qt.ItemDataRole.DisplayRole:
            return self.columns[section].title
        return None

    def data(
        self, index: QModelIndex | QPersistentModelIndex, role: int = Qt.ItemDataRole.DisplayRole
    ) -> Any:
        if not index.isValid():
            return None
        row = self.rows[index.row()]
        column = self.columns[index.column()]
        if role in (
            Qt.ItemDataRole.DisplayRole,
            Qt.ItemDataRole.AccessibleTextRole,
            Qt.ItemDataRole.ToolTipRole,  # the whole text when a narrow column cuts it short
        ):
            return column.text(row)
        if role == Qt.ItemDataRole.TextAlignmentRole:
            return int(column.align)
        if role == SORT_ROLE:
            return column.sort(row) if column.sort else column.text(row)
        if role == ROW_ROLE:
            return row
        return None


class SearchProxy(QSortFilterProxyModel):
    """Keeps rows whose search text contains every typed word (any order, any case).

    The search text of each row is built once when the rows change, so filtering 10,000 people on
    each key press is one substring test per row."""

    def __init__(self, search_text: Callable[[Any], str], parent: Any = None) -> None:
        super().__init__(parent)
        self.search_text = search_text
        self.words: list[str] = []
        self.haystack: list[str] = []
        self.indexed: list[Any] | None = None  # the source's list of rows the haystack is for
        self.setSortRole(SORT_ROLE)

    def _texts(self) -> list[str]:
        # Rebuilt when the source holds a new list of rows. Checked here, not on the source's
        # reset signal: the proxy refilters on that signal before any later slot could run, and
        # a stale haystack would then match the new rows against the old rows' names.
        rows = getattr(self.sourceModel(), "rows", [])
        if rows is not self.indexed:
            self.haystack = [self.search_text(r).casefold() for r in rows]
            self.indexed = rows
        return self.haystack

    def set_search(self, text: str) -> None:
        words = text.casefold().split()
        if words == self.words:
            return
        if hasattr(self, "beginFilterChange"):  # Qt 6.9+; invalidateRowsFilter is deprecated
            self.beginFilterChange()
            self.words = words
            self.endFilterChange(QSortFilterProxyModel.Direction.Rows)
        else:
            self.words = words
            self.invalidateRowsFilter()

    def filterAcceptsRow(
        self, source_row: int, source_parent: QModelIndex | QPersistentModelIndex
    ) -> bool:
        if not self.words:
            return True
        text = self._texts()[source_row]
        return all(w in text for w in self.words)


class LazyRowsModel(QAbstractTableModel):
    """A table over row ids only; each row's values are fetched (through a service) a page at a
    time when the view first paints it, and kept in a bounded cache.

    Opening or filtering a 10,000-person register then costs one query for the ids in order and a
    screenful of rows, as Anki's browser does, instead of reading and holding every row."""

    PAGE = 200
    CACHE_LIMIT = 5000

    def __init__(
        self,
        columns: Sequence[Column],
        fetch: Callable[[list[int]], list[Any]],
        resort: Callable[[str, bool], None],
        parent: Any = None,
    ) -> None:
        super().__init__(parent)
        self.columns = list(columns)
        self.fetch = fetch
        self.resort = resort
        self.ids: list[int] = []
        self.cache: dict[int, Any] = {}

    def set_ids(self, ids: list[int]) -> None:
        self.beginResetModel()
        self.ids = ids
        self.cache = {}
        self.endResetModel()

    def forget(self) -> None:
        """Drop cached rows (after an edit) so the next paint reads them again."""
        self.cache = {}
        if self.ids:
            self.dataChanged.emit(
                self.index(0, 0), self.index(len(self.ids) - 1, len(self.columns) - 1)
            )

    def row(self, number: int) -> Any:
        person_id = self.ids[number]
        if person_id not in self.cache:
            if len(self.cache) > self.CACHE_LIMIT:
                self.cache = {}
            start = number - number % self.PAGE
            for item in self.fetch(self.ids[start : start + self.PAGE]):
                self.cache[item.id] = item
        return self.cache.get(person_id)

    def rowCount(self, parent: QModelIndex | QPersistentModelIndex = NO_PARENT) -> int:
        return 0 if parent.isValid() else len(self.ids)

    def columnCount(self, parent: QModelIndex | QPersistentModelIndex = NO_PARENT) -> int:
        return 0 if parent.isValid() else len(self.columns)

    def headerData(
        self, section: int, orientation: Qt.Orientation, role: int = Qt.ItemDataRole.DisplayRole
    ) -> Any:
        if orientation == Qt.Orientation.Horizontal and role == Qt.ItemDataRole.DisplayRole:
            return self.columns[section].title
        return None

    def data(
        self, index: QModelIndex | QPersistentModelIndex, role: int = Qt.ItemDataRole.DisplayRole
    ) -> Any:
        if not index.isValid():
            return None
        if role in (
            Qt.ItemDataRole.DisplayRole,
            Qt.ItemDataRole.AccessibleTextRole,
            Qt.ItemDataRole.ToolTipRole,
        ):
            row = self.row(index.row())
            return self.columns[index.column()].text(row) if row is not None else ""
        if role == Qt.ItemDataRole.TextAlignmentRole:
            return int(self.columns[index.column()].align)
        if role == ROW_ROLE:
            return self.row(index.row())
        return None

    def sort(self, column: int, order: Qt.SortOrder = Qt.SortOrder.AscendingOrder) -> None:
        if 0 <= column < len(self.columns) and self.columns[column].field:
            self.resort(self.columns[column].field, order == Qt.SortOrder.DescendingOrder)
