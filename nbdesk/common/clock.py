"""The one place nbdesk reads the date and the time.

Everything that needs "today" or "now" asks this module, never `date.today()` or `datetime.now()`,
so tests (and a command run by a test) can fix the day: a test that passes only on some days is a
defect. `NBDESK_TODAY` (an ISO date or date and time) fixes the clock for a whole process and the
processes it starts; `fix()` fixes it within one.
"""

from __future__ import annotations

import os
import time as time_module
from datetime import date, datetime, time

ENVIRONMENT_VARIABLE = "NBDESK_TODAY"

_fixed: datetime | None = None


def _from_environment() -> datetime | None:
    text = os.environ.get(ENVIRONMENT_VARIABLE, "").strip()
    if not text:
        return None
    try:
        moment = datetime.fromisoformat(text)
    except ValueError:
        raise ValueError(
            f"{ENVIRONMENT_VARIABLE}={text!r} is not a date (use 2026-12-01 or 2026-12-01T09:30)"
        ) from None
    return moment


def now() -> datetime:
    """The local date and time to the second: records never need more, and finer times would only
    help someone line up events."""
    moment = _fixed or _from_environment() or datetime.now()
    return moment.replace(microsecond=0)


def today() -> date:
    return now().date()


def fix(moment: date | datetime | None) -> None:
    """Fix the clock at `moment` (a date means 10:00 that day); None lets it run again."""
    global _fixed
    if moment is None or isinstance(moment, datetime):
        _fixed = moment
    else:
        _fixed = datetime.combine(moment, time(10, 0))


def wall_seconds() -> float:
    """Seconds since the epoch, for a stopwatch shared between processes (the start-up
    benchmark), never for a date."""
    return time_module.time()
