"""A demonstration register, survey rounds, outreach contacts and completions (all fictional).

Surnames are invented from nonsense syllables (Puddlewick, Thistlebottom…) so nobody can mistake a
demonstration person for a real one; phone numbers are in Ofcom's range reserved for drama
(07700 900000 to 900999) and emails at example.com.

small: about 120 people, a closed round from 2020, and the current round part-way through;
large: 10,000 people and 100,000 contacts in one round, for the benchmarks (bulk inserts).
"""

from __future__ import annotations

import random
from datetime import date, timedelta
from typing import Any

from sqlalchemy import insert
from sqlalchemy.orm import Session

from nbdesk.common import clock
from nbdesk.storage.models.survey import CareLeaver, Completion, CompletionChange, OutreachContact
from nbdesk.survey.completion import CONFIRMERS, mark_completed
from nbdesk.survey.contacts import OUTCOMES, PURPOSES, log_contact
from nbdesk.survey.register import CHANNELS, PersonFields, add_person
from nbdesk.survey.rounds import exclude_person, list_members, open_round, set_round_closed

FIRST = [
    "Alfie",
    "Amara",
    "Bea",
    "Cai",
    "Dara",
    "Eli",
    "Esme",
    "Finn",
    "Ffion",
    "Gus",
    "Hana",
    "Ike",
    "Isla",
    "Jax",
    "Jude",
    "Kai",
    "Kezia",
    "Lola",
    "Milo",
    "Nia",
    "Olu",
    "Orla",
    "Pip",
    "Remy",
    "Rosa",
    "Sami",
    "Tam",
    "Tia",
    "Uma",
    "Vin",
    "Wren",
    "Xan",
    "Yara",
    "Zed",
    "Ari",
    "Bo",
    "Cleo",
    "Dev",
    "Edie",
    "Fen",
]
SYLLABLE_A = [
    "Puddle",
    "Thistle",
    "Marrow",
    "Quill",
    "Bramble",
    "Wobble",
    "Nettle",
    "Custard",
    "Pickle",
    "Crumble",
    "Tumble",
    "Wiggle",
    "Fizzle",
    "Parsnip",
    "Muddle",
    "Dimple",
    "Snorkel",
    "Turnip",
    "Bumble",
    "Gherkin",
]
SYLLABLE_B = [
    "wick",
    "bottom",
    "feather",
    "finch",
    "snout",
    "thorpe",
    "whistle",
    "sprocket",
    "bury",
    "pott",
    "nose",
    "toast",
    "hop",
    "worth",
    "bean",
    "sock",
]
PAS = (
    "Pat Honeysock",
    "Sam Wafflethorpe",
    "Jo Periwinkle",
    "Alex Crumpetby",
    "Ray Dandelow",
    "Mo Figgleston",
    "Kit Bramblehay",
)
TEAMS = ("North team", "South team", "16+ team")
GENDERS = ("Female", "Male", "Male", "Female", "Non-binary", "")
ETHNICITIES = (
    "White British",
    "White British",
    "Black African",
    "Asian or Asian British",
    "Mixed",
    "White other",
    "Other ethnic group",
)
ACCOMMODATION = (
    "Independent living",
    "Independent living",
    "Semi-independent",
    "Supported lodgings",
    "Staying put with former foster carers",
    "With parents or relatives",
    "Custody",
    "Emergency accommodation",
)
ACTIVITY = ("Education", "Training or employment", "Not in education, employment or training")
NOTES = (
    "Left a voicemail.",
    "Said they'd do it on the bus home.",
    "Asked for the link again.",
    "Prefers WhatsApp in future.",
    "Busy this week, try Friday.",
    "",
    "",
    "",
)


def _surname(rng: random.Random) -> str:
    return rng.choice(SYLLABLE_A) + rng.choice(SYLLABLE_B)


def _born(rng: random.Random, today: date) -> date:
    return today - timedelta(days=rng.randint(16 * 365 + 5, 25 * 365 + 300))


def _person(rng: random.Random, number: int, today: date) -> dict[str, Any]:
    first, last = rng.choice(FIRST), _surname(rng)
    uasc = rng.random() < 0.1
    dnc = rng.random() < 0.03
    channel = rng.choice(CHANNELS[:4])
    pa_index = rng.randrange(len(PAS))
    return {
        "unique_id": f"DEMO{number:05d}",
        "name": f"{first} {last}",
        "preferred_name": first if rng.random() < 0.85 else "",
        "date_of_birth": _born(rng, today),
        "gender": rng.choice(GENDERS),
        "ethnicity": rng.choice(ETHNICITIES),
        "accommodation": rng.choice(ACCOMMODATION),
        "activity": rng.choice(ACTIVITY),
        "eligibility_category": rng.choice(("Former relevant", "Relevant", "Qualifying")),
        "uasc": uasc,
        "disability": "Yes" if rng.random() < 0.12 else "No",
        "pa_name": PAS[pa_index],
        "team": TEAMS[pa_index % len(TEAMS)],
        "phone": f"07700 900{rng.randrange(1000):03d}" if rng.random() < 0.9 else "",
        "email": f"{first.lower()}.{last.lower()}{number}@example.com"
        if rng.random() < 0.7
        else "",
        "preferred_channel": channel,
        "in_custody": rng.random() < 0.02,
        "needs_interpreter": uasc and rng.random() < 0.6,
        "young_parent": rng.random() < 0.08,
        "out_of_area": rng.random() < 0.15,
        "do_not_contact": dnc,
        "do_not_contact_reason": "Asked not to be contacted about surveys" if dnc else "",
    }


def populate(session: Session, size: str, rng: random.Random) -> None:
    """Creating a demonstration register, survey rounds, contacts and completions"""
    if size == "small":
        _small(session, rng)
    else:
        _large(session, rng)


def _small(session: Session, rng: random.Random) -> None:
    today = clock.today()
    ids = [add_person(session, PersonFields(**_person(rng, n, today))).value for n in range(1, 121)]

    # The last round, closed: people then aged 16 to 25 count, as they did at the time.
    earlier = open_round(session, "Time 1 2020", date(2020, 10, 5), date(2020, 12, 18)).value
    for member in list_members(session, earlier.id):
        if member.eligible and rng.random() < 0.48:
            mark_completed(
                session,
                earlier.id,
                member.person_id,
                rng.choice(CONFIRMERS),
                date(2020, 10, 5) + timedelta(days=rng.randint(0, 70)),
            )
    set_round_closed(session, earlier.id, True)

    opens = today - timedelta(days=28)
    current = open_round(session, "Time 2 survey", opens, today + timedelta(days=21)).value
    exclude_person(session, current.id, ids[7], "Moved abroad; no contact details")
    for member in list_members(session, current.id):
        if not member.eligible:
            continue
        contacts = rng.choice((0, 1, 1, 2, 2, 3, 4))
        day = opens + timedelta(days=rng.randint(0, 6))
        for number in range(contacts):
            if day > today:
                break
            purpose = PURPOSES[min(number, len(PURPOSES) - 1)] if number < 3 else "reminder"
            outcome = rng.choice(OUTCOMES[:4])
            log_contact(
                session,
                current.id,
                member.person_id,
                day,
                rng.choice(CHANNELS[:4]),
                purpose,
                outcome,
                rng.choice(NOTES),
                member.pa_name,
            )
            day += timedelta(days=rng.randint(3, 9))
        if contacts and rng.random() < 0.42:
            done = min(today, day)
            mark_completed(session, current.id, member.person_id, rng.choice(CONFIRMERS), done)
    session.flush()


def _large(session: Session, rng: random.Random) -> None:
    today = clock.today()
    stamp = clock.now()
    people = [_person(rng, n, today) | {"updated_at": stamp} for n in range(1, 10_001)]
    for start in range(0, len(people), 2000):
        session.execute(insert(CareLeaver), people[start : start + 2000])
    opens = today - timedelta(days=35)
    current = open_round(session, "Time 2 survey", opens, today + timedelta(days=14)).value
    members = [m for m in list_members(session, current.id) if m.eligible]
    contacts: list[dict[str, Any]] = []
    completions: list[dict[str, Any]] = []
    changes: list[dict[str, Any]] = []
    per_person = 100_000 // len(members)
    extra = 100_000 - per_person * len(members)
    for index, member in enumerate(members):
        count = per_person + (1 if index < extra else 0)
        for number in range(1, count + 1):
            contacts.append(
                {
                    "round_id": current.id,
                    "care_leaver_id": member.person_id,
                    "number": number,
                    "contacted_on": opens + timedelta(days=rng.randint(0, 34)),
                    "channel": rng.choice(CHANNELS),
                    "purpose": rng.choice(PURPOSES),
                    "outcome": rng.choice(OUTCOMES),
                    "note": rng.choice(NOTES),
                    "logged_by": member.pa_name,
                }
            )
        if rng.random() < 0.4:
            day = opens + timedelta(days=rng.randint(0, 34))
            by = rng.choice(CONFIRMERS)
            key = {"round_id": current.id, "care_leaver_id": member.person_id}
            completions.append(key | {"confirmed_by": by, "confirmed_on": day})
            changes.append(
                key
                | {
                    "number": 1,
                    "action": "marked",
                    "changed_on": day,
                    "confirmed_by": by,
                    "reason": "",
                }
            )
    for rows, model in (
        (contacts, OutreachContact),
        (completions, Completion),
        (changes, CompletionChange),
    ):
        for start in range(0, len(rows), 5000):
            session.execute(insert(model), rows[start : start + 5000])
    session.flush()
