"""Exporting the GOV.UK Notify list: channel and personalisation columns, who is left out and why,
then the file written on the worker thread (whole or not at all)."""

from __future__ import annotations

from pathlib import Path

from PySide6.QtCore import QTimer
from PySide6.QtWidgets import (
    QAbstractItemView,
    QCheckBox,
    QComboBox,
    QDialogButtonBox,
    QFormLayout,
    QHeaderView,
    QLabel,
    QLineEdit,
    QMessageBox,
    QTableView,
    QVBoxLayout,
    QWidget,
)

from nbdesk.common.errors import is_plain
from nbdesk.common.figures import people
from nbdesk.common.paths import file_name
from nbdesk.survey.notify import (
    DEFAULT_PERSONALISATION,
    PERSONALISATION,
    PLAN_LINK,
    NotifyList,
    notify_list,
    write_left_out_file,
    write_notify_file,
)
from nbdesk.ui.dialogs import show_error
from nbdesk.ui.file_dialogs import ask_save_path
from nbdesk.ui.ops import Ops
from nbdesk.ui.survey.fit import FittedDialog, Reflow
from nbdesk.ui.table_models import Column, ListModel

LEFT_OUT_COLUMNS = [
    Column("Unique id", lambda p: p.unique_id),
    Column("Name", lambda p: p.name),
    Column("PA", lambda p: p.pa_name),
    Column("Left out because", lambda p: p.reason),
]


class NotifyDialog(FittedDialog):
    def __init__(
        self, ops: Ops, round_id: int, parent: QWidget | None = None, authority: str = ""
    ) -> None:
        super().__init__(parent)
        self.ops = ops
        self.authority = authority
        self.round_id = round_id
        self.data: NotifyList | None = None
        self.written: Path | None = None
        self.setWindowTitle("GOV.UK Notify list")
        self.setAccessibleName("GOV.UK Notify list")
        self.channel = QComboBox()
        self.channel.setAccessibleName("Send by")
        self.channel.addItem("Text message (first column: phone number)", "text")
        self.channel.addItem("Email (first column: email address)", "email")
        self.channel.currentIndexChanged.connect(self.refresh)
        # Reminders go to those still to complete; telling everyone back what was found and what
        # the plan does goes to every care leaver on the register who can be contacted.
        self.who = QComboBox()
        self.who.setAccessibleName("Who the list is for")
        self.who.addItem("Those still to complete the survey (reminders)", False)
        self.who.addItem("Everyone on the register who can be contacted (telling them back)", True)
        self.who.currentIndexChanged.connect(self._who_chosen)
        for combo in (self.channel, self.who):
            # The choices' words are long: elided to the room there is, never past the screen.
            combo.setMinimumContentsLength(16)
            combo.setSizeAdjustPolicy(
                QComboBox.SizeAdjustPolicy.AdjustToMinimumContentsLengthWithIcon
            )
        self.plan_link = QLineEdit()
        self.plan_link.setAccessibleName("Plan link")
        self.plan_link.setPlaceholderText("https://… the address of the plan for young people")
        # Checked as it is typed (after a pause), not only when the field is left.
        self._link_timer = QTimer(self)
        self._link_timer.setSingleShot(True)
        self._link_timer.setInterval(400)
        self._link_timer.timeout.connect(self.refresh)
        self.plan_link.textChanged.connect(lambda _t: self._link_timer.start())
        self.plan_link.editingFinished.connect(self.refresh)
        self.columns: dict[str, QCheckBox] = {}
        for name in PERSONALISATION:
            box = QCheckBox(f"(({name}))")
            box.setAccessibleName(f"Personalisation column {name}")
            box.setChecked(name in DEFAULT_PERSONALISATION)
            box.toggled.connect(self.refresh)
            self.columns[name] = box
        boxes = Reflow(list(self.columns.values()))
        form = QFormLayout()
        form.addRow("&For:", self.who)
        form.addRow("Send &by:", self.channel)
        form.addRow("Template placeholders:", boxes)
        self.link_label = QLabel("Plan lin&k ((plan link)):")
        self.link_label.setBuddy(self.plan_link)
        form.addRow(self.link_label, self.plan_link)
        self.summary = QLabel()
        self.summary.setWordWrap(True)
        self.summary.setAccessibleDescription("Who will be in the list")
        self.model = ListModel(LEFT_OUT_COLUMNS, self)
        self.left_out = QTableView()
        self.left_out.setModel(self.model)
        self.left_out.setAccessibleName("People left out, with the reason")
        self.left_out.setTabKeyNavigation(False)  # Tab leaves the table; arrows move within it
        self.left_out.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.left_out.verticalHeader().hide()
        self.left_out.horizontalHeader().setSectionResizeMode(3, QHeaderView.ResizeMode.Stretch)
        label = QLabel("People &left out (follow them up another way):")
        label.setBuddy(self.left_out)
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Close)
        self.save = buttons.addButton("&Save the list…", QDialogButtonBox.ButtonRole.AcceptRole)
        self.save_left = buttons.addButton(
            "Save those left &out…", QDialogButtonBox.ButtonRole.ActionRole
        )
        self.save.clicked.connect(self.save_list)
        self.save_left.clicked.connect(self.save_left_out)
        buttons.rejected.connect(self.reject)
        layout = QVBoxLayout(self)
        layout.addLayout(form)
        layout.addWidget(self.summary)
        layout.addWidget(label)
        layout.addWidget(self.left_out, 1)
        layout.addWidget(buttons)
        line = self.fontMetrics().height()
        self.left_out.setMinimumHeight(line * 5)
        self.fit_to_screen(line * 50, line * 30, grow=False)
        self._who_chosen()

    def everyone(self) -> bool:
        return bool(self.who.currentData())

    def _who_chosen(self, *_: object) -> None:
        self.link_label.setVisible(self.everyone())
        self.plan_link.setVisible(self.everyone())
        self.refresh()

    def personalisation(self) -> tuple[str, ...]:
        chosen = tuple(n for n, b in self.columns.items() if b.isChecked())
        return (*chosen, PLAN_LINK) if self.everyone() else chosen

    def refresh(self) -> None:
        self.save.setEnabled(False)
        self.save_left.setEnabled(False)
        round_id = self.round_id
        channel, columns = self.channel.currentData(), self.personalisation()
        everyone, link = self.everyone(), self.plan_link.text().strip()
        if everyone and not link:
            self.data = None
            self.model.set_rows([])
            self.summary.setText(
                "Type the plan's web address (its young people's version) for the (("
                f"{PLAN_LINK})) placeholder: every message carries it."
            )
            return
        self.summary.setText(
            "Working out who to tell…" if everyone else "Working out who to remind…"
        )

        def done(data: NotifyList) -> None:
            if (data.channel, data.headers[1:]) != (
                self.channel.currentData(),
                self.personalisation(),
            ):
                return  # overtaken by another change
            self.data = data
            what = (
                f"{people(len(data.rows))} to tell back"
                if everyone
                else f"{people(len(data.rows))} to remind in {data.round_name}"
            )
            then = (
                " Once the messages have gone, record it in Action plan › Shared back…."
                if everyone
                else ""
            )
            self.summary.setText(
                f"{what}. Columns: "
                + ", ".join(data.headers)
                + f". {len(data.left_out)} left out (listed below with the reason).{then}"
            )
            self.summary.setAccessibleDescription(self.summary.text())
            self.model.set_rows(data.left_out)
            self.left_out.resizeColumnsToContents()
            self.save.setEnabled(bool(data.rows))
            self.save_left.setEnabled(bool(data.left_out))

        self.ops.read(
            self,
            lambda session: notify_list(
                session, round_id, channel, columns, everyone=everyone, plan_link=link
            ),
            done,
            failed=self._not_built,
            key=f"notify-{id(self)}",
            title="Building the Notify list",
        )

    def _not_built(self, exc: Exception) -> None:
        # A link that is not a web address is said beside the field, not in a dialog.
        self.data = None
        self.model.set_rows([])
        self.summary.setText(f"⚠ {exc}")

    def _write(self, title: str, what: str, filters: str, writer) -> None:
        data = self.data
        if data is None:
            return
        suggested = file_name(self.authority, what, data.round_name, suffix=".csv")
        path = ask_save_path(self, title, "notify", suggested, filters, "")
        if path is None:
            return
        if path.suffix.lower() not in (".csv", ".xlsx"):
            path = path.with_name(path.name + ".csv")

        def done(written: Path) -> None:
            self.written = written
            QMessageBox.information(self, title, f"Saved {written}.")

        def failed(exc: Exception) -> None:
            if is_plain(exc):  # anything unforeseen Ops has shown, its details logged
                show_error(self, "Nothing was saved", str(exc))

        self.ops.outside(self, title, lambda progress: writer(path, data), done, failed=failed)

    def save_list(self) -> None:
        channel = self.data.channel if self.data else "text"
        what = "Notify list, texts" if channel == "text" else "Notify list, emails"
        if self.everyone():  # its own name: a reminder list saved earlier is never overwritten
            what = what.replace("Notify list", "Notify list telling everyone back")
        self._write(
            "Save the Notify list", what, "CSV (*.csv);;Excel workbook (*.xlsx)", write_notify_file
        )

    def save_left_out(self) -> None:
        self._write(
            "Save those left out", "left out of the Notify list", "CSV (*.csv)", write_left_out_file
        )
