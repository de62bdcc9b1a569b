"""encrypt and decrypt: an authority's file (and its backups) encrypted at rest, or plain again."""

from __future__ import annotations

import argparse
import getpass
import sys
from pathlib import Path
from typing import Any

from nbdesk.cli import CommandError, add_db_option, db_path
from nbdesk.common import paths


def register(subparsers: Any) -> None:
    encrypt = subparsers.add_parser(
        "encrypt", help="encrypt the data file and its backups (the key kept by this computer)"
    )
    add_db_option(encrypt)
    encrypt.add_argument(
        "--passphrase",
        action="store_true",
        help="lock it with a passphrase instead (asked for, or one line on standard input); "
        "portable mode always does",
    )
    encrypt.set_defaults(func=run_encrypt)

    decrypt = subparsers.add_parser("decrypt", help="write the data file and its backups plain")
    add_db_option(decrypt)
    decrypt.set_defaults(func=run_decrypt)


def read_secret(prompt: str, *, confirm: bool = False) -> str:
    """Typed at a terminal without echo (twice when `confirm`), or one line from a pipe."""
    if not sys.stdin.isatty():
        line = sys.stdin.readline().rstrip("\r\n")
        if not line:
            raise CommandError("No passphrase or key was given on standard input.")
        return line
    first = getpass.getpass(prompt)
    if confirm and getpass.getpass("Type it again: ") != first:
        raise CommandError("The two passphrases differ; nothing was changed.")
    return first


def ask_at_terminal(path: Path) -> str | None:
    """How a command unlocks a file whose key this computer does not hold."""
    try:
        return read_secret(f"Recovery key or passphrase for {path.name}: ")
    except (CommandError, OSError, EOFError):
        return None


def run_encrypt(args: argparse.Namespace) -> int:
    from nbdesk.storage.backup import copies_of
    from nbdesk.storage.database import inspect_file
    from nbdesk.storage.encryption import encrypt_file, is_encrypted

    path = db_path(args)
    if is_encrypted(path):
        raise CommandError(f"{path.name} is already encrypted.")
    inspect_file(path)  # a foreign or damaged file is refused before anything is written
    passphrase = None
    if args.passphrase or paths.portable():
        passphrase = read_secret("Passphrase (12 characters or more): ", confirm=True)
    done = encrypt_file(path, passphrase=passphrase, backups=copies_of(path))
    print(f"Encrypted {path} and {done.backups} backup(s).")
    if done.recovery_key:
        print()
        print("Recovery key (write it down and keep it somewhere safe; it is not shown again):")
        print(f"    {done.recovery_key}")
        print()
        if done.stored:
            print("This computer's credential store keeps the key, so nbdesk opens the file")
            print("without asking. On another computer, or if the store is lost, give the")
            print("recovery key.")
        else:
            print("This computer has no credential store nbdesk can use: nbdesk will ask for")
            print("the recovery key each time the file is opened.")
    else:
        print("nbdesk asks for the passphrase each time the file is opened.")
    return 0


def run_decrypt(args: argparse.Namespace) -> int:
    from nbdesk.storage.backup import copies_of
    from nbdesk.storage.encryption import decrypt_file, is_encrypted, secret_for

    path = db_path(args)
    if not path.is_file():
        raise CommandError(f"{path} does not exist or is not a file.")
    if not is_encrypted(path):
        raise CommandError(f"{path.name} is not encrypted.")
    secret = secret_for(path, ask=ask_at_terminal)
    count = decrypt_file(path, secret, backups=copies_of(path))
    print(f"Decrypted {path} and {count} backup(s); they are plain SQLite files again.")
    return 0
