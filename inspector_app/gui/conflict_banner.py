"""The band above a note in conflict: whose version is shown, and Resolve…."""

from __future__ import annotations

from PySide6.QtCore import Signal
from PySide6.QtWidgets import QHBoxLayout, QLabel, QPushButton, QWidget

from inspector_app.core.models import Version
from inspector_app.gui.times import local_time

CONFLICT = "Two inspectors changed this note. It is read-only until you choose a version."


class ConflictBanner(QWidget):
    resolve_requested = Signal()

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("conflictBanner")
        self.setStyleSheet("#conflictBanner { background: #fff3cd; color: #5d4200; }")
        self.text = QLabel(CONFLICT)
        self.text.setWordWrap(True)
        resolve = QPushButton("&Resolve…")
        resolve.setAccessibleName("Resolve the conflict")
        resolve.clicked.connect(self.resolve_requested)
        row = QHBoxLayout(self)
        row.addWidget(self.text, 1)
        row.addWidget(resolve)
        self.hide()

    def reset(self) -> None:
        self.text.setText(CONFLICT)

    def name_versions(self, found: tuple[Version, list[Version]]) -> None:
        """Say whose version is on show (``operations.shown_version``) and who else wrote."""
        shown, others = found
        also = " and ".join(sorted({v.by for v in others} - {shown.by}))
        self.text.setText(
            f"{shown.by}'s version ({local_time(shown.at)}) is shown; "
            + (f"{also} changed this note too." if also else "another version of it is kept.")
            + " It is read-only until you choose a version."
        )
