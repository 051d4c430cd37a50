"""The intake screen: scan, type or paste the addressee, pick the recipient, Enter. Built for a queue at the desk.

Keyboard: F2 scan field, F3 addressee, Enter in the scan field moves on to the addressee; the candidates follow
the addressee as it is typed (background job on channel "match", latest result only); ↑/↓ move through them;
Enter records the delivery for the selected one and clears everything; Ctrl+Enter records and keeps type and
shelf for the next parcel of a pile; Esc clears; Ctrl+N registers a new recipient. Shift+Enter adds a line to a
pasted label. A reason to stop (duplicate scan, cancelled contract, ID check, "return to sender") turns Enter into
a question answered with Alt+Y (yes, record anyway) or Esc (go back): see `intake_warning`.
"""

from __future__ import annotations

import logging
import sys
from collections.abc import Callable

from PySide6.QtCore import QEvent, QModelIndex, QObject, Qt, QTimer, Signal, Slot
from PySide6.QtGui import QKeyEvent, QKeySequence, QShortcut
from PySide6.QtWidgets import (
    QComboBox,
    QFormLayout,
    QFrame,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QPlainTextEdit,
    QPushButton,
    QSizePolicy,
    QVBoxLayout,
    QWidget,
)

from app.desk.carriers import Confidence, TrackingInfo
from app.desk.delivery_images import LabelImage
from app.desk.intake import (
    DELIVERY_TYPE_LABELS,
    CandidateView,
    DeliveryType,
    IntakeDraft,
    IntakeService,
    MatchView,
    confirmation_text,
    intake_stop_reasons,
)
from app.desk.register import RegisteredRecipient, RegisterService
from app.desk.vocabulary import delivery_type_word, isolate
from app.errors import user_message_of
from app.ui.candidates import CandidateModel, CandidateTable, candidate_summary
from app.ui.intake_warning import RECORD_ANYWAY_KEY, StopBar
from app.ui.register_dialog import RegisterDialog
from app.ui.tasks import TaskRunner
from app.ui.theme import Tone, emphasised, tone_color

log = logging.getLogger(__name__)

DEBOUNCE_MS = 60

HINTS = {
    "auto": "Best match selected — press Enter to record it.",
    "review": "Not sure who this is — pick the recipient with ↑/↓, then press Enter.",
    "none": "Nobody on the directory matches — register a new recipient? (Ctrl+N)",
    "weak": "No sure match — if one below is right, pick it with ↑/↓ and press Enter; else register (Ctrl+N).",
}


def report_bug(exc: BaseException) -> None:
    """Not something the user can fix: log it with its traceback and hand it to the crash dialog."""
    log.error("Unexpected error on the intake screen", exc_info=exc)
    sys.excepthook(type(exc), exc, exc.__traceback__)


def _toned(label: QLabel, tone: Tone | None) -> None:
    if tone is None:
        label.setStyleSheet("")
    else:
        label.setStyleSheet(f"color: {tone_color(tone, label.palette()).name()};")


class AddresseeEdit(QPlainTextEdit):
    """One line typed, or a whole pasted label. Enter accepts, Shift+Enter adds a line, ↑/↓ move the selection."""

    accept_requested = Signal(bool)  # True: save and next (Ctrl+Enter)
    move_requested = Signal(int)
    clear_requested = Signal()

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setTabChangesFocus(True)
        self.setPlaceholderText("Name, company, or paste the whole label")
        self.setLineWrapMode(QPlainTextEdit.LineWrapMode.WidgetWidth)
        self._fit_lines(self.MIN_LINES)
        self.setSizePolicy(QSizePolicy.Policy.Expanding, QSizePolicy.Policy.Fixed)
        self.textChanged.connect(self._grow)

    MIN_LINES = 3
    MAX_LINES = 7

    def _fit_lines(self, lines: int) -> None:
        margin = 2 * int(self.document().documentMargin()) + 2 * self.frameWidth() + 8
        self.setFixedHeight(self.fontMetrics().lineSpacing() * lines + margin)

    def _grow(self) -> None:
        """A pasted label shows whole (up to MAX_LINES lines), a typed name keeps the field compact."""
        lines = max(self.MIN_LINES, min(self.MAX_LINES, self.document().blockCount()))
        self._fit_lines(lines)

    def keyPressEvent(self, event: QKeyEvent) -> None:
        key = event.key()
        mods = event.modifiers()
        if key in (Qt.Key.Key_Return, Qt.Key.Key_Enter) and not (mods & Qt.KeyboardModifier.ShiftModifier):
            self.accept_requested.emit(bool(mods & Qt.KeyboardModifier.ControlModifier))
            return
        if key == Qt.Key.Key_Up and not mods & Qt.KeyboardModifier.ShiftModifier:
            self.move_requested.emit(-1)
            return
        if key == Qt.Key.Key_Down and not mods & Qt.KeyboardModifier.ShiftModifier:
            self.move_requested.emit(1)
            return
        if key == Qt.Key.Key_Escape:
            self.clear_requested.emit()
            return
        super().keyPressEvent(event)


class _EnterFilter(QObject):
    """Enter in the side fields (type, shelf, notes) records too; Ctrl+Enter saves and goes on."""

    def __init__(self, view: IntakeView) -> None:
        super().__init__(view)
        self._view = view

    def eventFilter(self, obj: QObject, event: QEvent) -> bool:
        if event.type() == QEvent.Type.KeyPress and isinstance(event, QKeyEvent):
            if event.key() in (Qt.Key.Key_Return, Qt.Key.Key_Enter):
                self._view.accept_selected(bool(event.modifiers() & Qt.KeyboardModifier.ControlModifier))
                return True
            if event.key() in (Qt.Key.Key_Up, Qt.Key.Key_Down) and not isinstance(obj, QComboBox):
                self._view.move_selection(-1 if event.key() == Qt.Key.Key_Up else 1)
                return True
        return False


class AliasPrompt(QFrame):
    """Non-modal: "Remember this label for Jane Doe (Acme Ltd)?" answered with Ctrl+R (yes) / Ctrl+Shift+R (no).

    The keys are QShortcuts installed by the intake view (they work while focus is anywhere in it)."""

    answered = Signal(bool)

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setFrameShape(QFrame.Shape.StyledPanel)
        self.setAccessibleName("Remember this label?")
        self.text = QLabel()
        self.text.setWordWrap(False)  # one line: the prompt never pushes the candidate table into a sliver
        self.text.setSizePolicy(QSizePolicy.Policy.Ignored, QSizePolicy.Policy.Preferred)
        self.yes = QPushButton("Yes, remember it (Ctrl+R)")
        self.yes.setAccessibleName("Yes, remember this label")
        self.no = QPushButton("No (Ctrl+Shift+R)")
        self.no.setAccessibleName("No, do not remember this label")
        for b in (self.yes, self.no):
            b.setAutoDefault(False)
            b.setFocusPolicy(Qt.FocusPolicy.TabFocus)
        self.yes.clicked.connect(lambda: self.answer(True))
        self.no.clicked.connect(lambda: self.answer(False))
        row = QHBoxLayout(self)
        row.addWidget(self.text, 1)
        row.addWidget(self.yes)
        row.addWidget(self.no)
        self.label_text = ""
        self.contract_id = 0
        self.contact_id: int | None = None
        self.hide()

    def ask(self, label_text: str, candidate_label: str, contract_id: int, contact_id: int | None) -> None:
        self.label_text = label_text
        self.contract_id = contract_id
        self.contact_id = contact_id
        shown = " / ".join(line.strip() for line in label_text.splitlines() if line.strip())
        if len(shown) > 60:
            shown = shown[:59] + "…"
        self.text.setText(f"Remember “{isolate(shown)}” as {isolate(candidate_label)} for next time?")
        self.text.setToolTip(label_text)
        self.show()

    def answer(self, yes: bool) -> None:
        if not self.isVisible():
            return
        self.hide()
        self.answered.emit(yes)


class IntakeView(QWidget):
    delivery_recorded = Signal(int)  # local delivery id
    recipient_registered = Signal(int)  # local contact id
    capture_finished = Signal(bool)  # the captured label was recorded (True) or set aside with Esc (False)

    def __init__(
        self, intake: IntakeService, register: RegisterService, runner: TaskRunner, parent: QWidget | None = None
    ) -> None:
        super().__init__(parent)
        self.setAccessibleName("Log incoming mail and parcels")
        self._intake = intake
        self._register = register
        self._runner = runner
        self._view: MatchView | None = None
        self._tracking: TrackingInfo | None = None
        self._accept_pending: bool | None = None  # None: no Enter waiting; else save_and_next
        self._awaiting_match = False  # the newest match job has not answered yet
        self._scan_pending = False  # the "already scanned today?" look-up has not answered yet
        self._scanned_before = ""  # the tracking number when it was already scanned today
        self._armed: tuple[int, int | None, str] | None = None  # the stop the bar asks about: contract, contact, text
        self._armed_next = False  # the key that raised it was Ctrl+Enter
        self.register_dialog: RegisterDialog | None = None
        self.last_confirmation = ""
        # label capture (issue 10): the image being checked and how its text is matched (see show_capture)
        self._capture_matcher: Callable[[str, DeliveryType], MatchView] | None = None
        self._capture_image: LabelImage | None = None

        self._debounce = QTimer(self)
        self._debounce.setSingleShot(True)
        self._debounce.setInterval(DEBOUNCE_MS)
        self._debounce.timeout.connect(self._run_match)

        self._build()
        self._connect()
        self._runner.submit("match-index", intake.matching.ensure_loaded, on_error=report_bug)

    # -- layout ------------------------------------------------------------------------------------------------

    def _build(self) -> None:
        title = QLabel("Incoming mail and parcels")
        title.setFont(emphasised(self.font(), 1.25))

        self.scan_field = QLineEdit()
        self.scan_field.setPlaceholderText("Scan the barcode (or type the tracking number), then Enter")
        self.scan_field.setAccessibleName("Tracking number")
        self.scan_field.setClearButtonEnabled(True)
        self.carrier_label = QLabel("")
        self.carrier_label.setAccessibleName("Carrier")
        self.scan_warning = QLabel("")
        self.scan_warning.setAccessibleName("Scan warning")
        self.scan_warning.setWordWrap(True)
        self.scan_warning.hide()

        self.addressee = AddresseeEdit()
        self.addressee.setAccessibleName("Addressee")

        self.model = CandidateModel(self)
        self.table = CandidateTable(self.model)
        self.table.setFocusPolicy(Qt.FocusPolicy.ClickFocus)
        self.hint = QLabel("")
        self.hint.setAccessibleName("Matching status")
        self.hint.setWordWrap(True)
        # the selected candidate in words, under the table: who, contract, wish (line 1), why it matched (line 2)
        self.details = QLabel("")
        self.details.setAccessibleName("Selected recipient")
        self.details.setWordWrap(True)
        self.details.setTextFormat(Qt.TextFormat.PlainText)
        self.details.setFixedHeight(self.details.fontMetrics().lineSpacing() * 2 + 4)  # nothing moves while typing
        self.details.setSizePolicy(QSizePolicy.Policy.Ignored, QSizePolicy.Policy.Fixed)
        self.details_warning = QLabel("")
        self.details_warning.setAccessibleName("Warning about the selected recipient")
        self.details_warning.setWordWrap(False)
        self.details_warning.setSizePolicy(QSizePolicy.Policy.Ignored, QSizePolicy.Policy.Fixed)
        self.details_warning.setFont(emphasised(self.font()))
        keep_place = self.details_warning.sizePolicy()
        keep_place.setRetainSizeWhenHidden(True)  # shown or not, the rows below stay where they are
        self.details_warning.setSizePolicy(keep_place)
        self.details_warning.hide()
        self.stop_bar = StopBar(self)
        self.register_button = QPushButton("Register new recipient… (Ctrl+N)")
        self.register_button.setAccessibleName("Register a new recipient")
        self.register_button.setAutoDefault(False)

        self.type_combo = QComboBox()
        self.type_combo.setAccessibleName("Type of item")
        for dtype, text in DELIVERY_TYPE_LABELS.items():
            self.type_combo.addItem(text, int(dtype))
        self.shelf_field = QLineEdit(self._intake.shelf)
        self.shelf_field.setAccessibleName("Shelf or location")
        self.shelf_field.setPlaceholderText("e.g. B2")
        self.shelf_note = QLabel("kept from the last parcel")
        self.shelf_note.setAccessibleName("The shelf is carried over")
        keep = self.shelf_note.sizePolicy()
        keep.setRetainSizeWhenHidden(True)
        self.shelf_note.setSizePolicy(keep)
        self.shelf_note.setVisible(bool(self._intake.shelf))
        self.notes_field = QLineEdit()
        self.notes_field.setAccessibleName("Notes")
        self.notes_field.setPlaceholderText("Optional, e.g. needs a signature")

        self.record_button = QPushButton("Record (Enter)")
        self.record_button.setAccessibleName("Record the delivery")
        self.next_button = QPushButton("Save and next (Ctrl+Enter)")
        self.next_button.setAccessibleName("Save and go on with the next parcel")
        self.clear_button = QPushButton("Clear (Esc)")
        self.clear_button.setAccessibleName("Clear the form")
        for b in (self.record_button, self.next_button, self.clear_button):
            b.setAutoDefault(False)

        self.confirmation = QLabel("")
        self.confirmation.setAccessibleName("Last recorded")
        self.confirmation.setWordWrap(True)
        self.confirmation.setAlignment(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
        self.confirmation.setFont(emphasised(self.font(), 1.05))
        self.alias_prompt = AliasPrompt(self)

        form = QFormLayout()
        form.setFieldGrowthPolicy(QFormLayout.FieldGrowthPolicy.AllNonFixedFieldsGrow)
        scan_row = QHBoxLayout()
        scan_row.addWidget(self.scan_field, 1)
        scan_row.addWidget(self.carrier_label)
        scan_label = QLabel("&Barcode (F2)")
        scan_label.setBuddy(self.scan_field)
        form.addRow(scan_label, scan_row)
        form.addRow("", self.scan_warning)
        to_label = QLabel("&Addressee (F3)")
        to_label.setBuddy(self.addressee)
        form.addRow(to_label, self.addressee)

        hint_row = QHBoxLayout()
        hint_row.addWidget(self.hint, 1)
        hint_row.addWidget(self.register_button)

        details = QHBoxLayout()
        type_label = QLabel("&Type")
        type_label.setBuddy(self.type_combo)
        shelf_label = QLabel("&Shelf")
        shelf_label.setBuddy(self.shelf_field)
        notes_label = QLabel("N&otes")
        notes_label.setBuddy(self.notes_field)
        details.addWidget(type_label)
        details.addWidget(self.type_combo)
        details.addSpacing(12)
        details.addWidget(shelf_label)
        details.addWidget(self.shelf_field)
        details.addWidget(self.shelf_note)
        details.addSpacing(12)
        details.addWidget(notes_label)
        details.addWidget(self.notes_field, 1)

        buttons = QHBoxLayout()
        buttons.addStretch(1)
        buttons.addWidget(self.clear_button)
        buttons.addWidget(self.next_button)
        buttons.addWidget(self.record_button)

        top = QHBoxLayout()
        top.addWidget(title)
        top.addSpacing(24)
        top.addWidget(self.confirmation, 1)
        root = QVBoxLayout(self)
        root.addLayout(top)
        root.addLayout(form)
        root.addLayout(hint_row)
        self.candidates_row = QHBoxLayout()  # the capture panel goes beside the candidates (attach_side_panel)
        self.candidates_row.addWidget(self.table, 2)
        root.addLayout(self.candidates_row, 1)
        root.addWidget(self.details)
        root.addWidget(self.details_warning)
        root.addWidget(self.stop_bar)
        root.addLayout(details)
        root.addWidget(self.alias_prompt)
        root.addLayout(buttons)

        for w in (self.scan_field, self.addressee, self.type_combo, self.shelf_field, self.notes_field):
            w.setFocusPolicy(Qt.FocusPolicy.StrongFocus)
        QWidget.setTabOrder(self.scan_field, self.addressee)
        QWidget.setTabOrder(self.addressee, self.type_combo)
        QWidget.setTabOrder(self.type_combo, self.shelf_field)
        QWidget.setTabOrder(self.shelf_field, self.notes_field)
        QWidget.setTabOrder(self.notes_field, self.record_button)
        QWidget.setTabOrder(self.record_button, self.next_button)
        QWidget.setTabOrder(self.next_button, self.clear_button)
        QWidget.setTabOrder(self.clear_button, self.register_button)
        _toned(self.shelf_note, Tone.MUTED)
        self._show_hint(None)

    def _connect(self) -> None:
        self.scan_field.returnPressed.connect(self._on_scan)
        self.scan_field.textEdited.connect(lambda _t: self._clear_scan_info())
        self.addressee.textChanged.connect(self._on_addressee_changed)
        self.addressee.accept_requested.connect(self.accept_selected)
        self.addressee.move_requested.connect(self.move_selection)
        self.addressee.clear_requested.connect(self.escape)
        self.addressee.textChanged.connect(self._dismiss_stop)
        self.type_combo.currentIndexChanged.connect(lambda _i: self._dismiss_stop())
        self.type_combo.currentIndexChanged.connect(lambda _i: self._schedule_match(immediate=True))
        self.shelf_field.textEdited.connect(lambda _t: self.shelf_note.hide())
        self.stop_bar.record_anyway.connect(self.record_anyway)
        self.stop_bar.go_back.connect(self.escape)
        enter = _EnterFilter(self)
        for w in (self.shelf_field, self.notes_field, self.type_combo):
            w.installEventFilter(enter)
        self.record_button.clicked.connect(lambda: self.accept_selected(False))
        self.next_button.clicked.connect(lambda: self.accept_selected(True))
        self.clear_button.clicked.connect(self.clear)
        self.register_button.clicked.connect(lambda: self.open_register_dialog())
        self.table.doubleClicked.connect(self._on_double_click)
        self.alias_prompt.answered.connect(self._on_alias_answer)
        self.table.selectionModel().selectionChanged.connect(lambda *_: self._update_details())
        self.model.modelReset.connect(self._update_details)

        def shortcut(keys: QKeySequence | str, slot: object) -> QShortcut:
            sc = QShortcut(QKeySequence(keys), self)
            sc.setContext(Qt.ShortcutContext.WidgetWithChildrenShortcut)
            sc.activated.connect(slot)
            sc.activatedAmbiguously.connect(slot)
            return sc

        self._shortcuts = [
            shortcut("F2", self.focus_scan_field),
            shortcut("F3", self.addressee.setFocus),
            shortcut("Ctrl+N", lambda: self.open_register_dialog()),
            shortcut("Esc", self.escape),
            shortcut(RECORD_ANYWAY_KEY, self.record_anyway),
            shortcut("Ctrl+R", lambda: self.alias_prompt.answer(True)),
            shortcut("Ctrl+Shift+R", lambda: self.alias_prompt.answer(False)),
        ]

    def _on_double_click(self, index: QModelIndex) -> None:
        self.table.select_row(index.row())
        self.accept_selected(False)

    # -- public API ------------------------------------------------------------------------------------------

    def focus_scan_field(self) -> None:
        self.scan_field.setFocus(Qt.FocusReason.ShortcutFocusReason)
        self.scan_field.selectAll()

    def open_register_dialog(self, prefill_text: str = "") -> RegisterDialog:
        """Register a new recipient (prefilled from the addressee text unless a text is given)."""
        text = prefill_text or self.addressee.toPlainText()
        dialog = RegisterDialog(self._register, self._runner, prefill_text=text, parent=self)
        dialog.registered.connect(self._on_registered)
        dialog.finished.connect(lambda _r: self._on_register_closed(dialog))
        self.register_dialog = dialog
        dialog.open()
        return dialog

    def on_directory_changed(self, report: object) -> None:
        """Call after a directory sync: updates the matching index, then refreshes the candidates."""
        self._runner.submit(
            "match-index",
            self._intake.apply_sync_report,
            report,
            on_result=lambda _r: self._schedule_match(immediate=True),
            on_error=report_bug,
        )

    def current_candidate(self) -> CandidateView | None:
        row = self.table.selected_row()
        return self.model.row_at(row) if row >= 0 else None

    @property
    def match_view(self) -> MatchView | None:
        return self._view

    @Slot()
    def escape(self) -> None:
        """Esc: answers "go back" to a stop first; otherwise clears the form."""
        if self.stop_bar.isVisible():
            self._dismiss_stop()
            self.hint.setText("Not recorded. Choose another recipient with ↑/↓, or press Esc to start again.")
            _toned(self.hint, Tone.WAITING)
            self.addressee.setFocus()
            return
        self.clear()

    @Slot()
    def clear(self) -> None:
        self._debounce.stop()
        self._dismiss_stop()
        self._accept_pending = None
        captured = self._end_capture()
        self.scan_field.clear()
        self._clear_scan_info()
        self.addressee.clear()
        self.notes_field.clear()
        self.focus_scan_field()
        if captured:
            self.capture_finished.emit(False)

    # -- label capture (issue 10; the panel, sources and queue live in app.ui.capture_panel) ------------------

    def attach_side_panel(self, panel: QWidget) -> None:
        """Show a panel (the label image) beside the candidates: a third of the row at most, so that at 1280x720
        the candidates keep their names and Match in view while a captured label is shown (idle, the panel narrows
        itself to its buttons)."""
        self.candidates_row.addWidget(panel, 1)

    @property
    def capture_active(self) -> bool:
        return self._capture_image is not None

    def is_idle(self) -> bool:
        """No addressee typed or captured: the next captured label may come up (a scanned barcode stays with it)."""
        return not (self.capture_active or self.addressee.toPlainText().strip())

    def show_capture(
        self,
        text: str,
        view: MatchView,
        tracking: TrackingInfo | None,
        image: LabelImage,
        matcher: Callable[[str, DeliveryType], MatchView],
    ) -> None:
        """A captured label to check: its read text (editable; edits are matched with `matcher`), candidates,
        tracking number; the image is recorded with the delivery."""
        self._debounce.stop()
        self._accept_pending = None
        self._capture_matcher = matcher
        self._capture_image = image
        if tracking is not None and tracking.tracking_number and not self.scan_field.text().strip():
            self.scan_field.setText(tracking.tracking_number)
            self._on_scan()
        self.addressee.setPlainText(text)  # the field grows to show it; no match job: the capture's is shown
        self._debounce.stop()
        self._awaiting_match = False
        self._on_matches(view)
        self.addressee.setFocus(Qt.FocusReason.OtherFocusReason)
        self.addressee.moveCursor(self.addressee.textCursor().MoveOperation.End)

    def _end_capture(self) -> bool:
        active = self.capture_active
        self._capture_matcher = None
        self._capture_image = None
        return active

    # -- scan ----------------------------------------------------------------------------------------------

    def _clear_scan_info(self) -> None:
        self._tracking = None
        self._scan_pending = False
        self._scanned_before = ""
        self.carrier_label.setText("")
        self.scan_warning.hide()

    @Slot()
    def _on_scan(self) -> None:
        scan = self.scan_field.text()
        if scan.strip():
            info = self._intake.recognise(scan)
            self._tracking = info
            self.carrier_label.setText(info.label)
            self.carrier_label.setToolTip(info.why)
            _toned(self.carrier_label, Tone.OK if info.carrier else Tone.WAITING)
            self.scan_warning.hide()
            if info.tracking_number:
                number = info.tracking_number
                self._scan_pending = True
                self._runner.submit(
                    "scan",
                    self._intake.already_scanned_today,
                    number,
                    on_result=lambda seen: self._on_scanned_today(number, bool(seen)),
                    on_error=report_bug,
                    latest_only=True,
                )
        self.addressee.setFocus(Qt.FocusReason.OtherFocusReason)
        self.addressee.selectAll()

    def _on_scanned_today(self, number: str, seen: bool) -> None:
        if self._tracking is None or self._tracking.tracking_number != number:
            return
        self._scan_pending = False
        self._scanned_before = number if seen else ""
        if seen:
            self.scan_warning.setText(f"⚠ {number} was already scanned today — is this the same parcel again?")
            _toned(self.scan_warning, Tone.PROBLEM)
            self.scan_warning.show()
        pending = self._accept_pending
        if pending is not None and not self._awaiting_match and not self._debounce.isActive():
            self._accept_pending = None
            self.accept_selected(pending)

    # -- matching -----------------------------------------------------------------------------------------------

    def _delivery_type(self) -> DeliveryType:
        return DeliveryType(int(self.type_combo.currentData()))

    @Slot()
    def _on_addressee_changed(self) -> None:
        self._schedule_match()

    def _schedule_match(self, immediate: bool = False) -> None:
        if immediate:
            self._debounce.stop()
            self._run_match()
        else:
            self._debounce.start()

    @Slot()
    def _run_match(self) -> None:
        text = self.addressee.toPlainText()
        self._awaiting_match = True
        self._runner.submit(
            "match",
            self._capture_matcher or self._intake.match,
            text,
            self._delivery_type(),
            on_result=self._on_matches,
            on_error=self._on_match_error,
            latest_only=True,
        )

    def _results_current(self) -> bool:
        return (
            self._view is not None
            and self._view.text == self.addressee.toPlainText()
            and not self._debounce.isActive()
            and not self._awaiting_match
        )

    def _on_match_error(self, exc: BaseException) -> None:
        self._awaiting_match = False
        self._accept_pending = None
        report_bug(exc)

    def _on_matches(self, view: MatchView) -> None:
        self._awaiting_match = False
        if view.text != self.addressee.toPlainText():
            return  # the text moved on; a newer job is coming
        self._view = view
        self.model.set_rows(list(view.candidates))
        if view.is_auto:
            self.table.select_row(0)
        else:
            self.table.clearSelection()
        self._show_hint(view)
        pending = self._accept_pending
        if pending is not None and not self._debounce.isActive():
            self._accept_pending = None
            if self.current_candidate() is not None:
                self.accept_selected(pending)

    def _update_details(self) -> None:
        c = self.current_candidate()
        if self._armed is not None and (c is None or (c.contract_id, c.contact_id) != self._armed[:2]):
            self._dismiss_stop()
        if c is None:
            self.details.setText("")
            self.details_warning.hide()
            return
        self.details.setText(candidate_summary(c))
        self.details.setToolTip(self.details.text())
        warnings = intake_stop_reasons(c, self._scanned_before)
        if c.aml_warning and not warnings:
            warnings = [c.aml_warning]
        said = "; ".join(warnings)
        self.details_warning.setText(f"⚠ {said[:1].upper()}{said[1:]}." if warnings else "")
        self.details_warning.setToolTip(self.details_warning.text())
        _toned(
            self.details_warning,
            Tone.PROBLEM
            if warnings and (c.cancelled or c.gone or c.id_check_serious or self._scanned_before)
            else Tone.WAITING,
        )
        self.details_warning.setVisible(bool(warnings))

    def _show_hint(self, view: MatchView | None) -> None:
        if view is None or not view.text.strip():
            self.hint.setText("Type or paste who it is for; the best matches appear below.")
            _toned(self.hint, Tone.MUTED)
            return
        if view.nobody and view.candidates:
            self.hint.setText(HINTS["weak"])
            _toned(self.hint, Tone.WAITING)
        elif view.nobody:
            self.hint.setText(HINTS["none"])
            _toned(self.hint, Tone.WAITING)
        elif view.is_auto:
            self.hint.setText(HINTS["auto"])
            _toned(self.hint, Tone.OK)
        else:  # the matcher's reason first when it gave one ("3 people on different contracts match J. Smith")
            reason = f"Not sure: {view.reason.rstrip('.')}." if view.reason else ""
            self.hint.setText(f"{reason} Pick the recipient with ↑/↓, then press Enter." if reason else HINTS["review"])
            _toned(self.hint, Tone.WAITING)
        if view.note:
            self.hint.setText(f"{self.hint.text()} {view.note}")
            _toned(self.hint, Tone.WAITING)

    @Slot(int)
    def move_selection(self, delta: int) -> None:
        rows = self.model.rowCount()
        if rows == 0:
            return
        current = self.table.selected_row()
        target = (0 if delta > 0 else rows - 1) if current < 0 else max(0, min(rows - 1, current + delta))
        self.table.select_row(target)

    # -- accepting ---------------------------------------------------------------------------------------------

    @Slot()
    def record_anyway(self) -> None:
        """Alt+Y: the deliberate second key after a stop (does nothing when no stop is shown)."""
        if self.stop_bar.isVisible() and self._armed is not None:
            self.accept_selected(self._armed_next, confirmed=True)

    def _dismiss_stop(self) -> None:
        if self._armed is None:
            return
        self._armed = None
        self.stop_bar.dismiss()
        self.details_warning.setVisible(bool(self.details_warning.text()))

    @Slot(bool)
    def accept_selected(self, save_and_next: bool = False, confirmed: bool = False) -> None:
        """Enter: record the delivery for the selected candidate (waits for the matches of the current text).

        A reason to stop shows the stop bar instead; `confirmed` (Alt+Y) records the candidate it asked about."""
        text = self.addressee.toPlainText()
        if not text.strip():
            self.hint.setText("Type who the item is for first.")
            _toned(self.hint, Tone.WAITING)
            self.addressee.setFocus()
            return
        if self._barcode_in_addressee(text):
            return
        if not self.shelf_field.text().strip():
            self.hint.setText("Type the shelf or place where the item is kept, then press Enter.")
            _toned(self.hint, Tone.WAITING)
            self.shelf_field.setFocus()
            return
        if not self._results_current() or self._scan_pending:
            self._accept_pending = save_and_next
            if self._debounce.isActive() or self._view is None or self._view.text != text:
                self._schedule_match(immediate=True)
            return
        candidate = self.current_candidate()
        if candidate is None:
            self._show_hint(self._view)
            if self._view is not None and self._view.candidates:
                self.hint.setText(
                    "No recipient chosen — pick one with ↑/↓ and press Enter, or register a new one (Ctrl+N)."
                )
                _toned(self.hint, Tone.WAITING)
            self.addressee.setFocus()
            return
        assert self._view is not None
        key = (candidate.contract_id, candidate.contact_id, text)
        reasons = intake_stop_reasons(candidate, self._scanned_before)
        if reasons and not (confirmed and self._armed == key):
            self._armed = key
            self._armed_next = save_and_next
            what = f"{delivery_type_word(self._delivery_type()).lower()} for {isolate(candidate.recipient_label)}"
            self.stop_bar.ask(reasons, what)
            self.details_warning.hide()  # the stop says it all (its place is kept)
            self.hint.setText(f"Check the warning: {RECORD_ANYWAY_KEY} records anyway, Esc goes back.")
            _toned(self.hint, Tone.PROBLEM)
            return
        self._dismiss_stop()
        draft = IntakeDraft(
            candidate=candidate,
            label_text=text,
            delivery_type=self._delivery_type(),
            shelf=self.shelf_field.text().strip(),
            notes=self.notes_field.text().strip(),
            tracking=self._tracking,
            decision=self._view.decision,
            image=self._capture_image,
        )
        self._intake.remember_shelf(draft.shelf)  # on the GUI thread: the settings callback never runs in a worker
        self._runner.submit(
            "record",
            self._intake.record,
            draft,
            on_result=lambda delivery_id: self._on_recorded(int(delivery_id), draft),
            on_error=lambda exc: self._on_record_error(exc, draft),
        )
        self._reset_for_next(keep_type=save_and_next)

    def _barcode_in_addressee(self, text: str) -> bool:
        """A scanner fired while the addressee field had focus: move the number to the Barcode field."""
        if "\n" in text.strip() or self.scan_field.text().strip():
            return False
        info = self._intake.recognise(text)
        if info.carrier is None or info.confidence != Confidence.CHECKED:
            return False
        self.addressee.clear()
        self.scan_field.setText(text.strip())
        self._on_scan()
        self.hint.setText("That was a barcode: it is now in the Barcode field. Type who the item is for.")
        _toned(self.hint, Tone.WAITING)
        return True

    def _on_record_error(self, exc: BaseException, draft: IntakeDraft) -> None:
        message = user_message_of(exc)
        if message is None:
            report_bug(exc)
            return
        self.confirmation.setText(f"✗ Not recorded: {isolate(draft.candidate.recipient_label)} — {message}")
        _toned(self.confirmation, Tone.PROBLEM)
        if not self.addressee.toPlainText().strip():
            self.addressee.setPlainText(draft.label_text)

    def _reset_for_next(self, keep_type: bool) -> None:
        self._debounce.stop()
        self._accept_pending = None
        self.scan_field.clear()
        self._clear_scan_info()
        self.notes_field.clear()
        if keep_type:  # Ctrl+Enter: the next parcel of a pile goes to the same shelf, and says so
            self.shelf_note.setText("kept from the last parcel")
            self.shelf_note.show()
        else:  # Enter: everything cleared, the next item starts from nothing
            self.type_combo.blockSignals(True)
            self.type_combo.setCurrentIndex(0)
            self.type_combo.blockSignals(False)
            self.shelf_field.clear()
            self.shelf_note.hide()
        self.addressee.blockSignals(True)
        self.addressee.clear()
        self.addressee.blockSignals(False)
        self._view = None
        self.model.set_rows([])
        self._show_hint(None)
        captured = self._end_capture()
        self._run_match()  # supersedes any match still running for the old text
        self.focus_scan_field()
        if captured:
            self.capture_finished.emit(True)

    def _on_recorded(self, delivery_id: int, draft: IntakeDraft) -> None:
        self.last_confirmation = confirmation_text(draft)
        self.confirmation.setText(f"✓ {self.last_confirmation}")
        _toned(self.confirmation, Tone.OK)
        self.delivery_recorded.emit(delivery_id)
        cand = draft.candidate
        if cand.rank != 0 and draft.label_text.strip():
            self.alias_prompt.ask(draft.label_text.strip(), cand.recipient_label, cand.contract_id, cand.contact_id)

    # -- aliases --------------------------------------------------------------------------------------------

    @Slot(bool)
    def _on_alias_answer(self, yes: bool) -> None:
        prompt = self.alias_prompt
        if yes:
            text, contract_id, contact_id = prompt.label_text, prompt.contract_id, prompt.contact_id
            self._runner.submit(
                "alias",
                self._intake.learn_alias,
                text,
                contract_id,
                contact_id,
                on_result=lambda _r: self.confirmation.setText("✓ Label remembered for next time."),
                on_error=report_bug,
            )
        self.focus_scan_field()

    # -- register ----------------------------------------------------------------------------------------------

    def _on_registered(self, recipient: RegisteredRecipient, label_text: str) -> None:
        full_name = recipient.full_name
        self.recipient_registered.emit(recipient.local_id)
        self.confirmation.setText(f"✓ {isolate(full_name)} registered. Waiting to send — you can record the item now.")
        _toned(self.confirmation, Tone.OK)
        if not self.addressee.toPlainText().strip():
            self.addressee.setPlainText(full_name)
        self._schedule_match(immediate=True)
        label = label_text.strip()
        if label and label.casefold() != full_name.strip().casefold():
            self.alias_prompt.ask(label, full_name, recipient.contract_id, recipient.contact_id)

    def _on_register_closed(self, dialog: RegisterDialog) -> None:
        if self.register_dialog is dialog:
            self.window().activateWindow()
            self.addressee.setFocus(Qt.FocusReason.ActiveWindowFocusReason)
