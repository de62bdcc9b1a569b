"""Version and build date. A frozen bundle carries `nbdesk/_build.txt`, written by the build."""

from __future__ import annotations

from importlib import resources


def build_date() -> str | None:
    try:
        text = (resources.files("nbdesk") / "_build.txt").read_text(encoding="utf-8")
    except (FileNotFoundError, OSError):
        return None
    return text.strip() or None


def build_description() -> str:
    date = build_date()
    return f" (built {date})" if date else ""
