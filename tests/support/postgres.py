"""A throwaway PostgreSQL cluster for tests: initdb into a temporary folder, pg_ctl on a Unix
socket there (no TCP port, so parallel runs never collide), trust authentication for the
`postgres` superuser, and durability switched off (a test cluster is thrown away; fsync only
costs time).

PostgreSQL refuses to run as root: when the tests run as root (CI containers, this machine) the
cluster runs as the `postgres` system user through `runuser`, in a folder chowned to it; the
tests still connect over the socket as the database user `postgres`.

    cluster = start_cluster()           # or the session fixture `postgres_cluster` in conftest
    url = cluster.new_database()        # a fresh empty database, as a SQLAlchemy URL string
    url = cluster.new_database(template="nbdesk_template")  # a copy of a prepared one
    cluster.drop_database(url)
    cluster.stop()

Every URL is `postgresql+psycopg://postgres@/NAME?host=SOCKETDIR&port=PORT`, which nbdesk's
`--db` and SQLAlchemy both take as they are.
"""

from __future__ import annotations

import itertools
import os
import pwd
import shutil
import subprocess
import tempfile
import warnings
from collections.abc import Callable
from dataclasses import dataclass, field
from glob import glob
from pathlib import Path
from typing import TypeVar
from urllib.parse import urlsplit

PORT = 5432  # only names the socket file (.s.PGSQL.5432) in the cluster's own folder
SUPERUSER = "postgres"
T = TypeVar("T")


class NoPostgresError(RuntimeError):
    """No PostgreSQL server binaries on this machine."""


def server_bin_dir() -> Path:
    """The newest installed PostgreSQL's bin folder (Debian keeps them per version), or the folder
    of an `initdb` on PATH."""
    found = sorted(
        glob("/usr/lib/postgresql/*/bin/initdb"),
        key=lambda p: (
            int(Path(p).parent.parent.name) if Path(p).parent.parent.name.isdigit() else 0
        ),
    )
    if found:
        return Path(found[-1]).parent
    on_path = shutil.which("initdb")
    if on_path:
        return Path(on_path).parent
    raise NoPostgresError(
        "PostgreSQL's server programs (initdb, pg_ctl) were not found: install the "
        "`postgresql` package (Debian) to run the tests against PostgreSQL."
    )


def _as_cluster_user(command: list[str]) -> list[str]:
    # The server keeps the machine's real time: CI runs the suite again under libfaketime (a
    # leap day, nbdesk's clock), and a server under it never sees its lock_timeout come round.
    # The server is not nbdesk; its clock is not what that run checks.
    real_time = ["env", "-u", "LD_PRELOAD", "-u", "FAKETIME", *command]
    if os.geteuid() == 0:
        return ["runuser", "-u", SUPERUSER, "--", *real_time]
    return real_time


@dataclass
class Cluster:
    folder: Path
    bin_dir: Path
    _names: itertools.count[int] = field(default_factory=lambda: itertools.count(1))

    @property
    def data_dir(self) -> Path:
        return self.folder / "data"

    @property
    def socket_dir(self) -> Path:
        return self.folder

    def url(self, database: str = "postgres") -> str:
        return f"postgresql+psycopg://{SUPERUSER}@/{database}?host={self.socket_dir}&port={PORT}"

    def admin_url(self) -> str:
        """The maintenance database, for CREATE/DROP DATABASE and the like."""
        return self.url("postgres")

    def execute(self, sql: str) -> None:
        """Run one statement outside a transaction (CREATE DATABASE refuses to run in one)."""
        import psycopg

        with psycopg.connect(
            host=str(self.socket_dir), port=PORT, user=SUPERUSER, dbname="postgres", autocommit=True
        ) as conn:
            conn.execute(sql)  # type: ignore[arg-type]

    def new_database(self, template: str | None = None, name: str | None = None) -> str:
        """Create an empty database (or a copy of `template`, which must have no connections)
        and return its URL."""
        name = name or f"t{os.getpid()}_{next(self._names)}"
        source = f" TEMPLATE {template}" if template else " TEMPLATE template0"
        self.execute(f'CREATE DATABASE "{name}"{source}')
        return self.url(name)

    def drop_database(self, url_or_name: str) -> None:
        """Drop a database, closing whatever connections a test left open to it."""
        name = database_name(url_or_name) if "://" in url_or_name else url_or_name
        self.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')

    def ask_for_passwords(self) -> None:
        """From now on every role but the superuser signs in with its password (the cluster as
        started trusts everyone on its socket). Restarted, not reloaded: a reload is only
        signalled, and the old rules could still let a wrong password in for a moment; `restart`
        keeps the options the cluster was started with (and starts a server that stopped)."""
        (self.data_dir / "pg_hba.conf").write_text(
            "local all postgres trust\nlocal all all scram-sha-256\n"
        )
        restart = [
            str(self.bin_dir / "pg_ctl"), "restart", "-w", "-m", "fast", "-D",
            str(self.data_dir), "-l", str(self.log),
        ]  # fmt: skip
        _twice(lambda: self.run(restart, "restart"))

    @property
    def log(self) -> Path:
        return self.folder / "server.log"

    def run(self, command: list[str], what: str) -> None:
        """One of the server's programs, as the cluster's user, in the cluster's folder (which that
        user owns, wherever the tests run); a failure says what the program and the server's log
        said (CI once reported no more than "exit status 1")."""
        done = subprocess.run(
            _as_cluster_user(command), cwd=self.folder, capture_output=True, text=True
        )
        if done.returncode != 0:
            log = self.log.read_text(errors="replace")[-2000:] if self.log.exists() else ""
            said = "\n".join(s for s in (done.stdout[-2000:], done.stderr[-2000:], log) if s)
            raise ClusterError(
                f"the test PostgreSQL cluster's {what} failed (exit {done.returncode}): {said}"
            )

    def stop(self) -> None:
        subprocess.run(
            _as_cluster_user(
                [str(self.bin_dir / "pg_ctl"), "stop", "-D", str(self.data_dir), "-m", "immediate"]
            ),
            cwd=self.folder,
            check=False,
            capture_output=True,
        )
        shutil.rmtree(self.folder, ignore_errors=True)


class ClusterError(RuntimeError):
    """initdb or pg_ctl failed; the message holds what they and the server's log said."""


def _twice(attempt: Callable[[], T]) -> T:
    """The attempt, and once more if it fails: the machine running the tests can fail to start
    a server for a moment (CI once saw an initdb and a restart fail among many that worked),
    which is not what any test is about. The first failure is kept in a warning."""
    try:
        return attempt()
    except ClusterError as first:
        warnings.warn(f"tried once more after: {first}", stacklevel=2)
        return attempt()


def database_name(url: str) -> str:
    return urlsplit(url).path.lstrip("/")


def start_cluster(parent: Path | None = None) -> Cluster:
    """initdb and start a cluster in a new folder (under `parent`, or the system's temporary
    folder: pytest's own are private to root, and the cluster may run as another user)."""
    bin_dir = server_bin_dir()
    return _twice(lambda: _new_cluster(bin_dir, parent))


def _new_cluster(bin_dir: Path, parent: Path | None) -> Cluster:
    folder = Path(tempfile.mkdtemp(prefix="nbdesk-pg-", dir=parent))
    cluster = Cluster(folder=folder, bin_dir=bin_dir)
    if os.geteuid() == 0:
        user = pwd.getpwnam(SUPERUSER)
        os.chown(folder, user.pw_uid, user.pw_gid)
    options = " ".join(
        [
            "-c listen_addresses=''",
            f"-c unix_socket_directories='{cluster.socket_dir}'",
            f"-p {PORT}",
            "-c fsync=off",
            "-c synchronous_commit=off",
            "-c full_page_writes=off",
            "-c max_connections=200",
        ]
    )
    data = str(cluster.data_dir)
    try:
        cluster.run(
            [
                str(bin_dir / "initdb"), "-D", data, "-U", SUPERUSER, "--auth=trust",
                "--encoding=UTF8", "--locale=C.UTF-8", "--no-sync",
            ],
            "initdb",
        )  # fmt: skip
        cluster.run(
            [
                str(bin_dir / "pg_ctl"),
                "start",
                "-w",
                "-D",
                data,
                "-l",
                str(cluster.log),
                "-o",
                options,
            ],
            "start",
        )
    except ClusterError:
        cluster.stop()  # made above, by this run; nothing else uses it
        raise
    return cluster
