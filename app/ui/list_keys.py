"""Keyboard in the lists: ↓ (or PgDown) in a filter field moves into its list; a list entered by Tab or ↓ always has a
row selected (the first, or the only one), so the next key (Enter, Ctrl+H...) acts on what is shown."""

from __future__ import annotations

from PySide6.QtCore import QEvent, QItemSelectionModel, QObject, Qt
from PySide6.QtGui import QKeyEvent
from PySide6.QtWidgets import QAbstractItemView, QLineEdit, QTableView


def select_first_if_none(table: QAbstractItemView) -> None:
    """Select the first row when nothing is selected (the only row of a one-row list, too)."""
    model = table.model()
    selection = table.selectionModel()
    if model is None or selection is None or model.rowCount() == 0 or selection.hasSelection():
        return
    if isinstance(table, QTableView):
        table.selectRow(0)  # the view's own way: its anchor stays right for Shift+↓ and a later selectRow
    else:
        selection.setCurrentIndex(
            model.index(0, 0), QItemSelectionModel.SelectionFlag.ClearAndSelect | QItemSelectionModel.SelectionFlag.Rows
        )
    table.scrollTo(model.index(0, 0))


class _FilterKeys(QObject):
    def __init__(self, edit: QLineEdit, table: QAbstractItemView) -> None:
        super().__init__(edit)
        self._edit = edit
        self._table = table

    def eventFilter(self, obj: QObject, event: QEvent) -> bool:
        if (
            obj is self._edit
            and event.type() == QEvent.Type.KeyPress
            and isinstance(event, QKeyEvent)
            and event.key() in (Qt.Key.Key_Down, Qt.Key.Key_PageDown)
            and not event.modifiers()
        ):
            model = self._table.model()
            if model is not None and model.rowCount() > 0:
                self._table.setFocus(Qt.FocusReason.OtherFocusReason)
                select_first_if_none(self._table)
                return True
        if obj is self._table and event.type() == QEvent.Type.FocusIn:
            select_first_if_none(self._table)
        return False


def connect_filter_to_list(edit: QLineEdit, table: QAbstractItemView) -> None:
    """↓ in `edit` enters `table`; focusing `table` (Tab) selects its first row when none is."""
    keys = _FilterKeys(edit, table)
    edit.installEventFilter(keys)
    table.installEventFilter(keys)
    edit.setProperty("_list_keys", keys)  # kept alive with the field (it is also its Qt parent)
