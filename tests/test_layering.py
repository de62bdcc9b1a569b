"""The core stays free of Qt, and start-up stays free of the heavy libraries."""

from __future__ import annotations

import ast
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
    # What `nbdesk` imports before its first screen is shown: the CLI, the app, the main window,
    # the Self-assessment section and what reads the first screen (then run, on a missing file).
    # build_parser() imports every command module: `nbdesk` reads a command line that only starts
    # the window without them (cli.parse_command_line), but they must not load these either.
    loaded = loaded_after(
        [
            "nbdesk.cli",
            "nbdesk.ui.app",
            "nbdesk.ui.main_window",
            "nbdesk.ui.self_assessment.section",
            "nbdesk.self_assessment.first_screen",
        ],
        then="import nbdesk.cli, pathlib; nbdesk.cli.build_parser(); "
        "from nbdesk.self_assessment.first_screen import read_first_screen as r; "
        "r(pathlib.Path('missing.nbdesk'))",
    )
    assert "PySide6" in loaded
    # SQLAlchemy too: the file is opened on the worker thread after the first screen is shown.
    for heavy in ("pandas", "openpyxl", "reportlab", "alembic", "numpy", "sqlalchemy", "psycopg"):
        assert heavy not in loaded, f"{heavy} is imported at start-up"
    # Smaller, but each a few MiB or a stack of modules the first screen never uses: OpenSSL
    # (through `secrets`: a key, a temporary name), importlib.resources (the build date) and
    # logging.handlers (socket and pickle with it, 2.4 MiB, for a log file seldom written).
    for module in ("_hashlib", "importlib.resources", "logging.handlers", "socket", "pickle"):
        assert module not in loaded, f"{module} is imported at start-up"


# The application set-up: opening files, the self-test. Only these may touch nbdesk.storage.
SET_UP = {"app.py", "self_test.py"}


def ui_sources() -> list[Path]:
    return sorted((PACKAGE / "ui").rglob("*.py"))


def imported_modules(tree: ast.AST) -> list[str]:
    found = []
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            found += [alias.name for alias in node.names]
        elif isinstance(node, ast.ImportFrom) and node.module:
            found.append(node.module)
    return found


def test_only_the_application_set_up_imports_storage() -> None:
    """Issue 12: the window works on the file through Ops and the services, never the storage
    layer (TYPE_CHECKING imports count too: a widget should not even know its type)."""
    offenders = [
        str(path.relative_to(PACKAGE))
        for path in ui_sources()
        if path.name not in SET_UP
        and any(
            m.startswith("nbdesk.storage") for m in imported_modules(ast.parse(path.read_text()))
        )
    ]
    assert offenders == []


def test_no_widget_opens_a_session() -> None:
    """Reads and writes go through Ops (nbdesk/ui/ops.py), on the worker."""
    offenders = []
    for path in ui_sources():
        if path.name in SET_UP | {"ops.py"}:
            continue
        for node in ast.walk(ast.parse(path.read_text())):
            if (
                isinstance(node, ast.Call)
                and isinstance(node.func, ast.Attribute)
                and node.func.attr in {"session", "transaction", "begin"}
            ):
                offenders.append(f"{path.relative_to(PACKAGE)}:{node.lineno}")
    assert offenders == []


def test_the_package_is_areas_not_a_heap_of_modules() -> None:
    """Each area is a package; only the entry points sit at the top."""
    top = sorted(p.name for p in PACKAGE.glob("*.py"))
    assert top == ["__init__.py", "__main__.py"]
    areas = sorted(p.name for p in PACKAGE.iterdir() if (p / "__init__.py").exists())
    assert areas == [
        "action_plan",
        "cli",
        "common",
        "demo",
        "feedback",
        "forms",
        "returns",
        "self_assessment",
        "storage",
        "survey",
        "ui",
    ]


def test_no_product_module_is_over_about_500_lines() -> None:
    long = {
        str(p.relative_to(PACKAGE)): n
        for p in PACKAGE.rglob("*.py")
        if (n := len(p.read_text().splitlines())) > 520 and "migrations" not in p.parts
    }
    assert long == {}
