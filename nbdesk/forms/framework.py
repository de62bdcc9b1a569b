"""The framework an assessment is rated against, and loading it from a TOML file.

The format is documented in docs/framework-format.md. Every fault names the file and the field (or,
for TOML syntax, the line), because the person fixing it will be reading the file in an editor.
"""

from __future__ import annotations

import tomllib
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from importlib import resources
from pathlib import Path
from typing import Any

BAKER_DIXON_SCALE: tuple[tuple[int, str], ...] = (
    (4, "Agree at present"),
    (3, "Mostly agree"),
    (2, "Mostly disagree"),
    (1, "Disagree at present"),
)


class FrameworkError(ValueError):
    """A framework file that cannot be used; `str()` names where the fault is."""


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


DEMONSTRATION_FILE = "demonstration.toml"


def demonstration_framework() -> FrameworkDef:
    ref = resources.files("nbdesk.forms") / "frameworks" / DEMONSTRATION_FILE
    return parse_framework(ref.read_text(encoding="utf-8"), DEMONSTRATION_FILE)


def load_framework_file(path: Path) -> FrameworkDef:
    path = Path(path)
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


def parse_framework(text: str, filename: str, source: str = "") -> FrameworkDef:
    try:
        data = tomllib.loads(text)
    except tomllib.TOMLDecodeError as exc:
        # tomllib's message already carries "(at line N, column M)".
        raise FrameworkError(f"{filename}: not valid TOML: {exc}") from exc
    return _Validator(filename).framework(data, source or filename)


class _Validator:
    def __init__(self, filename: str) -> None:
        self.filename = filename

    def fail(self, where: str, problem: str) -> FrameworkError:
        return FrameworkError(f"{self.filename}: {where}: {problem}")

    def table(self, value: Any, where: str, allowed: set[str]) -> Mapping[str, Any]:
        if not isinstance(value, Mapping):
            raise self.fail(where, "should be a table")
        unknown = sorted(set(value) - allowed)
        if unknown:
            raise self.fail(
                where, f"unknown key '{unknown[0]}' (allowed: {', '.join(sorted(allowed))})"
            )
        return value

    def array(self, value: Any, where: str) -> Sequence[Any]:
        if value is None:
            raise self.fail(where, "is missing")
        if not isinstance(value, list) or not value:
            raise self.fail(where, "should be a non-empty list")
        return value

    def text(self, value: Any, where: str, *, required: bool = True) -> str:
        if value is None:
            if required:
                raise self.fail(where, "is missing")
            return ""
        if not isinstance(value, str):
            raise self.fail(where, f"should be text, not {type(value).__name__}")
        cleaned = " ".join(value.split())
        if required and not cleaned:
            raise self.fail(where, "is empty")
        return cleaned

    def whole(self, value: Any, where: str, low: int, high: int) -> int:
        if value is None:
            raise self.fail(where, "is missing")
        if isinstance(value, bool) or not isinstance(value, int):
            raise self.fail(where, f"should be a whole number, not {value!r}")
        if not low <= value <= high:
            raise self.fail(where, f"should be from {low} to {high}, not {value}")
        return value

    def framework(self, data: Mapping[str, Any], source: str) -> FrameworkDef:
        self.table(data, "the file", {"framework", "scale", "areas"})
        if "framework" not in data:
            raise self.fail("[framework]", "is missing")
        head = self.table(
            data["framework"], "[framework]", {"name", "version", "description", "demonstration"}
        )
        demonstration = head.get("demonstration", False)
        if not isinstance(demonstration, bool):
            raise self.fail("framework.demonstration", "should be true or false")
        if "scale" not in data:
            raise self.fail("[scale]", "is missing")
        scale, out_of = self.scale(data["scale"])
        return FrameworkDef(
            name=self.text(head.get("name"), "framework.name"),
            version=self.text(head.get("version"), "framework.version"),
            description=self.text(head.get("description"), "framework.description", required=False),
            demonstration=demonstration,
            scale=scale,
            overall_out_of=out_of,
            areas=self.areas(data.get("areas")),
            source=source,
        )

    def scale(self, value: Any) -> tuple[tuple[RatingPoint, ...], int]:
        scale = self.table(value, "[scale]", {"overall_out_of", "ratings"})
        out_of = self.whole(scale.get("overall_out_of"), "scale.overall_out_of", 1, 100)
        ratings = self.array(scale.get("ratings"), "scale.ratings")
        if len(ratings) < 2:
            raise self.fail("scale.ratings", "needs at least two ratings")
        points: list[RatingPoint] = []
        for i, entry in enumerate(ratings, start=1):
            where = f"scale.ratings[{i}]"
            item = self.table(entry, where, {"points", "label"})
            point = RatingPoint(
                self.whole(item.get("points"), f"{where}.points", 1, 1000),
                self.text(item.get("label"), f"{where}.label"),
            )
            if points and point.points >= points[-1].points:
                raise self.fail(f"{where}.points", "ratings must be listed highest first")
            if any(p.label.casefold() == point.label.casefold() for p in points):
                raise self.fail(f"{where}.label", f"'{point.label}' is used twice")
            points.append(point)
        return tuple(points), out_of

    def areas(self, value: Any) -> tuple[AreaDef, ...]:
        areas = self.array(value, "[[areas]]")
        result: list[AreaDef] = []
        titles: set[str] = set()
        for i, entry in enumerate(areas, start=1):
            where = f"areas[{i}]"
            item = self.table(entry, where, {"number", "title", "statements"})
            number = self.whole(item.get("number"), f"{where}.number", 1, 999)
            if number != i:
                raise self.fail(
                    f"{where}.number", f"areas must be numbered 1, 2, 3 …; expected {i}"
                )
            title = self.text(item.get("title"), f"{where}.title")
            if title.casefold() in titles:
                raise self.fail(f"{where}.title", f"'{title}' is used by another area")
            titles.add(title.casefold())
            result.append(AreaDef(number, title, self.statements(item.get("statements"), number)))
        return tuple(result)

    def statements(self, value: Any, area: int) -> tuple[StatementDef, ...]:
        entries = self.array(value, f"areas[{area}].statements")
        result: list[StatementDef] = []
        for i, entry in enumerate(entries, start=1):
            where = f"areas[{area}].statements[{i}]"
            item = self.table(entry, where, {"letter", "text"})
            letter = self.text(item.get("letter"), f"{where}.letter").lower()
            if letter != letter_for(i):
                raise self.fail(
                    f"{where}.letter",
                    f"statements must be lettered a, b, c …; expected '{letter_for(i)}', "
                    f"found '{letter}'",
                )
            result.append(StatementDef(area, letter, self.text(item.get("text"), f"{where}.text")))
        return tuple(result)
