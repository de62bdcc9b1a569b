"""The chosen action, to read and change: its fields (each saved as it is left or chosen, as one
undoable step), who owns it, when, its status, how young people take part or why not, and below,
its updates (newest first), the evidence it cites and its history.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from PySide6.QtCore import QEvent, QObject, QSize, Qt
from PySide6.QtGui import QKeySequence, QShortcut
from PySide6.QtWidgets import (
    QApplication,
    QCheckBox,
    QComboBox,
    QFormLayout,
    QGridLayout,
    QLabel,
    QLineEdit,
    QListWidget,
    QListWidgetItem,
    QPlainTextEdit,
    QPushButton,
    QSplitter,
    QTabWidget,
    QVBoxLayout,
    QWidget,
)

from nbdesk.action_plan import vocab
from nbdesk.action_plan.history import HistoryEntry
from nbdesk.action_plan.views import ActionView, PlanView, UpdateView
from nbdesk.common.dates import format_day
from nbdesk.ui.action_plan.dialogs import choose, fill_owners, named, status_combo, text_box
from nbdesk.ui.action_plan.later import MadeLater
from nbdesk.ui.action_plan.model import CHANGED_MARK
from nbdesk.ui.action_plan.strip import plural
from nbdesk.ui.survey.fit import scrolling
from nbdesk.ui.wheel_guard import wheel_only_when_chosen

if TYPE_CHECKING:
    from nbdesk.ui.action_plan.section import ActionPlanSection

PAGE_MARGINS = 8  # a tab's page and the tabs' frame, around the page's widest button
# The panel's tabs, each followed by its count while an action is shown.
TAB_TITLES = ("Updates", "Evidence", "History")


class _LeaveWatcher(QObject):
    """Calls back when a text box loses the keyboard: that is when its text is saved."""

    def __init__(self, panel: ActionPanel) -> None:
        super().__init__(panel)
        self.panel = panel

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        if event.type() == QEvent.Type.FocusOut:
            self.panel.text_left(watched)
        return False


def _list(accessible: str) -> QListWidget:
    view = QListWidget()
    view.setAccessibleName(accessible)
    view.setWordWrap(True)
    view.setAlternatingRowColors(True)
    view.setMinimumHeight(view.fontMetrics().lineSpacing() * 3)
    return view


class ActionPanel(MadeLater):
    """Made after the section's first paint (MadeLater): its fields, updates, evidence and
    history are more than half the section's widgets."""

    def __init__(self, section: ActionPlanSection) -> None:
        super().__init__()
        self.section = section
        self.action: ActionView | None = None
        self.stacked = False
        self.setAccessibleName("The chosen action")
        # Its widest button sets the panel's width: known now, so the table and the panel are
        # laid out side by side (or one above the other) once, not again when the rest is made.
        self.cite_button = QPushButton("Cite what young people said… (Ctrl+K)")
        self.cite_button.setAccessibleName("Cite a finding or a priority of young people")
        char = self.fontMetrics().averageCharWidth()
        self.setMinimumWidth(max(char * 34, self.cite_button.sizeHint().width() + PAGE_MARGINS))
        self.show_action(None, None)

    def make(self) -> None:
        section = self.section
        self.heading = QLabel("Choose an action in the plan")
        self.heading.setWordWrap(True)
        self.heading.setTextFormat(Qt.TextFormat.PlainText)
        font = self.heading.font()
        font.setBold(True)
        self.heading.setFont(font)
        self.heading.setAccessibleDescription("The chosen action")

        self.you_said = text_box("You said")
        self.we_will = text_box("We will")
        for box in (self.you_said, self.we_will):
            box.setMaximumHeight(box.fontMetrics().lineSpacing() * 4 + 12)
        self.owner = named(QComboBox(), "Who")
        self.add_owner = QPushButton("&Add an owner…")
        self.add_owner.setAccessibleName("Add an owner to the list")
        self.when = named(QLineEdit(), "When")
        self.when.setPlaceholderText("a date, or a quarter such as Q2 2027")
        self.when_note = QLabel()
        self.when_note.setWordWrap(True)
        self.theme = named(QComboBox(), "Theme")
        self.status = status_combo("Status (keys 1 to 5)", numbered=True)
        wheel_only_when_chosen(self.status, self.owner, self.theme)  # each saves as chosen
        self.dropped_reason = named(QLineEdit(), "Why dropped")
        self.dropped_reason.setPlaceholderText("needed to mark it dropped")
        self.ways: dict[str, QCheckBox] = {}
        ways_row = QGridLayout()
        for n, way in enumerate(vocab.WAYS):
            box = QCheckBox(vocab.WAY_LABELS[way])
            box.setAccessibleName(f"Young people take part by {vocab.WAY_LABELS[way].lower()}")
            box.toggled.connect(lambda _on: self._ways_chosen())
            self.ways[way] = box
            ways_row.addWidget(box, n, 0)  # one column: the panel stays narrow at large type
        ways = QWidget()
        ways.setLayout(ways_row)
        ways_row.setContentsMargins(0, 0, 0, 0)
        self.involvement_note = named(QLineEdit(), "How they take part (a note)")
        self.reason = named(QComboBox(), "Or not involved because")
        self.reason.addItem("Not decided, or they are involved", "")
        for code in vocab.REASONS:
            self.reason.addItem(vocab.REASON_LABELS[code], code)
        self.reason_note = named(QLineEdit(), "Another reason, typed")
        self.reason_note.setPlaceholderText("when the reason is another one, say it here")

        for combo in (self.owner, self.theme, self.status, self.reason):
            # Narrow when the panel is: long choices are elided, never pushing the form wider.
            combo.setMinimumContentsLength(10)
            combo.setSizeAdjustPolicy(
                QComboBox.SizeAdjustPolicy.AdjustToMinimumContentsLengthWithIcon
            )
        # The button under the list, not beside it: side by side they set the panel's width.
        owner_row = QVBoxLayout()
        owner_row.addWidget(self.owner)
        owner_row.addWidget(self.add_owner, 0, Qt.AlignmentFlag.AlignLeft)
        form = QFormLayout()
        # Labels above their fields: the panel is narrow, and with large type side by side the
        # fields would be pushed out of sight.
        form.setRowWrapPolicy(QFormLayout.RowWrapPolicy.WrapAllRows)
        for label, field in (
            ("&You said:", self.you_said),
            ("We w&ill:", self.we_will),
            ("Who:", owner_row),
            ("Wh&en:", self.when),
            ("", self.when_note),
            ("The&me:", self.theme),
            ("Stat&us:", self.status),
            ("Why dropped:", self.dropped_reason),
            ("Young people take part by:", ways),
            ("How they take part:", self.involvement_note),
            ("Or not involved &because:", self.reason),
            ("Another reason:", self.reason_note),
        ):
            caption = QLabel(label)
            caption.setBuddy(self.owner if field is owner_row else field)
            form.addRow(caption, field)

        self.updates = _list("Updates, newest first")
        self.update_button = QPushButton("Add an update… (Ctrl+U)")
        self.update_button.setAccessibleName("Add an update")
        self.citations = _list("Evidence the action cites")
        self.uncite_button = QPushButton("Remove the chosen evidence (Delete)")
        self.uncite_button.setAccessibleName("Remove the chosen evidence from the action")
        self.history = _list("History of the action, newest first")
        self.remove_button = QPushButton("Remove the action…")
        self.remove_button.setAccessibleName("Remove the action")
        self.tabs = QTabWidget()
        self.tabs.setAccessibleName("Updates, evidence and history of the action")
        self.tabs.addTab(self._page(self.updates, self.update_button), TAB_TITLES[0])
        self.cite_button.clicked.connect(section.cite_voice)
        self.tabs.addTab(
            self._page(self.citations, self.uncite_button, self.cite_button), TAB_TITLES[1]
        )
        self.tabs.addTab(self._page(self.history, self.remove_button), TAB_TITLES[2])

        # The fields scroll above; the updates, evidence and history stay in view below.
        fields = QWidget()
        box = QVBoxLayout(fields)
        box.setContentsMargins(0, 0, 4, 0)
        box.addWidget(self.heading)
        box.addLayout(form)
        box.addStretch(1)
        scroll = scrolling(fields)
        # The fields wrap to the panel's width rather than hiding beyond its right edge.
        scroll.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        self.fields_scroll = scroll
        splitter = QSplitter(Qt.Orientation.Vertical)
        splitter.addWidget(scroll)
        splitter.addWidget(self.tabs)
        splitter.setStretchFactor(0, 3)
        splitter.setStretchFactor(1, 2)
        splitter.setChildrenCollapsible(False)
        self.layout().addWidget(splitter)
        self.follow(self.section.table)

        watcher = _LeaveWatcher(self)
        for editor in (self.you_said, self.we_will):
            editor.installEventFilter(watcher)
        self.when.editingFinished.connect(self.when_left)
        self.when.textEdited.connect(self._when_typed)
        self.involvement_note.editingFinished.connect(
            lambda: self._text_field("involvement_note", self.involvement_note.text())
        )
        self.reason_note.editingFinished.connect(self._reason_typed)
        self.dropped_reason.editingFinished.connect(self._dropped_reason_left)
        self.owner.activated.connect(lambda _i: self._save(owner_id=self.owner.currentData()))
        self.theme.activated.connect(lambda _i: self._save(theme_id=self.theme.currentData()))
        self.status.activated.connect(lambda _i: self._status_chosen())
        self.reason.activated.connect(lambda _i: self._reason_chosen())
        self.add_owner.clicked.connect(lambda: section.new_owner(self.action))
        self.update_button.clicked.connect(section.add_update)
        self.uncite_button.clicked.connect(self._uncite)
        self.remove_button.clicked.connect(section.remove_action)
        delete = QShortcut(QKeySequence(QKeySequence.StandardKey.Delete), self.citations)
        delete.setContext(Qt.ShortcutContext.WidgetShortcut)
        delete.activated.connect(self._uncite)
        self.show_asked()
        # The fields' height for their width, now that they have both.
        self.layout().activate()
        self.set_stacked(self.stacked)
        # Shown now, not when the layout's queued showing comes round: a key may want a field
        # at once (made for F2 pressed as the section opens).
        QApplication.sendPostedEvents(splitter, QEvent.Type.MetaCall)

    def set_stacked(self, stacked: bool) -> None:
        """Under the table (large type, a small screen) the section scrolls down through the
        whole panel: the fields are shown whole rather than scrolling in a box of their own."""
        self.stacked = stacked
        if not self.is_built():
            return
        self.fields_scroll.setVerticalScrollBarPolicy(
            Qt.ScrollBarPolicy.ScrollBarAlwaysOff
            if stacked
            else Qt.ScrollBarPolicy.ScrollBarAsNeeded
        )
        self._fit_fields()

    def _fit_fields(self) -> None:
        scroll = self.fields_scroll
        if not self.stacked:
            scroll.setMinimumHeight(0)
            return
        box = scroll.widget().layout()
        width = scroll.width() - 2 * scroll.frameWidth()
        need = box.minimumHeightForWidth(width) if box.hasHeightForWidth() else 0
        need = max(need, box.totalMinimumSize().height()) + 2 * scroll.frameWidth()
        if need != scroll.minimumHeight():
            scroll.setMinimumHeight(need)

    def resizeEvent(self, event: Any) -> None:
        super().resizeEvent(event)
        if self.is_built():
            self._fit_fields()

    def sizeHint(self) -> QSize:
        # Modest: the fields scroll, so the section never asks for more height than a laptop has.
        metrics = self.fontMetrics()
        return QSize(metrics.averageCharWidth() * 48, metrics.lineSpacing() * 20)

    @staticmethod
    def _page(view: QListWidget, *buttons: QPushButton) -> QWidget:
        page = QWidget()
        box = QVBoxLayout(page)
        box.setContentsMargins(2, 2, 2, 2)
        box.addWidget(view, 1)
        # One under another: side by side two long buttons were cut off by the narrow panel.
        row = QVBoxLayout()
        for button in buttons:
            row.addWidget(button, 0, Qt.AlignmentFlag.AlignLeft)
        box.addLayout(row)
        return page

    # Showing -----------------------------------------------------------------------------------

    def fields(self) -> list[QWidget]:
        return [
            self.you_said,
            self.we_will,
            self.owner,
            self.add_owner,
            self.when,
            self.theme,
            self.status,
            self.dropped_reason,
            *self.ways.values(),
            self.involvement_note,
            self.reason,
            self.reason_note,
            self.update_button,
            self.uncite_button,
            self.remove_button,
        ]

    def show_action(self, action: ActionView | None, plan: PlanView | None) -> None:
        """Show `action` as saved; a box being typed in keeps what is typed."""
        if self.later(lambda: self.show_action(action, plan)):
            return
        same = action is not None and self.action is not None and action.id == self.action.id
        self.action = action
        for widget in self.fields():
            widget.setEnabled(action is not None)
        if action is None or plan is None:
            self.heading.setText(
                "No plan yet: New plan… (Alt+L) starts one."
                if plan is None
                else "No action chosen: choose one in the plan, or press Ctrl+N."
            )
            for editor in (self.you_said, self.we_will):
                editor.setPlainText("")
            self.when.setText("")
            self.when_note.setText("")
            for view in (self.updates, self.citations, self.history):
                view.clear()
            for index, title in enumerate(TAB_TITLES):  # no counts of an action not shown
                self.tabs.setTabText(index, title)
            return
        mark = f"  {CHANGED_MARK} changed after sign-off" if action.changed_after_sign_off else ""
        self.heading.setText(f"{action.theme}: {action.we_will}{mark}")
        self._set_text(self.you_said, action.you_said, same)
        self._set_text(self.we_will, action.we_will, same)
        fill_owners(self.owner, plan.owners, action.owner_id)
        self.theme.blockSignals(True)
        self.theme.clear()
        for theme in plan.themes:
            self.theme.addItem(theme.title, theme.id)
        choose(self.theme, action.theme_id)
        self.theme.blockSignals(False)
        if not (same and self.when.hasFocus()):
            self.when.setText(self._when_typed_form(action))
        self.when_note.setText(action.when or "No date yet")
        choose(self.status, action.status)
        self.dropped_reason.setText(action.dropped_reason)
        self.dropped_reason.setEnabled(action.status == vocab.DROPPED)
        for way, box in self.ways.items():
            box.blockSignals(True)
            box.setChecked(way in action.involvement)
            box.blockSignals(False)
        if not (same and self.involvement_note.hasFocus()):
            self.involvement_note.setText(action.involvement_note)
        choose(self.reason, action.not_involved_reason)
        if not (same and self.reason_note.hasFocus()):
            self.reason_note.setText(action.not_involved_note)
        self.reason_note.setEnabled(action.not_involved_reason == "other")
        if not same or action.all_updates_read:  # else the ones shown stay until all are read
            self._fill_updates(action.id, action.updates, action.update_count)
        self._fill_citations(action)

    @staticmethod
    def _when_typed_form(action: ActionView) -> str:
        if action.due_on is None:
            return ""
        if action.due_is_quarter:
            quarter, year = vocab.quarter_of(action.due_on)
            return f"Q{quarter} {year}"
        return format_day(action.due_on)

    def _set_text(self, editor: QPlainTextEdit, value: str, same: bool) -> None:
        if same and editor.hasFocus() and editor.toPlainText() != value:
            return  # being typed in: what is typed is saved when the box is left
        if editor.toPlainText() != value:
            editor.setPlainText(value)

    def show_updates(self, action_id: int, updates: tuple[UpdateView, ...]) -> None:
        """All the chosen action's updates, read when it was chosen (the plan holds the latest)."""
        if self.later(lambda: self.show_updates(action_id, updates)):
            return
        if self.action is not None and self.action.id == action_id:
            self._fill_updates(action_id, updates, len(updates))

    def _fill_updates(self, action_id: int, updates: tuple[UpdateView, ...], count: int) -> None:
        self.updates.clear()
        for u in updates:
            text = f"{format_day(u.written_on)} · {vocab.status_text(u.status)}"
            if u.review_id is not None:
                text += " · in a review" + (" with young people" if u.with_young_people else "")
            if u.text:
                text += f"\n{u.text}"
            if u.young_people_comment:
                text += f"\nYoung people said: {u.young_people_comment}"
            self.updates.addItem(text)
        if count > len(updates):
            self.updates.addItem(f"Reading {plural(count - len(updates), 'earlier update')}…")
        if not count:
            self.updates.addItem("No updates yet. Ctrl+U adds one.")
        self.updates.doItemsLayout()  # now, so the panel is painted once
        self.tabs.setTabText(0, f"{TAB_TITLES[0]} ({count})")

    def _fill_citations(self, action: ActionView) -> None:
        self.citations.clear()
        for c in action.citations:
            where = f" — {c.assessment}" if c.assessment else ""
            item = QListWidgetItem(f"{c.label}{where}")
            item.setData(Qt.ItemDataRole.UserRole, c.id)
            self.citations.addItem(item)
        if not action.citations:
            item = QListWidgetItem(
                "No evidence cited. Use 'New action for this statement…' in Results or the "
                "workshop to cite a statement."
            )
            self.citations.addItem(item)
        self.uncite_button.setEnabled(bool(action.citations))
        self.tabs.setTabText(1, f"{TAB_TITLES[1]} ({len(action.citations)})")

    def show_history(self, action_id: int, entries: list[HistoryEntry]) -> None:
        if self.later(lambda: self.show_history(action_id, entries)):
            return
        if self.action is None or self.action.id != action_id:
            return
        self.history.clear()
        seen: set[int] = set()
        for e in entries:
            if e.step in seen:
                continue  # one line a step: "Changed Status, We will of …"
            seen.add(e.step)
            line = f"{e.changed_at:%d %b %Y %H:%M} · {e.summary}"
            if e.field and e.field not in ("position",) and (e.old or e.new):
                line += f"\n    from “{e.old}” to “{e.new}”"
            if e.after_sign_off:
                line += f"  {CHANGED_MARK} after sign-off"
            if e.undone:
                line += "  (undone)"
            self.history.addItem(line)
        self.tabs.setTabText(2, f"{TAB_TITLES[2]} ({len(seen)})")

    # Saving ------------------------------------------------------------------------------------

    def _save(self, **fields: Any) -> None:
        if self.action is not None:
            self.section.edit_action(self.action.id, **fields)

    def text_left(self, editor: QObject) -> None:
        if self.action is None:
            return
        for field, box in (("you_said", self.you_said), ("we_will", self.we_will)):
            if editor is box:
                self._text_field(field, box.toPlainText())

    def _text_field(self, field: str, value: str) -> None:
        if self.action is None or value.strip() == getattr(self.action, field).strip():
            return
        if field == "we_will" and not value.strip():  # refused: the box shows what is kept
            self.we_will.setPlainText(self.action.we_will)
            self.section.say("'We will' cannot be empty: it is back as saved.")
            return
        self._save(**{field: value})

    def _when_typed(self, text: str) -> None:
        try:
            due_on, quarter = vocab.parse_when(text)
        except vocab.PlanError as exc:
            self.when_note.setText(f"⚠ {exc}")
        else:
            self.when_note.setText(vocab.when_text(due_on, quarter) or "No date")

    def when_left(self) -> None:
        action = self.action
        if action is None:
            return
        try:
            due_on, quarter = vocab.parse_when(self.when.text())
        except vocab.PlanError:
            return  # the problem is said beside the box; nothing is saved
        if (due_on, quarter if due_on else False) != (action.due_on, action.due_is_quarter):
            self._save(when=self.when.text())

    def _status_chosen(self) -> None:
        action, status = self.action, self.status.currentData()
        if action is None or status == action.status:
            return
        if status == vocab.DROPPED and not (self.dropped_reason.text().strip()):
            self.dropped_reason.setEnabled(True)
            self.dropped_reason.setFocus()
            self.when_note.setText("")
            self.section.say("Type why the action is dropped, then press Enter.")
            return
        self.section.set_status(action.id, status, self.dropped_reason.text())

    def _dropped_reason_left(self) -> None:
        action = self.action
        if action is None or self.status.currentData() != vocab.DROPPED:
            return
        reason = self.dropped_reason.text().strip()
        if not reason or (action.status == vocab.DROPPED and reason == action.dropped_reason):
            return
        self.section.set_status(action.id, vocab.DROPPED, reason)

    def _ways_chosen(self) -> None:
        ways = [w for w, box in self.ways.items() if box.isChecked()]
        if self.action is not None and tuple(ways) != self.action.involvement:
            self._save(involvement=ways)

    def _reason_chosen(self) -> None:
        reason = self.reason.currentData()
        action = self.action
        if action is None or reason == action.not_involved_reason:
            return
        self.reason_note.setEnabled(reason == "other")
        fields: dict[str, Any] = {"not_involved_reason": reason}
        if reason:
            fields["involvement"] = []  # not involved: no ways apply
        if reason == "other" and not self.reason_note.text().strip():
            self.reason_note.setFocus()
        self._save(**fields)

    def _reason_typed(self) -> None:
        self._text_field("not_involved_note", self.reason_note.text())

    def _uncite(self) -> None:
        item = self.citations.currentItem() or self.citations.item(0)
        citation_id = item.data(Qt.ItemDataRole.UserRole) if item else None
        if citation_id is not None:
            self.section.uncite(citation_id)
