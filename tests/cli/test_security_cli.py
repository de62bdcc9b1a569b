"""nbdesk encrypt and decrypt, as a lead would run them: the file and every backup encrypted, the
recovery key printed once, other commands opening the file with the stored key, a locked file
refused in one line, and decrypting with the recovery key on a computer that never had it."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

from nbdesk.storage import create_database
from nbdesk.storage.backup import copies_of, rotating_backup
from nbdesk.storage.encryption import SQLITE_MAGIC, is_encrypted

ROOT = Path(__file__).resolve().parents[2]
NAME = "Lockshire County Council"


def nbdesk(*args: str, keyring: Path | None, stdin: str = "") -> subprocess.CompletedProcess[str]:
    env = dict(os.environ, PYTHONPATH=str(ROOT))
    if keyring is not None:
        env["PYTHON_KEYRING_BACKEND"] = "tests.support.keyring_file.FileKeyring"
        env["NBDESK_TEST_KEYRING"] = str(keyring)
    else:
        env["PYTHON_KEYRING_BACKEND"] = "keyring.backends.fail.Keyring"
    return subprocess.run(
        [sys.executable, "-m", "nbdesk", *args],
        input=stdin,
        capture_output=True,
        text=True,
        env=env,
        timeout=120,
    )


@pytest.fixture
def authority(tmp_path: Path) -> Path:
    path = tmp_path / "Lockshire.nbdesk"
    create_database(path, NAME).close()
    rotating_backup(path, "manual")
    return path


@pytest.mark.subject_is_sqlite("encryption of the file")
def test_encrypt_then_use_then_decrypt_elsewhere(authority: Path, tmp_path: Path) -> None:
    store = tmp_path / "keyring.json"
    result = nbdesk("encrypt", "--db", str(authority), keyring=store)
    assert result.returncode == 0, result.stderr
    assert "Encrypted" in result.stdout and "1 backup(s)" in result.stdout
    key_line = next(line for line in result.stdout.splitlines() if line.count("-") == 19)
    recovery = key_line.strip()
    for copy in [authority, *copies_of(authority)]:
        assert is_encrypted(copy) and NAME.encode() not in copy.read_bytes()

    # Daily use: the stored key opens it without asking.
    check = nbdesk("check", "--db", str(authority), keyring=store)
    assert check.returncode == 0, check.stderr

    # Another computer: no key stored, nothing typed: one line, exit 1.
    locked = nbdesk("check", "--db", str(authority), keyring=None)
    assert locked.returncode == 1
    assert locked.stderr.strip().count("\n") == 0 and "recovery key" in locked.stderr

    wrong = nbdesk("decrypt", "--db", str(authority), keyring=None, stdin="not it\n")
    assert wrong.returncode == 1 and is_encrypted(authority)

    done = nbdesk("decrypt", "--db", str(authority), keyring=None, stdin=recovery + "\n")
    assert done.returncode == 0, done.stderr
    for copy in [authority, *copies_of(authority)]:
        assert copy.read_bytes().startswith(SQLITE_MAGIC)


@pytest.mark.subject_is_sqlite("encryption of the file")
def test_a_passphrase_from_standard_input(authority: Path) -> None:
    short = nbdesk("encrypt", "--db", str(authority), "--passphrase", keyring=None, stdin="short\n")
    assert short.returncode == 1 and "at least 12" in short.stderr
    assert not is_encrypted(authority)
    phrase = "a long enough passphrase\n"
    result = nbdesk("encrypt", "--db", str(authority), "--passphrase", keyring=None, stdin=phrase)
    assert result.returncode == 0, result.stderr
    assert "Recovery key" not in result.stdout
    check = nbdesk("check", "--db", str(authority), keyring=None, stdin=phrase)
    assert check.returncode == 0, check.stderr
