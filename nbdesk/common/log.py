"""The log file: where the technical details of a failure go, so error messages can stay plain.

Staff see a sentence they can act on; whoever supports them finds the traceback in nbdesk.log in
the data folder (rotated at 1 MB, three old logs kept).
"""

from __future__ import annotations

import contextlib
import logging
from logging.handlers import RotatingFileHandler
from pathlib import Path

from nbdesk.common.paths import log_path
from nbdesk.common.private import create_private_file, make_private

LOGGER = "nbdesk"


class _PrivateLog(RotatingFileHandler):
    """The log, and each new one after a rotation, readable by the user alone (its tracebacks may
    quote what was being saved)."""

    def _open(self):  # type: ignore[no-untyped-def]
        path = Path(self.baseFilename)
        if not path.exists():
            with contextlib.suppress(FileExistsError):
                create_private_file(path)
        stream = super()._open()
        make_private(path)
        return stream


_handler: RotatingFileHandler | None = None


def set_up_logging() -> Path:
    """Send nbdesk's warnings and errors to the log file in the data folder (once per process)."""
    global _handler
    path = log_path()
    if _handler is None or Path(_handler.baseFilename) != path.resolve():
        logger = logging.getLogger(LOGGER)
        if _handler is not None:
            logger.removeHandler(_handler)
            _handler.close()
        _handler = _PrivateLog(
            path, maxBytes=1_000_000, backupCount=3, encoding="utf-8", delay=True
        )
        _handler.setFormatter(logging.Formatter("%(asctime)s %(levelname)s %(name)s: %(message)s"))
        logger.addHandler(_handler)
        logger.setLevel(logging.INFO)
    return path


def record_failure(what: str, details: str) -> Path:
    """Write a failure and its technical details to the log; the log's path, to tell the person."""
    path = set_up_logging()
    logging.getLogger(LOGGER).error("%s\n%s", what, details.rstrip())
    return path
