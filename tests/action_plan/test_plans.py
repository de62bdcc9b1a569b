"""The action plan as a service: versions, sign-off, themes, actions, updates, reviews, citations,
undo of each kind of change, and what needs attention counted by hand on a small plan.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import date

import pytest

from nbdesk.action_plan import actions as act
from nbdesk.action_plan import vocab
from nbdesk.action_plan.answers import citing_actions
from nbdesk.action_plan.attention import Share, attention, next_review_on
from nbdesk.action_plan.history import history, undo
from nbdesk.action_plan.plans import create_plan, list_plans, revise_plan, sign_off
from nbdesk.action_plan.reviews import start_review
from nbdesk.action_plan.views import LATEST, read_plan, read_updates
from nbdesk.action_plan.vocab import PlanError
from nbdesk.storage import Database, create_database, open_database
from nbdesk.storage.location import Location


@pytest.fixture
def db(database_at: Callable[..., Location]) -> Database:
    return create_database(database_at("a.nbdesk"), "Testshire County Council")


def write(db: Database, fn, *args, **kwargs):  # type: ignore[no-untyped-def]
    with db.transaction() as session:
        return fn(session, *args, **kwargs).value


def view(db: Database, plan_id: int):  # type: ignore[no-untyped-def]
    with db.session() as session:
        return read_plan(session, plan_id)


def test_when_reads_dates_and_financial_quarters() -> None:
    assert vocab.parse_when("Q1 2027") == (date(2027, 6, 30), True)
    assert vocab.parse_when("q4 2026") == (date(2027, 3, 31), True)
    assert vocab.parse_when("31/03/2027") == (date(2027, 3, 31), False)
    assert vocab.parse_when("") == (None, False)
    assert vocab.when_text(date(2027, 3, 31), True) == "Q4 2026-27 (Jan–Mar 2027)"
    with pytest.raises(PlanError, match="quarter"):
        vocab.parse_when("soon")


def small_plan(db: Database) -> tuple[int, dict[str, int]]:
    """Two themes, five actions, in the states the hand counts below describe."""
    plan = write(
        db,
        create_plan,
        "Care leavers plan 2026-28",
        starts_on=date(2026, 4, 1),
        themes=["Housing", "Money"],
    )
    v = view(db, plan)
    housing, money = (t.id for t in v.themes)
    owner = write(db, act.add_owner, "Housing Options", "partner")
    ids = {
        "a": write(db, act.add_action, housing, "Find more supported lodgings", when="31/10/2026"),
        "b": write(db, act.add_action, housing, "Guarantor scheme", when="Q4 2026", owner_id=owner),
        "c": write(db, act.add_action, housing, "Move-on protocol"),
        "d": write(db, act.add_action, money, "Council tax exemption", when="1/1/2026"),
        "e": write(db, act.add_action, money, "Budgeting sessions"),
    }
    write(db, act.edit_action, ids["a"], involvement=["co-designing", "reviewing"])
    write(db, act.edit_action, ids["b"], not_involved_reason="partners")
    write(db, act.edit_action, ids["e"], involvement="delivering")
    write(db, act.set_status, ids["d"], "done")
    write(db, act.set_status, ids["c"], "dropped", reason="Covered by the county's protocol")
    return plan, ids


def test_hand_counts_of_attention(db: Database, clock) -> None:  # type: ignore[no-untyped-def]
    plan, ids = small_plan(db)
    # Action a was updated in the summer; b, c, d, e were added on 18 Nov 2026 (the fixed clock).
    write(
        db,
        act.add_update,
        ids["a"],
        "Two new hosts",
        status="on-track",
        written_on=date(2026, 8, 1),
    )
    clock.set(date(2027, 3, 1))
    found = attention(view(db, plan), clock.today())
    # Overdue: a (due 31 Oct 2026, on track). d is done, so not overdue though its date passed.
    assert [x.id for x in found.overdue] == [ids["a"]]
    # Drifting: a (last heard 1 Aug 2026, 212 days), b and e (added 18 Nov 2026, 103 days).
    assert sorted(x.id for x in found.drifting) == sorted([ids["a"], ids["b"], ids["e"]])
    # Involving young people: a and e of a, b, d, e (c is dropped): 2 of 4.
    assert (found.share.involving, found.share.counted) == (2, 4)
    assert dict((t, (s.involving, s.counted)) for t, s in found.share_by_theme) == {
        "Housing": (1, 2),
        "Money": (1, 2),
    }
    # No review yet: the next one is due three months after the plan started, so it is late.
    assert found.next_review_on == date(2026, 7, 1)
    assert found.review_overdue
    assert found.by_status == {
        "not-started": 2,
        "on-track": 1,
        "at-risk": 0,
        "done": 1,
        "dropped": 1,
    }


def test_a_review_with_young_people_counts_and_sets_the_next_date(db: Database, clock) -> None:  # type: ignore[no-untyped-def]
    plan, ids = small_plan(db)
    review = write(db, start_review, plan, held_on=date(2026, 11, 10), staff=3, young_people=2)
    write(
        db,
        act.add_update,
        ids["b"],
        "Agreed with housing",
        status="at-risk",
        review_id=review,
        young_people_comment="Guarantors matter most",
    )
    v = view(db, plan)
    assert next_review_on(v) == date(2027, 2, 10)
    b = next(a for a in v.actions if a.id == ids["b"])
    assert b.status == "at-risk" and b.reviewed_with_young_people
    found = attention(v, clock.today())
    assert ids["b"] not in {a.id for a in found.never_reviewed_with_young_people}
    # Open actions never reviewed with young people: a and e (c dropped, d done).
    assert sorted(a.id for a in found.never_reviewed_with_young_people) == sorted(
        [ids["a"], ids["e"]]
    )


def test_sign_off_marks_later_changes_and_revise_copies(db: Database) -> None:
    plan, ids = small_plan(db)
    write(db, sign_off, plan, name="Jo Bloggs", role="Director of Children's Services")
    assert not any(a.changed_after_sign_off for a in view(db, plan).actions)
    # Working the plan is not changing it: updates and status are progress, never marked.
    write(db, act.add_update, ids["e"], "First session held", status="on-track")
    write(db, act.set_status, ids["b"], "at-risk")
    worked = view(db, plan)
    assert not any(a.changed_after_sign_off for a in worked.actions)
    assert worked.changed_after_sign_off == 0
    assert not any(e.after_sign_off for e in history(db.session(), plan))
    write(db, act.edit_action, ids["e"], we_will="Budgeting sessions with the credit union")
    v = view(db, plan)
    assert [a.id for a in v.actions if a.changed_after_sign_off] == [ids["e"]]
    assert v.changed_after_sign_off == 1
    entries = history(db.session(), plan)
    assert entries[0].after_sign_off and "Budgeting" in entries[0].summary

    revised = write(db, revise_plan, plan, "Revised plan 2028-30", starts_on=date(2028, 4, 1))
    r = view(db, revised)
    assert [t.title for t in r.themes] == ["Housing", "Money"]
    assert [a.we_will for a in r.actions] == [a.we_will for a in v.actions]
    assert [a.status for a in r.actions] == [a.status for a in v.actions]
    assert not r.signed_off and all(not a.updates for a in r.actions)
    # Each keeps its own history: changing the copy leaves the earlier plan alone.
    write(db, act.set_status, r.actions[0].id, "at-risk")
    assert view(db, plan).actions[0].status == "not-started"
    summaries = {p.name: p for p in list_plans(db.session())}
    assert summaries["Revised plan 2028-30"].revises == "Care leavers plan 2026-28"
    assert summaries["Care leavers plan 2026-28"].signed_off_on is not None

    db.close()
    again = open_database(db.location)
    assert len(view(again, revised).actions) == 5
    again.close()


def test_undo_reverses_each_kind_of_change(db: Database) -> None:
    plan, ids = small_plan(db)
    before = view(db, plan)

    def undone() -> None:
        with db.transaction() as session:
            assert undo(session, plan).value is not None

    write(db, act.add_theme, plan, "Health")
    undone()
    assert [t.title for t in view(db, plan).themes] == ["Housing", "Money"]

    write(db, act.rename_theme, before.themes[0].id, "Homes")
    undone()
    assert view(db, plan).themes[0].title == "Housing"

    write(db, act.edit_action, ids["a"], we_will="Changed", when="Q2 2027", involvement="")
    undone()
    a = next(x for x in view(db, plan).actions if x.id == ids["a"])
    assert (a.we_will, a.due_on, a.involvement) == (
        "Find more supported lodgings",
        date(2026, 10, 31),
        ("co-designing", "reviewing"),
    )

    write(db, act.add_update, ids["e"], "Started", status="on-track")
    undone()
    e = next(x for x in view(db, plan).actions if x.id == ids["e"])
    assert (e.status, e.updates) == ("not-started", ())

    write(db, act.remove_action, ids["a"])
    assert ids["a"] not in {x.id for x in view(db, plan).actions}
    undone()
    assert view(db, plan).actions == before.actions

    write(db, act.move_action, ids["c"], -2)
    assert view(db, plan).themes[0].actions[0].id == ids["c"]
    undone()
    assert view(db, plan).themes == before.themes

    write(db, sign_off, plan, name="A Leader", role="Chief Executive")
    undone()
    assert not view(db, plan).signed_off


def test_undo_refuses_a_change_saved_since_the_one_offered(db: Database) -> None:
    """Undo is given the step the person was offered (can_undo's). A change saved since, by
    another nbdesk or a colleague, is not undone in its place: nothing is, and the refusal says
    what is latest now. Offered the latest (or nothing in particular), it undoes it."""
    from nbdesk.action_plan.history import can_undo
    from nbdesk.action_plan.vocab import PlanError

    plan, _ids = small_plan(db)
    write(db, act.add_theme, plan, "Health")
    with db.session() as session:
        offered = can_undo(session, plan)
    assert offered is not None
    # On a server the database names who made it (the sign-in); a file names nobody.
    who = offered.changed_by
    assert bool(who) == db.is_server
    assert offered.offer == "Undo: Added the theme 'Health'" + (f" ({who})" if who else "")
    by = f" by {who}" if who else ""
    write(db, act.rename_theme, view(db, plan).themes[0].id, "Homes")  # saved elsewhere
    with db.transaction() as session, pytest.raises(PlanError) as refused:
        undo(session, plan, offered.step)
    assert str(refused.value) == (
        "Nothing was undone: the plan changed a moment ago, and its latest change is now "
        f"\u201cRenamed the theme 'Housing' to 'Homes'\u201d{by}. Press Undo again to undo that."
    )
    assert [t.title for t in view(db, plan).themes] == ["Homes", "Money", "Health"]
    with db.session() as session:
        latest = can_undo(session, plan)
    assert latest is not None and latest.step > offered.step
    with db.transaction() as session:
        assert undo(session, plan, latest.step).value == "Renamed the theme 'Housing' to 'Homes'"
    with db.transaction() as session:
        assert undo(session, plan).value == "Added the theme 'Health'"
    assert [t.title for t in view(db, plan).themes] == ["Housing", "Money"]


def test_citations_both_ways(demo_db: Location) -> None:
    db = open_database(demo_db)
    from nbdesk.self_assessment.assessments import list_assessments, load_assessment

    with db.session() as session:
        assessment = list_assessments(session)[0]
        statement = load_assessment(session, assessment.id).statements()[0]
    plan = write(db, create_plan, "Citing plan", themes=["Voice"])
    theme = view(db, plan).themes[0].id
    action = write(db, act.add_action, theme, "Quarterly forum")
    write(db, act.cite, action, assessment_id=assessment.id, statement_id=statement.statement_id)
    # Citing the same thing twice keeps one citation.
    write(db, act.cite, action, assessment_id=assessment.id, statement_id=statement.statement_id)
    cited = view(db, plan).actions[0].citations
    # Labelled as the self-assessment names the statement ("7 / B").
    assert len(cited) == 1 and cited[0].label.startswith(f"Statement {statement.reference}: ")
    with db.session() as session:
        citing = citing_actions(session, assessment.id)
    assert [c.action_id for c in citing[statement.statement_id]] == [action]
    with pytest.raises(PlanError):
        write(db, act.cite, action)
    db.close()


def test_bad_requests_are_refused_plainly(db: Database) -> None:
    plan, ids = small_plan(db)
    with pytest.raises(PlanError, match="already a plan"):
        write(db, create_plan, "care leavers plan 2026-28")
    with pytest.raises(PlanError, match="why"):
        write(db, act.set_status, ids["a"], "dropped")
    with pytest.raises(PlanError, match="status"):
        write(db, act.set_status, ids["a"], "finished")
    with pytest.raises(PlanError, match="still has"):
        write(db, act.remove_theme, view(db, plan).themes[0].id)
    with pytest.raises(PlanError, match="future"):
        write(db, act.add_update, ids["a"], "x", written_on=date(2030, 1, 1))
    with pytest.raises(PlanError, match="end after"):
        write(db, create_plan, "Backwards", starts_on=date(2027, 1, 1), ends_on=date(2026, 1, 1))


def test_the_share_is_rounded_as_the_returns_round_it() -> None:
    # Half up, as a spreadsheet shows it: 12.5% is 13%, 62.5% is 63%.
    assert Share(1, 8).text == "1 of 8 (13%)" and Share(5, 8).text == "5 of 8 (63%)"
    assert Share(0, 0).text == "no actions yet" and Share(0, 0).fraction is None


def test_reading_only_the_latest_updates_gives_the_same_answers(demo_db: Location, clock) -> None:  # type: ignore[no-untyped-def]
    """The section reads each action's latest update only (`updates=LATEST`); what needs
    attention, each row's latest update and the counts must be as from reading them all."""
    db = open_database(demo_db)
    with db.session() as session:
        plan_ids = [p.id for p in list_plans(session)]
        some = read_plan(session, plan_ids[0]).actions[0]
    # Two updates on one day: the later one written is the latest.
    write(db, act.add_update, some.id, "First of the day", status="on-track")
    write(db, act.add_update, some.id, "Second of the day", status="at-risk")
    for plan_id in plan_ids:
        with db.session() as session:
            whole = read_plan(session, plan_id)
            latest = read_plan(session, plan_id, updates=LATEST)
            chosen = {a.id: read_updates(session, plan_id, a.id) for a in whole.actions}
        assert whole.actions and any(a.update_count > 1 for a in whole.actions)
        for a, b in zip(whole.actions, latest.actions, strict=True):
            assert a.id == b.id and a.all_updates_read and chosen[a.id] == a.updates
            assert b.updates == a.updates[:1] and b.latest_update == a.latest_update  # one at most
            assert (b.update_count, b.reviewed_with_young_people, b.last_heard_on) == (
                len(a.updates),
                any(u.with_young_people for u in a.updates),
                a.last_heard_on,
            )
        for day in (date(2026, 6, 1), date(2026, 11, 18), date(2027, 6, 1), date(2028, 6, 1)):
            clock.set(day)
            one, other = attention(whole, day), attention(latest, day)
            for name in ("overdue", "drifting", "never_reviewed_with_young_people"):
                assert [a.id for a in getattr(one, name)] == [a.id for a in getattr(other, name)]
            assert (one.next_review_on, one.review_overdue, one.share, one.by_status) == (
                other.next_review_on,
                other.review_overdue,
                other.share,
                other.by_status,
            )
            assert one.share_by_theme == other.share_by_theme
    db.close()
