"""What a workshop on an assessment shows, kept in step with what is saved. No Qt.

A workshop walks its pages in framework order: each area's statements, then the area's overall
score. `WorkshopState` holds every rating, note, flag and overall score as saved; each saved
`Change` is applied to it (and each undo reverted), so the screen never reads the database back
after a key press and never drifts from it.
"""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy.orm import Session

from nbdesk.self_assessment.assessments import (
    AreaState,
    AssessmentDetail,
    StatementState,
    load_assessment,
    workshop_page,
)
from nbdesk.self_assessment.ratings import (
    EVIDENCE,
    FIELD_LABELS,
    FLAG,
    OVERALL,
    OVERALL_NOTE,
    RATING,
    STATEMENT_FIELDS,
    Change,
)


@dataclass(frozen=True)
class Page:
    area: int  # index into the areas
    statement: int | None  # index into the area's statements; None for the area's overall page


@dataclass(frozen=True)
class WorkshopStart:
    """Everything a workshop window needs to open: the assessment, and where the group stopped."""

    detail: AssessmentDetail
    resume_page: int | None


def workshop_start(session: Session, assessment_id: int) -> WorkshopStart:
    return WorkshopStart(
        load_assessment(session, assessment_id), workshop_page(session, assessment_id)
    )


def _as_int(text: str | None) -> int | None:
    return None if text in (None, "") else int(text)


class WorkshopState:
    def __init__(self, detail: AssessmentDetail) -> None:
        self.detail = detail
        self.assessment_id = detail.summary.id
        self.areas: tuple[AreaState, ...] = detail.areas
        self.valid_points = [p.points for p in detail.framework.scale]
        statements = detail.statements()
        self.points = {s.statement_id: s.points for s in statements}
        self.evidence = {s.statement_id: s.evidence for s in statements}
        self.flags = {s.statement_id: s.flagged for s in statements}
        self.overall = {a.area_id: a.overall for a in self.areas}
        self.overall_note = {a.area_id: a.overall_note for a in self.areas}
        self.pages = [
            Page(ai, si)
            for ai, area in enumerate(self.areas)
            for si in [*range(len(area.statements)), None]
        ]

    # Saved changes -------------------------------------------------------------------------

    def apply(self, change: Change) -> None:
        """A change has been saved: hold its new value."""
        self._set(change.field, change.target, change.new)

    def revert(self, change: Change) -> None:
        """A change has been undone: hold the value it replaced."""
        self._set(change.field, change.target, change.old)

    def _set(self, field: str, target: int, text: str | None) -> None:
        if field == RATING:
            self.points[target] = _as_int(text)
        elif field == EVIDENCE:
            self.evidence[target] = text or ""
        elif field == FLAG:
            self.flags[target] = text == "yes"
        elif field == OVERALL:
            self.overall[target] = _as_int(text)
        elif field == OVERALL_NOTE:
            self.overall_note[target] = text or ""
        else:
            raise ValueError(f"Unknown field {field!r}")

    # Pages ---------------------------------------------------------------------------------

    def statement_on(self, index: int) -> StatementState | None:
        page = self.pages[index]
        if page.statement is None:
            return None
        return self.areas[page.area].statements[page.statement]

    def area_on(self, index: int) -> AreaState:
        return self.areas[self.pages[index].area]

    def starting_page(self, remembered: int | None) -> int:
        """Where a workshop opens: the page last shown, else the first left unrated."""
        if remembered is not None and 0 <= remembered < len(self.pages):
            return remembered
        for index, page in enumerate(self.pages):
            area = self.areas[page.area]
            if page.statement is None:
                if self.overall[area.area_id] is None:
                    return index
            elif self.points[area.statements[page.statement].statement_id] is None:
                return index
        return 0

    def page_of_statement(self, statement_id: int) -> int | None:
        for index, page in enumerate(self.pages):
            statement = page.statement
            if statement is not None and (
                self.areas[page.area].statements[statement].statement_id == statement_id
            ):
                return index
        return None

    def page_of_overall(self, area_id: int) -> int | None:
        for index, page in enumerate(self.pages):
            if page.statement is None and self.areas[page.area].area_id == area_id:
                return index
        return None

    def first_page_of_area(self, area_index: int) -> int | None:
        for index, page in enumerate(self.pages):
            if page.area == area_index:
                return index
        return None

    def page_of(self, change: Change) -> int | None:
        """The page a change was made on, so an undo can show the room what changed back."""
        if change.field in STATEMENT_FIELDS:
            return self.page_of_statement(change.target)
        return self.page_of_overall(change.target)

    # Figures -------------------------------------------------------------------------------

    def rated(self) -> int:
        return sum(1 for p in self.points.values() if p is not None)

    def rated_in(self, area: AreaState) -> int:
        return sum(1 for s in area.statements if self.points[s.statement_id] is not None)

    def flagged(self) -> list[StatementState]:
        return [s for a in self.areas for s in a.statements if self.flags[s.statement_id]]

    def describe(self, change: Change) -> str:
        """'rating of 7 / M', 'overall score of area 3': what a change touched, in words."""
        where = ""
        for area in self.areas:
            if change.field in (OVERALL, OVERALL_NOTE) and area.area_id == change.target:
                where = f"area {area.number}"
            for s in area.statements:
                if s.statement_id == change.target and change.field in STATEMENT_FIELDS:
                    where = s.reference
        return f"{FIELD_LABELS[change.field].lower()} of {where}"
