"""What young people said, from the Action plan section, by keyboard on the demonstration file
(which holds findings and priorities): Ctrl+K cites one for the chosen action, Ctrl+G lists what
no action answers and starts an action answering one, Shared back… records that the plan went
out; then the file is reopened to find all of it."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from PySide6.QtCore import Qt

from nbdesk.action_plan.plans import list_plans
from nbdesk.action_plan.views import read_plan
from nbdesk.feedback.telling_back import list_feedback
from nbdesk.storage import Database
from nbdesk.ui.action_plan.dialogs import OwnerDialog
from tests.support.qt import settle
from tests.ui.action_plan.test_plan_section import ALT, CTRL, answer, key, open_section

pytestmark = pytest.mark.usefixtures("patient")


def test_citing_answering_and_sharing_back(qtbot, demo_file: Path) -> None:  # type: ignore[no-untyped-def]
    from nbdesk.ui.action_plan.voices import CiteVoiceDialog, SharedBackDialog, UnansweredDialog

    db = Database(demo_file)
    section = open_section(qtbot, db)
    assert section.plan is not None
    plan_id = section.plan.summary.id
    first = section.plan.actions[0]
    before = len(first.citations)
    section.table.setFocus()
    section.table.setCurrentIndex(section.model.index_of_action(first.id))

    def cite(dialog: Any) -> None:
        assert isinstance(dialog, CiteVoiceDialog) and dialog.choice.count() > 0
        dialog.choice.setFocus()
        qtbot.keyClick(dialog.choice, Qt.Key.Key_End)  # the last: a priority theme
        qtbot.keyClick(dialog.choice, Qt.Key.Key_Return)

    answer(qtbot, cite)
    key(qtbot, Qt.Key.Key_K, CTRL)
    settle(qtbot)
    kinds = {c.kind for c in plan(db, plan_id).actions[0].citations}  # while `db` is open
    assert len(plan(db, plan_id).actions[0].citations) == before + 1 and "priority" in kinds

    chosen: dict[str, str] = {}

    def gaps(dialog: Any) -> None:
        assert isinstance(dialog, UnansweredDialog) and dialog.new_button.isEnabled()
        item = dialog.list.currentItem()
        chosen["label"] = item.text()

        def new_action(action_dialog: Any) -> None:
            # The theme is chosen here: the last one, whatever row was chosen in the table.
            assert action_dialog.theme is not None
            action_dialog.theme.setFocus()
            qtbot.keyClick(action_dialog.theme, Qt.Key.Key_End)
            qtbot.keyClicks(action_dialog.we_will, "Answer it")

            # An owner not on the list, added with it (New owner…, Alt+N).
            def youth_forum(owner: Any) -> None:
                qtbot.keyClicks(owner.name, "Youth forum")
                qtbot.keyClick(owner.name, Qt.Key.Key_Return)

            answer(qtbot, youth_forum, kind=OwnerDialog)
            qtbot.keyClick(action_dialog.we_will, Qt.Key.Key_N, ALT)
            qtbot.waitUntil(lambda: action_dialog.owner.currentText().startswith("Youth forum"))
            qtbot.keyClick(action_dialog.ok_button, Qt.Key.Key_Space)

        answer(qtbot, new_action)
        qtbot.keyClick(dialog.list, Qt.Key.Key_Return)

    answer(qtbot, gaps)
    key(qtbot, Qt.Key.Key_G, CTRL)
    settle(qtbot)
    added = next(a for a in plan(db, plan_id).actions if a.we_will == "Answer it")
    assert added.theme_id == plan(db, plan_id).themes[-1].id
    assert len(added.citations) == 1 and added.citations[0].kind in ("finding", "priority")
    # "You said" is left for young people's own words: the citation says what it answers.
    assert added.you_said == ""
    assert added.owner == "Youth forum"

    def shared(dialog: Any) -> None:
        assert isinstance(dialog, SharedBackDialog)
        dialog.how_many.setValue(212)
        qtbot.keyClick(dialog.ok_button, Qt.Key.Key_Space)

    answer(qtbot, shared)
    section.shared_button.click()
    settle(qtbot)
    assert "shared with young people on" in section.about.text()
    section.ops.close()  # closes `db`: what follows reads through a file opened again

    again = Database(demo_file)
    with again.session() as session:
        assert any(f.how_many == 212 for f in list_feedback(session, plan_id))
    assert any(a.we_will == "Answer it" for a in plan(again, plan_id).actions)
    again.close()


def plan(db: Database, plan_id: int):  # type: ignore[no-untyped-def]
    with db.session() as session:
        assert plan_id in [p.id for p in list_plans(session)]
        return read_plan(session, plan_id)
