"""What young people say needs to change, gathered by PAs after a round: a tally per round against
the authority's own list of themes, and short anonymous quotes.

A quote keeps its month only. On entry nbdesk looks for any name on the register in it (a first
name, a surname or a preferred name, as a whole word) and warns, so a quote that would identify
someone is caught before it reaches a plan or a report; the warning names the word, never whose
name it is.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date

from sqlalchemy import delete, func, insert, select
from sqlalchemy.orm import Session

from nbdesk.common import clock
from nbdesk.common.changes import Changes, Done
from nbdesk.feedback.results import FEEDBACK_CHANGED, FindingsError
from nbdesk.storage.models import (
    CareLeaver,
    PriorityCount,
    PriorityQuote,
    PriorityTheme,
    SurveyRound,
)

MAX_THEME, MAX_QUOTE = 200, 300
MAX_COUNT = 100_000
# Names this short are too often ordinary words ("Al", "Jo" in "Jo-" …) to be worth a warning.
SHORTEST_NAME = 3
_MONTH = re.compile(r"^(\d{4})-(\d{2})$")


class PriorityError(FindingsError):
    """A priority, count or quote that cannot be stored; the message says why."""


@dataclass(frozen=True)
class QuoteView:
    id: int
    theme_id: int
    month: str
    text: str


@dataclass(frozen=True)
class TallyRow:
    theme_id: int
    theme: str
    count: int
    quotes: tuple[QuoteView, ...]


@dataclass(frozen=True)
class QuoteAdded:
    quote_id: int
    names_found: tuple[str, ...]  # words in the quote that are names on the register


def list_themes(session: Session) -> list[tuple[int, str]]:
    rows = session.execute(
        select(PriorityTheme.id, PriorityTheme.name).order_by(func.lower(PriorityTheme.name))
    ).all()
    return [(r[0], r[1]) for r in rows]


def add_theme(session: Session, name: str) -> Done[int]:
    """A theme on the authority's list; the same name in any case is the same theme."""
    cleaned = " ".join(name.split())
    if not cleaned:
        raise PriorityError("The theme needs a name.")
    if len(cleaned) > MAX_THEME:
        raise PriorityError(f"The theme's name is longer than {MAX_THEME} characters.")
    found = session.scalar(
        select(PriorityTheme.id).where(func.lower(PriorityTheme.name) == cleaned.lower())
    )
    if found is not None:
        return Done(found, Changes())
    result = session.execute(insert(PriorityTheme).values(name=cleaned))
    return Done(int(result.inserted_primary_key[0]), FEEDBACK_CHANGED)  # type: ignore[attr-defined]


def _check(session: Session, round_id: int, theme_id: int) -> None:
    if session.get(SurveyRound, round_id) is None:
        raise PriorityError(f"There is no survey round with id {round_id}.")
    if session.get(PriorityTheme, theme_id) is None:
        raise PriorityError(f"There is no priority theme with id {theme_id}.")


def set_count(session: Session, round_id: int, theme_id: int, count: int) -> Done[None]:
    """How many young people named this theme after the round (replacing the count held)."""
    _check(session, round_id, theme_id)
    if not 0 <= count <= MAX_COUNT:
        raise PriorityError(f"A count is a whole number from 0 to {MAX_COUNT:,}.")
    row = session.scalar(
        select(PriorityCount).where(
            PriorityCount.round_id == round_id, PriorityCount.theme_id == theme_id
        )
    )
    if row is None:
        session.execute(
            insert(PriorityCount).values(round_id=round_id, theme_id=theme_id, count=count)
        )
    else:
        row.count = count
    return Done(None, FEEDBACK_CHANGED)


def month_of(value: str | date | None) -> str:
    """'2026-11' from a day, or from '2026-11' / '11/2026' typed; never finer than the month."""
    if value is None:
        day = clock.today()
        return f"{day.year:04d}-{day.month:02d}"
    if isinstance(value, date):
        return f"{value.year:04d}-{value.month:02d}"
    text = value.strip()
    match = _MONTH.match(text) or re.match(r"^(\d{1,2})/(\d{4})$", text)
    if match is None:
        raise PriorityError(f"'{value}' is not a month: type it as 2026-11 or 11/2026.")
    year, month = (
        (int(match.group(1)), int(match.group(2)))
        if "-" in text
        else (int(match.group(2)), int(match.group(1)))
    )
    if not 1 <= month <= 12 or not 2000 <= year <= 2100:
        raise PriorityError(f"'{value}' is not a month: type it as 2026-11 or 11/2026.")
    return f"{year:04d}-{month:02d}"


def _register_names(session: Session) -> set[str]:
    names: set[str] = set()
    for name, preferred in session.execute(select(CareLeaver.name, CareLeaver.preferred_name)):
        for word in re.findall(r"[^\W\d_]+(?:['’-][^\W\d_]+)*", f"{name} {preferred}"):
            if len(word) >= SHORTEST_NAME:
                names.add(word.lower())
    return names


def names_in(session: Session, text: str) -> tuple[str, ...]:
    """Words in `text` that are names on the register, as they appear in the text."""
    names = _register_names(session)
    found: list[str] = []
    for word in re.findall(r"[^\W\d_]+(?:['’-][^\W\d_]+)*", text):
        # "Amelia's" and "Okonkwo-Smith" hold a name as much as "Amelia" does.
        parts = {word, *re.split(r"['’-]", word)}
        hit = next((p for p in sorted(parts, key=len, reverse=True) if p.lower() in names), None)
        if hit is not None and hit not in found:
            found.append(hit)
    return tuple(found)


def add_quote(
    session: Session,
    round_id: int,
    theme_id: int,
    text: str,
    *,
    month: str | date | None = None,
) -> Done[QuoteAdded]:
    """Keep a short anonymous quote under a theme; the names on the register it contains are
    returned, for the window or command to warn about (the quote is kept: a lead may mean a word,
    not a person, and can edit or remove it)."""
    _check(session, round_id, theme_id)
    cleaned = " ".join(text.split())
    if not cleaned:
        raise PriorityError("The quote is empty.")
    if len(cleaned) > MAX_QUOTE:
        raise PriorityError(
            f"The quote is {len(cleaned)} characters; keep it short ({MAX_QUOTE} at most)."
        )
    result = session.execute(
        insert(PriorityQuote).values(
            round_id=round_id, theme_id=theme_id, month=month_of(month), text=cleaned
        )
    )
    quote_id = int(result.inserted_primary_key[0])  # type: ignore[attr-defined]
    return Done(QuoteAdded(quote_id, names_in(session, cleaned)), FEEDBACK_CHANGED)


def edit_quote(session: Session, quote_id: int, text: str) -> Done[tuple[str, ...]]:
    quote = session.get(PriorityQuote, quote_id)
    if quote is None:
        raise PriorityError(f"There is no quote with id {quote_id}.")
    cleaned = " ".join(text.split())
    if not cleaned or len(cleaned) > MAX_QUOTE:
        raise PriorityError(f"A quote has 1 to {MAX_QUOTE} characters.")
    quote.text = cleaned
    return Done(names_in(session, cleaned), FEEDBACK_CHANGED)


def remove_quote(session: Session, quote_id: int) -> Done[None]:
    session.execute(delete(PriorityQuote).where(PriorityQuote.id == quote_id))
    return Done(None, FEEDBACK_CHANGED)


def tally(session: Session, round_id: int) -> list[TallyRow]:
    """Every theme with a count or a quote for the round, most named first."""
    counts: dict[int, int] = {
        row[0]: row[1]
        for row in session.execute(
            select(PriorityCount.theme_id, PriorityCount.count).where(
                PriorityCount.round_id == round_id
            )
        ).all()
    }
    quotes: dict[int, list[QuoteView]] = {}
    for q in session.execute(
        select(PriorityQuote.__table__)
        .where(PriorityQuote.round_id == round_id)
        .order_by(PriorityQuote.month, PriorityQuote.id)
    ).all():
        quotes.setdefault(q.theme_id, []).append(QuoteView(q.id, q.theme_id, q.month, q.text))
    names = dict(list_themes(session))
    rows = [
        TallyRow(tid, names[tid], int(counts.get(tid, 0)), tuple(quotes.get(tid, ())))
        for tid in set(counts) | set(quotes)
    ]
    return sorted(rows, key=lambda r: (-r.count, r.theme.lower()))
