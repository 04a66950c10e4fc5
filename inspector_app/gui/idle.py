"""Locks the inspection after a quiet spell: any key, click or wheel restarts the clock."""

from __future__ import annotations

from PySide6.QtCore import QEvent, QObject, QTimer, Signal

_ACTIVITY = {
    QEvent.Type.KeyPress,
    QEvent.Type.MouseButtonPress,
    QEvent.Type.Wheel,
    QEvent.Type.MouseMove,
}


class IdleWatcher(QObject):
    idle = Signal()

    def __init__(self, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self.timer = QTimer(self)
        self.timer.setSingleShot(True)
        self.timer.timeout.connect(self.idle)

    def set_minutes(self, minutes: float) -> None:
        """0 turns idle locking off."""
        self.timer.stop()  # a running timer given interval 0 would fire at once
        self.timer.setInterval(int(minutes * 60_000))
        self.poke()

    def start(self) -> None:
        self.poke()

    def stop(self) -> None:
        self.timer.stop()

    def poke(self) -> None:
        if self.timer.interval() > 0:
            self.timer.start()

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:  # noqa: N802 - Qt's name
        if event.type() in _ACTIVITY and self.timer.isActive():
            self.timer.start()
        return False
