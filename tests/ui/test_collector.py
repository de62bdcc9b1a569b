"""Python's cyclic collector runs on the UI thread alone once there is a worker (ui.collector): a
collection on the worker deleted a closed dialog's widgets there, off the UI thread, and the two
threads waited for each other for good."""

from __future__ import annotations

import gc
import threading
import weakref
from pathlib import Path
from typing import Any

from PySide6.QtWidgets import QLabel, QWidget

from nbdesk.storage import create_database
from nbdesk.ui.ops import Ops
from tests.support.qt import settle


def test_cycles_holding_widgets_are_collected_on_the_ui_thread_only(
    qtbot: Any, tmp_path: Path
) -> None:
    db = create_database(tmp_path / "collector.nbdesk", "Testshire County Council")
    ops = Ops(db)
    collections: list[int] = []

    def seen(phase: str, _info: dict[str, int]) -> None:
        if phase == "start":
            collections.append(threading.get_ident())

    gc.callbacks.append(seen)
    try:
        # A closed "dialog" kept only by a cycle of its own, as a lambda connected to its signal
        # that names it makes one.
        dialog = QWidget()
        QLabel("Saved.", dialog)
        dialog.cycle = dialog  # type: ignore[attr-defined]
        gone = weakref.ref(dialog)
        del dialog

        def busy(_session: Any) -> list[list[int]]:
            # The worker makes, and the window keeps, far more objects than a collection waits
            # for (Python counts those made less those freed).
            return [[n] for n in range(20_000)]

        done: list[list[list[int]]] = []
        for _ in range(3):
            ops.read(None, busy, done.append)
        settle(qtbot)
        assert [len(rows) for rows in done] == [20_000] * 3
        assert not gc.isenabled()  # no collection starts on whichever thread allocates
        qtbot.waitUntil(lambda: gone() is None, timeout=5000)
    finally:
        gc.callbacks.remove(seen)
        ops.close()
        db.close()
    ui_thread = threading.main_thread().ident
    assert collections, "nothing was collected"
    assert set(collections) == {ui_thread}
