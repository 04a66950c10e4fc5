"""Background work: every core call runs on one worker thread, never on the UI thread.

One thread (not a pool of several) because an unlocked inspection is one SQLite connection:
its calls are serialised here, in submission order, the way Anki's task manager does it.
"""

from __future__ import annotations

import inspect
import sys
from collections.abc import Callable
from typing import Any

from PySide6.QtCore import QObject, QRunnable, QThreadPool, Signal


class TaskSignals(QObject):
    succeeded = Signal(object)
    failed = Signal(object)
    progress = Signal(int, int)


class Task(QRunnable):
    def __init__(self, fn: Callable[..., Any], *args: Any, **kwargs: Any) -> None:
        super().__init__()
        self.signals = TaskSignals()
        self.fn, self.args, self.kwargs = fn, args, kwargs
        if "progress" in inspect.signature(fn).parameters:
            self.kwargs["progress"] = self.signals.progress.emit

    def run(self) -> None:
        try:
            result = self.fn(*self.args, **self.kwargs)
        except Exception as exc:  # noqa: BLE001 - handed to the UI thread, shown as a dialog
            self.signals.failed.emit(exc)
            return
        self.signals.succeeded.emit(result)


class TaskRunner(QObject):
    """Runs callables in order on one long-lived worker thread."""

    def __init__(self, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self.pool = QThreadPool(self)
        self.pool.setMaxThreadCount(1)
        self.pool.setExpiryTimeout(-1)  # keep the same thread: the connection lives there
        self._running: set[Task] = set()

    def run(
        self,
        fn: Callable[..., Any],
        *args: Any,
        on_success: Callable[[Any], None] | None = None,
        on_failure: Callable[[Exception], None] | None = None,
        on_progress: Callable[[int, int], None] | None = None,
        **kwargs: Any,
    ) -> Task:
        task = Task(fn, *args, **kwargs)
        task.setAutoDelete(False)
        self._running.add(task)

        def finished(callback: Callable | None, value: Any) -> None:
            self._running.discard(task)
            if callback is not None:
                callback(value)
            elif isinstance(value, Exception):
                print(
                    f"inspector-app: background task failed: {type(value).__name__}",
                    file=sys.stderr,
                )

        task.signals.succeeded.connect(
            lambda value: finished(on_success or (lambda _: None), value)
        )
        task.signals.failed.connect(lambda exc: finished(on_failure, exc))
        if on_progress is not None:
            task.signals.progress.connect(on_progress)
        self.pool.start(task)
        return task

    def busy(self) -> bool:
        return bool(self._running)

    def wait(self, msecs: int = 30_000) -> bool:
        """Block until queued work is done (used before locking and on quit)."""
        return self.pool.waitForDone(msecs)
