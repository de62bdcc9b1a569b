"""Who made a change (issue 17): on a server, the person signed in, whatever was typed, in a
contact's `logged_by` and in the completion history's `changed_by`; on a file, as before, what
was typed and nothing. Runs on either backend (--backend)."""

from __future__ import annotations

from collections.abc import Callable
from datetime import date
from typing import Any

from sqlalchemy import select

from nbdesk.storage import create_database
from nbdesk.storage.models import CompletionChange
from nbdesk.survey.completion import mark_completed, unmark_completed
from nbdesk.survey.contacts import contact_history, log_contact
from nbdesk.survey.register import PersonFields, add_person
from nbdesk.survey.rounds import open_round


def test_contacts_and_the_completion_history_name_who_made_them(
    database_at: Callable[..., Any],
) -> None:
    db = create_database(database_at(), "Testshire")
    with db.transaction() as s:
        person = add_person(s, PersonFields("P01", name="Person One")).value
        round_id = open_round(s, "Autumn", date(2026, 10, 1), date(2026, 12, 20)).value.id
    with db.transaction() as s:
        log_contact(
            s, round_id, person, date(2026, 11, 2), "text", "reminder", "no-reply",
            logged_by="  Sam   Adviser ",
        )  # fmt: skip
    with db.transaction() as s:
        mark_completed(s, round_id, person, "pa", date(2026, 11, 3))
    with db.transaction() as s:
        unmark_completed(s, round_id, person, "The wrong person", date(2026, 11, 4))
    with db.session() as s:
        logged_by = contact_history(s, person, round_id)[0].logged_by
        changed_by = s.scalars(select(CompletionChange.changed_by)).all()
    server = db.is_server
    db.close()
    if server:  # the test cluster's URLs sign in as `postgres`
        assert (logged_by, changed_by) == ("postgres", ["postgres", "postgres"])
    else:
        assert (logged_by, changed_by) == ("Sam Adviser", ["", ""])
