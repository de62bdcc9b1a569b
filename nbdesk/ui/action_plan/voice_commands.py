"""The Action plan section's commands about what young people said: citing a finding or a
priority from an action, the ones no action answers yet (and a new action answering one), and
recording that the plan went back to care leavers.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from nbdesk.action_plan import actions as act
from nbdesk.action_plan.views import ActionView, PlanView
from nbdesk.common.changes import Done
from nbdesk.feedback.telling_back import record_feedback
from nbdesk.ui.action_plan.dialogs import ActionDialog, FormDialog
from nbdesk.ui.action_plan.voices import (
    FINDING,
    CiteVoiceDialog,
    SharedBackDialog,
    UnansweredDialog,
    Voices,
    read_voices,
)
from nbdesk.ui.sections.base import Section


def short(text: str) -> str:
    return act.short(text, 50)


def owner_added(values: dict[str, Any]) -> str:
    """What a new action's save says of the owner added with it (ActionDialog's New owner…)."""
    new_owner = values.get("new_owner")
    return "" if new_owner is None else f" {new_owner[0]} is on the list of owners."


def quoted(text: str) -> str:
    """An action or theme named in a sentence: quoted, since its own words may end in a full
    stop or be cut short ("…"), before the sentence's own."""
    return f"'{short(text)}'"


class VoiceCommands(Section):
    """Commands on what young people said; PlanCommands (commands.py) gives them the rest."""

    plan: PlanView | None
    keep_action: int | None
    keep_theme: int | None

    # Provided by PlanCommands and the section.
    def say(self, text: str) -> None: ...
    def current_action(self) -> ActionView | None: ...
    def current_theme_id(self) -> int | None: ...
    def open_form(self, dialog: FormDialog, save: Callable[[Any], None]) -> None: ...
    def write(
        self,
        work: Callable[[Any], Any],
        said: Callable[[Any], str] | str,
        *,
        dialog: FormDialog | None = None,
        then: Callable[[Any], None] | None = None,
        title: str = "Saving the plan",
    ) -> None: ...

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
                f"Added the action {quoted(v['we_will'])}, answering what young people said."
                + owner_added(v),
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
