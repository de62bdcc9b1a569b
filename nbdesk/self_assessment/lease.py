"""One workshop writer per assessment at a time. No Qt.

A workshop window takes the assessment's lease when it opens, renews it while open and releases it
when it closes. Anyone else opening the workshop on that assessment is told who leads it and since
when, and may watch read-only. A lease whose heartbeat is older than STALE_AFTER belongs to a
workshop that crashed, slept or lost its connection: it may be taken over, and the one taking over
is told whose it was. A lease left by an nbdesk that has ended on this same computer (crashed, or
killed) is free at once: its holder names the computer and the process. The rule lives in the
database, so it holds between two nbdesk processes on one file as between two laptops on one
server; each write is one writing transaction (one writer at a time on either backend), so two
workshops can never both take a free lease.
"""

from __future__ import annotations

import os
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta
from uuid import uuid4

from sqlalchemy.orm import Session

from nbdesk.common import clock
from nbdesk.common.changes import Changes
from nbdesk.common.processes import is_running, this_computer
from nbdesk.self_assessment.sittings import start_sitting
from nbdesk.storage.models import Assessment, WorkshopLease

# Renewed every RENEW_SECONDS by an open workshop, so a lease goes stale only after several
# renewals in a row are missed.
STALE_AFTER = timedelta(minutes=2)
RENEW_SECONDS = 30


@dataclass(frozen=True)
class Lease:
    """The lease is ours: we lead the workshop."""

    assessment_id: int
    led_by: str
    holder: str
    since: datetime
    # Whose stale lease this one replaced, so the window can say so.
    took_over_from: str | None = None


@dataclass(frozen=True)
class HeldBy:
    """Someone else leads the workshop on this assessment."""

    assessment_id: int
    led_by: str
    since: datetime
    heartbeat_at: datetime
    stale: bool  # its heartbeat is older than STALE_AFTER, or it was left behind: take it over
    left_behind: bool = False  # by an nbdesk on this computer that has ended since

    def message(self) -> str:
        text = f"A workshop is running on this assessment, led by {self.led_by} since {self.since:%d %B %Y %H:%M}."
        if self.left_behind:
            text += (
                " It was left by nbdesk on this computer, which has closed since (it may have "
                "stopped suddenly): it can be taken over now."
            )
        elif self.stale:
            text += (
                f" It has not been heard from since {self.heartbeat_at:%H:%M}: the computer "
                "running it may have stopped, and it can be taken over."
            )
        return text


# The part of a holder that names the computer (holders are at most 64 characters).
COMPUTER_CHARS = 36


def new_holder() -> str:
    """A token for one workshop window: its computer, its process and a random part (two windows
    in one process are two holders)."""
    return f"{this_computer()[:COMPUTER_CHARS]}:{os.getpid()}:{uuid4().hex[:16]}"


def left_behind(holder: str) -> bool:
    """Whether the holder was a window of an nbdesk on this computer that is no longer running.
    False for any other (another computer's, a live one's, or a token of another form)."""
    parts = holder.rsplit(":", 2)
    if len(parts) != 3 or not parts[1].isdigit():
        return False
    computer, pid = parts[0], int(parts[1])
    here = this_computer()[:COMPUTER_CHARS]
    return computer == here and pid != os.getpid() and not is_running(pid)


def _held_by(row: WorkshopLease, now: datetime) -> HeldBy:
    left = left_behind(row.holder)
    stale = left or now - row.heartbeat_at > STALE_AFTER
    return HeldBy(row.assessment_id, row.led_by, row.taken_at, row.heartbeat_at, stale, left)


def _is_stale(row: WorkshopLease, now: datetime) -> bool:
    return _held_by(row, now).stale


def workshop_lease(session: Session, assessment_id: int) -> HeldBy | None:
    """Who leads the workshop on the assessment now (None if nobody); for a watcher to check."""
    row = session.get(WorkshopLease, assessment_id)
    return None if row is None else _held_by(row, clock.now())


def take_workshop(
    session: Session, assessment_id: int, led_by: str, holder: str, *, take_over: bool = False
) -> Lease | HeldBy:
    """Take the lease for `holder` (a token of the workshop window), led by `led_by`. Refused with
    the lease's leader when someone else holds it, unless it is stale and `take_over` is asked."""
    led_by = led_by.strip() or "someone"
    if session.get(Assessment, assessment_id) is None:
        raise ValueError(f"There is no assessment {assessment_id}")
    now = clock.now()
    row = session.get(WorkshopLease, assessment_id)
    if row is None:
        session.add(
            WorkshopLease(
                assessment_id=assessment_id,
                led_by=led_by,
                holder=holder,
                taken_at=now,
                heartbeat_at=now,
            )
        )
        session.flush()
        return Lease(assessment_id, led_by, holder, now)
    if row.holder == holder:
        row.heartbeat_at = now
        return Lease(assessment_id, row.led_by, holder, row.taken_at)
    if not (take_over and _is_stale(row, now)):
        return _held_by(row, now)
    previous = row.led_by
    row.led_by, row.holder, row.taken_at, row.heartbeat_at = led_by, holder, now, now
    return Lease(assessment_id, led_by, holder, now, took_over_from=previous)


def renew(session: Session, assessment_id: int, holder: str) -> Lease | HeldBy | None:
    """The heartbeat of an open workshop. The lease, still ours; or who took it over (ours went
    stale: the computer slept, say); or None if it is gone (released by hand)."""
    row = session.get(WorkshopLease, assessment_id)
    now = clock.now()
    if row is None:
        return None
    if row.holder != holder:
        return _held_by(row, now)
    row.heartbeat_at = now
    return Lease(assessment_id, row.led_by, holder, row.taken_at)


def release(session: Session, assessment_id: int, holder: str) -> bool:
    """The workshop closed: free the lease if it is still ours (True if it was)."""
    row = session.get(WorkshopLease, assessment_id)
    if row is None or row.holder != holder:
        return False
    session.delete(row)
    return True


@dataclass(frozen=True)
class WorkshopLead:
    """A workshop opened to lead: its lease, its sitting, and what starting the sitting changed."""

    lease: Lease
    sitting_id: int
    changes: Changes


def lead_workshop(
    session: Session,
    assessment_id: int,
    led_by: str,
    holder: str,
    participants: Sequence[tuple[str, str]],
    label: str,
    *,
    take_over: bool = False,
) -> WorkshopLead | HeldBy:
    """Take the lease and start the sitting in one transaction: a workshop refused the lease (taken
    a moment before by another) records no sitting."""
    taken = take_workshop(session, assessment_id, led_by, holder, take_over=take_over)
    if isinstance(taken, HeldBy):
        return taken
    sitting = start_sitting(session, assessment_id, participants, label)
    return WorkshopLead(taken, sitting.value, sitting.changes)
