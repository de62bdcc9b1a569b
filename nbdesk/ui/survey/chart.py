"""Completions over time: a step line drawn with QPainter (PySide6-Essentials has no QtCharts).

The axes carry their values as text, the latest figure is written beside the line, and a screen
reader gets the same figures through the accessible description.
"""

from __future__ import annotations

from datetime import date

from PySide6.QtCore import QPointF, QRectF, QSize, Qt
from PySide6.QtGui import QColor, QPainter, QPainterPath, QPalette, QPen
from PySide6.QtWidgets import QSizePolicy, QWidget

from nbdesk.common import clock

LINE_COLOUR = QColor("#1f5fa8")


class CompletionsChart(QWidget):
    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.points: list[tuple[date, int]] = []
        self.start = clock.today()
        self.end = clock.today()
        self.eligible = 0
        self.setAccessibleName("Chart of completions over time")
        self.setFocusPolicy(Qt.FocusPolicy.TabFocus)
        self.setSizePolicy(QSizePolicy.Policy.Expanding, QSizePolicy.Policy.Expanding)

    def set_data(
        self, points: list[tuple[date, int]], start: date, end: date, eligible: int
    ) -> None:
        self.points = points
        self.start = min([start, *(d for d, _ in points)])
        self.end = max([end, *(d for d, _ in points)])
        self.eligible = eligible
        text = "; ".join(f"{d.strftime('%d %b')}: {n} completed" for d, n in points)
        self.setAccessibleDescription(
            f"Completions so far out of {eligible} eligible. {text or 'None yet.'}"
        )
        self.update()

    def sizeHint(self) -> QSize:
        line = self.fontMetrics().height()
        return QSize(line * 30, line * 14)

    def minimumSizeHint(self) -> QSize:
        line = self.fontMetrics().height()
        return QSize(line * 16, line * 9)

    def title(self, room: float) -> str:
        """The chart's title in `room` pixels: it may run over the room kept for labels on the
        right, and in a narrow window it says less rather than being cut ("… (of 9924 eli")."""
        metrics = self.fontMetrics()
        for words in (
            f"Completions so far (of {self.eligible} eligible)",
            f"Completed (of {self.eligible})",
        ):
            if metrics.horizontalAdvance(words) <= room:
                return words
        return "Completed"

    def paintEvent(self, event) -> None:
        painter = QPainter(self)
        painter.setRenderHint(QPainter.RenderHint.Antialiasing)
        palette = self.palette()
        text_colour = palette.color(QPalette.ColorRole.WindowText)
        painter.fillRect(self.rect(), palette.color(QPalette.ColorRole.Base))
        metrics = self.fontMetrics()
        line = metrics.height()
        top_value = (
            max(1, self.eligible, *(n for _, n in self.points))
            if self.points
            else max(1, self.eligible)
        )
        left = metrics.horizontalAdvance(str(top_value)) + line
        right = self.width() - line * 6
        top = line * 1.5
        bottom = self.height() - line * 2.2
        if right - left < line * 4 or bottom - top < line * 3:
            painter.end()
            return
        span = max(1, (self.end - self.start).days)

        def x_of(day: date) -> float:
            return left + (right - left) * (day - self.start).days / span

        def y_of(value: float) -> float:
            return bottom - (bottom - top) * value / top_value

        grid = QPen(palette.color(QPalette.ColorRole.Mid))
        grid.setStyle(Qt.PenStyle.DotLine)
        for fraction in (0.0, 0.25, 0.5, 0.75, 1.0):
            value = round(top_value * fraction)
            y = y_of(value)
            painter.setPen(grid)
            painter.drawLine(QPointF(left, y), QPointF(right, y))
            painter.setPen(text_colour)
            painter.drawText(
                QRectF(0, y - line / 2, left - line * 0.3, line),
                Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter,
                str(value),
            )
        painter.setPen(QPen(text_colour, 1))
        painter.drawLine(QPointF(left, bottom), QPointF(right, bottom))
        painter.drawLine(QPointF(left, top), QPointF(left, bottom))
        for day, align in (
            (self.start, Qt.AlignmentFlag.AlignLeft),
            (self.end, Qt.AlignmentFlag.AlignRight),
        ):
            x = x_of(day)
            rect = QRectF(
                x - line * 6 if align == Qt.AlignmentFlag.AlignRight else x,
                bottom + 2,
                line * 6,
                line * 1.2,
            )
            painter.drawText(rect, align | Qt.AlignmentFlag.AlignTop, day.strftime("%d %b %Y"))
        painter.drawText(
            QRectF(left, bottom + line * 1.0, right - left, line * 1.2),
            Qt.AlignmentFlag.AlignHCenter,
            "Day confirmed",
        )
        room = self.width() - left - line * 0.5
        title = self.title(room)
        painter.drawText(
            QRectF(left, 0, room, line * 1.3),
            Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignVCenter,
            title,
        )
        if self.eligible:
            # The text colour, dashed: the style's "Dark" grey was 2.65:1 on the chart's ground.
            target = QPen(text_colour, 1, Qt.PenStyle.DashLine)
            painter.setPen(target)
            painter.drawLine(
                QPointF(left, y_of(self.eligible)), QPointF(right, y_of(self.eligible))
            )
        if not self.points:
            painter.setPen(text_colour)
            painter.drawText(
                QRectF(left, top, right - left, bottom - top),
                Qt.AlignmentFlag.AlignCenter,
                "No completions recorded yet",
            )
            painter.end()
            return
        path = QPainterPath(QPointF(x_of(self.start), y_of(0)))
        for day, value in self.points:
            path.lineTo(QPointF(x_of(day), path.currentPosition().y()))
            path.lineTo(QPointF(x_of(day), y_of(value)))
        last_day, last_value = self.points[-1]
        path.lineTo(QPointF(x_of(max(last_day, min(clock.today(), self.end))), y_of(last_value)))
        painter.setPen(QPen(LINE_COLOUR, 2.5))
        painter.drawPath(path)
        for day, value in self.points:
            painter.setBrush(LINE_COLOUR)
            painter.drawEllipse(QPointF(x_of(day), y_of(value)), 3, 3)
        rate = f" ({last_value / self.eligible:.0%})" if self.eligible else ""
        painter.setPen(text_colour)
        painter.drawText(
            QRectF(right + line * 0.4, y_of(last_value) - line / 2, line * 6, line),
            Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignVCenter,
            f"{last_value}{rate}",
        )
        painter.end()
