"""The Action plan section driven as a lead would, by keyboard, on a real file that is then closed
and reopened to prove nothing was lost; and the link from the self-assessment's Results."""

from __future__ import annotations

from collections.abc import Callable
from datetime import date
from pathlib import Path
from typing import Any

import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QApplication, QDialog, QWidget

from nbdesk.action_plan.plans import list_plans
from nbdesk.action_plan.views import PlanView, read_plan
from nbdesk.common import clock
from nbdesk.storage import Database
from nbdesk.ui.action_plan.model import COLUMNS
from tests.support.qt import answer, settle

pytestmark = pytest.mark.usefixtures("patient")

CTRL = Qt.KeyboardModifier.ControlModifier
ALT = Qt.KeyboardModifier.AltModifier


def open_section(qtbot, db: Database):  # type: ignore[no-untyped-def]
    from nbdesk.ui.action_plan.section import ActionPlanSection
    from nbdesk.ui.ops import Ops

    section = ActionPlanSection()
    qtbot.addWidget(section)
    ops = Ops(db)
    ops.changed.connect(section.on_changes)
    section.resize(1300, 760)
    section.show()
    qtbot.waitExposed(section)
    section.set_ops(ops)
    settle(qtbot)
    return section


def focused() -> QWidget:
    widget = QApplication.focusWidget()
    if widget is None:
        # A dialog has just closed: the window it came from has the keyboard again.
        window = QApplication.topLevelWidgets()
        shown = [w for w in window if w.isVisible() and not isinstance(w, QDialog)]
        shown[-1].activateWindow()
        QApplication.processEvents()
        widget = QApplication.focusWidget()
    assert widget is not None
    return widget


def key(qtbot, k: Qt.Key, mods=Qt.KeyboardModifier.NoModifier) -> None:  # type: ignore[no-untyped-def]
    qtbot.keyClick(focused(), k, mods)


def plan_named(db: Database, name: str) -> PlanView:
    with db.session() as session:
        [plan_id] = [p.id for p in list_plans(session) if p.name == name]
        return read_plan(session, plan_id)


def test_a_lead_builds_reviews_signs_off_and_revises_a_plan_by_keyboard(
    qtbot, demo_file: Path
) -> None:
    db = Database(demo_file)
    section = open_section(qtbot, db)

    # New plan… with two themes, one a line.
    def new_plan(dialog: Any) -> None:
        qtbot.keyClicks(dialog.name, "Care leavers plan 2026-28")
        dialog.themes.setFocus()
        qtbot.keyClicks(dialog.themes, "Somewhere safe to live")
        qtbot.keyClick(dialog.themes, Qt.Key.Key_Return)
        qtbot.keyClicks(dialog.themes, "Money")
        dialog.name.setFocus()
        qtbot.keyClick(dialog.name, Qt.Key.Key_Return)

    answer(qtbot, new_plan)
    section.new_plan_button.setFocus()
    key(qtbot, Qt.Key.Key_Space)
    assert section.plan is not None and section.plan.summary.name == "Care leavers plan 2026-28"
    assert [t.title for t in section.plan.themes] == ["Somewhere safe to live", "Money"]
    assert section.plan.owners, "the usual partners are listed to choose from"
    # The table has the keyboard, so it is brought into view (at twice the font it was below the
    # fold, found only by Ctrl+L).
    assert section.focusWidget() is section.table

    # Ctrl+T: a third theme, which becomes the chosen row.
    section.table.setFocus()

    def new_theme(dialog: Any) -> None:
        qtbot.keyClicks(dialog.title_edit, "Being heard")
        qtbot.keyClick(dialog.title_edit, Qt.Key.Key_Return)

    answer(qtbot, new_theme)
    key(qtbot, Qt.Key.Key_T, CTRL)
    assert [t.title for t in section.plan.themes][-1] == "Being heard"
    assert section.current_row().title == "Being heard"

    # Ctrl+N: an action in that theme; typed straight in, Enter in When adds it.
    def new_action(dialog: Any) -> None:
        assert focused() is dialog.we_will
        qtbot.keyClicks(dialog.we_will, "Quarterly forum run with care leavers")
        dialog.you_said.setFocus()
        qtbot.keyClicks(dialog.you_said, "Nobody listens to us")
        dialog.when.setFocus()
        qtbot.keyClicks(dialog.when, "Q2 2027")
        qtbot.keyClick(dialog.when, Qt.Key.Key_Return)

    answer(qtbot, new_action)
    key(qtbot, Qt.Key.Key_N, CTRL)
    forum = section.current_action()
    assert forum is not None and forum.theme == "Being heard"
    assert forum.when.startswith("Q2 2027-28") and forum.you_said == "Nobody listens to us"
    assert "Added the action" in section.message.text()
    assert section.focusWidget() is section.table  # the new action in view, chosen
    row = section.model.index_of_action(forum.id, 0)
    assert [row.siblingAtColumn(c).data() for c in (0, 1, 3, 4)] == [
        "Nobody listens to us",
        "Quarterly forum run with care leavers",
        "Q2 2027-28",
        "○ Not started",
    ]

    # F2: into the action's fields; leaving a field saves it.
    key(qtbot, Qt.Key.Key_F2)
    panel = section.panel
    assert focused() is panel.we_will
    panel.we_will.moveCursor(panel.we_will.textCursor().MoveOperation.End)
    qtbot.keyClicks(panel.we_will, ", twice a year in the evening")
    key(qtbot, Qt.Key.Key_Tab)  # to Who
    assert section.current_action().we_will.endswith("in the evening")
    assert focused() is panel.owner
    qtbot.keyClicks(panel.owner, "Hous")
    assert section.current_action().owner == "Housing"
    # Young people co-design it: the checkbox, by keyboard.
    panel.ways["co-designing"].setFocus()
    key(qtbot, Qt.Key.Key_Space)
    assert section.current_action().involvement == ("co-designing",)
    assert "1 of 1 (100%)" in section.strip.said
    assert "27%" in section.strip.said

    # Ctrl+U: an update that sets the status; Ctrl+Z takes it back and says so.
    def update(dialog: Any) -> None:
        qtbot.keyClicks(dialog.text, "Venue booked at the youth hub")
        dialog.status.setFocus()
        qtbot.keyClicks(dialog.status, "2")
        qtbot.keyClick(dialog.status, Qt.Key.Key_Return)

    section.table.setFocus()
    answer(qtbot, update)
    key(qtbot, Qt.Key.Key_U, CTRL)
    action = section.current_action()
    assert action.status == "on-track" and action.updates[0].text.startswith("Venue booked")
    key(qtbot, Qt.Key.Key_Z, CTRL)
    assert "Undone: Added an update" in section.message.text()
    action = section.current_action()
    assert action.status == "not-started" and not action.updates

    def update_saved_by_ctrl_enter(dialog: Any) -> None:  # from the Status box, as in a contact
        qtbot.keyClicks(dialog.text, "Venue booked at the youth hub")
        dialog.status.setFocus()
        qtbot.keyClicks(dialog.status, "2")
        qtbot.keyClick(dialog.status, Qt.Key.Key_Return, CTRL)
        qtbot.waitUntil(lambda: not dialog.isVisible(), timeout=5000)

    answer(qtbot, update_saved_by_ctrl_enter)
    key(qtbot, Qt.Key.Key_U, CTRL)
    assert section.current_action().status == "on-track"

    # Ctrl+R: a review with young people, then the walk, action by action.
    def review(dialog: Any) -> None:
        for who, count in (("staff", "3"), ("young_people", "2")):
            dialog.counts[who].setFocus(Qt.FocusReason.TabFocusReason)
            dialog.counts[who].selectAll()
            qtbot.keyClicks(dialog.counts[who], count)
        dialog.comments.setFocus()
        qtbot.keyClicks(dialog.comments, "Make the plan shorter")
        dialog.counts["staff"].setFocus()
        qtbot.keyClick(dialog.counts["staff"], Qt.Key.Key_Return)

    answer(qtbot, review)
    key(qtbot, Qt.Key.Key_R, CTRL)
    walk = section.review_pass
    assert walk is not None and walk.isVisible()
    assert "Action 1 of 1" in walk.where.text()
    assert focused() is walk.text
    qtbot.keyClicks(walk.text, "First forum held; nine came")
    qtbot.keyClick(walk.text, Qt.Key.Key_3, ALT)  # ⚠ At risk
    walk.comment.setFocus()
    qtbot.keyClicks(walk.comment, "More food next time")
    qtbot.keyClick(walk.comment, Qt.Key.Key_Return)  # saved; past the last, the walk ends
    assert not walk.isVisible()
    assert "1 action updated" in section.message.text()
    action = section.current_action()
    assert action.status == "at-risk"
    latest = action.updates[0]
    assert latest.with_young_people and latest.young_people_comment == "More food next time"
    assert section.plan.reviews[0].young_people_comments == "Make the plan shorter"
    assert "Never reviewed with young people: 0" in section.strip.said

    # Sign off, then change something: the action is marked as changed after sign-off.
    def sign(dialog: Any) -> None:
        qtbot.keyClicks(dialog.who, "Ann Leader")
        dialog.role.setFocus()
        qtbot.keyClicks(dialog.role, "Director of Children's Services")
        qtbot.keyClick(dialog.role, Qt.Key.Key_Return)

    answer(qtbot, sign)
    section.sign_button.setFocus()
    key(qtbot, Qt.Key.Key_Space)
    assert section.plan.signed_off and "signed off by Ann Leader" in section.about.text()
    section.panel.when.setFocus()
    section.panel.when.selectAll()
    qtbot.keyClicks(section.panel.when, "30/9/2027")
    key(qtbot, Qt.Key.Key_Tab)
    action = section.current_action()
    assert action.changed_after_sign_off
    assert section.model.index_of_action(action.id).data().startswith("✱ ")
    assert "✱ 1 change since sign-off" in section.about.text()

    # Filters by keyboard: overdue shows none; at risk shows the forum.
    shows = section.filters.show_combo
    longest = max(
        shows.fontMetrics().horizontalAdvance(shows.itemText(i)) for i in range(shows.count())
    )
    assert shows.width() > longest  # every choice read whole
    section.filters.show_combo.setFocus()
    qtbot.keyClicks(section.filters.show_combo, "Overdue")
    assert section.model.actions_in_order() == []
    assert "0 of 1 action shown" in section.filters.count.text()
    qtbot.wait(QApplication.keyboardInputInterval() + 50)  # a new word, not "OverdueAt"
    qtbot.keyClicks(section.filters.show_combo, "At risk")
    assert [a.id for a in section.model.actions_in_order()] == [action.id]
    section.filters.choose("all")
    # What needs attention: each figure a link to its filter, reached by Tab, followed by Enter.
    section.strip.setFocus(Qt.FocusReason.TabFocusReason)
    key(qtbot, Qt.Key.Key_Tab)  # from the words to the first figure, "Overdue: 0"
    key(qtbot, Qt.Key.Key_Return)
    assert section.filters.show_combo.currentData() == "overdue"
    assert focused() is section.table and section.model.actions_in_order() == []
    section.filters.choose("all")

    # Revise: a copy of the plan, chosen at once.
    def revise(dialog: Any) -> None:
        dialog.name.selectAll()
        qtbot.keyClicks(dialog.name, "Care leavers plan 2028-30")
        qtbot.keyClick(dialog.name, Qt.Key.Key_Return)

    answer(qtbot, revise)
    section.revise_button.setFocus()
    key(qtbot, Qt.Key.Key_Space)
    assert section.plan.summary.name == "Care leavers plan 2028-30"
    assert section.plan.summary.revises == "Care leavers plan 2026-28"
    assert [a.we_will for a in section.plan.actions] == [action.we_will]
    assert not section.plan.signed_off

    # Close the file, open it again: everything is there.
    section.ops.close()
    db = Database(demo_file)
    first = plan_named(db, "Care leavers plan 2026-28")
    assert [t.title for t in first.themes] == ["Somewhere safe to live", "Money", "Being heard"]
    [forum] = first.actions
    assert forum.owner == "Housing" and forum.status == "at-risk"
    assert forum.due_on is not None and forum.due_on.isoformat() == "2027-09-30"
    assert [u.text for u in forum.updates] == [
        "First forum held; nine came",
        "Venue booked at the youth hub",
    ]
    assert first.sign_offs[0].name == "Ann Leader" and first.reviews[0].young_people == 2
    second = plan_named(db, "Care leavers plan 2028-30")
    assert second.summary.stage == "revised" and second.summary.starts_on == clock.today()
    again = open_section(qtbot, db)
    assert again.plan is not None and again.plan.summary.name == "Care leavers plan 2028-30"
    again.ops.close()


def test_a_statement_from_results_becomes_a_cited_action(qtbot, demo_file: Path) -> None:
    from nbdesk.action_plan import actions as act
    from nbdesk.action_plan.plans import create_plan
    from nbdesk.self_assessment.assessments import list_assessments
    from nbdesk.ui.self_assessment.results import ResultsWindow

    db = Database(demo_file)
    with db.transaction() as session:
        create_plan(session, "Care leavers plan 2026-28", themes=["Money"])
        act.ensure_default_owners(session)
        assessment = next(a for a in list_assessments(session) if a.rated)
    section = open_section(qtbot, db)
    results = ResultsWindow(section.ops, assessment.id)
    qtbot.addWidget(results)
    results.show()
    settle(qtbot)
    results.tabs.setCurrentIndex(1)
    table = next(
        t
        for t in results.findChildren(QWidget)
        if t.accessibleName() == "Lowest rated statements" and hasattr(t, "model")
    )
    table.setFocus()
    qtbot.keyClick(table, Qt.Key.Key_Home)
    links = results.plan_links
    statement = links.statement
    assert statement is not None and links.line.text().startswith("Actions: none")

    def new_action(dialog: Any) -> None:
        assert dialog.plan.currentText() == "Care leavers plan 2026-28"
        dialog.theme.setFocus()
        dialog.theme.lineEdit().selectAll()
        qtbot.keyClicks(dialog.theme, "Being heard")  # a new theme, added with it
        dialog.we_will.setFocus()
        qtbot.keyClicks(dialog.we_will, "Quarterly forum")
        dialog.when.setFocus()
        qtbot.keyClicks(dialog.when, "Q1 2027")
        qtbot.keyClick(dialog.when, Qt.Key.Key_Return)

    answer(qtbot, new_action)
    qtbot.keyClick(table, Qt.Key.Key_A, CTRL | Qt.KeyboardModifier.ShiftModifier)
    assert links.line.text() == "Actions: ○ Quarterly forum (Care leavers plan 2026-28)"
    # The section heard it too: the action, in its new theme, citing the statement.
    [action] = section.plan.actions
    assert action.theme == "Being heard"
    [cited] = action.citations
    assert cited.statement_id == statement.statement_id and cited.assessment_id == assessment.id
    assert cited.label.startswith(f"Statement {statement.reference}")
    # Removing the citation from the plan (Delete in the evidence list) clears the line.
    section.activateWindow()
    qtbot.waitUntil(lambda: QApplication.activeWindow() is section)
    section.table.setCurrentIndex(section.model.index_of_action(action.id))
    section.panel.tabs.setCurrentIndex(1)
    section.panel.citations.setFocus()
    section.panel.citations.setCurrentRow(0)
    qtbot.keyClick(section.panel.citations, Qt.Key.Key_Delete)
    assert links.line.text().startswith("Actions: none")
    section.table.setFocus()
    qtbot.keyClick(section.table, Qt.Key.Key_Z, CTRL)
    assert links.line.text().startswith("Actions: ○ Quarterly forum")
    results.close()
    section.ops.close()


def test_ctrl_z_undoes_each_kind_of_change_and_says_what(qtbot, demo_file: Path) -> None:
    from nbdesk.action_plan import actions as act
    from nbdesk.action_plan import plans, reviews
    from nbdesk.self_assessment.assessments import list_assessments, load_assessment

    db = Database(demo_file)
    with db.transaction() as session:
        act.ensure_default_owners(session)
        plan_id = plans.create_plan(session, "Undo plan", themes=["Housing", "Money"]).value
        view = read_plan(session, plan_id)
        housing, money = (t.id for t in view.themes)
        first = act.add_action(session, housing, "Supported lodgings").value
        second = act.add_action(session, housing, "Guarantor scheme").value
        act.add_update(session, first, "Hosts recruited", status="on-track")
        cited = act.cite(session, first, statement_id=1).value
        review_id = reviews.start_review(session, plan_id, staff=2).value
        assessment = list_assessments(session)[0].id
        statement = load_assessment(session, assessment).statements()[3].statement_id
    section = open_section(qtbot, db)
    changes: list[tuple[str, Callable[[Any], Any]]] = [
        ("Added the theme", lambda s: act.add_theme(s, plan_id, "Being heard")),
        ("Renamed the theme", lambda s: act.rename_theme(s, money, "Income")),
        ("Moved the theme", lambda s: act.move_theme(s, money, -1)),
        ("Added the action", lambda s: act.add_action(s, money, "Budgeting sessions")),
        ("Changed", lambda s: act.edit_action(s, first, we_will="More lodgings", when="Q3 2027")),
        ("Changed", lambda s: act.edit_action(s, first, involvement=["delivering"])),
        ("Changed", lambda s: act.edit_action(s, second, not_involved_reason="resources")),
        ("Changed", lambda s: act.edit_action(s, second, theme_id=money)),
        ("Marked", lambda s: act.set_status(s, second, "dropped", "Not needed")),
        ("Moved", lambda s: act.move_action(s, second, -1)),
        ("Added an update", lambda s: act.add_update(s, second, "Talking to landlords")),
        (
            "Cited evidence",
            lambda s: act.cite(s, second, assessment_id=assessment, statement_id=statement),
        ),
        ("Removed evidence", lambda s: act.uncite(s, cited)),
        ("Removed the action", lambda s: act.remove_action(s, first)),
        ("Recorded the review", lambda s: reviews.start_review(s, plan_id, young_people=4)),
        ("Changed young people", lambda s: reviews.set_comments(s, review_id, "Shorter, please")),
        ("Changed the plan's details", lambda s: plans.set_details(s, plan_id, name="Plan B")),
        ("Signed off", lambda s: plans.sign_off(s, plan_id, name="A Leader", role="DCS")),
    ]
    for said, change in changes:
        before = section.plan
        section.write(change, "changed")
        settle(qtbot)
        assert section.plan != before, said
        section.table.setFocus()
        key(qtbot, Qt.Key.Key_Z, CTRL)
        assert section.message.text().startswith(f"Undone: {said}"), section.message.text()
        assert section.plan == before, said
    section.ops.close()


def added_by_ctrl_n(  # type: ignore[no-untyped-def]
    qtbot, section, fill: Callable[[Any], None], path: Path, plan_id: int
) -> tuple[str, PlanView]:
    """Ctrl+N, the New action dialog filled in by `fill`: what the section said, and the plan as
    the file holds it once closed and opened again."""
    answer(qtbot, fill)
    key(qtbot, Qt.Key.Key_N, CTRL)
    said = section.message.text()
    section.ops.close()
    reopened = Database(path)
    with reopened.session() as session:
        plan = read_plan(session, plan_id)
    reopened.close()
    return said, plan


def test_a_new_action_shows_its_theme_and_can_go_into_another(  # type: ignore[no-untyped-def]
    qtbot, tmp_path: Path
) -> None:
    """Ctrl+N on a row of Homes: the dialog shows Homes as the theme; Alt+T and Down choose
    Money, and the action is added there (a tester put one into the wrong theme unseen)."""
    from nbdesk.action_plan.plans import create_plan
    from nbdesk.storage import create_database

    db = create_database(tmp_path / "a.nbdesk", "Testshire County Council")
    with db.transaction() as session:
        plan_id = create_plan(session, "Plan", themes=["Homes", "Money"]).value
    section = open_section(qtbot, db)
    section.table.setFocus()
    key(qtbot, Qt.Key.Key_Home)
    assert section.current_row().title == "Homes"

    def new_action(dialog: Any) -> None:
        assert dialog.theme is not None and dialog.theme.currentText() == "Homes"
        qtbot.keyClicks(dialog.we_will, "Budgeting classes")
        qtbot.keyClick(dialog.we_will, Qt.Key.Key_T, ALT)
        assert focused() is dialog.theme
        qtbot.keyClick(dialog.theme, Qt.Key.Key_Down)
        assert dialog.theme.currentText() == "Money"
        dialog.when.setFocus()
        qtbot.keyClick(dialog.when, Qt.Key.Key_Return)

    said, plan = added_by_ctrl_n(qtbot, section, new_action, tmp_path / "a.nbdesk", plan_id)
    assert "to 'Money'" in said
    themes = {t.title: [a.we_will for a in t.actions] for t in plan.themes}
    assert themes == {"Homes": [], "Money": ["Budgeting classes"]}


def test_a_new_action_names_an_owner_not_on_the_list(  # type: ignore[no-untyped-def]
    qtbot, tmp_path: Path
) -> None:
    """New owner… in New action (Alt+N): the owner is added with the action, in one save, and
    is theirs; a name already on the list is chosen rather than added again."""
    from nbdesk.action_plan import actions as act
    from nbdesk.action_plan.plans import create_plan
    from nbdesk.storage import create_database
    from nbdesk.ui.action_plan.dialogs import OwnerDialog

    db = create_database(tmp_path / "a.nbdesk", "Testshire County Council")
    with db.transaction() as session:
        plan_id = create_plan(session, "Plan", themes=["Homes"]).value
        act.add_owner(session, "Housing", "partner")
    section = open_section(qtbot, db)
    section.table.setFocus()
    key(qtbot, Qt.Key.Key_Home)

    def owner(named: str) -> Callable[[Any], None]:
        def fill(dialog: Any) -> None:
            qtbot.keyClicks(dialog.name, named)
            qtbot.keyClick(dialog.name, Qt.Key.Key_Return)

        return fill

    def new_action(dialog: Any) -> None:
        qtbot.keyClicks(dialog.we_will, "Budgeting classes")
        # A button's Alt+letter clicks it a moment later (Qt shows it pressed first).
        for typed, chosen in (
            ("  Citizens   Advice ", "Citizens Advice (person, new)"),
            ("housing", "Housing (partner agency)"),  # on the list already
            ("Citizens Advice", "Citizens Advice (person, new)"),
        ):
            # The window system gives the keyboard back to the dialog (offscreen, the test does).
            dialog.activateWindow()
            qtbot.waitUntil(lambda: QApplication.activeWindow() is dialog)
            answer(qtbot, owner(typed), kind=OwnerDialog)
            qtbot.keyClick(dialog.focusWidget(), Qt.Key.Key_N, ALT)
            qtbot.waitUntil(lambda c=chosen: dialog.owner.currentText() == c)
            assert dialog.focusWidget() is dialog.owner  # back on Who, the owner chosen
            assert dialog.owner.findText("Citizens Advice (person, new)") == (
                -1 if chosen.startswith("Housing") else dialog.owner.count() - 1
            )
        dialog.when.setFocus()
        qtbot.keyClick(dialog.when, Qt.Key.Key_Return)

    said, plan = added_by_ctrl_n(qtbot, section, new_action, tmp_path / "a.nbdesk", plan_id)
    assert "Citizens Advice is on the list of owners" in said
    [action] = plan.themes[0].actions
    assert action.owner == "Citizens Advice"
    assert [o[1] for o in plan.owners].count("Citizens Advice") == 1


def test_ctrl_z_never_takes_back_what_was_saved_before_the_file_was_opened(  # type: ignore[no-untyped-def]
    qtbot, tmp_path: Path
) -> None:
    """Yesterday's change (saved, the window closed) is not offered to Undo the next morning, and
    a stray Ctrl+Z leaves it; the window's own change is undone, and then nothing before it."""
    from nbdesk.action_plan import actions as act
    from nbdesk.action_plan.plans import create_plan
    from nbdesk.storage import create_database

    db = create_database(tmp_path / "a.nbdesk", "Testshire County Council")
    with db.transaction() as session:
        plan_id = create_plan(session, "Plan", themes=["Homes", "Money"]).value
        act.rename_theme(session, read_plan(session, plan_id).themes[1].id, "Income")
    db.close()
    db = Database(tmp_path / "a.nbdesk")  # the next morning
    section = open_section(qtbot, db)
    assert not section.undo_button.isEnabled()
    assert section.undo_button.accessibleName() == "Nothing to undo since this file was opened"
    section.table.setFocus()
    key(qtbot, Qt.Key.Key_Z, CTRL)
    settle(qtbot)
    assert section.message.text() == "Nothing to undo since this file was opened"
    section.write(lambda s: act.add_theme(s, plan_id, "Health"), "Added.")
    settle(qtbot)
    assert section.undo_button.accessibleName() == "Undo: Added the theme 'Health'"
    section.table.setFocus()
    key(qtbot, Qt.Key.Key_Z, CTRL)
    settle(qtbot)
    assert not section.undo_button.isEnabled()
    key(qtbot, Qt.Key.Key_Z, CTRL)
    settle(qtbot)
    section.ops.close()
    reopened = Database(tmp_path / "a.nbdesk")
    with reopened.session() as session:
        assert [t.title for t in read_plan(session, plan_id).themes] == ["Homes", "Income"]
    reopened.close()


def test_ctrl_z_leaves_a_change_saved_in_another_nbdesk_since(qtbot, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    """Two nbdesks on one file: the window offers to undo its own last change; another nbdesk
    then renames a theme. Ctrl+Z undoes neither, and says what is latest now; once the window
    has read the file again, Ctrl+Z offers and undoes the rename, then the window's own change."""
    from nbdesk.action_plan import actions as act
    from nbdesk.action_plan.plans import create_plan
    from nbdesk.storage import create_database

    db = create_database(tmp_path / "a.nbdesk", "Testshire County Council")
    with db.transaction() as session:
        plan_id = create_plan(session, "Plan", themes=["Homes", "Money"]).value
    section = open_section(qtbot, db)
    section.write(lambda s: act.add_theme(s, plan_id, "Health"), "Added.")
    settle(qtbot)
    assert section.undo_button.accessibleName() == "Undo: Added the theme 'Health'"
    other = Database(db.location)  # another nbdesk on the same file: the window is not told
    with other.transaction() as session:
        act.rename_theme(session, read_plan(session, plan_id).themes[1].id, "Income")
    other.close()
    section.table.setFocus()
    key(qtbot, Qt.Key.Key_Z, CTRL)
    settle(qtbot)
    assert "Nothing was undone: the plan changed a moment ago" in section.message.text()
    assert [t.title for t in plan_named(db, "Plan").themes] == ["Homes", "Income", "Health"]
    section.load(plan_id)  # read again, as when another nbdesk's change is heard of
    settle(qtbot)
    assert section.undo_button.accessibleName() == "Undo: Renamed the theme 'Money' to 'Income'"
    section.table.setFocus()
    key(qtbot, Qt.Key.Key_Z, CTRL)
    settle(qtbot)
    key(qtbot, Qt.Key.Key_Z, CTRL)  # straight after: the window's own change, before it
    settle(qtbot)
    assert [t.title for t in plan_named(db, "Plan").themes] == ["Homes", "Money"]
    section.ops.close()


def test_moving_and_removing_by_keyboard(qtbot, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    from nbdesk.action_plan import actions as act
    from nbdesk.action_plan.plans import create_plan
    from nbdesk.storage import create_database

    db = create_database(tmp_path / "a.nbdesk", "Testshire County Council")
    with db.transaction() as session:
        plan_id = create_plan(session, "Plan", themes=["Homes", "Money", "Empty"]).value
        homes = read_plan(session, plan_id).themes[0].id
        first = act.add_action(session, homes, "First").value
        second = act.add_action(session, homes, "Second").value
    section = open_section(qtbot, db)
    section.table.setFocus()
    section.table.setCurrentIndex(section.model.index_of_action(first))
    key(qtbot, Qt.Key.Key_Down, ALT | Qt.KeyboardModifier.ShiftModifier)
    settle(qtbot)
    assert [a.id for a in plan_named(db, "Plan").themes[0].actions] == [second, first]
    assert section.current_action() is not None and section.current_action().id == first

    # An empty theme goes with Delete; one with actions is refused plainly and stays.
    section.table.setCurrentIndex(section.model.index_of_theme(plan_named(db, "Plan").themes[2].id))
    section.table.setFocus()
    key(qtbot, Qt.Key.Key_Delete)
    settle(qtbot)
    assert [t.title for t in plan_named(db, "Plan").themes] == ["Homes", "Money"]
    key(qtbot, Qt.Key.Key_Z, CTRL)
    settle(qtbot)
    assert [t.title for t in plan_named(db, "Plan").themes] == ["Homes", "Money", "Empty"]
    section.ops.close()


def test_what_is_typed_in_a_field_is_saved_when_the_file_is_left_with_it_unleft(  # type: ignore[no-untyped-def]
    qtbot, tmp_path: Path
) -> None:
    """Quitting (or opening another file) while a field still has the keyboard saves what was
    typed in it, as leaving the field would: a tester lost a change to We will by Ctrl+Q. An
    emptied We will is refused and shown again as it is kept."""
    from nbdesk.action_plan import actions as act
    from nbdesk.action_plan.plans import create_plan
    from nbdesk.storage import create_database, open_database

    path = tmp_path / "a.nbdesk"
    db = create_database(path, "Testshire County Council")
    with db.transaction() as session:
        plan_id = create_plan(session, "Plan", themes=["Homes"]).value
        homes = read_plan(session, plan_id).themes[0].id
        act.add_action(session, homes, "Find a flat")
    section = open_section(qtbot, db)
    section.table.setFocus()
    section.table.setCurrentIndex(section.model.index_of_action(section.current_action().id))
    key(qtbot, Qt.Key.Key_F2)
    panel = section.panel
    assert focused() is panel.we_will
    panel.we_will.selectAll()
    key(qtbot, Qt.Key.Key_Delete)
    key(qtbot, Qt.Key.Key_Tab)
    assert panel.we_will.toPlainText() == "Find a flat"
    assert "cannot be empty" in section.message.text()
    panel.when.setFocus()
    qtbot.keyClicks(panel.when, "31/03/2027")
    assert section.unsaved() == []  # asked by the window as it leaves the file
    settle(qtbot)
    panel.we_will.setFocus()
    panel.we_will.moveCursor(panel.we_will.textCursor().MoveOperation.End)
    qtbot.keyClicks(panel.we_will, " near college")
    assert section.unsaved() == []
    section.ops.close()
    db.close()
    again = open_database(path)
    kept = plan_named(again, "Plan").themes[0].actions[0]
    assert kept.we_will == "Find a flat near college"
    assert kept.due_on == date(2027, 3, 31)
    again.close()


def test_the_table_by_keyboard_and_the_chosen_actions_updates(qtbot, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    """Theme rows across the table, then their actions; arrows move through both; the chosen
    action shows all its updates though the table read only each action's latest."""
    from nbdesk.action_plan import actions as act
    from nbdesk.action_plan.plans import create_plan
    from nbdesk.storage import create_database

    db = create_database(tmp_path / "a.nbdesk", "Testshire County Council")
    with db.transaction() as session:
        plan_id = create_plan(session, "Plan", themes=["Homes", "Money"]).value
        homes = read_plan(session, plan_id).themes[0].id
        first = act.add_action(session, homes, "First").value
        second = act.add_action(session, homes, "Second").value
        for words in ("One", "Two", "Three"):
            act.add_update(session, first, words)
    section = open_section(qtbot, db)
    table, model = section.table, section.model
    assert [model.index(r, 0).data() for r in range(model.rowCount())] == [
        "Theme 1. Homes — 2 actions",
        "",
        "",
        "Theme 2. Money — 0 actions",
    ]
    assert table.columnSpan(0, 0) == len(COLUMNS) and table.columnSpan(1, 0) == 1
    assert model.index(1, 6).data().endswith(": Three")
    # The first action is chosen; its three updates are read for the panel.
    assert section.current_action() is not None and section.current_action().id == first
    assert section.current_action().update_count == 3
    panel = section.panel
    assert [panel.updates.item(i).text().split("\n")[-1] for i in range(3)] == [
        "Three",
        "Two",
        "One",
    ]
    assert panel.tabs.tabText(0) == "Updates (3)"
    table.setFocus()
    key(qtbot, Qt.Key.Key_Down)
    assert section.current_action().id == second and panel.tabs.tabText(0) == "Updates (0)"
    key(qtbot, Qt.Key.Key_Down)
    assert section.current_action() is None and section.current_theme_id() != homes
    # No action shown: no action's counts either.
    assert [panel.tabs.tabText(i) for i in range(3)] == ["Updates", "Evidence", "History"]
    key(qtbot, Qt.Key.Key_Up)
    key(qtbot, Qt.Key.Key_Up)
    assert section.current_action().id == first and panel.updates.count() == 3
    # A redraw keeps the chosen row.
    section.write(lambda s: act.add_update(s, first, "Four"), "updated")
    settle(qtbot)
    assert section.current_action().id == first and panel.tabs.tabText(0) == "Updates (4)"
    assert panel.updates.count() == 4
    # Tab leaves the table; Enter on an action goes to its fields.
    key(qtbot, Qt.Key.Key_Tab)
    assert focused() is not table
    table.setFocus()
    key(qtbot, Qt.Key.Key_Return)
    assert focused() is panel.we_will
    section.ops.close()


def test_the_chosen_actions_fields_come_after_the_first_paint_or_when_asked_for(
    qtbot, tmp_path: Path
) -> None:  # type: ignore[no-untyped-def]
    """The section opens without the chosen action's fields; they are made once it is painted,
    or at once when something asks for one first (F2 as it opens), showing the chosen action,
    with Tab going from the table into them."""
    from nbdesk.action_plan import actions as act
    from nbdesk.action_plan.plans import create_plan
    from nbdesk.storage import create_database
    from nbdesk.ui.action_plan.section import ActionPlanSection
    from nbdesk.ui.ops import Ops

    db = create_database(tmp_path / "a.nbdesk", "Testshire County Council")
    with db.transaction() as session:
        plan_id = create_plan(session, "Plan", themes=["Homes"]).value
        homes = read_plan(session, plan_id).themes[0].id
        act.add_action(session, homes, "Find a flat", you_said="Nowhere to live")
    # Never painted (not shown): made when F2 asks for a field.
    hidden = ActionPlanSection()
    qtbot.addWidget(hidden)
    hidden.set_ops(Ops(db))
    settle(qtbot)
    assert hidden.current_action() is not None and not hidden.panel.is_built()
    hidden.edit_chosen()
    assert hidden.panel.is_built()
    assert hidden.panel.we_will.toPlainText() == "Find a flat"
    assert hidden.panel.you_said.toPlainText() == "Nowhere to live"
    hidden.ops.close()
    # Shown: made just after the first paint, without a key.
    section = open_section(qtbot, db)
    qtbot.waitUntil(section.panel.is_built)
    assert section.panel.we_will.toPlainText() == "Find a flat"
    assert section.panel.minimumSizeHint().width() <= section.panel.minimumWidth()
    section.activateWindow()
    qtbot.waitUntil(lambda: QApplication.activeWindow() is section)
    section.table.setFocus()
    key(qtbot, Qt.Key.Key_Tab)
    assert section.panel.isAncestorOf(focused())
    section.ops.close()


def test_the_buttons_and_the_last_message_stay_in_view_in_a_short_window(
    qtbot, demo_file: Path
) -> None:
    """A tester at twice the font saw a two-line 'Undone: …' push New theme, New action and Undo
    out of view: they were the last thing in the scrolling part, above the message."""
    db = Database(demo_file)
    section = open_section(qtbot, db)
    section.resize(900, 420)  # shorter than the section: it scrolls
    section.say("Undone: " + "a change with a long description, " * 8)
    settle(qtbot)
    whole = section.rect()
    for button in (section.theme_button, section.action_button, section.undo_button):
        shown = button.visibleRegion().boundingRect()
        assert shown.size() == button.size(), f"{button.text()} is not wholly in view"
        assert whole.contains(button.mapTo(section, button.rect().bottomRight()))
    assert section.message.isVisible()
    assert whole.contains(section.message.mapTo(section, section.message.rect().bottomLeft()))
    # In line with the column above, not at the window's edge.
    assert section.undo_button.mapTo(section, section.undo_button.rect().topLeft()).x() > 0
    section.ops.close()


@pytest.mark.parametrize("with_plans", [False, True])
def test_the_section_opens_from_its_top_with_the_keyboard_where_it_can_act(
    qtbot, tmp_path: Path, demo_file: Path, with_plans: bool
) -> None:
    """At twice the font a tester found the Action plan opened scrolled past its heading, the
    plan chooser and, on a new file, 'No action plan yet. New plan…': the keyboard went to the
    table, and the section scrolled to the table's top. With no plan the keyboard goes to New
    plan…; with plans to the table, and the section is shown from its top while the table's first
    lines still show there."""
    from PySide6.QtWidgets import QScrollArea

    from tests.support.qt import open_window, shown_section

    if with_plans:
        window = open_window(qtbot, demo_file)
    else:
        window = open_window(qtbot, tmp_path / "new.nbdesk", create_as="Testshire County Council")
    window.resize(900, 560)  # short: the section scrolls
    settle(qtbot)
    window.activateWindow()
    qtbot.waitUntil(lambda: QApplication.activeWindow() is window, timeout=2000)
    qtbot.keyClick(window, Qt.Key.Key_3, Qt.KeyboardModifier.ControlModifier)
    section = shown_section(qtbot, window)
    settle(qtbot)
    qtbot.wait(50)
    expected = section.table if with_plans else section.new_plan_button
    assert QApplication.focusWidget() is expected
    area = next(
        a for a in section.findChildren(QScrollArea) if a.widget().isAncestorOf(section.table)
    )
    assert area.verticalScrollBar().maximum() > 0  # it does scroll at this size
    assert area.verticalScrollBar().value() == 0
    window.close()
