from __future__ import annotations

import random

from sqlalchemy.orm import Session

from nbdesk.demo import Report, Scale
from nbdesk.forms.framework import demonstration_framework
from nbdesk.forms.store import store_framework


def populate(session: Session, scale: Scale, rng: random.Random, progress: Report) -> None:
    """Loading the demonstration framework"""
    store_framework(session, demonstration_framework())
