"""The command line. The GUI is the default; subcommands do one job each and exit.

Command modules import nothing heavy at module level: `nbdesk` with no subcommand must reach the
window as fast as a bare Qt program, so pandas, openpyxl, reportlab and Alembic wait for their work.
"""

from __future__ import annotations

import argparse
import sys
from collections.abc import Sequence
from datetime import date
from importlib import import_module
from pathlib import Path
from typing import TYPE_CHECKING, Any

from nbdesk import __version__
from nbdesk.storage.location import Location, location, server_label

if TYPE_CHECKING:
    from nbdesk.storage import Database

# Each names a module in nbdesk.cli with `register(subparsers)`.
COMMAND_MODULES = [
    "core",
    "framework",
    "assessment",
    "survey",
    "returns",
    "plan",
    "security",
    "feedback",
    "transfer",
    "server",
]


class CommandError(Exception):
    """A failure to report in one line, with exit code 1."""


def add_db_option(parser: argparse.ArgumentParser) -> None:
    parser.add_argument(
        "--db",
        type=location,
        default=argparse.SUPPRESS,
        metavar="FILE|URL",
        help="the authority's data file (default: the one in the user data folder), or a "
        "PostgreSQL database's URL (postgresql://user@host/name)",
    )


def typed_day(text: str) -> date:
    """A date on the command line, read as the window reads a typed date (25/06/2026, 25/6/26,
    2026-06-25, 25 Jun 2026; day first; a two-digit year is the nearest such year)."""
    from nbdesk.common.dates import parse_date

    try:
        return parse_date(text, past=False, serials=False)
    except ValueError as exc:
        raise argparse.ArgumentTypeError(str(exc)) from None


def command_group(subparsers: Any, name: str, help_text: str) -> Any:
    """The action subparsers of a command several modules add to (`nbdesk export notify`,
    `nbdesk export self-assessment` …): argparse refuses a command registered twice."""
    # Kept on the subparsers object itself: a table keyed by id() handed a new parser the group of
    # a garbage-collected one that had had the same id.
    groups: dict[str, Any] = vars(subparsers).setdefault("_nbdesk_groups", {})
    if name not in groups:
        parser = subparsers.add_parser(name, help=help_text)
        groups[name] = parser.add_subparsers(dest="action", metavar="ACTION", required=True)
    return groups[name]


def db_location(args: argparse.Namespace) -> Location:
    """`--db` as given (a file's path or a server's URL), or the default file."""
    from nbdesk.common.paths import default_db_path

    given: Location | None = getattr(args, "db", None)
    return given if given is not None else default_db_path()


def db_path(args: argparse.Namespace) -> Path:
    """The file a command works on; a server's URL is refused (the command is for files)."""
    found = db_location(args)
    if isinstance(found, str):
        raise CommandError(
            f"This command works on a file, not on a server ({server_label(found)})."
        )
    return found


def open_db(args: argparse.Namespace) -> Database:
    """The database a command works on (upgraded if older), to use in a `with` block that closes
    it: a file, or a server's database."""
    from nbdesk.storage import open_database

    return open_database(db_location(args))


def build_parser(commands: bool = True) -> argparse.ArgumentParser:
    """The whole command line; without `commands`, only the options that start the app (see
    parse_command_line)."""
    parser = argparse.ArgumentParser(
        prog="nbdesk",
        description="The New Belongings desk: self-assessment workshops, survey outreach, "
        "action plans and returns for one local authority. With no command, starts the app.",
        exit_on_error=commands,
    )
    parser.add_argument("--version", action="version", version=version_text())
    add_db_option(parser)
    parser.add_argument(
        "--quit-when-shown",
        action="store_true",
        help="start the app, show the main window with the file's data (its first screen), then "
        "exit 0 without waiting for the check that follows (for smoke tests and benchmarks)",
    )
    parser.add_argument(
        "--self-test",
        type=Path,
        metavar="OUTDIR",
        help="check this installation end to end (create a demonstration authority, open it, "
        "export a return) and write what was done to OUTDIR; exits 0 if all passed",
    )
    parser.add_argument(
        "--demo",
        action="store_true",
        help="open the demonstration authority (created in the data folder on first use)",
    )
    if not commands:
        parser.set_defaults(command=None)
        return parser
    subparsers = parser.add_subparsers(dest="command", metavar="COMMAND")
    for name in COMMAND_MODULES:
        import_module(f"nbdesk.cli.{name}").register(subparsers)
    return parser


def parse_command_line(argv: Sequence[str] | None) -> argparse.Namespace:
    """The command line read. Building every command's parser took about 25 ms, a sixth of a bare
    window's start, so a command line of the app's own options alone (`--db FILE --demo` …) is
    read by a parser of those options; anything else (a command, help, the version, a mistake) is
    read by the whole parser, whose usage and messages name the commands."""
    given = sys.argv[1:] if argv is None else list(argv)
    if _starts_the_app(given):
        try:
            args, rest = build_parser(commands=False).parse_known_args(given)
        except argparse.ArgumentError:
            rest = given
        if not rest:
            return args
    return build_parser().parse_args(given)


_APP_FLAGS = {"--quit-when-shown", "--demo"}
_APP_OPTIONS = {"--db", "--self-test"}  # each followed by its value


def _starts_the_app(given: list[str]) -> bool:
    at = 0
    while at < len(given):
        arg = given[at]
        if arg.split("=", 1)[0] in _APP_OPTIONS and "=" in arg:
            at += 1
        elif arg in _APP_OPTIONS and at + 1 < len(given) and not given[at + 1].startswith("-"):
            at += 2
        elif arg in _APP_FLAGS:
            at += 1
        else:
            return False
    return True


def version_text() -> str:
    from nbdesk.common.buildinfo import build_description

    return f"nbdesk {__version__}{build_description()}"


def main(argv: Sequence[str] | None = None) -> int:
    args = parse_command_line(argv)
    if args.command is None:
        from nbdesk.ui.app import run_gui

        return run_gui(args)
    # A command on an encrypted file this computer holds no key for asks at the terminal.
    from nbdesk.cli.security import ask_at_terminal
    from nbdesk.storage import encryption

    encryption.asker = ask_at_terminal
    try:
        return int(args.func(args) or 0)
    except KeyboardInterrupt:
        return 130
    except Exception as exc:
        from nbdesk.common.errors import plainly

        file = getattr(args, "db", None)
        name = server_label(file) if isinstance(file, str) else Path(file).name if file else ""
        exc = plainly(exc, name)
        if not _is_user_error(exc):
            raise
        print(f"nbdesk: error: {exc}", file=sys.stderr)
        return 1
    finally:
        # main() is also called in-process (tests, the self-test): nothing asks after it returns.
        encryption.asker = None


def _is_user_error(exc: Exception) -> bool:
    from nbdesk.common.atomic import ExportError
    from nbdesk.common.errors import PlainError
    from nbdesk.common.tabular import TableError
    from nbdesk.forms.framework import FrameworkError
    from nbdesk.storage.database import DatabaseError

    user_errors = (
        CommandError,
        PlainError,  # a busy or read-only file, a lost -wal … (every failure nbdesk words itself)
        DatabaseError,
        ExportError,
        FrameworkError,
        TableError,
        LookupError,
        ValueError,
        FileExistsError,
        FileNotFoundError,
        PermissionError,
    )
    from nbdesk.common.errors import is_plain

    return isinstance(exc, user_errors) or is_plain(exc)
