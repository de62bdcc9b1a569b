"""The Returns section: choose what to export and from what, see what will be in it (including
which cells will be hidden as [c]), choose the file, and write it off the UI thread.

Everything it shows comes from nbdesk.returns.service as plain values. Both the preview (which
counts a round of thousands of people) and the writing run on the worker through Ops, so the window
never waits on them; a progress dialog shows only if one takes a while. Only the newest preview asked
for is shown, however quickly the choices change. A failed write (the file open in Excel, read-only,
a full disk) is explained in one dialog and leaves no half-written file.
"""

from __future__ import annotations

import html
from pathlib import Path
from typing import Any

from PySide6.QtCore import Qt
from PySide6.QtWidgets import (
    QCheckBox,
    QComboBox,
    QFormLayout,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QPushButton,
    QTextBrowser,
    QVBoxLayout,
    QWidget,
)

from nbdesk.common.changes import Changes
from nbdesk.common.errors import is_plain
from nbdesk.returns import service
from nbdesk.returns.tagged_pdf import tagged_pdf_offered
from nbdesk.ui.dialogs import show_error
from nbdesk.ui.file_dialogs import ask_save_path
from nbdesk.ui.sections.base import Section
from nbdesk.ui.survey.fit import show_whole

NO_COMPARISON = "No comparison"
# What a file is made from: the label beside the chooser (with its shortcut) and its name.
SUBJECT_LABELS = {
    "assessment": ("&Assessment:", "Assessment"),
    "round": ("Survey &round:", "Survey round"),
    "plan": ("Action p&lan:", "Action plan"),
}


class ReturnsSection(Section):
    title = "Returns"

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        heading = QLabel(f"<h2>{self.title} and reports</h2>")
        heading.setTextFormat(Qt.TextFormat.RichText)
        heading.setAccessibleName("Returns and reports")

        self.kind = QComboBox()
        self.kind.setAccessibleName("What to export")
        for k in service.KINDS:
            self.kind.addItem(k.label, k.key)
        self.kind_help = QLabel()
        self.kind_help.setWordWrap(True)
        self.kind_help.setAccessibleDescription("About this kind of file")

        self.subject = QComboBox()
        self.subject.setAccessibleName("Made from")
        self.subject.setMinimumContentsLength(30)
        self.compare = QComboBox()
        self.compare.setAccessibleName("Compare with")
        self.compare_label = QLabel("Co&mpare with:")
        self.compare_label.setBuddy(self.compare)

        form = QFormLayout()
        what = QLabel("&What to export:")
        what.setBuddy(self.kind)
        # The description sits right under the choice it describes (a word-wrapped label in a
        # row of its own gets a tall, empty row from the form layout).
        kind_box = QVBoxLayout()
        kind_box.setSpacing(2)
        kind_box.addWidget(self.kind)
        kind_box.addWidget(self.kind_help)
        form.addRow(what, kind_box)
        self.subject_label = QLabel("Made &from:")
        self.subject_label.setBuddy(self.subject)
        form.addRow(self.subject_label, self.subject)
        form.addRow(self.compare_label, self.compare)
        # The plan for young people's choices: owners named or not, and how to get involved.
        # Short enough to sit beside its label at twice the font; the rest said on hover.
        self.show_owners = QCheckBox("&Name who does each action")
        self.show_owners.setAccessibleName("Name who is doing each action")
        owners = "The people, teams and partners doing each action, as the plan names them."
        self.show_owners.setToolTip(owners)
        self.show_owners.setAccessibleDescription(owners)
        self.get_involved = QLineEdit()
        self.get_involved.setAccessibleName("How young people can get involved")
        self.get_involved.setPlaceholderText(
            "Blank: ask your PA how to join the care leavers' group"
        )
        self.get_involved_label = QLabel("How to get &involved:")
        self.get_involved_label.setBuddy(self.get_involved)
        form.addRow("", self.show_owners)
        form.addRow(self.get_involved_label, self.get_involved)
        # A PDF report printed from its web page as a tagged PDF: offered only where the optional
        # WeasyPrint is installed (looked for, not imported: importing it is slow).
        self.tagged_offered = tagged_pdf_offered()
        self.tagged = QCheckBox("Ta&gged PDF for screen readers")
        tagged = (
            "Printed from the web page by WeasyPrint: headings, tables and the last line read in "
            "order. Needs the Pango library; the web page is always the accessible version."
        )
        self.tagged.setToolTip(tagged)
        self.tagged.setAccessibleDescription(tagged)
        form.addRow("", self.tagged)

        self.preview = QTextBrowser()
        self.preview.setAccessibleName("Preview of what will be in the file")
        self.preview.setOpenLinks(False)
        self.preview.setFocusPolicy(Qt.FocusPolicy.StrongFocus)
        preview_label = QLabel("&Preview:")
        preview_label.setBuddy(self.preview)

        self.export_button = QPushButton("&Export…")
        self.export_button.setAccessibleName("Export: choose the file and write it")
        self.status = QLabel()
        self.status.setWordWrap(True)
        self.status.setAccessibleName("Export status")
        self.status.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByKeyboard)
        self.status.setFocusPolicy(Qt.FocusPolicy.StrongFocus)

        buttons = QHBoxLayout()
        buttons.addWidget(self.export_button)
        buttons.addWidget(self.status, 1)

        layout = QVBoxLayout(self)
        layout.addWidget(heading)
        layout.addLayout(form)
        layout.addWidget(preview_label)
        layout.addWidget(self.preview, 1)
        layout.addLayout(buttons)
        self.setFocusProxy(self.kind)

        self.kind.currentIndexChanged.connect(self._kind_changed)
        self.subject.currentIndexChanged.connect(self._subject_changed)
        self.compare.currentIndexChanged.connect(lambda _i: self.refresh_preview())
        self.show_owners.toggled.connect(lambda _on: self.refresh_preview())
        self.get_involved.editingFinished.connect(self.refresh_preview)
        self.export_button.clicked.connect(self.start_export)
        self.task: Any = None
        self.last_written: Path | None = None
        self._preview_asked = 0  # numbers each preview asked for; only the newest is shown
        self._preview_shown = 0
        self._listing = False  # the assessments or rounds are being read
        self._kind_changed()

    # Choosing ----------------------------------------------------------------------------------

    def set_ops(self, ops: Any) -> None:
        super().set_ops(ops)
        self.status.clear()  # what was exported from the file before
        self._kind_changed()

    def shown_again(self) -> None:
        """Back from another section: list the assessments and rounds afresh (another program,
        the command line say, may have made one), keeping what was chosen."""
        self._kind_changed(keep=(self.subject.currentData(), self.compare.currentData()))

    def on_changes(self, changes: Changes) -> None:
        """A return shows assessments and rounds made anywhere: list them afresh (keeping what
        was chosen) when they change, and prepare the preview again if what it shows changed."""
        if changes.assessment_list or changes.rounds or changes.authority:
            self._kind_changed(keep=(self.subject.currentData(), self.compare.currentData()))
            return
        if self.current_kind().subject == "plan":
            # A plan's name, stage and progress show in the list and the preview alike.
            if changes.plans or changes.feedback:  # findings cited, or the plan shared back
                self._kind_changed(keep=(self.subject.currentData(), None))
            return
        # Only what the preview on screen is made from: a workshop rating each statement must
        # not set a round's suppression audit going again, nor another assessment's report.
        if self.current_kind().subject == "assessment":
            shown = {self.subject.currentData(), self.compare.currentData()}
            if changes.assessments & shown:
                self.refresh_preview()
        elif changes.members or changes.completions or changes.register:
            self.refresh_preview()

    def current_kind(self) -> service.Kind:
        return service.kind(self.kind.currentData())

    def options(self) -> service.ExportOptions:
        return service.ExportOptions(self.show_owners.isChecked(), self.get_involved.text())

    def _kind_changed(self, _index: int = 0, keep: tuple[Any, Any] = (None, None)) -> None:
        k = self.current_kind()
        self.kind_help.setText(k.description)
        label, name = SUBJECT_LABELS[k.subject]
        self.subject_label.setText(label)
        self.subject.setAccessibleName(name)
        if self.ops is None:
            self._fill_subjects([], keep)
            return
        self._listing = True
        self.ops.read(
            self,
            lambda session: service.subjects(session, k.key),
            lambda items: self._fill_subjects(items, keep),
            key=f"returns-subjects-{id(self)}",
        )

    def _fill_subjects(self, items: list[service.Subject], keep: tuple[Any, Any]) -> None:
        self._listing = False
        self.subject.blockSignals(True)
        self.subject.clear()
        for item in items:
            self.subject.addItem(item.name, item.id)
            self.subject.setItemData(
                self.subject.count() - 1, item.describe, Qt.ItemDataRole.ToolTipRole
            )
        if keep[0] is not None and self.subject.findData(keep[0]) >= 0:
            self.subject.setCurrentIndex(self.subject.findData(keep[0]))
        self.subject.blockSignals(False)
        self._subject_changed(keep_compare=keep[1])

    def _subject_changed(self, _index: int = 0, keep_compare: Any = None) -> None:
        k = self.current_kind()
        comparing = k.key in service.WITH_COMPARISON
        choosing = k.key in service.WITH_OPTIONS
        for widget in (self.show_owners, self.get_involved, self.get_involved_label):
            widget.setVisible(choosing)
        self.tagged.setVisible(self.tagged_offered and k.key in service.TAGGED_FROM)
        self.compare.setVisible(comparing)
        self.compare_label.setVisible(comparing)
        self.compare.blockSignals(True)
        self.compare.clear()
        if comparing:
            self.compare.addItem(NO_COMPARISON, None)
            chosen = self.subject.currentData()
            for i in range(self.subject.count()):
                if self.subject.itemData(i) != chosen:
                    self.compare.addItem(self.subject.itemText(i), self.subject.itemData(i))
            if keep_compare is not None and self.compare.findData(keep_compare) >= 0:
                self.compare.setCurrentIndex(self.compare.findData(keep_compare))
        self.compare.blockSignals(False)
        self.refresh_preview()

    # Preview -----------------------------------------------------------------------------------

    def refresh_preview(self) -> None:
        """Prepare the preview of the current choice on the worker thread."""
        k = self.current_kind()
        subject_id = self.subject.currentData()
        self.export_button.setEnabled(self.ops is not None and subject_id is not None)
        self._preview_asked += 1
        asked = self._preview_asked
        if self.ops is None:
            self._show_preview(asked, "<p>No file is open.</p>")
            return
        if subject_id is None:
            what = {"assessment": "assessments", "round": "survey rounds"}.get(
                k.subject, "action plans"
            )
            self._show_preview(asked, f"<p>There are no {what} in this file yet.</p>")
            return
        self.preview.setHtml("<p><i>Preparing the preview…</i></p>")
        key, compare_id, options = k.key, self.compare.currentData(), self.options()

        def failed(exc: Exception) -> None:
            # A preview that fails must not break the section; the export will say what is wrong.
            self._show_preview(asked, f"<p><b>Cannot preview:</b> {html.escape(str(exc))}</p>")

        self.ops.read(
            self,
            lambda session: preview_html(
                service.preview(session, key, subject_id, compare_id, options)
            ),
            lambda text: self._show_preview(asked, text),
            key=f"returns-preview-{id(self)}",
            failed=failed,
            title="Preparing the preview",
        )

    def _show_preview(self, asked: int, text: str) -> None:
        if asked != self._preview_asked:
            return  # a later choice has been made since this one was asked for
        self._preview_shown = asked
        self.preview.setHtml(text)

    def preview_pending(self) -> bool:
        """True while the preview of the current choice is still being prepared."""
        return self._listing or self._preview_shown != self._preview_asked

    # Export ------------------------------------------------------------------------------------

    def ask_for_path(self, suggested: str, file_filter: str) -> Path | None:
        """The save dialog; tests replace this method."""
        suffix = self.current_kind().suffix
        return ask_save_path(self, "Export to", "returns", suggested, file_filter, suffix)

    def start_export(self) -> None:
        if self.ops is None or self.subject.currentData() is None or self.task is not None:
            return
        k = self.current_kind()
        path = self.ask_for_path(
            service.suggested_file_name(k.key, self.subject.currentText(), self.authority),
            k.file_filter,
        )
        if path is None:
            return
        if path.suffix.lower() != k.suffix:
            path = path.with_name(path.name + k.suffix)
        subject_id = self.subject.currentData()
        compare_id = self.compare.currentData() if k.key in service.WITH_COMPARISON else None
        options = self.options()
        tagged = self.tagged.isVisibleTo(self) and self.tagged.isChecked()
        self.export_button.setEnabled(False)
        self.status.setText(f"Writing {path.name}…")
        self.task = self.ops.run_with_sessions(
            self,
            f"Writing {path.name}",
            lambda sessions, progress: service.export(
                sessions,
                k.key,
                subject_id,
                path,
                compare_id,
                progress.report,
                options,
                tagged=tagged,
            ),
            lambda written: self._written(written, f"{k.label}, {self.subject.currentText()}"),
            failed=self._failed,
        )

    def _written(self, path: Path, what: str = "") -> None:
        self.task = None
        self.last_written = path
        self.export_button.setEnabled(True)
        # Named by what was exported: the line stays while another kind is chosen, and must not
        # read as if that one had been saved.
        said = f"Saved ({what}): {path}" if what else f"Saved: {path}"
        self.status.setText(said)
        self.status.setAccessibleName(f"Export status: {said}")
        show_whole(self.status)  # under the preview: scrolled out of view at a large font

    def _failed(self, exc: Exception) -> None:
        self.task = None
        self.export_button.setEnabled(True)
        self.status.setText(f"Not saved: {exc}")
        self.status.setAccessibleName(f"Export status: not saved. {exc}")
        show_whole(self.status)
        if is_plain(exc):  # an unforeseen failure was shown by Ops, with its details logged
            show_error(self, "The file was not saved", str(exc))


def preview_html(p: service.Preview) -> str:
    """The preview as rich text. A hidden cell reads "[c]" in bold with what it hides in words,
    so the marking never depends on colour."""
    e = html.escape
    parts = [f"<h3>{e(p.heading)}</h3>", "<table cellspacing='0' cellpadding='2'>"]
    parts += [f"<tr><td><b>{e(k)}</b></td><td>{e(v)}</td></tr>" for k, v in p.facts]
    parts.append("</table><p><b>In the file:</b></p><ul>")
    parts += [f"<li>{e(c)}</li>" for c in p.contents]
    parts.append("</ul>")
    if p.hidden_cells:
        parts.append(
            f"<p><b>{p.hidden_cells} cells will be shown as [c].</b> Below, each reads "
            "<b>[c]</b> followed by what it hides (you see it; the file will not).</p>"
        )
    for t in p.tables:
        parts.append(f"<p><b>{e(t.title)}</b></p>")
        parts.append("<table border='1' cellspacing='0' cellpadding='3'><tr>")
        parts += [f"<th align='left'>{e(h)}</th>" for h in t.headers]
        parts.append("</tr>")
        for row in t.rows:
            parts.append("<tr>")
            for c in row:
                if c.hidden:
                    parts.append(f"<td><b>[c]</b> <i>({e(c.why)})</i></td>")
                else:
                    parts.append(f"<td>{e(c.text)}</td>")
            parts.append("</tr>")
        parts.append("</table>")
    parts.append(f"<p><i>{e(p.note)}</i></p>")
    return "".join(parts)
