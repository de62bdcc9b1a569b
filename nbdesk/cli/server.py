"""`nbdesk server …`: an authority on a PostgreSQL server."""

from __future__ import annotations

import argparse
import sys
from typing import Any

from nbdesk.cli import CommandError, command_group
from nbdesk.storage.location import is_server_url, server_label


def register(subparsers: Any) -> None:
    actions = command_group(subparsers, "server", "an authority on a PostgreSQL server")
    init = actions.add_parser(
        "init",
        help="create nbdesk's schema and the authority in an empty PostgreSQL database",
    )
    init.add_argument("url", metavar="URL", help="postgresql://user@host/database")
    init.add_argument("--authority", required=True, metavar="NAME")
    init.set_defaults(func=run_init)


def run_init(args: argparse.Namespace) -> int:
    from nbdesk.storage.server import STATEMENT_LOGGING, create_on_server, limit_statement_logging

    url: str = args.url
    if not is_server_url(url):
        raise CommandError(
            f"{url} is not a PostgreSQL URL (postgresql://user@host/database); "
            "`nbdesk demo FILE` or the app create a file."
        )
    create_on_server(url, args.authority).close()
    print(f"Created the authority {args.authority.strip()} in {server_label(url)}.")
    advice = limit_statement_logging(url)
    if advice is None:
        print(f"The server logs only schema changes here (log_statement = {STATEMENT_LOGGING}).")
    else:
        print(
            "nbdesk: warning: only the server's administrator can stop it logging each save with "
            f"its moment (README, Privacy); ask them to run: {advice};",
            file=sys.stderr,
        )
    return 0
