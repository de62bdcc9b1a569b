"""Who-next and the round dashboard after a contact or a completion, on (a copy of) the large file:
updating just the people the save changed against reading the whole round again, measured in the
same run and interleaved.

- service: who_next_rows + update_list + dashboard_update ÷ round_people + dashboard, after each of
  a series of contacts and completions (the two give the same rows and figures; the tests prove it);
- window: a PA saves contacts through the Survey section's real widgets with the dashboard open
  once; the time until the list and the board show each save, against the same window reading
  both whole again; and the longest the UI thread was busy meanwhile, in wall time (a watchdog
  timer ticking every millisecond: the longest gap between ticks) and in the UI thread's own CPU
  time over that gap (which other programs on a loaded machine do not stretch). Target: 50 ms.
- marking a completion: a mark (its round's completions rewritten in key order, so the bytes keep
  no order) against a contact logged, each one save through the service, commit and checkpoint
  included; and the same mark in a copy holding nine more rounds' completions beside its round,
  against the copy without them. The second is the one that matters: a mark rewrites its own round
  only, so its cost does not grow with the completions the file holds (target 1.3).

`python benchmarks/run.py --only who_next --db FILE` measures any authority (the huge one, say).
"""

from __future__ import annotations

import os
import random
import shutil
import statistics
import tempfile
import time
from datetime import date, timedelta
from pathlib import Path

from run import Context, Figure, wait_for_ops

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")


class Watchdog:
    """Ticks every millisecond on the UI thread; the longest gap between two ticks is the longest
    the thread did something else (or waited for the CPU)."""

    def __init__(self) -> None:
        from PySide6.QtCore import QElapsedTimer, Qt, QTimer

        self.timer = QTimer()
        self.timer.setTimerType(Qt.TimerType.PreciseTimer)
        self.timer.setInterval(1)
        self.timer.timeout.connect(self._tick)
        self.clock = QElapsedTimer()
        self.wall = 0.0  # seconds
        self.cpu = 0.0

    def start(self) -> None:
        self.wall = self.cpu = 0.0
        self.clock.start()
        self.last_wall, self.last_cpu = self.clock.nsecsElapsed(), time.thread_time()
        self.timer.start()

    def _tick(self) -> None:
        now_wall, now_cpu = self.clock.nsecsElapsed(), time.thread_time()
        self.wall = max(self.wall, (now_wall - self.last_wall) / 1e9)
        self.cpu = max(self.cpu, now_cpu - self.last_cpu)
        self.last_wall, self.last_cpu = now_wall, now_cpu

    def stop(self) -> tuple[float, float]:
        self._tick()
        self.timer.stop()
        return self.wall, self.cpu


def _copy(ctx: Context, folder: Path, name: str = "who-next") -> Path:
    from nbdesk.storage.backup import backup_file

    work = folder / f"{name}.nbdesk"
    backup_file(ctx.large_db, work)  # the benchmark file itself is never changed
    return work


OTHER_ROUNDS = 9


def _with_other_rounds(path: Path) -> int:
    """Nine more rounds beside the file's own, closed, each with completions for four in ten of
    the register: the file's completions about ten times over, the marked round's unchanged.
    Returns how many completions the file then holds."""
    from sqlalchemy import func, insert, select

    from nbdesk.storage import open_database
    from nbdesk.storage.models.survey import Completion, CompletionChange
    from nbdesk.survey.rounds import list_members, open_round, set_round_closed

    rng = random.Random(16)
    db = open_database(path)
    try:
        for n in range(OTHER_ROUNDS):
            with db.transaction() as session:
                opens = date(2016 + n, 10, 3)
                other = open_round(
                    session, f"Earlier round {n + 1}", opens, opens + timedelta(days=49)
                ).value.id
                done = [m.person_id for m in list_members(session, other) if rng.random() < 0.4]
                keys = [{"round_id": other, "care_leaver_id": p} for p in done]
                session.execute(
                    insert(Completion),
                    [k | {"confirmed_by": "pa", "confirmed_on": opens} for k in keys],
                )
                session.execute(
                    insert(CompletionChange),
                    [
                        k
                        | {
                            "number": 1,
                            "action": "marked",
                            "changed_on": opens,
                            "confirmed_by": "pa",
                            "reason": "",
                        }
                        for k in keys
                    ],
                )
                set_round_closed(session, other, True)
        with db.session() as session:
            return int(session.scalar(select(func.count()).select_from(Completion)) or 0)
    finally:
        db.close()


def _marks(plain: Path, more: Path, repeat: int) -> tuple[dict[str, list[float]], int]:
    """Seconds for each save, interleaved: a contact and a mark in the file as it is, and a mark
    in the copy with more rounds, in the same round for the same person; and how many completions
    the round then holds."""
    from sqlalchemy import select

    from nbdesk.common import clock
    from nbdesk.storage import open_database
    from nbdesk.storage.models.survey import Completion, RoundMember
    from nbdesk.survey.completion import mark_completed
    from nbdesk.survey.contacts import log_contact
    from nbdesk.survey.rounds import list_rounds

    today = clock.today()
    found: dict[str, list[float]] = {"contact": [], "mark": [], "mark, more rounds": []}
    plain_db, more_db = open_database(plain), open_database(more)
    try:
        with plain_db.session() as session:
            round_id = list_rounds(session)[-1].id
            completed = select(Completion.care_leaver_id).where(Completion.round_id == round_id)
            people = list(
                session.scalars(
                    select(RoundMember.care_leaver_id)
                    .where(
                        RoundMember.round_id == round_id,
                        RoundMember.care_leaver_id.not_in(completed),
                    )
                    .order_by(RoundMember.care_leaver_id)
                    .limit(repeat + 1)
                )
            )
        for person in people:  # the first of each is a warm-up, not counted
            start = time.perf_counter()
            with plain_db.transaction() as session:
                log_contact(session, round_id, person, today, "text", "reminder", "no-reply")
            found["contact"].append(time.perf_counter() - start)
            for name, db in (("mark", plain_db), ("mark, more rounds", more_db)):
                start = time.perf_counter()
                with db.transaction() as session:
                    mark_completed(session, round_id, person, "pa", today)
                found[name].append(time.perf_counter() - start)
        with plain_db.session() as session:
            in_round = len(list(session.scalars(completed)))
    finally:
        plain_db.close()
        more_db.close()
    return {name: times[1:] for name, times in found.items()}, in_round


def _services(path: Path, repeat: int) -> tuple[list[float], list[float], int]:
    """(incremental, full) seconds after each save, and the people in the round."""
    from nbdesk.common import clock
    from nbdesk.storage import open_database
    from nbdesk.survey.completion import mark_completed
    from nbdesk.survey.contacts import (
        in_list,
        log_contact,
        round_people,
        update_list,
        who_next_rows,
    )
    from nbdesk.survey.dashboard import dashboard, dashboard_update
    from nbdesk.survey.rounds import list_rounds

    db = open_database(path)
    incremental, full = [], []
    try:
        with db.session() as session:
            round_id = list_rounds(session)[-1].id
            rows = round_people(session, round_id, None, False)
            by_id = {r.person_id: r for r in rows}
            board = dashboard(session, round_id)
        today = clock.today()
        for step in range(repeat * 2):
            person = rows[step].person_id
            with db.transaction() as session:
                if step % 2:
                    mark_completed(session, round_id, person, "pa", today)
                else:
                    log_contact(session, round_id, person, today, "text", "reminder", "no-reply")
            with db.session() as session:
                start = time.perf_counter()
                found = who_next_rows(session, round_id, {person}).get(person)
                changes = [(by_id.pop(person, None), found)]
                if found is not None and in_list(found, None, False):
                    by_id[person] = found
                update_list(rows, changes, lambda r: r.person_id in by_id, rows.pop, rows.insert)
                board = dashboard_update(session, board, {person})
                incremental.append(time.perf_counter() - start)
                start = time.perf_counter()
                whole = round_people(session, round_id, None, False)
                counted = dashboard(session, round_id)
                full.append(time.perf_counter() - start)
            assert rows == whole, "the list updated differs from the list read whole"
            assert board == counted, "the board updated differs from the board counted whole"
        return incremental, full, len(board.members)
    finally:
        db.close()


def _window(path: Path, repeat: int) -> dict[str, list[float]]:
    from PySide6.QtWidgets import QApplication

    from nbdesk.storage import open_database
    from nbdesk.ui.ops import Ops
    from nbdesk.ui.survey.section import SurveySection

    app = QApplication.instance() or QApplication([])

    def settle() -> None:
        wait_for_ops(app)

    db = open_database(path)
    ops = Ops(db)
    # The garbage collector set as the main window sets it once a file is open: with Python's
    # defaults, a full collection (100 to 190 ms, every thread stopped) fell in most saves here.
    from nbdesk.ui import collector

    collector.settle()
    section = SurveySection()
    ops.changed.connect(section.on_changes)
    section.resize(1300, 850)
    section.set_ops(ops)
    section.show()
    settle()
    section.tabs.setCurrentWidget(section.dashboard_tab)  # counted once, then kept up to date
    settle()
    section.tabs.setCurrentWidget(section.contacts_tab)
    settle()
    tab = section.contacts_tab
    tab.select_person(tab.model.rows[0].person_id)
    settle()
    found: dict[str, list[float]] = {"update": [], "whole": [], "wall": [], "cpu": []}
    watchdog = Watchdog()
    try:
        for _ in range(repeat):
            watchdog.start()
            start = time.perf_counter()
            tab.panel.save_contact()  # as Ctrl+Enter does: saved, then on to the next person
            settle()
            found["update"].append(time.perf_counter() - start)
            wall, cpu = watchdog.stop()
            found["wall"].append(wall)
            found["cpu"].append(cpu)
            start = time.perf_counter()
            tab.refresh()
            section.dashboard_tab.refresh()
            settle()
            found["whole"].append(time.perf_counter() - start)
    finally:
        section.close()
        section.deleteLater()
        ops.close()
        settle()
    return found


def measure(ctx: Context) -> list[Figure]:
    folder = Path(tempfile.mkdtemp(prefix="nbdesk-bench-who-next-", dir=ctx.out))
    try:
        incremental, full, members = _services(_copy(ctx, folder), ctx.repeat)
        window = _window(_copy(ctx, folder), ctx.repeat)
        plain = _copy(ctx, folder, "plain")
        more = _copy(ctx, folder, "more-rounds")
        in_file = _with_other_rounds(more)
        marks, in_round = _marks(plain, more, ctx.repeat)
    finally:
        shutil.rmtree(folder, ignore_errors=True)
    contact, mark = statistics.median(marks["contact"]), statistics.median(marks["mark"])
    mark_more = statistics.median(marks["mark, more rounds"])
    mine, theirs = statistics.median(incremental), statistics.median(full)
    update, whole = statistics.median(window["update"]), statistics.median(window["whole"])
    return [
        Figure(
            f"who-next + dashboard updated after a save ({members:,} in the round) ÷ read whole",
            mine / theirs,
            target=0.05,
            detail=f"medians {mine * 1000:.1f} ms vs {theirs * 1000:.0f} ms "
            f"(1 in {theirs / mine:,.0f})",
        ),
        Figure(
            "a contact saved in the window, list and board shown ÷ both read whole",
            update / whole,
            target=0.5,
            detail=f"medians {update * 1000:.0f} ms vs {whole * 1000:.0f} ms (the save included)",
        ),
        Figure(
            "longest the UI thread was busy while a contact was saved",
            max(window["wall"]) * 1000,
            target=50,
            unit=" ms",
            detail=f"median {statistics.median(window['wall']) * 1000:.0f} ms; its own CPU time "
            f"at most {max(window['cpu']) * 1000:.0f} ms",
        ),
        Figure(
            f"a completion marked ({in_round:,} in its round) ÷ a contact logged",
            mark / contact,
            detail=f"medians {mark * 1000:.0f} ms vs {contact * 1000:.0f} ms (saves, checkpoint "
            "included)",
        ),
        Figure(
            f"a completion marked, {in_file:,} completions in the file ÷ {in_round:,}",
            mark_more / mark,
            target=1.3,
            detail=f"medians {mark_more * 1000:.0f} ms vs {mark * 1000:.0f} ms "
            f"({OTHER_ROUNDS} more rounds beside its own)",
        ),
    ]
