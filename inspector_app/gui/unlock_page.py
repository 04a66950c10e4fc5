"""Unlock: the passphrase (or recovery key), with the key derivation running in the background."""

from __future__ import annotations

from pathlib import Path

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import (
    QFormLayout,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QProgressBar,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from inspector_app.core.errors import WrongPassphrase


class UnlockPage(QWidget):
    unlock_requested = Signal(Path, str)
    back_requested = Signal()

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.path: Path | None = None
        self.heading = QLabel()
        self.heading.setWordWrap(True)
        self.secret = QLineEdit()
        self.secret.setEchoMode(QLineEdit.EchoMode.Password)
        self.secret.setAccessibleName("Passphrase")
        self.secret.setPlaceholderText("Passphrase")
        self.secret.returnPressed.connect(self._submit)
        self.use_recovery = QPushButton("Use the &recovery key instead")
        self.use_recovery.setFlat(True)
        self.use_recovery.setCheckable(True)
        self.use_recovery.setAccessibleName("Use the recovery key")
        self.use_recovery.toggled.connect(self._recovery_mode)
        self.hint = QLabel()
        self.hint.setObjectName("unlockHint")
        self.hint.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.message = QLabel()
        self.message.setObjectName("unlockMessage")
        self.message.setWordWrap(True)
        self.message.setStyleSheet("color: #c62828;")
        self.busy = QProgressBar()
        self.busy.setRange(0, 0)
        self.busy.setAccessibleName("Unlocking")
        self.busy.setTextVisible(False)
        self.busy.hide()
        self.unlock = QPushButton("&Unlock")
        self.unlock.setDefault(True)
        self.unlock.setAccessibleName("Unlock")
        self.unlock.clicked.connect(self._submit)
        back = QPushButton("&Back")
        back.setAccessibleName("Back to the start screen")
        back.clicked.connect(self.back_requested)

        form = QFormLayout()
        self.secret_label = QLabel("&Passphrase:")
        self.secret_label.setBuddy(self.secret)
        form.addRow(self.secret_label, self.secret)
        buttons = QHBoxLayout()
        buttons.addWidget(back)
        buttons.addStretch()
        buttons.addWidget(self.unlock)
        box = QVBoxLayout()
        box.addWidget(self.heading)
        box.addLayout(form)
        box.addWidget(self.use_recovery, 0, Qt.AlignmentFlag.AlignLeft)
        box.addWidget(self.hint)
        box.addWidget(self.message)
        box.addWidget(self.busy)
        box.addLayout(buttons)
        panel = QWidget()
        panel.setMaximumWidth(520)
        panel.setLayout(box)
        outer = QVBoxLayout(self)
        outer.addStretch()
        outer.addWidget(panel, 0, Qt.AlignmentFlag.AlignHCenter)
        outer.addStretch(2)

    def prepare(self, path: Path, hint: str = "", message: str = "") -> None:
        self.path = path
        self.heading.setText(
            f"<h2>Unlock the inspection</h2><p>{path.name}<br><small>{path.parent}</small></p>"
        )
        self.hint.setText(hint)
        self.hint.setVisible(bool(hint))
        self.message.setText(message)
        self.use_recovery.setChecked(False)
        self.secret.clear()
        self.set_busy(False)
        self.secret.setFocus()

    def set_busy(self, busy: bool) -> None:
        self.busy.setVisible(busy)
        self.unlock.setEnabled(not busy)
        self.secret.setEnabled(not busy)

    def failed(self, exc: Exception) -> bool:
        """Show a wrong passphrase inline; other errors are for the window to show."""
        self.set_busy(False)
        if isinstance(exc, WrongPassphrase):
            self.message.setText(str(exc))
            self.secret.selectAll()
            self.secret.setFocus()
            return True
        return False

    def _recovery_mode(self, on: bool) -> None:
        self.secret_label.setText("&Recovery key:" if on else "&Passphrase:")
        self.secret.setAccessibleName("Recovery key" if on else "Passphrase")
        self.secret.setPlaceholderText(
            "XXXX-XXXX-XXXX-XXXX-XXXX-XXXX-XXXX-XXXX" if on else "Passphrase"
        )
        self.secret.setEchoMode(QLineEdit.EchoMode.Normal if on else QLineEdit.EchoMode.Password)
        self.secret.setFocus()

    def _submit(self) -> None:
        if self.path is None or not self.unlock.isEnabled():
            return
        if not self.secret.text():
            self.message.setText("Type the passphrase first.")
            return
        self.message.clear()
        self.set_busy(True)
        self.unlock_requested.emit(self.path, self.secret.text())
