"""The Action plan's forms: Esc on a form half filled in asks before letting it go."""

from __future__ import annotations

from PySide6.QtCore import Qt, QTimer
from PySide6.QtWidgets import QApplication, QMessageBox

from nbdesk.ui.action_plan.dialogs import ActionDialog

OWNERS = [(1, "Housing", "team")]


def answer_the_question(qtbot, choose: str, asked: list[str]) -> None:  # type: ignore[no-untyped-def]
    """Press `choose` on the question about to open (a modal box runs its own event loop)."""
    tries = [0]

    def act() -> None:
        box = QApplication.activeModalWidget()
        if not isinstance(box, QMessageBox):
            tries[0] += 1
            assert tries[0] < 500, "no question was asked"
            QTimer.singleShot(10, act)
            return
        asked.append(box.text())
        button = next(b for b in box.buttons() if b.text().replace("&", "") == choose)
        qtbot.mouseClick(button, Qt.MouseButton.LeftButton)

    QTimer.singleShot(0, act)


def test_esc_on_a_new_action_with_text_typed_asks_before_discarding_it(qtbot) -> None:  # type: ignore[no-untyped-def]
    """A tester pressed Esc in New action and lost what was typed, with no question."""
    dialog = ActionDialog("Housing", OWNERS)
    qtbot.addWidget(dialog)
    dialog.show()
    qtbot.waitExposed(dialog)
    dialog.we_will.setFocus()
    qtbot.keyClicks(dialog.we_will, "Find more supported lodgings")
    asked: list[str] = []
    answer_the_question(qtbot, "Keep editing", asked)
    qtbot.keyClick(dialog.we_will, Qt.Key.Key_Escape)
    assert asked and "will be lost" in asked[0]
    assert dialog.isVisible() and dialog.we_will.toPlainText() == "Find more supported lodgings"
    answer_the_question(qtbot, "Discard", asked)
    qtbot.keyClick(dialog.we_will, Qt.Key.Key_Escape)
    assert len(asked) == 2 and not dialog.isVisible()


def test_esc_on_a_form_left_as_it_opened_closes_it_at_once(qtbot) -> None:  # type: ignore[no-untyped-def]
    dialog = ActionDialog("Housing", OWNERS)
    qtbot.addWidget(dialog)
    dialog.show()
    qtbot.waitExposed(dialog)
    qtbot.keyClick(dialog, Qt.Key.Key_Escape)
    assert not dialog.isVisible()


def test_a_problem_said_goes_once_the_form_is_changed(qtbot) -> None:  # type: ignore[no-untyped-def]
    """A tester read "Say what the authority will do" as still standing after filling it in."""
    dialog = ActionDialog("Housing", OWNERS)
    qtbot.addWidget(dialog)
    dialog.show()
    qtbot.waitExposed(dialog)
    qtbot.mouseClick(dialog.ok_button, Qt.MouseButton.LeftButton)
    assert dialog.problem.text().startswith("⚠") and dialog.isVisible()
    dialog.we_will.setFocus()
    qtbot.keyClicks(dialog.we_will, "F")
    assert dialog.problem.text() == ""
    dialog.we_will.clear()
    qtbot.mouseClick(dialog.ok_button, Qt.MouseButton.LeftButton)
    assert dialog.problem.text().startswith("⚠")  # OK says it again while it stands
    dialog.owner.setCurrentIndex(1)
    assert dialog.problem.text() == ""
