"""The box that stops a draft naming a child: each place a real name was found, by the
child's pseudonym only; Enter on a place opens it to be changed."""

from __future__ import annotations

from PySide6.QtCore import Signal
from PySide6.QtWidgets import (
    QDialog,
    QDialogButtonBox,
    QLabel,
    QListWidget,
    QListWidgetItem,
    QVBoxLayout,
    QWidget,
)

from inspector_app.core.errors import unchecked_sentence
from inspector_app.gui.evidence_model import ID_ROLE


class NamesDialog(QDialog):
    """Where a child's real name would reach the draft; Enter on a place opens it."""

    jump = Signal(str, str)  # "finding" or "note", id prefix

    def __init__(
        self,
        hits: list,
        positions: dict[str, str],
        parent: QWidget | None = None,
        *,
        unchecked: int = 0,
    ) -> None:
        super().__init__(parent)
        self.setObjectName("namesDialog")
        self.setWindowTitle("A child's name would be in the draft")
        self.places = QListWidget()
        self.places.setAccessibleName("Places that name a child")
        if unchecked:  # nothing to open: the entries cannot be read
            sentence = unchecked_sentence(unchecked)
            self.places.addItem(QListWidgetItem(sentence[0].upper() + sentence[1:] + "."))
        for hit in hits:
            item = QListWidgetItem(_place(hit, positions))
            item.setData(ID_ROLE, hit.target)
            self.places.addItem(item)
        self.places.itemActivated.connect(self._activated)
        self.places.setCurrentRow(0)
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Cancel)
        anyway = buttons.addButton("Export anyway", QDialogButtonBox.ButtonRole.AcceptRole)
        anyway.setAccessibleName("Export anyway")
        anyway.setAutoDefault(False)  # Enter never exports a name by accident
        cancel = buttons.button(QDialogButtonBox.StandardButton.Cancel)
        cancel.setDefault(True)
        buttons.accepted.connect(self.accept)
        buttons.rejected.connect(self.reject)
        layout = QVBoxLayout(self)
        intro = QLabel(
            "The draft was not written. These places contain a real name "
            "from the child register. Press Enter on one to open it and "
            "change it, or export anyway if you are sure."
        )
        intro.setWordWrap(True)
        layout.addWidget(intro)
        self.places.setWordWrap(True)
        layout.addWidget(self.places)
        layout.addWidget(buttons)
        # Tab goes as the buttons stand on the screen (the box orders them by platform).
        first, second = sorted((anyway, cancel), key=lambda b: buttons.layout().indexOf(b))
        QWidget.setTabOrder(self.places, first)
        QWidget.setTabOrder(first, second)

    def _activated(self, item: QListWidgetItem) -> None:
        if item.data(ID_ROLE) is None:
            return
        kind, prefix = item.data(ID_ROLE)
        self.jump.emit(kind, prefix)
        self.reject()


def _place(hit, positions: dict[str, str]) -> str:
    """Where the name is, as the lead finds it on the page (a finding by its place, not its
    id), and by pseudonym only."""
    kind, prefix = hit.target
    if kind == "finding" and prefix in positions:
        where = "The evidence comment of" if hit.place.startswith("comment") else "The finding"
        return f"{where} {positions[prefix]} contains {hit.ref}'s real name"
    return hit.describe()[0].upper() + hit.describe()[1:]
