"""Driving the window as a person would: waiting for nbdesk to finish what it was asked."""

from __future__ import annotations


def settle(qtbot, timeout: int = 20000) -> None:  # type: ignore[no-untyped-def]
    """Wait, as a person would, until nbdesk has finished the work it was asked for: every read
    and write on the worker is back and shown."""
    from nbdesk.ui.ops import Ops

    qtbot.waitUntil(lambda: not Ops.busy(), timeout=timeout)
    qtbot.wait(1)  # let what the last result set off (a follow-up read) be asked for
    qtbot.waitUntil(lambda: not Ops.busy(), timeout=timeout)
