"""Watching a workshop someone else leads: the banner that says so, and the question asked when the
workshop is already running on an assessment (issue 17)."""

from __future__ import annotations

from collections.abc import Sequence

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QHBoxLayout, QLabel, QMessageBox, QPushButton, QWidget

from nbdesk.common.computer_user import computer_user
from nbdesk.self_assessment.lease import HeldBy
from nbdesk.ui.self_assessment.common import scale

# How often a watching window reads the assessment again to show the leader's ratings.
WATCH_MS = 3000

WATCH = "watch"
TAKE_OVER = "take over"
CANCEL = "cancel"


def leader_name(location: object, participants: Sequence[tuple[str, str]] = ()) -> str:
    """Who leads a workshop, as others will be told: the server user on a server (who signed in),
    else the first staff member named for the sitting, else whoever is signed in to the computer."""
    if isinstance(location, str):
        from urllib.parse import urlsplit

        user = urlsplit(location).username
        if user:
            return user
    for name, kind in participants:
        if kind == "staff" and name.strip():
            return name.strip()
    for name, _kind in participants:
        if name.strip():
            return name.strip()
    return computer_user() or "someone"


def ask_about_held(parent: QWidget, held: HeldBy) -> str:
    """The workshop is running: watch read-only, take a stale one over, or cancel."""
    box = QMessageBox(parent)
    box.setIcon(QMessageBox.Icon.Information)
    box.setWindowTitle("A workshop is running")
    box.setText(held.message())
    box.setInformativeText(
        "You can watch it read-only: you will see the ratings as they are made, and change nothing."
        + (" Or take it over, if it has stopped." if held.stale else "")
    )
    watch = box.addButton("&Watch read-only", QMessageBox.ButtonRole.AcceptRole)
    watch.setAccessibleName("Watch the workshop read-only")
    take = None
    if held.stale:
        take = box.addButton("&Take over", QMessageBox.ButtonRole.DestructiveRole)
        take.setAccessibleName(f"Take over the workshop led by {held.led_by}")
    cancel = box.addButton(QMessageBox.StandardButton.Cancel)
    cancel.setAccessibleName("Cancel")
    box.setDefaultButton(watch)
    box.exec()
    clicked = box.clickedButton()
    box.deleteLater()
    if clicked is watch:
        return WATCH
    if take is not None and clicked is take:
        return TAKE_OVER
    return CANCEL


class WatchBanner(QWidget):
    """'Watching: led by …' across the top of a read-only workshop, in words (not colour only),
    with the way to lead once the workshop has ended or stopped."""

    def __init__(self) -> None:
        super().__init__()
        self.text = QLabel()
        self.text.setWordWrap(True)
        scale(self.text, 1.15, bold=True)
        # Read out as it is shown (its words begin "Watching:"); a name would hide them.
        self.text.setAccessibleDescription("Read only: another person leads this workshop")
        self.text.setFrameShape(QLabel.Shape.Box)
        self.lead_button = QPushButton("&Lead this workshop")
        self.lead_button.setAccessibleName("Lead this workshop")
        self.lead_button.setFocusPolicy(Qt.FocusPolicy.TabFocus)
        self.lead_button.hide()
        row = QHBoxLayout(self)
        row.setContentsMargins(0, 0, 0, 0)
        row.addWidget(self.text, 1)
        row.addWidget(self.lead_button)

    def show_held(self, held: HeldBy | None, led_by_before: str) -> None:
        """What the watcher is told: who leads and since when; or that it ended or stopped."""
        if held is None:
            self.text.setText(
                f"Watching: the workshop led by {led_by_before} has ended. Read only — "
                "you can lead it now."
            )
            self.lead_button.setText("&Lead this workshop")
            self.lead_button.setAccessibleName("Lead this workshop")
            self.lead_button.show()
        elif held.stale:
            self.text.setText(
                f"Watching: led by {held.led_by}, not heard from since "
                f"{held.heartbeat_at:%H:%M}. Read only — it can be taken over."
            )
            self.lead_button.setText("&Take over")
            self.lead_button.setAccessibleName(f"Take over the workshop led by {held.led_by}")
            self.lead_button.show()
        else:
            self.text.setText(
                f"Watching: led by {held.led_by} since {held.since:%H:%M}. Read only — ratings, "
                "notes and overall scores cannot be changed here."
            )
            self.lead_button.hide()
