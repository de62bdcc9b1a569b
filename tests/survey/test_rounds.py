"""Survey rounds: eligibility, contacts, who next, completion history, dashboard, retention.

Figures are checked against counts worked out by hand from tests/data/register_clean.csv:
B001 Bea (Pat, born 3 Apr 2007), B002 Cai (Pat, 2006), B003 Dara (Sam, 2005), B004 Eli (Sam, 2007,
custody), B005 Finn (Pat, 2004, do not contact), B006 Gus (Pat, 1990: too old to count).
"""

from __future__ import annotations

import json
from collections.abc import Callable
from datetime import date, timedelta

import pytest

from nbdesk.cli import main
from nbdesk.common import clock
from nbdesk.storage import Database, create_database
from nbdesk.storage.location import Location
from nbdesk.survey.completion import completion_state, mark_completed, unmark_completed
from nbdesk.survey.contacts import (
    NOT_IN_ROUND,
    contact_history,
    log_contact,
    round_people,
    who_next,
)
from nbdesk.survey.dashboard import dashboard
from nbdesk.survey.register import (
    FIELD_NAMES,
    PersonFields,
    add_person,
    find_person,
    get_person,
    update_person,
)
from nbdesk.survey.register_columns import read_register_file
from nbdesk.survey.register_import import apply_import, preview_import
from nbdesk.survey.retention import erase_contact_details, erasure_plan
from nbdesk.survey.rounds import (
    exclude_person,
    find_round,
    get_round,
    include_person,
    list_members,
    list_rounds,
    open_round,
    round_infos,
    set_round_closed,
)
from tests.support.paths import DATA

CLEAN = DATA / "register_clean.csv"
OPENS = date(2026, 1, 10)


@pytest.fixture
def db(database_at: Callable[..., Location]) -> Database:
    database = create_database(database_at("r.nbdesk"), "Testshire County Council")
    with database.transaction() as session:
        apply_import(session, preview_import(session, read_register_file(CLEAN)))
        open_round(session, "Time 2", OPENS, date(2026, 3, 1))
    yield database
    database.close()


def ids(db: Database) -> dict[str, int]:
    with db.session() as session:
        return {f"B00{i}": find_person(session, f"B00{i}").id for i in range(1, 7)}


def round_id(db: Database) -> int:
    with db.session() as session:
        return find_round(session, "time 2").id


def test_opening_a_round_fixes_who_is_eligible(db: Database) -> None:
    with db.session() as session:
        members = {m.unique_id: m for m in list_members(session, round_id(db))}
    assert {u for u, m in members.items() if m.eligible} == {"B001", "B002", "B003", "B004", "B005"}
    assert members["B006"].reason == "Aged 36 when the round opened"
    with db.transaction() as session:
        with pytest.raises(ValueError, match="already a round"):
            open_round(session, "TIME 2", OPENS, date(2026, 3, 1))
        with pytest.raises(ValueError, match="close on or after"):
            open_round(session, "Backwards", OPENS, OPENS - timedelta(days=1))


def test_lead_adds_and_excludes_with_a_reason(db: Database) -> None:
    people, rid = ids(db), round_id(db)
    with db.transaction() as session:
        with pytest.raises(ValueError, match="reason"):
            exclude_person(session, rid, people["B003"], "  ")
        exclude_person(session, rid, people["B003"], "Moved abroad")
        include_person(session, rid, people["B006"], "Asked to take part; still supported")
        late = add_person(session, PersonFields("B099", name="Zed Snorkelhop")).value
        include_person(session, rid, late, "Joined the register after the round opened")
    with db.session() as session:
        members = {m.unique_id: m for m in list_members(session, rid)}
        board = dashboard(session, rid, today=date(2026, 2, 1))
    assert not members["B003"].eligible and members["B003"].reason == "Moved abroad"
    assert members["B006"].eligible and members["B099"].eligible
    assert board.overall.eligible == 6  # 5 - Dara + Gus + Zed


def test_who_next_orders_by_oldest_last_contact(db: Database) -> None:
    people, rid = ids(db), round_id(db)
    with db.transaction() as session:
        log_contact(
            session, rid, people["B001"], date(2026, 1, 15), "text", "link-sent", "no-reply"
        )
        log_contact(session, rid, people["B001"], date(2026, 1, 20), "phone", "reminder", "spoke")
        log_contact(session, rid, people["B002"], date(2026, 1, 12), "whatsapp", "warm-up", "spoke")
        log_contact(
            session,
            rid,
            people["B004"],
            date(2026, 1, 25),
            "letter",
            "paper-copy-sent",
            "will-complete",
            "Paper copy sent to the prison",
        )
        log_contact(
            session, rid, people["B003"], date(2026, 1, 11), "email", "link-sent", "says-completed"
        )
        mark_completed(session, rid, people["B003"], "young-person", date(2026, 1, 11))
    with db.session() as session:
        pat = who_next(session, rid, "Pat Honeysock")
        sam = who_next(session, rid, "Sam Wafflethorpe")
        everyone = who_next(session, rid)
    # Pat: Finn is do-not-contact and Gus is not eligible; Cai's last contact is older than Bea's.
    assert [(r.unique_id, r.contacts, r.last_contact_on, r.last_outcome) for r in pat] == [
        ("B002", 1, date(2026, 1, 12), "spoke"),
        ("B001", 2, date(2026, 1, 20), "spoke"),
    ]
    # Sam: Dara has completed.
    assert [r.unique_id for r in sam] == ["B004"]
    assert [r.unique_id for r in everyone] == ["B002", "B001", "B004"]
    with db.session() as session:
        history = contact_history(session, people["B004"], rid)
    assert history[0].note == "Paper copy sent to the prison"


def test_never_contacted_come_first(db: Database) -> None:
    people, rid = ids(db), round_id(db)
    with db.transaction() as session:
        log_contact(session, rid, people["B002"], date(2026, 1, 12), "text", "warm-up", "spoke")
    with db.session() as session:
        assert [r.unique_id for r in who_next(session, rid, "Pat Honeysock")] == ["B001", "B002"]


def test_completion_unmark_needs_a_reason_and_is_kept_in_history(db: Database) -> None:
    people, rid = ids(db), round_id(db)
    with db.transaction() as session:
        with pytest.raises(ValueError, match="cannot confirm"):
            mark_completed(session, rid, people["B001"], "neighbour", date(2026, 1, 12))
        with pytest.raises(ValueError, match="future"):
            mark_completed(session, rid, people["B001"], "pa", clock.today() + timedelta(days=1))
        mark_completed(session, rid, people["B001"], "trusted-adult", date(2026, 1, 12))
        with pytest.raises(ValueError, match="Already marked"):
            mark_completed(session, rid, people["B001"], "pa", date(2026, 1, 13))
        with pytest.raises(ValueError, match="Say why"):
            unmark_completed(session, rid, people["B001"], "", date(2026, 1, 14))
        unmark_completed(
            session, rid, people["B001"], "Confused with last year's survey", date(2026, 1, 14)
        )
        with pytest.raises(ValueError, match="not marked"):
            unmark_completed(session, rid, people["B001"], "again", date(2026, 1, 14))
    with db.session() as session:
        state = completion_state(session, rid, people["B001"])
    assert not state.completed and state.confirmed_on is None
    assert [
        (h.number, h.action, h.changed_on, h.confirmed_by, h.reason) for h in state.history
    ] == [
        (1, "marked", date(2026, 1, 12), "trusted-adult", ""),
        (2, "unmarked", date(2026, 1, 14), "", "Confused with last year's survey"),
    ]


def test_dashboard_figures_match_hand_counts(db: Database) -> None:
    people, rid = ids(db), round_id(db)
    with db.transaction() as session:
        mark_completed(session, rid, people["B001"], "young-person", date(2026, 1, 12))
        mark_completed(session, rid, people["B003"], "pa", date(2026, 1, 12))
        mark_completed(session, rid, people["B004"], "pa", date(2026, 1, 19))
        log_contact(session, rid, people["B002"], date(2026, 1, 30), "text", "reminder", "spoke")
        log_contact(session, rid, people["B005"], date(2026, 1, 11), "text", "warm-up", "declined")
    with db.session() as session:
        board = dashboard(session, rid, today=date(2026, 2, 3), quiet_days=7)
    assert (board.overall.eligible, board.overall.completed) == (5, 3)
    assert board.overall.rate == pytest.approx(0.6)
    assert [(g.group, g.eligible, g.completed) for g in board.by_pa] == [
        ("Pat Honeysock", 3, 1),
        ("Sam Wafflethorpe", 2, 2),
    ]
    # Ages on the opening day (10 Jan 2026): Bea 18, Cai 19, Dara 20, Eli 18, Finn 22.
    assert [(g.group, g.eligible, g.completed) for g in board.by_age_band] == [
        ("18 to 20", 4, 3),
        ("21 to 25", 1, 0),
    ]
    assert [(g.group, g.eligible, g.completed) for g in board.by_gender] == [
        ("Female", 1, 1),
        ("Male", 3, 1),
        ("Non-binary", 1, 1),
    ]
    assert [(g.group, g.eligible, g.completed) for g in board.by_accommodation] == [
        ("Custody", 1, 1),
        ("Independent living", 3, 2),  # Bea and Dara of Bea, Dara, Finn
        ("Supported lodgings", 1, 0),
    ]
    assert board.over_time == ((date(2026, 1, 12), 2), (date(2026, 1, 19), 3))
    # Not completed: Cai (contacted 30 Jan, within 7 days) and Finn (do not contact): nobody left.
    assert board.not_contacted == ()
    with db.session() as session:
        later = dashboard(session, rid, today=date(2026, 2, 10), quiet_days=7)
    assert [q.unique_id for q in later.not_contacted] == ["B002"]


def test_retention_erases_notes_and_contact_details_only_when_closed(db: Database) -> None:
    people, rid = ids(db), round_id(db)
    with db.transaction() as session:
        log_contact(
            session,
            rid,
            people["B001"],
            date(2026, 1, 15),
            "text",
            "link-sent",
            "no-reply",
            "Mum's number, ask for Bea",
        )
        log_contact(session, rid, people["B002"], date(2026, 1, 15), "text", "link-sent", "spoke")
        mark_completed(session, rid, people["B002"], "pa", date(2026, 1, 16))
        other = open_round(
            session, "Care experience check-in", date(2026, 2, 1), date(2026, 4, 1)
        ).value
        exclude_person(session, other.id, people["B001"], "Not part of this one")
        with pytest.raises(ValueError, match="Close"):
            erase_contact_details(session, rid, date(2026, 3, 2))
        set_round_closed(session, rid, True)
        plan = erasure_plan(session, rid)
    # The open round counts Cai, Dara, Eli and Finn; Bea is excluded from it and Gus too old for
    # it, so only their details go.
    assert (plan.notes, plan.people, plan.kept_for_open_rounds) == (1, 2, 4)
    # Bea has a mobile and an email; Gus a mobile only.
    assert (plan.phones, plan.emails) == (2, 1)
    assert plan.description() == (
        "This will permanently erase, for the round 'Time 2': the text of 1 contact note, and "
        "from the register 2 mobile numbers and 1 email address (2 people). 4 people are also "
        "in a round that is still open; their contact details stay until that round closes. "
        "Kept: names, the dates, channels and outcomes of contacts, who was eligible and who "
        "completed, so the round's counts and returns stay as they are. The details are erased "
        "from the file itself, leaving nothing in its free space, and from any copy nbdesk keeps "
        "of it (there is none yet). Not reached: copies saved anywhere else, and files exported "
        "from nbdesk such as Notify lists; delete those yourself. This cannot be undone."
    )
    with db.transaction() as session:
        erase_contact_details(session, rid, date(2026, 3, 2))
    with db.session() as session:
        bea = get_person(session, people["B001"])
        cai = get_person(session, people["B002"])
        notes = [c.note for c in contact_history(session, people["B001"], rid)]
        board = dashboard(session, rid, today=date(2026, 3, 2))
        with pytest.raises(ValueError, match="erased"):
            log_contact(session, rid, people["B001"], date(2026, 3, 2), "text", "reminder", "spoke")
    assert (bea.phone, bea.email, bea.name) == ("", "", "Bea Puddlewick")
    assert cai.phone == "07700 900124"  # still needed by the open round
    assert notes == [""]
    assert (board.overall.eligible, board.overall.completed) == (5, 1)
    assert board.round.contact_details_erased_on == date(2026, 3, 2)


def test_editing_a_person_by_hand_checks_fields(db: Database) -> None:
    people = ids(db)
    with db.transaction() as session:
        bea = get_person(session, people["B001"])
        with pytest.raises(ValueError, match="Phone number"):
            update_person(session, bea.id, PersonFields("B001", phone="12345"))
        with pytest.raises(ValueError, match="Date of birth: 01 Dec 2026 has not come yet"):
            update_person(session, bea.id, PersonFields("B001", date_of_birth=date(2026, 12, 1)))
        # A landline is kept: the person can be called, though not texted.
        update_person(session, bea.id, PersonFields("B001", phone="+44 20 7946 0000"))
        assert get_person(session, bea.id).phone == "020 7946 0000"
        with pytest.raises(ValueError, match="say why"):
            update_person(session, bea.id, PersonFields("B001", do_not_contact=True))
        with pytest.raises(ValueError, match="someone else"):
            update_person(session, bea.id, PersonFields("B002"))
        update_person(
            session, bea.id, PersonFields("B001", name="  Bea   Puddlewick ", phone="+447700900999")
        )
        assert get_person(session, bea.id).phone == "07700 900999"
        assert get_person(session, bea.id).name == "Bea Puddlewick"


def test_cli_round_open_status_and_complete(
    database_at: Callable[..., Location], capsys: pytest.CaptureFixture[str]
) -> None:
    path = database_at("cli.nbdesk")
    create_database(path, "Testshire").close()
    assert main(["register", "import", str(CLEAN), "--db", str(path)]) == 0
    code = main(
        [
            "round",
            "open",
            "Time 2",
            "--db",
            str(path),
            "--opens",
            "10/01/2026",
            "--closes",
            "2026-03-01",
        ]
    )
    out, _ = capsys.readouterr()
    assert code == 0 and "5 people eligible" in out
    assert (
        main(
            [
                "round",
                "complete",
                "Time 2",
                "--person",
                "B001",
                "--db",
                str(path),
                "--confirmed-by",
                "young-person",
                "--date",
                "12/01/2026",
            ]
        )
        == 0
    )
    assert main(["round", "complete", "Time 2", "--person", "B004", "--db", str(path)]) == 0
    capsys.readouterr()
    assert main(["round", "complete", "Time 2", "--person", "B004", "--db", str(path)]) == 1
    _, err = capsys.readouterr()
    assert "Already marked" in err
    assert main(["round", "complete", "Nope", "--person", "B004", "--db", str(path)]) == 1
    assert main(["round", "status", "Time 2", "--db", str(path), "--json"]) == 0
    out, _ = capsys.readouterr()
    status = json.loads(out[out.index("{") :])
    assert (status["eligible"], status["completed"], status["rate"]) == (5, 2, 0.4)
    assert status["by_pa"] == [
        {"group": "Pat Honeysock", "eligible": 3, "completed": 1, "rate": 0.3333},
        {"group": "Sam Wafflethorpe", "eligible": 2, "completed": 1, "rate": 0.5},
    ]
    assert [g["group"] for g in status["by_age_band"]] == ["18 to 20", "21 to 25"]
    assert {"by_gender", "by_accommodation", "completions_over_time"} <= status.keys()
    assert main(["round", "status", "Time 2", "--db", str(path)]) == 0
    out, _ = capsys.readouterr()
    assert "Eligible 5, completed 2, response rate 40%" in out


def test_latest_outcome_is_by_day_then_the_order_logged(db: Database) -> None:
    people, rid = ids(db), round_id(db)
    with db.transaction() as session:
        bea = people["B001"]
        log_contact(session, rid, bea, date(2026, 1, 15), "text", "link-sent", "no-reply")
        log_contact(session, rid, bea, date(2026, 1, 15), "phone", "reminder", "spoke")
        # Logged last, but for an earlier day: not the latest contact.
        log_contact(session, rid, bea, date(2026, 1, 12), "text", "warm-up", "declined")
    with db.session() as session:
        row = next(r for r in who_next(session, rid) if r.unique_id == "B001")
    assert (row.contacts, row.last_contact_on, row.last_outcome) == (
        3,
        date(2026, 1, 15),
        "spoke",
    )


def test_who_next_rows_carry_the_flags_in_words(db: Database) -> None:
    people = ids(db)
    with db.transaction() as session:
        eli = get_person(session, people["B004"])
        update_person(
            session,
            eli.id,
            PersonFields(
                **{n: getattr(eli, n) for n in FIELD_NAMES}
                | {"in_custody": True, "needs_interpreter": True}
            ),
        )
    with db.session() as session:
        rows = {r.unique_id: r for r in round_people(session, round_id(db))}
    assert rows["B004"].flags == "In custody; Interpreter"  # a paper copy, then, not a text
    assert rows["B005"].flags == "Do not contact"
    assert rows["B001"].flags == ""


def test_everyone_includes_people_added_after_the_round_opened(db: Database) -> None:
    """So the lead can find them and count them in (they are not members until then)."""
    rid = round_id(db)
    with db.transaction() as session:
        zed = add_person(
            session, PersonFields("B099", name="Zed Snorkelhop", pa_name="Pat Honeysock")
        ).value
    with db.session() as session:
        assert "B099" not in [r.unique_id for r in who_next(session, rid)]
        everyone = {r.unique_id: r for r in round_people(session, rid, "Pat Honeysock")}
    assert everyone["B099"].state == "Not in this round"
    assert everyone["B099"].reason == NOT_IN_ROUND
    assert everyone["B006"].state == "Not counted"
    assert everyone["B006"].reason == "Aged 36 when the round opened"
    with db.transaction() as session:
        include_person(session, rid, zed, "Joined the service after the round opened")
    with db.session() as session:
        rows = {r.unique_id: r for r in round_people(session, rid, "Pat Honeysock")}
        assert "B099" in [r.unique_id for r in who_next(session, rid, "Pat Honeysock")]
    assert rows["B099"].state == "To contact"
    assert rows["B099"].reason == "Joined the service after the round opened"


def test_a_completion_cannot_be_dated_before_the_round_opened(db: Database) -> None:
    people, rid = ids(db), round_id(db)
    with db.transaction() as session:
        with pytest.raises(ValueError, match="'Time 2' opened on 10 Jan 2026"):
            mark_completed(session, rid, people["B001"], "pa", OPENS - timedelta(days=1))
        mark_completed(session, rid, people["B001"], "pa", OPENS)
    with db.session() as session:
        assert completion_state(session, rid, people["B001"]).confirmed_on == OPENS


def test_a_round_counts_only_its_own_members_from_an_index(db: Database) -> None:
    """get_round counts the one round asked for (with ten rounds of 50,000 people it counted all
    of them, issue 16), to the figures list_rounds gives; counting reads round members from
    ix_round_member_counted alone; round_infos lists the rounds to choose from, counting nobody."""
    from sqlalchemy import event

    with db.transaction() as session:
        earlier = open_round(session, "Time 1", date(2025, 6, 1), date(2025, 7, 1)).value
        later = find_round(session, "Time 2")
        mark_completed(session, later.id, find_person(session, "B001").id, "pa", OPENS)
        mark_completed(session, earlier.id, find_person(session, "B002").id, "pa", date(2025, 6, 2))
        exclude_person(session, earlier.id, find_person(session, "B003").id, "Moved away")
    sent: list[tuple[str, object]] = []

    def keep(_conn, _cursor, statement, parameters, _context, _many):  # type: ignore[no-untyped-def]
        if "round_member" in statement:
            sent.append((statement, parameters))

    with db.session() as session:
        every = {r.id: r for r in list_rounds(session)}
        event.listen(db.engine, "before_cursor_execute", keep)
        assert get_round(session, later.id) == every[later.id]
        assert get_round(session, earlier.id) == every[earlier.id]
        event.remove(db.engine, "before_cursor_execute", keep)
        # By hand: five of the six aged 16 to 25 on either opening day; Dara left out of Time 1.
        assert (every[later.id].eligible, every[later.id].completed) == (5, 1)
        assert (every[earlier.id].eligible, every[earlier.id].completed) == (4, 1)
        infos = round_infos(session)
        assert [(i.id, i.title) for i in infos] == [(r.id, r.title) for r in every.values()]
        with pytest.raises(LookupError, match="No survey round with id 999"):
            get_round(session, 999)
        assert len(sent) == 4
        if db.is_server:  # the plans read below are SQLite's (PostgreSQL plans by statistics)
            return
        raw = session.connection().connection.driver_connection
        for statement, parameters in sent:
            plan = " ".join(
                r[3] for r in raw.execute("EXPLAIN QUERY PLAN " + statement, parameters)
            )
            assert "COVERING INDEX ix_round_member_counted" in plan, plan
            assert "SCAN round_member" not in plan, plan  # one round's members, never all rounds'


def test_round_completions_are_the_rounds_own(
    db: Database, monkeypatch: pytest.MonkeyPatch
) -> None:
    """round_completions (read by the dashboard and the Notify list): each completion of the
    round asked for, by person, with its day and who confirmed it; none of another round's; for
    some people alone, read a few ids at a time."""
    from nbdesk.survey import completion
    from nbdesk.survey.completion import Completed, round_completions

    people, later = ids(db), round_id(db)
    with db.transaction() as session:
        earlier = open_round(session, "Time 1", date(2025, 6, 1), date(2025, 7, 1)).value.id
        mark_completed(session, later, people["B001"], "pa", OPENS)
        mark_completed(session, later, people["B004"], "young-person", date(2026, 1, 12))
        mark_completed(session, earlier, people["B002"], "trusted-adult", date(2025, 6, 2))
    monkeypatch.setattr(completion, "_CHUNK", 2)
    with db.session() as session:
        assert round_completions(session, later) == {
            people["B001"]: Completed(OPENS, "pa"),
            people["B004"]: Completed(date(2026, 1, 12), "young-person"),
        }
        assert round_completions(session, earlier) == {
            people["B002"]: Completed(date(2025, 6, 2), "trusted-adult")
        }
        some = [people["B004"], people["B002"], people["B003"], people["B001"], 999]
        assert round_completions(session, later, some) == round_completions(session, later)
        assert round_completions(session, later, [people["B004"]]) == {
            people["B004"]: Completed(date(2026, 1, 12), "young-person")
        }
        assert round_completions(session, later, []) == {}
