"""One date field for every date nbdesk asks a person to type.

Staff type dates the way they write them (25/06/2005, 25/6/05, 25-06-2005, 2005-06-25,
25 Jun 2005). The field reads what was typed with the same reader the imports use, says beside
itself what it understood ("Saturday 25 June 2005") or why it cannot read it, and never turns text
it could not read into some other date: `value()` gives the date typed, None for an empty field,
and raises `DateProblem` otherwise. A calendar (Alt+Down or F4) and Up/Down (a day) and
Page Up/Page Down (a month) are there for those who prefer them.
"""

from __future__ import annotations

import re
from datetime import date, timedelta
from typing import Any

from PySide6.QtCore import QDate, Qt, Signal
from PySide6.QtGui import QKeyEvent
from PySide6.QtWidgets import (
    QCalendarWidget,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QToolButton,
    QVBoxLayout,
    QWidget,
)

from nbdesk.common import clock
from nbdesk.common.dates import parse_date

SHOWN_FORMAT = "%d %b %Y"  # as the lists show dates: 25 Jun 2005, never ambiguous


class DateProblem(ValueError):
    """What is typed is not a date nbdesk may use; the message is written for the person."""


def to_qdate(value: date) -> QDate:
    return QDate(value.year, value.month, value.day)


def to_date(value: QDate) -> date:
    return date(value.year(), value.month(), value.day())


def spelled_out(day: date) -> str:
    return f"{day:%A} {day.day} {day:%B %Y}"


def _add_months(day: date, months: int) -> date:
    month = day.month - 1 + months
    year, month = day.year + month // 12, month % 12 + 1
    for last in (31, 30, 29, 28):
        try:
            return date(year, month, min(day.day, last))
        except ValueError:
            continue
    raise AssertionError("every month has at least 28 days")


class _Edit(QLineEdit):
    """The text box: Up/Down step a day, Page Up/Down a month, Alt+Down or F4 open the calendar."""

    def __init__(self, field: DateField) -> None:
        super().__init__()
        self.field = field

    def keyPressEvent(self, event: QKeyEvent) -> None:
        key, mods = event.key(), event.modifiers()
        steps = {
            Qt.Key.Key_Up: (1, 0),
            Qt.Key.Key_Down: (-1, 0),
            Qt.Key.Key_PageUp: (0, 1),
            Qt.Key.Key_PageDown: (0, -1),
        }
        if key == Qt.Key.Key_F4 or (
            key == Qt.Key.Key_Down and mods & Qt.KeyboardModifier.AltModifier
        ):
            self.field.open_calendar()
            return
        if key in steps and not mods & ~Qt.KeyboardModifier.KeypadModifier:
            self.field.step(*steps[key])
            return
        super().keyPressEvent(event)


class DateField(QWidget):
    """A typed date with what it was understood as, or the problem, shown beside it.

    `optional` fields may be left empty (the date is then not known); `earliest` and `latest`
    bound what is accepted, each with the message shown when a date falls outside. `past`
    chooses how a two-digit year is read: the latest year not after this one (dates of birth) or
    the nearest one (everything else)."""

    dateChanged = Signal(object)  # date | None, whenever the date understood changes

    def __init__(
        self,
        accessible: str,
        value: date | None = None,
        *,
        optional: bool = False,
        past: bool = False,
        empty_text: str = "not known",
        parent: QWidget | None = None,
    ) -> None:
        super().__init__(parent)
        self.accessible = accessible
        self.optional = optional
        self.past = past
        self.empty_text = empty_text
        self.earliest: date | None = None
        self.latest: date | None = None
        self.too_early = ""
        self.too_late = ""
        self._last: tuple[bool, date | None] | None = None  # (readable, day) last announced
        self._calendar: QCalendarWidget | None = None

        self.edit = _Edit(self)
        self.edit.setAccessibleName(accessible)
        # Short enough to show whole in the narrow box at twice the font ("or leave em…").
        self.edit.setPlaceholderText("dd/mm/yyyy" + (" or empty" if optional else ""))
        self.edit.setMinimumWidth(
            round(self.edit.fontMetrics().horizontalAdvance("00 Mmm 0000 ") * 1.4)
        )
        # Never squashed to a sliver by a crowded form.
        self.edit.setMinimumHeight(self.edit.sizeHint().height())
        self.calendar_button = QToolButton()
        self.calendar_button.setText("…")
        self.calendar_button.setAccessibleName(f"Choose the {accessible.lower()} from a calendar")
        self.calendar_button.setToolTip("Choose from a calendar (Alt+Down)")
        self.calendar_button.setFocusPolicy(Qt.FocusPolicy.NoFocus)  # Alt+Down reaches it
        self.calendar_button.clicked.connect(self.open_calendar)
        self.feedback = QLabel()
        self.feedback.setWordWrap(True)
        self.feedback.setTextFormat(Qt.TextFormat.PlainText)

        row = QHBoxLayout()
        row.setContentsMargins(0, 0, 0, 0)
        row.addWidget(self.edit, 1)
        row.addWidget(self.calendar_button)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.setSpacing(2)
        layout.addLayout(row)
        layout.addWidget(self.feedback)
        # Focusable itself, so a label's Alt+key (its buddy) reaches the edit: with no focus
        # policy Qt passed it by, and the date typed next went into whichever field had focus.
        self.setFocusPolicy(Qt.FocusPolicy.StrongFocus)
        self.setFocusProxy(self.edit)
        self.edit.textChanged.connect(lambda _text: self._understand(finished=False))
        self.edit.editingFinished.connect(self._finished)
        self.setDate(value)

    # -- reading ---------------------------------------------------------------------------------

    def _read(self) -> date | None:
        """The date typed, None when empty, or DateProblem saying why it cannot be used."""
        text = self.edit.text().strip()
        if not text:
            if self.optional:
                return None
            raise DateProblem(f"{self.accessible}: type a date, for example 25/06/2005.")
        try:
            day = parse_date(text, clock.today(), past=self.past, serials=False)
        except ValueError as exc:
            raise DateProblem(f"{self.accessible}: {exc}.") from None
        if self.latest is not None and day > self.latest:
            raise DateProblem(self.too_late or f"{self.accessible}: {day:%d %b %Y} is too late.")
        if self.earliest is not None and day < self.earliest:
            raise DateProblem(self.too_early or f"{self.accessible}: {day:%d %b %Y} is too early.")
        return day

    def value(self) -> date | None:
        """The date the person typed (None when an optional field is empty); DateProblem,
        shown beside the field, when it cannot be used."""
        try:
            day = self._read()
        except DateProblem as exc:
            self._show_problem(str(exc))
            raise
        return day

    def date(self) -> date:
        """The date of a field that must hold one (DateProblem otherwise)."""
        day = self.value()
        if day is None:
            raise DateProblem(f"{self.accessible}: type a date, for example 25/06/2005.")
        return day

    def is_acceptable(self) -> bool:
        try:
            self._read()
        except DateProblem:
            return False
        return True

    # -- writing ---------------------------------------------------------------------------------

    def setDate(self, value: date | None) -> None:
        self.edit.setText(value.strftime(SHOWN_FORMAT) if value else "")
        self._understand(finished=True)

    def set_limits(
        self,
        earliest: date | None = None,
        latest: date | None = None,
        *,
        too_early: str = "",
        too_late: str = "",
    ) -> None:
        self.earliest, self.latest = earliest, latest
        self.too_early, self.too_late = too_early, too_late
        self._understand(finished=bool(self.edit.text().strip()))

    def step(self, days: int, months: int = 0) -> None:
        try:
            day = self._read() or clock.today()
        except DateProblem:
            day = clock.today()
        day = _add_months(day, months) + timedelta(days=days)
        self.setDate(day)

    def open_calendar(self) -> None:
        calendar = self._calendar
        if calendar is None:
            calendar = QCalendarWidget(self)
            calendar.setWindowFlags(Qt.WindowType.Popup)
            calendar.setAccessibleName(f"Calendar for the {self.accessible.lower()}")
            calendar.setGridVisible(True)
            calendar.setFirstDayOfWeek(Qt.DayOfWeek.Monday)
            calendar.activated.connect(self._chosen_in_calendar)
            calendar.clicked.connect(self._chosen_in_calendar)
            self._calendar = calendar
        calendar.setDateRange(
            to_qdate(self.earliest or date(1900, 1, 1)), to_qdate(self.latest or date(2199, 12, 31))
        )
        try:
            shown = self._read() or clock.today()
        except DateProblem:
            shown = clock.today()
        calendar.setSelectedDate(to_qdate(shown))
        calendar.move(self.mapToGlobal(self.edit.geometry().bottomLeft()))
        calendar.show()
        calendar.setFocus()

    def _chosen_in_calendar(self, value: QDate) -> None:
        self.setDate(to_date(value))
        if self._calendar is not None:
            self._calendar.hide()
        self.edit.setFocus()

    # -- feedback --------------------------------------------------------------------------------

    def _finished(self) -> None:
        # Once the person leaves the field, show the date the way the lists show it.
        try:
            day = self._read()
        except DateProblem:
            self._understand(finished=True)
            return
        shown = day.strftime(SHOWN_FORMAT) if day else ""
        if self.edit.text() != shown:
            self.edit.setText(shown)
        self._understand(finished=True)

    def _understand(self, finished: bool) -> None:
        try:
            day = self._read()
        except DateProblem as exc:
            day = None
            if finished or self._complete_looking():
                self._show_problem(str(exc))
            else:
                self._show_note("Day, month, year: 25/06/2005 or 25 Jun 2005")
            self._announce((False, None))
            return
        self._show_note(spelled_out(day) if day else self.empty_text.capitalize())
        self._announce((True, day))

    def _announce(self, state: tuple[bool, date | None]) -> None:
        # Unreadable text and an empty field both give None, but listeners (the age beside a
        # date of birth) must still hear the difference.
        if state != self._last:
            self._last = state
            self.dateChanged.emit(state[1])

    def _complete_looking(self) -> bool:
        """Typed far enough to judge: a four-digit year or a named month and a year."""
        text = self.edit.text().strip()
        return re.search(r"\d{4}", text) is not None

    def _show_problem(self, text: str) -> None:
        self._say(f"⚠ {text}")
        self.edit.setAccessibleDescription(text)
        self.setProperty("problem", True)

    def _show_note(self, text: str) -> None:
        self._say(text)
        self.edit.setAccessibleDescription(text)
        self.setProperty("problem", False)

    def _say(self, text: str) -> None:
        # A form gives a row the height its widgets ask for, and a word-wrapped label does not
        # ask for its second line: ask for every line the text needs at the width there is.
        self.feedback.setText(text)
        width = max(self.feedback.width(), self.edit.width(), self.edit.minimumWidth())
        self.feedback.setMinimumHeight(0)  # a label's height for a width is never below its minimum
        self.feedback.setMinimumHeight(self.feedback.heightForWidth(width))
        self.updateGeometry()

    def resizeEvent(self, event: Any) -> None:
        super().resizeEvent(event)
        self.feedback.setMinimumHeight(0)
        self.feedback.setMinimumHeight(self.feedback.heightForWidth(self.feedback.width()))
