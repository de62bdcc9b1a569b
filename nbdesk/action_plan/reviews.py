"""Review meetings: when one was held, who took part by kind, and young people's comments on the plan
as a whole. The walk through the plan adds one update per action with the review's id, through
`actions.add_update`, so every status a review set is an update like any other.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from sqlalchemy import bindparam, select
from sqlalchemy.orm import Session

from nbdesk.action_plan import vocab
from nbdesk.action_plan.history import PLAN_CHANGED, Step, insert_row
from nbdesk.action_plan.plans import plan_row
from nbdesk.action_plan.vocab import PlanError
from nbdesk.common import clock
from nbdesk.common.changes import Done
from nbdesk.storage.models import PlanReview
from nbdesk.storage.prepared import core

MAX_PEOPLE = 1000


@dataclass(frozen=True)
class Review:
    id: int
    held_on: date
    staff: int
    partners: int
    young_people: int
    young_people_comments: str

    @property
    def who(self) -> str:
        parts = [
            f"{self.staff} staff",
            f"{self.partners} from partner agencies",
            f"{self.young_people} young {'person' if self.young_people == 1 else 'people'}",
        ]
        return ", ".join(parts)


def _count(value: int, what: str) -> int:
    if not 0 <= value <= MAX_PEOPLE:
        raise PlanError(f"The number of {what} must be between 0 and {MAX_PEOPLE}.")
    return value


def start_review(
    session: Session,
    plan_id: int,
    *,
    held_on: date | None = None,
    staff: int = 0,
    partners: int = 0,
    young_people: int = 0,
    young_people_comments: str = "",
) -> Done[int]:
    plan_row(session, plan_id)
    held_on = held_on or clock.today()
    if held_on > clock.today():
        raise PlanError("A review cannot be recorded for a day still to come.")
    counts = (
        _count(staff, "staff"),
        _count(partners, "people from partner agencies"),
        _count(young_people, "young people"),
    )
    if sum(counts) == 0:
        raise PlanError("Say who took part in the review.")
    values: dict[str, object] = {
        "plan_id": plan_id,
        "held_on": held_on,
        "staff": counts[0],
        "partners": counts[1],
        "young_people": counts[2],
        "young_people_comments": vocab.text(young_people_comments, "young people's comments"),
    }
    new_id = insert_row(session, PlanReview, values)
    step = Step(session, plan_id, f"Recorded the review of {vocab.format_day(held_on)}")
    step.inserted("review", {"id": new_id, **values})
    return Done(new_id, PLAN_CHANGED)


def set_comments(session: Session, review_id: int, comments: str) -> Done[None]:
    review = session.get(PlanReview, review_id)
    if review is None:
        raise PlanError(f"There is no review with id {review_id}.")
    comments = vocab.text(comments, "young people's comments")
    step = Step(session, review.plan_id, "Changed young people's comments on the plan")
    step.edited(
        "review", review_id, "young_people_comments", review.young_people_comments, comments
    )
    session.expire(review)
    return Done(None, PLAN_CHANGED)


_REVIEW = PlanReview.__table__
_NEWEST_FIRST = (
    select(
        _REVIEW.c.id,
        _REVIEW.c.held_on,
        _REVIEW.c.staff,
        _REVIEW.c.partners,
        _REVIEW.c.young_people,
        _REVIEW.c.young_people_comments,
    )
    .where(_REVIEW.c.plan_id == bindparam("plan_id"))
    .order_by(_REVIEW.c.held_on.desc(), _REVIEW.c.id.desc())
)


def list_reviews(session: Session, plan_id: int) -> list[Review]:
    """Newest first."""
    return [Review(*r) for r in core(session)(_NEWEST_FIRST, {"plan_id": plan_id}).all()]
