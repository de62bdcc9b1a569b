"""The words an action plan is written in: stages, statuses, ways young people take part, the
reasons they do not, kinds of owner, and "When" as a date or a quarter.

Each status has a symbol as well as a label, so a printed or projected plan never relies on colour.
"""

from __future__ import annotations

import re
from datetime import date, timedelta

from nbdesk.common.dates import format_day, parse_date


class PlanError(ValueError):
    """A request about a plan that cannot be carried out; the message says why, in one line."""


STAGES = ("initial", "revised", "other")
STAGE_LABELS = {
    "initial": "Initial plan",
    "revised": "Revised after the follow-up",
    "other": "Other",
}

NOT_STARTED, ON_TRACK, AT_RISK, DONE, DROPPED = (
    "not-started",
    "on-track",
    "at-risk",
    "done",
    "dropped",
)
STATUSES = (NOT_STARTED, ON_TRACK, AT_RISK, DONE, DROPPED)
STATUS_LABELS = {
    NOT_STARTED: "Not started",
    ON_TRACK: "On track",
    AT_RISK: "At risk",
    DONE: "Done",
    DROPPED: "Dropped",
}
# Shapes that differ in print and on a projector without colour.
STATUS_SYMBOLS = {NOT_STARTED: "○", ON_TRACK: "▶", AT_RISK: "⚠", DONE: "✔", DROPPED: "✖"}
# Still to be delivered: counted as overdue or drifting when late or quiet.
OPEN_STATUSES = (NOT_STARTED, ON_TRACK, AT_RISK)

WAYS = ("co-designing", "delivering", "reviewing", "inspecting", "other")
WAY_LABELS = {
    "co-designing": "Co-designing",
    "delivering": "Delivering",
    "reviewing": "Reviewing",
    "inspecting": "Inspecting",
    "other": "Other",
}

# The four reasons the programme's evaluation found, and a typed one.
REASONS = ("internal", "resources", "interest", "partners", "other")
REASON_LABELS = {
    "internal": "The change is internal administration",
    "resources": "Not enough resources",
    "interest": "Young people's interest or availability",
    "partners": "Partners' capacity to engage",
    "other": "Another reason",
}

OWNER_KINDS = ("person", "team", "partner")
OWNER_KIND_LABELS = {"person": "Person", "team": "Team", "partner": "Partner agency"}

REVIEW_KINDS = ("staff", "partners", "young_people")

# The programme's published share of actions that involved young people in delivering them.
PUBLISHED_INVOLVEMENT_SHARE = 0.27
# Plans are reviewed about every three months; an action quiet for longer than this is drifting.
REVIEW_EVERY_MONTHS = 3
DRIFT_DAYS = 90

MAX_TITLE = 200
MAX_TEXT = 5000


def status_text(status: str) -> str:
    """'✔ Done': symbol and words, for lists, workbooks and reports."""
    return f"{STATUS_SYMBOLS.get(status, '?')} {STATUS_LABELS.get(status, status)}"


def choice(value: str, allowed: tuple[str, ...], what: str) -> str:
    cleaned = value.strip().lower().replace(" ", "-").replace("_", "-")
    for option in allowed:
        if cleaned == option.replace("_", "-"):
            return option
    raise PlanError(f"The {what} must be one of {', '.join(allowed)}, not '{value}'.")


def title(value: str, what: str) -> str:
    cleaned = " ".join(value.split())
    if not cleaned:
        raise PlanError(f"The {what} cannot be empty.")
    if len(cleaned) > MAX_TITLE:
        raise PlanError(f"The {what} is too long ({len(cleaned)} characters; {MAX_TITLE} at most).")
    return cleaned


def text(value: str, what: str) -> str:
    cleaned = value.strip()
    if len(cleaned) > MAX_TEXT:
        raise PlanError(f"The {what} is too long ({len(cleaned)} characters; {MAX_TEXT} at most).")
    if any(ord(ch) < 32 and ch not in "\n\t" for ch in cleaned):
        raise PlanError(f"The {what} contains control characters.")
    return cleaned


def ways(values: list[str] | tuple[str, ...] | str) -> str:
    """Ways young people take part, stored comma-separated in the order of WAYS."""
    items = values.split(",") if isinstance(values, str) else list(values)
    chosen = {choice(v, WAYS, "way young people take part") for v in items if v.strip()}
    return ",".join(w for w in WAYS if w in chosen)


# "When": a date, or a quarter of the financial year (April to March) as councils plan in. ---------

_QUARTER = re.compile(r"^\s*q([1-4])\s+(\d{4})(?:\s*[-/]\s*(\d{2}|\d{4}))?\s*$", re.IGNORECASE)
_QUARTER_START_MONTH = {1: 4, 2: 7, 3: 10, 4: 1}


def quarter_end(quarter: int, year: int) -> date:
    """The last day of financial quarter `quarter` of the year starting April `year`."""
    month = _QUARTER_START_MONTH[quarter] + 2
    calendar_year = year + 1 if quarter == 4 else year
    first_of_next = date(calendar_year + (month // 12), month % 12 + 1, 1)
    return first_of_next - timedelta(days=1)


def quarter_of(day: date) -> tuple[int, int]:
    """(quarter, financial year's starting calendar year) of a day."""
    if day.month >= 4:
        return (day.month - 4) // 3 + 1, day.year
    return 4, day.year - 1


def when_text(due_on: date | None, is_quarter: bool) -> str:
    if due_on is None:
        return ""
    if is_quarter:
        quarter, year = quarter_of(due_on)
        start = _QUARTER_START_MONTH[quarter]
        months = (
            "Jan",
            "Feb",
            "Mar",
            "Apr",
            "May",
            "Jun",
            "Jul",
            "Aug",
            "Sep",
            "Oct",
            "Nov",
            "Dec",
        )
        return f"Q{quarter} {year}-{(year + 1) % 100:02d} ({months[start - 1]}–{months[start + 1]} {due_on.year})"
    return format_day(due_on)


def parse_when(value: str) -> tuple[date | None, bool]:
    """'Q2 2027' (financial year 2027-28), '31/3/2027' or '2027-03-31'; '' for no date."""
    if not value.strip():
        return None, False
    match = _QUARTER.match(value)
    if match:
        return quarter_end(int(match.group(1)), int(match.group(2))), True
    try:
        return parse_date(value, past=False, serials=False), False
    except ValueError as exc:
        raise PlanError(f"When: {exc}, or a quarter such as Q2 2027.") from None


def add_months(day: date, months: int) -> date:
    month_index = day.month - 1 + months
    year, month = day.year + month_index // 12, month_index % 12 + 1
    for candidate in (day.day, 30, 29, 28):
        try:
            return date(year, month, candidate)
        except ValueError:
            continue
    raise AssertionError("unreachable")
