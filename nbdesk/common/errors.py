"""Failures whose message is written for the person who met them."""

from __future__ import annotations


class PlainError(Exception):
    """A failure nbdesk foresaw (a locked file, a full disk, a file from a newer nbdesk): its
    message says what happened and what to do, so nobody needs a traceback to act on it."""


def is_plain(exc: BaseException) -> bool:
    """Whether a failure's message is enough: bad input and refusals (ValueError, LookupError),
    the file system (OSError) and the failures nbdesk names itself."""
    return isinstance(exc, PlainError | ValueError | LookupError | OSError)
