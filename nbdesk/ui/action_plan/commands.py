"""What the Action plan section does to a plan: each command asks for what it needs, writes once
through Ops (one undoable step in the plan's history) and says what it did.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING, Any

from PySide6.QtWidgets import QApplication, QMessageBox, QPushButton

from nbdesk.action_plan import actions as act
from nbdesk.action_plan import plans, reviews
from nbdesk.action_plan.history import Undoable, undo
from nbdesk.action_plan.views import ActionView, ThemeView
from nbdesk.common.changes import Done
from nbdesk.ui.action_plan.dialogs import (
    ActionDialog,
    FormDialog,
    OwnerDialog,
    PlanDialog,
    ReviewDialog,
    SignOffDialog,
    TitleDialog,
    UpdateDialog,
)
from nbdesk.ui.action_plan.voice_commands import VoiceCommands, owner_added, quoted, short

if TYPE_CHECKING:
    from nbdesk.ui.action_plan.detail import ActionPanel
    from nbdesk.ui.action_plan.review import ReviewPass


NOTHING_TO_UNDO = "Nothing to undo since this file was opened"
# The section's keys (Help › Keyboard shortcuts, and the line below its table).
PLAN_KEYS = (
    (("Ctrl+N",), "new action"),
    (("Ctrl+U",), "add an update"),
    (("F2",), "edit the chosen row"),
    (("Ctrl+T",), "new theme"),
    (("Ctrl+R",), "start a review"),
    (("Ctrl+Z",), "undo"),
    (("Alt+Shift+Up", "Alt+Shift+Down"), "move the chosen row"),
    (("Delete",), "remove the chosen row"),
    (("Ctrl+K",), "cite what young people said"),
    (("Ctrl+G",), "not yet answered"),
    (("Ctrl+L",), "the table"),
    (("Alt+W",), "the Show filter"),
    (("Alt+O",), "the Owner filter"),
)


class PlanCommands(VoiceCommands):
    """The section's commands (those on what young people said in VoiceCommands); the section
    (section.py) builds what they work on."""

    panel: ActionPanel
    dialog: FormDialog | None = None  # the one open (tests reach it here)
    undo_seen: int | None = None  # the step Undo offers, as last read (None after a save here)
    undo_offered = False  # whether Undo offers anything (True after a save here)
    undo_floor: int | None = None  # the file's newest step when it was opened: never undone here
    undo_button: QPushButton
    review_pass: ReviewPass | None = None
    # A plan made or an action added: the table given the keyboard once it shows it, so it comes
    # into view (at twice the font it was below the page's fold, and only Ctrl+L found it).
    to_table = False

    # Provided by the section (and say, current_action, current_theme_id: see VoiceCommands).
    def load(self, plan_id: int | None = None) -> None: ...
    def current_row(self) -> ActionView | ThemeView | None: ...

    def write(
        self,
        work: Callable[[Any], Any],
        said: Callable[[Any], str] | str,
        *,
        dialog: FormDialog | None = None,
        then: Callable[[Any], None] | None = None,
        title: str = "Saving the plan",
    ) -> None:
        """Write on the worker; once saved, close the dialog (if any) and say what was done."""
        if self.ops is None:
            return
        self.undo_seen, self.undo_offered = None, True  # the latest now: Ctrl+Z undoes it

        def done(result: Any) -> None:
            if dialog is not None:
                dialog.saved()
            if then is not None:
                then(result)
            self.say(said(result) if callable(said) else said)

        self.ops.write(
            dialog or self,
            work,
            done,
            failed=dialog.not_saved if dialog is not None else None,
            title=title,
        )

    def open_form(self, dialog: FormDialog, save: Callable[[Any], None]) -> None:
        self.dialog = dialog
        dialog.save = save
        dialog.exec()
        self.dialog = None

    # Plans -------------------------------------------------------------------------------------

    def new_plan(self) -> None:
        dialog = PlanDialog(
            "New plan",
            self,
            with_themes=True,
            note="Owners such as Housing, Health, DWP and colleges are listed for you; add more "
            "from any action.",
        )

        def save(v: dict[str, Any]) -> None:
            def work(session: Any) -> Done[int]:
                owners = act.ensure_default_owners(session)
                made = plans.create_plan(session, **v)
                return Done(made.value, made.changes | owners.changes)

            self.write(
                work,
                f"Created the plan {v['name'].strip()} with {len(v['themes'])} theme(s).",
                dialog=dialog,
                then=lambda done: self._load_into_table(done.value),
                title="Creating the plan",
            )

        self.open_form(dialog, save)

    def _load_into_table(self, plan_id: int) -> None:
        self.to_table = True
        self.load(plan_id)

    def revise_plan(self) -> None:
        if self.plan is None:
            return
        copied, earlier = self.plan, self.plan.summary
        dialog = PlanDialog(
            f"Revise {earlier.name}",
            self,
            name=f"{earlier.name} (revised)",
            stage="revised",
            note="The new plan starts as a copy of this one: its themes and actions, with their "
            "owners, dates, status, involvement and evidence. Updates stay with this plan.",
        )
        dialog.ok_button.setText("&Create the revised plan")

        def save(v: dict[str, Any]) -> None:
            v.pop("themes")
            # Dates are copied as they were: say how many now fall before the new plan starts.
            early = sum(
                1
                for a in copied.actions
                if a.is_open and a.due_on is not None and a.due_on < v["starts_on"]
            )
            check = (
                f" {early} open action(s) are due before it starts: check their When."
                if early
                else ""
            )
            self.write(
                lambda session: plans.revise_plan(session, earlier.id, **v),
                f"Created {v['name'].strip()} from {earlier.name}.{check}",
                dialog=dialog,
                then=lambda done: self.load(done.value),
                title="Revising the plan",
            )

        self.open_form(dialog, save)

    def plan_details(self) -> None:
        if self.plan is None:
            return
        s = self.plan.summary
        dialog = PlanDialog(
            "Plan details",
            self,
            name=s.name,
            stage=s.stage,
            starts_on=s.starts_on,
            ends_on=s.ends_on,
        )

        def save(v: dict[str, Any]) -> None:
            v.pop("themes")
            self.write(
                lambda session: plans.set_details(session, s.id, **v),
                "Saved the plan's details.",
                dialog=dialog,
            )

        self.open_form(dialog, save)

    def sign_off(self) -> None:
        if self.plan is None:
            return
        plan_id = self.plan.summary.id
        earlier = [f"{s.name}, {s.role}, on {s.signed_on:%d %b %Y}" for s in self.plan.sign_offs]
        dialog = SignOffDialog(self.plan.summary.name, self, earlier)

        def save(v: dict[str, Any]) -> None:
            self.write(
                lambda session: plans.sign_off(session, plan_id, **v),
                f"Signed off by {v['name'].strip()}. Later changes are marked ✱.",
                dialog=dialog,
            )

        self.open_form(dialog, save)

    # Themes ------------------------------------------------------------------------------------

    def new_theme(self) -> None:
        if self.plan is None:
            return
        plan_id = self.plan.summary.id
        dialog = TitleDialog("New theme", "&Theme:", parent=self)

        def save(title: str) -> None:
            def chosen(done: Any) -> None:
                self.keep_action, self.keep_theme = None, done.value

            self.write(
                lambda session: act.add_theme(session, plan_id, title),
                f"Added the theme {title.strip()}.",
                dialog=dialog,
                then=chosen,
            )

        self.open_form(dialog, save)

    def rename_theme(self, theme: ThemeView) -> None:
        dialog = TitleDialog("Rename the theme", "&Theme:", theme.title, self)

        def save(title: str) -> None:
            self.write(
                lambda session: act.rename_theme(session, theme.id, title),
                f"Renamed the theme to {title.strip()}.",
                dialog=dialog,
            )

        self.open_form(dialog, save)

    # Actions -----------------------------------------------------------------------------------

    def new_action(self, you_said: str = "") -> None:
        """Ctrl+N: a new action at the end of the chosen theme."""
        if self.plan is None:
            return
        theme_id = self.current_theme_id()
        if theme_id is None:
            self.say("Add a theme first (Ctrl+T): each action belongs to one.")
            self.new_theme()
            return
        # The theme is shown and can be changed: the chosen row's was taken unseen, and a tester
        # put an action into the wrong theme.
        titles = {t.id: t.title for t in self.plan.themes}
        dialog = ActionDialog(
            titles[theme_id], self.plan.owners, self, you_said, list(titles.items()), theme_id
        )

        def save(v: dict[str, Any]) -> None:
            into = v.pop("theme_id", theme_id)

            def chosen(done: Any) -> None:
                self.keep_action, self.keep_theme = done.value, into
                self.to_table = True

            self.write(
                lambda session: act.add_action(session, into, **v),
                f"Added the action {quoted(v['we_will'])} to {quoted(titles[into])}."
                + owner_added(v),
                dialog=dialog,
                then=chosen,
            )

        self.open_form(dialog, save)

    def unsaved(self) -> list[str]:
        """None: the panel's box being typed in is saved as it is left, and the window leaving the
        file (quitting, another file) never leaves it, so it is saved now, before the file closes
        (a tester's change to We will was lost by Ctrl+Q while its box had the keyboard)."""
        typing = QApplication.focusWidget()
        if typing is not None and self.panel.is_built():
            if typing is self.panel.when:
                self.panel.when_left()
            else:
                self.panel.text_left(typing)
        return []

    def edit_action(self, action_id: int, **fields: Any) -> None:
        # Named as the form labels them, quoted: "Saved We will." read as a broken sentence.
        names = [act.FIELD_LABELS.get(f, f) for f in fields if f != "when"]
        names += ["When"] if "when" in fields else []
        self.write(
            lambda session: act.edit_action(session, action_id, **fields),
            f"Saved {', '.join(quoted(n) for n in names)}.",
        )

    def set_status(self, action_id: int, status: str, reason: str = "") -> None:
        from nbdesk.action_plan.vocab import status_text

        self.write(
            lambda session: act.set_status(session, action_id, status, reason),
            f"Status: {status_text(status)}.",
        )

    def add_update(self) -> None:
        """Ctrl+U: a dated note of progress on the chosen action, and its status after it."""
        action = self.current_action()
        if action is None:
            self.say("Choose an action to add an update to.")
            return
        dialog = UpdateDialog(action.we_will, action.status, self)

        def save(v: dict[str, Any]) -> None:
            self.write(
                lambda session: act.add_update(session, action.id, **v),
                f"Added an update to {quoted(action.we_will)}.",
                dialog=dialog,
            )

        self.open_form(dialog, save)

    def new_owner(self, action: ActionView | None) -> None:
        """Add an owner to the list, and make them the chosen action's."""
        dialog = OwnerDialog(self)
        action_id = action.id if action else None

        def save(v: tuple[str, str]) -> None:
            def work(session: Any) -> Done[int]:
                added = act.add_owner(session, *v)
                if action_id is None:
                    return added
                edited = act.edit_action(session, action_id, owner_id=added.value)
                return Done(added.value, added.changes | edited.changes)

            self.write(work, f"{v[0].strip()} is on the list of owners.", dialog=dialog)

        self.open_form(dialog, save)

    def uncite(self, citation_id: int) -> None:
        self.write(
            lambda session: act.uncite(session, citation_id),
            "Removed the evidence from the action (Ctrl+Z puts it back).",
        )

    def remove_action(self) -> None:
        action = self.current_action()
        if action is None:
            return
        answer = QMessageBox.question(
            self,
            "Remove the action",
            f"Remove '{short(action.we_will)}' with its {action.update_count} update(s)? "
            "Ctrl+Z puts it back.",
        )
        if answer != QMessageBox.StandardButton.Yes:
            return
        self.keep_action = None
        self.write(
            lambda session: act.remove_action(session, action.id),
            f"Removed the action {quoted(action.we_will)}.",
        )

    def remove_chosen(self) -> None:
        """Delete in the table: the chosen action, or the chosen theme once it is empty."""
        chosen = self.current_row()
        if isinstance(chosen, ThemeView):
            self.keep_theme = None
            self.write(
                lambda session: act.remove_theme(session, chosen.id),
                f"Removed the theme {quoted(chosen.title)} (Ctrl+Z puts it back).",
            )
        elif chosen is not None:
            self.remove_action()

    def move_chosen(self, by: int) -> None:
        """Alt+Shift+Up/Down: the chosen action within its theme, or the chosen theme in the plan."""
        chosen = self.current_row()
        if isinstance(chosen, ThemeView):
            self.keep_action, self.keep_theme = None, chosen.id
            self.write(
                lambda session: act.move_theme(session, chosen.id, by),
                f"Moved the theme {quoted(chosen.title)} {'up' if by < 0 else 'down'}.",
            )
        elif chosen is not None:
            self.keep_action = chosen.id
            self.write(
                lambda session: act.move_action(session, chosen.id, by),
                f"Moved {quoted(chosen.we_will)} {'up' if by < 0 else 'down'}.",
            )

    def undo(self) -> None:
        """Ctrl+Z: reverse the plan's latest change and say what it was; nothing, if another was
        saved elsewhere since the change the button offers (history.undo)."""
        if self.plan is None or self.ops is None:
            return
        if not self.undo_offered:
            self.say(NOTHING_TO_UNDO)
            return
        plan_id, seen, self.undo_seen = self.plan.summary.id, self.undo_seen, None

        def said(done: Any) -> None:
            self.say(f"Undone: {done.value}." if done.value else "Nothing to undo.")

        def refused(exc: Exception) -> None:  # said on the message line, the plan read again
            self.say(str(exc))
            self.load(plan_id)

        self.ops.write(
            self, lambda s: undo(s, plan_id, seen), said, failed=refused, title="Undoing"
        )

    def offer_undo(self, latest: Undoable | None, steps: int) -> None:
        """What Undo offers, as read: the plan's latest step, if it was made since this window
        opened the file. A stray Ctrl+Z the next morning must not take back, unseen, what was
        saved the day before (History shows it, and the change can be made again)."""
        if self.undo_floor is None:
            self.undo_floor = steps
        if latest is not None and latest.step <= self.undo_floor:
            latest = None
        self.undo_seen = latest.step if latest else None
        self.undo_offered = latest is not None
        offer = latest.offer if latest else NOTHING_TO_UNDO
        self.undo_button.setEnabled(latest is not None)
        self.undo_button.setToolTip(offer)
        self.undo_button.setAccessibleName(offer)

    # Reviews -----------------------------------------------------------------------------------

    def start_review(self) -> None:
        """Ctrl+R: record the meeting, then walk the plan action by action."""
        if self.plan is None:
            return
        plan = self.plan
        dialog = ReviewDialog(plan.summary.name, self)

        def save(v: dict[str, Any]) -> None:
            self.write(
                lambda session: reviews.start_review(session, plan.summary.id, **v),
                "Review recorded: now each action in turn.",
                dialog=dialog,
                then=lambda done: self._walk(done.value, v["young_people"] > 0),
                title="Recording the review",
            )

        self.open_form(dialog, save)

    def _walk(self, review_id: int, with_young_people: bool) -> None:
        from nbdesk.ui.action_plan.review import ReviewPass

        if self.plan is None or self.ops is None:
            return
        walk = ReviewPass(self.ops, self.plan, review_id, with_young_people, self)
        self.review_pass = walk
        walk.finished.connect(lambda _r: self.say(walk.summary()))
        walk.open()
