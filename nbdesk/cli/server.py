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

    add_user = actions.add_parser(
        "add-user",
        help="a person who signs in as themselves: a PostgreSQL login in the lead, adviser or "
        "viewer group (the password is asked for, never put on the command line)",
    )
    add_user.add_argument("url", metavar="URL", help="the administrator's postgresql://… URL")
    add_user.add_argument("name", metavar="NAME", help="the person's sign-in name, e.g. j.smith")
    add_user.add_argument("--role", required=True, choices=["lead", "adviser", "viewer"])
    add_user.add_argument(
        "--password-stdin",
        action="store_true",
        help="read the password as one line from standard input instead of asking for it",
    )
    add_user.set_defaults(func=run_add_user)


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


def run_add_user(args: argparse.Namespace) -> int:
    import getpass
    import sys

    from nbdesk.storage.roles import ROLE_LABELS, add_user
    from nbdesk.storage.server import make_server_engine

    url: str = args.url
    if not is_server_url(url):
        raise CommandError(f"{url} is not a PostgreSQL URL (postgresql://user@host/database).")
    if args.password_stdin:
        password = sys.stdin.readline().rstrip("\r\n")
    else:
        password = getpass.getpass(f"Password for {args.name}: ")
        if getpass.getpass("Type it again: ") != password:
            raise CommandError("The two passwords differ; nobody was added.")
    engine = make_server_engine(url)
    try:
        add_user(engine, args.name, args.role, password)
    finally:
        engine.dispose()
    print(
        f"{args.name.strip()} can now sign in to {server_label(url)} as a {ROLE_LABELS[args.role]}."
    )
    return 0
