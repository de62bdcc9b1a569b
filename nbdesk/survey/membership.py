"""Who a round counts by age: the rule a round opens with, and counting again after a date of
birth is corrected."""

from __future__ import annotations

from collections.abc import Collection
from datetime import date

from sqlalchemy import select
from sqlalchemy.orm import Session

from nbdesk.storage.models.survey import CareLeaver, RoundMember, SurveyRound
from nbdesk.survey.register import SURVEY_AGES, age_on

_CHUNK = 2000  # people asked for at once

NOT_RECORDED_REASON = "Date of birth not recorded"


def counted_by_age(born: date | None, opens_on: date) -> tuple[bool, str]:
    """Whether a round counts someone by their age on the day it opens, and why not: 16 to 25,
    or no date of birth recorded (counted, with that said, for the lead to look at)."""
    if born is None:
        return True, NOT_RECORDED_REASON
    age = age_on(born, opens_on)
    low, high = SURVEY_AGES
    return (True, "") if low <= age <= high else (False, f"Aged {age} when the round opened")


def by_age(reason: str) -> bool:
    """Whether a member's counting was set by counted_by_age, not by the lead (whose include or
    exclude always gives a reason of their own)."""
    return reason in ("", NOT_RECORDED_REASON) or (
        reason.startswith("Aged ") and reason.endswith(" when the round opened")
    )


def recount_by_age(session: Session, person_ids: Collection[int]) -> int:
    """After dates of birth are corrected: in each open round, these members whose counting was
    set by their age (by_age) are counted again by it, as if the round opened now with the
    corrected dates. The lead's own includes and excludes, and closed rounds, are left. How many
    members changed."""
    wanted = sorted(set(person_ids))
    changed = 0
    for start in range(0, len(wanted), _CHUNK):
        rows = session.execute(
            select(RoundMember, SurveyRound.opens_on, CareLeaver.date_of_birth)
            .join(SurveyRound, SurveyRound.id == RoundMember.round_id)
            .join(CareLeaver, CareLeaver.id == RoundMember.care_leaver_id)
            .where(
                SurveyRound.closed.is_(False),
                RoundMember.care_leaver_id.in_(wanted[start : start + _CHUNK]),
            )
        ).all()
        for member, opens_on, born in rows:
            if not by_age(member.reason):
                continue
            eligible, reason = counted_by_age(born, opens_on)
            if (member.eligible, member.reason) != (eligible, reason):
                member.eligible, member.reason = eligible, reason
                changed += 1
    session.flush()
    return changed
