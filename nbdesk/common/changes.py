"""What a change to an authority's data touched, so each view redraws only what it shows.

Every service that changes data returns a `Changes` (or a `Done` carrying one beside its value):
the kinds of data it changed, and for assessments which ones. The window announces it after each
operation, and a list of rounds, an open Results window or the register each decide from it
whether to read again. Nothing reloads "just in case", and nothing goes stale.

A change to a few people in a round (a contact logged, a completion marked, someone counted in or
left out) also names them, so who-next and the round's dashboard update just their rows rather than
reading 50,000 people again (issue 16).
"""

from __future__ import annotations

from dataclasses import dataclass, fields
from typing import Generic, TypeVar

T = TypeVar("T")


@dataclass(frozen=True)
class Changes:
    authority: bool = False  # the authority's name
    frameworks: bool = False  # a framework loaded
    assessment_list: bool = False  # an assessment created, renamed, re-dated or archived
    assessments: frozenset[int] = frozenset()  # these assessments' ratings, notes, scores, sittings
    register: bool = False  # people added or edited
    rounds: bool = False  # a round opened, closed or its details erased
    members: bool = False  # who a round counts
    contacts: bool = False  # outreach contacts
    completions: bool = False  # who has completed
    plans: bool = False  # action plans: their themes, actions, updates, reviews, owners
    feedback: bool = False  # a round's results and findings, priorities, feedback sent
    # (round id, person id): the people whose contacts, completion or membership of that round
    # changed, when the change touched nobody else. Empty when contacts, completions or members
    # changed more widely. Held in memory only and never logged: with the moment it was announced
    # it would date a person's completion more finely than the day nbdesk keeps.
    people: frozenset[tuple[int, int]] = frozenset()

    def __or__(self, other: Changes) -> Changes:
        values = {}
        for f in fields(self):
            mine, theirs = getattr(self, f.name), getattr(other, f.name)
            values[f.name] = mine | theirs
        if self._wide() or other._wide():
            # Some people named, others not: together they no longer say who changed.
            values["people"] = frozenset()
        return Changes(**values)

    def _wide(self) -> bool:
        return (self.contacts or self.completions or self.members) and not self.people

    def only_people(self) -> frozenset[tuple[int, int]] | None:
        """The (round, person) pairs when that is all this change touched (their contacts,
        completion or membership of the round); None when a view must read everything again."""
        if not self.people:
            return None
        narrow = {"contacts", "completions", "members", "people"}
        return self.people if all(kind in narrow for kind in self.kinds()) else None

    def __bool__(self) -> bool:
        return any(getattr(self, f.name) for f in fields(self))

    def touches_assessment(self, assessment_id: int) -> bool:
        return self.assessment_list or assessment_id in self.assessments

    def kinds(self) -> list[str]:
        """The kinds changed, as names (for logs and tests)."""
        return [f.name for f in fields(self) if getattr(self, f.name)]


NOTHING = Changes()


def assessment(assessment_id: int) -> Changes:
    return Changes(assessments=frozenset({assessment_id}))


def person_in_round(
    round_id: int,
    person_id: int,
    *,
    contacts: bool = False,
    completions: bool = False,
    members: bool = False,
) -> Changes:
    """What changed of one person in one round."""
    return Changes(
        contacts=contacts,
        completions=completions,
        members=members,
        people=frozenset({(round_id, person_id)}),
    )


@dataclass(frozen=True)
class Done(Generic[T]):
    """What a change gave back (a new row's id, a summary) and what it changed."""

    value: T
    changes: Changes
