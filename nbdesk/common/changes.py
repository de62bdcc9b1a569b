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
from enum import Enum
from typing import Any, Generic, TypeVar

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


# What another nbdesk hears of a change (storage.live): the kinds and the assessments, never
# `people` (see above), nor anything else that names a person or says when they did something.
PAYLOAD_VERSION = 1
PAYLOAD_LIMIT = 7000  # PostgreSQL refuses a notification of 8000 bytes or more
_EVERY_KIND: dict[str, Any] = {
    f.name: True for f in fields(Changes) if f.name not in ("assessments", "people")
}
# What a writer that did not say what it changed (a command) is taken to have changed.
EVERYTHING = Changes(**_EVERY_KIND)


def to_payload(changes: Changes, sender: str) -> str:
    """The change as another nbdesk hears it: JSON of the kinds changed, the assessments' ids and
    who sent it (a token of the sending Database, so a window can pass over its own)."""
    import json

    kinds = [kind for kind in changes.kinds() if kind not in ("assessments", "people")]
    payload = {"v": PAYLOAD_VERSION, "s": sender, "k": kinds, "a": sorted(changes.assessments)}
    text = json.dumps(payload, separators=(",", ":"))
    if len(text.encode()) > PAYLOAD_LIMIT:
        # Too many assessments to name: each open assessment then reads itself again.
        named: dict[str, Any] = {kind: True for kind in kinds}
        wide = Changes(assessment_list=True) | Changes(**named)
        return to_payload(wide, sender)
    return text


def from_payload(text: str) -> tuple[str, Changes] | None:
    """(sender, changes) from to_payload's text; None for anything else. Kinds this version
    does not know (sent by a newer nbdesk) are dropped, and an unreadable payload is ignored."""
    import json

    try:
        payload = json.loads(text)
        if not isinstance(payload, dict) or payload.get("v") != PAYLOAD_VERSION:
            return None
        sender = payload["s"]
        known = {f.name for f in fields(Changes)} - {"assessments", "people"}
        kinds: dict[str, Any] = {kind: True for kind in payload["k"] if kind in known}
        ids = frozenset(int(i) for i in payload["a"])
    except (ValueError, TypeError, KeyError):
        return None
    if not isinstance(sender, str):
        return None
    return sender, Changes(assessments=ids, **kinds)


TOLD = "nbdesk_told"  # a writing session's info: what its transaction changed, for storage.live


def tell_others(session: Any, changes: Changes) -> None:
    """Say what this transaction (a Database.transaction session) changed: on a server, the
    others hear it as it commits (storage.live); a file has nobody to tell."""
    told = session.info.get(TOLD)
    session.info[TOLD] = changes if told is None else told | changes


class LiveState(Enum):
    """Besides Changes, what a listener to a server (storage.live.listen) reports."""

    LISTENING = "listening"  # connected the first time: every save from now on is heard
    PAUSED = "paused"  # the listening connection was lost; trying to connect again
    RESUMED = "resumed"  # connected again (what was missed meanwhile follows as EVERYTHING)
