"""Demonstration results and priorities (all fictional, written by the nbdesk project for practice).

For each round of the demonstration: the central team's official counts (a few more completions
than the PAs were told about, as usually happens) and about ten aggregate findings, with different
figures per round so a comparison shows change, one on a small base; the authority's list of
priority themes with a count per round and a few short quotes that name nobody. The revised plan's
actions cite some findings and themes (others are left for the plan to show as unanswered), and the
initial plan records one "we told you back" message.

The figures are invented, loosely after the published 2020 cohort (about a third not feeling safe
where they lived, a third with high anxiety, a fifth struggling financially).
"""

from __future__ import annotations

import random
from datetime import timedelta

from sqlalchemy import select
from sqlalchemy.orm import Session

from nbdesk.action_plan import actions as act
from nbdesk.action_plan.plans import find_plan
from nbdesk.action_plan.views import read_plan
from nbdesk.common import clock
from nbdesk.demo import Report, Scale
from nbdesk.demo.plans import INITIAL, REVISED
from nbdesk.feedback.priorities import add_quote, add_theme, set_count
from nbdesk.feedback.results import (
    FindingRow,
    list_findings,
    set_round_result,
    store_findings,
)
from nbdesk.feedback.telling_back import record_feedback
from nbdesk.storage.models import ActionPlan
from nbdesk.survey.rounds import list_rounds

FIRST, SECOND = "Time 1 2020", "Time 2 survey"
LABEL = " (fictional)"

# (domain, finding, percent in the first round, percent in the second, base scale or a fixed base)
FINDINGS: list[tuple[str, str, float | None, float | None, float | int]] = [
    ("Safe and settled", "Did not feel safe where they lived", 32, 26, 1.0),
    ("Safe and settled", "Felt their home was right for them", 61, 68, 1.0),
    ("Well-being", "Reported high anxiety", 34, 31, 1.0),
    ("Well-being", "Felt lonely always or often", 24, 27, 1.0),
    ("Money", "Struggling financially", 20, 23, 1.0),
    ("Relationships", "Had a trusted person to count on", 81, 85, 1.0),
    ("Being heard", "Felt their PA listened to them", 62, 70, 1.0),
    ("Entitlements", "Knew what help they were entitled to", 45, 57, 1.0),
    ("Education and work", "In education, training or work", 52, 55, 0.9),
    ("Asylum", "Had an interpreter when they needed one", 50, 57, 6),  # a small base
    ("Digital", "Had a phone and data to keep in touch", None, 88, 1.0),  # asked only in Time 2
]

THEMES = (
    "Somewhere safe to live",
    "Money and the cost of living",
    "Mental health support",
    "Being listened to",
    "Help into work and college",
    "Travel and bus fares",
)
COUNTS = {FIRST: (14, 11, 9, 6, 5, 3), SECOND: (9, 15, 12, 4, 6, 8)}
# (theme, quote, months after the round closes): short, everyday, and naming nobody.
QUOTES = {
    FIRST: (
        (0, "I want a say in where I move to, not just a date.", 1),
        (1, "Bills came all at once and nobody showed me how to budget.", 1),
        (2, "Waiting months to talk to someone is too long.", 2),
        (3, "Tell us what changed after we fill these surveys in.", 2),
    ),
    SECOND: (
        (1, "The bus to college costs more than my lunch.", 0),
        (5, "A bus pass would mean I could get to work on time.", 0),
        (2, "Somebody to talk to at night, not only in office hours.", 0),
    ),
}


def populate(session: Session, scale: Scale, rng: random.Random, progress: Report) -> None:
    """Adding demonstration results, findings and young people's priorities"""
    rounds = {r.name: r for r in list_rounds(session)}
    theme_ids = [add_theme(session, name).value for name in THEMES]
    today = clock.today()
    for summary in rounds.values():
        # A closed round has its final figures, as the first did; an open one interim figures.
        first = summary.closed
        # Official counts: a few more completions than nbdesk was told about.
        completed = summary.completed + (4 if first else 3)
        invited = max(summary.eligible + (2 if first else 0), completed)
        received = summary.closes_on + timedelta(days=40) if first else today
        if received > today:
            received = today
        set_round_result(
            session,
            summary.id,
            invited=invited,
            completed=completed,
            received_on=received,
            note="Final figures from the central team (fictional)."
            if first
            else "Interim figures while the round is open (fictional).",
        )
        rows = []
        for domain, text, one, two, base in FINDINGS:
            percent = one if first else two
            if percent is None:
                continue
            count = base if isinstance(base, int) else max(10, round(completed * base))
            rows.append(FindingRow(domain, text + LABEL, float(percent), count))
        store_findings(session, summary.id, rows)
        counts = COUNTS[FIRST if first else SECOND]
        for theme_id, count in zip(theme_ids, counts, strict=True):
            set_count(session, summary.id, theme_id, count)
        for index, text, months in QUOTES[FIRST if first else SECOND]:
            day = summary.closes_on + timedelta(days=31 * months) if first else today
            add_quote(session, summary.id, theme_ids[index], text, month=min(day, today))
    if FIRST in rounds:
        _cite(session, rounds[FIRST].id, theme_ids)


def _cite(session: Session, round_id: int, theme_ids: list[int]) -> None:
    """The revised plan answers some of what the first round found and young people asked for;
    the initial plan was told back to care leavers once."""
    if session.scalar(select(ActionPlan.id).where(ActionPlan.name == REVISED)) is None:
        return
    findings = {f.text.removesuffix(LABEL): f.id for f in list_findings(session, round_id)}
    plan = read_plan(session, find_plan(session, REVISED))
    by_theme = {t.title: [a.id for a in t.actions] for t in plan.themes}

    def first_action(theme: str) -> int | None:
        found = by_theme.get(theme) or []
        return found[0] if found else None

    for theme, finding, priority in (
        ("Somewhere safe to live", "Did not feel safe where they lived", 0),
        ("Money and help with bills", "Struggling financially", 1),
        ("Health and someone to talk to", "Reported high anxiety", 2),
        ("Being heard", "Felt their PA listened to them", 3),
    ):
        action = first_action(theme)
        if action is None:
            continue
        act.cite(session, action, finding_id=findings[finding])
        act.cite(session, action, priority_theme_id=theme_ids[priority])
    initial = find_plan(session, INITIAL)
    starts = session.get(ActionPlan, initial)
    assert starts is not None
    record_feedback(
        session,
        plan_id=initial,
        channel="text",
        how_many=58,
        sent_on=starts.starts_on + timedelta(days=45),
        note="'You said, we are doing' page sent as a link to every care leaver (fictional).",
    )
