"""Entry point of the desktop app: ``inspector-app`` with no subcommand, or ``make run``."""

from __future__ import annotations

import sys

from PySide6.QtWidgets import QApplication

from inspector_app import __version__
from inspector_app.gui.main_window import MainWindow
from inspector_app.gui.settings import Settings


def make_app(argv: list[str] | None = None) -> QApplication:
    app = QApplication.instance() or QApplication(argv or sys.argv[:1])
    app.setApplicationName("Inspector")
    app.setOrganizationName("inspector-app")
    app.setApplicationVersion(__version__)
    app.setStyle("Fusion")  # follows the system's light or dark scheme on every platform
    return app


def run(demo: bool = False) -> int:
    app = make_app()
    settings = Settings()
    window = MainWindow(settings)
    window.apply_settings()
    window.show()
    if demo:
        window.open_demo()
    return app.exec()
