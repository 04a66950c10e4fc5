"""Editor widgets built from framework data: a kind's fields, the outcome and child pickers."""

from __future__ import annotations

import datetime as dt
from typing import Any

from PySide6.QtCore import QEvent, QRegularExpression, Qt, QTimer, Signal
from PySide6.QtGui import QRegularExpressionValidator
from PySide6.QtWidgets import (
    QCheckBox,
    QComboBox,
    QFormLayout,
    QGridLayout,
    QHBoxLayout,
    QLineEdit,
    QListWidget,
    QListWidgetItem,
    QPushButton,
    QSpinBox,
    QVBoxLayout,
    QWidget,
)

from inspector_app.core.errors import InvalidInput
from inspector_app.core.framework import Field, Framework, Kind
from inspector_app.core.models import MAX_LINE, MAX_PSEUDONYM, check_date, clean_child_ref
from inspector_app.gui.text_limits import limit_line

# What a date may be while typed: 2026-03-16, or the British 16/03/2026 (or 16.3.2026).
_DATE = QRegularExpression(r"^(\d{0,4}(-\d{0,2}(-\d{0,2})?)?|\d{1,2}[/.]\d{0,2}([/.]\d{0,4})?)$")


class FieldsForm(QWidget):
    """One input per field of the kind, as the framework file describes them."""

    changed = Signal()
    refused = Signal(str)  # typing a line did not take, and why

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.form = QFormLayout(self)
        self.form.setContentsMargins(0, 0, 0, 0)
        # In a narrow pane a long label goes above its field rather than pushing it out of view.
        self.form.setRowWrapPolicy(QFormLayout.RowWrapPolicy.WrapLongRows)
        self.inputs: dict[str, tuple[Field, QWidget]] = {}

    def set_kind(self, kind: Kind) -> None:
        while self.form.rowCount():
            self.form.removeRow(0)
        self.inputs = {}
        for field in kind.fields:
            widget = self._make(field)
            widget.setAccessibleName(field.label)
            widget.setToolTip(field.label)
            self.inputs[field.id] = (field, widget)
            self.form.addRow(field.label + ":", widget)

    def _make(self, field: Field) -> QWidget:
        if field.type == "choice":
            combo = QComboBox()
            combo.setSizeAdjustPolicy(
                QComboBox.SizeAdjustPolicy.AdjustToMinimumContentsLengthWithIcon
            )
            combo.setMinimumContentsLength(14)
            combo.addItem("—", None)
            for choice in field.choices:
                combo.addItem(choice, choice)
            combo.currentIndexChanged.connect(self.changed)
            return combo
        if field.type == "multi":
            box = QWidget()
            grid = QGridLayout(box)
            grid.setContentsMargins(0, 0, 0, 0)
            for i, choice in enumerate(field.choices):
                check = QCheckBox(choice)
                check.setAccessibleName(f"{field.label}: {choice}")
                check.toggled.connect(self.changed)
                grid.addWidget(check, i // 2, i % 2)
            return box
        if field.type == "number":
            spin = _Count()
            low = field.min if field.min is not None else 0
            spin.setRange(low - 1, field.max if field.max is not None else 10_000)
            spin.setSpecialValueText("—")
            spin.setValue(low - 1)
            spin.valueChanged.connect(self.changed)
            return spin
        edit = QLineEdit()
        if field.type == "date":
            edit.setPlaceholderText("DD/MM/YYYY")
            edit.setValidator(QRegularExpressionValidator(_DATE, edit))
            edit.setMaximumWidth(140)
        else:
            limit_line(edit, MAX_LINE, f"'{field.label}'", self.refused.emit)
        edit.textChanged.connect(self.changed)
        return edit

    def unfinished(self) -> list[str]:
        """The labels of date fields holding something that is not yet a date (not saved)."""
        return [
            field.label
            for field, widget in self.inputs.values()
            if field.type == "date" and widget.text().strip() and not _iso(widget.text())
        ]

    def values(self) -> dict[str, Any]:
        """Field values to save, dates as ISO text; a half-typed date is left out so the
        stored one stays."""
        out: dict[str, Any] = {}
        for field_id, (field, widget) in self.inputs.items():
            if isinstance(widget, QComboBox):
                out[field_id] = widget.currentData()
            elif isinstance(widget, QSpinBox):
                out[field_id] = None if widget.value() == widget.minimum() else widget.value()
            elif isinstance(widget, QLineEdit):
                text = widget.text().strip()
                if field.type == "date" and text:
                    if not _iso(text):
                        widget.setStyleSheet("border: 1px solid #c62828;")
                        continue
                    text = _iso(text)
                widget.setStyleSheet("")
                out[field_id] = text or None
            else:
                out[field_id] = [c.text() for c in widget.findChildren(QCheckBox) if c.isChecked()]
        return out

    def set_values(self, values: dict[str, Any]) -> None:
        for field_id, (field, widget) in self.inputs.items():
            value = values.get(field_id)
            if field.type == "date" and value:
                value = british(str(value))
            widget.blockSignals(True)
            if isinstance(widget, QComboBox):
                widget.setCurrentIndex(max(widget.findData(value), 0))
            elif isinstance(widget, QSpinBox):
                widget.setValue(widget.minimum() if value is None else int(value))
            elif isinstance(widget, QLineEdit):
                widget.setText("" if value is None else str(value))
                widget.setStyleSheet("")
            else:
                for check in widget.findChildren(QCheckBox):
                    check.blockSignals(True)
                    check.setChecked(check.text() in (value or []))
                    check.blockSignals(False)
            widget.blockSignals(False)


def british(iso: str) -> str:
    """A stored date as it is typed here: 16/03/2026 (left as it is if not ISO)."""
    try:
        return dt.date.fromisoformat(iso).strftime("%d/%m/%Y")
    except ValueError:
        return iso


def _iso(text: str) -> str:
    """A typed date as ISO text, or "" if it is not (yet) a date."""
    try:
        return check_date(text.strip(), "date")
    except InvalidInput:
        return ""


class _Count(QSpinBox):
    """A number that may be unset ("—"). Clicked into while unset, the dash is selected, so
    what is typed replaces it (as when the box is reached with Tab)."""

    def focusInEvent(self, event) -> None:  # noqa: N802 - Qt's name
        super().focusInEvent(event)
        if self.value() == self.minimum():
            QTimer.singleShot(0, self.selectAll)  # after the click has placed the cursor


class CheckList(QWidget):
    """A checkable list with a type-to-filter box: Enter ticks the first item shown."""

    changed = Signal()

    def __init__(self, name: str, placeholder: str, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.filter = QLineEdit()
        self.filter.setPlaceholderText(placeholder)
        self.filter.setAccessibleName(f"Filter {name}")
        self.filter.setClearButtonEnabled(True)
        self.filter.textChanged.connect(self._apply_filter)
        self.filter.returnPressed.connect(self._tick_first)
        self.filter.installEventFilter(self)  # Escape clears it, as in the search box
        self.list = QListWidget()
        self.list.setAccessibleName(name)
        self.list.setWordWrap(True)
        self.list.itemChanged.connect(lambda _item: self.changed.emit())
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(self.filter)
        layout.addWidget(self.list)

    def eventFilter(self, watched, event) -> bool:  # noqa: N802 - Qt's name
        if (watched is self.filter and event.type() == QEvent.Type.KeyPress
                and event.key() == Qt.Key.Key_Escape and self.filter.text()):
            self.filter.clear()
            return True
        return super().eventFilter(watched, event)

    def set_items(self, items: list[tuple[str, str]]) -> None:
        """(code, label) pairs; keeps the ticks of codes still present."""
        ticked = set(self.checked())
        self.list.blockSignals(True)
        self.list.clear()
        for code, label in items:
            item = QListWidgetItem(label)
            item.setData(Qt.ItemDataRole.UserRole, code)
            item.setToolTip(code)
            item.setFlags(item.flags() | Qt.ItemFlag.ItemIsUserCheckable)
            item.setCheckState(Qt.CheckState.Checked if code in ticked else Qt.CheckState.Unchecked)
            self.list.addItem(item)
        self.list.blockSignals(False)
        self._apply_filter(self.filter.text())

    def add_item(self, code: str, label: str, checked: bool = True) -> None:
        if code not in self.codes():
            self.set_items([*self.items(), (code, label)])
        self.set_checked([*self.checked(), code] if checked else self.checked())
        self.changed.emit()

    def items(self) -> list[tuple[str, str]]:
        return [
            (self.list.item(i).data(Qt.ItemDataRole.UserRole), self.list.item(i).text())
            for i in range(self.list.count())
        ]

    def codes(self) -> list[str]:
        return [code for code, _ in self.items()]

    def checked(self) -> list[str]:
        return [
            self.list.item(i).data(Qt.ItemDataRole.UserRole)
            for i in range(self.list.count())
            if self.list.item(i).checkState() == Qt.CheckState.Checked
        ]

    def set_checked(self, codes: list[str] | tuple[str, ...]) -> None:
        self.list.blockSignals(True)
        for i in range(self.list.count()):
            item = self.list.item(i)
            on = item.data(Qt.ItemDataRole.UserRole) in codes
            item.setCheckState(Qt.CheckState.Checked if on else Qt.CheckState.Unchecked)
        self.list.blockSignals(False)

    def _apply_filter(self, text: str) -> None:
        needle = text.casefold().strip()
        for i in range(self.list.count()):
            item = self.list.item(i)
            haystack = f"{item.text()} {item.data(Qt.ItemDataRole.UserRole)}".casefold()
            item.setHidden(bool(needle) and needle not in haystack)

    def _tick_first(self) -> None:
        for i in range(self.list.count()):
            item = self.list.item(i)
            if not item.isHidden():
                on = item.checkState() != Qt.CheckState.Checked
                item.setCheckState(Qt.CheckState.Checked if on else Qt.CheckState.Unchecked)
                self.filter.setText("")  # and its undo history: Ctrl+Z then undoes the tick
                return


class OutcomePicker(CheckList):
    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__("Outcomes", "Type to filter outcomes; Enter ticks", parent)

    def set_framework(self, framework: Framework) -> None:
        groups = {g.code: g.label for g in framework.outcome_groups}
        self.set_items([(o.code, o.label) for o in framework.outcomes])
        for i, outcome in enumerate(framework.outcomes):
            self.list.item(i).setToolTip(f"{groups.get(outcome.group, '')}: {outcome.code}")
        self.list.setMinimumHeight(200)


class ChildPicker(CheckList):
    """Pseudonyms from the register, and a box to add a new one."""

    refused = Signal(str)  # a pseudonym that was not added, and why

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__("Children", "Filter pseudonyms", parent)
        self.new = QLineEdit()
        self.new.setPlaceholderText("New pseudonym, e.g. Child D")
        self.new.setAccessibleName("New child pseudonym")
        limit_line(self.new, MAX_PSEUDONYM, "pseudonym", self.refused.emit)
        self.new.returnPressed.connect(self._add)
        add = QPushButton("Add")
        add.setAccessibleName("Add the pseudonym")
        add.clicked.connect(self._add)
        row = QHBoxLayout()
        row.addWidget(self.new, 1)
        row.addWidget(add)
        self.layout().addLayout(row)
        self.list.setMaximumHeight(90)

    def set_register(self, refs: list[str]) -> None:
        self.set_items([(ref, ref) for ref in refs])

    def _add(self) -> None:
        """Add the pseudonym typed, as the register would keep it, and tick it."""
        if not self.new.text().strip():
            return
        try:
            ref = clean_child_ref(" ".join(self.new.text().split()))
        except InvalidInput as exc:
            self.refused.emit(f"Not added: {exc}")
            return
        self.add_item(ref, ref)
        self.new.setText("")  # and its undo history: Ctrl+Z then undoes the tick
