"""Young people's priorities after a round: how many named each theme on the authority's list, and
short anonymous quotes (a month, never a day or a name).

When a quote holds a word that is a name on the register, the page says which word, plainly and
at once, and offers to edit it; the lead may keep it (the word may not be about a person). The
lists mark such quotes with a symbol and the word for as long as they hold it.
"""

from __future__ import annotations

import re
from typing import TYPE_CHECKING, Any, NamedTuple

from PySide6.QtCore import Qt
from PySide6.QtGui import QKeySequence, QShortcut
from PySide6.QtWidgets import (
    QFormLayout,
    QFrame,
    QGroupBox,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QLineEdit,
    QSpinBox,
    QVBoxLayout,
    QWidget,
)

from nbdesk.feedback.priorities import (
    MAX_COUNT,
    QuoteView,
    add_quote,
    add_theme,
    edit_quote,
    list_themes,
    month_of,
    names_in,
    remove_quote,
    set_count,
    tally,
)
from nbdesk.ui.dialogs import ask_text
from nbdesk.ui.survey.common import labelled_button, table_view
from nbdesk.ui.survey.findings_box import confirm
from nbdesk.ui.survey.fit import Reflow
from nbdesk.ui.survey.results_tab import (
    problem_label,
    rows_follow_width,
    say_problem,
    wrapped,
)
from nbdesk.ui.table_models import RIGHT, ROW_ROLE, Column, ListModel

if TYPE_CHECKING:
    from nbdesk.ui.survey.section import SurveySection

_WORD = re.compile(r"[^\W\d_]+(?:['’-][^\W\d_]+)*")


class QuoteRow(NamedTuple):
    quote: QuoteView
    names: tuple[str, ...]  # words in it that are names on the register


class ThemeRow(NamedTuple):
    id: int
    name: str
    count: int
    quotes: tuple[QuoteRow, ...]


def read_priorities(session: Any, round_id: int) -> list[ThemeRow]:
    """Every theme on the list: those named this round first (most named first), then the rest."""
    named = tally(session, round_id)
    texts = "\n".join(q.text for r in named for q in r.quotes)
    found = {w.lower() for w in names_in(session, texts)} if texts else set()

    def names(text: str) -> tuple[str, ...]:
        return tuple(dict.fromkeys(w for w in _WORD.findall(text) if w.lower() in found))

    rows = [
        ThemeRow(r.theme_id, r.theme, r.count, tuple(QuoteRow(q, names(q.text)) for q in r.quotes))
        for r in named
    ]
    seen = {r.id for r in rows}
    return rows + [ThemeRow(i, name, 0, ()) for i, name in list_themes(session) if i not in seen]


def names_words(names: tuple[str, ...]) -> str:
    if not names:
        return ""
    quoted = ", ".join(f"“{n}”" for n in names)
    return f"⚠ contains {quoted}, a name on the register"


def buddy(text: str, field: QWidget) -> QLabel:
    label = QLabel(text)
    label.setBuddy(field)
    return label


def stretch_column(view: Any, stretched: int) -> None:
    """One column takes the room left (and wraps); the others are as wide as their words."""
    header = view.horizontalHeader()
    header.setStretchLastSection(False)
    for column in range(view.model().columnCount()):
        mode = (
            QHeaderView.ResizeMode.Stretch
            if column == stretched
            else QHeaderView.ResizeMode.ResizeToContents
        )
        header.setSectionResizeMode(column, mode)
    rows_follow_width(view)
    view.setMinimumHeight(view.fontMetrics().height() * 10)


def ask_quote_text(parent: QWidget, text: str) -> str | None:
    """The quote as edited, or None if the person cancels."""
    label = "The quote (no names, nothing that could identify anyone):"
    return ask_text(parent, "Edit the quote", label, text, chars=80)


def quotes_words(theme: ThemeRow) -> str:
    held = any(q.names for q in theme.quotes)
    return f"{len(theme.quotes)}{' ⚠ one holds a name' if held else ''}"


THEME_COLUMNS: list[Column[ThemeRow]] = [
    Column("Theme", lambda t: t.name),
    Column("Named by", lambda t: str(t.count), sort=lambda t: t.count, align=RIGHT),
    Column("Quotes", quotes_words, sort=lambda t: len(t.quotes)),
]
QUOTE_COLUMNS: list[Column[QuoteRow]] = [
    Column("Month", lambda q: q.quote.month),
    Column("Quote", lambda q: q.quote.text),
    Column("Check", lambda q: names_words(q.names)),
]


class PrioritiesBox(QWidget):
    def __init__(self, section: SurveySection) -> None:
        super().__init__()
        self.section = section
        self.round_id: int | None = None
        self.keep_theme: int | None = None
        self.warned: tuple[int, str] | None = None  # the quote the warning is about, and its text
        self.themes: ListModel[ThemeRow] = ListModel(THEME_COLUMNS, self)
        self.theme_view = table_view(self.themes, "Priority themes", sortable=False)
        self.theme_view.setWordWrap(True)
        self.theme_view.selectionModel().currentRowChanged.connect(lambda *_: self._theme_chosen())
        self.new_theme = QLineEdit()
        self.new_theme.setAccessibleName("A theme to add")
        self.new_theme.setPlaceholderText("for example, Travel and bus fares")
        self.new_theme.returnPressed.connect(self.add_theme)
        self.add_theme_button = labelled_button("Add theme", "Add theme: the one typed")
        self.add_theme_button.clicked.connect(self.add_theme)
        self.count = QSpinBox()
        self.count.setRange(0, MAX_COUNT)
        self.count.setAccessibleName("Number who named it: the chosen theme")
        self.count_button = labelled_button("&Save count", "Save count for the chosen theme")
        self.count_button.clicked.connect(self.save_count)
        self.theme_problem = problem_label()

        self.quotes: ListModel[QuoteRow] = ListModel(QUOTE_COLUMNS, self)
        self.quote_view = table_view(self.quotes, "Quotes for the chosen theme", sortable=False)
        self.quote_view.setWordWrap(True)
        stretch_column(self.theme_view, 0)
        stretch_column(self.quote_view, 1)
        self.quote_text = QLineEdit()
        self.quote_text.setAccessibleName("Quote text of a new quote")
        self.quote_text.setPlaceholderText("a few words, with no names")
        self.quote_month = QLineEdit()
        self.quote_month.setAccessibleName("Month of the new quote")
        self.quote_month.setPlaceholderText("2026-11")
        for edit in (self.quote_text, self.quote_month):
            edit.returnPressed.connect(self.add_quote)
        self.add_quote_button = labelled_button("Add quote", "Add quote: the one typed")
        self.add_quote_button.clicked.connect(self.add_quote)
        self.edit_button = labelled_button("Ed&it quote…", "Edit quote: the chosen one")
        self.remove_button = labelled_button("Remo&ve quote", "Remove quote: the chosen one")
        self.edit_button.clicked.connect(self.edit_chosen)
        self.remove_button.clicked.connect(self.remove_chosen)
        for key, slot in (("F2", self.edit_chosen), ("Return", self.edit_chosen)):
            shortcut = QShortcut(QKeySequence(key), self.quote_view, activated=slot)
            shortcut.setContext(Qt.ShortcutContext.WidgetShortcut)
        delete = QShortcut(QKeySequence(QKeySequence.StandardKey.Delete), self.quote_view)
        delete.setContext(Qt.ShortcutContext.WidgetShortcut)
        delete.activated.connect(self.remove_chosen)
        self.quote_problem = problem_label()
        self.warning = QFrame()
        self.warning.setFrameShape(QFrame.Shape.Box)
        self.warning_text = wrapped()
        self.warning_text.setTextFormat(Qt.TextFormat.PlainText)
        self.keep_button = labelled_button("&Keep it", "Keep it: the quote as it is")
        self.fix_button = labelled_button("Edit it…", "Edit it: the quote")
        self.keep_button.clicked.connect(self._keep)
        self.fix_button.clicked.connect(self._fix)
        # Outside a dialog a button takes Space only; the warning offers the keyboard to "Edit
        # it…", so Enter must press it too.
        for button in (self.fix_button, self.keep_button):
            for key in ("Return", "Enter"):
                press = QShortcut(QKeySequence(key), button, activated=button.click)
                press.setContext(Qt.ShortcutContext.WidgetShortcut)
        warning = QVBoxLayout(self.warning)
        warning.addWidget(self.warning_text)
        choices = QHBoxLayout()
        choices.addWidget(self.fix_button)
        choices.addWidget(self.keep_button)
        choices.addStretch(1)
        warning.addLayout(choices)
        self.warning.hide()

        themes_box = QGroupBox("Themes on the authority's list")
        left = QVBoxLayout(themes_box)
        listed = QLabel("Th&emes (most named this round first):")
        listed.setBuddy(self.theme_view)
        listed.setWordWrap(True)
        left.addWidget(listed)
        left.addWidget(self.theme_view, 1)
        count_row = QFormLayout()
        count_row.setRowWrapPolicy(QFormLayout.RowWrapPolicy.WrapLongRows)
        counting = QHBoxLayout()
        counting.addWidget(self.count, 1)
        counting.addWidget(self.count_button)
        count_row.addRow(buddy("Nu&mber who named it:", self.count), counting)
        adding = QHBoxLayout()
        adding.addWidget(self.new_theme, 1)
        adding.addWidget(self.add_theme_button)
        count_row.addRow(buddy("A theme to &add:", self.new_theme), adding)
        left.addLayout(count_row)
        left.addWidget(self.theme_problem)
        for key in ("Return", "Enter"):  # Enter in the count saves it
            shortcut = QShortcut(QKeySequence(key), self.count, activated=self.save_count)
            shortcut.setContext(Qt.ShortcutContext.WidgetWithChildrenShortcut)

        self.quotes_box = QGroupBox("Quotes")
        right = QVBoxLayout(self.quotes_box)
        quotes_label = QLabel("&Quotes for the chosen theme (Enter or F2 edits, Delete removes):")
        quotes_label.setBuddy(self.quote_view)
        quotes_label.setWordWrap(True)
        right.addWidget(quotes_label)
        right.addWidget(self.quote_view, 1)
        right.addWidget(Reflow([self.edit_button, self.remove_button]))
        right.addWidget(self.warning)
        form = QFormLayout()
        form.setRowWrapPolicy(QFormLayout.RowWrapPolicy.WrapLongRows)
        form.addRow("Quote te&xt:", self.quote_text)
        month_row = QHBoxLayout()
        month_row.addWidget(self.quote_month)
        month_row.addWidget(self.add_quote_button)
        month_row.addStretch(1)
        form.addRow(buddy("Mon&th:", self.quote_month), month_row)
        right.addLayout(form)
        right.addWidget(self.quote_problem)
        right.addWidget(
            wrapped(
                "A quote keeps its month only. Leave out names and anything that could say "
                "who it was."
            )
        )
        # Side by side when both fit, else the themes above the quotes (a small screen).
        layout = QVBoxLayout(self)
        layout.addWidget(Reflow([themes_box, self.quotes_box], fill=True, most=2))

    # Reading ----------------------------------------------------------------------------------

    def refresh(self, round_id: int) -> None:
        ops = self.section.ops
        assert ops is not None
        if round_id != self.round_id:
            self.quote_month.setText(month_of(None))
            self._hide_warning()
            for label in (self.theme_problem, self.quote_problem):
                say_problem(label, "")
        self.round_id = round_id
        chosen = self.theme()
        if chosen is not None and self.keep_theme is None:
            self.keep_theme = chosen.id
        ops.read(
            self,
            lambda session: read_priorities(session, round_id),
            self.show_priorities,
            key=f"priorities-{id(self)}",
        )

    def show_priorities(self, rows: list[ThemeRow]) -> None:
        keep, self.keep_theme = self.keep_theme, None
        quote_row = self.quote_view.currentIndex().row()
        self.themes.set_rows(rows)
        self.theme_view.resizeRowsToContents()
        index = next((i for i, r in enumerate(rows) if r.id == keep), 0 if rows else -1)
        if index >= 0:
            self.theme_view.setCurrentIndex(self.themes.index(index, 0))
        self._theme_chosen()
        if 0 <= quote_row < self.quotes.rowCount():
            self.quote_view.setCurrentIndex(self.quotes.index(quote_row, 1))

    def theme(self) -> ThemeRow | None:
        index = self.theme_view.currentIndex()
        return index.data(ROW_ROLE) if index.isValid() else None

    def quote(self) -> QuoteRow | None:
        index = self.quote_view.currentIndex()
        return index.data(ROW_ROLE) if index.isValid() else None

    def _theme_chosen(self) -> None:
        theme = self.theme()
        self.count.setValue(theme.count if theme else 0)
        self.quotes.set_rows(theme.quotes if theme else ())
        self.quote_view.resizeRowsToContents()
        self.quotes_box.setTitle(f"Quotes: {theme.name}" if theme else "Quotes")
        for widget in (self.count, self.count_button, self.quote_text, self.add_quote_button):
            widget.setEnabled(theme is not None)

    # Changing ---------------------------------------------------------------------------------

    def _write(self, work: Any, done: Any, problem: QLabel, title: str) -> None:
        ops = self.section.ops
        if ops is None or self.round_id is None:
            return
        say_problem(problem, "")
        ops.write(
            self,
            work,
            done,
            failed=lambda exc: say_problem(problem, f"Not saved: {exc}"),
            title=title,
        )

    def add_theme(self) -> None:
        name = self.new_theme.text()

        def added(done: Any) -> None:
            self.keep_theme = done.value
            self.new_theme.clear()
            self.section.status(f"Theme added to the list: {' '.join(name.split())}.")

        self._write(lambda s: add_theme(s, name), added, self.theme_problem, "Adding the theme")

    def save_count(self) -> None:
        theme, round_id, value = self.theme(), self.round_id, self.count.value()
        if theme is None or round_id is None:
            return
        self.keep_theme = theme.id
        self._write(
            lambda s: set_count(s, round_id, theme.id, value),
            lambda _d: self.section.status(f"{theme.name}: named by {value}."),
            self.theme_problem,
            "Saving the count",
        )

    def add_quote(self) -> None:
        theme, round_id = self.theme(), self.round_id
        text, month = self.quote_text.text(), self.quote_month.text().strip() or None
        if theme is None or round_id is None:
            return
        self.keep_theme = theme.id

        def added(done: Any) -> None:
            self.quote_text.clear()
            self.section.status(f"Quote added under {theme.name}.")
            value = done.value
            self._warn(value.quote_id, " ".join(text.split()), value.names_found, self.quote_text)

        self._write(
            lambda s: add_quote(s, round_id, theme.id, text, month=month),
            added,
            self.quote_problem,
            "Adding the quote",
        )

    def edit_chosen(self) -> None:
        chosen = self.quote()
        if chosen is not None:
            self._edit(chosen.quote.id, chosen.quote.text)

    def _edit(self, quote_id: int, text: str) -> None:
        edited = ask_quote_text(self, text)
        if edited is None or edited == text:
            return
        theme = self.theme()
        self.keep_theme = theme.id if theme else None

        def saved(done: Any) -> None:
            self.section.status("Quote edited.")
            self._warn(quote_id, " ".join(edited.split()), done.value, self.quote_view)

        self._write(
            lambda s: edit_quote(s, quote_id, edited),
            saved,
            self.quote_problem,
            "Editing the quote",
        )

    def remove_chosen(self) -> None:
        chosen = self.quote()
        if chosen is None:
            return
        if not confirm(self, "Remove the quote", f"Remove “{chosen.quote.text}”?", "Remove it"):
            return
        theme = self.theme()
        self.keep_theme = theme.id if theme else None
        if self.warned and self.warned[0] == chosen.quote.id:
            self._hide_warning()
        self._write(
            lambda s: remove_quote(s, chosen.quote.id),
            lambda _d: self.section.status("Quote removed."),
            self.quote_problem,
            "Removing the quote",
        )

    # The warning about names ------------------------------------------------------------------

    def _warn(self, quote_id: int, text: str, names: tuple[str, ...], back_to: QWidget) -> None:
        if not names:
            if self.warned and self.warned[0] == quote_id:
                self._hide_warning()
            back_to.setFocus()
            return
        words = ", ".join(f"“{n}”" for n in names)
        one = len(names) == 1
        said = (
            f"⚠ The quote contains {words}, {'a name' if one else 'names'} on the register. "
            "A quote must not say who it was: edit it, or keep it if the word is not about a "
            "person."
        )
        self.warned = (quote_id, text)
        self.warning_text.setText(said)
        self.warning.setAccessibleName(said)
        self.fix_button.setAccessibleDescription(said)
        self.warning.show()
        self.fix_button.setFocus()

    def _hide_warning(self) -> None:
        self.warned = None
        self.warning.hide()

    def _keep(self) -> None:
        self._hide_warning()
        self.section.status("Quote kept as it is.")
        self.quote_text.setFocus()

    def _fix(self) -> None:
        if self.warned is not None:
            self._edit(*self.warned)
