"""Results of one assessment: scores as published, the areas ranked and charted, the highest and
lowest statements, every statement with its history, and who took part."""

from __future__ import annotations

from PySide6.QtCore import QModelIndex, Qt, Signal
from PySide6.QtGui import QCloseEvent
from PySide6.QtWidgets import (
    QAbstractItemView,
    QFrame,
    QGridLayout,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QScrollArea,
    QSplitter,
    QTableView,
    QTabWidget,
    QVBoxLayout,
    QWidget,
)

from nbdesk.forms.scoring import AreaScore
from nbdesk.self_assessment.assessments import AssessmentDetail, StatementState, load_assessment
from nbdesk.self_assessment.ratings import FIELD_LABELS
from nbdesk.self_assessment.results import RatedStatement, Results, area_ranks, results_from
from nbdesk.self_assessment.sittings import (
    KIND_LABELS,
    HistoryEntry,
    history,
    list_sittings,
    sitting_name,
)
from nbdesk.storage import Database
from nbdesk.ui.self_assessment.chart import AreaBarChart, ChartRow
from nbdesk.ui.self_assessment.common import (
    fmt_mean,
    fmt_percent,
    presenting_buttons,
    rating_colour,
    scaled_font,
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


def tile(caption: str, value: str, detail: str = "") -> QFrame:
    """A figure big enough to read from the back of the room, with its caption in words."""
    frame = QFrame()
    frame.setFrameShape(QFrame.Shape.StyledPanel)
    layout = QVBoxLayout(frame)
    top = QLabel(caption)
    top.setFont(scaled_font(1.1))
    big = QLabel(value)
    big.setFont(scaled_font(2.2, bold=True))
    layout.addWidget(top)
    layout.addWidget(big)
    if detail:
        small = QLabel(detail)
        small.setWordWrap(True)
        layout.addWidget(small)
    frame.setAccessibleName(f"{caption}: {value}. {detail}".strip())
    frame.setFocusPolicy(Qt.FocusPolicy.TabFocus)
    return frame


class ResultsWindow(QWidget):
    closed = Signal()

    def __init__(self, db: Database, assessment_id: int) -> None:
        super().__init__()
        self.db = db
        self.assessment_id = assessment_id
        with db.session() as session:
            self.detail: AssessmentDetail = load_assessment(session, assessment_id)
            sittings = list_sittings(session, assessment_id)
        self.results: Results = results_from(self.detail)
        summary = self.detail.summary
        scored = self.results.score
        top = self.results.out_of
        self.setWindowTitle(f"Results — {summary.name}")
        self.setAccessibleName(f"Results of {summary.name}")

        heading = QLabel(summary.name)
        heading.setFont(scaled_font(1.8, bold=True))
        sub = QLabel(f"{summary.describe} · {summary.framework_title}")
        sub.setFont(scaled_font(1.1))
        band = scored.band or "not yet"
        band_detail = (
            scored.bands.describe()
            if scored.complete
            else "No band until every statement is rated."
        )
        mean = scored.overall_mean
        tiles = QHBoxLayout()
        tiles.addWidget(
            tile(
                "Total",
                f"{scored.total}",
                f"of {scored.bands.highest} (lowest possible {scored.bands.lowest})",
            )
        )
        tiles.addWidget(tile("Band", band, band_detail))
        tiles.addWidget(
            tile(
                "Overall mean",
                f"{fmt_mean(mean)} of {top}",
                f"{fmt_percent(None if mean is None else mean / top * 100)} — the mean of the area means",
            )
        )
        tiles.addWidget(
            tile("Statements rated", f"{scored.rated} of {scored.statements}", scored.note)
        )

        self.tabs = QTabWidget()
        self.tabs.setAccessibleName("Results")
        self.tabs.addTab(self._areas_tab(), "&Areas")
        self.tabs.addTab(self._extremes_tab(), "&Highest and lowest")
        self.tabs.addTab(self._statements_tab(), "&Statements and history")
        self.tabs.addTab(self._sittings_tab(sittings), "Sitt&ings")

        buttons = presenting_buttons(self, "results")

        layout = QVBoxLayout(self)
        layout.addWidget(heading)
        layout.addWidget(sub)
        layout.addLayout(tiles)
        layout.addWidget(self.tabs, 1)
        layout.addLayout(buttons)
        line = self.fontMetrics().height()
        self.resize(line * 75, line * 50)

    def closeEvent(self, event: QCloseEvent) -> None:
        self.closed.emit()
        super().closeEvent(event)

    # Tabs -----------------------------------------------------------------------------------

    def _areas_tab(self) -> QWidget:
        top = self.results.out_of
        # Equal means share a rank ("=9"), as league tables show them.
        ranks = {
            number: f"={place}" if tied else str(place)
            for number, (place, tied) in area_ranks(self.results).items()
        }
        self.chart = AreaBarChart()
        self.chart.setFont(scaled_font(1.15))
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
        columns: list[Column[AreaScore]] = [
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
        self.area_model: ListModel[AreaScore] = ListModel(columns, self)
        self.area_model.set_rows(self.results.score.areas)
        self.area_table = make_table(self.area_model, "Area scores", stretch=1)
        # The overall score's history (and its note's) for the area selected in the table.
        self.area_history_model: ListModel[HistoryEntry] = ListModel(history_columns(), self)
        self.area_history_label = QLabel("History of the selected area's overall score")
        self.area_history_label.setFont(scaled_font(1.05, bold=True))
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

    def _area_chosen(self, current: QModelIndex, _previous: QModelIndex) -> None:
        if not current.isValid():
            return
        number = self.area_model.row(current.row()).number
        area = next(a for a in self.detail.areas if a.number == number)
        with self.db.session() as session:
            entries = history(session, self.assessment_id, area_id=area.area_id)
        note = f" — note: {area.overall_note}" if area.overall_note else ""
        self.area_history_label.setText(
            f"History of area {number}'s overall score ({len(entries)} change(s)){note}"
        )
        self.area_history_model.set_rows(entries)

    def _extremes_tab(self) -> QWidget:
        columns: list[Column[RatedStatement]] = [
            Column("Statement", lambda s: s.reference),
            Column(
                "Rating",
                lambda s: f"{s.points} {s.label}",
                foreground=lambda s: rating_colour(s.points, self.results.out_of),
            ),
            Column("Text", lambda s: s.text),
        ]
        self.highest_model: ListModel[RatedStatement] = ListModel(columns, self)
        self.highest_model.set_rows(self.results.highest)
        self.lowest_model: ListModel[RatedStatement] = ListModel(columns, self)
        self.lowest_model.set_rows(self.results.lowest)
        ranked = QLabel(
            "Areas from strongest to weakest: "
            + ", ".join(f"{a.number} ({fmt_mean(a.mean)})" for a in self.results.ranked)
        )
        ranked.setWordWrap(True)
        ranked.setFont(scaled_font(1.15))
        ranked.setFocusPolicy(Qt.FocusPolicy.TabFocus)
        ranked.setAccessibleName(ranked.text())
        page = QWidget()
        grid = QGridLayout(page)
        grid.addWidget(ranked, 0, 0)
        for row, (title, model) in enumerate(
            (
                ("Highest rated statements", self.highest_model),
                ("Lowest rated statements", self.lowest_model),
            ),
            start=1,
        ):
            label = QLabel(f"{title}{self._ties(model.rows)}")
            label.setFont(scaled_font(1.2, bold=True))
            grid.addWidget(label, row * 2 - 1, 0)
            grid.addWidget(make_table(model, title), row * 2, 0)
        return page

    def _ties(self, shown: list[RatedStatement]) -> str:
        """Say when more statements share the rating than the list has room for."""
        if not shown:
            return ""
        points = shown[-1].points
        same = sum(1 for s in self.detail.statements() if s.points == points)
        listed = sum(1 for s in shown if s.points == points)
        if same <= listed:
            return ""
        label = self.detail.framework.label_for(points)
        return f" — {listed} of the {same} rated {points} {label} shown, in framework order"

    def _statements_tab(self) -> QWidget:
        fw = self.detail.framework
        columns: list[Column[StatementState]] = [
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
        self.statement_model: ListModel[StatementState] = ListModel(columns, self)
        self.statement_model.set_rows(self.detail.statements())
        self.statement_table = make_table(self.statement_model, "Statements")
        self.statement_table.horizontalHeader().setSectionResizeMode(
            3, QHeaderView.ResizeMode.Interactive
        )
        self.statement_table.setColumnWidth(3, self.fontMetrics().averageCharWidth() * 60)
        self.history_model: ListModel[HistoryEntry] = ListModel(history_columns(), self)
        self.history_table = make_table(self.history_model, "History of the selected statement")
        self.history_label = QLabel("History of the selected statement")
        self.history_label.setFont(scaled_font(1.1, bold=True))
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

    def _statement_chosen(self, current: QModelIndex, _previous: QModelIndex) -> None:
        if not current.isValid():
            return
        statement: StatementState = self.statement_model.index(current.row(), 0).data(ROW_ROLE)
        with self.db.session() as session:
            entries = history(session, self.assessment_id, statement_id=statement.statement_id)
        self.history_label.setText(f"History of {statement.reference} ({len(entries)} change(s))")
        self.history_model.set_rows(entries)

    def _sittings_tab(self, sittings: list) -> QWidget:  # type: ignore[type-arg]
        lines = []
        for s in sittings:
            people = "".join(
                f"<li>{p.name_or_role} — {KIND_LABELS.get(p.kind, p.kind).lower()}</li>"
                for p in s.participants
            )
            lines.append(
                f"<h3>{sitting_name(s)}</h3><p>{s.changes} change(s) made.</p><ul>{people}</ul>"
            )
        text = QLabel("".join(lines) or "<p>No workshop sittings have been recorded.</p>")
        text.setWordWrap(True)
        text.setTextFormat(Qt.TextFormat.RichText)
        text.setAlignment(Qt.AlignmentFlag.AlignTop | Qt.AlignmentFlag.AlignLeft)
        text.setFocusPolicy(Qt.FocusPolicy.TabFocus)
        text.setAccessibleName("Who took part in each sitting")
        text.setTextInteractionFlags(
            Qt.TextInteractionFlag.TextSelectableByKeyboard
            | Qt.TextInteractionFlag.TextSelectableByMouse
        )
        scroll = QScrollArea()
        scroll.setWidgetResizable(True)
        scroll.setWidget(text)
        return scroll


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
