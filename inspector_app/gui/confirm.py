"""Questions asked before something that cannot simply be taken back."""

from __future__ import annotations

from collections.abc import Callable

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QMessageBox, QWidget


def confirm(
    parent: QWidget, *, title: str, text: str, action: str, name: str, on_yes: Callable[[], object]
) -> QMessageBox:
    """A window-modal question with ``action`` and Cancel, Cancel being the default (so Enter
    changes nothing); ``on_yes`` runs only if ``action`` is chosen. It does not block."""
    box = QMessageBox(
        QMessageBox.Icon.Question, title, text, QMessageBox.StandardButton.Cancel, parent
    )
    yes = box.addButton(action, QMessageBox.ButtonRole.DestructiveRole)
    box.setDefaultButton(QMessageBox.StandardButton.Cancel)
    box.setObjectName(name)
    box.setAccessibleName(title)
    box.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
    box.finished.connect(lambda _result: on_yes() if box.clickedButton() is yes else None)
    box.open()
    return box
