"""What needs attention in the plan, said in words above it, and the filters that show just those
actions: overdue, at risk, drifting, not involving young people, never reviewed with them, and
whose actions they are.

Each figure of the strip is a link that turns on its filter (Tab reaches it, Enter follows it), in
one label rather than a button a figure: the section opens sooner. The Show list has every filter.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import date
from html import escape

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import QComboBox, QHBoxLayout, QLabel, QWidget

from nbdesk.action_plan import vocab
from nbdesk.action_plan.attention import Attention, is_drifting, is_overdue
from nbdesk.action_plan.views import ActionView
from nbdesk.common.dates import format_day
from nbdesk.ui.survey.fit import Reflow

ALL = "all"
FILTERS: dict[str, tuple[str, Callable[[ActionView, date], bool]]] = {
    ALL: ("All actions", lambda a, t: True),
    "overdue": ("Overdue", is_overdue),
    "at-risk": ("At risk", lambda a, t: a.status == vocab.AT_RISK),
    "drifting": ("Drifting (no update for 90 days)", is_drifting),
    "not-involving": (
        "Not involving young people",
        lambda a, t: a.status != vocab.DROPPED and not a.involves_young_people,
    ),
    "never-reviewed": (
        "Never reviewed with young people",
        lambda a, t: a.is_open and not a.reviewed_with_young_people,
    ),
}
ANYONE = -1
NO_ONE = 0  # the owner filter's "No one yet" (owner ids start at 1)


def plural(n: int, word: str) -> str:
    return f"{n} {word}{'' if n == 1 else 's'}"


class AttentionStrip(QLabel):
    """Figures in words, each a link to its filter; the share beside the programme's figure."""

    filter_chosen = Signal(str)

    def __init__(self) -> None:
        super().__init__()
        self.said = ""  # the words shown, without the links' marks
        self.setWordWrap(True)
        self.setTextFormat(Qt.TextFormat.RichText)
        self.setTextInteractionFlags(
            Qt.TextInteractionFlag.LinksAccessibleByKeyboard
            | Qt.TextInteractionFlag.LinksAccessibleByMouse
        )
        self.setToolTip("Each figure shows only those actions: click it, or Tab to it and Enter")
        self.linkActivated.connect(self.filter_chosen.emit)

    def show_attention(self, seen: Attention | None, today: date) -> None:
        self.setVisible(seen is not None)
        if seen is None:
            return
        figures = {
            "overdue": f"Overdue: {len(seen.overdue)}",
            "drifting": f"Drifting: {len(seen.drifting)}",
            "never-reviewed": (
                f"Never reviewed with young people: {len(seen.never_reviewed_with_young_people)}"
            ),
        }
        due = format_day(seen.next_review_on)
        review = (
            f"Next review was due {due}: overdue"
            if seen.review_overdue
            else f"Next review due {due}"
        )
        themes = "; ".join(f"{title} {share.text}" for title, share in seen.share_by_theme)
        share = (
            f"{review}. Young people take part in {seen.share.text} of the actions not dropped; "
            f"{seen.published_share_text}."
        )
        if themes:
            # Beside the table's count of every action in a theme, dropped ones included.
            share += f" By theme, of those not dropped: {themes}."
        links = " &nbsp;·&nbsp; ".join(
            f'<a href="{key}">{escape(text)}</a>' for key, text in figures.items()
        )
        self.setText(f"{links}<br>{escape(share)}")
        self.said = f"{' · '.join(figures.values())}\n{share}"
        self.setAccessibleName(f"What needs attention: {self.said}")


class Filters(QWidget):
    """Show: which actions; Owner: whose. Alt+W and Alt+O reach them."""

    changed = Signal()

    def __init__(self) -> None:
        super().__init__()
        self.show_combo = QComboBox()
        # As wide as its longest choice: "Drifting (no update for 90 days)" must be read whole.
        self.show_combo.setSizeAdjustPolicy(QComboBox.SizeAdjustPolicy.AdjustToContents)
        self.show_combo.setAccessibleName("Show which actions")
        self.owner = QComboBox()
        self.owner.setAccessibleName("Owner: show the actions of")
        self.owner.addItem("Anyone", ANYONE)
        # An owner's name may be long: elided to the room there is (the choices above are not,
        # which the same setting on both had made "Never reviewed with young people" cut short).
        self.owner.setMinimumContentsLength(12)
        self.owner.setSizeAdjustPolicy(
            QComboBox.SizeAdjustPolicy.AdjustToMinimumContentsLengthWithIcon
        )
        for key, (label, _test) in FILTERS.items():
            self.show_combo.addItem(label, key)
        self.count = QLabel()
        self.count.setAccessibleDescription("Actions shown")
        show_label = QLabel("Sho&w:")
        show_label.setBuddy(self.show_combo)
        owner_label = QLabel("&Owner:")
        owner_label.setBuddy(self.owner)
        # Each label with its choice, in one row when it fits, else one under another.
        cells = []
        for label, combo in ((show_label, self.show_combo), (owner_label, self.owner)):
            cell = QWidget()
            pair = QHBoxLayout(cell)
            pair.setContentsMargins(0, 0, 0, 0)
            pair.addWidget(label)
            pair.addWidget(combo, 1)
            cells.append(cell)
        row = QHBoxLayout(self)
        row.setContentsMargins(0, 0, 0, 0)
        row.addWidget(Reflow([*cells, self.count]), 1)
        self.show_combo.currentIndexChanged.connect(lambda _i: self.changed.emit())
        self.owner.currentIndexChanged.connect(lambda _i: self.changed.emit())

    def choose(self, key: str) -> None:
        self.show_combo.setCurrentIndex(max(0, self.show_combo.findData(key)))

    def set_owners(self, owners: list[tuple[int, str]]) -> None:
        chosen = self.owner.currentData()
        self.owner.blockSignals(True)
        self.owner.clear()
        self.owner.addItem("Anyone", ANYONE)
        self.owner.addItem("No one yet", NO_ONE)
        for owner_id, name in owners:
            self.owner.addItem(name, owner_id)
        self.owner.setCurrentIndex(max(0, self.owner.findData(chosen)))
        self.owner.blockSignals(False)

    def test(self, today: date) -> Callable[[ActionView], bool]:
        _label, keep = FILTERS[self.show_combo.currentData() or ALL]
        owner = self.owner.currentData()
        if owner is None or owner == ANYONE:
            return lambda a: keep(a, today)
        return lambda a: (a.owner_id or NO_ONE) == owner and keep(a, today)

    def describe(self, shown: int, total: int) -> str:
        return (
            f"{shown} of {plural(total, 'action')} shown"
            if shown != total
            else plural(total, "action")
        )
