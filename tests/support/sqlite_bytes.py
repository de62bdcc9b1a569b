"""Reading SQLite's bytes as someone holding a copy of the file would: no SQLite, no schema, only
the record format (https://www.sqlite.org/fileformat2.html). Used to check that nothing can be
recovered from the raw bytes that nbdesk means to hide (the order completions were recorded in) or
to have erased."""

from __future__ import annotations

import re
from collections.abc import Callable, Iterator
from pathlib import Path

WAL_HEADER = 32
FRAME_HEADER = 24


def varint(buf: bytes, at: int) -> tuple[int, int]:
    """SQLite's variable-length integer at `at`: (value, bytes used)."""
    value = 0
    for i in range(8):
        if at + i >= len(buf):
            raise IndexError
        byte = buf[at + i]
        value = (value << 7) | (byte & 0x7F)
        if byte < 0x80:
            return value, i + 1
    if at + 8 >= len(buf):
        raise IndexError
    return (value << 8) | buf[at + 8], 9


INT_SIZES = {1: 1, 2: 2, 3: 3, 4: 4, 5: 6, 6: 8}


def record(buf: bytes, at: int, columns: int) -> list[object] | None:
    """The record starting at `at` if it is one of `columns` integers, texts and NULLs."""
    try:
        header_size, used = varint(buf, at)
        if header_size > 40 or header_size < columns + 1:
            return None
        types = []
        pos = at + used
        while pos < at + header_size:
            kind, used = varint(buf, pos)
            types.append(kind)
            pos += used
        if pos != at + header_size or len(types) != columns:
            return None
        values: list[object] = []
        pos = at + header_size
        for kind in types:
            if kind == 0:
                values.append(None)
            elif kind in (8, 9):
                values.append(kind - 8)
            elif kind in INT_SIZES:
                size = INT_SIZES[kind]
                if pos + size > len(buf):
                    return None
                values.append(int.from_bytes(buf[pos : pos + size], "big", signed=True))
                pos += size
            elif kind >= 13 and kind % 2 == 1:
                size = (kind - 13) // 2
                if pos + size > len(buf):
                    return None
                try:
                    values.append(buf[pos : pos + size].decode("utf-8"))
                except UnicodeDecodeError:
                    return None
                pos += size
            else:
                return None
        return values
    except IndexError:
        return None


DAY = re.compile(r"\d{4}-\d\d-\d\d$")
CONFIRMERS = {"young-person", "pa", "trusted-adult"}


Key = tuple[int, int]  # (round id, person id): whose row it is


def completion_row(values: list[object]) -> Key | None:
    """(round, person) if these are a `completion` row (round, person, confirmer, day)."""
    round_id, person, confirmer, day = values
    if not (isinstance(round_id, int) and isinstance(person, int)):
        return None
    if confirmer in CONFIRMERS and isinstance(day, str) and DAY.match(day):
        return round_id, person
    return None


def change_row(values: list[object]) -> Key | None:
    """(round, person) if these are a `completion_change` row."""
    round_id, person, number, action, day = values[:5]
    if not (isinstance(round_id, int) and isinstance(person, int) and isinstance(number, int)):
        return None
    if action in ("marked", "unmarked") and isinstance(day, str) and DAY.match(day):
        return round_id, person
    return None


# The number of columns a row may have: completion_change gained changed_by in 0012, and a file
# from before keeps its older rows as they were.
SHAPES: dict[str, tuple[tuple[int, ...], Callable[[list[object]], Key | None]]] = {
    "completion": ((4,), completion_row),
    "completion_change": ((7, 8), change_row),
}


def scan(buf: bytes, table: str) -> Iterator[tuple[int, Key]]:
    """Every (offset, (round, person)) where a row of `table` is written in `buf`, live or left over in
    free space: every byte offset is tried, not only the cells a page lists."""
    shapes, person_of = SHAPES[table]
    for at in range(len(buf)):
        for columns in shapes:
            if buf[at] not in (columns + 1, columns + 2):
                continue
            values = record(buf, at, columns)
            if values is not None:
                key = person_of(values)
                if key is not None:
                    yield at, key


def first_seen_in_file(data: bytes, table: str) -> dict[Key, int]:
    """Each (round, person)'s first byte offset in a database file (or a backup)."""
    seen: dict[Key, int] = {}
    for at, key in scan(data, table):
        seen.setdefault(key, at)
    return seen


def first_seen_in_wal(data: bytes, table: str) -> dict[Key, int]:
    """Each (round, person)'s first appearance in a -wal: the frame (one page image per commit that changed
    it), then the offset within it, as one number that orders them."""
    if len(data) < WAL_HEADER:
        return {}
    page_size = int.from_bytes(data[8:12], "big")
    frame = FRAME_HEADER + page_size
    seen: dict[Key, int] = {}
    for number, start in enumerate(range(WAL_HEADER, len(data) - frame + 1, frame)):
        page = data[start + FRAME_HEADER : start + frame]
        for at, key in scan(page, table):
            seen.setdefault(key, number * page_size + at)
    return seen


def read(path: Path) -> bytes:
    return path.read_bytes() if path.exists() else b""


def ranks(values: list[float]) -> list[float]:
    order = sorted(range(len(values)), key=lambda i: values[i])
    result = [0.0] * len(values)
    i = 0
    while i < len(order):
        j = i
        while j + 1 < len(order) and values[order[j + 1]] == values[order[i]]:
            j += 1
        for k in range(i, j + 1):
            result[order[k]] = (i + j) / 2
        i = j + 1
    return result


def spearman(xs: list[float], ys: list[float]) -> float:
    """Spearman's rank correlation (0 when either side has no spread)."""
    rx, ry = ranks(xs), ranks(ys)
    n = len(xs)
    mx, my = sum(rx) / n, sum(ry) / n
    cov = sum((a - mx) * (b - my) for a, b in zip(rx, ry, strict=True))
    vx = sum((a - mx) ** 2 for a in rx)
    vy = sum((b - my) ** 2 for b in ry)
    return 0.0 if vx == 0 or vy == 0 else cov / (vx * vy) ** 0.5
