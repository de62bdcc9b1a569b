"""Filling the register from a spreadsheet: Ofsted's Annex A care-leaver list or a plain list.

Every cell is read as text (nbdesk.common.tabular) and checked here, so what a council's export contains
(dates in several formats or as Excel serial numbers, numbers stored as text, stray spaces, blank
rows) is either understood or reported with its row, column and reason.

An import never drops a person for a detail. A row is refused only when it cannot name a person:
it has no unique id, or Excel shortened the id (1.00239E+11) so its digits are lost. Any other
cell that cannot be read (a broken email, a date that does not exist, "maybe" for yes or no) is a
warning: the person is imported with that field blank, or, if they are already on the register,
with the value held left as it is. A landline is kept as the person's phone (they can be called)
and listed as a warning because it cannot take texts. Two rows with the same id that read the
same are one person; two that differ are shown side by side until the person importing chooses
which to keep (`ImportPreview.resolve`).

The import is all or nothing: `preview_import` finds every problem without changing anything, and
`apply_import` either stores every person in the caller's transaction or, if a row was refused and
the caller has not said the refusals were seen, or an id's rows still differ, raises and stores
nothing.

Re-importing matches people by their unique id and updates only the fields the file's mapped
columns hold; a blank cell leaves what nbdesk holds as it was (a mobile number typed by a PA is not
wiped by a list that lacks it). Contacts, completions and round membership hang off the person's
row and are kept.

A workbook may hold several lists (Ofsted's Annex A has one sheet per list, each with a Child
Unique ID column); without a sheet named, the one whose headers look most like a care-leaver list
is read.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Callable
from datetime import date
from typing import Any

from sqlalchemy import insert, select, update
from sqlalchemy.orm import Session

from nbdesk.common import clock
from nbdesk.common.dates import not_known, parse_birth_date
from nbdesk.common.tabular import (
    Row,
    Table,
)
from nbdesk.common.text import excel_shortened, tidy, yes_no
from nbdesk.storage.models.survey import CareLeaver
from nbdesk.survey.contact_details import email_address, is_landline, takes_texts, uk_phone
from nbdesk.survey.import_checks import (
    NAME_KEYS,
    LostZeros,
    formula_warning,
    id_problem,
    like_formula,
    too_long,
)
from nbdesk.survey.import_preview import (
    BAD_ID,
    ID_NUMBER,
    LANDLINE,
    LIKE_FORMULA,
    NO_DNC_REASON,
    NO_ID,
    NO_NAME,
    NOT_MOBILE,
    OUTSIDE_AGES,
    SHORTENED,
    TOO_LONG,
    DuplicateId,
    DuplicatesUnresolved,
    FieldWarning,
    ImportPreview,
    ImportRejected,
    ImportResult,
    Rejection,
    SourceRow,
    stored_values,
)
from nbdesk.survey.membership import born_corrected
from nbdesk.survey.register import (
    FIELD_NAMES,
    SURVEY_AGES,
    age_on,
    parse_channel,
)
from nbdesk.survey.register_columns import BOOLEAN_KEYS, Mapping, guess_mapping, mapping_problems

# What a blank cell stands for when a new person is added (an update leaves the field alone).
BLANK: dict[str, Any] = {n: "" for n in FIELD_NAMES} | {k: False for k in BOOLEAN_KEYS}
BLANK["date_of_birth"] = None
DEFAULT_DNC_REASON = "Marked do not contact in the imported list"
# Contact details and dates that lists write as "n/k" or "-": the same as a blank cell.
NOT_KNOWN_ALLOWED = {"date_of_birth", "phone", "email"}


def _read_cell(key: str, text: str, today: date) -> Any:
    """The cell's value, None for "not known", or ValueError saying why it cannot be read."""
    if key in NOT_KNOWN_ALLOWED and not_known(text):
        return None
    if key == "date_of_birth":
        return parse_birth_date(text, today)
    if key == "phone":
        # A landline is kept: the person can still be called (the preview warns it takes no texts).
        return uk_phone(text)
    if key == "email":
        return email_address(text)
    if key == "preferred_channel":
        return parse_channel(text)
    if key in BOOLEAN_KEYS:
        return yes_no(text)
    return tidy(text)


def _read_row(
    row: Row, uid: str, mapping: Mapping, today: date, held_reason: str | None
) -> tuple[dict[str, Any], list[FieldWarning]]:
    """A row's fields as read, and a warning for each cell that cannot be used as written.
    `held_reason` is the do-not-contact reason on the register, None for someone new."""
    values: dict[str, Any] = {"unique_id": uid}
    warnings: list[FieldWarning] = []
    on_register = held_reason is not None
    for key, header in mapping.items():
        text = row.get(header)
        if key in NAME_KEYS and like_formula(tidy(text)):
            warnings.append(
                FieldWarning(row.number, header, formula_warning(tidy(text)), LIKE_FORMULA)
            )
        if key == "unique_id" or not text.strip().lstrip("'").strip():
            continue  # blank: nothing to store (an update keeps what is held)
        try:
            value = _read_cell(key, text, today)
        except ValueError as exc:
            if on_register:
                instead = "left as it is on the register"
            elif key in BOOLEAN_KEYS:
                instead = "taken as no"  # a tester read "left blank (taken as no)" as two answers
            else:
                instead = "left blank"
            warnings.append(FieldWarning(row.number, header, f"{exc}; {instead}"))
            continue
        if value is None:
            continue
        low, high = SURVEY_AGES
        if key == "date_of_birth" and not low <= (age := age_on(value, today)) <= high:
            # Kept (a person is never dropped for a detail), but said: a tester's ages of 46 and
            # under 16 came in without a word, and a wrong one moves a person between age bands.
            warnings.append(
                FieldWarning(
                    row.number,
                    header,
                    f"{value:%d %b %Y} makes them {age} today, outside {low} to {high}: kept",
                    OUTSIDE_AGES,
                )
            )
        if key == "phone" and not takes_texts(value):
            landline = is_landline(value)
            warnings.append(
                FieldWarning(
                    row.number,
                    header,
                    f"'{value}' is {'a landline' if landline else 'not a mobile number'}: kept "
                    "for calls; it cannot take texts",
                    LANDLINE if landline else NOT_MOBILE,
                )
            )
        values[key] = value
    if values.get("do_not_contact") and not values.get("do_not_contact_reason"):
        # The flag matters more than the missing reason: keep it, and say where it came from.
        instead = (
            "the reason on the register is kept"
            if held_reason
            else f"recorded as '{DEFAULT_DNC_REASON}'"
        )
        reason_header = mapping.get("do_not_contact_reason")
        warnings.append(
            FieldWarning(
                row.number,
                reason_header or mapping["do_not_contact"],
                "do not contact is set but "
                + ("no reason is given" if reason_header else "the list has no reason column")
                + f"; {instead}",
                NO_DNC_REASON,
            )
        )
    named = ("name", "first_name", "surname")
    name_column = next((mapping[k] for k in named if k in mapping), None)
    if name_column and not on_register and not any(values.get(k) for k in named):
        # Kept (a person is never dropped for a detail), but said: a tester's nameless row came in
        # without a word, a blank line on the register that nobody could tell apart.
        warnings.append(
            FieldWarning(
                row.number, name_column, "no name is given: added by the id alone", NO_NAME
            )
        )
    return values, warnings


def _long_cells(row: Row, mapping: Mapping) -> list[Rejection]:
    """A refusal for each cell of the row longer than its field keeps (the register would have
    to cut it, and a cut name or team is a wrong one)."""
    found: list[Rejection] = []
    for key, header in mapping.items():
        reason = too_long(key, tidy(row.get(header)))
        if reason and key != "unique_id":
            found.append(Rejection(row.number, header, reason, TOO_LONG))
    first, last = mapping.get("first_name"), mapping.get("surname")
    if first and last and not found:
        joined = " ".join(p for p in (tidy(row.get(first)), tidy(row.get(last))) if p)
        reason = too_long("name", joined)
        if reason:
            found.append(Rejection(row.number, last, f"the name, joined, {reason}", TOO_LONG))
    return found


def preview_import(
    session: Session, table: Table, mapping: Mapping | None = None, today: date | None = None
) -> ImportPreview:
    """Check every row against the mapping (guessed if not given) and say what an import would do.
    Changes nothing."""
    today = today or clock.today()
    mapping = {k: v for k, v in (mapping or guess_mapping(table.headers)).items() if v}
    problems = mapping_problems(mapping, table.headers)
    ignored = tuple(h for h in table.headers if h and h not in mapping.values())
    if problems:
        return ImportPreview(
            table.source,
            table.headers,
            mapping,
            len(table.rows),
            (),
            (),
            frozenset(),
            frozenset(),
            ignored,
            tuple(problems),
        )
    id_header = mapping["unique_id"]
    held = {
        uid: reason
        for uid, reason in session.execute(
            select(CareLeaver.unique_id, CareLeaver.do_not_contact_reason)
        ).tuples()
    }
    rejections: list[Rejection] = []
    warnings: list[FieldWarning] = []
    rows_by_id: dict[str, list[SourceRow]] = defaultdict(list)
    from_numbers: list[tuple[int, str]] = []  # (row, id) of ids a workbook held as numbers
    for row in table.rows:
        problem = id_problem(row.get(id_header))
        if problem:
            rejections.append(Rejection(row.number, id_header, problem, BAD_ID))
            continue
        uid = tidy(row.get(id_header).lstrip("'"))
        if not uid:
            rejections.append(Rejection(row.number, id_header, NO_ID))
            continue
        if excel_shortened(uid):
            rejections.append(
                Rejection(
                    row.number,
                    id_header,
                    f"'{uid}' is a number Excel has shortened, so the id is lost; format the "
                    "column as text in the case system's export and save the list again",
                    SHORTENED,
                )
            )
            continue
        long_cells = _long_cells(row, mapping)
        if long_cells:
            rejections += long_cells
            continue
        values, row_warnings = _read_row(row, uid, mapping, today, held.get(uid))
        warnings += row_warnings
        rows_by_id[uid].append(SourceRow(row.number, row.cells, values))
        if id_header in row.numbers:
            from_numbers.append((row.number, uid))
    if from_numbers:
        lost_zeros = LostZeros([*rows_by_id, *held])
        for number, uid in from_numbers:
            why = lost_zeros(uid)
            if why:
                warnings.append(FieldWarning(number, id_header, why, ID_NUMBER))

    position = {header: index for index, header in enumerate(table.headers)}
    valid: list[tuple[int, dict[str, Any]]] = []
    duplicates: list[DuplicateId] = []
    repeats: list[tuple[int, int]] = []
    for uid, rows in rows_by_id.items():
        first = rows[0]
        differing = [
            header
            for key, header in mapping.items()
            if len(rows) > 1 and len({repr(r.values.get(key)) for r in rows}) > 1
        ]
        if not differing:
            valid.append((first.number, stored_values(first.values)))
            repeats += [(r.number, first.number) for r in rows[1:]]
        else:
            differing.sort(key=position.__getitem__)
            duplicates.append(DuplicateId(uid, tuple(rows), tuple(differing), uid in held))

    ids = {v["unique_id"] for _, v in valid}
    return ImportPreview(
        source=table.source,
        headers=table.headers,
        mapping=mapping,
        rows_read=len(table.rows),
        valid=tuple(sorted(valid, key=lambda v: v[0])),
        rejections=tuple(rejections),
        new_ids=frozenset(ids - held.keys()),
        updated_ids=frozenset(ids & held.keys()),
        ignored_headers=ignored,
        warnings=tuple(sorted(warnings, key=lambda w: (w.row, position[w.column]))),
        duplicates=tuple(duplicates),
        repeats=tuple(sorted(repeats)),
    )


def apply_import(
    session: Session,
    preview: ImportPreview,
    *,
    skip_invalid: bool = False,
    progress: Callable[[int, int], None] | None = None,
) -> ImportResult:
    """Store the preview's people in the caller's transaction. Stores nothing while an id is on
    rows that differ (see ImportPreview.resolve), nor, with any refused row, unless
    `skip_invalid` says the person has seen the refused rows."""
    if preview.problems:
        raise ValueError(" ".join(preview.problems))
    if preview.duplicates:
        raise DuplicatesUnresolved(preview)
    if preview.rejections and not skip_invalid:
        raise ImportRejected(preview)
    stamp = clock.now()
    existing = {
        uid: (row_id, reason, born)
        for uid, row_id, reason, born in session.execute(
            select(
                CareLeaver.unique_id,
                CareLeaver.id,
                CareLeaver.do_not_contact_reason,
                CareLeaver.date_of_birth,
            )
        ).tuples()
    }
    # People already on the register whose date of birth the file changes: their rounds' bands.
    reborn: list[int] = []
    fresh: list[dict[str, Any]] = []
    # Updates grouped by the fields they set: an executemany needs the same keys in every row.
    changes: dict[tuple[str, ...], list[dict[str, Any]]] = defaultdict(list)
    for _, values in preview.valid:
        known = existing.get(values["unique_id"])
        if known is None:
            row = BLANK | values
            if row["do_not_contact"] and not row["do_not_contact_reason"]:
                # A flag with no reason (no column, or a blank cell): say where it came from.
                row["do_not_contact_reason"] = DEFAULT_DNC_REASON
            fresh.append(row | {"updated_at": stamp})
        else:
            row_id, reason, born = known
            row = dict(values)
            if "date_of_birth" in row and row["date_of_birth"] != born:
                reborn.append(row_id)
            if row.get("do_not_contact") and not row.get("do_not_contact_reason"):
                row["do_not_contact_reason"] = reason or DEFAULT_DNC_REASON  # keep the one held
            row |= {"id": row_id, "updated_at": stamp}
            changes[tuple(sorted(row))].append(row)
    batches: list[tuple[list[dict[str, Any]], Any]] = [(fresh, insert(CareLeaver))]
    batches += [(rows, update(CareLeaver)) for rows in changes.values()]
    total = sum(len(rows) for rows, _ in batches)
    chunk = 2000
    done = 0
    for rows, statement in batches:
        for start in range(0, len(rows), chunk):
            session.execute(statement, rows[start : start + chunk])
            done += len(rows[start : start + chunk])
            if progress:
                progress(done, total)
    session.flush()
    recounted = born_corrected(session, reborn)
    return ImportResult(
        len(fresh),
        total - len(fresh),
        len(preview.rejected_rows),
        len(preview.people_warned()),
        recounted,
    )
