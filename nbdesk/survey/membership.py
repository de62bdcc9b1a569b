"""Who a round counts by age: the rule a round opens with, and counting again after a date of
birth is corrected."""

from __future__ import annotations

from collections.abc import Collection
from datetime import date

from sqlalchemy import select
from sqlalchemy.orm import Session

from nbdesk.storage.models.survey import CareLeaver, Completion, RoundMember, SurveyRound
from nbdesk.survey.register import SURVEY_AGES, age_on, set_member_bands

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


def by_age(eligible: bool, reason: str) -> bool:
    """Whether a member's counting is as counted_by_age set it, not as the lead did (whose
    include or exclude gives a reason of their own: one copied from the rule's words, for the
    other way round, is still the lead's)."""
    if eligible:
        return reason in ("", NOT_RECORDED_REASON)
    return reason.startswith("Aged ") and reason.endswith(" when the round opened")


def born_corrected(session: Session, person_ids: Collection[int]) -> int:
    """These people's dates of birth changed (edited or imported): their age bands in every
    round move with them (register.set_member_bands), and the open rounds count them again
    (recount_by_age). How many members' counting changed."""
    set_member_bands(session, person_ids=person_ids)
    return recount_by_age(session, person_ids)


def recount_by_age(session: Session, person_ids: Collection[int]) -> int:
    """After dates of birth are corrected: in each open round, these members whose counting was
    set by their age (by_age) are counted again by it: their corrected age on the day the round
    opened. The lead's own includes and excludes, those who have completed (taking them
    out of the count is the lead's to decide, warned that their completion leaves the figures),
    and closed rounds, are left. How many members changed."""
    wanted = sorted(set(person_ids))
    changed = 0
    for start in range(0, len(wanted), _CHUNK):
        rows = session.execute(
            select(RoundMember, SurveyRound.opens_on, CareLeaver.date_of_birth, Completion.round_id)
            .join(SurveyRound, SurveyRound.id == RoundMember.round_id)
            .join(CareLeaver, CareLeaver.id == RoundMember.care_leaver_id)
            .outerjoin(
                Completion,
                (Completion.round_id == RoundMember.round_id)
                & (Completion.care_leaver_id == RoundMember.care_leaver_id),
            )
            .where(
                SurveyRound.closed.is_(False),
                RoundMember.care_leaver_id.in_(wanted[start : start + _CHUNK]),
            )
        ).all()
        for member, opens_on, born, completed in rows:
            if completed is not None or not by_age(member.eligible, member.reason):
                continue
            eligible, reason = counted_by_age(born, opens_on)
            if (member.eligible, member.reason) != (eligible, reason):
                member.eligible, member.reason = eligible, reason
                changed += 1
    session.flush()
    return changed
