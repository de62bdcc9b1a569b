"""The window's side of encryption at rest: asking for a recovery key or passphrase, and showing a
new recovery key once. The work itself (nbdesk.storage.encryption) runs on the worker, started by
the application set-up in ui/app.py."""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtGui import QFont, QFontDatabase, QGuiApplication
from PySide6.QtWidgets import (
    QCheckBox,
    QDialog,
    QDialogButtonBox,
    QHBoxLayout,
    QInputDialog,
    QLabel,
    QLineEdit,
    QMessageBox,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from nbdesk.ui.fit import Scroller, fit_to_screen, standard_dialogs_fit

MIN_PASSPHRASE = 12
# The recovery key's 20 groups, five to a line: short lines to copy onto paper, and a key that
# fits however narrow the screen (as one line it was wider than a laptop at twice the font).
GROUPS_PER_LINE = 5


def ask_key(parent: QWidget | None, file_name: str, *, again: bool) -> str | None:
    """What unlocks an encrypted file: its recovery key or its passphrase. None if cancelled."""
    first = (
        "That did not open the file. "
        if again
        else f"{file_name} is encrypted (or is not an nbdesk file at all), and this computer "
        "does not hold its key. "
    )
    dialog = QInputDialog(parent)
    dialog.setWindowTitle("Unlock the authority file")
    dialog.setLabelText(first + "Type its recovery key or its passphrase:")
    # Shown while typed (a 77-character recovery key copied from paper must be checkable),
    # hidden once the field is left.
    dialog.setTextEchoMode(QLineEdit.EchoMode.PasswordEchoOnEdit)
    dialog.setAccessibleName("Recovery key or passphrase")
    dialog.setOkButtonText("Unlock")
    for label in dialog.findChildren(QLabel):
        label.setWordWrap(True)  # one line of it was wider than a laptop at twice the font
    # Room to check a 77-character key as it is typed, as far as the screen allows.
    fit_to_screen(dialog, dialog.fontMetrics().averageCharWidth() * 70)
    if not dialog.exec():
        return None
    return dialog.textValue() or None


def confirm_encrypt(parent: QWidget | None, file_name: str, portable: bool) -> bool:
    how = (
        "You will choose a passphrase, which nbdesk asks for each time the file is opened."
        if portable
        else "You will be shown a recovery key once: write it down and keep it safe. If this "
        "computer has a credential store, it keeps the key and nbdesk opens the file without "
        "asking; if not, nbdesk asks for the recovery key each time (the next window says which)."
    )
    with standard_dialogs_fit():
        answer = QMessageBox.question(
            parent,
            "Encrypt this file",
            f"Encrypt {file_name} and all its backups? Anyone who copies them will see only "
            f"scrambled bytes.\n\n{how}\n\nThe file is closed while it is encrypted, then "
            "opened again. Close any other nbdesk using it first.",
            QMessageBox.StandardButton.Yes | QMessageBox.StandardButton.Cancel,
            QMessageBox.StandardButton.Cancel,
        )
    return answer == QMessageBox.StandardButton.Yes


def ask_passphrase(parent: QWidget | None) -> str | None:
    """A new passphrase, typed twice; None if cancelled."""
    with standard_dialogs_fit():
        return _ask_passphrase(parent)


def _ask_passphrase(parent: QWidget | None) -> str | None:
    while True:
        first, ok = QInputDialog.getText(
            parent,
            "Choose a passphrase",
            f"Passphrase ({MIN_PASSPHRASE} characters or more):",
            QLineEdit.EchoMode.Password,
        )
        if not ok:
            return None
        if len(first) < MIN_PASSPHRASE:
            QMessageBox.warning(
                parent, "Choose a passphrase", f"It needs {MIN_PASSPHRASE} characters or more."
            )
            continue
        second, ok = QInputDialog.getText(
            parent, "Choose a passphrase", "Type it again:", QLineEdit.EchoMode.Password
        )
        if not ok:
            return None
        if second == first:
            return first
        QMessageBox.warning(parent, "Choose a passphrase", "The two differ. Try again.")


class RecoveryKeyDialog(QDialog):
    """The recovery key, shown once; closing needs the box ticked that says it was written down."""

    def __init__(self, key: str, file_name: str, stored: bool, parent: QWidget | None = None):
        super().__init__(parent)
        self.setWindowTitle("Recovery key")
        where = (
            "This computer keeps the key, so nbdesk opens the file without asking. "
            if stored
            else "This computer has no credential store nbdesk can use, so nbdesk will ask "
            "for this key each time the file is opened. "
        )
        intro = QLabel(
            f"{file_name} is encrypted. {where}On another computer, or if this one's store is "
            "lost, only this recovery key opens it. nbdesk will not show it again."
        )
        intro.setWordWrap(True)
        groups = key.split("-")
        lines = [
            "-".join(groups[i : i + GROUPS_PER_LINE])
            for i in range(0, len(groups), GROUPS_PER_LINE)
        ]
        # Selectable, and read as it is shown; the key reads back with or without the breaks.
        self.key = QLabel("-\n".join(lines))
        self.key.setTextFormat(Qt.TextFormat.PlainText)
        self.key.setTextInteractionFlags(
            Qt.TextInteractionFlag.TextSelectableByMouse
            | Qt.TextInteractionFlag.TextSelectableByKeyboard
        )
        self.key.setFocusPolicy(Qt.FocusPolicy.StrongFocus)
        self.key.setAccessibleDescription("Recovery key")
        font = QFontDatabase.systemFont(QFontDatabase.SystemFont.FixedFont)
        font.setPointSizeF(QFont().pointSizeF() * 1.2)
        self.key.setFont(font)
        key_label = QLabel("Recovery &key:")
        key_label.setBuddy(self.key)
        copy = QPushButton("&Copy")
        copy.setAccessibleName("Copy the recovery key")
        copy.clicked.connect(lambda: QGuiApplication.clipboard().setText(key))
        row = QHBoxLayout()
        row.addWidget(self.key, 1)
        row.addWidget(copy, 0, Qt.AlignmentFlag.AlignTop)
        # Two lines: as one, the box was wider than the screen at twice the font.
        self.written = QCheckBox("I have &written down the recovery key\nand put it somewhere safe")
        self.written.setAccessibleName(
            "I have written down the recovery key and put it somewhere safe"
        )
        self.buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Ok)
        self.ok = self.buttons.button(QDialogButtonBox.StandardButton.Ok)
        self.ok.setEnabled(False)
        self.written.toggled.connect(self.ok.setEnabled)
        self.buttons.accepted.connect(self.accept)
        content = QVBoxLayout()
        content.addWidget(intro)
        content.addWidget(key_label)
        content.addLayout(row)
        content.addWidget(self.written)
        layout = QVBoxLayout(self)
        layout.addWidget(Scroller(content), 1)
        layout.addWidget(self.buttons)
        fit_to_screen(self, self.fontMetrics().averageCharWidth() * 70)

    def reject(self) -> None:
        # Esc must not skip the one chance to keep the key.
        if self.written.isChecked():
            super().reject()
