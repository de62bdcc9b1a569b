"""Small dialogs of the survey section: a person's record, opening a round, asking for a reason."""

from __future__ import annotations

from collections.abc import Callable
from datetime import date, timedelta

from PySide6.QtCore import Qt
from PySide6.QtWidgets import (
    QCheckBox,
    QComboBox,
    QDialogButtonBox,
    QFormLayout,
    QLabel,
    QLineEdit,
    QMessageBox,
    QVBoxLayout,
    QWidget,
)

from nbdesk.common import clock
from nbdesk.survey.register import (
    CHANNEL_LABELS,
    CHANNELS,
    FLAG_LABELS,
    Person,
    PersonFields,
    age_band,
    age_on,
)
from nbdesk.ui.date_field import DateField, DateProblem
from nbdesk.ui.dialogs import AsksBeforeDiscarding, ask_text
from nbdesk.ui.survey.fit import FittedDialog, scrolling

# Fields whose values repeat across people: the form offers those already on the register.
SUGGESTED_FIELDS = ("gender", "accommodation", "pa_name", "team")


def ask_reason(parent: QWidget, title: str, prompt: str) -> str | None:
    """A reason typed by the person; None if they cancel or leave it blank."""
    return (ask_text(parent, title, prompt) or "").strip() or None


class PersonDialog(AsksBeforeDiscarding, FittedDialog):
    """Add or edit one person on the register. The service checks the values on saving; the date
    of birth is checked here first, as it is typed."""

    TEXT_FIELDS = (
        ("unique_id", "&Unique id"),
        ("name", "&Name"),
        ("preferred_name", "&Preferred name"),
        ("gender", "&Gender"),
        ("ethnicity", "&Ethnicity"),
        ("accommodation", "&Accommodation type"),
        ("activity", "Acti&vity"),
        ("pa_name", "All&ocated PA"),
        ("team", "&Team"),
        ("phone", "Phone nu&mber"),
        ("email", "Emai&l"),
        ("eligibility_category", "El&igibility category"),
        ("disability", "Disa&bility"),
    )
    # Ages outside these are possible on a register but more often a slip of the keyboard.
    LIKELY_AGES = (10, 30)

    def __init__(
        self,
        person: Person | None,
        parent: QWidget | None = None,
        suggestions: dict[str, list[str]] | None = None,
    ) -> None:
        super().__init__(parent)
        title = "Edit person" if person else "Add a person to the register"
        self.setWindowTitle(title)
        self.setAccessibleName(title)
        body = QWidget()
        form = QFormLayout(body)
        self.edits: dict[str, QLineEdit] = {}
        self.combos: dict[str, QComboBox] = {}
        suggestions = suggestions or {}
        for key, label in self.TEXT_FIELDS:
            value = getattr(person, key) if person else ""
            if key in SUGGESTED_FIELDS:
                # Offer what the register already holds, so one team is not spelled three ways.
                combo = QComboBox()
                combo.setEditable(True)
                combo.setInsertPolicy(QComboBox.InsertPolicy.NoInsert)
                combo.addItems([v for v in suggestions.get(key, []) if v])
                combo.setCurrentIndex(-1)
                combo.setEditText(value)
                if combo.completer():
                    combo.completer().setCaseSensitivity(Qt.CaseSensitivity.CaseInsensitive)
                    combo.completer().setFilterMode(Qt.MatchFlag.MatchContains)
                combo.setAccessibleName(label.replace("&", ""))
                edit = combo.lineEdit()
                edit.setAccessibleName(label.replace("&", ""))
                self.combos[key] = combo
                form.addRow(label + ":", combo)
            else:
                edit = QLineEdit(value)
                edit.setAccessibleName(label.replace("&", ""))
                form.addRow(label + ":", edit)
            self.edits[key] = edit
            if key == "preferred_name":
                born = person.date_of_birth if person else None
                self.birth = DateField(
                    "Date of birth", born, optional=True, past=True, empty_text="not known"
                )
                self.birth.set_limits(
                    latest=clock.today(),
                    too_late="Date of birth: that day has not come yet. Check the year.",
                )
                form.addRow("&Date of birth:", self.birth)
                # The age band the dashboard counts this person in, worked out as it is typed.
                self.age = QLabel()
                self.age.setWordWrap(True)
                self.birth.dateChanged.connect(self._show_age)
                form.addRow("Age today:", self.age)
        self.edits["phone"].setPlaceholderText("07700 900123")
        self.edits["phone"].setToolTip(
            "A mobile number takes texts; a landline is kept for calls only."
        )
        self.channel = QComboBox()
        self.channel.setAccessibleName("Preferred channel")
        self.channel.addItem("Not known", "")
        for code in CHANNELS:
            self.channel.addItem(CHANNEL_LABELS[code], code)
        if person:
            self.channel.setCurrentIndex(max(0, self.channel.findData(person.preferred_channel)))
        form.addRow("Preferred c&hannel:", self.channel)
        self.uasc = QCheckBox("&Was an unaccompanied asylum-seeking child (UASC)")
        self.uasc.setChecked(bool(person and person.uasc))
        form.addRow(self.uasc)
        self.flags: dict[str, QCheckBox] = {}
        for key, label in FLAG_LABELS.items():
            box = QCheckBox(label)
            box.setChecked(bool(person and getattr(person, key)))
            self.flags[key] = box
            form.addRow(box)
        self.reason = QLineEdit(person.do_not_contact_reason if person else "")
        self.reason.setAccessibleName("Reason not to contact")
        self.reason.setPlaceholderText("Say why (needed when ticked)")
        # The reason belongs to the flag: typed only when it is ticked, so none is lost unseen.
        dnc = self.flags["do_not_contact"]
        self.reason.setEnabled(dnc.isChecked())
        dnc.toggled.connect(self.reason.setEnabled)
        dnc.toggled.connect(lambda on: self.reason.setFocus() if on else None)
        form.addRow("&Reason not to contact:", self.reason)
        self.error = QLabel()
        self.error.setWordWrap(True)
        buttons = QDialogButtonBox(
            QDialogButtonBox.StandardButton.Save | QDialogButtonBox.StandardButton.Cancel
        )
        self.save_button = buttons.button(QDialogButtonBox.StandardButton.Save)
        self.save_button.setText("&Save")
        buttons.accepted.connect(self.accept)
        buttons.rejected.connect(self.reject)
        self.keep = person
        self.saving_button = self.save_button  # Esc asks first (AsksBeforeDiscarding)
        # Who saves what the form holds (the register tab, on the worker); without one the
        # dialog just closes with Save and the caller reads fields().
        self.submit: Callable[[PersonFields], None] | None = None
        # A long form scrolls on a small screen or with large type; Save and Cancel stay in view.
        scroll = scrolling(body)
        outer = QVBoxLayout(self)
        outer.addWidget(scroll, 1)
        outer.addWidget(self.error)
        outer.addWidget(buttons)
        # As large as the form asks, within the screen (twice the font on a small laptop).
        self.fit_to_screen(
            body.sizeHint().width() + scroll.verticalScrollBar().sizeHint().width() + 24
        )
        self.birth.dateChanged.connect(self._date_fixed)
        self._show_age()

    def _show_age(self, *_: object) -> None:
        try:
            born = self.birth.value()
        except DateProblem:
            self.age.setText("–")
            return
        if born is None:
            self.age.setText("not known (counted as 'Not recorded')")
            return
        today = clock.today()
        self.age.setText(f"{age_on(born, today)} (age band {age_band(born, today)})")

    def accept(self) -> None:
        """Save only a date of birth the person typed and meant: one that cannot be read or is
        in the future is refused beside the field; an unlikely age is asked about."""
        try:
            born = self.birth.value()
        except DateProblem as exc:
            self.show_problem(str(exc))
            self.birth.setFocus()
            return
        if born is not None:
            age = age_on(born, clock.today())
            low, high = self.LIKELY_AGES
            if not low <= age <= high:
                answer = QMessageBox.question(
                    self,
                    "Check the date of birth",
                    f"A date of birth of {born:%d %B %Y} makes this person {age}. Care leavers "
                    f"are usually 16 to 25. Save it as typed?",
                    QMessageBox.StandardButton.Save | QMessageBox.StandardButton.Cancel,
                    QMessageBox.StandardButton.Cancel,
                )
                if answer != QMessageBox.StandardButton.Save:
                    self.birth.setFocus()
                    self.birth.edit.selectAll()
                    return
        if not self.edits["name"].text().strip():
            # The register, who-next and every list name people by it (a tester saved a blank).
            self.show_problem("Type the person's name: every list shows people by it.")
            self.edits["name"].setFocus()
            return
        if not self._id_change_meant():
            return
        if self.submit is None:
            super().accept()
            return
        # Saved on the worker: the dialog closes once it is, or says why it was not.
        self.error.setText("Saving…")
        self.save_button.setEnabled(False)
        self.submit(self.fields())

    def _id_change_meant(self) -> bool:
        """A changed unique id is asked about: imports match people by it, so a slip (a date
        typed into it) would make the next list add this person again as someone new."""
        before = self.keep.unique_id if self.keep else ""
        now = self.edits["unique_id"].text().strip()
        if not before or now == before:
            return True
        answer = QMessageBox.question(
            self,
            "Change the unique id?",
            f"Change the unique id from {before} to {now}? Register lists are matched to people "
            "by it: a list that still says the old id would add this person again.",
            QMessageBox.StandardButton.Yes | QMessageBox.StandardButton.Cancel,
            QMessageBox.StandardButton.Cancel,
        )
        if answer == QMessageBox.StandardButton.Yes:
            return True
        self.edits["unique_id"].setFocus()
        self.edits["unique_id"].selectAll()
        return False

    def saved(self) -> None:
        super().accept()

    def not_saved(self, exc: Exception) -> None:
        self.save_button.setEnabled(True)
        self.show_problem(str(exc))
        # The register names the field first ("Phone number: …"): the keyboard goes to it.
        fields: dict[str, QWidget] = {
            label.replace("&", ""): self.combos.get(key, self.edits[key])
            for key, label in self.TEXT_FIELDS
        }
        fields |= {"Preferred channel": self.channel, "Do not contact": self.reason}
        named = fields.get(str(exc).split(":", 1)[0])
        if named is not None and named.isEnabled():
            named.setFocus()

    def _date_fixed(self, _day: object) -> None:
        # A problem with the date of birth goes once the date is one nbdesk can use.
        if self.error.text().startswith("⚠ Date of birth") and self.birth.is_acceptable():
            self.error.clear()

    def fields(self) -> PersonFields:
        return PersonFields(
            **{k: e.text() for k, e in self.edits.items()},
            date_of_birth=self.birth.value(),
            preferred_channel=self.channel.currentData(),
            uasc=self.uasc.isChecked(),
            **{k: b.isChecked() for k, b in self.flags.items()},
            do_not_contact_reason=self.reason.text(),
        )

    def show_problem(self, text: str) -> None:
        self.error.setText(f"⚠ {text}")


class OpenRoundDialog(FittedDialog):
    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setWindowTitle("Open a survey round")
        self.setAccessibleName("Open a survey round")
        form = QFormLayout(self)
        self.name = QLineEdit()
        self.name.setAccessibleName("Round name")
        self.name.setPlaceholderText("e.g. Time 2 survey 2026")
        self.opens = DateField("Opens on", clock.today())
        self.closes = DateField("Closes on", clock.today() + timedelta(days=42))
        form.addRow("&Name:", self.name)
        form.addRow("&Opens on:", self.opens)
        form.addRow("&Closes on:", self.closes)
        note = QLabel(
            "Opening a round fixes who it counts: everyone on the register aged 16 to 25 on the "
            "opening day (and anyone whose date of birth is not recorded). You can count in or "
            "leave out people afterwards, with a reason."
        )
        note.setWordWrap(True)
        form.addRow(note)
        self.problem = QLabel()
        self.problem.setWordWrap(True)
        form.addRow(self.problem)
        buttons = QDialogButtonBox(
            QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel
        )
        self.ok_button = buttons.button(QDialogButtonBox.StandardButton.Ok)
        self.ok_button.setText("Open the &round")
        # Who opens the round (the section, on the worker); without one, Ok just closes.
        self.submit: Callable[[str, date, date], None] | None = None
        # Wide enough that the note reads as a paragraph, not a column of words; taller when a
        # problem with a date is said in more lines.
        self.setMinimumWidth(self.fontMetrics().averageCharWidth() * 60)
        self.fit_to_screen()
        buttons.accepted.connect(self.accept)
        buttons.rejected.connect(self.reject)
        form.addRow(buttons)

    def accept(self) -> None:
        for field in (self.opens, self.closes):
            try:
                field.date()  # a date it cannot use is shown beside the field
            except DateProblem:
                field.setFocus()
                return
        if self.closes.date() < self.opens.date():
            self.problem.setText("⚠ Closes on: the round cannot close before it opens.")
            self.closes.setFocus()
            return
        if self.submit is None:
            super().accept()
            return
        self.problem.setText("Opening the round…")
        self.ok_button.setEnabled(False)
        self.submit(self.name.text(), *self.dates())

    def saved(self) -> None:
        super().accept()

    def not_saved(self, exc: Exception) -> None:
        self.ok_button.setEnabled(True)
        self.problem.setText(f"⚠ {exc}")

    def dates(self) -> tuple[date, date]:
        return self.opens.date(), self.closes.date()
