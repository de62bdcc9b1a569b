"""The Help menu: Keyboard shortcuts (F1), every key nbdesk answers by where it works, and About.

The window's own keys are read from its menus; each section lists its keys in `shortcuts` (a
class attribute, so a section not yet built is listed too), and the workshop in WORKSHOP_KEYS,
beside its footer's. tests/ui/test_help.py checks that every shortcut a built
section makes is in its list.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from PySide6.QtCore import Qt
from PySide6.QtGui import QAction, QKeySequence
from PySide6.QtWidgets import (
    QDialog,
    QDialogButtonBox,
    QMessageBox,
    QTextBrowser,
    QVBoxLayout,
    QWidget,
)

from nbdesk import __version__
from nbdesk.common.buildinfo import build_description
from nbdesk.ui.fit import fit_to_screen

if TYPE_CHECKING:
    from nbdesk.ui.main_window import MainWindow

# Each entry: the keys (any of them does it, as QKeySequence reads them) and what they do.
Keys = tuple[tuple[tuple[str, ...], str], ...]

EVERYWHERE_ELSE: Keys = (
    (("Alt",), "with the underlined letter of a button or a field: press it, or go to it"),
    (("Tab", "Shift+Tab"), "to the next or the previous control"),
    (("Enter",), "in a dialog: its default button (OK, Save, Create)"),
    (("Esc",), "in a dialog: cancel (asking first if something was typed)"),
)


def shown(keys: tuple[str, ...]) -> str:
    """Keys as this computer names them (Ctrl on Windows and Linux, ⌘ on a Mac)."""
    return " or ".join(
        QKeySequence(k).toString(QKeySequence.SequenceFormat.NativeText) or k for k in keys
    )


def compact(keys: tuple[str, ...]) -> str:
    """Keys for a one-line hint: Alt+Shift+Up/Down."""
    first, *rest = keys
    prefix = first.rsplit("+", 1)[0] + "+" if "+" in first else ""
    if prefix and all(k.startswith(prefix) for k in rest):
        return first + "".join("/" + k[len(prefix) :] for k in rest)
    return "/".join(keys)


def _table(rows: list[tuple[str, str]]) -> str:
    cells = "".join(
        f"<tr><td style='padding-right:1em'><b>{keys}</b></td><td>{what[:1].upper()}{what[1:]}</td></tr>"
        for keys, what in rows
    )
    return f"<table>{cells}</table>"


def shortcuts_html(window: MainWindow) -> str:
    """Every key, grouped: the window's menus, then each section, the workshop, and the rest."""
    from nbdesk.ui.main_window import SECTION_TITLES, section_class
    from nbdesk.ui.self_assessment.workshop_parts import WORKSHOP_KEYS

    menus = [
        (action.shortcut().toString(QKeySequence.SequenceFormat.NativeText), _plain(action))
        for action in window.findChildren(QAction)
        if not action.shortcut().isEmpty() and action.text()
    ]
    parts = ["<h3>Anywhere in the window</h3>", _table(menus)]
    for index, title in enumerate(SECTION_TITLES):
        keys = section_class(index).shortcuts
        if keys:
            parts += [f"<h3>{title}</h3>", _table([(shown(k), what) for k, what in keys])]
    parts += ["<h3>In a workshop</h3>", _table([(shown(k), w) for k, w in WORKSHOP_KEYS])]
    parts += ["<h3>Everywhere else</h3>", _table([(shown(k), w) for k, w in EVERYWHERE_ELSE])]
    return "".join(parts)


def _plain(action: QAction) -> str:
    """A menu item's words without its mnemonic's ampersand or the dots of "Open…"."""
    return action.text().replace("&&", "\0").replace("&", "").replace("\0", "&").rstrip("…")


def workshop_keys_html() -> str:
    """The workshop's own keys (F1 in the workshop, which covers the window)."""
    from nbdesk.ui.self_assessment.workshop_parts import WORKSHOP_KEYS

    return "<h3>In a workshop</h3>" + _table([(shown(k), w) for k, w in WORKSHOP_KEYS])


class ShortcutsDialog(QDialog):
    def __init__(self, parent: QWidget, html: str) -> None:
        super().__init__(parent)
        self.setWindowTitle("Keyboard shortcuts")
        self.setAccessibleName("Keyboard shortcuts")
        self.text = QTextBrowser()
        self.text.setAccessibleName("Keyboard shortcuts, by where they work")
        self.text.setHtml(html)
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Close)
        buttons.rejected.connect(self.reject)
        layout = QVBoxLayout(self)
        layout.addWidget(self.text)
        layout.addWidget(buttons)
        line = self.fontMetrics().height()
        fit_to_screen(self, line * 40, line * 36)
        self.text.setFocus()  # the list scrolls by keyboard at once


def show_shortcuts(window: MainWindow) -> None:
    ShortcutsDialog(window, shortcuts_html(window)).exec()


def show_workshop_keys(workshop: QWidget) -> None:
    ShortcutsDialog(workshop, workshop_keys_html()).exec()


def about_text(window: MainWindow, frameworks: list[str]) -> str:
    items = "".join(f"<li>{f}</li>" for f in frameworks) or "<li>none loaded</li>"
    return (
        f"<h2>nbdesk {__version__}</h2><p>{build_description().strip(' ()') or 'Not a build'}"
        f"</p><p>Authority: {window.authority}</p>"
        f"<p>Data file: {window.ops.path if window.ops else 'none'}</p>"
        f"<p>Frameworks loaded:</p><ul>{items}</ul>"
    )


def show_about(window: MainWindow) -> None:
    """The version, the file and the frameworks it holds (read on the worker)."""

    def show(frameworks: list[str]) -> None:
        box = QMessageBox(
            QMessageBox.Icon.Information,
            "About nbdesk",
            about_text(window, frameworks),
            QMessageBox.StandardButton.Ok,
            window,
        )
        box.setAccessibleName("About nbdesk")
        box.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        box.exec()

    if window.ops is None:
        show([])
        return
    from nbdesk.forms.store import list_frameworks

    window.ops.read(
        window,
        lambda session: [
            f"{f.title}: {f.areas} areas, {f.statements} statements"
            for f in list_frameworks(session)
        ],
        show,
    )
