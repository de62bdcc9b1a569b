"""A demonstration register, survey rounds, outreach contacts and completions (all fictional).

Surnames are invented from nonsense syllables (Puddlewick, Thistlebottom…) so nobody can mistake a
demonstration person for a real one; phone numbers are in Ofcom's range reserved for drama
(07700 900000 to 900999) and emails at example.com.

small: about 120 people, a closed round from 2020, and the current round part-way through;
large, huge: the people, contacts and rounds of their sizes (10,000 people and 100,000 contacts in
       one round; 50,000 and 1,000,000 in ten), for the benchmarks, inserted in bulk.
"""

from __future__ import annotations

import random
from datetime import date, timedelta
from typing import Any

from sqlalchemy import insert
from sqlalchemy.orm import Session

from nbdesk.action_plan.vocab import add_months
from nbdesk.common import clock
from nbdesk.demo import Report, Scale
from nbdesk.storage.models.survey import CareLeaver, Completion, CompletionChange, OutreachContact
from nbdesk.survey.completion import CONFIRMERS, mark_completed
from nbdesk.survey.contacts import OUTCOMES, PURPOSES, log_contact
from nbdesk.survey.register import CHANNELS, PersonFields, add_person
from nbdesk.survey.rounds import (
    exclude_person,
    list_members,
    open_round,
    recount_member_contacts,
    set_round_closed,
)

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
BATCH = 5000
REPORT_EVERY = 100_000  # contacts between progress reports
# A contact's fields as the generator makes them (the round and person are added as it goes in).
CONTACT_FIELDS = (
    "number",
    "contacted_on",
    "channel",
    "purpose",
    "outcome",
    "note",
    "logged_by",
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


def populate(session: Session, scale: Scale, rng: random.Random, progress: Report) -> None:
    """Creating a demonstration register, survey rounds, contacts and completions"""
    if scale.generated:
        _generated(session, scale, rng, progress)
    else:
        _small(session, rng)


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


def _round_shares(scale: Scale) -> list[int]:
    """How many of the contacts each round has, oldest first: the open round (the newest) half of
    them when there are earlier rounds, as many per person as the large authority has, and the
    closed rounds the rest between them."""
    if scale.rounds <= 1:
        return [scale.contacts] * scale.rounds
    current = scale.contacts // 2
    closed, extra = divmod(scale.contacts - current, scale.rounds - 1)
    return [closed + (1 if k < extra else 0) for k in range(scale.rounds - 1)] + [current]


def _round_dates(scale: Scale, today: date) -> list[tuple[str, date, date]]:
    """Each round's name, opening and closing day, oldest first: six months apart, the newest
    opened five weeks ago and still open."""
    opens = today - timedelta(days=35)
    found = [("Time 2 survey", opens, today + timedelta(days=14))]
    for back in range(1, scale.rounds):
        earlier = add_months(opens, -6 * back)
        name = f"Survey {earlier.strftime('%B')} {earlier.year}"
        found.append((name, earlier, earlier + timedelta(days=69)))
    return found[::-1]


def _generated(session: Session, scale: Scale, rng: random.Random, progress: Report) -> None:
    """In bulk (Core inserts on the session's connection, a batch at a time): the register, then
    each round, oldest first, with its contacts and completions. Contacts and completions go in
    in key order (round, then person), as completion.py leaves the completion tables (and a
    WITHOUT ROWID table fills fastest that way)."""
    today = clock.today()
    stamp = clock.now()
    bulk = session.connection()
    for start in range(0, scale.people, BATCH):
        people = [
            _person(rng, n, today) | {"updated_at": stamp}
            for n in range(start + 1, min(start + BATCH, scale.people) + 1)
        ]
        bulk.execute(insert(CareLeaver), people)
    progress(f"  {scale.people:,} people")
    completions: list[dict[str, Any]] = []
    changes: list[dict[str, Any]] = []
    logged = 0
    for (name, opens, closes), share in zip(
        _round_dates(scale, today), _round_shares(scale), strict=True
    ):
        survey_round = open_round(session, name, opens, closes).value
        last_day = min(closes, today - timedelta(days=1))
        days = [opens + timedelta(days=d) for d in range((last_day - opens).days + 1)]
        closed = closes < today
        members = [m for m in list_members(session, survey_round.id) if m.eligible]
        per_person, extra = divmod(share, len(members)) if members else (0, 0)
        # Made in the members' order (by name), put in by person.
        contacts: dict[int, list[tuple[Any, ...]]] = {}
        for index, member in enumerate(members):
            count = per_person + (1 if index < extra else 0)
            contacts[member.person_id] = [
                (
                    number,
                    days[rng.randrange(len(days))],
                    rng.choice(CHANNELS),
                    rng.choice(PURPOSES),
                    rng.choice(OUTCOMES),
                    rng.choice(NOTES),
                    member.pa_name,
                )
                for number in range(1, count + 1)
            ]
            if rng.random() < (0.5 if closed else 0.4):
                day = days[rng.randrange(len(days))]
                by = rng.choice(CONFIRMERS)
                key = {"round_id": survey_round.id, "care_leaver_id": member.person_id}
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
        batch: list[dict[str, Any]] = []
        for person_id in sorted(contacts):
            batch += [
                dict(zip(CONTACT_FIELDS, row, strict=True))
                | {"round_id": survey_round.id, "care_leaver_id": person_id}
                for row in contacts[person_id]
            ]
            if len(batch) >= BATCH:
                bulk.execute(insert(OutreachContact), batch)
                if (logged + len(batch)) // REPORT_EVERY > logged // REPORT_EVERY:
                    progress(f"  {logged + len(batch):,} of {scale.contacts:,} contacts")
                logged += len(batch)
                batch = []
        if batch:
            bulk.execute(insert(OutreachContact), batch)
            logged += len(batch)
        # Put in in bulk, not through log_contact: the members' rows are told of them here.
        recount_member_contacts(session, survey_round.id)
        progress(f"  {name}: {len(members):,} eligible, {share:,} contacts")
        if closed:
            set_round_closed(session, survey_round.id, True)
    for rows, model in ((completions, Completion), (changes, CompletionChange)):
        rows.sort(key=lambda row: (row["round_id"], row["care_leaver_id"]))
        for start in range(0, len(rows), BATCH):
            bulk.execute(insert(model), rows[start : start + BATCH])
    session.flush()
