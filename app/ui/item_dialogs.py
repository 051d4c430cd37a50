"""The dialogs of an item's life: forward, hand over (with the signature pad), who did it (return, shred, recycle,
deposit, decide), undo, and a conflict with Nexudus.

Each dialog checks what it can at once, then sends the work to the desk service through the task runner; a refusal
comes back as `ItemInputError` and is shown under the field it names (the dialog stays open, nothing is recorded);
success closes the dialog. Enter confirms, Esc cancels; multi-line fields take Tab to move on.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from typing import Any

from PySide6.QtCore import Qt, Signal
from PySide6.QtGui import QKeySequence, QShortcut
from PySide6.QtWidgets import (
    QCheckBox,
    QComboBox,
    QCompleter,
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QPlainTextEdit,
    QPushButton,
    QSizePolicy,
    QVBoxLayout,
    QWidget,
)

from app.desk.deliveries import DeskInputError, desk_time, type_label
from app.desk.item_life import (
    ConflictRow,
    ForwardForm,
    ItemInputError,
    ItemLifeService,
    Outcome,
    OutcomeRow,
    QueueItem,
    item_code,
)
from app.desk.vocabulary import OUTCOME_LABELS, OUTCOME_PAST
from app.ui.signature_pad import SignaturePad
from app.ui.tasks import TaskRunner
from app.ui.theme import Tone, error_label, tone_color

log = logging.getLogger(__name__)

CARRIERS = ("Royal Mail", "Parcelforce", "DHL", "UPS", "FedEx", "DPD", "Evri", "Courier")
CHANNEL = "item-life"


def item_summary(item: QueueItem) -> str:
    d = item.delivery
    who = d.recipient_name or d.name
    company = f" ({d.company_name})" if d.company_name and d.company_name != who else ""
    shelf = f" — shelf {d.shelf or d.location}" if (d.shelf or d.location) else ""
    return (
        f"{item_code(d.delivery_id)}: {type_label(d.delivery_type)} for {who}{company}{shelf}, received "
        f"{desk_time(d.created_at)}"
    )


class WorkDialog(QDialog):
    """Base: field error labels, a general error label, and sending the work through the runner."""

    recorded = Signal(object)  # what the service returned

    def __init__(self, title: str, runner: TaskRunner, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setWindowTitle(title)
        self.setAccessibleName(title)
        self._runner = runner
        self.field_errors: dict[str, QLabel] = {}
        self.field_widgets: dict[str, QWidget] = {}
        self.error = error_label()
        self.busy = False
        self.buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel)
        self.buttons.accepted.connect(self._submit)
        self.buttons.rejected.connect(self.reject)
        self.ok = self.buttons.button(QDialogButtonBox.StandardButton.Ok)
        for keys in ("Ctrl+Return", "Ctrl+Enter"):
            QShortcut(QKeySequence(keys), self).activated.connect(self._submit)

    def add_field(self, form: QFormLayout, label: str, name: str, widget: QWidget) -> QWidget:
        box = QWidget()
        column = QVBoxLayout(box)
        column.setContentsMargins(0, 0, 0, 0)
        column.setSpacing(2)
        column.addWidget(widget)
        error = error_label()
        column.addWidget(error)
        if not isinstance(widget, SignaturePad) and name != "signature":
            box.setSizePolicy(QSizePolicy.Policy.Preferred, QSizePolicy.Policy.Maximum)
        self.field_errors[name] = error
        self.field_widgets[name] = widget
        form.addRow(label, box)
        return widget

    def show_error(self, message: str, field_name: str = "") -> None:
        for label in self.field_errors.values():
            label.hide()
        self.error.hide()
        target = self.field_errors.get(field_name)
        if target is None:
            target = self.error
        target.setText(message)
        target.show()
        widget = self.field_widgets.get(field_name)
        if widget is not None:
            widget.setFocus()

    def check(self) -> tuple[str, str] | None:
        """(field, message) of the first problem found before sending, or None."""
        return None

    def work(self) -> Callable[[], Any]:
        raise NotImplementedError

    def _submit(self) -> None:
        if self.busy:
            return
        problem = self.check()
        if problem is not None:
            self.show_error(problem[1], problem[0])
            return
        self.busy = True
        self.ok.setEnabled(False)
        self._runner.submit(CHANNEL, self.work(), on_result=self._done, on_error=self._failed)

    def _done(self, result: object) -> None:
        self.busy = False
        self.ok.setEnabled(True)
        self.recorded.emit(result)
        self.accept()

    def _failed(self, exc: BaseException) -> None:
        self.busy = False
        self.ok.setEnabled(True)
        if isinstance(exc, ItemInputError):
            self.show_error(exc.user_message, exc.field)
        elif isinstance(exc, DeskInputError):
            self.show_error(exc.user_message)
        else:
            log.error("Recording failed", exc_info=exc)
            self.show_error(f"That could not be recorded: {exc}. Nothing was changed.")


class ForwardDialog(WorkDialog):
    """Where the item is sent (pre-filled from the contract, editable), how, and its tracking number."""

    def __init__(
        self,
        item: QueueItem,
        form: ForwardForm,
        service: ItemLifeService,
        runner: TaskRunner,
        countries: list[str] | None = None,
        parent: QWidget | None = None,
    ) -> None:
        super().__init__("Forward", runner, parent)
        self._item = item
        self._service = service
        info = QLabel(item_summary(item))
        info.setWordWrap(True)
        self.sent_to = QLineEdit(form.sent_to_name)
        self.sent_to.setAccessibleName("Send to")
        self.address = QPlainTextEdit("\n".join(form.address_lines))
        self.address.setAccessibleName("Address")
        self.address.setTabChangesFocus(True)
        self.address.setPlaceholderText("One line per line of the address")
        self.address.setFixedHeight(self.fontMetrics().lineSpacing() * 4 + 12)
        self.post_code = QLineEdit(form.post_code)
        self.post_code.setAccessibleName("Post code")
        self.city = QLineEdit(form.city)
        self.city.setAccessibleName("Town or city")
        self.region = QLineEdit(form.region)
        self.region.setAccessibleName("County or region")
        self.country = QLineEdit(form.country_name)
        self.country.setAccessibleName("Country")
        if countries:
            completer = QCompleter(countries, self.country)
            completer.setCaseSensitivity(Qt.CaseSensitivity.CaseInsensitive)
            self.country.setCompleter(completer)
        self.carrier = QComboBox()
        self.carrier.setEditable(True)
        self.carrier.addItems(CARRIERS)
        self.carrier.setCurrentText("")
        self.carrier.setAccessibleName("Carrier")
        self.tracking = QLineEdit()
        self.tracking.setAccessibleName("Tracking number")
        self.tracking.setPlaceholderText("Leave empty for untracked post")
        form_layout = QFormLayout()
        self.add_field(form_layout, "Send &to", "name", self.sent_to)
        self.add_field(form_layout, "&Address", "address", self.address)
        self.add_field(form_layout, "&Post code", "post_code", self.post_code)
        self.add_field(form_layout, "T&own or city", "city", self.city)
        self.add_field(form_layout, "County or &region", "region", self.region)
        self.add_field(form_layout, "Countr&y", "country", self.country)
        self.add_field(form_layout, "&Carrier", "carrier", self.carrier)
        self.add_field(form_layout, "Trac&king number", "tracking", self.tracking)
        self.ok.setText("&Forward")
        layout = QVBoxLayout(self)
        layout.addWidget(info)
        layout.addLayout(form_layout)
        layout.addWidget(self.error)
        layout.addWidget(self.buttons)
        self.setMinimumWidth(self.fontMetrics().horizontalAdvance("M") * 40)
        self.carrier.setFocus() if form.address_lines and form.country_name else self.sent_to.setFocus()

    def form(self) -> ForwardForm:
        return ForwardForm(
            sent_to_name=self.sent_to.text(),
            address_lines=tuple(self.address.toPlainText().splitlines()),
            post_code=self.post_code.text(),
            city=self.city.text(),
            region=self.region.text(),
            country_name=self.country.text(),
            carrier=self.carrier.currentText(),
            tracking_number=self.tracking.text(),
        )

    def work(self) -> Callable[[], Any]:
        delivery_id, form = self._item.delivery.delivery_id, self.form()
        return lambda: self._service.forward(delivery_id, form)


class HandOverDialog(WorkDialog):
    """Hand an item over: the shelf, warnings (ID check, cancelled contract), who collects it for whom, and a
    signature on the pad when the item needs one."""

    def __init__(
        self, item: QueueItem, service: ItemLifeService, runner: TaskRunner, parent: QWidget | None = None
    ) -> None:
        super().__init__("Hand over", runner, parent)
        self._item = item
        self._service = service
        d = item.delivery
        shelf = QLabel(f"Shelf {d.shelf or d.location}" if (d.shelf or d.location) else "Shelf not recorded")
        shelf.setObjectName("shelf")
        font = shelf.font()
        font.setPointSizeF(font.pointSizeF() * 1.6)
        font.setBold(True)
        shelf.setFont(font)
        info = QLabel(item_summary(item))
        info.setWordWrap(True)
        self.warning = QLabel(service.handover_warning(item))
        self.warning.setObjectName("warning")
        self.warning.setWordWrap(True)
        self.warning.setStyleSheet(f"color: {tone_color(Tone.PROBLEM).name()}; font-weight: bold;")
        self.warning.setVisible(bool(self.warning.text()))
        self.collected_by = QLineEdit()
        self.collected_by.setAccessibleName("Collected by")
        self.collected_by.setPlaceholderText("Name of the person taking it")
        who = d.recipient_name or d.name
        self.for_whom = QLineEdit(f"{who} ({d.company_name})" if d.company_name and d.company_name != who else who)
        self.for_whom.setAccessibleName("Collected for")
        self.id_checked = QCheckBox("&Photo ID checked")
        self.id_checked.setVisible(bool(self.warning.text()))
        self.pad = SignaturePad()
        clear = QPushButton("C&lear signature")
        clear.clicked.connect(self.pad.clear)
        pad_box = QWidget()
        pad_layout = QVBoxLayout(pad_box)
        pad_layout.setContentsMargins(0, 0, 0, 0)
        pad_layout.addWidget(self.pad)
        row = QHBoxLayout()
        row.addStretch(1)
        row.addWidget(clear)
        pad_layout.addLayout(row)
        form = QFormLayout()
        self.add_field(form, "Collected &by", "collected_by", self.collected_by)
        self.add_field(form, "&For", "for_whom", self.for_whom)
        self.add_field(form, "", "id_check", self.id_checked)
        needed = "Signature (required)" if item.requires_signature else "Signature (optional)"
        self.add_field(form, needed, "signature", pad_box)
        self.field_widgets["signature"] = self.pad
        self.ok.setText("&Hand over")
        layout = QVBoxLayout(self)
        layout.addWidget(shelf)
        layout.addWidget(info)
        layout.addWidget(self.warning)
        layout.addLayout(form)
        layout.addWidget(self.error)
        layout.addWidget(self.buttons)
        self.setMinimumWidth(max(self.fontMetrics().horizontalAdvance("M") * 50, 720))
        self.collected_by.setFocus()

    def check(self) -> tuple[str, str] | None:
        if not self.collected_by.text().strip():
            return "collected_by", "Write the name of the person collecting."
        if self._item.requires_signature and self.pad.is_empty():
            return "signature", "This item needs a signature: ask the person collecting to sign in the box."
        return None

    def work(self) -> Callable[[], Any]:
        delivery_id = self._item.delivery.delivery_id
        by, for_whom, png, checked = (
            self.collected_by.text(),
            self.for_whom.text(),
            self.pad.to_png(),
            self.id_checked.isChecked(),
        )
        return lambda: self._service.hand_over(delivery_id, by, for_whom, png, id_checked=checked)


class DoneByDialog(WorkDialog):
    """Record a simple outcome (return, shred, recycle, deposit, keep): which, and who did it."""

    def __init__(
        self,
        item: QueueItem,
        choices: tuple[Outcome, ...],
        service: ItemLifeService,
        runner: TaskRunner,
        preselect: Outcome | None = None,
        parent: QWidget | None = None,
    ) -> None:
        super().__init__(OUTCOME_LABELS[choices[0]] if len(choices) == 1 else "What was done", runner, parent)
        self._item = item
        self._service = service
        info = QLabel(item_summary(item))
        info.setWordWrap(True)
        self.choice = QComboBox()
        self.choice.setAccessibleName("Outcome")
        for outcome in choices:
            self.choice.addItem(OUTCOME_LABELS[outcome], outcome)
        if preselect is not None and preselect in choices:
            self.choice.setCurrentIndex(choices.index(preselect))
        self.done_by = QLineEdit(service.actor)
        self.done_by.setAccessibleName("Done by")
        form = QFormLayout()
        if len(choices) > 1:
            self.add_field(form, "&Outcome", "kind", self.choice)
        self.add_field(form, "Done &by", "done_by", self.done_by)
        self.ok.setText("&Record")
        layout = QVBoxLayout(self)
        layout.addWidget(info)
        layout.addLayout(form)
        layout.addWidget(self.error)
        layout.addWidget(self.buttons)
        self.setMinimumWidth(self.fontMetrics().horizontalAdvance("M") * 36)
        (self.choice if len(choices) > 1 else self.done_by).setFocus()

    def chosen(self) -> Outcome:
        return Outcome(self.choice.currentData())

    def work(self) -> Callable[[], Any]:
        delivery_id, kind, who = self._item.delivery.delivery_id, self.chosen(), self.done_by.text()
        service = self._service

        def run() -> OutcomeRow:
            if kind in (Outcome.SHRED, Outcome.RECYCLE):
                return service.dispose(delivery_id, kind, who)
            if kind is Outcome.RETURN:
                return service.return_to_sender(delivery_id, who)
            if kind is Outcome.DEPOSIT:
                return service.deposit(delivery_id, who)
            if kind is Outcome.STORE:
                return service.keep_on_shelf(delivery_id)
            raise DeskInputError("Choose what was done.")

        return run


class UndoDialog(WorkDialog):
    """Undo an outcome recorded by mistake: a new entry, with the reason; the item goes back to its queue."""

    def __init__(
        self,
        item: QueueItem,
        outcome: OutcomeRow,
        service: ItemLifeService,
        runner: TaskRunner,
        parent: QWidget | None = None,
    ) -> None:
        super().__init__("Undo", runner, parent)
        self._outcome = outcome
        self._service = service
        info = QLabel(
            f"Undo “{OUTCOME_PAST[outcome.kind]}” ({desk_time(outcome.at)}, {outcome.done_by}) for "
            f"{item_summary(item)}? It stays in the item's history, marked undone."
        )
        info.setWordWrap(True)
        self.reason = QLineEdit()
        self.reason.setAccessibleName("Reason")
        self.reason.setPlaceholderText("e.g. wrong item")
        form = QFormLayout()
        self.add_field(form, "&Why", "reason", self.reason)
        self.ok.setText("&Undo")
        layout = QVBoxLayout(self)
        layout.addWidget(info)
        layout.addLayout(form)
        layout.addWidget(self.error)
        layout.addWidget(self.buttons)
        self.reason.setFocus()

    def check(self) -> tuple[str, str] | None:
        return (
            ("reason", "Say why this is undone (for example “wrong item”).") if not self.reason.text().strip() else None
        )

    def work(self) -> Callable[[], Any]:
        outcome_id, reason = self._outcome.outcome_id, self.reason.text()
        return lambda: self._service.reverse(outcome_id, reason)


class ConflictDialog(WorkDialog):
    """Nexudus and the desk disagree: accept what Nexudus says (the desk's entry is undone by a new entry), or keep
    what the desk recorded (it is sent; Nexudus keeps its own too). Enter accepts Nexudus's."""

    def __init__(
        self, conflict: ConflictRow, service: ItemLifeService, runner: TaskRunner, parent: QWidget | None = None
    ) -> None:
        super().__init__("Nexudus disagrees", runner, parent)
        self._conflict = conflict
        self._service = service
        self.keep_desk = False
        info = QLabel(conflict.message.split(" Decide")[0])
        info.setWordWrap(True)
        desk = OUTCOME_PAST[conflict.desk_outcome].lower() if conflict.desk_outcome else "what the desk recorded"
        self.ok.setText("&Accept what Nexudus says")
        self.ok.setAccessibleName("Accept what Nexudus says")
        self.keep = self.buttons.addButton(f"&Keep “{desk}”", QDialogButtonBox.ButtonRole.ActionRole)
        self.keep.setAccessibleName("Keep what the desk recorded")
        self.keep.clicked.connect(self._keep)
        layout = QVBoxLayout(self)
        layout.addWidget(info)
        layout.addWidget(
            QLabel(
                "Accepting undoes the desk's entry (it stays in the item's history). Keeping sends "
                "the desk's entry to Nexudus as well."
            )
        )
        layout.addWidget(self.error)
        layout.addWidget(self.buttons)
        self.setMinimumWidth(self.fontMetrics().horizontalAdvance("M") * 40)
        self.ok.setDefault(True)

    def _keep(self) -> None:
        self.keep_desk = True
        self._submit()

    def work(self) -> Callable[[], Any]:
        conflict_id, keep = self._conflict.conflict_id, self.keep_desk
        return lambda: self._service.resolve(conflict_id, keep)
