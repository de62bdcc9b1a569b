"""The small forms of the Action plan section: a plan's details, sign-off, a theme, an owner, a new
action, an update, and the start of a review.

Each is a `FormDialog`: the section gives it `save(values)`, which writes through Ops; the dialog
stays open with the problem said beside its buttons until the save comes back, so nothing typed is
lost to a refusal.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import date
from typing import Any

from PySide6.QtCore import QSize, Qt
from PySide6.QtGui import QKeySequence, QShortcut
from PySide6.QtWidgets import (
    QComboBox,
    QDialogButtonBox,
    QFormLayout,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QPlainTextEdit,
    QPushButton,
    QSpinBox,
    QVBoxLayout,
    QWidget,
)

from nbdesk.action_plan import vocab
from nbdesk.common import clock
from nbdesk.ui.date_field import DateField, DateProblem
from nbdesk.ui.dialogs import AsksBeforeDiscarding
from nbdesk.ui.survey.fit import FittedDialog, scrolling


def named(widget: Any, accessible: str) -> Any:
    widget.setAccessibleName(accessible)
    return widget


class TextBox(QPlainTextEdit):
    """A box for a few lines, asking for a couple more than its least: Qt's own 192 pixels a
    box made each form taller than a small laptop's screen at large type, and scroll."""

    def sizeHint(self) -> QSize:
        hint = super().sizeHint()
        return QSize(hint.width(), self.minimumHeight() + 2 * self.fontMetrics().lineSpacing())


def text_box(accessible: str, lines: int = 3) -> QPlainTextEdit:
    box = TextBox()
    box.setAccessibleName(accessible)
    box.setTabChangesFocus(True)  # Tab moves on; the box is never a keyboard trap
    box.setMinimumHeight(box.fontMetrics().lineSpacing() * lines + 12)
    return box


def status_combo(accessible: str = "Status", numbered: bool = False) -> QComboBox:
    """Each status as symbol and words ("2 ▶ On track" when numbered for keys 1–5)."""
    combo = QComboBox()
    combo.setAccessibleName(accessible)
    for n, status in enumerate(vocab.STATUSES, start=1):
        prefix = f"{n}  " if numbered else ""
        combo.addItem(prefix + vocab.status_text(status), status)
    return combo


def choose(combo: QComboBox, value: Any) -> None:
    combo.setCurrentIndex(max(0, combo.findData(value)))


class FormDialog(AsksBeforeDiscarding, FittedDialog):
    """A form with OK and Cancel; OK reads `values()` (a problem is said, not saved) and hands
    them to `save`, and the dialog closes once the caller says `saved()`."""

    ok_text = "&Save"

    def __init__(self, title: str, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setWindowTitle(title)
        self.setAccessibleName(title)
        # Fields in a form; notes above and below it, the problem and the buttons in the column
        # around it. Wrapped text spanning a form's rows was given too little height at large type
        # and drawn over its neighbours; a plain column gives each its own. The fields scroll
        # when a small screen cannot hold them; the problem and the buttons stay in view below.
        body = QWidget()
        self.column = QVBoxLayout(body)
        self.column.setContentsMargins(0, 0, 0, 0)
        self.above = QVBoxLayout()
        self.form = QFormLayout()
        self.below = QVBoxLayout()
        self.column.addLayout(self.above)
        self.column.addLayout(self.form)
        self.column.addLayout(self.below)
        self.column.addStretch(1)
        self.outer = QVBoxLayout(self)
        self.outer.addWidget(scrolling(body), 1)
        self.problem = QLabel()
        self.problem.setWordWrap(True)
        self.problem.setAccessibleName("Problem")
        self.buttons = QDialogButtonBox(
            QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel
        )
        self.ok_button = self.buttons.button(QDialogButtonBox.StandardButton.Ok)
        self.ok_button.setText(self.ok_text)
        self.ok_button.setAccessibleName(self.ok_text.replace("&", ""))
        self.buttons.accepted.connect(self.accept)
        self.buttons.rejected.connect(self.reject)
        # Ctrl+Enter saves from any field, as it saves a contact: Enter alone is a new line in a
        # box of several lines.
        for keys in ("Ctrl+Return", "Ctrl+Enter"):
            QShortcut(QKeySequence(keys), self, activated=self.accept)
        self.save: Callable[[Any], None] | None = None
        self.saving_button = self.ok_button  # Esc asks first (AsksBeforeDiscarding)
        self.setMinimumWidth(self.fontMetrics().averageCharWidth() * 64)
        self.fit_to_screen()

    def note(self, text: str, *, above: bool = False) -> QLabel:
        """A wrapped line of explanation above or below the fields."""
        label = QLabel(text)
        label.setWordWrap(True)
        label.setTextFormat(Qt.TextFormat.PlainText)
        (self.above if above else self.below).addWidget(label)
        return label

    def finish_form(self) -> None:
        self.outer.addWidget(self.problem)
        self.outer.addWidget(self.buttons)
        # A problem said goes once anything is changed: a tester read one as still standing
        # beside the field already put right (OK says it again if it still stands).
        for box in [*self.findChildren(QLineEdit), *self.findChildren(QPlainTextEdit)]:
            box.textChanged.connect(self._problem_answered)
        for choice in self.findChildren(QComboBox):
            choice.currentIndexChanged.connect(self._problem_answered)

    def _problem_answered(self, *_: object) -> None:
        if self.problem.text().startswith("⚠"):
            self.problem.clear()

    def values(self) -> Any:
        raise NotImplementedError

    def accept(self) -> None:
        try:
            values = self.values()
        except (DateProblem, vocab.PlanError) as exc:
            self.problem.setText(f"⚠ {exc}")
            return
        if self.save is None:
            self.result_values = values
            super().accept()
            return
        self.problem.setText("Saving…")
        self.ok_button.setEnabled(False)
        self.save(values)

    def saved(self, *_: object) -> None:
        super().accept()

    def not_saved(self, exc: Exception) -> None:
        self.ok_button.setEnabled(True)
        self.problem.setText(f"⚠ {exc}")


class PlanDialog(FormDialog):
    """A new plan, a revision of one, or a plan's details: name, stage, period (and, for a new
    plan, its themes, one a line)."""

    def __init__(
        self,
        title: str,
        parent: QWidget | None = None,
        *,
        name: str = "",
        stage: str = "initial",
        starts_on: date | None = None,
        ends_on: date | None = None,
        with_themes: bool = False,
        note: str = "",
    ) -> None:
        super().__init__(title, parent)
        self.name = named(QLineEdit(name), "Plan name")
        self.name.setPlaceholderText("e.g. Care leavers action plan 2026-28")
        self.stage = named(QComboBox(), "Stage")
        for code in vocab.STAGES:
            self.stage.addItem(vocab.STAGE_LABELS[code], code)
        choose(self.stage, stage)
        start = starts_on or clock.today()
        self.starts = DateField("Starts on", start)
        self.ends = DateField("Ends on", ends_on or vocab.add_months(start, 24))
        self.form.addRow("&Name:", self.name)
        self.form.addRow("S&tage:", self.stage)
        self.form.addRow("St&arts on:", self.starts)
        self.form.addRow("&Ends on:", self.ends)
        self.themes: QPlainTextEdit | None = None
        if with_themes:
            self.themes = text_box("Themes, one a line", 5)
            self.themes.setPlaceholderText(
                "The 4–5 themes senior managers agreed, one a line, e.g.\nSomewhere safe to live"
            )
            self.form.addRow("T&hemes (one a line):", self.themes)
        if note:
            self.note(note)
        self.finish_form()

    def values(self) -> dict[str, Any]:
        starts, ends = self.starts.date(), self.ends.date()
        themes = [t for t in (self.themes.toPlainText().splitlines() if self.themes else [])]
        return {
            "name": self.name.text(),
            "stage": self.stage.currentData(),
            "starts_on": starts,
            "ends_on": ends,
            "themes": [t.strip() for t in themes if t.strip()],
        }


class SignOffDialog(FormDialog):
    ok_text = "&Sign off"

    def __init__(
        self, plan_name: str, parent: QWidget | None = None, earlier: Sequence[str] = ()
    ) -> None:
        super().__init__(f"Sign off {plan_name}", parent)
        if earlier:
            self.note(
                "Already signed off by "
                + "; ".join(earlier)
                + ". Saving this adds another sign-off beside it.",
                above=True,
            )
        self.who = named(QLineEdit(), "Name of the person signing off")
        self.role = named(QLineEdit(), "Their role")
        self.role.setPlaceholderText("e.g. Director of Children's Services")
        self.signed_on = DateField("Signed off on", clock.today())
        self.signed_on.set_limits(
            latest=clock.today(), too_late="A plan cannot be signed off later than today."
        )
        self.note_box = named(QLineEdit(), "Note")
        self.form.addRow("&Name:", self.who)
        self.form.addRow("&Role:", self.role)
        self.form.addRow("Signed off &on:", self.signed_on)
        self.form.addRow("No&te:", self.note_box)
        self.note(
            "Changes to the plan made after sign-off are still allowed; each is marked ✱ in the "
            "plan and in its history. Updates on progress are not changes to the plan."
        )
        self.finish_form()

    def values(self) -> dict[str, Any]:
        return {
            "name": self.who.text(),
            "role": self.role.text(),
            "signed_on": self.signed_on.date(),
            "note": self.note_box.text(),
        }


class TitleDialog(FormDialog):
    """One line: a theme's title."""

    def __init__(self, title: str, label: str, value: str = "", parent: QWidget | None = None):
        super().__init__(title, parent)
        self.title_edit = named(QLineEdit(value), label.replace("&", "").rstrip(":"))
        self.form.addRow(label, self.title_edit)
        self.finish_form()

    def values(self) -> str:
        return self.title_edit.text()


class OwnerDialog(FormDialog):
    ok_text = "&Add"

    def __init__(self, parent: QWidget | None = None, name: str = "") -> None:
        super().__init__("Add an owner", parent)
        self.name = named(QLineEdit(name), "Owner's name")
        self.name.setPlaceholderText("a person, a team or a partner agency")
        self.kind = named(QComboBox(), "Kind of owner")
        for code in vocab.OWNER_KINDS:
            self.kind.addItem(vocab.OWNER_KIND_LABELS[code], code)
        self.form.addRow("&Name:", self.name)
        self.form.addRow("&Kind:", self.kind)
        self.finish_form()

    def values(self) -> tuple[str, str]:
        return vocab.title(self.name.text(), "owner's name"), self.kind.currentData()


def fill_owners(combo: QComboBox, owners: Sequence[tuple[int, str, str]], chosen: int | None):
    combo.blockSignals(True)
    combo.clear()
    combo.addItem("No one yet", None)
    for owner_id, name, kind in owners:
        combo.addItem(f"{name} ({vocab.OWNER_KIND_LABELS.get(kind, kind).lower()})", owner_id)
    choose(combo, chosen)
    combo.blockSignals(False)


@dataclass(frozen=True)
class NewOwner:
    """The Who list's item for an owner added in the dialog, to be added with the action."""

    name: str
    kind: str


class ActionDialog(FormDialog):
    """A new action in a theme: what the authority will do, and what young people said."""

    ok_text = "&Add the action"

    def __init__(
        self,
        theme: str,
        owners: Sequence[tuple[int, str, str]],
        parent: QWidget | None = None,
        you_said: str = "",
        themes: Sequence[tuple[int, str]] = (),
        theme_id: int | None = None,
    ) -> None:
        super().__init__(f"New action in {theme}" if not themes else "New action", parent)
        # With `themes`, the theme is chosen here (an action started from what young people said
        # may belong anywhere in the plan).
        self.theme: QComboBox | None = None
        if themes:
            self.theme = named(QComboBox(), "Theme")
            for tid, title in themes:
                self.theme.addItem(title, tid)
            choose(self.theme, theme_id)
            self.form.addRow("&Theme:", self.theme)
        self.you_said = text_box("You said")
        self.you_said.setPlainText(you_said)
        self.we_will = text_box("We will")
        self.owner = named(QComboBox(), "Who")
        fill_owners(self.owner, owners, None)
        self.owners = list(owners)
        add_owner = QPushButton("&New owner…")
        add_owner.setAccessibleName("New owner")
        add_owner.setAccessibleDescription("Someone not on the list, added with the action")
        add_owner.clicked.connect(self._add_owner)
        who = QHBoxLayout()
        who.addWidget(self.owner, 1)
        who.addWidget(add_owner)
        who_label = QLabel("Wh&o:")
        who_label.setBuddy(self.owner)
        self.when = named(QLineEdit(), "When")
        self.when.setPlaceholderText("a date, or a quarter such as Q2 2027")
        # What was understood, said as it is typed: a quarter is of the financial year.
        self.when_said = QLabel("No date yet (a quarter is of the financial year: Q1 is Apr–Jun)")
        self.when_said.setWordWrap(True)
        self.when.textChanged.connect(self._when_typed)
        self.form.addRow("&You said:", self.you_said)
        self.form.addRow("&We will:", self.we_will)
        self.form.addRow(who_label, who)
        self.form.addRow("Wh&en:", self.when)
        self.form.addRow("", self.when_said)
        self.finish_form()
        self.we_will.setFocus()

    def _add_owner(self) -> None:
        """Someone not on the list of owners yet: added with the action, in the same save (the
        list had to be added to from another action's panel first)."""
        dialog = OwnerDialog(self)
        added = dialog.exec()
        self.activateWindow()
        self.owner.setFocus()  # where the keyboard was, or near it: the owner chosen
        if not added:
            return
        name, kind = dialog.result_values
        if isinstance(self.owner.itemData(self.owner.count() - 1), NewOwner):
            self.owner.removeItem(self.owner.count() - 1)  # one added before: this one instead
        known = next((o for o in self.owners if o[1].casefold() == name.casefold()), None)
        if known is not None:
            choose(self.owner, known[0])
            return
        label = vocab.OWNER_KIND_LABELS.get(kind, kind).lower()
        self.owner.addItem(f"{name} ({label}, new)", NewOwner(name, kind))
        self.owner.setCurrentIndex(self.owner.count() - 1)

    def _when_typed(self, text: str) -> None:
        try:
            due_on, quarter = vocab.parse_when(text)
        except vocab.PlanError as exc:
            self.when_said.setText(f"⚠ {exc}")
        else:
            self.when_said.setText(
                f"Understood: {vocab.when_text(due_on, quarter)}"
                if due_on
                else "No date yet (a quarter is of the financial year: Q1 is Apr–Jun)"
            )
        self.when.setAccessibleDescription(self.when_said.text())

    def values(self) -> dict[str, Any]:
        vocab.parse_when(self.when.text())  # said here, before saving
        if not self.we_will.toPlainText().strip():
            raise vocab.PlanError("Say what the authority will do ('We will').")
        chosen = {"theme_id": self.theme.currentData()} if self.theme is not None else {}
        owner = self.owner.currentData()
        if isinstance(owner, NewOwner):
            chosen["new_owner"] = (owner.name, owner.kind)
        return {
            "we_will": self.we_will.toPlainText(),
            "you_said": self.you_said.toPlainText(),
            "owner_id": None if isinstance(owner, NewOwner) else owner,
            "when": self.when.text(),
            **chosen,
        }


class UpdateDialog(FormDialog):
    """Ctrl+U: a dated note of progress, and the status it leaves the action in."""

    ok_text = "&Add the update"

    def __init__(self, action: str, status: str, parent: QWidget | None = None) -> None:
        super().__init__("Add an update", parent)
        self.note(f"To: {action}", above=True)
        self.text = text_box("What has happened")
        self.status = status_combo("Status after this update (keys 1 to 5)", numbered=True)
        choose(self.status, status)
        self.reason = named(QLineEdit(), "Why dropped")
        self.written_on = DateField("Written on", clock.today())
        self.written_on.set_limits(
            latest=clock.today(), too_late="An update cannot be dated in the future."
        )
        self.form.addRow("&What has happened:", self.text)
        self.form.addRow("&Status (1–5):", self.status)
        self.form.addRow("Why &dropped:", self.reason)
        self.form.addRow("Dated:", self.written_on)
        self.status.currentIndexChanged.connect(self._status_chosen)
        self._status_chosen()
        self.finish_form()
        self.text.setFocus()

    def _status_chosen(self, *_: object) -> None:
        self.reason.setEnabled(self.status.currentData() == vocab.DROPPED)

    def values(self) -> dict[str, Any]:
        return {
            "text": self.text.toPlainText(),
            "status": self.status.currentData(),
            "reason": self.reason.text() if self.status.currentData() == vocab.DROPPED else "",
            "written_on": self.written_on.date(),
        }


class ReviewDialog(FormDialog):
    """Start review…: when it was held, who came, and young people's comments on the whole plan."""

    ok_text = "&Start the review"

    def __init__(self, plan_name: str, parent: QWidget | None = None) -> None:
        super().__init__(f"Review of {plan_name}", parent)
        self.held_on = DateField("Held on", clock.today())
        self.held_on.set_limits(
            latest=clock.today(), too_late="A review cannot be recorded for a day still to come."
        )
        self.form.addRow("&Held on:", self.held_on)
        self.counts: dict[str, QSpinBox] = {}
        for key, label in (
            ("staff", "S&taff"),
            ("partners", "&Partner agency people"),
            ("young_people", "&Young people"),
        ):
            spin = named(QSpinBox(), f"How many {label.replace('&', '').lower()} took part")
            spin.setRange(0, 1000)
            self.counts[key] = spin
            self.form.addRow(f"{label}:", spin)
        self.comments = text_box("Young people's comments on the plan as a whole", 4)
        self.form.addRow("Young people's &comments on the plan:", self.comments)
        self.note(
            "Then the review walks the plan action by action: type an update, choose a status "
            "(Alt+1 to Alt+5), Enter saves and moves on, Esc ends."
        )
        self.finish_form()

    def values(self) -> dict[str, Any]:
        return {
            "held_on": self.held_on.date(),
            **{k: s.value() for k, s in self.counts.items()},
            "young_people_comments": self.comments.toPlainText(),
        }
