"""Small-count suppression for the participation return: `[c]` with secondary suppression.

The return shows, for the whole round and for each breakdown (age band, gender, …), how many people
were eligible (E), how many completed (C) and the response rate. Each breakdown's groups add up to
the round's totals, and in every row E = C + N where N (did not complete) is not printed but can be
worked out. UK practice hides any count from 1 to 5; hiding those alone is not enough, because a
hidden cell could then be got back by subtraction from the totals. So:

1. Primary: E or C from 1 to `threshold` (5) is hidden, and so is C where N = E − C is from 1 to 5
   (showing E and C would give N away).
2. A row whose eligible count is hidden has its completed count hidden too; a rate is shown only when
   both of its counts are (a rate beside a shown denominator gives the numerator away).
3. Audit, then add: all the table's relations (row: E = C + N; column: the groups sum to the total;
   the total row's own E = C + N) are solved exactly (whole-number Gaussian elimination) for the hidden
   cells and the N cells. Any hidden cell (or a primary N) that the equations pin down to one value is
   exposed; so is a column whose hidden cells are forced to their smallest values (hidden cells summing
   to no more than their number, so all are 0 or 1). For each exposure one more cell is hidden — the
   smallest non-zero shown count sharing the exposed cell's column, then its row, then the totals —
   and the audit runs again, until nothing is exposed.
4. A round whose eligible total is itself hidden has every breakdown cell hidden, zeros included, so
   that nothing reveals that everyone falls in one group.

This protects against recovery by subtraction (exact linear disclosure) and the simplest bound
disclosure. It is a pure function with no database or files, tested over many random tables
(tests/returns/test_suppression.py) with an independent rank-based check.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from math import gcd

SYMBOL = "[c]"
THRESHOLD = 5
NOTE = (
    f"{SYMBOL} = confidential: a count from 1 to {THRESHOLD} is not shown, to protect the people "
    "in small groups. Some larger counts are also shown as [c] so that a hidden count cannot be "
    "worked out by subtracting the others from a total. A rate is shown only where both of its "
    "counts are."
)

ELIGIBLE, COMPLETED, NOT_COMPLETED = "E", "C", "N"
TOTAL = -1  # the table index of the round's total row

# Why a cell is hidden, for the preview.
PRIMARY, SECONDARY = "small count", "protects another hidden cell"


@dataclass(frozen=True)
class Group:
    """One row of counts: a group of eligible people and how many of them completed."""

    label: str
    eligible: int
    completed: int


@dataclass(frozen=True)
class CountTable:
    title: str
    groups: tuple[Group, ...]


@dataclass(frozen=True)
class Cell:
    value: int
    hidden: bool
    reason: str = ""  # PRIMARY or SECONDARY when hidden

    @property
    def shown(self) -> int | str:
        return SYMBOL if self.hidden else self.value


@dataclass(frozen=True)
class SafeRow:
    label: str
    eligible: Cell
    completed: Cell

    @property
    def rate_hidden(self) -> bool:
        return self.eligible.hidden or self.completed.hidden

    @property
    def rate(self) -> float | None:
        """Completed ÷ eligible (0–1); None when hidden or when nobody was eligible."""
        if self.rate_hidden or self.eligible.value == 0:
            return None
        return self.completed.value / self.eligible.value

    @property
    def shown_rate(self) -> float | str | None:
        return SYMBOL if self.rate_hidden else self.rate


@dataclass(frozen=True)
class SafeTable:
    title: str
    rows: tuple[SafeRow, ...]

    @property
    def hidden_cells(self) -> int:
        return sum(int(r.eligible.hidden) + int(r.completed.hidden) for r in self.rows)


@dataclass(frozen=True)
class SafeReturn:
    total: SafeRow
    tables: tuple[SafeTable, ...]
    threshold: int

    @property
    def hidden_cells(self) -> int:
        own = int(self.total.eligible.hidden) + int(self.total.completed.hidden)
        return own + sum(t.hidden_cells for t in self.tables)


Key = tuple[int, int, str]  # (table, row, column); the total row is (TOTAL, 0, column)


def _check(total: Group, tables: Sequence[CountTable]) -> None:
    for group in (total, *(g for t in tables for g in t.groups)):
        if group.eligible < 0 or group.completed < 0 or group.completed > group.eligible:
            raise ValueError(
                f"{group.label}: {group.completed} completed of {group.eligible} eligible "
                "is not a possible pair of counts"
            )
    for table in tables:
        if not table.groups and total.eligible:
            raise ValueError(f"The breakdown '{table.title}' has no groups.")
        eligible = sum(g.eligible for g in table.groups)
        completed = sum(g.completed for g in table.groups)
        if (eligible, completed) != (total.eligible, total.completed):
            raise ValueError(
                f"The breakdown '{table.title}' adds up to {completed} of {eligible}, not the "
                f"round's {total.completed} of {total.eligible}: every person must be in one group."
            )


def suppress(total: Group, tables: Sequence[CountTable], threshold: int = THRESHOLD) -> SafeReturn:
    """Decide which counts to hide. `tables` must each split `total` exactly (a 'Not recorded'
    group for people without a value); raises ValueError if they do not."""
    _check(total, tables)
    values: dict[Key, int] = {}
    rows: list[tuple[int, int]] = [(TOTAL, 0)]
    values[(TOTAL, 0, ELIGIBLE)] = total.eligible
    values[(TOTAL, 0, COMPLETED)] = total.completed
    for t, table in enumerate(tables):
        for r, group in enumerate(table.groups):
            rows.append((t, r))
            values[(t, r, ELIGIBLE)] = group.eligible
            values[(t, r, COMPLETED)] = group.completed
    for t, r in rows:
        values[(t, r, NOT_COMPLETED)] = values[(t, r, ELIGIBLE)] - values[(t, r, COMPLETED)]

    def small(key: Key) -> bool:
        return 1 <= values[key] <= threshold

    hidden: set[Key] = set()
    primary: set[Key] = set()
    for t, r in rows:
        for column in (ELIGIBLE, COMPLETED):
            if small((t, r, column)):
                primary.add((t, r, column))
        if small((t, r, NOT_COMPLETED)) and not primary & {(t, r, ELIGIBLE), (t, r, COMPLETED)}:
            primary.add((t, r, COMPLETED))
    hidden |= primary
    if (TOTAL, 0, ELIGIBLE) in hidden:
        hidden |= {k for k in values if k[2] != NOT_COMPLETED}
    protected_n = {(t, r, NOT_COMPLETED) for t, r in rows if small((t, r, NOT_COMPLETED))}

    for _ in range(len(values) + 1):
        # A hidden eligible count hides its row's completed count (and so its rate).
        for t, r in rows:
            if (t, r, ELIGIBLE) in hidden:
                hidden.add((t, r, COMPLETED))
        exposed = _exposed(values, rows, len(tables), hidden, protected_n)
        if not exposed:
            break
        added = _partner(values, rows, hidden, exposed[0])
        if added is None:  # nothing left to hide in reach: hide the rest of the table and totals
            where = exposed[0][0]
            rest = {k for k in values if k[2] != NOT_COMPLETED and k[0] in (where, TOTAL)} - hidden
            if not rest:
                raise RuntimeError(f"cannot protect {exposed[0]}; this is a bug in suppression")
            hidden |= rest
        else:
            hidden.add(added)
    else:  # pragma: no cover - every pass hides at least one more of finitely many cells
        raise RuntimeError("suppression did not settle")

    def cell(key: Key) -> Cell:
        if key not in hidden:
            return Cell(values[key], False)
        return Cell(values[key], True, PRIMARY if key in primary else SECONDARY)

    def row(t: int, r: int, label: str) -> SafeRow:
        return SafeRow(label, cell((t, r, ELIGIBLE)), cell((t, r, COMPLETED)))

    return SafeReturn(
        row(TOTAL, 0, total.label),
        tuple(
            SafeTable(table.title, tuple(row(t, r, g.label) for r, g in enumerate(table.groups)))
            for t, table in enumerate(tables)
        ),
        threshold,
    )


def equations(rows: Sequence[tuple[int, int]], table_count: int) -> list[dict[Key, int]]:
    """Every linear relation between the cells, as {cell: coefficient} summing to zero."""
    eqs: list[dict[Key, int]] = []
    for t, r in rows:
        eqs.append({(t, r, ELIGIBLE): 1, (t, r, COMPLETED): -1, (t, r, NOT_COMPLETED): -1})
    for t in range(table_count):
        members = [r for tt, r in rows if tt == t]
        for column in (ELIGIBLE, COMPLETED, NOT_COMPLETED):
            eq = {(t, r, column): 1 for r in members}
            eq[(TOTAL, 0, column)] = -1
            eqs.append(eq)
    return eqs


def determined(eqs: Sequence[dict[Key, int]], unknown: set[Key]) -> set[Key]:
    """The unknown cells the equations fix to a single value (whatever the known values are).

    An unknown is fixed exactly when its unit vector lies in the row space of the equations
    restricted to the unknowns; in reduced row echelon form that means some row is that unit vector.
    """
    order = sorted(unknown)
    index = {k: i for i, k in enumerate(order)}
    # Whole numbers throughout (fraction-free Gauss-Jordan elimination, each row divided by the
    # greatest common divisor of its entries): exact like Fraction, and many times quicker. Scaling
    # a row does not change which rows are unit vectors up to a factor, which is all that is asked.
    matrix: list[list[int]] = []
    for eq in eqs:
        row = [0] * len(order)
        touched = False
        for key, coefficient in eq.items():
            if key in index:
                row[index[key]] = coefficient
                touched = True
        if touched:
            matrix.append(row)
    pivot_row = 0
    pivots: list[int] = []
    for column in range(len(order)):
        found = next((i for i in range(pivot_row, len(matrix)) if matrix[i][column] != 0), None)
        if found is None:
            continue
        matrix[pivot_row], matrix[found] = matrix[found], matrix[pivot_row]
        pivot = matrix[pivot_row]
        lead = pivot[column]
        for i in range(len(matrix)):
            other = matrix[i]
            factor = other[column]
            if i != pivot_row and factor != 0:
                matrix[i] = _reduced(
                    [lead * a - factor * b for a, b in zip(other, pivot, strict=True)]
                )
        pivots.append(column)
        pivot_row += 1
        if pivot_row == len(matrix):
            break
    fixed: set[Key] = set()
    for i, column in enumerate(pivots):
        if all(v == 0 for j, v in enumerate(matrix[i]) if j != column):
            fixed.add(order[column])
    return fixed


def _reduced(row: list[int]) -> list[int]:
    """The row divided by the greatest common divisor of its entries, so numbers stay small."""
    divisor = gcd(*row)
    return row if divisor <= 1 else [v // divisor for v in row]


def _exposed(
    values: dict[Key, int],
    rows: list[tuple[int, int]],
    table_count: int,
    hidden: set[Key],
    protected_n: set[Key],
) -> list[Key]:
    unknown = hidden | {(t, r, NOT_COMPLETED) for t, r in rows}
    fixed = determined(equations(rows, table_count), unknown)
    # Eligible first: hiding an eligible count also hides its row's completed count.
    exposed = sorted(
        (hidden | protected_n) & fixed, key=lambda k: (k[0] == TOTAL, k[2] != ELIGIBLE, k)
    )
    if exposed:
        return exposed
    # Bound disclosure: a column's hidden cells forced to their least values (all 0 or 1).
    total_hidden = {c for c in (ELIGIBLE, COMPLETED) if (TOTAL, 0, c) in hidden}
    for t in range(table_count):
        for column in (ELIGIBLE, COMPLETED):
            if column in total_hidden:
                continue
            cells = [(tt, r, column) for tt, r in rows if tt == t and (tt, r, column) in hidden]
            if cells and sum(values[k] for k in cells) <= len(cells):
                return [min(cells, key=lambda k: values[k])]
    return []


def _partner(
    values: dict[Key, int], rows: list[tuple[int, int]], hidden: set[Key], exposed: Key
) -> Key | None:
    """The cell to hide next so that `exposed` can no longer be worked out."""
    t, r, column = exposed

    def best(candidates: list[Key]) -> Key | None:
        shown = [k for k in candidates if k not in hidden]
        # The smallest non-zero count hides the least information; zeros last.
        shown.sort(key=lambda k: (values[k] == 0, values[k], k))
        return shown[0] if shown else None

    if column == NOT_COMPLETED:
        return best([(t, r, COMPLETED), (t, r, ELIGIBLE)])
    other = COMPLETED if column == ELIGIBLE else ELIGIBLE
    if t == TOTAL:
        same_column = [(tt, rr, column) for tt, rr in rows if tt != TOTAL]
        return best(same_column) or best([(TOTAL, 0, other)])
    same_column = [(t, rr, column) for tt, rr in rows if tt == t and rr != r]
    return best(same_column) or best([(t, r, other)]) or best([(TOTAL, 0, column)])
