"""File › Open a server database…: where the server is, who signs in, and the password.

The URL it makes (`postgresql+psycopg://user@host:port/db?sslmode=…`) never holds the password:
that is given to psycopg as each connection is made (storage.server.supply_password), from what
was typed or from this computer's credential store, so it is never in the settings, the recent
list, the window's title, the log or a message. Signing in is tried on the worker, never here.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any, Protocol
from urllib.parse import parse_qs, quote, urlsplit

from PySide6.QtCore import Qt
from PySide6.QtWidgets import (
    QCheckBox,
    QComboBox,
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QLabel,
    QLineEdit,
    QPushButton,
    QSpinBox,
    QVBoxLayout,
    QWidget,
)

from nbdesk.ui.fit import fit_to_screen

DEFAULT_PORT = 5432
# libpq's sslmode: "prefer" uses TLS where the server offers it, "require" refuses a server
# without it, "verify-full" also checks the server's certificate and name.
TLS_MODES = (
    ("prefer", "Use it if the server offers it (prefer)"),
    ("require", "Require it (require)"),
    ("verify-full", "Require it and check the server's certificate (verify-full)"),
)


def server_url(host: str, port: int, database: str, user: str, tls: str) -> str:
    """The URL of a server database, without a password. A host that is a folder (a Unix
    socket's) goes in the query, where libpq takes it."""
    who = quote(user, safe="")
    name = quote(database, safe="")
    query = f"sslmode={tls}"
    if host.startswith("/"):
        return (
            f"postgresql+psycopg://{who}@/{name}?host={quote(host, safe='/')}&port={port}&{query}"
        )
    return f"postgresql+psycopg://{who}@{host}:{port}/{name}?{query}"


def url_fields(url: str) -> dict[str, Any]:
    """What server_url was given, read back from a URL (to fill the dialog from a recent one)."""
    from urllib.parse import unquote

    parts = urlsplit(url)
    query = {k: v[-1] for k, v in parse_qs(parts.query).items()}
    port = query.get("port") or (str(parts.port) if parts.port else "")
    return {
        "host": query.get("host") or parts.hostname or "",
        "port": int(port) if port.isdigit() else DEFAULT_PORT,
        "database": unquote(parts.path.lstrip("/")),
        "user": unquote(parts.username or ""),
        "tls": query.get("sslmode", "prefer"),
    }


def plain_result(exc: Exception, user: str) -> str:
    """Why signing in failed, in one line."""
    text = str(exc)
    if "password authentication failed" in text:
        return f"The server did not accept that password for {user}."
    if "no password supplied" in text:
        return f"The server asks for {user}'s password: type it in Password."
    return text.splitlines()[0] if text else type(exc).__name__


def server_name(url: str) -> str:
    """ "DATABASE on HOST" for a menu, from a URL that has no password."""
    found = url_fields(url)
    host = "this computer" if found["host"].startswith("/") else found["host"]
    return f"{found['database']} on {host or 'this computer'}"


class SignIn(Protocol):
    """What the dialog needs of the storage layer, given by the application's set-up (ui/app.py):
    the window never imports storage itself."""

    def can_remember(self) -> bool:
        """Whether this computer has a credential store nbdesk may keep a password in."""
        ...

    def try_sign_in(self, url: str, password: str) -> str:
        """On the worker: sign in and check the database holds an nbdesk authority this nbdesk
        can open; one line saying so, or a plain error."""
        ...

    def use_password(self, url: str, password: str, remember: bool) -> bool:
        """Connections to `url` from now on use the password (from the credential store when it
        is to be remembered there); whether the store took it."""
        ...

    def use_stored_password(self, url: str) -> bool:
        """Whether this computer keeps the password of a recent server (then it is used)."""
        ...


class ServerDialog(QDialog):
    """Open (the default button, Enter) first signs in on the worker; only then does the dialog
    close, with `url` set and the password supplied for it. A refusal keeps what was typed."""

    def __init__(self, signing: SignIn, parent: QWidget | None = None, url: str | None = None):
        super().__init__(parent)
        self.signing = signing
        from nbdesk.ui.ops import Op

        self.setWindowTitle("Open a server database")
        self.setAccessibleName("Open a server database")
        self.url: str | None = None
        self.remembered = False  # whether the credential store took the password
        self._trying: Op | None = None
        self._cancelled = False
        self.host = QLineEdit()
        self.host.setAccessibleName("Host")
        self.host.setPlaceholderText("db.example.gov.uk")
        self.port = QSpinBox()
        self.port.setRange(1, 65535)
        self.port.setValue(DEFAULT_PORT)
        self.port.setAccessibleName("Port")
        self.database = QLineEdit()
        self.database.setAccessibleName("Database")
        self.user = QLineEdit()
        self.user.setAccessibleName("User name")
        self.tls = QComboBox()
        for mode, text in TLS_MODES:
            self.tls.addItem(text, mode)
        self.tls.setAccessibleName("Encryption in transit (TLS)")
        self.password = QLineEdit()
        self.password.setEchoMode(QLineEdit.EchoMode.Password)
        self.password.setAccessibleName("Password")
        self.remember = QCheckBox("&Remember the password on this computer")
        self.remember.setAccessibleName("Remember the password on this computer")
        self.remember.setToolTip(
            "Kept in this computer's credential store, never in nbdesk's files"
        )
        from nbdesk.common.paths import portable

        if portable():
            # As for a file's recovery key: a bundle carried between computers leaves no
            # secret behind on any of them.
            self.remember.setEnabled(False)
            self.remember.setToolTip("A portable nbdesk keeps no password on the computer")
        elif not signing.can_remember():
            self.remember.setEnabled(False)
            self.remember.setToolTip("This computer has no credential store nbdesk can use")
        form = QFormLayout()
        form.setRowWrapPolicy(QFormLayout.RowWrapPolicy.WrapLongRows)
        for text, field in (
            ("&Host:", self.host),
            ("&Port:", self.port),
            ("&Database:", self.database),
            ("&User name:", self.user),
            ("T&LS:", self.tls),
            ("Pass&word:", self.password),
        ):
            label = QLabel(text)
            label.setBuddy(field)
            form.addRow(label, field)
        form.addRow(self.remember)
        self.result = QLabel()
        self.result.setWordWrap(True)
        self.result.setAccessibleName("Result")
        self.result.setTextFormat(Qt.TextFormat.PlainText)
        self.buttons = QDialogButtonBox(
            QDialogButtonBox.StandardButton.Open | QDialogButtonBox.StandardButton.Cancel
        )
        self.open_button = self.buttons.button(QDialogButtonBox.StandardButton.Open)
        self.open_button.setText("&Open")
        self.open_button.setDefault(True)
        self.test_button = QPushButton("&Test connection")
        self.test_button.setAutoDefault(False)
        self.buttons.addButton(self.test_button, QDialogButtonBox.ButtonRole.ActionRole)
        self.test_button.clicked.connect(lambda: self._try(opening=False))
        self.buttons.accepted.connect(lambda: self._try(opening=True))
        self.buttons.rejected.connect(self.reject)
        layout = QVBoxLayout(self)
        layout.addLayout(form)
        layout.addWidget(self.result)
        layout.addWidget(self.buttons)
        if url:
            self.fill(url)
        fit_to_screen(self, self.fontMetrics().averageCharWidth() * 60)

    def fill(self, url: str) -> None:
        found = url_fields(url)
        self.host.setText(found["host"])
        self.port.setValue(found["port"])
        self.database.setText(found["database"])
        self.user.setText(found["user"])
        index = self.tls.findData(found["tls"])
        self.tls.setCurrentIndex(max(index, 0))
        self.password.setFocus()

    def chosen_url(self) -> str:
        return server_url(
            self.host.text().strip(),
            self.port.value(),
            self.database.text().strip(),
            self.user.text().strip(),
            str(self.tls.currentData()),
        )

    def _missing(self) -> QWidget | None:
        for field in (self.host, self.database, self.user):
            if not field.text().strip():
                return field
        return None

    def _try(self, *, opening: bool) -> None:
        from nbdesk.ui.ops import errand

        if self._trying is not None:
            return
        missing = self._missing()
        if missing is not None:
            self._say(f"Type the {missing.accessibleName().lower()}.")
            missing.setFocus()
            return
        url = self.chosen_url()
        password = self.password.text()
        self._say("Signing in…")
        self.open_button.setEnabled(False)
        self.test_button.setEnabled(False)
        done: Callable[[str], None] = (
            (lambda _message: self._signed_in(url, password))
            if opening
            else (lambda message: self._tried(message))
        )
        self._trying = errand(
            self,
            "Signing in to the server",
            lambda _progress: self.signing.try_sign_in(url, password),
            done,
            lambda exc, _trace: self._refused(exc),
        )

    def _finish_try(self) -> bool:
        """False if the dialog was cancelled meanwhile: the answer is for nobody."""
        self._trying = None
        self.open_button.setEnabled(True)
        self.test_button.setEnabled(True)
        return not self._cancelled

    def _say(self, message: str) -> None:
        self.result.setText(message)
        self.result.setAccessibleName(f"Result: {message}")

    def _tried(self, message: str) -> None:
        if self._finish_try():
            self._say(message)

    def _refused(self, exc: Exception) -> None:
        if not self._finish_try():
            return
        self._say(plain_result(exc, self.user.text().strip()))
        self.password.setFocus(Qt.FocusReason.OtherFocusReason)
        self.password.selectAll()

    def _signed_in(self, url: str, password: str) -> None:
        if not self._finish_try():
            return
        self.remembered = self.signing.use_password(url, password, self.remember.isChecked())
        self.url = url
        self.accept()

    def reject(self) -> None:
        self._cancelled = True
        if self._trying is not None:
            self._trying.cancel()
        super().reject()
