"""What young people said, in the Action plan section: citing a finding or a priority from an
action, what the plan does not answer yet (with a new action for it in two keys), and recording
that the plan was shared back with care leavers.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from PySide6.QtCore import Qt
from PySide6.QtWidgets import (
    QComboBox,
    QDialog,
    QDialogButtonBox,
    QLabel,
    QLineEdit,
    QListWidget,
    QListWidgetItem,
    QPushButton,
    QSpinBox,
    QVBoxLayout,
    QWidget,
)

from nbdesk.action_plan.answers import Unanswered, unanswered
from nbdesk.common import clock
from nbdesk.feedback.priorities import tally
from nbdesk.feedback.results import list_findings
from nbdesk.feedback.telling_back import CHANNELS, FeedbackView, list_feedback
from nbdesk.survey.rounds import list_rounds
from nbdesk.ui.action_plan.dialogs import FormDialog, named
from nbdesk.ui.date_field import DateField

FINDING, PRIORITY = "finding", "priority"


@dataclass(frozen=True)
class Voice:
    """A finding or a priority theme that an action can cite."""

    kind: str  # finding | priority
    id: int
    label: str


@dataclass(frozen=True)
class Voices:
    said: tuple[Voice, ...]  # every finding (small bases left out) and priority, newest round first
    open: Unanswered | None  # what the plan's actions do not cite yet
    shared: tuple[FeedbackView, ...]


def read_voices(session: Any, plan_id: int | None) -> Voices:
    rounds = sorted(list_rounds(session), key=lambda r: r.opens_on, reverse=True)
    said: list[Voice] = []
    themes: dict[int, tuple[str, int, str]] = {}
    for r in rounds:  # newest first
        said += [
            Voice(FINDING, f.id, f"{r.name} — {f.label}")
            for f in list_findings(session, r.id)
            if not f.small
        ]
        for row in tally(session, r.id):
            # The newest round's count, never a sum: the same young people may be in each.
            themes.setdefault(row.theme_id, (row.theme, row.count, r.name))
    said += [
        Voice(
            PRIORITY, tid, f"Young people's priority: {name} (named by {count} after {round_name})"
        )
        for tid, (name, count, round_name) in sorted(themes.items(), key=lambda t: -t[1][1])
    ]
    if plan_id is None:
        return Voices(tuple(said), None, ())
    return Voices(
        tuple(said),
        unanswered(session, plan_id, [r.id for r in rounds]),
        tuple(list_feedback(session, plan_id)),
    )


class CiteVoiceDialog(FormDialog):
    """Cite what young people said: a finding of a round, or a theme of their priorities."""

    ok_text = "&Cite it"

    def __init__(self, action: str, said: tuple[Voice, ...], parent: QWidget | None = None):
        super().__init__("Cite what young people said", parent)
        self.note(f"For: {action}", above=True)
        self.choice = named(QComboBox(), "What young people said: the finding or priority to cite")
        self.choice.setMinimumContentsLength(30)
        self.choice.setSizeAdjustPolicy(
            QComboBox.SizeAdjustPolicy.AdjustToMinimumContentsLengthWithIcon
        )
        for voice in said:
            self.choice.addItem(voice.label, (voice.kind, voice.id))
        self.form.addRow("&What young people said:", self.choice)
        if not said:
            self.note(
                "No findings or priorities yet: add them under Survey outreach › Results and "
                "priorities."
            )
            self.ok_button.setEnabled(False)
        self.finish_form()

    def values(self) -> tuple[str, int]:
        kind, voice_id = self.choice.currentData()
        return str(kind), int(voice_id)


class UnansweredDialog(QDialog):
    """What no action of the plan answers yet; Enter starts a new action citing the chosen one."""

    def __init__(
        self,
        left: Unanswered,
        start_action: Callable[[str, int, str], None],
        parent: QWidget | None = None,
    ) -> None:
        super().__init__(parent)
        self.setWindowTitle("Not yet answered by the plan")
        self.setAccessibleName("Not yet answered by the plan")
        self.start_action = start_action
        intro = QLabel(
            "Findings and young people's priorities that no action of this plan cites yet "
            "(findings on a base under 10 are left out: they are never printed). Choose one and "
            "press Enter for a new action answering it."
        )
        intro.setWordWrap(True)
        self.list = QListWidget()
        self.list.setAccessibleName("Not yet answered")
        self.list.setWordWrap(True)
        for finding_id, label in left.findings:
            item = QListWidgetItem(f"Finding: {label}")
            item.setData(Qt.ItemDataRole.UserRole, (FINDING, finding_id, label))
            self.list.addItem(item)
        for theme_id, name, count in left.priorities:
            item = QListWidgetItem(f"Young people's priority: {name} (named by {count})")
            item.setData(Qt.ItemDataRole.UserRole, (PRIORITY, theme_id, name))
            self.list.addItem(item)
        if self.list.count() == 0:
            self.list.addItem("Every finding and priority has an action answering it.")
        self.list.setCurrentRow(0)
        self.new_button = QPushButton("&New action answering it")
        self.new_button.setEnabled(bool(left.findings or left.priorities))
        self.new_button.clicked.connect(self._new)
        self.list.itemActivated.connect(lambda _item: self._new())
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Close)
        buttons.addButton(self.new_button, QDialogButtonBox.ButtonRole.ActionRole)
        buttons.rejected.connect(self.reject)
        layout = QVBoxLayout(self)
        layout.addWidget(intro)
        layout.addWidget(self.list, 1)
        layout.addWidget(buttons)
        self.setMinimumWidth(self.fontMetrics().averageCharWidth() * 60)

    def _new(self) -> None:
        item = self.list.currentItem()
        data = item.data(Qt.ItemDataRole.UserRole) if item is not None else None
        if not data:
            return
        self.accept()
        kind, voice_id, label = data
        self.start_action(kind, voice_id, label)


class SharedBackDialog(FormDialog):
    """That the plan was shared back with care leavers: when, how, with how many."""

    ok_text = "&Record it"

    def __init__(self, plan_name: str, parent: QWidget | None = None) -> None:
        super().__init__(f"Shared back: {plan_name}", parent)
        self.note(
            "Record each time the plan went out to care leavers (a Notify message to everyone, "
            "letters, a meeting), so the plan shows when young people last heard back.",
            above=True,
        )
        self.sent_on = DateField("Sent on", clock.today())
        self.sent_on.set_limits(
            latest=clock.today(), too_late="It cannot have been sent on a day still to come."
        )
        self.channel = named(QComboBox(), "How it was sent")
        for channel in CHANNELS:
            self.channel.addItem(channel.capitalize(), channel)
        self.how_many = named(QSpinBox(), "To how many care leavers")
        self.how_many.setRange(1, 100_000)
        self.note_box = named(QLineEdit(), "Note")
        self.form.addRow("Sent &on:", self.sent_on)
        self.form.addRow("&How:", self.channel)
        self.form.addRow("To how &many:", self.how_many)
        self.form.addRow("No&te:", self.note_box)
        self.finish_form()

    def values(self) -> dict[str, Any]:
        return {
            "sent_on": self.sent_on.date(),
            "channel": self.channel.currentData(),
            "how_many": self.how_many.value(),
            "note": self.note_box.text(),
        }
