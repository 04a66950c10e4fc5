"""The first screen: recent inspections, New, Open, and the demo."""

from __future__ import annotations

from pathlib import Path

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import (
    QHBoxLayout,
    QLabel,
    QListWidget,
    QListWidgetItem,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from inspector_app.gui.settings import Settings


class StartPage(QWidget):
    open_path = Signal(Path)
    new_requested = Signal()
    browse_requested = Signal()
    demo_requested = Signal()
    join_requested = Signal()

    def __init__(self, settings: Settings, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.settings = settings
        title = QLabel(
            "<h1>Inspector</h1>"
            "<p>Evidence for joint local area SEND inspections, encrypted on this "
            "computer.</p>"
        )
        title.setWordWrap(True)
        self.recent = QListWidget()
        self.recent.setAccessibleName("Recent inspections")
        self.recent.itemActivated.connect(self._activated)
        self.empty = QLabel("No recent inspections yet. Create one, or open a .inspection file.")
        self.empty.setObjectName("emptyState")
        self.empty.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.empty.setWordWrap(True)

        buttons = QHBoxLayout()
        for text, name, signal in (
            ("New &inspection…", "New inspection", self.new_requested),
            (
                "&Join an inspection…",
                "Join an inspection with the lead's card",
                self.join_requested,
            ),
            ("&Open…", "Open an inspection file", self.browse_requested),
            ("Open the &demo", "Open the demo inspection", self.demo_requested),
        ):
            button = QPushButton(text)
            button.setAccessibleName(name)
            button.clicked.connect(signal)
            buttons.addWidget(button)
        buttons.addStretch()

        layout = QVBoxLayout(self)
        layout.setContentsMargins(48, 32, 48, 32)
        layout.addWidget(title)
        self.recent_label = QLabel("<b>Recent inspections</b>")
        layout.addWidget(self.recent_label)
        layout.addWidget(self.recent, 1)
        layout.addWidget(self.empty, 1)
        layout.addLayout(buttons)
        self.refresh()

    def refresh(self) -> None:
        self.recent.clear()
        for path in self.settings.recent():
            item = QListWidgetItem(str(path))
            item.setData(Qt.ItemDataRole.UserRole, str(path))
            if not path.exists():
                item.setText(f"{path}  (missing)")
                item.setFlags(item.flags() & ~Qt.ItemFlag.ItemIsEnabled)
            self.recent.addItem(item)
        has_recent = self.recent.count() > 0
        self.recent.setVisible(has_recent)
        self.recent_label.setVisible(has_recent)
        self.empty.setVisible(not has_recent)
        if has_recent:
            self.recent.setCurrentRow(0)

    def _activated(self, item: QListWidgetItem) -> None:
        self.open_path.emit(Path(item.data(Qt.ItemDataRole.UserRole)))
