"""Encryption at rest: a file encrypted in place keeps everything, shows no plain text in any byte,
opens with the key from the credential store, its recovery key or a passphrase, and refuses while
another nbdesk has it open."""

from __future__ import annotations

import sqlite3
import subprocess
import sys
from pathlib import Path

import pytest

from nbdesk.storage import create_database, open_database
from nbdesk.storage import encryption as enc
from nbdesk.storage.authority import authority_name

pytestmark = pytest.mark.subject_is_sqlite("SQLCipher encrypts the file")

NAME = "Secretshire Borough Council"


@pytest.fixture
def plain(tmp_path: Path) -> Path:
    path = tmp_path / "a.nbdesk"
    create_database(path, NAME).close()
    enc.forget_all()
    return path


def test_encrypted_in_place_with_nothing_readable(plain: Path, keyring_file: Path) -> None:
    assert NAME.encode() in plain.read_bytes()
    done = enc.encrypt_file(plain)
    assert done.stored and done.recovery_key and len(done.recovery_key.split("-")) == 20
    data = plain.read_bytes()
    assert enc.is_encrypted(plain) and NAME.encode() not in data
    assert not data.startswith(enc.SQLITE_MAGIC)
    # A later process: nothing in memory, the key from the credential store.
    enc.forget_all()
    db = open_database(plain)
    with db.session() as session:
        assert authority_name(session) == NAME
    db.close()


def test_recovery_key_opens_it_on_another_computer(plain: Path, keyring_file: Path) -> None:
    done = enc.encrypt_file(plain)
    keyring_file.unlink()  # another computer: nothing stored
    enc.forget_all()
    with pytest.raises(enc.LockedError, match="recovery key or passphrase"):
        enc.secret_for(plain)
    typed = iter(["not the key", done.recovery_key.lower().replace("-", " ")])
    secret = enc.secret_for(plain, ask=lambda _path: next(typed))
    assert enc.decrypt_file(plain, secret) == 0
    assert plain.read_bytes().startswith(enc.SQLITE_MAGIC)
    with sqlite3.connect(plain) as conn:
        assert conn.execute("SELECT name FROM authority").fetchone()[0] == NAME


def test_passphrase_for_portable_mode(plain: Path, keyring_file: Path) -> None:
    with pytest.raises(enc.EncryptionError, match="at least 12"):
        enc.encrypt_file(plain, passphrase="short")
    assert not enc.is_encrypted(plain)
    done = enc.encrypt_file(plain, passphrase="correct horse battery staple")
    assert done.recovery_key is None and not done.stored
    enc.forget_all()
    secret = enc.secret_for(plain, ask=lambda _p: "correct horse battery staple")
    assert secret.passphrase == "correct horse battery staple"


HOLD_OPEN = """
import sqlite3, sys, time
conn = sqlite3.connect(sys.argv[1])
conn.execute("PRAGMA journal_mode=WAL")
conn.execute("SELECT count(*) FROM authority").fetchone()
print("open", flush=True)
time.sleep(30)
"""


def test_refused_while_another_nbdesk_has_it_open(plain: Path) -> None:
    # Another process: locks are per process, so only another process shows the real case.
    other = subprocess.Popen(
        [sys.executable, "-c", HOLD_OPEN, str(plain)], stdout=subprocess.PIPE, text=True
    )
    try:
        assert other.stdout is not None and other.stdout.readline().strip() == "open"
        with pytest.raises(enc.EncryptionError, match="open in another nbdesk"):
            enc.encrypt_file(plain)
    finally:
        other.kill()
        other.wait()
    assert not enc.is_encrypted(plain)
    assert not plain.with_name(plain.name + ".rewriting").exists()
    with sqlite3.connect(plain) as conn:
        assert conn.execute("SELECT name FROM authority").fetchone()[0] == NAME
