"""The Delete key where it means something other than "delete the note": on a photo it
removes that photo (after asking); in a list of ticks (outcomes, children) it does nothing.

Note ▸ Delete note is an application shortcut, so without this the key pressed on a photo
thumbnail would delete the whole note.
"""

from __future__ import annotations

from collections.abc import Callable

from PySide6.QtCore import QEvent, QObject, Qt
from PySide6.QtWidgets import QWidget


class DeleteKey(QObject):
    """Keeps the Delete key for ``widget``: ``on_delete`` runs when it is pressed there."""

    def __init__(self, widget: QWidget, on_delete: Callable[[], None] | None = None) -> None:
        super().__init__(widget)
        self.on_delete = on_delete
        widget.installEventFilter(self)

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:  # noqa: N802 - Qt's name
        kinds = (QEvent.Type.ShortcutOverride, QEvent.Type.KeyPress)
        if event.type() not in kinds or event.key() != Qt.Key.Key_Delete:  # type: ignore[attr-defined]
            return False
        event.accept()  # for a ShortcutOverride: the key goes to the widget, not the menu
        if event.type() == QEvent.Type.KeyPress and self.on_delete is not None:
            self.on_delete()
        return event.type() == QEvent.Type.KeyPress
