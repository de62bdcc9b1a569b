"""Services speak SQLAlchemy Core, not SQL text or SQLite's own functions (issue 16).

nbdesk is to run on PostgreSQL as well as SQLite, so everything outside the storage set-up (and the
window and the command line, which do not touch the database directly) builds its statements as
Core expressions that compile for either. This reads every service module's source and fails on
SQL written as text, on SQLite-only functions called through `func`, and on a way round the
dialect (the driver's connection, `exec_driver_sql`, `text()`, the sqlite3 module).
"""

from __future__ import annotations

import ast
import re
from pathlib import Path

import pytest

PACKAGE = Path(__file__).resolve().parents[1] / "nbdesk"
# The SQLite set-up itself, and the layers that reach the database only through the services.
LEFT_OUT = ("storage", "ui", "cli")
# Read with the standard library's sqlite3 before SQLAlchemy is loaded, by design (see
# docs/architecture.md, "Start-up shows data before SQLAlchemy"): a file that is not SQLite is
# opened the usual way instead, so this module is SQLite-only on purpose.
ALLOWED = {"self_assessment/first_screen.py"}

SQL_TEXT = re.compile(
    r"\bSELECT\b.*\bFROM\b|\bINSERT\s+INTO\b|\bUPDATE\s+\w+\s+SET\b|\bDELETE\s+FROM\b"
    r"|\bPRAGMA\s+\w+|\bCREATE\s+(?:UNIQUE\s+)?(?:TABLE|INDEX)\b|\bsqlite_master\b",
    re.DOTALL,
)
SQLITE_FUNCTIONS = {
    "printf",
    "substr",
    "strftime",
    "julianday",
    "unixepoch",
    "datetime",
    "group_concat",
    "ifnull",
    "iif",
    "instr",
    "total",
}
TEXT_SQL_NAMES = {"text", "literal_column", "text_column"}  # imported from sqlalchemy
DRIVER_ATTRIBUTES = {"exec_driver_sql", "driver_connection", "dbapi_connection"}


def service_modules() -> list[Path]:
    return sorted(
        p
        for p in PACKAGE.rglob("*.py")
        if p.relative_to(PACKAGE).parts[0] not in LEFT_OUT
        and p.relative_to(PACKAGE).as_posix() not in ALLOWED
    )


def _docstrings(tree: ast.AST) -> set[int]:
    found = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Module | ast.ClassDef | ast.FunctionDef | ast.AsyncFunctionDef):
            body = node.body
            if body and isinstance(body[0], ast.Expr) and isinstance(body[0].value, ast.Constant):
                found.add(id(body[0].value))
    return found


def _string_text(node: ast.AST) -> str | None:
    if isinstance(node, ast.Constant) and isinstance(node.value, str):
        return node.value
    if isinstance(node, ast.JoinedStr):  # an f-string: its literal parts, placeholders as "?"
        return "".join(
            v.value if isinstance(v, ast.Constant) and isinstance(v.value, str) else "?"
            for v in node.values
        )
    return None


def problems_in(source: str, where: str) -> list[str]:
    tree = ast.parse(source)
    docstrings = _docstrings(tree)
    inside_fstring = {
        id(v) for n in ast.walk(tree) if isinstance(n, ast.JoinedStr) for v in n.values
    }
    found = []
    for node in ast.walk(tree):
        line = f"{where}:{getattr(node, 'lineno', '?')}"
        text = _string_text(node)
        outside = id(node) not in docstrings and id(node) not in inside_fstring
        if text is not None and outside and SQL_TEXT.search(text):
            found.append(f"{line}: SQL as text: {text[:60]!r}")
        if isinstance(node, ast.Attribute):
            if (
                isinstance(node.value, ast.Name)
                and node.value.id == "func"
                and node.attr.lower() in SQLITE_FUNCTIONS
            ):
                found.append(f"{line}: SQLite-only function func.{node.attr}")
            if node.attr in DRIVER_ATTRIBUTES:
                found.append(f"{line}: round the dialect: .{node.attr}")
        if isinstance(node, ast.Import):
            for alias in node.names:
                if alias.name == "sqlite3" or alias.name.startswith("sqlalchemy.dialects.sqlite"):
                    found.append(f"{line}: imports {alias.name}")
        if isinstance(node, ast.ImportFrom) and node.module:
            if node.module == "sqlite3" or node.module.startswith("sqlalchemy.dialects.sqlite"):
                found.append(f"{line}: imports from {node.module}")
            if node.module.split(".")[0] == "sqlalchemy":
                for alias in node.names:
                    if alias.name in TEXT_SQL_NAMES:
                        found.append(f"{line}: SQL as text: sqlalchemy {alias.name}()")
    return found


def test_the_scan_finds_what_it_looks_for() -> None:
    """The scan itself: each kind of construct it refuses is found, and prose and Core are not."""
    bad = """
import sqlite3
from sqlalchemy import func, text
Q = "SELECT id FROM rating WHERE assessment_id = ?"
W = f"UPDATE care_leaver SET phone = '' WHERE id IN ({marks})"
K = func.printf("%08d", n)
D = func.substr(col, 1, 10)
c = session.connection().connection.driver_connection
conn.exec_driver_sql("BEGIN")
"""
    found = problems_in(bad, "bad.py")
    assert len(found) == 8, found
    good = '''
"""Writes use single UPDATE/INSERT statements; SELECT … FROM rating in a docstring is prose."""
from sqlalchemy import func, select
label = "Select the people to contact from the list"
q = select(func.count(), func.max(x), func.coalesce(y, 0), func.row_number().over())
'''
    assert problems_in(good, "good.py") == []


@pytest.mark.parametrize("path", service_modules(), ids=lambda p: p.relative_to(PACKAGE).as_posix())
def test_no_sqlite_only_sql_in_services(path: Path) -> None:
    found = problems_in(path.read_text(encoding="utf-8"), path.relative_to(PACKAGE).as_posix())
    assert not found, "Write these as SQLAlchemy Core expressions:\n" + "\n".join(found)
