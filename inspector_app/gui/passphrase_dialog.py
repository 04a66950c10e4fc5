"""Change the open inspection's passphrase: the current one first (a laptop left unlocked is
not enough to change it), then the new one twice, as when the file was made."""

from __future__ import annotations

from PySide6.QtCore import Signal
from PySide6.QtWidgets import (
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QLabel,
    QLineEdit,
    QProgressBar,
    QWidget,
)

from inspector_app.core.errors import WrongPassphrase
from inspector_app.gui import operations as ops
from inspector_app.gui.errors import describe
from inspector_app.gui.new_inspection import passphrase_problem, strength
from inspector_app.gui.session import Session


class PassphraseDialog(QDialog):
    changed = Signal()

    def __init__(self, session: Session, kdf=None, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setWindowTitle("Change passphrase")
        self.setMinimumWidth(460)
        self.session, self.kdf = session, kdf
        self.current, self.new, self.again = QLineEdit(), QLineEdit(), QLineEdit()
        for edit, name in ((self.current, "Current passphrase"), (self.new, "New passphrase"),
                           (self.again, "New passphrase again")):
            edit.setEchoMode(QLineEdit.EchoMode.Password)
            edit.setAccessibleName(name)
        self.hint = QLabel()
        self.hint.setWordWrap(True)
        self.new.textChanged.connect(lambda text: self.hint.setText(strength(text)[1]))
        self.message = QLabel()
        self.message.setWordWrap(True)
        self.message.setStyleSheet("color: #c62828;")
        self.working = QProgressBar()
        self.working.setRange(0, 0)
        self.working.setAccessibleName("Changing the passphrase")
        self.working.hide()
        self.buttons = QDialogButtonBox(
            QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel
        )
        self.buttons.button(QDialogButtonBox.StandardButton.Ok).setText("C&hange passphrase")
        self.buttons.accepted.connect(self._change)
        self.buttons.rejected.connect(self.reject)
        intro = QLabel(
            "The recovery key still opens the file afterwards. A copy of the file made before "
            "the change still opens with the old passphrase."
        )
        intro.setWordWrap(True)
        form = QFormLayout(self)
        form.addRow(intro)
        form.addRow("C&urrent passphrase:", self.current)
        form.addRow("&New passphrase:", self.new)
        form.addRow("A&gain:", self.again)
        for row in (self.hint, self.message, self.working, self.buttons):
            form.addRow(row)

    def _change(self) -> None:
        problem = passphrase_problem(self.new.text(), self.again.text())
        self.message.setText(problem)
        if problem:
            self.hint.clear()  # said once, in red
            return
        self.buttons.setEnabled(False)
        self.working.show()  # deriving the keys takes a moment, twice
        self.session.run(
            ops.change_passphrase,
            self.current.text(),
            self.new.text(),
            self.kdf,
            on_success=self._changed,
            on_failure=self._failed,
        )

    def _changed(self, _result: object) -> None:
        self.changed.emit()
        self.accept()

    def _failed(self, exc: Exception) -> None:
        self.working.hide()
        self.buttons.setEnabled(True)
        if isinstance(exc, WrongPassphrase):
            self.message.setText("The current passphrase is not right; nothing was changed.")
            self.current.selectAll()
            self.current.setFocus()
        else:
            self.message.setText(describe(exc)[1])

    def done(self, result: int) -> None:
        for edit in (self.current, self.new, self.again):
            edit.clear()  # nothing typed stays in a closed dialog
        super().done(result)
