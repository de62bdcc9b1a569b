"""People and what they may do on a PostgreSQL server (issue 17): one LOGIN role per person, each
a member of one of three group roles, and GRANTs that let the database itself refuse what a role
may not do (hidden buttons alone would leave `psql` open to anyone with a password).

- nbdesk_lead: everything on every table.
- nbdesk_adviser (a personal adviser): reads everything; changes the register and the survey
  rounds (people, rounds and their members, contacts, completions and their history) and nothing
  else: not assessments, frameworks, plans or feedback.
- nbdesk_viewer: reads only, and not care leavers' personal columns (column-level GRANT SELECT):
  figures and exports with no personal data.

No row rules: an adviser logs contacts and completions for anyone on the register, as on a file.
Group roles belong to the whole PostgreSQL cluster, the GRANTs to one database: `set_up` creates
the groups if they are missing and (re)grants in the database it is given, so it is run again
after a migration adds a table (a viewer gets no new table until then: a table nobody has looked
at may hold personal data).

Only for servers, and only imported when a server is in use: a file has no people but its user.
"""

from __future__ import annotations

import re
from typing import TYPE_CHECKING, Any

from nbdesk.common.errors import PlainError

if TYPE_CHECKING:
    from sqlalchemy import Connection, Engine
    from sqlalchemy.exc import DBAPIError
    from sqlalchemy.orm import Session

ROLES = ("lead", "adviser", "viewer")
GROUPS = {"lead": "nbdesk_lead", "adviser": "nbdesk_adviser", "viewer": "nbdesk_viewer"}
ROLE_LABELS = {"lead": "lead", "adviser": "personal adviser", "viewer": "viewer"}

# What a personal adviser may change: the register and the survey rounds.
REGISTER_TABLES = (
    "care_leaver",
    "survey_round",
    "round_member",
    "outreach_contact",
    "completion",
    "completion_change",
)
# What identifies a care leaver or was said about them; a viewer may not read these.
PERSONAL_COLUMNS = {
    "care_leaver": (
        "unique_id",
        "name",
        "preferred_name",
        "date_of_birth",
        "phone",
        "email",
        "do_not_contact_reason",
    ),
    "outreach_contact": ("note",),
}
PERSONAL_WORDS = "names, dates of birth, phone numbers, email addresses and contact notes"

# The areas a refused table belongs to, for the one-line message.
AREAS = {
    **dict.fromkeys(REGISTER_TABLES, "the register or the survey rounds"),
    **dict.fromkeys(
        ("assessment", "rating", "area_overall", "sitting", "participant", "assessment_change"),
        "assessments",
    ),
    **dict.fromkeys(("framework", "framework_area", "framework_rating", "statement"), "frameworks"),
    **dict.fromkeys(
        (
            "action_plan",
            "plan_sign_off",
            "plan_theme",
            "plan_owner",
            "plan_action",
            "plan_update",
            "plan_citation",
            "plan_review",
            "plan_change",
        ),
        "action plans",
    ),
    **dict.fromkeys(
        (
            "round_result",
            "finding",
            "priority_theme",
            "priority_count",
            "priority_quote",
            "feedback_sent",
        ),
        "feedback",
    ),
    "authority": "the authority's details",
}

INSUFFICIENT_PRIVILEGE = "42501"  # PostgreSQL's SQLSTATE for "permission denied"
SIGNED_IN = "nbdesk_signed_in"  # session.info: the person the connection signed in as


class NotPermittedError(PlainError):
    """The database refused: the person's role may not do this."""


class UserError(PlainError):
    """`nbdesk server add-user` refused (a bad name, a person who already exists)."""


# A person's name is a PostgreSQL role name: kept to what needs no quoting anywhere (psql, a
# pg_hba.conf line, a log) and cannot be mistaken for a group.
NAME = re.compile(r"^[a-z][a-z0-9_.]{1,62}$")


# --- Who is signed in ------------------------------------------------------------------------


def signed_in_person(session: Session) -> str | None:
    """The person a server connection signed in as (their role's name), for `logged_by` and the
    histories; None on a file, which keeps what it was given."""
    bind = session.get_bind()
    if bind.dialect.name != "postgresql":
        return None
    if SIGNED_IN not in session.info:
        from sqlalchemy import text

        session.info[SIGNED_IN] = session.scalar(text("SELECT session_user"))
    return str(session.info[SIGNED_IN])


def role_of(conn: Connection) -> str | None:
    """The strongest nbdesk role the signed-in person holds; "lead" for the database's owner or a
    superuser (the administrator who set it up), None for anyone else."""
    from sqlalchemy import text

    held = set(
        conn.execute(
            text(
                "SELECT rolname FROM pg_roles WHERE rolname = ANY(:groups) "
                "AND pg_has_role(session_user, oid, 'MEMBER')"
            ),
            {"groups": list(GROUPS.values())},
        ).scalars()
    )
    for role in ROLES:
        if GROUPS[role] in held:
            return role
    administrator = conn.execute(
        text(
            "SELECT rolsuper OR pg_has_role(session_user, "
            "(SELECT datdba FROM pg_database WHERE datname = current_database()), 'MEMBER') "
            "FROM pg_roles WHERE rolname = session_user"
        )
    ).scalar()
    return "lead" if administrator else None


# --- Refusals in one line --------------------------------------------------------------------


def is_refusal(exc: BaseException) -> bool:
    return getattr(getattr(exc, "orig", None), "sqlstate", None) == INSUFFICIENT_PRIVILEGE


def plain_refusal(engine: Engine, exc: DBAPIError) -> NotPermittedError:
    """What the database refused in a writing transaction, said plainly: "A viewer cannot change
    the register …". Even a refused read there (a viewer's, of a person's name before changing
    them) is worded as the change it was part of."""
    detail = str(exc.orig).strip().splitlines()[0] if exc.orig else ""
    found = re.search(r"permission denied for (?:table|relation|sequence) (\w+)", detail)
    table = found.group(1).removesuffix("_id_seq") if found else ""
    try:
        with engine.connect() as conn:
            role = role_of(conn)
    except Exception:  # the refusal itself is what matters; the role only words it
        role = None
    who = f"A {ROLE_LABELS[role]}" if role else "Your sign-in"
    area = AREAS.get(table, "this")
    return NotPermittedError(f"{who} cannot change {area}; nothing was saved. Ask a lead.")


def read_refusal(exc: BaseException) -> NotPermittedError:
    """A read the database refused (a viewer's, of a personal column a report would need), for
    the command line and the window; said without the role, which would need a new connection."""
    detail = str(getattr(exc, "orig", exc)).strip().splitlines()
    found = re.search(
        r"permission denied for (?:table|relation) (\w+)", detail[0] if detail else ""
    )
    table = found.group(1) if found else ""
    if table in PERSONAL_COLUMNS:
        return NotPermittedError(
            f"This needs care leavers' personal details ({PERSONAL_WORDS}), which your sign-in "
            "may not see (a viewer's may not); ask a lead or a personal adviser."
        )
    return NotPermittedError(
        f"Your sign-in may not see {AREAS.get(table, 'this')}; ask the database's administrator."
    )


# --- Setting up the groups and adding people -------------------------------------------------


def _quote(conn: Connection, name: str) -> str:
    from sqlalchemy import text

    return str(conn.execute(text("SELECT quote_ident(:n)"), {"n": name}).scalar())


def _create_groups(conn: Connection) -> None:
    from sqlalchemy import text

    existing = set(
        conn.execute(
            text("SELECT rolname FROM pg_roles WHERE rolname = ANY(:g)"),
            {"g": list(GROUPS.values())},
        ).scalars()
    )
    for group in GROUPS.values():
        if group not in existing:
            conn.exec_driver_sql(f"CREATE ROLE {group} NOLOGIN")


def grant_statements(tables: list[str]) -> list[str]:
    """The GRANTs for the database's current tables (every one revoked first, so running them
    again after a change leaves exactly these)."""
    lead, adviser, viewer = GROUPS["lead"], GROUPS["adviser"], GROUPS["viewer"]
    groups = f"{lead}, {adviser}, {viewer}"
    out = [
        f"GRANT USAGE ON SCHEMA public TO {groups}",
        f"REVOKE ALL ON ALL TABLES IN SCHEMA public FROM {groups}",
        f"REVOKE ALL ON ALL SEQUENCES IN SCHEMA public FROM {groups}",
        f"GRANT ALL ON ALL TABLES IN SCHEMA public TO {lead}",
        f"GRANT USAGE, SELECT, UPDATE ON ALL SEQUENCES IN SCHEMA public TO {lead}",
        f"GRANT SELECT ON ALL TABLES IN SCHEMA public TO {adviser}",
        f"GRANT USAGE, SELECT ON ALL SEQUENCES IN SCHEMA public TO {adviser}",
        # Tables a later migration adds (made by this same owner): the lead and the adviser can
        # work with them at once; a viewer waits for the next set_up (see the module's notes).
        f"ALTER DEFAULT PRIVILEGES IN SCHEMA public GRANT ALL ON TABLES TO {lead}",
        f"ALTER DEFAULT PRIVILEGES IN SCHEMA public GRANT SELECT ON TABLES TO {adviser}",
        f"ALTER DEFAULT PRIVILEGES IN SCHEMA public "
        f"GRANT USAGE, SELECT ON SEQUENCES TO {lead}, {adviser}",
    ]
    for table in REGISTER_TABLES:
        if table in tables:
            out.append(f"GRANT INSERT, UPDATE, DELETE ON {table} TO {adviser}")
    for table in sorted(tables):
        if table in PERSONAL_COLUMNS:
            continue  # below, column by column
        out.append(f"GRANT SELECT ON {table} TO {viewer}")
    return out


def _viewer_columns(conn: Connection, table: str) -> list[str]:
    from sqlalchemy import inspect

    hidden = set(PERSONAL_COLUMNS[table])
    return [c["name"] for c in inspect(conn).get_columns(table) if c["name"] not in hidden]


def set_up(conn: Connection) -> None:
    """Create the group roles if the cluster lacks them, and grant them what they may do in this
    database. Run by the database's owner (who made the tables), in a transaction."""
    from sqlalchemy import inspect

    _create_groups(conn)
    tables = inspect(conn).get_table_names()
    for statement in grant_statements(tables):
        conn.exec_driver_sql(statement)
    for table in PERSONAL_COLUMNS:
        if table in tables:
            columns = ", ".join(_viewer_columns(conn, table))
            conn.exec_driver_sql(f"GRANT SELECT ({columns}) ON {table} TO {GROUPS['viewer']}")


def groups_exist(conn: Connection) -> bool:
    from sqlalchemy import text

    return bool(
        conn.execute(
            text("SELECT count(*) FROM pg_roles WHERE rolname = ANY(:g)"),
            {"g": list(GROUPS.values())},
        ).scalar()
        == len(GROUPS)
    )


def check_name(name: str) -> str:
    name = name.strip()
    if not NAME.match(name) or name.startswith("nbdesk_") or name.startswith("pg_"):
        raise UserError(
            f"'{name}' cannot be a person's sign-in name: use 2 to 63 lower-case letters, digits, "
            "'_' or '.', starting with a letter (and not starting nbdesk_ or pg_)."
        )
    return name


def _encrypted(conn: Connection, name: str, password: str) -> str:
    """The password as the server stores it (SCRAM-SHA-256, worked out here by libpq), so the
    statement that sets it carries no password a server log could keep."""
    raw: Any = conn.connection.driver_connection
    return bytes(
        raw.pgconn.encrypt_password(password.encode(), name.encode(), b"scram-sha-256")
    ).decode()


def add_user(engine: Engine, name: str, role: str, password: str) -> None:
    """A LOGIN role for one person, in one of the three groups (set up first if need be). The
    engine signs in as the administrator: a superuser, or the database's owner with CREATEROLE."""
    from sqlalchemy import text

    name = check_name(name)
    if role not in ROLES:
        raise UserError(f"'{role}' is not a role ({', '.join(ROLES)}).")
    if not password:
        raise UserError("A person needs a password to sign in; none was given.")
    with engine.begin() as conn:
        if conn.execute(text("SELECT 1 FROM pg_roles WHERE rolname = :n"), {"n": name}).first():
            raise UserError(
                f"'{name}' already exists on this server; nothing was changed. Choose another "
                "name, or ask the administrator to change their role with GRANT and REVOKE."
            )
        set_up(conn)
        quoted = _quote(conn, name)
        secret = _encrypted(conn, name, password)
        literal = str(conn.execute(text("SELECT quote_literal(:s)"), {"s": secret}).scalar())
        conn.exec_driver_sql(
            f"CREATE ROLE {quoted} LOGIN PASSWORD {literal} IN ROLE {GROUPS[role]}"
        )


def grant_again(url: str) -> None:
    """After a migration: the same GRANTs over the tables as they now are, if people have been
    added to this server (nothing to do before the first `add-user`)."""
    from nbdesk.storage.server import make_server_engine

    engine = make_server_engine(url)
    try:
        with engine.begin() as conn:
            if groups_exist(conn):
                set_up(conn)
    finally:
        engine.dispose()
