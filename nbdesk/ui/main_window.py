"""The main window: a section list on the left, the chosen section on the right, File and Help."""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING

from PySide6.QtCore import QByteArray, Qt, QTimer, Signal
from PySide6.QtGui import QAction, QKeySequence
from PySide6.QtWidgets import (
    QApplication,
    QFrame,
    QHBoxLayout,
    QLabel,
    QListWidget,
    QMainWindow,
    QMessageBox,
    QScrollArea,
    QSizePolicy,
    QStackedWidget,
    QWidget,
)

from nbdesk.ui import settings as prefs
from nbdesk.ui.fit import fit_to_screen
from nbdesk.ui.sections.base import Section

if TYPE_CHECKING:
    import threading
    from collections.abc import Callable

    from nbdesk.common.changes import Changes
    from nbdesk.self_assessment.first_screen import FirstScreen
    from nbdesk.ui.action_plan.read_ahead import ReadAhead
    from nbdesk.ui.live import LiveUpdates
    from nbdesk.ui.ops import Ops
    from nbdesk.ui.self_assessment.framework_dialog import LoadFrameworkDialog
    from nbdesk.ui.server_dialog import ServerDialog, SignIn

FILE_FILTER = "nbdesk files (*.nbdesk);;All files (*)"
SECTION_TITLES = ["Self-assessment", "Survey outreach", "Action plan", "Returns"]


def section_class(index: int) -> type[Section]:
    """Called when a section is first shown, so a section's imports never delay the window or the
    first screen. Import section modules inside this function, not at the top."""
    if index == 0:
        from nbdesk.ui.self_assessment.section import SelfAssessmentSection

        return SelfAssessmentSection
    if index == 1:
        from nbdesk.ui.survey.section import SurveySection

        return SurveySection
    if index == 2:
        from nbdesk.ui.action_plan.section import ActionPlanSection

        return ActionPlanSection
    from nbdesk.ui.returns.section import ReturnsSection

    return ReturnsSection


def section_classes() -> list[type[Section]]:
    return [section_class(i) for i in range(len(SECTION_TITLES))]


# Once a file is open and the window has settled, the modules of the sections not yet shown are
# imported on a thread of their own: the Survey section's take about 200 ms, which the UI thread
# would otherwise spend on the first Ctrl+2, frozen (issue 16). A class is defined, no widget made.
# Then the garbage collector is set for a window that must not freeze (ui.collector).
IMPORT_SECTIONS_AFTER_MS = 250
# After them, the Action plan section's first read is made ahead, if it has not been opened
# (ui.action_plan.read_ahead): opening it then shows the plan at once.
PLAN = SECTION_TITLES.index("Action plan")


def _import_sections(indexes: list[int]) -> None:
    from nbdesk.ui import collector

    for index in indexes:
        try:
            section_class(index)
        except Exception:  # imported again when the section is first shown, and any failure shown
            continue
    collector.settle()


class MainWindow(QMainWindow):
    # Asks the application to open (or create) another file; it owns opening and its errors.
    open_requested = Signal(Path)
    open_server_requested = Signal(str)  # a server database's URL, never with its password
    new_requested = Signal()
    encrypt_requested = Signal()

    def __init__(self) -> None:
        super().__init__()
        self.ops: Ops | None = None
        self.live: LiveUpdates | None = None  # on a server: others' saves, as they are made
        self.authority = ""
        self.framework_dialog: LoadFrameworkDialog | None = None  # the last one opened
        self.server_dialog: ServerDialog | None = None  # the last one opened
        # Given by the application's set-up (ui/app.py): the window never imports storage.
        self.signing: Callable[[], SignIn] | None = None
        self.setAccessibleName("nbdesk main window")

        self.nav = QListWidget()
        self.nav.setAccessibleName("Sections")
        self.nav.setSpacing(3)
        self.nav.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        self.stack = QStackedWidget()
        # Each section is built when first shown, and given the open file only then: building
        # the others, or filling the Survey section's lists on a large register, must not hold up
        # the window opening on the Self-assessment section.
        self._built: list[Section | None] = [None] * len(SECTION_TITLES)
        self._sections_imported = False
        self._importing: threading.Thread | None = None
        self._imported = QTimer(self, interval=50)  # looks whether the imports have finished
        self._imported.timeout.connect(self._read_ahead)
        self._plan_ahead: ReadAhead | None = None
        self._waiting_for_data: set[Section] = set()
        self._showing: int | None = None  # a section built and about to be shown (below)
        self._focus_when_shown = False  # it was asked for by its key: it takes the keyboard
        self.status_page = QLabel()
        self.status_page.setAccessibleName("Status")
        self.status_page.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.status_page.setWordWrap(True)
        self.status_page.setFocusPolicy(Qt.FocusPolicy.StrongFocus)
        self.stack.addWidget(self.status_page)
        for number, title in enumerate(SECTION_TITLES, start=1):
            self.nav.addItem(f"{title}  ·  Ctrl+{number}")
            self.nav.item(number - 1).setToolTip(f"Go to {title} (Ctrl+{number})")
            go = QAction(title, self)
            go.setShortcut(QKeySequence(f"Ctrl+{number}"))
            go.triggered.connect(lambda _=False, n=number - 1: self.show_section(n))
            self.addAction(go)
        self.nav.setFixedWidth(self.nav.sizeHintForColumn(0) + 4 * self.nav.frameWidth() + 16)
        self.nav.currentRowChanged.connect(self._section_chosen)
        self.nav.setCurrentRow(0)

        # The sections scroll inside the window rather than making it larger than the screen
        # (twice the font on a 1366×768 laptop), and the control with the keyboard is scrolled
        # into view.
        self.scroll = QScrollArea()
        self.scroll.setWidget(self.stack)
        self.scroll.setWidgetResizable(True)
        self.scroll.setFrameShape(QFrame.Shape.NoFrame)
        self.scroll.setFocusPolicy(Qt.FocusPolicy.NoFocus)
        QApplication.instance().focusChanged.connect(self._keep_in_view)  # type: ignore[union-attr]
        body = QWidget()
        layout = QHBoxLayout(body)
        layout.addWidget(self.nav)
        layout.addWidget(self.scroll, 1)
        self.setCentralWidget(body)
        self.file_label = QLabel()
        self.file_label.setAccessibleName("Data file")
        self.statusBar().addPermanentWidget(self.file_label)
        self._build_menus()
        self._restore_geometry()

    def _keep_in_view(self, _old: QWidget | None, new: QWidget | None) -> None:
        if new is not None and self.stack.isAncestorOf(new):
            self.scroll.ensureWidgetVisible(new)

    def _build_menus(self) -> None:
        file_menu = self.menuBar().addMenu("&File")
        new = file_menu.addAction("&New authority file…")
        new.setShortcut(QKeySequence.StandardKey.New)
        self.new_action = new
        new.triggered.connect(
            lambda: self.let_go("open another file") and self.new_requested.emit()
        )
        open_action = file_menu.addAction("&Open…")
        open_action.setShortcut(QKeySequence.StandardKey.Open)
        open_action.triggered.connect(self._choose_file)
        open_server = file_menu.addAction("Open a &server database…")
        open_server.setToolTip("Open an authority kept on your organisation's PostgreSQL server")
        open_server.triggered.connect(lambda: self.choose_server())
        self.recent_menu = file_menu.addMenu("Open &recent")
        self.recent_menu.aboutToShow.connect(self._fill_recent)
        file_menu.addSeparator()
        self.load_framework_action = file_menu.addAction("Load &framework…")
        self.load_framework_action.setToolTip(
            "Load your authority's self-assessment framework from a TOML file or a spreadsheet"
        )
        self.load_framework_action.setEnabled(False)  # until a file is open
        self.load_framework_action.triggered.connect(self.load_framework)
        file_menu.addSeparator()
        self.backup_action = file_menu.addAction("&Back up now")
        self.backup_action.setShortcut(QKeySequence("Ctrl+Shift+B"))
        self.backup_action.triggered.connect(self.back_up_now)
        self.encrypt_action = file_menu.addAction("&Encrypt this file…")
        self.encrypt_action.setToolTip(
            "Encrypt the open file and its backups, so a lost laptop or a copied file shows nothing"
        )
        self.encrypt_action.setEnabled(False)  # until a file is open
        self.encrypt_action.triggered.connect(
            lambda: self.let_go("encrypt the file") and self.encrypt_requested.emit()
        )
        file_menu.addSeparator()
        quit_action = file_menu.addAction("&Quit")
        quit_action.setShortcut(QKeySequence.StandardKey.Quit)
        quit_action.triggered.connect(self.close)

        help_menu = self.menuBar().addMenu("&Help")
        keys = help_menu.addAction("&Keyboard shortcuts")
        keys.setShortcut(QKeySequence("F1"))
        keys.triggered.connect(self.show_shortcuts)
        help_menu.addAction("&About nbdesk").triggered.connect(self.show_about)

    def show_section(self, index: int) -> None:
        self.nav.setCurrentRow(index)
        if self._showing == index:  # built, and shown in a moment: the keyboard goes with it
            self._focus_when_shown = True
        else:
            self.stack.currentWidget().setFocus(Qt.FocusReason.ShortcutFocusReason)

    @property
    def sections(self) -> list[Section]:
        """Every section, in order, building those not yet shown (for tests, and anything that
        needs all four; the window itself builds each when first shown)."""
        return [self.section(i) for i in range(len(SECTION_TITLES))]

    def built_sections(self) -> list[Section]:
        return [s for s in self._built if s is not None]

    def section(self, index: int) -> Section:
        """The section at `index`, built now if it has not been (it reads the file when shown)."""
        section = self._built[index]
        if section is None:
            section = section_class(index)()
            assert section.title == SECTION_TITLES[index]
            self._built[index] = section
            self.stack.addWidget(section)
            self._waiting_for_data.add(section)
        return section

    def _section_chosen(self, row: int) -> None:
        if self.ops is None or self.stack.currentWidget() is self.status_page:
            return
        if self._built[row] is not None:
            self._show(self.section(row))
            return
        # Shown for the first time: built now, shown once the event loop has had a turn (a timer,
        # not a posted call, which runs before anything waiting): two pauses, not one, the longest
        # of a PA's first Ctrl+2 on the huge file (bench_stall).
        self.section(row)
        self._showing = row
        QTimer.singleShot(1, self, lambda: self._show_if_chosen(row))

    def _show_if_chosen(self, row: int) -> None:
        focus, self._focus_when_shown, self._showing = self._focus_when_shown, False, None
        if self.ops is None or self.stack.currentWidget() is self.status_page:
            return
        if self.nav.currentRow() == row and self._built[row] is not None:
            self._show(self.section(row))
            if focus:
                self.stack.currentWidget().setFocus(Qt.FocusReason.ShortcutFocusReason)

    def _show(self, section: Section) -> None:
        if section in self._waiting_for_data:
            self._waiting_for_data.discard(section)
            section.authority = self.authority
            section.set_ops(self.ops)
        elif self.stack.currentWidget() is not section:
            section.shown_again()
        self.stack.setCurrentWidget(section)
        # The stack asks for the largest of its pages' minimum sizes: sections out of sight ask for
        # nothing, so the shown one scrolls inside itself rather than the window scrolling too.
        for index in range(self.stack.count()):
            page = self.stack.widget(index)
            policy = QSizePolicy.Policy.Preferred if page is section else QSizePolicy.Policy.Ignored
            page.setSizePolicy(policy, policy)
        # Ctrl+N is "new action" in the Action plan section, File › New elsewhere: a section's
        # own list of its keys says which it takes.
        taken = {QKeySequence(k).toString() for keys, _ in section.shortcuts for k in keys}
        claimed = QKeySequence(QKeySequence.StandardKey.New).toString() in taken
        self.new_action.setShortcut(
            QKeySequence() if claimed else QKeySequence(QKeySequence.StandardKey.New)
        )

    def _discard_sections(self) -> None:
        for section in self.built_sections():
            self.stack.removeWidget(section)
            section.deleteLater()
        self._built = [None] * len(SECTION_TITLES)
        self._waiting_for_data.clear()

    def show_first_screen(self, path: Path, first: FirstScreen) -> None:
        """At start-up, before the file is open here: its Self-assessment list as read with the
        standard library (nbdesk.self_assessment.first_screen), while the worker checks the file
        and opens it. Nothing can be changed until set_ops; the other sections wait for it."""
        from nbdesk.ui.self_assessment.section import SelfAssessmentSection

        section = self.section(0)
        assert isinstance(section, SelfAssessmentSection)
        section.authority = first.authority
        section.show_first_screen(first.assessments, first.frameworks)
        self.stack.setCurrentWidget(section)
        self.setWindowTitle(f"{first.authority} — nbdesk")
        self.file_label.setText(str(path))
        self.file_label.setAccessibleName(f"Data file: {path}")
        self.statusBar().showMessage(f"Checking {path.name}…")

    def show_opening(self, path: Path) -> None:
        """While a file opens on the worker thread: say so, and keep the old one out of reach."""
        self._set_status(f"<h2>Opening {path.name}…</h2><p>{path.parent}</p>")
        self.stack.setCurrentWidget(self.status_page)
        self.nav.setEnabled(False)
        self.load_framework_action.setEnabled(False)
        self.statusBar().showMessage(f"Opening {path}…")

    def show_open_failed(self) -> None:
        self.statusBar().clearMessage()
        if self.ops is not None:
            self.nav.setEnabled(True)
            self.load_framework_action.setEnabled(True)
            self._show(self.section(self.nav.currentRow()))
            return
        # A file refused after its first screen was shown: none of it stays on screen.
        self._discard_sections()
        self.stack.setCurrentWidget(self.status_page)
        self.setWindowTitle("")
        self.file_label.clear()
        self._set_status(
            "<h2>No file is open</h2><p>Use File › Open (Ctrl+O) to open an authority's file, "
            "or File › New (Ctrl+N) to create one.</p>"
        )

    def _set_status(self, html: str) -> None:
        from PySide6.QtGui import QTextDocumentFragment

        self.status_page.setText(html)
        # A screen reader reads the accessible name, so it must carry the message itself.
        self.status_page.setAccessibleName(QTextDocumentFragment.fromHtml(html).toPlainText())

    def set_ops(self, ops: Ops, authority: str) -> None:
        """A file is open: the sections work on it through `ops`, and hear what each save changed."""
        if self.ops is not None and self.ops is not ops:
            self.ops.close()  # after the work still queued on the old file
        self.ops = ops
        ops.changed.connect(self.announce)
        if self._plan_ahead is not None:
            self._plan_ahead.drop()  # read from the file before
        self.authority = authority
        self.setWindowTitle(f"{authority} — nbdesk")
        # On a server, ops.path is the database's label ("nbdesk on db.example"): no file to
        # encrypt or to list among recent files.
        on_server = bool(getattr(ops.store, "is_server", False))
        where = "Server database" if on_server else "Data file"
        self.file_label.setText(str(ops.path))
        self.file_label.setAccessibleName(f"{where}: {ops.path}")
        self.load_framework_action.setEnabled(True)
        self.encrypt_action.setEnabled(not on_server)
        self.statusBar().clearMessage()
        self._waiting_for_data = set(self.built_sections())
        self.nav.setEnabled(True)
        self._show(self.section(max(self.nav.currentRow(), 0)))
        self.live = None
        if not on_server:
            prefs.remember_file(ops.path)
        else:  # others' saves appear here as they are made, until ops closes
            from nbdesk.ui.live import follow

            self.live = follow(ops, self.statusBar().showMessage)
        if not self._sections_imported:
            self._sections_imported = True
            QTimer.singleShot(IMPORT_SECTIONS_AFTER_MS, self._import_other_sections)
        else:  # another file: its plan is read ahead once the window has settled on it
            QTimer.singleShot(IMPORT_SECTIONS_AFTER_MS, self, self._read_ahead)

    def _import_other_sections(self) -> None:
        import threading

        waiting = [i for i, section in enumerate(self._built) if section is None]
        # A daemon: nbdesk ends with os._exit (ui.exiting.exit_now), never waiting for it.
        self._importing = threading.Thread(
            target=_import_sections, args=(waiting,), name="import-sections", daemon=True
        )
        self._importing.start()
        self._imported.start()

    def _read_ahead(self) -> None:
        if self._importing is not None and self._importing.is_alive():
            return
        self._imported.stop()
        if self.ops is None or self._built[PLAN] is not None:
            return
        from nbdesk.ui.action_plan.read_ahead import ReadAhead

        if self._plan_ahead is None:
            self._plan_ahead = ReadAhead(self)
        self._plan_ahead.start(self.ops)

    def announce(self, changes: Changes) -> None:
        """After each save: every section that has read the file hears what changed (the others
        read it when first shown), and so does any window listening to Ops.changed itself."""
        for section in self.built_sections():
            if section not in self._waiting_for_data:
                section.on_changes(changes)

    def _choose_file(self) -> None:
        from nbdesk.ui import file_dialogs  # when asked for: not on the way to the first screen

        start = str(self.ops.path.parent) if self.ops else ""
        name = file_dialogs.choose_file(self, "Open an authority file", start, FILE_FILTER)
        if name and self.let_go("open another file"):
            self.open_requested.emit(Path(name))

    def _fill_recent(self) -> None:
        self.recent_menu.clear()
        files = prefs.recent_files()
        if not files and not prefs.recent_servers():
            none = self.recent_menu.addAction("No recent files")
            none.setEnabled(False)
        for number, path in enumerate(files, start=1):
            there = path.exists()  # moved or deleted since: listed, greyed, saying so
            gone = "" if there else " (not found)"
            action = self.recent_menu.addAction(f"&{number} {path.name} — {path.parent}{gone}")
            action.setEnabled(there)
            action.triggered.connect(
                lambda _=False, p=path: (
                    self.let_go("open another file") and self.open_requested.emit(p)
                )
            )
        servers = prefs.recent_servers()
        if servers:
            self.recent_menu.addSeparator()
        for number, url in enumerate(servers, start=len(files) + 1):
            from nbdesk.ui.server_dialog import server_name

            action = self.recent_menu.addAction(f"&{number} Server: {server_name(url)}")
            action.triggered.connect(lambda _=False, u=url: self.open_recent_server(u))

    def choose_server(self, url: str | None = None) -> None:
        """File › Open a server database…: the dialog signs in before it closes."""
        from nbdesk.ui.server_dialog import ServerDialog

        if self.signing is None:
            return
        dialog = ServerDialog(self.signing(), self, url)
        self.server_dialog = dialog
        dialog.accepted.connect(lambda: self._server_chosen(dialog.url))
        dialog.open()

    def _server_chosen(self, url: str | None) -> None:
        if url and self.let_go("open another file"):
            prefs.remember_server(url)
            self.open_server_requested.emit(url)

    def open_recent_server(self, url: str) -> None:
        """Without asking where this computer keeps the password; else the dialog, filled in."""
        if self.signing is not None and self.signing().use_stored_password(url):
            if not self.let_go("open another file"):
                return
            prefs.remember_server(url)
            self.open_server_requested.emit(url)
        else:
            self.choose_server(url)

    def load_framework(self) -> None:
        """File › Load framework…: choose the file, see what it holds (or every fault), then Load."""
        if self.ops is None:
            return
        from nbdesk.ui.self_assessment.framework_dialog import choose_and_load

        self.framework_dialog = choose_and_load(self, self.ops, self._framework_loaded)

    def _framework_loaded(self, _framework_id: int, message: str) -> None:
        # The sections heard through Ops.changed that a framework was loaded; say so here too.
        self.statusBar().showMessage(message, 10000)

    def back_up_now(self) -> None:
        if self.ops is None:
            return

        def done(target: Path) -> None:
            # The name alone: a whole path ran into the file's own, shown beside it.
            self.statusBar().showMessage(f"Backed up as {target.name}", 10000)
            QMessageBox.information(self, "Backed up", f"A complete copy was saved as:\n{target}")

        self.ops.back_up(self, done)

    def show_about(self) -> None:
        from nbdesk.ui.help import show_about

        show_about(self)

    def show_shortcuts(self) -> None:
        from nbdesk.ui.help import show_shortcuts

        show_shortcuts(self)

    def _restore_geometry(self) -> None:
        geometry = prefs.settings().value("main_window/geometry")
        if isinstance(geometry, QByteArray) and self.restoreGeometry(geometry):
            return
        # First start: 200 letters by 55 lines, as the screen allows (150 by 45 was cramped).
        fit_to_screen(
            self, self.fontMetrics().averageCharWidth() * 200, self.fontMetrics().height() * 55
        )

    def let_go(self, leaving: str) -> bool:
        """Whether to go on leaving the open file though something typed in it is not saved
        (asked only then): a tester lost a contact typed and not saved by quitting."""
        unsaved = [line for section in self.built_sections() for line in section.unsaved()]
        if not unsaved:
            return True
        from nbdesk.ui import dialogs

        return dialogs.leave_unsaved(self, unsaved, leaving)

    def closeEvent(self, event) -> None:
        if not self.let_go("quit"):
            event.ignore()
            return
        prefs.settings().setValue("main_window/geometry", self.saveGeometry())
        if self.ops is not None:
            self.ops.close()
        super().closeEvent(event)
