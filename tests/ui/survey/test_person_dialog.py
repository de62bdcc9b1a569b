"""Edit person: a changed unique id is asked about before it is saved (imports match people by
it), on a real file reopened afterwards."""

from __future__ import annotations

from pathlib import Path

import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QMessageBox

from nbdesk.storage import Database, create_database
from nbdesk.survey.register import PersonFields, add_person, find_person


@pytest.mark.parametrize(("reply", "kept"), [("Cancel", "DEMO00011"), ("Yes", "DEMO00011X")])
def test_a_changed_unique_id_is_asked_about(
    qtbot, monkeypatch: pytest.MonkeyPatch, tmp_path: Path, reply: str, kept: str
) -> None:
    from nbdesk.ui.survey.dialogs import PersonDialog

    path = tmp_path / "ids.nbdesk"
    db = create_database(path, "Testshire")
    with db.transaction() as session:
        add_person(session, PersonFields("DEMO00011", name="Pip Larkspur"))
    with db.session() as session:
        person = find_person(session, "DEMO00011")
    asked: list[str] = []

    def question(parent, title, text, buttons, default):  # type: ignore[no-untyped-def]
        asked.append(text)
        return getattr(QMessageBox.StandardButton, reply)

    monkeypatch.setattr(QMessageBox, "question", question)
    dialog = PersonDialog(person)
    qtbot.addWidget(dialog)

    def save(fields: PersonFields) -> None:
        from nbdesk.survey.register import update_person

        with db.transaction() as session:
            update_person(session, person.id, fields)
        dialog.saved()

    dialog.submit = save
    dialog.show()
    qtbot.waitExposed(dialog)
    unique_id = dialog.edits["unique_id"]
    unique_id.setFocus()
    qtbot.keyClick(unique_id, Qt.Key.Key_End)
    qtbot.keyClicks(unique_id, "X")
    qtbot.keyClick(unique_id, Qt.Key.Key_Return)
    assert len(asked) == 1 and "from DEMO00011 to DEMO00011X" in asked[0]
    if reply == "Cancel":
        assert dialog.isVisible() and dialog.focusWidget() is unique_id
        import nbdesk.ui.dialogs as shared

        monkeypatch.setattr(shared, "discard_what_was_typed", lambda _parent: True)
        dialog.reject()  # Esc, and Discard what was typed
    else:
        assert dialog.result() == dialog.DialogCode.Accepted
    db.close()
    reopened = Database(path)
    with reopened.session() as session:
        assert find_person(session, kept).name == "Pip Larkspur"
    reopened.close()


def test_a_person_is_not_saved_without_a_name(qtbot, tmp_path: Path) -> None:
    """A tester saved a person with a blank name: a nameless line on every list."""
    from nbdesk.ui.survey.dialogs import PersonDialog

    dialog = PersonDialog(None)
    qtbot.addWidget(dialog)
    saved: list[PersonFields] = []
    dialog.submit = saved.append
    dialog.show()
    qtbot.waitExposed(dialog)
    qtbot.keyClicks(dialog.edits["unique_id"], "A2")
    qtbot.keyClicks(dialog.edits["name"], "   ")
    qtbot.keyClick(dialog.edits["name"], Qt.Key.Key_Return)
    assert not saved and dialog.isVisible()
    assert dialog.error.text() == "⚠ Type the person's name: every list shows people by it."
    assert dialog.focusWidget() is dialog.edits["name"]
    qtbot.keyClicks(dialog.edits["name"], "Ada Fenwick")
    qtbot.keyClick(dialog.edits["name"], Qt.Key.Key_Return)
    assert [f.name.strip() for f in saved] == ["Ada Fenwick"]


def test_an_unchanged_unique_id_is_not_asked_about(
    qtbot, monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    from nbdesk.ui.survey.dialogs import PersonDialog

    db = create_database(tmp_path / "ids.nbdesk", "Testshire")
    with db.transaction() as session:
        add_person(session, PersonFields("A1", name="Pip Larkspur"))
    with db.session() as session:
        person = find_person(session, "A1")
    db.close()
    monkeypatch.setattr(QMessageBox, "question", lambda *a: pytest.fail("asked"))
    dialog = PersonDialog(person)
    qtbot.addWidget(dialog)
    dialog.show()
    qtbot.waitExposed(dialog)
    qtbot.keyClicks(dialog.edits["name"], " Jones")
    qtbot.keyClick(dialog.edits["name"], Qt.Key.Key_Return)
    assert dialog.result() == dialog.DialogCode.Accepted


def test_a_refused_field_takes_the_keyboard(qtbot, tmp_path: Path) -> None:
    """A tester's phone number was refused on Save with the keyboard left where it was: the
    register names the field, and the keyboard goes to it."""
    from nbdesk.ui.survey.dialogs import PersonDialog

    db = create_database(tmp_path / "ids.nbdesk", "Testshire")
    dialog = PersonDialog(None)
    qtbot.addWidget(dialog)

    def save(fields: PersonFields) -> None:
        try:
            with db.transaction() as session:
                add_person(session, fields)
        except ValueError as exc:
            dialog.not_saved(exc)

    dialog.submit = save
    dialog.show()
    qtbot.waitExposed(dialog)
    qtbot.keyClicks(dialog.edits["unique_id"], "P1")
    qtbot.keyClicks(dialog.edits["phone"], "12345")
    qtbot.keyClicks(dialog.edits["name"], "Pat Ormsby")
    qtbot.keyClick(dialog.edits["name"], Qt.Key.Key_Return)
    assert dialog.error.text().startswith("⚠ Phone number: '12345'")
    assert dialog.focusWidget() is dialog.edits["phone"] and dialog.isVisible()
    db.close()


@pytest.mark.parametrize("discard", [False, True])
def test_esc_asks_before_losing_what_was_typed(
    qtbot, monkeypatch: pytest.MonkeyPatch, discard: bool
) -> None:
    """A tester's Esc in Edit person threw away a changed date of birth without a word."""
    import nbdesk.ui.dialogs as shared
    from nbdesk.ui.survey.dialogs import PersonDialog

    asked: list[bool] = []

    def ask(_parent: object) -> bool:
        asked.append(True)
        return discard

    monkeypatch.setattr(shared, "discard_what_was_typed", ask)
    untouched = PersonDialog(None)
    qtbot.addWidget(untouched)
    untouched.show()
    qtbot.waitExposed(untouched)
    qtbot.keyClick(untouched.edits["unique_id"], Qt.Key.Key_Escape)
    assert not asked and not untouched.isVisible()  # nothing typed: Esc just closes

    dialog = PersonDialog(None)
    qtbot.addWidget(dialog)
    dialog.show()
    qtbot.waitExposed(dialog)
    qtbot.keyClicks(dialog.birth.edit, "5/6/2004")
    qtbot.keyClick(dialog.birth.edit, Qt.Key.Key_Escape)
    assert asked == [True]
    assert dialog.isVisible() is not discard
    if not discard:
        assert dialog.birth.edit.text() == "5/6/2004"
