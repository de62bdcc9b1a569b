"""The generated demonstrations (issue 16): the huge size's counts are the issue's, and a huge made
smaller (fewer people and contacts, the same rounds, assessments and plans) is built by the same
code as the real one, so what it holds says what the huge file holds."""

from __future__ import annotations

import hashlib
from collections.abc import Callable, Iterator
from dataclasses import replace
from datetime import date, timedelta
from typing import Any

import pytest
from sqlalchemy import event, func, select

from nbdesk.action_plan.plans import list_plans
from nbdesk.cli.core import DEMO_SIZES
from nbdesk.common import clock
from nbdesk.demo import SIZES, create_demo
from nbdesk.self_assessment.assessments import list_assessments
from nbdesk.storage import open_database
from nbdesk.storage.authority import authority_name
from nbdesk.storage.location import Location
from nbdesk.storage.models.survey import (
    CareLeaver,
    Completion,
    CompletionChange,
    OutreachContact,
    RoundMember,
)
from nbdesk.survey.rounds import list_rounds

SMALLER_HUGE = replace(SIZES["huge"], people=600, contacts=12_000)


def test_the_huge_size_is_the_one_the_issue_asks_for() -> None:
    huge = SIZES["huge"]
    assert (huge.people, huge.contacts, huge.rounds, huge.assessments) == (
        50_000,
        1_000_000,
        10,
        8,
    )
    assert huge.plan_actions == SIZES["large"].plan_actions  # the large size's action plans
    assert "fictional" in huge.authority
    # Five times the large authority's people: the growth benchmark divides by this.
    assert huge.people == 5 * SIZES["large"].people
    # `nbdesk demo --size` offers every size, without importing the demo to build its parser.
    assert list(SIZES) == DEMO_SIZES


@pytest.fixture(scope="module")
def built(
    request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[tuple[Location, list[tuple[str, list[Any]]]]]:
    """The smaller huge, and every insert of completions made while building it (in order): in a
    file, or with --backend=postgresql in a database of the session's cluster."""
    from nbdesk.storage import database
    from tests.conftest import on_server

    cluster = request.getfixturevalue("postgres_cluster") if on_server(request.config) else None
    path: Location = (
        cluster.new_database() if cluster else tmp_path_factory.mktemp("huge") / "huge.nbdesk"
    )
    inserts: list[tuple[str, list[Any]]] = []

    def watch(conn, cursor, statement, parameters, context, executemany) -> None:  # type: ignore[no-untyped-def]
        table = statement.split()[2] if statement.startswith("INSERT INTO") else ""
        if table in ("completion", "completion_change"):
            columns = [c.strip() for c in statement.split("(")[1].split(")")[0].split(",")]
            rows = parameters if executemany else [parameters]
            inserts.append(
                (
                    table,
                    [
                        row if isinstance(row, dict) else dict(zip(columns, row, strict=True))
                        for row in rows
                    ],
                )
            )

    real = database.create_database

    def watched(*args: Any, **kwargs: Any) -> Any:
        db = real(*args, **kwargs)
        event.listen(db.engine, "before_cursor_execute", watch)
        return db

    with pytest.MonkeyPatch.context() as patch:
        patch.setattr("nbdesk.demo.create_database", watched)
        steps: list[str] = []
        create_demo(path, SMALLER_HUGE, progress=steps.append).close()
    assert any("contacts" in s for s in steps)  # progress is told while the contacts go in
    yield path, inserts
    if cluster:
        cluster.drop_database(str(path))


def test_a_smaller_huge_holds_what_its_scale_says(built: tuple[Location, Any]) -> None:
    path, _ = built
    db = open_database(path)
    today = clock.today()
    with db.session() as session:
        assert "fictional" in authority_name(session)
        assert session.scalar(select(func.count()).select_from(CareLeaver)) == 600
        assert session.scalar(select(func.count()).select_from(OutreachContact)) == 12_000
        rounds = list_rounds(session)
        assert len(rounds) == 10
        # Oldest first, six months apart: the nine earlier closed, the newest open.
        assert [r.closed for r in rounds] == [True] * 9 + [False]
        assert all(r.completed > 0 for r in rounds)
        # The open round has half the contacts, the closed ones the rest between them.
        per_round = dict(
            session.execute(
                select(OutreachContact.round_id, func.count()).group_by(OutreachContact.round_id)
            ).all()
        )
        assert per_round[rounds[-1].id] == 6_000
        assert sorted(per_round[r.id] for r in rounds[:-1]) == [666] * 3 + [667] * 6
        # Every contact and completion is of an eligible member, in the round's days, not after
        # today.
        windows = {r.id: (r.opens_on, min(r.closes_on, today - timedelta(days=1))) for r in rounds}
        for model, day in (
            (OutreachContact, OutreachContact.contacted_on),
            (Completion, Completion.confirmed_on),
        ):
            rows = session.execute(
                select(model.round_id, day, RoundMember.eligible).join(
                    RoundMember,
                    (RoundMember.round_id == model.round_id)
                    & (RoundMember.care_leaver_id == model.care_leaver_id),
                )
            ).all()
            assert rows and all(eligible for _r, _d, eligible in rows)
            assert all(windows[r][0] <= d <= windows[r][1] for r, d, _e in rows)
        # Put in in bulk, the contacts are still on their members' rows, as log_contact keeps them.
        kept = session.execute(
            select(
                RoundMember.round_id,
                RoundMember.care_leaver_id,
                RoundMember.contacts,
                RoundMember.last_contact_on,
            ).where(RoundMember.contacts > 0)
        ).all()
        counted = session.execute(
            select(
                OutreachContact.round_id,
                OutreachContact.care_leaver_id,
                func.count(),
                func.max(OutreachContact.contacted_on),
            ).group_by(OutreachContact.round_id, OutreachContact.care_leaver_id)
        ).all()
        assert sorted(kept) == sorted(counted)
        assessments = list_assessments(session)
        assert len(assessments) == 8 and all(a.rated == a.statements for a in assessments)
        assert len({a.name for a in assessments}) == 8
        assert all(a.held_on < date(2025, 1, 1) for a in assessments)
        assert sorted(p.actions for p in list_plans(session)) == sorted(SMALLER_HUGE.plan_actions)
    db.close()


def test_completions_go_in_in_key_order_as_the_service_leaves_them(
    built: tuple[Location, list[tuple[str, list[Any]]]],
) -> None:
    """Anonymity (issue 11): the completion tables are written in key order (round, then person),
    as survey/completion.py rewrites them at every change, so where a row sits in the file says
    nothing about when it was made."""
    _, inserts = built
    for table in ("completion", "completion_change"):
        keys = [(p["round_id"], p["care_leaver_id"]) for t, ps in inserts if t == table for p in ps]
        assert len(keys) > 100
        assert keys == sorted(keys)


def _content(path: Location) -> str:
    db = open_database(path)
    digest = hashlib.sha256()
    with db.session() as session:
        for model in (CareLeaver, OutreachContact, Completion, CompletionChange):
            columns = [c for c in model.__table__.columns if c.name != "updated_at"]
            for row in session.execute(select(*columns).order_by(*columns)):
                digest.update(repr(tuple(row)).encode())
    db.close()
    return digest.hexdigest()


def test_the_same_scale_gives_the_same_file(
    built: tuple[Location, Any], database_at: Callable[..., Location]
) -> None:
    again = database_at("again.nbdesk")
    create_demo(again, SMALLER_HUGE).close()
    assert _content(again) == _content(built[0])
