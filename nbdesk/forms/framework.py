"""The framework an assessment is rated against, and loading it from a TOML file.

The format is documented in docs/framework-format.md. Every fault names the file and the field (or,
for TOML syntax, the line), because the person fixing it will be reading the file in an editor. A file
is checked in full before it is refused, so one pass through it fixes every fault, not just the first.
"""

from __future__ import annotations

import re
import tomllib
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from importlib import resources
from pathlib import Path
from typing import Any

# The most a framework may hold, checked early and cheaply (the file's size before it is parsed,
# the counts before each entry is checked), so a hostile or mistaken file is refused in a moment.
# Baker–Dixon has 10 areas, 106 statements and 4 ratings in a file of about 20 KB.
MAX_FILE_BYTES = 2 * 1024 * 1024
MAX_AREAS = 100
MAX_STATEMENTS_PER_AREA = 200
MAX_STATEMENTS = 2_000
MAX_RATINGS = 20
# The most characters of each text (the framework tables' column lengths where they have one).
MAX_CHARS = {"name": 200, "version": 100, "title": 300, "label": 100, "text": 4_000}
MAX_DESCRIPTION = 20_000

BAKER_DIXON_SCALE: tuple[tuple[int, str], ...] = (
    (4, "Agree at present"),
    (3, "Mostly agree"),
    (2, "Mostly disagree"),
    (1, "Disagree at present"),
)


@dataclass(frozen=True)
class FrameworkFault:
    """One thing wrong with a framework file, and where: a spreadsheet's row and column, a TOML
    key, or the line of a TOML syntax error."""

    file: str
    problem: str
    row: int | None = None  # the row number the spreadsheet program shows
    column: str = ""  # the spreadsheet column's heading
    key: str = ""  # the TOML key, e.g. areas[3].statements[2].letter
    line: int | None = None  # a TOML syntax error's line

    @property
    def place(self) -> str:
        """Where, in words: "row 3, column 'Item'", "areas[1].title", "line 4" or ""."""
        parts: list[str] = []
        if self.line is not None:
            parts.append(f"line {self.line}")
        if self.row is not None:
            parts.append(f"row {self.row}")
        if self.column:
            parts.append(f"column '{self.column}'")
        if self.key:
            parts.append(self.key)
        return ", ".join(parts)

    def __str__(self) -> str:
        return ": ".join(part for part in (self.file, self.place, self.problem) if part)


class FrameworkError(ValueError):
    """A framework file that cannot be used; `str()` names where each fault is, and `faults`
    lists them one by one (a fault the file as a whole has, such as not being readable, is one
    fault with no place)."""

    def __init__(self, message: str, faults: Sequence[FrameworkFault] = ()) -> None:
        super().__init__(message)
        self.faults: tuple[FrameworkFault, ...] = tuple(faults) or (FrameworkFault("", message),)

    @classmethod
    def of(cls, faults: Sequence[FrameworkFault]) -> FrameworkError:
        if len(faults) == 1:
            return cls(str(faults[0]), faults)
        listed = "\n".join(f"  {fault}" for fault in faults)
        return cls(f"{len(faults)} faults; nothing was loaded:\n{listed}", faults)


@dataclass(frozen=True)
class RatingPoint:
    points: int
    label: str


@dataclass(frozen=True)
class StatementDef:
    area: int
    letter: str
    text: str

    @property
    def reference(self) -> str:
        """How staff cite it: "7 / M"."""
        return f"{self.area} / {self.letter.upper()}"


@dataclass(frozen=True)
class AreaDef:
    number: int
    title: str
    statements: tuple[StatementDef, ...]


@dataclass(frozen=True)
class FrameworkDef:
    name: str
    version: str
    areas: tuple[AreaDef, ...]
    scale: tuple[RatingPoint, ...] = tuple(RatingPoint(p, label) for p, label in BAKER_DIXON_SCALE)
    overall_out_of: int = 10
    description: str = ""
    demonstration: bool = False
    source: str = field(default="", compare=False)

    @property
    def statement_count(self) -> int:
        return sum(len(area.statements) for area in self.areas)

    @property
    def max_points(self) -> int:
        return max(point.points for point in self.scale)

    @property
    def min_points(self) -> int:
        return min(point.points for point in self.scale)

    def label_for(self, points: int) -> str:
        for point in self.scale:
            if point.points == points:
                return point.label
        raise KeyError(points)


def letter_for(position: int) -> str:
    """a, b, … z, aa, ab … for 1-based positions."""
    letters = ""
    while position > 0:
        position, rem = divmod(position - 1, 26)
        letters = chr(ord("a") + rem) + letters
    return letters


def position_of(letters: str) -> int | None:
    """The 1-based position `letter_for` gives these letters; None if they are not a–z letters."""
    if not letters or not all("a" <= c <= "z" for c in letters):
        return None
    position = 0
    for c in letters:
        position = position * 26 + ord(c) - ord("a") + 1
    return position


DEMONSTRATION_FILE = "demonstration.toml"


def demonstration_framework() -> FrameworkDef:
    ref = resources.files("nbdesk.forms") / "frameworks" / DEMONSTRATION_FILE
    return parse_framework(ref.read_text(encoding="utf-8"), DEMONSTRATION_FILE)


def check_file_size(path: Path) -> None:
    """Refuse a framework file too large to be one before anything parses it."""
    try:
        size = path.stat().st_size
    except OSError as exc:
        raise FrameworkError(f"{path}: cannot be read ({exc.strerror}).") from exc
    if size > MAX_FILE_BYTES:
        raise FrameworkError(
            f"{path.name}: the file is {size / 1024 / 1024:,.1f} MB; a framework file is at most "
            f"{MAX_FILE_BYTES // 1024 // 1024} MB (the Baker–Dixon tool is about 20 KB). Check it "
            "is the right file."
        )


def load_framework_file(path: Path) -> FrameworkDef:
    path = Path(path)
    check_file_size(path)
    try:
        raw = path.read_bytes()
    except OSError as exc:
        raise FrameworkError(f"{path}: cannot be read ({exc.strerror}).") from exc
    try:
        text = raw.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        raise FrameworkError(
            f"{path.name}: is not UTF-8 text (byte {exc.start}). Save it as UTF-8."
        ) from exc
    return parse_framework(text, path.name, source=str(path))


_TOML_PLACE = re.compile(r"^(?P<message>.*?)\s*\(at line (?P<line>\d+), column (?P<column>\d+)\)$")


def parse_framework(text: str, filename: str, source: str = "") -> FrameworkDef:
    try:
        data = tomllib.loads(text)
    except tomllib.TOMLDecodeError as exc:
        # tomllib's message ends "(at line N, column M)": the line becomes the fault's place.
        found = _TOML_PLACE.match(str(exc))
        if found is None:
            fault = FrameworkFault(filename, f"not valid TOML: {exc}")
        else:
            fault = FrameworkFault(
                filename,
                f"not valid TOML: {found['message']} (column {found['column']})",
                line=int(found["line"]),
            )
        raise FrameworkError.of([fault]) from exc
    except RecursionError as exc:
        # tomllib reads nested arrays and tables by recursion: thousands deep exhaust the stack.
        raise FrameworkError.of(
            [
                FrameworkFault(
                    filename, "not a framework: its arrays or tables are nested too deeply"
                )
            ]
        ) from exc
    _check_counts(filename, data)
    return _Validator(filename).framework(data, source or filename)


def _check_counts(filename: str, data: Mapping[str, Any]) -> None:
    """Refuse at once a file with more areas, statements or ratings than any framework has,
    before each entry is checked (which would report each of them)."""

    def listed(value: Any) -> Sequence[Any]:
        return value if isinstance(value, list) else []

    areas = listed(data.get("areas"))
    scale = data.get("scale")
    ratings = listed(scale.get("ratings")) if isinstance(scale, Mapping) else []
    per_area = [listed(a.get("statements")) if isinstance(a, Mapping) else [] for a in areas]
    over = [
        (key, count, most, noun)
        for key, count, most, noun in (
            ("[[areas]]", len(areas), MAX_AREAS, "areas"),
            ("scale.ratings", len(ratings), MAX_RATINGS, "ratings"),
            ("", sum(map(len, per_area)), MAX_STATEMENTS, "statements"),
            *(
                (f"areas[{i}].statements", len(st), MAX_STATEMENTS_PER_AREA, "statements")
                for i, st in enumerate(per_area, start=1)
            ),
        )
        if count > most
    ]
    if over:
        key, count, most, noun = over[0]
        where = "an area" if key.startswith("areas[") else "a framework"
        raise FrameworkError.of(
            [
                FrameworkFault(
                    filename,
                    f"has {count:,} {noun}; {where} has at most {most:,}. Nothing was loaded.",
                    key=key,
                )
            ]
        )


def in_sequence(found: int | None, position: int, previous: int | None) -> bool:
    """Whether an area's number (or a statement's letter, as a position) is where it should be:
    at its place in the list, or just after the one before it. The second keeps one fault from
    becoming many: after a missing or repeated entry the rest follow on from the one before them,
    and after a mistyped one they are still at their place. The first entry out of order is always
    reported, since every entry before it is at its place."""
    return found is not None and (
        found == position or (previous is not None and found == previous + 1)
    )


class _Validator:
    """Checks every part of a parsed file, noting each fault and carrying on with what it can
    still read, then refuses the file with all of them."""

    def __init__(self, filename: str) -> None:
        self.filename = filename
        self.faults: list[FrameworkFault] = []

    def fault(self, where: str, problem: str) -> None:
        self.faults.append(FrameworkFault(self.filename, problem, key=where))

    def table(self, value: Any, where: str, allowed: set[str]) -> Mapping[str, Any]:
        if not isinstance(value, Mapping):
            self.fault(where, "should be a table")
            return {}
        for unknown in sorted(set(value) - allowed):
            self.fault(where, f"unknown key '{unknown}' (allowed: {', '.join(sorted(allowed))})")
        return value

    def array(self, value: Any, where: str) -> Sequence[Any]:
        if value is None:
            self.fault(where, "is missing")
            return []
        if not isinstance(value, list) or not value:
            self.fault(where, "should be a non-empty list")
            return []
        return value

    def text(self, value: Any, where: str, *, required: bool = True) -> str:
        if value is None:
            if required:
                self.fault(where, "is missing")
            return ""
        if not isinstance(value, str):
            self.fault(where, f"should be text, not {type(value).__name__}")
            return ""
        cleaned = " ".join(value.split())
        if required and not cleaned:
            self.fault(where, "is empty")
        field_name = where.rsplit(".", 1)[-1]
        most = MAX_CHARS.get(field_name, MAX_DESCRIPTION if field_name == "description" else 0)
        if most and len(cleaned) > most:
            self.fault(where, f"has {len(cleaned):,} characters; at most {most:,} are kept")
            return cleaned[:most]
        return cleaned

    def whole(self, value: Any, where: str, low: int, high: int) -> int | None:
        if value is None:
            self.fault(where, "is missing")
            return None
        if isinstance(value, bool) or not isinstance(value, int):
            self.fault(where, f"should be a whole number, not {value!r}")
            return None
        if not low <= value <= high:
            self.fault(where, f"should be from {low} to {high}, not {value}")
            return None
        return value

    def framework(self, data: Mapping[str, Any], source: str) -> FrameworkDef:
        self.table(data, "the file", {"framework", "scale", "areas"})
        name = version = description = ""
        demonstration = False
        if "framework" not in data:
            self.fault("[framework]", "is missing")
        else:
            head = self.table(
                data["framework"],
                "[framework]",
                {"name", "version", "description", "demonstration"},
            )
            name = self.text(head.get("name"), "framework.name")
            version = self.text(head.get("version"), "framework.version")
            description = self.text(
                head.get("description"), "framework.description", required=False
            )
            demonstration = head.get("demonstration", False)
            if not isinstance(demonstration, bool):
                self.fault("framework.demonstration", "should be true or false")
        scale: tuple[RatingPoint, ...] = ()
        out_of: int | None = None
        if "scale" not in data:
            self.fault("[scale]", "is missing")
        else:
            scale, out_of = self.scale(data["scale"])
        areas = self.areas(data.get("areas"))
        if self.faults:
            raise FrameworkError.of(self.faults)
        assert out_of is not None
        return FrameworkDef(
            name=name,
            version=version,
            description=description,
            demonstration=demonstration,
            scale=scale,
            overall_out_of=out_of,
            areas=areas,
            source=source,
        )

    def scale(self, value: Any) -> tuple[tuple[RatingPoint, ...], int | None]:
        scale = self.table(value, "[scale]", {"overall_out_of", "ratings"})
        out_of = self.whole(scale.get("overall_out_of"), "scale.overall_out_of", 1, 100)
        ratings = self.array(scale.get("ratings"), "scale.ratings")
        if len(ratings) == 1:
            self.fault("scale.ratings", "needs at least two ratings")
        points: list[RatingPoint] = []
        for i, entry in enumerate(ratings, start=1):
            where = f"scale.ratings[{i}]"
            item = self.table(entry, where, {"points", "label"})
            value_points = self.whole(item.get("points"), f"{where}.points", 1, 1000)
            label = self.text(item.get("label"), f"{where}.label")
            if value_points is None or not label:
                continue
            point = RatingPoint(value_points, label)
            if points and point.points >= points[-1].points:
                self.fault(f"{where}.points", "ratings must be listed highest first")
            if any(p.label.casefold() == point.label.casefold() for p in points):
                self.fault(f"{where}.label", f"'{point.label}' is used twice")
            points.append(point)
        return tuple(points), out_of

    def areas(self, value: Any) -> tuple[AreaDef, ...]:
        areas = self.array(value, "[[areas]]")
        result: list[AreaDef] = []
        titles: set[str] = set()
        previous: int | None = None
        for i, entry in enumerate(areas, start=1):
            where = f"areas[{i}]"
            item = self.table(entry, where, {"number", "title", "statements"})
            number = self.whole(item.get("number"), f"{where}.number", 1, 999)
            if number is not None and not in_sequence(number, i, previous):
                self.fault(
                    f"{where}.number",
                    "areas must be numbered 1, 2, 3 …; "
                    f"expected {i if previous is None else previous + 1}, found {number}",
                )
            previous = number
            title = self.text(item.get("title"), f"{where}.title")
            if title and title.casefold() in titles:
                self.fault(f"{where}.title", f"'{title}' is used by another area")
            titles.add(title.casefold())
            statements = self.statements(item.get("statements"), i, number or i)
            result.append(AreaDef(number or i, title, statements))
        return tuple(result)

    def statements(self, value: Any, index: int, area: int) -> tuple[StatementDef, ...]:
        entries = self.array(value, f"areas[{index}].statements")
        result: list[StatementDef] = []
        previous: int | None = None
        for i, entry in enumerate(entries, start=1):
            where = f"areas[{index}].statements[{i}]"
            item = self.table(entry, where, {"letter", "text"})
            letter = self.text(item.get("letter"), f"{where}.letter").lower()
            found = position_of(letter)
            if letter and not in_sequence(found, i, previous):
                expected = letter_for(i if previous is None else previous + 1)
                self.fault(
                    f"{where}.letter",
                    f"statements must be lettered a, b, c …; expected '{expected}', "
                    f"found '{letter}'",
                )
            previous = found
            result.append(StatementDef(area, letter, self.text(item.get("text"), f"{where}.text")))
        return tuple(result)
