"""demo, check and backup."""

from __future__ import annotations

import argparse
import json
from pathlib import Path
from typing import Any

from nbdesk.cli import CommandError, add_db_option, db_location, db_path

# nbdesk.demo's SIZES, named here so building the parser imports no SQLAlchemy (a test keeps them
# the same).
DEMO_SIZES = ["small", "large", "huge"]


def register(subparsers: Any) -> None:
    demo = subparsers.add_parser("demo", help="create a demonstration authority in FILE")
    demo.add_argument("file", type=Path, metavar="FILE")
    demo.add_argument("--size", choices=DEMO_SIZES, default="small")
    demo.set_defaults(func=run_demo)

    check = subparsers.add_parser(
        "check",
        help="schema revision, integrity and counts of a file (of a server database: schema "
        "revision, the authority, counts)",
    )
    add_db_option(check)
    check.add_argument("--json", action="store_true", help="print JSON")
    check.add_argument(
        "--accept-as-is",
        action="store_true",
        help="a file refused because its -wal is missing: open it as it is (only when another "
        "program has opened and closed it since, so nothing is missing)",
    )
    check.set_defaults(func=run_check)

    backup = subparsers.add_parser("backup", help="write a complete copy of the data file")
    add_db_option(backup)
    backup.add_argument("--out", type=Path, required=True, metavar="FILE")
    backup.add_argument("--server", metavar="URL", help="back up this PostgreSQL database instead")
    backup.set_defaults(func=run_backup)


def run_demo(args: argparse.Namespace) -> int:
    from nbdesk.demo import create_demo

    path: Path = args.file
    if path.exists():
        raise CommandError(f"{path} already exists; nbdesk demo will not overwrite it.")
    db = create_demo(path, args.size, progress=lambda step: print(f"… {step}"))
    db.close()
    print(f"Created a {args.size} demonstration authority in {path}.")
    return 0


def run_check(args: argparse.Namespace) -> int:
    from nbdesk.storage.checkup import check_file
    from nbdesk.storage.wal_guard import accept_as_is, lost_wal

    if isinstance(db_location(args), str):
        return check_server(args)

    if args.accept_as_is and lost_wal(db_path(args)):
        accept_as_is(db_path(args))
        print(f"{db_path(args).name} will be opened as it is.")
    report = check_file(db_path(args))
    if args.json:
        extra = {"ok": report.ok, "up_to_date": report.up_to_date}
        print(json.dumps(report.__dict__ | extra, indent=2))
    else:
        upgrade = "" if report.up_to_date else "; opening it in nbdesk upgrades it after a backup"
        print(f"File:      {report.path}")
        print(f"Schema:    {report.revision} (this nbdesk: {report.head}{upgrade})")
        print(f"Integrity: {', '.join(report.integrity)}")
        for table, count in report.counts.items():
            print(f"  {table:<28}{count:>10}")
    return 0 if report.ok else 1


def check_server(args: argparse.Namespace) -> int:
    from nbdesk.storage.checkup import check_server

    url = db_location(args)
    assert isinstance(url, str)
    report = check_server(url)
    if args.json:
        extra = {"ok": report.ok, "up_to_date": report.up_to_date}
        print(json.dumps(report.__dict__ | extra, indent=2))
        return 0 if report.ok else 1
    upgrade = "" if report.up_to_date else "; opening it in nbdesk upgrades it"
    print(f"Server:    {report.path}")
    print("Checked:   the schema revision and the authority (the server keeps its own integrity)")
    print(f"Schema:    {report.revision} (this nbdesk: {report.head}{upgrade})")
    print(f"Authority: {report.authority or 'MISSING: no authority row'}")
    for table, count in report.counts.items():
        print(f"  {table:<28}{count:>10}")
    return 0 if report.ok else 1


def run_backup(args: argparse.Namespace) -> int:
    given = db_location(args)  # a server's URL is text, a file's path a Path
    server: str | None = args.server or (given if isinstance(given, str) else None)
    if server:
        from nbdesk.cli.transfer import backup_server

        return backup_server(server, args.out)
    from nbdesk.storage.backup import backup_file
    from nbdesk.storage.database import inspect_file

    source = db_path(args)
    out: Path = args.out
    if out.exists():
        raise CommandError(f"{out} already exists; choose a new name for the backup.")
    if out.resolve() == source.resolve():
        raise CommandError("The backup must be a different file from the database.")
    inspect_file(source)  # refuse foreign or damaged files; never upgrade the file being copied
    backup_file(source, out)
    print(f"Backed up {source} to {out}.")
    return 0
