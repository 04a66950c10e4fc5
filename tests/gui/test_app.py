"""The application as the desktop sees it: its icon, and a polite exit on SIGTERM or Ctrl+C."""

from __future__ import annotations

import os
import signal
from pathlib import Path

import pytest
from PySide6.QtWidgets import QApplication

from inspector_app.core.errors import StorageError
from inspector_app.gui.app import close_on_signals, make_app
from inspector_app.gui.errors import show_error
from inspector_app.gui.main_window import MainWindow
from tests.gui.helpers import WAIT_MS, error_dialogs, new_note, note_with_text


def test_the_app_and_its_windows_carry_the_icon(qtbot, window: MainWindow) -> None:
    app = make_app()
    assert not app.windowIcon().isNull()
    assert app.windowIcon().availableSizes(), "the icon file was not found or not readable"
    assert not window.windowIcon().isNull()


@pytest.fixture
def restored_signals():
    """Put back pytest's own handlers and wake-up descriptor after the test."""
    saved = {number: signal.getsignal(number) for number in (signal.SIGINT, signal.SIGTERM)}
    yield
    signal.set_wakeup_fd(-1)
    for number, handler in saved.items():
        signal.signal(number, handler)


@pytest.mark.parametrize("number", [signal.SIGTERM, signal.SIGINT])
def test_a_signal_closes_the_window_and_keeps_what_was_typed(
    qtbot, opened: MainWindow, inspection_path: Path, restored_signals, number
) -> None:
    editor = opened.workspace.editor
    close_on_signals(opened)
    new_note(qtbot, opened)
    qtbot.keyClicks(editor.text, "Logged out mid-sentence")
    assert editor.timer.isActive()  # the autosave has not fired yet
    opened.show_shortcuts()  # a dialog left open does not keep the app running

    os.kill(os.getpid(), number)

    def nothing_left_open() -> bool:  # then the app quits, as the last window has closed
        return not [w for w in QApplication.topLevelWidgets() if w.isVisible()]

    qtbot.waitUntil(nothing_left_open, timeout=WAIT_MS)
    assert not opened.session.is_open  # locked: the key is gone
    assert note_with_text(inspection_path, "Logged out mid-sentence") is not None


def test_an_error_already_on_show_is_not_shown_again(qtbot, opened: MainWindow) -> None:
    # A full disk fails every autosave: one box says so, not one more at every pause.
    full = StorageError("The disk is full; free some space.")
    for parent in (opened.workspace.editor, opened.workspace.findings, opened.workspace.editor):
        show_error(parent, full)
    assert len(error_dialogs(opened)) == 1
    show_error(opened.workspace.editor, StorageError("Something else went wrong."))
    assert len(error_dialogs(opened)) == 2
