"""Frameworks kept in the file: stored once, never silently replaced."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import replace

import pytest

from nbdesk.forms.framework import AreaDef, StatementDef, demonstration_framework
from nbdesk.forms.store import (
    FrameworkConflictError,
    find_framework,
    framework_definition,
    list_frameworks,
    store_framework,
)
from nbdesk.storage import create_database, open_database
from nbdesk.storage.location import Location


def test_store_read_back_after_reopening(database_at: Callable[..., Location]) -> None:
    path = database_at("a.nbdesk")
    db = create_database(path, "LA")
    demo = demonstration_framework()
    with db.transaction() as session:
        first = store_framework(session, demo)
    db.close()
    db = open_database(path)
    with db.transaction() as session:
        assert framework_definition(session, first.id) == demo
        again = store_framework(session, demo)
        assert again.id == first.id and again.created is False
        [summary] = list_frameworks(session)
        assert (summary.areas, summary.statements, summary.demonstration) == (10, 106, True)
        assert summary.title == f"{demo.name} {demo.version} (demonstration)"
        assert find_framework(session, demo.name) == first.id
    db.close()


def test_changed_statements_need_a_new_version(database_at: Callable[..., Location]) -> None:
    db = create_database(database_at("a.nbdesk"), "LA")
    demo = demonstration_framework()
    area = demo.areas[0]
    edited = replace(
        demo,
        areas=(
            AreaDef(1, area.title, (StatementDef(1, "a", "Changed."), *area.statements[1:])),
            *demo.areas[1:],
        ),
    )
    with db.transaction() as session:
        store_framework(session, demo)
    with (
        pytest.raises(FrameworkConflictError, match="Give the new one another version"),
        db.transaction() as session,
    ):
        store_framework(session, edited)
    with db.transaction() as session:
        store_framework(session, replace(edited, version="2020-demo.2"))
        old_id = find_framework(session, demo.name, demo.version)
        assert framework_definition(session, old_id) == demo
        assert len(list_frameworks(session)) == 2
        with pytest.raises(LookupError, match="No framework called 'Missing'"):
            find_framework(session, "Missing")
    db.close()
