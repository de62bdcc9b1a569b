"""Building blocks for the returns tests: a survey round with known people, made through the models.

The survey-round service was being written alongside the returns, so the round is made here directly
through the tables, with a people list that the tests count by hand.
"""

from __future__ import annotations

import random
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from pathlib import Path

OPENS = date(2026, 3, 2)
CLOSES = date(2026, 4, 24)
ROUND = "Spring 2026"
EARLIER = "Autumn 2025"


@dataclass(frozen=True)
class Person:
    unique_id: str
    name: str
    phone: str
    email: str
    born: date
    gender: str
    accommodation: str
    team: str
    eligible: bool
    completed_on: date | None


def people(count: int = 90, seed: int = 5) -> list[Person]:
    rng = random.Random(seed)
    genders = ["Female"] * 10 + ["Male"] * 10 + ["Non-binary"] + [""]
    places = (
        ["Independent living"] * 6 + ["Semi-independent"] * 4 + ["Staying put"] * 2 + ["Custody"]
    )
    teams = ["North"] * 5 + ["South"] * 5 + ["Leaving care 16+"] * 2
    out = []
    for i in range(count):
        age_days = rng.randint(16 * 365 + 10, 25 * 365 - 10)
        done = rng.random() < 0.55
        out.append(
            Person(
                unique_id=f"ZZ-{i:04d}",
                name=f"Quillon Testperson{i}",
                phone=f"07700 9{i:05d}",
                email=f"quillon{i}@example.invalid",
                born=OPENS - timedelta(days=age_days),
                gender=rng.choice(genders),
                accommodation=rng.choice(places),
                team=rng.choice(teams),
                eligible=rng.random() > 0.05,
                completed_on=OPENS + timedelta(days=rng.randint(0, 40)) if done else None,
            )
        )
    return out


def add_round(
    db_path: Path, group: list[Person], name: str = ROUND, opens: date = OPENS
) -> list[Person]:
    """Add the people to the register (if not there) and a round over them, with completions."""
    from sqlalchemy import select

    from nbdesk.storage import open_database
    from nbdesk.storage.models.survey import (
        CareLeaver,
        Completion,
        RoundMember,
        SurveyRound,
    )
    from nbdesk.survey.register import band_number, set_member_bands

    db = open_database(db_path)
    try:
        with db.transaction() as session:
            ids = {}
            for p in group:
                existing = session.scalar(
                    select(CareLeaver.id).where(CareLeaver.unique_id == p.unique_id)
                )
                if existing is None:
                    row = CareLeaver(
                        unique_id=p.unique_id,
                        name=p.name,
                        date_of_birth=p.born,
                        gender=p.gender,
                        accommodation=p.accommodation,
                        team=p.team,
                        pa_name="Ada Placeholder",
                        phone=p.phone,
                        email=p.email,
                        updated_at=datetime(2026, 1, 1),
                    )
                    session.add(row)
                    session.flush()
                    existing = row.id
                ids[p.unique_id] = existing
            survey = SurveyRound(name=name, opens_on=opens, closes_on=opens + timedelta(days=53))
            session.add(survey)
            session.flush()
            for p in group:
                session.add(
                    RoundMember(
                        round_id=survey.id,
                        care_leaver_id=ids[p.unique_id],
                        eligible=p.eligible,
                        reason="" if p.eligible else "Moved abroad",
                        age_band=band_number(p.born, opens),
                    )
                )
                if p.completed_on is not None:
                    session.add(
                        Completion(
                            round_id=survey.id,
                            care_leaver_id=ids[p.unique_id],
                            confirmed_by="pa",
                            confirmed_on=p.completed_on,
                        )
                    )
            session.flush()
            # Worked out again in SQL, as an edit or the upgrade does: the returns' tests check
            # that agrees with register.age_band at every edge.
            set_member_bands(session, survey.id)
    finally:
        db.close()
    return group


def age_band(born: date, on: date) -> str:
    age = on.year - born.year - ((on.month, on.day) < (born.month, born.day))
    if 16 <= age <= 17:
        return "16 to 17"
    if 18 <= age <= 20:
        return "18 to 20"
    if 21 <= age <= 25:
        return "21 to 25"
    return "Other ages"


def hand_counts(group: list[Person]) -> dict[str, dict[str, tuple[int, int]]]:
    """{breakdown: {group: (eligible, completed)}} counted straight from the people list."""
    out: dict[str, dict[str, tuple[int, int]]] = {
        "Age band": {},
        "Gender": {},
        "Accommodation type": {},
        "PA team": {},
    }
    for p in group:
        if not p.eligible:
            continue
        keys = {
            "Age band": age_band(p.born, OPENS),
            "Gender": p.gender or "Not recorded",
            "Accommodation type": p.accommodation or "Not recorded",
            "PA team": p.team or "Not recorded",
        }
        for breakdown, key in keys.items():
            e, c = out[breakdown].get(key, (0, 0))
            out[breakdown][key] = (e + 1, c + int(p.completed_on is not None))
    return out
