"""Entry point of the desktop app: ``inspector-app`` with no subcommand, or ``make run``."""

from __future__ import annotations

import contextlib
import signal
import socket
import sys

from PySide6.QtCore import QSocketNotifier
from PySide6.QtGui import QIcon
from PySide6.QtWidgets import QApplication, QWidget

from inspector_app import __version__
from inspector_app.core.paths import icon_path
from inspector_app.gui.main_window import MainWindow
from inspector_app.gui.settings import Settings


def make_app(argv: list[str] | None = None) -> QApplication:
    app = QApplication.instance() or QApplication(argv or sys.argv[:1])
    app.setApplicationName("Inspector")
    app.setOrganizationName("inspector-app")
    app.setApplicationVersion(__version__)
    app.setDesktopFileName("inspector-app")  # matches resources/inspector-app.desktop
    app.setWindowIcon(QIcon(str(icon_path())))
    app.setStyle("Fusion")  # follows the system's light or dark scheme on every platform
    return app


def close_on_signals(window: QWidget) -> None:
    """SIGTERM (log-out, shutdown) and Ctrl+C in a terminal close every window as the user
    would, dialogs included: the open note is saved and the file locked before the app exits.

    Python runs a signal handler only when it next gets control, and Qt's event loop may wait
    indefinitely; the wake-up socket makes Qt hand control back as soon as a signal arrives.
    """
    receiver, sender = socket.socketpair()
    receiver.setblocking(False)
    sender.setblocking(False)
    signal.set_wakeup_fd(sender.fileno())
    notifier = QSocketNotifier(receiver.fileno(), QSocketNotifier.Type.Read, window)
    notifier.activated.connect(lambda: _drain(receiver))
    window._signal_wakeup = (receiver, sender, notifier)  # they live as long as the window
    for number in (signal.SIGINT, signal.SIGTERM):
        signal.signal(number, lambda *_: QApplication.closeAllWindows())  # dialogs too


def _drain(receiver: socket.socket) -> None:
    with contextlib.suppress(BlockingIOError):  # Qt may report the socket before it has data
        receiver.recv(64)


def run(demo: bool = False) -> int:
    app = make_app()
    settings = Settings()
    window = MainWindow(settings)
    window.apply_settings()
    window.restore_layout()
    close_on_signals(window)
    window.show()
    if demo:
        window.open_demo()
    return app.exec()
