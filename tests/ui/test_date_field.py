"""Typed dates (issue: the first hour, item 1): every date field reads what UK staff type, says
what it understood, refuses what it cannot read beside itself, and never gives a date that was not
typed. Each accepted form is typed key by key into every date field of the app, on days of the
month before and after the (fixed) day the test runs on."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from datetime import date
from pathlib import Path

import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QAbstractItemView, QApplication, QMessageBox, QWidget

from nbdesk.storage import Database, create_database
from nbdesk.survey.register import PersonFields, add_person
from nbdesk.survey.rounds import open_round
from tests.support.qt import settle


def forms(day: date) -> list[str]:
    """The ways a UK member of staff writes a day."""
    return [
        f"{day:%d/%m/%Y}",  # 25/06/2005
        f"{day.day}/{day.month}/{day:%y}",  # 25/6/05
        f"{day:%d-%m-%Y}",  # 25-06-2005
        f"{day:%Y-%m-%d}",  # 2005-06-25
        f"{day.day} {day:%b %Y}",  # 25 Jun 2005
    ]


def spelled(day: date) -> str:
    return f"{day:%A} {day.day} {day:%B %Y}"


def shown(qtbot, window: QWidget) -> None:
    """Show a window and give it the keyboard, as the window system would."""
    window.show()
    qtbot.waitExposed(window)
    window.activateWindow()
    qtbot.waitUntil(lambda: QApplication.activeWindow() is window, timeout=5000)


def type_into(qtbot, field, text: str) -> None:
    """Clear the field and type `text` a key at a time, then leave it with Tab."""
    field.edit.setFocus()
    field.edit.selectAll()
    qtbot.keyClick(field.edit, Qt.Key.Key_Backspace)
    assert field.edit.text() == ""
    qtbot.keyClicks(field.edit, text)
    qtbot.keyClick(field.edit, Qt.Key.Key_Tab)


@pytest.fixture
def db(tmp_path: Path) -> Iterator[Database]:
    path = tmp_path / "dates.nbdesk"
    database = create_database(path, "Testshire")
    with database.transaction() as session:
        # No date of birth recorded: counted in the round, so the contact form can show her.
        add_person(session, PersonFields("D1", name="Dee Trumpington"))
        add_person(session, PersonFields("Z2", name="Zed Ormsby"))  # listed after her
        open_round(session, "Time 2", date(2026, 1, 10), date(2026, 3, 1))
    yield database
    database.close()


def person_birth(qtbot, db: Database) -> tuple[QWidget, object]:
    from nbdesk.ui.survey.dialogs import PersonDialog

    dialog = PersonDialog(None)
    return dialog, dialog.birth


def round_opens(qtbot, db: Database) -> tuple[QWidget, object]:
    from nbdesk.ui.survey.dialogs import OpenRoundDialog

    dialog = OpenRoundDialog()
    return dialog, dialog.opens


def round_closes(qtbot, db: Database) -> tuple[QWidget, object]:
    from nbdesk.ui.survey.dialogs import OpenRoundDialog

    dialog = OpenRoundDialog()
    return dialog, dialog.closes


def assessment_date(qtbot, db: Database) -> tuple[QWidget, object]:
    from nbdesk.ui.ops import Ops
    from nbdesk.ui.self_assessment.new_assessment import NewAssessmentDialog

    dialog = NewAssessmentDialog(Ops(db), [])
    return dialog, dialog.held_on


def _contact_panel(qtbot, db: Database):
    from nbdesk.ui.ops import Ops
    from nbdesk.ui.survey.section import SurveySection

    section = SurveySection()
    section.set_ops(Ops(db))
    section.tabs.setCurrentWidget(section.contacts_tab)
    settle(qtbot)
    tab = section.contacts_tab
    tab.view.selectRow(0)
    assert tab.panel.person is not None and tab.panel.person.unique_id == "D1"
    return section, tab.panel


def contact_date(qtbot, db: Database) -> tuple[QWidget, object]:
    section, panel = _contact_panel(qtbot, db)
    return section, panel.contacted_on


def completion_date(qtbot, db: Database) -> tuple[QWidget, object]:
    section, panel = _contact_panel(qtbot, db)
    return section, panel.confirmed_on


# (the field, and days to type into it: one before and one after the 18th, the fixed clock's day)
FIELDS: list[tuple[Callable[..., tuple[QWidget, object]], list[date]]] = [
    (person_birth, [date(2005, 6, 25), date(2006, 4, 3)]),
    (round_opens, [date(2026, 11, 25), date(2026, 12, 3)]),
    (round_closes, [date(2027, 1, 29), date(2026, 12, 7)]),
    (assessment_date, [date(2026, 10, 28), date(2026, 11, 2)]),
    (contact_date, [date(2026, 10, 25), date(2026, 11, 3)]),
    (completion_date, [date(2026, 9, 30), date(2026, 2, 14)]),
]


@pytest.mark.parametrize(("make", "days"), FIELDS, ids=[f.__name__ for f, _ in FIELDS])
def test_every_accepted_form_typed_into_every_date_field(qtbot, db: Database, make, days) -> None:
    window, field = make(qtbot, db)
    qtbot.addWidget(window)
    shown(qtbot, window)
    for day in days:
        for text in forms(day):
            type_into(qtbot, field, text)
            assert field.value() == day, text
            # What it understood is said beside it, and the box then shows it unambiguously.
            assert field.feedback.text() == spelled(day), text
            assert field.edit.text() == f"{day:%d %b %Y}"


@pytest.mark.parametrize("today", [date(2027, 3, 1), date(2028, 2, 29), date(2031, 1, 1)])
def test_dates_of_birth_typed_on_other_days(qtbot, clock, today: date) -> None:
    """The defect that dropped people as 'aged 0' depended on the day: type a birthday whose day
    and month are after today's and before it, on several days."""
    from nbdesk.ui.survey.dialogs import PersonDialog

    clock.set(today)
    dialog = PersonDialog(None)
    qtbot.addWidget(dialog)
    shown(qtbot, dialog)
    for day in (date(today.year - 19, 12, 31), date(today.year - 19, 1, 1), date(2005, 6, 25)):
        for text in forms(day):
            type_into(qtbot, dialog.birth, text)
            assert dialog.birth.value() == day, text
        age = today.year - day.year - ((today.month, today.day) < (day.month, day.day))
        assert dialog.age.text().startswith(f"{age} (age band"), dialog.age.text()


def test_a_date_it_cannot_read_is_refused_beside_the_field_and_never_saved(qtbot) -> None:
    from nbdesk.ui.date_field import DateProblem
    from nbdesk.ui.survey.dialogs import PersonDialog

    dialog = PersonDialog(None)
    qtbot.addWidget(dialog)
    shown(qtbot, dialog)
    for text, why in (
        ("31/02/2006", "is not a real date"),
        ("25/13/2005", "is not a real date"),
        ("yesterday", "is not a date nbdesk can read"),
        ("06/25/2005", "is not a real date"),  # month first, as in the US: refused, not guessed
        ("39175", "is not a date nbdesk can read"),  # a serial number is not typed by people
    ):
        type_into(qtbot, dialog.birth, text)
        assert dialog.birth.feedback.text().startswith("⚠") and why in dialog.birth.feedback.text()
        assert dialog.birth.edit.text() == text  # left as typed, for the person to correct
        with pytest.raises(DateProblem):
            dialog.birth.value()
        assert dialog.age.text() == "–"


def test_a_future_date_of_birth_is_refused_with_a_clear_message(
    qtbot, section_with_person_dialog
) -> None:
    dialog, saved = section_with_person_dialog
    assert saved == []  # Save was pressed, nothing was saved
    assert "has not come yet" in dialog.birth.feedback.text()
    assert "has not come yet" in dialog.error.text()


@pytest.fixture
def section_with_person_dialog(qtbot, monkeypatch: pytest.MonkeyPatch):
    from nbdesk.ui.survey.dialogs import PersonDialog

    dialog = PersonDialog(None)
    qtbot.addWidget(dialog)
    shown(qtbot, dialog)
    qtbot.keyClicks(dialog.edits["unique_id"], "F1")
    type_into(qtbot, dialog.birth, "25/06/2027")  # the fixed clock's today is 18/11/2026
    saved: list[object] = []
    dialog.accepted.connect(lambda: saved.append(dialog.fields()))
    dialog.edits["unique_id"].setFocus()
    qtbot.keyClick(dialog.edits["unique_id"], Qt.Key.Key_Return)  # Save is the default button
    return dialog, saved


@pytest.mark.parametrize(
    ("typed", "answer", "saved"), [("1/1/2020", "Save", True), ("1/1/1980", "Cancel", False)]
)
def test_an_unlikely_age_is_asked_about(
    qtbot, monkeypatch: pytest.MonkeyPatch, typed: str, answer: str, saved: bool
) -> None:
    from nbdesk.ui.survey.dialogs import PersonDialog

    asked: list[str] = []

    def question(parent, title, text, buttons, default):
        asked.append(text)
        return getattr(QMessageBox.StandardButton, answer)

    monkeypatch.setattr(QMessageBox, "question", question)
    dialog = PersonDialog(None)
    qtbot.addWidget(dialog)
    shown(qtbot, dialog)
    qtbot.keyClicks(dialog.edits["unique_id"], "Y1")
    qtbot.keyClicks(dialog.edits["name"], "Yan Orrell")
    type_into(qtbot, dialog.birth, typed)
    dialog.edits["unique_id"].setFocus()
    qtbot.keyClick(dialog.edits["unique_id"], Qt.Key.Key_Return)
    assert len(asked) == 1 and "makes this person" in asked[0]
    assert (dialog.result() == dialog.DialogCode.Accepted) is saved
    if not saved:
        assert QApplication.focusWidget() is dialog.birth.edit


def test_an_empty_date_of_birth_means_not_known(qtbot) -> None:
    from nbdesk.ui.survey.dialogs import PersonDialog

    dialog = PersonDialog(None)
    qtbot.addWidget(dialog)
    shown(qtbot, dialog)
    qtbot.keyClicks(dialog.edits["unique_id"], "E1")
    assert dialog.birth.value() is None and dialog.birth.feedback.text() == "Not known"
    assert dialog.age.text().startswith("not known")
    assert dialog.fields().date_of_birth is None


def test_keys_and_the_calendar_change_the_date(qtbot) -> None:
    from nbdesk.ui.date_field import DateField

    field = DateField("Opens on", date(2026, 1, 31))
    qtbot.addWidget(field)
    shown(qtbot, field)
    field.edit.setFocus()
    qtbot.keyClick(field.edit, Qt.Key.Key_Up)
    assert field.value() == date(2026, 2, 1)
    qtbot.keyClick(field.edit, Qt.Key.Key_PageUp)
    assert field.value() == date(2026, 3, 1)
    qtbot.keyClick(field.edit, Qt.Key.Key_Down)
    assert field.value() == date(2026, 2, 28)
    qtbot.keyClick(field.edit, Qt.Key.Key_Down, Qt.KeyboardModifier.AltModifier)
    calendar = field._calendar
    assert calendar.isVisible() and calendar.selectedDate().toPython() == date(2026, 2, 28)
    days = calendar.findChild(QAbstractItemView)  # the grid of days takes the keys
    qtbot.keyClick(days, Qt.Key.Key_Right)
    qtbot.keyClick(days, Qt.Key.Key_Return)
    assert not calendar.isVisible()
    assert field.value() == date(2026, 3, 1)


def test_a_required_date_left_empty_is_refused(qtbot) -> None:
    from nbdesk.ui.date_field import DateField, DateProblem

    field = DateField("Contact date", date(2026, 11, 18))
    qtbot.addWidget(field)
    shown(qtbot, field)
    type_into(qtbot, field, "")
    with pytest.raises(DateProblem, match="type a date"):
        field.value()
    assert field.feedback.text().startswith("⚠ Contact date: type a date")


# Every date field whose label has an Alt key (the completion's "Day:" has none: Survey outreach
# has no letter left for it, and Tab reaches it from "Confirmed by").
WITH_KEYS = [f for f, _ in FIELDS if f is not completion_date]


@pytest.mark.parametrize("make", WITH_KEYS, ids=[f.__name__ for f in WITH_KEYS])
def test_the_label_s_alt_key_takes_the_typing_to_the_date(qtbot, db: Database, make) -> None:
    """Alt and the label's underlined letter reach the date's box from anywhere in the form. A
    tester's Alt+D in Edit person left the keyboard in Unique id, and the date typed next went
    into the id; the contact form's Alt+T put the date into Channel."""
    from PySide6.QtWidgets import QLabel

    window, field = make(qtbot, db)
    qtbot.addWidget(window)
    shown(qtbot, window)
    [label] = [w for w in window.findChildren(QLabel) if w.buddy() is field]
    letter = label.text()[label.text().index("&") + 1]
    others = [
        w
        for w in window.findChildren(QWidget)
        if w.focusPolicy() & Qt.FocusPolicy.TabFocus
        and w.isVisible()
        and w.isEnabled()
        and w is not field.edit
        and not field.isAncestorOf(w)
        and w is not field
    ]
    others[0].setFocus()
    qtbot.waitUntil(lambda: QApplication.focusWidget() is others[0], timeout=5000)
    before = {id(w): w.text() for w in others if hasattr(w, "text") and callable(w.text)}
    qtbot.keyClick(others[0], Qt.Key(ord(letter.upper())), Qt.KeyboardModifier.AltModifier)
    assert QApplication.focusWidget() is field.edit, (label.text(), QApplication.focusWidget())
    qtbot.keyClicks(QApplication.focusWidget(), "1/2/2026")
    assert field.edit.text() == "1/2/2026"
    assert {id(w): w.text() for w in others if id(w) in before} == before


@pytest.mark.parametrize(
    ("make", "key", "said"),
    [
        (contact_date, Qt.Key.Key_Return, "Contact not saved: "),
        (completion_date, Qt.Key.Key_K, "Completion not recorded: "),
    ],
    ids=["contact", "completion"],
)
def test_a_save_refused_for_its_date_says_why_on_the_message_line(
    qtbot, db: Database, make, key: Qt.Key, said: str
) -> None:
    """Ctrl+Enter (or Ctrl+K) with a date that is not real: the section's message line says so
    (the line under the date can be out of sight at twice the font), and nothing is saved."""
    from nbdesk.survey.completion import round_completions
    from nbdesk.survey.contacts import contact_history
    from nbdesk.survey.register import find_person
    from nbdesk.survey.rounds import find_round

    section, field = make(qtbot, db)
    qtbot.addWidget(section)
    shown(qtbot, section)
    section.status("Contact saved. Next: Dee")  # what the last save said
    type_into(qtbot, field, "31/02/2026")
    qtbot.keyClick(field.edit, key, Qt.KeyboardModifier.ControlModifier)
    settle(qtbot)
    assert section.message.text().startswith(said), section.message.text()
    assert "is not a real date" in section.message.text()
    assert QApplication.focusWidget() is field.edit
    # Another person chosen: the refusal, about the one left, goes from the message line.
    tab = section.contacts_tab
    tab.view.selectRow(1)
    assert tab.panel.person is not None and tab.panel.person.unique_id != "D1"
    assert "is not a real date" not in section.message.text()
    section.ops.close()
    reopened = Database(db.location)
    with reopened.session() as session:
        assert contact_history(session, find_person(session, "D1").id) == []
        assert round_completions(session, find_round(session, "Time 2").id) == {}
    reopened.close()
