"""Register a new recipient (Ctrl+N, or "nobody matches"), or correct one Nexudus refused.

Every documented ContractContact field, prefilled from the label. Each field is checked as it is typed (once it
was left once) and on save, with the server's rules; the message sits right under the field. Opened for an outbox
entry (`outbox_id`), it shows the server's messages on their fields and resubmits the corrected recipient.

Keyboard: Tab moves through the fields, ↑/↓ in the contract search move through the contracts, Enter (or Ctrl+S)
saves, Esc cancels.
"""

from __future__ import annotations

import itertools
import logging
import sys
from collections.abc import Callable
from datetime import date

import shiboken6
from PySide6.QtCore import Qt, QTimer, Signal
from PySide6.QtGui import QKeySequence, QShortcut
from PySide6.QtWidgets import (
    QComboBox,
    QCompleter,
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QGroupBox,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QMessageBox,
    QPlainTextEdit,
    QVBoxLayout,
    QWidget,
)

from app.desk.register import (
    FIELD_LABELS,
    KIND_CHOICES,
    ContactDraft,
    ContractContactType,
    ContractSummary,
    CountryInfo,
    CoworkerInfo,
    RegisteredRecipient,
    RegisterService,
    StoreError,
    guess_kind,
    guess_name,
)
from app.desk.vocabulary import is_person_type
from app.errors import user_message_of
from app.ui.contract_picker import ContractPicker
from app.ui.date_field import DateField
from app.ui.tasks import TaskRunner
from app.ui.theme import Tone, tone_color

log = logging.getLogger(__name__)


class RegisterDialog(QDialog):
    registered = Signal(object, str)  # RegisteredRecipient, the label text it came from

    def __init__(
        self,
        register: RegisterService,
        runner: TaskRunner,
        *,
        prefill_text: str = "",
        outbox_id: int | None = None,
        parent: QWidget | None = None,
    ) -> None:
        super().__init__(parent)
        self._register = register
        self._runner = runner
        self._label_text = prefill_text
        self._outbox_id = outbox_id
        self._touched: set[str] = set()
        self._server_errors: dict[str, str] = {}
        self._shown_errors: dict[str, str] = {}
        self._coworkers: list[CoworkerInfo] = []
        self._saving = False
        self._edited = False  # the person at the desk typed or chose something
        self._country_codes: dict[int, str] = {}
        self.result_recipient: RegisteredRecipient | None = None
        resubmit = outbox_id is not None
        self.setWindowTitle("Correct the new recipient" if resubmit else "Register a new recipient")
        self.setAccessibleName(self.windowTitle())
        self.setModal(True)
        self._build()
        self._wire()
        if resubmit:
            self._load_outbox_entry()
        else:
            self._prefill(prefill_text)
        self._apply_kind()
        self._runner.submit(
            "register-countries", register.countries, on_result=self._set_countries, on_error=self._on_error
        )

    # -- layout ------------------------------------------------------------------------------------------------

    def _build(self) -> None:
        self.intro = QLabel(
            "Nexudus refused this recipient. Fix the fields marked below and save to send it again."
            if self._outbox_id is not None
            else "Add a director, trading name or nominated recipient to a customer's contract. "
            "It is saved here at once and sent to Nexudus in the background."
        )
        self.intro.setWordWrap(True)
        self.general_error = QLabel("")
        self.general_error.setObjectName("errorMessage")
        self.general_error.setWordWrap(True)
        self.general_error.setAccessibleName("Problem")
        self.general_error.hide()

        self.picker = ContractPicker(self._runner, self._register.search_contracts)
        self.kind_combo = QComboBox()
        for kind, text in KIND_CHOICES:
            self.kind_combo.addItem(text, int(kind))
        self.full_name = QLineEdit()
        self.email = QLineEdit()
        self.email.setPlaceholderText("name@example.com")
        self.dob = DateField()
        self.address = QLineEdit()
        self.post_code = QLineEdit()
        self.city = QLineEdit()
        self.state = QLineEdit()
        self.country = QComboBox()
        self.country.setEditable(True)
        self.country.setInsertPolicy(QComboBox.InsertPolicy.NoInsert)
        completer = self.country.completer()
        if completer is not None:
            completer.setCompletionMode(QCompleter.CompletionMode.PopupCompletion)
            completer.setFilterMode(Qt.MatchFlag.MatchContains)
        self.country.addItem("—", None)
        self.phone = QLineEdit()
        self.phone.setPlaceholderText("e.g. +44 20 7946 0018")
        self.notes = QPlainTextEdit()
        self.notes.setTabChangesFocus(True)
        self.notes.setFixedHeight(self.notes.fontMetrics().lineSpacing() * 2 + 12)
        self.coworker_search = QLineEdit()
        self.coworker_search.setPlaceholderText("Find an existing customer (optional)")
        self.coworker_combo = QComboBox()
        self.coworker_combo.addItem("Not linked", None)
        self.kind_note = QLabel(
            "A trading name is a name the customer's company uses, not a person: "
            "it has no date of birth, e-mail or phone."
        )
        self.kind_note.setWordWrap(True)
        self.kind_note.setAccessibleName("About trading names")
        self.kind_note.hide()

        self._fields: dict[str, QWidget] = {
            "CoworkerContractId": self.picker,
            "ContractContactType": self.kind_combo,
            "FullName": self.full_name,
            "Email": self.email,
            "DateOfBirth": self.dob,
            "Address": self.address,
            "PostCode": self.post_code,
            "CityName": self.city,
            "State": self.state,
            "CountryId": self.country,
            "PhoneNumber": self.phone,
            "Notes": self.notes,
            "CoworkerId": self.coworker_combo,
        }
        self._errors: dict[str, QLabel] = {}
        for name, widget in self._fields.items():
            widget.setAccessibleName(FIELD_LABELS[name])
            err = QLabel("")
            err.setWordWrap(True)
            err.setAccessibleName(f"{FIELD_LABELS[name]}: problem")
            err.setStyleSheet(f"color: {tone_color(Tone.PROBLEM, err.palette()).name()};")
            err.hide()
            self._errors[name] = err
        self.dob.edit.setAccessibleName(FIELD_LABELS["DateOfBirth"])
        self.coworker_search.setAccessibleName("Find a customer to link")
        self._cells: dict[str, QWidget] = {}

        def cell(name: str, widget: QWidget | None = None) -> QWidget:
            box = QWidget()
            lay = QVBoxLayout(box)
            lay.setContentsMargins(0, 0, 0, 0)
            lay.setSpacing(2)
            lay.addWidget(widget or self._fields[name])
            lay.addWidget(self._errors[name])
            self._cells[name] = box
            return box

        def label(text: str, buddy: QWidget) -> QLabel:
            lab = QLabel(text)
            lab.setBuddy(buddy)
            return lab

        who = QGroupBox("Whose contract")
        who_form = QFormLayout(who)
        who_form.addRow(label("&Contract", self.picker.search_field), cell("CoworkerContractId"))

        person = QGroupBox("The recipient")
        form = QFormLayout(person)
        form.setFieldGrowthPolicy(QFormLayout.FieldGrowthPolicy.AllNonFixedFieldsGrow)
        self._person_form = form
        form.addRow(label("T&ype", self.kind_combo), cell("ContractContactType"))
        form.addRow("", self.kind_note)
        form.addRow(label("Full &name", self.full_name), cell("FullName"))
        link_row = QWidget()
        link_lay = QHBoxLayout(link_row)
        link_lay.setContentsMargins(0, 0, 0, 0)
        link_lay.addWidget(self.coworker_search, 1)
        link_lay.addWidget(self.coworker_combo, 1)
        form.addRow(label("&Linked customer", self.coworker_search), cell("CoworkerId", link_row))
        form.addRow(label("&E-mail", self.email), cell("Email"))
        form.addRow(label("&Date of birth", self.dob.edit), cell("DateOfBirth"))
        form.addRow(label("&Phone", self.phone), cell("PhoneNumber"))

        where = QGroupBox("Address (optional)")
        addr = QFormLayout(where)
        addr.setFieldGrowthPolicy(QFormLayout.FieldGrowthPolicy.AllNonFixedFieldsGrow)
        addr.addRow(label("&Address", self.address), cell("Address"))
        addr.addRow(label("P&ost code", self.post_code), cell("PostCode"))
        addr.addRow(label("C&ity", self.city), cell("CityName"))
        addr.addRow(label("County / s&tate", self.state), cell("State"))
        addr.addRow(label("Co&untry", self.country), cell("CountryId"))
        addr.addRow(label("Notes", self.notes), cell("Notes"))

        self.buttons = QDialogButtonBox()
        self.save_button = self.buttons.addButton(
            "Save and send (Ctrl+S)" if self._outbox_id is not None else "Save recipient (Ctrl+S)",
            QDialogButtonBox.ButtonRole.AcceptRole,
        )
        self.save_button.setAccessibleName("Save the recipient")
        self.save_button.setDefault(True)
        self.cancel_button = self.buttons.addButton("Cancel (Esc)", QDialogButtonBox.ButtonRole.RejectRole)
        self.cancel_button.setAccessibleName("Cancel")
        self.cancel_button.setAutoDefault(False)

        # two columns (the person | the address) under the contract: fits a 1366x768 screen without scrolling
        columns = QHBoxLayout()
        columns.addWidget(person, 1)
        columns.addWidget(where, 1)
        root = QVBoxLayout(self)
        root.addWidget(self.intro)
        root.addWidget(self.general_error)
        root.addWidget(who)
        root.addLayout(columns)
        root.addStretch(1)
        root.addWidget(self.buttons)

        chain: list[QWidget] = [
            self.picker.search_field,
            self.kind_combo,
            self.full_name,
            self.coworker_search,
            self.coworker_combo,
            self.email,
            self.dob.edit,
            self.phone,
            self.address,
            self.post_code,
            self.city,
            self.state,
            self.country,
            self.notes,
            self.save_button,
            self.cancel_button,
        ]
        for a, b in itertools.pairwise(chain):
            QWidget.setTabOrder(a, b)
        self.resize(self.fontMetrics().averageCharWidth() * 150, self.sizeHint().height())

    def _wire(self) -> None:
        self.save_button.clicked.connect(self.submit)
        self.cancel_button.clicked.connect(self.reject)
        sc = QShortcut(QKeySequence("Ctrl+S"), self)
        sc.activated.connect(self.submit)
        self._save_shortcut = sc
        self.picker.contract_changed.connect(lambda _c: self._changed("CoworkerContractId"))
        self.kind_combo.currentIndexChanged.connect(self._on_kind_changed)
        self.dob.changed.connect(lambda: self._changed("DateOfBirth"))
        self.dob.edit.editingFinished.connect(lambda: self._changed("DateOfBirth", touch=True))
        self.country.currentIndexChanged.connect(lambda _i: self._changed("CountryId", touch=True))
        country_edit = self.country.lineEdit()
        assert country_edit is not None  # an editable combo box
        country_edit.textEdited.connect(lambda _t: self._changed("CountryId"))
        # what the person at the desk changed (Esc then asks before throwing it away)
        for edit in (
            self.full_name,
            self.email,
            self.dob.edit,
            self.address,
            self.post_code,
            self.city,
            self.state,
            self.phone,
            self.coworker_search,
            self.picker.search_field,
            country_edit,
        ):
            edit.textEdited.connect(self._mark_edited)
        for combo in (self.kind_combo, self.country, self.coworker_combo):
            combo.activated.connect(self._mark_edited)
        self.picker.table.clicked.connect(self._mark_edited)
        self.coworker_combo.currentIndexChanged.connect(self._on_coworker_chosen)
        self.notes.textChanged.connect(lambda: self._changed("Notes"))
        for name, edit in (
            ("FullName", self.full_name),
            ("Email", self.email),
            ("Address", self.address),
            ("PostCode", self.post_code),
            ("CityName", self.city),
            ("State", self.state),
            ("PhoneNumber", self.phone),
        ):
            edit.textEdited.connect(lambda _t, n=name: self._changed(n))
            edit.editingFinished.connect(lambda n=name: self._changed(n, touch=True))
        self._coworker_timer = QTimer(self)
        self._coworker_timer.setSingleShot(True)
        self._coworker_timer.setInterval(150)
        self._coworker_timer.timeout.connect(self._search_coworkers)
        self.coworker_search.textEdited.connect(lambda _t: self._coworker_timer.start())

    # -- filling -----------------------------------------------------------------------------------------------

    def _prefill(self, text: str) -> None:
        self.full_name.setText(guess_name(text))
        self._select_kind(guess_kind(text))
        if text.strip():
            self._runner.submit(
                "register-prefill", self._register.prefill, text, on_result=self._on_prefill, on_error=self._on_error
            )
        self.picker.search_field.setFocus()

    def _on_prefill(self, draft: ContactDraft) -> None:
        if draft.contract_id:
            self._runner.submit(
                "register-contract",
                self._register.contract_summary,
                draft.contract_id,
                on_result=self._on_guessed_contract,
                on_error=self._on_error,
            )

    def _on_guessed_contract(self, summary: ContractSummary | None) -> None:
        if summary is not None and self.picker.chosen() is None:
            self.picker.set_contract(summary)
            self.full_name.setFocus()

    def _load_outbox_entry(self) -> None:
        assert self._outbox_id is not None
        try:
            draft = self._register.draft_for(self._outbox_id)
        except StoreError as exc:  # sent or discarded meanwhile: nothing left to correct
            self._show_general(exc.user_message)
            self.save_button.setEnabled(False)
            return
        self.set_draft(draft)
        self._server_errors = self._register.field_errors_for(self._outbox_id)
        self._touched.update(self._server_errors)
        self._show_errors(dict(self._server_errors))
        first = next((n for n in self._fields if n in self._server_errors), "FullName")
        self._fields[first].setFocus()

    def set_draft(self, draft: ContactDraft) -> None:
        self._select_kind(draft.contact_type)
        self.full_name.setText(draft.full_name)
        self.email.setText(draft.email)
        self.dob.set_value(draft.date_of_birth)
        self.address.setText(draft.address)
        self.post_code.setText(draft.post_code)
        self.city.setText(draft.city_name)
        self.state.setText(draft.state)
        self.phone.setText(draft.phone_number)
        self.notes.setPlainText(draft.notes)
        self._pending_country = draft.country_id
        self._select_country(draft.country_id)
        if draft.coworker_id:
            self.coworker_combo.addItem(f"Customer {draft.coworker_id}", draft.coworker_id)
            self.coworker_combo.setCurrentIndex(self.coworker_combo.count() - 1)
        if draft.contract_id:
            summary = self._register.contract_summary(draft.contract_id)
            if summary is not None:
                self.picker.set_contract(summary)

    def _select_kind(self, kind: ContractContactType) -> None:
        i = self.kind_combo.findData(int(kind))
        if i >= 0:
            self.kind_combo.setCurrentIndex(i)

    def _set_countries(self, countries: list[CountryInfo]) -> None:
        current = self.country.currentData()
        self.country.blockSignals(True)
        self.country.clear()
        self.country.addItem("—", None)
        for c in countries:
            self.country.addItem(c.name, c.country_id)
        self._country_codes = {c.country_id: c.code for c in countries}
        self._select_country(current or getattr(self, "_pending_country", None))
        self.country.blockSignals(False)  # loading the list is not an edit: server messages stay

    def _select_country(self, country_id: int | None) -> None:
        i = self.country.findData(country_id) if country_id else 0
        if country_id and i < 0:
            self.country.addItem(f"Country {country_id}", country_id)
            i = self.country.count() - 1
        self.country.setCurrentIndex(max(0, i))

    def _search_coworkers(self) -> None:
        self._runner.submit(
            "register-coworkers",
            self._register.search_coworkers,
            self.coworker_search.text(),
            on_result=self._on_coworkers,
            latest_only=True,
            on_error=self._on_error,
        )

    def _on_coworkers(self, found: list[CoworkerInfo]) -> None:
        self._coworkers = found
        current = self.coworker_combo.currentData()
        self.coworker_combo.blockSignals(True)
        self.coworker_combo.clear()
        self.coworker_combo.addItem("Not linked", None)
        for cw in found:
            extra = f" — {cw.company_name}" if cw.company_name else ""
            self.coworker_combo.addItem(f"{cw.full_name} <{cw.email}>{extra}", cw.coworker_id)
        i = self.coworker_combo.findData(current) if current else -1
        self.coworker_combo.setCurrentIndex(i if i >= 0 else (1 if found else 0))
        self.coworker_combo.blockSignals(False)
        self._on_coworker_chosen(self.coworker_combo.currentIndex())

    def _on_coworker_chosen(self, _index: int) -> None:
        cid = self.coworker_combo.currentData()
        chosen = next((c for c in self._coworkers if c.coworker_id == cid), None)
        if chosen is not None:
            self.full_name.setText(chosen.full_name)
            self.email.setText(chosen.email)
        self._changed("CoworkerId", touch=True)

    # -- validation --------------------------------------------------------------------------------------------

    def draft(self) -> ContactDraft:
        chosen = self.picker.chosen()
        dob: date | None = None
        if not self.dob.problem():  # a text that is not a date is refused at the field (see _local_errors)
            dob = self.dob.value()
        country = self.country.currentData()
        if self.country.currentText().strip() in ("", "—"):
            country = None
        coworker = self.coworker_combo.currentData()
        return ContactDraft(
            contract_id=chosen.contract_id if chosen else 0,
            full_name=self.full_name.text(),
            contact_type=ContractContactType(int(self.kind_combo.currentData())),
            email=self.email.text(),
            coworker_id=int(coworker) if coworker else None,
            date_of_birth=dob,
            address=self.address.text(),
            post_code=self.post_code.text(),
            city_name=self.city.text(),
            state=self.state.text(),
            country_id=int(country) if country else None,
            phone_number=self.phone.text(),
            notes=self.notes.toPlainText(),
        )

    def _changed(self, name: str, touch: bool = False) -> None:
        if not shiboken6.isValid(self):
            return  # the form is going with a field still in focus: its last "editing finished" has no form to check
        if touch:
            self._touched.add(name)
        self._server_errors.pop(name, None)  # edited: the local rules speak for it now
        if name in self._touched or name in self._shown_errors:
            self._validate(only_touched=True)

    def _local_errors(self) -> dict[str, str]:
        """What only the form can see: a date that is not one, a country that is not in the list."""
        errors: dict[str, str] = {}
        if problem := self.dob.problem():
            errors["DateOfBirth"] = problem
        typed = self.country.currentText().strip()
        if typed not in ("", "—") and self.country.findText(typed, Qt.MatchFlag.MatchFixedString) < 0:
            errors["CountryId"] = "Choose a country from the list (type part of its name, then pick it)."
        return errors

    def _phone_region(self) -> str:
        return self._country_codes.get(self.country.currentData() or 0, "")

    def _validate(self, only_touched: bool) -> dict[str, str]:
        errors = {**self._register.validate(self.draft(), phone_region=self._phone_region()), **self._local_errors()}
        merged = {**errors, **self._server_errors}
        shown = {n: m for n, m in merged.items() if not only_touched or n in self._touched}
        self._show_errors(shown)
        return merged

    def _show_errors(self, errors: dict[str, str]) -> None:
        self._shown_errors = errors
        for name, label in self._errors.items():
            msg = errors.get(name, "")
            label.setText(msg)
            label.setVisible(bool(msg))
            widget = self._fields[name]
            widget.setToolTip(msg)
            widget.setAccessibleDescription(msg)
        unknown = [f"{n}: {m}" for n, m in errors.items() if n not in self._errors]
        self._show_general("\n".join(unknown))

    def _show_general(self, text: str) -> None:
        self.general_error.setText(text)
        self.general_error.setStyleSheet(f"color: {tone_color(Tone.PROBLEM, self.palette()).name()};")
        self.general_error.setVisible(bool(text))

    def error_for(self, name: str) -> str:
        """The message shown under a field ("" when none): for tests and screen readers."""
        label = self._errors[name]
        return label.text() if label.isVisible() or not label.isHidden() else ""

    # -- the type decides the fields ---------------------------------------------------------------------------

    PERSON_ONLY = ("CoworkerId", "Email", "DateOfBirth", "PhoneNumber")

    def _on_kind_changed(self, _index: int) -> None:
        self._apply_kind()
        self._changed("ContractContactType")
        self._validate(only_touched=True)

    def _apply_kind(self) -> None:
        """A trading name is a name, not a person: its person-only rows are hidden unless something was typed in
        them (then they stay, with a message saying to clear them: typed input is never dropped unseen)."""
        person = is_person_type(int(self.kind_combo.currentData()))
        draft = self.draft()
        typed = {
            "CoworkerId": bool(draft.coworker_id) or bool(self.coworker_search.text().strip()),
            "Email": bool(draft.email.strip()),
            "DateOfBirth": bool(self.dob.edit.text().strip()),
            "PhoneNumber": bool(draft.phone_number.strip()),
        }
        for name in self.PERSON_ONLY:
            self._person_form.setRowVisible(self._cells[name], person or typed[name])
            if not person and typed[name]:
                self._touched.add(name)
        self._person_form.setRowVisible(self.kind_note, not person)

    # -- leaving -----------------------------------------------------------------------------------------------

    def _mark_edited(self, *_args: object) -> None:
        self._edited = True

    def has_changes(self) -> bool:
        """Something typed or chosen at the desk (filling the form from the label or the outbox does not count)."""
        return self._edited or self.notes.document().isModified()

    def reject(self) -> None:
        """Esc, Cancel or the window's close button: a form with typed changes asks before throwing them away."""
        if self.has_changes() and not self._saving and self.isVisible():
            box = QMessageBox(self)
            box.setIcon(QMessageBox.Icon.Question)
            box.setWindowTitle("Discard the new recipient?")
            box.setText("Discard what you typed? This recipient has not been saved.")
            box.setAccessibleName("Discard the new recipient?")
            discard = box.addButton("&Discard", QMessageBox.ButtonRole.DestructiveRole)
            keep = box.addButton("&Keep editing", QMessageBox.ButtonRole.RejectRole)
            box.setDefaultButton(keep)
            box.setEscapeButton(keep)
            self.discard_box = box
            box.exec()
            if box.clickedButton() is not discard:
                return
        super().reject()

    # -- saving ------------------------------------------------------------------------------------------------

    def submit(self) -> None:
        if self._saving:
            return
        self._touched.update(self._fields)
        errors = self._validate(only_touched=False)
        if errors:
            first = next((n for n in self._fields if n in errors), None)
            if first is not None:
                target = self.picker.search_field if first == "CoworkerContractId" else self._fields[first]
                target.setFocus()
            return
        draft = self.draft()
        self._saving = True
        self.save_button.setEnabled(False)
        work: Callable[..., RegisteredRecipient]
        args: tuple[object, ...]
        if self._outbox_id is not None:
            work, args = self._register.resubmit, (self._outbox_id, draft)
        else:
            work, args = self._register.register_recipient, (draft,)
        self._runner.submit("register", work, *args, on_result=self._on_saved, on_error=self._on_save_error)

    def _on_saved(self, recipient: RegisteredRecipient) -> None:
        self._saving = False
        self.registered.emit(recipient, self._label_text)
        self.accept()

    def _on_save_error(self, exc: BaseException) -> None:
        self._saving = False
        self.save_button.setEnabled(True)
        self._on_error(exc)

    def _on_error(self, exc: BaseException) -> None:
        message = user_message_of(exc)
        if message is None:
            log.error("Unexpected error in the register dialog", exc_info=exc)
            sys.excepthook(type(exc), exc, exc.__traceback__)
            return
        self._show_general(message)
