"""Demonstration self-assessments on the demonstration framework (all fictional).

small: a completed staff baseline, a young people's baseline, and a follow-up half done, as a
       service would have it part-way through its review year;
large, huge: complete assessments for the benchmarks (as many as the size says), staff and young
       people in turn: the 2020 baseline, then a follow-up in 2022 and every year after.
"""

from __future__ import annotations

import random
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, datetime, timedelta

from sqlalchemy import Row, insert, select
from sqlalchemy.orm import Session

from nbdesk.demo import Report, Scale
from nbdesk.storage.models import (
    AreaOverall,
    Assessment,
    AssessmentChange,
    Framework,
    FrameworkArea,
    Participant,
    Rating,
    Sitting,
    Statement,
)

DEMO_FRAMEWORK = "New Belongings demonstration self-assessment"


@dataclass(frozen=True)
class Plan:
    name: str
    stage: str
    perspective: str
    held_on: date
    lift: float  # added to each area's tendency: follow-ups are a little better
    areas_done: float  # how far through the framework the group has got (1.0 = all)


SMALL = [
    Plan("Baseline 2020 – staff", "baseline", "staff", date(2020, 11, 12), 0.0, 1.0),
    Plan("Baseline 2020 – young people", "baseline", "young-people", date(2020, 12, 3), -0.4, 1.0),
    Plan("Follow-up 2022 – staff", "follow-up", "staff", date(2022, 10, 6), 0.5, 0.55),
]


def generated(count: int) -> list[Plan]:
    """`count` complete assessments, staff then young people at each sitting of the review: the
    baseline in 2020, a follow-up in 2022 and one every year after, each a little better."""
    found: list[Plan] = []
    for index in range(count):
        pair, young = divmod(index, 2)
        perspective = "young-people" if young else "staff"
        who = "young people" if young else "staff"
        if pair == 0:
            held = date(2020, 12, 3) if young else date(2020, 11, 12)
            name, stage, lift = f"Baseline 2020 – {who}", "baseline", -0.4 if young else 0.0
        else:
            year = 2021 + pair
            held = date(year, 11, 2) if young else date(year, 10, 6)
            name, stage = f"Follow-up {year} – {who}", "follow-up"
            lift = (0.3 if young else 0.5) + 0.15 * (pair - 1)
        found.append(Plan(name, stage, perspective, held, lift, 1.0))
    return found


# Fictional evidence, in the voice of a group's note-taker.
EVIDENCE = {
    4: [
        "Agreed: seen in the last two quarterly reports.",
        "Forum members confirmed this happens; minutes kept on the shared drive.",
        "Audit of 20 pathway plans in September found this in all but one.",
        "Partners agreed this is now routine; no action needed.",
    ],
    3: [
        "Mostly in place; gaps for young people living out of area.",
        "Happens for most, but not recorded consistently. Action: add to case audit.",
        "Housing colleagues say this works well in the city, less so in the districts.",
        "Young people on the panel said it depends on which PA you have.",
    ],
    2: [
        "Only some teams do this. Action: team managers to raise at next service meeting.",
        "Policy exists but young people said they had not heard of it.",
        "Evidence is anecdotal; no data held. Action: add a field to the case system.",
        "Started last year but stalled while the post was vacant.",
    ],
    1: [
        "Not in place. Action: include in the action plan with the care leavers' forum.",
        "No arrangement with partners yet; health lead to bring options in March.",
        "Group agreed this is a gap; young people described it as a priority.",
        "Nothing written down. Action: draft a protocol with housing by the summer.",
    ],
}
OVERALL_NOTES = [
    "Agreed after discussion; partners were slightly more positive than staff.",
    "Group split between {a} and {b}; settled on {s} pending the audit.",
    "Young people's comments pulled this down; fair reflection.",
    "Strong area, but depends on a few individuals.",
]
PEOPLE = {
    "staff": [
        ("Head of service", "staff"),
        ("Team manager, leaving care", "staff"),
        ("Personal adviser", "staff"),
        ("Personal adviser", "staff"),
        ("Participation officer", "staff"),
        ("Housing options manager", "partner"),
        ("Health lead for looked-after children", "partner"),
        ("Jobcentre work coach", "partner"),
    ],
    "young-people": [
        ("Care leavers' forum member", "young-person"),
        ("Care leavers' forum member", "young-person"),
        ("Young inspector", "young-person"),
        ("Participation officer", "staff"),
    ],
}


def populate(session: Session, scale: Scale, rng: random.Random, progress: Report) -> None:
    """Creating demonstration self-assessments"""
    framework_id = session.scalar(select(Framework.id).where(Framework.name == DEMO_FRAMEWORK))
    if framework_id is None:
        return
    areas = session.execute(
        select(FrameworkArea.id, FrameworkArea.number)
        .where(FrameworkArea.framework_id == framework_id)
        .order_by(FrameworkArea.number)
    ).all()
    statements = session.execute(
        select(Statement.id, FrameworkArea.number)
        .join(FrameworkArea, Statement.area_id == FrameworkArea.id)
        .where(FrameworkArea.framework_id == framework_id)
        .order_by(FrameworkArea.number, Statement.position)
    ).all()
    # Each area has a character that persists across assessments, as a real service's would.
    tendency = {number: rng.uniform(1.9, 3.4) for _, number in areas}
    for plan in generated(scale.assessments) if scale.generated else SMALL:
        _create(session, plan, framework_id, areas, statements, tendency, rng)


def _create(
    session: Session,
    plan: Plan,
    framework_id: int,
    areas: Sequence[Row[tuple[int, int]]],
    statements: Sequence[Row[tuple[int, int]]],
    tendency: dict[int, float],
    rng: random.Random,
) -> None:
    started = datetime.combine(plan.held_on, datetime.min.time()) + timedelta(hours=9, minutes=30)
    row = Assessment(
        name=plan.name,
        stage=plan.stage,
        perspective=plan.perspective,
        held_on=plan.held_on,
        framework_id=framework_id,
        archived=False,
        created_at=started - timedelta(days=7),
    )
    session.add(row)
    session.flush()
    # Two sittings a week apart, each with a few of the people who usually come.
    sittings = []
    for week in range(2):
        sitting = Sitting(
            assessment_id=row.id,
            started_at=started + timedelta(days=7 * week),
            label=f"Workshop {week + 1}",
        )
        session.add(sitting)
        session.flush()
        people = PEOPLE[plan.perspective]
        chosen = rng.sample(people, k=min(len(people), rng.randint(3, len(people))))
        session.execute(
            insert(Participant),
            [{"sitting_id": sitting.id, "name_or_role": w, "kind": k} for w, k in chosen],
        )
        sittings.append(sitting)

    last_area = max(1, round(len(areas) * plan.areas_done))
    ratings: list[dict[str, object]] = []
    points_by_area: dict[int, list[int | None]] = {}
    changes: list[dict[str, object]] = []
    clock = started
    for statement_id, area_number in statements:
        done = area_number <= last_area
        if area_number == last_area + 1 and plan.areas_done < 1.0:
            done = rng.random() < 0.4  # the group stopped part-way through this area
        points = None
        evidence = ""
        if done:
            mean = tendency[area_number] + plan.lift
            points = max(1, min(4, round(rng.gauss(mean, 0.7))))
            if rng.random() < 0.8:
                evidence = rng.choice(EVIDENCE[points])
        points_by_area.setdefault(area_number, []).append(points)
        flagged = done and points is not None and points <= 2 and rng.random() < 0.12
        ratings.append(
            {
                "assessment_id": row.id,
                "statement_id": statement_id,
                "points": points,
                "evidence": evidence,
                "flagged": flagged,
            }
        )
        if points is not None:
            sitting = sittings[0 if area_number <= (last_area + 1) // 2 else 1]
            clock = max(clock, sitting.started_at) + timedelta(seconds=rng.randint(40, 240))
            common = {
                "assessment_id": row.id,
                "statement_id": statement_id,
                "area_id": None,
                "changed_at": clock,
                "sitting_id": sitting.id,
            }
            changes.append(
                common | {"field": "rating", "old_value": None, "new_value": str(points)}
            )
            if evidence:
                changes.append(
                    common | {"field": "evidence", "old_value": "", "new_value": evidence}
                )
    session.execute(insert(Rating), ratings)

    overall_rows: list[dict[str, object]] = []
    for area_id, number in areas:
        rated = [p for p in points_by_area.get(number, []) if p is not None]
        score = None
        note = ""
        if number <= last_area and rated:
            mean = sum(rated) / len(rated)
            score = max(0, min(10, round((mean - 1) / 3 * 10 + rng.uniform(-1, 1))))
            template = rng.choice(OVERALL_NOTES)
            note = template.format(a=max(0, score - 1), b=min(10, score + 1), s=score)
            changes.append(
                {
                    "assessment_id": row.id,
                    "statement_id": None,
                    "area_id": area_id,
                    "field": "overall",
                    "old_value": None,
                    "new_value": str(score),
                    "changed_at": clock,
                    "sitting_id": sittings[-1].id,
                }
            )
        overall_rows.append(
            {"assessment_id": row.id, "area_id": area_id, "score": score, "note": note}
        )
    session.execute(insert(AreaOverall), overall_rows)
    if changes:
        session.execute(insert(AssessmentChange), changes)
