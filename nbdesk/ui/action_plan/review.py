"""The review pass: the plan walked action by action in a review meeting, keyboard first.

For each action: type what has happened, choose its status (Alt+1 to Alt+5 anywhere, or 1–5 in
the status box), add what young people said if they did, and Enter (Ctrl+Enter in the text box too)
saves it as an update of this review, at once, and moves to the next. Ctrl+→ skips one, Ctrl+←
goes back, Esc ends the review.
"""

from __future__ import annotations

from typing import Any

from PySide6.QtCore import QEvent, QObject, Qt
from PySide6.QtGui import QKeyEvent, QKeySequence, QShortcut
from PySide6.QtWidgets import (
    QFormLayout,
    QGridLayout,
    QLabel,
    QLineEdit,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from nbdesk.action_plan import actions as act
from nbdesk.action_plan import vocab
from nbdesk.action_plan.views import ActionView, PlanView
from nbdesk.ui.action_plan.dialogs import choose, status_combo, text_box
from nbdesk.ui.action_plan.model import last_update_text
from nbdesk.ui.ops import Ops
from nbdesk.ui.survey.fit import FittedDialog, scrolling


class _EnterSaves(QObject):
    """In the update box Enter (or Ctrl+Enter) saves; Shift+Enter starts a new line."""

    def __init__(self, walk: ReviewPass) -> None:
        super().__init__(walk)
        self.walk = walk

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        if (
            event.type() == QEvent.Type.KeyPress
            and isinstance(event, QKeyEvent)
            and event.key() in (Qt.Key.Key_Return, Qt.Key.Key_Enter)
            and not event.modifiers() & Qt.KeyboardModifier.ShiftModifier
        ):
            self.walk.save_and_next()
            return True
        return False


class ReviewPass(FittedDialog):
    def __init__(
        self,
        ops: Ops,
        plan: PlanView,
        review_id: int,
        with_young_people: bool,
        parent: QWidget | None = None,
    ) -> None:
        super().__init__(parent)
        self.ops = ops
        self.review_id = review_id
        self.actions: list[ActionView] = plan.actions
        self.position = 0
        self.saved_ids: set[int] = set()
        self.busy = False
        title = f"Review of {plan.summary.name}"
        self.setWindowTitle(title)
        self.setAccessibleName(title)
        self.where = QLabel()
        self.where.setAccessibleName("Where the review is")
        self.action_text = QLabel()
        self.action_text.setWordWrap(True)
        self.action_text.setTextFormat(Qt.TextFormat.PlainText)
        font = self.action_text.font()
        font.setPointSizeF(font.pointSizeF() * 1.3)
        font.setBold(True)
        self.action_text.setFont(font)
        self.facts = QLabel()
        self.facts.setWordWrap(True)
        self.facts.setTextFormat(Qt.TextFormat.PlainText)
        self.text = text_box("What has happened", 4)
        # A few lines more at most: taller, it pushed the action being reviewed out of sight on
        # a small screen when the keyboard went to it.
        self.text.setMaximumHeight(self.text.fontMetrics().lineSpacing() * 6 + 12)
        self.text.installEventFilter(_EnterSaves(self))
        self.status = status_combo("Status (keys 1 to 5)", numbered=True)
        self.comment = QLineEdit()
        self.comment.setAccessibleName("What young people said about it")
        if not with_young_people:
            self.comment.setPlaceholderText("no young people at this review; leave empty")
        self.comment.returnPressed.connect(self.save_and_next)
        self.problem = QLabel()
        self.problem.setWordWrap(True)
        self.problem.setAccessibleName("Problem")
        form = QFormLayout()
        # Labels above their fields: at large type side by side they squeezed the update box.
        form.setRowWrapPolicy(QFormLayout.RowWrapPolicy.WrapAllRows)
        form.addRow("&What has happened:", self.text)
        form.addRow("&Status (1–5):", self.status)
        form.addRow("&Young people said:", self.comment)
        self.save_button = QPushButton("Save and &next (Enter)")
        self.save_button.setAccessibleName("Save the update and go to the next action")
        self.back_button = QPushButton("&Back (Ctrl+←)")
        self.back_button.setAccessibleName("Back to the previous action")
        self.skip_button = QPushButton("S&kip (Ctrl+→)")
        self.skip_button.setAccessibleName("Skip this action")
        self.end_button = QPushButton("&End the review (Esc)")
        self.end_button.setAccessibleName("End the review")
        self.save_button.setAutoDefault(False)
        for b in (self.back_button, self.skip_button, self.end_button):
            b.setAutoDefault(False)
        self.save_button.clicked.connect(self.save_and_next)
        self.back_button.clicked.connect(lambda: self.go(self.position - 1))
        self.skip_button.clicked.connect(lambda: self.go(self.position + 1))
        self.end_button.clicked.connect(self.reject)
        # Two by two, so at large type no button runs off the screen's edge.
        buttons = QGridLayout()
        for n, b in enumerate(
            (self.save_button, self.skip_button, self.back_button, self.end_button)
        ):
            buttons.addWidget(b, n // 2, n % 2)
        hint = QLabel(
            "Enter saves and moves on (Shift+Enter for a new line) · Alt+1 to Alt+5 choose the "
            "status · Ctrl+→ skip · Ctrl+← back · Esc ends"
        )
        hint.setWordWrap(True)
        # The action and the fields scroll when a small screen cannot hold them (large type);
        # the buttons stay below them, always in view.
        body = QWidget()
        column = QVBoxLayout(body)
        column.setContentsMargins(0, 0, 0, 0)
        column.addWidget(self.where)
        column.addWidget(self.action_text)
        column.addWidget(self.facts)
        column.addLayout(form)
        column.addWidget(self.problem)
        column.addWidget(hint)
        column.addStretch(1)
        layout = QVBoxLayout(self)
        layout.addWidget(scrolling(body), 1)
        layout.addLayout(buttons)
        for n, status in enumerate(vocab.STATUSES, start=1):
            key = QShortcut(QKeySequence(f"Alt+{n}"), self)
            key.activated.connect(lambda s=status: self._status_key(s))
        for keys, slot in (
            ("Ctrl+Return", self.save_and_next),
            ("Ctrl+Enter", self.save_and_next),
            ("Ctrl+Right", lambda: self.go(self.position + 1)),
            ("Ctrl+Left", lambda: self.go(self.position - 1)),
        ):
            QShortcut(QKeySequence(keys), self).activated.connect(slot)
        self.setMinimumWidth(self.fontMetrics().averageCharWidth() * 60)
        self.fit_to_screen()
        self.go(0)

    def _status_key(self, status: str) -> None:
        choose(self.status, status)

    @property
    def action(self) -> ActionView | None:
        return self.actions[self.position] if 0 <= self.position < len(self.actions) else None

    def go(self, position: int) -> None:
        if position >= len(self.actions):
            self.accept()  # past the last action: the review's walk is over
            return
        self.position = max(0, position)
        action = self.action
        self.problem.setText("")
        if action is None:
            self.where.setText("The plan has no actions to review.")
            self.action_text.setText("")
            return
        done = " (update saved in this review)" if action.id in self.saved_ids else ""
        self.where.setText(
            f"Action {self.position + 1} of {len(self.actions)} · {action.theme}{done}"
        )
        self.action_text.setText(action.we_will)
        self.action_text.setAccessibleName(f"We will: {action.we_will}")
        facts = [
            f"You said: {action.you_said}" if action.you_said else "",
            f"Who: {action.owner or 'no one yet'} · When: {action.when or 'no date'}",
            f"Status now: {action.status_text} · Last update: {last_update_text(action)}",
        ]
        self.facts.setText("\n".join(f for f in facts if f))
        self.facts.setAccessibleName(self.facts.text())
        self.text.setPlainText("")
        self.comment.setText("")
        choose(self.status, action.status)
        self.back_button.setEnabled(self.position > 0)
        self.text.setFocus()

    def save_and_next(self) -> None:
        action = self.action
        if action is None or self.busy:
            return
        text, comment = self.text.toPlainText().strip(), self.comment.text().strip()
        status = self.status.currentData()
        if not text and not comment:
            if status == action.status:
                self.go(self.position + 1)  # nothing said: on to the next
                return
            self.problem.setText("⚠ Say what has happened, then Enter.")
            self.text.setFocus()
            return
        reason = text if status == vocab.DROPPED and not action.dropped_reason else ""
        review_id = self.review_id
        self.busy = True
        self.problem.setText("Saving…")

        def work(session: Any) -> Any:
            return act.add_update(
                session,
                action.id,
                text,
                status=status,
                review_id=review_id,
                young_people_comment=comment,
                reason=reason,
            )

        self.ops.write(self, work, lambda _done: self._saved(action), failed=self._not_saved)

    def _saved(self, action: ActionView) -> None:
        self.busy = False
        self.saved_ids.add(action.id)
        self.go(self.position + 1)

    def _not_saved(self, exc: Exception) -> None:
        self.busy = False
        self.problem.setText(f"⚠ Not saved: {exc}")

    def summary(self) -> str:
        n = len(self.saved_ids)
        return (
            f"Review ended: {n} action{'s' if n != 1 else ''} updated, {len(self.actions) - n} not."
        )
