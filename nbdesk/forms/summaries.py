"""What a list of frameworks shows, as plain values (no SQLAlchemy: the window's first screen is
read without it)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime


@dataclass(frozen=True)
class FrameworkSummary:
    id: int
    name: str
    version: str
    demonstration: bool
    areas: int
    statements: int
    loaded_at: datetime

    @property
    def title(self) -> str:
        demo = " (demonstration)" if self.demonstration else ""
        return f"{self.name} {self.version}{demo}"
