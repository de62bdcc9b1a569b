"""Issue 17, point 3: many PAs saving to one server at once lose nothing and meet no error.

Six processes, each opening nbdesk's Database on the server's URL as the window does, save
contacts and completions through the services the window's person panel calls, one transaction
each, at random moments (tests/support/many_pas.py). Before those, all six start saves for the
same people at the same moment: two contacts each with one person (twelve at once: each must get
its own number) and a completion for another (one is saved; the other five PAs are told plainly
that it is already marked). Afterwards the server holds exactly what each PA was told was saved.

Only with `--backend=postgresql`: on a file the same load is not this test's subject (writers
there wait on the file's lock for at most its busy timeout; tests/storage/test_many_processes.py
covers a file, and benchmarks/bench_server_load.py compares the two).
"""

from __future__ import annotations

import random
from collections.abc import Callable
from typing import Any

import pytest

from nbdesk.survey.completion import ALREADY_MARKED
from tests.support.many_pas import (
    COMPLETION,
    CONTACT,
    Plan,
    check_nothing_lost,
    failures,
    make_authority,
    pa_name,
    run_pas,
)

PAS = 6
CONTACTS = 30
COMPLETIONS = 5
PEOPLE = 48  # caseloads of 8: 5 completions each, and people left over for the races
CONTACTED_BY_ALL = 0  # indexes into the round's people
COMPLETED_BY_ALL = 47


@pytest.fixture
def server_url(request: pytest.FixtureRequest, database_at: Callable[..., Any]) -> str:
    if request.config.getoption("--backend") != "postgresql":
        pytest.skip(
            "server only: run with --backend=postgresql (a file's writers are tested apart)"
        )
    return str(database_at())


def test_many_pas_saving_at_once_on_a_server_lose_nothing(server_url: str) -> None:
    where = make_authority(server_url, PEOPLE, PAS)
    people = where.people
    same_contact, same_completion = people[CONTACTED_BY_ALL], people[COMPLETED_BY_ALL]
    rng = random.Random(17)
    plans = []
    for pa in range(PAS):
        caseload = [p for i, p in enumerate(people) if i % PAS == pa and p != same_completion]
        plans.append(
            Plan(
                server_url,
                where.round_id,
                pa_name(pa),
                # A few people only, so PAs often log a contact with the same person.
                tuple(rng.choice(people[:10]) for _ in range(CONTACTS)),
                tuple(caseload[:COMPLETIONS]),
                where.today,
                seed=pa,
                max_pause_s=0.01,
                first=(
                    (CONTACT, same_contact),
                    (CONTACT, same_contact),
                    (COMPLETION, same_completion),
                ),
            )
        )

    reports = run_pas(plans)

    assert check_nothing_lost(where, reports) == []
    assert all(r.not_started == 0 for r in reports)
    assert sum(len(r.saves) for r in reports) == PAS * (CONTACTS + COMPLETIONS + 3)
    # The twelve contacts started at once (every PA's first two saves) each got a number of its own.
    at_once = sorted(s.number for r in reports for s in r.saves[:2])
    assert at_once == list(range(1, 2 * PAS + 1))
    race = [r.saves[2] for r in reports]
    assert sum(s.saved for s in race) == 1
    told = failures(reports)
    assert len(told) == PAS - 1
    for save in told:
        assert save.kind == COMPLETION and save.person_id == same_completion
        assert save.plain and save.error == f"ValueError: {ALREADY_MARKED}"
