"""That the authority told care leavers back what was found and what it is doing: a log of each
time feedback went out (when, how, to how many, about which plan), so a plan can show "shared with
young people on …"."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from sqlalchemy import insert, select
from sqlalchemy.orm import Session

from nbdesk.common import clock
from nbdesk.common.changes import Changes, Done
from nbdesk.feedback.results import FEEDBACK_CHANGED, FindingsError
from nbdesk.storage.models import ActionPlan, FeedbackSent

CHANNELS = ("text", "email", "letter", "in person", "social media", "other")


@dataclass(frozen=True)
class FeedbackView:
    id: int
    plan_id: int | None
    sent_on: date
    channel: str
    how_many: int
    note: str

    @property
    def describe(self) -> str:
        return f"{self.sent_on:%d %b %Y}: {self.how_many} by {self.channel}"


def record_feedback(
    session: Session,
    *,
    plan_id: int | None,
    channel: str,
    how_many: int,
    sent_on: date | None = None,
    note: str = "",
) -> Done[int]:
    if plan_id is not None and session.get(ActionPlan, plan_id) is None:
        raise FindingsError(f"There is no plan with id {plan_id}.")
    cleaned = channel.strip().lower()
    if cleaned not in CHANNELS:
        raise FindingsError(f"The channel must be one of {', '.join(CHANNELS)}, not '{channel}'.")
    if how_many < 1:
        raise FindingsError("Say how many care leavers it went to (1 or more).")
    sent_on = sent_on or clock.today()
    if sent_on > clock.today():
        raise FindingsError("Feedback cannot be recorded as sent on a day still to come.")
    result = session.execute(
        insert(FeedbackSent).values(
            plan_id=plan_id,
            sent_on=sent_on,
            channel=cleaned,
            how_many=how_many,
            note=note.strip()[:2000],
            recorded_at=clock.now(),
        )
    )
    new_id = int(result.inserted_primary_key[0])  # type: ignore[attr-defined]
    return Done(new_id, FEEDBACK_CHANGED | Changes(plans=plan_id is not None))


def list_feedback(session: Session, plan_id: int | None = None) -> list[FeedbackView]:
    """Newest first; for one plan when `plan_id` is given."""
    query = select(FeedbackSent.__table__)
    if plan_id is not None:
        query = query.where(FeedbackSent.plan_id == plan_id)
    rows = session.execute(query.order_by(FeedbackSent.sent_on.desc(), FeedbackSent.id.desc()))
    return [FeedbackView(r.id, r.plan_id, r.sent_on, r.channel, r.how_many, r.note) for r in rows]
