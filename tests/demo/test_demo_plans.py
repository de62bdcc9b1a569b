"""The demonstration action plans (issue 13, item 9): the small authority's initial and revised
plans as a lead would meet them, and the large authority's plans inserted in bulk."""

from __future__ import annotations

import random
from datetime import date

from sqlalchemy import event, func, select

from nbdesk.action_plan import vocab
from nbdesk.action_plan.actions import list_owners
from nbdesk.action_plan.attention import attention
from nbdesk.action_plan.plans import find_plan, list_plans
from nbdesk.action_plan.views import read_plan
from nbdesk.common import clock
from nbdesk.demo import SIZES, assessments, frameworks, plans, quiet
from nbdesk.storage import create_database, open_database
from nbdesk.storage.location import Location
from nbdesk.storage.models import PlanAction, PlanUpdate


def test_the_small_demonstration_has_an_initial_and_a_revised_plan(demo_db: Location) -> None:
    db = open_database(demo_db)
    with db.session() as session:
        summaries = {p.name: p for p in list_plans(session)}
        initial = read_plan(session, find_plan(session, plans.INITIAL))
        revised = read_plan(session, find_plan(session, plans.REVISED))
        owner_kinds = {kind for _id, _name, kind in list_owners(session)}
    db.close()
    assert set(summaries) == {plans.INITIAL, plans.REVISED}
    assert all("(demonstration)" in name for name in summaries)
    # The initial plan was signed off; the revised one, made from it, is in progress.
    assert initial.signed_off and not revised.signed_off
    assert summaries[plans.REVISED].revises == plans.INITIAL
    assert (initial.summary.stage, revised.summary.stage) == ("initial", "revised")
    assert len(initial.themes) == 4 and [t.title for t in revised.themes] == [
        t.title for t in initial.themes
    ]
    # Actions in every status, and some needing attention today.
    assert {a.status for a in revised.actions} == set(vocab.STATUSES)
    found = attention(revised, clock.today())
    assert found.overdue and found.drifting and not found.review_overdue
    # Evidence: statements of the demonstration baseline, and the first survey round.
    cited = [c for a in initial.actions for c in a.citations]
    assert {c.assessment for c in cited if c.kind == "statement"} == {plans.BASELINE}
    assert [c.label for c in cited if c.kind == "round"] == [f"Survey round: {plans.FIRST_ROUND}"]
    assert any(c.kind == "statement" for a in revised.actions for c in a.citations)
    # Owners include partner agencies; two reviews, each with young people's comments.
    assert "partner" in owner_kinds
    assert any(a.owner == "Housing" for a in revised.actions)
    assert len(revised.reviews) == 2 and len(initial.reviews) == 2
    assert all(r.young_people and r.young_people_comments for r in revised.reviews)
    assert any(u.young_people_comment for a in revised.actions for u in a.updates)
    # Dates follow nbdesk's clock: the revised plan started five months before today.
    assert revised.summary.starts_on == vocab.add_months(clock.today(), -5)
    assert initial.summary.starts_on == vocab.add_months(clock.today(), -30)


def test_the_large_plans_are_inserted_in_bulk(database_at, clock) -> None:  # type: ignore[no-untyped-def]
    clock.set(date(2027, 5, 3))
    db = create_database(database_at("large.nbdesk"), "Synthetic")
    rng = random.Random(424)
    with db.transaction() as session:
        frameworks.populate(session, SIZES["large"], rng, quiet)
        assessments.populate(session, SIZES["large"], rng, quiet)
    statements: list[str] = []

    def count(conn, cursor, statement, parameters, context, executemany) -> None:  # type: ignore[no-untyped-def]
        statements.append(statement)

    event.listen(db.engine, "before_cursor_execute", count)
    with db.transaction() as session:
        plans.populate(session, SIZES["large"], rng, quiet)
    event.remove(db.engine, "before_cursor_execute", count)
    with db.session() as session:
        summaries = list_plans(session)
        actions = session.scalar(select(func.count(PlanAction.id)))
        updates = session.scalar(select(func.count(PlanUpdate.id)))
        biggest = max(summaries, key=lambda p: p.actions)
        view = read_plan(session, biggest.id)
    db.close()
    assert (len(summaries), actions, updates) == (3, 200, 2000)
    assert len(view.actions) == 120 and sum(len(a.updates) for a in view.actions) == 1200
    # Each action is in the status its newest update left it in, as in a real plan.
    assert all(a.latest_update and a.latest_update.status == a.status for a in view.actions)
    assert all("fictional" in p.name for p in summaries)
    assert view.summary.starts_on == vocab.add_months(date(2027, 5, 3), -6)
    # 2,000 updates and 200 actions in a hundred statements or so, not one each.
    assert len(statements) < 150, len(statements)
