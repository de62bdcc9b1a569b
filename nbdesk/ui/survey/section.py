"""The Survey outreach section: the register, a round's contacts and completions, and its figures.

Every read and write goes through Ops to the survey services, on the worker. A save anywhere is
announced with what it changed; the section marks the tabs that show it and reads again only the
one on screen (the others when they are next shown).
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any, cast

from PySide6.QtCore import Qt, QTimer
from PySide6.QtWidgets import (
    QApplication,
    QComboBox,
    QGridLayout,
    QLabel,
    QMessageBox,
    QSizePolicy,
    QTabWidget,
    QVBoxLayout,
    QWidget,
)

from nbdesk.common import clock
from nbdesk.common.changes import Changes
from nbdesk.survey.contacts import round_pa_names
from nbdesk.survey.retention import ErasurePlan, erase_contact_details, erasure_plan
from nbdesk.survey.rounds import (
    RoundInfo,
    RoundSummary,
    open_round,
    round_infos,
    set_round_closed,
)
from nbdesk.ui.ops import Ops
from nbdesk.ui.sections.base import Section
from nbdesk.ui.survey.common import labelled_button, people
from nbdesk.ui.survey.contact_form import ContactForm
from nbdesk.ui.survey.contacts_tab import ContactsTab
from nbdesk.ui.survey.dashboard_tab import DashboardTab
from nbdesk.ui.survey.dialogs import OpenRoundDialog
from nbdesk.ui.survey.fit import ScrollsInside, follow_focus, scrolling
from nbdesk.ui.survey.register_tab import RegisterTab
from nbdesk.ui.survey.results_tab import ResultsTab

# Which tabs show each kind of change.
SHOWN_BY = {
    "register": ("register", "contacts", "dashboard", "results"),  # names in quotes
    "rounds": ("contacts", "dashboard", "results"),
    "members": ("contacts", "dashboard", "results"),
    "contacts": ("contacts", "dashboard"),
    "completions": ("contacts", "dashboard", "results"),  # nbdesk's confirmed count
    "feedback": ("results",),
}
ALL_TABS = {"register", "contacts", "dashboard", "results"}


class SurveySection(ScrollsInside, Section):
    title = "Survey outreach"
    shortcuts = (
        (("Ctrl+Enter",), "Contacts: save the contact and choose the next person not yet reached"),
        (("Ctrl+K",), "Contacts: mark the chosen person completed"),
        (("Ctrl+Z",), "Contacts: take back the contact or completion just saved"),
        (("Ctrl+L",), "Contacts: back to the list"),
        (("Ctrl+F",), "Register: to the find box"),
        (("Down",), "in a find box: into its list"),
        (("Esc",), "in a find box: clear it"),
        (("Enter",), "in a list: open the chosen person or quote; in the results' counts: save"),
        (("F2",), "Results: edit the chosen quote"),
        (("Delete",), "Results: remove the chosen finding or quote"),
    )

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        heading = QLabel(f"<h2>{self.title}</h2>")
        self.round = QComboBox()
        self.round.setAccessibleName("Survey round")
        # A round's long title is elided to the room there is rather than widening the section.
        self.round.setMinimumContentsLength(16)
        self.round.setSizeAdjustPolicy(
            QComboBox.SizeAdjustPolicy.AdjustToMinimumContentsLengthWithIcon
        )
        self.round.currentIndexChanged.connect(self._round_chosen)
        self.open_button = labelled_button("&Open a round…", "Open a round…")
        self.close_button = labelled_button("Close roun&d", "Close round")
        self.notify_button = labelled_button("GOV.UK &Notify list…", "GOV.UK Notify list…")
        self.erase_button = labelled_button("Erase &contact details…", "Erase contact details…")
        self.open_button.clicked.connect(self.open_round)
        self.close_button.clicked.connect(self.toggle_closed)
        self.notify_button.clicked.connect(self.notify_list)
        self.erase_button.clicked.connect(self.erase)
        self.round_label = QLabel("&Round:")
        self.round_label.setBuddy(self.round)
        self.bar = QGridLayout()
        self.bar_buttons = (
            self.open_button,
            self.close_button,
            self.notify_button,
            self.erase_button,
        )
        self._bar_columns = 0
        self._arrange_bar(len(self.bar_buttons))

        self.tabs = QTabWidget()
        self.tabs.setAccessibleName("Survey outreach views")
        # Each tab is built when first shown (or asked for), an empty page standing in for it
        # until then: building them all with the section doubled the time Survey outreach took
        # to open, and the register opened behind a contacts list it never showed (issue 16).
        self._pages: dict[str, QWidget] = {}
        self._later: dict[str, tuple[Callable[[SurveySection], QWidget], QWidget]] = {}
        for name, make, title in (
            ("contacts", ContactsTab, "Contacts and &who next"),
            ("register", RegisterTab, "Re&gister"),
            ("dashboard", DashboardTab, "Dash&board"),
            ("results", ResultsTab, "Results and &priorities"),
        ):
            placeholder = QWidget()
            self._later[name] = (make, placeholder)
            self.tabs.addTab(placeholder, title)
        self._pa_names: list[str] | None = None  # the round's PAs, for the contacts tab's list
        # The tab first shown is built at the event loop's next turn: not with the section (the
        # register, chosen first, never waits for the contacts list), nor with its first paint
        # (the main window shows a new section a moment after building it, and the two together
        # held the window 47 ms on the huge file, bench_stall).
        QTimer.singleShot(0, self, self._build_shown)
        self.tabs.currentChanged.connect(self._tab_chosen)
        # What was last done, said below the scrolling part, where it is always in view (Ctrl+K
        # at the foot of a long page said it above the tabs, scrolled out of sight).
        self.message = QLabel()
        self.message.setWordWrap(True)
        self.message.hide()
        # Why a round button is greyed out, in words on screen: a greyed-out button takes no
        # keyboard focus, so a tooltip alone is never seen by someone using the keyboard.
        self.why_greyed = QLabel()
        self.why_greyed.setWordWrap(True)
        content = QWidget()
        inner = QVBoxLayout(content)
        inner.addWidget(heading)
        inner.addLayout(self.bar)
        inner.addWidget(self.why_greyed)
        inner.addWidget(self.tabs, 1)
        # On a small laptop screen (or with large system fonts) the section scrolls down rather
        # than forcing the window to grow past the screen; its parts wrap and stack to its width
        # so that it never scrolls sideways, and what has the keyboard is scrolled into view.
        # No Tab stop of its own (scrolling): a tab chosen with its key (Alt+B) while the
        # contact form had the keyboard gave it to this nameless area, keys going nowhere.
        self.scroll = scroll = scrolling(content)
        follow_focus(self)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(scroll, 1)
        layout.addWidget(self.message)
        self.rounds: list[RoundInfo] = []
        self._stale = set(ALL_TABS)
        self.focus_target = self.tabs

    def _arrange_bar(self, columns: int) -> None:
        """The round and its buttons in one row when they fit, else the buttons in rows under
        the round (large font sizes), so none runs off the right edge."""
        if columns == self._bar_columns:
            return
        self._bar_columns = columns
        for widget in (self.round_label, self.round, *self.bar_buttons):
            self.bar.removeWidget(widget)
        self.bar.addWidget(self.round_label, 0, 0)
        wide = columns == len(self.bar_buttons)
        self.bar.addWidget(self.round, 0, 1, 1, 1 if wide else columns + 1)
        for number, button in enumerate(self.bar_buttons):
            row, column = (0, 2 + number) if wide else (1 + number // columns, 1 + number % columns)
            self.bar.addWidget(button, row, column)
        stretched = 1 if wide else columns + 1
        for column in range(2 + len(self.bar_buttons)):
            self.bar.setColumnStretch(column, 1 if column == stretched else 0)

    def _build_shown(self) -> None:
        self._page(self._current_name())

    def showEvent(self, event: Any) -> None:
        self._build_shown()  # shown sooner than that: the tab is built before it is painted
        super().showEvent(event)

    def resizeEvent(self, event: Any) -> None:
        super().resizeEvent(event)
        # The section's own width: the scroll area inside may not have been laid out yet.
        room = self.width() - 60
        spacing = max(self.bar.horizontalSpacing(), 0)
        widths = sorted(b.sizeHint().width() + spacing for b in self.bar_buttons)
        label = self.round_label.sizeHint().width() + spacing
        combo = self.round.minimumSizeHint().width() + spacing
        if label + combo + sum(widths) <= room:
            columns = len(widths)
        else:
            columns = len(widths) - 1
            while columns > 1 and label + sum(widths[-columns:]) > room:
                columns -= 1
        self._arrange_bar(columns)

    # The file and its rounds ------------------------------------------------------------------

    def set_ops(self, ops: Ops | None) -> None:
        super().set_ops(ops)
        self.status("")  # what was done in the file before, said no more (a tester saw it stay)
        for form in self._contact_form():
            form.forget()
        self._stale = set(ALL_TABS)
        self._pa_names = None
        if self._current_name() == "register":
            # The register is the same whatever the round: read it first, not behind the rounds
            # and the round's PAs.
            self._tab_shown()
        self.load_rounds()

    def unsaved(self) -> list[str]:
        return [line for form in self._contact_form() for line in form.unsaved()]

    def _contact_form(self) -> list[ContactForm]:
        """The contact form, if the Contacts tab has been built (not building it to ask)."""
        return [self.contacts_tab.panel.contact] if "contacts" in self._pages else []

    def on_changes(self, changes: Changes) -> None:
        pairs = changes.only_people()
        if pairs is not None:
            self._people_changed(changes, pairs)
            return
        for kind in changes.kinds():
            self._stale.update(SHOWN_BY.get(kind, ()))
        if changes.rounds:
            self.load_rounds()  # the rounds' titles carry their names, days and whether closed
        else:
            self._tab_shown()

    def _people_changed(self, changes: Changes, pairs: frozenset[tuple[int, int]]) -> None:
        """A few people's contacts, completion or membership changed: who-next and the dashboard
        update just them (if they show the round), the rest reads again when next shown. Nothing
        a round's title shows changed, so the rounds are not listed again."""
        round_id = self.round_id()
        people = {person for r, person in pairs if r == round_id}
        if not people:
            return  # another round's people: nothing shown here counts them
        if changes.completions or changes.members:
            self._stale.add("results")  # nbdesk's confirmed count beside the official one
        for name in ("contacts", "dashboard"):
            # A tab still to read whole (or not built yet) will read this too.
            if name not in self._stale and name in self._pages:
                cast(Any, self._pages[name]).update_people(round_id, people)
        self._tab_shown()

    def round_id(self) -> int | None:
        value = self.round.currentData()
        return int(value) if value is not None else None

    def current_round(self) -> RoundInfo | None:
        rid = self.round_id()
        return next((r for r in self.rounds if r.id == rid), None)

    def load_rounds(self, choose: int | None = None) -> None:
        if self.ops is None:
            return
        self.ops.read(
            self,
            round_infos,
            lambda rounds: self._rounds_listed(rounds, choose),
            key=f"rounds-{id(self)}",
        )

    def _rounds_listed(self, rounds: list[RoundInfo], choose: int | None) -> None:
        before = self.round_id()
        keep = choose if choose is not None else before
        self.rounds = rounds
        self.round.blockSignals(True)
        self.round.clear()
        for r in reversed(rounds):  # newest first
            self.round.addItem(r.title, r.id)
        index = self.round.findData(keep) if keep is not None else 0
        self.round.setCurrentIndex(max(0, index))
        self.round.blockSignals(False)
        if self.round_id() != before:
            self._round_chosen()
        else:
            self._update_buttons()
            self._tab_shown()

    def _round_chosen(self, *_: object) -> None:
        self._update_buttons()
        current = self.current_round()
        self._stale |= {"contacts", "dashboard", "results"}
        if current is not None and self.ops is not None:
            self.ops.read(
                self,
                lambda session: round_pa_names(session, current.id),
                self._pas_listed,
                key=f"round-pas-{id(self)}",
            )
        else:
            self._tab_shown()

    def _pas_listed(self, names: list[str]) -> None:
        self._pa_names = names
        if "contacts" in self._pages:
            self.contacts_tab.set_pas(names)
        self._tab_shown()

    def _update_buttons(self) -> None:
        current = self.current_round()
        has = current is not None
        for b in (self.close_button, self.notify_button, self.erase_button):
            b.setEnabled(has)
        if current:
            self.close_button.setText("Reopen roun&d" if current.closed else "Close roun&d")
            self.close_button.setAccessibleName(self.close_button.text().replace("&", ""))
            self.erase_button.setEnabled(current.closed)
            self.notify_button.setEnabled(not current.closed)
            # Why a button is greyed out, in words (read by screen readers too).
            erase_why = "" if current.closed else "Close the round before erasing its details."
            notify_why = "The round is closed: no one is reminded." if current.closed else ""
            for button, why in ((self.erase_button, erase_why), (self.notify_button, notify_why)):
                button.setToolTip(why)
                button.setAccessibleDescription(why)
            self.why_greyed.setText(" ".join(w for w in (erase_why, notify_why) if w))
        self.why_greyed.setVisible(has and bool(self.why_greyed.text()))

    @property
    def contacts_tab(self) -> ContactsTab:
        return cast(ContactsTab, self._page("contacts"))

    @property
    def register_tab(self) -> RegisterTab:
        return cast(RegisterTab, self._page("register"))

    @property
    def dashboard_tab(self) -> DashboardTab:
        return cast(DashboardTab, self._page("dashboard"))

    @property
    def results_tab(self) -> ResultsTab:
        return cast(ResultsTab, self._page("results"))

    def _page(self, name: str) -> QWidget:
        """The tab called `name`, built now (in place of the page standing in for it) if it has
        not been."""
        page = self._pages.get(name)
        if page is None:
            make, placeholder = self._later.pop(name)
            page = self._pages[name] = make(self)
            index = self.tabs.indexOf(placeholder)
            shown = self.tabs.currentIndex() == index
            title = self.tabs.tabText(index)
            self.tabs.blockSignals(True)  # the same tab stays chosen: nothing to announce
            try:
                self.tabs.insertTab(index, page, title)
                self.tabs.removeTab(index + 1)
                if shown:
                    self.tabs.setCurrentIndex(index)
            finally:
                self.tabs.blockSignals(False)
            placeholder.deleteLater()
            if name == "contacts" and self._pa_names is not None:
                cast(ContactsTab, page).set_pas(self._pa_names)
        return page

    def _current_name(self) -> str:
        widget = self.tabs.currentWidget()
        for name, page in self._pages.items():
            if page is widget:
                return name
        return next(name for name, (_make, stand_in) in self._later.items() if stand_in is widget)

    def _tab_chosen(self, *_: object) -> None:
        """A tab chosen by its key or a click (nbdesk never changes tab itself)."""
        self.status("")  # what was said was of the tab left ("Nothing to undo…" stayed on)
        self._tab_shown()
        self._keyboard_into(self.tabs.currentWidget())
        # Seen from its top, the tabs in view: the section may be scrolled far down the last tab
        # (the contact form), and the new tab's first field alone was shown, the tabs above it.
        self.scroll.ensureWidgetVisible(self.tabs.tabBar(), 0, 0)

    def _keyboard_into(self, page: QWidget) -> None:
        """A tab chosen while the keyboard was in another (Alt+B from the contact form): Qt moves
        it into the page shown, but found nothing in the empty page standing in for a tab not
        built yet, and left it on the window's list of sections. It goes to the first field."""
        focus = QApplication.focusWidget()
        if focus is not None and (page.isAncestorOf(focus) or focus is self.tabs.tabBar()):
            return  # already there, or moving along the tabs with the arrow keys
        widget = page.nextInFocusChain()
        while widget is not page and page.isAncestorOf(widget):
            takes_tab = widget.focusPolicy() & Qt.FocusPolicy.TabFocus
            if takes_tab and widget.isEnabled() and widget.isVisibleTo(page):
                widget.setFocus(Qt.FocusReason.TabFocusReason)
                return
            widget = widget.nextInFocusChain()

    def _tab_shown(self, *_: object) -> None:
        name = self._current_name()
        widget: Any = self._page(name)
        # Only the tab on screen sets how narrow the section may be: a wide hidden tab (the
        # contacts list beside its panel) must not push the one shown off the right edge at
        # large font sizes.
        for index in range(self.tabs.count()):
            page = self.tabs.widget(index)
            policy = QSizePolicy.Policy.Preferred if page is widget else QSizePolicy.Policy.Ignored
            page.setSizePolicy(policy, policy)
        if name in self._stale and self.ops is not None:
            self._stale.discard(name)
            widget.refresh()

    def status(self, text: str) -> None:
        self.message.setText(text)
        self.message.setVisible(bool(text))

    # Actions ----------------------------------------------------------------------------------

    def open_round(self) -> None:
        if self.ops is None:
            return
        ops = self.ops
        dialog = OpenRoundDialog(self)

        def save(name: str, opens: Any, closes: Any) -> None:
            ops.write(
                dialog,
                lambda session: open_round(session, name, opens, closes),
                lambda opened: self._round_opened(dialog, opened.value),
                failed=dialog.not_saved,
                title="Opening the round",
            )

        dialog.submit = save
        self.round_dialog = dialog
        dialog.exec()

    def _round_opened(self, dialog: OpenRoundDialog, opened: RoundSummary) -> None:
        dialog.saved()
        self.status(f"Opened {opened.name}: {people(opened.eligible)} eligible.")
        self.load_rounds(choose=opened.id)

    def toggle_closed(self) -> None:
        current = self.current_round()
        if self.ops is None or current is None:
            return
        from nbdesk.ui.survey.findings_box import confirm

        # One key (Alt+D) closes a round: ask first, since closing stops the reminders.
        if not current.closed and not confirm(
            self,
            "Close the round",
            f"Close {current.name}? Nobody in it is listed to remind any more, and its contact "
            "details can then be erased. Reopen round undoes it.",
            "Close the round",
        ):
            return
        self.ops.write(
            self,
            lambda session: set_round_closed(session, current.id, not current.closed),
            lambda _done: self.status(
                f"{current.name} {'reopened' if current.closed else 'closed'}."
            ),
            title="Reopening the round" if current.closed else "Closing the round",
        )

    def notify_list(self) -> None:
        from nbdesk.ui.survey.notify_dialog import NotifyDialog

        rid = self.round_id()
        if self.ops is None or rid is None:
            return
        self.notify_dialog = NotifyDialog(self.ops, rid, self, self.authority)
        self.notify_dialog.open()

    def erase(self) -> None:
        current = self.current_round()
        if self.ops is None or current is None:
            return
        self.ops.read(
            self,
            lambda session: erasure_plan(session, current.id),
            lambda plan: self._confirm_erasure(current, plan),
            title="Counting what would be erased",
        )

    def _confirm_erasure(self, current: RoundInfo, plan: ErasurePlan) -> None:
        box = QMessageBox(
            QMessageBox.Icon.Warning,
            "Erase contact details",
            plan.description(),
            QMessageBox.StandardButton.Cancel,
            self,
        )
        erase = box.addButton("Erase them", QMessageBox.ButtonRole.DestructiveRole)
        box.setDefaultButton(QMessageBox.StandardButton.Cancel)
        box.setAccessibleName("Erase contact details")
        box.exec()
        if box.clickedButton() is not erase or self.ops is None:
            return
        today = clock.today()
        self.ops.write(
            self,
            lambda session: erase_contact_details(session, current.id, today),
            lambda done: self.status(done.value.summary()),
            title="Erasing contact details",
        )
