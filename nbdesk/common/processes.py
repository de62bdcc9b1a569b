"""Whether an nbdesk that wrote something down is still running on this computer, so what it left
behind (a workshop's lease after a crash or a `kill`) is free at once where it ran, rather than
only once its heartbeat has gone stale."""

from __future__ import annotations

import os
import socket
import sys


def this_computer() -> str:
    return socket.gethostname()


def is_running(pid: int) -> bool:
    """True if a process `pid` runs on this computer (or might: anything unclear counts as
    running, so a lease is never taken from a workshop that is alive)."""
    if pid <= 0:
        return True
    if sys.platform == "win32":
        return _is_running_on_windows(pid)
    try:
        os.kill(pid, 0)  # signal 0: checks only that the process exists
    except ProcessLookupError:
        return False
    except OSError:  # another user's process (PermissionError), or not ours to ask
        return True
    return True


if sys.platform == "win32":

    def _is_running_on_windows(pid: int) -> bool:
        # os.kill(pid, 0) on Windows would send the process Ctrl+C: ask the kernel instead.
        import ctypes
        from ctypes import wintypes

        query_limited_information, still_active, access_denied = 0x1000, 259, 5
        kernel32 = ctypes.WinDLL("kernel32", use_last_error=True)
        handle = kernel32.OpenProcess(query_limited_information, False, pid)
        if not handle:
            return bool(ctypes.get_last_error() == access_denied)
        try:
            code = wintypes.DWORD()
            if not kernel32.GetExitCodeProcess(handle, ctypes.byref(code)):
                return True
            return bool(code.value == still_active)
        finally:
            kernel32.CloseHandle(handle)
