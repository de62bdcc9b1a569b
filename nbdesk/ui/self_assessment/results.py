"""Results of one assessment: scores as published, the areas ranked and charted, the highest and
lowest statements, every statement with its history, and who took part."""

from __future__ import annotations

from dataclasses import dataclass
from html import escape
from typing import Any

from PySide6.QtCore import QEvent, QModelIndex, Qt, Signal
from PySide6.QtGui import QCloseEvent, QResizeEvent
from PySide6.QtWidgets import (
    QAbstractItemView,
    QFrame,
    QGridLayout,
    QHeaderView,
    QLabel,
    QScrollArea,
    QSplitter,
    QTableView,
    QVBoxLayout,
    QWidget,
)

from nbdesk.common.changes import Changes
from nbdesk.forms.scoring import AreaScore
from nbdesk.self_assessment.assessments import AssessmentDetail, StatementState, load_assessment
from nbdesk.self_assessment.ratings import FIELD_LABELS
from nbdesk.self_assessment.results import RatedStatement, Results, area_ranks, results_from
from nbdesk.self_assessment.sittings import (
    KIND_LABELS,
    HistoryEntry,
    SittingInfo,
    history,
    list_sittings,
    sitting_name,
)
from nbdesk.ui.action_plan.links import StatementActions
from nbdesk.ui.fit import Scroller, Tabs, fit_to_screen
from nbdesk.ui.ops import Ops
from nbdesk.ui.self_assessment.chart import AreaBarChart, ChartRow
from nbdesk.ui.self_assessment.common import (
    fmt_mean,
    fmt_percent,
    presenting_buttons,
    rating_colour,
    rescale,
    scale,
)
from nbdesk.ui.table_models import CENTRE, RIGHT, ROW_ROLE, Column, ListModel


def make_table(model: ListModel, name: str, stretch: int | None = None) -> QTableView:  # type: ignore[type-arg]
    table = QTableView()
    table.setModel(model)
    table.setAccessibleName(name)
    table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
    table.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
    table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
    table.setWordWrap(True)
    table.setTabKeyNavigation(False)
    table.verticalHeader().hide()
    header = table.horizontalHeader()
    header.setSectionResizeMode(QHeaderView.ResizeMode.ResizeToContents)
    # The column of words takes the spare width, so figures stay beside their labels.
    if stretch is None:
        header.setStretchLastSection(True)
    else:
        header.setSectionResizeMode(stretch, QHeaderView.ResizeMode.Stretch)
    return table


class Tile(QFrame):
    """A figure big enough to read from the back of the room, with its caption in words."""

    def __init__(self, caption: str) -> None:
        super().__init__()
        self.caption = caption
        self.setFrameShape(QFrame.Shape.StyledPanel)
        layout = QVBoxLayout(self)
        top = QLabel(caption)
        scale(top, 1.1)
        self.value = QLabel()
        scale(self.value, 2.2, bold=True)
        self.detail = QLabel()
        self.detail.setWordWrap(True)
        layout.addWidget(top)
        layout.addWidget(self.value)
        layout.addWidget(self.detail)
        self.setFocusPolicy(Qt.FocusPolicy.TabFocus)

    def show_figure(self, value: str, detail: str = "") -> None:
        self.value.setText(value)
        self.detail.setText(detail)
        self.detail.setVisible(bool(detail))
        self.setAccessibleName(f"{self.caption}: {value}. {detail}".strip())


@dataclass(frozen=True)
class ResultsData:
    detail: AssessmentDetail
    sittings: list[SittingInfo]


def read_results(session: Any, assessment_id: int) -> ResultsData:
    return ResultsData(
        load_assessment(session, assessment_id), list_sittings(session, assessment_id)
    )


class ResultsWindow(QWidget):
    """Results of one assessment. It reads them when it opens and again whenever something saved
    changes this assessment (a workshop running beside it, an import), so it is never stale."""

    closed = Signal()

    def event(self, event: QEvent) -> bool:
        if event.type() == QEvent.Type.ApplicationFontChange:
            rescale(self)  # headings and figures follow a font change while it is open
        return super().event(event)

    def __init__(self, ops: Ops, assessment_id: int) -> None:
        super().__init__()
        self.ops = ops
        self.assessment_id = assessment_id
        self.detail: AssessmentDetail | None = None
        self.results: Results | None = None
        self.setWindowTitle("Results")
        self.setAccessibleName("Results")

        self.heading = QLabel("Reading the results…")
        scale(self.heading, 1.8, bold=True)
        self.heading.setWordWrap(True)
        self.sub = QLabel()
        scale(self.sub, 1.1)
        self.sub.setWordWrap(True)
        self.tiles = {
            name: Tile(name) for name in ("Total", "Band", "Overall mean", "Statements rated")
        }
        self.tile_grid = QGridLayout()
        self._arrange_tiles(len(self.tiles))

        self.tabs = Tabs()
        self.tabs.setAccessibleName("Results")
        self.tabs.addTab(self._areas_tab(), "&Areas")
        self.tabs.addTab(self._extremes_tab(), "&Highest and lowest")
        self.tabs.addTab(self._statements_tab(), "&Statements and history")
        self.tabs.addTab(self._sittings_tab(), "Sitt&ings")

        buttons = presenting_buttons(self, "results")

        content = QVBoxLayout()
        content.addWidget(self.heading)
        content.addWidget(self.sub)
        content.addLayout(self.tile_grid)
        content.addWidget(self.tabs, 1)
        layout = QVBoxLayout(self)
        layout.addWidget(Scroller(content), 1)
        layout.addLayout(buttons)
        line = self.fontMetrics().height()
        fit_to_screen(self, line * 75, line * 50)
        ops.changed.connect(self._changed)
        self.load()

    def _arrange_tiles(self, per_row: int) -> None:
        self.tiles_per_row = per_row
        for n, tile in enumerate(self.tiles.values()):
            self.tile_grid.removeWidget(tile)
            self.tile_grid.addWidget(tile, n // per_row, n % per_row)

    def resizeEvent(self, event: QResizeEvent) -> None:
        # The four figures side by side where they fit, else two by two (large type on a small
        # screen), rather than a page wider than the window.
        super().resizeEvent(event)
        spacing = max(self.tile_grid.horizontalSpacing(), 0)
        needed = sum(t.minimumSizeHint().width() + spacing for t in self.tiles.values())
        margins = self.layout().contentsMargins()
        bar = self.style().pixelMetric(self.style().PixelMetric.PM_ScrollBarExtent)
        room = self.width() - margins.left() - margins.right() - bar
        per_row = len(self.tiles) if needed <= room else 2
        if per_row != self.tiles_per_row:
            self._arrange_tiles(per_row)

    def load(self) -> None:
        aid = self.assessment_id
        self.ops.read(
            self,
            lambda session: read_results(session, aid),
            self.show_results,
            key=f"results-{id(self)}",
            title="Reading the results",
        )

    def _changed(self, changes: Changes) -> None:
        if changes.touches_assessment(self.assessment_id):
            self.load()

    def show_results(self, data: ResultsData) -> None:
        self.detail = data.detail
        self.results = results_from(data.detail)
        summary = data.detail.summary
        scored = self.results.score
        top = self.results.out_of
        self.setWindowTitle(f"Results — {summary.name}")
        self.setAccessibleName(f"Results of {summary.name}")
        self.heading.setText(summary.name)
        self.sub.setText(f"{summary.describe} · {summary.framework_title}")
        band_detail = (
            scored.bands.describe()
            if scored.complete
            else "No band until every statement is rated."
        )
        mean = scored.overall_mean
        self.tiles["Total"].show_figure(f"{scored.total}", scored.total_basis)
        self.tiles["Band"].show_figure(scored.band or "not yet", band_detail)
        self.tiles["Overall mean"].show_figure(
            f"{fmt_mean(mean)} of {top}",
            f"{fmt_percent(None if mean is None else mean / top * 100)} — the mean of the area means",
        )
        self.tiles["Statements rated"].show_figure(
            f"{scored.rated} of {scored.statements}", scored.note
        )
        self._fill_areas()
        self._fill_extremes()
        self._fill_statements()
        self._fill_sittings(data.sittings)

    def closeEvent(self, event: QCloseEvent) -> None:
        self.closed.emit()
        super().closeEvent(event)

    # Tabs: built empty, filled each time the results are read ---------------------------------

    def _areas_tab(self) -> QWidget:
        self.chart = AreaBarChart()
        scale(self.chart, 1.15)
        self.area_model: ListModel[AreaScore] = ListModel([], self)
        self.area_table = make_table(self.area_model, "Area scores", stretch=1)
        # The overall score's history (and its note's) for the area selected in the table.
        self.area_history_model: ListModel[HistoryEntry] = ListModel(history_columns(), self)
        self.area_history_label = QLabel("History of the selected area's overall score")
        scale(self.area_history_label, 1.05, bold=True)
        lower = QWidget()
        box = QVBoxLayout(lower)
        box.setContentsMargins(0, 0, 0, 0)
        box.addWidget(self.area_table, 3)
        box.addWidget(self.area_history_label)
        box.addWidget(make_table(self.area_history_model, "History of the area's overall score"), 1)
        self.area_table.selectionModel().currentRowChanged.connect(self._area_chosen)
        splitter = QSplitter(Qt.Orientation.Vertical)
        splitter.addWidget(self.chart)
        splitter.addWidget(lower)
        splitter.setStretchFactor(0, 3)
        splitter.setStretchFactor(1, 2)
        return splitter

    def _fill_areas(self) -> None:
        assert self.results is not None
        top = self.results.out_of
        # Equal means share a rank ("=9"), as league tables show them.
        ranks = {
            number: f"={place}" if tied else str(place)
            for number, (place, tied) in area_ranks(self.results).items()
        }
        self.chart.set_data(
            [
                ChartRow(
                    f"{a.number}. {a.title}",
                    (a.mean,),
                    f"{fmt_mean(a.mean)} ({fmt_percent(a.percent)})"
                    + (f" · {a.rated}/{a.statements} rated" if a.rated < a.statements else ""),
                )
                for a in self.results.score.areas
            ],
            ["Mean rating"],
            float(top),
        )
        out_of = self.results.overall_out_of
        self.area_model.columns = [
            Column("Rank", lambda a: ranks.get(a.number, "–"), align=CENTRE),
            Column("Area", lambda a: f"{a.number}. {a.title}", sort=lambda a: a.number),
            Column("Rated", lambda a: f"{a.rated} of {a.statements}", align=RIGHT),
            Column(f"Mean /{top}", lambda a: fmt_mean(a.mean), align=RIGHT),
            Column("%", lambda a: fmt_percent(a.percent), align=RIGHT),
            Column(
                f"Overall /{out_of}",
                lambda a: "–" if a.overall_out_of_10 is None else str(a.overall_out_of_10),
                align=RIGHT,
            ),
        ]
        chosen = self.area_table.currentIndex().row()
        self.area_model.set_rows(self.results.score.areas)
        if chosen >= 0:
            self.area_table.selectRow(chosen)

    def _area_chosen(self, current: QModelIndex, _previous: QModelIndex) -> None:
        if not current.isValid() or self.detail is None:
            return
        number = self.area_model.row(current.row()).number
        area = next(a for a in self.detail.areas if a.number == number)
        aid = self.assessment_id
        self.ops.read(
            self,
            lambda session: history(session, aid, area_id=area.area_id),
            lambda entries: self._show_area_history(number, area.overall_note, entries),
            key=f"results-area-history-{id(self)}",
        )

    def _show_area_history(self, number: int, note: str, entries: list[HistoryEntry]) -> None:
        shown_note = f" — note: {note}" if note else ""
        self.area_history_label.setText(
            f"History of area {number}'s overall score ({_changes(len(entries))}){shown_note}"
        )
        self.area_history_model.set_rows(entries)

    def _extremes_tab(self) -> QWidget:
        columns: list[Column[RatedStatement]] = [
            Column("Statement", lambda s: s.reference),
            Column(
                "Rating",
                lambda s: f"{s.points} {s.label}",
                foreground=lambda s: rating_colour(
                    s.points, self.results.out_of if self.results else 4
                ),
            ),
            Column("Text", lambda s: s.text),
        ]
        self.highest_model: ListModel[RatedStatement] = ListModel(columns, self)
        self.lowest_model: ListModel[RatedStatement] = ListModel(columns, self)
        self.ranked = QLabel()
        self.ranked.setWordWrap(True)
        scale(self.ranked, 1.15)
        self.ranked.setFocusPolicy(Qt.FocusPolicy.TabFocus)
        page = QWidget()
        grid = QGridLayout(page)
        grid.addWidget(self.ranked, 0, 0)
        self.extreme_labels: list[QLabel] = []
        for row, (title, model) in enumerate(
            (
                ("Highest rated statements", self.highest_model),
                ("Lowest rated statements", self.lowest_model),
            ),
            start=1,
        ):
            label = QLabel(title)
            scale(label, 1.2, bold=True)
            label.setWordWrap(True)
            self.extreme_labels.append(label)
            grid.addWidget(label, row * 2 - 1, 0)
            table = make_table(model, title)
            table.selectionModel().currentRowChanged.connect(
                lambda current, _old, m=model: self._extreme_chosen(m, current)
            )
            grid.addWidget(table, row * 2, 0)
        # The actions citing the statement chosen above, and a new one for it.
        self.plan_links = StatementActions(self.ops, self.assessment_id)
        grid.addWidget(self.plan_links, 5, 0)
        return page

    def _extreme_chosen(self, model: ListModel[RatedStatement], current: QModelIndex) -> None:
        chosen = model.row(current.row()).reference if current.isValid() else None
        found = (
            [s for s in self.detail.statements() if s.reference == chosen] if self.detail else []
        )
        self.plan_links.show_statement(found[0] if found else None)

    def _fill_extremes(self) -> None:
        assert self.results is not None
        self.highest_model.set_rows(self.results.highest)
        self.lowest_model.set_rows(self.results.lowest)
        self.ranked.setText(
            "Areas from strongest to weakest: "
            + ", ".join(f"{a.number} ({fmt_mean(a.mean)})" for a in self.results.ranked)
        )
        self.ranked.setAccessibleName(self.ranked.text())
        for label, title, model in zip(
            self.extreme_labels,
            ("Highest rated statements", "Lowest rated statements"),
            (self.highest_model, self.lowest_model),
            strict=True,
        ):
            label.setText(f"{title}{self._ties(model.rows)}")

    def _ties(self, shown: list[RatedStatement]) -> str:
        """Say when more statements share the rating than the list has room for."""
        if not shown or self.detail is None:
            return ""
        points = shown[-1].points
        same = sum(1 for s in self.detail.statements() if s.points == points)
        listed = sum(1 for s in shown if s.points == points)
        if same <= listed:
            return ""
        label = self.detail.framework.label_for(points)
        return f" — {listed} of the {same} rated {points} {label} shown, in framework order"

    def _statements_tab(self) -> QWidget:
        self.statement_model: ListModel[StatementState] = ListModel([], self)
        self.statement_table = make_table(self.statement_model, "Statements")
        self.history_model: ListModel[HistoryEntry] = ListModel(history_columns(), self)
        self.history_table = make_table(self.history_model, "History of the selected statement")
        self.history_label = QLabel("History of the selected statement")
        scale(self.history_label, 1.1, bold=True)
        self.statement_table.selectionModel().currentRowChanged.connect(self._statement_chosen)
        lower = QWidget()
        box = QVBoxLayout(lower)
        box.setContentsMargins(0, 0, 0, 0)
        box.addWidget(self.history_label)
        box.addWidget(self.history_table)
        splitter = QSplitter(Qt.Orientation.Vertical)
        splitter.addWidget(self.statement_table)
        splitter.addWidget(lower)
        splitter.setStretchFactor(0, 3)
        splitter.setStretchFactor(1, 2)
        return splitter

    def _fill_statements(self) -> None:
        assert self.detail is not None
        fw = self.detail.framework
        self.statement_model.columns = [
            Column(
                "Statement",
                lambda s: s.reference,
                sort=lambda s: (s.area_number, len(s.letter), s.letter),
            ),
            Column(
                "Rating",
                lambda s: (
                    f"{s.points} {fw.label_for(s.points)}" if s.points is not None else "not rated"
                ),
                foreground=lambda s: rating_colour(s.points, fw.max_points),
            ),
            Column("Flag", lambda s: "⚑ revisit" if s.flagged else ""),
            Column("Text", lambda s: s.text),
            Column("Evidence", lambda s: s.evidence),
        ]
        chosen = self.statement_table.currentIndex().row()
        self.statement_model.set_rows(self.detail.statements())
        self.statement_table.horizontalHeader().setSectionResizeMode(
            3, QHeaderView.ResizeMode.Interactive
        )
        self.statement_table.setColumnWidth(3, self.fontMetrics().averageCharWidth() * 60)
        if chosen >= 0:
            self.statement_table.selectRow(chosen)

    def _statement_chosen(self, current: QModelIndex, _previous: QModelIndex) -> None:
        if not current.isValid():
            return
        statement: StatementState = self.statement_model.index(current.row(), 0).data(ROW_ROLE)
        aid = self.assessment_id
        self.ops.read(
            self,
            lambda session: history(session, aid, statement_id=statement.statement_id),
            lambda entries: self._show_history(statement, entries),
            key=f"results-history-{id(self)}",
        )

    def _show_history(self, statement: StatementState, entries: list[HistoryEntry]) -> None:
        self.history_label.setText(f"History of {statement.reference} ({_changes(len(entries))})")
        self.history_model.set_rows(entries)

    def _sittings_tab(self) -> QWidget:
        self.sittings_text = QLabel()
        text = self.sittings_text
        text.setWordWrap(True)
        text.setTextFormat(Qt.TextFormat.RichText)
        text.setAlignment(Qt.AlignmentFlag.AlignTop | Qt.AlignmentFlag.AlignLeft)
        text.setFocusPolicy(Qt.FocusPolicy.TabFocus)
        text.setAccessibleDescription("Who took part in each sitting")
        text.setTextInteractionFlags(
            Qt.TextInteractionFlag.TextSelectableByKeyboard
            | Qt.TextInteractionFlag.TextSelectableByMouse
        )
        scroll = QScrollArea()
        scroll.setWidgetResizable(True)
        scroll.setWidget(text)
        return scroll

    def _fill_sittings(self, sittings: list[SittingInfo]) -> None:
        lines = []
        for s in sittings:
            people = "".join(
                f"<li>{escape(p.name_or_role)} — {KIND_LABELS.get(p.kind, p.kind).lower()}</li>"
                for p in s.participants
            )
            lines.append(
                f"<h3>{escape(sitting_name(s))}</h3><p>{_changes(s.changes)} made.</p>"
                f"<ul>{people}</ul>"
            )
        self.sittings_text.setText(
            "".join(lines) or "<p>No workshop sittings have been recorded.</p>"
        )


def _changes(count: int) -> str:
    return f"{count} change{'' if count == 1 else 's'}"


def history_columns() -> list[Column[HistoryEntry]]:
    return [
        Column("When", lambda h: h.changed_at.strftime("%d %b %Y %H:%M:%S")),
        Column("What", lambda h: FIELD_LABELS.get(h.field, h.field)),
        Column("From", lambda h: _show(h.old)),
        Column("To", lambda h: _show(h.new)),
        Column("Sitting", lambda h: h.sitting or "outside a workshop (e.g. an import)"),
    ]


def _show(value: str | None) -> str:
    if value is None:
        return "none"
    if value == "":
        return "(empty)"
    return value
