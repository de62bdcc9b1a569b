"""Smoke test of a built bundle, run offscreen in fresh, empty data folders.

Usage: python build/smoke_test.py dist/nbdesk

1. `nbdesk --version` names the version and the build date.
2. `nbdesk --self-test OUT` creates a demonstration authority, opens it in the main window,
   exports both Excel returns and both PDF reports (reading each one back) and quits 0 (a missing
   Qt plugin, data file, font or hidden import fails here); the files must be in OUT.
3. Portable mode: with portable.txt beside the executable and no NBDESK_DATA_DIR, the data folder
   is data/ beside it.
4. The PostgreSQL driver is in the bundle: `nbdesk check --db postgresql://…` at a socket that is
   not there gets as far as trying to connect (a missing psycopg, its compiled half or libpq would
   fail before that). Then, if this machine has PostgreSQL's server programs, a throwaway cluster
   (tests/support/postgres.py) is started and `nbdesk server init` and `nbdesk check` are run on it
   by the bundled program; without them this part is skipped and says why.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path


def clean_env(**extra: str) -> dict[str, str]:
    # Nothing from the build's Python may leak into the frozen program.
    env = {
        k: v
        for k, v in os.environ.items()
        if not k.startswith(("PYTHON", "VIRTUAL_ENV", "NBDESK_"))
    }
    env["QT_QPA_PLATFORM"] = "offscreen"
    env.update(extra)
    return env


def self_test(exe: Path, out: Path, env: dict[str, str]) -> str:
    result = subprocess.run(
        [str(exe), "--self-test", str(out)], capture_output=True, text=True, env=env, timeout=300
    )
    log_file = out / "self-test.log"
    log = log_file.read_text() if log_file.exists() else ""
    if result.returncode != 0 or "self-test passed" not in log:
        raise SystemExit(
            f"smoke test: FAILED (exit {result.returncode})\n{log}\n{result.stderr[-3000:]}"
        )
    # Three returns (xlsx) and three reports (pdf), each read back by the self-test.
    for suffix in (".xlsx", ".pdf"):
        found = sorted(p.name for p in out.glob(f"*{suffix}"))
        if len(found) != 3:
            raise SystemExit(f"smoke test: FAILED: expected three {suffix} files in {out}: {found}")
    return log


def server_driver(exe: Path, env: dict[str, str]) -> str | None:
    """Step 4; a failure as a message, None if it passed."""
    nowhere = "postgresql://nobody@/nbdesk?host=/nonexistent-nbdesk-smoke&port=5432"
    result = subprocess.run(
        [str(exe), "check", "--db", nowhere], capture_output=True, text=True, env=env, timeout=120
    )
    if result.returncode != 1 or "could not reach" not in result.stderr:
        return f"the PostgreSQL driver did not load (exit {result.returncode})\n{result.stderr}"
    print("smoke test: the PostgreSQL driver loads (a server that is not there is reported)")
    sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
    from tests.support.postgres import NoPostgresError, start_cluster

    try:
        cluster = start_cluster()
    except NoPostgresError as exc:
        print(f"smoke test: server init and check on a real server SKIPPED: {exc}")
        return None
    try:
        url = cluster.new_database()
        for command in (["server", "init", url, "--authority", "Smoke"], ["check", "--db", url]):
            ran = subprocess.run(
                [str(exe), *command], capture_output=True, text=True, env=env, timeout=300
            )
            if ran.returncode != 0:
                return f"`nbdesk {' '.join(command[:2])}` failed on a server\n{ran.stderr}"
        if "Smoke" not in ran.stdout:
            return f"`nbdesk check` on the server did not name the authority\n{ran.stdout}"
        print("smoke test: server init and check work on a throwaway PostgreSQL cluster")
    finally:
        cluster.stop()
    return None


def main() -> int:
    bundle = Path(sys.argv[1] if len(sys.argv) > 1 else "dist/nbdesk").resolve()
    exe = bundle / ("nbdesk.exe" if os.name == "nt" else "nbdesk")
    if not exe.exists():
        print(f"smoke test: no executable at {exe}; build the bundle first (make bundle)")
        return 1
    with tempfile.TemporaryDirectory(prefix="nbdesk-smoke-") as tmp:
        env = clean_env(NBDESK_DATA_DIR=str(Path(tmp) / "data"))
        version = subprocess.run(
            [str(exe), "--version"], capture_output=True, text=True, env=env, timeout=120
        )
        print(f"smoke test: {version.stdout.strip()}")
        if version.returncode != 0 or "built" not in version.stdout:
            print(f"smoke test: --version failed or has no build date\n{version.stderr}")
            return 1
        print(self_test(exe, Path(tmp) / "out", env))

        marker, portable_data = bundle / "portable.txt", bundle / "data"
        if portable_data.exists():
            print(f"smoke test: {portable_data} exists already; remove it first")
            return 1
        marker.write_text("Keep nbdesk's data in data/ beside the program.\n")
        try:
            log = self_test(exe, Path(tmp) / "portable-out", clean_env())
            if f"data folder: {portable_data}" not in log:
                print(f"smoke test: portable mode did not use {portable_data}\n{log}")
                return 1
            print(f"smoke test: portable mode keeps data in {portable_data}")
        finally:
            marker.unlink()
            shutil.rmtree(portable_data, ignore_errors=True)
        failed = server_driver(exe, env)
        if failed:
            print(f"smoke test: FAILED: {failed}")
            return 1
    print("smoke test: passed")
    return 0


if __name__ == "__main__":
    sys.exit(main())
