"""A workshop lease holder left by a process that has ended on this computer (a crashed nbdesk)."""

from __future__ import annotations

import subprocess
import sys

from nbdesk.common.processes import this_computer
from nbdesk.self_assessment.lease import COMPUTER_CHARS


def ended_pid() -> int:
    """The id of a process that ran on this computer and has ended."""
    done = subprocess.run(
        [sys.executable, "-c", "import os; print(os.getpid())"],
        capture_output=True,
        text=True,
        check=True,
    )
    return int(done.stdout)


def left_behind_holder() -> str:
    """A holder token as new_holder() makes them, of a process that has ended here."""
    return f"{this_computer()[:COMPUTER_CHARS]}:{ended_pid()}:0123456789abcdef"
