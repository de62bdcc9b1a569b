"""Small dialogs shared across the app: errors people can act on, and the first-run question."""

from __future__ import annotations

from typing import Any

from PySide6.QtWidgets import (
    QAbstractButton,
    QAbstractSpinBox,
    QComboBox,
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QInputDialog,
    QLabel,
    QLineEdit,
    QMessageBox,
    QPlainTextEdit,
    QPushButton,
    QTextEdit,
    QVBoxLayout,
    QWidget,
)

from nbdesk.common.log import record_failure
from nbdesk.ui.fit import fit_to_screen


def show_error(parent: QWidget | None, title: str, message: str, details: str = "") -> None:
    """An error said plainly. Technical details (a traceback) never reach the person: they go to
    the log file, and the message says where, for whoever supports them."""
    if details:
        try:
            path = record_failure(f"{title}: {message}", details)
        except OSError:
            pass  # a log that cannot be written must not hide the message itself
        else:
            message += f"\n\nThe technical details were written to {path}."
    box = QMessageBox(
        QMessageBox.Icon.Critical, title, message, QMessageBox.StandardButton.Ok, parent
    )
    box.setAccessibleName(title)
    box.exec()


def ask_text(
    parent: QWidget | None, title: str, label: str, value: str = "", chars: int = 60
) -> str | None:
    """One line of text asked for, None if cancelled. The question wraps (one naming a file's
    path had made the dialog wider than the screen), and the box takes `chars` characters as far
    as the screen allows (a tester's reason read "Leave ou…")."""
    dialog = QInputDialog(parent)
    dialog.setWindowTitle(title)
    dialog.setAccessibleName(title)
    dialog.setInputMode(QInputDialog.InputMode.TextInput)
    dialog.setLabelText(label)
    dialog.setTextValue(value)
    for question in dialog.findChildren(QLabel):
        question.setWordWrap(True)
    fit_to_screen(dialog, dialog.fontMetrics().averageCharWidth() * chars)
    return dialog.textValue() if dialog.exec() == QDialog.DialogCode.Accepted else None


class FirstRunDialog(QDialog):
    """Asks for the authority's name before the data file is created."""

    CREATE, DEMO, OPEN = 1, 2, 3

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setWindowTitle("Welcome to nbdesk")
        self.setAccessibleName("Welcome to nbdesk")
        self.choice = 0
        intro = QLabel(
            "<h2>Welcome to nbdesk</h2>"
            "<p>nbdesk keeps your authority's New Belongings work in one file on this computer: "
            "self-assessment workshops, survey outreach, the action plan and returns.</p>"
            "<p>Type your authority's name to create its file, or look around the fictional "
            "demonstration authority first.</p>"
        )
        intro.setWordWrap(True)
        intro.setTextFormat(intro.textFormat().RichText)
        self.name = QLineEdit()
        self.name.setAccessibleName("Authority name")
        self.name.setPlaceholderText("for example, Anytown City Council")
        form = QFormLayout()
        form.addRow("&Authority name:", self.name)

        buttons = QDialogButtonBox()
        self.create_button = QPushButton("&Create")
        self.create_button.setAccessibleName("Create the authority's file")
        self.create_button.setDefault(True)
        self.create_button.setEnabled(False)
        demo = QPushButton("Open the &demonstration")
        demo.setAccessibleName("Open the demonstration authority")
        open_existing = QPushButton("&Open a file…")
        open_existing.setAccessibleName("Open an existing nbdesk file")
        buttons.addButton(self.create_button, QDialogButtonBox.ButtonRole.AcceptRole)
        buttons.addButton(demo, QDialogButtonBox.ButtonRole.ActionRole)
        buttons.addButton(open_existing, QDialogButtonBox.ButtonRole.ActionRole)
        buttons.addButton(QDialogButtonBox.StandardButton.Cancel)
        buttons.rejected.connect(self.reject)
        self.create_button.clicked.connect(lambda: self._choose(self.CREATE))
        demo.clicked.connect(lambda: self._choose(self.DEMO))
        open_existing.clicked.connect(lambda: self._choose(self.OPEN))
        self.name.textChanged.connect(
            lambda text: self.create_button.setEnabled(bool(text.strip()))
        )

        layout = QVBoxLayout(self)
        layout.addWidget(intro)
        layout.addLayout(form)
        layout.addWidget(buttons)

    def _choose(self, choice: int) -> None:
        self.choice = choice
        self.accept()

    def authority_name(self) -> str:
        return self.name.text().strip()


def discard_what_was_typed(parent: QWidget) -> bool:
    """Whether the person means to close a form and lose what they typed (Esc closed forms half
    filled in without a word: a tester lost a new action so, another a date of birth)."""
    return _go_on(
        parent,
        "Discard what you typed?",
        "Close without saving? What you typed or chose here will be lost.",
        ("&Discard", "Discard what was typed"),
        ("&Keep editing", "Keep editing"),
        icon=QMessageBox.Icon.Question,
    )


def leave_unsaved(parent: QWidget, unsaved: list[str], leaving: str) -> bool:
    """Whether to go on `leaving` ("quit", "open another file") though these were typed and not
    saved (each in words: "a contact with Aisha Khan")."""
    doing = f"{leaving[:1].upper()}{leaving[1:]}"
    return _go_on(
        parent,
        "Not saved",
        f"Not saved: {'; '.join(unsaved)}.",
        (f"{doing} &without saving", f"{leaving} without saving"),
        ("&Go back", "Go back to save it"),
        more=f"{doing} anyway? What was typed will be lost. Go back to save it.",
        icon=QMessageBox.Icon.Warning,
    )


def _go_on(
    parent: QWidget,
    title: str,
    text: str,
    go: tuple[str, str],
    stay: tuple[str, str],
    *,
    icon: QMessageBox.Icon,
    more: str = "",
) -> bool:
    """Whether the person chose `go` (its text and accessible name) over `stay`, the default,
    which Esc also chooses: a question before something typed is lost."""
    box = QMessageBox(parent)
    box.setIcon(icon)
    box.setWindowTitle(title)
    box.setText(text)
    if more:
        box.setInformativeText(more)
    going = box.addButton(go[0], QMessageBox.ButtonRole.DestructiveRole)
    staying = box.addButton(stay[0], QMessageBox.ButtonRole.RejectRole)
    going.setAccessibleName(go[1])
    staying.setAccessibleName(stay[1])
    box.setDefaultButton(staying)
    box.setEscapeButton(staying)
    box.exec()
    chosen = box.clickedButton()
    box.deleteLater()
    return chosen is going


def entered(form: QWidget) -> tuple[object, ...]:
    """What every field of a form holds now: typed, chosen or ticked (to tell, on Esc, whether
    anything would be lost)."""
    held: list[object] = []
    for field in form.findChildren(QWidget):
        if isinstance(field, QLineEdit | QAbstractSpinBox):
            held.append(field.text())
        elif isinstance(field, QPlainTextEdit | QTextEdit):
            held.append(field.toPlainText())
        elif isinstance(field, QComboBox):
            held.append(field.currentIndex())
        elif isinstance(field, QAbstractButton) and field.isCheckable():
            held.append(field.isChecked())
    return tuple(held)


class AsksBeforeDiscarding:
    """For a form (put before its dialog class): Esc, Cancel or the window's close asks before
    letting go of what was typed or chosen since it was shown (discard_what_was_typed). Esc
    closed forms half filled in without a word: a tester lost a new action so, another a date of
    birth. `saving_button` is the form's Save: while it is greyed a save is under way, and the
    form closes as asked."""

    saving_button: QAbstractButton
    _as_opened: tuple[object, ...] | None = None  # what the fields held when shown

    def showEvent(self, event: Any) -> None:
        super().showEvent(event)  # type: ignore[misc]
        if self._as_opened is None:
            self._as_opened = entered(self)  # type: ignore[arg-type]

    def reject(self) -> None:
        changed = self._as_opened is not None and entered(self) != self._as_opened  # type: ignore[arg-type]
        if changed and self.saving_button.isEnabled() and not discard_what_was_typed(self):  # type: ignore[arg-type]
            return
        super().reject()  # type: ignore[misc]
