"""The register view on the large file (10,000 care leavers): time to open it (rows fetched by the
service, model populated, view shown and painted) and to filter it by typing a name, each against a
bare QTableView over the same rows already held in memory, measured in the same run.

The baseline's model is the most trivial QAbstractTableModel (a list of tuples, text only) and its
filter a stock QSortFilterProxyModel on the name column; nbdesk's open includes the database read.
"""

from __future__ import annotations

import os
import statistics
import time
from typing import Any

from run import Context, Figure, wait_for_ops

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

TYPED = "bea pud"


def _app() -> Any:
    from PySide6.QtWidgets import QApplication

    return QApplication.instance() or QApplication([])


def _settle(app: Any) -> None:
    for _ in range(3):
        app.processEvents()


def _bare(rows: list[tuple[str, ...]], headers: list[str]) -> tuple[float, float, int]:
    from PySide6.QtCore import QAbstractTableModel, QSortFilterProxyModel, Qt
    from PySide6.QtTest import QTest
    from PySide6.QtWidgets import QLineEdit, QTableView, QVBoxLayout, QWidget

    class Bare(QAbstractTableModel):
        def __init__(self, data: list[tuple[str, ...]]) -> None:
            super().__init__()
            self.data_rows = data

        def rowCount(self, parent: Any = None) -> int:
            return len(self.data_rows)

        def columnCount(self, parent: Any = None) -> int:
            return len(headers)

        def headerData(self, section: int, orientation: Any, role: int = 0) -> Any:
            if role == Qt.ItemDataRole.DisplayRole and orientation == Qt.Orientation.Horizontal:
                return headers[section]
            return None

        def data(self, index: Any, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
            if role == Qt.ItemDataRole.DisplayRole:
                return self.data_rows[index.row()][index.column()]
            return None

    app = _app()
    start = time.perf_counter()
    window = QWidget()
    search = QLineEdit()
    proxy = QSortFilterProxyModel()
    proxy.setSourceModel(Bare(rows))
    proxy.setFilterCaseSensitivity(Qt.CaseSensitivity.CaseInsensitive)
    proxy.setFilterKeyColumn(0)
    search.textChanged.connect(proxy.setFilterFixedString)
    view = QTableView()
    view.setModel(proxy)
    layout = QVBoxLayout(window)
    layout.addWidget(search)
    layout.addWidget(view)
    window.resize(1300, 800)
    window.show()
    _settle(app)
    opened = time.perf_counter() - start
    start = time.perf_counter()
    QTest.keyClicks(search, TYPED)
    _settle(app)
    filtered = time.perf_counter() - start
    shown = proxy.rowCount()
    window.close()
    window.deleteLater()
    _settle(app)
    return opened, filtered, shown


def _nbdesk(db: Any) -> tuple[float, float, int]:
    from PySide6.QtTest import QTest

    from nbdesk.ui.ops import Ops
    from nbdesk.ui.survey.section import SurveySection

    app = _app()
    start = time.perf_counter()
    section = SurveySection()
    section.tabs.setCurrentWidget(section.register_tab)
    section.resize(1300, 800)
    section.set_ops(Ops(db))
    section.show()
    wait_for_ops(app)
    opened = time.perf_counter() - start
    tab = section.register_tab
    start = time.perf_counter()
    QTest.keyClicks(tab.search, TYPED)
    wait_for_ops(app)
    filtered = time.perf_counter() - start
    shown = tab.model.rowCount()
    section.close()
    section.deleteLater()
    _settle(app)
    return opened, filtered, shown


def measure(ctx: Context) -> list[Figure]:
    from nbdesk.storage import open_database
    from nbdesk.survey.register import list_register
    from nbdesk.ui.survey.register_tab import REGISTER_COLUMNS

    _app()
    db = open_database(ctx.large_db)
    try:
        with db.session() as session:
            fetched = list_register(session)
        if not fetched:
            # A large file made before the survey demonstration existed holds no register.
            print(
                f"  {ctx.large_db} has no care leavers: delete it and run again to recreate it "
                "with the survey demonstration data."
            )
            return []
        # The baseline holds the same rows, already as display text, in memory.
        rows = [tuple(c.text(r) for c in REGISTER_COLUMNS) for r in fetched]
        headers = [c.title for c in REGISTER_COLUMNS]
        _bare(rows, headers)  # warm up Qt and the file cache for both
        _nbdesk(db)
        # In turns, as the other benchmarks time theirs: a busy moment of the machine slows both.
        bare_runs, app_runs = [], []
        for _ in range(ctx.repeat):
            bare_runs.append(_bare(rows, headers))
            app_runs.append(_nbdesk(db))
    finally:
        db.close()
    bare_open = statistics.median(r[0] for r in bare_runs)
    bare_filter = statistics.median(r[1] for r in bare_runs)
    app_open = statistics.median(r[0] for r in app_runs)
    app_filter = statistics.median(r[1] for r in app_runs)
    people = len(rows)
    return [
        Figure(
            f"register view opened ({people:,} people) ÷ bare QTableView",
            app_open / bare_open,
            target=3.0,
            detail=f"medians {app_open * 1000:.0f} ms vs {bare_open * 1000:.0f} ms",
        ),
        Figure(
            f"register filtered by typing '{TYPED}' ÷ bare QTableView",
            app_filter / bare_filter,
            target=3.0,
            detail=f"medians {app_filter * 1000:.0f} ms vs {bare_filter * 1000:.0f} ms "
            f"({app_runs[0][2]} vs {bare_runs[0][2]} rows shown)",
        ),
    ]
