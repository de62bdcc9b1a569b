from __future__ import annotations

import random

from sqlalchemy.orm import Session

from nbdesk.forms.framework import demonstration_framework
from nbdesk.forms.store import store_framework


def populate(session: Session, size: str, rng: random.Random) -> None:
    """Loading the demonstration framework"""
    store_framework(session, demonstration_framework())
