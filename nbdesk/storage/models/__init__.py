"""Every table nbdesk keeps. Importing this package registers them all on `Base.metadata`."""

from nbdesk.storage.models.base import Base
from nbdesk.storage.models.core import (
    Authority,
    Framework,
    FrameworkArea,
    FrameworkRating,
    Statement,
)

__all__ = [
    "Authority",
    "Base",
    "Framework",
    "FrameworkArea",
    "FrameworkRating",
    "Statement",
]
