"""What an import would do, before it does it: the people to add and update, the warnings, the rows
left out and the ids on rows that differ, and the same in words (`ImportPreview.summary`).
"""

from __future__ import annotations

from collections.abc import Iterable
from collections.abc import Mapping as ReadOnlyMapping
from dataclasses import dataclass, field, replace
from typing import Any

from nbdesk.common.changes import NOTHING, Changes
from nbdesk.survey.register_columns import Mapping


class ImportRejected(ValueError):
    """Rows were refused and the import was not told to leave them out: nothing was stored."""

    def __init__(self, preview: ImportPreview) -> None:
        rows = len(preview.rejected_rows)
        if all(r.kind in ID_KINDS for r in preview.rejections):
            what = f"{'names' if rows == 1 else 'name'} no one (no usable unique id)"
        else:
            what = f"{'is' if rows == 1 else 'are'} refused ({preview.rejections[0].text()})"
        super().__init__(
            f"{_count(rows, 'row')} {what}; nothing was imported. Confirm you have seen them "
            "to import everyone else."
        )
        self.preview = preview


class DuplicatesUnresolved(ValueError):
    """An id is on rows that differ and no row was chosen: nothing was stored."""

    def __init__(self, preview: ImportPreview) -> None:
        super().__init__(
            " ".join(d.text()[:1].upper() + d.text()[1:] + "." for d in preview.duplicates)
            + " Choose which row to keep for each; nothing was imported."
        )
        self.preview = preview


NO_ID = "has no unique id"

# Why a row is refused (Rejection.kind).
NO_ID_KIND = "no id"
SHORTENED = "shortened"  # Excel wrote the id as 1.00239E+11: its digits are lost
BAD_ID = "bad id"  # control characters, or longer than the register keeps
TOO_LONG = "too long"  # another cell longer than the register keeps
ID_KINDS = frozenset({NO_ID_KIND, SHORTENED, BAD_ID})

# What a warning is about, so the summary can say in words why people are listed.
LEFT_BLANK = "left blank"  # a cell that could not be read: the field is blank or left as held
LANDLINE = "landline"  # kept for calls: it cannot take texts
NOT_MOBILE = "not a mobile"  # 03, 08, 070 or 076: kept for calls, cannot take texts either
NO_DNC_REASON = "no do-not-contact reason"  # the flag is kept with a reason saying where from
ID_NUMBER = "id from a number cell"  # may have lost leading zeros: 000123 stored as 123
LIKE_FORMULA = "like a formula"  # begins with = + - or @: kept, never written where it would run
OUTSIDE_AGES = "outside the ages"  # a date of birth making them under 16 or over 25 today: kept
NO_NAME = "no name"  # someone new with no name in the list: added by the id alone


def stored_values(read: ReadOnlyMapping[str, Any]) -> dict[str, Any]:
    """The fields an import stores for a row read: names joined, a cleared flag's reason gone."""
    values = dict(read)
    if values.get("do_not_contact") is False:
        values["do_not_contact_reason"] = ""  # no longer do-not-contact: no reason to keep
    first = values.pop("first_name", None)
    last = values.pop("surname", None)
    if first or last:
        values["name"] = " ".join(p for p in (first, last) if p)
    return values


@dataclass(frozen=True)
class Rejection:
    """A row refused because it cannot name a person: nothing from it is imported."""

    row: int  # as the spreadsheet shows it
    column: str  # the file's header, or "" for the whole row
    reason: str
    kind: str = field(default=NO_ID_KIND, compare=False)

    def text(self) -> str:
        where = f"row {self.row}" + (f", column '{self.column}'" if self.column else "")
        return f"{where}: {self.reason}"


@dataclass(frozen=True)
class FieldWarning:
    """A cell that could not be used as written; the person on the row is imported all the same."""

    row: int
    column: str  # the file's header
    reason: str  # says what was done instead: left blank, left as held, kept for calls
    kind: str = field(default=LEFT_BLANK, compare=False)

    def text(self) -> str:
        return f"row {self.row}, column '{self.column}': {self.reason}"


@dataclass(frozen=True)
class SourceRow:
    number: int
    cells: ReadOnlyMapping[str, str]  # the file's text, by header, as the spreadsheet shows it
    values: ReadOnlyMapping[str, Any]  # the fields as read (first name and surname still apart)


@dataclass(frozen=True)
class DuplicateId:
    """One unique id on rows that read differently: the person importing chooses which to keep."""

    unique_id: str
    rows: tuple[SourceRow, ...]
    differing: tuple[str, ...]  # the file's headers whose cells read differently, in file order
    on_register: bool

    @property
    def row_numbers(self) -> tuple[int, ...]:
        return tuple(r.number for r in self.rows)

    @property
    def names(self) -> tuple[str, ...]:
        """The names its rows give (usually one), to say which person the id is."""
        found: list[str] = []
        for row in self.rows:
            name = stored_values(row.values).get("name", "")
            if name and name not in found:
                found.append(name)
        return tuple(found)

    def text(self) -> str:
        return (
            f"the unique id '{self.unique_id}' is on rows {_and(map(str, self.row_numbers))}, "
            f"which differ in {_and(self.differing)}"
        )


@dataclass(frozen=True)
class ImportPreview:
    source: str
    headers: tuple[str, ...]
    mapping: Mapping
    rows_read: int
    valid: tuple[tuple[int, dict[str, Any]], ...]  # (row number, fields to store): one per person
    rejections: tuple[Rejection, ...]
    new_ids: frozenset[str]
    updated_ids: frozenset[str]
    ignored_headers: tuple[str, ...] = ()
    problems: tuple[str, ...] = field(default=())  # whole-file problems: nothing can be imported
    warnings: tuple[FieldWarning, ...] = ()
    duplicates: tuple[DuplicateId, ...] = ()  # ids on rows that differ, no row chosen yet
    repeats: tuple[tuple[int, int], ...] = ()  # (row, the earlier row it repeats exactly)
    kept: tuple[tuple[DuplicateId, int], ...] = ()  # ids on rows that differ, with the row chosen

    @property
    def rejected_rows(self) -> list[int]:
        return sorted({r.row for r in self.rejections})

    @property
    def can_import(self) -> bool:
        return not self.problems and bool(self.valid) and not self.duplicates

    def resolve(self, choices: ReadOnlyMapping[str, int]) -> ImportPreview:
        """The preview with a row chosen for ids on rows that differ (unique id -> row number):
        the chosen row is imported and the id's other rows, and their warnings, are left out."""
        by_id = {d.unique_id: d for d in self.duplicates}
        for uid in choices:
            if uid not in by_id:
                raise ValueError(f"The unique id '{uid}' is not on rows that differ.")
        valid = list(self.valid)
        new, updated = set(self.new_ids), set(self.updated_ids)
        kept = list(self.kept)
        unresolved: list[DuplicateId] = []
        set_aside: set[int] = set()
        for duplicate in self.duplicates:
            number = choices.get(duplicate.unique_id)
            if number is None:
                unresolved.append(duplicate)
                continue
            chosen = next((r for r in duplicate.rows if r.number == number), None)
            if chosen is None:
                raise ValueError(
                    f"Row {number} does not hold the unique id '{duplicate.unique_id}' (rows "
                    f"{_and(map(str, duplicate.row_numbers))} do)."
                )
            valid.append((chosen.number, stored_values(chosen.values)))
            (updated if duplicate.on_register else new).add(duplicate.unique_id)
            set_aside |= {n for n in duplicate.row_numbers if n != number}
            kept.append((duplicate, number))
        return replace(
            self,
            valid=tuple(sorted(valid, key=lambda v: v[0])),
            new_ids=frozenset(new),
            updated_ids=frozenset(updated),
            warnings=tuple(w for w in self.warnings if w.row not in set_aside),
            duplicates=tuple(unresolved),
            kept=tuple(kept),
        )

    def keep(self, which: str) -> ImportPreview:
        """Every id on rows that differ resolved to its first or its last row."""
        if which not in ("first", "last"):
            raise ValueError(f"Keep the 'first' or the 'last' row, not '{which}'.")
        index = 0 if which == "first" else -1
        return self.resolve({d.unique_id: d.rows[index].number for d in self.duplicates})

    def people_warned(self, kind: str | None = None) -> frozenset[str]:
        """The ids of the people to be imported with a warning (of one kind, if given), counting
        a warning on a row that repeats theirs."""
        person = {number: values["unique_id"] for number, values in self.valid}
        for repeat, earlier in self.repeats:
            if earlier in person:
                person[repeat] = person[earlier]
        return frozenset(
            person[w.row]
            for w in self.warnings
            if w.row in person and (kind is None or w.kind == kind)
        )

    def summary(self) -> str:
        """What the import will do, in words, for the preview dialog and the command line."""
        if self.problems:
            return "Nothing can be imported until this is fixed: " + " ".join(self.problems)
        if not self.rows_read:
            return "The list has no rows below its header, so there is no one to import."
        added, updated = len(self.new_ids), len(self.updated_ids)
        if added and updated:
            people = f"{_count(added, 'person', 'people')} will be added and {updated} updated"
        elif added or updated:
            people = f"{_count(added or updated, 'person', 'people')} will be " + (
                "added" if added else "updated"
            )
        else:
            people = "No one will be added or updated"
        if updated:
            people += " (matched by unique id: their contacts and completions are kept)"
        sentences = [people + "."]

        blank = self.people_warned(LEFT_BLANK)
        if blank:
            held = " or as held" if blank & self.updated_ids else ""
            sentences.append(
                f"{len(blank)} of them {_has(len(blank))} a detail left blank{held} "
                "(see the warnings)."
            )
        landline, other = self.people_warned(LANDLINE), self.people_warned(NOT_MOBILE)
        if landline or other:
            n = len(landline | other)
            what = "a landline" + (" or another number that is not a mobile" if other else "")
            sentences.append(
                f"{n} of them {_has(n)} {what}: kept for calls, but it cannot take texts."
            )
        as_number = self.people_warned(ID_NUMBER)
        if as_number:
            sentences.append(
                f"{len(as_number)} of them {_has(len(as_number))} an id from a number cell, "
                "which may have lost its leading zeros (see the warnings)."
            )
        like_formula = self.people_warned(LIKE_FORMULA)
        if like_formula:
            sentences.append(
                f"{len(like_formula)} of them {_has(len(like_formula))} a name or detail "
                "beginning with =, +, - or @, which a spreadsheet could run as a formula: kept "
                "as typed, and written as text wherever nbdesk exports it (see the warnings)."
            )
        ages = self.people_warned(OUTSIDE_AGES)
        if ages:
            sentences.append(
                f"{len(ages)} of them {'is' if len(ages) == 1 else 'are'} under 16 or over 25 by "
                "the date of birth given: kept as given, so check the dates (see the warnings)."
            )
        nameless = self.people_warned(NO_NAME)
        if nameless:
            sentences.append(
                f"{len(nameless)} of them {_has(len(nameless))} no name in the list: added by "
                "the id alone, so add the name on the register (see the warnings)."
            )
        no_reason = self.people_warned(NO_DNC_REASON)
        if no_reason:
            sentences.append(
                f"{len(no_reason)} of them {'is' if len(no_reason) == 1 else 'are'} marked do "
                "not contact with no reason given (see the warnings)."
            )

        if len(self.repeats) <= 3:
            sentences += [f"Row {r} repeats row {e}: imported once." for r, e in self.repeats]
        else:
            sentences.append(
                f"{len(self.repeats)} rows repeat an earlier row with the same id and details: "
                "each person is imported once."
            )
        if len(self.kept) <= 3:
            for duplicate, number in self.kept:
                others = [str(n) for n in duplicate.row_numbers if n != number]
                sentences.append(
                    f"For the id {duplicate.unique_id}, row {number} is kept and "
                    f"{'row' if len(others) == 1 else 'rows'} {_and(others)} left out."
                )
        else:
            sentences.append(
                f"{len(self.kept)} ids are on rows that differ: the row chosen for each is kept "
                "and the others left out."
            )

        refused = self.rejected_rows
        unusable = {r.row for r in self.rejections if r.kind not in (NO_ID_KIND, SHORTENED)}
        if unusable:
            no_id = len({r.row for r in self.rejections if r.kind == NO_ID_KIND} - unusable)
            shortened = len(refused) - no_id - len(unusable)
            parts = [f"{no_id} with no unique id"] if no_id else []
            parts += [f"{shortened} with an id Excel shortened"] if shortened else []
            parts.append(
                f"{len(unusable)} with an id or a cell nbdesk cannot store (see the rows left out)"
            )
            if len(parts) == 1:
                parts = [
                    f"{'it has' if len(refused) == 1 else 'they have'} an id or a cell nbdesk "
                    "cannot store (see the rows left out)"
                ]
            sentences.append(
                f"{_count(len(refused), 'row')} {'is' if len(refused) == 1 else 'are'} left "
                f"out: {_and(parts)}."
            )
        elif refused:
            no_id = len({r.row for r in self.rejections if r.reason == NO_ID})
            shortened = len(refused) - no_id
            if not shortened:
                why = "it has no unique id" if no_id == 1 else "they have no unique id"
            elif not no_id:
                why = (
                    "Excel shortened its id, so the digits are lost"
                    if shortened == 1
                    else "Excel shortened their ids, so the digits are lost"
                )
            else:
                why = (
                    f"{no_id} with no unique id and {shortened} with an id Excel shortened, so "
                    "the digits are lost"
                )
            sentences.append(
                f"{_count(len(refused), 'row')} {'is' if len(refused) == 1 else 'are'} left "
                f"out: {why}."
            )
        if self.duplicates:
            n = len(self.duplicates)
            where = "two rows" if n == 1 and len(self.duplicates[0].rows) == 2 else "rows"
            sentences.append(
                f"{_count(n, 'id')} {'is' if n == 1 else 'are'} on {where} that differ: "
                + ("choose which to keep." if n == 1 else "choose which row to keep for each.")
            )
        return " ".join(sentences)


def _count(n: int, one: str, many: str | None = None) -> str:
    return f"{n} {one if n == 1 else many or one + 's'}"


def _has(n: int) -> str:
    return "has" if n == 1 else "have"


def _and(items: Iterable[str]) -> str:
    """a, b and c"""
    listed = list(items)
    return ", ".join(listed[:-1]) + " and " + listed[-1] if len(listed) > 1 else "".join(listed)


@dataclass(frozen=True)
class ImportResult:
    added: int
    updated: int
    skipped_rows: int  # rows refused: they name no one
    warned: int = 0  # people imported with a detail left blank, a landline or a default reason
    # Members of open rounds counted again by their corrected age (survey.membership).
    recounted: int = 0

    @property
    def changes(self) -> Changes:
        if not (self.added or self.updated):
            return NOTHING
        return Changes(register=True, members=self.recounted > 0)
