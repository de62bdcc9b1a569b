"""Who has completed a round's survey, kept apart from the survey itself.

nbdesk stores that a person completed a round, who confirmed it (the young person, their PA or a
trusted adult) and the day, and nothing else: never an answer, never a time, never an id that orders
completions across people (see the model). Marking or un-marking changes no other table, so no
other row's stamp can date it either. Un-marking needs a reason; both go to the person's completion
history for the round.

The bytes must not give the order away either (issue 11). SQLite writes each new row of a table
where there is room, filling a page from its end, so the byte offsets of rows inserted one by one
follow the order they were inserted in; and each commit adds to the -wal an image of every page it
changed, so a -wal holding several commits shows who was added in which. So every mark and un-mark
rewrites its round's rows of both completion tables in key order (person, then number), in its own
transaction: the round's rows are copied to a temporary table, deleted (overwritten with zeros:
secure_delete, on every connection) and put back from the copy in key order, so each row lands
where key order puts it, not where its recording left it. After the commit the -wal is folded into
the file and truncated to nothing (a checkpoint), so no earlier image stays in it; a backup copies
the pages as they are. The tables are WITHOUT ROWID: no row number counts the inserts.

Only the changed round is rewritten (issue 16), so a mark costs what its round holds, not what the
file holds. Rows are keyed by round first, so a round's rows sit together, apart from other
rounds', and what the rewrite leaves elsewhere is other rounds' rows as their own last rewrite put
them. Neither this nor the whole-table rewrite it replaced makes the bytes a pure function of who
has completed: a row goes into the free space the earlier layout left, so pages are filled and
numbered a little differently after different histories. What matters is that none of it follows
the order: ranked by byte offset within each round, across rounds, by page or by place in a page,
completions recorded in a random order across three rounds agree with it no better than chance
(tests/survey/test_completion_order.py, and 40 seeds tried by hand). The most a rewrite could show
is which round changed last (its rows were the last written), which the rounds' counts show anyway.
Files saved before the rewrite existed kept rows in the order recorded; upgrading them rewrites
both tables whole once (migration 0008).

On a server (issue 17) the same rewrite runs, and what it hides is different. Every row version
carries the id of the transaction that wrote it (xmin, readable by anyone who can read the table)
and has a physical place (ctid); so after the rewrite all of a round's rows carry one transaction
id, its last mark's, and sit where one INSERT in key order put them. The versions the rewrite
replaced stay in the table's pages, each with the transaction id that first wrote it, until VACUUM
removes them: they would show the administrator in which transaction each person's row appeared.
So after the commit both tables are vacuumed (a VACUUM cannot run inside a transaction; about 10 ms
for a round of 4,000 completions, against some 400 ms for the rewrite itself). A version another
open transaction may still read is kept until the next mark's VACUUM or autovacuum; a user who does
not own the tables cannot VACUUM them (PostgreSQL skips it with a warning) and leaves it to
autovacuum. The server's write-ahead log and statement log are beyond this (README, Privacy).
tests/survey/test_completion_order_server.py reads the rows as the app's user and every version
in the pages as the administrator would.
"""

from __future__ import annotations

from collections.abc import Collection
from dataclasses import dataclass
from datetime import date
from functools import cache
from typing import Any, NamedTuple, cast

from sqlalchemy import Column, Integer, MetaData, Table, bindparam, delete, func, insert, select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from nbdesk.common import clock
from nbdesk.common.changes import Changes, person_in_round
from nbdesk.common.dates import format_day
from nbdesk.common.text import tidy
from nbdesk.storage.database import Database, after_commit, before_commit
from nbdesk.storage.models.survey import (
    Completion,
    CompletionChange,
    RoundMember,
)
from nbdesk.storage.prepared import many_rows
from nbdesk.survey.rounds import round_row

CONFIRMERS = ("young-person", "pa", "trusted-adult")
CONFIRMER_LABELS = {
    "young-person": "The young person",
    "pa": "Their PA",
    "trusted-adult": "A trusted adult",
}
CONFIRMED_BY_PHRASES = {
    "young-person": "the young person",
    "pa": "their PA",
    "trusted-adult": "a trusted adult",
}


@dataclass(frozen=True)
class CompletionEntry:
    number: int
    action: str  # marked | unmarked
    changed_on: date
    confirmed_by: str
    reason: str


@dataclass(frozen=True)
class CompletionState:
    completed: bool
    confirmed_by: str
    confirmed_on: date | None
    history: tuple[CompletionEntry, ...]


def _next_number(session: Session, round_id: int, person_id: int) -> int:
    top = session.scalar(
        select(func.max(CompletionChange.number)).where(
            CompletionChange.round_id == round_id, CompletionChange.care_leaver_id == person_id
        )
    )
    return (top or 0) + 1


ALREADY_MARKED = "Already marked as completed in this round."


def _checkpoint(db: Database) -> None:
    """After the commit: a file's -wal is folded in and emptied; on a server, the row versions the
    rewrite replaced are vacuumed away (see the module's notes on a server)."""
    if db.is_server:
        from nbdesk.storage.server import ServerDatabase

        cast(ServerDatabase, db).vacuum(TABLE_NAMES)
    else:
        db.checkpoint()


ROUNDS_TO_REWRITE = "nbdesk_completion_rounds"  # session.info: the rounds this transaction changed


def _scratch_copy(table: Table) -> Table:
    """A temporary table (the connection's own; dropped before the commit, and gone with a rollback)
    with the columns and key of `table` and nothing else to check: rows copied in key order are
    appended, and read back in key order without sorting."""
    return Table(
        f"{table.name}_being_rewritten",
        MetaData(),
        *(Column(c.name, c.type, primary_key=c.primary_key) for c in table.columns),
        prefixes=["TEMPORARY"],
        sqlite_with_rowid=False,
    )


TABLES = tuple(cast(Table, model.__table__) for model in (Completion, CompletionChange))
SCRATCH = {table.name: _scratch_copy(table) for table in TABLES}
TABLE_NAMES = tuple(table.name for table in TABLES)


def _in_key_order(session: Session) -> None:
    """Rewrite the changed rounds' rows of both completion tables in key order (see the module's
    notes): once, just before the transaction commits, however many marks it made. The copy is
    made in SQL, never through Python objects: a round of 20,000 completions takes about a quarter
    of a second, most of it SQLite checking each row's references again."""
    rounds = sorted(session.info.pop(ROUNDS_TO_REWRITE, ()))
    session.flush()
    connection = session.connection()
    for table in TABLES:
        scratch = SCRATCH[table.name]
        names = [column.name for column in table.columns]
        key = [scratch.c[column.name] for column in table.primary_key.columns]
        scratch.create(connection)
        for round_id in rounds:
            in_round = table.c.round_id == round_id
            connection.execute(insert(scratch).from_select(names, select(table).where(in_round)))
            connection.execute(delete(table).where(in_round))
            connection.execute(insert(table).from_select(names, select(scratch).order_by(*key)))
            connection.execute(delete(scratch))
        scratch.drop(connection)
    session.expire_all()


def _hide_the_order(session: Session, round_id: int) -> None:
    session.info.setdefault(ROUNDS_TO_REWRITE, set()).add(round_id)
    before_commit(session, _in_key_order)
    after_commit(session, _checkpoint)


def mark_completed(
    session: Session, round_id: int, person_id: int, confirmed_by: str, on: date
) -> Changes:
    """Record that the person completed the round's survey: who confirmed it, and the day."""
    if confirmed_by not in CONFIRMERS:
        raise ValueError(f"'{confirmed_by}' cannot confirm a completion ({', '.join(CONFIRMERS)}).")
    if on > clock.today():
        raise ValueError("A completion cannot be dated in the future.")
    survey_round = round_row(session, round_id)
    if on < survey_round.opens_on:
        raise ValueError(
            f"A completion cannot be dated {format_day(on)}: '{survey_round.name}' opened on "
            f"{format_day(survey_round.opens_on)}."
        )
    member = session.get(RoundMember, (round_id, person_id))
    if member is None:
        raise LookupError("That person is not in this round; count them in to the round first.")
    if session.get(Completion, (round_id, person_id)) is not None:
        raise ValueError(ALREADY_MARKED)
    try:
        session.add(
            Completion(
                round_id=round_id,
                care_leaver_id=person_id,
                confirmed_by=confirmed_by,
                confirmed_on=on,
            )
        )
        session.flush()
    except IntegrityError as exc:
        # Only if two nbdesks raced past the check above (a write holds the file's lock from its
        # start, so they cannot): what the person meant is done either way.
        raise ValueError(ALREADY_MARKED) from exc
    session.add(
        CompletionChange(
            round_id=round_id,
            care_leaver_id=person_id,
            number=_next_number(session, round_id, person_id),
            action="marked",
            changed_on=on,
            confirmed_by=confirmed_by,
            reason="",
        )
    )
    session.flush()
    _hide_the_order(session, round_id)
    return person_in_round(round_id, person_id, completions=True)


def unmark_completed(
    session: Session, round_id: int, person_id: int, reason: str, on: date
) -> Changes:
    """Take back a completion marked in error; the reason is kept in the history."""
    reason = tidy(reason)
    if not reason:
        raise ValueError("Say why the completion is being taken back; it is kept in the history.")
    row = session.get(Completion, (round_id, person_id))
    if row is None:
        raise ValueError("That person is not marked as completed in this round.")
    session.execute(
        delete(Completion).where(
            Completion.round_id == round_id, Completion.care_leaver_id == person_id
        )
    )
    session.add(
        CompletionChange(
            round_id=round_id,
            care_leaver_id=person_id,
            number=_next_number(session, round_id, person_id),
            action="unmarked",
            changed_on=on,
            confirmed_by="",
            reason=reason,
        )
    )
    _hide_the_order(session, round_id)
    return person_in_round(round_id, person_id, completions=True)


def completion_state(session: Session, round_id: int, person_id: int) -> CompletionState:
    row = session.get(Completion, (round_id, person_id))
    history = tuple(
        CompletionEntry(c.number, c.action, c.changed_on, c.confirmed_by, c.reason)
        for c in session.scalars(
            select(CompletionChange)
            .where(
                CompletionChange.round_id == round_id, CompletionChange.care_leaver_id == person_id
            )
            .order_by(CompletionChange.number)
        )
    )
    return CompletionState(
        row is not None,
        row.confirmed_by if row else "",
        row.confirmed_on if row else None,
        history,
    )


class Completed(NamedTuple):
    """A completion as a round's lists read it: the day, and who confirmed it."""

    on: date
    by: str


# Ids asked for at once: well under any database's limit on a statement's parameters.
_CHUNK = 500


def round_completions(
    session: Session, round_id: int, people: Collection[int] | None = None
) -> dict[int, Completed]:
    """The round's completions (of `people` alone, if given) by person id, read apart from its
    members in key order. The dashboard and the Notify list match them to the members they read:
    looked up member by member among every round's completions (the table holds them all), they
    grew faster than the round (bench_growth)."""
    make = Completed._make
    if people is None:
        return {
            row[0]: make(row[1:])
            for row in many_rows(session, _completions(False), {"round_id": round_id})
        }
    wanted = sorted(people)
    found: dict[int, Completed] = {}
    for start in range(0, len(wanted), _CHUNK):
        values = {"round_id": round_id, "people": wanted[start : start + _CHUNK]}
        found.update(
            (row[0], make(row[1:])) for row in many_rows(session, _completions(True), values)
        )
    return found


@cache
def _completions(some: bool) -> Any:
    """round_completions' statement (for some people, or everyone), made once."""
    statement = select(
        Completion.care_leaver_id, Completion.confirmed_on, Completion.confirmed_by
    ).where(Completion.round_id == bindparam("round_id", type_=Integer))
    if some:
        people: Any = bindparam("people", expanding=True)
        statement = statement.where(Completion.care_leaver_id.in_(people))
    return statement
