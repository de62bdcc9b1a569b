"""The care leaver register: the people a survey round reaches, added by hand or imported.

Services take a session and plain values and return plain values; nothing here knows about Qt.
The list for the register view is fetched as plain tuples in one query, so 10,000 people load fast.
"""

from __future__ import annotations

from collections.abc import Collection
from dataclasses import dataclass, fields, replace
from datetime import date
from typing import Any, NamedTuple, cast

from sqlalchemy import Date, Table, bindparam, case, func, literal, or_, select, update
from sqlalchemy.orm import Session

from nbdesk.common import clock
from nbdesk.common.changes import Changes, Done
from nbdesk.common.text import tidy
from nbdesk.storage.models.survey import CareLeaver, RoundMember, SurveyRound
from nbdesk.survey.contact_details import email_address, uk_phone

# How a person prefers to be reached, and how a contact was made: the same list.
CHANNELS = ("text", "whatsapp", "phone", "email", "letter", "in-person", "trusted-adult")
CHANNEL_LABELS = {
    "text": "Text message",
    "whatsapp": "WhatsApp",
    "phone": "Phone call",
    "email": "Email",
    "letter": "Letter or paper copy",
    "in-person": "In person",
    "trusted-adult": "Through a trusted adult",
}
FLAG_LABELS = {
    "in_custody": "In custody",
    "needs_interpreter": "Needs an interpreter",
    "young_parent": "Young parent",
    "out_of_area": "Lives out of area",
    "do_not_contact": "Do not contact",
}
# The same flags in the lists' Flags column, short enough to read without widening it.
FLAG_SHORT = {
    "in_custody": "In custody",
    "needs_interpreter": "Interpreter",
    "young_parent": "Young parent",
    "out_of_area": "Out of area",
    "do_not_contact": "Do not contact",
}

# Age bands used by the dashboard (and the participation return's counts).
AGE_BANDS: tuple[tuple[str, int, int], ...] = (
    ("16 to 17", 16, 17),
    ("18 to 20", 18, 20),
    ("21 to 25", 21, 25),
)
OTHER_AGES = "Other ages"
NOT_RECORDED = "Not recorded"
SURVEY_AGES = (16, 25)


def age_on(born: date, day: date) -> int:
    return day.year - born.year - ((day.month, day.day) < (born.month, born.day))


def age_band(born: date | None, day: date) -> str:
    if born is None:
        return NOT_RECORDED
    age = age_on(born, day)
    for label, low, high in AGE_BANDS:
        if low <= age <= high:
            return label
    return OTHER_AGES


def band_number(born: date | None, day: date) -> int:
    """age_band as RoundMember.age_band keeps it: -1 when the date of birth is not recorded, the
    band's place in AGE_BANDS, or len(AGE_BANDS) for other ages."""
    if born is None:
        return -1
    age = age_on(born, day)
    for number, (_label, low, high) in enumerate(AGE_BANDS):
        if low <= age <= high:
            return number
    return len(AGE_BANDS)


def band_name(number: int) -> str:
    if number < 0:
        return NOT_RECORDED
    return AGE_BANDS[number][0] if number < len(AGE_BANDS) else OTHER_AGES


def latest_birthday(age: int, day: date) -> date:
    """The last date of birth of someone aged at least `age` on `day` (age_on): they were born on
    or before it. On 29 February, `age` years back may have had no 29th: then the edge is the
    28th (someone born on 1 March that year is not yet `age`)."""
    try:
        return day.replace(year=day.year - age)
    except ValueError:
        return day.replace(year=day.year - age, day=28)


def band_edges(opens_on: date) -> dict[str, date]:
    """The parameters of age_band_number on the day a round opens: for each band, the last date
    of birth of someone its lowest age (`youngest_N`), and of someone a year past its highest age
    (`oldest_N`). Aged low to high is: born on or before the first, and after the second."""
    edges = {}
    for number, (_name, low, high) in enumerate(AGE_BANDS):
        edges[f"youngest_{number}"] = latest_birthday(low, opens_on)
        edges[f"oldest_{number}"] = latest_birthday(high + 1, opens_on)
    return edges


def age_band_number(born: Any, edges: dict[str, date]) -> Any:
    """band_number as a SQL expression, from plain date comparisons with the bands' edges on the
    day (band_edges): no date arithmetic in SQL, the same on any database."""
    whens: list[tuple[Any, int]] = [(born.is_(None), -1)]
    for number in range(len(AGE_BANDS)):
        youngest = bindparam(None, edges[f"youngest_{number}"], type_=Date)
        oldest = bindparam(None, edges[f"oldest_{number}"], type_=Date)
        whens.append(((born <= youngest) & (born > oldest), number))
    return case(*whens, else_=len(AGE_BANDS))


# Members whose bands are set by one statement: well under any database's parameter limit.
_BAND_CHUNK = 2000


def set_member_bands(
    session: Session, round_id: int | None = None, person_ids: Collection[int] | None = None
) -> None:
    """Set RoundMember.age_band from the members' dates of birth as they are now, on the day each
    round opened: every round's members, one round's, or those of `person_ids`. One UPDATE a
    round (a chunk of people at a time), each row's band worked out in SQL (age_band_number)."""
    rounds = select(SurveyRound.id, SurveyRound.opens_on)
    if round_id is not None:
        rounds = rounds.where(SurveyRound.id == round_id)
    wanted = sorted(person_ids) if person_ids is not None else None
    if wanted == []:
        return
    member = cast(Table, RoundMember.__table__)
    chunks: list[list[int] | None] = (
        [None]
        if wanted is None
        else [wanted[i : i + _BAND_CHUNK] for i in range(0, len(wanted), _BAND_CHUNK)]
    )
    for rid, opens_on in session.execute(rounds).all():
        band = (
            select(age_band_number(CareLeaver.date_of_birth, band_edges(opens_on)))
            .where(CareLeaver.id == member.c.care_leaver_id)
            .scalar_subquery()
        )
        for chunk in chunks:
            statement = update(member).where(member.c.round_id == rid)
            if chunk is not None:
                statement = statement.where(member.c.care_leaver_id.in_(chunk))
            session.execute(statement.values(age_band=band))
    # Member rows the session holds would otherwise keep their old bands.
    for held in list(session.identity_map.values()):
        if isinstance(held, RoundMember):
            session.expire(held, ["age_band"])


def parse_channel(text: str) -> str:
    """A channel from its code or its label, as typed in a spreadsheet ("Text", "WhatsApp"…)."""
    value = tidy(text).lower()
    if not value:
        return ""
    for code, label in CHANNEL_LABELS.items():
        if value in (code, label.lower()):
            return code
    aliases = {
        "sms": "text",
        "text message": "text",
        "mobile": "text",
        "call": "phone",
        "telephone": "phone",
        "e-mail": "email",
        "post": "letter",
        "letter": "letter",
        "paper": "letter",
        "paper copy": "letter",
        "in person": "in-person",
        "face to face": "in-person",
        "visit": "in-person",
        "trusted adult": "trusted-adult",
    }
    if value in aliases:
        return aliases[value]
    raise ValueError(
        f"'{text.strip()}' is not a channel (one of: "
        + ", ".join(CHANNEL_LABELS[c] for c in CHANNELS)
        + ")"
    )


@dataclass(frozen=True)
class PersonFields:
    """Everything about a person that can be typed or imported (not the database row id)."""

    unique_id: str
    name: str = ""
    preferred_name: str = ""
    date_of_birth: date | None = None
    gender: str = ""
    ethnicity: str = ""
    accommodation: str = ""
    activity: str = ""
    eligibility_category: str = ""
    uasc: bool = False
    disability: str = ""
    pa_name: str = ""
    team: str = ""
    phone: str = ""
    email: str = ""
    preferred_channel: str = ""
    in_custody: bool = False
    needs_interpreter: bool = False
    young_parent: bool = False
    out_of_area: bool = False
    do_not_contact: bool = False
    do_not_contact_reason: str = ""


FIELD_NAMES = tuple(f.name for f in fields(PersonFields))


@dataclass(frozen=True)
class Person(PersonFields):
    id: int = 0

    @property
    def first_name(self) -> str:
        return first_name(self.preferred_name, self.name)


# A person's details feed every round's lists, so a change to them is a change to those too.
REGISTER_CHANGED = Changes(register=True)


def first_name(preferred_name: str, name: str) -> str:
    """What to call someone in a message: their preferred name, else the first word of their name."""
    if preferred_name.strip():
        return preferred_name.strip()
    return name.split()[0] if name.split() else ""


def checked(person: PersonFields) -> PersonFields:
    """The fields tidied and checked, or ValueError naming the first field that is wrong."""
    text = {
        name: tidy(getattr(person, name))
        for name in FIELD_NAMES
        if isinstance(getattr(person, name), str)
    }
    result = replace(person, **text)  # type: ignore[arg-type]
    if not result.unique_id:
        raise ValueError("Unique id: every person needs one (the id from the case system).")
    phone, email = result.phone, result.email
    try:
        phone = uk_phone(phone) if phone else ""
    except ValueError as exc:
        raise ValueError(f"Phone number: {exc}.") from None
    try:
        email = email_address(email) if email else ""
    except ValueError as exc:
        raise ValueError(f"Email: {exc}.") from None
    if result.preferred_channel and result.preferred_channel not in CHANNELS:
        raise ValueError(f"Preferred channel: '{result.preferred_channel}' is not a channel.")
    if result.do_not_contact and not result.do_not_contact_reason:
        raise ValueError("Do not contact: say why, so colleagues know.")
    if result.date_of_birth and result.date_of_birth > clock.today():
        raise ValueError(
            f"Date of birth: {result.date_of_birth:%d %b %Y} has not come yet. Check the year."
        )
    reason = result.do_not_contact_reason if result.do_not_contact else ""
    return replace(result, phone=phone, email=email, do_not_contact_reason=reason)


def add_person(session: Session, person: PersonFields) -> Done[int]:
    """Add someone to the register; the value is their row id."""
    person = checked(person)
    if session.scalar(select(CareLeaver.id).where(CareLeaver.unique_id == person.unique_id)):
        raise ValueError(f"Unique id: '{person.unique_id}' is already on the register.")
    row = CareLeaver(**{n: getattr(person, n) for n in FIELD_NAMES}, updated_at=clock.now())
    session.add(row)
    session.flush()
    return Done(row.id, REGISTER_CHANGED)


def update_person(session: Session, person_id: int, person: PersonFields) -> Changes:
    person = checked(person)
    row = session.get(CareLeaver, person_id)
    if row is None:
        raise LookupError(f"No person with row {person_id} on the register.")
    clash = session.scalar(
        select(CareLeaver.id).where(
            CareLeaver.unique_id == person.unique_id, CareLeaver.id != person_id
        )
    )
    if clash:
        raise ValueError(f"Unique id: '{person.unique_id}' belongs to someone else.")
    born_before = row.date_of_birth
    for name in FIELD_NAMES:
        setattr(row, name, getattr(person, name))
    row.updated_at = clock.now()
    session.flush()
    if row.date_of_birth != born_before:
        # Imported here: membership reads ages from this module.
        from nbdesk.survey.membership import born_corrected

        if born_corrected(session, [person_id]):
            return REGISTER_CHANGED | Changes(members=True)
    return REGISTER_CHANGED


def get_person(session: Session, person_id: int) -> Person:
    row = session.get(CareLeaver, person_id)
    if row is None:
        raise LookupError(f"No person with row {person_id} on the register.")
    return Person(id=row.id, **{n: getattr(row, n) for n in FIELD_NAMES})


def find_person(session: Session, unique_id: str) -> Person:
    person_id = session.scalar(
        select(CareLeaver.id).where(CareLeaver.unique_id == unique_id.strip())
    )
    if person_id is None:
        raise LookupError(f"No one on the register has the unique id '{unique_id.strip()}'.")
    return get_person(session, person_id)


class RegisterRow(NamedTuple):
    id: int
    unique_id: str
    name: str
    preferred_name: str
    date_of_birth: date | None
    gender: str
    accommodation: str
    pa_name: str
    team: str
    phone: str
    email: str
    preferred_channel: str
    flags: str  # the flags that are set, as words ("In custody; Interpreter")


REGISTER_COLUMNS = (
    CareLeaver.id,
    CareLeaver.unique_id,
    CareLeaver.name,
    CareLeaver.preferred_name,
    CareLeaver.date_of_birth,
    CareLeaver.gender,
    CareLeaver.accommodation,
    CareLeaver.pa_name,
    CareLeaver.team,
    CareLeaver.phone,
    CareLeaver.email,
    CareLeaver.preferred_channel,
)
FLAG_COLUMNS = tuple(getattr(CareLeaver, key) for key in FLAG_LABELS)
# Every combination of flags as words, indexed by the bitmask the query computes: one lookup per
# row instead of five columns and a join, which keeps the 10,000-row list quick to open.
FLAG_TEXT = tuple(
    "; ".join(label for bit, label in enumerate(FLAG_SHORT.values()) if mask & (1 << bit))
    for mask in range(1 << len(FLAG_LABELS))
)


def _matching(query: Any, search: str) -> Any:
    """Rows where every typed word is in the name, preferred name, unique id or PA (any case)."""
    for word in search.split():
        escaped = word.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")
        like = f"%{escaped}%"
        query = query.where(
            or_(
                CareLeaver.name.ilike(like, escape="\\"),
                CareLeaver.preferred_name.ilike(like, escape="\\"),
                CareLeaver.unique_id.ilike(like, escape="\\"),
                CareLeaver.pa_name.ilike(like, escape="\\"),
            )
        )
    return query


def flag_mask() -> Any:
    """A column expression: the person's flags as a bitmask, an index into FLAG_TEXT."""
    return sum(
        (case((column.is_(True), 1 << bit), else_=0) for bit, column in enumerate(FLAG_COLUMNS)),
        literal(0),
    )


def _register_query() -> Any:
    return select(*REGISTER_COLUMNS, flag_mask())


def _rows(session: Session, query: Any) -> list[RegisterRow]:
    # A Core read on the session's connection: plain rows without the ORM's per-row bookkeeping.
    result = session.connection().execute(query).all()
    make = RegisterRow._make
    flags = FLAG_TEXT
    return [make((*r[:12], flags[r[12]])) for r in result]


def list_register(session: Session, search: str = "") -> list[RegisterRow]:
    """Everyone on the register (or those matching every typed word), by name."""
    query = _matching(_register_query(), search)
    return _rows(session, query.order_by(CareLeaver.name, CareLeaver.unique_id))


SORTABLE = {
    "name": CareLeaver.name,
    "preferred_name": CareLeaver.preferred_name,
    "unique_id": CareLeaver.unique_id,
    "date_of_birth": CareLeaver.date_of_birth,
    "gender": CareLeaver.gender,
    "accommodation": CareLeaver.accommodation,
    "pa_name": CareLeaver.pa_name,
    "team": CareLeaver.team,
    "phone": CareLeaver.phone,
    "email": CareLeaver.email,
    "preferred_channel": CareLeaver.preferred_channel,
}


def register_ids(
    session: Session, search: str = "", sort: str = "name", descending: bool = False
) -> list[int]:
    """The ids of the people a register view shows, in order: cheap enough to run on every key
    press with 10,000 people, while the rows themselves are read a screenful at a time."""
    if sort not in SORTABLE:
        raise ValueError(f"The register cannot be sorted by '{sort}'.")
    column = SORTABLE[sort]
    order: list[Any] = [column.desc() if descending else column.asc()]
    if sort == "name":
        # The register's own order, read from ix_care_leaver_find (backwards when descending)
        # rather than sorted on every key press: so the tie-break reverses with it.
        order.append(CareLeaver.unique_id.desc() if descending else CareLeaver.unique_id.asc())
    else:
        order += [CareLeaver.name, CareLeaver.unique_id]
    query = _matching(select(CareLeaver.id), search).order_by(*order)
    return list(session.connection().execute(query).scalars())


def register_rows(session: Session, ids: list[int]) -> list[RegisterRow]:
    """The rows for these ids, in the order given (ids no longer on the register are skipped)."""
    found: dict[int, RegisterRow] = {}
    for start in range(0, len(ids), 500):
        chunk = ids[start : start + 500]
        for row in _rows(session, _register_query().where(CareLeaver.id.in_(chunk))):
            found[row.id] = row
    return [found[i] for i in ids if i in found]


def register_size(session: Session) -> int:
    return session.scalar(select(func.count()).select_from(CareLeaver)) or 0


def pa_names(session: Session) -> list[str]:
    return [
        n
        for n in session.scalars(select(CareLeaver.pa_name).distinct().order_by(CareLeaver.pa_name))
        if n
    ]


def values_in_use(session: Session, names: tuple[str, ...]) -> dict[str, list[str]]:
    """The values the register already holds for each of these text fields, sorted, blanks left
    out: what the person form offers so a team or accommodation type is spelled one way."""
    found: dict[str, list[str]] = {}
    for name in names:
        if name not in FIELD_NAMES:
            raise ValueError(f"'{name}' is not a field of the register.")
        column = getattr(CareLeaver, name)
        found[name] = [v for v in session.scalars(select(column).distinct().order_by(column)) if v]
    return found
