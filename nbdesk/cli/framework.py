"""framework import / list."""

from __future__ import annotations

import argparse
from pathlib import Path
from typing import Any

from nbdesk.cli import add_db_option, open_db


def register(subparsers: Any) -> None:
    framework = subparsers.add_parser("framework", help="load or list assessment frameworks")
    actions = framework.add_subparsers(dest="action", metavar="ACTION", required=True)

    load = actions.add_parser(
        "import", help="load a framework from a .toml file or an .xlsx/.csv spreadsheet"
    )
    load.add_argument("file", type=Path, metavar="FILE")
    add_db_option(load)
    load.add_argument("--name", help="name for a spreadsheet framework (default: the file name)")
    load.add_argument("--version", dest="fw_version", help="version for a spreadsheet framework")
    load.set_defaults(func=run_import)

    listing = actions.add_parser("list", help="list the frameworks loaded in a file")
    add_db_option(listing)
    listing.set_defaults(func=run_list)


def run_import(args: argparse.Namespace) -> int:
    from nbdesk.forms.spreadsheet import load_any_framework
    from nbdesk.forms.store import store_framework

    definition = load_any_framework(args.file, args.name, args.fw_version)
    with open_db(args) as db, db.transaction() as session:
        result = store_framework(session, definition)
    counts = [len(a.statements) for a in definition.areas]
    what = "Loaded" if result.created else "Already loaded"
    print(
        f"{what}: {definition.name} {definition.version} — {len(counts)} areas, "
        f"{sum(counts)} statements ({', '.join(map(str, counts))})."
    )
    return 0


def run_list(args: argparse.Namespace) -> int:
    from nbdesk.forms.store import list_frameworks

    with open_db(args) as db, db.session() as session:
        rows = list_frameworks(session)
    if not rows:
        print("No frameworks are loaded.")
    for row in rows:
        print(f"{row.title}: {row.areas} areas, {row.statements} statements")
    return 0
