"""An accessibility sweep of one window as it is on screen (issue 15): every visible control has a
name carrying its visible words, labels do not hide their text, Tab reaches every control and
leaves every list, and no two controls answer the same Alt+letter.

`problems(window)` returns what is wrong, one line each, naming the window, the control and why;
an empty list means the window passed. It presses Tab on the window (a person would), so call it
on a window that is shown."""

from __future__ import annotations

import re
import unicodedata
from collections import defaultdict

from PySide6.QtCore import Qt
from PySide6.QtGui import QKeySequence, QShortcut, QTextDocumentFragment
from PySide6.QtTest import QTest
from PySide6.QtWidgets import (
    QAbstractButton,
    QAbstractItemView,
    QAbstractSpinBox,
    QApplication,
    QCalendarWidget,
    QComboBox,
    QGroupBox,
    QLabel,
    QLineEdit,
    QMainWindow,
    QPlainTextEdit,
    QRadioButton,
    QSlider,
    QTabBar,
    QTextEdit,
    QWidget,
)

CONTROLS = (
    QAbstractButton,
    QLineEdit,
    QComboBox,
    QAbstractSpinBox,
    QAbstractItemView,
    QPlainTextEdit,
    QRadioButton,
    QTextEdit,
    QTabBar,
    QSlider,
)
# Parts Qt builds inside another control (a combo box's list and edit, a spin box's edit, a
# calendar's buttons, a tab bar's scroll arrows) are named through that control.
INNER = (QAbstractSpinBox, QComboBox, QAbstractItemView, QCalendarWidget, QLineEdit, QTabBar)
BRACKETED = re.compile(r"\([^()]*\)|\[[^\[\]]*\]")
TAG = re.compile(r"<[a-zA-Z/!]")
MNEMONIC = re.compile(r"&([^&\s])")


def words(text: str, rich: bool = False) -> str:
    """What a person sees of `text`, as compared: plain, no mnemonic marks, nothing in brackets
    (shortcut hints such as "(F5)"), lower case, single spaces, no closing colon or full stop."""
    if rich:
        text = QTextDocumentFragment.fromHtml(text).toPlainText()
    text = text.replace("&&", "\0").replace("&", "").replace("\0", "&").replace("...", "…")
    # Marks drawn beside words (✓ chosen, ⚠ a problem, arrows) are not words.
    text = "".join(c for c in text if not unicodedata.category(c).startswith("S"))
    while BRACKETED.search(text):
        text = BRACKETED.sub(" ", text)
    return " ".join(text.lower().split()).strip(" :.…")


def label_words(label: QLabel) -> str:
    fmt = label.textFormat()
    rich = fmt == Qt.TextFormat.RichText or (
        fmt == Qt.TextFormat.AutoText and TAG.search(label.text()) is not None
    )
    return words(label.text(), rich)


def is_inner(widget: QWidget, root: QWidget) -> bool:
    parent = widget.parentWidget()
    while parent is not None and parent is not root:
        if isinstance(parent, INNER):
            return True
        parent = parent.parentWidget()
    return widget.objectName().startswith("qt_")


def shown(window: QWidget) -> list[QWidget]:
    """Every widget of `window` (not of windows opened from it) that is on screen."""
    return [
        w for w in [window, *window.findChildren(QWidget)] if w.window() is window and w.isVisible()
    ]


def describe(widget: QWidget) -> str:
    name = widget.accessibleName()
    text = widget.text() if isinstance(widget, QAbstractButton | QLabel) else ""
    said = name or text or widget.objectName()
    return f"{type(widget).__name__} {said!r}"


def buddies(window: QWidget) -> dict[QWidget, QLabel]:
    found = {}
    for label in window.findChildren(QLabel):
        buddy = label.buddy()
        if buddy is not None and label.window() is window:
            found[buddy] = label
    return found


def visible_words(widget: QWidget, labels: dict[QWidget, QLabel]) -> str:
    if isinstance(widget, QAbstractButton):
        return words(widget.text())
    if isinstance(widget, QTabBar):
        return " ".join(words(widget.tabText(i)) for i in range(widget.count()))
    label = labels.get(widget)
    return label_words(label) if label is not None else ""


def naming_problems(window: QWidget) -> list[str]:
    found = []
    labels = buddies(window)
    for widget in shown(window):
        if isinstance(widget, QLabel):
            name = widget.accessibleName()
            text = label_words(widget)
            if name and text and text not in words(name):
                found.append(f"{describe(widget)} hides its text {text!r} behind its name")
            continue
        if not isinstance(widget, CONTROLS) or is_inner(widget, window):
            continue
        name, seen = words(widget.accessibleName()), visible_words(widget, labels)
        if isinstance(widget, QTabBar):
            continue  # each tab is named by its own text
        if not name and not seen:
            found.append(f"{describe(widget)} has no name and no visible words")
        elif name and seen and seen not in name:
            found.append(f"{describe(widget)} is named without its visible words {seen!r}")
    return found


def mnemonics(window: QWidget) -> dict[str, list[str]]:
    """Each Alt+letter a visible part of `window` answers, and what answers it."""
    keys: dict[str, list[str]] = defaultdict(list)

    def add(text: str, owner: str) -> None:
        for letter in MNEMONIC.findall(text.replace("&&", "")):
            keys[letter.lower()].append(owner)

    for widget in shown(window):
        labelled = isinstance(widget, QLabel) and widget.buddy() is not None
        if isinstance(widget, QAbstractButton) or labelled:
            add(widget.text(), describe(widget))
        elif isinstance(widget, QGroupBox):
            add(widget.title(), f"group {widget.title()!r}")
        elif isinstance(widget, QTabBar):
            for i in range(widget.count()):
                if widget.isTabVisible(i):
                    add(widget.tabText(i), f"tab {widget.tabText(i)!r}")
        for action in widget.actions():
            for key in action.shortcuts():
                explicit_alt(keys, key, f"{action.text()!r} ({describe(widget)})")
    if isinstance(window, QMainWindow) and window.menuWidget() is not None:
        for action in window.menuBar().actions():
            add(action.text(), f"menu {action.text()!r}")
    for shortcut in window.findChildren(QShortcut):
        parent = shortcut.parent()
        on_screen = isinstance(parent, QWidget) and parent.window() is window and parent.isVisible()
        if on_screen and shortcut.isEnabled():
            explicit_alt(keys, shortcut.key(), f"shortcut ({describe(parent)})")
    return keys


def explicit_alt(keys: dict[str, list[str]], key: QKeySequence, owner: str) -> None:
    text = key.toString(QKeySequence.SequenceFormat.PortableText)
    match = re.fullmatch(r"Alt\+(\w)", text)
    if match:
        keys[match.group(1).lower()].append(owner)


def mnemonic_problems(window: QWidget) -> list[str]:
    return [
        f"Alt+{letter.upper()} is answered by " + " and ".join(owners)
        for letter, owners in sorted(mnemonics(window).items())
        if len(owners) > 1
    ]


def tab_stops(window: QWidget) -> list[QWidget]:
    """What Tab may stop on, as Qt decides it (QApplication's focusNextPrevChild)."""
    return [
        w
        for w in shown(window)
        if w is not window
        and w.isEnabled()
        and w.focusPolicy() & Qt.FocusPolicy.TabFocus == Qt.FocusPolicy.TabFocus
        and w.focusProxy() is None
    ]


def radio_group(radio: QRadioButton) -> object:
    if radio.group() is not None:
        return radio.group()
    return radio.parentWidget() if radio.autoExclusive() else radio


def tab_problems(window: QWidget) -> list[str]:
    found = []
    for view in shown(window):
        if isinstance(view, QAbstractItemView) and view.tabKeyNavigation():
            found.append(f"{describe(view)} keeps Tab (it moves from cell to cell)")
        typing = isinstance(view, QPlainTextEdit | QTextEdit) and not view.isReadOnly()
        if typing and not view.tabChangesFocus():
            found.append(f"{describe(view)} types Tab instead of moving on")
    stops = tab_stops(window)
    if not stops:
        return found
    window.activateWindow()
    for _ in range(200):
        if QApplication.activeWindow() is window:
            break
        QTest.qWait(5)
    stops[0].setFocus(Qt.FocusReason.TabFocusReason)
    reached: list[QWidget] = []
    for _ in range(2 * len(stops) + 4):
        current = QApplication.focusWidget()
        if current is None or current.window() is not window:
            found.append(f"Tab left the window from {describe(reached[-1]) if reached else '?'}")
            break
        reached.append(current)
        QTest.keyClick(current, Qt.Key.Key_Tab)
    # A group of radio buttons is one stop: Tab reaches one, arrows move between them.
    groups = {radio_group(w) for w in reached if isinstance(w, QRadioButton)}
    missed = [
        w
        for w in stops
        if w not in reached and not (isinstance(w, QRadioButton) and radio_group(w) in groups)
    ]
    found += [f"Tab never reaches {describe(w)}" for w in missed]
    return found


def problems(window: QWidget, tab: bool = True) -> list[str]:
    """Everything wrong with `window` as it is now, each line starting with the window's title."""
    title = window.windowTitle() or window.accessibleName() or type(window).__name__
    found = naming_problems(window) + mnemonic_problems(window)
    if tab:
        found += tab_problems(window)
    return [f"{title}: {line}" for line in found]
