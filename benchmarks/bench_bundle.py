"""The desktop bundle: its size on disk, and its cold start on the large file as a ratio to the
same start from the virtual environment. Skipped (with a line saying so) if dist/nbdesk is absent:
build it first with `make bundle`."""

from __future__ import annotations

import os
import sys
import tempfile
from pathlib import Path

from run import HERE, Context, Figure, median_seconds

BUNDLE = HERE.parent / "dist" / "nbdesk"


def size_mib(folder: Path) -> float:
    # PyInstaller links some libraries twice by symlink; count each file once, as du does.
    files = (p for p in folder.rglob("*") if p.is_file() and not p.is_symlink())
    return sum(p.stat().st_size for p in files) / 2**20


def measure(ctx: Context) -> list[Figure]:
    exe = BUNDLE / ("nbdesk.exe" if os.name == "nt" else "nbdesk")
    if not exe.exists():
        print(f"   no bundle at {BUNDLE}; run `make bundle` to measure it")
        return []
    env = dict(os.environ, QT_QPA_PLATFORM="offscreen")
    env["NBDESK_DATA_DIR"] = tempfile.mkdtemp(prefix="nbdesk-bench-")
    args = ["--db", str(ctx.large_db), "--quit-when-shown"]
    frozen = median_seconds([str(exe), *args], ctx.repeat, env)
    venv = median_seconds([sys.executable, "-m", "nbdesk", *args], ctx.repeat, env)
    return [
        Figure("bundle size on disk", size_mib(BUNDLE), target=150, unit=" MiB"),
        Figure(
            "bundle cold start on the large file ÷ the same from the venv",
            frozen / venv,
            target=1.5,
            detail=f"medians {frozen * 1000:.0f} ms vs {venv * 1000:.0f} ms",
        ),
    ]
