"""migrate-to-server, and `backup --server` (registered with `backup` in core): an authority moved
whole between a local file and a PostgreSQL server."""

from __future__ import annotations

import argparse
import os
import sys
from pathlib import Path
from typing import TYPE_CHECKING, Any

from nbdesk.cli import CommandError

if TYPE_CHECKING:
    from sqlalchemy import Engine

    from nbdesk.storage.transfer import TableCount


def register(subparsers: Any) -> None:
    move = subparsers.add_parser(
        "migrate-to-server",
        help="copy the authority in a local file onto an empty PostgreSQL database, whole",
    )
    move.add_argument("file", type=Path, metavar="FILE", help="the local nbdesk file")
    move.add_argument(
        "url", metavar="URL", help="the server database, e.g. postgresql://user@host/nbdesk"
    )
    move.set_defaults(func=run_migrate_to_server)


def server_engine(url: str) -> Engine:
    """An engine on a server database, through psycopg 3 whatever driver the URL names (a plain
    postgresql:// would otherwise ask for psycopg2, which nbdesk does not carry)."""
    from sqlalchemy import create_engine
    from sqlalchemy.engine import make_url

    parsed = make_url(url)
    if parsed.get_backend_name() != "postgresql":
        raise CommandError(f"{shown(url)} is not a PostgreSQL URL (postgresql://…).")
    return create_engine(parsed.set(drivername="postgresql+psycopg"))


def shown(url: str) -> str:
    """The URL as it may be printed: never with its password."""
    from sqlalchemy.engine import make_url

    try:
        return make_url(url).render_as_string(hide_password=True)
    except Exception:
        return "the URL given"


class _Progress:
    """Prints how far a copy has come, every tenth of the way (to stderr, not to the counts)."""

    def __init__(self) -> None:
        self.shown = -1

    def __call__(self, done: int, total: int) -> None:
        tenth = 10 * done // total if total else 10
        if tenth != self.shown:
            self.shown = tenth
            print(f"… {done:,} of {total:,} rows copied", file=sys.stderr)


def print_counts(counts: list[TableCount], source: str, target: str) -> bool:
    """The counts side by side; True if every table holds as many rows on both sides."""
    print(f"  {'table':<24}{source:>12}{target:>12}")
    for count in counts:
        mark = "" if count.equal else "   DIFFERENT"
        print(f"  {count.table:<24}{count.source:>12}{count.target:>12}{mark}")
    return all(count.equal for count in counts)


def _connection_failed(url: str, exc: Exception) -> CommandError:
    detail = str(getattr(exc, "orig", exc)).strip().splitlines()
    return CommandError(
        f"Could not reach {shown(url)}: {detail[0] if detail else exc}. Nothing was changed."
    )


def run_migrate_to_server(args: argparse.Namespace) -> int:
    from sqlalchemy.exc import OperationalError

    from nbdesk.storage import open_database
    from nbdesk.storage.transfer import (
        copy_authority,
        create_schema_by_migrations,
        revision_of,
    )

    engine = server_engine(args.url)
    try:
        try:
            with engine.connect() as conn:
                has_schema = revision_of(conn) is not None
                others = [] if has_schema else conn.dialect.get_table_names(conn)
        except OperationalError as exc:
            raise _connection_failed(args.url, exc) from exc
        if others:
            raise CommandError(
                f"{shown(args.url)} holds tables that are not nbdesk's ({', '.join(others[:3])}); "
                "use an empty database. Nothing was changed."
            )
        with open_database(args.file) as db:
            if not has_schema:
                print(f"Creating nbdesk's schema on {shown(args.url)} …", file=sys.stderr)
                create_schema_by_migrations(engine)
            counts = copy_authority(
                db.engine, engine, target_name=shown(args.url), progress=_Progress()
            )
    finally:
        engine.dispose()
    print(f"Copied {args.file.name} to {shown(args.url)}:")
    if not print_counts(counts, "file", "server"):
        print("Some tables differ: the server's copy is not complete.", file=sys.stderr)
        return 1
    return 0


def backup_server(url: str, out: Path) -> int:
    """A server's authority copied into a new local file, `out`, which nbdesk opens as any other:
    built beside it under a temporary name and given its name only when whole, never over a file
    that is there."""
    from sqlalchemy.exc import OperationalError

    from nbdesk.common.private import create_private_file, private_folder
    from nbdesk.storage.database import WRITING, Database, remove_database_files
    from nbdesk.storage.migrate import upgrade
    from nbdesk.storage.transfer import copy_authority

    out = Path(out)
    if out.exists():
        raise CommandError(f"{out} already exists; choose a new name for the backup.")
    engine = server_engine(url)
    try:
        try:
            with engine.connect():
                pass
        except OperationalError as exc:
            raise _connection_failed(url, exc) from exc
        private_folder(out.parent)
        import secrets  # here, not at the top: it loads OpenSSL, which no start needs

        partial = out.with_name(f".{out.name}.{secrets.token_hex(4)}.partial")
        create_private_file(partial)
        try:
            upgrade(partial)  # the file's schema, built as nbdesk builds every new file
            db = Database(partial)
            try:
                counts = copy_authority(
                    engine,
                    db.engine.execution_options(**{WRITING: True}),
                    target_name=out.name,
                    progress=_Progress(),
                )
            finally:
                db.close()
            _name_without_replacing(partial, out)
        finally:
            remove_database_files(partial)
    finally:
        engine.dispose()
    print(f"Backed up {shown(url)} to {out}:")
    return 0 if print_counts(counts, "server", "file") else 1


def _name_without_replacing(partial: Path, out: Path) -> None:
    """Give the whole copy its name, only if the name is still free: a hard link refuses a name
    that is taken (a rename would replace a file made there meanwhile). A file system with no
    hard links (a FAT memory stick) gets a rename after a last look."""
    appeared = f"{out} appeared while the backup was written; it was left as it is."
    try:
        os.link(partial, out)
    except FileExistsError:
        raise CommandError(appeared) from None
    except OSError:
        if out.exists():
            raise CommandError(appeared) from None
        os.replace(partial, out)
