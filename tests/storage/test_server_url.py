"""A server URL's query options reach libpq as they were written (README, "For IT"): TLS is set
there, e.g. `?sslmode=verify-full&sslrootcert=/path/root.crt`, and nbdesk must neither drop nor
change them on the way to psycopg. No server is needed: this checks what would be passed."""

from __future__ import annotations

import pytest

pytest.importorskip("psycopg")

from typing import Any

from psycopg.conninfo import conninfo_to_dict, make_conninfo
from sqlalchemy import event

from nbdesk.storage.server import make_server_engine


class Captured(Exception):
    pass


def what_libpq_gets(url: str) -> dict[str, str]:
    """The connection options nbdesk's engine hands psycopg for `url` (caught just before it would
    connect), as libpq parses them."""
    engine = make_server_engine(url)
    seen: dict[str, Any] = {}

    @event.listens_for(engine, "do_connect")
    def catch(_dialect: Any, _record: Any, _cargs: Any, cparams: dict[str, Any]) -> None:
        seen.update(cparams)
        raise Captured

    try:
        assert engine.dialect.driver == "psycopg"
        with pytest.raises(Captured):
            engine.connect()
    finally:
        engine.dispose()
    seen.pop("context", None)  # psycopg's type adapters, not a connection option
    return conninfo_to_dict(make_conninfo(**seen))


TLS = {
    "sslmode": "verify-full",
    "sslrootcert": "/etc/nbdesk/council-root.crt",
    "sslcert": "/home/pa/.postgresql/postgresql.crt",
    "sslkey": "/home/pa/.postgresql/postgresql.key",
}


@pytest.mark.parametrize("scheme", ["postgresql", "postgresql+psycopg", "postgres"])
def test_tls_options_in_the_url_reach_libpq(scheme: str) -> None:
    query = "&".join(f"{k}={v}" for k, v in TLS.items())
    libpq = what_libpq_gets(f"{scheme}://alex@db.council.example:5433/nbdesk?{query}")
    assert {k: libpq[k] for k in TLS} == TLS
    assert (libpq["host"], libpq["port"], libpq["dbname"], libpq["user"]) == (
        "db.council.example",
        "5433",
        "nbdesk",
        "alex",
    )
    assert "password" not in libpq  # none given: libpq looks in ~/.pgpass
    assert libpq["connect_timeout"] == "10"  # nbdesk's own options are added, not put instead


def test_a_socket_folder_passes_through() -> None:
    libpq = what_libpq_gets("postgresql:///nbdesk?host=/var/run/postgresql&sslmode=disable")
    assert (libpq["host"], libpq["sslmode"], libpq["dbname"]) == (
        "/var/run/postgresql",
        "disable",
        "nbdesk",
    )
