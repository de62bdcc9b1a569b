"""The core stays free of Qt, and start-up stays free of the heavy libraries."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import nbdesk

PACKAGE = Path(nbdesk.__file__).resolve().parent


def non_ui_modules() -> list[str]:
    modules = []
    for path in sorted(PACKAGE.rglob("*.py")):
        relative = path.relative_to(PACKAGE.parent).with_suffix("")
        parts = relative.parts
        if "ui" in parts[:2] or "migrations" in parts or parts[-1] == "__main__":
            continue
        modules.append(".".join(p for p in parts if p != "__init__"))
    return modules


def loaded_after(imports: list[str], then: str = "") -> set[str]:
    code = (
        "import importlib, json, sys\n"
        f"for name in {imports!r}:\n"
        "    importlib.import_module(name)\n"
        f"{then}\n"
        "print(json.dumps(sorted({m.split('.')[0] for m in sys.modules})))\n"
    )
    out = subprocess.run([sys.executable, "-c", code], check=True, capture_output=True, text=True)
    return set(json.loads(out.stdout))


def test_no_module_outside_ui_imports_qt() -> None:
    modules = non_ui_modules()
    assert "nbdesk.storage.database" in modules and "nbdesk.forms.scoring" in modules
    assert "PySide6" not in loaded_after(modules)


def test_start_up_path_leaves_heavy_libraries_unloaded() -> None:
    # What `nbdesk` imports before the window is shown: the CLI, the app and the main window.
    # build_parser() imports every command module, as `nbdesk` does before starting the window.
    loaded = loaded_after(
        ["nbdesk.cli", "nbdesk.ui.app", "nbdesk.ui.main_window"],
        then="import nbdesk.cli; nbdesk.cli.build_parser()",
    )
    assert "PySide6" in loaded
    # SQLAlchemy too: the file is opened on the worker thread after the window is up.
    for heavy in ("pandas", "openpyxl", "reportlab", "alembic", "numpy", "sqlalchemy"):
        assert heavy not in loaded, f"{heavy} is imported at start-up"
