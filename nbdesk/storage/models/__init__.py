"""Every table nbdesk keeps. Importing this package registers them all on `Base.metadata`."""

from nbdesk.storage.models.action_plan import (
    ActionPlan,
    PlanAction,
    PlanChange,
    PlanCitation,
    PlanOwner,
    PlanReview,
    PlanSignOff,
    PlanTheme,
    PlanUpdate,
)
from nbdesk.storage.models.assessment import (
    AreaOverall,
    Assessment,
    AssessmentChange,
    Participant,
    Rating,
    Sitting,
    WorkshopLease,
)
from nbdesk.storage.models.base import Base
from nbdesk.storage.models.core import (
    Authority,
    Framework,
    FrameworkArea,
    FrameworkRating,
    Statement,
)
from nbdesk.storage.models.feedback import (
    FeedbackSent,
    Finding,
    PriorityCount,
    PriorityQuote,
    PriorityTheme,
    RoundResult,
)
from nbdesk.storage.models.survey import (
    CareLeaver,
    Completion,
    CompletionChange,
    OutreachContact,
    RoundMember,
    SurveyRound,
)

__all__ = [
    "ActionPlan",
    "AreaOverall",
    "Assessment",
    "AssessmentChange",
    "Authority",
    "Base",
    "CareLeaver",
    "Completion",
    "CompletionChange",
    "FeedbackSent",
    "Finding",
    "Framework",
    "FrameworkArea",
    "FrameworkRating",
    "OutreachContact",
    "Participant",
    "PlanAction",
    "PlanChange",
    "PlanCitation",
    "PlanOwner",
    "PlanReview",
    "PlanSignOff",
    "PlanTheme",
    "PlanUpdate",
    "PriorityCount",
    "PriorityQuote",
    "PriorityTheme",
    "Rating",
    "RoundMember",
    "RoundResult",
    "Sitting",
    "Statement",
    "SurveyRound",
    "WorkshopLease",
]
