"""Small-count suppression for the participation return: `[c]`, chosen so that it holds against
an attacker who knows these rules.

The return shows, for the whole round and for each breakdown (age band, gender, …), how many people
were eligible (E), how many completed (C) and the response rate. Each breakdown's groups add up to
the round's totals, and in every row E = C + N where N (did not complete) is not printed but can be
worked out. UK practice hides any count from 1 to 5. Hiding those alone is not enough (a hidden cell
could be got back by subtraction from the totals), and neither is hiding "the smallest other cell"
with them: an attacker who reruns such rules over every table that fits the published figures keeps
only the tables that the rules would have published the same way, and the choice of the other cell
can leave one value (issue 11). So the rules are these, per breakdown, and every choice in them
depends on a group's own counts, never on where its row stands:

1. The round. An eligible total from 1 to 5 hides everything, every breakdown cell included. A
   completed total from 1 to 5, or one that leaves 1 to 5 who did not complete, hides the completed
   total and every group's completed count (so every rate); each breakdown's eligible counts are
   then treated as below with E alone. A completed total of 0 shows every group's completed as 0,
   which the total says already.
2. A group is small when E, C or N is from 1 to 5 (E alone when the completed counts are hidden).
   A small group's row is hidden whole: its eligible and its completed count, and so its rate.
3. Hidden rows are then made a block that hides its members from each other: while the hidden rows
   of a breakdown all share one eligible count, or one completed count (unless the round's is 0),
   or one number who did not complete (unless the round's is 0), every shown row with the smallest
   eligible count is hidden too (a group of 0 last), until they differ or the breakdown is hidden.

Why this holds: swap two hidden rows of a breakdown, counts and all. The table still adds up, and
because no rule looks at a row's place (ties are taken together), the swapped table is published
exactly as the true one was, so an attacker cannot tell them apart; rule 3 leaves, for every hidden
row and each of its counts, another hidden row where that count differs, so some swap changes it.
Where the completed counts are all hidden (rule 1), moving one completion between two groups changes
nothing published. The rare breakdown hidden whole with a count still shared is left to the search
below. The weekly line of the report is published through `weekly_counts`: completions so far,
rounded down to a multiple of 5, only when the round's completed total is shown, so a week's 1 to 5
is never pinned. tests/returns/test_suppression_attack.py runs the attack over every small round.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass

SYMBOL = "[c]"
THRESHOLD = 5
WEEKLY_STEP = 5  # weekly completions so far are published rounded down to a multiple of this
NOTE = (
    f"{SYMBOL} = confidential: a count from 1 to {THRESHOLD} is not shown, to protect the people "
    "in small groups. The row of a group with such a count (or with 1 to 5 who did not complete) "
    "is hidden whole, and so is at least one other group's row, so that a hidden count cannot be "
    "worked out from the totals. A rate is shown only where both of its counts are."
)

ELIGIBLE, COMPLETED, NOT_COMPLETED = "E", "C", "N"

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

    @property
    def hidden_cells(self) -> int:
        """The row's cells shown as [c]: its counts, and its rate when either is hidden."""
        return int(self.eligible.hidden) + int(self.completed.hidden) + int(self.rate_hidden)


@dataclass(frozen=True)
class SafeTable:
    title: str
    rows: tuple[SafeRow, ...]

    @property
    def hidden_cells(self) -> int:
        return sum(r.hidden_cells for r in self.rows)


@dataclass(frozen=True)
class SafeReturn:
    total: SafeRow
    tables: tuple[SafeTable, ...]
    threshold: int

    @property
    def hidden_cells(self) -> int:
        return self.total.hidden_cells + sum(t.hidden_cells for t in self.tables)


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

    def small(n: int) -> bool:
        return 1 <= n <= threshold

    def cell(value: int, hidden: bool, sensitive: bool) -> Cell:
        if not hidden:
            return Cell(value, False)
        return Cell(value, True, PRIMARY if sensitive else SECONDARY)

    e, c = total.eligible, total.completed
    everything = small(e)
    completed_hidden = everything or small(c) or small(e - c)
    total_row = SafeRow(
        total.label,
        cell(e, everything, small(e)),
        cell(c, completed_hidden, small(c) or small(e - c)),
    )
    if completed_hidden:  # rule 1: the completed counts are not published, so judge by E alone
        columns: tuple[str, ...] = (ELIGIBLE,)
        differ: tuple[str, ...] = (ELIGIBLE,)
    else:
        columns = (ELIGIBLE, COMPLETED, NOT_COMPLETED)
        differ = (ELIGIBLE,) + ((COMPLETED,) if c else ()) + ((NOT_COMPLETED,) if e - c else ())
    safe_tables = []
    for table in tables:
        groups = table.groups
        hidden = (
            set(range(len(groups))) if everything else _hidden_rows(groups, columns, differ, small)
        )
        rows = []
        for i, g in enumerate(groups):
            row_hidden = i in hidden
            # The completed count is hidden with its row, or with the round's; not where the round
            # or the row says it already (a completed total of 0, or a shown eligible count of 0).
            c_hidden = (row_hidden and c > 0) or (
                completed_hidden and (row_hidden or g.eligible > 0)
            )
            rows.append(
                SafeRow(
                    g.label,
                    cell(g.eligible, row_hidden, small(g.eligible)),
                    cell(
                        g.completed,
                        c_hidden,
                        small(g.completed) or small(g.eligible - g.completed),
                    ),
                )
            )
        safe_tables.append(SafeTable(table.title, tuple(rows)))
    return SafeReturn(total_row, tuple(safe_tables), threshold)


def _counts(group: Group) -> dict[str, int]:
    return {
        ELIGIBLE: group.eligible,
        COMPLETED: group.completed,
        NOT_COMPLETED: group.eligible - group.completed,
    }


def _hidden_rows(
    groups: Sequence[Group],
    columns: Sequence[str],
    differ: Sequence[str],
    small: Callable[[int], bool],
) -> set[int]:
    """Rules 2 and 3 for one breakdown: the rows to hide. Every choice is made on the groups'
    counts alone, ties taken together, so that rows with the same counts are treated the same
    wherever they stand (the swap argument in the module's docstring rests on it)."""
    counts = [_counts(g) for g in groups]
    hidden = {i for i, n in enumerate(counts) if any(small(n[col]) for col in columns)}
    while hidden:
        if all(len({counts[i][col] for i in hidden}) > 1 for col in differ):
            break
        shown = [i for i in range(len(groups)) if i not in hidden]
        if not shown:
            break  # the whole breakdown is hidden: only its totals, the round's, are known

        def size(i: int) -> tuple[bool, int]:
            return (groups[i].eligible == 0, groups[i].eligible)

        least = min(size(i) for i in shown)
        hidden |= {i for i in shown if size(i) == least}
    return hidden


def weekly_counts(so_far: Sequence[int], total: SafeRow) -> tuple[int, ...] | None:
    """What the report may publish of the completions so far at the end of each week: each rounded
    down to a multiple of WEEKLY_STEP, or None (no line) when the round's completed count is hidden
    or nobody was eligible. Rounded so, a week's completions are never pinned: each figure so far
    could be any of WEEKLY_STEP values but where the round's own total fixes it, and there every
    later week's figure is that same total (tests/returns/test_suppression_attack.py)."""
    if total.eligible.hidden or total.completed.hidden or not total.eligible.value or not so_far:
        return None
    return tuple(WEEKLY_STEP * (n // WEEKLY_STEP) for n in so_far)
