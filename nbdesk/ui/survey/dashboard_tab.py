"""A round's dashboard: eligible, completed and the rate, by group, over time, and who has gone
quiet. Staff see real counts; small groups are hidden only in exported returns.

After a contact or a completion the board is not counted again: the worker takes the people the
save changed out of the last board it made and puts them back as they are now
(survey.dashboard.dashboard_update), which gives the same figures as counting the whole round.
"""

from __future__ import annotations

from collections.abc import Callable, Collection
from html import escape
from typing import TYPE_CHECKING, Any

from PySide6.QtCore import Qt
from PySide6.QtWidgets import (
    QGroupBox,
    QHBoxLayout,
    QLabel,
    QSpinBox,
    QTableView,
    QVBoxLayout,
    QWidget,
)

from nbdesk.common.dates import format_day
from nbdesk.survey.dashboard import Dashboard, GroupFigures, dashboard, dashboard_update
from nbdesk.ui.survey.chart import CompletionsChart
from nbdesk.ui.survey.common import against, day_or_never, ordinal, people, rate_text, table_view
from nbdesk.ui.survey.fit import Reflow
from nbdesk.ui.table_models import RIGHT, Column, ListModel

if TYPE_CHECKING:
    from nbdesk.ui.survey.section import SurveySection


def group_columns(title: str, overall: Callable[[], float | None]) -> list[Column]:  # type: ignore[type-arg]
    return [
        Column(title, lambda g: g.group),
        Column("Eligible", lambda g: str(g.eligible), sort=lambda g: g.eligible, align=RIGHT),
        Column("Completed", lambda g: str(g.completed), sort=lambda g: g.completed, align=RIGHT),
        Column("Rate", lambda g: rate_text(g.rate), sort=lambda g: g.rate or 0.0, align=RIGHT),
        Column("Compared with all", lambda g: against(g.rate, overall())),
    ]


QUIET_COLUMNS = [
    Column("Name", lambda q: q.name),
    Column("Unique id", lambda q: q.unique_id),
    Column("PA", lambda q: q.pa_name),
    Column(
        "Last contact",
        lambda q: day_or_never(q.last_contact_on),
        sort=lambda q: ordinal(q.last_contact_on),
    ),
]


class _Latest:
    """The board as the worker last made it, touched only on the worker: each update builds on the
    one before, in the order the worker runs them, even before the last is back on screen."""

    board: Dashboard | None = None


class DashboardTab(QWidget):
    def __init__(self, section: SurveySection) -> None:
        super().__init__()
        self.section = section
        self.headline = QLabel()
        self.headline.setWordWrap(True)
        self.headline.setFocusPolicy(Qt.FocusPolicy.StrongFocus)
        self.chart = CompletionsChart()
        self.tables: dict[str, tuple[ListModel, QTableView]] = {}  # type: ignore[type-arg]
        boxes: list[QWidget] = []
        for title in ("Personal adviser", "Age band", "Gender", "Accommodation type"):
            model = ListModel(group_columns(title, self._overall_rate), self)
            view = table_view(model, f"By {title.lower()}", sortable=False)
            # The group's name keeps the width of its longest name (within reason) and the last
            # column takes what room is left: a stretched name column was squeezed to a few
            # letters in a narrow window, leaving no way to tell the rows apart.
            view.horizontalHeader().setStretchLastSection(True)
            box = QGroupBox(f"By {title.lower()}")
            QVBoxLayout(box).addWidget(view)
            boxes.append(box)
            self.tables[title] = (model, view)
        self.quiet_days = QSpinBox()
        self.quiet_days.setRange(1, 365)
        self.quiet_days.setValue(14)
        self.quiet_days.setSuffix(" days")
        self.quiet_days.setAccessibleName("No contact in the last")
        self.quiet_days.valueChanged.connect(lambda _: self.refresh())
        self.quiet_model = ListModel(QUIET_COLUMNS, self)
        self.quiet_view = table_view(
            self.quiet_model, "People not contacted lately", sortable=False
        )
        # Columns sized from the rows on screen, as the register's: sizing them from every row
        # read each cell through Python, most of the 35 to 50 ms the board took on the UI thread
        # with 276 people listed (50,000 in the round).
        self.quiet_view.horizontalHeader().setResizeContentsPrecision(0)
        self.quiet_label = QLabel()
        # A group box's title never wraps: who it lists is said inside, where it can.
        quiet_box = QGroupBox("Not contacted lately")
        quiet_layout = QVBoxLayout(quiet_box)
        quiet_who = QLabel("Eligible, not completed, and may be contacted.")
        quiet_who.setWordWrap(True)
        quiet_layout.addWidget(quiet_who)
        row = QHBoxLayout()
        label = QLabel("No contact in the &last:")
        label.setBuddy(self.quiet_days)
        row.addWidget(label)
        row.addWidget(self.quiet_days)
        row.addWidget(self.quiet_label, 1)
        quiet_layout.addLayout(row)
        quiet_layout.addWidget(self.quiet_view)
        # Two to a row when they fit, else one under another (a small screen, large type).
        grid = Reflow([*boxes, self.chart, quiet_box], fill=True, most=2)
        layout = QVBoxLayout(self)
        layout.addWidget(self.headline)
        layout.addWidget(grid, 1)
        self.board: Dashboard | None = None
        self._drawn: Dashboard | None = None  # the board the widgets show
        self._latest = _Latest()
        self._reading = False  # the whole board has been asked for and is not back yet

    def _overall_rate(self) -> float | None:
        return self.board.overall.rate if self.board else None

    def refresh(self) -> None:
        ops, round_id = self.section.ops, self.section.round_id()
        if ops is None or round_id is None:
            self.headline.setText("Open a round to see its figures.")
            return
        quiet, latest = self.quiet_days.value(), self._latest

        def count(session: Any) -> Dashboard:
            latest.board = dashboard(session, round_id, quiet_days=quiet)
            return latest.board

        asked = ops.read(
            self,
            count,
            self._counted,
            key=f"dashboard-{id(self)}",
            failed=lambda _exc: self._counted(None),
            title="Counting the round",
        )
        self._reading = self._reading or asked is not None

    def showEvent(self, event: Any) -> None:
        if self.board is not None and self.board is not self._drawn:
            self.show_board(self.board, whole=self._drawn is None)
        super().showEvent(event)

    def _counted(self, board: Dashboard | None) -> None:
        self._reading = False
        if board is not None:
            self.show_board(board)

    def update_people(self, round_id: int, people: Collection[int]) -> None:
        """These people's contacts, completion or membership changed: take their old part out of
        the figures and put their new part in, on the worker."""
        ops = self.section.ops
        if ops is None:
            return
        wanted, latest = frozenset(people), self._latest

        def update(session: Any) -> Dashboard | None:
            if latest.board is None or latest.board.round.id != round_id:
                return None  # another round's board: it is counted whole when shown
            latest.board = dashboard_update(session, latest.board, wanted)
            return latest.board

        ops.read(self, update, self._updated, title="Counting the round")

    def _updated(self, board: Dashboard | None) -> None:
        # A whole board asked for since will show this and more.
        if board is not None and board.round.id == self.section.round_id() and not self._reading:
            self.show_board(board, whole=False)

    def show_board(self, board: Dashboard, whole: bool = True) -> None:
        """Show the figures; `whole` False for an update, which leaves the columns' widths as the
        whole board set them, and any table whose rows did not change."""
        self.board = board
        if not whole and not self.isVisible():
            # Behind another tab: drawn once shown (showEvent), not after every contact saved,
            # where it took a third of the window's longest pause (bench_who_next).
            return
        before, self._drawn = self._drawn, board
        overall = board.overall
        self.headline.setText(
            f"<h3>{escape(board.round.name)}</h3><p><b>{overall.eligible}</b> eligible · "
            f"<b>{overall.completed}</b> completed · response rate <b>{rate_text(overall.rate)}</b>"
            f" · closes {format_day(board.round.closes_on)}</p><p>Real counts, for staff: "
            "small groups are hidden only in exported returns.</p>"
        )
        self.headline.setAccessibleDescription(
            f"{overall.eligible} eligible, {overall.completed} completed, response rate "
            f"{rate_text(overall.rate)}"
        )
        groups: dict[str, tuple[GroupFigures, ...]] = board.breakdowns()
        for title, (model, view) in self.tables.items():
            if whole or model.rows != list(groups[title]):
                model.set_rows(groups[title])
            if whole:
                for column in range(model.columnCount()):
                    view.resizeColumnToContents(column)
                most = 28 * view.fontMetrics().averageCharWidth()
                view.setColumnWidth(0, min(view.columnWidth(0), most))
        self.chart.set_data(
            list(board.over_time), board.round.opens_on, board.round.closes_on, overall.eligible
        )
        if whole or before is None or before.not_contacted != board.not_contacted:
            self.quiet_model.set_rows(board.not_contacted)
            if whole:
                self.quiet_view.resizeColumnsToContents()
        self.quiet_label.setText(people(len(board.not_contacted)))
