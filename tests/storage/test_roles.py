"""People and their roles on a PostgreSQL server (issue 17): each person signs in as themselves,
the database refuses what their role may not do, and the histories name who made each change.

Every test here needs a server: they take the throwaway cluster (`postgres_cluster`), which skips
them with its reason when PostgreSQL is not installed, whichever --backend was chosen. Each
signs in as a person added by `nbdesk server add-user` (the cluster trusts its own socket, so no
password is typed; what is stored is checked instead).
"""

from __future__ import annotations

import io
import itertools
import os
from collections.abc import Iterator
from datetime import date
from typing import TYPE_CHECKING, Any

import pytest
from sqlalchemy import func, insert, select, text, update

from nbdesk.storage.database import Database
from nbdesk.storage.models import (
    ActionPlan,
    AssessmentChange,
    CareLeaver,
    Completion,
    CompletionChange,
    Framework,
    OutreachContact,
    PlanAction,
    PlanChange,
    Rating,
    RoundMember,
    RoundResult,
    Statement,
    SurveyRound,
)
from nbdesk.storage.roles import NotPermittedError, UserError

if TYPE_CHECKING:
    from tests.support.postgres import Cluster

_people = itertools.count(1)


@pytest.fixture
def server(request: pytest.FixtureRequest, postgres_cluster: Cluster) -> Iterator[str]:
    """A copy of the small demonstration on the cluster: the administrator's URL."""
    template = request.getfixturevalue("_demo_template_on_server")
    url = postgres_cluster.new_database(template=template)
    yield url
    postgres_cluster.drop_database(url)


def as_person(url: str, name: str) -> str:
    return url.replace("postgres@", f"{name}@", 1)


def add_person(url: str, role: str, monkeypatch: pytest.MonkeyPatch) -> str:
    """`nbdesk server add-user URL NAME --role ROLE --password-stdin`; the person's name."""
    from nbdesk.cli import main

    # Roles belong to the whole cluster, shared by every test of the session: a name of its own.
    name = f"{role}_{os.getpid()}_{next(_people)}"
    monkeypatch.setattr("sys.stdin", io.StringIO("correct horse battery\n"))
    assert main(["server", "add-user", url, name, "--role", role, "--password-stdin"]) == 0
    return name


@pytest.fixture
def people(server: str, monkeypatch: pytest.MonkeyPatch) -> dict[str, str]:
    return {role: add_person(server, role, monkeypatch) for role in ("lead", "adviser", "viewer")}


def signed_in(server: str, name: str) -> Database:
    from nbdesk.storage.server import ServerDatabase

    return ServerDatabase(as_person(server, name))


def some_ids(db: Database) -> dict[str, int]:
    """A round, one of its members, a rated statement, an action and a framework of the demo."""
    with db.session() as s:
        round_id, person_id = s.execute(
            select(RoundMember.round_id, RoundMember.care_leaver_id)
            .outerjoin(
                Completion,
                (Completion.round_id == RoundMember.round_id)
                & (Completion.care_leaver_id == RoundMember.care_leaver_id),
            )
            .join(SurveyRound, SurveyRound.id == RoundMember.round_id)
            .where(
                Completion.round_id.is_(None),
                RoundMember.eligible.is_(True),
                SurveyRound.contact_details_erased_on.is_(None),
            )
            .order_by(RoundMember.round_id.desc(), RoundMember.care_leaver_id)
            .limit(1)
        ).one()
        rating = s.execute(select(Rating.assessment_id, Rating.statement_id).limit(1)).one()
        return {
            "round": round_id,
            "person": person_id,
            "assessment": rating[0],
            "statement": rating[1],
            "action": s.scalars(select(PlanAction.id).limit(1)).one(),
            "plan": s.scalars(select(ActionPlan.id).limit(1)).one(),
            "framework": s.scalars(select(Framework.id).limit(1)).one(),
        }


def refused(db: Database, statement: Any) -> str:
    """Run one write as that person; the database's refusal, in nbdesk's words."""
    with pytest.raises(NotPermittedError) as caught, db.transaction() as s:
        s.execute(statement)
    return str(caught.value)


def test_add_user_makes_a_login_in_its_group_with_a_hashed_password(
    server: str, people: dict[str, str], postgres_cluster: Cluster
) -> None:
    from sqlalchemy import create_engine

    engine = create_engine(server)
    with engine.connect() as conn:
        for role, name in people.items():
            login, password, group = conn.execute(
                text(
                    "SELECT rolcanlogin, rolpassword, pg_has_role(:n, :g, 'MEMBER') "
                    "FROM pg_authid WHERE rolname = :n"
                ),
                {"n": name, "g": f"nbdesk_{role}"},
            ).one()
            assert login and group
            # The server was sent the SCRAM verifier worked out by libpq, never the password.
            assert password.startswith("SCRAM-SHA-256$")
            assert "correct horse" not in password
    engine.dispose()
    assert "correct horse" not in (postgres_cluster.folder / "server.log").read_text()


def test_add_user_refuses_a_taken_or_unsafe_name(
    server: str, people: dict[str, str], monkeypatch: pytest.MonkeyPatch
) -> None:
    from sqlalchemy import create_engine

    from nbdesk.storage.roles import add_user

    engine = create_engine(server)
    with pytest.raises(UserError, match="already exists"):
        add_user(engine, people["viewer"], "lead", "pw")
    with pytest.raises(UserError, match="cannot be a person's sign-in name"):
        add_user(engine, "x; DROP TABLE rating", "lead", "pw")
    with pytest.raises(UserError, match="cannot be a person's sign-in name"):
        add_user(engine, "nbdesk_lead", "lead", "pw")
    engine.dispose()
    # Still a viewer: the refused add-user changed nothing.
    db = signed_in(server, people["viewer"])
    assert "A viewer cannot change" in refused(db, update(Rating).values(points=1))
    db.close()


def test_adviser_logs_contacts_and_marks_completions_named_as_themselves(
    server: str, people: dict[str, str]
) -> None:
    from nbdesk.common import clock
    from nbdesk.survey.completion import mark_completed
    from nbdesk.survey.contacts import contact_history, log_contact
    from nbdesk.survey.register import PersonFields
    from nbdesk.survey.register import add_person as add_person_to_register
    from nbdesk.survey.rounds import open_round

    name = people["adviser"]
    db = signed_in(server, name)
    ids = some_ids(db)
    with db.transaction() as s:
        # What was typed in "logged by" gives way to the person signed in.
        log_contact(
            s, ids["round"], ids["person"], clock.today(), "phone", "reminder", "spoke",
            logged_by="Someone Else",
        )  # fmt: skip
    with db.transaction() as s:
        mark_completed(s, ids["round"], ids["person"], "pa", clock.today())
    with db.transaction() as s:  # and edits the person on the register
        s.execute(
            update(CareLeaver).where(CareLeaver.id == ids["person"]).values(phone="07700 900123")
        )
    with db.transaction() as s:  # adds a person and opens a round (their ids' sequences too)
        add_person_to_register(
            s, PersonFields("NEW-1", name="New Person", date_of_birth=date(2007, 5, 1))
        )
        opened = open_round(s, "Adviser's round", date(2026, 11, 1), date(2026, 12, 1)).value
    assert opened.eligible > 0
    with db.session() as s:
        assert contact_history(s, ids["person"], ids["round"])[0].logged_by == name
        marked = s.execute(
            select(CompletionChange.action, CompletionChange.changed_by).where(
                CompletionChange.round_id == ids["round"],
                CompletionChange.care_leaver_id == ids["person"],
            )
        ).all()
        assert [tuple(m) for m in marked] == [("marked", name)]
    db.close()


def test_adviser_cannot_change_ratings_plans_frameworks_or_feedback(
    server: str, people: dict[str, str]
) -> None:
    from nbdesk.action_plan.actions import add_update
    from nbdesk.self_assessment.ratings import set_rating

    db = signed_in(server, people["adviser"])
    ids = some_ids(db)
    with (
        pytest.raises(NotPermittedError, match="A personal adviser cannot change assessments"),
        db.transaction() as s,
    ):
        set_rating(s, ids["assessment"], ids["statement"], None)
    with (
        pytest.raises(NotPermittedError, match="A personal adviser cannot change action plans"),
        db.transaction() as s,
    ):
        add_update(s, ids["action"], "Done, said the adviser", status="done")
    message = refused(db, update(Framework).values(name="Renamed"))
    assert message == (
        "A personal adviser cannot change frameworks; nothing was saved. Ask a lead."
    )
    assert "cannot change action plans" in refused(
        db, update(ActionPlan).where(ActionPlan.id == ids["plan"]).values(name="Mine now")
    )
    assert "cannot change feedback" in refused(db, RoundResult.__table__.delete())
    assert "cannot change the authority" in refused(db, text("UPDATE authority SET name = 'x'"))
    db.close()
    # The database kept every one of them as it was.
    admin = signed_in(server, "postgres")
    with admin.session() as s:
        assert (
            s.scalar(select(func.count()).select_from(Framework).where(Framework.name == "Renamed"))
            == 0
        )
        assert s.scalar(select(func.count()).select_from(RoundResult)) > 0
    admin.close()


def test_viewer_may_not_write_anything(server: str, people: dict[str, str]) -> None:
    from nbdesk.common import clock
    from nbdesk.survey.contacts import log_contact

    db = signed_in(server, people["viewer"])
    ids = some_ids(db)
    with (
        pytest.raises(NotPermittedError, match="A viewer cannot change the register"),
        db.transaction() as s,
    ):
        log_contact(s, ids["round"], ids["person"], clock.today(), "phone", "reminder", "spoke")
    assert "A viewer cannot change the register" in refused(
        db, update(CareLeaver).values(team="Elsewhere")
    )
    assert "A viewer cannot change assessments" in refused(db, update(Rating).values(points=1))
    assert "A viewer cannot change action plans" in refused(db, PlanAction.__table__.delete())
    assert "A viewer cannot change frameworks" in refused(
        db, update(Statement).values(text="Changed")
    )
    assert "A viewer cannot change the register" in refused(
        db,
        insert(Completion).values(
            round_id=ids["round"], care_leaver_id=ids["person"], confirmed_by="pa",
            confirmed_on=clock.today(),
        ),
    )  # fmt: skip
    db.close()


@pytest.mark.parametrize(
    "column",
    [
        CareLeaver.name,
        CareLeaver.preferred_name,
        CareLeaver.date_of_birth,
        CareLeaver.phone,
        CareLeaver.email,
        CareLeaver.unique_id,
        OutreachContact.note,
    ],
)
def test_viewer_may_not_read_personal_details(
    server: str, people: dict[str, str], column: Any
) -> None:
    from sqlalchemy.exc import ProgrammingError

    db = signed_in(server, people["viewer"])
    with db.session() as s, pytest.raises(ProgrammingError, match="permission denied"):
        s.execute(select(column).limit(1)).all()
    db.close()


def test_viewer_reads_the_participation_figures(server: str, people: dict[str, str]) -> None:
    from nbdesk.survey.rounds import list_rounds

    admin = signed_in(server, "postgres")
    with admin.session() as s:
        expected = list_rounds(s)
    admin.close()
    db = signed_in(server, people["viewer"])
    with db.session() as s:
        figures = list_rounds(s)
        # What is not personal stays in view: a person's team, and how many were contacted.
        teams = s.scalars(select(CareLeaver.team).distinct()).all()
        contacts = s.scalar(select(func.count()).select_from(OutreachContact))
    db.close()
    assert figures == expected
    assert any(r.completed for r in figures)
    assert teams and contacts


def test_lead_changes_anything_and_the_history_names_them(
    server: str, people: dict[str, str]
) -> None:
    from nbdesk.action_plan.actions import add_update
    from nbdesk.self_assessment.ratings import set_rating

    name = people["lead"]
    db = signed_in(server, name)
    ids = some_ids(db)
    with db.transaction() as s:
        assert set_rating(s, ids["assessment"], ids["statement"], None) is not None
    with db.transaction() as s:
        add_update(s, ids["action"], "Done", status="done")
    with db.transaction() as s:
        s.execute(update(Framework).where(Framework.id == ids["framework"]).values(version="2"))
    with db.session() as s:
        rated = s.scalars(
            select(AssessmentChange.changed_by).order_by(AssessmentChange.id.desc()).limit(1)
        ).one()
        planned = s.scalars(
            select(PlanChange.changed_by).order_by(PlanChange.id.desc()).limit(1)
        ).one()
    db.close()
    assert (rated, planned) == (name, name)


def test_a_migration_adding_a_table_is_granted_again(server: str, people: dict[str, str]) -> None:
    """A table a later migration adds: the lead and the adviser have it by the default
    privileges; a viewer only once the GRANTs are made again (nothing personal leaks first)."""
    from sqlalchemy import create_engine

    from nbdesk.storage.roles import grant_again

    engine = create_engine(server)
    with engine.begin() as conn:
        conn.execute(text("CREATE TABLE later_table (id integer PRIMARY KEY, secret text)"))
    engine.dispose()

    def reads(role: str) -> bool:
        db = signed_in(server, people[role])
        try:
            with db.session() as s:
                s.execute(text("SELECT secret FROM later_table")).all()
            return True
        except Exception:
            return False
        finally:
            db.close()

    assert (reads("lead"), reads("adviser"), reads("viewer")) == (True, True, False)
    grant_again(server)
    assert reads("viewer")


def demo_names(server: str) -> tuple[str, str, str]:
    """An assessment's name, a round's, and the unique id of one of its members."""
    from nbdesk.storage.models import Assessment

    admin = signed_in(server, "postgres")
    ids = some_ids(admin)
    with admin.session() as s:
        names = (
            s.scalars(select(Assessment.name).limit(1)).one(),
            s.scalars(select(SurveyRound.name).where(SurveyRound.id == ids["round"])).one(),
            s.scalars(select(CareLeaver.unique_id).where(CareLeaver.id == ids["person"])).one(),
        )
    admin.close()
    return names


def test_a_viewer_exports_what_holds_no_personal_data_and_is_refused_plainly_the_rest(
    server: str,
    people: dict[str, str],
    tmp_path: Any,
    capsys: pytest.CaptureFixture[str],
) -> None:
    from nbdesk.cli import main

    assessment, round_name, unique_id = demo_names(server)
    url = as_person(server, people["viewer"])
    out = tmp_path / "return.xlsx"
    assert main(["export", "self-assessment", assessment, "--db", url, "--out", str(out)]) == 0
    assert out.stat().st_size > 0
    capsys.readouterr()
    # A round's breakdowns by age band read the band each member's row keeps, not their date of
    # birth: the viewer gets the lead's figures, and the return and report as the lead would.
    lead = as_person(server, people["lead"])
    status = {}
    for who, where in (("viewer", url), ("lead", lead)):
        assert main(["round", "status", round_name, "--db", where, "--json"]) == 0
        status[who] = capsys.readouterr().out
    assert status["viewer"] == status["lead"]
    assert '"16 to 17"' in status["viewer"] or '"18 to 20"' in status["viewer"]
    for command, name in (("export", "part.xlsx"), ("report", "part.html")):
        made = tmp_path / name
        assert main([command, "participation", round_name, "--db", url, "--out", str(made)]) == 0
        assert made.stat().st_size > 0
    from nbdesk.returns.gather import round_breakdowns

    tables = {}
    for who in ("viewer", "lead"):
        db = signed_in(server, people[who])
        with db.session() as s:
            row = s.scalars(select(SurveyRound).where(SurveyRound.name == round_name)).one()
            tables[who] = round_breakdowns(s, row.id, row.opens_on)
        db.close()
    assert tables["viewer"] == tables["lead"]
    assert sum(g.eligible for g in tables["viewer"][0].groups) > 0
    capsys.readouterr()
    assert main(["round", "contact", round_name, "--person", unique_id, "--db", url]) == 1
    err = capsys.readouterr().err.strip()
    assert err == (
        "nbdesk: error: A viewer cannot change the register or the survey rounds; nothing was "
        "saved. Ask a lead."
    )


def test_an_adviser_logs_a_contact_from_the_command_line(
    server: str, people: dict[str, str]
) -> None:
    from nbdesk.cli import main

    _assessment, round_name, unique_id = demo_names(server)
    url = as_person(server, people["adviser"])
    assert main(["round", "contact", round_name, "--person", unique_id, "--db", url]) == 0
    admin = signed_in(server, "postgres")
    with admin.session() as s:
        assert people["adviser"] in s.scalars(select(OutreachContact.logged_by)).all()
    admin.close()


def test_add_user_asks_for_the_password_twice_and_refuses_two_that_differ(
    server: str, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    from sqlalchemy import create_engine

    from nbdesk.cli import main

    typed = iter(["first try", "second try"])
    prompts: list[str] = []

    def getpass(prompt: str) -> str:  # the terminal's no-echo prompt, typed at twice
        prompts.append(prompt)
        return next(typed)

    monkeypatch.setattr("getpass.getpass", getpass)
    name = f"typed_{os.getpid()}_{next(_people)}"
    assert main(["server", "add-user", server, name, "--role", "lead"]) == 1
    assert capsys.readouterr().err.strip() == (
        "nbdesk: error: The two passwords differ; nobody was added."
    )
    assert prompts == [f"Password for {name}: ", "Type it again: "]
    engine = create_engine(server)
    with engine.connect() as conn:
        found = conn.execute(text("SELECT 1 FROM pg_roles WHERE rolname = :n"), {"n": name})
        assert found.first() is None
    engine.dispose()


def test_the_server_checks_the_password_add_user_was_given(
    monkeypatch: pytest.MonkeyPatch,
    postgres_cluster: object,  # not used: it puts the test in the server pass (--backend)
) -> None:
    """On a cluster of its own that asks everyone but its superuser for a password (the shared
    one trusts its socket): the password given is the one that signs in, and no other does."""
    import psycopg

    from nbdesk.storage import create_database
    from tests.support.postgres import NoPostgresError, database_name, start_cluster

    try:
        cluster = start_cluster()
    except NoPostgresError as exc:
        pytest.skip(str(exc))
    try:
        url = cluster.new_database()
        create_database(url, "Testshire").close()
        name = add_person(url, "viewer", monkeypatch)  # "correct horse battery"
        cluster.ask_for_passwords()

        def sign_in(password: str) -> str:
            with psycopg.connect(
                host=str(cluster.socket_dir),
                port=5432,
                user=name,
                dbname=database_name(url),
                password=password,
            ) as conn:
                return str(conn.execute("SELECT session_user").fetchone())

        assert name in sign_in("correct horse battery")
        with pytest.raises(psycopg.OperationalError, match="password authentication failed"):
            sign_in("correct horse")
    finally:
        cluster.stop()
