"""Every table nbdesk keeps. Importing this package registers them all on `Base.metadata`."""

from nbdesk.storage.models.assessment import (
    AreaOverall,
    Assessment,
    AssessmentChange,
    Participant,
    Rating,
    Sitting,
)
from nbdesk.storage.models.base import Base
from nbdesk.storage.models.core import (
    Authority,
    Framework,
    FrameworkArea,
    FrameworkRating,
    Statement,
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
    "AreaOverall",
    "Assessment",
    "AssessmentChange",
    "Authority",
    "Base",
    "CareLeaver",
    "Completion",
    "CompletionChange",
    "Framework",
    "FrameworkArea",
    "FrameworkRating",
    "OutreachContact",
    "Participant",
    "Rating",
    "RoundMember",
    "Sitting",
    "Statement",
    "SurveyRound",
]
