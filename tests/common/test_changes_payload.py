"""What another nbdesk hears of a change (issue 17): kinds and assessments, never people."""

from __future__ import annotations

import json

from nbdesk.common.changes import (
    EVERYTHING,
    PAYLOAD_LIMIT,
    Changes,
    from_payload,
    person_in_round,
    to_payload,
)


def test_a_change_travels_whole_but_for_its_people() -> None:
    changes = person_in_round(12, 345_678, contacts=True, completions=True) | Changes(
        assessments=frozenset({3, 9})
    )
    text = to_payload(changes, "abc")
    assert "345678" not in text and "people" not in text
    assert from_payload(text) == (
        "abc",
        Changes(contacts=True, completions=True, assessments=frozenset({3, 9})),
    )


def test_everything_names_every_kind_and_nobody() -> None:
    assert EVERYTHING.people == frozenset() and EVERYTHING.only_people() is None
    assert set(EVERYTHING.kinds()) == {
        f for f in Changes.__dataclass_fields__ if f not in ("assessments", "people")
    }
    assert from_payload(to_payload(EVERYTHING, "x")) == ("x", EVERYTHING)


def test_too_many_assessments_to_name_become_every_assessment() -> None:
    many = Changes(assessments=frozenset(range(100_000, 103_000)), plans=True)
    text = to_payload(many, "x")
    assert len(text.encode()) <= PAYLOAD_LIMIT
    heard = from_payload(text)
    assert heard is not None and heard[1] == Changes(assessment_list=True, plans=True)
    assert heard[1].touches_assessment(100_500)


def test_anything_else_is_ignored_and_unknown_kinds_are_dropped() -> None:
    for text in ("", "null", "[]", "{}", '{"v": 1}', '{"v": 2, "s": "x", "k": [], "a": []}', "{"):
        assert from_payload(text) is None
    newer = json.dumps({"v": 1, "s": "x", "k": ["register", "workshops", "people"], "a": ["2"]})
    assert from_payload(newer) == ("x", Changes(register=True, assessments=frozenset({2})))
