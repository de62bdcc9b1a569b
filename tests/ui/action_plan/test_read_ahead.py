"""The Action plan section's first read, made ahead by the main window once it has settled on a
file: the section then opens with it and reads nothing; a change that would alter it drops it; the
section opened sooner reads for itself as before. On a real file, through the real window."""

from __future__ import annotations

import shutil
import threading
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from PySide6.QtCore import Qt
from pytestqt.qtbot import QtBot

from nbdesk.action_plan.actions import add_action
from nbdesk.action_plan.plans import list_plans
from nbdesk.action_plan.views import read_plan
from nbdesk.common.changes import Changes
from nbdesk.ui import main_window as main_window_module
from nbdesk.ui.action_plan import section as section_module
from nbdesk.ui.action_plan.read_ahead import WHEN_IDLE_MS, ReadAhead, taken
from nbdesk.ui.action_plan.section import ActionPlanSection
from nbdesk.ui.app import OpenPlan, carry_out
from nbdesk.ui.main_window import PLAN, MainWindow
from nbdesk.ui.ops import Ops
from tests.support.qt import open_window, settle, shown_section


def held(win: MainWindow) -> bool:
    return win._plan_ahead is not None and win._plan_ahead.held is not None


def count_reads(ops: Ops, monkeypatch: pytest.MonkeyPatch) -> list[str]:
    asked: list[str] = []
    real = ops.read

    def read(owner: Any, work: Callable[[Any], Any], done: Any, **kwargs: Any) -> Any:
        asked.append(kwargs.get("title", "Reading"))
        return real(owner, work, done, **kwargs)

    monkeypatch.setattr(ops, "read", read)
    return asked


def latest_plan(win: MainWindow) -> Any:
    assert win.ops is not None
    with win.ops.store.session() as session:
        return read_plan(session, list_plans(session)[-1].id)


def test_once_settled_the_window_reads_the_plan_ahead_and_the_section_opens_with_it(
    qtbot: QtBot, demo_file: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    order: list[str] = []
    real_import, real_start = main_window_module._import_sections, ReadAhead.start

    def imports(indexes: list[int]) -> None:
        real_import(indexes)
        order.append("sections imported")

    def start(self: ReadAhead, ops: Ops) -> None:
        order.append("plan read ahead")
        real_start(self, ops)

    monkeypatch.setattr(main_window_module, "_import_sections", imports)
    monkeypatch.setattr(ReadAhead, "start", start)
    win = open_window(qtbot, demo_file)
    # Start-up asks nothing more of the worker: the read ahead comes after the sections' imports,
    # which come after the window has settled.
    assert order == [] and win._plan_ahead is None
    qtbot.waitUntil(lambda: held(win), timeout=20000)
    assert order == ["sections imported", "plan read ahead"]
    assert win._built[PLAN] is None, "read ahead, not built"

    assert win.ops is not None
    reads = count_reads(win.ops, monkeypatch)
    qtbot.keyClick(win, Qt.Key.Key_3, Qt.KeyboardModifier.ControlModifier)
    # Built at the key and shown a turn of the event loop later (each a pause of its own).
    section = shown_section(qtbot, win)
    assert isinstance(section, ActionPlanSection)
    # Filled when set_ops returned, with no read asked for, and shown at once rather than held
    # back for a read.
    expected = latest_plan(win)
    assert section.plan is not None and section.plan.summary.name == expected.summary.name
    assert section.model.rowCount() > 0
    current = section.current_action()
    assert current is not None and current.id == expected.actions[0].id
    assert not section._content.isHidden() and not section._hold.isActive()
    settle(qtbot)
    qtbot.waitUntil(section.panel.is_built)  # the chosen action's panel, after the first paint
    settle(qtbot)
    assert reads == [], "opened without reading"
    assert section.panel.heading.text()
    assert not held(win) and taken(win.ops) is None, "given to the section, kept no longer"

    # From then on the section hears changes itself, and reads again for them.
    win.ops.changed.emit(Changes(plans=True))
    settle(qtbot)
    assert reads == ["Reading the plan"]


def test_a_change_to_the_plans_before_opening_drops_it_and_the_section_shows_the_change(
    qtbot: QtBot, demo_file: Path
) -> None:
    win = open_window(qtbot, demo_file)
    qtbot.waitUntil(lambda: held(win), timeout=20000)
    assert win.ops is not None
    # What the section would not read again for leaves it kept.
    win.ops.changed.emit(Changes(register=True, contacts=True))
    assert held(win)

    theme_id = latest_plan(win).themes[0].id
    win.ops.write(None, lambda session: add_action(session, theme_id, "Added before opening"))
    settle(qtbot)
    assert not held(win), "the plans changed: what was read ahead is dropped"
    win.show_section(PLAN)
    section = shown_section(qtbot, win)
    assert isinstance(section, ActionPlanSection)
    assert section.plan is None, "nothing held: the section reads for itself"
    settle(qtbot)
    assert section.plan is not None
    assert "Added before opening" in [a.we_will for a in section.plan.actions]


@pytest.mark.parametrize("kind", ["assessment_list", "rounds"])
def test_other_changes_the_section_reads_again_for_drop_it_too(
    qtbot: QtBot, demo_file: Path, kind: str
) -> None:
    win = open_window(qtbot, demo_file)
    qtbot.waitUntil(lambda: held(win), timeout=20000)
    assert win.ops is not None
    win.ops.changed.emit(Changes(**{kind: True}))
    assert not held(win)


def test_opened_at_once_the_section_reads_for_itself_and_nothing_is_read_ahead(
    qtbot: QtBot, demo_file: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    win = open_window(qtbot, demo_file)
    win.show_section(PLAN)  # what Ctrl+3 does, at once (the window may not have the keyboard yet)
    section = shown_section(qtbot, win)
    assert isinstance(section, ActionPlanSection)
    assert section.plan is None and section._hold.isActive(), "held back while it reads"
    settle(qtbot)
    assert section.plan is not None and not section._content.isHidden()
    assert section.plan.summary.name == latest_plan(win).summary.name
    # The imports still follow once the window has settled; the plan is not read again ahead.
    qtbot.waitUntil(
        lambda: win._importing is not None and not win._importing.is_alive(), timeout=20000
    )
    qtbot.waitUntil(lambda: not win._imported.isActive())
    assert win._plan_ahead is None


def test_opened_while_the_read_ahead_is_on_the_worker_the_section_reads_for_itself(
    qtbot: QtBot, demo_file: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    # The read ahead is held up on the worker until the section has been opened.
    release = threading.Event()
    real = section_module.read_chosen
    calls: list[int | None] = []

    def read_chosen(session: Any, wanted: int | None, action_id: int | None = None) -> Any:
        calls.append(wanted)
        if len(calls) == 1:
            assert release.wait(20)
        return real(session, wanted, action_id)

    monkeypatch.setattr(section_module, "read_chosen", read_chosen)
    win = open_window(qtbot, demo_file)
    qtbot.waitUntil(lambda: bool(calls), timeout=20000)
    holder = win._plan_ahead
    assert holder is not None and holder.held is None
    win.show_section(PLAN)
    section = shown_section(qtbot, win)
    assert isinstance(section, ActionPlanSection)
    assert section.plan is None and section._hold.isActive()
    release.set()
    settle(qtbot)
    assert len(calls) == 2, "the section read for itself, after the read ahead"
    assert section.plan is not None and section.plan.summary.name == latest_plan(win).summary.name
    assert holder.held is None, "the read ahead's result, back after the section opened, is dropped"


def test_another_file_opened_drops_the_first_ones_and_reads_its_own_ahead(
    qtbot: QtBot, demo_file: Path, tmp_path: Path
) -> None:
    win = open_window(qtbot, demo_file)
    qtbot.waitUntil(lambda: held(win), timeout=20000)
    first_ops = win.ops
    assert first_ops is not None
    other = tmp_path / "other.nbdesk"
    shutil.copyfile(demo_file, other)
    opened = carry_out(OpenPlan(other))
    win.set_ops(Ops(opened.db), opened.authority)
    assert not held(win) and taken(first_ops) is None
    qtbot.waitUntil(lambda: held(win), timeout=20000)
    assert win._plan_ahead is not None and win._plan_ahead.ops is win.ops
    win.show_section(PLAN)
    section = shown_section(qtbot, win)
    assert isinstance(section, ActionPlanSection) and section.plan is not None


def test_the_read_ahead_waits_until_the_worker_has_nothing_else_to_do(
    qtbot: QtBot, demo_file: Path
) -> None:
    win = open_window(qtbot, demo_file)
    settle(qtbot)
    assert win.ops is not None
    # Work asked for (by the user, say) that is still running when the window has settled.
    release = threading.Event()
    finished: list[bool] = []
    win.ops.read(None, lambda _session: release.wait(20), finished.append)
    qtbot.waitUntil(lambda: win._plan_ahead is not None, timeout=20000)
    holder = win._plan_ahead
    assert holder is not None
    qtbot.wait(3 * WHEN_IDLE_MS)
    assert holder.asked == 0 and not finished, "nothing asked while the worker is busy"
    # A change meanwhile: the read still to be asked will see it, so it is still to be asked.
    win.ops.changed.emit(Changes(plans=True))
    release.set()
    qtbot.waitUntil(lambda: holder.held is not None, timeout=20000)
    assert finished == [True] and holder.asked == 1


def test_a_slow_read_ahead_brings_up_no_progress_dialog(
    qtbot: QtBot, demo_file: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    # Nobody asked for it: however long it takes, nothing modal comes up over the window.
    from PySide6.QtWidgets import QProgressDialog

    from nbdesk.ui import ops as ops_module

    monkeypatch.setattr(ops_module, "PROGRESS_DELAY_MS", 50)
    release = threading.Event()
    real = section_module.read_chosen
    started: list[bool] = []

    def read_chosen(session: Any, wanted: int | None, action_id: int | None = None) -> Any:
        started.append(True)
        assert release.wait(20)
        return real(session, wanted, action_id)

    monkeypatch.setattr(section_module, "read_chosen", read_chosen)
    win = open_window(qtbot, demo_file)
    qtbot.waitUntil(lambda: bool(started), timeout=20000)
    qtbot.wait(300)  # six times the (shortened) delay after which asked-for work shows progress
    assert not win.findChildren(QProgressDialog), "a read nobody asked for showed progress"
    # Work the user asks for still shows it after the delay.
    win.ops.read(win, lambda _session: release.wait(20), lambda _done: None, title="Asked")
    qtbot.waitUntil(lambda: bool(win.findChildren(QProgressDialog)), timeout=5000)
    release.set()
    qtbot.waitUntil(lambda: held(win), timeout=20000)
