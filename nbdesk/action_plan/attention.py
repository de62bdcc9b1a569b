"""What in a plan needs attention, counted the same way by the window, the workbook, the report and
the command line: actions overdue, actions drifting (no update for 90 days), actions never reviewed
with young people, when the next quarterly review is due, the share of actions that involve young
people, and the share they help deliver beside the programme's published figure (which counts
delivering only).

Plain functions of a `PlanView` and a day, so a test can check them against hand counts.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date, timedelta

from nbdesk.action_plan import vocab
from nbdesk.action_plan.views import ActionView, PlanView
from nbdesk.common.figures import fixed


@dataclass(frozen=True)
class Share:
    involving: int  # in any way: co-designing, delivering, reviewing, inspecting, other
    counted: int  # actions not dropped
    delivering: int = 0  # young people help deliver: what the programme's figure counts

    @property
    def fraction(self) -> float | None:
        return self.involving / self.counted if self.counted else None

    @property
    def delivering_fraction(self) -> float | None:
        return self.delivering / self.counted if self.counted else None

    def _of(self, n: int) -> str:
        if not self.counted:
            return "no actions yet"
        # Rounded as the workbook and report round it (a half up: 1 of 8 is 13%, not 12%).
        return f"{n} of {self.counted} ({fixed(100 * n / self.counted)}%)"

    @property
    def text(self) -> str:
        return self._of(self.involving)

    @property
    def against_programme(self) -> str:
        """Like against like: the programme's figure counts young people delivering an action,
        nbdesk's share every way they take part (a tester read the two as one measure)."""
        return (
            f"young people help deliver {self._of(self.delivering)}, where the programme's "
            f"evaluation found about {round(100 * vocab.PUBLISHED_INVOLVEMENT_SHARE)}%"
        )


def involvement(actions: Iterable[ActionView]) -> Share:
    """Of the actions not dropped, how many involve young people, and how many they help deliver."""
    counted = [a for a in actions if a.status != vocab.DROPPED]
    return Share(
        sum(1 for a in counted if a.involves_young_people),
        len(counted),
        sum(1 for a in counted if DELIVERING in a.involvement),
    )


DELIVERING = "delivering"


def is_overdue(action: ActionView, today: date) -> bool:
    return action.is_open and action.due_on is not None and action.due_on < today


def is_drifting(action: ActionView, today: date) -> bool:
    return action.is_open and (today - action.last_heard_on) > timedelta(days=vocab.DRIFT_DAYS)


def next_review_on(plan: PlanView) -> date:
    """Three months after the latest review, or after the plan started if none yet."""
    last = plan.reviews[0].held_on if plan.reviews else plan.summary.starts_on
    return vocab.add_months(last, vocab.REVIEW_EVERY_MONTHS)


@dataclass(frozen=True)
class Attention:
    overdue: tuple[ActionView, ...]
    drifting: tuple[ActionView, ...]
    never_reviewed_with_young_people: tuple[ActionView, ...]
    next_review_on: date
    review_overdue: bool
    share: Share
    share_by_theme: tuple[tuple[str, Share], ...]
    by_status: dict[str, int]

    @property
    def published_share_text(self) -> str:
        return self.share.against_programme


def attention(plan: PlanView, today: date) -> Attention:
    actions = plan.actions
    open_actions = [a for a in actions if a.is_open]
    review_on = next_review_on(plan)
    return Attention(
        overdue=tuple(a for a in actions if is_overdue(a, today)),
        drifting=tuple(a for a in actions if is_drifting(a, today)),
        never_reviewed_with_young_people=tuple(
            a for a in open_actions if not a.reviewed_with_young_people
        ),
        next_review_on=review_on,
        review_overdue=review_on < today,
        share=involvement(actions),
        share_by_theme=tuple((t.title, involvement(t.actions)) for t in plan.themes),
        by_status={s: sum(1 for a in actions if a.status == s) for s in vocab.STATUSES},
    )
