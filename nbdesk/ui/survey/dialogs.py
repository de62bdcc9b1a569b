"""Small dialogs of the survey section: a person's record, opening a round, asking for a reason."""

from __future__ import annotations

from datetime import date

from PySide6.QtCore import QDate
from PySide6.QtWidgets import (
    QCheckBox,
    QComboBox,
    QDateEdit,
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QInputDialog,
    QLabel,
    QLineEdit,
    QWidget,
)

from nbdesk.register import (
    CHANNEL_LABELS,
    CHANNELS,
    FLAG_LABELS,
    Person,
    PersonFields,
    age_band,
    age_on,
)


def to_date(value: QDate) -> date:
    return date(value.year(), value.month(), value.day())


def to_qdate(value: date) -> QDate:
    return QDate(value.year, value.month, value.day)


def date_edit(accessible: str, value: date | None = None) -> QDateEdit:
    edit = QDateEdit(to_qdate(value or date.today()))
    edit.setCalendarPopup(True)
    edit.setDisplayFormat("dd MMM yyyy")
    edit.setAccessibleName(accessible)
    return edit


def ask_reason(parent: QWidget, title: str, prompt: str) -> str | None:
    """A reason typed by the person; None if they cancel or leave it blank."""
    dialog = QInputDialog(parent)
    dialog.setWindowTitle(title)
    dialog.setLabelText(prompt)
    dialog.setAccessibleName(title)
    dialog.setInputMode(QInputDialog.InputMode.TextInput)
    if dialog.exec() != QDialog.DialogCode.Accepted:
        return None
    text = dialog.textValue().strip()
    return text or None


class PersonDialog(QDialog):
    """Add or edit one person on the register. The service checks the values on saving."""

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
        ("phone", "&Mobile number"),
        ("email", "Emai&l"),
        ("eligibility_category", "El&igibility category"),
        ("disability", "Disa&bility"),
    )

    def __init__(self, person: Person | None, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        title = "Edit person" if person else "Add a person to the register"
        self.setWindowTitle(title)
        self.setAccessibleName(title)
        form = QFormLayout(self)
        self.edits: dict[str, QLineEdit] = {}
        for key, label in self.TEXT_FIELDS:
            edit = QLineEdit(getattr(person, key) if person else "")
            edit.setAccessibleName(label.replace("&", ""))
            self.edits[key] = edit
            form.addRow(label + ":", edit)
            if key == "preferred_name":
                self.has_birth = QCheckBox("&Date of birth known")
                self.has_birth.setAccessibleName("Date of birth known")
                self.birth = date_edit("Date of birth", person.date_of_birth if person else None)
                self.birth.setMaximumDate(to_qdate(date.today()))
                self.has_birth.setChecked(bool(person and person.date_of_birth))
                self.birth.setEnabled(self.has_birth.isChecked())
                self.has_birth.toggled.connect(self.birth.setEnabled)
                form.addRow(self.has_birth, self.birth)
                # The age band the dashboard counts this person in, worked out as it is typed.
                self.age = QLabel()
                self.age.setAccessibleName("Age today")
                self.has_birth.toggled.connect(self._show_age)
                self.birth.dateChanged.connect(self._show_age)
                form.addRow("Age today:", self.age)
        self.edits["phone"].setPlaceholderText("07700 900123")
        self.channel = QComboBox()
        self.channel.setAccessibleName("Preferred channel")
        self.channel.addItem("Not known", "")
        for code in CHANNELS:
            self.channel.addItem(CHANNEL_LABELS[code], code)
        if person:
            self.channel.setCurrentIndex(max(0, self.channel.findData(person.preferred_channel)))
        form.addRow("Preferred c&hannel:", self.channel)
        self.uasc = QCheckBox("&Was an unaccompanied asylum-seeking child (UASC)")
        self.uasc.setAccessibleName("UASC")
        self.uasc.setChecked(bool(person and person.uasc))
        form.addRow(self.uasc)
        self.flags: dict[str, QCheckBox] = {}
        for key, label in FLAG_LABELS.items():
            box = QCheckBox(label)
            box.setAccessibleName(label)
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
        self.error.setAccessibleName("Problem")
        form.addRow(self.error)
        buttons = QDialogButtonBox(
            QDialogButtonBox.StandardButton.Save | QDialogButtonBox.StandardButton.Cancel
        )
        buttons.accepted.connect(self.accept)
        buttons.rejected.connect(self.reject)
        form.addRow(buttons)
        self.keep = person
        self._show_age()

    def _show_age(self, *_: object) -> None:
        if not self.has_birth.isChecked():
            self.age.setText("not known (counted as 'Not recorded')")
            return
        born, today = to_date(self.birth.date()), date.today()
        self.age.setText(f"{age_on(born, today)} (age band {age_band(born, today)})")

    def fields(self) -> PersonFields:
        return PersonFields(
            **{k: e.text() for k, e in self.edits.items()},
            date_of_birth=to_date(self.birth.date()) if self.has_birth.isChecked() else None,
            preferred_channel=self.channel.currentData(),
            uasc=self.uasc.isChecked(),
            **{k: b.isChecked() for k, b in self.flags.items()},
            do_not_contact_reason=self.reason.text(),
        )

    def show_problem(self, text: str) -> None:
        self.error.setText(f"⚠ {text}")


class OpenRoundDialog(QDialog):
    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setWindowTitle("Open a survey round")
        self.setAccessibleName("Open a survey round")
        form = QFormLayout(self)
        self.name = QLineEdit()
        self.name.setAccessibleName("Round name")
        self.name.setPlaceholderText("e.g. Time 2 survey 2026")
        self.opens = date_edit("Opens on")
        self.closes = date_edit("Closes on", date.today().replace(day=1))
        self.closes.setDate(self.opens.date().addDays(42))
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
        buttons = QDialogButtonBox(
            QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel
        )
        buttons.button(QDialogButtonBox.StandardButton.Ok).setText("Open the &round")
        # Wide enough that the note reads as a paragraph, not a column of words.
        self.setMinimumWidth(self.fontMetrics().averageCharWidth() * 60)
        buttons.accepted.connect(self.accept)
        buttons.rejected.connect(self.reject)
        form.addRow(buttons)
