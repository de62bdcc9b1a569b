"""The log file: where the technical details of a failure go, so error messages can stay plain.

Staff see a sentence they can act on; whoever supports them finds the traceback in nbdesk.log in
the data folder (rotated at 1 MB, three old logs kept).
"""

from __future__ import annotations

import contextlib
import logging
from pathlib import Path
from typing import Any

from nbdesk.common.paths import log_path
from nbdesk.common.private import create_private_file, make_private

LOGGER = "nbdesk"
FORMAT = "%(asctime)s %(levelname)s %(name)s: %(message)s"


class _PrivateLog(logging.Handler):
    """The log file, opened (and logging.handlers imported) when the first record comes: that
    module brings socket and pickle with it, 2.4 MiB of the start's memory for a file most runs
    never write (issue 16: memory at the first screen)."""

    def __init__(self, path: Path) -> None:
        super().__init__()
        self.path = path.resolve()
        self._file: logging.Handler | None = None

    def emit(self, record: logging.LogRecord) -> None:
        if self._file is None:
            self._file = _rotating(self.path)
            self._file.setFormatter(self.formatter)
        self._file.emit(record)

    def close(self) -> None:
        if self._file is not None:
            self._file.close()
        super().close()


def _rotating(path: Path) -> logging.Handler:
    """Rotated at 1 MB, three old logs kept; each new one readable by the user alone (its
    tracebacks may quote what was being saved)."""
    from logging.handlers import RotatingFileHandler

    class Private(RotatingFileHandler):
        def _open(self) -> Any:
            if not path.exists():
                with contextlib.suppress(FileExistsError):
                    create_private_file(path)
            stream = super()._open()
            make_private(path)
            return stream

    return Private(path, maxBytes=1_000_000, backupCount=3, encoding="utf-8", delay=True)


_handler: _PrivateLog | None = None


def set_up_logging() -> Path:
    """Send nbdesk's warnings and errors to the log file in the data folder (once per process)."""
    global _handler
    path = log_path()
    if _handler is None or _handler.path != path.resolve():
        logger = logging.getLogger(LOGGER)
        if _handler is not None:
            logger.removeHandler(_handler)
            _handler.close()
        _handler = _PrivateLog(path)
        _handler.setFormatter(logging.Formatter(FORMAT))
        logger.addHandler(_handler)
        logger.setLevel(logging.INFO)
    return path


def record_failure(what: str, details: str) -> Path:
    """Write a failure and its technical details to the log; the log's path, to tell the person."""
    path = set_up_logging()
    logging.getLogger(LOGGER).error("%s\n%s", what, details.rstrip())
    return path
