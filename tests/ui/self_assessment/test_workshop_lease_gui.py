"""One workshop writer per assessment (issue 17): two workshop windows on one file, each with its
own Database as two nbdesk processes would have. The second watches read-only until the first
closes, then leads; the file is reopened to prove what the watcher could and could not save."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from datetime import timedelta
from pathlib import Path
from typing import Any

import pytest
from PySide6.QtCore import Qt, QTimer
from PySide6.QtWidgets import QApplication, QMessageBox
from pytestqt.qtbot import QtBot

from nbdesk.forms.framework import demonstration_framework
from nbdesk.forms.store import store_framework
from nbdesk.self_assessment.assessments import create_assessment, load_assessment
from nbdesk.self_assessment.lease import (
    STALE_AFTER,
    HeldBy,
    Lease,
    lead_workshop,
    take_workshop,
)
from nbdesk.self_assessment.sittings import list_sittings
from nbdesk.self_assessment.workshop import workshop_start
from nbdesk.storage import Database, create_database, open_database
from nbdesk.ui.ops import Ops
from nbdesk.ui.self_assessment.workshop import WorkshopWindow
from tests.conftest import FIXED_NOW, Clock
from tests.support.qt import settle


@pytest.fixture
def path(tmp_path: Path) -> Path:
    place = tmp_path / "workshop.nbdesk"
    database = create_database(place, "Testshire County Council")
    with database.transaction() as session:
        fid = store_framework(session, demonstration_framework()).id
        create_assessment(session, "Baseline 2024", framework_id=fid)
    database.close()
    return place


@pytest.fixture
def two(path: Path) -> Iterator[tuple[Database, Database]]:
    first, second = open_database(path), open_database(path)
    yield first, second
    first.close()
    second.close()


def show(qtbot: QtBot, window: WorkshopWindow) -> WorkshopWindow:
    qtbot.addWidget(window)
    window.showFullScreen()
    qtbot.waitExposed(window)
    window.activateWindow()
    qtbot.waitUntil(lambda: QApplication.activeWindow() is window, timeout=2000)
    window.statement.setFocus()
    return window


def key(qtbot: QtBot, k: Qt.Key | str) -> None:
    target = QApplication.focusWidget()
    assert target is not None, "nothing has the keyboard focus"
    qtbot.keyClick(target, k)
    settle(qtbot)


def leader(qtbot: QtBot, db: Database) -> WorkshopWindow:
    with db.transaction() as session:
        led = lead_workshop(session, 1, "Asha Patel", "laptop-a", [("Asha Patel", "staff")], "")
    assert not isinstance(led, HeldBy)
    with db.session() as session:
        start = workshop_start(session, 1)
    return show(qtbot, WorkshopWindow(Ops(db), start, led.sitting_id, lease=led.lease))


def watcher(qtbot: QtBot, db: Database) -> WorkshopWindow:
    with db.transaction() as session:
        held = take_workshop(session, 1, "Ben Okafor", "laptop-b")
    assert isinstance(held, HeldBy) and held.led_by == "Asha Patel"
    with db.session() as session:
        start = workshop_start(session, 1)
    return show(qtbot, WorkshopWindow(Ops(db), start, None, watching=held, led_by="Ben Okafor"))


def saved_points(path: Path) -> dict[str, int | None]:
    database = open_database(path)
    try:
        with database.session() as session:
            detail = load_assessment(session, 1)
        return {s.reference: s.points for s in detail.statements()}
    finally:
        database.close()


def test_a_second_workshop_watches_read_only_until_the_first_closes(
    qtbot: QtBot, two: tuple[Database, Database], path: Path
) -> None:
    first_db, second_db = two
    first = leader(qtbot, first_db)
    assert first.banner.isHidden() and all(b.isEnabled() for b in first.rating_buttons)
    second = watcher(qtbot, second_db)
    assert second.banner.isVisible()
    assert second.banner.text.text().startswith("Watching: led by Asha Patel since 10:30")
    assert second.banner.text.accessibleDescription().startswith("Read only")
    assert second.windowTitle().endswith("(watching)")
    assert not any(b.isEnabled() for b in second.rating_buttons)
    assert second.note.isReadOnly() and not second.overall_spin.isEnabled()
    assert second.banner.lead_button.isHidden()
    assert second.reference.text() == "1 / A"
    # Keys that would rate, flag or write do nothing; the keys that move still move.
    key(qtbot, "3")
    key(qtbot, Qt.Key.Key_F)
    key(qtbot, Qt.Key.Key_E)
    assert QApplication.focusWidget() is not second.note
    assert second.status.text() == "Watching: read only"
    assert not any(b.isChecked() for b in second.rating_buttons)
    key(qtbot, Qt.Key.Key_Right)
    assert second.reference.text() == "1 / B"
    key(qtbot, Qt.Key.Key_Left)

    # The leader rates; the watcher sees it when it next looks (every few seconds, by its timer).
    first.activateWindow()
    qtbot.waitUntil(lambda: QApplication.activeWindow() is first, timeout=2000)
    first.statement.setFocus()
    key(qtbot, "2")
    second.look_again()
    settle(qtbot)
    assert second.rating_buttons[1].isChecked()
    assert "rated 2" in second.statement.accessibleName()

    # The leader leaves: the watcher is told, and may lead.
    first.close()
    settle(qtbot)
    second.look_again()
    settle(qtbot)
    assert "has ended" in second.banner.text.text()
    assert second.banner.lead_button.isVisible()
    # Leading starts a sitting of its own, so what is rated now is kept with who rated it.
    taking_part(qtbot, "Ben Okafor")
    qtbot.mouseClick(second.banner.lead_button, Qt.MouseButton.LeftButton)
    settle(qtbot)
    assert second.lease is not None and second.lease.led_by == "Ben Okafor"
    assert second.sitting_id is not None
    assert second.banner.isHidden() and all(b.isEnabled() for b in second.rating_buttons)
    assert not second.windowTitle().endswith("(watching)")
    second.activateWindow()
    qtbot.waitUntil(lambda: QApplication.activeWindow() is second, timeout=2000)
    second.statement.setFocus()
    key(qtbot, Qt.Key.Key_Right)
    key(qtbot, "4")
    second.close()
    settle(qtbot)

    points = saved_points(path)
    # 1 / A as the leader rated it (never the watcher's 3); 1 / B rated once the watcher led.
    assert points["1 / A"] == 2 and points["1 / B"] == 4
    assert sum(p is not None for p in points.values()) == 2
    with first_db.session() as session:
        ben = next(s for s in list_sittings(session, 1) if s.id == second.sitting_id)
    assert [p.name_or_role for p in ben.participants] == ["Ben Okafor"]
    assert ben.changes == 1  # the 4 on 1 / B, kept with the sitting that made it
    # Both released their leases on closing: a third opens to lead at once.
    with first_db.transaction() as session:
        assert isinstance(take_workshop(session, 1, "Cara", "laptop-c"), Lease)


def test_a_stale_workshop_is_taken_over_and_its_leader_told(
    qtbot: QtBot, two: tuple[Database, Database], path: Path, clock: Clock
) -> None:
    first_db, second_db = two
    first = leader(qtbot, first_db)
    second = watcher(qtbot, second_db)
    # The first laptop sleeps: no heartbeat for longer than the stale time.
    clock.set(FIXED_NOW + STALE_AFTER + timedelta(minutes=1))
    second.look_again()
    settle(qtbot)
    assert "can be taken over" in second.banner.text.text()
    assert second.banner.lead_button.text() == "&Take over"
    assert second.banner.lead_button.accessibleName() == "Take over the workshop led by Asha Patel"
    taking_part(qtbot, "Ben Okafor")
    qtbot.mouseClick(second.banner.lead_button, Qt.MouseButton.LeftButton)
    settle(qtbot)
    assert second.lease is not None and second.lease.took_over_from == "Asha Patel"
    assert "taken over from Asha Patel" in second.status.text()
    # The first wakes: its next heartbeat finds the workshop taken, and it watches from then on.
    first.renew_lease()
    settle(qtbot)
    assert first.read_only and first.lease is None
    assert first.banner.text.text().startswith("Watching: led by Ben Okafor")
    assert "NOT leading: Ben Okafor" in first.status.text()
    first.activateWindow()
    qtbot.waitUntil(lambda: QApplication.activeWindow() is first, timeout=2000)
    first.statement.setFocus()
    key(qtbot, "1")
    first.close()  # a watcher's closing releases nothing
    settle(qtbot)
    with first_db.transaction() as session:
        held = take_workshop(session, 1, "Cara", "laptop-c")
    assert isinstance(held, HeldBy) and held.led_by == "Ben Okafor"
    second.close()
    settle(qtbot)
    assert not any(saved_points(path).values())


def when_open(qtbot: QtBot, kind: type, fill: Callable[[Any], None]) -> None:
    """Answer the dialog of `kind` that is about to open (a modal one runs its own event loop)."""
    tries = [0]

    def act() -> None:
        dialog = QApplication.activeModalWidget()
        if not isinstance(dialog, kind):
            tries[0] += 1
            assert tries[0] < 1000, f"no {kind.__name__} opened"
            QTimer.singleShot(10, act)
            return
        try:
            fill(dialog)
        except BaseException:
            dialog.reject()
            raise

    QTimer.singleShot(0, act)


def section_on_a_running_workshop(qtbot: QtBot, two: tuple[Database, Database], holder: str) -> Any:
    """The second nbdesk's Self-assessment section, on the assessment whose workshop the first
    leads (Asha Patel, as `holder`)."""
    from nbdesk.ui.self_assessment.section import SelfAssessmentSection

    first_db, second_db = two
    with first_db.transaction() as session:
        lead_workshop(session, 1, "Asha Patel", holder, [("Asha Patel", "staff")], "")
    section = SelfAssessmentSection()
    qtbot.addWidget(section)
    section.set_ops(Ops(second_db))
    section.show()
    settle(qtbot)
    section.table.selectRow(0)
    return section


def taking_part(qtbot: QtBot, name: str) -> None:
    """Answer the 'Who is taking part?' dialog about to open with one person."""
    from nbdesk.ui.self_assessment.sitting import SittingDialog

    def who(dialog: SittingDialog) -> None:
        dialog.who.setText(name)
        qtbot.keyClick(dialog.who, Qt.Key.Key_Return)  # adds the person
        qtbot.keyClick(dialog.who, Qt.Key.Key_Return)  # empty box: starts

    when_open(qtbot, SittingDialog, who)


def test_opening_from_the_section_on_a_running_workshop_offers_to_watch(
    qtbot: QtBot, two: tuple[Database, Database]
) -> None:
    section = section_on_a_running_workshop(qtbot, two, "laptop-a")
    second_db = two[1]
    told: list[str] = []

    def watch(box: QMessageBox) -> None:
        told.append(box.text())
        names = {b.accessibleName() for b in box.buttons()}
        assert names == {"Watch the workshop read-only", "Cancel"}  # not stale: no take-over
        watch_button = next(b for b in box.buttons() if "Watch" in b.text())
        qtbot.mouseClick(watch_button, Qt.MouseButton.LeftButton)

    # Told first, before being asked who is taking part (a tester typed the names for nothing).
    when_open(qtbot, QMessageBox, watch)
    section.start_workshop()
    settle(qtbot)
    qtbot.waitUntil(lambda: bool(section.windows), timeout=5000)
    settle(qtbot)
    assert told and told[0].startswith(
        "A workshop is running on this assessment, led by Asha Patel since 18 November 2026 10:30"
    )
    window = section.windows[-1]
    assert isinstance(window, WorkshopWindow) and window.read_only
    assert window.banner.text.text().startswith("Watching: led by Asha Patel")
    assert window.sitting_id is None
    with second_db.session() as session:
        assert len(list_sittings(session, 1)) == 1  # the leader's only: watching records none
    window.close()
    settle(qtbot)


def test_a_workshop_left_by_an_nbdesk_that_stopped_on_this_computer_is_taken_over_at_once(
    qtbot: QtBot, two: tuple[Database, Database]
) -> None:
    """A tester killed nbdesk mid-workshop: reopened, the assessment stayed locked for two
    minutes by the workshop that had died on the same laptop."""
    from tests.support.processes import left_behind_holder

    section = section_on_a_running_workshop(qtbot, two, left_behind_holder())
    told: list[str] = []

    def take_over(box: QMessageBox) -> None:
        told.append(box.text())
        take = next(b for b in box.buttons() if "Take over" in b.text())
        taking_part(qtbot, "Asha Patel")
        qtbot.mouseClick(take, Qt.MouseButton.LeftButton)

    when_open(qtbot, QMessageBox, take_over)
    section.start_workshop()
    qtbot.waitUntil(lambda: bool(section.windows), timeout=5000)
    settle(qtbot)
    assert "left by nbdesk on this computer" in told[0]
    window = section.windows[-1]
    assert isinstance(window, WorkshopWindow) and not window.read_only
    assert window.lease is not None and window.lease.took_over_from == "Asha Patel"
    assert window.sitting_id is not None
    window.close()
    settle(qtbot)
