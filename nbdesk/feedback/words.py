"""A round's results said in words, the same in the window and on the command line: the official
counts beside nbdesk's confirmations, a small base, and a change between two rounds."""

from __future__ import annotations

from sqlalchemy.orm import Session

from nbdesk.common.dates import format_day
from nbdesk.feedback.results import (
    FindingChange,
    FindingView,
    RoundResultView,
    compare_findings,
)
from nbdesk.survey.rounds import get_round

SMALL_BASE_WORDS = "⚠ small base: never printed"


def _plural(count: int, one: str, many: str) -> str:
    return f"{count:,} {one if count == 1 else many}"


def rate_words(completed: int, invited: int) -> str:
    return f"{completed / invited:.0%}" if invited else "–"


def official_words(view: RoundResultView) -> str:
    """'240 invited, 118 completed (49%), received 12 Jan 2021.'"""
    return (
        f"{view.invited:,} invited, {view.completed:,} completed "
        f"({rate_words(view.completed, view.invited)}), received {format_day(view.received_on)}."
    )


def difference_words(view: RoundResultView) -> str:
    """The official completions beside nbdesk's confirmations, and what a gap usually means."""
    confirmed = _plural(view.confirmed, "completion", "completions")
    head = f"nbdesk has {confirmed} confirmed; the central team counted {view.completed:,}"
    gap = view.difference
    if gap == 0:
        return f"{head}: the same."
    if gap > 0:
        more = _plural(gap, "more young person", "more young people")
        return f"{head}: {more} completed than nbdesk was told about."
    fewer = _plural(-gap, "confirmation", "confirmations")
    return (
        f"{head}: nbdesk has {fewer} more than the official count (some who said they had done "
        "it may not have finished)."
    )


def base_words(finding: FindingView) -> str:
    return f"{finding.base:,} {SMALL_BASE_WORDS}" if finding.small else f"{finding.base:,}"


def points_words(points: float | None) -> str:
    """'up 4 points', 'down 2.5 points', 'no change'; '' where one round lacks the finding."""
    if points is None:
        return ""
    if points == 0:
        return "no change"
    size = f"{abs(points):g}"
    unit = "point" if size == "1" else "points"
    return f"{'up' if points > 0 else 'down'} {size} {unit}"


def in_order(session: Session, round_id: int, other_id: int) -> tuple[int, int]:
    """The two rounds as (baseline, follow-up): the one that opened first is the baseline."""
    this, other = get_round(session, round_id), get_round(session, other_id)
    return (
        (other.id, this.id)
        if (other.opens_on, other.id) < (this.opens_on, this.id)
        else (
            this.id,
            other.id,
        )
    )


def comparison(
    session: Session, round_id: int, other_id: int
) -> tuple[str, str, list[FindingChange]]:
    """The names of the baseline and follow-up rounds and their findings side by side."""
    baseline, follow_up = in_order(session, round_id, other_id)
    return (
        get_round(session, baseline).name,
        get_round(session, follow_up).name,
        compare_findings(session, baseline, follow_up),
    )
