"""Unlock: the passphrase (or recovery key), with the key derivation running in the background."""

from __future__ import annotations

import html
from pathlib import Path

from PySide6.QtCore import QEvent, Qt, Signal
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

RECOVERY = "XXXX-XXXX-XXXX-XXXX-XXXX-XXXX-XXXX-XXXX"  # the shape of a recovery key
USE_RECOVERY = "Use the &recovery key instead"
USE_PASSPHRASE = "Use the &passphrase instead"


class UnlockPage(QWidget):
    unlock_requested = Signal(Path, str)
    back_requested = Signal()

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.path: Path | None = None
        self.heading = QLabel()
        self.secret = QLineEdit()
        self.secret.setEchoMode(QLineEdit.EchoMode.Password)
        self.secret.setAccessibleName("Passphrase")
        self.secret.setPlaceholderText("Passphrase")
        self.secret.returnPressed.connect(self._submit)
        self.use_recovery = QPushButton(USE_RECOVERY)
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
        self.panel = panel = QWidget()
        self._fit_panel()
        panel.setLayout(box)
        row = QHBoxLayout()  # centred by stretches, so the wrapped lines get their height
        row.addStretch()
        row.addWidget(panel)
        row.addStretch()
        outer = QVBoxLayout(self)
        outer.addStretch()
        outer.addLayout(row)
        outer.addStretch(2)

    def _fit_panel(self) -> None:
        """Wide enough for a whole recovery key and a file name at the text size in use; the
        labels wrap within it."""
        metrics = self.secret.fontMetrics()
        self.panel.setFixedWidth(max(460, metrics.horizontalAdvance(RECOVERY) + 20 * metrics
                                     .averageCharWidth()))

    def _name_file(self, path: Path) -> None:
        """A long name or folder is shortened in the middle, so the panel keeps its width."""
        room = self.panel.maximumWidth() - 20
        name, folder = (
            html.escape(
                self.heading.fontMetrics().elidedText(text, Qt.TextElideMode.ElideMiddle, room)
            )
            for text in (path.name, str(path.parent))
        )
        self.heading.setText(
            f"<h2>Unlock the inspection</h2><p>{name}<br><small>{folder}</small></p>"
        )
        self.heading.setToolTip(str(path))

    def changeEvent(self, event) -> None:  # noqa: N802 - Qt's name
        super().changeEvent(event)
        if event.type() == QEvent.Type.FontChange:  # Settings ▸ text size
            self._fit_panel()
            if self.path is not None:  # the file's name, shortened to the new width
                self._name_file(self.path)

    def prepare(self, path: Path, hint: str = "", message: str = "", error: bool = False) -> None:
        self.path = path
        self._name_file(path)
        self.hint.setText(hint)
        self.hint.setVisible(bool(hint))
        self.use_recovery.setChecked(False)  # (which clears the line below, so it goes first)
        self._say(message, error=error)
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
            self._say(str(exc))
            self.secret.selectAll()
            self.secret.setFocus()
            return True
        return False

    def _say(self, text: str, error: bool = True) -> None:
        """A line under the field: red for a failure, plain for news such as having locked."""
        self.message.setText(text)
        self.message.setStyleSheet("color: #c62828;" if error else "")

    def _recovery_mode(self, on: bool) -> None:
        """Switch between the passphrase and the recovery key (which is typed from paper, so
        it shows). Whatever was typed is cleared, so a passphrase never shows in the clear."""
        self.secret.clear()
        self.secret_label.setText("&Recovery key:" if on else "&Passphrase:")
        self.secret.setAccessibleName("Recovery key" if on else "Passphrase")
        self.secret.setPlaceholderText(RECOVERY if on else "Passphrase")
        self.secret.setEchoMode(QLineEdit.EchoMode.Normal if on else QLineEdit.EchoMode.Password)
        self.use_recovery.setText(USE_PASSPHRASE if on else USE_RECOVERY)
        self.use_recovery.setAccessibleName(
            "Use the passphrase" if on else "Use the recovery key"
        )
        self.message.clear()
        self.secret.setFocus()

    def _submit(self) -> None:
        if self.path is None or not self.unlock.isEnabled():
            return
        if not self.secret.text():
            self._say(
                "Type the recovery key first."
                if self.use_recovery.isChecked()
                else "Type the passphrase first."
            )
            return
        self.message.clear()
        self.set_busy(True)
        self.unlock_requested.emit(self.path, self.secret.text())
