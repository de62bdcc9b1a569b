"""From the self-assessment to the plan: under a statement (in Results and in the workshop), the
actions that cite it, and "New action for this statement…", which adds an action to a chosen plan
and theme with the statement already cited, in one save.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, Protocol

from PySide6.QtCore import Qt
from PySide6.QtGui import QKeySequence, QShortcut
from PySide6.QtWidgets import (
    QComboBox,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QMessageBox,
    QPushButton,
    QWidget,
)

from nbdesk.action_plan import actions as act
from nbdesk.action_plan.answers import CitingAction, citing_actions
from nbdesk.action_plan.plans import list_plans
from nbdesk.action_plan.views import read_plan
from nbdesk.common.changes import Changes, Done
from nbdesk.ui.action_plan.dialogs import FormDialog, fill_owners, named, text_box
from nbdesk.ui.ops import Ops

NEW_ACTION_KEYS = "Ctrl+Shift+A"


class Cited(Protocol):
    statement_id: int
    text: str

    @property
    def reference(self) -> str: ...


@dataclass(frozen=True)
class PlanChoice:
    id: int
    name: str
    themes: tuple[tuple[int, str], ...]


@dataclass(frozen=True)
class Choices:
    plans: list[PlanChoice]
    owners: tuple[tuple[int, str, str], ...]


def read_choices(session: Any) -> Choices:
    plans, owners = [], ()
    for summary in reversed(list_plans(session)):  # the newest plan first
        view = read_plan(session, summary.id)
        owners = view.owners
        plans.append(
            PlanChoice(summary.id, summary.name, tuple((t.id, t.title) for t in view.themes))
        )
    return Choices(plans, owners)


def actions_line(found: list[CitingAction]) -> str:
    if not found:
        return "Actions: none cite this statement yet."
    return "Actions: " + "; ".join(c.label for c in found)


class StatementActionDialog(FormDialog):
    """New action for this statement: which plan and theme (type a new theme to add it), and
    what the authority will do."""

    ok_text = "&Add the action"

    def __init__(self, statement: Cited, choices: Choices, parent: QWidget | None = None):
        super().__init__(f"New action for statement {statement.reference}", parent)
        self.choices = choices
        self.note(f"It will cite statement {statement.reference}: {statement.text}", above=True)
        self.plan = named(QComboBox(), "Plan")
        for p in choices.plans:
            self.plan.addItem(p.name, p.id)
        self.theme = named(QComboBox(), "Theme (type a new one to add it)")
        self.theme.setEditable(True)
        self.theme.setInsertPolicy(QComboBox.InsertPolicy.NoInsert)
        self.we_will = text_box("We will")
        self.you_said = text_box("You said")
        self.owner = named(QComboBox(), "Who")
        fill_owners(self.owner, choices.owners, None)
        self.when = named(QLineEdit(), "When")
        self.when.setPlaceholderText("a date, or a quarter such as Q2 2027")
        self.form.addRow("&Plan:", self.plan)
        self.form.addRow("&Theme:", self.theme)
        # The same order as every other new action: what young people said, then the answer.
        self.form.addRow("&You said:", self.you_said)
        self.form.addRow("&We will:", self.we_will)
        self.form.addRow("Wh&o:", self.owner)
        self.form.addRow("Whe&n:", self.when)
        self.plan.currentIndexChanged.connect(self._plan_chosen)
        self._plan_chosen()
        self.finish_form()
        self.we_will.setFocus()

    def _plan_chosen(self, *_: object) -> None:
        chosen = next((p for p in self.choices.plans if p.id == self.plan.currentData()), None)
        self.theme.clear()
        for theme_id, title in chosen.themes if chosen else ():
            self.theme.addItem(title, theme_id)

    def values(self) -> dict[str, Any]:
        from nbdesk.action_plan.vocab import PlanError, parse_when

        if not self.we_will.toPlainText().strip():
            raise PlanError("Say what the authority will do ('We will').")
        if not self.theme.currentText().strip():
            raise PlanError("Choose a theme, or type a new one.")
        parse_when(self.when.text())
        title = self.theme.currentText().strip()
        index = self.theme.findText(title, Qt.MatchFlag.MatchFixedString)
        return {
            "plan_id": self.plan.currentData(),
            "theme_id": self.theme.itemData(index) if index >= 0 else None,
            "theme": title,
            "we_will": self.we_will.toPlainText(),
            "you_said": self.you_said.toPlainText(),
            "owner_id": self.owner.currentData(),
            "when": self.when.text(),
        }


def add_citing_action(session: Any, assessment_id: int, statement_id: int, v: dict[str, Any]):
    """The action, in a new theme if one was typed, citing the statement: one save."""
    changes = Changes()
    theme_id = v["theme_id"]
    if theme_id is None:
        added = act.add_theme(session, v["plan_id"], v["theme"])
        theme_id, changes = added.value, changes | added.changes
    made = act.add_action(
        session,
        theme_id,
        v["we_will"],
        you_said=v["you_said"],
        owner_id=v["owner_id"],
        when=v["when"],
    )
    cited = act.cite(session, made.value, assessment_id=assessment_id, statement_id=statement_id)
    return Done(made.value, changes | made.changes | cited.changes)


class StatementActions(QWidget):
    """The line of actions citing the statement shown, and the button to add one."""

    def __init__(self, ops: Ops, assessment_id: int, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.ops = ops
        self.assessment_id = assessment_id
        self.citing: dict[int, list[CitingAction]] = {}
        self.statement: Cited | None = None
        self.dialog: StatementActionDialog | None = None
        self.line = QLabel()
        self.line.setWordWrap(True)
        self.line.setTextFormat(Qt.TextFormat.PlainText)
        self.line.setFocusPolicy(Qt.FocusPolicy.TabFocus)
        self.button = QPushButton(f"&New action for this statement… ({NEW_ACTION_KEYS})")
        self.button.setAccessibleName("New action for this statement…")
        self.button.setFocusPolicy(Qt.FocusPolicy.TabFocus)
        self.button.clicked.connect(self.new_action)
        keys = QShortcut(QKeySequence(NEW_ACTION_KEYS), self)
        keys.setContext(Qt.ShortcutContext.WindowShortcut)
        keys.activated.connect(self.new_action)
        row = QHBoxLayout(self)
        row.setContentsMargins(0, 0, 0, 0)
        row.addWidget(self.line, 1)
        row.addWidget(self.button)
        ops.changed.connect(self._changed)
        self.read()
        self.show_statement(None)

    def read(self) -> None:
        aid = self.assessment_id
        self.ops.read(
            self,
            lambda session: citing_actions(session, aid),
            self._read,
            key=f"citing-{id(self)}",
        )

    def _changed(self, changes: Changes) -> None:
        if changes.plans:
            self.read()

    def _read(self, citing: dict[int, list[CitingAction]]) -> None:
        self.citing = citing
        self.show_statement(self.statement)

    def show_statement(self, statement: Cited | None) -> None:
        self.statement = statement
        self.button.setEnabled(statement is not None)
        text = actions_line(self.citing.get(statement.statement_id, [])) if statement else ""
        self.line.setText(text)
        self.line.setAccessibleName(text or "No statement chosen")

    def new_action(self) -> None:
        if self.statement is None:
            return
        self.ops.read(self, read_choices, self._choose, title="Reading the plans")

    def _choose(self, choices: Choices) -> None:
        statement = self.statement
        if statement is None:
            return
        if not choices.plans:
            QMessageBox.information(
                self,
                "No action plan yet",
                "There is no action plan to add to yet. Start one in the Action plan section "
                "(Ctrl+3 in the main window, then New plan…).",
            )
            return
        dialog = StatementActionDialog(statement, choices, self)
        aid, sid = self.assessment_id, statement.statement_id

        def save(v: dict[str, Any]) -> None:
            self.ops.write(
                dialog,
                lambda session: add_citing_action(session, aid, sid, v),
                dialog.saved,
                failed=dialog.not_saved,
                title="Adding the action",
            )

        dialog.save = save
        self.dialog = dialog
        dialog.exec()
        self.dialog = None
