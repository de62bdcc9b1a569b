"""Small-count suppression (issue 5): every count from 1 to 5 hidden, and no hidden count recoverable.

The property tests run the suppression over hundreds of random rounds and check its result with an
audit written independently of the module's own: numpy's matrix rank over the same relations (a
cell is fixed by the equations exactly when removing its column lowers the rank), plus the plain
subtraction rules a reader would try first.
"""

from __future__ import annotations

import random

import numpy as np
import pytest

from nbdesk.returns.suppression import (
    NOTE,
    PRIMARY,
    SECONDARY,
    SYMBOL,
    CountTable,
    Group,
    SafeReturn,
    SafeRow,
    suppress,
    weekly_counts,
)


def make_round(rng: random.Random, tables: int, eligible: int) -> tuple[Group, list[CountTable]]:
    """A random round: `eligible` people with random groups in each breakdown and completions."""
    people = [rng.random() < rng.choice([0.3, 0.5, 0.8]) for _ in range(eligible)]
    out = []
    for t in range(tables):
        n_groups = rng.randint(1, 7)
        # Skewed group sizes so that small groups are common, as in real registers.
        weights = [rng.choice([1, 1, 2, 5, 20]) for _ in range(n_groups)]
        counts = [[0, 0] for _ in range(n_groups)]
        for done in people:
            g = rng.choices(range(n_groups), weights)[0]
            counts[g][0] += 1
            counts[g][1] += int(done)
        out.append(
            CountTable(f"T{t}", tuple(Group(f"g{i}", e, c) for i, (e, c) in enumerate(counts)))
        )
    return Group("All", eligible, sum(people)), out


def cells(result: SafeReturn) -> list[tuple[int, int, str, int, bool]]:
    """(table, row, column, value, hidden) for every printed count; table -1 is the total row."""
    found = []
    for col, cell in (("E", result.total.eligible), ("C", result.total.completed)):
        found.append((-1, 0, col, cell.value, cell.hidden))
    for t, table in enumerate(result.tables):
        for r, row in enumerate(table.rows):
            for col, cell in (("E", row.eligible), ("C", row.completed)):
                found.append((t, r, col, cell.value, cell.hidden))
    return found


def fixed_by_rank(result: SafeReturn) -> set[tuple[int, int, str]]:
    """Unknowns (hidden cells and every not-completed cell) that the relations pin down."""
    rows = [(-1, 0)] + [
        (t, r) for t, table in enumerate(result.tables) for r in range(len(table.rows))
    ]
    hidden = {(t, r, c) for t, r, c, _v, h in cells(result) if h}
    unknown = sorted(hidden | {(t, r, "N") for t, r in rows})
    index = {k: i for i, k in enumerate(unknown)}
    equations = []
    for t, r in rows:
        equations.append({(t, r, "E"): 1, (t, r, "C"): -1, (t, r, "N"): -1})
    for t, table in enumerate(result.tables):
        for col in "ECN":
            eq = {(t, r, col): 1 for r in range(len(table.rows))}
            eq[(-1, 0, col)] = -1
            equations.append(eq)
    matrix = np.zeros((len(equations), len(unknown)))
    for i, eq in enumerate(equations):
        for key, coefficient in eq.items():
            if key in index:
                matrix[i, index[key]] = coefficient
    rank = np.linalg.matrix_rank(matrix)
    fixed = set()
    for key, j in index.items():
        if np.linalg.matrix_rank(np.delete(matrix, j, axis=1)) < rank:
            fixed.add(key)
    return fixed


def check_safe(total: Group, tables: list[CountTable], result: SafeReturn) -> None:
    found = cells(result)
    # 1. The figures are the input's, and every count from 1 to 5 is hidden.
    assert result.total.eligible.value == total.eligible
    for t, table in enumerate(tables):
        for r, group in enumerate(table.groups):
            row = result.tables[t].rows[r]
            assert (row.eligible.value, row.completed.value) == (group.eligible, group.completed)
    for _t, _r, _col, value, hidden in found:
        if 1 <= value <= 5:
            assert hidden
    # 2. Row rules: a hidden eligible hides its completed; a rate only beside two shown counts;
    #    a not-completed count of 1 to 5 cannot be had by subtracting shown counts.
    rows = [result.total, *(row for table in result.tables for row in table.rows)]
    for row in rows:
        if row.eligible.hidden:
            assert row.completed.hidden
        assert (row.shown_rate == SYMBOL) == (row.eligible.hidden or row.completed.hidden)
        if 1 <= row.eligible.value - row.completed.value <= 5:
            assert row.eligible.hidden or row.completed.hidden
    # 3. No hidden cell, and no small not-completed cell, is fixed by the totals (rank audit).
    fixed = fixed_by_rank(result)
    hidden = {(t, r, c) for t, r, c, _v, h in found if h}
    small_n = {
        (t, r, "N")
        for t, r, c, v, _h in found
        if c == "E"
        and 1 <= v - next(v2 for t2, r2, c2, v2, _ in found if (t2, r2, c2) == (t, r, "C")) <= 5
    }
    assert not (hidden | small_n) & fixed
    # 4. Subtraction by hand: no table column has exactly one hidden cell beside a shown total.
    for t, table in enumerate(result.tables):
        for col in ("eligible", "completed"):
            total_hidden = getattr(result.total, col).hidden
            column_hidden = [getattr(row, col).hidden for row in table.rows]
            if not total_hidden:
                assert sum(column_hidden) != 1, (t, col)
            else:
                assert sum(column_hidden) != 0, (t, col)


def test_hand_worked_round() -> None:
    total = Group("All", 120, 58)
    age = CountTable(
        "Age band",
        (
            Group("16 to 17", 20, 12),
            Group("18 to 20", 60, 30),
            Group("21 to 25", 37, 14),
            Group("Not recorded", 3, 2),
        ),
    )
    result = suppress(total, [age])
    rows = {r.label: r for r in result.tables[0].rows}
    # 3 eligible (2 completed) is a small group; the smallest other group, 20, is hidden with it
    # in both columns so neither can be had from the total of 120.
    assert rows["Not recorded"].eligible.reason == PRIMARY
    assert rows["16 to 17"].eligible.reason == SECONDARY
    assert rows["16 to 17"].completed.hidden and rows["16 to 17"].shown_rate == SYMBOL
    assert rows["18 to 20"].eligible.shown == 60 and rows["18 to 20"].completed.shown == 30
    assert rows["18 to 20"].shown_rate == pytest.approx(0.5)
    assert rows["21 to 25"].shown_rate == pytest.approx(14 / 37)
    assert not result.total.eligible.hidden and result.total.rate == pytest.approx(58 / 120)
    assert result.hidden_cells == 6  # four counts, and the two rows' rates
    check_safe(total, [age], result)


def test_a_high_completion_rate_hides_the_few_who_did_not_complete() -> None:
    total = Group("All", 60, 40)
    teams = CountTable("PA team", (Group("North", 30, 27), Group("South", 30, 13)))
    result = suppress(total, [teams])
    north, south = result.tables[0].rows
    # 30 − 27 = 3 did not complete in North: showing both counts would give that away, so North's
    # row is hidden, and South's with it; both have 30 eligible, so a swap of the two rows would
    # change no hidden count, and there is no third row to hide: the breakdown is hidden.
    assert all(r.eligible.hidden and r.completed.hidden for r in (north, south))
    assert north.completed.reason == PRIMARY and south.completed.reason == SECONDARY
    check_safe(total, [teams], result)


def test_a_small_group_hides_its_row_with_another_whatever_their_places() -> None:
    total = Group("All", 100, 50)
    rows = (Group("a", 40, 38), Group("b", 25, 5), Group("c", 35, 7))
    for order in ((0, 1, 2), (2, 1, 0), (1, 2, 0)):
        table = CountTable("T", tuple(rows[i] for i in order))
        result = suppress(total, [table])
        hidden = {r.label for r in result.tables[0].rows if r.eligible.hidden}
        # a: 2 did not complete; b: 5 completed. Both rows go whole; their counts differ, so
        # nothing more is needed, wherever the rows stand.
        assert hidden == {"a", "b"}, order
        assert all(r.completed.hidden for r in result.tables[0].rows if r.label in hidden)
        check_safe(total, [table], result)


def test_hidden_rows_that_share_a_count_take_the_next_smallest_rows_with_them() -> None:
    total = Group("All", 60, 20)
    table = CountTable(
        "T", (Group("a", 3, 0), Group("b", 9, 0), Group("c", 20, 10), Group("d", 28, 10))
    )
    result = suppress(total, [table])
    # a and b would both be 0 completed, so the smallest shown row (c) goes too; d stays.
    assert [r.eligible.hidden for r in result.tables[0].rows] == [True, True, True, False]
    check_safe(total, [table], result)


def test_a_round_with_no_completions_shows_every_completed_count_as_0() -> None:
    total = Group("All", 12, 0)
    table = CountTable("T", (Group("a", 2, 0), Group("b", 3, 0), Group("c", 7, 0)))
    result = suppress(total, [table])
    rows = result.tables[0].rows
    assert [r.eligible.hidden for r in rows] == [True, True, False]
    assert all(r.completed.shown == 0 for r in rows) and result.total.completed.shown == 0
    assert rows[0].shown_rate == SYMBOL and rows[2].shown_rate == 0.0


def test_a_small_completed_total_hides_every_completed_count() -> None:
    total = Group("All", 40, 3)
    table = CountTable("T", (Group("a", 20, 3), Group("b", 20, 0)))
    result = suppress(total, [table])
    assert result.total.completed.hidden and not result.total.eligible.hidden
    assert all(r.completed.hidden and not r.eligible.hidden for r in result.tables[0].rows)


def test_the_weekly_line_is_rounded_down_and_only_beside_a_shown_total() -> None:
    shown = suppress(Group("All", 40, 23), []).total
    assert weekly_counts([1, 4, 9, 23], shown) == (0, 0, 5, 20)
    assert weekly_counts([1, 3], suppress(Group("All", 40, 3), []).total) is None
    assert weekly_counts([], shown) is None


def test_a_tiny_round_hides_every_breakdown_cell() -> None:
    total = Group("All", 4, 2)
    gender = CountTable("Gender", (Group("Female", 4, 2), Group("Male", 0, 0)))
    result = suppress(total, [gender])
    assert result.total.eligible.hidden and result.total.completed.hidden
    # Even the zero: a shown 0 beside a hidden total would say everyone is female.
    assert all(r.eligible.hidden and r.completed.hidden for r in result.tables[0].rows)


def test_nothing_hidden_when_every_count_is_large_or_zero() -> None:
    total = Group("All", 100, 50)
    gender = CountTable("Gender", (Group("Female", 50, 20), Group("Male", 50, 30)))
    result = suppress(total, [gender, CountTable("Team", (Group("All", 100, 50),))])
    assert result.hidden_cells == 0
    check_safe(total, [gender], result)


def test_breakdowns_that_do_not_add_up_are_refused() -> None:
    total = Group("All", 10, 5)
    with pytest.raises(ValueError, match="adds up to"):
        suppress(total, [CountTable("Gender", (Group("Female", 9, 5),))])
    with pytest.raises(ValueError, match="not a possible pair"):
        suppress(Group("All", 3, 4), [])


def test_a_round_with_nobody_eligible_has_empty_breakdowns() -> None:
    result = suppress(Group("All", 0, 0), [CountTable("Gender", ())])
    assert result.total.rate is None and result.tables[0].rows == ()


def test_the_note_explains_the_symbol() -> None:
    assert SYMBOL in NOTE and "1 to 5" in NOTE and "worked out" in NOTE


@pytest.mark.parametrize("seed", range(6))
def test_random_rounds_leave_no_hidden_cell_recoverable(seed: int) -> None:
    rng = random.Random(seed)
    for _ in range(60):
        total, tables = make_round(rng, rng.randint(1, 4), rng.choice([3, 8, 15, 40, 120, 400]))
        check_safe(total, tables, suppress(total, tables))


def compositions(total: int, parts: int):  # type: ignore[no-untyped-def]
    if parts == 1:
        yield (total,)
        return
    for first in range(total + 1):
        for rest in compositions(total - first, parts - 1):
            yield (first, *rest)


def whole_number_tables(
    eligible: int, completed: int, rows: tuple[SafeRow, ...]
) -> list[tuple[tuple[int, ...], tuple[int, ...]]]:
    """Every (eligible, completed) split of one breakdown that fits the shown cells."""
    found = []
    g = len(rows)
    for es in compositions(eligible, g):
        if any(
            not r.eligible.hidden and r.eligible.value != e for r, e in zip(rows, es, strict=True)
        ):
            continue
        for cs in compositions(completed, g):
            if any(c > e for c, e in zip(cs, es, strict=True)):
                continue
            if any(
                not r.completed.hidden and r.completed.value != c
                for r, c in zip(rows, cs, strict=True)
            ):
                continue
            found.append((es, cs))
    return found


@pytest.mark.parametrize("seed", range(3))
def test_no_hidden_cell_of_a_small_round_is_pinned_by_whole_numbers(seed: int) -> None:
    """Stronger than the linear audit, for small rounds: list every set of tables of whole numbers
    that fits what is shown (each group 0 or more, completed never above eligible, the round's
    completed total free when it is hidden) and check that each hidden cell could take two values."""
    rng = random.Random(100 + seed)
    checked = 0
    for _ in range(150):
        total, tables = make_round(rng, rng.randint(1, 3), rng.randint(6, 20))
        tables = [t for t in tables if len(t.groups) <= 3]
        result = suppress(total, tables)
        if result.total.eligible.hidden:
            continue  # everything is hidden
        e_total = total.eligible
        totals = (
            range(e_total + 1) if result.total.completed.hidden else [result.total.completed.value]
        )
        possible: dict[tuple[int, int, str], set[int]] = {}
        for c_total in totals:
            fits = [whole_number_tables(e_total, c_total, safe.rows) for safe in result.tables]
            if not all(fits):
                continue  # this completed total fits some breakdown but not all
            possible.setdefault((-1, 0, "C"), set()).add(c_total)
            for t, (safe, options) in enumerate(zip(result.tables, fits, strict=True)):
                for es, cs in options:
                    for i, r in enumerate(safe.rows):
                        if r.eligible.hidden:
                            possible.setdefault((t, i, "E"), set()).add(es[i])
                        if r.completed.hidden:
                            possible.setdefault((t, i, "C"), set()).add(cs[i])
        if not result.total.completed.hidden:
            possible.pop((-1, 0, "C"), None)
        for key, values in possible.items():
            assert len(values) >= 2, (total, tables, key, values)
        checked += 1
    assert checked >= 80


def test_hidden_zeros_are_not_left_as_the_only_hidden_cells_of_a_column() -> None:
    # Hiding the small group (3, 0) and its partner (10, 0) would leave the completed column's
    # hidden cells summing to 20 − 20 = 0: both plainly 0. Another completed count must go.
    total = Group("All", 43, 20)
    table = CountTable("T", (Group("a", 3, 0), Group("b", 10, 0), Group("c", 30, 20)))
    result = suppress(total, [table])
    rows = result.tables[0].rows
    assert rows[0].eligible.hidden and rows[1].eligible.hidden and rows[2].completed.hidden
    options = whole_number_tables(43, 20, rows)
    for i, row in enumerate(rows):
        if row.completed.hidden:
            assert len({cs[i] for _es, cs in options}) >= 2
    check_safe(total, [table], result)
