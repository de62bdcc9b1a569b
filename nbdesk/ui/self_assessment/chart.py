"""A horizontal bar chart of area scores, drawn with QPainter (PySide6-Essentials has no QtCharts).

Every bar carries its value as text, and a second series is told apart by a hatched pattern as well
as its colour, so the chart reads in black and white and on a washed-out projector.
"""

from __future__ import annotations

from dataclasses import dataclass

from PySide6.QtCore import QRectF, QSize, Qt
from PySide6.QtGui import QBrush, QColor, QPainter, QPalette, QPen
from PySide6.QtWidgets import QSizePolicy, QWidget

# Blue and a dark orange: each 3:1 or more on white (the orange was 2.9:1), told apart by shape too.
SERIES_COLOURS = (QColor("#1f5fa8"), QColor("#b4621b"))
SERIES_PATTERNS = (Qt.BrushStyle.SolidPattern, Qt.BrushStyle.BDiagPattern)


@dataclass(frozen=True)
class ChartRow:
    label: str
    values: tuple[float | None, ...]  # one per series; None for an area with nothing rated
    text: str  # written at the end of the row's bars


class AreaBarChart(QWidget):
    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.rows: list[ChartRow] = []
        self.series: list[str] = []
        self.maximum = 4.0
        self.setAccessibleName("Bar chart of the areas")
        self.setSizePolicy(QSizePolicy.Policy.Expanding, QSizePolicy.Policy.Expanding)
        self.setFocusPolicy(Qt.FocusPolicy.TabFocus)

    def set_data(self, rows: list[ChartRow], series: list[str], maximum: float) -> None:
        self.rows = rows
        self.series = series
        self.maximum = maximum
        # A screen reader gets the same figures as the picture.
        self.setAccessibleDescription("; ".join(f"{r.label}: {r.text}" for r in rows))
        self.updateGeometry()
        self.update()

    def _row_height(self) -> float:
        line = self.fontMetrics().height()
        return line * (1.7 if len(self.series) <= 1 else 2.6)

    def sizeHint(self) -> QSize:
        line = self.fontMetrics().height()
        return QSize(line * 40, int(self._row_height() * max(1, len(self.rows)) + line * 4))

    def minimumSizeHint(self) -> QSize:
        line = self.fontMetrics().height()
        return QSize(line * 20, int(self._row_height() * max(1, len(self.rows)) * 0.7 + line * 3))

    def paintEvent(self, event) -> None:
        painter = QPainter(self)
        painter.setRenderHint(QPainter.RenderHint.Antialiasing)
        metrics = self.fontMetrics()
        line = metrics.height()
        palette = self.palette()
        text_colour = palette.color(QPalette.ColorRole.WindowText)
        base = palette.color(QPalette.ColorRole.Base)
        painter.fillRect(self.rect(), base)
        if not self.rows:
            painter.setPen(text_colour)
            painter.drawText(self.rect(), Qt.AlignmentFlag.AlignCenter, "Nothing rated yet")
            return

        width, height = self.width(), self.height()
        legend_h = line * 1.6 if len(self.series) > 1 else 0.0
        axis_h = line * 1.4
        label_w = min(
            width * 0.38, max(metrics.horizontalAdvance(r.label) for r in self.rows) + line
        )
        value_w = max(metrics.horizontalAdvance(r.text) for r in self.rows) + line
        left = label_w
        right = width - value_w
        plot_w = max(10.0, right - left)
        top = legend_h + axis_h
        row_h = (height - top - line * 0.5) / len(self.rows)

        if legend_h:
            x = left
            for i, name in enumerate(self.series):
                swatch = QRectF(x, line * 0.3, line, line * 0.8)
                self._bar(painter, swatch, i)
                painter.setPen(text_colour)
                painter.drawText(
                    QRectF(x + line * 1.3, 0, width, legend_h), Qt.AlignmentFlag.AlignVCenter, name
                )
                x += line * 2.5 + metrics.horizontalAdvance(name)

        # Grid lines at each whole point, labelled along the top.
        grid = QPen(palette.color(QPalette.ColorRole.Mid))
        grid.setStyle(Qt.PenStyle.DotLine)
        for step in range(int(self.maximum) + 1):
            x = left + plot_w * step / self.maximum
            painter.setPen(grid)
            painter.drawLine(int(x), int(top), int(x), int(height - line * 0.5))
            painter.setPen(text_colour)
            painter.drawText(
                QRectF(x - line, legend_h, line * 2, axis_h),
                Qt.AlignmentFlag.AlignCenter,
                str(step),
            )

        for index, row in enumerate(self.rows):
            y = top + index * row_h
            painter.setPen(text_colour)
            label_rect = QRectF(0, y, label_w - line * 0.5, row_h)
            elided = metrics.elidedText(
                row.label, Qt.TextElideMode.ElideRight, int(label_rect.width())
            )
            painter.drawText(
                label_rect, Qt.AlignmentFlag.AlignVCenter | Qt.AlignmentFlag.AlignRight, elided
            )
            count = max(1, len(row.values))
            bar_h = row_h * 0.62 / count
            first_y = y + row_h * 0.19
            end = left
            for i, value in enumerate(row.values):
                if value is None:
                    continue
                length = plot_w * max(0.0, min(value, self.maximum)) / self.maximum
                rect = QRectF(left, first_y + i * bar_h, length, bar_h * 0.92)
                self._bar(painter, rect, i)
                end = max(end, rect.right())
            painter.setPen(text_colour)
            text_rect = QRectF(end + line * 0.4, y, width - end, row_h)
            flags = Qt.AlignmentFlag.AlignVCenter | Qt.AlignmentFlag.AlignLeft
            # On the page's colour: a grid line running through the figures made them hard to
            # read.
            behind = painter.boundingRect(text_rect, flags, row.text)
            painter.fillRect(behind.adjusted(-line * 0.2, 0, line * 0.2, 0), base)
            painter.drawText(text_rect, flags, row.text)
        painter.end()

    def _bar(self, painter: QPainter, rect: QRectF, series: int) -> None:
        colour = SERIES_COLOURS[series % len(SERIES_COLOURS)]
        pattern = SERIES_PATTERNS[series % len(SERIES_PATTERNS)]
        if pattern != Qt.BrushStyle.SolidPattern:
            painter.fillRect(rect, colour.lighter(185))
        painter.fillRect(rect, QBrush(colour, pattern))
        painter.setPen(QPen(colour.darker(130), 1))
        painter.drawRect(rect)
