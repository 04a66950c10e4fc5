"""The open inspection as the app sees it: one object, one worker thread, three signals.

Views never touch the core directly: they ask the session to run an operation (see
``operations.py``) on the worker thread, and refresh themselves when ``changed`` fires.
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any

from PySide6.QtCore import QObject, Signal

from inspector_app.core.store import Inspection
from inspector_app.gui.tasks import TaskRunner


class Session(QObject):
    changed = Signal()  # the inspection's data changed: views reload
    opened = Signal()  # an inspection was unlocked
    closed = Signal()  # locked or closed: views must clear what they show

    def __init__(self, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self.runner = TaskRunner(self)
        self.inspection: Inspection | None = None
        self.path: Path | None = None
        self.hint = ""  # shown on the unlock screen (the demo's passphrase)

    @property
    def is_open(self) -> bool:
        return self.inspection is not None

    def run(
        self,
        op: Callable[..., Any],
        *args: Any,
        on_success: Callable[[Any], None] | None = None,
        on_failure: Callable[[Exception], None] | None = None,
        on_progress: Callable[[int, int], None] | None = None,
        changes: bool = False,
        **kwargs: Any,
    ) -> None:
        """Run ``op(inspection, *args)`` on the worker; ``changes`` tells views to reload."""
        inspection = self.inspection
        if inspection is None:
            return

        def succeeded(result: Any) -> None:
            if self.inspection is not inspection:
                return  # locked while it ran: show nothing from the old session
            if on_success:
                on_success(result)
            if changes:
                self.changed.emit()

        self.runner.run(
            op,
            inspection,
            *args,
            on_success=succeeded,
            on_failure=on_failure,
            on_progress=on_progress,
            **kwargs,
        )

    def unlock(
        self,
        path: Path,
        secret: str,
        on_failure: Callable[[Exception], None],
    ) -> None:
        """Derive the key and open the file in the background; ``opened`` fires when ready."""
        self.runner.run(Inspection.open, path, secret, on_success=self.adopt, on_failure=on_failure)

    def adopt(self, inspection: Inspection) -> None:
        """Make an already unlocked inspection the open one."""
        self.inspection = inspection
        self.path = inspection.path
        self.opened.emit()

    def lock(self) -> None:
        """Drop the key and the working set; views clear themselves on ``closed``."""
        inspection, self.inspection = self.inspection, None
        if inspection is None:
            return
        self.runner.wait()
        inspection.close()
        self.closed.emit()
