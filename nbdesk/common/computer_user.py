"""Who is signed in to this computer: what a file records of who did something (a contact logged,
a workshop led). On a server, the database's own sign-in says it instead."""

from __future__ import annotations


def computer_user() -> str:
    """The computer's user name, or "" where there is none to be had (a container running as a
    numeric user)."""
    import getpass

    try:
        return getpass.getuser()
    except (KeyError, OSError):
        return ""
