"""Failures whose message is written for the person who met them."""

from __future__ import annotations

import errno


class PlainError(Exception):
    """A failure nbdesk foresaw (a locked file, a full disk, a file from a newer nbdesk): its
    message says what happened and what to do, so nobody needs a traceback to act on it."""


class DiskFullError(PlainError):
    """The disk (or the user's quota) filled while nbdesk was writing: nothing was saved."""


DISK_FULL = (
    "the disk is full, so nothing was saved and the file is as it was. Free some space (or move "
    "the file to a disk with room) and try again."
)


def is_plain(exc: BaseException) -> bool:
    """Whether a failure's message is enough: bad input and refusals (ValueError, LookupError),
    the file system (OSError) and the failures nbdesk names itself."""
    return isinstance(exc, PlainError | ValueError | LookupError | OSError)


def disk_full(exc: BaseException | None) -> bool:
    """Whether a failure, however wrapped, is a full disk: the system's ENOSPC or EDQUOT, or
    SQLite's "database or disk is full" (SQLITE_FULL, which SQLAlchemy wraps)."""
    seen: set[int] = set()
    while exc is not None and id(exc) not in seen:
        seen.add(id(exc))
        if isinstance(exc, OSError) and exc.errno in (errno.ENOSPC, errno.EDQUOT):
            return True
        if getattr(exc, "sqlite_errorname", "") == "SQLITE_FULL":
            return True
        if "database or disk is full" in str(exc):
            return True
        exc = getattr(exc, "orig", None) or exc.__cause__ or exc.__context__
    return False


def plainly(exc: Exception, what: str = "") -> Exception:
    """The failure to show: a full disk, whatever raised it, in one sentence (naming `what`, the
    file, where known), and a server's refusal of what a person's role may not read; any other
    failure as it is."""
    if getattr(getattr(exc, "orig", None), "sqlstate", None) == "42501":  # a server refused
        from nbdesk.storage.roles import read_refusal

        return read_refusal(exc)
    if isinstance(exc, PlainError) or not disk_full(exc):  # a plain one already says it
        return exc
    full = DiskFullError(f"{what}: {DISK_FULL}" if what else DISK_FULL[:1].upper() + DISK_FULL[1:])
    full.__cause__ = exc
    return full
