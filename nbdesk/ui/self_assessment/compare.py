"""Compare two assessments: baseline against follow-up (change), or staff against young people (gap)."""

from __future__ import annotations

from PySide6.QtCore import QEvent, Qt, Signal
from PySide6.QtGui import QCloseEvent
from PySide6.QtWidgets import (
    QComboBox,
    QFormLayout,
    QGridLayout,
    QLabel,
    QSplitter,
    QVBoxLayout,
    QWidget,
)

from nbdesk.common.changes import Changes
from nbdesk.self_assessment.assessments import AssessmentSummary
from nbdesk.self_assessment.comparison import (
    GAP,
    AreaComparison,
    Comparison,
    StatementComparison,
    compare_assessments,
    natural_order,
)
from nbdesk.ui.dialogs import show_error
from nbdesk.ui.fit import Scroller, Tabs, fit_to_screen, may_narrow
from nbdesk.ui.ops import Ops
from nbdesk.ui.self_assessment.chart import AreaBarChart, ChartRow
from nbdesk.ui.self_assessment.common import fmt_diff, fmt_mean, presenting_buttons, rescale, scale
from nbdesk.ui.self_assessment.results import make_table
from nbdesk.ui.table_models import RIGHT, Column, ListModel


def default_pair(
    items: list[AssessmentSummary], chosen: int | None
) -> tuple[int | None, int | None]:
    """The comparison a lead most likely wants: the chosen assessment against its counterpart —
    the follow-up of the same perspective if there is one, otherwise the other perspective."""
    if not items:
        return None, None
    first = next((a for a in items if a.id == chosen), items[0])
    others = [a for a in items if a.id != first.id]
    if not others:
        return first.id, None
    same_view = [a for a in others if a.perspective == first.perspective and a.stage != first.stage]
    same_time = [a for a in others if a.perspective != first.perspective and a.stage == first.stage]
    second = (same_view or same_time or others)[0]
    # Baseline (or staff) first, so that a positive change reads as an improvement.
    return natural_order(first, second)


class CompareWindow(QWidget):
    closed = Signal()

    def event(self, event: QEvent) -> bool:
        if event.type() == QEvent.Type.ApplicationFontChange:
            rescale(self)  # headings and figures follow a font change while it is open
        return super().event(event)

    def __init__(self, ops: Ops, items: list[AssessmentSummary], chosen: int | None) -> None:
        super().__init__()
        self.ops = ops
        self.setWindowTitle("Compare assessments")
        self.setAccessibleName("Compare assessments")
        self.first = QComboBox()
        self.first.setAccessibleName("First assessment (baseline, or staff)")
        self.second = QComboBox()
        self.second.setAccessibleName("Second assessment (follow-up, or young people)")
        for combo in (self.first, self.second):
            for a in items:
                combo.addItem(f"{a.name} — {a.describe}", a.id)
            may_narrow(combo)
        first, second = default_pair(items, chosen)
        if first is not None:
            self.first.setCurrentIndex(self.first.findData(first))
        if second is not None:
            self.second.setCurrentIndex(self.second.findData(second))
        self.first.currentIndexChanged.connect(lambda _i: self.refresh())
        self.second.currentIndexChanged.connect(lambda _i: self.refresh())
        form = QFormLayout()
        form.addRow("&First:", self.first)
        form.addRow("&Second:", self.second)

        self.heading = QLabel()
        scale(self.heading, 1.6, bold=True)
        self.heading.setWordWrap(True)
        self.summary = QLabel()
        scale(self.summary, 1.15)
        self.summary.setWordWrap(True)
        self.summary.setFocusPolicy(Qt.FocusPolicy.TabFocus)
        self.chart = AreaBarChart()
        scale(self.chart, 1.1)
        self.area_model: ListModel[AreaComparison] = ListModel([], self)
        self.area_table = make_table(self.area_model, "Areas compared", stretch=0)
        self.list_models: list[ListModel[StatementComparison]] = [
            ListModel([], self),
            ListModel([], self),
        ]
        self.list_labels = [QLabel(), QLabel()]
        self.list_tables = [make_table(m, "") for m in self.list_models]

        areas_page = QSplitter(Qt.Orientation.Vertical)
        areas_page.addWidget(self.chart)
        areas_page.addWidget(self.area_table)
        lists_page = QWidget()
        grid = QGridLayout(lists_page)
        for column, (label, table) in enumerate(
            zip(self.list_labels, self.list_tables, strict=True)
        ):
            scale(label, 1.2, bold=True)
            grid.addWidget(label, 0, column)
            grid.addWidget(table, 1, column)
        self.tabs = Tabs()
        self.tabs.addTab(areas_page, "&Areas")
        self.tabs.addTab(lists_page, "S&tatements")
        self.tabs.setAccessibleName("Comparison")

        buttons = presenting_buttons(self, "comparison")
        content = QVBoxLayout()
        content.addLayout(form)
        content.addWidget(self.heading)
        content.addWidget(self.summary)
        content.addWidget(self.tabs, 1)
        layout = QVBoxLayout(self)
        layout.addWidget(Scroller(content), 1)
        layout.addLayout(buttons)
        line = self.fontMetrics().height()
        fit_to_screen(self, line * 75, line * 50)
        self.comparison: Comparison | None = None
        self._asked = 0
        ops.changed.connect(self._changed)
        self.refresh()

    def _changed(self, changes: Changes) -> None:
        first, second = self.first.currentData(), self.second.currentData()
        if any(changes.touches_assessment(a) for a in (first, second) if a is not None):
            self.refresh()

    def closeEvent(self, event: QCloseEvent) -> None:
        self.closed.emit()
        super().closeEvent(event)

    def refresh(self) -> None:
        first, second = self.first.currentData(), self.second.currentData()
        self._asked += 1  # a comparison asked for earlier is not shown once this one is asked
        asked = self._asked
        if first is None or second is None or first == second:
            self.comparison = None
            self.heading.setText("Choose two different assessments.")
            # Nothing of the pair shown before may stand beside this heading.
            self.summary.clear()
            self.chart.set_data([], [], 4.0)
            self.area_model.set_rows([])
            for model, label in zip(self.list_models, self.list_labels, strict=True):
                model.set_rows([])
                label.clear()
            return
        self.ops.read(
            self,
            lambda session: compare_assessments(session, first, second),
            lambda result: self.show_comparison(result) if asked == self._asked else None,
            key=f"compare-{id(self)}",
            failed=lambda exc: show_error(self, "Cannot compare", str(exc)),
            title="Comparing",
        )

    def show_comparison(self, result: Comparison) -> None:
        self.comparison = result
        gap = result.kind == GAP
        a_label, b_label = result.first_label, result.second_label
        what = "Gap" if gap else "Change"
        heading = (
            f"{'Staff against young people' if gap else 'Change over time'}: "
            f"{result.first.name} → {result.second.name}"
        )
        # A half-rated side changes what the figures mean: say so first, in the headline.
        incomplete = result.incomplete_sides()
        if incomplete:
            heading += " (" + "; ".join(incomplete) + ")"
        self.heading.setText(heading)
        a_mean, b_mean = result.first_score.overall_mean, result.second_score.overall_mean
        diff = None if a_mean is None or b_mean is None else b_mean - a_mean
        note = ""
        if not result.complete:
            note = " " + result.basis()
        if diff is None:
            # "Overall mean – (Staff) and – (Young people): a gap of –" read as a fault to a
            # tester whose staff had a mean already: say which side has none yet.
            means = " and ".join(
                f"{fmt_mean(m) if m is not None else 'none yet'} ({label})"
                for m, label in ((a_mean, a_label), (b_mean, b_label))
            )
            sentence = f"Overall mean {means}, so no {'gap' if gap else 'change'} yet."
        elif gap:
            sentence = (
                f"Overall mean {fmt_mean(a_mean)} ({a_label}) and {fmt_mean(b_mean)} ({b_label}): "
                f"a gap of {fmt_diff(diff)}. A small gap is one of the programme's outcomes."
            )
        else:
            improved, declined = len(result.improved), len(result.declined)
            sentence = (
                f"Overall mean {fmt_mean(a_mean)} → {fmt_mean(b_mean)} ({fmt_diff(diff)}); "
                f"{improved} statement(s) improved, {declined} declined."
            )
        if result.unmatched:
            note += (
                f" {len(result.unmatched)} statement(s) are in only one of the two frameworks "
                "and are left out."
            )
        self.summary.setText(sentence + note)
        self.summary.setAccessibleName(self.summary.text())
        top = float(
            max(result.first_score.bands.highest // max(1, result.first_score.statements), 1)
        )
        areas = (
            result.areas_by_gap + [a for a in result.areas if a.difference is None]
            if gap
            else result.areas
        )
        self.chart.set_data(
            [
                ChartRow(
                    f"{a.number}. {a.title}",
                    (a.first, a.second),
                    _row_text(a, what),
                )
                for a in areas
            ],
            [
                a_label if a_label != b_label else result.first.name,
                b_label if a_label != b_label else result.second.name,
            ],
            top,
        )
        self.area_model.columns = [
            Column("Area", lambda a: f"{a.number}. {a.title}"),
            Column(f"{a_label} mean", lambda a: fmt_mean(a.first), align=RIGHT),
            Column(f"{b_label} mean", lambda a: fmt_mean(a.second), align=RIGHT),
            Column(what, lambda a: fmt_diff(a.difference), align=RIGHT),
            Column(
                f"{a_label} /10",
                lambda a: "–" if a.first_overall is None else str(a.first_overall),
                align=RIGHT,
            ),
            Column(
                f"{b_label} /10",
                lambda a: "–" if a.second_overall is None else str(a.second_overall),
                align=RIGHT,
            ),
        ]
        self.area_model.set_rows(areas)
        header = self.area_table.horizontalHeader()
        header.setStretchLastSection(False)
        header.setSectionResizeMode(0, header.ResizeMode.Stretch)
        statement_columns: list[Column[StatementComparison]] = [
            Column("Statement", lambda s: s.reference),
            Column(a_label, lambda s: "–" if s.first is None else str(s.first), align=RIGHT),
            Column(b_label, lambda s: "–" if s.second is None else str(s.second), align=RIGHT),
            Column(what, lambda s: fmt_diff(s.difference, 0), align=RIGHT),
            Column("Text", lambda s: s.text),
        ]
        if gap:
            lists = [
                ("Largest gaps, largest first", result.largest_gaps),
                ("Agreed (no gap)", [s for s in result.statements if s.difference == 0]),
            ]
        else:
            lists = [("Improved", result.improved), ("Declined", result.declined)]
        for (title, items), model, label, table in zip(
            lists, self.list_models, self.list_labels, self.list_tables, strict=True
        ):
            model.columns = statement_columns
            model.set_rows(items)
            label.setText(f"{title} ({len(items)})")
            table.setAccessibleName(title)


def _row_text(area: AreaComparison, what: str) -> str:
    if area.first is None or area.second is None:
        return f"{fmt_mean(area.first)} → {fmt_mean(area.second)} (not rated in both)"
    return f"{fmt_mean(area.first)} → {fmt_mean(area.second)} ({what.lower()} {fmt_diff(area.difference)})"
