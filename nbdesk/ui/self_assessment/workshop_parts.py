"""The parts of the workshop window: the statement page, the overall page, the side panel, the
rating buttons, and the watchers that save a note as focus leaves it."""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING

from PySide6.QtCore import QEvent, QObject, Qt
from PySide6.QtGui import (
    QKeyEvent,
    QKeySequence,
    QStandardItem,
    QStandardItemModel,
)
from PySide6.QtWidgets import (
    QAbstractItemView,
    QFrame,
    QGridLayout,
    QHBoxLayout,
    QLabel,
    QListView,
    QPlainTextEdit,
    QProgressBar,
    QPushButton,
    QSpinBox,
    QVBoxLayout,
    QWidget,
)

from nbdesk.common.figures import fixed
from nbdesk.forms.framework import FrameworkDef
from nbdesk.self_assessment.assessments import AreaState, StatementState
from nbdesk.self_assessment.workshop import WorkshopState
from nbdesk.ui.self_assessment.common import rating_colour, scale

if TYPE_CHECKING:
    from nbdesk.ui.self_assessment.workshop import WorkshopWindow

STATEMENT_SCALE = 2.2

SHORTCUTS = (
    "<b>1–4</b> rate · <b>← →</b> or <b>N P</b> move · <b>PgUp PgDn</b> area · "
    "<b>E</b> or <b>Enter</b> evidence · <b>F</b> flag · <b>Ctrl+G</b> go to · "
    "<b>L</b> flagged list · <b>S</b> side panel · <b>Ctrl+Z</b> undo · "
    "<b>Esc</b> leave the note / the workshop · <b>F1</b> all keys"
)
# The same keys in full, for Help › Keyboard shortcuts (the footer above is the projector's).
WORKSHOP_KEYS = (
    (("1", "2", "3", "4"), "rate the statement (the framework's scale)"),
    (("Right", "N"), "the next statement (after an area's last, its overall score)"),
    (("Left", "P"), "the statement before"),
    (("PgDown", "PgUp"), "the next area, the area before"),
    (("E", "Enter"), "write the evidence note (Esc goes back to the statement)"),
    (("F",), "flag the statement to come back to"),
    (("L",), "the list of flagged statements"),
    (("S",), "show or hide the side panel"),
    (("Ctrl+G",), "go to a statement by its reference (7m) or words from it"),
    (("Ctrl+Z",), "undo the last change made in this workshop"),
    (("Esc",), "leave the workshop (everything is already saved)"),
    (("F1",), "this list of keys"),
)


class RatingButton(QPushButton):
    def __init__(self, points: int, label: str, top: int) -> None:
        super().__init__()
        self.points = points
        self.label_text = label
        self.setCheckable(True)
        self.setFocusPolicy(Qt.FocusPolicy.NoFocus)  # keys 1–4 rate; focus stays on the page
        scale(self, 1.45, bold=True)
        self.setAccessibleName(f"{points} {label} (key {points})")
        colour = rating_colour(points, top).name()
        self.setStyleSheet(
            f"QPushButton {{ border: 3px solid {colour}; border-radius: 10px; padding: 0.6em;"
            f" color: {colour}; background: palette(base); }}"
            f"QPushButton:checked {{ background: {colour}; color: white; }}"
            # Watching (read-only): dashed, so a button that cannot be pressed does not look it.
            "QPushButton:disabled { border-style: dashed; }"
        )
        self.setSizePolicy(self.sizePolicy().horizontalPolicy(), self.sizePolicy().verticalPolicy())
        self.refresh(False)

    def refresh(self, chosen: bool) -> None:
        self.setChecked(chosen)
        mark = "✓ " if chosen else ""
        self.setText(f"{mark}{self.points}\n{self.label_text}")


def is_escape(event: QKeyEvent) -> bool:
    return event.type() == QEvent.Type.KeyPress and event.key() == Qt.Key.Key_Escape


class NoteWatcher(QObject):
    """Saves a note when it loses focus, and hands Esc back to the workshop."""

    def __init__(self, on_focus_out: Callable[[], None], on_escape: Callable[[], None]) -> None:
        super().__init__()
        self.on_focus_out = on_focus_out
        self.on_escape = on_escape

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        if event.type() == QEvent.Type.FocusOut:
            self.on_focus_out()
        elif isinstance(event, QKeyEvent) and is_escape(event):
            self.on_escape()
            return True
        return False


class SpinWatcher(QObject):
    """On the overall page the spin box has focus; keys that move or leave go to the workshop."""

    PASS = {
        Qt.Key.Key_Left,
        Qt.Key.Key_Right,
        Qt.Key.Key_N,
        Qt.Key.Key_P,
        Qt.Key.Key_E,
        Qt.Key.Key_F,
        Qt.Key.Key_L,
        Qt.Key.Key_Return,
        Qt.Key.Key_Enter,
        Qt.Key.Key_Escape,
        Qt.Key.Key_PageUp,
        Qt.Key.Key_PageDown,
    }

    def __init__(self, window: WorkshopWindow) -> None:
        super().__init__(window)
        self.window = window

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        if event.type() == QEvent.Type.FocusOut:
            self.window.save_overall()
        if (
            event.type() == QEvent.Type.KeyPress
            and isinstance(event, QKeyEvent)
            and event.matches(QKeySequence.StandardKey.Undo)
        ):
            # The spin box's own text undo would quietly re-save a score; Ctrl+Z here is the
            # workshop's undo, as everywhere outside a note.
            self.window.undo_last()
            return True
        if (
            event.type() == QEvent.Type.KeyPress
            and isinstance(event, QKeyEvent)
            and (
                event.key() in self.PASS
                and not event.modifiers() & Qt.KeyboardModifier.ControlModifier
            )
        ):
            self.window.handle_key(event)
            return True
        return False


class StatementPage(QWidget):
    """One statement, big enough to read from the back of the room: where it is, its text, the
    rating buttons (keys 1–4 press them) and the evidence note."""

    def __init__(
        self, framework: FrameworkDef, on_rate: Callable[[int], None], plan_links: QWidget
    ) -> None:
        super().__init__()
        fw = framework
        self.plan_links = plan_links  # the actions citing the statement, and a new one for it
        self.area_label = QLabel()
        scale(self.area_label, 1.35)
        self.area_label.setWordWrap(True)
        self.area_label.setAccessibleDescription("Area")
        self.reference = QLabel()
        scale(self.reference, 3.0, bold=True, least=1.5)  # "7 / A" is what the room says
        self.reference.setAccessibleDescription("Statement reference")
        self.position = QLabel()
        scale(self.position, 1.2)
        self.position.setAccessibleDescription("Position in the area")
        self.flag_label = QLabel()
        scale(self.flag_label, 1.3, bold=True)
        self.flag_label.setAccessibleName("Flag to revisit")
        self.flag_label.setStyleSheet("color: #8a4b00;")
        ref_row = QHBoxLayout()
        ref_row.addWidget(self.reference)
        ref_row.addSpacing(self.fontMetrics().height())
        ref_row.addWidget(self.position, 0, Qt.AlignmentFlag.AlignBottom)
        ref_row.addStretch(1)
        ref_row.addWidget(self.flag_label, 0, Qt.AlignmentFlag.AlignBottom)
        self.statement = QLabel()
        scale(self.statement, STATEMENT_SCALE)
        self.statement.setWordWrap(True)
        self.statement.setAlignment(Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignTop)
        self.statement.setAccessibleName("Statement")
        self.statement.setFocusPolicy(Qt.FocusPolicy.StrongFocus)
        self.statement.setTextInteractionFlags(Qt.TextInteractionFlag.NoTextInteraction)
        self.rating_buttons: list[RatingButton] = []
        self.ratings = QGridLayout()
        # Lowest first, left to right, matching keys 1–4 on the keyboard.
        for point in sorted(fw.scale, key=lambda p: p.points):
            button = RatingButton(point.points, point.label, fw.max_points)
            button.clicked.connect(lambda _=False, p=point.points: on_rate(p))
            self.rating_buttons.append(button)
        self.arrange_ratings(len(self.rating_buttons))
        evidence_heading = QLabel(
            "&Evidence — comments, actions, links (E or Enter to write, Esc to leave)"
        )
        scale(evidence_heading, 1.1, bold=True)
        evidence_heading.setWordWrap(True)
        self.note = QPlainTextEdit()
        scale(self.note, 1.35)
        self.note.setAccessibleName("Evidence — comments, actions, links")
        self.note.setTabChangesFocus(True)
        self.note.setPlaceholderText("Press E to write what the rating is based on.")
        evidence_heading.setBuddy(self.note)
        sp = QVBoxLayout(self)
        sp.addWidget(self.area_label)
        sp.addLayout(ref_row)
        sp.addWidget(self.statement, 2)
        sp.addLayout(self.ratings)
        sp.addSpacing(self.fontMetrics().height() // 2)
        sp.addWidget(evidence_heading)
        sp.addWidget(self.note, 2)
        sp.addWidget(plan_links)

    def arrange_ratings(self, per_row: int) -> None:
        """The rating buttons in rows of `per_row`, still lowest first (two rows of two when large
        type leaves no room for four side by side)."""
        for button in self.rating_buttons:
            self.ratings.removeWidget(button)
        for n, button in enumerate(self.rating_buttons):
            self.ratings.addWidget(button, n // per_row, n % per_row)
            button.setMinimumHeight(button.sizeHint().height())  # both lines, number and words

    def ratings_width(self, per_row: int = 0) -> int:
        """The width the rating buttons take in rows of `per_row` (all in one row if 0)."""
        spacing = max(self.ratings.horizontalSpacing(), 0)
        widths = [b.sizeHint().width() + spacing for b in self.rating_buttons]
        per_row = per_row or len(widths)
        return max(sum(widths[i : i + per_row]) for i in range(0, len(widths), per_row))

    def show_rating(self, statement: StatementState, state: WorkshopState) -> None:
        points = state.points[statement.statement_id]
        for button in self.rating_buttons:
            button.refresh(button.points == points)
        flagged = state.flags[statement.statement_id]
        self.flag_label.setText("⚑ Flagged to revisit (F to clear)" if flagged else "")
        fw = state.detail.framework
        chosen = f"rated {points} {fw.label_for(points)}" if points is not None else "not yet rated"
        self.statement.setAccessibleName(
            f"Statement {statement.reference}, {chosen}{', flagged' if flagged else ''}: "
            + statement.text
        )


class OverallPage(QWidget):
    """The end of an area: the group's overall score of it, its note, and the area's statements
    as rated, to decide by."""

    def __init__(self, framework: FrameworkDef) -> None:
        super().__init__()
        fw = framework
        self.overall_area = QLabel()
        scale(self.overall_area, 1.35)
        self.overall_area.setWordWrap(True)
        self.overall_heading = QLabel()
        scale(self.overall_heading, 2.2, bold=True)
        self.overall_heading.setWordWrap(True)
        self.overall_summary = QLabel()
        scale(self.overall_summary, 1.5)
        self.overall_summary.setWordWrap(True)
        self.overall_summary.setAccessibleDescription("Area summary")
        self.overall_spin = QSpinBox()
        self.overall_spin.setRange(-1, fw.overall_out_of)
        self.overall_spin.setSpecialValueText("not yet given")
        self.overall_spin.setSuffix(f" out of {fw.overall_out_of}")
        scale(self.overall_spin, 2.6, bold=True)
        self.overall_spin.setAccessibleName(
            f"Overall rating of the area, out of {fw.overall_out_of}"
        )
        overall_hint = QLabel(
            f"Type the group's overall score (0–{fw.overall_out_of}) or use ↑ ↓; "
            "E writes the note; → goes on to the next area."
        )
        scale(overall_hint, 1.1)
        overall_hint.setWordWrap(True)
        note_heading = QLabel("&Note on the overall score")
        scale(note_heading, 1.1, bold=True)
        self.overall_note_edit = QPlainTextEdit()
        scale(self.overall_note_edit, 1.35)
        self.overall_note_edit.setAccessibleName("Note on the overall score")
        self.overall_note_edit.setTabChangesFocus(True)
        note_heading.setBuddy(self.overall_note_edit)
        op = QVBoxLayout(self)
        op.addWidget(self.overall_area)
        op.addWidget(self.overall_heading)
        op.addWidget(self.overall_summary)
        spin_row = QHBoxLayout()
        spin_row.addWidget(self.overall_spin)
        spin_row.addStretch(1)
        op.addLayout(spin_row)
        op.addWidget(overall_hint)
        op.addWidget(note_heading)
        op.addWidget(self.overall_note_edit, 1)
        ratings_heading = QLabel("The area's statements as rated")
        scale(ratings_heading, 1.1, bold=True)
        self.area_ratings_model = QStandardItemModel(self)
        self.area_ratings = QListView()
        self.area_ratings.setModel(self.area_ratings_model)
        scale(self.area_ratings, 1.15)
        self.area_ratings.setAccessibleName("The area's statements and their ratings")
        self.area_ratings.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        # The score is typed with the focus in the spin box; the list is there to be read.
        self.area_ratings.setFocusPolicy(Qt.FocusPolicy.NoFocus)
        self.area_ratings.setTextElideMode(Qt.TextElideMode.ElideRight)
        # Cut short with "…" (a sideways scroll bar took a row's height and cut nothing)
        self.area_ratings.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        op.addWidget(ratings_heading)
        op.addWidget(self.area_ratings, 2)

    def show_area(self, area: AreaState, state: WorkshopState) -> None:
        fw = state.detail.framework
        rated = [state.points[s.statement_id] for s in area.statements]
        given = [p for p in rated if p is not None]
        if given:
            mean = sum(given) / len(given)
            text = (
                f"{len(given)} of {len(rated)} statements rated · mean {fixed(mean, 2)} of "
                f"{fw.max_points} ({fixed(mean / fw.max_points * 100)}%)"
            )
        else:
            text = f"None of the {len(rated)} statements is rated yet."
        self.overall_summary.setText(text)
        self.area_ratings_model.clear()
        for statement in area.statements:
            points = state.points[statement.statement_id]
            rating = f"{points} {fw.label_for(points)}" if points is not None else "not rated"
            flag = "  ⚑" if state.flags[statement.statement_id] else ""
            item = QStandardItem(f"{statement.reference}   {rating}{flag}   —   {statement.text}")
            item.setForeground(rating_colour(points, fw.max_points))
            self.area_ratings_model.appendRow(item)


class SidePanel(QWidget):
    """Beside the page: each area with how much of it is rated, and the statements flagged."""

    def __init__(self) -> None:
        super().__init__()
        areas_heading = QLabel("Areas (PgUp/PgDn)")
        scale(areas_heading, 1.1, bold=True)
        self.area_model = QStandardItemModel(self)
        self.area_list = QListView()
        self.area_list.setModel(self.area_model)
        self.area_list.setAccessibleName("Areas and how many statements are rated")
        self.area_list.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.area_list.setWordWrap(True)
        scale(self.area_list, 1.1)
        flagged_heading = QLabel("Flagged to revisit (L)")
        scale(flagged_heading, 1.1, bold=True)
        self.flag_model = QStandardItemModel(self)
        self.flag_list = QListView()
        self.flag_list.setModel(self.flag_model)
        self.flag_list.setAccessibleName("Statements flagged to revisit")
        self.flag_list.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.flag_list.setWordWrap(True)
        scale(self.flag_list, 1.1)
        side = QVBoxLayout()
        side.setContentsMargins(0, 0, 0, 0)
        side.addWidget(areas_heading)
        side.addWidget(self.area_list, 3)
        side.addWidget(flagged_heading)
        side.addWidget(self.flag_list, 1)
        # The line that sets it apart from the page comes and goes with it.
        line = QFrame()
        line.setFrameShape(QFrame.Shape.VLine)
        beside = QHBoxLayout(self)
        beside.setContentsMargins(0, 0, 0, 0)
        beside.addWidget(line)
        beside.addLayout(side, 1)

    def show_progress(self, state: WorkshopState) -> None:
        out_of = state.detail.framework.overall_out_of
        current = self.area_list.currentIndex().row()
        self.area_model.clear()
        for area in state.areas:
            rated = state.rated_in(area)
            overall = state.overall[area.area_id]
            overall_text = (
                f"overall {overall}/{out_of}" if overall is not None else "no overall yet"
            )
            done = "✓ " if rated == len(area.statements) and overall is not None else ""
            self.area_model.appendRow(
                QStandardItem(
                    f"{done}{area.number}. {area.title}\n"
                    f"    {rated} of {len(area.statements)} rated · {overall_text}"
                )
            )
        if current >= 0:
            self.area_list.setCurrentIndex(self.area_model.index(current, 0))
        self.flag_model.clear()
        for s in state.flagged():
            item = QStandardItem(f"{s.reference}  {s.text}")
            item.setData(s.statement_id, Qt.ItemDataRole.UserRole)
            self.flag_model.appendRow(item)
        if not self.flag_model.rowCount():
            none = QStandardItem("None flagged")
            # Readable (a disabled row was drawn at 1.9:1), only not choosable.
            none.setFlags(Qt.ItemFlag.ItemIsEnabled)
            self.flag_model.appendRow(none)


class Header(QWidget):
    """The assessment's name and how far the group has got."""

    def __init__(self, name: str, statements: int) -> None:
        super().__init__()
        self.title = QLabel(name)
        scale(self.title, 1.25, bold=True)
        self.title.setAccessibleDescription("Assessment")
        self.progress_text = QLabel()
        scale(self.progress_text, 1.15)
        self.progress_text.setAccessibleDescription("Progress")
        self.progress = QProgressBar()
        self.progress.setRange(0, max(1, statements))
        self.progress.setTextVisible(False)
        self.progress.setAccessibleName("Statements rated in all")
        self.progress.setMaximumWidth(self.fontMetrics().averageCharWidth() * 40)
        row = QHBoxLayout(self)
        row.setContentsMargins(0, 0, 0, 0)
        row.addWidget(self.title, 1)
        row.addWidget(self.progress_text)
        row.addWidget(self.progress)


class Footer(QWidget):
    """The keys, what was last saved, and the way out."""

    def __init__(self, keys: str) -> None:
        super().__init__()
        self.shortcuts = QLabel(keys)
        self.shortcuts.setWordWrap(True)
        scale(self.shortcuts, 1.05)
        self.shortcuts.setAccessibleDescription("Keyboard shortcuts")
        self.status = QLabel()
        scale(self.status, 1.05)
        self.status.setAccessibleDescription("What was last saved")
        self.leave_button = QPushButton("Leave the workshop (Esc)")
        self.leave_button.setAccessibleName("Leave the workshop")
        self.leave_button.setFocusPolicy(Qt.FocusPolicy.TabFocus)
        row = QHBoxLayout(self)
        row.setContentsMargins(0, 0, 0, 0)
        row.addWidget(self.shortcuts, 1)
        row.addWidget(self.status)
        row.addWidget(self.leave_button)
