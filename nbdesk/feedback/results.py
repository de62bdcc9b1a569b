"""A round's results from the central team: the official invited and completed counts (beside
nbdesk's own confirmations) and the findings report's aggregate figures, typed in or read from a
spreadsheet `Domain | Finding | Percent | Base`, and compared between a baseline and a follow-up.

A finding whose base is under SMALL_BASE is kept (the lead can see it) but marked, and no file that
leaves the authority prints it.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from pathlib import Path

from sqlalchemy import delete, func, insert, select
from sqlalchemy.orm import Session

from nbdesk.common import clock
from nbdesk.common.changes import Changes, Done
from nbdesk.common.dates import format_day
from nbdesk.common.tabular import TableError, read_table
from nbdesk.storage.models import Finding, RoundResult, SurveyRound
from nbdesk.survey.rounds import get_round

FEEDBACK_CHANGED = Changes(feedback=True)
SMALL_BASE = 10
COLUMNS = ("Domain", "Finding", "Percent", "Base")
MAX_FINDINGS = 500
MAX_DOMAIN, MAX_TEXT = 200, 500


class FindingsError(ValueError):
    """A results or findings entry that cannot be stored; one line, naming row and column."""


@dataclass(frozen=True)
class RoundResultView:
    round_id: int
    round_name: str
    invited: int
    completed: int
    received_on: date
    note: str
    confirmed: int  # completions nbdesk recorded
    eligible: int  # people nbdesk counted in the round

    @property
    def rate(self) -> float | None:
        return self.completed / self.invited if self.invited else None

    @property
    def difference(self) -> int:
        """Official completions less nbdesk's confirmations (positive: some were never told)."""
        return self.completed - self.confirmed


@dataclass(frozen=True)
class FindingView:
    id: int
    round_id: int
    position: int
    domain: str
    text: str
    percent: float
    base: int

    @property
    def small(self) -> bool:
        return self.base < SMALL_BASE

    @property
    def label(self) -> str:
        return f"{self.domain}: {self.text} — {self.percent:g}% of {self.base}"


@dataclass(frozen=True)
class FindingRow:
    """A finding as read or typed, before it is stored."""

    domain: str
    text: str
    percent: float
    base: int


def _round(session: Session, round_id: int) -> SurveyRound:
    row = session.get(SurveyRound, round_id)
    if row is None:
        raise FindingsError(f"There is no survey round with id {round_id}.")
    return row


def set_round_result(
    session: Session,
    round_id: int,
    *,
    invited: int,
    completed: int,
    received_on: date | None = None,
    note: str = "",
) -> Done[None]:
    """Record (or correct) the central team's official counts for a round."""
    survey_round = _round(session, round_id)
    if invited < 0 or completed < 0:
        raise FindingsError("Invited and completed are whole numbers, 0 or more.")
    if completed > invited:
        raise FindingsError(f"Completed ({completed}) cannot be more than invited ({invited}).")
    received_on = received_on or clock.today()
    if received_on > clock.today():
        raise FindingsError("The results cannot have been received on a day still to come.")
    if received_on < survey_round.opens_on:
        # Results come back after a round, never before it: an earlier day is a typing slip.
        raise FindingsError(
            f"The results cannot have been received on {format_day(received_on)}, before the round "
            f"opened ({format_day(survey_round.opens_on)})."
        )
    values = {
        "invited": invited,
        "completed": completed,
        "received_on": received_on,
        "note": note.strip()[:2000],
    }
    existing = session.scalar(select(RoundResult).where(RoundResult.round_id == round_id))
    if existing is None:
        session.execute(insert(RoundResult).values(round_id=round_id, **values))
    else:
        for key, value in values.items():
            setattr(existing, key, value)
    return Done(None, FEEDBACK_CHANGED)


def round_result(session: Session, round_id: int) -> RoundResultView | None:
    row = session.scalar(select(RoundResult).where(RoundResult.round_id == round_id))
    if row is None:
        return None
    summary = get_round(session, round_id)
    return RoundResultView(
        round_id=round_id,
        round_name=summary.name,
        invited=row.invited,
        completed=row.completed,
        received_on=row.received_on,
        note=row.note,
        confirmed=summary.completed,
        eligible=summary.eligible,
    )


# Findings --------------------------------------------------------------------------------------


def check_finding(
    domain: str, text: str, percent: str | float, base: str | int, where: str
) -> FindingRow:
    """One finding checked; `where` says where it came from ("row 4") for the message."""
    domain, text = " ".join(str(domain).split()), " ".join(str(text).split())
    if not domain:
        raise FindingsError(f"{where}, column 'Domain': the domain is empty.")
    if not text:
        raise FindingsError(f"{where}, column 'Finding': the finding is empty.")
    if len(domain) > MAX_DOMAIN:
        raise FindingsError(f"{where}, column 'Domain': longer than {MAX_DOMAIN} characters.")
    if len(text) > MAX_TEXT:
        raise FindingsError(f"{where}, column 'Finding': longer than {MAX_TEXT} characters.")
    try:
        value = float(str(percent).strip().rstrip("%").strip())
    except ValueError:
        raise FindingsError(
            f"{where}, column 'Percent': '{percent}' is not a number from 0 to 100."
        ) from None
    if not 0 <= value <= 100 or value != value:
        raise FindingsError(f"{where}, column 'Percent': {percent} is not between 0 and 100.")
    base_text = str(base).strip()
    if base_text.endswith(".0"):
        base_text = base_text[:-2]
    if not base_text.isdigit():
        raise FindingsError(f"{where}, column 'Base': '{base}' is not a whole number.")
    count = int(base_text)
    if count <= 0:
        raise FindingsError(f"{where}, column 'Base': the base must be more than 0.")
    return FindingRow(domain, text, round(value, 1), count)


def read_findings(path: Path) -> list[FindingRow]:
    """Every finding in a spreadsheet, or FindingsError naming the first bad row and column."""
    try:
        table = read_table(path)
    except TableError as exc:
        raise FindingsError(str(exc)) from None
    try:
        table.require(list(COLUMNS))
    except TableError as exc:
        raise FindingsError(str(exc)) from None
    rows: list[FindingRow] = []
    seen: set[tuple[str, str]] = set()
    for row in table.rows:
        if not any(row.get(c).strip() for c in COLUMNS):
            continue
        where = f"{Path(path).name}: row {row.number}"
        found = check_finding(
            row.get("Domain"), row.get("Finding"), row.get("Percent"), row.get("Base"), where
        )
        key = (found.domain.lower(), found.text.lower())
        if key in seen:
            raise FindingsError(f"{where}: the same finding is listed twice.")
        seen.add(key)
        rows.append(found)
        if len(rows) > MAX_FINDINGS:
            raise FindingsError(f"{Path(path).name}: more than {MAX_FINDINGS} findings.")
    if not rows:
        raise FindingsError(f"{Path(path).name}: no findings under the header row.")
    return rows


def store_findings(session: Session, round_id: int, rows: list[FindingRow]) -> Done[int]:
    """Replace a round's findings with these (an action citing a finding no longer listed loses
    that citation); return how many were stored."""
    _round(session, round_id)
    kept = {
        (f.domain.lower(), f.text.lower()): f.id
        for f in session.scalars(select(Finding).where(Finding.round_id == round_id)).all()
    }
    incoming = {(r.domain.lower(), r.text.lower()) for r in rows}
    gone = [fid for key, fid in kept.items() if key not in incoming]
    if gone:
        session.execute(delete(Finding).where(Finding.id.in_(gone)))
    for position, r in enumerate(rows, start=1):
        values = {"domain": r.domain, "text": r.text, "percent": r.percent, "base": r.base}
        existing = kept.get((r.domain.lower(), r.text.lower()))
        if existing is not None:
            finding = session.get(Finding, existing)
            assert finding is not None
            finding.position = position
            for key, value in values.items():
                setattr(finding, key, value)
        else:
            session.execute(insert(Finding).values(round_id=round_id, position=position, **values))
    return Done(len(rows), FEEDBACK_CHANGED | Changes(plans=bool(gone)))


def add_finding(session: Session, round_id: int, row: FindingRow) -> Done[int]:
    """One finding typed in, at the end of the round's list."""
    _round(session, round_id)
    clash = session.scalar(
        select(Finding.id).where(
            Finding.round_id == round_id,
            func.lower(Finding.domain) == row.domain.lower(),
            func.lower(Finding.text) == row.text.lower(),
        )
    )
    if clash is not None:
        raise FindingsError("That finding is already listed for this round.")
    position = (
        session.scalar(select(func.max(Finding.position)).where(Finding.round_id == round_id)) or 0
    ) + 1
    result = session.execute(
        insert(Finding).values(
            round_id=round_id,
            position=position,
            domain=row.domain,
            text=row.text,
            percent=row.percent,
            base=row.base,
        )
    )
    return Done(int(result.inserted_primary_key[0]), FEEDBACK_CHANGED)  # type: ignore[attr-defined]


def remove_finding(session: Session, finding_id: int) -> Done[None]:
    session.execute(delete(Finding).where(Finding.id == finding_id))
    return Done(None, FEEDBACK_CHANGED | Changes(plans=True))


def list_findings(session: Session, round_id: int) -> list[FindingView]:
    rows = session.execute(
        select(Finding.__table__)
        .where(Finding.round_id == round_id)
        .order_by(Finding.position, Finding.id)
    ).all()
    return [
        FindingView(r.id, r.round_id, r.position, r.domain, r.text, r.percent, r.base) for r in rows
    ]


@dataclass(frozen=True)
class FindingChange:
    domain: str
    text: str
    before: FindingView | None
    after: FindingView | None

    @property
    def points(self) -> float | None:
        """The change in percentage points, where both rounds have the finding."""
        if self.before is None or self.after is None:
            return None
        return round(self.after.percent - self.before.percent, 1)


def compare_findings(
    session: Session, baseline_round_id: int, follow_up_round_id: int
) -> list[FindingChange]:
    """Findings of two rounds side by side, matched by domain and wording (baseline order, then
    any found only in the follow-up)."""
    before = list_findings(session, baseline_round_id)
    after = {
        (f.domain.lower(), f.text.lower()): f for f in list_findings(session, follow_up_round_id)
    }
    pairs: list[FindingChange] = []
    for f in before:
        pairs.append(
            FindingChange(f.domain, f.text, f, after.pop((f.domain.lower(), f.text.lower()), None))
        )
    pairs += [FindingChange(f.domain, f.text, None, f) for f in after.values()]
    return pairs
