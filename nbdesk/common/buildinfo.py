"""Version and build date. A frozen bundle carries `nbdesk/_build.txt`, written by the build."""

from __future__ import annotations

from pathlib import Path

# Beside the package's modules, as the bundle collects it (nbdesk/_build.txt). Found from this
# file rather than through importlib.resources, which the start would import for it alone.
BUILD_FILE = Path(__file__).resolve().parent.parent / "_build.txt"


def build_date() -> str | None:
    try:
        text = BUILD_FILE.read_text(encoding="utf-8")
    except (FileNotFoundError, OSError):
        return None
    return text.strip() or None


def build_description() -> str:
    date = build_date()
    return f" (built {date})" if date else ""
