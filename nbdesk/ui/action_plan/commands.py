"""What the Action plan section does to a plan: each command asks for what it needs, writes once
through Ops (one undoable step in the plan's history) and says what it did.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING, Any

from PySide6.QtWidgets import QMessageBox

from nbdesk.action_plan import actions as act
from nbdesk.action_plan import plans, reviews
from nbdesk.action_plan.history import undo
from nbdesk.action_plan.views import ActionView, PlanView, ThemeView
from nbdesk.common.changes import Done
from nbdesk.feedback.telling_back import record_feedback
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
from nbdesk.ui.action_plan.voices import (
    FINDING,
    CiteVoiceDialog,
    SharedBackDialog,
    UnansweredDialog,
    Voices,
    read_voices,
)
from nbdesk.ui.sections.base import Section

if TYPE_CHECKING:
    from nbdesk.ui.action_plan.detail import ActionPanel
    from nbdesk.ui.action_plan.review import ReviewPass


def short(text: str) -> str:
    return act.short(text, 50)


def quoted(text: str) -> str:
    """An action or theme named in a sentence: quoted, since its own words may end in a full
    stop or be cut short ("…"), before the sentence's own."""
    return f"'{short(text)}'"


class PlanCommands(Section):
    """The section's commands; the section (section.py) builds what they work on."""

    plan: PlanView | None
    keep_action: int | None
    keep_theme: int | None
    panel: ActionPanel
    dialog: FormDialog | None = None  # the one open (tests reach it here)
    review_pass: ReviewPass | None = None

    # Provided by the section.
    def load(self, plan_id: int | None = None) -> None: ...
    def say(self, text: str) -> None: ...
    def current_action(self) -> ActionView | None: ...
    def current_theme_id(self) -> int | None: ...
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
                then=lambda done: self.load(done.value),
                title="Creating the plan",
            )

        self.open_form(dialog, save)

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
        theme = next(t for t in self.plan.themes if t.id == theme_id)
        dialog = ActionDialog(theme.title, self.plan.owners, self, you_said)

        def save(v: dict[str, Any]) -> None:
            def chosen(done: Any) -> None:
                self.keep_action, self.keep_theme = done.value, theme_id

            self.write(
                lambda session: act.add_action(session, theme_id, **v),
                f"Added the action {quoted(v['we_will'])} to {quoted(theme.title)}.",
                dialog=dialog,
                then=chosen,
            )

        self.open_form(dialog, save)

    def edit_action(self, action_id: int, **fields: Any) -> None:
        names = ", ".join(act.FIELD_LABELS.get(f, f) for f in fields if f != "when") or "When"
        if "when" in fields and names != "When":
            names += ", When"
        self.write(
            lambda session: act.edit_action(session, action_id, **fields),
            f"Saved {names}.",
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
        """Ctrl+Z: reverse the plan's latest change, whatever it was, and say what it was."""
        if self.plan is None:
            return
        plan_id = self.plan.summary.id

        def said(done: Any) -> str:
            return f"Undone: {done.value}." if done.value else "Nothing to undo."

        self.write(lambda session: undo(session, plan_id), said, title="Undoing")

    # What young people said ---------------------------------------------------------------------

    def cite_voice(self) -> None:
        """Ctrl+K: cite a finding or a priority of young people from the chosen action."""
        action = self.current_action()
        if action is None or self.ops is None:
            self.say("Choose an action first: Ctrl+K cites what young people said for it.")
            return
        self.ops.read(
            self,
            lambda session: read_voices(session, None),
            lambda voices: self._cite_from(action, voices),
            key=f"voices-{id(self)}",
            title="Reading what young people said",
        )

    def _cite_from(self, action: ActionView, voices: Voices) -> None:
        dialog = CiteVoiceDialog(short(action.we_will), voices.said, self)

        def save(v: tuple[str, int]) -> None:
            kind, voice_id = v
            field = "finding_id" if kind == FINDING else "priority_theme_id"
            self.keep_action = action.id
            self.write(
                lambda session: act.cite(session, action.id, **{field: voice_id}),
                lambda done: (
                    "Cited what young people said (Ctrl+Z takes it back)."
                    if done.changes
                    else "The action already cites that; nothing was added."
                ),
                dialog=dialog,
            )

        self.open_form(dialog, save)

    def not_yet_answered(self) -> None:
        """Ctrl+G: the findings and priorities no action answers yet."""
        if self.plan is None or self.ops is None:
            return
        plan_id = self.plan.summary.id

        def show(voices: Voices) -> None:
            if voices.open is not None:
                UnansweredDialog(voices.open, self._answer, self).exec()

        self.ops.read(
            self,
            lambda session: read_voices(session, plan_id),
            show,
            key=f"voices-{id(self)}",
            title="Reading what young people said",
        )

    def _answer(self, kind: str, voice_id: int, label: str) -> None:
        """A new action in the chosen theme (else the first) that cites what it answers."""
        if self.plan is None or not self.plan.themes:
            self.say("Add a theme first (Ctrl+T): each action belongs to one.")
            return
        theme_id = self.current_theme_id() or self.plan.themes[0].id
        theme = next(t for t in self.plan.themes if t.id == theme_id)
        # "You said" is left for young people's own words: the citation already says what the
        # finding or priority was (and a small base, if it ever became one, is never printed).
        dialog = ActionDialog(
            theme.title,
            self.plan.owners,
            self,
            themes=[(t.id, t.title) for t in self.plan.themes],
            theme_id=theme_id,
        )
        dialog.note(f"It will answer, and cite: {label}", above=True)
        field = "finding_id" if kind == FINDING else "priority_theme_id"

        def save(v: dict[str, Any]) -> None:
            into = v.pop("theme_id", theme_id)

            def work(session: Any) -> Done[int]:
                made = act.add_action(session, into, **v)
                cited = act.cite(session, made.value, **{field: voice_id})
                return Done(made.value, made.changes | cited.changes)

            def chosen(done: Any) -> None:
                self.keep_action, self.keep_theme = done.value, into

            self.write(
                work,
                f"Added the action {quoted(v['we_will'])}, answering what young people said.",
                dialog=dialog,
                then=chosen,
            )

        self.open_form(dialog, save)

    def shared_back(self) -> None:
        """Record that the plan went back to care leavers."""
        if self.plan is None:
            return
        plan_id = self.plan.summary.id
        dialog = SharedBackDialog(self.plan.summary.name, self)

        def save(v: dict[str, Any]) -> None:
            self.write(
                lambda session: record_feedback(session, plan_id=plan_id, **v),
                f"Recorded: shared with {v['how_many']} care leavers by {v['channel']}.",
                dialog=dialog,
            )

        self.open_form(dialog, save)

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
