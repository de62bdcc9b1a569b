"""The main window: a section list on the left, the chosen section on the right, File and Help."""

from __future__ import annotations

from pathlib import Path

from PySide6.QtCore import QByteArray, Qt, Signal
from PySide6.QtGui import QAction, QKeySequence
from PySide6.QtWidgets import (
    QFileDialog,
    QHBoxLayout,
    QLabel,
    QListWidget,
    QMainWindow,
    QMessageBox,
    QStackedWidget,
    QWidget,
)

from nbdesk import __version__
from nbdesk.buildinfo import build_description
from nbdesk.storage import Database
from nbdesk.ui import settings as prefs
from nbdesk.ui.dialogs import show_error
from nbdesk.ui.sections.base import (
    ActionPlanSection,
    ReturnsSection,
    Section,
    SelfAssessmentSection,
    SurveyOutreachSection,
)

FILE_FILTER = "nbdesk files (*.nbdesk);;All files (*)"


def section_classes() -> list[type[Section]]:
    return [SelfAssessmentSection, SurveyOutreachSection, ActionPlanSection, ReturnsSection]


class MainWindow(QMainWindow):
    # Asks the application to open (or create) another file; it owns opening and its errors.
    open_requested = Signal(Path)
    new_requested = Signal()

    def __init__(self) -> None:
        super().__init__()
        self.db: Database | None = None
        self.authority = ""
        self.setAccessibleName("nbdesk main window")

        self.nav = QListWidget()
        self.nav.setAccessibleName("Sections")
        self.nav.setSpacing(3)
        self.nav.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        self.stack = QStackedWidget()
        self.sections: list[Section] = []
        for number, cls in enumerate(section_classes(), start=1):
            section = cls()
            self.sections.append(section)
            self.stack.addWidget(section)
            self.nav.addItem(f"{section.title}  ·  Ctrl+{number}")
            self.nav.item(number - 1).setToolTip(f"Go to {section.title} (Ctrl+{number})")
            go = QAction(section.title, self)
            go.setShortcut(QKeySequence(f"Ctrl+{number}"))
            go.triggered.connect(lambda _=False, n=number - 1: self.show_section(n))
            self.addAction(go)
        self.nav.setFixedWidth(self.nav.sizeHintForColumn(0) + 4 * self.nav.frameWidth() + 16)
        self.nav.currentRowChanged.connect(self.stack.setCurrentIndex)
        self.nav.setCurrentRow(0)

        body = QWidget()
        layout = QHBoxLayout(body)
        layout.addWidget(self.nav)
        layout.addWidget(self.stack, 1)
        self.setCentralWidget(body)
        self.file_label = QLabel()
        self.file_label.setAccessibleName("Data file")
        self.statusBar().addPermanentWidget(self.file_label)
        self._build_menus()
        self._restore_geometry()

    def _build_menus(self) -> None:
        file_menu = self.menuBar().addMenu("&File")
        new = file_menu.addAction("&New authority file…")
        new.setShortcut(QKeySequence.StandardKey.New)
        new.triggered.connect(self.new_requested.emit)
        open_action = file_menu.addAction("&Open…")
        open_action.setShortcut(QKeySequence.StandardKey.Open)
        open_action.triggered.connect(self._choose_file)
        self.recent_menu = file_menu.addMenu("Open &recent")
        self.recent_menu.aboutToShow.connect(self._fill_recent)
        file_menu.addSeparator()
        self.backup_action = file_menu.addAction("&Back up now")
        self.backup_action.setShortcut(QKeySequence("Ctrl+Shift+B"))
        self.backup_action.triggered.connect(self.back_up_now)
        file_menu.addSeparator()
        quit_action = file_menu.addAction("&Quit")
        quit_action.setShortcut(QKeySequence.StandardKey.Quit)
        quit_action.triggered.connect(self.close)

        help_menu = self.menuBar().addMenu("&Help")
        about = help_menu.addAction("&About nbdesk")
        about.setShortcut(QKeySequence("F1"))
        about.triggered.connect(self.show_about)

    def show_section(self, index: int) -> None:
        self.nav.setCurrentRow(index)
        self.stack.currentWidget().setFocus(Qt.FocusReason.ShortcutFocusReason)

    def set_database(self, db: Database, authority: str) -> None:
        if self.db is not None and self.db is not db:
            self.db.close()
        self.db = db
        self.authority = authority
        self.setWindowTitle(f"{authority} — nbdesk")
        self.file_label.setText(str(db.path))
        for section in self.sections:
            section.set_database(db)
        prefs.remember_file(db.path)

    def _choose_file(self) -> None:
        start = str(self.db.path.parent) if self.db else ""
        name, _ = QFileDialog.getOpenFileName(self, "Open an authority file", start, FILE_FILTER)
        if name:
            self.open_requested.emit(Path(name))

    def _fill_recent(self) -> None:
        self.recent_menu.clear()
        files = prefs.recent_files()
        if not files:
            none = self.recent_menu.addAction("No recent files")
            none.setEnabled(False)
        for number, path in enumerate(files, start=1):
            action = self.recent_menu.addAction(f"&{number} {path.name} — {path.parent}")
            action.triggered.connect(lambda _=False, p=path: self.open_requested.emit(p))

    def back_up_now(self) -> None:
        if self.db is None:
            return
        from nbdesk.storage.backup import rotating_backup
        from nbdesk.ui.worker import run_in_background

        path = self.db.path

        def done(target: Path) -> None:
            self.statusBar().showMessage(f"Backed up to {target}", 10000)
            QMessageBox.information(self, "Backed up", f"A complete copy was saved as:\n{target}")

        run_in_background(
            self,
            "Backing up",
            lambda progress, cancelled: rotating_backup(path),
            done,
            lambda exc, trace: show_error(self, "Backup failed", str(exc), trace),
        )

    def about_text(self) -> str:
        from nbdesk.frameworks import list_frameworks

        frameworks: list[str] = []
        if self.db is not None:
            with self.db.session() as session:
                frameworks = [
                    f"{f.title}: {f.areas} areas, {f.statements} statements"
                    for f in list_frameworks(session)
                ]
        items = "".join(f"<li>{f}</li>" for f in frameworks) or "<li>none loaded</li>"
        return (
            f"<h2>nbdesk {__version__}</h2><p>{build_description().strip(' ()') or 'Not a build'}"
            f"</p><p>Authority: {self.authority}</p>"
            f"<p>Data file: {self.db.path if self.db else 'none'}</p>"
            f"<p>Frameworks loaded:</p><ul>{items}</ul>"
        )

    def show_about(self) -> None:
        box = QMessageBox(
            QMessageBox.Icon.Information,
            "About nbdesk",
            self.about_text(),
            QMessageBox.StandardButton.Ok,
            self,
        )
        box.setAccessibleName("About nbdesk")
        box.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        box.exec()

    def _restore_geometry(self) -> None:
        geometry = prefs.settings().value("main_window/geometry")
        if isinstance(geometry, QByteArray) and self.restoreGeometry(geometry):
            return
        self.resize(self.fontMetrics().averageCharWidth() * 150, self.fontMetrics().height() * 45)

    def closeEvent(self, event) -> None:
        prefs.settings().setValue("main_window/geometry", self.saveGeometry())
        if self.db is not None:
            self.db.close()
        super().closeEvent(event)
