"""Settings: idle-lock minutes, the default kind of a new note, text size."""

from __future__ import annotations

from PySide6.QtWidgets import QComboBox, QDialog, QDialogButtonBox, QFormLayout, QSpinBox, QWidget

from inspector_app.core import framework as frameworks
from inspector_app.gui.settings import MAX_TEXT_SIZE, Settings


class SettingsDialog(QDialog):
    def __init__(self, settings: Settings, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setWindowTitle("Settings")
        self.settings = settings
        self.idle = QSpinBox()
        self.idle.setRange(0, 240)
        self.idle.setSuffix(" min")
        self.idle.setSpecialValueText("Never")
        self.idle.setValue(settings.idle_minutes)
        self.idle.setAccessibleName("Lock after idle minutes")
        self.kind = QComboBox()
        for kind in frameworks.load().kinds:
            self.kind.addItem(kind.label, kind.code)
        self.kind.setCurrentIndex(max(self.kind.findData(settings.default_kind), 0))
        self.kind.setAccessibleName("Default kind of a new note")
        self.size = QSpinBox()
        self.size.setRange(0, MAX_TEXT_SIZE)
        self.size.setToolTip("For larger text, use the system's display scaling.")
        self.size.setSuffix(" pt")
        self.size.setSpecialValueText("System")
        self.size.setValue(settings.text_size)
        self.size.setAccessibleName("Text size")
        buttons = QDialogButtonBox(
            QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel
        )
        buttons.accepted.connect(self.accept)
        buttons.rejected.connect(self.reject)
        form = QFormLayout(self)
        form.addRow("&Lock after:", self.idle)
        form.addRow("&New notes are:", self.kind)
        form.addRow("&Text size:", self.size)
        form.addRow(buttons)

    def accept(self) -> None:
        self.settings.idle_minutes = self.idle.value()
        if self.kind.currentData() != self.settings.default_kind:  # Ctrl+N follows a new default
            self.settings.default_kind = self.settings.last_kind = self.kind.currentData()
        self.settings.text_size = self.size.value()
        self.settings.sync()
        super().accept()
