"""The attack on suppression that knows its rules (issue 11, part 4), run exhaustively on small rounds.

An attacker who holds a published return, and nbdesk's own rules, can list every round that fits it:
every table of whole numbers with the same groups, run through `suppress` (and the weekly line through
`weekly_counts`), kept when what it would publish is exactly what was published. A hidden count that
takes one value in every round kept has been recovered, however it was hidden.

Here every round of a small size is made, what each would publish is worked out, and the rounds are
grouped by it: each group is the attacker's list for every round in it. In no group may a hidden
count (eligible or completed), a hidden count of 1 to 5 who did not complete, or a weekly figure of
1 to 5 (completions in a week, or so far) take a single value. Groups of 0 people are allowed in the
rounds made, as the attacker must allow them (and, in a second search, ruled out, as an attacker who
knows that a return lists only groups someone is in may); the whole search takes some 20 seconds.
"""

from __future__ import annotations

import itertools
from collections import defaultdict
from collections.abc import Callable, Iterator, Sequence

import pytest

from nbdesk.returns.suppression import (
    THRESHOLD,
    Cell,
    CountTable,
    Group,
    SafeReturn,
    SafeRow,
    SafeTable,
    suppress,
    weekly_counts,
)

Cells = tuple[tuple[int, int], ...]  # one breakdown's (eligible, completed) per group
Round = tuple[int, int, tuple[Cells, ...], tuple[int, ...]]  # E, C, breakdowns, weekly so far


def splits(total: int, parts: int) -> Iterator[tuple[int, ...]]:
    """Every way to put `total` people into `parts` groups (empty groups included)."""
    if parts == 1:
        yield (total,)
        return
    for first in range(total + 1):
        for rest in splits(total - first, parts - 1):
            yield (first, *rest)


def breakdowns(eligible: int, completed: int, groups: int, empty: bool) -> list[Cells]:
    """Every breakdown of a round of `eligible` with `completed` into `groups` groups (none of
    them empty unless `empty`)."""
    found = []
    for done in splits(completed, groups):
        for not_done in splits(eligible - completed, groups):
            cells = tuple((c + n, c) for c, n in zip(done, not_done, strict=True))
            if empty or all(e for e, _c in cells):
                found.append(cells)
    return found


def rounds(shape: Sequence[int], most: int, weeks: int, empty: bool) -> Iterator[Round]:
    """Every round of up to `most` eligible with breakdowns of `shape` groups, and every course of
    completions over `weeks` weeks (cumulative, the last week's being the round's total)."""
    for eligible in range(most + 1):
        for completed in range(eligible + 1):
            options = [breakdowns(eligible, completed, g, empty) for g in shape]
            courses = [
                (*so_far, completed)
                for so_far in itertools.combinations_with_replacement(
                    range(completed + 1), weeks - 1
                )
            ]
            for tables in itertools.product(*options):
                for course in courses:
                    yield eligible, completed, tables, course


def published(safe: SafeReturn, weekly: tuple[int, ...] | None) -> tuple[object, ...]:
    """Everything a reader of the return and the report sees: every shown count or [c], every
    rate, and the weekly line."""

    def row(r: SafeRow) -> tuple[object, ...]:
        return (r.eligible.shown, r.completed.shown, r.shown_rate)

    return (row(safe.total), *(tuple(row(r) for r in t.rows) for t in safe.tables), weekly)


def secrets(safe: SafeReturn, course: tuple[int, ...]) -> dict[tuple[object, ...], int]:
    """The values a reader must not be able to work out: hidden counts (any value), and, where
    they are from 1 to 5, a hidden row's number who did not complete and the weekly completions
    (in a week, or so far). Each is listed whatever its value here, so that the attacker's list
    shows every value it could take; `recovered` judges which values matter."""
    found: dict[tuple[object, ...], int] = {}
    rows = [((-1, 0), safe.total)] + [
        ((t, r), row) for t, table in enumerate(safe.tables) for r, row in enumerate(table.rows)
    ]
    for where, r in rows:
        if r.eligible.hidden:
            found[(*where, "E")] = r.eligible.value
        if r.completed.hidden:
            found[(*where, "C")] = r.completed.value
        if r.eligible.hidden or r.completed.hidden:
            found[(*where, "N")] = r.eligible.value - r.completed.value
    before = 0
    for week, so_far in enumerate(course):
        found[("week", week, "in")] = so_far - before
        found[("week", week, "so far")] = so_far
        before = so_far
    return found


def matters(key: tuple[object, ...], value: int) -> bool:
    """A hidden eligible or completed count is never to be worked out; the rest only from 1 to 5."""
    return key[-1] in ("E", "C") or 1 <= value <= THRESHOLD


Suppress = Callable[[Group, list[CountTable]], SafeReturn]
Weekly = Callable[[Sequence[int], SafeRow], "tuple[int, ...] | None"]


def recovered(
    shape: Sequence[int],
    most: int,
    weeks: int,
    empty: bool = True,
    rules: Suppress = suppress,
    weekly: Weekly = weekly_counts,
) -> tuple[int, list[str]]:
    """(rounds tried, one line for each hidden value some published return gives away), with
    `rules` and `weekly` as the published rules."""
    seen: dict[tuple[object, ...], dict[tuple[object, ...], set[int]]] = defaultdict(
        lambda: defaultdict(set)
    )
    example: dict[tuple[object, ...], Round] = {}
    tried = 0
    for r in rounds(shape, most, weeks, empty):
        eligible, completed, tables, course = r
        safe = rules(
            Group("All", eligible, completed),
            [
                CountTable(f"T{t}", tuple(Group(f"g{i}", e, c) for i, (e, c) in enumerate(cells)))
                for t, cells in enumerate(tables)
            ],
        )
        out = published(safe, weekly(course, safe.total))
        tried += 1
        values = seen[out]
        for key, value in secrets(safe, course).items():
            values[key].add(value)
            example.setdefault(out, r)
    leaks = []
    for out, values in seen.items():
        for key, found in values.items():
            if len(found) == 1 and matters(key, next(iter(found))):
                leaks.append(f"{key} = {found.pop()} from {out} (e.g. the round {example[out]})")
    return tried, leaks


@pytest.mark.parametrize(
    ("shape", "most", "weeks", "empty"),
    [
        ((2,), 16, 2, True),  # one breakdown of two groups
        ((3,), 13, 1, True),
        ((4,), 8, 1, True),
        ((2, 2), 10, 1, True),  # two breakdowns: linked only through the round's totals
        ((3, 2), 7, 1, True),
        # A return lists only the groups someone is in, so an attacker may also rule empty
        # groups out: fewer rounds fit, and each must still leave every hidden count open.
        ((3,), 12, 1, False),
        ((2, 2), 11, 1, False),
    ],
)
def test_no_hidden_count_is_recovered_by_rerunning_the_rules(
    shape: tuple[int, ...], most: int, weeks: int, empty: bool
) -> None:
    tried, leaks = recovered(shape, most, weeks, empty)
    assert tried > 1000
    assert not leaks, f"{len(leaks)} recovered, e.g.\n" + "\n".join(leaks[:5])


def test_no_weekly_figure_is_recovered() -> None:
    """The weekly line over up to four weeks, for rounds with no breakdown (the line is the
    whole round's only, so the breakdowns add nothing an attacker could use here)."""
    tried, leaks = recovered((), 20, 4)
    assert tried > 10000
    assert not leaks, f"{len(leaks)} recovered, e.g.\n" + "\n".join(leaks[:5])


def test_the_search_finds_what_unsafe_rules_give_away() -> None:
    """The search can fail. Hiding only the counts from 1 to 5 gives them away by subtraction;
    publishing the weekly counts exactly, as the report once did, gives away a week of 1 to 5."""

    def primary_only(total: Group, tables: list[CountTable]) -> SafeReturn:
        def row(g: Group) -> SafeRow:
            return SafeRow(
                g.label,
                Cell(g.eligible, 1 <= g.eligible <= THRESHOLD),
                Cell(g.completed, 1 <= g.completed <= THRESHOLD),
            )

        return SafeReturn(
            row(total),
            tuple(SafeTable(t.title, tuple(row(g) for g in t.groups)) for t in tables),
            THRESHOLD,
        )

    _tried, leaks = recovered((2,), 10, 1, rules=primary_only)
    assert any("'E'" in line for line in leaks)

    def exact(course: Sequence[int], total: SafeRow) -> tuple[int, ...] | None:
        return None if total.completed.hidden else tuple(course)

    _tried, leaks = recovered((), 12, 2, weekly=exact)
    assert any("'in'" in line for line in leaks)
