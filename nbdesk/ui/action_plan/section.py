"""The Action plan section: choose a plan, see what needs attention, work through its actions by
theme, and change the chosen one beside the list.

The section reads the chosen plan whole (`views.read_plan`, a few queries whatever its size) and
draws it from those plain values; every change is written through Ops at once and announced, and
the section reads the plan again when a change names plans (here, in Results, in a workshop).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, NamedTuple

from PySide6.QtCore import QEvent, QModelIndex, Qt, QTimer
from PySide6.QtGui import QKeySequence, QShortcut
from PySide6.QtWidgets import (
    QAbstractItemView,
    QApplication,
    QComboBox,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QTableView,
    QVBoxLayout,
    QWidget,
)

from nbdesk.action_plan.attention import attention
from nbdesk.action_plan.history import HistoryEntry, Undoable, can_undo, history, latest_step
from nbdesk.action_plan.plans import PlanSummary, list_plans
from nbdesk.action_plan.views import (
    LATEST,
    ActionView,
    PlanView,
    ThemeView,
    UpdateView,
    read_plan,
    read_updates,
)
from nbdesk.action_plan.vocab import STAGE_LABELS
from nbdesk.common import clock
from nbdesk.common.changes import Changes
from nbdesk.common.dates import format_day
from nbdesk.feedback.telling_back import FeedbackView, list_feedback
from nbdesk.ui.action_plan.commands import PLAN_KEYS, PlanCommands
from nbdesk.ui.action_plan.detail import ActionPanel
from nbdesk.ui.action_plan.model import CHANGED_MARK, COLUMNS, ROW_ROLE, WE_WILL, PlanModel
from nbdesk.ui.action_plan.read_ahead import changes_what_it_shows, taken
from nbdesk.ui.action_plan.strip import ALL, AttentionStrip, Filters, plural
from nbdesk.ui.help import compact
from nbdesk.ui.ops import Ops
from nbdesk.ui.survey.common import labelled_button as button
from nbdesk.ui.survey.fit import Reflow, ReflowSplitter, ScrollsInside, follow_focus, scrolling


class ChosenRead(NamedTuple):
    """What the panel shows of the chosen action beyond the table: all its updates (None when
    the plan already holds them) and its history."""

    action_id: int
    updates: tuple[UpdateView, ...] | None
    history: list[HistoryEntry]


LAYOUT_LEVELS = 8  # how deep the section's widgets nest, near enough
HOLD_PAINT_MS = 250


@dataclass(frozen=True)
class PlanRead:
    plans: list[PlanSummary]
    plan: PlanView | None
    undo: Undoable | None
    chosen: ChosenRead | None = None
    shared: tuple[FeedbackView, ...] = ()  # when the plan went back to care leavers, newest first
    steps: int = 0  # the file's newest step as read (history.latest_step)


def read_action(session: Any, plan_id: int, action: ActionView) -> ChosenRead:
    updates = None if action.all_updates_read else read_updates(session, plan_id, action.id)
    return ChosenRead(action.id, updates, history(session, plan_id, action.id))


def read_chosen(session: Any, wanted: int | None, action_id: int | None = None) -> PlanRead:
    """The plans, the one wanted (else the latest), and what the panel shows of the action that
    will be chosen (`action_id`, else the plan's first), so the section opens in one read."""
    plans = list_plans(session)
    ids = [p.id for p in plans]
    plan_id = wanted if wanted in ids else (ids[-1] if ids else None)
    if plan_id is None:
        return PlanRead(plans, None, None, steps=latest_step(session))
    # The table needs each action's latest update only; the chosen one's others come with it.
    plan = read_plan(session, plan_id, plans, updates=LATEST)
    actions = plan.actions
    action = next((a for a in actions if a.id == action_id), actions[0] if actions else None)
    chosen = read_action(session, plan_id, action) if action is not None else None
    shared = tuple(list_feedback(session, plan_id))
    undo = can_undo(session, plan_id)
    return PlanRead(plans, plan, undo, chosen, shared, latest_step(session))


class ActionPlanSection(ScrollsInside, PlanCommands):
    title = "Action plan"
    shortcuts = PLAN_KEYS

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.plans: list[PlanSummary] = []
        self.plan: PlanView | None = None
        self.keep_action: int | None = None
        self.keep_theme: int | None = None
        self._chosen_read: ChosenRead | None = None
        self._shown = 0  # how many times the chosen row has been shown beside the table
        heading = QLabel(f"<h2>{self.title}</h2>")
        self.chooser = QComboBox()
        self.chooser.setAccessibleName("Plan")
        self.chooser.setMinimumContentsLength(20)
        self.chooser.setSizeAdjustPolicy(
            QComboBox.SizeAdjustPolicy.AdjustToMinimumContentsLengthWithIcon
        )
        self.chooser.activated.connect(lambda _i: self.load(self.chooser.currentData()))
        chooser_label = QLabel("&Plan:")
        chooser_label.setBuddy(self.chooser)
        self.new_plan_button = button("New p&lan…", "New plan…")
        self.revise_button = button("Re&vise plan…", "Revise plan: a copy of the chosen one")
        # Alt+S, not Alt+F: the File menu keeps Alt+F.
        self.sign_button = button("&Sign off…", "Sign off the plan…")
        self.details_button = button("Plan &details…", "Plan details…")
        self.review_button = button("Start &review…", "Start review… (Ctrl+R)")
        self.shared_button = button("Shared ba&ck…", "Shared back with care leavers…")
        self.gaps_button = button(
            "Not yet answered… (Ctrl+G)", "Not yet answered by the plan… (Ctrl+G)"
        )
        choosing = QHBoxLayout()
        choosing.addWidget(chooser_label)
        choosing.addWidget(self.chooser, 1)
        commands = (
            (self.new_plan_button, self.new_plan),
            (self.revise_button, self.revise_plan),
            (self.sign_button, self.sign_off),
            (self.details_button, self.plan_details),
            (self.review_button, self.start_review),
            (self.shared_button, self.shared_back),
            (self.gaps_button, self.not_yet_answered),
        )
        for b, slot in commands:
            b.clicked.connect(slot)
        # One row when it fits beside the section list, else as many rows as it takes (large
        # type, a small screen): a button never runs past the right edge.
        bar = Reflow([b for b, _ in commands])
        self.about = QLabel()
        self.about.setWordWrap(True)
        self.about.setAccessibleName("About the plan")
        self.about.setFocusPolicy(Qt.FocusPolicy.TabFocus)
        self.strip = AttentionStrip()
        self.strip.filter_chosen.connect(self._strip_filter)
        self.filters = Filters()
        self.filters.changed.connect(self._refilter)
        self.message = QLabel()
        self.message.setWordWrap(True)
        self.message.setAccessibleName("What was last done")
        self.keys_label = QLabel(" · ".join(f"{compact(k)} {what}" for k, what in PLAN_KEYS))
        self.keys_label.setWordWrap(True)
        self.keys_label.setAccessibleDescription("Keyboard shortcuts")
        self.theme_button = button("New &theme… (Ctrl+T)", "New theme…")
        self.action_button = button("&New action… (Ctrl+N)", "New action…")
        self.undo_button = button("Undo (Ctrl+Z)", "Undo")
        self.theme_button.clicked.connect(self.new_theme)
        self.action_button.clicked.connect(self.new_action)
        self.undo_button.clicked.connect(self.undo)
        footer = Reflow([self.theme_button, self.action_button, self.undo_button])

        self.model = PlanModel(self)
        self.table = QTableView()
        self.table.setModel(self.model)
        # Enough rows to work down it, also when it sits above the chosen action (large type).
        self.table.setMinimumHeight(self.fontMetrics().lineSpacing() * 12)
        self.table.setAccessibleName("Actions by theme")
        self.table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.table.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.table.setTabKeyNavigation(False)  # Tab leaves the table, as from any list
        self.table.setShowGrid(False)
        self.table.setWordWrap(False)
        self.table.setCornerButtonEnabled(False)
        self.table.setVerticalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOn)
        rows = self.table.verticalHeader()
        rows.hide()
        rows.setSectionResizeMode(QHeaderView.ResizeMode.Fixed)  # one height: nothing measured
        rows.setMinimumSectionSize(1)
        rows.setDefaultSectionSize(self.table.fontMetrics().height() + 2)
        header = self.table.horizontalHeader()
        header.setStretchLastSection(True)
        header.setSectionResizeMode(QHeaderView.ResizeMode.Interactive)
        header.setDefaultAlignment(Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignVCenter)
        header.setHighlightSections(False)
        char = self.fontMetrics().averageCharWidth()
        for column, width in enumerate((14, 28, 12, 19, 14, 14)):
            self.table.setColumnWidth(column, char * width)
        self.table.selectionModel().currentChanged.connect(self._current_changed)
        self.table.activated.connect(lambda _index: self.edit_chosen())

        self.panel = ActionPanel(self)
        # Beside the panel the table keeps room for its first columns, else it goes above.
        self.table.setMinimumWidth(char * 40)
        # Side by side when both fit, else the table above the chosen action (large type, a
        # small screen), where the section scrolls down to it rather than sideways.
        self.splitter = ReflowSplitter(self.table, self.panel, stretch=(3, 2))
        self.splitter.stacked.connect(self.panel.set_stacked)
        self._sized = False

        content = QWidget()
        layout = QVBoxLayout(content)
        layout.addWidget(heading)
        layout.addLayout(choosing)
        layout.addWidget(bar)
        layout.addWidget(self.about)
        layout.addWidget(self.strip)
        layout.addWidget(self.filters)
        layout.addWidget(self.splitter, 1)
        layout.addWidget(self.keys_label)
        # On a small screen or with large type the section scrolls down, not the window past the
        # screen, showing what has the keyboard (F2's field). The buttons and what was last done
        # stay in view below it (inside, a message at twice the font pushed the buttons out).
        scroll = self._scroll = scrolling(content)
        self.message.hide()
        self._content = content
        self._hold = QTimer(self, singleShot=True, interval=HOLD_PAINT_MS)
        self._hold.timeout.connect(self._reveal)
        self._resume = QTimer(self, singleShot=True, interval=1)
        self._resume.timeout.connect(lambda: self._scroll.setUpdatesEnabled(True))
        outer = QVBoxLayout(self)
        outer.setContentsMargins(0, 0, 0, 0)
        outer.addWidget(scroll, 1)
        below = QWidget()
        under = QVBoxLayout(below)
        margins = layout.contentsMargins()  # in line with the column above
        under.setContentsMargins(margins.left(), 0, margins.right(), margins.bottom())
        under.addWidget(footer)
        under.addWidget(self.message)
        outer.addWidget(below)
        follow_focus(self)
        for keys, slot in (
            ("Ctrl+N", self.new_action),
            ("Ctrl+U", self.add_update),
            ("F2", self.edit_chosen),
            ("Ctrl+T", self.new_theme),
            ("Ctrl+R", self.start_review),
            ("Ctrl+G", self.not_yet_answered),
            ("Ctrl+K", self.cite_voice),
            (QKeySequence.StandardKey.Undo, self.undo),
            ("Ctrl+L", self.table.setFocus),
            ("Alt+Shift+Up", lambda: self.move_chosen(-1)),
            ("Alt+Shift+Down", lambda: self.move_chosen(1)),
        ):
            shortcut = QShortcut(QKeySequence(keys), self)
            shortcut.setContext(Qt.ShortcutContext.WidgetWithChildrenShortcut)
            shortcut.activated.connect(slot)
        delete = QShortcut(QKeySequence(QKeySequence.StandardKey.Delete), self.table)
        delete.setContext(Qt.ShortcutContext.WidgetShortcut)
        delete.activated.connect(self.remove_chosen)
        self.show_read(PlanRead([], None, None))  # no plan yet (and the keyboard's target)

    def showEvent(self, event: Any) -> None:
        super().showEvent(event)
        if not self._sized and not self.splitter.is_stacked():
            # The table gets the room; the chosen action what is left.
            self._sized = True
            width = max(self.width(), 800)
            self.splitter.setSizes([width * 13 // 20, width * 7 // 20])

    # Reading -----------------------------------------------------------------------------------

    def set_ops(self, ops: Ops | None) -> None:
        super().set_ops(ops)
        self.undo_floor = None  # taken at the new file's first read (offer_undo)
        self.say("")  # what was done in the file before
        ahead = taken(ops) if ops is not None and self.plan is None else None
        if ahead is not None:  # read while the window was idle: shown now, before any paint
            self.show_read(ahead)
            return
        if ops is not None and self.plan is None:
            # Laid out and painted once, with the plan, rather than empty and again a moment
            # later, and the read has the processor to itself meanwhile. A slow read shows the
            # section empty after a moment (the window's progress says what it waits for).
            self._content.hide()
            self._hold.start()
        self.load()

    def _reveal(self) -> None:
        """Show what was held back while the first plan was read."""
        self._hold.stop()
        if not self._content.isHidden():
            return
        self._scroll.setUpdatesEnabled(False)
        self._content.show()
        for _level in range(LAYOUT_LEVELS):
            QApplication.sendPostedEvents(None, QEvent.Type.LayoutRequest)
        # The table stretches its last column to its new width now, and repaints it on a timer
        # of its own: painting after that timer paints the section once, not twice.
        self.table.horizontalHeader().resizeSections()
        self._resume.start()
        if self.hasFocus():
            self.keyboard_to_target()

    def on_changes(self, changes: Changes) -> None:
        if changes_what_it_shows(changes):
            self.load()

    def load(self, plan_id: int | None = None) -> None:
        if self.ops is None:
            return
        wanted = plan_id if plan_id is not None else self.plan_id()
        action_id = self.keep_action if wanted == self.plan_id() else None
        self.ops.read(
            self,
            lambda session: read_chosen(session, wanted, action_id),
            self.show_read,
            key=f"plan-{id(self)}",
            title="Reading the plan",
        )

    def plan_id(self) -> int | None:
        return self.plan.summary.id if self.plan else None

    def show_read(self, read: PlanRead) -> None:
        today = clock.today()
        changed_plan = (self.plan_id() if self.plan else None) != (
            read.plan.summary.id if read.plan else None
        )
        if changed_plan:
            self.keep_action = self.keep_theme = None
        self.plans, self.plan = read.plans, read.plan
        # With no plan yet the keyboard goes to New plan…, near the top, not to an empty table.
        self.focus_target = self.table if read.plan is not None else self.new_plan_button
        self._chosen_read = read.chosen
        self.chooser.blockSignals(True)
        self.chooser.clear()
        for p in read.plans:
            self.chooser.addItem(f"{p.name} — {p.describe}", p.id)
        if read.plan is not None:
            self.chooser.setCurrentIndex(self.chooser.findData(read.plan.summary.id))
        else:
            self.chooser.addItem("No plan yet: press New plan…", None)
        self.chooser.blockSignals(False)
        has = read.plan is not None
        for b in (
            self.revise_button,
            self.sign_button,
            self.details_button,
            self.review_button,
            self.shared_button,
            self.gaps_button,
            self.theme_button,
            self.action_button,
            self.filters,
        ):
            b.setEnabled(has)
        self.offer_undo(read.undo, read.steps)
        self.about.setText(self._about(read.plan, read.shared))
        self.about.setAccessibleName(self.about.text())
        self.strip.show_attention(attention(read.plan, today) if read.plan else None, today)
        if read.plan is not None:
            owners = {(a.owner_id, a.owner) for a in read.plan.actions if a.owner_id is not None}
            self.filters.set_owners(sorted(owners, key=lambda o: o[1].lower()))
        self._redraw()
        self._chosen_read = None
        # Lay out what changed now, so the section is painted once, at its new sizes, rather than
        # painted, laid out again (the chosen action's panel grows) and painted a second time. A
        # change climbs one level of the widgets each round.
        self._reveal()
        for _level in range(LAYOUT_LEVELS):
            QApplication.sendPostedEvents(None, QEvent.Type.LayoutRequest)

    @staticmethod
    def _about(plan: PlanView | None, shared: tuple[FeedbackView, ...] = ()) -> str:
        if plan is None:
            return (
                "No action plan yet. New plan… starts one with the themes senior managers agreed; "
                "each action says what young people said, what the authority will do, who and when."
            )
        s = plan.summary
        parts = [
            f"{STAGE_LABELS.get(s.stage, s.stage)}, {format_day(s.starts_on)} to "
            f"{format_day(s.ends_on)}"
        ]
        if not plan.sign_offs:
            parts.append("not signed off yet")
        if s.revises:
            parts.append(f"revises {s.revises}")
        for signed in plan.sign_offs:
            parts.append(
                f"signed off by {signed.name}, {signed.role}, {format_day(signed.signed_on)}"
            )
        if plan.changed_after_sign_off:
            parts.append(
                f"{CHANGED_MARK} {plural(plan.changed_after_sign_off, 'change')} since sign-off"
            )
        if plan.reviews:
            last = plan.reviews[0]
            parts.append(
                f"{plural(len(plan.reviews), 'review')}, the last {format_day(last.held_on)} "
                f"({last.who})"
            )
        else:
            parts.append("not reviewed yet")
        if shared:
            last_shared = shared[0]
            parts.append(
                f"shared with young people on {format_day(last_shared.sent_on)} "
                f"({last_shared.how_many} by {last_shared.channel})"
            )
        else:
            parts.append("not shared back with young people yet (Shared back…)")
        return "; ".join(parts) + "."

    def _redraw(self) -> None:
        """Fill the table from the plan held, keep the chosen row, and show it beside."""
        today = clock.today()
        self.model.set_plan(self.plan, today, self.filters.test(today))
        self.table.clearSpans()
        for row in self.model.theme_rows:  # a theme's name runs across the columns
            self.table.setSpan(row, 0, 1, len(COLUMNS))
        self.table.doItemsLayout()  # now, not on a timer after the first paint (and again)
        total = len(self.plan.actions) if self.plan else 0
        self.filters.count.setText(self.filters.describe(len(self.model.actions_in_order()), total))
        index = QModelIndex()
        if self.keep_action is not None:
            index = self.model.index_of_action(self.keep_action)
        if not index.isValid() and self.keep_theme is not None:
            index = self.model.index_of_theme(self.keep_theme)
        if not index.isValid() and self.model.rowCount():  # the first action, else the first theme
            first = 1 if self.model.shown[0] else 0
            index = self.model.index(first, WE_WILL if first else 0)
        shown = self._shown
        if index.isValid():
            self.table.setCurrentIndex(index)
        if self._shown == shown:  # choosing it showed it already when it was not chosen before
            self._show_current()
        if self.to_table:
            self.to_table = False
            self.table.setFocus()

    def _refilter(self) -> None:
        self._redraw()

    def _strip_filter(self, key: str) -> None:
        self.filters.owner.setCurrentIndex(0)
        self.filters.choose(key)
        self.table.setFocus()

    # The chosen row ---------------------------------------------------------------------------

    def current_row(self) -> ActionView | ThemeView | None:
        index = self.table.currentIndex()
        return index.data(ROW_ROLE) if index.isValid() else None

    def current_action(self) -> ActionView | None:
        row = self.current_row()
        return row if isinstance(row, ActionView) else None

    def current_theme_id(self) -> int | None:
        row = self.current_row()
        if isinstance(row, ActionView):
            return row.theme_id
        if isinstance(row, ThemeView):
            return row.id
        return self.plan.themes[0].id if self.plan and self.plan.themes else None

    def _current_changed(self, current: QModelIndex, _previous: QModelIndex) -> None:
        row = current.data(ROW_ROLE) if current.isValid() else None
        if isinstance(row, ActionView):
            self.keep_action, self.keep_theme = row.id, row.theme_id
        elif isinstance(row, ThemeView):
            self.keep_action, self.keep_theme = None, row.id
        self._show_current()

    def _show_current(self) -> None:
        self._shown += 1
        action = self.current_action()
        self.panel.show_action(action, self.plan)
        if action is None or self.ops is None or self.plan is None:
            return
        chosen = self._chosen_read
        if chosen is not None and chosen.action_id == action.id:  # read with the plan
            self._show_chosen(chosen)
            return
        plan_id = self.plan.summary.id
        self.ops.read(
            self,
            lambda session: read_action(session, plan_id, action),
            self._show_chosen,
            key=f"plan-history-{id(self)}",
        )

    def _show_chosen(self, chosen: ChosenRead) -> None:
        if chosen.updates is not None:
            self.panel.show_updates(chosen.action_id, chosen.updates)
        self.panel.show_history(chosen.action_id, chosen.history)

    def edit_chosen(self) -> None:
        """F2 (or Enter on a row): an action's fields beside the list; a theme's new name."""
        row = self.current_row()
        if isinstance(row, ThemeView):
            self.rename_theme(row)
        elif isinstance(row, ActionView):
            self.panel.we_will.setFocus(Qt.FocusReason.ShortcutFocusReason)

    def say(self, text: str) -> None:
        self.message.setText(text)
        self.message.setVisible(bool(text))
        self.message.setAccessibleName(f"What was last done: {text}")

    def chosen_filter(self) -> str:
        return self.filters.show_combo.currentData() or ALL
