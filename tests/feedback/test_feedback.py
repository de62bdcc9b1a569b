"""Closing the loop as a service: the central team's counts beside nbdesk's, findings read from a
spreadsheet (bad rows refused by row and column with nothing stored), compared between rounds,
priorities with anonymous quotes (a register name warned about), feedback sent, actions citing
findings and priorities, and what no action answers yet. And the schema: nothing added here can
hold a person next to a finding, a priority or a quote."""

from __future__ import annotations

from collections.abc import Callable
from datetime import date
from pathlib import Path

import pytest
from sqlalchemy import inspect

from nbdesk.action_plan import actions as act
from nbdesk.action_plan.answers import citing_actions, unanswered
from nbdesk.action_plan.plans import create_plan
from nbdesk.action_plan.views import read_plan
from nbdesk.feedback import priorities as pri
from nbdesk.feedback.results import (
    FindingRow,
    FindingsError,
    compare_findings,
    list_findings,
    read_findings,
    round_result,
    set_round_result,
    store_findings,
)
from nbdesk.feedback.telling_back import list_feedback, record_feedback
from nbdesk.storage import Database, create_database
from nbdesk.storage.location import Location
from nbdesk.survey.completion import mark_completed
from nbdesk.survey.register import PersonFields, add_person
from nbdesk.survey.rounds import open_round

HEADER = "Domain,Finding,Percent,Base\n"


@pytest.fixture
def db(database_at: Callable[..., Location]) -> Database:
    database = create_database(database_at("a.nbdesk"), "Testshire County Council")
    with database.transaction() as session:
        for n, name in enumerate(["Amelia Okonkwo", "Brandon Fitzwilliam", "Jo Li"]):
            add_person(session, PersonFields(f"P{n}", name=name, date_of_birth=date(2004, 5, 1)))
        open_round(session, "Time 1", date(2026, 9, 1), date(2026, 10, 31))
        open_round(session, "Time 2", date(2026, 11, 1), date(2027, 1, 31))
    return database


def rounds(db: Database) -> dict[str, int]:
    from nbdesk.survey.rounds import list_rounds

    with db.session() as session:
        return {r.name: r.id for r in list_rounds(session)}


def sheet(tmp_path: Path, rows: str, name: str = "findings.csv") -> Path:
    path = tmp_path / name
    path.write_text(HEADER + rows)
    return path


def test_official_counts_beside_nbdesks_confirmations(db: Database) -> None:
    first = rounds(db)["Time 1"]
    from nbdesk.survey.register import find_person

    with db.transaction() as session:
        person = find_person(session, "P0").id
        mark_completed(session, first, person, "pa", date(2026, 9, 20))
        set_round_result(session, first, invited=3, completed=2, received_on=date(2026, 11, 10))
    with db.session() as session:
        result = round_result(session, first)
    assert result is not None
    assert (result.invited, result.completed, result.confirmed) == (3, 2, 1)
    assert result.difference == 1 and result.rate == pytest.approx(2 / 3)
    with db.transaction() as session, pytest.raises(FindingsError, match="more than invited"):
        set_round_result(session, first, invited=2, completed=3)


def test_results_received_before_their_round_opened_are_refused(db: Database) -> None:
    second = rounds(db)["Time 2"]  # opened 1 Nov 2026
    with db.transaction() as session, pytest.raises(FindingsError, match="before the round opened"):
        set_round_result(session, second, invited=3, completed=1, received_on=date(2026, 10, 31))
    with db.session() as session:
        assert round_result(session, second) is None
    with db.transaction() as session:
        set_round_result(session, second, invited=3, completed=1, received_on=date(2026, 11, 1))
    with db.session() as session:
        result = round_result(session, second)
    assert result is not None and result.received_on == date(2026, 11, 1)


@pytest.mark.parametrize(
    ("rows", "message"),
    [
        ("Safety,Did not feel safe,140,240\n", "row 2, column 'Percent': 140"),
        ("Safety,Did not feel safe,32,lots\n", "row 2, column 'Base': 'lots'"),
        ("Safety,Did not feel safe,32,240\nMoney,,20,200\n", "row 3, column 'Finding'"),
        ("Safety,Did not feel safe,thirty,240\n", "row 2, column 'Percent': 'thirty'"),
    ],
)
def test_bad_findings_are_refused_by_row_and_column(
    db: Database, tmp_path: Path, rows: str, message: str
) -> None:
    with pytest.raises(FindingsError, match=message):
        read_findings(sheet(tmp_path, rows))
    with db.session() as session:
        assert list_findings(session, rounds(db)["Time 1"]) == []


def test_a_missing_column_is_named(tmp_path: Path) -> None:
    path = tmp_path / "f.csv"
    path.write_text("Domain,Finding,Percent\nSafety,Did not feel safe,32\n")
    with pytest.raises(FindingsError, match="'Base'"):
        read_findings(path)


def test_findings_round_trip_and_compare(db: Database, tmp_path: Path) -> None:
    ids = rounds(db)
    first = read_findings(
        sheet(tmp_path, "Safety,Did not feel safe where they live,32%,240\nMoney,Struggling,20,8\n")
    )
    assert first == [
        FindingRow("Safety", "Did not feel safe where they live", 32.0, 240),
        FindingRow("Money", "Struggling", 20.0, 8),
    ]
    with db.transaction() as session:
        store_findings(session, ids["Time 1"], first)
        store_findings(
            session,
            ids["Time 2"],
            [FindingRow("Safety", "Did not feel safe where they live", 25.5, 260)],
        )
    with db.session() as session:
        stored = list_findings(session, ids["Time 1"])
        pairs = compare_findings(session, ids["Time 1"], ids["Time 2"])
    assert [(f.percent, f.base, f.small) for f in stored] == [(32.0, 240, False), (20.0, 8, True)]
    assert [p.points for p in pairs] == [-6.5, None]


def test_quotes_are_anonymous_and_register_names_are_warned(db: Database) -> None:
    second = rounds(db)["Time 2"]
    with db.transaction() as session:
        housing = pri.add_theme(session, "Somewhere safe to live").value
        assert pri.add_theme(session, "somewhere SAFE to live").value == housing
        pri.set_count(session, second, housing, 14)
        plain = pri.add_quote(session, second, housing, "Help with deposits", month="11/2026")
        named = pri.add_quote(session, second, housing, "Ask amelia what happened to her flat")
        short = pri.add_quote(session, second, housing, "Jo said it too")
        owned = pri.add_quote(session, second, housing, "Brandon's PA never rang back")
    assert plain.value.names_found == ()
    assert named.value.names_found == ("amelia",)
    assert short.value.names_found == ()  # too short a name to tell from a word
    assert owned.value.names_found == ("Brandon",)
    with db.session() as session:
        [row] = pri.tally(session, second)
    assert (row.theme, row.count) == ("Somewhere safe to live", 14)
    assert {q.month for q in row.quotes} == {"2026-11"}


def test_no_table_added_here_can_hold_a_person(db: Database) -> None:
    tables = [
        "round_result",
        "finding",
        "priority_theme",
        "priority_count",
        "priority_quote",
        "feedback_sent",
    ]
    people = {"care_leaver", "round_member", "completion", "completion_change", "outreach_contact"}
    schema = inspect(db.engine)
    for table in tables:
        targets = {fk["referred_table"] for fk in schema.get_foreign_keys(table)}
        assert not targets & people, table
        columns = {c["name"]: str(c["type"]) for c in schema.get_columns(table)}
        assert not {"person_id", "unique_id", "care_leaver_id", "pa_name"} & set(columns), table
    # A quote keeps its month, as text: no date or time column to line it up with anything.
    quote = {c["name"]: str(c["type"]) for c in schema.get_columns("priority_quote")}
    assert "DATE" not in " ".join(quote.values()) and quote["month"].startswith("VARCHAR(7)")


def test_actions_cite_findings_and_priorities_and_what_is_unanswered(db: Database) -> None:
    ids = rounds(db)
    with db.transaction() as session:
        store_findings(
            session,
            ids["Time 1"],
            [
                FindingRow("Safety", "Did not feel safe", 32, 240),
                FindingRow("Money", "Struggling", 20, 200),
                FindingRow("Health", "High anxiety", 34, 6),  # small: never listed
            ],
        )
        theme = pri.add_theme(session, "Money").value
        other = pri.add_theme(session, "Being listened to").value
        pri.set_count(session, ids["Time 1"], theme, 9)
        pri.set_count(session, ids["Time 1"], other, 4)
        plan = create_plan(session, "Plan", themes=["Homes"]).value
        homes = read_plan(session, plan).themes[0].id
        action = act.add_action(session, homes, "More supported lodgings").value
        safety = list_findings(session, ids["Time 1"])[0].id
        act.cite(session, action, finding_id=safety)
        act.cite(session, action, priority_theme_id=theme)
        record_feedback(session, plan_id=plan, channel="text", how_many=120)
    with db.session() as session:
        labels = [c.label for c in read_plan(session, plan).actions[0].citations]
        left = unanswered(session, plan, [ids["Time 1"]])
        sent = list_feedback(session, plan)
        # The self-assessment's list of citing actions skips findings and priorities.
        assert citing_actions(session, 1) == {}
    assert labels == [
        "Finding: Safety: Did not feel safe — 32% of 240",
        "Young people's priority: Money",
    ]
    assert [label for _, label in left.findings] == ["Time 1: Money: Struggling — 20% of 200"]
    assert [(name, count) for _, name, count in left.priorities] == [("Being listened to", 4)]
    assert [(s.channel, s.how_many) for s in sent] == [("text", 120)]
