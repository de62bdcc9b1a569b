"""Encryption at rest: SQLCipher files, keys kept in the operating system's credential store, a
recovery key shown once, and a passphrase for portable mode.

Why SQLCipher through `sqlcipher3-wheels`: it is SQLite with AES-256 pages, so the schema, the
migrations and every query stay as they are; that package publishes wheels for Windows, macOS and
Linux (x86-64 and ARM), so neither an install nor the bundle needs a compiler. It is imported only
when an encrypted file is opened or a file is encrypted.

Why a raw key with its salt: a file encrypted with a raw key (`x'<key><salt>'`) starts with that
salt in clear. Every backup of the file is written with the same key and salt, so the salt names the
key in the credential store (`keyring`, service "nbdesk") for the file, its copies and its backups
wherever they are moved. The recovery key is the same 48 bytes written in base32, for the lead to
keep on paper; it opens the file on any computer. Portable mode (a USB stick) uses a passphrase
instead, stretched by SQLCipher's own key derivation, and nothing is stored on the computer.
"""

from __future__ import annotations

import base64
import os
import sqlite3
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from nbdesk.common.errors import PlainError
from nbdesk.storage.wal_guard import file_uri

SQLITE_MAGIC = b"SQLite format 3\x00"  # what every plain SQLite file begins with
KEY_BYTES, SALT_BYTES = 32, 16
SERVICE = "nbdesk"
MIN_PASSPHRASE = 12


class EncryptionError(PlainError):
    """Encrypting, decrypting or unlocking a file failed; the message says why, in one line."""


class LockedError(EncryptionError):
    """An encrypted file whose key this computer does not hold."""


@dataclass(frozen=True)
class Secret:
    """What unlocks a file: a raw key with its salt, or a passphrase (portable mode)."""

    raw: bytes | None = None
    passphrase: str | None = None

    def literal(self) -> str:
        """The key as SQLCipher reads it after `PRAGMA key =` or `ATTACH … KEY`."""
        if self.raw is not None:
            return f"\"x'{self.raw.hex()}'\""
        assert self.passphrase is not None
        return "'" + self.passphrase.replace("'", "''") + "'"

    def pragma(self) -> str:
        return f"PRAGMA key = {self.literal()}"

    @property
    def salt(self) -> bytes | None:
        return self.raw[KEY_BYTES:] if self.raw is not None else None


def new_secret() -> Secret:
    # Imported here: `secrets` loads OpenSSL (about 3 MiB), which a start never needs.
    import secrets

    return Secret(raw=secrets.token_bytes(KEY_BYTES + SALT_BYTES))


def passphrase_secret(passphrase: str) -> Secret:
    if len(passphrase) < MIN_PASSPHRASE:
        raise EncryptionError(f"A passphrase needs at least {MIN_PASSPHRASE} characters.")
    return Secret(passphrase=passphrase)


def recovery_key(secret: Secret) -> str:
    """The raw key and salt as 20 groups of four letters and digits, for writing down."""
    assert secret.raw is not None
    text = base64.b32encode(secret.raw).decode("ascii").rstrip("=")
    return "-".join(text[i : i + 4] for i in range(0, len(text), 4))


def parse_recovery_key(text: str) -> Secret | None:
    """A recovery key as typed (any case, spaces or dashes), or None if it is not one."""
    cleaned = "".join(ch for ch in text.upper() if ch.isalnum())
    if len(cleaned) != 77:
        return None
    try:
        raw = base64.b32decode(cleaned + "=" * (-len(cleaned) % 8))
    except ValueError:
        return None
    return Secret(raw=raw) if len(raw) == KEY_BYTES + SALT_BYTES else None


def secret_from_typed(text: str) -> Secret:
    """What someone typed to unlock a file: a recovery key if it reads as one, else a passphrase."""
    return parse_recovery_key(text) or Secret(passphrase=text)


def is_encrypted(path: Path) -> bool:
    """True for a file that exists and is not plain SQLite (SQLCipher files have no header)."""
    try:
        with Path(path).open("rb") as fh:
            head = fh.read(len(SQLITE_MAGIC))
    except OSError:
        return False
    return len(head) == len(SQLITE_MAGIC) and head != SQLITE_MAGIC


def might_be_encrypted(path: Path) -> bool:
    """Whether a file with no SQLite header could be an SQLCipher file: whole pages of at least
    1,024 bytes. A text file or a spreadsheet chosen by mistake is then called what it is."""
    try:
        size = Path(path).stat().st_size
    except OSError:
        return False
    return is_encrypted(path) and size >= 1024 and size % 1024 == 0


def file_salt(path: Path) -> bytes:
    with Path(path).open("rb") as fh:
        return fh.read(SALT_BYTES)


# The credential store ----------------------------------------------------------------------------


def _keyring() -> Any | None:
    """The keyring module if this computer has a usable store, else None."""
    try:
        import keyring
        from keyring.backends import fail
    except ImportError:
        return None
    backend = keyring.get_keyring()
    if isinstance(backend, fail.Keyring):
        return None
    return keyring


def store_secret(secret: Secret) -> bool:
    """Keep a raw key in the credential store under its salt; False if there is no store."""
    store = _keyring()
    if store is None or secret.raw is None or secret.salt is None:
        return False
    try:
        store.set_password(SERVICE, secret.salt.hex(), secret.raw.hex())
    except Exception:
        return False
    return True


def stored_secret(path: Path) -> Secret | None:
    store = _keyring()
    if store is None:
        return None
    try:
        found = store.get_password(SERVICE, file_salt(path).hex())
    except Exception:
        return None
    if not found:
        return None
    try:
        return Secret(raw=bytes.fromhex(found))
    except ValueError:
        return None


# This process's known keys: asked for once, then used for the file, its backups and its engines.
_known: dict[bytes, Secret] = {}


def remember(path: Path, secret: Secret) -> None:
    _known[file_salt(path)] = secret


def forget_all() -> None:
    _known.clear()


Ask = Callable[[Path], str | None]
# How this process asks a person for a key it does not hold: set by the command line (a prompt) and
# the window (a dialog); None where nobody can be asked.
asker: Ask | None = None


def secret_for(path: Path, ask: Ask | None = None) -> Secret:
    """The secret that opens an encrypted file: known already, in the credential store, or asked
    for (`ask` returns what the person typed, or None to give up). Checked before it is returned."""
    path = Path(path)
    salt = file_salt(path)
    candidates = [c for c in (_known.get(salt), stored_secret(path)) if c is not None]
    for candidate in candidates:
        if _opens(path, candidate):
            _known[salt] = candidate
            return candidate
    while ask is not None:
        typed = ask(path)
        if typed is None:
            break
        candidate = secret_from_typed(typed)
        if _opens(path, candidate):
            _known[salt] = candidate
            return candidate
    # Said so whether or not the file really is nbdesk's: an encrypted file looks like random
    # bytes, and so does a damaged or foreign one (a tester's random file was asked a key for).
    raise LockedError(
        f"{path.name} is encrypted (or is not an nbdesk file at all), and this computer does not "
        "hold a key that opens it. An encrypted nbdesk file opens with its recovery key or "
        "passphrase."
    )


def cipher_module() -> Any:
    try:
        from sqlcipher3 import dbapi2
    except ImportError as exc:
        raise EncryptionError(
            "This installation of nbdesk cannot read encrypted files (sqlcipher3 is missing)."
        ) from exc
    return dbapi2


def unlock(conn: Any, secret: Secret) -> None:
    """Give a fresh SQLCipher connection its key, before anything reads the file. SQLCipher's own
    log is silenced first: a wrong key is nbdesk's to report, in words, not three lines of
    "hmac check failed" on the terminal."""
    conn.execute("PRAGMA cipher_log_level = NONE")
    conn.execute(secret.pragma())


def _opens(path: Path, secret: Secret) -> bool:
    module = cipher_module()
    conn = module.connect(file_uri(path, "ro"), uri=True)
    try:
        unlock(conn, secret)
        conn.execute("SELECT count(*) FROM sqlite_master").fetchone()
        return True
    except module.DatabaseError:
        return False
    finally:
        conn.close()


def connect(
    path: Path,
    *,
    uri: str | None = None,
    timeout: float = 5.0,
    secret: Secret | None = None,
    **options: Any,
) -> Any:
    """A DB-API connection to a file, plain or encrypted (the known secret applied)."""
    target = uri or str(path)
    if not is_encrypted(path):
        return sqlite3.connect(target, uri=uri is not None, timeout=timeout, **options)
    secret = secret or secret_for(path, ask=asker)
    conn = cipher_module().connect(target, uri=uri is not None, timeout=timeout, **options)
    unlock(conn, secret)
    return conn


def connect_new(path: Path, *, like: Path) -> Any:
    """A new file (a backup, a copy) locked the same way as `like`: plain, or with its key."""
    if not is_encrypted(like):
        return sqlite3.connect(str(path))
    conn = cipher_module().connect(str(path))
    unlock(conn, secret_for(like, ask=asker))
    return conn


def driver_errors() -> tuple[type[Exception], ...]:
    """The errors either SQLite driver raises (sqlcipher3 has its own classes)."""
    import sys

    cipher = sys.modules.get("sqlcipher3.dbapi2")
    return (sqlite3.Error,) + ((cipher.Error,) if cipher is not None else ())


# Encrypting and decrypting a file in place -------------------------------------------------------


def _exclusive(conn: Any, path: Path) -> None:
    """Take the file for this connection alone, or say who has it. Leaving WAL mode needs every
    other connection closed, so it is a reliable test that no other nbdesk has the file open."""
    try:
        mode = conn.execute("PRAGMA journal_mode=DELETE").fetchone()[0]
        conn.execute("PRAGMA locking_mode=EXCLUSIVE")
        conn.execute("BEGIN EXCLUSIVE")
        conn.execute("COMMIT")
    except Exception as exc:
        raise EncryptionError(
            f"{path.name} is open in another nbdesk (a window or a command): close it and try "
            "again. Nothing was changed."
        ) from exc
    if str(mode).lower() != "delete":
        raise EncryptionError(
            f"{path.name} is open in another nbdesk (a window or a command): close it and try "
            "again. Nothing was changed."
        )


def _counts(conn: Any) -> dict[str, int]:
    tables = [
        r[0]
        for r in conn.execute(
            "SELECT name FROM sqlite_master WHERE type='table' AND name NOT LIKE 'sqlite_%'"
        )
    ]
    return {t: conn.execute(f'SELECT count(*) FROM "{t}"').fetchone()[0] for t in tables}


def _rewrite(path: Path, source_secret: Secret | None, target_secret: Secret | None) -> None:
    """Write `path` again under `target_secret` (None: plain), check the copy, put it in place, and
    overwrite the old bytes so no plain (or old-key) copy is left in the file's blocks."""
    module = cipher_module()
    path = Path(path)
    partial = path.with_name(path.name + ".rewriting")
    if partial.exists():
        raise EncryptionError(
            f"{partial.name} is in the way (left by an earlier attempt that stopped): "
            "move it aside and try again. Nothing was changed."
        )
    conn = module.connect(str(path), isolation_level=None)
    try:
        if source_secret is not None:
            unlock(conn, source_secret)
        _exclusive(conn, path)
        before = _counts(conn)
        check = conn.execute("PRAGMA integrity_check").fetchone()[0]
        if check != "ok":
            raise EncryptionError(f"{path.name} is damaged ({check}); it was left as it is.")
        key = target_secret.literal() if target_secret is not None else "''"  # '' : plain
        conn.execute(f"ATTACH DATABASE ? AS target KEY {key}", (str(partial),))
        try:
            conn.execute("SELECT sqlcipher_export('target')")
            # Everything is in the copy (this connection held the file alone): nothing waits in a
            # -wal, so the copy's header says so (see wal_guard).
            conn.execute("PRAGMA target.user_version = 0")
        finally:
            conn.execute("DETACH DATABASE target")
        if os.name == "posix":
            os.chmod(partial, 0o600)
        copy = module.connect(str(partial))
        try:
            if target_secret is not None:
                unlock(copy, target_secret)
            if (
                copy.execute("PRAGMA integrity_check").fetchone()[0] != "ok"
                or _counts(copy) != before
            ):
                raise EncryptionError(
                    f"The rewritten copy of {path.name} did not match it; nothing was changed."
                )
        finally:
            copy.close()
        size = path.stat().st_size
        if os.name == "nt":
            # Windows cannot replace a file that is open; the lock is given up a moment early.
            conn.close()
        old = os.open(path, os.O_RDWR)
        try:
            os.replace(partial, path)
            # The old inode: any process that opened it in the last moment now finds no database
            # rather than writing where nobody will read; and its plain pages are gone.
            os.lseek(old, 0, os.SEEK_SET)
            remaining = size
            block = b"\0" * 65536
            while remaining > 0:
                remaining -= os.write(old, block[: min(len(block), remaining)])
            os.fsync(old)
        finally:
            os.close(old)
    except BaseException:
        partial.unlink(missing_ok=True)
        raise
    finally:
        conn.close()
    Path(f"{partial}-journal").unlink(missing_ok=True)


@dataclass(frozen=True)
class Encrypted:
    recovery_key: str | None  # None for a passphrase
    stored: bool  # the key is in this computer's credential store
    backups: int  # backups rewritten the same way


def encrypt_file(
    path: Path, *, passphrase: str | None = None, backups: list[Path] | None = None
) -> Encrypted:
    """Encrypt a plain nbdesk file (and its backups) in place."""
    path = Path(path)
    if is_encrypted(path):
        raise EncryptionError(f"{path.name} is already encrypted.")
    secret = passphrase_secret(passphrase) if passphrase is not None else new_secret()
    _rewrite(path, None, secret)
    done = 0
    for backup in backups or []:
        if not is_encrypted(backup):
            _rewrite(backup, None, secret)
            done += 1
    remember(path, secret)
    stored = passphrase is None and store_secret(secret)
    return Encrypted(recovery_key(secret) if passphrase is None else None, stored, done)


def decrypt_file(path: Path, secret: Secret, *, backups: list[Path] | None = None) -> int:
    """Write an encrypted file (and its backups) back as plain SQLite; the number of backups."""
    path = Path(path)
    if not is_encrypted(path):
        raise EncryptionError(f"{path.name} is not encrypted.")
    if not _opens(path, secret):
        raise LockedError(f"That key does not open {path.name}; nothing was changed.")
    _rewrite(path, secret, None)
    done = 0
    for backup in backups or []:
        if is_encrypted(backup) and _opens(backup, secret):
            _rewrite(backup, secret, None)
            done += 1
    return done
