"""The child register: pseudonyms used in notes, and real names kept hidden until revealed."""

from __future__ import annotations

from typing import Any

from PySide6.QtCore import QModelIndex, Qt, QTimer
from PySide6.QtWidgets import (
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QLineEdit,
    QPushButton,
    QTableView,
    QVBoxLayout,
    QWidget,
)

from inspector_app.core.errors import NameHeld
from inspector_app.core.models import Child
from inspector_app.gui import operations as ops
from inspector_app.gui.confirm import confirm
from inspector_app.gui.errors import show_error
from inspector_app.gui.session import Session
from inspector_app.gui.table_model import Index, RowsModel

HIDDEN = "•••••• (hidden)"
REVEAL_SECONDS = 30


class ChildrenModel(RowsModel):
    COLUMNS = ("Pseudonym", "Real name")
    rows: list[Child]

    def __init__(self, parent=None) -> None:
        super().__init__(parent)
        self.revealed = False

    def set_revealed(self, revealed: bool) -> None:
        self.revealed = revealed
        if self.rows:
            self.dataChanged.emit(self.index(0, 1), self.index(len(self.rows) - 1, 1))

    def data(self, index: Index, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if not index.isValid() or role not in (
            Qt.ItemDataRole.DisplayRole,
            Qt.ItemDataRole.AccessibleTextRole,
        ):
            return None
        child = self.rows[index.row()]
        if index.column() == 0:
            return child.ref
        if not child.name:
            return "—"
        return child.name if self.revealed else HIDDEN


class ChildrenView(QWidget):
    def __init__(self, session: Session, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.session = session
        self.model = ChildrenModel(self)
        self.table = QTableView()
        self.table.setModel(self.model)
        self.table.setAccessibleName("Child register")
        self.table.horizontalHeader().setSectionResizeMode(QHeaderView.ResizeMode.Stretch)
        self.table.verticalHeader().hide()
        self.table.setTabKeyNavigation(False)
        self.table.activated.connect(self._pick)
        self.table.clicked.connect(self._pick)
        self.reveal = QPushButton("&Reveal real names")
        self.reveal.setCheckable(True)
        self.reveal.setAccessibleName("Reveal real names")
        self.reveal.toggled.connect(self._toggle_reveal)
        self.hide_timer = QTimer(self, singleShot=True, interval=REVEAL_SECONDS * 1000)
        self.hide_timer.timeout.connect(lambda: self.reveal.setChecked(False))
        self.ref = QLineEdit()
        self.ref.setPlaceholderText("Pseudonym, e.g. Child D")
        self.ref.setAccessibleName("Pseudonym")
        self.ref.setMinimumWidth(200)
        self.name = QLineEdit()
        self.name.setPlaceholderText("Real name (optional; never exported)")
        self.name.setAccessibleName("Real name")
        self.name.setEchoMode(QLineEdit.EchoMode.PasswordEchoOnEdit)
        for edit in (self.ref, self.name):  # Enter in either adds the entry
            edit.returnPressed.connect(self._add)
        add = QPushButton("&Add to register")
        add.setAccessibleName("Add to the register")
        add.clicked.connect(self._add)
        self.message = QLabel()
        self.empty = QLabel(
            "No children in the register yet. Type a pseudonym below (and a real name only if "
            "you need one) and press Enter; notes then tag the child by pseudonym."
        )
        self.empty.setObjectName("emptyState")
        self.empty.setWordWrap(True)
        self.empty.hide()
        note = QLabel(
            "Notes refer to children only by pseudonym. Real names, if you keep them "
            "at all, stay sealed in this file and are used only to stop a name "
            "reaching a report."
        )
        note.setWordWrap(True)
        form = QHBoxLayout()
        form.addWidget(self.ref)
        form.addWidget(self.name, 1)
        form.addWidget(add)
        layout = QVBoxLayout(self)
        layout.addWidget(note)
        layout.addWidget(self.table, 1)
        layout.addWidget(self.empty)
        layout.addWidget(self.reveal, 0, Qt.AlignmentFlag.AlignLeft)
        layout.addLayout(form)
        layout.addWidget(self.message)

    def reload(self) -> None:
        self.session.run(ops.children, on_success=self._show)

    def _show(self, children: list[Child]) -> None:
        self.model.set_rows(children)
        self.empty.setVisible(not children)
        # Nothing to reveal until a real name is kept.
        self.reveal.setEnabled(any(child.name for child in children))
        self.reveal.setToolTip(
            "" if self.reveal.isEnabled() else "No real names are kept in this file."
        )
        if not self.reveal.isEnabled():
            self.reveal.setChecked(False)

    def clear(self) -> None:
        self.reveal.setChecked(False)
        self.model.set_rows([])
        self.message.clear()
        self.ref.clear()
        self.name.clear()

    def _toggle_reveal(self, on: bool) -> None:
        self.model.set_revealed(on)
        self.reveal.setText("Hide &real names" if on else "&Reveal real names")
        if on:
            self.hide_timer.start()

    def _pick(self, index: QModelIndex) -> None:
        """Choosing an entry puts its pseudonym in the field, ready to give it a real name."""
        self.ref.setText(self.model.rows[index.row()].ref)
        self.name.setFocus()

    def _add(self, replace_name: bool = False) -> None:
        ref, name = self.ref.text(), self.name.text()
        if not ref.strip():
            self.message.setText("Give a pseudonym first.")
            return
        self.message.clear()
        self.session.run(
            ops.add_child,
            ref,
            name,
            replace_name,
            on_success=self._added,
            on_failure=self._refused,
            changes=True,
        )

    def _added(self, result: tuple[Child, bool]) -> None:
        child, changed = result
        self.ref.clear()
        self.name.clear()
        if not changed:
            self.message.setText(f"{child.ref} is already in the register; nothing changed.")
        else:
            named = " with a real name" if child.name else ""
            self.message.setText(f"{child.ref} is in the register{named}.")
        self.ref.setFocus()

    def _refused(self, exc: BaseException) -> None:
        """A different real name for a pseudonym that has one: replace it only if asked to."""
        if not isinstance(exc, NameHeld):
            show_error(self, exc)
            return
        confirm(
            self,
            title="Replace the real name?",
            text=f"{exc} Replace it with the name you typed? Do this only if the kept one is "
            "wrong: the report's check looks for the name the register holds.",
            action="&Replace the name",
            name="replaceName",
            on_yes=lambda: self._add(True),
        )
