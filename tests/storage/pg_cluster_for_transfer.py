"""A throwaway PostgreSQL cluster for the transfer tests, until the shared one
(tests/support/postgres.py) is on main: initdb and pg_ctl in a temporary folder, listening on a
Unix socket in that folder only (no TCP port to collide with anything), trusting local users.

PostgreSQL refuses to run as root, so as root the server runs as the `postgres` user (runuser),
in a folder that user owns; the tests connect through the socket as the `postgres` role.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import tempfile
import uuid
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest

BIN_DIRS = [Path("/usr/lib/postgresql/15/bin"), *Path("/usr/lib/postgresql").glob("*/bin")]
PORT = 5432  # only names the socket file, in a folder of our own


def _bin_dir() -> Path | None:
    for folder in BIN_DIRS:
        if (folder / "initdb").is_file() and (folder / "pg_ctl").is_file():
            return folder
    found = shutil.which("initdb")
    return Path(found).parent if found else None


@dataclass
class Cluster:
    folder: Path
    bin_dir: Path
    as_postgres: list[str]

    @property
    def socket_dir(self) -> Path:
        return self.folder / "socket"

    def url(self, database: str) -> str:
        return f"postgresql+psycopg://postgres@/{database}?host={self.socket_dir}&port={PORT}"

    def run(self, *command: str) -> None:
        subprocess.run(
            [*self.as_postgres, *command], check=True, capture_output=True, text=True, timeout=60
        )

    def new_database(self) -> str:
        """The URL of a new, empty database in the cluster."""
        name = f"t_{uuid.uuid4().hex[:12]}"
        self.run(str(self.bin_dir / "createdb"), "-h", str(self.socket_dir), "-p", str(PORT), name)
        return self.url(name)


def start_cluster() -> Iterator[Cluster]:
    bin_dir = _bin_dir()
    if bin_dir is None:
        pytest.skip("PostgreSQL's initdb/pg_ctl are not installed (apt install postgresql-15)")
    as_postgres: list[str] = []
    folder = Path(tempfile.mkdtemp(prefix="nbdesk-pg-"))
    if os.geteuid() == 0:
        if shutil.which("runuser") is None:
            pytest.skip("running as root and runuser is missing: PostgreSQL will not run as root")
        as_postgres = ["runuser", "-u", "postgres", "--"]
        shutil.chown(folder, "postgres")
    cluster = Cluster(folder, bin_dir, as_postgres)
    data = folder / "data"
    try:
        cluster.run(
            str(bin_dir / "initdb"),
            "-D",
            str(data),
            "-U",
            "postgres",
            "--auth=trust",
            "--encoding=UTF8",
            "--no-sync",
        )
        cluster.run("mkdir", str(cluster.socket_dir))
        options = f"-c listen_addresses='' -k {cluster.socket_dir} -p {PORT} -c fsync=off"
        cluster.run(
            str(bin_dir / "pg_ctl"),
            "-D",
            str(data),
            "-o",
            options,
            "-l",
            str(folder / "log"),
            "-w",
            "start",
        )
    except subprocess.CalledProcessError as exc:
        shutil.rmtree(folder, ignore_errors=True)
        raise RuntimeError(f"the test cluster did not start: {exc.stderr}") from exc
    try:
        yield cluster
    finally:
        subprocess.run(
            [*as_postgres, str(bin_dir / "pg_ctl"), "-D", str(data), "-m", "immediate", "stop"],
            capture_output=True,
            timeout=60,
        )
        shutil.rmtree(folder, ignore_errors=True)
