"""nbdesk's benchmarks: each figure is a ratio to a baseline measured in the same run.

Run with `make bench` (or `python benchmarks/run.py [--db FILE] [--repeat N] [--only NAME]`). The
synthetic large authority (fictional data) is created on first use under benchmarks/out/, and the
huge one when a benchmark first asks for it. Each `bench_*.py` module
beside this file has `measure(ctx) -> list[Figure]`; this script runs them all and prints the table.
Targets are printed beside the figures; this is a report, not a test, so it never fails on them.
"""

from __future__ import annotations

import argparse
import importlib.util
import statistics
import subprocess
import sys
import time
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE.parent))


@dataclass
class Figure:
    name: str
    value: float  # a ratio, unless unit says otherwise
    target: float | None = None
    unit: str = "×"
    detail: str = ""

    def line(self) -> str:
        target = f"target ≤ {self.target:g}{self.unit}" if self.target is not None else ""
        verdict = ""
        if self.target is not None:
            verdict = "met" if self.value <= self.target else "MISSED"
        value = f"{self.value:.2f}{self.unit}"
        return f"{self.name:<62}{value:>12}  {target:<20}{verdict:<8}{self.detail}"


@dataclass
class Context:
    large_db: Path
    repeat: int
    out: Path


def median_seconds(command: list[str], repeat: int, env: dict[str, str] | None = None) -> float:
    times: list[float] = []
    for _ in range(repeat):
        start = time.perf_counter()
        subprocess.run(command, check=True, env=env, capture_output=True)
        times.append(time.perf_counter() - start)
    return statistics.median(times)


def median_of(fn: Callable[[], Any], repeat: int) -> float:
    """The median time of `repeat` calls of `fn`, in seconds."""
    times = []
    for _ in range(repeat):
        start = time.perf_counter()
        fn()
        times.append(time.perf_counter() - start)
    return statistics.median(times)


def wait_for_ops(app: Any) -> None:
    """Until the window's worker has answered every read the widgets asked for, and the answers
    are shown."""
    from PySide6.QtCore import QEventLoop

    from nbdesk.ui.ops import Ops

    for _ in range(3):
        app.processEvents()
    # Asleep until the worker's answer (or anything else) arrives, as the window's own event loop
    # is: calling processEvents over and over kept asking the worker for the interpreter and made
    # its reads several times as long as in the window (60-85 ms for the register's 9 ms).
    while Ops.busy():
        app.processEvents(QEventLoop.ProcessEventsFlag.WaitForMoreEvents)
    for _ in range(3):
        app.processEvents()


def large_file_with(ctx: Context, ready: Callable[[Any], bool], what: str, name: str) -> Path:
    """The large file if `ready(session)` says it holds what a benchmark needs; a large file made
    before that existed gets a fresh large demonstration beside it, `name`, once."""
    from nbdesk.storage import open_database

    db = open_database(ctx.large_db)
    try:
        with db.session() as session:
            if ready(session):
                return ctx.large_db
    finally:
        db.close()
    fresh = ctx.out / name
    if not fresh.exists():
        print(f"  ({ctx.large_db.name} has no {what}; creating {fresh.name})")
        subprocess.run(
            [sys.executable, "-m", "nbdesk", "demo", str(fresh), "--size", "large"],
            check=True,
            capture_output=True,
        )
    return fresh


def _demo_sources_newer_than(path: Path) -> bool:
    """The large file is rebuilt when the demo or the schema changed after it was made."""
    package = HERE.parent / "nbdesk"
    sources = [*(package / "demo").glob("*.py"), *(package / "storage").rglob("*.py")]
    return any(src.stat().st_mtime > path.stat().st_mtime for src in sources)


def ensure_demo(path: Path, size: str) -> Path:
    """The demonstration of this size at `path`, made once (and again when the demo or the schema
    changed since)."""
    if path.exists() and _demo_sources_newer_than(path):
        print(f"The demo or schema changed since {path.name} was made; rebuilding it.", flush=True)
        path.unlink()
    if not path.exists():
        print(f"Creating the synthetic {size} authority in {path} (once) …", flush=True)
        subprocess.run(
            [sys.executable, "-m", "nbdesk", "demo", str(path), "--size", size], check=True
        )
    return path


def ensure_large(path: Path) -> Path:
    return ensure_demo(path, "large")


def ensure_huge(ctx: Context) -> Path:
    """The synthetic huge authority (50,000 people, 1,000,000 contacts) beside the large one."""
    return ensure_demo(ctx.out / "huge.nbdesk", "huge")


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--db", type=Path, help="the large authority (default: benchmarks/out/)")
    parser.add_argument("--repeat", type=int, default=7)
    parser.add_argument("--only", help="run only bench_<ONLY>.py")
    args = parser.parse_args()
    out = HERE / "out"
    out.mkdir(exist_ok=True)
    ctx = Context(ensure_large(args.db or out / "large.nbdesk"), args.repeat, out)
    figures: list[Figure] = []
    pattern = f"bench_{args.only}.py" if args.only else "bench_*.py"
    for module_path in sorted(HERE.glob(pattern)):
        spec = importlib.util.spec_from_file_location(module_path.stem, module_path)
        assert spec and spec.loader
        module = importlib.util.module_from_spec(spec)
        sys.modules[module_path.stem] = module  # for dataclasses in the module
        spec.loader.exec_module(module)
        print(f"… {module_path.stem}", flush=True)
        figures.extend(module.measure(ctx))
    print()
    for figure in figures:
        print(figure.line())
    return 0


if __name__ == "__main__":
    sys.exit(main())
