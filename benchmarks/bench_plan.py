"""Action plans: reading the large authority's biggest plan whole (nbdesk.action_plan.views.read_plan,
then what needs attention) against a bare baseline doing the same reading by hand, measured in the
same run: the file's plan rows copied into an in-memory SQLite database, its themes, actions and
updates fetched as plain tuples with sqlite3, the updates grouped by action and the overdue and
drifting actions counted in Python. The workbook and report are timed in seconds, for information.

The window's Action plan section is measured as the issue asks: the time to open it on the large
file against a bare QTableView over the same rows already held in memory, in the same run (target
≤ 3), twice. First as the window opens it once it has settled on a file: the plan read ahead in the
background (nbdesk.ui.action_plan.read_ahead, the holder the window uses, started as the window
starts it and finished before the timing starts, as the bare table's rows are read beforehand),
then the section built, filled from it, shown and painted. Then, for information and with no
target, opened before that read ahead (Ctrl+3 as the file opens): the plan read on the worker
inside the timing. Each is built inside a window already on screen, as a section is in the main
window, and timed until its table has been painted. The chosen action's panel is made just after
that first paint (an empty pane until then): the time until it too is painted is printed beside,
and is not in the ratio.
"""

from __future__ import annotations

import sqlite3
import statistics
import tempfile
import time
from collections import defaultdict
from datetime import date, timedelta
from pathlib import Path
from typing import Any

from run import Context, Figure, large_file_with, median_of


def _large_with_plans(ctx: Context) -> Path:
    from nbdesk.action_plan.plans import list_plans

    return large_file_with(
        ctx, lambda session: bool(list_plans(session)), "action plans", "large-plans.nbdesk"
    )


def _in_memory(path: Path) -> sqlite3.Connection:
    memory = sqlite3.connect(":memory:", detect_types=sqlite3.PARSE_DECLTYPES)
    source = sqlite3.connect(path)
    try:
        source.backup(memory)
    finally:
        source.close()
    return memory


def _bare(conn: sqlite3.Connection, plan_id: int, today: date) -> tuple[int, int]:
    """The same rows read and counted by hand: (overdue, drifting)."""
    themes = [r[0] for r in conn.execute("SELECT id FROM plan_theme WHERE plan_id = ?", (plan_id,))]
    marks = ",".join("?" * len(themes))
    actions = conn.execute(
        f"SELECT id, status, due_on, created_on FROM plan_action WHERE theme_id IN ({marks}) "
        "ORDER BY position, id",
        themes,
    ).fetchall()
    updates: dict[int, list[tuple[Any, ...]]] = defaultdict(list)
    for row in conn.execute(
        "SELECT u.action_id, u.written_on, u.text, u.status, u.review_id, u.young_people_comment "
        "FROM plan_update u JOIN plan_action a ON a.id = u.action_id "
        f"WHERE a.theme_id IN ({marks}) ORDER BY u.written_on DESC, u.id DESC",
        themes,
    ):
        updates[row[0]].append(row)
    today_text = today.isoformat()
    quiet = (today - timedelta(days=90)).isoformat()
    open_ = ("not-started", "on-track", "at-risk")
    overdue = sum(1 for a in actions if a[1] in open_ and a[2] and str(a[2]) < today_text)
    drifting = sum(
        1
        for a in actions
        if a[1] in open_ and str(updates[a[0]][0][1] if updates[a[0]] else a[3]) < quiet
    )
    return overdue, drifting


def _app() -> Any:
    import os

    os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
    from PySide6.QtWidgets import QApplication

    return QApplication.instance() or QApplication([])


def _settle(app: Any) -> None:
    for _ in range(3):
        app.processEvents()


def _wait(app: Any) -> None:
    """As the window's event loop does: sleep until something happens. Asking again and again
    would take Python's lock from the worker reading the plan, and slow it."""
    from PySide6.QtCore import QEventLoop

    app.processEvents(QEventLoop.ProcessEventsFlag.WaitForMoreEvents)


def _Paints(widget: Any) -> Any:
    """Counts the paints `widget` receives."""
    from PySide6.QtCore import QEvent, QObject

    class Paints(QObject):
        count = 0

        def eventFilter(self, watched: Any, event: Any) -> bool:
            if event.type() == QEvent.Type.Paint:
                self.count += 1
            return False

    found = Paints(widget)
    widget.installEventFilter(found)
    return found


def _PanelPaints(panel: Any) -> Any:
    """Counts the paints of the chosen action's heading, made after the section's first paint."""
    from PySide6.QtCore import QEvent, QObject

    class PanelPaints(QObject):
        count = 0

        def eventFilter(self, watched: Any, event: Any) -> bool:
            if event.type() == QEvent.Type.Paint and panel.is_built() and watched is panel.heading:
                self.count += 1
            return False

    found = PanelPaints()
    _app().installEventFilter(found)
    return found


def _window() -> Any:
    """An empty window already on screen, as the main window is when a section is opened: what
    is measured is building the section (or the bare table) in it and its first paint, not the
    window system's first showing of a new window."""
    from PySide6.QtWidgets import QVBoxLayout, QWidget

    app = _app()
    window = QWidget()
    QVBoxLayout(window).setContentsMargins(0, 0, 0, 0)
    window.resize(1300, 800)
    window.show()
    _settle(app)
    return window


def _close(window: Any) -> None:
    window.close()
    window.deleteLater()
    _settle(_app())


def _section_open(db: Any, ahead: bool) -> tuple[float, float, list[tuple[str, ...]]]:
    """Open the Action plan section as the window does, its plan read `ahead` (as once the window
    has settled) or not (the read timed): the time until it is painted with the plan, the time
    until the chosen action's panel is painted too, and the rows shown, as text."""
    from nbdesk.ui.action_plan.read_ahead import ReadAhead
    from nbdesk.ui.action_plan.section import ActionPlanSection
    from nbdesk.ui.ops import Ops

    app = _app()
    window = _window()
    ops = Ops(db)
    if ahead:
        holder = ReadAhead(window)
        holder.start(ops)
        while holder.held is None:
            _wait(app)
        _settle(app)
    start = time.perf_counter()
    section = ActionPlanSection()
    painted = _Paints(section.table.viewport())
    window.layout().addWidget(section)
    section.set_ops(ops)
    # Read ahead, it is filled at once, asking nothing of the worker; else it waits for its read.
    assert (section.plan is not None and not Ops.busy()) == ahead, "not the path measured"
    # Until the plan is painted: the section holds its painting until the plan is laid out.
    while Ops.busy() or section.plan is None or not section.updatesEnabled() or not painted.count:
        _wait(app)
    elapsed = time.perf_counter() - start
    # Made by a timer the first paint starts, so not yet: its heading's first paint is to come.
    assert not section.panel.is_built()
    panel_painted = _PanelPaints(section.panel)
    while not panel_painted.count:
        _wait(app)
    with_panel = time.perf_counter() - start
    _app().removeEventFilter(panel_painted)
    assert section.plan is not None
    rows = [
        (
            a.you_said,
            a.we_will,
            a.owner,
            a.when,
            a.status_text,
            a.involvement_text,
            a.latest_update.text if a.latest_update else "",
        )
        for a in section.plan.actions
    ]
    _close(window)
    return elapsed, with_panel, rows


def _bare_table(rows: list[tuple[str, ...]]) -> float:
    from PySide6.QtCore import QAbstractTableModel, Qt
    from PySide6.QtWidgets import QTableView

    class Bare(QAbstractTableModel):
        def rowCount(self, parent: Any = None) -> int:
            return len(rows)

        def columnCount(self, parent: Any = None) -> int:
            return 7

        def data(self, index: Any, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
            if role == Qt.ItemDataRole.DisplayRole:
                return rows[index.row()][index.column()]
            return None

    app = _app()
    window = _window()
    start = time.perf_counter()
    view = QTableView()
    painted = _Paints(view.viewport())
    view.setModel(Bare())
    window.layout().addWidget(view)
    while not painted.count:
        _wait(app)
    elapsed = time.perf_counter() - start
    _close(window)
    return elapsed


def measure(ctx: Context) -> list[Figure]:
    from nbdesk.action_plan.attention import attention
    from nbdesk.action_plan.plans import list_plans
    from nbdesk.action_plan.views import read_plan
    from nbdesk.common import clock
    from nbdesk.returns import service
    from nbdesk.storage import open_database

    path = _large_with_plans(ctx)
    today = clock.today()
    db = open_database(path)
    try:
        with db.session() as session:
            biggest = max(list_plans(session), key=lambda p: p.actions)

        def ours() -> tuple[int, int]:
            with db.session() as session:
                found = attention(read_plan(session, biggest.id), today)
            return len(found.overdue), len(found.drifting)

        memory = _in_memory(path)
        try:
            assert ours() == _bare(memory, biggest.id, today), "the two counts differ"
            mine = median_of(ours, ctx.repeat * 3)
            base = median_of(lambda: _bare(memory, biggest.id, today), ctx.repeat * 3)
        finally:
            memory.close()
        with db.session() as session:
            view_updates = sum(len(a.updates) for a in read_plan(session, biggest.id).actions)
        # Each run's files in a folder of its own, removed after (a folder a run leaves
        # behind is one run's exports, kept by nothing).
        with tempfile.TemporaryDirectory(prefix="nbdesk-bench-plan-", dir=ctx.out) as made:
            folder = Path(made)
            workbook = median_of(
                lambda: service.export(
                    db.session, service.PLAN_WORKBOOK, biggest.id, folder / "plan.xlsx"
                ),
                ctx.repeat,
            )
            report = median_of(
                lambda: service.export(
                    db.session, service.PLAN_REPORT, biggest.id, folder / "plan.pdf"
                ),
                ctx.repeat,
            )
        opened: dict[bool, list[float]] = {True: [], False: []}
        panel: dict[bool, list[float]] = {True: [], False: []}
        bare = []
        for _ in range(ctx.repeat * 2):
            for ahead in (True, False):
                seconds, with_panel, rows = _section_open(db, ahead)
                opened[ahead].append(seconds)
                panel[ahead].append(with_panel)
            bare.append(_bare_table(rows))
        shown = len(rows)
    finally:
        from nbdesk.ui.ops import wait_for_work

        wait_for_work()
        db.close()
    detail = f"{biggest.actions} actions, {view_updates} updates"
    bare_open = statistics.median(bare)

    def opening(ahead: bool) -> tuple[float, str]:
        section_open = statistics.median(opened[ahead])
        return section_open / bare_open, (
            f"medians {section_open * 1000:.0f} ms vs {bare_open * 1000:.0f} ms; "
            f"{shown} actions shown; the chosen action's panel, made after that paint, painted "
            f"by {statistics.median(panel[ahead]) * 1000:.0f} ms"
        )

    ahead_ratio, ahead_detail = opening(True)
    read_ratio, read_detail = opening(False)
    return [
        Figure(
            "Action plan section opened, plan read ahead ÷ bare QTableView",
            ahead_ratio,
            target=3,
            detail=ahead_detail,
        ),
        Figure(
            "… opened before the read ahead, read timed ÷ bare QTableView",
            read_ratio,
            detail=read_detail,
        ),
        Figure(
            "read the biggest plan + attention ÷ bare sqlite3 in memory",
            mine / base,
            detail=f"medians {mine * 1000:.1f} ms vs {base * 1000:.1f} ms; {detail}",
        ),
        Figure(
            "action plan workbook (read + write)",
            workbook,
            unit=" s",
            detail=detail,
        ),
        Figure("action plan progress report (read + write)", report, unit=" s", detail=detail),
    ]
