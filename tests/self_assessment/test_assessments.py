"""Assessments as a service: creating, recording with history and undo, scoring and comparing.

The small framework here (area 1: three statements, area 2: two) keeps every figure checkable by
hand; the expected numbers are written out in the comments.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import date

import pytest

from nbdesk.forms.framework import AreaDef, FrameworkDef, StatementDef
from nbdesk.forms.store import store_framework
from nbdesk.self_assessment.assessments import (
    AssessmentError,
    archive_assessment,
    create_assessment,
    find_assessment,
    list_assessments,
    load_assessment,
    rename_assessment,
    score_assessment,
)
from nbdesk.self_assessment.comparison import CHANGE, GAP, compare_assessments
from nbdesk.self_assessment.ratings import (
    set_evidence,
    set_flag,
    set_overall,
    set_overall_note,
    set_rating,
    undo,
)
from nbdesk.self_assessment.results import assessment_results, score_json
from nbdesk.self_assessment.sittings import (
    history,
    last_participants,
    list_sittings,
    start_sitting,
)
from nbdesk.storage import Database, create_database, open_database
from nbdesk.storage.location import Location

SMALL = FrameworkDef(
    name="Small test framework",
    version="1",
    areas=(
        AreaDef(
            1,
            "Listening",
            tuple(StatementDef(1, letter, f"Statement 1{letter}") for letter in "abc"),
        ),
        AreaDef(
            2, "Housing", tuple(StatementDef(2, letter, f"Statement 2{letter}") for letter in "ab")
        ),
    ),
)


@pytest.fixture
def db(database_at: Callable[..., Location]) -> Database:
    database = create_database(database_at("a.nbdesk"), "Testshire County Council")
    with database.transaction() as session:
        store_framework(session, SMALL)
    return database


def framework_id(db: Database) -> int:
    from nbdesk.forms.store import find_framework

    with db.session() as session:
        return find_framework(session, SMALL.name)


def new(db: Database, name: str, **kwargs: object) -> int:
    with db.transaction() as session:
        return create_assessment(session, name, framework_id=framework_id(db), **kwargs).value  # type: ignore[arg-type]


def ids(db: Database, assessment_id: int) -> dict[str, int]:
    """Statement ids by "1a", area ids by "area1"."""
    with db.session() as session:
        detail = load_assessment(session, assessment_id)
    out = {f"{s.area_number}{s.letter}": s.statement_id for s in detail.statements()}
    out.update({f"area{a.number}": a.area_id for a in detail.areas})
    return out


def rate(db: Database, assessment_id: int, values: dict[str, int | None]) -> None:
    found = ids(db, assessment_id)
    for key, points in values.items():
        with db.transaction() as session:
            set_rating(session, assessment_id, found[key], points)


def test_create_list_rename_archive(db: Database) -> None:
    first = new(db, "Baseline 2020", held_on=date(2020, 11, 12))
    new(db, "Follow-up 2022", stage="follow-up", held_on=date(2022, 10, 6))
    with db.session() as session:
        listed = list_assessments(session)
    assert [a.name for a in listed] == ["Follow-up 2022", "Baseline 2020"]  # newest first
    base = listed[1]
    assert (base.stage, base.perspective, base.statements, base.rated) == (
        "baseline",
        "staff",
        5,
        0,
    )
    assert base.framework_title == "Small test framework 1"

    with db.transaction() as session:
        rename_assessment(session, first, "  Baseline   2020 (staff) ")
        archive_assessment(session, first)
    with db.session() as session:
        assert [a.name for a in list_assessments(session)] == ["Follow-up 2022"]
        everything = list_assessments(session, include_archived=True)
        assert {a.name: a.archived for a in everything} == {
            "Follow-up 2022": False,
            "Baseline 2020 (staff)": True,
        }
        assert find_assessment(session, "baseline 2020 (STAFF)") == first


@pytest.mark.parametrize(
    ("kwargs", "message"),
    [
        ({"name": "Follow-up 2022"}, "already an assessment called"),
        ({"name": "  "}, "needs a name"),
        ({"name": "X", "stage": "midpoint"}, "stage must be one of"),
        ({"name": "X", "perspective": "parents"}, "perspective must be one of"),
    ],
)
def test_bad_details_are_refused(db: Database, kwargs: dict[str, str], message: str) -> None:
    new(db, "Follow-up 2022")
    with pytest.raises(AssessmentError, match=message), db.transaction() as session:
        create_assessment(session, framework_id=framework_id(db), **kwargs)  # type: ignore[arg-type]
    with db.session() as session:
        assert len(list_assessments(session)) == 1


def test_the_next_sitting_starts_from_the_last_one_with_anyone_in_it(db: Database) -> None:
    aid, other = new(db, "Baseline"), new(db, "Follow-up 2022")
    with db.session() as session:
        assert last_participants(session, aid) == []
    with db.transaction() as session:
        start_sitting(session, aid, [("Head of service", "staff"), ("Sam", "young-person")])
        start_sitting(session, other, [("Someone else", "staff")])  # another assessment's
        start_sitting(session, aid, [])  # nobody recorded: passed over
    with db.session() as session:
        assert last_participants(session, aid) == [
            ("Head of service", "staff"),
            ("Sam", "young-person"),
        ]


def test_every_change_is_kept_with_its_sitting_and_can_be_undone(db: Database) -> None:
    aid = new(db, "Baseline")
    found = ids(db, aid)
    with db.transaction() as session:
        sitting = start_sitting(
            session,
            aid,
            [("Head of service", "staff"), ("Housing options", "partner"), ("Sam", "young-person")],
            label="Workshop 1",
        ).value
    done = []
    steps = [
        lambda s: set_rating(s, aid, found["1a"], 3, sitting),
        lambda s: set_rating(s, aid, found["1a"], 4, sitting),
        lambda s: set_evidence(s, aid, found["1a"], "Forum minutes, May", sitting),
        lambda s: set_flag(s, aid, found["1a"], True, sitting),
        lambda s: set_overall(s, aid, found["area1"], 7, sitting),
        lambda s: set_overall_note(s, aid, found["area1"], "Agreed after debate", sitting),
    ]
    for step in steps:
        with db.transaction() as session:
            done.append(step(session))
    # The same value again is not a change.
    with db.transaction() as session:
        assert set_rating(session, aid, found["1a"], 4, sitting) is None
    db.close()

    db = open_database(db.location)
    with db.session() as session:
        detail = load_assessment(session, aid)
        first = detail.areas[0].statements[0]
        assert (first.points, first.evidence, first.flagged) == (4, "Forum minutes, May", True)
        assert (detail.areas[0].overall, detail.areas[0].overall_note) == (7, "Agreed after debate")
        changes = history(session, aid, statement_id=found["1a"])
        assert [(c.field, c.old, c.new) for c in changes] == [
            ("rating", None, "3"),
            ("rating", "3", "4"),
            ("evidence", "", "Forum minutes, May"),
            ("flag", "no", "yes"),
        ]
        assert all(c.sitting.endswith("(Workshop 1)") for c in changes)
        area_changes = history(session, aid, area_id=found["area1"])
        assert [(c.field, c.new) for c in area_changes] == [
            ("overall", "7"),
            ("overall-note", "Agreed after debate"),
        ]
        (info,) = list_sittings(session, aid)
        assert [(p.name_or_role, p.kind) for p in info.participants] == [
            ("Head of service", "staff"),
            ("Housing options", "partner"),
            ("Sam", "young-person"),
        ]
        assert info.changes == 6

    # Undo, newest first, takes everything back to where it started, and is itself recorded.
    for change in reversed(done):
        with db.transaction() as session:
            undo(session, change, sitting)
    with db.session() as session:
        detail = load_assessment(session, aid)
        first = detail.areas[0].statements[0]
        assert (first.points, first.evidence, first.flagged) == (None, "", False)
        assert (detail.areas[0].overall, detail.areas[0].overall_note) == (None, "")
        assert len(history(session, aid, statement_id=found["1a"])) == 8
    db.close()


def test_values_off_the_scale_are_refused(db: Database) -> None:
    aid = new(db, "Baseline")
    found = ids(db, aid)
    with pytest.raises(AssessmentError, match="not a rating"), db.transaction() as session:
        set_rating(session, aid, found["1a"], 5)
    with pytest.raises(AssessmentError, match="from 0 to 10"), db.transaction() as session:
        set_overall(session, aid, found["area1"], 11)
    with pytest.raises(AssessmentError, match="needs a name or role"), db.transaction() as s:
        start_sitting(s, aid, [("", "staff")])
    with pytest.raises(AssessmentError, match="kind of participant"), db.transaction() as s:
        start_sitting(s, aid, [("Chair", "volunteer")])
    with db.session() as session:
        assert history(session, aid) == []
        assert list_sittings(session, aid) == []


def test_scores_match_hand_computed_figures(db: Database) -> None:
    aid = new(db, "Baseline")
    rate(db, aid, {"1a": 4, "1b": 3, "1c": 2, "2a": 1})
    found = ids(db, aid)
    with db.transaction() as session:
        set_overall(session, aid, found["area1"], 6)
    with db.session() as session:
        detail, scored = score_assessment(session, aid)
    # Area 1: (4+3+2)/3 = 3.0 = 75%; area 2: 1 of 2 rated, 1.0 = 25%; total 10, incomplete.
    doc = score_json(detail.summary, scored)
    assert doc == {
        "assessment": "Baseline",
        "areas": [
            {
                "number": 1,
                "title": "Listening",
                "statements": 3,
                "rated": 3,
                "mean": 3.0,
                "percent": 75.0,
                "overall_out_of_10": 6,
            },
            {
                "number": 2,
                "title": "Housing",
                "statements": 2,
                "rated": 1,
                "mean": 1.0,
                "percent": 25.0,
                "overall_out_of_10": None,
            },
        ],
        "total": 10,
        "band": None,
        "overall_mean": 2.0,  # (3.0 + 1.0) / 2
        "complete": False,
    }
    assert scored.unrated == ("2 / B",)

    rate(db, aid, {"2b": 2})
    with db.session() as session:
        _, scored = score_assessment(session, aid)
    # Bands for 5 statements: Okay from ceil(5×223/106) = 11, Good from ceil(5×325/106) = 16.
    assert (scored.total, scored.complete, scored.band) == (12, True, "Okay")
    assert scored.overall_mean == pytest.approx((3.0 + 1.5) / 2)


def test_results_rank_areas_and_pick_out_statements(db: Database) -> None:
    aid = new(db, "Baseline")
    rate(db, aid, {"1a": 1, "1b": 2, "1c": 2, "2a": 4, "2b": 3})
    with db.session() as session:
        results = assessment_results(session, aid, extremes=2)
    # Area 2 mean 3.5 ranks above area 1 mean 5/3.
    assert [a.number for a in results.ranked] == [2, 1]
    assert results.ranked[1].mean == pytest.approx(5 / 3)
    assert [(s.reference, s.points, s.label) for s in results.highest] == [
        ("2 / A", 4, "Agree at present"),
        ("2 / B", 3, "Mostly agree"),
    ]
    assert [s.reference for s in results.lowest] == ["1 / A", "1 / B"]


def test_with_few_rated_the_highest_and_lowest_share_them_out(db: Database) -> None:
    """Three rated and lists of two: the higher two are the highest, the third the lowest; no
    statement is in both (a tester read a 3 among the lowest as a mistake)."""
    aid = new(db, "Baseline")
    rate(db, aid, {"1a": 3, "1b": 2, "2a": 4})
    with db.session() as session:
        results = assessment_results(session, aid, extremes=2)
    assert [s.reference for s in results.highest] == ["2 / A", "1 / A"]
    assert [s.reference for s in results.lowest] == ["1 / B"]
    rate(db, aid, {"1c": 1})  # four rated: two and two
    with db.session() as session:
        results = assessment_results(session, aid, extremes=2)
    assert [s.reference for s in results.highest] == ["2 / A", "1 / A"]
    assert [s.reference for s in results.lowest] == ["1 / C", "1 / B"]


def test_baseline_against_follow_up(db: Database) -> None:
    base = new(db, "Baseline", held_on=date(2020, 1, 1))
    follow = new(db, "Follow-up", stage="follow-up", held_on=date(2022, 1, 1))
    rate(db, base, {"1a": 1, "1b": 2, "1c": 3, "2a": 2, "2b": 2})
    rate(db, follow, {"1a": 3, "1b": 2, "1c": 2, "2a": 4})
    with db.session() as session:
        result = compare_assessments(session, base, follow)
    assert result.kind == CHANGE
    assert (result.first_label, result.second_label) == ("Baseline", "Follow-up")
    # Area 1: 6/3 = 2.0 → 7/3; area 2: 2.0 → 4.0 (only 2 / A rated in the follow-up).
    assert [round(a.difference or 0, 4) for a in result.areas] == [round(7 / 3 - 2, 4), 2.0]
    assert [(s.reference, s.difference) for s in result.improved] == [("1 / A", 2), ("2 / A", 2)]
    assert [(s.reference, s.difference) for s in result.declined] == [("1 / C", -1)]
    unrated = [s for s in result.statements if s.difference is None]
    assert [s.reference for s in unrated] == ["2 / B"]
    # Issue 10: a half-rated side is said in the headline, and totals and overall means are taken
    # only over the statements rated in both (all but 2 / B): 1+2+3+2 = 8 against 3+2+2+4 = 11.
    assert result.incomplete_sides() == ["Follow-up: 4 of 5 rated"]
    assert not result.complete
    assert (result.first_score.total, result.second_score.total) == (8, 11)
    assert result.first_score.overall_mean == pytest.approx((6 / 3 + 2) / 2)
    assert result.second_score.overall_mean == pytest.approx((7 / 3 + 4) / 2)
    assert (result.first_score.band, result.second_score.band) == (None, None)
    assert (result.first_full.total, result.second_full.total) == (10, 11)
    assert result.basis() == (
        "Totals and overall means compare only the 4 statements rated in both (every "
        "statement except 2 / B); no band is given until both are wholly rated."
    )


def test_a_comparison_with_few_rated_names_the_statements_it_uses(db: Database) -> None:
    base = new(db, "Baseline", held_on=date(2020, 1, 1))
    follow = new(db, "Follow-up", stage="follow-up", held_on=date(2022, 1, 1))
    rate(db, base, {"1a": 1, "1b": 2, "1c": 3, "2a": 2, "2b": 2})
    rate(db, follow, {"1a": 3, "2b": 4})
    with db.session() as session:
        result = compare_assessments(session, base, follow)
    assert result.incomplete_sides() == ["Follow-up: 2 of 5 rated"]
    assert (result.first_score.total, result.second_score.total) == (3, 7)
    assert "the 2 statements rated in both (the statements 1 / A; 2 / B)" in result.basis()


def test_staff_against_young_people_puts_the_largest_gaps_first(db: Database) -> None:
    staff = new(db, "Staff view")
    young = new(db, "Young people's view", perspective="young-people")
    rate(db, staff, {"1a": 4, "1b": 3, "1c": 3, "2a": 3, "2b": 3})
    rate(db, young, {"1a": 1, "1b": 3, "1c": 2, "2a": 3, "2b": 2})
    with db.session() as session:
        result = compare_assessments(session, staff, young)
    assert result.kind == GAP
    assert (result.first_label, result.second_label) == ("Staff", "Young people")
    # Area 1: 10/3 vs 2.0, gap −4/3; area 2: 3.0 vs 2.5, gap −0.5.
    assert [a.number for a in result.areas_by_gap] == [1, 2]
    assert result.areas_by_gap[0].difference == pytest.approx(-4 / 3)
    assert [(s.reference, s.difference) for s in result.largest_gaps] == [
        ("1 / A", -3),
        ("1 / C", -1),
        ("2 / B", -1),
    ]
    with pytest.raises(ValueError, match="two different"), db.session() as session:
        compare_assessments(session, staff, staff)


def test_cli_choices_match_the_service() -> None:
    from nbdesk.cli import assessment as cli_assessment
    from nbdesk.self_assessment.assessments import PERSPECTIVES, STAGES

    assert cli_assessment.STAGES == STAGES
    assert cli_assessment.PERSPECTIVES == PERSPECTIVES


def test_rating_a_statement_of_another_framework_is_refused(db: Database) -> None:
    aid = new(db, "Baseline")
    with pytest.raises(LookupError, match="not part of"), db.transaction() as session:
        set_rating(session, aid, 999_999, 3)
    with db.session() as session:
        assert history(session, aid) == []
