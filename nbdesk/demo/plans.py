"""Demonstration action plans (all fictional, written by the nbdesk project for practice).

small: an initial plan, signed off, that ran for two years with two reviews; and the revised plan
       made from it five months ago, in progress and not yet signed off, with actions in every
       status (some overdue, some quiet for months), owners including partner agencies, evidence
       cited from the demonstration baseline and the first survey round, and two reviews with young
       people's comments. Made through the action plan services, so each has its history.
large, huge: the plans of their sizes (three, with 200 actions and 2,000 updates between them),
       for the benchmarks, inserted in bulk.

Every date is relative to nbdesk's clock, so the demonstration never ages.
"""

from __future__ import annotations

import random
from datetime import date, timedelta
from typing import Any

from sqlalchemy import insert, select, update
from sqlalchemy.orm import Session

from nbdesk.action_plan import actions as act
from nbdesk.action_plan import vocab
from nbdesk.action_plan.plans import create_plan, revise_plan, sign_off
from nbdesk.action_plan.reviews import start_review
from nbdesk.action_plan.views import read_plan
from nbdesk.common import clock
from nbdesk.demo import Report, Scale
from nbdesk.demo.assessments import DEMO_FRAMEWORK
from nbdesk.demo.plan_texts import NEW_ACTIONS, OWNERS, THEMES
from nbdesk.storage.models import (
    Assessment,
    Framework,
    FrameworkArea,
    PlanAction,
    PlanCitation,
    PlanReview,
    PlanTheme,
    PlanUpdate,
    Statement,
    SurveyRound,
)

INITIAL = "Initial action plan (demonstration)"
REVISED = "Revised action plan (demonstration)"
BASELINE = "Baseline 2020 – staff"
FIRST_ROUND = "Time 1 2020"


def populate(session: Session, scale: Scale, rng: random.Random, progress: Report) -> None:
    """Creating demonstration action plans"""
    act.ensure_default_owners(session)
    owners = {}
    for name, kind in OWNERS:
        owners[name] = act.add_owner(session, name, kind).value
    owners |= {o[1]: o[0] for o in act.list_owners(session)}
    if scale.generated:
        _generated(session, scale, owners, rng)
    else:
        _small(session, owners)


def _evidence(session: Session) -> tuple[int | None, dict[tuple[int, int], int], int | None]:
    """The demonstration baseline's id, its statements by (area, position), the first round."""
    assessment = session.scalar(select(Assessment.id).where(Assessment.name == BASELINE))
    rows = session.execute(
        select(FrameworkArea.number, Statement.position, Statement.id)
        .join(Statement, Statement.area_id == FrameworkArea.id)
        .join(Framework, Framework.id == FrameworkArea.framework_id)
        .where(Framework.name == DEMO_FRAMEWORK)
    ).all()
    # The first round of the small demonstration; the oldest of a generated one.
    round_id = session.scalar(
        select(SurveyRound.id).order_by(SurveyRound.name != FIRST_ROUND, SurveyRound.opens_on)
    )
    return assessment, {(r[0], r[1]): r[2] for r in rows}, round_id


def _involve(session: Session, action_id: int, way: str) -> None:
    if way in vocab.WAYS:
        act.edit_action(session, action_id, involvement=way)
    else:
        act.edit_action(session, action_id, not_involved_reason=way)


def _added_on(session: Session, plan_id: int, day: date) -> None:
    """The demonstration's actions were added when their plan started (the services date them
    today)."""
    themes = select(PlanTheme.id).where(PlanTheme.plan_id == plan_id)
    session.execute(
        update(PlanAction).where(PlanAction.theme_id.in_(themes)).values(created_on=day)
    )


def _when(start: date, months: int) -> str:
    return vocab.add_months(start, months).isoformat()


def _small(session: Session, owners: dict[str, int]) -> None:
    today = clock.today()
    start = vocab.add_months(today, -30)
    plan = create_plan(session, INITIAL, starts_on=start, themes=[t for t, _ in THEMES]).value
    themes = read_plan(session, plan).themes
    assessment, statements, round_id = _evidence(session)
    ids: list[int] = []
    for theme, (_title, items) in zip(themes, THEMES, strict=True):
        for you_said, we_will, who, months, way, cited in items:
            action = act.add_action(
                session,
                theme.id,
                we_will,
                you_said=you_said,
                owner_id=owners[who],
                when=_when(start, months),
            ).value
            _involve(session, action, way)
            if cited and assessment and cited in statements:
                act.cite(session, action, assessment_id=assessment, statement_id=statements[cited])
            ids.append(action)
    if round_id is not None:
        act.cite(session, ids[9], round_id=round_id)
    _added_on(session, plan, start)
    sign_off(
        session,
        plan,
        name="A. Example (demonstration)",
        role="Director of Children's Services",
        signed_on=start + timedelta(days=30),
        note="Agreed at the corporate parenting board.",
    )
    first = start + timedelta(days=120)
    review = start_review(
        session,
        plan,
        held_on=first,
        staff=4,
        partners=2,
        young_people=5,
        young_people_comments="The drop-in is the best thing so far.\nWe still hear about "
        "changes last, after the PAs.",
    ).value
    for action in ids:
        act.add_update(
            session,
            action,
            "Under way; first steps agreed.",
            status="on-track",
            written_on=first,
            review_id=review,
        )
    act.add_update(
        session,
        ids[8],
        "Drop-in running every Thursday.",
        status="done",
        written_on=first,
        young_people_comment="Keep the food!",
    )
    second = vocab.add_months(start, 14)
    review = start_review(
        session,
        plan,
        held_on=second,
        staff=3,
        partners=1,
        young_people=3,
        young_people_comments="Council tax exemption made a real difference.",
    ).value
    finals = {
        0: "done",
        1: "done",
        3: "done",
        4: "done",
        5: "at-risk",
        6: "at-risk",
        7: "on-track",
        9: "done",
        10: "on-track",
    }
    for index, status in finals.items():
        act.add_update(
            session,
            ids[index],
            "Reviewed with the forum.",
            status=status,
            written_on=second,
            review_id=review,
        )
    act.add_update(
        session,
        ids[11],
        "The forum chose to present to the board twice a year.",
        status="dropped",
        written_on=second,
        review_id=review,
        reason="Replaced by the forum's own twice-yearly report to the board.",
    )
    _revised(session, plan, owners)


def _revised(session: Session, earlier: int, owners: dict[str, int]) -> None:
    today = clock.today()
    start = vocab.add_months(today, -5)
    plan = revise_plan(session, earlier, REVISED, starts_on=start).value
    view = read_plan(session, plan)
    for copied in view.actions:  # what was delivered or dropped stays with the earlier plan
        if copied.status in (vocab.DONE, vocab.DROPPED):
            act.remove_action(session, copied.id)
    for number, you_said, we_will, who, months, way in NEW_ACTIONS:
        added = act.add_action(
            session,
            view.themes[number - 1].id,
            we_will,
            you_said=you_said,
            owner_id=owners[who],
            when=_when(start, months),
        ).value
        _involve(session, added, way)
    _added_on(session, plan, start)
    actions = read_plan(session, plan).actions

    def find(words: str) -> int:
        return next(a.id for a in actions if a.we_will.startswith(words))

    rent, ident, therapy = find("Agree with"), find("Make sure"), find("Agree a quicker")
    same_pa, panels, hosts = find("Keep the same"), find("Include"), find("Recruit")
    bus, gp = find("Give care"), find("Register")
    # Carried over with new dates: the ID checks are already late.
    for carried, months in ((rent, 8), (ident, 2), (therapy, 12), (same_pa, 6), (panels, 9)):
        act.edit_action(session, carried, when=_when(start, months))
    day = start + timedelta(days=30)
    review = start_review(
        session,
        plan,
        held_on=day,
        staff=5,
        partners=3,
        young_people=4,
        young_people_comments="Bus passes first, please: it is the cost we all talk about.\n"
        "We want to see the rent protocol before it is signed.",
    ).value
    act.add_update(
        session,
        rent,
        "Draft protocol shared with the forum.",
        status="on-track",
        written_on=day,
        review_id=review,
        young_people_comment="Make the letters plainer.",
    )
    act.add_update(
        session,
        bus,
        "Colleges asked to share the cost.",
        status="on-track",
        written_on=day,
        review_id=review,
    )
    act.add_update(
        session,
        ident,
        "Jobcentre cannot spare a worker this year.",
        status="at-risk",
        written_on=day,
        review_id=review,
    )
    act.add_update(
        session,
        therapy,
        "Trust waiting for funding decision.",
        status="at-risk",
        written_on=day - timedelta(days=10),
    )
    day = today - timedelta(days=40)
    review = start_review(
        session,
        plan,
        held_on=day,
        staff=4,
        partners=2,
        young_people=6,
        young_people_comments="Good to see bus passes agreed.\nPanels need more notice so "
        "we can get time off college.",
    ).value
    act.add_update(
        session,
        bus,
        "Passes issued to 41 young people.",
        status="done",
        written_on=day,
        review_id=review,
        young_people_comment="Finally!",
    )
    act.add_update(
        session,
        panels,
        "Two panels held with young people this quarter.",
        status="on-track",
        written_on=day,
        review_id=review,
        young_people_comment="Pay us on the day, not a month later.",
    )
    act.add_update(
        session,
        same_pa,
        "Policy agreed; one move so far kept the same PA.",
        status="on-track",
        written_on=day,
        review_id=review,
    )
    act.add_update(
        session,
        gp,
        "Health cannot fund a named nurse for this.",
        status="dropped",
        written_on=day,
        review_id=review,
        reason="Folded into the health service's own care leavers' offer.",
    )
    act.add_update(
        session, hosts, "Advert drafted with the forum.", written_on=day, review_id=review
    )


# Generated: bulk, for the benchmarks ----------------------------------------------------------

UPDATES_PER_ACTION = 10
LARGE_THEMES = ("Housing", "Money", "Health", "Education and work", "Being heard")


def _generated(session: Session, scale: Scale, owners: dict[str, int], rng: random.Random) -> None:
    today = clock.today()
    # Core executemany on the session's connection: the ORM's bulk insert would split the rows
    # into a statement per run of rows with the same empty columns (a review or none).
    bulk = session.connection()
    assessment, statements, round_id = _evidence(session)
    statement_ids = sorted(statements.values())
    owner_ids = sorted(set(owners.values()))
    for number, count in enumerate(scale.plan_actions):
        name = f"Benchmark plan {chr(ord('A') + number)} (fictional)"
        start = vocab.add_months(today, -6 - 12 * number)
        plan = create_plan(session, name, starts_on=start, themes=list(LARGE_THEMES)).value
        theme_ids = [t.id for t in read_plan(session, plan).themes]
        rows: list[dict[str, Any]] = []
        for i in range(count):
            involved = rng.random() < 0.3
            rows.append(
                {
                    "theme_id": theme_ids[i % len(theme_ids)],
                    "position": i // len(theme_ids) + 1,
                    "you_said": f"Fictional young people's priority number {i + 1}.",
                    "we_will": f"Fictional action {i + 1} of {name}.",
                    "owner_id": rng.choice(owner_ids),
                    "due_on": start + timedelta(days=rng.randint(60, 720)),
                    "due_is_quarter": False,
                    "status": rng.choice(vocab.STATUSES),
                    "dropped_reason": "Fictional reason.",
                    "involvement": rng.choice(vocab.WAYS[:4]) if involved else "",
                    "involvement_note": "",
                    "not_involved_reason": "" if involved else rng.choice(vocab.REASONS[:4]),
                    "not_involved_note": "",
                    "copied_from_id": None,
                    "created_on": start,
                }
            )
        bulk.execute(insert(PlanAction), rows)
        action_ids = session.scalars(
            select(PlanAction.id).where(PlanAction.theme_id.in_(theme_ids)).order_by(PlanAction.id)
        ).all()
        reviews = []
        for k in range(3):
            held = start + timedelta(days=90 * (k + 1))
            if held <= today:
                reviews.append(
                    {
                        "plan_id": plan,
                        "held_on": held,
                        "staff": 4,
                        "partners": 2,
                        "young_people": 3 + k,
                        "young_people_comments": f"Fictional comments {k + 1}.",
                    }
                )
        if reviews:
            bulk.execute(insert(PlanReview), reviews)
        review_ids = session.scalars(select(PlanReview.id).where(PlanReview.plan_id == plan)).all()
        span = max(1, (today - start).days)
        updates = []
        for action_id, action in zip(action_ids, rows, strict=True):
            days = sorted(rng.randint(0, span) for _ in range(UPDATES_PER_ACTION))
            for n, day in enumerate(days):
                # The newest update leaves the action in the status it has, as a real one would.
                last = n == len(days) - 1
                updates.append(
                    {
                        "action_id": action_id,
                        "written_on": start + timedelta(days=day),
                        "text": f"Fictional progress note {n + 1}.",
                        "status": action["status"] if last else rng.choice(vocab.OPEN_STATUSES),
                        "review_id": (
                            rng.choice(review_ids) if review_ids and rng.random() < 0.2 else None
                        ),
                        "young_people_comment": "Fictional comment." if rng.random() < 0.1 else "",
                    }
                )
        bulk.execute(insert(PlanUpdate), updates)
        citations = []
        if assessment is not None and statement_ids:
            citations += [
                {
                    "action_id": a,
                    "assessment_id": assessment,
                    "statement_id": rng.choice(statement_ids),
                    "area_id": None,
                    "round_id": None,
                }
                for a in action_ids[::3]
            ]
        if round_id is not None:
            citations += [
                {
                    "action_id": a,
                    "assessment_id": None,
                    "statement_id": None,
                    "area_id": None,
                    "round_id": round_id,
                }
                for a in action_ids[1::10]
            ]
        if citations:
            bulk.execute(insert(PlanCitation), citations)
        if number > 0:
            sign_off(
                session,
                plan,
                name="Fictional director",
                role="Director of Children's Services",
                signed_on=start + timedelta(days=20),
            )
