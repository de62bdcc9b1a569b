"""`nbdesk server init` asks the server to log only schema changes for the new database: with
log_statement = 'mod' or 'all', each mark of a completion would be logged with its moment (README,
Privacy). Only a superuser may set it; anyone else is told what to ask the administrator for."""

from __future__ import annotations

import pytest

from nbdesk.cli import main
from tests.support.postgres import Cluster, database_name
from tests.support.raw import raw


def database_setting(cluster: Cluster, url: str) -> list[str]:
    with raw(cluster.admin_url()) as conn:
        found = conn.execute(
            "SELECT s.setconfig FROM pg_db_role_setting s JOIN pg_database d ON d.oid = s.setdatabase"
            " WHERE d.datname = ? AND s.setrole = 0",
            (database_name(url),),
        ).fetchone()
    return list(found[0]) if found else []


def test_init_as_superuser_sets_the_databases_statement_logging(
    postgres_cluster: Cluster, postgres_url: str, capsys: pytest.CaptureFixture[str]
) -> None:
    assert main(["server", "init", postgres_url, "--authority", "Testshire"]) == 0
    out, err = capsys.readouterr()
    assert "log_statement = ddl" in out and err == ""
    assert database_setting(postgres_cluster, postgres_url) == ["log_statement=ddl"]
    with raw(postgres_url) as conn:  # a new connection to it takes the setting
        assert conn.execute("SHOW log_statement").fetchone() == ("ddl",)


def test_init_as_the_databases_owner_says_what_to_ask_for(
    postgres_cluster: Cluster, capsys: pytest.CaptureFixture[str]
) -> None:
    postgres_cluster.execute("DROP ROLE IF EXISTS nbdesk_owner")
    postgres_cluster.execute("CREATE ROLE nbdesk_owner LOGIN NOSUPERUSER")
    admin_url = postgres_cluster.new_database()
    name = database_name(admin_url)
    try:
        postgres_cluster.execute(f'ALTER DATABASE "{name}" OWNER TO nbdesk_owner')
        url = admin_url.replace("//postgres@", "//nbdesk_owner@")
        assert main(["server", "init", url, "--authority", "Testshire"]) == 0
        out, err = capsys.readouterr()
        assert out.startswith("Created the authority Testshire")
        assert err == (
            "nbdesk: warning: only the server's administrator can stop it logging each save "
            "with its moment (README, Privacy); ask them to run: "
            f"ALTER DATABASE {name} SET log_statement = 'ddl';\n"
        )
        assert database_setting(postgres_cluster, admin_url) == []
    finally:
        postgres_cluster.drop_database(admin_url)
        postgres_cluster.execute("DROP ROLE nbdesk_owner")
