"""Screenshots of the app's main screens on the demo inspection, taken offscreen into docs/.

Run with ``make screenshots`` (or ``.venv/bin/python docs/screenshots.py``).
"""

from __future__ import annotations

import os
import sys
import tempfile
from pathlib import Path

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

from PySide6.QtCore import QEventLoop, QTimer  # noqa: E402
from PySide6.QtWidgets import QWidget  # noqa: E402

from inspector_app.gui.app import make_app  # noqa: E402
from inspector_app.gui.conflict_dialog import ConflictDialog  # noqa: E402
from inspector_app.gui.main_window import MainWindow  # noqa: E402
from inspector_app.gui.new_inspection import NewInspectionDialog  # noqa: E402
from inspector_app.gui.settings import Settings  # noqa: E402

OUT = Path(__file__).resolve().parent


def settle(until=lambda: True, ms: int = 8000) -> None:
    """Let background work and painting finish."""
    waited = 0
    while waited < ms:
        loop = QEventLoop()
        QTimer.singleShot(50, loop.quit)
        loop.exec()
        waited += 50
        if until():
            break
    loop = QEventLoop()
    QTimer.singleShot(200, loop.quit)
    loop.exec()


def shoot(widget: QWidget, name: str) -> None:
    path = OUT / f"{name}.png"
    widget.grab().save(str(path))
    print(path)


def _conflicts(window: QWidget) -> list:
    return [d for d in window.findChildren(ConflictDialog) if d.isVisible()]


def main() -> int:
    app = make_app()
    settings_file = Path(tempfile.mkdtemp()) / "settings.ini"
    window = MainWindow(Settings(settings_file))
    window.resize(1280, 820)
    window.show()
    settle()
    shoot(window, "start")

    window.open_demo()
    settle(lambda: window.pages.currentWidget() is window.unlock)
    shoot(window, "unlock")

    window.unlock.secret.setText(window.session.hint.split(": ", 1)[1])
    window.unlock.unlock.click()
    workspace = window.workspace
    settle(lambda: workspace.list.model.rowCount() > 0)
    rows = workspace.list.model.rows
    review = next(i for i, r in enumerate(rows) if r.heading.startswith("Child A:"))
    workspace.list.table.selectRow(review)
    settle(lambda: workspace.editor.note is not None)
    shoot(window, "evidence")

    workspace.list.search.setText("autism wait")
    settle(lambda: workspace.list.model.rowCount() < len(rows))
    shoot(window, "search")
    workspace.list.search.clear()

    workspace.tabs.setCurrentWidget(workspace.coverage)
    settle(lambda: workspace.coverage.model.rowCount() > 0)
    shoot(window, "coverage")

    workspace.tabs.setCurrentWidget(workspace.children)
    settle(lambda: workspace.children.model.rowCount() > 0)
    shoot(window, "child-register")

    workspace.tabs.setCurrentWidget(workspace.team)
    settle(lambda: workspace.team.model.rowCount() > 0)
    shoot(window, "team-sync")

    workspace.tabs.setCurrentWidget(workspace.findings)
    findings = workspace.findings
    findings.question.setCurrentIndex(findings.question.findData("B"))
    settle(lambda: findings.columns["weakness"].count() > 0)
    findings.columns["weakness"].setCurrentRow(0)
    settle(lambda: findings.evidence.count() > 0)
    shoot(window, "findings")

    workspace.tabs.setCurrentWidget(workspace.team)
    workspace.team._resolve_selected()
    settle(lambda: any(d.isVisible() and d.columns.count() for d in _conflicts(window)))
    for conflict in _conflicts(window):
        shoot(conflict, "conflict")
        conflict.reject()

    dialog = NewInspectionDialog(window.session.runner, window)
    dialog.area.setText("Northmoor")
    dialog.inspector.setText("Sam Okafor")
    dialog.show()
    settle()
    shoot(dialog, "new-inspection")
    dialog.close()

    window.close()
    app.processEvents()
    return 0


if __name__ == "__main__":
    sys.exit(main())
