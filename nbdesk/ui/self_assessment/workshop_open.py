"""Starting a workshop from the Self-assessment section: whether someone else leads it already, who
is taking part, then the lease and the sitting in one write (issue 17: one writer per assessment).
If someone else leads it, the choice comes first (a tester typed in who was taking part only to be
told the workshop was running): watch it read-only, with no sitting recorded, or take it over if
it has stopped, and then say who is taking part."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import Any

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QWidget

from nbdesk.self_assessment.lease import (
    HeldBy,
    Lease,
    WorkshopLead,
    lead_workshop,
    new_holder,
    workshop_lease,
)
from nbdesk.self_assessment.sittings import last_participants
from nbdesk.self_assessment.workshop import WorkshopStart, workshop_start
from nbdesk.ui.ops import Ops
from nbdesk.ui.self_assessment.sitting import ask_who
from nbdesk.ui.self_assessment.workshop_watch import TAKE_OVER, WATCH, ask_about_held, leader_name


def start_workshop(
    owner: QWidget, ops: Ops, assessment_id: int, name: str, keep: Callable[[QWidget], None]
) -> None:
    """F5 on an assessment; `keep` holds the workshop window until it closes."""

    def ask(read: tuple[HeldBy | None, list[tuple[str, str]]]) -> None:
        held, previous = read
        take_over = False
        if held is not None:
            answer = ask_about_held(owner, held)
            if answer == WATCH:
                _open(owner, ops, assessment_id, None, keep, watching=held)
            if answer != TAKE_OVER:
                return
            take_over = True
        who = ask_who(owner, ops, name, previous)
        if who is not None:
            _lead(owner, ops, assessment_id, *who, keep, take_over=take_over)

    ops.read(
        owner,
        lambda session: (
            workshop_lease(session, assessment_id),
            last_participants(session, assessment_id),
        ),
        ask,
        title="Opening the workshop",
    )


def _lead(
    owner: QWidget,
    ops: Ops,
    assessment_id: int,
    led_by: str,
    participants: Sequence[tuple[str, str]],
    label: str,
    keep: Callable[[QWidget], None],
    *,
    take_over: bool,
) -> None:
    holder = new_holder()

    def lead(session: Any) -> WorkshopLead | HeldBy:
        return lead_workshop(
            session, assessment_id, led_by, holder, participants, label, take_over=take_over
        )

    def led(result: WorkshopLead | HeldBy) -> None:
        if not isinstance(result, HeldBy):
            _open(owner, ops, assessment_id, result.sitting_id, keep, lease=result.lease)
            return
        answer = ask_about_held(owner, result)
        if answer == WATCH:
            _open(owner, ops, assessment_id, None, keep, watching=result)
        elif answer == TAKE_OVER:
            _lead(owner, ops, assessment_id, led_by, participants, label, keep, take_over=True)

    ops.write(owner, lead, led, title="Starting the workshop")


def _open(
    owner: QWidget,
    ops: Ops,
    assessment_id: int,
    sitting_id: int | None,
    keep: Callable[[QWidget], None],
    *,
    lease: Lease | None = None,
    watching: HeldBy | None = None,
) -> None:
    def show(start: WorkshopStart) -> None:
        from nbdesk.ui.self_assessment.workshop import WorkshopWindow

        window = WorkshopWindow(
            ops,
            start,
            sitting_id,
            lease=lease,
            watching=watching,
            led_by=leader_name(getattr(ops.store, "location", None)),
        )
        window.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        keep(window)
        window.showFullScreen()
        window.activateWindow()

    ops.read(
        owner,
        lambda session: workshop_start(session, assessment_id),
        show,
        title="Opening the workshop",
    )
