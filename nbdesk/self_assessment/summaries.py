"""The words and plain values the self-assessment lists show: stages, perspectives, kinds of
participant, an assessment's summary and a sitting's. No SQLAlchemy here, so the window can show
its first screen (read with the standard library) before that is imported."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime
from typing import Protocol

from nbdesk.common.dates import format_day

STAGES = ("baseline", "follow-up", "other")
PERSPECTIVES = ("staff", "young-people")
PERSPECTIVE_LABELS = {"staff": "Staff", "young-people": "Young people"}
STAGE_LABELS = {"baseline": "Baseline", "follow-up": "Follow-up", "other": "Other"}

PARTICIPANT_KINDS = ("staff", "partner", "young-person")
KIND_LABELS = {"staff": "Staff", "partner": "Partner agency", "young-person": "Young person"}


@dataclass(frozen=True)
class AssessmentSummary:
    id: int
    name: str
    stage: str
    perspective: str
    held_on: date
    framework_id: int
    framework_title: str
    archived: bool
    statements: int
    rated: int
    flagged: int

    @property
    def complete(self) -> bool:
        return self.rated == self.statements

    @property
    def describe(self) -> str:
        return (
            f"{STAGE_LABELS.get(self.stage, self.stage)}, "
            f"{PERSPECTIVE_LABELS.get(self.perspective, self.perspective).lower()}, "
            f"{format_day(self.held_on)}"  # as the list beside it shows the day
        )


@dataclass(frozen=True)
class ParticipantInfo:
    name_or_role: str
    kind: str


@dataclass(frozen=True)
class SittingInfo:
    id: int
    started_at: datetime
    label: str
    participants: tuple[ParticipantInfo, ...]
    changes: int


class _Sitting(Protocol):
    @property
    def started_at(self) -> datetime: ...
    @property
    def label(self) -> str: ...


def sitting_name(info: _Sitting) -> str:
    label = f" ({info.label})" if info.label else ""
    return f"Sitting of {info.started_at:%d %b %Y %H:%M}{label}"
