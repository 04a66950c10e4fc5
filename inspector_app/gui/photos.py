"""Photos on a note: thumbnails, add (dialog or drop), full-size view, remove."""

from __future__ import annotations

from pathlib import Path

from PySide6.QtCore import QEvent, QObject, QSize, Qt, Signal
from PySide6.QtGui import QIcon, QPixmap
from PySide6.QtWidgets import (
    QDialog,
    QFileDialog,
    QHBoxLayout,
    QLabel,
    QListView,
    QListWidget,
    QListWidgetItem,
    QProgressBar,
    QPushButton,
    QScrollArea,
    QVBoxLayout,
    QWidget,
)

from inspector_app.gui.confirm import confirm
from inspector_app.gui.sizing import fit

IMAGE_FILTER = "Photos (*.jpg *.jpeg *.png *.tif *.tiff *.webp *.bmp *.gif)"


def pixmap(data: bytes) -> QPixmap:
    image = QPixmap()
    image.loadFromData(data, "JPEG")
    return image


class _DeleteKey(QObject):
    """Keeps the Delete key for a widget (Note ▸ Delete note is an application shortcut, so
    the key pressed on a thumbnail would otherwise delete the whole note)."""

    def __init__(self, widget: QWidget, on_delete) -> None:
        super().__init__(widget)
        self.on_delete = on_delete
        widget.installEventFilter(self)

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:  # noqa: N802 - Qt's name
        kinds = (QEvent.Type.ShortcutOverride, QEvent.Type.KeyPress)
        if event.type() not in kinds or event.key() != Qt.Key.Key_Delete:  # type: ignore[attr-defined]
            return False
        event.accept()  # for a ShortcutOverride: the key goes to the widget, not the menu
        if event.type() == QEvent.Type.KeyPress:
            self.on_delete()
        return event.type() == QEvent.Type.KeyPress


class PhotoStrip(QWidget):
    add_requested = Signal(list)  # paths
    remove_requested = Signal(str)  # attachment id
    open_requested = Signal(str)  # attachment id

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.thumbs = QListWidget()
        self.thumbs.setAccessibleName("Photos")
        self.thumbs.setViewMode(QListView.ViewMode.IconMode)
        self.thumbs.setIconSize(QSize(96, 96))
        self.thumbs.setFixedHeight(124)
        self.thumbs.setFlow(QListView.Flow.LeftToRight)
        self.thumbs.setWrapping(False)
        self.thumbs.setMovement(QListView.Movement.Static)
        self.thumbs.itemActivated.connect(
            lambda item: self.open_requested.emit(item.data(Qt.ItemDataRole.UserRole))
        )
        _DeleteKey(self.thumbs, self._remove)  # removes the photo, not the note
        self.empty = QLabel("No photos. Add one, or drop image files here.")
        self.empty.setObjectName("emptyState")
        self.add = QPushButton("Add &photo…")
        self.add.setAccessibleName("Add a photo")
        self.add.clicked.connect(self._choose)
        self.remove = QPushButton("Remove photo")
        self.remove.setAccessibleName("Remove the selected photo")
        self.remove.clicked.connect(self._remove)
        self.busy = QProgressBar()
        self.busy.setAccessibleName("Adding photos")
        self.busy.setMaximumWidth(160)
        self.busy.hide()
        buttons = QHBoxLayout()
        buttons.addWidget(self.add)
        buttons.addWidget(self.remove)
        buttons.addWidget(self.busy)
        buttons.addStretch()
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(self.thumbs)
        layout.addWidget(self.empty)
        layout.addLayout(buttons)
        self.show_thumbnails([])

    def show_thumbnails(self, thumbs: list[tuple[str, bytes]]) -> None:
        self.thumbs.clear()
        for number, (attachment_id, data) in enumerate(thumbs, start=1):
            item = QListWidgetItem(QIcon(pixmap(data)), "")
            item.setData(Qt.ItemDataRole.UserRole, attachment_id)
            item.setToolTip(f"Photo {number}: double-click or Enter to view")
            item.setData(Qt.ItemDataRole.AccessibleTextRole, f"Photo {number}")
            self.thumbs.addItem(item)
        self.thumbs.setVisible(bool(thumbs))
        self.empty.setVisible(not thumbs)
        self.remove.setEnabled(bool(thumbs))

    def set_busy(self, done: int, total: int) -> None:
        self.busy.setRange(0, total)
        self.busy.setValue(done)
        self.busy.setVisible(done < total)
        self.add.setEnabled(done >= total)

    def _choose(self) -> None:
        paths, _ = QFileDialog.getOpenFileNames(self, "Add photos", str(Path.home()), IMAGE_FILTER)
        if paths:
            self.add_requested.emit([Path(p) for p in paths])

    def _remove(self) -> None:
        """Ask first: a removed photo is deleted from the file and cannot be brought back."""
        item = self.thumbs.currentItem() or self.thumbs.item(0)
        if item is None:
            return
        attachment_id = item.data(Qt.ItemDataRole.UserRole)
        confirm(
            self,
            title="Remove photo",
            text=f"Remove photo {self.thumbs.row(item) + 1} from this note? It is deleted from "
            "the inspection file and cannot be brought back.",
            action="&Remove photo",
            name="removePhoto",
            on_yes=lambda: self.remove_requested.emit(attachment_id),
        )


class PhotoDialog(QDialog):
    """The full-size photo, scrollable; nothing is written to disk to show it."""

    def __init__(self, data: bytes, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setWindowTitle("Photo")
        label = QLabel()
        label.setPixmap(pixmap(data))
        label.setAccessibleName("Photo, full size")
        area = QScrollArea()
        area.setWidget(label)
        area.setAlignment(Qt.AlignmentFlag.AlignCenter)
        close = QPushButton("Close")
        close.clicked.connect(self.accept)
        layout = QVBoxLayout(self)
        layout.addWidget(area)
        layout.addWidget(close, 0, Qt.AlignmentFlag.AlignRight)
        fit(self, 900, 700)
